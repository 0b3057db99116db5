/** Verify after write: what was sent vs the key as re-read (money as decimals, lists as sets, dates by instant). */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import type { ApiKey } from '../../src/core/types';
import {
  answersFromKey,
  changedFields,
  copyInput,
  emptyAnswers,
  toKeyInput,
} from '../../src/features/keys/flows/draft';
import { verifyApplied } from '../../src/features/keys/flows/verify';

const key = (over: Partial<ApiKey> = {}): ApiKey => ({
  id: '42',
  name: 'ci',
  maskedKey: 'sk-abcd…wxyz',
  status: 'active',
  rawStatus: 1,
  modelsAllowed: ['gpt-4o', 'claude-3-5-sonnet'],
  allowedIps: ['10.0.0.0/8', '2001:DB8::/32'],
  rpmLimit: 60,
  tpmLimit: null,
  quota: { unlimited: false, remaining: { amount: '12.5', currency: 'USD' } },
  expiresAt: '2026-12-01T23:59:59Z',
  isSandbox: false,
  teamId: null,
  ...over,
});

describe('verifyApplied', () => {
  it('finds nothing when every sent field is there (lists in any order, decimals in any form, same instant)', () => {
    assert.deepEqual(
      verifyApplied(
        {
          name: 'ci',
          modelsAllowed: ['claude-3-5-sonnet', 'gpt-4o', 'gpt-4o'],
          allowedIps: ['2001:db8::/32', '10.0.0.0/8'],
          rpmLimit: 60,
          tpmLimit: null,
          quotaUsd: '12.50',
          expiresAt: '2026-12-02T07:59:59.000+08:00',
          isSandbox: false,
          teamId: null,
        },
        key(),
      ),
      [],
    );
  });
  it('does not check fields that were not sent', () => {
    assert.deepEqual(verifyApplied({ name: 'ci' }, key({ rpmLimit: 5, modelsAllowed: [] })), []);
  });
  it('names each field the gateway did not apply, with what was sent and what it has', () => {
    const m = verifyApplied(
      {
        name: 'new',
        expiresAt: '2026-12-01T00:00:00Z',
        rpmLimit: 100,
        quotaUsd: 'unlimited',
        modelsAllowed: ['gpt-4o'],
      },
      key({ expiresAt: null }),
    );
    assert.deepEqual(
      m.map((x) => x.field),
      ['name', 'modelsAllowed', 'rpmLimit', 'quotaUsd', 'expiresAt'],
    );
    const exp = m.find((x) => x.field === 'expiresAt')!;
    assert.deepEqual(exp.sent, { kind: 'text', value: '2026-12-01T00:00:00Z' });
    assert.deepEqual(exp.has, { kind: 'none' });
    assert.deepEqual(m.find((x) => x.field === 'quotaUsd')!.has, { kind: 'usd', value: '12.5' });
  });
  it('compares money exactly: 0.1 + 0.2 style float noise would be a mismatch, 12.50 = 12.5 is not', () => {
    assert.deepEqual(verifyApplied({ quotaUsd: '12.500000' }, key()), []);
    assert.equal(verifyApplied({ quotaUsd: '12.500001' }, key()).length, 1);
    assert.equal(verifyApplied({ quotaUsd: '5' }, key({ quota: { unlimited: true } }))[0]?.has.kind, 'none');
    assert.equal(verifyApplied({ quotaUsd: 'unlimited' }, key({ quota: { unlimited: true } })).length, 0);
    assert.equal(verifyApplied({ quotaUsd: '5' }, key({ quota: undefined }))[0]?.has.kind, 'unknown');
  });
  it('dates: null vs a date is a mismatch; the same instant to the second is not', () => {
    assert.equal(verifyApplied({ expiresAt: null }, key()).length, 1);
    assert.equal(verifyApplied({ expiresAt: '2026-12-01T23:59:59.400Z' }, key()).length, 0);
    assert.equal(verifyApplied({ expiresAt: '2026-12-01T23:59:58Z' }, key()).length, 1);
  });
  it('lists: a missing or extra entry is a mismatch; empty means all / any', () => {
    assert.equal(verifyApplied({ allowedIps: ['10.0.0.0/8'] }, key()).length, 1);
    assert.deepEqual(verifyApplied({ modelsAllowed: [] }, key())[0]?.sent, { kind: 'none' });
    assert.equal(verifyApplied({ modelsAllowed: [] }, key({ modelsAllowed: [] })).length, 0);
  });
  it('sandbox and team', () => {
    assert.equal(verifyApplied({ isSandbox: true }, key())[0]?.field, 'isSandbox');
    assert.equal(verifyApplied({ teamId: 't1' }, key())[0]?.field, 'teamId');
    assert.equal(verifyApplied({ teamId: null }, key({ teamId: undefined })).length, 0);
  });
});

describe('form answers ↔ KeyInput', () => {
  it('an edit sends only the fields that changed', () => {
    const k = key();
    const a = answersFromKey(k);
    assert.deepEqual(
      changedFields(toKeyInput(a, ['name', 'modelsAllowed', 'allowedIps', 'quotaUsd', 'expiresAt'], Date.now()), k),
      {},
    );
    a.name = 'ci-2';
    a.quota = '20';
    assert.deepEqual(
      changedFields(toKeyInput(a, ['name', 'modelsAllowed', 'allowedIps', 'quotaUsd', 'expiresAt'], Date.now()), k),
      { name: 'ci-2', quotaUsd: '20' },
    );
  });
  it('create: only the fields the gateway offers; empty answers mean all / any / unlimited / never', () => {
    const input = toKeyInput(emptyAnswers(), ['name', 'modelsAllowed', 'allowedIps', 'quotaUsd', 'expiresAt'], 0);
    assert.deepEqual(input, { name: '', modelsAllowed: [], allowedIps: [], quotaUsd: 'unlimited', expiresAt: null });
  });
  it('a rotation copy carries the same settings, limited to the capabilities', () => {
    const caps = { keyQuota: true, rpmTpmLimits: false, sandboxKeys: false, teams: false };
    assert.deepEqual(copyInput(key(), 'ci (rotated 2026-11-22)', caps), {
      name: 'ci (rotated 2026-11-22)',
      modelsAllowed: ['gpt-4o', 'claude-3-5-sonnet'],
      allowedIps: ['10.0.0.0/8', '2001:DB8::/32'],
      expiresAt: '2026-12-01T23:59:59Z',
      quotaUsd: '12.5',
    });
    assert.equal(copyInput(key({ quota: { unlimited: true } }), 'x', caps).quotaUsd, 'unlimited');
  });
});
