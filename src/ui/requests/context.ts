/**
 * What the request log page's parts share (browser code): the host's strings with their {0} placeholders filled,
 * the post of requestsProtocol messages, the view being shown, and the numbers, money, durations and times through
 * the extension's one formatter in the page's locale.
 */
import { formatInteger, formatMoney, formatMs } from '../../core/format';
import type { Money } from '../../core/money';
import type { RequestsInbound, RequestsStringKey, RequestsView } from '../../webview/requestsProtocol';

export type Strings = Record<RequestsStringKey, string>;

export interface PageContext {
  /** A host string, {0}… filled in (the key itself until the strings arrived). */
  readonly s: (k: RequestsStringKey, ...args: Array<string | number>) => string;
  readonly post: (msg: RequestsInbound) => void;
  /** The view the host sent last (undefined before the first). */
  readonly view: () => RequestsView | undefined;
  readonly count: (n: number | undefined) => string;
  /** One request's cost (a small one keeps up to 6 decimals). */
  readonly cost: (m: Money) => string;
  /** A sum of costs (the totals of the filter). */
  readonly total: (m: Money) => string;
  readonly ms: (n: number | undefined) => string;
  readonly time: (iso: string) => string;
}

export function pageContext(
  post: (msg: RequestsInbound) => void,
  locale: string,
  strings: () => Strings | undefined,
  view: () => RequestsView | undefined,
): PageContext {
  return {
    s: (k, ...args) => (strings()?.[k] ?? k).replace(/\{(\d+)\}/g, (_m, i: string) => String(args[Number(i)] ?? '')),
    post,
    view,
    count: (n) => (n === undefined ? '—' : formatInteger(n, locale)),
    cost: (m) => formatMoney(m, locale, 'unit'),
    total: (m) => formatMoney(m, locale, 'amount'),
    ms: (n) => (n === undefined ? '—' : formatMs(n, locale)),
    time: (iso) => new Intl.DateTimeFormat(locale, { dateStyle: 'short', timeStyle: 'medium' }).format(Date.parse(iso)),
  };
}
