import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  aggregate,
  bucketKey,
  bucketStarts,
  dayKey,
  dayRange,
  gatewayBucketStart,
  groupTotals,
  percent,
  percentile,
  pointsFromLogs,
  pointsFromRows,
  quotaUnitsToUsd,
  rangeDays,
  readAllPages,
  startOfDay,
  tzOffsetMs,
  utcDayChunks,
  type UsagePoint,
} from '../../src/core/usage';
import type { UsageLog, UsageRow } from '../../src/core/types';

const H = 3_600_000;
const utc = (iso: string): number => Date.parse(iso);
const point = (iso: string, requests: number, cost: string, extra: Partial<UsagePoint> = {}): UsagePoint => ({
  at: utc(iso),
  requests,
  promptTokens: requests * 10,
  completionTokens: requests * 5,
  cost,
  ...extra,
});

describe('usage: time zones (Intl offset math)', () => {
  it('knows the offsets of Shanghai (+8, no DST) and Los Angeles (−8 / −7 across DST)', () => {
    assert.equal(tzOffsetMs(utc('2026-01-15T12:00:00Z'), 'Asia/Shanghai'), 8 * H);
    assert.equal(tzOffsetMs(utc('2026-01-15T12:00:00Z'), 'America/Los_Angeles'), -8 * H);
    assert.equal(tzOffsetMs(utc('2026-07-15T12:00:00Z'), 'America/Los_Angeles'), -7 * H);
    assert.equal(tzOffsetMs(utc('2026-07-15T12:00:00Z'), 'UTC'), 0);
    assert.equal(tzOffsetMs(utc('2026-07-15T12:00:00Z'), 'Asia/Kolkata'), 5.5 * H);
  });

  it('puts 15:59:59Z and 16:00:00Z on different days in Shanghai, the same day in UTC', () => {
    assert.equal(dayKey(utc('2026-03-07T15:59:59Z'), 'Asia/Shanghai'), '2026-03-07');
    assert.equal(dayKey(utc('2026-03-07T16:00:00Z'), 'Asia/Shanghai'), '2026-03-08');
    assert.equal(dayKey(utc('2026-03-07T15:59:59Z'), 'UTC'), '2026-03-07');
    assert.equal(dayKey(utc('2026-03-07T16:00:00Z'), 'UTC'), '2026-03-07');
    assert.equal(bucketKey(utc('2026-03-07T16:30:00Z'), 'Asia/Shanghai', 'hour'), '2026-03-08T00:00');
  });

  it('starts a local day at local midnight (Shanghai: 16:00Z the day before; LA: 08:00Z in winter, 07:00Z in summer)', () => {
    assert.equal(new Date(startOfDay('2026-03-08', 'Asia/Shanghai')).toISOString(), '2026-03-07T16:00:00.000Z');
    assert.equal(new Date(startOfDay('2026-03-08', 'America/Los_Angeles')).toISOString(), '2026-03-08T08:00:00.000Z');
    assert.equal(new Date(startOfDay('2026-03-09', 'America/Los_Angeles')).toISOString(), '2026-03-09T07:00:00.000Z');
    assert.equal(new Date(startOfDay('2026-11-01', 'America/Los_Angeles')).toISOString(), '2026-11-01T07:00:00.000Z');
    assert.equal(new Date(startOfDay('2026-11-02', 'America/Los_Angeles')).toISOString(), '2026-11-02T08:00:00.000Z');
  });

  it('gives the LA spring-forward day 23 hourly buckets (no 02:00) and the fall-back day 25 hours in 24 buckets', () => {
    const spring = bucketStarts(
      dayRange('2026-03-08', '2026-03-08', 'America/Los_Angeles'),
      'America/Los_Angeles',
      'hour',
    );
    assert.equal(spring.length, 23);
    assert.deepEqual(
      spring.slice(0, 3).map((b) => b.key),
      ['2026-03-08T00:00', '2026-03-08T01:00', '2026-03-08T03:00'],
    );
    const fallRange = dayRange('2026-11-01', '2026-11-01', 'America/Los_Angeles');
    assert.equal(fallRange.end - fallRange.start, 25 * H);
    const fall = bucketStarts(fallRange, 'America/Los_Angeles', 'hour');
    assert.equal(fall.length, 24);
    // 01:00 PDT and 01:00 PST are both in the 01:00 bucket
    const r = aggregate([point('2026-11-01T08:30:00Z', 1, '1'), point('2026-11-01T09:30:00Z', 2, '2')], {
      range: fallRange,
      timeZone: 'America/Los_Angeles',
      granularity: 'hour',
    });
    assert.equal(r.buckets.find((b) => b.key === '2026-11-01T01:00')?.requests, 3);
    assert.equal(r.totals.requests, 3);
  });

  it('computes the days of a preset range in the zone (today differs between Shanghai and LA at 07:30Z)', () => {
    const now = utc('2026-03-08T07:30:00Z');
    assert.deepEqual(rangeDays({ preset: '7d' }, now, 'Asia/Shanghai'), {
      from: '2026-03-02',
      to: '2026-03-08',
      days: 7,
    });
    assert.deepEqual(rangeDays({ preset: '7d' }, now, 'America/Los_Angeles'), {
      from: '2026-03-01',
      to: '2026-03-07',
      days: 7,
    });
    assert.deepEqual(rangeDays({ preset: 'today' }, now, 'UTC'), { from: '2026-03-08', to: '2026-03-08', days: 1 });
    assert.deepEqual(rangeDays({ preset: '90d' }, now, 'UTC'), { from: '2025-12-09', to: '2026-03-08', days: 90 });
    assert.deepEqual(rangeDays({ preset: 'custom', from: '2026-02-10', to: '2026-02-01' }, now, 'UTC'), {
      from: '2026-02-01',
      to: '2026-02-10',
      days: 10,
    });
    assert.throws(() => rangeDays({ preset: 'custom' }, now, 'UTC'), /custom range/);
  });
});

