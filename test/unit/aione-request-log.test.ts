/**
 * AIone's request log without a server: the query each page sends (bounds, names of the refused fields), every field
 * of a row's mapping and of a page's, the status a row is given, the daily-total fallback (its query, its records,
 * their order and totals) and the log's choice between the per-request route and the daily totals, with a fake
 * transport that records what it was asked.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { RequestFilter, RequestRecord } from '../../src/core/requestLog';
import type { UsageQuery, UsageRow } from '../../src/core/types';
import {
  type AioneRequestList,
  AioneRequestLog,
  aioneAggregatePage,
  aioneRequestListSchema,
  aioneRequestQuery,
  aioneUsageQueryFor,
  mapAioneRequest,
  mapAioneRequestPage,
  mapAioneUsageAggregate,
} from '../../src/gateway/aione/requests';
import { AioneGateway } from '../../src/gateway/aione/adapter';
import { GatewayError } from '../../src/gateway/errors';
import { scripted, type Script } from './scripted';

const F: RequestFilter = { start: Date.UTC(2026, 10, 1), end: Date.UTC(2026, 10, 2) };

/** A row of the wire parsed by the list schema, then mapped. */
const mapped = (row: Record<string, unknown>): RequestRecord => {
  const list = aioneRequestListSchema.parse([{ id: 'r1', created_at: '2026-11-30T10:00:00Z', ...row }]);
  return mapAioneRequest(list.items[0]!, 0, 'AIone');
};

const refusal = (fn: () => unknown): GatewayError => {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof GatewayError, String(e));
    return e;
  }
  assert.fail('not refused');
};

describe('AIone request log: the query of a page', () => {
  it('sends the 1-based page, the page size up to 100, the range as ISO with an inclusive end, no absent filter', () => {
    const q = aioneRequestQuery(F, 0, 1, 'AIone');
    assert.deepEqual(q, {
      page: 1,
      page_size: 1,
      start_time: '2026-11-01T00:00:00.000Z',
      end_time: '2026-11-01T23:59:59.999Z',
      key_id: undefined,
      model: undefined,
      status: undefined,
    });
    assert.equal(aioneRequestQuery(F, 4, 100, 'AIone')['page'], 5);
    assert.equal(aioneRequestQuery(F, 0, 100, 'AIone')['page_size'], 100);
    assert.equal(aioneRequestQuery(F, 0, 101, 'AIone')['page_size'], 100);
    assert.equal(aioneRequestQuery(F, 0, 99, 'AIone')['page_size'], 99);
    const filtered = aioneRequestQuery({ ...F, keyId: 'k9', model: 'gpt', status: 'success' }, 0, 10, 'AIone');
    assert.equal(filtered['key_id'], 'k9');
    assert.equal(filtered['model'], 'gpt');
    assert.equal(filtered['status'], 'success');
  });

  const refused: ReadonlyArray<[string, () => unknown, string, string]> = [
    ['a negative page', () => aioneRequestQuery(F, -1, 10, 'GW'), 'page', 'a whole number of 0 or more'],
    ['a fractional page', () => aioneRequestQuery(F, 0.5, 10, 'GW'), 'page', 'a whole number of 0 or more'],
    ['a page size of 0', () => aioneRequestQuery(F, 0, 0, 'GW'), 'page_size', 'a whole number of 1 or more'],
    ['a NaN page size', () => aioneRequestQuery(F, 0, NaN, 'GW'), 'page_size', 'a whole number of 1 or more'],
    ['a NaN start', () => aioneRequestQuery({ ...F, start: NaN }, 0, 10, 'GW'), 'start_time', 'a valid point in time'],
    [
      'an endless end',
      () => aioneRequestQuery({ ...F, end: Infinity }, 0, 10, 'GW'),
      'end_time',
      'a valid point in time',
    ],
  ];
  for (const [what, fn, field, rule] of refused)
    it(`refuses ${what} before sending, naming ${field}`, () => {
      const e = refusal(fn);
      assert.equal(e.kind, 'validation');
      assert.equal(e.gateway, 'GW');
      assert.equal(e.operation, 'list requests');
      assert.deepEqual(e.fieldErrors, [{ field, message: `must be ${rule}` }]);
      assert.match(e.message, new RegExp(`^${field} must be ${rule} \\(got `));
    });
  it('a page of 0 and a page size of 1 are the smallest taken', () => {
    assert.equal(aioneRequestQuery(F, 0, 1, 'GW')['page'], 1);
  });
});

