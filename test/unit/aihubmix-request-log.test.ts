/**
 * The one-api / new-api consume log as the Requests view reads it, as tables: the row schema (what it accepts and
 * refuses), the list shapes, the log types a filter asks for, the query of a page in each dialect (paging, the
 * window in whole seconds with its inclusive end, the size cap, what is refused before sending), every field of a
 * mapped row, and a page's total and hasMore.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { RequestFilter } from '../../src/core/requestLog';
import {
  hubLogTypes,
  hubRequestQuery,
  hubRequestSchema,
  LOG_CONSUME,
  LOG_ERROR,
  mapHubRequest,
  mapHubRequestPage,
  parseHubRequestList,
  type HubRequestRow,
} from '../../src/gateway/aihubmix/requests';
import { thrownBy as refusal } from './gateway-error-fixtures';

const row = (over: Record<string, unknown> = {}): HubRequestRow =>
  hubRequestSchema.parse({ id: 1, created_at: 1_764_496_800, ...over });

describe('AIHubMix request log: the row schema', () => {
  it('accepts numbers or strings of digits for ids, times, types and quota; refuses negative counts and times', () => {
    const r = row({ id: '9', created_at: '100', type: '5', quota: '7', token_id: 3, prompt_tokens: '4' });
    assert.deepEqual([r.id, r.created_at, r.type, r.quota, r.token_id, r.prompt_tokens], ['9', 100, 5, 7, '3', 4]);
    for (const bad of [
      { prompt_tokens: -1 },
      { completion_tokens: 1.5 },
      { elapsed_time: -1 },
      { use_time: -0.5 },
      { id: '' },
      { created_at: 'x' },
      { other: 5 },
    ])
      assert.equal(hubRequestSchema.safeParse({ id: 1, created_at: 1, ...bad }).success, false, JSON.stringify(bad));
    assert.equal(hubRequestSchema.safeParse({ id: 1, created_at: 1, prompt_tokens: null, other: null }).success, true);
  });
});

describe('AIHubMix request log: the list shapes', () => {
  it('null or absent is no rows; an array; the page object with items, total and page; items null is none', () => {
    assert.deepEqual(parseHubRequestList(null, 'Hub'), { rows: [] });
    assert.deepEqual(parseHubRequestList(undefined, 'Hub'), { rows: [] });
    assert.deepEqual(parseHubRequestList([{ id: 1, created_at: 1 }], 'Hub'), { rows: [row({ created_at: 1 })] });
    assert.deepEqual(parseHubRequestList({ items: [{ id: 1, created_at: 1 }], total: 3, page: 2 }, 'Hub'), {
      rows: [row({ created_at: 1 })],
      total: 3,
      page: 2,
    });
    assert.deepEqual(parseHubRequestList({ items: null, total: 0 }, 'Hub'), { rows: [], total: 0 });
    assert.deepEqual(parseHubRequestList({ total: 4 }, 'Hub'), { rows: [], total: 4 });
    assert.deepEqual(parseHubRequestList({ items: [] }, 'Hub'), { rows: [] });
    assert.deepEqual(parseHubRequestList({ items: [], total: null, page: null }, 'Hub'), { rows: [] });
  });

  it('anything else is a bad response at data; a bad row names its index', () => {
    for (const data of ['nope', 5, { page: 1 }, { total: -1 }, { items: 'x' }, {}]) {
      const e = refusal(() => parseHubRequestList(data, 'Hub'));
      assert.equal(e.kind, 'bad-response', JSON.stringify(data));
      assert.equal(e.path, 'data');
      assert.equal(e.message, 'the answer has an unexpected value at data (expected a list of logs)');
      assert.equal(e.operation, 'list requests');
      assert.equal(e.gateway, 'Hub');
    }
    const inArray = refusal(() => parseHubRequestList([{ id: 1, created_at: 1 }, { id: 2 }], 'Hub'));
    assert.equal(inArray.path, 'data.1.created_at');
    assert.equal(inArray.operation, 'list requests');
    const inPage = refusal(() => parseHubRequestList({ items: [{ id: 2 }] }, 'Hub'));
    assert.equal(inPage.path, 'data.items.0.created_at');
  });
});

describe('AIHubMix request log: the query of a page', () => {
  const f: RequestFilter = { start: 10_000, end: 20_000, keyName: 'ci', model: 'm' };

  it('the log types: success → 2, error → 5, every request → 2 on one-api, 0 (2 and 5 kept) otherwise', () => {
    assert.equal(LOG_CONSUME, 2);
    assert.equal(LOG_ERROR, 5);
    for (const dialect of ['one-api', 'new-api', undefined] as const) {
      assert.deepEqual(hubLogTypes({ ...f, status: 'success' }, dialect), { wire: 2, keep: [2] });
      assert.deepEqual(hubLogTypes({ ...f, status: 'error' }, dialect), { wire: 5, keep: [5] });
    }
    assert.deepEqual(hubLogTypes(f, 'one-api'), { wire: 2, keep: [2] });
    assert.deepEqual(hubLogTypes(f, 'new-api'), { wire: 0, keep: [2, 5] });
    assert.deepEqual(hubLogTypes(f, undefined), { wire: 0, keep: [2, 5] });
  });

  it('paging per dialect: new-api p from 1 and page_size, one-api p and num, unknown both sizes', () => {
    const tail = { start_timestamp: 10, end_timestamp: 19, token_name: 'ci', model_name: 'm' };
    assert.deepEqual(hubRequestQuery(f, 0, 20, 'new-api', 'Hub'), { p: 1, page_size: 20, type: 0, ...tail });
    assert.deepEqual(hubRequestQuery(f, 4, 20, 'one-api', 'Hub'), { p: 4, num: 20, type: 2, ...tail });
    assert.deepEqual(hubRequestQuery(f, 4, 20, undefined, 'Hub'), { p: 4, num: 20, page_size: 20, type: 0, ...tail });
    const bare = hubRequestQuery({ start: 0, end: 1000 }, 0, 1, 'one-api', 'Hub');
    assert.deepEqual(bare, {
      p: 0,
      num: 1,
      type: 2,
      start_timestamp: 0,
      end_timestamp: 0,
      token_name: undefined,
      model_name: undefined,
    });
  });

  it('the size is capped at 100 (100 stays 100); the window in whole seconds, its exclusive end made inclusive, never below 0', () => {
    const size = (n: number) => hubRequestQuery(f, 0, n, 'one-api', 'Hub')['num'];
    assert.deepEqual([size(1), size(99), size(100), size(101), size(5000)], [1, 99, 100, 100, 100]);
    const win = (start: number, end: number) => {
      const q = hubRequestQuery({ start, end }, 0, 1, 'one-api', 'Hub');
      return [q['start_timestamp'], q['end_timestamp']];
    };
    assert.deepEqual(win(10_999, 20_001), [10, 20]);
    assert.deepEqual(win(11_000, 21_000), [11, 20]);
    assert.deepEqual(win(11_001, 21_001), [11, 21]);
    assert.deepEqual(win(-5000, 0), [0, 0]);
    assert.deepEqual(win(0, 1), [0, 0]);
  });

  it('a page, a size or a time the gateway cannot take is refused naming its field, nothing built', () => {
    const cases: Array<[number, number, RequestFilter, string]> = [
      [-1, 10, f, 'p'],
      [0.5, 10, f, 'p'],
      [0, 0, f, 'page_size'],
      [0, 1.5, f, 'page_size'],
      [0, 10, { ...f, start: Number.NaN }, 'start_timestamp'],
      [0, 10, { ...f, end: Infinity }, 'end_timestamp'],
    ];
    for (const [page, size, filter, field] of cases) {
      const e = refusal(() => hubRequestQuery(filter, page, size, 'new-api', 'Hub'));
      assert.equal(e.kind, 'validation', field);
      assert.equal(e.fieldErrors[0]?.field, field);
      assert.equal(e.operation, 'list requests');
      assert.equal(e.gateway, 'Hub');
    }
    assert.deepEqual(hubRequestQuery(f, 0, 1, 'new-api', 'Hub')['page_size'], 1);
  });
});

describe('AIHubMix request log: a row as a RequestRecord', () => {
  it('every field of a full row', () => {
    const r = mapHubRequest(
      row({
        id: 5,
        created_at: 1_764_496_800,
        type: 2,
        content: 'ignored on success',
        token_name: 'ci',
        token_id: 12,
        model_name: 'gpt-4o',
        quota: 1234,
        prompt_tokens: 100,
        completion_tokens: 20,
        elapsed_time: 1500,
        use_time: 9,
        is_stream: false,
        request_id: 'req-1',
        other: { frt: 300 },
      }),
      0,
      'Hub',
    );
    assert.deepEqual(r, {
      id: '5',
      at: '2025-11-30T10:00:00.000Z',
      model: 'gpt-4o',
      status: 'success',
      usage: { promptTokens: 100, completionTokens: 20, totalTokens: 120 },
      cost: { amount: '0.002468', currency: 'USD' },
      requestId: 'req-1',
      keyId: '12',
      keyName: 'ci',
      latencyMs: 1500,
      firstTokenMs: 300,
      stream: false,
    });
  });

  it('a bare row: model "", success, no usage counts, zero cost, and none of the optional fields', () => {
    assert.deepEqual(mapHubRequest(row({ request_id: '', token_name: '' }), 0, 'Hub'), {
      id: '1',
      at: '2025-11-30T10:00:00.000Z',
      model: '',
      status: 'success',
      usage: { promptTokens: 0, completionTokens: 0, totalTokens: 0 },
      cost: { amount: '0', currency: 'USD' },
    });
  });

  it('latency: elapsed_time (ms) first, even 0; else use_time in seconds; first token only when frt > 0', () => {
    const lat = (over: Record<string, unknown>) => mapHubRequest(row(over), 0, 'Hub').latencyMs;
    assert.equal(lat({ elapsed_time: 0, use_time: 4 }), 0);
    assert.equal(lat({ use_time: 4 }), 4000);
    assert.equal(lat({ use_time: 0 }), 0);
    assert.equal(lat({}), undefined);
    const frt = (other: unknown) => mapHubRequest(row({ other }), 0, 'Hub').firstTokenMs;
    assert.equal(frt({ frt: 1 }), 1);
    assert.equal(frt({ frt: 0.5 }), 0.5);
    assert.equal(frt({ frt: 0 }), undefined);
    assert.equal(frt({ frt: -1 }), undefined);
    assert.equal(frt('{"frt":250}'), 250);
    assert.equal(frt('{"frt":"x"}'), undefined, 'an unreadable other is no details');
    assert.equal(frt(null), undefined);
    const stream = (is_stream: unknown) => mapHubRequest(row({ is_stream }), 0, 'Hub').stream;
    assert.deepEqual([stream(true), stream(false), stream(null)], [true, false, undefined]);
  });

  it('an error row (type 5) keeps its content as the error; a consume row and an empty content carry none', () => {
    const err = mapHubRequest(row({ type: 5, content: 'upstream 503' }), 0, 'Hub');
    assert.equal(err.status, 'error');
    assert.equal(err.error, 'upstream 503');
    assert.equal('error' in mapHubRequest(row({ type: 5, content: '' }), 0, 'Hub'), false);
    assert.equal(mapHubRequest(row({ type: 5 }), 0, 'Hub').status, 'error');
    const ok = mapHubRequest(row({ type: 2, content: 'fine' }), 0, 'Hub');
    assert.equal(ok.status, 'success');
    assert.equal('error' in ok, false);
    assert.equal(mapHubRequest(row({ type: 0 }), 0, 'Hub').status, 'success');
  });

  it('cache counts: read only, write only, both (OpenAI split), and a split past the prompt read Anthropic-style', () => {
    const usage = (other: unknown, prompt = 100) =>
      mapHubRequest(row({ prompt_tokens: prompt, completion_tokens: 5, other }), 0, 'Hub').usage;
    assert.deepEqual(usage({ cache_tokens: 60 }), {
      promptTokens: 100,
      completionTokens: 5,
      totalTokens: 105,
      cachedTokens: 60,
      cacheWriteTokens: 0,
      shape: 'openai',
    });
    assert.deepEqual(usage({ cache_creation_tokens: 30 }), {
      promptTokens: 100,
      completionTokens: 5,
      totalTokens: 105,
      cachedTokens: 0,
      cacheWriteTokens: 30,
      shape: 'openai',
    });
    assert.deepEqual(usage({ cache_tokens: 60, cache_creation_tokens: 40 }), {
      promptTokens: 100,
      completionTokens: 5,
      totalTokens: 105,
      cachedTokens: 60,
      cacheWriteTokens: 40,
      shape: 'openai',
    });
    assert.deepEqual(usage({ cache_tokens: 60, cache_creation_tokens: 41 }), {
      promptTokens: 201,
      completionTokens: 5,
      totalTokens: 206,
      cachedTokens: 60,
      cacheWriteTokens: 41,
      shape: 'anthropic',
    });
    assert.deepEqual(usage({ cache_tokens: 101 }), {
      promptTokens: 201,
      completionTokens: 5,
      totalTokens: 206,
      cachedTokens: 101,
      cacheWriteTokens: 0,
      shape: 'anthropic',
    });
    assert.deepEqual(usage({ cache_tokens: null }), { promptTokens: 100, completionTokens: 5, totalTokens: 105 });
    assert.deepEqual(
      usage({ cache_tokens: -1 }),
      { promptTokens: 100, completionTokens: 5, totalTokens: 105 },
      'a bad other is ignored',
    );
  });
});

describe('AIHubMix request log: a page', () => {
  const f: RequestFilter = { start: 0, end: 1000 };
  const rows = (types: ReadonlyArray<number | null>) => types.map((type, id) => row({ id: id + 1, type }));

  it('keeps the rows of the filter (a row without a type is a consume row); maps each with its own index', () => {
    const all = mapHubRequestPage({ rows: rows([2, 5, 0, 1, null, 4]) }, f, 'new-api', 0, 10, 'Hub');
    assert.deepEqual(
      all.items.map((r) => [r.id, r.status]),
      [
        ['1', 'success'],
        ['2', 'error'],
        ['5', 'success'],
      ],
    );
    const errors = mapHubRequestPage({ rows: rows([2, 5, null]) }, { ...f, status: 'error' }, 'new-api', 0, 10, 'Hub');
    assert.deepEqual(
      errors.items.map((r) => r.id),
      ['2'],
    );
    const oneApi = mapHubRequestPage({ rows: rows([2, 5]) }, f, 'one-api', 0, 10, 'Hub');
    assert.deepEqual(
      oneApi.items.map((r) => r.id),
      ['1'],
    );
  });

  it('the total only when the wire type is one log type; hasMore from the total, else from a full raw page', () => {
    const page = (
      n: number,
      total: number | undefined,
      p: number,
      size: number,
      filter: RequestFilter,
      dialect: 'one-api' | 'new-api',
    ) =>
      mapHubRequestPage(
        { rows: rows(Array(n).fill(2)), ...(total === undefined ? {} : { total }) },
        filter,
        dialect,
        p,
        size,
        'Hub',
      );
    const one = page(2, 5, 1, 2, f, 'one-api');
    assert.deepEqual([one.page, one.pageSize, one.total, one.hasMore], [1, 2, 5, true]);
    assert.equal(page(2, 6, 2, 2, f, 'one-api').hasMore, false, '(2+1)*2 = 6: the last page');
    assert.equal(page(2, 7, 2, 2, f, 'one-api').hasMore, true);
    const all = page(2, 40, 0, 2, f, 'new-api');
    assert.equal('total' in all, false, 'a type-0 total counts top-ups: not reported');
    assert.equal(all.hasMore, true);
    assert.equal(page(2, 2, 0, 2, f, 'new-api').hasMore, false, 'but it still ends the paging');
    assert.equal(page(2, 5, 0, 2, { ...f, status: 'success' }, 'new-api').total, 5);
    assert.equal(page(2, undefined, 0, 2, f, 'one-api').hasMore, true, 'a full page without a total');
    assert.equal(page(1, undefined, 0, 2, f, 'one-api').hasMore, false);
    assert.equal(page(3, undefined, 0, 2, f, 'one-api').hasMore, true);
    // a raw page full of rows the filter drops still has more behind it
    const dropped = mapHubRequestPage({ rows: rows([1, 1]) }, f, 'new-api', 0, 2, 'Hub');
    assert.deepEqual([dropped.items.length, dropped.hasMore], [0, true]);
  });
});
