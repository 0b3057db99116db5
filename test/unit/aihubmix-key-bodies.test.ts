/**
 * What a create or a full replace sends to AIHubMix, at its edges: every refusal with the field and the input step
 * it names (the UI sends the user back to that step), in a create and in an update; and which list names a replace
 * writes — those of the read (one-api, new-api, both), one-api when the read had neither.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KeyInput } from '../../src/core/types';
import { createBody, replaceBody } from '../../src/gateway/aihubmix/bodies';
import type { Token } from '../../src/gateway/aihubmix/schemas';
import { thrownBy as refusal } from './gateway-error-fixtures';

const token = (over: Partial<Token> = {}): Token => ({
  id: 7,
  user_id: 1,
  key: 'AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcdefghijkl',
  status: 1,
  name: 'ci',
  created_time: 1_700_000_000,
  accessed_time: 1_700_000_100,
  expired_time: -1,
  remain_quota: 1_000_000,
  unlimited_quota: false,
  used_quota: 250_000,
  models: 'gpt-4o',
  subnet: '',
  ...over,
});

const ROWS: ReadonlyArray<readonly [KeyInput, string, string, string, string]> = [
  // input, message, field, field message, input step
  [
    { expiresAt: 'soon' },
    'expired_time must be a date after 1970 (got "soon"); nothing was sent',
    'expired_time',
    'not a valid date',
    'expiresAt',
  ],
  [
    { expiresAt: '1970-01-01T00:00:00.999Z' },
    'expired_time must be a date after 1970 (got "1970-01-01T00:00:00.999Z"); nothing was sent',
    'expired_time',
    'not a valid date',
    'expiresAt',
  ],
  [
    { quotaUsd: 'lots' },
    'remain_quota must be an amount in USD (got "lots"); nothing was sent',
    'remain_quota',
    'not an amount in USD',
    'quotaUsd',
  ],
  [
    { quotaUsd: '-2' },
    'remain_quota must be a whole number of 0 or more (got -1000000); nothing was sent',
    'remain_quota',
    'must be a whole number of 0 or more',
    'quotaUsd',
  ],
];

describe('AIHubMix bodies: every refusal names its field and its input step', () => {
  it('create', () => {
    for (const [input, message, field, fieldMessage, step] of ROWS) {
      const e = refusal(() => createBody({ name: 'n', ...input }, 'new-api', 'Hub'));
      assert.equal(e.kind, 'validation');
      assert.equal(e.message, message);
      assert.deepEqual(e.fieldErrors, [{ field, message: fieldMessage, input: step }]);
      assert.equal(e.operation, 'create key');
      assert.equal(e.gateway, 'Hub');
    }
  });

  it('update (a full replace)', () => {
    for (const [input, message, field, fieldMessage, step] of ROWS) {
      const e = refusal(() => replaceBody(input, { token: token(), raw: { ...token() } }, 'Hub'));
      assert.equal(e.kind, 'validation');
      assert.equal(e.message, message);
      assert.deepEqual(e.fieldErrors, [{ field, message: fieldMessage, input: step }]);
      assert.equal(e.operation, 'update key');
      assert.equal(e.gateway, 'Hub');
    }
  });

  it('a quota past what the wire can carry is refused too; one second after 1970 and zero dollars are taken', () => {
    const e = refusal(() => createBody({ quotaUsd: '99999999999999999999' }, 'one-api'));
    assert.equal(e.fieldErrors[0]?.input, 'quotaUsd');
    assert.equal(e.fieldErrors[0]?.field, 'remain_quota');
    assert.equal(createBody({ expiresAt: '1970-01-01T00:00:01Z' }, 'one-api').expired_time, 1);
    assert.deepEqual(
      [createBody({ quotaUsd: '0' }, 'one-api').remain_quota, createBody({ quotaUsd: '0' }, 'one-api').unlimited_quota],
      [0, false],
    );
  });
});

describe('AIHubMix bodies: the list names a full replace writes', () => {
  const edit: KeyInput = { modelsAllowed: ['a', 'b'], allowedIps: ['1.1.1.1', '2.2.2.2'] };
  const lists = (body: Record<string, unknown>) =>
    Object.fromEntries(
      ['models', 'subnet', 'model_limits', 'model_limits_enabled', 'allow_ips']
        .filter((k) => k in body)
        .map((k) => [k, body[k]]),
    );
  const readOf = (raw: Record<string, unknown>) => ({ token: token(), raw });
  const base = (): Record<string, unknown> => {
    const { models: _m, subnet: _s, ...rest } = token();
    return rest;
  };
  const ONE = { models: 'a,b', subnet: '1.1.1.1,2.2.2.2' };
  const NEW = { model_limits: 'a,b', model_limits_enabled: true, allow_ips: '1.1.1.1\n2.2.2.2' };

  it('one-api names read → one-api names written', () => {
    assert.deepEqual(lists(replaceBody(edit, readOf({ ...base(), models: '', subnet: '' }))), ONE);
    assert.deepEqual(lists(replaceBody(edit, readOf({ ...base(), models: 'x' }))), { ...ONE });
    assert.deepEqual(lists(replaceBody(edit, readOf({ ...base(), subnet: 'x' }))), { ...ONE });
  });

  it('new-api names read → new-api names written (any one of them tells)', () => {
    for (const name of ['model_limits', 'allow_ips', 'model_limits_enabled'])
      assert.deepEqual(
        lists(replaceBody(edit, readOf({ ...base(), [name]: name === 'model_limits_enabled' ? false : '' }))),
        NEW,
        name,
      );
  });

  it('both read → both written; neither read → one-api', () => {
    assert.deepEqual(lists(replaceBody(edit, readOf({ ...base(), models: '', allow_ips: '' }))), { ...ONE, ...NEW });
    assert.deepEqual(lists(replaceBody(edit, readOf({ ...base(), subnet: '', model_limits: '' }))), { ...ONE, ...NEW });
    assert.deepEqual(lists(replaceBody(edit, readOf(base()))), ONE);
  });

  it('a list not edited is left as read; an empty edit clears it (new-api: the limit disabled)', () => {
    const read = readOf({ ...base(), model_limits: 'x', model_limits_enabled: true, allow_ips: '9.9.9.9' });
    assert.deepEqual(lists(replaceBody({ name: 'n' }, read)), {
      model_limits: 'x',
      model_limits_enabled: true,
      allow_ips: '9.9.9.9',
    });
    assert.deepEqual(lists(replaceBody({ modelsAllowed: [] }, read)), {
      model_limits: '',
      model_limits_enabled: false,
      allow_ips: '9.9.9.9',
    });
    assert.deepEqual(lists(replaceBody({ allowedIps: [] }, read)), {
      model_limits: 'x',
      model_limits_enabled: true,
      allow_ips: '',
    });
  });

  it('the rest of a replace: the id as a number, the read numbers normalised, the key sent back only when it is whole', () => {
    const raw = { ...token({ key: 'abc' }), expired_time: '1800000000', remain_quota: 5 };
    const body = replaceBody({}, { token: token({ key: 'abc', expired_time: 1_800_000_000, remain_quota: 5 }), raw });
    assert.deepEqual(
      [body.id, body.expired_time, body.remain_quota, body.key, body.name],
      [7, 1_800_000_000, 5, 'abc', 'ci'],
    );
    for (const key of ['', 'ab**cd', 'ab…cd'])
      assert.equal('key' in replaceBody({}, { token: token({ key }), raw: { ...token({ key }) } }), false, key);
  });
});