describe('AIone request log: a row', () => {
  it('maps every field of a full row', () => {
    assert.deepEqual(
      mapped({
        id: 42,
        request_id: 'req-1',
        trace_id: 'tr-1',
        created_at: 1_764_496_800,
        key_id: 7,
        key_name: 'prod',
        model: 'gpt-4.1',
        model_name: 'ignored',
        status: 'success',
        is_stream: true,
        prompt_tokens: 100,
        completion_tokens: 20,
        cost_rmb: '0.0120',
        cost: '9',
        latency_ms: 900,
        first_token_ms: 210,
        ttft_ms: 5,
      }),
      {
        id: '42',
        at: '2025-11-30T10:00:00.000Z',
        model: 'gpt-4.1',
        status: 'success',
        usage: { promptTokens: 100, completionTokens: 20, totalTokens: 120 },
        cost: { amount: '0.012', currency: 'CNY' },
        requestId: 'req-1',
        keyId: '7',
        keyName: 'prod',
        latencyMs: 900,
        firstTokenMs: 210,
        stream: true,
      },
    );
  });

  it('a bare row: no optional field, no usage is zero tokens, no cost is 0 CNY, no model is ""', () => {
    assert.deepEqual(mapped({ key_id: null, key_name: null, request_id: null, latency_ms: null, is_stream: null }), {
      id: 'r1',
      at: '2026-11-30T10:00:00.000Z',
      model: '',
      status: 'success',
      usage: { promptTokens: 0, completionTokens: 0, totalTokens: 0 },
      cost: { amount: '0', currency: 'CNY' },
    });
    assert.deepEqual(mapped({ usage: {} }).usage, { promptTokens: 0, completionTokens: 0, totalTokens: 0 });
  });

  it('the fallbacks: model_name, cost, trace_id, ttft_ms, error_message; zero and false are kept', () => {
    const r = mapped({
      model_name: 'm2',
      cost: 0.5,
      trace_id: 'tr-2',
      ttft_ms: 0,
      latency_ms: 0,
      is_stream: false,
      error_message: 'upstream 503',
      key_name: '',
      request_id: '',
    });
    assert.equal(r.model, 'm2');
    assert.deepEqual(r.cost, { amount: '0.5', currency: 'CNY' });
    assert.equal(r.requestId, 'tr-2', 'an empty request id gives way to the trace id');
    assert.equal(mapped({ trace_id: 'tr-2' }).requestId, 'tr-2');
    assert.ok(!('requestId' in mapped({ request_id: '', trace_id: '' })));
    assert.equal(r.firstTokenMs, 0);
    assert.equal(r.latencyMs, 0);
    assert.equal(r.stream, false);
    assert.equal(r.error, 'upstream 503');
    assert.equal(r.status, 'error');
    assert.ok(!('keyName' in r), 'an empty key name is none');
    assert.equal(mapped({ error: 'quota', error_message: 'other' }).error, 'quota');
    const emptyError = mapped({ status: 'ok', error: '', error_message: 'upstream 503' });
    assert.equal(emptyError.status, 'error');
    assert.equal(emptyError.error, 'upstream 503', 'an empty error gives way to the error message');
  });

  it('flat counts: a cache class alone still reaches the usage, reasoning is read', () => {
    const read = mapped({ prompt_tokens: 100, completion_tokens: 9, cached_tokens: 30 }).usage;
    assert.equal(read.cachedTokens, 30);
    assert.equal(read.cacheWriteTokens, 0);
    const write = mapped({ prompt_tokens: 100, completion_tokens: 9, cache_write_tokens: 40 }).usage;
    assert.equal(write.cacheWriteTokens, 40);
    assert.equal(write.cachedTokens, 0);
    assert.equal(write.promptTokens, 100, 'the prompt count includes the cache classes');
    const reasoning = mapped({ completion_tokens: 9, reasoning_tokens: 4 }).usage;
    assert.equal(reasoning.reasoningTokens, 4);
    assert.equal(reasoning.promptTokens, 0);
    assert.equal(reasoning.completionTokens, 9);
    const none = mapped({ prompt_tokens: 5 }).usage;
    assert.deepEqual(none, { promptTokens: 5, completionTokens: 0, totalTokens: 5 });
  });

  it('created_at as Unix seconds (a number or digits), or ISO-8601 with any offset, is kept as a UTC instant', () => {
    assert.equal(mapped({ created_at: 1_764_496_800 }).at, '2025-11-30T10:00:00.000Z');
    assert.equal(mapped({ created_at: '1764496800' }).at, '2025-11-30T10:00:00.000Z');
    assert.equal(mapped({ created_at: '2026-11-30T18:00:00+08:00' }).at, '2026-11-30T10:00:00.000Z');
    assert.equal(mapped({ created_at: '2026-11-30 10:00:00.5Z' }).at, '2026-11-30T10:00:00.500Z');
    assert.equal(aioneRequestListSchema.safeParse([{ id: 'a', created_at: '10:00' }]).success, false);
    assert.equal(aioneRequestListSchema.safeParse([{ id: 'a', created_at: -1 }]).success, false);
  });

  it('counts that contradict each other are a bad response naming the row', () => {
    const list = aioneRequestListSchema.parse([
      { id: 'a', created_at: 1 },
      { id: 'b', created_at: 1, completion_tokens: 1, reasoning_tokens: 5 },
    ]);
    assert.equal(mapAioneRequest(list.items[0]!, 0, 'GW').id, 'a');
    const e = refusal(() => mapAioneRequest(list.items[1]!, 1, 'GW'));
    assert.equal(e.kind, 'bad-response');
    assert.equal(e.gateway, 'GW');
    assert.equal(e.operation, 'list requests');
    assert.equal(e.path, 'items.1.usage');
    assert.match(e.message, /reasoning tokens \(5\) exceed the completion tokens \(1\)/);
  });

  const statuses: ReadonlyArray<[unknown, 'success' | 'error']> = [
    [undefined, 'success'],
    [null, 'success'],
    [200, 'success'],
    [399, 'success'],
    [199, 'error'],
    [400, 'error'],
    [500, 'error'],
    ['success', 'success'],
    ['Succeeded', 'success'],
    [' OK ', 'success'],
    ['completed', 'success'],
    ['200', 'success'],
    ['failed', 'error'],
    ['oks', 'error'],
    ['not ok', 'error'],
    ['2000', 'error'],
    ['', 'error'],
  ];
  for (const [status, want] of statuses)
    it(`status ${JSON.stringify(status)} is ${want}`, () => {
      assert.equal(mapped(status === undefined ? {} : { status }).status, want);
    });
  it('an error or error message makes a row an error whatever its status', () => {
    assert.equal(mapped({ status: 200, error: 'x' }).status, 'error');
    assert.equal(mapped({ status: 'ok', error_message: 'x' }).status, 'error');
    assert.equal(mapped({ status: 'ok', error: '' }).status, 'success');
  });
});

