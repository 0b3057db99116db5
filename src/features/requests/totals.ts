/**
 * The totals of a request log's filter, as the panel shows them: what its first page already gives (the gateway's
 * own totals, or the whole filter when it fits on one page; our price of it when the models have prices), and the
 * sum over every page for what the first page did not give.
 */
import { type RequestFilter, type RequestPage, addToTotals, emptyTotals } from '../../core/requestLog';
import type { Money } from '../../core/money';
import type { GatewayKind, ModelPrice } from '../../core/types';
import type { Gateway } from '../../gateway/gateway';
import { userMessage } from '../../platform/errors';
import type { OurTotalsView, TotalsView } from '../../webview/requestsProtocol';
import { addOurPrices, emptyOurSum, ourTotalsView } from './pricing';
import { sumAllPages } from './query';

/** What the first page (`page` 0 or another) gives; `readAll`: every page is to be read, and for the sum or not. */
export function totalsOfFirstPage(
  p: RequestPage,
  page: number,
  prices: ReadonlyMap<string, ModelPrice>,
  kind: GatewayKind,
  currency: Money['currency'],
): { totals?: TotalsView; ours?: OurTotalsView; readAll?: { readonly sum: boolean } } {
  const whole = page === 0 && !p.hasMore;
  const ours: OurTotalsView | undefined =
    prices.size === 0
      ? { status: 'unavailable' }
      : whole
        ? ourTotalsView(addOurPrices(emptyOurSum(currency), p.items, prices, kind), kind)
        : undefined;
  const totals: TotalsView | undefined = p.totals
    ? { status: 'ready', source: 'gateway', totals: p.totals }
    : whole
      ? { status: 'ready', source: 'summed', totals: addToTotals(emptyTotals(currency), p.items), pages: 1 }
      : undefined;
  // every page is read once for what the first did not give: the sum of the totals, our price of them all
  const readAll = !whole && (!p.totals || prices.size > 0) ? { sum: !p.totals } : undefined;
  return { ...(totals ? { totals } : {}), ...(ours ? { ours } : {}), ...(readAll ? { readAll } : {}) };
}

/**
 * Reads every page of the filter: for the totals when the gateway reports none (`sum`), and for our price of them all
 * when the models have prices. `onPage` is told the pages read so far; undefined when the signal aborted.
 */
export async function sumFilter(
  g: Gateway,
  filter: RequestFilter,
  signal: AbortSignal,
  sum: boolean,
  pricing: { readonly prices: ReadonlyMap<string, ModelPrice>; readonly kind: GatewayKind },
  onPage: (pagesRead: number) => void,
): Promise<{ totals?: TotalsView; ours?: OurTotalsView } | undefined> {
  const { prices, kind } = pricing;
  const ours = prices.size > 0 ? emptyOurSum(g.capabilities.currency) : undefined;
  try {
    const all = await sumAllPages(
      g,
      filter,
      signal,
      onPage,
      ours ? (items) => addOurPrices(ours, items, prices, kind) : undefined,
    );
    if (!all) return undefined;
    return {
      ...(sum ? { totals: { status: 'ready', source: 'summed', totals: all.totals, pages: all.pages } } : {}),
      ...(ours ? { ours: ourTotalsView(ours, kind) } : {}),
    };
  } catch (e) {
    if (signal.aborted) return undefined;
    return {
      ...(sum ? { totals: { status: 'error', message: userMessage(e) } } : {}),
      ...(ours ? { ours: { status: 'unavailable' } } : {}),
    };
  }
}
