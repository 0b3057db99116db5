/** Key warnings for the status bar at their boundaries: exhausted, expiring within a week, quota under 10 %, worst first. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ApiKey } from '../../src/core/types';
import { EXPIRY_WARNING_DAYS, LOW_QUOTA_PERCENT, keyWarnings } from '../../src/features/status/warnings';
import { apiKey } from './key-fixtures';

const NOW = Date.parse('2026-04-01T12:00:00.000Z');
const DAY = 86_400_000;
const usd = (amount: string) => ({ amount, currency: 'USD' as const });
const key = (over: Partial<ApiKey> = {}): ApiKey => apiKey({ maskedKey: 'sk-…ab', ...over });
const iso = (ms: number) => new Date(ms).toISOString();

describe('key warnings', () => {
  it('the thresholds: a week, 10 %', () => {
    assert.equal(EXPIRY_WARNING_DAYS, 7);
    assert.equal(LOW_QUOTA_PERCENT, '10');
  });

  it('exhausted: by status, or an active tracked quota at or below zero; an unlimited or untracked one never', () => {
    assert.deepEqual(keyWarnings([key({ status: 'exhausted' })], NOW), [
      { kind: 'exhausted', keyId: 'k1', keyName: 'ci' },
    ]);
    assert.deepEqual(keyWarnings([key({ quota: { unlimited: false, remaining: usd('0') } })], NOW), [
      { kind: 'exhausted', keyId: 'k1', keyName: 'ci' },
    ]);
    assert.deepEqual(
      keyWarnings([key({ quota: { unlimited: false, remaining: usd('-0.5') } })], NOW).map((w) => w.kind),
      ['exhausted'],
    );
    assert.deepEqual(
      keyWarnings([key({ quota: { unlimited: false, remaining: usd('0.000001') } })], NOW),
      [],
      'a little left is not exhausted (no used figure: no share)',
    );
    assert.deepEqual(keyWarnings([key({ quota: { unlimited: true, remaining: usd('0') } })], NOW), []);
    assert.deepEqual(keyWarnings([key({ quota: { unlimited: false } })], NOW), []);
    assert.deepEqual(
      keyWarnings([key({ status: 'unknown', quota: { unlimited: false, remaining: usd('0') } })], NOW),
      [],
      'only an active key is exhausted by its figure',
    );
    assert.deepEqual(
      keyWarnings([key({ status: 'exhausted', expiresAt: iso(NOW + DAY) })], NOW).map((w) => w.kind),
      ['exhausted'],
      'an exhausted key warns only once',
    );
  });

  it('keys not in use warn about nothing', () => {
    for (const status of ['disabled', 'expired'] as const) {
      assert.deepEqual(
        keyWarnings(
          [key({ status, expiresAt: iso(NOW + DAY), quota: { unlimited: false, remaining: usd('0') } })],
          NOW,
        ),
        [],
        status,
      );
    }
  });

  it('expiring: after now and within seven days (inclusive), with the time left', () => {
    assert.deepEqual(keyWarnings([key({ expiresAt: iso(NOW + 7 * DAY) })], NOW), [
      { kind: 'expiring', keyId: 'k1', keyName: 'ci', expiresAt: iso(NOW + 7 * DAY), msLeft: 7 * DAY },
    ]);
    assert.deepEqual(keyWarnings([key({ expiresAt: iso(NOW + 7 * DAY + 1) })], NOW), []);
    assert.deepEqual(
      keyWarnings([key({ expiresAt: iso(NOW + 1) })], NOW).map((w) => w.kind),
      ['expiring'],
    );
    assert.deepEqual(keyWarnings([key({ expiresAt: iso(NOW) })], NOW), [], 'expiring now: the gateway says expired');
    assert.deepEqual(keyWarnings([key({ expiresAt: 'soon' })], NOW), []);
  });

  it('low quota: remaining under 10 % of remaining + used, with the share to one decimal', () => {
    assert.deepEqual(
      keyWarnings([key({ quota: { unlimited: false, remaining: usd('9.99'), used: usd('90.01') } })], NOW),
      [{ kind: 'low-quota', keyId: 'k1', keyName: 'ci', remaining: usd('9.99'), percentLeft: '10.0' }],
    );
    assert.deepEqual(
      keyWarnings([key({ quota: { unlimited: false, remaining: usd('10'), used: usd('90') } })], NOW),
      [],
      'exactly 10 % is not low',
    );
    assert.deepEqual(keyWarnings([key({ quota: { unlimited: false, remaining: usd('1'), used: usd('3') } })], NOW), []);
    assert.deepEqual(keyWarnings([key({ quota: { unlimited: true, remaining: usd('1'), used: usd('99') } })], NOW), []);
    assert.deepEqual(
      keyWarnings([key({ quota: { unlimited: false, remaining: usd('1'), used: usd('-1') } })], NOW),
      [],
      'a total of zero has no share',
    );
    assert.deepEqual(keyWarnings([key({ quota: { unlimited: false, used: usd('99') } })], NOW), []);
    assert.deepEqual(
      keyWarnings([key({ status: 'unknown', quota: { unlimited: false, remaining: usd('-1'), used: usd('1') } })], NOW),
      [],
      'no share of a zero total (and no division by it)',
    );
  });

  it('a key may warn of expiry and low quota both', () => {
    const w = keyWarnings(
      [key({ expiresAt: iso(NOW + DAY), quota: { unlimited: false, remaining: usd('1'), used: usd('99') } })],
      NOW,
    );
    assert.deepEqual(
      w.map((x) => x.kind),
      ['expiring', 'low-quota'],
    );
  });

  it('named by the key’s name, else its masked key, else its id', () => {
    const w = keyWarnings(
      [key({ id: 'a', name: '', status: 'exhausted' }), key({ id: 'b', name: '', maskedKey: '', status: 'exhausted' })],
      NOW,
    );
    assert.deepEqual(
      w.map((x) => [x.keyId, x.keyName]),
      [
        ['b', 'b'],
        ['a', 'sk-…ab'],
      ],
    );
  });

  it('worst first: exhausted, then the soonest expiry, then the lowest share; ties by name', () => {
    const keys = [
      key({ id: 'q1', name: 'q1', quota: { unlimited: false, remaining: usd('5'), used: usd('95') } }),
      key({ id: 'q2', name: 'q2', quota: { unlimited: false, remaining: usd('1'), used: usd('99') } }),
      key({ id: 'e-late', name: 'e-late', expiresAt: iso(NOW + 5 * DAY) }),
      key({ id: 'x-b', name: 'x-b', status: 'exhausted' }),
      key({ id: 'e-soon', name: 'e-soon', expiresAt: iso(NOW + DAY) }),
      key({ id: 'x-a', name: 'x-a', status: 'exhausted' }),
    ];
    assert.deepEqual(
      keyWarnings(keys, NOW).map((w) => w.keyId),
      ['x-a', 'x-b', 'e-soon', 'e-late', 'q2', 'q1'],
    );
    const reversed = keyWarnings([...keys].reverse(), NOW).map((w) => w.keyId);
    assert.deepEqual(reversed, ['x-a', 'x-b', 'e-soon', 'e-late', 'q2', 'q1'], 'whatever the input order');
  });
});
