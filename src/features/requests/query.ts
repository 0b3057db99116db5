/**
 * The request log panel's filter as the gateway takes it, kept apart from the panel's state and messages: the time
 * range of a preset or of custom days, the filter with the key by id and by name, the sum of every page of a filter
 * (for a gateway that reports no totals), and the export's default file name.
 */
import type { Gateway } from '../../gateway/gateway';
import {
  addToTotals,
  emptyTotals,
  type RequestFilter,
  type RequestRecord,
  type RequestTotals,
} from '../../core/requestLog';
import type { FilterChoices, KeyChoice } from '../../webview/requestsProtocol';

/** Pages read per call when summing or exporting (the most the gateways take). */
export const BULK_PAGE_SIZE = 100;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** The filter's time range in ms: a preset ends now; custom days are local calendar days, both included. */
export function rangeOf(f: FilterChoices, now: number): { start: number; end: number } {
  if ('preset' in f.range) {
    const span = { '24h': DAY, '7d': 7 * DAY, '14d': 14 * DAY, '30d': 30 * DAY }[f.range.preset];
    return { start: now - span, end: now };
  }
  const local = (d: string, plusDays = 0): number => {
    const [y, m, day] = d.split('-').map(Number) as [number, number, number];
    return new Date(y, m - 1, day + plusDays).getTime();
  };
  const a = local(f.range.from);
  const b = local(f.range.to, 1);
  return a <= b ? { start: a, end: b } : { start: local(f.range.to), end: local(f.range.from, 1) };
}

/** The filter as the gateway takes it (the key by id and by name: each gateway uses the one it filters by). */
export function toRequestFilter(
  filter: FilterChoices,
  keys: readonly KeyChoice[],
  range: { readonly start: number; readonly end: number },
): RequestFilter {
  const key = filter.keyId ? keys.find((k) => k.id === filter.keyId) : undefined;
  return {
    ...range,
    ...(filter.keyId ? { keyId: filter.keyId } : {}),
    ...(key ? { keyName: key.name } : {}),
    ...(filter.model ? { model: filter.model } : {}),
    ...(filter.status ? { status: filter.status } : {}),
  };
}

/**
 * Sums every page of a filter; `onPage` is told how many pages were read after each one that has a next, `onItems` is
 * given each page's records (for sums of its own). Undefined
 * when the signal aborted; a gateway's error is thrown.
 */
export async function sumAllPages(
  g: Gateway,
  filter: RequestFilter,
  signal: AbortSignal,
  onPage: (pagesRead: number) => void,
  onItems?: (items: readonly RequestRecord[]) => void,
): Promise<{ totals: RequestTotals; pages: number } | undefined> {
  let totals = emptyTotals(g.capabilities.currency);
  let page = 0;
  for (;;) {
    const p = await g.listRequests(filter, { page, pageSize: BULK_PAGE_SIZE, signal });
    if (signal.aborted) return undefined;
    totals = addToTotals(totals, p.items);
    onItems?.(p.items);
    page++;
    if (!p.hasMore) break;
    onPage(page);
  }
  return { totals, pages: page };
}

/** "requests-My-Gateway-2026-12-01.csv": the connection's label made safe for a file name, and the day. */
export function exportFileName(connectionLabel: string, format: 'csv' | 'json', now: number): string {
  const day = new Date(now).toISOString().slice(0, 10);
  const slug = connectionLabel.replace(/[^\p{L}\p{N}]+/gu, '-').replace(/^-|-$/g, '') || 'connection';
  return `requests-${slug}-${day}.${format}`;
}
