/**
 * The request log below the UI: the lenient row schemas of both gateways (every variant they may send), the query
 * each page sends, exact totals, the sort, the export rows — and both adapters against the simulator: every page
 * of a filter adds up to the simulator's own records to the last decimal, AIone's reported totals equal them, and a
 * gateway without the log route answers `unsupported`.
 */
import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import Big from 'big.js';
import {
  type RequestFilter,
  type RequestRecord,
  sortRequests,
  sumRequests,
  uncachedTokens,
} from '../../src/core/requestLog';
import type { DisposableGateway } from '../../src/gateway/index';
import {
  aioneRequestListSchema,
  aioneRequestQuery,
  mapAioneRequest,
  mapAioneRequestPage,
} from '../../src/gateway/aione/requests';
import {
  hubRequestQuery,
  hubRequestSchema,
  mapHubRequest,
  mapHubRequestPage,
  parseHubRequestList,
} from '../../src/gateway/aihubmix/requests';
import { GatewayError } from '../../src/gateway/errors';
import { csvHeaderLine, csvLine, jsonHead, jsonRecord, jsonTail } from '../../src/features/requests/rows';
import { aioneRequests } from '../simulator/aione-requests';
import { gatewayFor, rejectsWith, startSimulator, type Simulator } from './support';

const DAY = 86_400_000;

describe('request log: AIone row schema and mapping', () => {
  const row = {
    id: 'a1',
    request_id: 'req_1',
    created_at: '2026-11-30T10:00:00.123456Z',
    key_id: 'k1',
    key_name: 'prod',
    model: 'gpt-4.1',
    status: 'success',
    is_stream: true,
    prompt_tokens: 1000,
    completion_tokens: 300,
    cached_tokens: 600,
    cache_write_tokens: 100,
    reasoning_tokens: 120,
    cost_rmb: '0.0123',
    latency_ms: 900,
    first_token_ms: 210,
  };

  it('reads flat counts (prompt includes the cache classes, completion includes reasoning)', () => {
    const list = aioneRequestListSchema.parse({ items: [row], total: 1 });
    const r = mapAioneRequest(list.items[0]!, 0, 'AIone');
    assert.deepEqual(r.usage, {
      promptTokens: 1000,
      completionTokens: 300,
      totalTokens: 1300,
      cachedTokens: 600,
      cacheWriteTokens: 100,
      reasoningTokens: 120,
      shape: 'openai',
    });
    assert.equal(uncachedTokens(r), 300);
    assert.deepEqual(r.cost, { amount: '0.0123', currency: 'CNY' });
    assert.equal(r.at, '2026-11-30T10:00:00.123Z');
    assert.equal(r.firstTokenMs, 210);
    assert.equal(r.requestId, 'req_1');
    assert.equal(r.status, 'success');
  });

  it('accepts {data}, a bare array, Unix seconds, numeric costs, a nested Anthropic usage and other status forms', () => {
    const variants = [
      { data: [{ id: 7, created_at: 1_764_496_800, model_name: 'm', cost: 0.5, status: 200 }] },
      [{ id: '8', created_at: '1764496800', model: 'm', cost_rmb: 1, status: 'failed', error_message: 'boom' }],
      {
        items: [
          {
            id: 'x',
            created_at: '2026-11-30T10:00:00Z',
            model: 'claude',
            usage: { input_tokens: 10, cache_read_input_tokens: 50, cache_creation_input_tokens: 40, output_tokens: 5 },
            trace_id: 'tr-9',
            ttft_ms: 33,
          },
        ],
      },
    ];
    const [a, b, c] = variants.map((v) => {
      const list = aioneRequestListSchema.parse(v);
      return mapAioneRequest(list.items[0]!, 0, 'AIone');
    });
    assert.equal(a!.id, '7');
    assert.equal(a!.at, '2025-11-30T10:00:00.000Z');
    assert.equal(a!.cost.amount, '0.5');
    assert.equal(a!.status, 'success');
    assert.equal(b!.status, 'error');
    assert.equal(b!.error, 'boom');
    assert.equal(c!.usage.promptTokens, 100, 'Anthropic input excludes the cache classes: 10 + 50 + 40');
    assert.equal(c!.usage.cachedTokens, 50);
    assert.equal(c!.usage.cacheWriteTokens, 40);
    assert.equal(c!.requestId, 'tr-9');
    assert.equal(c!.firstTokenMs, 33);
  });

  it('a row whose cache classes exceed its prompt is a bad response naming the row; a bad date is refused', () => {
    const list = aioneRequestListSchema.parse({ items: [{ ...row, cached_tokens: 2000 }] });
    assert.throws(
      () => mapAioneRequest(list.items[0]!, 0, 'AIone'),
      (e: unknown) => e instanceof GatewayError && e.kind === 'bad-response' && /items\.0\.usage/.test(e.message),
    );
    assert.equal(aioneRequestListSchema.safeParse({ items: [{ ...row, created_at: 'yesterday' }] }).success, false);
    assert.equal(aioneRequestListSchema.safeParse({ items: [{ ...row, cost_rmb: '1,2' }] }).success, false);
  });

  it('the page: totals as reported, hasMore from the total (or a full page without one)', () => {
    const page = mapAioneRequestPage(
      aioneRequestListSchema.parse({
        items: [row],
        total: 3,
        totals: { requests: 3, prompt_tokens: 5, completion_tokens: 6, cost_rmb: '0.3000' },
      }),
      1,
      1,
      'AIone',
    );
    assert.equal(page.hasMore, true);
    assert.equal(page.totals?.cost.amount, '0.3');
    assert.equal(page.totals?.cachedTokens, 0);
    const last = mapAioneRequestPage(aioneRequestListSchema.parse([row]), 2, 1, 'AIone');
    assert.equal(last.hasMore, true, 'no total: a full page may have a successor');
    assert.equal(last.totals, undefined);
  });

  it('the query: 1-based page, ISO times with an inclusive end, the filters; bad input is refused before sending', () => {
    const f: RequestFilter = {
      start: Date.UTC(2026, 10, 1),
      end: Date.UTC(2026, 10, 2),
      keyId: 'k',
      model: 'm',
      status: 'error',
    };
    assert.deepEqual(aioneRequestQuery(f, 0, 500, 'AIone'), {
      page: 1,
      page_size: 100,
      start_time: '2026-11-01T00:00:00.000Z',
      end_time: '2026-11-01T23:59:59.999Z',
      key_id: 'k',
      model: 'm',
      status: 'error',
    });
    assert.throws(() => aioneRequestQuery(f, -1, 10, 'AIone'), /page must be/);
    assert.throws(() => aioneRequestQuery({ ...f, start: NaN }, 0, 10, 'AIone'), /start_time/);
  });
});

