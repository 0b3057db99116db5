/** The key form's answers: pre-filled from a key, converted to a KeyInput, and a key's settings for its copy. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ApiKey } from '../../src/core/types';
import {
  answersFromKey,
  changedFields,
  cloneAnswers,
  copyInput,
  emptyAnswers,
  expiryIso,
  FIELD_ORDER,
  toKeyInput,
  type FormAnswers,
} from '../../src/features/keys/flows/draft';
import { KeyInputError } from '../../src/features/keys/flows/validate';

const NOW = Date.parse('2026-04-01T12:00:00.000Z');

const key = (over: Partial<ApiKey> = {}): ApiKey => ({ ...base(), ...over });
const base = (): ApiKey => ({
  id: 'k1',
  name: 'ci',
  maskedKey: 'sk-…',
  status: 'active',
  rawStatus: 'active',
  modelsAllowed: ['gpt-4o'],
  allowedIps: ['10.0.0.1', '10.0.0.0/8'],
  rpmLimit: 60,
  tpmLimit: 1000,
  expiresAt: '2026-05-01T00:00:00.000Z',
  createdAt: '2026-01-01T00:00:00Z',
  lastUsedAt: null,
  teamId: 'team-a',
  isSandbox: true,
  quota: { unlimited: false, remaining: { amount: '12.5', currency: 'USD' } },
});

const answers = (over: Partial<FormAnswers> = {}): FormAnswers => ({ ...emptyAnswers(), ...over });

describe('key form answers', () => {
  it('the fields in the order the steps are shown', () => {
    assert.deepEqual(FIELD_ORDER, [
      'name',
      'modelsAllowed',
      'allowedIps',
      'rpmLimit',
      'tpmLimit',
      'quotaUsd',
      'expiresAt',
      'isSandbox',
      'teamId',
    ]);
  });

  it('a new form is empty: no limits, unlimited quota, no expiry, not sandbox, no team', () => {
    assert.deepEqual(emptyAnswers(), {
      name: '',
      models: [],
      ips: '',
      rpm: '',
      tpm: '',
      quota: '',
      expiry: { mode: 'never' },
      sandbox: false,
      team: null,
    });
    assert.notEqual(emptyAnswers().models, emptyAnswers().models, 'a fresh list each time');
  });

  it('pre-filled from a key: every field as the user would type it, the expiry kept', () => {
    const k = key();
    const a = answersFromKey(k);
    assert.deepEqual(a, {
      name: 'ci',
      models: ['gpt-4o'],
      ips: '10.0.0.1, 10.0.0.0/8',
      rpm: '60',
      tpm: '1000',
      quota: '12.5',
      expiry: { mode: 'keep', iso: '2026-05-01T00:00:00.000Z' },
      sandbox: true,
      team: 'team-a',
    });
    assert.notEqual(a.models, k.modelsAllowed);
  });

  it('pre-filled from a key without limits, quota, sandbox or team', () => {
    const a = answersFromKey(
      key({
        rpmLimit: null,
        tpmLimit: null,
        quota: undefined,
        isSandbox: undefined,
        teamId: undefined,
        expiresAt: null,
      }),
    );
    assert.deepEqual(
      [a.rpm, a.tpm, a.quota, a.sandbox, a.team, a.expiry],
      ['', '', '', false, null, { mode: 'keep', iso: null }],
    );
    assert.equal(answersFromKey(key({ rpmLimit: 0, tpmLimit: 0 })).rpm, '0', 'zero is a limit, not none');
    assert.equal(answersFromKey(key({ rpmLimit: 0, tpmLimit: 0 })).tpm, '0');
    assert.equal(
      answersFromKey(key({ quota: { unlimited: true, remaining: { amount: '5', currency: 'USD' } } })).quota,
      '',
      'unlimited',
    );
    assert.equal(answersFromKey(key({ quota: { unlimited: false } })).quota, '', 'no remaining amount');
  });

  it('a clone is a separate copy (its list too)', () => {
    const a = answers({ name: 'x', models: ['m'] });
    const c = cloneAnswers(a);
    assert.deepEqual(c, a);
    c.models.push('n');
    c.name = 'y';
    assert.deepEqual(a.models, ['m']);
    assert.equal(a.name, 'x');
  });
});

describe('key form: the expiry answer as a date-time', () => {
  it('keep sends nothing, never sends null, days counts from now, a date is the end of that local day', () => {
    assert.equal(expiryIso({ mode: 'keep', iso: '2026-05-01T00:00:00Z' }, NOW), undefined);
    assert.equal(expiryIso({ mode: 'never' }, NOW), null);
    assert.equal(expiryIso({ mode: 'days', days: 30 }, NOW), '2026-05-01T12:00:00.000Z');
    assert.equal(expiryIso({ mode: 'date', date: '2026-06-30' }, NOW), new Date(2026, 5, 30, 23, 59, 59).toISOString());
    assert.equal(
      expiryIso({ mode: 'date', date: '2026-02-30' }, NOW),
      '2026-02-30',
      'a forced impossible date is sent as typed',
    );
    assert.throws(() => expiryIso({ mode: 'days', days: 0 }, NOW), KeyInputError);
  });
});

describe('key form: the KeyInput for the chosen fields', () => {
  const full = answers({
    name: '  ci  ',
    models: ['gpt-4o'],
    ips: '10.0.0.1, 10.0.0.2',
    rpm: ' 60 ',
    tpm: '1000',
    quota: '5.50',
    expiry: { mode: 'days', days: 1 },
    sandbox: true,
    team: 't1',
  });

  it('every field, trimmed and parsed', () => {
    assert.deepEqual(toKeyInput(full, FIELD_ORDER, NOW), {
      name: 'ci',
      modelsAllowed: ['gpt-4o'],
      allowedIps: ['10.0.0.1', '10.0.0.2'],
      rpmLimit: 60,
      tpmLimit: 1000,
      quotaUsd: '5.5',
      expiresAt: '2026-04-02T12:00:00.000Z',
      isSandbox: true,
      teamId: 't1',
    });
    assert.notEqual(toKeyInput(full, FIELD_ORDER, NOW).modelsAllowed, full.models);
  });

  it('only the fields asked for; each one alone', () => {
    assert.deepEqual(toKeyInput(full, [], NOW), {});
    const one: Array<[(typeof FIELD_ORDER)[number], Record<string, unknown>]> = [
      ['name', { name: 'ci' }],
      ['modelsAllowed', { modelsAllowed: ['gpt-4o'] }],
      ['allowedIps', { allowedIps: ['10.0.0.1', '10.0.0.2'] }],
      ['rpmLimit', { rpmLimit: 60 }],
      ['tpmLimit', { tpmLimit: 1000 }],
      ['quotaUsd', { quotaUsd: '5.5' }],
      ['expiresAt', { expiresAt: '2026-04-02T12:00:00.000Z' }],
      ['isSandbox', { isSandbox: true }],
      ['teamId', { teamId: 't1' }],
    ];
    for (const [f, expected] of one) assert.deepEqual(toKeyInput(full, [f], NOW), expected, f);
  });

  it('empty limits are no limit, an empty quota is unlimited, "never" is null, "keep" leaves the expiry out; false and null are sent', () => {
    const a = answers({ rpm: '', tpm: '  ', quota: '', expiry: { mode: 'never' }, sandbox: false, team: null });
    assert.deepEqual(toKeyInput(a, ['rpmLimit', 'tpmLimit', 'quotaUsd', 'expiresAt', 'isSandbox', 'teamId'], NOW), {
      rpmLimit: null,
      tpmLimit: null,
      quotaUsd: 'unlimited',
      expiresAt: null,
      isSandbox: false,
      teamId: null,
    });
    assert.deepEqual(toKeyInput(answers({ expiry: { mode: 'keep', iso: 'x' } }), ['expiresAt'], NOW), {});
  });

  it('a forced limit that is not a number is refused naming its own field (rpm or tpm), never sent as NaN', () => {
    assert.throws(
      () => toKeyInput(answers({ rpm: 'abc' }), ['rpmLimit'], NOW),
      (e: unknown) => e instanceof KeyInputError && e.field === 'rpmLimit',
    );
    assert.throws(
      () => toKeyInput(answers({ tpm: 'abc' }), ['tpmLimit'], NOW),
      (e: unknown) => e instanceof KeyInputError && e.field === 'tpmLimit',
    );
    assert.throws(
      () => toKeyInput(answers({ quota: '1.1234567' }), ['quotaUsd'], NOW),
      (e: unknown) => e instanceof KeyInputError && e.field === 'quotaUsd',
    );
  });
});

describe('key form: what an edit sends, what a copy carries', () => {
  it('an edit sends only the fields that differ from the key as read', () => {
    const k = key();
    assert.deepEqual(changedFields({ name: 'ci', rpmLimit: 60, tpmLimit: 2000, modelsAllowed: ['gpt-4o'] }, k), {
      tpmLimit: 2000,
    });
    assert.deepEqual(changedFields({ name: 'renamed', allowedIps: ['10.0.0.1'] }, k), {
      name: 'renamed',
      allowedIps: ['10.0.0.1'],
    });
    assert.deepEqual(changedFields({ name: 'ci' }, k), {});
  });

  it('a copy carries every setting the gateway offers, and nothing it does not', () => {
    const all = { keyQuota: true, rpmTpmLimits: true, sandboxKeys: true, teams: true };
    const none = { keyQuota: false, rpmTpmLimits: false, sandboxKeys: false, teams: false };
    const k = key();
    const copy = copyInput(k, 'ci (rotated)', all);
    assert.deepEqual(copy, {
      name: 'ci (rotated)',
      modelsAllowed: ['gpt-4o'],
      allowedIps: ['10.0.0.1', '10.0.0.0/8'],
      expiresAt: '2026-05-01T00:00:00.000Z',
      quotaUsd: '12.5',
      rpmLimit: 60,
      tpmLimit: 1000,
      isSandbox: true,
      teamId: 'team-a',
    });
    assert.notEqual(copy.modelsAllowed, k.modelsAllowed);
    assert.notEqual(copy.allowedIps, k.allowedIps);
    assert.deepEqual(copyInput(k, 'c', none), {
      name: 'c',
      modelsAllowed: ['gpt-4o'],
      allowedIps: ['10.0.0.1', '10.0.0.0/8'],
      expiresAt: '2026-05-01T00:00:00.000Z',
    });
    for (const cap of ['keyQuota', 'rpmTpmLimits', 'sandboxKeys', 'teams'] as const) {
      const keys = Object.keys(copyInput(k, 'c', { ...none, [cap]: true }));
      assert.deepEqual(
        keys,
        [
          'name',
          'modelsAllowed',
          'allowedIps',
          'expiresAt',
          ...{
            keyQuota: ['quotaUsd'],
            rpmTpmLimits: ['rpmLimit', 'tpmLimit'],
            sandboxKeys: ['isSandbox'],
            teams: ['teamId'],
          }[cap],
        ],
        cap,
      );
    }
  });

  it('a copy of an unlimited key is unlimited; a tracked key without a remaining amount gets 0; no quota, no quota field', () => {
    const caps = { keyQuota: true, rpmTpmLimits: true, sandboxKeys: true, teams: true };
    assert.equal(
      copyInput(key({ quota: { unlimited: true, remaining: { amount: '3', currency: 'USD' } } }), 'c', caps).quotaUsd,
      'unlimited',
    );
    assert.equal(copyInput(key({ quota: { unlimited: false } }), 'c', caps).quotaUsd, '0');
    assert.equal('quotaUsd' in copyInput(key({ quota: undefined }), 'c', caps), false);
    const bare = copyInput(
      key({ rpmLimit: undefined, tpmLimit: undefined, isSandbox: undefined, teamId: undefined }),
      'c',
      caps,
    );
    assert.deepEqual([bare.rpmLimit, bare.tpmLimit, bare.isSandbox, bare.teamId], [null, null, false, null]);
  });
});
