/** The status bar's key warnings (features/status/warnings): pure code. (Display formatting: format.test.ts.) */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import type { ApiKey } from '../../src/core/types';
import { keyWarnings } from '../../src/features/status/warnings';

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