describe('request log: one-api / new-api rows', () => {
  it('one-api: elapsed_time in ms, quota in units (500,000 a dollar), no cache counts', () => {
    const r = mapHubRequest(
      hubRequestSchema.parse({
        id: 5,
        created_at: 1_764_496_800,
        type: 2,
        token_name: 'ci',
        model_name: 'gpt-4o',
        quota: 1234,
        prompt_tokens: 100,
        completion_tokens: 20,
        elapsed_time: 1500,
        is_stream: false,
        request_id: '20261130',
      }),
      0,
      'Hub',
    );
    assert.deepEqual(r.cost, { amount: '0.002468', currency: 'USD' });
    assert.equal(r.latencyMs, 1500);
    assert.equal(r.usage.cachedTokens, undefined);
    assert.equal(r.keyName, 'ci');
    assert.equal(r.status, 'success');
  });

  it('new-api: use_time in seconds, `other` as a JSON string or an object with cache counts and frt; type 5 is an error', () => {
    const base = {
      id: 1,
      created_at: '1764496800',
      model_name: 'claude',
      quota: '10',
      prompt_tokens: 100,
      completion_tokens: 5,
    };
    const s = mapHubRequest(
      hubRequestSchema.parse({
        ...base,
        use_time: 3,
        other: '{"cache_tokens":60,"cache_creation_tokens":20,"frt":420}',
      }),
      0,
      'Hub',
    );
    assert.equal(s.latencyMs, 3000);
    assert.equal(s.firstTokenMs, 420);
    assert.equal(s.usage.promptTokens, 100);
    assert.equal(s.usage.cachedTokens, 60);
    const o = mapHubRequest(
      hubRequestSchema.parse({ ...base, other: { cache_tokens: 90, cache_creation_tokens: 30, frt: -1 } }),
      0,
      'Hub',
    );
    assert.equal(o.usage.promptTokens, 220, 'a split larger than the prompt is read Anthropic-style: 100 + 90 + 30');
    assert.equal(o.firstTokenMs, undefined, 'frt -1 is "not measured"');
    const bad = mapHubRequest(hubRequestSchema.parse({ ...base, other: 'not json' }), 0, 'Hub');
    assert.equal(bad.usage.cachedTokens, undefined, 'an unreadable `other` is no counts');
    const err = mapHubRequest(hubRequestSchema.parse({ ...base, type: 5, content: 'upstream 503' }), 0, 'Hub');
    assert.equal(err.status, 'error');
    assert.equal(err.error, 'upstream 503');
  });

  it('the list: null, an array or the page object; anything else is a bad response', () => {
    assert.deepEqual(parseHubRequestList(null, 'Hub').rows, []);
    assert.equal(parseHubRequestList([{ id: 1, created_at: 1 }], 'Hub').rows.length, 1);
    const p = parseHubRequestList({ page: 1, page_size: 10, total: 3, items: [] }, 'Hub');
    assert.equal(p.total, 3);
    assert.equal(p.page, 1);
    assert.throws(
      () => parseHubRequestList('nope', 'Hub'),
      (e: unknown) => e instanceof GatewayError && e.kind === 'bad-response',
    );
  });

  it('the query per dialect; the status picks the log type; type 0 rows that are not requests are dropped', () => {
    const f: RequestFilter = { start: 10_000, end: 20_000, keyName: 'ci', model: 'm' };
    assert.deepEqual(hubRequestQuery(f, 2, 50, 'new-api', 'Hub'), {
      p: 3,
      page_size: 50,
      type: 0,
      start_timestamp: 10,
      end_timestamp: 19,
      token_name: 'ci',
      model_name: 'm',
    });
    assert.deepEqual(
      { ...hubRequestQuery({ ...f, status: 'success' }, 2, 50, 'one-api', 'Hub') },
      { p: 2, num: 50, type: 2, start_timestamp: 10, end_timestamp: 19, token_name: 'ci', model_name: 'm' },
    );
    const unknown = hubRequestQuery({ ...f, status: 'error' }, 0, 500, undefined, 'Hub');
    assert.equal(unknown['num'], 100);
    assert.equal(unknown['page_size'], 100);
    assert.equal(unknown['type'], 5);
    const page = mapHubRequestPage(
      { rows: [1, 2, 5, 3].map((type, id) => hubRequestSchema.parse({ id, created_at: 1, type })), total: 40 },
      f,
      'new-api',
      0,
      4,
      'Hub',
    );
    assert.deepEqual(
      page.items.map((r) => r.status),
      ['success', 'error'],
    );
    assert.equal(page.total, undefined, 'a total over type 0 counts top-ups too: not reported');
    assert.equal(page.hasMore, true);
  });
});

