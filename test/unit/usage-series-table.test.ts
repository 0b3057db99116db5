/**
 * The dashboard's series arithmetic as tables: local days and hours across DST changes (a repeated hour, a skipped
 * hour), range presets and bounds, buckets, totals, group sorting by each key, percentiles, the gateways' bucket
 * names, points from rows and logs, paging, UTC-day chunks and bounded concurrency — each with its boundaries.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { money } from '../../src/core/money';
import {
  addDays,
  aggregate,
  boundDays,
  bucketKey,
  bucketStarts,
  dayKey,
  dayRange,
  daysBetween,
  gatewayBucketStart,
  groupTotals,
  isCalendarDay,
  isValidTimeZone,
  mapLimit,
  percent,
  percentile,
  pointsFromLogs,
  pointsFromRows,
  rangeDays,
  readAllPages,
  sortGroups,
  startOfDay,
  sumBuckets,
  tzOffsetMs,
  type UsagePoint,
  utcDayChunks,
  wallClock,
  zonedTimeToEpoch,
} from '../../src/core/usage';

const H = 3_600_000;
const D = 24 * H;
const utc = (iso: string): number => Date.parse(iso);
const LA = 'America/Los_Angeles';

describe('local time in a zone', () => {
  it('knows IANA zones, refuses others, empty and over-long names', () => {
    assert.equal(isValidTimeZone('Asia/Shanghai'), true);
    assert.equal(isValidTimeZone('UTC'), true);
    assert.equal(isValidTimeZone('Mars/Olympus'), false);
    assert.equal(isValidTimeZone(''), false);
    assert.equal(isValidTimeZone(`Etc/${'x'.repeat(61)}`), false, '65 characters');
  });

  it('reads the wall clock, midnight as hour 0', () => {
    assert.deepEqual(wallClock(utc('2026-05-01T16:00:05Z'), 'Asia/Shanghai'), {
      y: 2026,
      mo: 5,
      d: 2,
      h: 0,
      mi: 0,
      s: 5,
    });
    assert.deepEqual(wallClock(utc('2026-05-01T23:59:59Z'), 'UTC'), { y: 2026, mo: 5, d: 1, h: 23, mi: 59, s: 59 });
  });

  it('the offset, whole seconds of it, also for a time with milliseconds and before 1970', () => {
    assert.equal(tzOffsetMs(utc('2026-05-01T00:00:00.750Z'), 'Asia/Shanghai'), 8 * H);
    assert.equal(tzOffsetMs(utc('2026-01-15T12:00:00Z'), LA), -8 * H);
    assert.equal(tzOffsetMs(utc('2026-07-15T12:00:00Z'), LA), -7 * H);
    assert.equal(tzOffsetMs(utc('1969-12-31T23:59:59.250Z'), 'Asia/Kolkata'), 5.5 * H);
  });

  it('a local hour that occurs twice (fall-back) maps to the earlier instant; a skipped one to the next valid', () => {
    assert.equal(zonedTimeToEpoch(2026, 11, 1, 1, LA), utc('2026-11-01T08:00:00Z'));
    assert.equal(zonedTimeToEpoch(2026, 11, 1, 2, LA), utc('2026-11-01T10:00:00Z'));
    assert.equal(zonedTimeToEpoch(2026, 11, 1, 0, LA), utc('2026-11-01T07:00:00Z'));
    assert.equal(zonedTimeToEpoch(2026, 3, 8, 2, LA), utc('2026-03-08T10:00:00Z'));
    assert.equal(zonedTimeToEpoch(2026, 3, 8, 3, LA), utc('2026-03-08T10:00:00Z'));
    assert.equal(zonedTimeToEpoch(2026, 3, 8, 1, LA), utc('2026-03-08T09:00:00Z'));
    assert.equal(zonedTimeToEpoch(2026, 3, 29, 2, 'Europe/Berlin'), utc('2026-03-29T01:00:00Z'), 'east of UTC too');
    assert.equal(zonedTimeToEpoch(2026, 10, 25, 2, 'Europe/Berlin'), utc('2026-10-25T00:00:00Z'));
    assert.equal(zonedTimeToEpoch(2026, 5, 2, 0, 'Asia/Shanghai'), utc('2026-05-01T16:00:00Z'));
  });

  it('a zone that skips midnight (Santiago, spring forward) starts that day at 01:00, and it is one bucket', () => {
    const tz = 'America/Santiago';
    assert.equal(startOfDay('2026-09-06', tz), utc('2026-09-06T04:00:00Z'));
    assert.equal(dayKey(startOfDay('2026-09-06', tz), tz), '2026-09-06');
    const range = dayRange('2026-09-06', '2026-09-06', tz);
    assert.deepEqual(bucketStarts(range, tz, 'day'), [{ key: '2026-09-06', start: utc('2026-09-06T04:00:00Z') }]);
    assert.equal(bucketStarts(range, tz, 'hour')[0]?.key, '2026-09-06T01:00');
    assert.equal(range.end - range.start, 23 * H);
  });

  it('day and hour keys', () => {
    const t = utc('2026-05-01T16:30:00Z');
    assert.equal(dayKey(t, 'Asia/Shanghai'), '2026-05-02');
    assert.equal(dayKey(t, 'UTC'), '2026-05-01');
    assert.equal(bucketKey(t, 'Asia/Shanghai', 'hour'), '2026-05-02T00:00');
    assert.equal(bucketKey(t, 'Asia/Shanghai', 'day'), '2026-05-02');
    assert.equal(dayKey(utc('0999-03-04T00:00:00Z'), 'UTC'), '0999-03-04');
  });

  it('the start of a local day; a malformed day is refused', () => {
    assert.equal(startOfDay('2026-05-02', 'Asia/Shanghai'), utc('2026-05-01T16:00:00Z'));
    assert.equal(startOfDay('2026-11-01', LA), utc('2026-11-01T07:00:00Z'));
    for (const bad of ['2026-5-02', '2026-05-02x', 'x2026-05-02', ''])
      assert.throws(() => startOfDay(bad, 'UTC'), { name: 'RangeError', message: `not a date: ${bad}` });
  });

  it('calendar arithmetic', () => {
    assert.equal(addDays('2024-02-28', 1), '2024-02-29');
    assert.equal(addDays('2023-02-28', 1), '2023-03-01');
    assert.equal(addDays('2026-01-01', -1), '2025-12-31');
    assert.equal(addDays('2026-03-31', 0), '2026-03-31');
    assert.throws(() => addDays('2026-3-31', 1), { name: 'RangeError', message: 'not a date: 2026-3-31' });
    for (const bad of ['x2026-03-31', '2026-03-31x'])
      assert.throws(() => addDays(bad, 1), { name: 'RangeError', message: `not a date: ${bad}` });
    assert.equal(daysBetween('2026-03-01', '2026-03-31'), 30);
    assert.equal(daysBetween('2026-03-31', '2026-03-01'), -30);
    assert.equal(daysBetween('2026-03-07', '2026-03-09'), 2, 'whole days, whatever DST does');
  });

  it('real calendar days only', () => {
    const rows: ReadonlyArray<readonly [string, boolean]> = [
      ['2024-02-29', true],
      ['2023-02-29', false],
      ['2000-02-29', true],
      ['1900-02-29', false],
      ['2026-02-28', true],
      ['2026-04-30', true],
      ['2026-04-31', false],
      ['2026-12-31', true],
      ['2026-13-01', false],
      ['2026-00-10', false],
      ['2026-01-00', false],
      ['1000-01-01', true],
      ['0999-12-31', false],
      ['2026-1-01', false],
      [' 2026-01-01', false],
      ['2026-01-01 ', false],
    ];
    for (const [day, ok] of rows) assert.equal(isCalendarDay(day), ok, day);
  });
});

describe('range presets and bounds', () => {
  const now = utc('2026-05-01T16:30:00Z'); // 2026-05-02 00:30 in Shanghai
  it('each preset ends today and counts its days', () => {
    assert.deepEqual(rangeDays({ preset: 'today' }, now, 'Asia/Shanghai'), {
      from: '2026-05-02',
      to: '2026-05-02',
      days: 1,
    });
    assert.deepEqual(rangeDays({ preset: '7d' }, now, 'UTC'), { from: '2026-04-25', to: '2026-05-01', days: 7 });
    assert.deepEqual(rangeDays({ preset: '30d' }, now, 'UTC'), { from: '2026-04-02', to: '2026-05-01', days: 30 });
    assert.deepEqual(rangeDays({ preset: '90d' }, now, 'UTC'), { from: '2026-02-01', to: '2026-05-01', days: 90 });
  });

  it('a custom range is put in order; it needs both ends', () => {
    assert.deepEqual(rangeDays({ preset: 'custom', from: '2026-04-10', to: '2026-04-01' }, now, 'UTC'), {
      from: '2026-04-01',
      to: '2026-04-10',
      days: 10,
    });
    assert.deepEqual(rangeDays({ preset: 'custom', from: '2026-04-01', to: '2026-04-10' }, now, 'UTC'), {
      from: '2026-04-01',
      to: '2026-04-10',
      days: 10,
    });
    assert.deepEqual(rangeDays({ preset: 'custom', from: '2026-04-03', to: '2026-04-03' }, now, 'UTC'), {
      from: '2026-04-03',
      to: '2026-04-03',
      days: 1,
    });
    for (const choice of [
      { preset: 'custom', from: '2026-04-01' },
      { preset: 'custom', to: '2026-04-01' },
    ] as const)
      assert.throws(() => rangeDays(choice, now, 'UTC'), {
        name: 'RangeError',
        message: 'a custom range needs a first and a last day',
      });
  });

  it('clamps a range that overlaps the history to it, and says which end moved', () => {
    const today = '2026-05-01';
    // 7 days of history: 2026-04-25 … 2026-05-01
    assert.deepEqual(boundDays('2026-04-25', '2026-05-01', today, 7), {
      ok: true,
      from: '2026-04-25',
      to: '2026-05-01',
      clampedFrom: false,
      clampedTo: false,
    });
    assert.deepEqual(boundDays('2026-04-24', '2026-05-02', today, 7), {
      ok: true,
      from: '2026-04-25',
      to: '2026-05-01',
      clampedFrom: true,
      clampedTo: true,
    });
    assert.deepEqual(boundDays('2026-05-01', '2026-04-25', today, 7), {
      ok: true,
      from: '2026-04-25',
      to: '2026-05-01',
      clampedFrom: false,
      clampedTo: false,
    });
  });

  it('refuses a range wholly after today or wholly before the history; the edges themselves are inside', () => {
    const today = '2026-05-01';
    assert.deepEqual(boundDays('2026-05-02', '2026-05-09', today, 7), {
      ok: false,
      reason: 'future',
      first: '2026-04-25',
      today,
    });
    assert.deepEqual(boundDays('2026-04-01', '2026-04-24', today, 7), {
      ok: false,
      reason: 'before-history',
      first: '2026-04-25',
      today,
    });
    assert.equal(boundDays('2026-05-01', '2026-05-09', today, 7).ok, true);
    assert.equal(boundDays('2026-04-01', '2026-04-25', today, 7).ok, true);
  });

  it('a local day range spans 23 or 25 hours across DST', () => {
    assert.deepEqual(dayRange('2026-11-01', '2026-11-01', LA), {
      start: utc('2026-11-01T07:00:00Z'),
      end: utc('2026-11-02T08:00:00Z'),
    });
    const spring = dayRange('2026-03-08', '2026-03-08', LA);
    assert.equal(spring.end - spring.start, 23 * H);
  });
});

describe('buckets', () => {
  it('one bucket per local hour; the repeated hour of a fall-back day is one bucket', () => {
    const range = dayRange('2026-11-01', '2026-11-01', LA);
    const b = bucketStarts(range, LA, 'hour');
    assert.equal(b.length, 24);
    assert.deepEqual(b.slice(0, 3), [
      { key: '2026-11-01T00:00', start: utc('2026-11-01T07:00:00Z') },
      { key: '2026-11-01T01:00', start: utc('2026-11-01T08:00:00Z') },
      { key: '2026-11-01T02:00', start: utc('2026-11-01T10:00:00Z') },
    ]);
    assert.equal(b.at(-1)?.key, '2026-11-01T23:00');
  });

  it('a zone with a :30 offset gets its hours at :30 UTC', () => {
    const b = bucketStarts(
      { start: utc('2026-05-01T00:00:00Z'), end: utc('2026-05-01T02:00:00Z') },
      'Asia/Kolkata',
      'hour',
    );
    assert.deepEqual(b, [
      { key: '2026-05-01T05:00', start: utc('2026-05-01T00:00:00Z') },
      { key: '2026-05-01T06:00', start: utc('2026-05-01T00:30:00Z') },
      { key: '2026-05-01T07:00', start: utc('2026-05-01T01:30:00Z') },
    ]);
  });

  it('day buckets: the first one starts at the range start, the end is exclusive', () => {
    const start = utc('2026-05-01T12:00:00Z');
    assert.deepEqual(bucketStarts({ start, end: utc('2026-05-03T00:00:00Z') }, 'UTC', 'day'), [
      { key: '2026-05-01', start },
      { key: '2026-05-02', start: utc('2026-05-02T00:00:00Z') },
    ]);
    assert.deepEqual(bucketStarts({ start, end: utc('2026-05-03T00:00:01Z') }, 'UTC', 'day').length, 3);
    assert.deepEqual(bucketStarts({ start, end: start }, 'UTC', 'hour'), []);
  });

  it('aggregates points into their buckets; the range end and points before the start are outside', () => {
    const range = { start: utc('2026-05-01T00:00:00Z'), end: utc('2026-05-03T00:00:00Z') };
    const points: UsagePoint[] = [
      { at: range.start, requests: 2, promptTokens: 10, completionTokens: 5, cost: '0.1', errors: 1, latencyMs: 100 },
      { at: range.start + D - 1, requests: 1, promptTokens: 1, completionTokens: 1, cost: '0.2', latencyMs: 400 },
      { at: range.start + D, requests: 1, promptTokens: 0, completionTokens: 0, cost: '0', cachedTokens: 3 },
      { at: range.end, requests: 9, promptTokens: 9, completionTokens: 9, cost: '9' },
      { at: range.start - 1, requests: 9, promptTokens: 9, completionTokens: 9, cost: '9' },
      { at: range.start + 5, requests: 0, promptTokens: 0, completionTokens: 0, cost: '0', latencyMs: 9999 },
    ];
    const a = aggregate(points, { range, timeZone: 'UTC', granularity: 'day' });
    assert.equal(a.outside, 2);
    assert.deepEqual(a.buckets, [
      {
        key: '2026-05-01',
        start: range.start,
        requests: 3,
        promptTokens: 11,
        completionTokens: 6,
        totalTokens: 17,
        cost: '0.3',
        errors: 1,
      },
      {
        key: '2026-05-02',
        start: range.start + D,
        requests: 1,
        promptTokens: 0,
        completionTokens: 0,
        totalTokens: 0,
        cost: '0',
        errors: 0,
      },
    ]);
    assert.deepEqual(a.totals, {
      requests: 4,
      promptTokens: 11,
      completionTokens: 6,
      totalTokens: 17,
      cost: '0.3',
      errors: 1,
      avgLatencyMs: 200, // (100 × 2 + 400 × 1) / 3; a point of zero requests weighs nothing
      errorRatePct: '25.00',
      cachedTokens: 3,
    });
  });

  it('the range, not the bucket, decides what is inside: a point before the start or at the end of a partial day', () => {
    const start = utc('2026-05-01T12:00:00Z');
    const end = utc('2026-05-01T18:00:00Z');
    const pt = (at: number): UsagePoint => ({ at, requests: 1, promptTokens: 1, completionTokens: 0, cost: '1' });
    const a = aggregate([pt(utc('2026-05-01T06:00:00Z')), pt(end), pt(start), pt(end - 1)], {
      range: { start, end },
      timeZone: 'UTC',
      granularity: 'day',
    });
    assert.equal(a.outside, 2);
    assert.equal(a.totals.requests, 2);
  });

  it('cache counts add up across points', () => {
    const a = aggregate(
      [
        { at: 1, requests: 1, promptTokens: 9, completionTokens: 1, cost: '1', cachedTokens: 2, cacheWriteTokens: 2 },
        { at: 2, requests: 1, promptTokens: 9, completionTokens: 1, cost: '1', cachedTokens: 3, cacheWriteTokens: 3 },
      ],
      { range: { start: 0, end: D }, timeZone: 'UTC', granularity: 'day' },
    );
    assert.equal(a.totals.cachedTokens, 5);
    assert.equal(a.totals.cacheWriteTokens, 5);
  });

  it('totals without latency, errors or cache counts carry none of them', () => {
    const range = { start: 0, end: D };
    const a = aggregate(
      [{ at: 1, requests: 1, promptTokens: 1, completionTokens: 1, cost: '1', cacheWriteTokens: 0 }],
      {
        range,
        timeZone: 'UTC',
        granularity: 'day',
      },
    );
    assert.deepEqual(a.totals, {
      requests: 1,
      promptTokens: 1,
      completionTokens: 1,
      totalTokens: 2,
      cost: '1',
      errors: 0,
      cacheWriteTokens: 0,
    });
  });

  it('sums buckets, costs exactly', () => {
    const b = (cost: string, n: number) => ({
      key: 'k',
      start: 0,
      requests: n,
      promptTokens: n,
      completionTokens: 2 * n,
      totalTokens: 3 * n,
      cost,
      errors: n,
    });
    assert.deepEqual(sumBuckets([b('0.1', 1), b('0.2', 2)]), {
      requests: 3,
      promptTokens: 3,
      completionTokens: 6,
      totalTokens: 9,
      cost: '0.3',
      errors: 3,
    });
    assert.deepEqual(sumBuckets([]), {
      requests: 0,
      promptTokens: 0,
      completionTokens: 0,
      totalTokens: 0,
      cost: '0',
      errors: 0,
    });
  });

  it('percent with two decimals, half up; 0.00 of nothing', () => {
    assert.equal(percent(1, 3), '33.33');
    assert.equal(percent(2, 3), '66.67');
    assert.equal(percent(1, 8), '12.50');
    assert.equal(percent(1, 800), '0.13');
    assert.equal(percent(5, 0), '0.00');
    assert.equal(percent(0, 5), '0.00');
  });
});

describe('groups', () => {
  const range = { start: 0, end: 1000 };
  const p = (at: number, model: string | undefined, requests: number, tokens: number, cost: string): UsagePoint => ({
    at,
    requests,
    promptTokens: tokens,
    completionTokens: 1,
    cost,
    ...(model ? { model } : {}),
  });
  const points = [
    p(0, 'a', 10, 9, '0.5'),
    p(1, 'b', 1, 99, '3'),
    p(2, 'c', 5, 500, '0.25'),
    p(3, 'a', 1, 1, '0.5'),
    p(999, undefined, 50, 50, '50'),
    p(1000, 'b', 100, 100, '100'),
    p(-1, 'c', 100, 100, '100'),
  ];
  const byModel = (x: UsagePoint) => (x.model ? { id: x.model, label: `Model ${x.model}` } : undefined);

  it('totals per group inside the range, largest first by the chosen key', () => {
    assert.deepEqual(groupTotals(points, range, byModel), [
      { id: 'a', label: 'Model a', requests: 11, tokens: 12, cost: '1' },
      { id: 'c', label: 'Model c', requests: 5, tokens: 501, cost: '0.25' },
      { id: 'b', label: 'Model b', requests: 1, tokens: 100, cost: '3' },
    ]);
    assert.deepEqual(
      groupTotals(points, range, byModel, 'cost').map((g) => g.id),
      ['b', 'a', 'c'],
    );
    assert.deepEqual(
      groupTotals(points, range, byModel, 'tokens').map((g) => g.id),
      ['c', 'b', 'a'],
    );
  });

  it('ties go by label; costs compare as decimals, not as text', () => {
    const rows = [
      { id: '1', label: 'zeta', requests: 1, tokens: 1, cost: '10' },
      { id: '2', label: 'alpha', requests: 1, tokens: 1, cost: '9.5' },
      { id: '3', label: 'mid', requests: 1, tokens: 1, cost: '10' },
    ];
    assert.deepEqual(
      sortGroups(rows, 'cost').map((r) => r.label),
      ['mid', 'zeta', 'alpha'],
    );
    assert.deepEqual(
      sortGroups(rows, 'requests').map((r) => r.label),
      ['alpha', 'mid', 'zeta'],
    );
    assert.deepEqual(
      sortGroups(rows, 'tokens').map((r) => r.label),
      ['alpha', 'mid', 'zeta'],
    );
    const same = [rows[0]!, { ...rows[0]!, id: '4' }];
    assert.deepEqual(
      sortGroups(same, 'requests').map((r) => r.id),
      ['1', '4'],
    );
    assert.deepEqual(
      rows.map((r) => r.id),
      ['1', '2', '3'],
      'the input is not reordered',
    );
    const tied = ['delta', 'bravo', 'echo', 'alpha', 'foxtrot', 'charlie'].map((label, i) => ({
      id: String(i),
      label,
      requests: 5,
      tokens: 5,
      cost: '5',
    }));
    for (const key of ['cost', 'requests', 'tokens'] as const)
      assert.deepEqual(
        sortGroups(tied, key).map((r) => r.label),
        ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot'],
        key,
      );
  });
});

describe('percentile (nearest rank)', () => {
  const v = [50, 10, 40, 20, 30];
  const rows: ReadonlyArray<readonly [number, number]> = [
    [0, 10],
    [1, 10],
    [20, 10],
    [21, 20],
    [50, 30],
    [80, 40],
    [81, 50],
    [100, 50],
    [150, 50],
  ];
  for (const [pct, expected] of rows) it(`p${pct}`, () => assert.equal(percentile(v, pct), expected));
  it('of nothing is undefined', () => assert.equal(percentile([], 50), undefined));
  it('does not reorder its input', () => {
    const input = [3, 1, 2];
    percentile(input, 50);
    assert.deepEqual(input, [3, 1, 2]);
  });
});

describe("the gateways' shapes", () => {
  it('bucket names: a UTC day, an ISO hour with or without its zone', () => {
    assert.equal(gatewayBucketStart('2026-05-01'), utc('2026-05-01T00:00:00Z'));
    assert.equal(gatewayBucketStart('2026-05-01T13:00:00Z'), utc('2026-05-01T13:00:00Z'));
    assert.equal(gatewayBucketStart('2026-05-01T13:00:00z'), utc('2026-05-01T13:00:00Z'));
    assert.equal(gatewayBucketStart('2026-05-01T13:00:00'), utc('2026-05-01T13:00:00Z'));
    assert.equal(gatewayBucketStart('2026-05-01T13:00:00+08:00'), utc('2026-05-01T05:00:00Z'));
    assert.equal(gatewayBucketStart('2026-05-01T13:00:00-0130'), utc('2026-05-01T14:30:00Z'));
    for (const bad of ['yesterday', '2026-05-01T99:00'])
      assert.throws(() => gatewayBucketStart(bad), { name: 'RangeError', message: `not a bucket: ${bad}` });
  });

  it('an hour without a zone is UTC whatever the machine’s zone', () => {
    const saved = process.env.TZ;
    process.env.TZ = 'Asia/Shanghai';
    try {
      assert.equal(gatewayBucketStart('2026-05-01T13:00:00'), utc('2026-05-01T13:00:00Z'));
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
  });

  it('rows become points with only the fields they have', () => {
    const cost = money('1.25', 'CNY');
    assert.deepEqual(
      pointsFromRows([
        { bucket: '2026-05-01', requests: 3, promptTokens: 10, completionTokens: 5, totalTokens: 15, cost },
        {
          bucket: '2026-05-01T01:00:00Z',
          requests: 1,
          promptTokens: 1,
          completionTokens: 1,
          totalTokens: 2,
          cost,
          errors: 0,
          avgLatencyMs: 0,
          model: 'm',
          keyId: 'k1',
          keyName: 'Key',
          teamId: 't',
        },
        {
          bucket: '2026-05-02',
          requests: 0,
          promptTokens: 0,
          completionTokens: 0,
          totalTokens: 0,
          cost,
          model: '',
          keyId: '',
        },
      ]),
      [
        { at: utc('2026-05-01T00:00:00Z'), requests: 3, promptTokens: 10, completionTokens: 5, cost: '1.25' },
        {
          at: utc('2026-05-01T01:00:00Z'),
          requests: 1,
          promptTokens: 1,
          completionTokens: 1,
          cost: '1.25',
          errors: 0,
          latencyMs: 0,
          model: 'm',
          keyId: 'k1',
          keyName: 'Key',
          teamId: 't',
        },
        { at: utc('2026-05-02T00:00:00Z'), requests: 0, promptTokens: 0, completionTokens: 0, cost: '1.25' },
      ],
    );
  });

  it('logs become one-request points with only the fields they have', () => {
    const cost = money('0.002', 'USD');
    assert.deepEqual(
      pointsFromLogs([
        { id: '1', at: '2026-05-01T01:02:03Z', promptTokens: 7, completionTokens: 3, cost },
        {
          id: '2',
          at: '2026-05-01T01:02:04Z',
          promptTokens: 7,
          completionTokens: 3,
          cost,
          cachedTokens: 0,
          cacheWriteTokens: 0,
          elapsedMs: 0,
          model: 'm',
          keyName: 'K',
        },
      ]),
      [
        { at: utc('2026-05-01T01:02:03Z'), requests: 1, promptTokens: 7, completionTokens: 3, cost: '0.002' },
        {
          at: utc('2026-05-01T01:02:04Z'),
          requests: 1,
          promptTokens: 7,
          completionTokens: 3,
          cachedTokens: 0,
          cacheWriteTokens: 0,
          cost: '0.002',
          latencyMs: 0,
          model: 'm',
          keyName: 'K',
        },
      ],
    );
  });
});

describe('paging, chunks and concurrency', () => {
  const pager = (total: number, calls: number[][]) => (page: number, size: number) => {
    calls.push([page, size]);
    const from = page * size;
    return Promise.resolve(Array.from({ length: Math.max(0, Math.min(size, total - from)) }, (_x, i) => from + i));
  };

  it('reads pages until a short one', async () => {
    const calls: number[][] = [];
    assert.deepEqual(await readAllPages(pager(5, calls), 2, 10), { items: [0, 1, 2, 3, 4], truncated: false });
    assert.deepEqual(calls, [
      [0, 2],
      [1, 2],
      [2, 2],
    ]);
  });

  it('an exact multiple of the page size needs one empty page to know it is done', async () => {
    const calls: number[][] = [];
    assert.deepEqual(await readAllPages(pager(4, calls), 2, 10), { items: [0, 1, 2, 3], truncated: false });
    assert.equal(calls.length, 3);
  });

  it('stops at the page cap; truncated only when the last page read was full', async () => {
    assert.deepEqual(await readAllPages(pager(10, []), 2, 3), { items: [0, 1, 2, 3, 4, 5], truncated: true });
    assert.deepEqual(await readAllPages(pager(5, []), 2, 3), { items: [0, 1, 2, 3, 4], truncated: false });
    assert.deepEqual(await readAllPages(pager(5, []), 2, 0), { items: [], truncated: true });
  });

  it('splits a range into chunks of at most N UTC days, the first from its own start', () => {
    const start = utc('2026-05-01T18:00:00Z');
    assert.deepEqual(utcDayChunks({ start, end: utc('2026-05-04T06:00:00Z') }, 1), [
      { start, end: utc('2026-05-02T00:00:00Z') },
      { start: utc('2026-05-02T00:00:00Z'), end: utc('2026-05-03T00:00:00Z') },
      { start: utc('2026-05-03T00:00:00Z'), end: utc('2026-05-04T00:00:00Z') },
      { start: utc('2026-05-04T00:00:00Z'), end: utc('2026-05-04T06:00:00Z') },
    ]);
    assert.deepEqual(utcDayChunks({ start, end: utc('2026-05-04T00:00:00Z') }, 2), [
      { start, end: utc('2026-05-03T00:00:00Z') },
      { start: utc('2026-05-03T00:00:00Z'), end: utc('2026-05-04T00:00:00Z') },
    ]);
    assert.deepEqual(utcDayChunks({ start, end: start }, 1), []);
  });

  it('maps with at most `limit` calls in flight, results in input order; a limit below 1 is 1', async () => {
    for (const [limit, expectedPeak] of [
      [2, 2],
      [0, 1],
      [-3, 1],
      [10, 5],
    ] as const) {
      let inFlight = 0;
      let peak = 0;
      const out = await mapLimit([5, 1, 4, 2, 3], limit, async (x, i) => {
        inFlight++;
        peak = Math.max(peak, inFlight);
        await new Promise((r) => setTimeout(r, x));
        inFlight--;
        return `${i}:${x}`;
      });
      assert.deepEqual(out, ['0:5', '1:1', '2:4', '3:2', '4:3']);
      assert.equal(peak, expectedPeak, `limit ${limit}`);
    }
    assert.deepEqual(await mapLimit([], 3, () => Promise.resolve(1)), []);
  });
});
