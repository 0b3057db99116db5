/**
 * What the keys table reads from the gateway, apart from the panel's state: what the gateway lets the table do (its
 * orders, quota, last use, spend), one table page (a page of 200 is two gateway pages of 100, in the gateway's order
 * where the sort is one it gives), every page of the list for Load all, and this month's spend per key. The panel
 * decides when to read and what to keep; these functions only read.
 */
import { type Currency, addDecimal } from '../../../core/money';
import type { ApiKey } from '../../../core/types';
import type { Gateway, KeyListOrder } from '../../../gateway/gateway';
import type { TablePageSize, TableSort } from '../../../webview/keysTableProtocol';
import { type TableCaps, gatewayOrderFor, gatewayPages, spendByKey } from './model';

/** Where the rows come from. */
export type Source =
  | { readonly kind: 'page'; readonly keys: ApiKey[]; readonly readIn?: KeyListOrder; readonly hasMore: boolean }
  | { readonly kind: 'all'; readonly keys: ApiKey[] }
  | { readonly kind: 'search'; readonly term: string; readonly keys: ApiKey[] };

/** What the gateway lets the table do, given the keys it holds. */
export function tableCaps(gateway: Gateway, keys: readonly ApiKey[]): TableCaps {
  const c = gateway.capabilities;
  return {
    ...(c.keyListOrders ? { keyListOrders: c.keyListOrders } : {}),
    keyQuota: c.keyQuota,
    // a gateway that reports no last use sends no field at all (AIone)
    lastUsed: keys.length === 0 || keys.some((k) => k.lastUsedAt !== undefined),
    spend: c.usageSeries ? 'month' : c.keyQuota ? 'used' : 'none',
  };
}

/** One table page, in the gateway's order for the sort where it gives one; onTotal hears each total reported. */
export async function readPage(
  gateway: Gateway,
  q: {
    readonly sort: TableSort | undefined;
    readonly caps: TableCaps;
    readonly page: number;
    readonly pageSize: TablePageSize;
  },
  signal: AbortSignal,
  onTotal: (total: number) => void,
): Promise<Source> {
  const readIn = gatewayOrderFor(q.sort, q.caps);
  const { size, pages } = gatewayPages(q.page, q.pageSize);
  const keys: ApiKey[] = [];
  let hasMore = true;
  for (const p of pages) {
    const r = await gateway.listKeys({ page: p, pageSize: size, signal, ...(readIn ? { order: readIn } : {}) });
    keys.push(...r.items.filter((k) => !keys.some((x) => x.id === k.id)));
    if (r.total !== undefined) onTotal(r.total);
    hasMore = r.hasMore && r.items.length > 0;
    if (!hasMore) break;
  }
  return { kind: 'page', keys, hasMore, ...(readIn ? { readIn } : {}) };
}

/**
 * Every page of the gateway's list into keys (each key once). After each page onPage hears the total reported (if
 * any) and says whether to go on; false: the read stops and false is returned.
 */
export async function readEveryKey(
  gateway: Gateway,
  keys: ApiKey[],
  signal: AbortSignal,
  onPage: (total: number | undefined) => boolean,
): Promise<boolean> {
  const seen = new Set<string>();
  for (let p = 0; ; p++) {
    const r = await gateway.listKeys({ page: p, pageSize: 100, signal });
    for (const k of r.items) {
      if (seen.has(k.id)) continue;
      seen.add(k.id);
      keys.push(k);
    }
    if (!onPage(r.total)) return false;
    if (!r.hasMore || r.items.length === 0) return true;
  }
}

/** This month's spend per key (UTC month, from the gateway's usage per key), and its currency. */
export async function readMonthlySpend(
  gateway: Gateway,
  signal: AbortSignal,
): Promise<{ monthly: Map<string, string>; currency: Currency }> {
  const now = new Date();
  const start = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1);
  const rows = await gateway.queryUsage({ start, end: now.getTime() + 1, groupBy: 'key' }, { signal });
  return {
    monthly: spendByKey(rows, (a, b) => addDecimal(a, b)),
    currency: rows[0]?.cost.currency ?? gateway.capabilities.currency,
  };
}