const rec = (over: Partial<Omit<RequestRecord, 'cost'>> & { cost: string }): RequestRecord => ({
  id: over.id ?? 'r',
  at: over.at ?? '2026-11-30T10:00:00.000Z',
  model: over.model ?? 'm',
  status: over.status ?? 'success',
  usage: over.usage ?? { promptTokens: 10, completionTokens: 2, totalTokens: 12, cachedTokens: 4, reasoningTokens: 1 },
  ...(over.keyName ? { keyName: over.keyName } : {}),
  ...(over.latencyMs !== undefined ? { latencyMs: over.latencyMs } : {}),
  cost: { amount: over.cost, currency: 'USD' },
});

describe('request log: totals, sort, export rows', () => {
  it('totals are exact decimals and every token class', () => {
    const t = sumRequests([rec({ cost: '0.1' }), rec({ cost: '0.2' }), rec({ cost: '0.000000000001' })], 'USD');
    assert.equal(t.cost.amount, '0.300000000001');
    assert.equal(t.requests, 3);
    assert.equal(t.promptTokens, 30);
    assert.equal(t.cachedTokens, 12);
    assert.equal(t.reasoningTokens, 3);
    assert.throws(() => sumRequests([{ ...rec({ cost: '1' }), cost: { amount: '1', currency: 'CNY' } }], 'USD'));
  });

  it('sorts by a column, numerically and exactly for costs, stable for ties', () => {
    const rs = [
      rec({ id: 'a', cost: '0.9', latencyMs: 5 }),
      rec({ id: 'b', cost: '10', latencyMs: 5 }),
      rec({ id: 'c', cost: '0.10', keyName: 'Zed' }),
    ];
    assert.deepEqual(
      sortRequests(rs, 'cost', 'desc').map((r) => r.id),
      ['b', 'a', 'c'],
    );
    assert.deepEqual(
      sortRequests(rs, 'latency', 'asc').map((r) => r.id),
      ['c', 'a', 'b'],
    );
    assert.deepEqual(
      sortRequests(rs, 'key', 'desc').map((r) => r.id),
      ['c', 'a', 'b'],
    );
  });

  it('CSV rows: one escaping, formula-safe; JSON pieces join into one valid document', () => {
    const r = { ...rec({ cost: '0.5', keyName: '=HYPERLINK("x")' }), error: 'a, "b"', requestId: 'req-1' };
    const line = csvLine(r);
    assert.ok(csvHeaderLine().startsWith('time,key,key_id,model,status,input_tokens,cached_tokens'));
    assert.ok(line.startsWith(`2026-11-30T10:00:00.000Z,"'=HYPERLINK(""x"")",,m,success,6,4,,2,1,10,0.5,USD,`));
    assert.ok(line.endsWith(',req-1,"a, ""b"""\n'));
    const meta = {
      connection: 'C',
      gateway: 'AIHubMix',
      currency: 'USD' as const,
      filter: { start: 0, end: DAY, model: 'm' },
    };
    const doc =
      jsonHead(meta) +
      jsonRecord(r, true) +
      jsonRecord(rec({ cost: '1' }), false) +
      jsonTail(sumRequests([r], 'USD'), true);
    const parsed = JSON.parse(doc) as {
      requests: RequestRecord[];
      filter: { to: string; model: string };
      totals: { cost: { amount: string } };
    };
    assert.equal(parsed.requests.length, 2);
    assert.equal(parsed.requests[0]!.error, 'a, "b"');
    assert.equal(parsed.filter.to, '1970-01-02T00:00:00.000Z');
    assert.equal(parsed.totals.cost.amount, '0.5');
    const empty = JSON.parse(jsonHead(meta) + jsonTail(sumRequests([], 'USD'), false)) as { requests: unknown[] };
    assert.deepEqual(empty.requests, []);
  });
});

