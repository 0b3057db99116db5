/**
 * The request log where AIone has no per-request route, and our price beside the gateway's:
 *
 * - the daily totals (`/api/v1/obs/usage` at its finest grain) shown as the log's rows when the inferred
 *   `/api/v1/obs/requests` answers 404: paged newest first, every row once, the totals of them all equal to the
 *   simulator's own day view to the last decimal, a key's log by day and model, the status filter not applied; the
 *   capability learnt once per client (no second probe), a new client asks again; a 500 is a failure, not "absent";
 * - our price of a row by token class at the model's own prices (hand-computed figures), the difference flagged only
 *   beyond the gateway's rounding (AIone ¥0.00005 a request, one-api one quota unit $0.000002), a daily row's
 *   tolerance N times that, a partial price never compared, the totals likewise; and the export rows carrying both.
 */
import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import Big from 'big.js';
import { type RequestFilter, type RequestRecord, sumRequests } from '../../src/core/requestLog';
import type { ModelPrice } from '../../src/core/types';
import { money } from '../../src/core/money';
import { addOurPrices, emptyOurSum, ourTotalsView, priceRecord, pricesOf } from '../../src/features/requests/pricing';
import { CSV_HEADER, csvLine, jsonHead, jsonRecord, jsonTail } from '../../src/features/requests/rows';
import type { DisposableGateway } from '../../src/gateway/index';
import { gatewayFor, rejectsWith, startSimulator, type Simulator } from './support';

const DAY = 86_400_000;
const cny = (a: string) => money(a, 'CNY');
const usd = (a: string) => money(a, 'USD');

const rec = (over: Partial<RequestRecord> & { cost: RequestRecord['cost'] }): RequestRecord => ({
  id: 'r1',
  at: '2026-11-30T10:00:00.000Z',
  model: 'gpt-4.1',
  status: 'success',
  usage: {
    promptTokens: 1000,
    cachedTokens: 600,
    cacheWriteTokens: 100,
    completionTokens: 300,
    reasoningTokens: 120,
    totalTokens: 1300,
  },
  ...over,
});

// gpt-4.1 on AIone: $2 / $8 per 1M at 7.2 → ¥14.4 in, ¥57.6 out; cache reads ¥3.6, writes ¥18
const AIONE_PRICES = new Map<string, ModelPrice>([
  [
    'gpt-4.1',
    {
      inputPerMTok: cny('14.4'),
      outputPerMTok: cny('57.6'),
      cacheReadPerMTok: cny('3.6'),
      cacheWritePerMTok: cny('18'),
    },
  ],
  ['no-cache-price', { inputPerMTok: cny('14.4'), outputPerMTok: cny('57.6') }],
]);