describe('AIone request log: a page of rows', () => {
  const list = (n: number, extra: Partial<AioneRequestList> = {}): AioneRequestList => ({
    items: aioneRequestListSchema.parse(Array.from({ length: n }, (_, i) => ({ id: `r${i}`, created_at: i }))).items,
    total: undefined,
    totals: undefined,
    ...extra,
  });

  it('the {data} form carries its total and totals as the {items} form does', () => {
    const list = aioneRequestListSchema.parse({
      data: [{ id: 'd1', created_at: 0 }],
      total: 9,
      totals: { requests: 9, prompt_tokens: 1, completion_tokens: 2 },
    });
    const p = mapAioneRequestPage(list, 0, 1, 'GW');
    assert.deepEqual(
      p.items.map((r) => r.id),
      ['d1'],
    );
    assert.equal(p.total, 9);
    assert.equal(p.totals?.requests, 9);
    assert.equal(p.hasMore, true);
  });

  it('with a total: more pages while the ones so far are fewer than it', () => {
    assert.equal(mapAioneRequestPage(list(10, { total: 21 }), 1, 10, 'GW').hasMore, true);
    assert.equal(mapAioneRequestPage(list(10, { total: 20 }), 1, 10, 'GW').hasMore, false);
    assert.equal(mapAioneRequestPage(list(10, { total: 20 }), 0, 10, 'GW').hasMore, true);
    const zero = mapAioneRequestPage(list(0, { total: 0 }), 0, 10, 'GW');
    assert.equal(zero.total, 0, 'a total of 0 is reported');
    assert.equal(zero.hasMore, false);
  });

  it('without one: a full page may have a successor, a short one is the last', () => {
    const full = mapAioneRequestPage(list(3), 2, 3, 'GW');
    assert.deepEqual(
      { page: full.page, pageSize: full.pageSize, hasMore: full.hasMore, n: full.items.length },
      { page: 2, pageSize: 3, hasMore: true, n: 3 },
    );
    assert.ok(!('total' in full) && !('totals' in full));
    assert.equal(mapAioneRequestPage(list(2), 2, 3, 'GW').hasMore, false);
    assert.deepEqual(
      mapAioneRequestPage(list(2), 0, 3, 'GW').items.map((r) => r.id),
      ['r0', 'r1'],
    );
  });

  it('the reported totals, every field (absent classes are 0, cost falls back to `cost`, then 0)', () => {
    const totals = (t: Record<string, unknown>) =>
      mapAioneRequestPage(aioneRequestListSchema.parse({ items: [], totals: t }), 0, 10, 'GW').totals;
    assert.deepEqual(
      totals({
        requests: 3,
        prompt_tokens: 50,
        completion_tokens: 7,
        cached_tokens: 20,
        cache_write_tokens: 10,
        reasoning_tokens: 2,
        cost_rmb: '1.50',
        cost: '99',
      }),
      {
        requests: 3,
        promptTokens: 50,
        cachedTokens: 20,
        cacheWriteTokens: 10,
        completionTokens: 7,
        reasoningTokens: 2,
        cost: { amount: '1.5', currency: 'CNY' },
      },
    );
    assert.deepEqual(totals({ requests: 1, prompt_tokens: 2, completion_tokens: 3, cost: 0.25 }), {
      requests: 1,
      promptTokens: 2,
      cachedTokens: 0,
      cacheWriteTokens: 0,
      completionTokens: 3,
      reasoningTokens: 0,
      cost: { amount: '0.25', currency: 'CNY' },
    });
    assert.deepEqual(totals({ requests: 0, prompt_tokens: 0, completion_tokens: 0 })?.cost, {
      amount: '0',
      currency: 'CNY',
    });
  });
});

