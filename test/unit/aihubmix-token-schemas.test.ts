/**
 * What the AIHubMix schemas accept and refuse, as tables: a token (the hand-checked fast path takes the documented
 * shape as it is, anything else goes through zod, which names the field), the list shapes of keys and of logs with
 * the error each wrong shape gets, the dialect a token's names show, new-api's cache counts and reveal answer, and
 * the envelope, account, catalogue, log and stat records.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  availableModelsSchema,
  catalogueModelSchema,
  envelopeSchema,
  fastToken,
  hasNewApiNames,
  logCacheCounts,
  logSchema,
  logStatSchema,
  parseLogList,
  parseToken,
  parseTokenList,
  revealSchema,
  tokenSchema,
  userSelfSchema,
} from '../../src/gateway/aihubmix/schemas';
import { thrownBy as refusal } from './gateway-error-fixtures';

const wire = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  id: 7,
  user_id: 1,
  key: 'abc',
  status: 1,
  name: 'ci',
  created_time: 100,
  accessed_time: 200,
  expired_time: -1,
  remain_quota: 5,
  unlimited_quota: false,
  used_quota: 3,
  models: 'm',
  subnet: '',
  ...over,
});

const log = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  id: 1,
  created_at: 100,
  quota: 5,
  prompt_tokens: 2,
  completion_tokens: 1,
  ...over,
});

describe('AIHubMix token: the fast path and the schema', () => {
  it('the documented shape in every variant it allows is taken as it is (the same object)', () => {
    const variants = [
      wire(),
      wire({ id: 0 }),
      wire({ user_id: null }),
      wire({ user_id: undefined }),
      wire({ models: null, subnet: null }),
      wire({ models: undefined, subnet: undefined, model_limits: 'a', allow_ips: 'b', model_limits_enabled: true }),
      wire({ model_limits: null, allow_ips: null, model_limits_enabled: null, group: null }),
      wire({ group: 'vip', model_limits_enabled: false }),
      wire({ unlimited_quota: true, remain_quota: -1, expired_time: 1_800_000_000, status: 0 }),
      wire({ id: Number.MAX_SAFE_INTEGER }),
    ];
    for (const v of variants) {
      assert.equal(fastToken(v), v, JSON.stringify(v));
      assert.equal(tokenSchema.safeParse(v).success, true, JSON.stringify(v));
    }
  });

  it('anything else is left to the schema: a wrong type, an unsafe or negative id, a string expiry', () => {
    const others: Array<Record<string, unknown> | unknown> = [
      null,
      [],
      'token',
      5,
      wire({ id: -1 }),
      wire({ id: 1.5 }),
      wire({ id: '7' }),
      wire({ id: 2 ** 53 }),
      wire({ key: 5 }),
      wire({ status: '1' }),
      wire({ name: null }),
      wire({ created_time: '100' }),
      wire({ accessed_time: 1.5 }),
      wire({ expired_time: '1800000000' }),
      wire({ remain_quota: null }),
      wire({ used_quota: '3' }),
      wire({ unlimited_quota: 'false' }),
      wire({ user_id: '1' }),
      wire({ models: 5 }),
      wire({ subnet: [] }),
      wire({ model_limits: 1 }),
      wire({ allow_ips: false }),
      wire({ model_limits_enabled: 'yes' }),
      wire({ group: 5 }),
    ];
    for (const v of others) assert.equal(fastToken(v), undefined, JSON.stringify(v));
  });

  it('parseToken: a string expiry read as a number; the raw object kept; a missing list pair names it', () => {
    const raw = wire({ expired_time: '1800000000', extra: 'kept' });
    const r = parseToken(raw, 'Hub', 'get key', ['data']);
    assert.equal(r.token.expired_time, 1_800_000_000);
    assert.equal(r.raw, raw);
    assert.equal(parseToken(wire(), 'Hub', 'get key', ['data']).token.name, 'ci');
    const noModels = refusal(() => parseToken(wire({ models: undefined }), 'Hub', 'get key', ['data']));
    assert.deepEqual(
      [noModels.kind, noModels.path, noModels.message, noModels.operation, noModels.gateway],
      ['bad-response', 'data.models', 'the answer lacks the required field data.models', 'get key', 'Hub'],
    );
    const noSubnet = refusal(() =>
      parseToken(wire({ subnet: undefined, expired_time: '5' }), 'Hub', 'get key', ['data']),
    );
    assert.equal(noSubnet.path, 'data.subnet');
    assert.equal(noSubnet.message, 'the answer lacks the required field data.subnet');
    assert.equal(
      parseToken(wire({ models: undefined, model_limits: '', subnet: undefined, allow_ips: null }), 'Hub', 'x', [])
        .token.model_limits,
      '',
    );
    const wrong = refusal(() => parseToken(wire({ name: 5 }), 'Hub', 'list keys', ['data', 3]));
    assert.equal(wrong.path, 'data.3.name');
    assert.equal(wrong.operation, 'list keys');
    for (const field of [
      'id',
      'key',
      'status',
      'name',
      'created_time',
      'accessed_time',
      'expired_time',
      'remain_quota',
      'unlimited_quota',
      'used_quota',
    ]) {
      const e = refusal(() => parseToken(wire({ [field]: undefined }), 'Hub', 'get key', ['data']));
      assert.equal(e.path, `data.${field}`, field);
    }
    for (const [field, value] of [
      ['id', -1],
      ['user_id', 1.5],
      ['status', 1.5],
      ['group', 5],
      ['model_limits_enabled', 'x'],
      ['allow_ips', 5],
      ['expired_time', 'x'],
    ] as const) {
      const e = refusal(() => parseToken(wire({ [field]: value }), 'Hub', 'get key', ['data']));
      assert.equal(e.path, `data.${field}`, field);
    }
  });

  it('the dialect a token shows: any new-api list name, else one-api', () => {
    assert.equal(hasNewApiNames(wire()), false);
    assert.equal(hasNewApiNames({}), false);
    for (const name of ['model_limits', 'allow_ips', 'model_limits_enabled'])
      assert.equal(hasNewApiNames({ [name]: null }), true, name);
  });
});

describe('AIHubMix key lists: each shape, and the error of each wrong one', () => {
  it('an array, null, a page object (any page field tells it), or one token', () => {
    const a = parseTokenList([wire(), wire({ id: 8 })], 'Hub', 'list keys');
    assert.deepEqual([a.shape, a.items.map((t) => t.token.id), 'total' in a], ['array', [7, 8], false]);
    assert.deepEqual(parseTokenList(null, 'Hub', 'list keys'), { items: [], shape: 'null' });
    const p = parseTokenList({ page: 2, page_size: 10, total: 11, items: [wire()] }, 'Hub', 'list keys');
    assert.deepEqual([p.shape, p.page, p.pageSize, p.total, p.items.length], ['page', 2, 10, 11, 1]);
    assert.deepEqual(parseTokenList({ items: null, total: 0 }, 'Hub', 'list keys'), {
      items: [],
      shape: 'page',
      total: 0,
    });
    assert.deepEqual(parseTokenList({ items: [], page: null, page_size: null, total: null }, 'Hub', 'list keys'), {
      items: [],
      shape: 'page',
    });
    const one = parseTokenList(wire(), 'Hub', 'list keys');
    assert.deepEqual([one.shape, one.items[0]?.token.id], ['single', 7]);
  });

  it('no data, a non-object, items that are not an array, a bad page field, a bad token: each named', () => {
    const cases: Array<[unknown, string, string]> = [
      [undefined, 'data', 'the answer lacks the required field data'],
      ['x', 'data', 'the answer has an unexpected value at data (expected a list of keys)'],
      [5, 'data', 'the answer has an unexpected value at data (expected a list of keys)'],
      [{ items: 'x' }, 'data.items', 'the answer has an unexpected value at data.items (expected an array)'],
      [{ page: 1 }, 'data.items', 'the answer lacks the required field data.items'],
      [{ page_size: 1 }, 'data.items', 'the answer lacks the required field data.items'],
      [{ total: 1 }, 'data.items', 'the answer lacks the required field data.items'],
      [{ items: [], total: 'x' }, 'data.total', ''],
      [{ items: [], page: 1.5 }, 'data.page', ''],
      [{ items: [], page_size: '1' }, 'data.page_size', ''],
      [{ items: [wire(), { id: 1 }] }, 'data.items.1.key', ''],
      [[wire({ status: 'x' })], 'data.0.status', ''],
      [{ name: 'not a token' }, 'data.id', ''],
    ];
    for (const [data, path, message] of cases) {
      const e = refusal(() => parseTokenList(data, 'Hub', 'list keys'));
      assert.equal(e.kind, 'bad-response', JSON.stringify(data));
      assert.equal(e.path, path, JSON.stringify(data));
      if (message) assert.equal(e.message, message);
      assert.equal(e.operation, 'list keys');
      assert.equal(e.gateway, 'Hub');
    }
  });
});

describe('AIHubMix logs: the list, the cache counts, the records', () => {
  it('an array, null or the page object; anything else named', () => {
    assert.deepEqual(parseLogList([log()], 'Hub', 'list usage logs'), {
      items: [logSchema.parse(log())],
      shape: 'array',
    });
    assert.deepEqual(parseLogList(null, 'Hub', 'list usage logs'), { items: [], shape: 'null' });
    assert.deepEqual(parseLogList({ page: 1, total: 4, items: [log()] }, 'Hub', 'x'), {
      items: [logSchema.parse(log())],
      shape: 'page',
      total: 4,
      page: 1,
    });
    assert.deepEqual(parseLogList({ items: null, page: null, total: null }, 'Hub', 'x'), { items: [], shape: 'page' });
    const cases: Array<[unknown, string, string]> = [
      [undefined, 'data', 'the answer lacks the required field data'],
      ['x', 'data', 'the answer has an unexpected value at data (expected a list of logs)'],
      [{}, 'data.items', 'the answer lacks the required field data.items'],
      [{ data: [] }, 'data.items', 'the answer lacks the required field data.items'],
      [{ items: 5 }, 'data.items', 'the answer has an unexpected value at data.items (expected an array)'],
      [{ total: 1 }, 'data.items', 'the answer lacks the required field data.items'],
      [{ items: [], total: 'x' }, 'data.total', ''],
      [[log({ quota: undefined })], 'data.0.quota', ''],
      [{ items: [log(), log({ id: 'x' })] }, 'data.items.1.id', ''],
    ];
    for (const [data, path, message] of cases) {
      const e = refusal(() => parseLogList(data, 'Hub', 'list usage logs'));
      assert.equal(e.kind, 'bad-response', JSON.stringify(data));
      assert.equal(e.path, path, JSON.stringify(data));
      if (message) assert.equal(e.message, message, JSON.stringify(data));
      assert.equal(e.operation, 'list usage logs');
      assert.equal(e.gateway, 'Hub');
    }
  });

  it("new-api's cache counts in `other`: each when given; anything unreadable is none", () => {
    assert.deepEqual(logCacheCounts('{"cache_tokens":3,"cache_creation_tokens":4,"ratio":1}'), {
      cachedTokens: 3,
      cacheWriteTokens: 4,
    });
    assert.deepEqual(logCacheCounts('{"cache_tokens":0}'), { cachedTokens: 0 });
    assert.deepEqual(logCacheCounts('{"cache_creation_tokens":2,"cache_tokens":null}'), { cacheWriteTokens: 2 });
    for (const other of [
      null,
      undefined,
      '',
      'not json',
      '[1]',
      '{"cache_tokens":-1}',
      '{"cache_tokens":1.5}',
      '"x"',
      'null',
    ])
      assert.deepEqual(logCacheCounts(other), {}, String(other));
  });

  it('a log record: its required numbers are whole; the optional fields may be null', () => {
    const full = log({
      type: 2,
      content: 'c',
      token_name: 't',
      model_name: 'm',
      elapsed_time: 5,
      use_time: 1,
      is_stream: true,
      other: '{}',
    });
    assert.deepEqual(logSchema.parse(full), full);
    assert.deepEqual(
      logSchema.parse(
        log({
          type: null,
          content: null,
          token_name: null,
          model_name: null,
          elapsed_time: null,
          use_time: null,
          is_stream: null,
          other: null,
        }),
      ),
      log({
        type: null,
        content: null,
        token_name: null,
        model_name: null,
        elapsed_time: null,
        use_time: null,
        is_stream: null,
        other: null,
      }),
    );
    for (const bad of [
      { id: 1.5 },
      { created_at: '1' },
      { quota: 0.5 },
      { prompt_tokens: null },
      { completion_tokens: 1.5 },
      { elapsed_time: 0.5 },
      { use_time: 'x' },
      { is_stream: 1 },
      { other: {} },
      { type: 1.5 },
    ])
      assert.equal(logSchema.safeParse(log(bad)).success, false, JSON.stringify(bad));
    assert.deepEqual(logStatSchema.parse({ quota: 3, rpm: 1.5, tpm: null }), { quota: 3, rpm: 1.5, tpm: null });
    for (const bad of [{}, { quota: 1.5 }, { quota: 1, rpm: 'x' }, { quota: 1, tpm: 'x' }])
      assert.equal(logStatSchema.safeParse(bad).success, false, JSON.stringify(bad));
  });
});

describe('AIHubMix envelope, account, catalogue and reveal records', () => {
  it('the envelope: success required, a string or numeric code, the data as it is', () => {
    assert.deepEqual(envelopeSchema.parse({ success: false, message: 'm', code: 5, data: [1] }), {
      success: false,
      message: 'm',
      code: 5,
      data: [1],
    });
    assert.deepEqual(envelopeSchema.parse({ success: true, message: null, code: 'x' }), {
      success: true,
      message: null,
      code: 'x',
    });
    for (const bad of [{}, { success: 'true' }, { success: true, message: 5 }, { success: true, code: true }])
      assert.equal(envelopeSchema.safeParse(bad).success, false, JSON.stringify(bad));
  });

  it('the account: id, quota and used quota whole numbers; the rest optional', () => {
    const me = {
      id: 1,
      username: 'u',
      display_name: 'U',
      email: 'e',
      role: 1,
      status: 1,
      quota: 5,
      used_quota: 2,
      request_count: 3,
      group: 'g',
      quota_remind_threshold: 4,
    };
    assert.deepEqual(userSelfSchema.parse(me), me);
    assert.deepEqual(userSelfSchema.parse({ id: 1, quota: 0, used_quota: 0 }), { id: 1, quota: 0, used_quota: 0 });
    for (const bad of [
      { id: 1.5 },
      { quota: '5' },
      { used_quota: undefined },
      { role: 1.5 },
      { quota_remind_threshold: 0.5 },
      { username: 5 },
      { request_count: 'x' },
      { group: 1 },
      { email: 1 },
      { status: 'on' },
      { display_name: 1 },
    ])
      assert.equal(userSelfSchema.safeParse({ ...me, ...bad }).success, false, JSON.stringify(bad));
  });

  it('a catalogue model: a non-empty id, lists read leniently, numbers or strings for sizes and prices', () => {
    const m = catalogueModelSchema.parse({
      model_id: 'gpt',
      desc: 'd',
      types: 'llm,chat',
      features: ['tools'],
      input_modalities: null,
      max_output: '4096',
      context_length: 128000,
      pricing: { input: '0.001', output: 0.002, cache_read: null, cache_write: '0' },
    });
    assert.deepEqual(m, {
      model_id: 'gpt',
      desc: 'd',
      types: ['llm', 'chat'],
      features: ['tools'],
      input_modalities: [],
      max_output: 4096,
      context_length: 128000,
      pricing: { input: '0.001', output: 0.002, cache_read: null, cache_write: '0' },
    });
    assert.deepEqual(catalogueModelSchema.parse({ model_id: 'x' }), {
      model_id: 'x',
      types: [],
      features: [],
      input_modalities: [],
    });
    for (const bad of [
      { model_id: '' },
      { model_id: 5 },
      { model_id: 'x', max_output: 1.5 },
      { model_id: 'x', context_length: 'big' },
      { model_id: 'x', pricing: { input: true } },
      { model_id: 'x', pricing: { output: [] } },
      { model_id: 'x', pricing: { cache_read: {} } },
      { model_id: 'x', pricing: { cache_write: false } },
      { model_id: 'x', desc: 5 },
    ])
      assert.equal(catalogueModelSchema.safeParse(bad).success, false, JSON.stringify(bad));
    assert.deepEqual(
      catalogueModelSchema.parse({
        model_id: 'x',
        pricing: { input: 1, output: '2', cache_read: 0.5, cache_write: '0.25' },
      }).pricing,
      { input: 1, output: '2', cache_read: 0.5, cache_write: '0.25' },
    );
    assert.deepEqual(
      catalogueModelSchema.parse({ model_id: 'x', pricing: { cache_read: '0.5', cache_write: 3 } }).pricing,
      {
        cache_read: '0.5',
        cache_write: 3,
      },
    );
    assert.deepEqual(availableModelsSchema.parse(['a', 'b']), ['a', 'b']);
    assert.equal(availableModelsSchema.safeParse(['a', 1]).success, false);
  });

  it("new-api's reveal: {key} or a bare string, never empty", () => {
    assert.equal(revealSchema.parse({ key: 'sk-1' }), 'sk-1');
    assert.equal(revealSchema.parse('sk-2'), 'sk-2');
    assert.equal(revealSchema.parse('a'), 'a');
    assert.equal(revealSchema.parse({ key: 'b' }), 'b');
    for (const bad of ['', { key: '' }, { key: 5 }, {}, null, 5])
      assert.equal(revealSchema.safeParse(bad).success, false, JSON.stringify(bad));
  });
});