describe('usage: aggregation', () => {
  it('buckets by local day in Shanghai across the UTC day boundary, with empty days and totals that add up', () => {
    const range = dayRange('2026-03-06', '2026-03-08', 'Asia/Shanghai');
    const points = [
      point('2026-03-05T15:59:59Z', 100, '9.99'), // 03-05 23:59:59 local: before the range
      point('2026-03-05T16:00:00Z', 1, '0.1'), // 03-06 00:00 local
      point('2026-03-06T15:59:59Z', 2, '0.2'), // 03-06 23:59:59 local
      point('2026-03-06T16:00:00Z', 3, '0.0001'), // 03-07 00:00 local
      point('2026-03-08T15:59:59Z', 4, '1.0000'), // 03-08 23:59:59 local: last second of the range
      point('2026-03-08T16:00:00Z', 50, '5'), // 03-09 local: after the range
    ];
    const r = aggregate(points, { range, timeZone: 'Asia/Shanghai', granularity: 'day' });
    assert.deepEqual(
      r.buckets.map((b) => [b.key, b.requests, b.cost]),
      [
        ['2026-03-06', 3, '0.3'],
        ['2026-03-07', 3, '0.0001'],
        ['2026-03-08', 4, '1'],
      ],
    );
    assert.equal(r.outside, 2);
    assert.equal(r.totals.requests, 10);
    assert.equal(r.totals.cost, '1.3001');
    assert.equal(r.totals.promptTokens, 100);
    assert.equal(r.totals.completionTokens, 50);
    assert.equal(r.totals.totalTokens, 150);
    // the same points in UTC days: 03-06 gets the 15:59:59Z one and the 16:00Z one
    const u = aggregate(points, {
      range: dayRange('2026-03-06', '2026-03-08', 'UTC'),
      timeZone: 'UTC',
      granularity: 'day',
    });
    assert.deepEqual(
      u.buckets.map((b) => [b.key, b.requests]),
      [
        ['2026-03-06', 5],
        ['2026-03-07', 0],
        ['2026-03-08', 54],
      ],
    );
  });

  it('buckets across the LA spring-forward day: the 23-hour day keeps its own requests', () => {
    const tz = 'America/Los_Angeles';
    const range = dayRange('2026-03-07', '2026-03-09', tz);
    const r = aggregate(
      [
        point('2026-03-08T07:59:59Z', 1, '1'), // 03-07 23:59:59 PST
        point('2026-03-08T08:00:00Z', 2, '2'), // 03-08 00:00 PST
        point('2026-03-09T06:59:59Z', 4, '4'), // 03-08 23:59:59 PDT
        point('2026-03-09T07:00:00Z', 8, '8'), // 03-09 00:00 PDT
      ],
      { range, timeZone: tz, granularity: 'day' },
    );
    assert.deepEqual(
      r.buckets.map((b) => [b.key, b.requests, b.cost]),
      [
        ['2026-03-07', 1, '1'],
        ['2026-03-08', 6, '6'],
        ['2026-03-09', 8, '8'],
      ],
    );
    assert.equal(r.totals.cost, '15');
    assert.equal(r.buckets[1]!.start, utc('2026-03-08T08:00:00Z'));
  });

  it('adds money as decimals, never floats (0.1 + 0.2 = 0.3 exactly, 10 000 × 0.0001 = 1)', () => {
    const range = dayRange('2026-01-01', '2026-01-01', 'UTC');
    const many = Array.from({ length: 10_000 }, (_, i) =>
      point(`2026-01-01T00:00:${String(i % 60).padStart(2, '0')}Z`, 1, '0.0001'),
    );
    const r = aggregate([...many, point('2026-01-01T01:00:00Z', 1, '0.1'), point('2026-01-01T02:00:00Z', 1, '0.2')], {
      range,
      timeZone: 'UTC',
      granularity: 'day',
    });
    assert.equal(r.totals.cost, '1.3');
    assert.equal(r.buckets[0]!.cost, '1.3');
  });

  it('gives a request-weighted average latency and an exact error rate', () => {
    const range = dayRange('2026-01-01', '2026-01-01', 'UTC');
    const r = aggregate(
      [
        point('2026-01-01T01:00:00Z', 3, '0', { errors: 1, latencyMs: 100 }),
        point('2026-01-01T02:00:00Z', 1, '0', { errors: 0, latencyMs: 500 }),
        point('2026-01-01T03:00:00Z', 2, '0', { errors: 1 }),
      ],
      { range, timeZone: 'UTC', granularity: 'day' },
    );
    assert.equal(r.totals.avgLatencyMs, 200); // (3×100 + 1×500) / 4
    assert.equal(r.totals.errors, 2);
    assert.equal(r.totals.errorRatePct, '33.33'); // 2 / 6
    assert.equal(percent(1, 3), '33.33');
    assert.equal(percent(2, 3), '66.67');
    assert.equal(percent(0, 0), '0.00');
  });

  it('groups by model, sorted by requests or cost, ties by label', () => {
    const range = dayRange('2026-01-01', '2026-01-02', 'UTC');
    const pts = [
      point('2026-01-01T00:00:00Z', 5, '0.5', { model: 'b' }),
      point('2026-01-01T00:00:00Z', 1, '3', { model: 'a' }),
      point('2026-01-02T00:00:00Z', 5, '0.25', { model: 'a' }),
      point('2026-01-03T00:00:00Z', 99, '99', { model: 'c' }), // outside
    ];
    const byModel = (p: UsagePoint) => (p.model ? { id: p.model, label: p.model } : undefined);
    assert.deepEqual(
      groupTotals(pts, range, byModel, 'requests').map((g) => [g.id, g.requests, g.cost]),
      [
        ['a', 6, '3.25'],
        ['b', 5, '0.5'],
      ],
    );
    assert.deepEqual(
      groupTotals(pts, range, byModel, 'cost').map((g) => g.id),
      ['a', 'b'],
    );
  });

  it('takes the nearest-rank p99', () => {
    assert.equal(percentile([], 99), undefined);
    assert.equal(percentile([5], 99), 5);
    assert.equal(
      percentile(
        Array.from({ length: 100 }, (_, i) => i + 1),
        99,
      ),
      99,
    );
    assert.equal(
      percentile(
        Array.from({ length: 200 }, (_, i) => 200 - i),
        99,
      ),
      198,
    );
  });
});

