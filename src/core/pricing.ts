/**
 * The cost of one request from its token usage and the model's own prices, class by class, in exact decimal
 * arithmetic (big.js; amounts are decimal strings, never floats). Pure: no 'vscode', no I/O.
 *
 *   uncached input  (prompt − cache reads − cache writes) × input price
 *   cache reads     reads × cache-read price
 *   cache writes    5-minute writes × cache-write price + 1-hour writes × 1-hour cache-write price
 *   output          completion × output price (reasoning is inside the completion count: never added again)
 *
 * A class with tokens but no price is not guessed: it is listed in `unpriced` and the amount covers the priced
 * classes only (a lower bound). Where the gateway reported its own cost, both are kept and a difference beyond the
 * gateway's own rounding is flagged.
 */
import Big from 'big.js';
import * as z from 'zod';
import { type Currency, type Money, toBig } from './money';
import type { ModelPrice } from './types';
import { type TokenUsage, uncachedInputTokens } from './usage';

const decimal = z.string().regex(/^-?\d+(\.\d+)?$/);
const tokens = z.number().int().nonnegative();

export const tokenClassSchema = z.enum(['input', 'cacheRead', 'cacheWrite', 'output']);
export type TokenClass = z.infer<typeof tokenClassSchema>;

export const pricedClassSchema = z.object({
  tokens,
  /** Decimal string; absent when the class has tokens but no price is known. */
  amount: decimal.optional(),
});
export type PricedClass = z.infer<typeof pricedClassSchema>;

/** One request's cost, class by class (also persisted with a chat turn, and summed for a conversation). */
export const costBreakdownSchema = z.object({
  currency: z.enum(['CNY', 'USD']),
  /** Input neither read from nor written to the cache. */
  input: pricedClassSchema,
  cacheRead: pricedClassSchema,
  /** Every TTL; `cacheWrite1hTokens` of them at the 1-hour price. */
  cacheWrite: pricedClassSchema,
  cacheWrite1hTokens: tokens,
  /** Reasoning included. */
  output: pricedClassSchema,
  /** Of the output, spent on reasoning (already priced inside the output). */
  reasoningTokens: tokens,
  /** The sum of the priced classes. */
  amount: decimal,
  /** Classes with tokens and no price: `amount` leaves them out (it is a lower bound). */
  unpriced: z.array(tokenClassSchema),
  /**
   * Cache reads at the input price minus what they cost, less the premium of cache writes over the input price
   * (negative while a write has cost more than its reads saved); absent without cache use or a needed price.
   */
  savedByCache: decimal.optional(),
  /** The gateway's own price of the request(s). */
  reported: decimal.optional(),
  /** reported − amount, when every class is priced and the two differ beyond the gateway's rounding. */
  difference: decimal.optional(),
});
export type CostBreakdown = z.infer<typeof costBreakdownSchema>;

const PER_TOKEN = new Big('0.000001');

/** tokens × (price per 1M tokens), exact. */
function perM(tokens: number, price: Money): Big {
  return new Big(tokens).times(toBig(price.amount)).times(PER_TOKEN);
}

function classAmount(tokens: number, price: Money | undefined): Big | undefined {
  if (tokens === 0) return new Big(0);
  return price ? perM(tokens, price) : undefined;
}

/** The one currency of the model's prices, or undefined when it lists none or mixes two. */
export function priceCurrency(p: ModelPrice | undefined): Currency | undefined {
  if (!p) return undefined;
  const all = [p.inputPerMTok, p.outputPerMTok, p.cacheReadPerMTok, p.cacheWritePerMTok, p.cacheWrite1hPerMTok].filter(
    (m): m is Money => m !== undefined,
  );
  const first = all[0];
  if (!first || all.some((m) => m.currency !== first.currency)) return undefined;
  return first.currency;
}

/** Half a unit in the last decimal place a reported figure shows ("0.0123" → 0.00005): the gateway's rounding. */
function roundingOf(reported: string): Big {
  const dp = reported.includes('.') ? reported.length - reported.indexOf('.') - 1 : 0;
  return new Big(5).times(new Big(10).pow(-(dp + 1)));
}

/**
 * Prices the usage with the model's prices. `currency` is the gateway's currency, used for a reported cost when the
 * model lists no price; undefined when there is neither a price nor a reported cost, or the prices mix currencies.
 */
