/**
 * Custom dashboard ranges: the schema accepts only real calendar days (2024-99-99 and 2023-02-29 are refused,
 * 2024-02-29 is fine), and a range is bounded to the history the dashboard reads — clamped when it overlaps the
 * last N days up to today, refused when it lies wholly before them or after today.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { addDays, boundDays, daysBetween, isCalendarDay } from '../../src/core/usage';
import {
  dashboardInboundSchema,
  dashboardPanelStateSchema,
  uiChoicesSchema,
} from '../../src/webview/dashboardProtocol';

const choices = (from: string, to: string) => ({
  range: { preset: 'custom', from, to },
  tz: 'utc',
  granularity: 'day',
  metric: 'requests',
  keySort: 'cost',
});

describe('dashboard range: calendar days', () => {
  it('isCalendarDay knows month lengths and leap years', () => {
    for (const d of [
      '2024-02-29',
      '2000-02-29',
      '2026-01-31',
      '2026-12-31',
      '1970-01-01',
      '1900-01-01',
      '1600-02-29',
      '2026-04-30',
    ])
      assert.equal(isCalendarDay(d), true, d);
    for (const d of [
      '2024-99-99',
      '2023-02-29',
      '1900-02-29',
      '2100-02-29',
      '2024-02-30',
      '2026-04-31',
      '2026-13-01',
      '2026-00-10',
      '2026-01-00',
      '0999-12-31',
      '2026-1-01',
      '26-01-01',
      '2026-01-01T00:00',
      ' 2026-01-01',
      '',
    ])
      assert.equal(isCalendarDay(d), false, d);
  });

  it('agrees with Date for every day of 1000–9999 (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1000, max: 9999 }),
        fc.integer({ min: 0, max: 14 }),
        fc.integer({ min: 0, max: 32 }),
        (y, m, d) => {
          const s = `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
          const t = new Date(Date.UTC(y, m - 1, d));
          const real =
            m >= 1 &&
            m <= 12 &&
            d >= 1 &&
            t.getUTCFullYear() === y &&
            t.getUTCMonth() === m - 1 &&
            t.getUTCDate() === d;
          assert.equal(isCalendarDay(s), real, s);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('the webview messages and the restored panel state refuse a day that does not exist', () => {
    assert.equal(uiChoicesSchema.safeParse(choices('2024-02-29', '2024-03-01')).success, true);
    for (const [a, b] of [
      ['2024-99-99', '2024-12-31'],
      ['2024-01-01', '2023-02-29'],
      ['2024-02-30', '2024-03-01'],
      ['2024-13-01', '2024-12-31'],
    ]) {
      assert.equal(uiChoicesSchema.safeParse(choices(a!, b!)).success, false, `${a} → ${b}`);
      assert.equal(dashboardInboundSchema.safeParse({ type: 'setChoices', choices: choices(a!, b!) }).success, false);
      assert.equal(
        dashboardPanelStateSchema.safeParse({ connectionId: 'c1', choices: choices(a!, b!) }).success,
        false,
      );
    }
    assert.equal(
      uiChoicesSchema.safeParse(choices('2024-03-10', '2024-03-01')).success,
      false,
      'first day after the last',
    );
  });
});

describe('dashboard range: bounded to the history the dashboard reads', () => {
  const today = '2026-03-08';
  it('a range inside the last 365 days is kept as it is', () => {
    assert.deepEqual(boundDays('2026-01-01', '2026-03-01', today, 365), {
      ok: true,
      from: '2026-01-01',
      to: '2026-03-01',
      clampedFrom: false,
      clampedTo: false,
    });
    assert.deepEqual(boundDays(addDays(today, -364), today, today, 365), {
      ok: true,
      from: '2025-03-09',
      to: today,
      clampedFrom: false,
      clampedTo: false,
    });
  });

  it('1900 → today is clamped to the last 365 days; a range past today ends today', () => {
    const b = boundDays('1900-01-01', today, today, 365);
    assert.deepEqual(b, { ok: true, from: '2025-03-09', to: today, clampedFrom: true, clampedTo: false });
    assert.equal(daysBetween('2025-03-09', today) + 1, 365);
    assert.deepEqual(boundDays('2026-03-01', '2099-12-31', today, 365), {
      ok: true,
      from: '2026-03-01',
      to: today,
      clampedFrom: false,
      clampedTo: true,
    });
    assert.deepEqual(boundDays('1900-01-01', '2099-12-31', today, 365), {
      ok: true,
      from: '2025-03-09',
      to: today,
      clampedFrom: true,
      clampedTo: true,
    });
  });

  it('a range wholly before the history or after today is refused', () => {
    assert.deepEqual(boundDays('1900-01-01', '1900-12-31', today, 365), {
      ok: false,
      reason: 'before-history',
      first: '2025-03-09',
      today,
    });
    assert.deepEqual(boundDays('2026-03-09', '2026-04-01', today, 365), {
      ok: false,
      reason: 'future',
      first: '2025-03-09',
      today,
    });
  });

  it('any two calendar days give a range of at most 365 days within [today − 364, today], or a refusal (property)', () => {
    const day = fc.integer({ min: 0, max: 60_000 }).map((n) => addDays('1970-01-01', n));
    fc.assert(
      fc.property(day, day, (a, b) => {
        const r = boundDays(a, b, today, 365);
        if (!r.ok) {
          const [lo, hi] = a <= b ? [a, b] : [b, a];
          assert.ok(lo > today || hi < '2025-03-09');
          return;
        }
        assert.ok(r.from <= r.to && r.from >= '2025-03-09' && r.to <= today);
        assert.ok(daysBetween(r.from, r.to) + 1 <= 365);
      }),
      { numRuns: 1000 },
    );
  });
});
