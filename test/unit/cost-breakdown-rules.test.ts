/**
 * The cost of a request and of a conversation (src/core/pricing.ts) at its edges: the stored breakdown's schema
 * (what a saved chat turn must look like), prices in two currencies, what the cache saved when only one cache class
 * was used, when a difference from the gateway's own figure is flagged (its rounding read from its digits), and which
 * optional figures a sum keeps.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Currency, Money } from '../../src/core/money';
import { type CostBreakdown, costBreakdownSchema, priceUsage, sumBreakdowns } from '../../src/core/pricing';
import type { ModelPrice } from '../../src/core/types';
import type { TokenUsage } from '../../src/core/usage';

const usd = (amount: string): Money => ({ amount, currency: 'USD' });
const cny = (amount: string): Money => ({ amount, currency: 'CNY' });
const SONNET: ModelPrice = {
  inputPerMTok: usd('3'),
  outputPerMTok: usd('15'),
  cacheReadPerMTok: usd('0.3'),
  cacheWritePerMTok: usd('3.75'),
};

type Usage = Omit<TokenUsage, 'totalTokens'>;
const u = (x: Usage): TokenUsage => ({ ...x, totalTokens: x.promptTokens + x.completionTokens });

function priced(usage: Usage, price: ModelPrice | undefined, currency?: Currency): CostBreakdown {
  const b = priceUsage(u(usage), price, currency);
  assert.ok(b);
  return b;
}

describe('pricing: the stored breakdown', () => {
  const stored: CostBreakdown = {
    currency: 'CNY',
    input: { tokens: 600, amount: '0.0018' },
    cacheRead: { tokens: 400, amount: '0.00012' },
    cacheWrite: { tokens: 0, amount: '0' },
    cacheWrite1hTokens: 0,
    output: { tokens: 100 },
    reasoningTokens: 20,
    amount: '12',
    unpriced: ['input', 'cacheRead', 'cacheWrite', 'output'],
    savedByCache: '-0.5',
    reported: '12.25',
    difference: '0.25',
  };

  it('reads back every field as it was written', () => {
    assert.deepEqual(costBreakdownSchema.parse(stored), stored);
    assert.deepEqual(costBreakdownSchema.parse({ ...stored, currency: 'USD' }).currency, 'USD');
  });

  it('amounts are decimal strings: a sign, digits, an optional fraction, nothing around them', () => {
    for (const amount of ['0', '12', '-12', '0.5', '12.25', '-0.00012'])
      assert.equal(costBreakdownSchema.safeParse({ ...stored, amount }).success, true, amount);
    for (const amount of ['x12', '12x', '1.', '.5', '1.2.3', '+1', '1e3', '', ' 1'])
      assert.equal(costBreakdownSchema.safeParse({ ...stored, amount }).success, false, amount);
    assert.equal(costBreakdownSchema.safeParse({ ...stored, input: { tokens: 1, amount: '1x' } }).success, false);
  });

  it('refuses another currency, an unknown token class, and a class without its token count', () => {
    assert.equal(costBreakdownSchema.safeParse({ ...stored, currency: 'EUR' }).success, false);
    assert.equal(costBreakdownSchema.safeParse({ ...stored, unpriced: ['audio'] }).success, false);
    assert.equal(costBreakdownSchema.safeParse({ ...stored, unpriced: [''] }).success, false);
    assert.equal(costBreakdownSchema.safeParse({ ...stored, output: { amount: '1' } }).success, false);
  });
});

describe('pricing: one request', () => {
  it('prices in two currencies are not added up, even with a reported cost', () => {
    const mixed: ModelPrice = { inputPerMTok: cny('1'), outputPerMTok: usd('2') };
    assert.equal(
      priceUsage(u({ promptTokens: 1000, completionTokens: 100, reportedCost: '0.5' }), mixed, 'CNY'),
      undefined,
    );
  });

  it('what the cache saved: nothing is claimed without cache use; one class alone is still counted', () => {
    const plain = priced({ promptTokens: 1000, completionTokens: 100 }, SONNET);
    assert.equal('savedByCache' in plain, false);
    // writes only: the premium of a write over the input price (3.75 − 3 per 1M on 400 tokens)
    assert.equal(
      priced({ promptTokens: 1000, completionTokens: 100, cacheWriteTokens: 400 }, SONNET).savedByCache,
      '-0.0003',
    );
    // reads only: the input price less the read price on 400 tokens
    assert.equal(
      priced({ promptTokens: 1000, completionTokens: 100, cachedTokens: 400 }, SONNET).savedByCache,
      '0.00108',
    );
  });

  it('cache reads without any price, with a reported cost: the classes are unpriced, nothing is saved', () => {
    const b = priced(
      { promptTokens: 1000, completionTokens: 100, cachedTokens: 400, reportedCost: '0.5' },
      undefined,
      'CNY',
    );
    assert.deepEqual(b.unpriced, ['input', 'cacheRead', 'output']);
    assert.equal(b.reported, '0.5');
    assert.equal('savedByCache' in b, false);
    assert.equal('difference' in b, false);
  });

  it('a difference is flagged only when every class with tokens is priced from the model', () => {
    const partly = priced({ promptTokens: 1000, completionTokens: 100, reportedCost: '1' }, { inputPerMTok: usd('3') });
    assert.deepEqual(partly.unpriced, ['output']);
    assert.equal('difference' in partly, false, 'the amount is a lower bound: no difference against it');
    const noPrice = priced({ promptTokens: 0, completionTokens: 0, reportedCost: '0.01' }, undefined, 'CNY');
    assert.deepEqual(noPrice.unpriced, []);
    assert.equal('difference' in noPrice, false, 'no model price: nothing to compare the reported cost with');
  });

  it("the gateway's rounding is half a unit of the last digit it shows", () => {
    const at = (price: string, reportedCost: string) =>
      priced({ promptTokens: 100_000, completionTokens: 0, reportedCost }, { inputPerMTok: usd(price) });
    // a whole number: within 0.5 is its rounding
    assert.equal('difference' in at('7', '1'), false, '0.7 shown as 1');
    assert.equal(at('3', '1').difference, '0.7');
    // four decimals: within 0.00005
    assert.equal('difference' in at('3.0001', '0.3000'), false, '0.30001 shown as 0.3000');
    assert.equal(at('3', '0.2999').difference, '-0.0001');
  });

  it('leaves out the reported cost and the difference when there are none', () => {
    const b = priced({ promptTokens: 1000, completionTokens: 100 }, SONNET);
    assert.equal('reported' in b, false);
    assert.equal('difference' in b, false);
  });
});

describe('pricing: a conversation', () => {
  const base = priced({ promptTokens: 1000, completionTokens: 100 }, SONNET);

  it('sums the 1-hour writes; keeps a class priced when a request had no tokens and no amount in it', () => {
    const a: CostBreakdown = { ...base, cacheWrite1hTokens: 30, output: { tokens: 0 } };
    const b: CostBreakdown = { ...base, cacheWrite1hTokens: 12 };
    const sum = sumBreakdowns([a, b]);
    assert.ok(sum);
    assert.equal(sum.cacheWrite1hTokens, 42);
    assert.deepEqual(sum.output, { tokens: 100, amount: '0.0015' });
  });

  it('keeps what the cache saved and the differences of the requests that have them, and only then', () => {
    const none = sumBreakdowns([base, base]);
    assert.ok(none);
    assert.equal('savedByCache' in none, false);
    assert.equal('difference' in none, false);
    const some = sumBreakdowns([
      { ...base, savedByCache: '0.25', difference: '-0.01' },
      base,
      { ...base, savedByCache: '0.5', difference: '0.03' },
    ]);
    assert.ok(some);
    assert.equal(some.savedByCache, '0.75');
    assert.equal(some.difference, '0.02');
  });

  it("sums the gateway's figure only when every request reported one", () => {
    const all = sumBreakdowns([
      { ...base, reported: '0.1' },
      { ...base, reported: '0.25' },
    ]);
    assert.equal(all?.reported, '0.35');
    const one = sumBreakdowns([{ ...base, reported: '0.1' }, base]);
    assert.ok(one);
    assert.equal('reported' in one, false);
  });
});
