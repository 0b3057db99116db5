import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import Big from 'big.js';
import {
  addDecimal,
  compareDecimal,
  divDecimal,
  fixedDecimal,
  isDecimal,
  money,
  mulDecimal,
  QUOTA_PER_USD,
  toBig,
  quotaToUsd,
  usdToQuota,
} from '../../src/core/money';
import { maskSecret, redact } from '../../src/core/redact';

describe('money: decimal arithmetic, never floats', () => {
  it('adds decimal strings exactly (0.1 + 0.2 = 0.3)', () => {
    assert.equal(addDecimal('0.1', '0.2'), '0.3');
    assert.equal(addDecimal('1234.5678', '0.0001', '-0.5679'), '1234');
  });
  it('converts one-api quota units to USD exactly (1 USD = 500,000 units)', () => {
    assert.equal(quotaToUsd(500000), '1');
    assert.equal(quotaToUsd(617280000), '1234.56');
    assert.equal(quotaToUsd(1), '0.000002');
    assert.equal(quotaToUsd('123456789'), '246.913578');
  });
  it('converts USD to integer quota units, rounding half-up', () => {
    assert.equal(usdToQuota('1234.56'), 617280000);
    assert.equal(usdToQuota('0.0000011'), 1);
    assert.equal(usdToQuota('0.000001'), 1);
    assert.equal(usdToQuota('0.0000009'), 0);
    assert.throws(() => usdToQuota('not money'), /not a decimal/);
  });
  it('formats with fixed places and compares', () => {
    assert.equal(fixedDecimal('2.345', 2), '2.35');
    assert.equal(fixedDecimal('10', 2), '10.00');
    assert.equal(compareDecimal('10.00', '9.999'), 1);
    assert.equal(divDecimal('1', '3', 4), '0.3333');
    assert.deepEqual(money(1.5, 'CNY'), { amount: '1.5', currency: 'CNY' });
    assert.throws(() => divDecimal('1', '0'), /division by zero/);
  });
});

describe('money: what a decimal is, and what is refused', () => {
  it('accepts whole, fractional, signed, leading-dot and exponent forms, with surrounding blanks', () => {
    for (const v of [
      '0',
      '12',
      '-12',
      '+12',
      '12.',
      '12.50',
      '.5',
      '.55',
      '-.25',
      '1e5',
      '1E5',
      '1e+5',
      '1.5e-3',
      '  7.25 ',
      '\t3\n',
    ]) {
      assert.equal(isDecimal(v), true, JSON.stringify(v));
    }
  });
  it('refuses anything that is not a whole decimal: trailing or leading junk, lone signs and dots, hex, blanks', () => {
    for (const v of [
      '12abc',
      'abc12',
      '1 2',
      '.',
      '.x',
      '+',
      '-',
      '',
      '   ',
      '1e',
      'e5',
      '1e5.5',
      '0x10',
      '1,000',
      '12.5.3',
      'NaN',
      'Infinity',
      '¥12',
    ]) {
      assert.equal(isDecimal(v), false, JSON.stringify(v));
      assert.throws(
        () => toBig(v),
        (e: unknown) => e instanceof RangeError && e.message === `not a decimal: ${JSON.stringify(v)}`,
        JSON.stringify(v),
      );
    }
  });
  it('parses a decimal string with blanks around it, and finite JSON numbers; NaN and ±Infinity are refused by name', () => {
    assert.equal(toBig('  1.50 ').toString(), '1.5');
    assert.equal(toBig(0.25).toString(), '0.25');
    for (const n of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      assert.throws(
        () => toBig(n),
        (e: unknown) => e instanceof RangeError && e.message === `not a finite number: ${n}`,
      );
    }
  });
  it('subtracts and multiplies exactly', () => {
    assert.equal(mulDecimal('0.1', 3), '0.3');
    assert.equal(mulDecimal(' 2.5 ', '-4'), '-10');
  });
  it("division uses its own precision and leaves big.js's global one as it found it, also when it throws", () => {
    const dp = Big.DP;
    assert.equal(divDecimal('1', '3', 2), '0.33');
    assert.equal(Big.DP, dp);
    assert.equal(
      new Big(1).div(3).toString(),
      `0.${'3'.repeat(dp)}`,
      'a later division elsewhere keeps the default precision',
    );
    assert.throws(() => divDecimal('not money', '3', 2), /not a decimal/);
    assert.equal(Big.DP, dp, 'restored after a failure inside the division');
    assert.equal(divDecimal('2', '3'), '0.666666666667', '12 places by default');
  });
  it('quota units: a JSON number is truncated to whole units, a decimal string is taken as it is', () => {
    assert.equal(QUOTA_PER_USD, 500000);
    assert.equal(quotaToUsd(250000.9), '0.5');
    assert.equal(quotaToUsd(-250000.9), '-0.5');
    assert.equal(quotaToUsd('250000.9'), '0.5000018');
    assert.equal(quotaToUsd('0'), '0');
  });
  it('USD beyond what a quota integer can hold is refused with the amount', () => {
    assert.equal(usdToQuota('18014398509'), 9007199254500000);
    assert.throws(
      () => usdToQuota('18014398510'),
      (e: unknown) => e instanceof RangeError && e.message === 'quota out of range: 18014398510 USD',
    );
    assert.throws(() => usdToQuota('1e20'), /quota out of range: 1e20 USD/);
  });
});

describe('redaction', () => {
  it('masks Authorization headers, bearer tokens, sk- keys and token-shaped strings', () => {
    const line =
      'GET /x {"Authorization":"Bearer agc-admin-0123456789abcdef0123456789abcdef"} key=sk-nex-AbCdEf0123456789XyZ0123456789abcdWXYZ tok=0123456789abcdef0123456789abcdef';
    const out = redact(line);
    assert.doesNotMatch(out, /0123456789abcdef0123456789abcdef/);
    assert.doesNotMatch(out, /AbCdEf0123456789/);
    assert.match(out, /sk-nex-\*\*\*WXYZ/);
    assert.equal(redact('authorization: abcdefgh12345678'), 'authorization: ***');
    assert.equal(redact('plain words stay as they are'), 'plain words stay as they are');
  });
  it('masks a secret for display keeping prefix and last four', () => {
    assert.equal(maskSecret('sk-nex-AbCdEf0123456789XyZ0123456789abcdWXYZ'), 'sk-nex-AbCd…WXYZ');
    assert.equal(maskSecret('sk-abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKL'), 'sk-abcd…IJKL');
  });
});