describe('our price beside the gateway’s', () => {
  it('each class at the model’s price, reasoning inside the output (hand-computed), within AIone’s rounding', () => {
    // 300 uncached × 14.4 + 600 read × 3.6 + 100 written × 18 + 300 out × 57.6, per 1M = 0.00432 + 0.00216 + 0.0018 + 0.01728
    const p = priceRecord(rec({ cost: cny('0.0256') }), AIONE_PRICES, 'aione');
    assert.deepEqual(p, { amount: cny('0.02556'), complete: true }, '0.00004 apart: inside ¥0.00005, not flagged');
    const off = priceRecord(rec({ cost: cny('0.0257') }), AIONE_PRICES, 'aione');
    assert.equal(off?.difference, '0.00014', 'beyond the rounding: flagged, theirs − ours');
    const under = priceRecord(rec({ cost: cny('0.0254') }), AIONE_PRICES, 'aione');
    assert.equal(under?.difference, '-0.00016');
  });

  it('a failed request the gateway did not charge costs nothing by our price; a charged one is compared', () => {
    const failed = rec({ status: 'error', cost: cny('0') });
    assert.deepEqual(priceRecord(failed, AIONE_PRICES, 'aione'), { amount: cny('0'), complete: true });
    const charged = rec({ status: 'error', cost: cny('0.0300') });
    assert.equal(priceRecord(charged, AIONE_PRICES, 'aione')?.difference, '0.00444');
  });

  it('one-api: one quota unit ($0.000002) a request is rounding, two are a difference', () => {
    const prices = new Map<string, ModelPrice>([
      ['m', { inputPerMTok: usd('2'), outputPerMTok: usd('8'), cacheReadPerMTok: usd('0.5') }],
    ]);
    const r = (quota: number) =>
      rec({
        model: 'm',
        usage: { promptTokens: 1000, cachedTokens: 400, completionTokens: 200, totalTokens: 1200 },
        cost: usd(new Big(quota).div(500_000).toString()),
      });
    // 600 × 2 + 400 × 0.5 + 200 × 8, per 1M = 0.003 = 1500 units
    assert.equal(priceRecord(r(1501), prices, 'aihubmix')?.difference, undefined);
    assert.equal(priceRecord(r(1502), prices, 'aihubmix')?.difference, '0.000004');
    assert.equal(priceRecord(r(1502), prices, 'aihubmix')?.amount.amount, '0.003');
  });

  it('a class without a price is a lower bound, never compared; a model without a price is not priced', () => {
    const part = priceRecord(rec({ model: 'no-cache-price', cost: cny('9') }), AIONE_PRICES, 'aione');
    assert.equal(part?.complete, false);
    assert.equal(part?.difference, undefined);
    assert.equal(part?.amount.amount, '0.0216', 'input 300 × 14.4 and output 300 × 57.6 only');
    assert.equal(priceRecord(rec({ model: 'unknown', cost: cny('1') }), AIONE_PRICES, 'aione'), undefined);
    assert.equal(priceRecord(rec({ cost: usd('1') }), AIONE_PRICES, 'aione'), undefined, 'another currency');
  });

  it('a daily row of N requests may be N roundings off; the totals sum ours and flag beyond all their roundings', () => {
    const day = (cost: string, requests: number): RequestRecord =>
      rec({
        cost: cny(cost),
        usage: { promptTokens: 10_000, completionTokens: 1000, totalTokens: 11_000 },
        aggregate: { requests },
      });
    // 10,000 × 14.4 + 1,000 × 57.6 per 1M = 0.2016
    assert.equal(priceRecord(day('0.2020', 10), AIONE_PRICES, 'aione')?.difference, undefined, '0.0004 ≤ 10 × 0.00005');
    assert.equal(priceRecord(day('0.2020', 5), AIONE_PRICES, 'aione')?.difference, '0.0004', '0.0004 > 5 × 0.00005');
    const s = addOurPrices(emptyOurSum('CNY'), [day('0.2020', 10), day('0.2016', 3)], AIONE_PRICES, 'aione');
    assert.deepEqual(ourTotalsView(s, 'aione'), {
      status: 'ready',
      amount: cny('0.4032'),
      unpricedRows: 0,
      rows: 2,
    });
    const off = addOurPrices(emptyOurSum('CNY'), [day('0.2100', 10), day('0.2016', 3)], AIONE_PRICES, 'aione');
    assert.equal(ourTotalsView(off, 'aione').difference, '0.0084');
    const part = addOurPrices(
      emptyOurSum('CNY'),
      [day('0.3', 1), rec({ model: 'x', cost: cny('5') })],
      AIONE_PRICES,
      'aione',
    );
    const v = ourTotalsView(part, 'aione');
    assert.ok(v.status === 'ready');
    assert.equal(v.unpricedRows, 1);
    assert.equal(v.difference, undefined, 'not every row priced: not compared');
  });

  it('the export carries both: CSV columns our_cost / cost_difference / requests, JSON `ours` per row and in the end', () => {
    const r = rec({ cost: cny('0.0257') });
    const ours = priceRecord(r, AIONE_PRICES, 'aione');
    const cells = csvLine(r, ours).trimEnd().split(',');
    const col = (name: (typeof CSV_HEADER)[number]) => cells[CSV_HEADER.indexOf(name)];
    assert.equal(col('cost'), '0.0257');
    assert.equal(col('our_cost'), '0.02556');
    assert.equal(col('cost_difference'), '0.00014');
    assert.equal(col('requests'), '1');
    const partial = rec({ model: 'no-cache-price', cost: cny('9'), aggregate: { requests: 4 } });
    const pc = csvLine(partial, priceRecord(partial, AIONE_PRICES, 'aione'))
      .trimEnd()
      .split(',');
    assert.equal(pc[CSV_HEADER.indexOf('our_cost')], '0.0216+', 'a lower bound says so');
    assert.equal(pc[CSV_HEADER.indexOf('requests')], '4');
    const meta = { connection: 'C', gateway: 'AIone', currency: 'CNY' as const, filter: { start: 0, end: DAY } };
    const total = ourTotalsView(addOurPrices(emptyOurSum('CNY'), [r], AIONE_PRICES, 'aione'), 'aione');
    const doc = JSON.parse(
      jsonHead(meta) + jsonRecord(r, true, ours) + jsonTail(sumRequests([r], 'CNY'), true, total),
    ) as {
      requests: Array<{ cost: { amount: string }; ours?: { amount: { amount: string }; difference?: string } }>;
      ours: { amount: { amount: string }; difference?: string };
    };
    assert.equal(doc.requests[0]?.cost.amount, '0.0257');
    assert.equal(doc.requests[0]?.ours?.difference, '0.00014');
    assert.equal(doc.ours.amount.amount, '0.02556');
    assert.equal(doc.ours.difference, '0.00014');
  });
});

