/** One turn of the chat log in the DOM (browser code): its elements, its meta line, the buttons on its code blocks. */
import type { TurnView, UiStringKey } from '../../webview/protocol';
import { formatMoney as formatMoneyIn } from '../../core/format';
import type { Currency } from '../../core/money';
import { h } from '../common/dom';
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
  for (const [action, label] of [['copyCode', s('copy')], ['insertCode', s('insert')], ['openCode', s('openInEditor')]] as const) {
    bar.append(h('button', { type: 'button', class: 'code-action', 'data-code-action': action }, label));
  }
  const wrap = h('div', { class: 'code-block' });
  pre.replaceWith(wrap);
  wrap.append(bar, pre);
}

export function codeOf(button: Element): { code: string; language?: string } | undefined {
  const code = button.closest('.code-block')?.querySelector('pre > code');
  if (!code) return undefined;
  const lang = /(?:^|\s)language-([\w+#.-]{1,32})/.exec(code.className)?.[1];
  return { code: code.textContent ?? '', ...(lang ? { language: lang } : {}) };
}

export function metaText(v: TurnView, s: Strings): string {
  const parts: string[] = [];
  if (v.role === 'assistant' && v.model) parts.push(v.model);
  if (v.usage) parts.push(`${v.usage.totalTokens} ${s('tokens')} (${v.usage.promptTokens} + ${v.usage.completionTokens})`);
  if (v.cost) parts.push(`${s('cost')} ${formatMoney(v.cost.amount, v.cost.currency)}`);
  return parts.join(' · ');
}

/** The language the host wrote the page in (VS Code's display language). */
const locale = document.documentElement.lang || navigator.language;

/** A cost as the host formats money everywhere (core/format), with the digits a small per-answer cost needs. */
export function formatMoney(amount: string, currency: Currency): string {
  return formatMoneyIn({ amount, currency }, locale, 'exact');
}
