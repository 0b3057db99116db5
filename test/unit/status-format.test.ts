/** Display formatting (platform/format) and the status bar's key warnings (features/status/warnings): pure code. */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import type { ApiKey } from '../../src/core/types';
import { keyWarnings } from '../../src/features/status/warnings';
import { formatBalance, formatPrice, formatTokenCount } from '../../src/platform/format';

describe('format', () => {
  it('formats money from the decimal string exactly, per currency and language', () => {
    assert.equal(formatPrice({ amount: '18.0000', currency: 'CNY' }, 'en'), '¥18.00');
    assert.equal(formatPrice({ amount: '0.144', currency: 'CNY' }, 'zh-cn'), '¥0.144');
    assert.equal(formatPrice({ amount: '2.5', currency: 'USD' }, 'en'), '$2.50');
    // beyond double precision: no float drift
    assert.equal(formatBalance({ amount: '12345678901234567.125', currency: 'USD' }, 'en'), '$12,345,678,901,234,567.13');
    assert.equal(formatBalance({ amount: '0.005', currency: 'USD' }, 'en'), '$0.01');
  });

  it('context lengths in short form', () => {
    assert.deepEqual([128000, 131072, 1047576, 1048576, 200000, 8191, 32768, 512].map((n) => formatTokenCount(n, 'en')),
      ['128K', '128K', '1M', '1M', '200K', '8.2K', '32K', '512']);
  });
});

const DAY = 86_400_000;
const NOW = Date.UTC(2030, 0, 1);
function key(id: string, over: Partial<ApiKey>): ApiKey {
  return { id, name: id, maskedKey: 'sk-…', status: 'active', rawStatus: 1, modelsAllowed: [], allowedIps: [], expiresAt: null, ...over };
}

describe('key warnings', () => {
  it('exhausted first, then the soonest expiry within 7 days, then the lowest quota share under 10 %', () => {
    const keys = [
      key('fine', { expiresAt: new Date(NOW + 30 * DAY).toISOString() }),
      key('soon', { expiresAt: new Date(NOW + 5 * DAY).toISOString() }),
      key('sooner', { expiresAt: new Date(NOW + 2 * DAY).toISOString() }),
      key('low', { quota: { unlimited: false, remaining: { amount: '0.9', currency: 'USD' }, used: { amount: '9.1', currency: 'USD' } } }),
      key('tenpct', { quota: { unlimited: false, remaining: { amount: '1', currency: 'USD' }, used: { amount: '9', currency: 'USD' } } }),
      key('empty', { status: 'exhausted' }),
      key('off', { status: 'disabled', expiresAt: new Date(NOW + DAY).toISOString() }),
      key('past', { expiresAt: new Date(NOW - DAY).toISOString() }),
      key('unl', { quota: { unlimited: true, remaining: { amount: '0', currency: 'USD' }, used: { amount: '5', currency: 'USD' } } }),
    ];
    const w = keyWarnings(keys, NOW);
    assert.deepEqual(w.map((x) => [x.kind, x.keyId]), [
      ['exhausted', 'empty'],
      ['expiring', 'sooner'],
      ['expiring', 'soon'],
      ['low-quota', 'low'],
    ]);
    const low = w[3]!;
    assert.ok(low.kind === 'low-quota' && low.percentLeft === '9.0');
  });
});