describe('AIone without the per-request route: daily totals from the usage', () => {
  let sim: Simulator;
  let aione: DisposableGateway;
  const others: DisposableGateway[] = [];

  before(async () => {
    sim = await startSimulator({ seed: 21, keyCount: 12, streamTokensPerSecond: 0 });
    sim.setVariants({ aioneRequestLog: 'absent' });
    aione = gatewayFor(sim, 'aione');
  });
  after(async () => {
    await Promise.all([aione.dispose(), ...others.map((g) => g.dispose())]);
    await sim.close();
  });
  afterEach(() => sim.faults.clear());

  const probes = () => sim.requests.filter((r) => r.gateway === 'aione' && r.path === '/api/v1/obs/requests').length;

  const allPages = async (g: DisposableGateway, f: RequestFilter, size: number): Promise<RequestRecord[]> => {
    const out: RequestRecord[] = [];
    for (let page = 0; page < 200; page++) {
      const p = await g.listRequests(f, { page, pageSize: size });
      assert.equal(p.granularity, 'day');
      out.push(...p.items);
      if (!p.hasMore) break;
    }
    return out;
  };

  it('every key, by UTC day: pages newest first, each row once, totals equal the simulator’s day view exactly', async () => {
    const end = Date.now();
    const f: RequestFilter = { start: end - 7 * DAY, end, status: 'error' };
    const first = await aione.listRequests(f, { page: 0, pageSize: 10 });
    assert.equal(first.granularity, 'day');
    assert.ok(first.total !== undefined && first.total > 10, 'more than one page of rows');
    const rows = await allPages(aione, f, 10);
    assert.equal(rows.length, first.total);
    assert.equal(new Set(rows.map((r) => r.id)).size, rows.length, 'no row twice');
    assert.ok(
      rows.every((r, i) => i === 0 || rows[i - 1]!.at >= r.at),
      'newest day first',
    );
    assert.ok(rows.every((r) => r.keyId && r.aggregate && r.aggregate.requests > 0 && /T00:00:00\.000Z$/.test(r.at)));
    // the status filter does not split daily totals: the same rows as without it
    const unfiltered = await allPages(aione, { start: f.start, end }, 10);
    assert.deepEqual(
      unfiltered.map((r) => r.id),
      rows.map((r) => r.id),
    );
    const days = await aione.queryUsage({ start: f.start, end, groupBy: 'day' });
    const sum = (xs: readonly { cost: { amount: string } }[]) =>
      xs.reduce((s, x) => s.plus(x.cost.amount), new Big(0)).toString();
    assert.equal(first.totals?.cost.amount, sum(days), 'the totals equal the day view to the last decimal');
    assert.equal(sum(rows), sum(days));
    assert.equal(
      first.totals?.requests,
      days.reduce((n, d) => n + d.requests, 0),
    );
    assert.equal(sumRequests(rows, 'CNY').requests, first.totals?.requests, 'a daily row counts its requests');
  });

  it('a key’s log: one row per day and model of that key; our price agrees with the simulator within rounding', async () => {
    const end = Date.now();
    const keys = await aione.listKeys({ page: 0, pageSize: 12 });
    const perKey = await aione.queryUsage({ start: end - 7 * DAY, end, groupBy: 'key' });
    const keyId = perKey.find((r) => r.keyId)?.keyId;
    assert.ok(keyId, 'a key with usage');
    const name = keys.items.find((k) => k.id === keyId)?.name ?? 'k';
    const f: RequestFilter = { start: end - 7 * DAY, end, keyId, keyName: name };
    const rows = await allPages(aione, f, 5);
    assert.ok(rows.length > 0);
    assert.ok(rows.every((r) => r.keyId === keyId && r.keyName === name && r.model !== ''));
    const own = await aione.queryUsage({ start: f.start, end, groupBy: 'day', keyId });
    assert.equal(
      sumRequests(rows, 'CNY').cost.amount,
      own.reduce((s, x) => s.plus(x.cost.amount), new Big(0)).toString(),
    );
    const prices = pricesOf(await aione.listModels());
    const priced = rows.map((r) => priceRecord(r, prices, 'aione')).filter((p) => p?.complete);
    assert.ok(priced.length > 0, 'some rows priced');
    assert.deepEqual(
      priced.filter((p) => p?.difference !== undefined),
      [],
      'the simulator bills at the listed prices: no difference beyond its rounding',
    );
  });

  it('learnt once per client: no second probe; a new client asks again; a 500 is a failure, not "absent"', async () => {
    const f: RequestFilter = { start: Date.now() - DAY, end: Date.now() };
    await aione.listRequests(f, { page: 0, pageSize: 5 });
    const seen = probes();
    sim.setVariants({ aioneRequestLog: 'offered' });
    try {
      const again = await aione.listRequests(f, { page: 0, pageSize: 5 });
      assert.equal(again.granularity, 'day', 'the same client keeps what it learnt');
      assert.equal(probes(), seen, 'without asking the route again');
      const fresh = gatewayFor(sim, 'aione');
      others.push(fresh);
      const p = await fresh.listRequests(f, { page: 0, pageSize: 5 });
      assert.equal(p.granularity ?? 'request', 'request', 'a new client asks, and gets per-request records');
      sim.faults.add({ gateway: 'aione', path: '/api/v1/obs/requests', fault: { kind: 'status', status: 500 } });
      const other = gatewayFor(sim, 'aione');
      others.push(other);
      await rejectsWith(other.listRequests(f, { page: 0, pageSize: 5 }), 'server');
    } finally {
      sim.setVariants({ aioneRequestLog: 'absent' });
    }
  });
});
