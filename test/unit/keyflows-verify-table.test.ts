/**
 * Verify after write, field by field: each mismatch says exactly what was sent and what the gateway shows
 * (list, number, money, date, flag, team, or none / unknown), and nothing is reported for what was applied.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ApiKey, KeyInput } from '../../src/core/types';
import { verifyApplied } from '../../src/features/keys/flows/verify';

const base = (): ApiKey => ({
  id: 'k1',
  name: 'ci',
  maskedKey: 'sk-…',
  status: 'active',
  rawStatus: 'active',
  modelsAllowed: ['gpt-4o', 'claude-3'],
  allowedIps: ['10.0.0.1', 'fe80::1'],
  rpmLimit: 60,
  tpmLimit: null,
  expiresAt: '2026-05-01T00:00:00.000Z',
  teamId: 'team-a',
  isSandbox: false,
  quota: { unlimited: false, remaining: { amount: '12.50', currency: 'USD' } },
});
const key = (over: Partial<ApiKey> = {}): ApiKey => ({ ...base(), ...over });
const check = (sent: KeyInput, over: Partial<ApiKey> = {}) => verifyApplied(sent, key(over));

describe('verify after write: what was applied is not reported', () => {
  it('nothing sent, nothing to check', () => {
    assert.deepEqual(check({}), []);
  });
  it('every field as sent, in the gateway’s own spelling (order, blanks, case of addresses, decimals, instants to the second)', () => {
    assert.deepEqual(
      check({
        name: 'ci',
        modelsAllowed: ['claude-3', ' gpt-4o '],
        allowedIps: ['FE80::1', '10.0.0.1'],
        rpmLimit: 60,
        tpmLimit: null,
        quotaUsd: '12.5',
        expiresAt: '2026-05-01T00:00:00.999Z',
        isSandbox: false,
        teamId: 'team-a',
      }),
      [],
    );
    assert.deepEqual(check({ isSandbox: false }, { isSandbox: undefined }), [], 'no sandbox flag reads as not sandbox');
    assert.deepEqual(check({ teamId: null }, { teamId: undefined }), []);
    assert.deepEqual(check({ teamId: null }, { teamId: null }), []);
    assert.deepEqual(
      check({ rpmLimit: null, tpmLimit: null }, { rpmLimit: undefined, tpmLimit: undefined }),
      [],
      'no limit reads as none',
    );
    assert.deepEqual(check({ expiresAt: null }, { expiresAt: null }), []);
    assert.deepEqual(check({ quotaUsd: 'unlimited' }, { quota: { unlimited: true } }), []);
    assert.deepEqual(check({ modelsAllowed: [] }, { modelsAllowed: [] }), []);
    assert.deepEqual(
      check({ expiresAt: 'not a date' }, { expiresAt: 'not a date' }),
      [],
      'unparseable: compared as text',
    );
  });
});

describe('verify after write: each field the gateway did not apply', () => {
  it('name', () => {
    assert.deepEqual(check({ name: 'renamed' }), [
      { field: 'name', sent: { kind: 'text', value: 'renamed' }, has: { kind: 'text', value: 'ci' } },
    ]);
  });

  it('models: a set, case-sensitive; empty shown as none', () => {
    assert.deepEqual(check({ modelsAllowed: ['gpt-4o'] }), [
      {
        field: 'modelsAllowed',
        sent: { kind: 'list', value: ['gpt-4o'] },
        has: { kind: 'list', value: ['gpt-4o', 'claude-3'] },
      },
    ]);
    assert.deepEqual(
      check({ modelsAllowed: ['GPT-4o', 'claude-3'] }).map((m) => m.field),
      ['modelsAllowed'],
      'model ids are case-sensitive',
    );
    assert.deepEqual(check({ modelsAllowed: [] }), [
      { field: 'modelsAllowed', sent: { kind: 'none' }, has: { kind: 'list', value: ['gpt-4o', 'claude-3'] } },
    ]);
    assert.deepEqual(check({ modelsAllowed: ['a'] }, { modelsAllowed: [] }), [
      { field: 'modelsAllowed', sent: { kind: 'list', value: ['a'] }, has: { kind: 'none' } },
    ]);
    assert.deepEqual(
      check({ modelsAllowed: ['gpt-4o', 'gpt-4o', 'claude-3'] }),
      [],
      'a repeated entry is the same set',
    );
    assert.deepEqual(
      check({ modelsAllowed: ['gpt-4o', 'x'] }).map((m) => m.field),
      ['modelsAllowed'],
      'same size, another member',
    );
  });

  it('addresses: a set, case-insensitive', () => {
    assert.deepEqual(check({ allowedIps: ['10.0.0.1'] }), [
      {
        field: 'allowedIps',
        sent: { kind: 'list', value: ['10.0.0.1'] },
        has: { kind: 'list', value: ['10.0.0.1', 'fe80::1'] },
      },
    ]);
    assert.deepEqual(
      check({ allowedIps: ['10.0.0.2', 'fe80::1'] }).map((m) => m.field),
      ['allowedIps'],
    );
    assert.deepEqual(check({ allowedIps: [] }, { allowedIps: ['1.1.1.1'] })[0]?.sent, { kind: 'none' });
    assert.deepEqual(check({ allowedIps: [' FE80::1 ', '10.0.0.1'] }), [], 'blanks around an address do not count');
  });

  it('limits: a number or none', () => {
    assert.deepEqual(check({ rpmLimit: 100 }), [
      { field: 'rpmLimit', sent: { kind: 'number', value: 100 }, has: { kind: 'number', value: 60 } },
    ]);
    assert.deepEqual(check({ rpmLimit: null }), [
      { field: 'rpmLimit', sent: { kind: 'none' }, has: { kind: 'number', value: 60 } },
    ]);
    assert.deepEqual(check({ tpmLimit: 5 }), [
      { field: 'tpmLimit', sent: { kind: 'number', value: 5 }, has: { kind: 'none' } },
    ]);
    assert.deepEqual(check({ tpmLimit: 5 }, { tpmLimit: undefined }), [
      { field: 'tpmLimit', sent: { kind: 'number', value: 5 }, has: { kind: 'none' } },
    ]);
    assert.deepEqual(check({ rpmLimit: 0 }, { rpmLimit: 0 }), [], 'zero is a limit, and the same');
    assert.deepEqual(check({ rpmLimit: 0 }, { rpmLimit: null }), [
      { field: 'rpmLimit', sent: { kind: 'number', value: 0 }, has: { kind: 'none' } },
    ]);
  });

  it('quota: compared as decimals; unlimited vs an amount; a gateway that reports none is unknown', () => {
    assert.deepEqual(check({ quotaUsd: '13' }), [
      { field: 'quotaUsd', sent: { kind: 'usd', value: '13' }, has: { kind: 'usd', value: '12.50' } },
    ]);
    assert.deepEqual(check({ quotaUsd: '12.5000' }), [], 'the same amount in other digits');
    assert.deepEqual(check({ quotaUsd: '5' }, { quota: undefined }), [
      { field: 'quotaUsd', sent: { kind: 'usd', value: '5' }, has: { kind: 'unknown' } },
    ]);
    assert.deepEqual(check({ quotaUsd: 'unlimited' }, { quota: undefined }), [
      { field: 'quotaUsd', sent: { kind: 'none' }, has: { kind: 'unknown' } },
    ]);
    assert.deepEqual(check({ quotaUsd: 'unlimited' }), [
      { field: 'quotaUsd', sent: { kind: 'none' }, has: { kind: 'usd', value: '12.50' } },
    ]);
    assert.deepEqual(check({ quotaUsd: 'unlimited' }, { quota: { unlimited: false } }), [
      { field: 'quotaUsd', sent: { kind: 'none' }, has: { kind: 'unknown' } },
    ]);
    assert.deepEqual(check({ quotaUsd: '5' }, { quota: { unlimited: true } }), [
      { field: 'quotaUsd', sent: { kind: 'usd', value: '5' }, has: { kind: 'none' } },
    ]);
    assert.deepEqual(check({ quotaUsd: '5' }, { quota: { unlimited: false } }), [
      { field: 'quotaUsd', sent: { kind: 'usd', value: '5' }, has: { kind: 'unknown' } },
    ]);
    assert.deepEqual(
      check({ quotaUsd: 'lots' }),
      [{ field: 'quotaUsd', sent: { kind: 'usd', value: 'lots' }, has: { kind: 'usd', value: '12.50' } }],
      'a forced non-decimal never matches',
    );
  });

  it('expiry: by instant to the second; never vs a date either way', () => {
    assert.deepEqual(check({ expiresAt: '2026-05-01T00:00:01.000Z' }), [
      {
        field: 'expiresAt',
        sent: { kind: 'text', value: '2026-05-01T00:00:01.000Z' },
        has: { kind: 'text', value: '2026-05-01T00:00:00.000Z' },
      },
    ]);
    assert.deepEqual(check({ expiresAt: '2026-05-01T08:00:00+08:00' }), [], 'the same instant in another zone');
    assert.deepEqual(check({ expiresAt: null }), [
      { field: 'expiresAt', sent: { kind: 'none' }, has: { kind: 'text', value: '2026-05-01T00:00:00.000Z' } },
    ]);
    assert.deepEqual(check({ expiresAt: '2026-05-01T00:00:00Z' }, { expiresAt: null }), [
      { field: 'expiresAt', sent: { kind: 'text', value: '2026-05-01T00:00:00Z' }, has: { kind: 'none' } },
    ]);
    assert.deepEqual(
      check({ expiresAt: 'soon' }).map((m) => m.field),
      ['expiresAt'],
    );
  });

  it('sandbox: a flag; a gateway that does not report it is unknown', () => {
    assert.deepEqual(check({ isSandbox: true }), [
      { field: 'isSandbox', sent: { kind: 'bool', value: true }, has: { kind: 'bool', value: false } },
    ]);
    assert.deepEqual(check({ isSandbox: true }, { isSandbox: undefined }), [
      { field: 'isSandbox', sent: { kind: 'bool', value: true }, has: { kind: 'unknown' } },
    ]);
    assert.deepEqual(check({ isSandbox: false }, { isSandbox: true }), [
      { field: 'isSandbox', sent: { kind: 'bool', value: false }, has: { kind: 'bool', value: true } },
    ]);
  });

  it('team: a team or none', () => {
    assert.deepEqual(check({ teamId: 'team-b' }), [
      { field: 'teamId', sent: { kind: 'text', value: 'team-b' }, has: { kind: 'text', value: 'team-a' } },
    ]);
    assert.deepEqual(check({ teamId: null }), [
      { field: 'teamId', sent: { kind: 'none' }, has: { kind: 'text', value: 'team-a' } },
    ]);
    assert.deepEqual(check({ teamId: 'team-b' }, { teamId: null }), [
      { field: 'teamId', sent: { kind: 'text', value: 'team-b' }, has: { kind: 'none' } },
    ]);
    assert.deepEqual(check({ teamId: 'team-b' }, { teamId: undefined }), [
      { field: 'teamId', sent: { kind: 'text', value: 'team-b' }, has: { kind: 'none' } },
    ]);
  });

  it('several at once, in the form’s order', () => {
    assert.deepEqual(
      check({ teamId: 'x', name: 'n', rpmLimit: 1, isSandbox: true }).map((m) => m.field),
      ['name', 'rpmLimit', 'isSandbox', 'teamId'],
    );
  });
});
