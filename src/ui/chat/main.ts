/**
 * The chat webview (browser code). It holds no secret and talks only to the host: `ready` asks for the whole
 * state; streamed text arrives as `delta` messages, is appended to a buffer and rendered once per animation frame;
 * only the open markdown block is re-parsed (closed blocks are rendered once, with highlighting, and kept).
 */
import type {
  ChatInbound,
  ChatOutbound,
  ChatPanelState,
  ChatStateView,
  TurnView,
  UiStringKey,
} from '../../webview/protocol';
import { appRoot, h } from '../common/dom';
import { webviewApi } from '../common/vscode';
import { createMarkdown } from './markdown';
import { applyLayoutStrings, applyToolbar, chatLayout } from './layout';
import { isChatPanelState } from './panelState';
import { EAGER_TURNS, TurnParking } from './parking';
import { sanitize } from './sanitize';
import { renderChips, wireInput } from './input';
import { type StreamContext, StreamView } from './stream';
import {
  decorateCode,
  enableVariantSwitch,
  errorNode,
  metaText,
  type TurnDom,
  variantSwitch,
  wireFixButtons,
} from './turn';
import { totalsNode, usageNode } from './usage';
import '@vscode/codicons/dist/codicon.css';
import './chat.css';

(() => {
  const vscode = webviewApi<ChatInbound, ChatOutbound, ChatPanelState>(isChatPanelState); // kept in this closure, never global
  const post = vscode.post;
  const saved: ChatPanelState = vscode.getState() ?? {};
  /** The webview's own state (VS Code keeps it while hidden and across a reload): the draft and which conversation. */
  const persist = (): void =>
    vscode.setState({ draft: input.value, ...(state ? { conversationId: state.conversationId } : {}) });

  let strings: Partial<Record<UiStringKey, string>> = {};
  const s = (k: UiStringKey): string => strings[k] ?? k;
  let state: ChatStateView | undefined;
  let mdHighlight = createMarkdown({ highlight: true });
  let mdPlain = createMarkdown({ highlight: false });

  // ---------- DOM skeleton ----------
  const app = appRoot();
  const dom = chatLayout(app);
  const { log, live, jumpBtn, flash, input, sendBtn, stopBtn, totals, chips } = dom;
  input.value = saved.draft ?? '';
  let flashTimer: ReturnType<typeof setTimeout> | undefined;
  const applyStrings = (): void => applyLayoutStrings(dom, s);

  // ---------- rendering of turns ----------
  const turns = new Map<string, TurnDom>();
  let conversationId: string | undefined;
  const parking = new TurnParking(log, (d) => fillTurn(d));

  function renderMarkdownInto(target: HTMLElement, text: string, highlight: boolean): void {
    target.replaceChildren(sanitize((highlight ? mdHighlight : mdPlain).render(text)));
    if (highlight) streamContext.decorate(target);
  }

  /** What a streaming answer's renderer needs from the panel (the markdown instances change with the UI strings). */
  const streamContext: StreamContext = {
    md: (highlight) => (highlight ? mdHighlight : mdPlain),
    decorate: (root) => {
      for (const pre of Array.from(root.querySelectorAll('pre'))) decorateCode(pre, s);
    },
    schedule: (v) => scheduleFrame(v),
  };

  // one animation frame renders every view with new text
  const dirty = new Set<StreamView>();
  let frameRequested = false;
  function scheduleFrame(v: StreamView): void {
    dirty.add(v);
    if (frameRequested) return;
    frameRequested = true;
    requestAnimationFrame(() => {
      frameRequested = false;
      const follow = stick;
      for (const d of dirty) d.frame();
      dirty.clear();
      afterContentChange(follow);
    });
  }

  function renderTurnChrome(d: TurnDom): void {
    const v = d.view;
    d.el.classList.toggle('stopped', v.status === 'stopped');
    d.el.classList.toggle('error', v.status === 'error');
    d.el.classList.toggle('streaming', v.status === 'streaming');
    d.el.setAttribute('aria-busy', v.status === 'streaming' ? 'true' : 'false');
    const bits: Array<Node | string> = [metaText(v)];
    const usage = usageNode(s, v.usage, v.cost, v.breakdown);
    if (usage) bits.push(bits[0] ? ' · ' : '', usage);
    if (v.status === 'stopped') bits.push(h('span', { class: 'badge' }, s('stopped')));
    if (v.status === 'streaming' && !v.content) bits.push(h('span', { class: 'badge' }, s('thinking')));
    d.meta.replaceChildren(...bits);
    // the switcher is rebuilt with the turn; a keyboard user's focus stays on the button they pressed
    const old = d.el.querySelector('.variant-switch');
    const focused = old?.contains(document.activeElement) ? document.activeElement?.getAttribute('data-variant') : null;
    old?.remove();
    const sw = variantSwitch(v, s);
    if (sw) {
      d.meta.before(sw);
      enableVariantSwitch(sw, busy, v);
      if (focused) {
        const b = sw.querySelector<HTMLButtonElement>(`button[data-variant="${focused}"]`);
        (b && !b.disabled ? b : sw.querySelector<HTMLButtonElement>('button:not([disabled])'))?.focus();
      }
    }
    d.el.querySelector('.turn-error')?.remove();
    const err = errorNode(v);
    if (err) d.el.append(err);
    turnActionsSoon();
  }

  /** The turn actions are placed once per task, however many turns changed (a 1,000-message state is one pass). */
  let actionsQueued = false;
  function turnActionsSoon(): void {
    if (actionsQueued) return;
    actionsQueued = true;
    queueMicrotask(() => {
      actionsQueued = false;
      updateTurnActions();
    });
  }

  /** Regenerate on the last answer, Edit on the last user message (only when nothing streams). */
  function updateTurnActions(): void {
    const list = Array.from(turns.values());
    const lastUser = [...list].reverse().find((t) => t.view.role === 'user');
    const lastAnswer = [...list].reverse().find((t) => t.view.role === 'assistant');
    for (const t of list) {
      const head = t.el.querySelector('.turn-head')!;
      head.querySelector('.turn-actions')?.remove();
      const sw = head.querySelector('.variant-switch');
      if (sw) enableVariantSwitch(sw, busy, t.view);
      if (busy) continue;
      if (t === lastUser)
        head.append(
          h(
            'span',
            { class: 'turn-actions' },
            h('button', { type: 'button', class: 'link', 'data-turn-action': 'edit' }, s('edit')),
          ),
        );
      if (t === lastAnswer && t.view.status !== 'streaming')
        head.append(
          h(
            'span',
            { class: 'turn-actions' },
            h('button', { type: 'button', class: 'link', 'data-turn-action': 'regenerate' }, s('regenerate')),
          ),
        );
    }
  }

  function createTurn(v: TurnView, defer = false): TurnDom {
    const who = h('div', { class: 'who' }, v.role === 'user' ? s('you') : s('assistant'));
    const meta = h('div', { class: 'meta' });
    const body = h('div', { class: 'body' });
    const el = h(
      'article',
      { class: `turn ${v.role}`, 'data-turn': v.id, 'aria-label': v.role === 'user' ? s('you') : s('assistant') },
      h('div', { class: 'turn-head' }, who, meta),
      body,
    );
    const d: TurnDom = { el, body, meta, view: v, rendered: false, parked: false };
    if (defer && v.role === 'assistant' && v.status !== 'streaming') {
      parking.defer(d);
      renderTurnChrome(d);
    } else {
      fillTurn(d);
    }
    parking.watch(d);
    return d;
  }

  function fillTurn(d: TurnDom): void {
    parking.unpark(d);
    d.rendered = true;
    const v = d.view;
    if (v.role === 'user') {
      const ctx = (v.context ?? []).map((label) => h('span', { class: 'chip', role: 'listitem' }, label));
      d.body.replaceChildren(
        ...(ctx.length ? [h('div', { class: 'chips', role: 'list' }, ...ctx)] : []),
        h('div', { class: 'plain' }, v.content),
      ); // the user's text is shown as typed
    } else if (v.status === 'streaming') {
      d.stream = new StreamView(d.body, v.content, streamContext);
    } else {
      d.stream = undefined;
      renderMarkdownInto(d.body, v.content, true);
    }
    renderTurnChrome(d);
  }

  function applyState(next: ChatStateView): void {
    const first = !state;
    const switched = state?.conversationId !== next.conversationId;
    state = next;
    if (switched) persist();
    if (JSON.stringify(strings) !== JSON.stringify(next.strings)) {
      strings = next.strings;
      mdHighlight = createMarkdown({ highlight: true, imageLabel: s('image') });
      mdPlain = createMarkdown({ highlight: false, imageLabel: s('image') });
      applyStrings();
    }
    applyToolbar(dom, next, s);

    // turns: keep what did not change, rebuild what did
    if (conversationId !== next.conversationId) {
      conversationId = next.conversationId;
      for (const d of turns.values()) parking.unwatch(d);
      turns.clear();
      log.replaceChildren();
    }
    const keep = new Set(next.turns.map((t) => t.id));
    for (const [id, d] of turns)
      if (!keep.has(id)) {
        parking.unwatch(d);
        d.el.remove();
        turns.delete(id);
      }
    const follow = stick || first;
    let prev: HTMLElement | undefined;
    const eagerFrom = next.turns.length - EAGER_TURNS;
    for (const [i, v] of next.turns.entries()) {
      let d = turns.get(v.id);
      if (!d) {
        d = createTurn(v, i < eagerFrom);
        turns.set(v.id, d);
      } else if (
        d.stream &&
        v.status === 'streaming' &&
        d.view.status === 'streaming' &&
        v.content.length >= d.stream.received &&
        v.content.startsWith(d.view.content)
      ) {
        // the same stream, further along: append the rest instead of re-rendering
        d.stream.push(v.content.slice(d.stream.received));
        d.view = v;
        renderTurnChrome(d);
      } else if (d.view.content !== v.content || d.view.status !== v.status) {
        d.view = v;
        fillTurn(d);
      } else if (JSON.stringify(d.view) !== JSON.stringify(v)) {
        d.view = v;
        renderTurnChrome(d);
      }
      const want = prev ? prev.nextSibling : log.firstChild;
      if (want !== d.el) log.insertBefore(d.el, want);
      prev = d.el;
    }
    renderChips(chips, next.context, s, post);
    setBusy(next.busy);
    setTotals(next.totals);
    afterContentChange(follow);
  }

  let busy = false;
  function setBusy(b: boolean): void {
    const changed = busy !== b;
    busy = b;
    if (changed) turnActionsSoon();
    sendBtn.hidden = b;
    stopBtn.hidden = !b;
    log.setAttribute('aria-busy', b ? 'true' : 'false');
  }

  function setTotals(t: ChatStateView['totals']): void {
    totals.replaceChildren(totalsNode(s, t));
  }

  // ---------- follow the stream ----------
  let stick = true;
  log.addEventListener(
    'scroll',
    () => {
      parking.noteScroll();
      stick = log.scrollHeight - log.scrollTop - log.clientHeight < 32;
      if (stick) jumpBtn.hidden = true;
    },
    { passive: true },
  );
  function afterContentChange(follow: boolean): void {
    if (follow) {
      log.scrollTop = log.scrollHeight;
      stick = true;
      jumpBtn.hidden = true;
    } else if (log.scrollHeight - log.scrollTop - log.clientHeight >= 32) {
      jumpBtn.hidden = false;
    }
  }
  jumpBtn.addEventListener('click', () => {
    log.scrollTop = log.scrollHeight;
    stick = true;
    jumpBtn.hidden = true;
    log.focus();
  });

  // ---------- host messages ----------
  vscode.onMessage((msg) => {
    switch (msg.type) {
      case 'state':
        applyState(msg.state);
        break;
      case 'delta': {
        const d = turns.get(msg.turnId);
        if (!d?.stream) {
          post({ type: 'resync' });
          return;
        }
        const have = d.stream.received;
        if (msg.offset > have) {
          post({ type: 'resync' });
          return;
        }
        const text = msg.text.slice(have - msg.offset);
        d.view = { ...d.view, content: d.view.content + text };
        if (d.view.content.length && d.meta.querySelector('.badge')) renderTurnChrome(d);
        d.stream.push(text);
        break;
      }
      case 'refused': {
        // the host runs one answer at a time: say so, and give the typed text back when the box is still empty
        if (msg.draft !== undefined && !input.value.trim()) {
          input.value = msg.draft;
          persist();
        }
        flash.textContent = msg.message;
        flash.hidden = false;
        if (flashTimer) clearTimeout(flashTimer);
        flashTimer = setTimeout(() => {
          flash.hidden = true;
          flash.textContent = '';
        }, 6000);
        break;
      }
      case 'turn': {
        const d = turns.get(msg.turn.id);
        if (!d) {
          post({ type: 'resync' });
          return;
        }
        const complete = d.stream && d.stream.received === msg.turn.content.length;
        d.view = msg.turn;
        if (complete && d.stream) {
          d.stream.finish();
          d.stream = undefined;
          renderTurnChrome(d);
        } else {
          fillTurn(d);
        }
        setBusy(msg.busy);
        setTotals(msg.totals);
        afterContentChange(stick);
        announce(d);
        break;
      }
    }
  });

  function announce(d: TurnDom): void {
    const text = d.body.textContent ?? '';
    const status = d.view.status === 'stopped' ? ` (${s('stopped')})` : d.view.error ? ` — ${d.view.error}` : '';
    live.textContent = `${s('assistant')}: ${text.slice(0, 4000)}${status}`;
  }

  wireInput({
    dom,
    post,
    s,
    persist,
    busy: () => busy,
    onSent: () => {
      stick = true;
    },
    turns,
  });

  wireFixButtons(log, post, (id) => turns.get(id)?.view);

  post({ type: 'ready' });
  input.focus();
})();
