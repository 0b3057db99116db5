/**
 * The keys table's pure logic (no 'vscode' import; unit-tested in test/unit/keys-table.test.ts): which gateway pages
 * make a table page, which column orders the gateway can give across every page, the rows a page shows (filtered and
 * sorted with the tree's comparator), and whether the order and the filter cover every key or only those loaded.
 */
import type { ApiKey } from '../../../core/types';
import type { KeyListOrder } from '../../../gateway/gateway';
import type { TableColumn, TableSort } from '../../../webview/keysTableProtocol';
import { keyComparator } from '../logic';

/** The most rows one list request may ask for (both gateways cap a page at 100). */
export const MAX_GATEWAY_PAGE = 100;

/**
 * The gateway pages (0-based, of `size` rows) that hold table page `page` of `pageSize` rows: one page when the
 * table's page fits a request, else consecutive ones (200 rows = two pages of 100).
 */
export function gatewayPages(
  page: number,
  pageSize: number,
  max = MAX_GATEWAY_PAGE,
): { readonly size: number; readonly pages: readonly number[] } {
  const size = Math.min(pageSize, max);
  const per = Math.ceil(pageSize / size);
  return { size, pages: Array.from({ length: per }, (_, i) => page * per + i) };
}

/** What the table knows about one connection's gateway. */
export interface TableCaps {
  readonly keyListOrders?: readonly KeyListOrder[];
  /** Each key reports its quota (AIHubMix); else the quota column is empty and not sortable. */
  readonly keyQuota: boolean;
  /** Keys report their last use. */
  readonly lastUsed: boolean;
  /** Where the spend column's figures come from: this month's usage per key, the key's used quota, or nowhere. */
  readonly spend: 'month' | 'used' | 'none';
}

/** The columns that can be sorted: one the gateway reports nothing for cannot (every key would tie). */
export function sortableColumns(caps: TableCaps): TableColumn[] {
  return (['name', 'status', 'quota', 'expiry', 'lastUsed', 'spend', 'created'] as const).filter(
    (c) =>
      (c !== 'quota' || caps.keyQuota) &&
      (c !== 'lastUsed' || caps.lastUsed) &&
      (c !== 'spend' || caps.spend !== 'none'),
  );
}

/** The order the gateway can read its whole list in for a column's order; undefined where it cannot. */
export function gatewayOrderFor(sort: TableSort | undefined, caps: TableCaps): KeyListOrder | undefined {
  if (!sort || sort.dir !== 'desc') return undefined;
  const order: KeyListOrder | undefined =
    sort.column === 'spend' && caps.spend === 'used'
      ? 'mostUsed'
      : sort.column === 'quota' && caps.keyQuota
        ? 'mostRemaining'
        : undefined;
  return order && caps.keyListOrders?.includes(order) ? order : undefined;
}

/** A key's figure for the spend column: the month's usage joined by id, or its used quota. */
export function spendOf(
  caps: TableCaps,
  monthly: ReadonlyMap<string, string> | undefined,
): (k: ApiKey) => string | undefined {
  if (caps.spend === 'used') return (k) => k.quota?.used?.amount;
  if (caps.spend === 'month')
    // a key the usage does not list spent nothing this month (the list holds every key that spent)
    return (k) => (monthly ? (monthly.get(k.id) ?? '0') : undefined);
  return () => undefined;
}

export function matchesText(k: ApiKey, text: string): boolean {
  const t = text.trim().toLowerCase();
  return t === '' || k.name.toLowerCase().includes(t) || k.maskedKey.toLowerCase().includes(t);
}

/** Where the rows come from and how far the order and the filter reach. */
export type TableScope =
  /** The gateway's own order, page by page. */
  | { readonly kind: 'gateway' }
  /** The gateway sorted its whole list in this order. */
  | { readonly kind: 'gatewaySorted' }
  /** Every key is loaded: order and filter cover all of them. */
  | { readonly kind: 'all'; readonly count: number }
  /** The gateway's name search: every match is here. */
  | { readonly kind: 'search'; readonly count: number }
  /** The order or the filter reaches only the keys on this page. */
  | { readonly kind: 'within'; readonly count: number; readonly total?: number };

export interface PageInput {
  /** The keys read: the current gateway page(s), every key (after Load all) or the search results. */
  readonly keys: readonly ApiKey[];
  readonly source: 'page' | 'all' | 'search';
  readonly sort?: TableSort;
  /** The order the page was read in on the gateway (absent: its own order). */
  readonly readIn?: KeyListOrder;
  readonly filter: string;
  readonly page: number;
  readonly pageSize: number;
  /** The gateway's total, where it reports one (paged source only). */
  readonly total?: number;
  readonly caps: TableCaps;
  readonly monthly?: ReadonlyMap<string, string>;
  readonly now?: number;
}

export interface PageResult {
  readonly rows: readonly ApiKey[];
  readonly scope: TableScope;
  /** Pages that exist (undefined: unknown, the gateway reports no total). */
  readonly pageCount?: number;
  readonly matched: number;
}

/** The rows of one table page, and what their order covers. */
export function pageRows(input: PageInput): PageResult {
  const { keys, sort, caps } = input;
  const filtered = keys.filter((k) => matchesText(k, input.filter));
  const sorted = sort
    ? [...filtered].sort(keyComparator(sort.column, sort.dir, spendOf(caps, input.monthly), input.now))
    : filtered;
  if (input.source === 'page') {
    const sortedOnGateway =
      sort !== undefined && input.readIn !== undefined && gatewayOrderFor(sort, caps) === input.readIn;
    const partial = (sort !== undefined && !sortedOnGateway) || input.filter.trim() !== '';
    const pageCount = input.total !== undefined ? Math.max(1, Math.ceil(input.total / input.pageSize)) : undefined;
    return {
      rows: sorted,
      scope: partial
        ? { kind: 'within', count: keys.length, ...(input.total !== undefined ? { total: input.total } : {}) }
        : sortedOnGateway
          ? { kind: 'gatewaySorted' }
          : { kind: 'gateway' },
      ...(pageCount !== undefined ? { pageCount } : {}),
      matched: filtered.length,
    };
  }
  const start = input.page * input.pageSize;
  return {
    rows: sorted.slice(start, start + input.pageSize),
    scope: input.source === 'all' ? { kind: 'all', count: keys.length } : { kind: 'search', count: filtered.length },
    pageCount: Math.max(1, Math.ceil(filtered.length / input.pageSize)),
    matched: filtered.length,
  };
}

/** The sort a header click gives: a new column starts in its natural direction, the same column flips, then clears. */
export function nextSort(current: TableSort | undefined, column: TableColumn): TableSort | undefined {
  const natural: 'asc' | 'desc' = column === 'name' || column === 'expiry' || column === 'status' ? 'asc' : 'desc';
  if (!current || current.column !== column) return { column, dir: natural };
  if (current.dir === natural) return { column, dir: natural === 'asc' ? 'desc' : 'asc' };
  return undefined;
}

/** Sums this month's usage rows per key (decimal strings, exact). */
export function spendByKey(
  rows: ReadonlyArray<{ readonly keyId?: string; readonly cost: { readonly amount: string } }>,
  add: (a: string, b: string) => string,
): Map<string, string> {
  const out = new Map<string, string>();
  for (const r of rows) if (r.keyId) out.set(r.keyId, add(out.get(r.keyId) ?? '0', r.cost.amount));
  return out;
}
