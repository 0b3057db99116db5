/**
 * A chat message's usage and cost (browser code): one summary line (tokens, cost, what the cache saved) that opens
 * onto the cost by token class — uncached input, cached input, cache write, output with its reasoning share — and
 * the gateway's own figure when it reported one, flagged when it differs from the price list. The conversation's
 * total uses the same rendering, and counts every answer that was paid for (regenerated ones too). Money goes through the one formatter (core/format); amounts stay decimal strings.
 */
import { formatInteger, formatMoney } from '../../core/format';
import type { Currency } from '../../core/money';
import type { CostBreakdown, PricedClass } from '../../core/pricing';
import type { MoneyView, UiStringKey, UsageView } from '../../webview/protocol';
import { icon } from './layout';
import './usage.css';

type Strings = (k: UiStringKey) => string;

/** Per-message figures are small: up to 6 fraction digits (the exact decimal is in the tooltip). */
const DIGITS = { minFraction: 2, maxFraction: 6 } as const;

function locale(): string {
  return document.documentElement.lang || 'en';
}

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  cls: string,
  ...children: Array<Node | string>
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  e.append(...children);
  return e;
}

function moneyText(amount: string, currency: Currency): HTMLElement {
  const e = el('span', 'money', formatMoney({ amount, currency }, locale(), DIGITS));
  e.title = `${amount} ${currency}`;
  return e;
}

function signed(amount: string, currency: Currency): HTMLElement {
  const e = moneyText(amount.startsWith('-') ? amount.slice(1) : amount, currency);
  e.prepend(amount.startsWith('-') ? '−' : '+');
  return e;
}

function row(s: Strings, label: string, cls: string, c: PricedClass, currency: Currency, note?: string): HTMLElement {
  const tr = el('tr', cls);
  tr.dataset['tokens'] = String(c.tokens);
  if (c.amount !== undefined) tr.dataset['amount'] = c.amount;
  const price = c.amount !== undefined ? moneyText(c.amount, currency) : el('span', 'no-price', s('noPrice'));
  tr.append(
    el('th', '', label),
    el('td', 'tokens', formatInteger(c.tokens, locale()), ...(note ? [el('span', 'note', ` ${note}`)] : [])),
    el('td', 'amount', price),
  );
  return tr;
}

/** The summary's cost: our amount ("at least" when a class has no price). */
function total(s: Strings, b: CostBreakdown): HTMLElement {
  const e = el('span', 'usage-total');
  if (b.unpriced.length) e.append(`${s('atLeast')} `);
  e.append(moneyText(b.amount, b.currency));
  return e;
}

function saved(s: Strings, b: CostBreakdown): HTMLElement | undefined {
  if (b.savedByCache === undefined) return undefined;
  const negative = b.savedByCache.startsWith('-');
  const e = el(
    'span',
    negative ? 'usage-saved negative' : 'usage-saved',
    `${negative ? s('cacheCostMore') : s('savedByCache')} `,
  );
  e.append(moneyText(negative ? b.savedByCache.slice(1) : b.savedByCache, b.currency));
  return e;
}

function table(s: Strings, b: CostBreakdown): HTMLElement {
  const tbody = el('tbody', '');
  const rows: HTMLElement[] = [
    row(s, s('usageInput'), 'input', b.input, b.currency),
    row(s, s('usageCached'), 'cached', b.cacheRead, b.currency),
    row(s, s('usageCacheWrite'), 'cache-write', b.cacheWrite, b.currency),
    row(
      s,
      s('usageOutput'),
      'output',
      b.output,
      b.currency,
      b.reasoningTokens > 0 ? `(${s('usageReasoning')} ${formatInteger(b.reasoningTokens, locale())})` : undefined,
    ),
  ];
  tbody.append(...rows);
  const t = el('table', 'usage-table', tbody);
  t.setAttribute('aria-label', s('costBreakdown'));
  return t;
}

function gatewayLine(s: Strings, b: CostBreakdown): HTMLElement | undefined {
  if (b.reported === undefined) return undefined;
  const e = el(
    'div',
    b.difference !== undefined ? 'usage-reported differs' : 'usage-reported',
    `${s('gatewayCost')} `,
    moneyText(b.reported, b.currency),
  );
  if (b.difference !== undefined) {
    const [before, after = ''] = s('costDiffers').split('{0}');
    e.append(icon('warning'), ` ${before ?? ''}`, signed(b.difference, b.currency), after);
  }
  return e;
}

/**
 * The usage of one answer: a `<details>` whose summary reads "1,234 tokens · $0.0078 · Saved by cache $0.0018" and
 * whose body is the cost by class. Without a breakdown (no price, or an answer saved before it was kept): the
 * tokens and the cost as they are.
 */
export function usageNode(
  s: Strings,
  usage: UsageView | undefined,
  cost: MoneyView | undefined,
  b: CostBreakdown | undefined,
): HTMLElement | undefined {
  if (!usage && !cost && !b) return undefined;
  const tokens = usage ? `${formatInteger(usage.totalTokens, locale())} ${s('tokens')}` : '';
  if (!b) {
    const e = el('span', 'usage', tokens);
    if (cost) e.append(tokens ? ' · ' : '', `${s('cost')} `, moneyText(cost.amount, cost.currency));
    return e;
  }
  const summary = el('summary', '');
  if (tokens) summary.append(tokens, ' · ');
  summary.append(total(s, b));
  const sv = saved(s, b);
  if (sv) summary.append(' · ', sv);
  if (b.difference !== undefined) summary.append(' ', icon('warning'));
  const d = el('details', 'usage', summary, table(s, b));
  const g = gatewayLine(s, b);
  if (g) d.append(g);
  return d;
}

/** The conversation's total: its tokens and cost, opening onto the same classes summed over the answers. */
export function totalsNode(
  s: Strings,
  t: {
    readonly tokens: number;
    readonly cost?: MoneyView;
    readonly breakdown?: CostBreakdown;
    readonly regenerated?: number;
  },
): Node | string {
  if (!t.tokens && !t.cost) return '';
  const wrap = el('span', 'usage-totals', `${s('conversationTotal')}: `);
  // every answer paid for counts, the earlier answers of regenerated messages too: said on hover, and in words
  wrap.title = s('totalCountsEvery');
  const u = usageNode(s, { promptTokens: 0, completionTokens: 0, totalTokens: t.tokens }, t.cost, t.breakdown);
  if (u) wrap.append(u);
  if (t.regenerated)
    wrap.append(
      el(
        'span',
        'usage-regenerated',
        ` (${s('totalRegenerated').replace('{0}', formatInteger(t.regenerated, locale()))})`,
      ),
    );
  return wrap;
}
