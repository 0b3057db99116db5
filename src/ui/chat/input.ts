/**
 * The chat's user input (browser code): the composer (Enter sends, Shift+Enter a new line, Escape stops or leaves
 * an edit), the toolbar and settings controls, the code-block and turn buttons, links. Everything goes to the host
 * as a protocol message; nothing here changes the conversation itself.
 */
import type { ChatInbound, ChatStateView, UiStringKey } from '../../webview/protocol';
import { h } from '../common/dom';
import type { ChatLayout } from './layout';
import { codeOf, codeText, type TurnDom } from './turn';

export interface InputContext {
  readonly dom: ChatLayout;
  readonly post: (m: ChatInbound) => void;
  readonly s: (k: UiStringKey) => string;
  /** Saves the draft in the webview state. */
  readonly persist: () => void;
  /** An answer is streaming (nothing is sent meanwhile). */
  readonly busy: () => boolean;
  /** A message was sent: follow the stream again. */
  readonly onSent: () => void;
  readonly turns: ReadonlyMap<string, TurnDom>;
}

/** Wires the input controls once, at start. */
export function wireInput(c: InputContext): void {
  const { post, s, persist } = c;
  const {
    connSelect,
    modelBtn,
    settingsItem,
    searchItem,
    moreBtn,
    moreMenu,
    settings,
    keyBtn,
    newBtn,
    historyBtn,
    refreshBtn,
    sysPrompt,
    temp,
    maxTok,
    log,
    input,
    sendBtn,
    stopBtn,
    addSelBtn,
    addFileBtn,
    composer,
  } = c.dom;
  let editing = false;
  const editBar = h('div', { class: 'edit-bar', role: 'status' });
  editBar.hidden = true;
  composer.prepend(editBar);
  function setEditing(on: boolean): void {
    editing = on;
    editBar.hidden = !on;
    if (on) {
      const cancel = h('button', { type: 'button', class: 'link' }, s('cancelEdit'));
      cancel.addEventListener('click', () => {
        setEditing(false);
        input.value = '';
        input.focus();
      });
      editBar.replaceChildren(h('span', {}, s('editing')), cancel);
    }
  }
  function send(): void {
    const text = input.value.trim();
    if (!text || c.busy()) return;
    if (editing) post({ type: 'editLast', text });
    else post({ type: 'send', text });
    setEditing(false);
    input.value = '';
    persist();
    c.onSent();
  }
  input.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing && e.keyCode !== 229) {
      e.preventDefault();
      send();
    }
  });
  input.addEventListener('input', persist);
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && c.busy()) {
      e.preventDefault();
      post({ type: 'stop' });
    } else if (e.key === 'Escape' && editing) {
      setEditing(false);
      input.value = '';
    }
  });
  sendBtn.addEventListener('click', send);
  addSelBtn.addEventListener('click', () => post({ type: 'addContext', source: 'selection' }));
  addFileBtn.addEventListener('click', () => post({ type: 'addContext', source: 'file' }));
  stopBtn.addEventListener('click', () => post({ type: 'stop' }));
  newBtn.addEventListener('click', () => post({ type: 'newConversation' }));
  historyBtn.addEventListener('click', () => post({ type: 'showHistory' }));
  keyBtn.addEventListener('click', () => post({ type: 'pickKey' }));
  wireMenu(moreBtn, moreMenu);
  refreshBtn.addEventListener('click', () => post({ type: 'refreshModels' }));
  settingsItem.addEventListener('click', () => {
    const d = settings;
    d.open = !d.open;
    if (d.open) sysPrompt.focus();
  });
  searchItem.addEventListener('click', () => post({ type: 'searchHistory' }));
  modelBtn.addEventListener('click', () => post({ type: 'pickModel' }));
  connSelect.addEventListener('change', () => {
    if (connSelect.value) post({ type: 'selectConnection', connectionId: connSelect.value });
  });
  sysPrompt.addEventListener('change', () => post({ type: 'updateSettings', systemPrompt: sysPrompt.value }));
  temp.addEventListener('change', () => {
    const v = temp.value.trim() === '' ? null : Number(temp.value);
    if (v === null || (Number.isFinite(v) && v >= 0 && v <= 2)) post({ type: 'updateSettings', temperature: v });
  });
  maxTok.addEventListener('change', () => {
    const v = maxTok.value.trim() === '' ? null : Number(maxTok.value);
    if (v === null || (Number.isInteger(v) && v >= 1)) post({ type: 'updateSettings', maxTokens: v });
  });

  log.addEventListener('click', (e) => {
    const target = e.target as Element | null;
    const codeBtn = target?.closest?.('button[data-code-action]');
    if (codeBtn) {
      const c = codeOf(codeBtn);
      if (!c) return;
      const action = codeBtn.getAttribute('data-code-action');
      if (action === 'copyCode') {
        post({ type: 'copyCode', code: c.code });
        codeBtn.textContent = s('copied');
        setTimeout(() => {
          codeBtn.textContent = s('copy');
        }, 1500);
      } else if (action === 'insertCode') post({ type: 'insertCode', code: c.code });
      else if (action === 'openCode')
        post({ type: 'openCode', code: c.code, ...(c.language ? { language: c.language } : {}) });
      return;
    }
    const step = target?.closest?.('button[data-variant]');
    if (step) {
      const turnId = step.getAttribute('data-turn-id') ?? '';
      const index = Number(step.getAttribute('data-index'));
      if (turnId && Number.isInteger(index) && index >= 0 && !c.busy()) post({ type: 'selectVariant', turnId, index });
      return;
    }
    const turnBtn = target?.closest?.('button[data-turn-action]');
    if (turnBtn && !c.busy()) {
      if (turnBtn.getAttribute('data-turn-action') === 'regenerate') post({ type: 'regenerate' });
      else {
        const last = [...c.turns.values()].reverse().find((t) => t.view.role === 'user');
        if (last) {
          input.value = last.view.content;
          setEditing(true);
          input.focus();
        }
      }
    }
  });

  // links in answers open only on click, through the host (which accepts only http(s))
  log.addEventListener('click', (e) => {
    const a = (e.target as Element | null)?.closest?.('a');
    if (!a) return;
    e.preventDefault();
    const href = a.getAttribute('href');
    if (href && /^https?:\/\//i.test(href)) post({ type: 'openLink', url: href, text: codeText(a).slice(0, 2000) }); // the text as it came, placeholders aside
  });
}

