/**
 * The display formatter's instants (a local date-time with its UTC offset), typed compact counts ("1.5k", "12万"),
 * and the boundaries of its short forms: where a token count turns into K or M, where a span turns from minutes to
 * hours to days, and the explicit fraction digits of an amount. Pure code (src/core/format.ts).
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import {
  DAY_MS,
  durationOf,
  formatCompact,
  formatInstant,
  formatInteger,
  formatMoney,
  formatTokenCount,
  parseCompact,
} from '../../src/core/format';

const HOUR_MS = 3_600_000;

describe('format: an instant as a local date-time with its offset', () => {
  it('shows the time at the given offset east of UTC, with the offset written ±HH:MM', () => {
    assert.equal(formatInstant('2026-03-10T12:00:00Z', 480), '2026-03-10 20:00 (UTC+08:00)');
    assert.equal(formatInstant('2026-03-10T12:00:00Z', -330), '2026-03-10 06:30 (UTC-05:30)');
    assert.equal(formatInstant('2026-03-10T12:00:00Z', 0), '2026-03-10 12:00 (UTC+00:00)', 'UTC itself is +00:00');
    // the offset moves the date too, across a month and a year
    assert.equal(formatInstant('2026-12-31T20:30:00Z', 345), '2027-01-01 02:15 (UTC+05:45)');
  });

  it('leaves out a time of 00:00 or 23:59 (the end of a day), and only those', () => {
    assert.equal(formatInstant('2026-03-10T16:00:00Z', 480), '2026-03-11 (UTC+08:00)');
    assert.equal(formatInstant('2026-03-10T15:59:00Z', 480), '2026-03-10 (UTC+08:00)');
    assert.equal(formatInstant('2026-03-10T16:01:00Z', 480), '2026-03-11 00:01 (UTC+08:00)');
    assert.equal(formatInstant('2026-03-10T15:58:00Z', 480), '2026-03-10 23:58 (UTC+08:00)');
  });

  it("without an offset, uses the process's time zone at that instant (daylight saving included)", () => {
    const before = process.env.TZ;
    try {
      process.env.TZ = 'Asia/Shanghai';
      assert.equal(formatInstant('2026-03-10T12:00:00Z'), '2026-03-10 20:00 (UTC+08:00)');
      process.env.TZ = 'America/New_York';
      assert.equal(formatInstant('2026-03-10T12:00:00Z'), '2026-03-10 08:00 (UTC-04:00)', 'summer time');
      assert.equal(formatInstant('2026-01-10T12:00:00Z'), '2026-01-10 07:00 (UTC-05:00)', 'winter time');
    } finally {
      if (before === undefined) delete process.env.TZ;
      else process.env.TZ = before;
    }
  });

  it('returns a text that is no instant as it was given', () => {
    assert.equal(formatInstant('not a date', 480), 'not a date');
    assert.equal(formatInstant('', 0), '');
  });
});

describe('format: a count typed as the compact form shows it', () => {
  const ok = (text: string, value: number) => assert.deepEqual(parseCompact(text), { ok: true, value }, text);
  const no = (text: string, reason: 'format' | 'fraction' | 'too-large') =>
    assert.deepEqual(parseCompact(text), { ok: false, reason }, text);

  it('reads every unit, with or without a space before it, exactly on the digits', () => {
    ok('60', 60);
    ok(' 60 ', 60);
    ok('0', 0);
    ok('1M', 1_000_000);
    ok('2m', 2_000_000);
    ok('120K', 120_000);
    ok('1.5k', 1500);
    ok('1.1M', 1_100_000);
    ok('12万', 120_000);
    ok('3w', 30_000);
    ok('3W', 30_000);
    ok('1亿', 100_000_000);
    ok('1 M', 1_000_000);
    ok('1.5 k', 1500);
  });

  it('reads digit grouping and leading zeros', () => {
    ok('1,000,000', 1_000_000);
    ok('12,345', 12_345);
    ok('007', 7);
    ok('1007', 1007);
    ok('9,007,199,254,740,991', Number.MAX_SAFE_INTEGER);
  });

  it('takes the digits past a unit’s zeros only when they are all 0', () => {
    ok('1.50k', 1500);
    ok('1.5000k', 1500);
    no('1.2345k', 'fraction');
    no('1.5', 'fraction');
    no('1.05', 'fraction');
  });

  it('refuses what is not a count, and a count beyond a safe integer', () => {
    for (const t of ['', 'abc', 'x60', '60x', '1,00', '1234,567', '1.', '.5k', '1kk', '-5']) no(t, 'format');
    no('9007199254740992', 'too-large');
    no('9,007,199,254,740,992', 'too-large');
  });
});

describe('format: where the short forms change', () => {
  it('a token count: plain under 1000, K from 1000, M from 95 % of a million; one decimal only under 10', () => {
    assert.equal(formatTokenCount(999, 'en'), '999');
    assert.equal(formatTokenCount(1000, 'en'), '1K');
    assert.equal(formatTokenCount(949_999, 'en'), '950K');
    assert.equal(formatTokenCount(950_000, 'en'), '1M');
    assert.equal(formatTokenCount(12_345, 'en'), '12K', 'no decimal from 10 up');
    assert.equal(formatTokenCount(0, 'en'), '0');
  });

  it('a token count that is negative or not finite is shown as the number itself', () => {
    assert.equal(formatTokenCount(-1500, 'en'), '-1500');
    assert.equal(formatTokenCount(Infinity, 'en'), 'Infinity');
    assert.equal(formatTokenCount(NaN, 'en'), 'NaN');
    assert.equal(formatCompact(Infinity, 'en'), 'Infinity');
    assert.equal(formatCompact(NaN, 'en'), 'NaN');
  });

  it('an integer shows no fraction', () => {
    assert.equal(formatInteger(1234.5, 'en'), '1,235');
  });

  it('a span: minutes under an hour, hours under two days, days from two days', () => {
    assert.deepEqual(durationOf(HOUR_MS - 1), { value: 60, unit: 'm' });
    assert.deepEqual(durationOf(HOUR_MS), { value: 1, unit: 'h' });
    assert.deepEqual(durationOf(2 * DAY_MS - 1), { value: 48, unit: 'h' });
    assert.deepEqual(durationOf(2 * DAY_MS), { value: 2, unit: 'd' });
  });

  it('explicit fraction digits: 2 when a bound is not given, the most never under the least', () => {
    const m = { amount: '12.3456789', currency: 'USD' } as const;
    assert.equal(formatMoney(m, 'en', { maxFraction: 3 }), '$12.346');
    assert.equal(formatMoney(m, 'en', { minFraction: 3 }), '$12.346');
    assert.equal(formatMoney(m, 'en', { minFraction: 0, maxFraction: 0 }), '$12');
    assert.equal(formatMoney({ amount: '12.3', currency: 'USD' }, 'en', {}), '$12.30');
    assert.equal(
      formatMoney({ amount: '0.123456', currency: 'USD' }, 'en', 'balance'),
      '$0.12',
      'a balance: 2 decimals',
    );
  });
});