describe('request log against the simulator', () => {
  let sim: Simulator;
  let aione: DisposableGateway;
  let hub: DisposableGateway;
  let newApiSim: Simulator;
  let newApi: DisposableGateway;

  before(async () => {
    sim = await startSimulator({ seed: 12, keyCount: 20, streamTokensPerSecond: 0 });
    newApiSim = await startSimulator({ seed: 13, keyCount: 20, streamTokensPerSecond: 0, aihubmixDialect: 'new-api' });
    aione = gatewayFor(sim, 'aione');
    hub = gatewayFor(sim, 'aihubmix');
    newApi = gatewayFor(newApiSim, 'aihubmix');
  });
  after(async () => {
    await Promise.all([aione.dispose(), hub.dispose(), newApi.dispose()]);
    await Promise.all([sim.close(), newApiSim.close()]);
  });
  afterEach(() => sim.faults.clear());

  const allPages = async (g: DisposableGateway, f: RequestFilter, size: number): Promise<RequestRecord[]> => {
    const out: RequestRecord[] = [];
    for (let page = 0; page < 500; page++) {
      const p = await g.listRequests(f, { page, pageSize: size });
      out.push(...p.items);
      if (!p.hasMore) break;
    }
    return out;
  };

  it('AIone: every page of a key filter equals the simulator records, and the reported totals equal their sum', async () => {
    const now = Date.now();
    const records = aioneRequests(sim.state.aione, 12, now);
    const keyId = records.at(-1)!.key_id;
    const f: RequestFilter = { start: now - 14 * DAY, end: now + 1000, keyId };
    const expected = records.filter((r) => r.key_id === keyId && r.at >= f.start).sort((a, b) => b.at - a.at);
    assert.ok(expected.length > 7, 'more than one page of 7');
    const got = await allPages(aione, f, 7);
    assert.deepEqual(
      got.map((r) => r.id),
      expected.map((r) => r.id),
    );
    const first = await aione.listRequests(f, { page: 0, pageSize: 7 });
    assert.equal(first.total, expected.length);
    const summed = sumRequests(got, 'CNY');
    assert.deepEqual(first.totals, summed, 'the gateway totals equal the sum of every page');
    const simCost = expected.reduce((s, r) => s + r.costE4, 0);
    assert.equal(summed.cost.amount, new Big(simCost).div(10_000).toString());
    assert.equal(
      summed.cachedTokens,
      expected.reduce((s, r) => s + r.cached_tokens, 0),
    );
    const errors = await allPages(aione, { ...f, status: 'error' }, 50);
    assert.deepEqual(
      errors.map((r) => r.id),
      expected.filter((r) => r.status === 'error').map((r) => r.id),
    );
    assert.equal(aione.capabilities.requestLog, 'offered');
  });

  it('AIone: a chat completion adds its row with the tokens by class it answered with', async () => {
    const before = aioneRequests(sim.state.aione, 12, Date.now()).length;
    const c = await aione.chat(
      {
        model: 'gpt-4.1',
        messages: [
          { role: 'user', content: 'hello there' },
          { role: 'assistant', content: 'hi' },
          { role: 'user', content: 'again' },
        ],
      },
      { apiKey: sim.aione.modelKey },
    );
    const page = await aione.listRequests(
      { start: Date.now() - 60_000, end: Date.now() + 1000 },
      { page: 0, pageSize: 5 },
    );
    assert.equal(aioneRequests(sim.state.aione, 12, Date.now()).length, before + 1);
    const row = page.items.find((r) => r.requestId === c.id);
    assert.ok(row, 'the completion id is the row request id');
    assert.equal(row.usage.promptTokens, c.usage?.promptTokens);
    assert.equal(row.usage.cachedTokens, c.usage?.cachedTokens);
    assert.equal(row.usage.completionTokens, c.usage?.completionTokens);
  });

  for (const [name, which] of [
    ['one-api', () => ({ s: sim, g: hub })],
    ['new-api', () => ({ s: newApiSim, g: newApi })],
  ] as const)
    it(`AIHubMix (${name}): every page of a key filter sums to the simulator's logs to the last decimal`, async () => {
      const { s, g } = which();
      const logs = s.state.aihubmix.logs.filter((l) => l.type === 2);
      const keyName = logs.at(-1)!.token_name;
      const end = Date.now() + 1000;
      const start = end - 14 * DAY;
      const expected = logs.filter((l) => l.token_name === keyName && l.created_at >= Math.floor(start / 1000));
      assert.ok(expected.length > 10, 'more than one page');
      const got = await allPages(g, { start, end, keyName }, 10);
      assert.equal(got.length, expected.length);
      const t = sumRequests(got, 'USD');
      const units = expected.reduce((sum, l) => sum + l.quota, 0);
      assert.equal(t.cost.amount, new Big(units).div(500_000).toString());
      assert.equal(
        t.promptTokens,
        expected.reduce((sum, l) => sum + l.prompt_tokens, 0),
      );
      assert.equal(new Set(got.map((r) => r.id)).size, got.length, 'no row twice');
    });

  it('AIHubMix: a gateway without the log route (404) answers unsupported; the capability is a probe', async () => {
    assert.equal(hub.capabilities.requestLog, 'probe');
    sim.faults.add({ gateway: 'aihubmix', path: '/api/log/self', fault: { kind: 'status', status: 404 } });
    await rejectsWith(hub.listRequests({ start: 0, end: Date.now() }, { page: 0, pageSize: 10 }), 'unsupported');
  });
});