/** The context chips above the composer, each with its remove button. */
export function renderChips(
  chips: HTMLElement,
  items: ChatStateView['context'],
  s: (k: UiStringKey) => string,
  post: (m: ChatInbound) => void,
): void {
  chips.replaceChildren(
    ...items.map((c) => {
      const remove = h(
        'button',
        {
          type: 'button',
          class: 'chip-remove',
          'aria-label': `${s('removeContext')} ${c.label}`,
          title: s('removeContext'),
        },
        '×',
      );
      remove.addEventListener('click', () => post({ type: 'removeContext', id: c.id }));
      return h('span', { class: 'chip', role: 'listitem' }, c.label, remove);
    }),
  );
  chips.hidden = items.length === 0;
}

/**
 * The "…" menu: opens below its button; arrow keys move between its items, Escape or a click elsewhere closes it
 * (focus back on the button); choosing an item closes it.
 */
function wireMenu(button: HTMLElement, menu: HTMLElement): void {
  const items = (): HTMLElement[] => Array.from(menu.querySelectorAll<HTMLElement>('[role="menuitem"]'));
  const setOpen = (open: boolean, focus = true): void => {
    menu.hidden = !open;
    button.setAttribute('aria-expanded', String(open));
    if (open) items()[0]?.focus();
    else if (focus) button.focus();
  };
  button.addEventListener('click', () => setOpen(menu.hidden));
  menu.addEventListener('click', (e) => {
    if ((e.target as Element | null)?.closest?.('[role="menuitem"]')) setOpen(false, false);
  });
  menu.addEventListener('keydown', (e) => {
    const list = items();
    const at = list.indexOf(document.activeElement as HTMLElement);
    if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      setOpen(false);
    } else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const step = e.key === 'ArrowDown' ? 1 : -1;
      list[(at + step + list.length) % list.length]?.focus();
    }
  });
  document.addEventListener('click', (e) => {
    if (!menu.hidden && !button.parentElement?.contains(e.target as Node)) setOpen(false, false);
  });
}