describe('usage: from the gateways', () => {
  it('converts AIHubMix quota units to USD exactly (500,000 units = 1 USD)', () => {
    assert.equal(quotaUnitsToUsd(500_000), '1');
    assert.equal(quotaUnitsToUsd(123_456), '0.246912');
    assert.equal(quotaUnitsToUsd(1), '0.000002');
    assert.equal(quotaUnitsToUsd('750000000'), '1500');
  });

  it('turns AIHubMix logs into one-request points and sums their USD exactly', () => {
    const logs: UsageLog[] = [
      {
        id: '1',
        at: '2026-03-07T16:00:00.000Z',
        model: 'gpt-4o',
        keyName: 'k1',
        promptTokens: 10,
        completionTokens: 20,
        cost: { amount: quotaUnitsToUsd(1), currency: 'USD' },
        elapsedMs: 300,
      },
      {
        id: '2',
        at: '2026-03-07T15:00:00.000Z',
        model: 'gpt-4o',
        keyName: 'k2',
        promptTokens: 1,
        completionTokens: 2,
        cost: { amount: quotaUnitsToUsd(499_999), currency: 'USD' },
        elapsedMs: 100,
      },
    ];
    const pts = pointsFromLogs(logs);
    assert.deepEqual(
      pts.map((p) => [p.at, p.requests, p.cost, p.latencyMs, p.keyName]),
      [
        [utc('2026-03-07T16:00:00Z'), 1, '0.000002', 300, 'k1'],
        [utc('2026-03-07T15:00:00Z'), 1, '0.999998', 100, 'k2'],
      ],
    );
    const r = aggregate(pts, {
      range: dayRange('2026-03-07', '2026-03-08', 'Asia/Shanghai'),
      timeZone: 'Asia/Shanghai',
      granularity: 'day',
    });
    assert.deepEqual(
      r.buckets.map((b) => [b.key, b.requests]),
      [
        ['2026-03-07', 1],
        ['2026-03-08', 1],
      ],
    );
    assert.equal(r.totals.cost, '1');
    assert.equal(r.totals.avgLatencyMs, 200);
  });

  it('reads AIone rows: UTC days and ISO hours', () => {
    assert.equal(gatewayBucketStart('2026-03-07'), utc('2026-03-07T00:00:00Z'));
    assert.equal(gatewayBucketStart('2026-03-07T13:00:00Z'), utc('2026-03-07T13:00:00Z'));
    assert.equal(gatewayBucketStart('2026-03-07T13:00:00'), utc('2026-03-07T13:00:00Z'));
    assert.throws(() => gatewayBucketStart('yesterday'), /not a bucket/);
    const rows: UsageRow[] = [
      {
        bucket: '2026-03-07T13:00:00Z',
        requests: 2,
        promptTokens: 3,
        completionTokens: 4,
        totalTokens: 7,
        cost: { amount: '0.0012', currency: 'CNY' },
        errors: 1,
        avgLatencyMs: 50,
        model: 'm',
      },
    ];
    assert.deepEqual(pointsFromRows(rows), [
      {
        at: utc('2026-03-07T13:00:00Z'),
        requests: 2,
        promptTokens: 3,
        completionTokens: 4,
        cost: '0.0012',
        errors: 1,
        latencyMs: 50,
        model: 'm',
      },
    ]);
  });

  it('splits a range into chunks of at most 7 UTC days (AIone hourly limit)', () => {
    const range = dayRange('2026-03-01', '2026-03-10', 'Asia/Shanghai'); // 02-28T16:00Z .. 03-10T16:00Z: 11 UTC dates
    const chunks = utcDayChunks(range, 7);
    assert.deepEqual(
      chunks.map((c) => [new Date(c.start).toISOString(), new Date(c.end).toISOString()]),
      [
        ['2026-02-28T16:00:00.000Z', '2026-03-07T00:00:00.000Z'],
        ['2026-03-07T00:00:00.000Z', '2026-03-10T16:00:00.000Z'],
      ],
    );
  });

  it('reads pages until a short one, and says when the cap cut it', async () => {
    const all = Array.from({ length: 25 }, (_, i) => i);
    const pages: number[] = [];
    const r = await readAllPages(
      async (p, size) => {
        pages.push(p);
        return all.slice(p * size, (p + 1) * size);
      },
      10,
      5,
    );
    assert.deepEqual(pages, [0, 1, 2]);
    assert.equal(r.items.length, 25);
    assert.equal(r.truncated, false);
    const cut = await readAllPages(async (p, size) => all.slice(p * size, (p + 1) * size), 10, 2);
    assert.equal(cut.items.length, 20);
    assert.equal(cut.truncated, true);
  });
});
