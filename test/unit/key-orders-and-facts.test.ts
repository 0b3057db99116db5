/**
 * The keys tree's orders and facts (src/features/keys/logic.ts) beyond the basic table: which sorts a gateway can
 * offer and ask for, when a sort holds for every key, the status and remaining-quota orders with unknown values last
 * in both directions, most-used with equal amounts, and the pending-disable fact of a rotation's old key.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ApiKey } from '../../src/core/types';
import {
  availableSorts,
  gatewayOrder,
  keyComparator,
  keyFacts,
  sortIsComplete,
  sortKeys,
} from '../../src/features/keys/logic';
import { apiKey } from './key-fixtures';

const NOW = Date.parse('2026-04-01T12:00:00.000Z');
const D = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();
const key = apiKey;
const names = (ks: readonly ApiKey[]) => ks.map((k) => k.name).join('');
const usd = (amount: string) => ({ amount, currency: 'USD' as const });

describe('keys logic: the sorts a gateway offers', () => {
  it('"most used" only where keys report a quota', () => {
    assert.deepEqual(availableSorts({ keyQuota: true }), ['server', 'name', 'created', 'expiry', 'usage']);
    assert.deepEqual(availableSorts({ keyQuota: false }), ['server', 'name', 'created', 'expiry']);
  });

  it('asks the gateway for its own order only for a sort it has one for, and only when it lists that order', () => {
    assert.equal(gatewayOrder('usage', { keyListOrders: ['mostUsed'] }), 'mostUsed');
    assert.equal(gatewayOrder('usage', { keyListOrders: ['mostRemaining'] }), undefined);
    assert.equal(gatewayOrder('usage', {}), undefined);
    assert.equal(gatewayOrder('name', { keyListOrders: ['mostUsed'] }), undefined);
  });

  it("a sort holds for every key: the gateway's order, everything read, or pages read in that sort's order", () => {
    assert.equal(sortIsComplete('server', undefined, true), true);
    assert.equal(sortIsComplete('name', undefined, false), true);
    assert.equal(sortIsComplete('name', undefined, true), false);
    assert.equal(sortIsComplete('usage', 'mostUsed', true), true);
    assert.equal(sortIsComplete('usage', undefined, true), false);
    assert.equal(sortIsComplete('usage', 'mostRemaining', true), false);
    assert.equal(sortIsComplete('name', 'mostUsed', true), false);
  });
});

describe('keys logic: orders of the table columns', () => {
  const byStatus = [
    key({ id: '1', name: 'a', status: 'disabled' }),
    key({ id: '2', name: 'b', status: 'active' }),
    key({ id: '3', name: 'c', status: 'expired' }),
    key({ id: '4', name: 'd', status: 'active', rotateGraceUntil: iso(NOW + D) }),
    key({ id: '5', name: 'e', status: 'exhausted' }),
    key({ id: '6', name: 'f', status: 'unknown' }),
  ];

  it('status: usable first (active, grace, exhausted, expired, disabled, unknown), reversed descending', () => {
    assert.equal(names([...byStatus].sort(keyComparator('status', 'asc', undefined, NOW))), 'bdecaf');
    assert.equal(names([...byStatus].sort(keyComparator('status', 'desc', undefined, NOW))), 'facedb');
  });

  it('remaining quota: exact amounts, unlimited above every amount, unknown last in both directions', () => {
    const ks = [
      key({ id: '1', name: 'a' }),
      key({ id: '2', name: 'b', quota: { unlimited: false, remaining: usd('9.5') } }),
      key({ id: '3', name: 'c', quota: { unlimited: true } }),
      key({ id: '4', name: 'd', quota: { unlimited: false, remaining: usd('10') } }),
      key({ id: '5', name: 'e', quota: { unlimited: false } }),
    ];
    assert.equal(names([...ks].sort(keyComparator('quota', 'asc'))), 'bdcae');
    assert.equal(names([...ks].sort(keyComparator('quota', 'desc'))), 'cdbae');
  });

  it('name: without case, then by id; descending reverses both', () => {
    const ks = [key({ id: '2', name: 'b' }), key({ id: '1', name: 'a' }), key({ id: '3', name: 'B' })];
    const label = (k: ApiKey) => k.name + k.id;
    assert.deepEqual([...ks].sort(keyComparator('name', 'asc')).map(label), ['a1', 'b2', 'B3']);
    assert.deepEqual([...ks].sort(keyComparator('name', 'desc')).map(label), ['B3', 'b2', 'a1']);
  });

  it('most used: the amount decides exactly ("1.0" and "1" tie, then the last use), a reported amount before none', () => {
    const ks = [
      key({ id: '1', name: 'a', lastUsedAt: iso(NOW - D) }),
      key({ id: '2', name: 'b', quota: { unlimited: false, used: usd('1.0') }, lastUsedAt: iso(NOW - 2 * D) }),
      key({ id: '3', name: 'c', quota: { unlimited: false, used: usd('1') }, lastUsedAt: iso(NOW - D) }),
      key({ id: '4', name: 'd', quota: { unlimited: false, used: usd('2') } }),
    ];
    assert.equal(names(sortKeys(ks, 'usage')), 'dcba');
  });
});

describe('keys logic: the pending-disable fact', () => {
  it('an active old key of a rotation says when it is disabled; a key that is no longer active does not', () => {
    assert.deepEqual(keyFacts(key(), NOW, undefined, iso(NOW + 2 * D)), [
      { kind: 'pendingDisable', in: { value: 2, unit: 'd', past: false } },
    ]);
    assert.deepEqual(keyFacts(key({ status: 'disabled' }), NOW, undefined, iso(NOW + 2 * D)), [
      { kind: 'status', status: 'disabled' },
    ]);
    assert.deepEqual(keyFacts(key(), NOW), []);
  });

  it('a key in grace says until when, and shows no status', () => {
    assert.deepEqual(keyFacts(key({ rotateGraceUntil: iso(NOW + 3 * 3_600_000) }), NOW), [
      { kind: 'grace', until: { value: 3, unit: 'h', past: false } },
    ]);
  });
});