export function priceUsage(
  usage: TokenUsage,
  price: ModelPrice | undefined,
  currency?: Currency,
): CostBreakdown | undefined {
  const cur = priceCurrency(price);
  const mixed =
    cur === undefined &&
    price !== undefined &&
    [price.inputPerMTok, price.outputPerMTok, price.cacheReadPerMTok, price.cacheWritePerMTok].some(Boolean);
  if (mixed) return undefined;
  const c = cur ?? currency;
  if (!c || (cur === undefined && usage.reportedCost === undefined)) return undefined;

  const inputTokens = uncachedInputTokens(usage);
  const readTokens = usage.cachedTokens ?? 0;
  const writeTokens = usage.cacheWriteTokens ?? 0;
  const write1h = usage.cacheWrite1hTokens ?? 0;
  const input = classAmount(inputTokens, price?.inputPerMTok);
  const read = classAmount(readTokens, price?.cacheReadPerMTok);
  const w5 = classAmount(writeTokens - write1h, price?.cacheWritePerMTok);
  const w1 = classAmount(write1h, price?.cacheWrite1hPerMTok);
  const write = w5 && w1 ? w5.plus(w1) : undefined;
  const output = classAmount(usage.completionTokens, price?.outputPerMTok);

  const unpriced: TokenClass[] = [];
  if (!input) unpriced.push('input');
  if (!read) unpriced.push('cacheRead');
  if (!write) unpriced.push('cacheWrite');
  if (!output) unpriced.push('output');
  const total = [input, read, write, output].reduce<Big>((s, a) => (a ? s.plus(a) : s), new Big(0));

  let saved: Big | undefined;
  if ((readTokens > 0 || writeTokens > 0) && price?.inputPerMTok && read && write) {
    // a class without tokens saves and costs 0 (its amount is 0 at any price)
    const readSaving = perM(readTokens, price.inputPerMTok).minus(read);
    const writePremium = write.minus(perM(writeTokens, price.inputPerMTok));
    saved = readSaving.minus(writePremium);
  }

  let difference: string | undefined;
  if (usage.reportedCost !== undefined && unpriced.length === 0 && cur !== undefined) {
    const d = toBig(usage.reportedCost).minus(total);
    if (d.abs().gt(roundingOf(usage.reportedCost))) difference = d.toFixed();
  }
  const cls = (tokens: number, a: Big | undefined): PricedClass => ({ tokens, ...(a ? { amount: a.toFixed() } : {}) });
  return {
    currency: c,
    input: cls(inputTokens, input),
    cacheRead: cls(readTokens, read),
    cacheWrite: cls(writeTokens, write),
    cacheWrite1hTokens: write1h,
    output: cls(usage.completionTokens, output),
    reasoningTokens: usage.reasoningTokens ?? 0,
    amount: total.toFixed(),
    unpriced,
    ...(saved ? { savedByCache: saved.toFixed() } : {}),
    ...(usage.reportedCost !== undefined ? { reported: usage.reportedCost } : {}),
    ...(difference !== undefined ? { difference } : {}),
  };
}

/**
 * The sum of several requests' breakdowns (a conversation), class by class; undefined when there are none or they
 * are in different currencies. A class is priced in the sum only when it is priced in every request that used it;
 * the gateway's figure is summed only when every request reported one.
 */
export function sumBreakdowns(list: readonly CostBreakdown[]): CostBreakdown | undefined {
  const first = list[0];
  if (!first || list.some((b) => b.currency !== first.currency)) return undefined;
  const sumClass = (pick: (b: CostBreakdown) => PricedClass): PricedClass => {
    let t = 0;
    let a: Big | undefined = new Big(0);
    for (const b of list) {
      const c = pick(b);
      t += c.tokens;
      a = a && c.amount !== undefined ? a.plus(toBig(c.amount)) : c.tokens === 0 ? a : undefined;
    }
    return { tokens: t, ...(a ? { amount: a.toFixed() } : {}) };
  };
  const add = (values: readonly string[]): string =>
    values.reduce<Big>((s, v) => s.plus(toBig(v)), new Big(0)).toFixed();
  const input = sumClass((b) => b.input);
  const cacheRead = sumClass((b) => b.cacheRead);
  const cacheWrite = sumClass((b) => b.cacheWrite);
  const output = sumClass((b) => b.output);
  const unpriced = tokenClassSchema.options.filter((k) => list.some((b) => b.unpriced.includes(k)));
  const saved = list.filter((b) => b.savedByCache !== undefined);
  const differences = list.filter((b) => b.difference !== undefined);
  return {
    currency: first.currency,
    input,
    cacheRead,
    cacheWrite,
    cacheWrite1hTokens: list.reduce((n, b) => n + b.cacheWrite1hTokens, 0),
    output,
    reasoningTokens: list.reduce((n, b) => n + b.reasoningTokens, 0),
    amount: add(list.map((b) => b.amount)),
    unpriced,
    ...(saved.length ? { savedByCache: add(saved.map((b) => b.savedByCache!)) } : {}),
    ...(list.every((b) => b.reported !== undefined) ? { reported: add(list.map((b) => b.reported!)) } : {}),
    ...(differences.length ? { difference: add(differences.map((b) => b.difference!)) } : {}),
  };
}
