/** One turn of the chat log in the DOM (browser code): its elements, its meta line, the buttons on its code blocks. */
import type { ChatInbound, TurnView, UiStringKey } from '../../webview/protocol';
import { h } from '../common/dom';
import type { ChatIcon } from './icons';
import { icon as codicon } from './layout';
import type { StreamView } from './stream';

export type Strings = (k: UiStringKey) => string;

export interface TurnDom {
  el: HTMLElement;
  body: HTMLElement;
  meta: HTMLElement;
  view: TurnView;
  stream?: StreamView;
  /** The body holds the rendered content (it may be parked, out of the DOM). */
  rendered: boolean;
  /** The body is out of the DOM (far from the viewport); the article keeps a fixed height. */
  parked: boolean;
}

/** Copy / Insert at Cursor / Open in Editor on a finished code block (buttons are ours, not model output). */
export function decorateCode(pre: HTMLPreElement, s: Strings): void {
  const bar = h('div', { class: 'code-actions', role: 'group' });
  for (const [action, label] of [
    ['copyCode', s('copy')],
    ['insertCode', s('insert')],
    ['openCode', s('openInEditor')],
  ] as const) {
    bar.append(h('button', { type: 'button', class: 'code-action', 'data-code-action': action }, label));
  }
  const wrap = h('div', { class: 'code-block' });
  pre.replaceWith(wrap);
  wrap.append(bar, pre);
}

/** The text of a code element as it came: the ⟨U+XXXX⟩ placeholders of invisible characters left out. */
export function codeText(code: Element): string {
  if (!code.querySelector('.invisible-char')) return code.textContent ?? '';
  const copy = code.cloneNode(true) as Element;
  for (const p of copy.querySelectorAll('.invisible-char')) p.remove();
  return copy.textContent ?? '';
}

export function codeOf(button: Element): { code: string; language?: string } | undefined {
  const code = button.closest('.code-block')?.querySelector('pre > code');
  if (!code) return undefined;
  const lang = /(?:^|\s)language-([\w+#.-]{1,32})/.exec(code.className)?.[1];
  return { code: codeText(code), ...(lang ? { language: lang } : {}) };
}

export function metaText(v: TurnView): string {
  const parts: string[] = [];
  if (v.role === 'assistant' && v.model) parts.push(v.model);
  // tokens and cost: ./usage (the breakdown after this text)
  return parts.join(' · ');
}

/**
 * A failed answer's sentence and, under it, the buttons that fix it ("Allow gpt-4o on ci-bot", "Top up"…). The
 * buttons name a fix id and the turn; the host keeps what the fix does.
 */
export function errorNode(v: TurnView): HTMLElement | undefined {
  if (!v.error) return undefined;
  const box = h('div', { class: 'turn-error', role: 'alert' }, h('span', { class: 'turn-error-text' }, v.error));
  if (v.fixes?.length) {
    const bar = h('div', { class: 'fix-actions', role: 'group' });
    for (const f of v.fixes)
      bar.append(h('button', { type: 'button', class: 'fix-action', 'data-fix': f.id, 'data-turn-id': v.id }, f.label));
    box.append(bar);
  }
  return box;
}

/** Clicks on a fix button of any turn in the log (one listener; a click while a request runs is refused by the host). */
export function wireFixButtons(
  log: HTMLElement,
  post: (m: ChatInbound) => void,
  viewOf: (turnId: string) => TurnView | undefined,
): void {
  log.addEventListener('click', (e) => {
    const btn = (e.target as Element | null)?.closest?.('button[data-fix]');
    if (!btn) return;
    const turnId = btn.getAttribute('data-turn-id') ?? '';
    const fix = viewOf(turnId)?.fixes?.find((f) => f.id === btn.getAttribute('data-fix'));
    if (fix) post({ type: 'runFix', turnId, fix: fix.id });
  });
}

/**
 * The switcher of an answer with several variants: "‹ 2/3 ›", two buttons named "Previous answer" / "Next answer"
 * and the position read as "Answer 2 of 3". The buttons name the turn and the index to show; the host decides.
 */
export function variantSwitch(v: TurnView, s: Strings): HTMLElement | undefined {
  if (!v.variant || v.variant.count < 2) return undefined;
  const { index, count } = v.variant;
  const pos = s('answerOf')
    .replace('{0}', String(index + 1))
    .replace('{1}', String(count));
  const button = (dir: 'prev' | 'next', to: number, label: string, icon: ChatIcon): HTMLButtonElement =>
    h(
      'button',
      {
        type: 'button',
        class: 'variant-step',
        'data-variant': dir,
        'data-index': String(to),
        'data-turn-id': v.id,
        'aria-label': label,
        title: label,
      },
      codicon(icon),
    );
  return h(
    'span',
    { class: 'variant-switch', role: 'group', 'aria-label': s('answers') },
    button('prev', index - 1, s('previousAnswer'), 'chevron-left'),
    h('span', { class: 'variant-pos', 'aria-label': pos, title: pos }, `${index + 1}/${count}`),
    button('next', index + 1, s('nextAnswer'), 'chevron-right'),
  );
}

/** A switcher's buttons are off at either end and while an answer streams (the host would refuse). */
export function enableVariantSwitch(sw: Element, busy: boolean, v: TurnView): void {
  const count = v.variant?.count ?? 1;
  for (const b of Array.from(sw.querySelectorAll<HTMLButtonElement>('button[data-index]'))) {
    const to = Number(b.getAttribute('data-index'));
    b.disabled = busy || to < 0 || to >= count;
  }
}