const row = (over: Partial<UsageRow>): UsageRow => ({
  bucket: '2026-11-30',
  requests: 1,
  promptTokens: 10,
  completionTokens: 2,
  totalTokens: 12,
  cost: { amount: '0.1', currency: 'CNY' },
  ...over,
});

describe('AIone request log: daily totals from the usage', () => {
  it('the usage query: per model for one key, per key otherwise; the model narrows both', () => {
    assert.deepEqual(aioneUsageQueryFor({ ...F, keyId: 'k1', keyName: 'n', status: 'error' }), {
      start: F.start,
      end: F.end,
      groupBy: 'model',
      keyId: 'k1',
    });
    assert.deepEqual(aioneUsageQueryFor({ ...F, keyId: 'k1', model: 'm' }), {
      start: F.start,
      end: F.end,
      groupBy: 'model',
      keyId: 'k1',
      model: 'm',
    });
    assert.deepEqual(aioneUsageQueryFor({ ...F, keyName: 'n' }), { start: F.start, end: F.end, groupBy: 'key' });
    assert.deepEqual(aioneUsageQueryFor({ ...F, model: 'm' }), {
      start: F.start,
      end: F.end,
      groupBy: 'key',
      model: 'm',
    });
  });

  it('a record per row: every field', () => {
    assert.deepEqual(
      mapAioneUsageAggregate(
        row({ bucket: '2026-11-30', keyId: 'k1', keyName: 'prod', model: 'gpt', requests: 4, errors: 1 }),
        F,
      ),
      {
        id: 'day:2026-11-30:k1:gpt',
        at: '2026-11-30T00:00:00.000Z',
        model: 'gpt',
        status: 'success',
        usage: { promptTokens: 10, completionTokens: 2, totalTokens: 12 },
        cost: { amount: '0.1', currency: 'CNY' },
        aggregate: { requests: 4, errors: 1 },
        keyId: 'k1',
        keyName: 'prod',
      },
    );
    const bare = mapAioneUsageAggregate(row({ bucket: '2026-11-30T10:00:00Z' }), F);
    assert.deepEqual(bare, {
      id: 'day:2026-11-30::',
      at: '2026-11-30T10:00:00.000Z',
      model: '',
      status: 'success',
      usage: { promptTokens: 10, completionTokens: 2, totalTokens: 12 },
      cost: { amount: '0.1', currency: 'CNY' },
      aggregate: { requests: 1 },
    });
  });

  it("a key's rows take the filter's key, its name and its model where the row has none", () => {
    const f: RequestFilter = { ...F, keyId: 'k1', keyName: 'prod', model: 'm' };
    const r = mapAioneUsageAggregate(row({}), f);
    assert.equal(r.id, 'day:2026-11-30:k1:m');
    assert.equal(r.keyId, 'k1');
    assert.equal(r.keyName, 'prod');
    assert.equal(r.model, 'm');
    const other = mapAioneUsageAggregate(row({ keyId: 'k2' }), f);
    assert.equal(other.keyId, 'k2');
    assert.ok(!('keyName' in other), "another key's row does not take the filter's key name");
    assert.equal(mapAioneUsageAggregate(row({ keyName: 'own' }), f).keyName, 'own');
    assert.ok(!('keyName' in mapAioneUsageAggregate(row({}), { ...F, keyName: 'n' })), 'no key id: no name');
  });

  const statuses: ReadonlyArray<[Partial<UsageRow>, 'success' | 'error']> = [
    [{ requests: 3, errors: 3 }, 'error'],
    [{ requests: 3, errors: 4 }, 'error'],
    [{ requests: 3, errors: 2 }, 'success'],
    [{ requests: 3 }, 'success'],
    [{ requests: 0, errors: 0 }, 'success'],
    [{ requests: 1, errors: 0 }, 'success'],
  ];
  for (const [over, want] of statuses)
    it(`a day of ${over.requests} requests and ${over.errors ?? 'no'} errors is ${want}`, () => {
      assert.equal(mapAioneUsageAggregate(row(over), F).status, want);
    });

  it('the page: empty rows dropped, newest first then by key name / id / model, totals of every record', () => {
    const rows = [
      row({ bucket: '2026-11-29', keyName: 'b', cost: { amount: '0.1', currency: 'CNY' } }),
      row({ bucket: '2026-11-30', keyName: 'b', requests: 2, promptTokens: 5, completionTokens: 1 }),
      row({ bucket: '2026-11-30', keyName: 'a', cost: { amount: '0.2', currency: 'CNY' } }),
      row({ bucket: '2026-11-30', keyId: 'c', requests: 0, promptTokens: 0, completionTokens: 0 }),
      row({ bucket: '2026-11-28', keyId: 'z', requests: 0, promptTokens: 3, completionTokens: 0 }),
      row({ bucket: '2026-11-28', keyId: 'y', requests: 0, promptTokens: 0, completionTokens: 4 }),
      row({ bucket: '2026-11-28', model: 'x', requests: 1, promptTokens: 0, completionTokens: 0 }),
    ];
    const p = aioneAggregatePage(rows, F, 0, 10);
    assert.deepEqual(
      p.items.map((r) => r.id),
      [
        'day:2026-11-30::',
        'day:2026-11-30::',
        'day:2026-11-29::',
        'day:2026-11-28::x',
        'day:2026-11-28:y:',
        'day:2026-11-28:z:',
      ],
    );
    assert.deepEqual(
      p.items.slice(0, 2).map((r) => r.keyName),
      ['a', 'b'],
    );
    assert.equal(p.total, 6);
    assert.equal(p.hasMore, false);
    assert.equal(p.granularity, 'day');
    assert.equal(p.page, 0);
    assert.equal(p.pageSize, 10);
    assert.deepEqual(p.totals, {
      requests: 5,
      promptTokens: 28,
      cachedTokens: 0,
      cacheWriteTokens: 0,
      completionTokens: 9,
      reasoningTokens: 0,
      cost: { amount: '0.7', currency: 'CNY' },
    });
    assert.equal(aioneAggregatePage(rows, F, 0, 10, 'USD').totals?.cost.currency, 'USD');
  });

  it('the order: a newer day first whatever the input order; a day by key name, else id, else model', () => {
    const rows = [
      row({ bucket: '2026-11-30', keyName: 'alpha', keyId: 'k2' }),
      row({ bucket: '2026-11-30', keyName: 'beta', keyId: 'k1' }),
      row({ bucket: '2026-11-29', keyName: 'gamma', keyId: 'k3' }),
      row({ bucket: '2026-11-29', keyName: 'delta', keyId: 'z1' }),
      row({ bucket: '2026-11-28', keyName: 'a', keyId: 'k9' }),
    ];
    assert.deepEqual(
      aioneAggregatePage(rows, F, 0, 10).items.map((r) => `${r.at.slice(8, 10)} ${r.keyName}`),
      ['30 alpha', '30 beta', '29 delta', '29 gamma', '28 a'],
    );
    assert.deepEqual(
      aioneAggregatePage([...rows].reverse(), F, 0, 10).items.map((r) => `${r.at.slice(8, 10)} ${r.keyName}`),
      ['30 alpha', '30 beta', '29 delta', '29 gamma', '28 a'],
    );
  });

  it('pages of the records: the slice, and more while the pages so far are fewer than them', () => {
    const rows = Array.from({ length: 5 }, (_, i) => row({ bucket: `2026-11-2${i}`, keyId: `k${i}` }));
    const first = aioneAggregatePage(rows, F, 0, 2);
    assert.deepEqual(
      first.items.map((r) => r.keyId),
      ['k4', 'k3'],
    );
    assert.equal(first.hasMore, true);
    assert.equal(first.totals?.requests, 5, 'the totals are of every record, not of the page');
    const last = aioneAggregatePage(rows, F, 2, 2);
    assert.deepEqual(
      last.items.map((r) => r.keyId),
      ['k0'],
    );
    assert.equal(last.hasMore, false);
    assert.equal(aioneAggregatePage(rows.slice(0, 4), F, 1, 2).hasMore, false, '4 records, 2 pages of 2');
    assert.equal(aioneAggregatePage(rows, F, 1, 2).hasMore, true);
  });
});

