/**
 * The request log's columns (src/core/requestLog.ts): every column sorts by its own value in both directions,
 * a missing value first when ascending, case not counting, ties in the gateway's order; and the totals of a filter
 * sum every token class and refuse a cost in another currency with a sentence that names both.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  type RequestRecord,
  type RequestSortKey,
  addToTotals,
  emptyTotals,
  sortRequests,
  sumRequests,
} from '../../src/core/requestLog';

type Fields = Partial<Omit<RequestRecord, 'usage' | 'cost'>> & {
  readonly usage?: Partial<RequestRecord['usage']>;
  readonly cost?: string;
};
function rec(id: string, f: Fields = {}): RequestRecord {
  const { usage, cost, ...rest } = f;
  return {
    id,
    at: '2026-03-01T00:00:00Z',
    model: 'm',
    status: 'success',
    ...rest,
    usage: { promptTokens: 100, completionTokens: 10, totalTokens: 110, ...usage },
    cost: { amount: cost ?? '0', currency: 'USD' },
  };
}

/** Each column: records whose ascending order is a, b, c (a's value missing where the column can miss one). */
const COLUMNS: ReadonlyArray<readonly [RequestSortKey, RequestRecord[]]> = [
  [
    'at',
    [
      rec('a', { at: '2026-03-01T09:00:00+08:00' }),
      rec('b', { at: '2026-03-01T02:00:00Z' }),
      rec('c', { at: '2026-03-01T10:00:00Z' }),
    ],
  ],
  ['key', [rec('a'), rec('b', { keyName: 'A_x' }), rec('c', { keyId: 'ab' })]],
  ['model', [rec('a', { model: 'gpt-4o' }), rec('b', { model: 'GPT_4' }), rec('c', { model: 'gpta' })]],
  [
    'input',
    [
      rec('a', { usage: { promptTokens: 100, cachedTokens: 60, cacheWriteTokens: 30 } }),
      rec('b', { usage: { promptTokens: 50 } }),
      rec('c', { usage: { promptTokens: 100, cachedTokens: 20 } }),
    ],
  ],
  ['cached', [rec('a'), rec('b', { usage: { cachedTokens: 0 } }), rec('c', { usage: { cachedTokens: 5 } })]],
  [
    'cacheWrite',
    [rec('a'), rec('b', { usage: { cacheWriteTokens: 0 } }), rec('c', { usage: { cacheWriteTokens: 5 } })],
  ],
  [
    'output',
    [
      rec('a', { usage: { completionTokens: 9 } }),
      rec('b', { usage: { completionTokens: 10 } }),
      rec('c', { usage: { completionTokens: 100 } }),
    ],
  ],
  ['reasoning', [rec('a'), rec('b', { usage: { reasoningTokens: 0 } }), rec('c', { usage: { reasoningTokens: 5 } })]],
  ['cost', [rec('a', { cost: '-0.5' }), rec('b', { cost: '9' }), rec('c', { cost: '10' })]],
  ['latency', [rec('a'), rec('b', { latencyMs: 0 }), rec('c', { latencyMs: 5 })]],
  ['firstToken', [rec('a'), rec('b', { firstTokenMs: 0 }), rec('c', { firstTokenMs: 5 })]],
  [
    'status',
    [rec('a', { status: 'error' }), rec('b', { status: 'success' }), rec('c', { status: 'success', model: 'z' })],
  ],
];

describe('request log: sorting by a column', () => {
  for (const [key, abc] of COLUMNS) {
    it(`${key}: ascending a, b, c and descending c, b, a, from any input order`, () => {
      const [a, b, c] = abc as [RequestRecord, RequestRecord, RequestRecord];
      for (const input of [
        [c, a, b],
        [b, c, a],
        [a, b, c],
      ]) {
        const asc = sortRequests(input, key, 'asc').map((r) => r.id);
        const desc = sortRequests(input, key, 'desc').map((r) => r.id);
        if (key === 'status') {
          // b and c tie: they keep the order they came in
          const tie = input.filter((r) => r.id !== 'a').map((r) => r.id);
          assert.deepEqual(asc, ['a', ...tie]);
          assert.deepEqual(desc, [...tie, 'a']);
        } else {
          assert.deepEqual(asc, ['a', 'b', 'c'], `${key} asc from ${input.map((r) => r.id).join('')}`);
          assert.deepEqual(desc, ['c', 'b', 'a'], `${key} desc from ${input.map((r) => r.id).join('')}`);
        }
      }
    });
  }

  it('ties keep the gateway’s order in both directions', () => {
    const rs = ['p', 'q', 'r', 's', 't'].map((id) => rec(id, { model: 'same' }));
    assert.deepEqual(
      sortRequests(rs, 'model', 'asc').map((r) => r.id),
      ['p', 'q', 'r', 's', 't'],
    );
    assert.deepEqual(
      sortRequests(rs, 'model', 'desc').map((r) => r.id),
      ['p', 'q', 'r', 's', 't'],
    );
    assert.deepEqual(
      sortRequests(rs.slice().reverse(), 'cost', 'asc').map((r) => r.id),
      ['t', 's', 'r', 'q', 'p'],
    );
  });
});

describe('request log: totals', () => {
  it('sums every token class, the requests of a daily row, and the cost exactly', () => {
    const t = sumRequests(
      [
        rec('a', {
          usage: {
            promptTokens: 100,
            cachedTokens: 40,
            cacheWriteTokens: 30,
            completionTokens: 10,
            reasoningTokens: 4,
          },
          cost: '0.1',
        }),
        rec('b', { usage: { promptTokens: 50, completionTokens: 5 }, cost: '0.2', aggregate: { requests: 7 } }),
        rec('c', { usage: { promptTokens: 1, cacheWriteTokens: 2, completionTokens: 1 }, cost: '0.000000000001' }),
      ],
      'USD',
    );
    assert.deepEqual(t, {
      requests: 9,
      promptTokens: 151,
      cachedTokens: 40,
      cacheWriteTokens: 32,
      completionTokens: 16,
      reasoningTokens: 4,
      cost: { amount: '0.300000000001', currency: 'USD' },
    });
  });

  it('adds to running totals without changing them', () => {
    const start = emptyTotals('CNY');
    const next = addToTotals(start, [{ ...rec('a', { cost: '1.5' }), cost: { amount: '1.5', currency: 'CNY' } }]);
    assert.equal(next.requests, 1);
    assert.deepEqual(next.cost, { amount: '1.5', currency: 'CNY' });
    assert.deepEqual(start, emptyTotals('CNY'));
  });

  it('refuses a cost in another currency, naming both', () => {
    assert.throws(
      () => sumRequests([{ ...rec('a'), cost: { amount: '1', currency: 'CNY' } }], 'USD'),
      (e: unknown) => e instanceof RangeError && e.message === 'a CNY cost cannot be added to USD totals',
    );
  });
});
