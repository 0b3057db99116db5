/**
 * The one display formatter (src/core/format.ts): money from the decimal string with one rounding rule per kind of
 * amount, compact numbers, token counts, durations — in English and Simplified Chinese. Pure code.
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import {
  DAY_MS,
  daysOf,
  durationOf,
  formatCompact,
  formatInteger,
  formatMoney,
  formatMs,
  formatTokenCount,
} from '../../src/core/format';

describe('format: money', () => {
  it('formats money from the decimal string exactly, per currency and language', () => {
    assert.equal(formatMoney({ amount: '18.0000', currency: 'CNY' }, 'en', 'amount'), '¥18.00');
    assert.equal(formatMoney({ amount: '0.144', currency: 'CNY' }, 'zh-cn', 'amount'), '¥0.144');
    assert.equal(formatMoney({ amount: '2.5', currency: 'USD' }, 'en', 'amount'), '$2.50');
    // beyond double precision: no float drift
    assert.equal(
      formatMoney({ amount: '12345678901234567.125', currency: 'USD' }, 'en', 'balance'),
      '$12,345,678,901,234,567.13',
    );
    assert.equal(formatMoney({ amount: '0.005', currency: 'USD' }, 'en', 'balance'), '$0.01');
  });

  it('one rounding rule (half-up on the string) at the digits each kind shows', () => {
    // a balance: 2 decimals
    assert.equal(formatMoney({ amount: '1234.565', currency: 'USD' }, 'en', 'balance'), '$1,234.57');
    // a quota / cost / price: 2 decimals from 1 up, up to 4 under 1, so a small value is not shown as zero
    assert.equal(formatMoney({ amount: '1234.565', currency: 'USD' }, 'en', 'amount'), '$1,234.57');
    assert.equal(formatMoney({ amount: '0.123456', currency: 'CNY' }, 'en', 'amount'), '¥0.1235');
    assert.equal(formatMoney({ amount: '0.1', currency: 'USD' }, 'en', 'amount'), '$0.10');
    assert.equal(formatMoney({ amount: '0.00002', currency: 'USD' }, 'en', 'amount'), '$0.00');
    assert.equal(formatMoney({ amount: '0', currency: 'USD' }, 'en'), '$0.00', "'amount' is the default");
    // exactly as reported: up to 6
    assert.equal(formatMoney({ amount: '12.3456789', currency: 'CNY' }, 'en', 'exact'), '¥12.345679');
    // explicit digits, rounded by the same rule
    assert.equal(
      formatMoney({ amount: '12.3456789', currency: 'CNY' }, 'en', { minFraction: 2, maxFraction: 3 }),
      '¥12.346',
    );
    assert.equal(
      formatMoney({ amount: '12.3456789', currency: 'CNY' }, 'en', { minFraction: 2, maxFraction: 6 }),
      formatMoney({ amount: '12.3456789', currency: 'CNY' }, 'en', 'exact'),
    );
  });

  it('one rule for the digits of an amount: 2 decimals from 1 up (¥18.94, not ¥18.9378), more only under 1', () => {
    // a key's month of AIone usage, as a total: the digits past the second are noise
    assert.equal(formatMoney({ amount: '18.9378', currency: 'CNY' }, 'zh-cn', 'amount'), '¥18.94');
    assert.equal(formatMoney({ amount: '18.9378', currency: 'CNY' }, 'zh-cn'), '¥18.94', 'the default kind');
    assert.equal(formatMoney({ amount: '2.304', currency: 'USD' }, 'en', 'amount'), '$2.30');
    assert.equal(formatMoney({ amount: '-18.9378', currency: 'CNY' }, 'en', 'amount'), '-¥18.94');
    assert.equal(formatMoney({ amount: '0.0288', currency: 'CNY' }, 'en', 'amount'), '¥0.0288');
    assert.equal(formatMoney({ amount: '0.99996', currency: 'CNY' }, 'en', 'amount'), '¥1.00');
    // one request's cost: the same from 1 up, up to 6 decimals under 1
    assert.equal(formatMoney({ amount: '18.9378', currency: 'CNY' }, 'en', 'unit'), '¥18.94');
    assert.equal(formatMoney({ amount: '0.000123', currency: 'CNY' }, 'en', 'unit'), '¥0.000123');
    // a balance exactly as reported keeps its digits
    assert.equal(formatMoney({ amount: '18.9378', currency: 'CNY' }, 'en', 'exact'), '¥18.9378');
  });

  it('the same amount reads the same in both languages but for grouping conventions', () => {
    assert.equal(formatMoney({ amount: '1234.5', currency: 'CNY' }, 'zh-cn', 'balance'), '¥1,234.50');
    assert.equal(formatMoney({ amount: '1234.5', currency: 'USD' }, 'zh-cn', 'balance'), '$1,234.50');
    assert.equal(formatMoney({ amount: '0', currency: 'USD' }, 'zh-cn', 'balance'), '$0.00');
  });

  it('an amount that is not a decimal is shown as given, never as NaN', () => {
    assert.equal(formatMoney({ amount: 'n/a', currency: 'USD' }, 'en'), 'n/a USD');
  });

  it('an unknown display language falls back to English', () => {
    assert.equal(formatMoney({ amount: '3', currency: 'USD' }, 'xx-bad-', 'balance'), '$3.00');
    assert.equal(formatInteger(1234567, 'xx-bad-'), '1,234,567');
  });
});

describe('format: numbers', () => {
  it('compact counts per language', () => {
    assert.deepEqual(
      [60, 5000, 120_000, 2_500_000, 1_234_567].map((n) => formatCompact(n, 'en')),
      ['60', '5K', '120K', '2.5M', '1.2M'],
    );
    assert.deepEqual(
      [60, 120_000, 2_500_000].map((n) => formatCompact(n, 'zh-cn')),
      ['60', '12万', '250万'],
    );
  });

  it('context lengths in short form', () => {
    assert.deepEqual(
      [128000, 131072, 1047576, 1048576, 200000, 8191, 32768, 512].map((n) => formatTokenCount(n, 'en')),
      ['128K', '128K', '1M', '1M', '200K', '8.2K', '32K', '512'],
    );
    assert.equal(formatTokenCount(128000, 'zh-cn'), '128K');
  });

  it('integers and milliseconds with grouping', () => {
    assert.equal(formatInteger(32768, 'en'), '32,768');
    assert.equal(formatInteger(32768, 'zh-cn'), '32,768');
    assert.equal(formatMs(1234.5, 'en'), '1,235 ms');
  });
});

describe('format: durations', () => {
  it('one unit, rounded to the nearest whole one, at least 1', () => {
    assert.deepEqual(durationOf(90_000), { value: 2, unit: 'm' });
    assert.deepEqual(durationOf(-90_000), { value: 2, unit: 'm' }, "the sign is the caller's (past / future)");
    assert.deepEqual(durationOf(5), { value: 1, unit: 'm' });
    assert.deepEqual(durationOf(5 * 3_600_000), { value: 5, unit: 'h' });
    assert.deepEqual(durationOf(3 * DAY_MS + 3_600_000), { value: 3, unit: 'd' });
  });

  it('days by the same rule', () => {
    assert.equal(daysOf(3 * DAY_MS + 3_600_000), 3, 'the keys tree and the status bar agree on "in 3 d"');
    assert.equal(daysOf(2.5 * DAY_MS), 3);
    assert.equal(daysOf(60_000), 1);
  });
});