/** A fake transport: scripted answers of the per-request route, usage rows, and every call recorded. */
function fakeLog(listAnswers: Array<AioneRequestList | Error>, usageRows: readonly UsageRow[] = [row({})]) {
  const calls: Array<{ route: 'list' | 'usage'; arg: unknown; signal?: AbortSignal }> = [];
  let now = 1_000_000;
  const log = new AioneRequestLog({
    gateway: 'GW',
    list: async (query, signal) => {
      calls.push({ route: 'list', arg: query, ...(signal ? { signal } : {}) });
      const a = listAnswers.shift();
      if (!a) throw new Error('no scripted answer');
      if (a instanceof Error) throw a;
      return a;
    },
    usage: async (q: UsageQuery, signal) => {
      calls.push({ route: 'usage', arg: q, ...(signal ? { signal } : {}) });
      return usageRows;
    },
    now: () => now,
  });
  return {
    log,
    calls,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

const listOf = (n: number): AioneRequestList => ({
  items: aioneRequestListSchema.parse(Array.from({ length: n }, (_, i) => ({ id: `r${i}`, created_at: i }))).items,
  total: undefined,
  totals: undefined,
});
const gwError = (kind: GatewayError['kind'], status: number) =>
  new GatewayError({ kind, message: `HTTP ${status}`, gateway: 'GW', operation: 'list requests', status });

describe('AIone request log: the route or the daily totals', () => {
  it('asks the per-request route with the page query and the signal; the page size is the one sent', async () => {
    const { log, calls } = fakeLog([listOf(2)]);
    const signal = new AbortController().signal;
    const p = await log.page({ ...F, keyId: 'k' }, { page: 1, pageSize: 500, signal });
    assert.equal(calls.length, 1);
    assert.deepEqual(calls[0], {
      route: 'list',
      arg: aioneRequestQuery({ ...F, keyId: 'k' }, 1, 500, 'GW'),
      signal,
    });
    assert.equal(p.pageSize, 100);
    assert.equal(p.page, 1);
    assert.equal(p.granularity, undefined);
    assert.deepEqual(
      p.items.map((r) => r.id),
      ['r0', 'r1'],
    );
  });

  for (const [kind, status] of [
    ['not-found', 404],
    ['validation', 405],
    ['server', 501],
  ] as const)
    it(`a ${status} on the first page: daily totals, and the route is not asked again`, async () => {
      const { log, calls } = fakeLog([gwError(kind, status)]);
      const signal = new AbortController().signal;
      const p = await log.page({ ...F, keyId: 'k' }, { page: 0, pageSize: 500, signal });
      assert.equal(p.granularity, 'day');
      assert.equal(p.pageSize, 100);
      assert.deepEqual(
        calls.map((c) => c.route),
        ['list', 'usage'],
      );
      assert.deepEqual(calls[1], { route: 'usage', arg: aioneUsageQueryFor({ ...F, keyId: 'k' }), signal });
      assert.deepEqual(
        p.items.map((r) => r.id),
        ['day:2026-11-30:k:'],
      );
      await log.page({ ...F, model: 'other' }, { page: 0, pageSize: 10 });
      assert.deepEqual(
        calls.map((c) => c.route),
        ['list', 'usage', 'usage'],
      );
    });

  for (const e of [gwError('server', 500), gwError('validation', 400), gwError('auth', 401), new Error('boom')])
    it(`another failure of the first page is thrown: ${e.message}`, async () => {
      const { log, calls } = fakeLog([e, listOf(1)]);
      await assert.rejects(log.page(F, { page: 0, pageSize: 10 }), (x: unknown) => x === e);
      assert.deepEqual(
        calls.map((c) => c.route),
        ['list'],
      );
      const next = await log.page(F, { page: 0, pageSize: 10 });
      assert.equal(next.items.length, 1, 'the route is asked again on the next page');
    });

  it('a 404 after the route answered once is a failure, not a missing route', async () => {
    const e = gwError('not-found', 404);
    const { log, calls } = fakeLog([listOf(1), e, listOf(1)]);
    await log.page(F, { page: 0, pageSize: 10 });
    await assert.rejects(log.page(F, { page: 1, pageSize: 10 }), (x: unknown) => x === e);
    assert.equal((await log.page(F, { page: 1, pageSize: 10 })).items.length, 1);
    assert.ok(calls.every((c) => c.route === 'list'));
  });

  it('the usage rows of one filter are reused for 30 s across its pages, not across filters', async () => {
    const rows = Array.from({ length: 3 }, (_, i) => row({ bucket: `2026-11-2${i}`, keyId: `k${i}` }));
    const { log, calls, advance } = fakeLog([gwError('not-found', 404)], rows);
    const usageCalls = () => calls.filter((c) => c.route === 'usage').length;
    const p0 = await log.page(F, { page: 0, pageSize: 2 });
    advance(29_999);
    const p1 = await log.page(F, { page: 1, pageSize: 2 });
    assert.equal(usageCalls(), 1, 'the second page reads the same rows');
    assert.deepEqual(
      [...p0.items, ...p1.items].map((r) => r.keyId),
      ['k2', 'k1', 'k0'],
    );
    await log.page({ ...F, model: 'm' }, { page: 0, pageSize: 2 });
    assert.equal(usageCalls(), 2, 'another filter asks again');
    await log.page(F, { page: 0, pageSize: 2 });
    assert.equal(usageCalls(), 3, 'the rows kept are those of the last filter asked');
    advance(29_999);
    await log.page(F, { page: 0, pageSize: 2 });
    assert.equal(usageCalls(), 3);
    advance(1);
    await log.page(F, { page: 0, pageSize: 2 });
    assert.equal(usageCalls(), 4, 'rows 30 s old are asked again');
  });

  it('without a clock of its own it uses the time of day', async () => {
    const calls: string[] = [];
    const log = new AioneRequestLog({
      gateway: 'GW',
      list: async () => {
        throw gwError('not-found', 404);
      },
      usage: async () => {
        calls.push('usage');
        return [row({})];
      },
    });
    await log.page(F, { page: 0, pageSize: 5 });
    await log.page(F, { page: 0, pageSize: 5 });
    assert.deepEqual(calls, ['usage']);
  });
});

describe('AIone adapter: listRequests on the wire', () => {
  const gateway = (script: Script, now = () => 1_000_000) => {
    const s = scripted(script);
    const gw = new AioneGateway(
      { kind: 'aione', baseUrl: 'https://gw.test', label: 'AIone (T)', getToken: () => Promise.resolve('tok') },
      s.http,
      now,
    );
    return { gw, s };
  };

  it('a page: GET /api/v1/obs/requests with the query, the admin token, the operation and the signal', async () => {
    const { gw, s } = gateway({
      'GET /api/v1/obs/requests': { json: { items: [{ id: 'a', created_at: 0, status: 'ok' }], total: 1 } },
    });
    const signal = new AbortController().signal;
    const p = await gw.listRequests({ ...F, keyId: 'k1', status: 'error' }, { page: 0, pageSize: 20, signal });
    assert.equal(s.sent.length, 1);
    const req = s.sent[0]!;
    assert.equal(req.method, 'GET');
    assert.equal(req.operation, 'list requests');
    assert.equal(req.signal, signal);
    assert.equal(req.headers?.authorization, 'Bearer tok');
    assert.deepEqual(Object.fromEntries(req.search), {
      page: '1',
      page_size: '20',
      start_time: '2026-11-01T00:00:00.000Z',
      end_time: '2026-11-01T23:59:59.999Z',
      key_id: 'k1',
      status: 'error',
    });
    assert.deepEqual(
      p.items.map((r) => [r.id, r.status]),
      [['a', 'success']],
    );
    assert.equal(p.total, 1);
    assert.equal(p.hasMore, false);
  });

  it('a rows answer that does not fit is a bad response of "list requests", not the daily totals', async () => {
    const { gw, s } = gateway({ 'GET /api/v1/obs/requests': { json: { items: [{ id: 'a' }] } } });
    await assert.rejects(
      gw.listRequests(F, { page: 0, pageSize: 20 }),
      (e: unknown) => e instanceof GatewayError && e.kind === 'bad-response' && e.operation === 'list requests',
    );
    assert.equal(s.sent.length, 1);
  });

  it('without the route: the usage per day and key, in UTC days, newest first; rows reused by the clock given', async () => {
    let now = 5_000_000;
    const { gw, s } = gateway(
      {
        'GET /api/v1/obs/requests': { status: 404, json: { detail: 'Not Found' } },
        'GET /api/v1/obs/usage': {
          json: [
            {
              date: '2026-11-01',
              key_id: 'k1',
              key_name: 'prod',
              requests: 2,
              prompt_tokens: 5,
              completion_tokens: 1,
              cost_rmb: '0.5',
            },
            { date: '2026-11-01', key_id: 'k2', requests: 0, prompt_tokens: 0, completion_tokens: 0, cost_rmb: '0' },
          ],
        },
      },
      () => now,
    );
    const p = await gw.listRequests({ ...F, model: 'gpt' }, { page: 0, pageSize: 10 });
    assert.deepEqual(
      s.sent.map((r) => `${r.method} ${r.path}`),
      ['GET /api/v1/obs/requests', 'GET /api/v1/obs/usage'],
    );
    assert.deepEqual(Object.fromEntries(s.sent[1]!.search), {
      start_date: '2026-11-01',
      end_date: '2026-11-01',
      group_by: 'key',
      model: 'gpt',
    });
    assert.equal(s.sent[1]!.operation, 'query usage');
    assert.equal(p.granularity, 'day');
    assert.deepEqual(
      p.items.map((r) => [r.id, r.keyName, r.cost.amount]),
      [['day:2026-11-01:k1:gpt', 'prod', '0.5']],
    );
    now += 29_999;
    await gw.listRequests({ ...F, model: 'gpt' }, { page: 1, pageSize: 10 });
    assert.equal(s.sent.length, 2, 'the next page within 30 s by the adapter clock reads the same rows');
    now += 1;
    await gw.listRequests({ ...F, model: 'gpt' }, { page: 0, pageSize: 10 });
    assert.deepEqual(
      s.sent.map((r) => r.path),
      ['/api/v1/obs/requests', '/api/v1/obs/usage', '/api/v1/obs/usage'],
    );
  });
});
