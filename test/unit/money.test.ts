import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { addDecimal, compareDecimal, divDecimal, fixedDecimal, money, quotaToUsd, usdToQuota } from '../../src/core/money';
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

describe('redaction', () => {
  it('masks Authorization headers, bearer tokens, sk- keys and token-shaped strings', () => {
    const line = 'GET /x {"Authorization":"Bearer agc-admin-0123456789abcdef0123456789abcdef"} key=sk-nex-AbCdEf0123456789XyZ0123456789abcdWXYZ tok=0123456789abcdef0123456789abcdef';
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
