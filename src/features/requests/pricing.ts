/**
 * Our price of a request log row beside the gateway's: the row's tokens priced class by class with the model's own
 * prices (uncached input, cache reads, cache writes, output with reasoning inside it — core/pricing), and the
 * difference flagged when the two disagree beyond the gateway's rounding.
 *
 * The rounding rule: a gateway rounds each request it bills — AIone to 4 decimals of RMB (so up to ¥0.00005 a
 * request), one-api / new-api to whole quota units of $0.000002 (1/500,000 USD, so up to one unit a request). A row
 * of N requests (a daily total) or the totals of a filter may therefore differ by N times that; only a difference
 * beyond it is flagged. A row whose model lists no price, or a class without one, is not compared (a lower bound is
 * not a price). A failed request the gateway did not charge for costs nothing by our price either (the tokens it
 * counted were not billed); one it charged is priced like any other. Pure: no 'vscode', no I/O.
 */
import Big from 'big.js';
import { type Money, toBig } from '../../core/money';
import { priceUsage } from '../../core/pricing';
import type { RequestRecord } from '../../core/requestLog';
import type { GatewayKind, ModelInfo, ModelPrice } from '../../core/types';
import type { OurPrice, OurTotalsView } from '../../webview/requestsProtocol';

/** The most a gateway's figure of one request may be off by its own rounding. */
export function roundingPerRequest(kind: GatewayKind): string {
  return kind === 'aione' ? '0.00005' : '0.000002';
}

/** The prices of a connection's models by id (the ones that list any). */
export function pricesOf(models: readonly ModelInfo[]): ReadonlyMap<string, ModelPrice> {
  const m = new Map<string, ModelPrice>();
  for (const x of models) if (x.price) m.set(x.id, x.price);
  return m;
}

const requestsOf = (r: RequestRecord): number => r.aggregate?.requests ?? 1;

/** Our price of one row, or undefined when its model lists no price in the row's currency. */
export function priceRecord(
  r: RequestRecord,
  prices: ReadonlyMap<string, ModelPrice>,
  kind: GatewayKind,
): OurPrice | undefined {
  if (r.status === 'error' && !r.aggregate && toBig(r.cost.amount).eq(0))
    return { amount: { amount: '0', currency: r.cost.currency }, complete: true };
  const price = prices.get(r.model);
  if (!price) return undefined;
  const b = priceUsage(r.usage, price);
  if (!b || b.currency !== r.cost.currency) return undefined;
  const complete = b.unpriced.length === 0;
  const d = toBig(r.cost.amount).minus(toBig(b.amount));
  const tolerance = new Big(roundingPerRequest(kind)).times(requestsOf(r));
  return {
    amount: { amount: b.amount, currency: b.currency },
    complete,
    ...(complete && d.abs().gt(tolerance) ? { difference: d.toFixed() } : {}),
  };
}

/** Running sums of our prices over a filter's rows. */
export interface OurSum {
  amount: Big;
  /** Theirs over the same rows (the ones we priced completely), to compare like with like. */
  theirs: Big;
  /** Requests in the rows we priced completely (the tolerance counts them). */
  requests: number;
  /** Rows we could not price (no price for the model) or priced only in part. */
  unpriced: number;
  rows: number;
  currency: Money['currency'];
}

export function emptyOurSum(currency: Money['currency']): OurSum {
  return { amount: new Big(0), theirs: new Big(0), requests: 0, unpriced: 0, rows: 0, currency };
}

export function addOurPrices(
  s: OurSum,
  rows: readonly RequestRecord[],
  prices: ReadonlyMap<string, ModelPrice>,
  kind: GatewayKind,
): OurSum {
  for (const r of rows) {
    s.rows++;
    const p = priceRecord(r, prices, kind);
    if (!p || !p.complete) {
      s.unpriced++;
      if (p) s.amount = s.amount.plus(toBig(p.amount.amount));
      continue;
    }
    s.amount = s.amount.plus(toBig(p.amount.amount));
    s.theirs = s.theirs.plus(toBig(r.cost.amount));
    s.requests += requestsOf(r);
  }
  return s;
}

/**
 * The sums as the webview shows them: ours over every row, and theirs − ours when every row was priced completely
 * and the two differ beyond the rounding of every request they cover.
 */
export function ourTotalsView(s: OurSum, kind: GatewayKind): Extract<OurTotalsView, { status: 'ready' }> {
  const diff = s.unpriced === 0 ? s.theirs.minus(s.amount) : undefined;
  const tolerance = new Big(roundingPerRequest(kind)).times(s.requests);
  return {
    status: 'ready',
    amount: { amount: s.amount.toFixed(), currency: s.currency },
    unpricedRows: s.unpriced,
    rows: s.rows,
    ...(diff && diff.abs().gt(tolerance) ? { difference: diff.toFixed() } : {}),
  };
}
