/**
 * The AIHubMix adapter's mapping as tables, without a server: what it can do, quota units as USD, Unix seconds as
 * ISO, a token as an ApiKey (status, expiry, quota, secret, lists in both dialects, unmodeled fields), and the
 * bodies of a create and of a full replace.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createBody, replaceBody } from '../../src/gateway/aihubmix/bodies';
import { AIHUBMIX_CAPABILITIES, NEWAPI_CAPABILITIES } from '../../src/gateway/aihubmix/capabilities';
import { catalogueById, isoOf, mapLog, mapToken, unitsToUsd } from '../../src/gateway/aihubmix/mapping';
import type { Log, Token } from '../../src/gateway/aihubmix/schemas';
import { GatewayError } from '../../src/gateway/errors';

const NOW = Date.parse('2026-04-01T12:00:00.000Z');
const SEC = Math.floor(NOW / 1000);
const KEY48 = 'AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcdefghijkl';

const token = (over: Partial<Token> = {}): Token => ({
  id: 7,
  user_id: 1,
  key: KEY48,
  status: 1,
  name: 'ci',
  created_time: SEC - 86_400,
  accessed_time: SEC - 60,
  expired_time: -1,
  remain_quota: 1_000_000,
  unlimited_quota: false,
  used_quota: 250_000,
  models: 'gpt-4o,claude-3',
  subnet: '10.0.0.1',
  ...over,
});

describe('AIHubMix: capabilities', () => {
  it('one-api and new-api', () => {
    assert.deepEqual(AIHUBMIX_CAPABILITIES, {
      serverSideRotate: false,
      enableDisable: true,
      searchKeys: true,
      keyTotal: false,
      keyListOrders: ['mostUsed', 'mostRemaining'],
      teams: false,
      sandboxKeys: false,
      rpmTpmLimits: false,
      keyQuota: true,
      fullReplaceUpdate: true,
      editableFields: ['name', 'modelsAllowed', 'allowedIps', 'quotaUsd', 'expiresAt'],
      keyNameLimit: { max: 30, unit: 'bytes' },
      usageSeries: false,
      hourlyUsage: false,
      dashboard: false,
      plan: false,
      billingAccount: true,
      invoices: false,
      balance: true,
      usageLogs: true,
      secretsReadable: true,
      currency: 'USD',
      requestLog: 'probe',
    });
    assert.deepEqual(NEWAPI_CAPABILITIES, {
      ...AIHUBMIX_CAPABILITIES,
      keyTotal: true,
      keyListOrders: [],
      keyNameLimit: { max: 50, unit: 'bytes' },
    });
  });
});

describe('AIHubMix: quota units and times', () => {
  it('units as exact USD (1 USD = 500,000 units), trailing zeros dropped, negatives kept', () => {
    const table: Array<[number, string]> = [
      [0, '0'],
      [1, '0.000002'],
      [5, '0.00001'],
      [250_000, '0.5'],
      [500_000, '1'],
      [617_280_000, '1234.56'],
      [123_456_789, '246.913578'],
      [-250_000, '-0.5'],
      [-1, '-0.000002'],
      [1_000_001, '2.000002'],
    ];
    for (const [units, usd] of table)
      assert.deepEqual(unitsToUsd(units), { amount: usd, currency: 'USD' }, String(units));
    assert.deepEqual(
      unitsToUsd(2 ** 53),
      { amount: '18014398509.481984', currency: 'USD' },
      'beyond safe integers: big.js',
    );
  });

  it('Unix seconds as ISO, like Date#toISOString; 0 or less is none', () => {
    for (const s of [
      1,
      59,
      86_399,
      86_400,
      951_782_400 /* 2000-02-29 */,
      SEC,
      4_102_444_799 /* 2099-12-31T23:59:59 */,
      253_402_300_799,
    ]) {
      assert.equal(isoOf(s), new Date(s * 1000).toISOString(), String(s));
    }
    assert.equal(isoOf(0), null);
    assert.equal(isoOf(-1), null);
    assert.equal(isoOf(Number.NaN), null);
    assert.equal(isoOf(1.5), new Date(1500).toISOString(), 'fractions go through Date');
    assert.equal(isoOf(253_402_300_800), new Date(253_402_300_800_000).toISOString(), 'year 10000 through Date');
    assert.equal(isoOf(SEC), isoOf(SEC), 'the same day twice (cached) gives the same text');
    for (let d = 0; d < 5000; d += 37)
      assert.equal(isoOf(d * 86_400 + 3661), new Date((d * 86_400 + 3661) * 1000).toISOString(), `day ${d}`);
  });
});

describe('AIHubMix: a token as an ApiKey', () => {
  it('every field', () => {
    assert.deepEqual(mapToken(token(), NOW), {
      id: '7',
      name: 'ci',
      maskedKey: 'sk-AbCd…ijkl',
      secret: `sk-${KEY48}`,
      status: 'active',
      rawStatus: 1,
      modelsAllowed: ['gpt-4o', 'claude-3'],
      allowedIps: ['10.0.0.1'],
      quota: {
        unlimited: false,
        remaining: { amount: '2', currency: 'USD' },
        used: { amount: '0.5', currency: 'USD' },
      },
      expiresAt: null,
      createdAt: new Date((SEC - 86_400) * 1000).toISOString(),
      lastUsedAt: new Date((SEC - 60) * 1000).toISOString(),
    });
  });

  it('statuses: 1 active, 2 and 0 disabled, 3 expired, 4 exhausted, others unknown; the raw one kept', () => {
    const table: Array<[number, string]> = [
      [1, 'active'],
      [2, 'disabled'],
      [0, 'disabled'],
      [3, 'expired'],
      [4, 'exhausted'],
      [5, 'unknown'],
      [-1, 'unknown'],
    ];
    for (const [s, status] of table) {
      const k = mapToken(token({ status: s }), NOW);
      assert.equal(k.status, status, String(s));
      assert.equal(k.rawStatus, s);
    }
  });

  it('an active key past its expiry (inclusive) is expired; -1 or 0 is never; an active key without quota left is exhausted', () => {
    assert.equal(mapToken(token({ expired_time: SEC }), NOW).status, 'expired');
    assert.equal(mapToken(token({ expired_time: SEC + 1 }), NOW).status, 'active');
    assert.equal(mapToken(token({ expired_time: SEC - 1, status: 2 }), NOW).status, 'disabled');
    assert.equal(mapToken(token({ expired_time: 0 }), NOW).expiresAt, null);
    assert.equal(mapToken(token({ expired_time: SEC + 1 }), NOW).expiresAt, new Date((SEC + 1) * 1000).toISOString());
    assert.equal(mapToken(token({ remain_quota: 0 }), NOW).status, 'exhausted');
    assert.equal(mapToken(token({ remain_quota: 1 }), NOW).status, 'active');
    assert.equal(mapToken(token({ remain_quota: 0, unlimited_quota: true }), NOW).status, 'active');
    assert.equal(mapToken(token({ remain_quota: 0, status: 2 }), NOW).status, 'disabled');
  });

  it('quota: unlimited by flag or by -1 (no remaining then); a negative remaining shows as 0', () => {
    assert.deepEqual(mapToken(token({ unlimited_quota: true }), NOW).quota, {
      unlimited: true,
      used: { amount: '0.5', currency: 'USD' },
    });
    assert.deepEqual(mapToken(token({ remain_quota: -1 }), NOW).quota, {
      unlimited: true,
      used: { amount: '0.5', currency: 'USD' },
    });
    assert.deepEqual(mapToken(token({ remain_quota: -5, used_quota: 0 }), NOW).quota, {
      unlimited: false,
      remaining: { amount: '0', currency: 'USD' },
      used: { amount: '0', currency: 'USD' },
    });
  });

  it('the secret: a full key, with sk- added when the wire leaves it out; a masked or empty key is no secret', () => {
    const table: Array<[string, string | undefined, string]> = [
      [KEY48, `sk-${KEY48}`, 'sk-AbCd…ijkl'],
      [`sk-${KEY48}`, `sk-${KEY48}`, 'sk-AbCd…ijkl'],
      ['AbCd**********ijkl', undefined, 'sk-AbCd**********ijkl'],
      ['sk-AbCd…ijkl', undefined, 'sk-AbCd…ijkl'],
      ['', undefined, 'sk-…'],
    ];
    for (const [key, secret, masked] of table) {
      const k = mapToken(token({ key }), NOW);
      assert.equal(k.secret, secret, key);
      assert.equal('secret' in k, secret !== undefined);
      assert.equal(k.maskedKey, masked, key);
      if (secret)
        assert.ok(!k.maskedKey.includes(secret.slice(7, -4)), 'the display never shows the middle of the key');
    }
  });

  it('models and addresses: one-api’s lists, else new-api’s (models only while limits are enabled)', () => {
    assert.deepEqual(
      mapToken(token({ models: '', model_limits: 'a,b', model_limits_enabled: true }), NOW).modelsAllowed,
      ['a', 'b'],
    );
    assert.deepEqual(
      mapToken(token({ models: '', model_limits: 'a,b', model_limits_enabled: false }), NOW).modelsAllowed,
      [],
      'limits kept but off: every model',
    );
    assert.deepEqual(
      mapToken(token({ models: 'x', model_limits: 'a', model_limits_enabled: true }), NOW).modelsAllowed,
      ['x'],
      'one-api’s list wins',
    );
    assert.deepEqual(mapToken(token({ models: null }), NOW).modelsAllowed, []);
    assert.deepEqual(mapToken(token({ subnet: '', allow_ips: '10.0.0.1\n10.0.0.2' }), NOW).allowedIps, [
      '10.0.0.1',
      '10.0.0.2',
    ]);
    assert.deepEqual(mapToken(token({ subnet: '1.1.1.1', allow_ips: '2.2.2.2' }), NOW).allowedIps, ['1.1.1.1']);
    assert.deepEqual(mapToken(token({ subnet: null }), NOW).allowedIps, []);
  });

  it('fields this client does not model are kept as sent; without the raw object there are none', () => {
    const raw = { ...token(), group: 'vip', cross_group_retry: true, DeletedAt: null, username: 'u' };
    assert.deepEqual(mapToken(token(), NOW, raw).unmodeled, { group: 'vip', cross_group_retry: true });
    assert.equal('unmodeled' in mapToken(token(), NOW), false);
    assert.equal('unmodeled' in mapToken(token(), NOW, { ...token() }), false, 'nothing unmodeled: no field');
  });
});

describe('AIHubMix: what a create sends', () => {
  it('one-api: every field in its names; no quota given is unlimited (-1); no expiry is never (-1)', () => {
    assert.deepEqual(createBody({ name: 'ci' }, 'one-api'), {
      name: 'ci',
      expired_time: -1,
      unlimited_quota: true,
      remain_quota: -1,
      models: '',
      subnet: '',
    });
    assert.deepEqual(
      createBody(
        {
          name: 'ci',
          quotaUsd: '2.5',
          expiresAt: '2026-05-01T00:00:00Z',
          modelsAllowed: ['a', 'b'],
          allowedIps: ['1.1.1.1', '2.2.2.0/24'],
        },
        'one-api',
      ),
      {
        name: 'ci',
        expired_time: Date.parse('2026-05-01T00:00:00Z') / 1000,
        unlimited_quota: false,
        remain_quota: 1_250_000,
        models: 'a,b',
        subnet: '1.1.1.1,2.2.2.0/24',
      },
    );
    assert.deepEqual(createBody({}, 'one-api').name, '');
    assert.equal(createBody({ expiresAt: null }, 'one-api').expired_time, -1);
  });
  it('new-api: model_limits (enabled when not empty) and allow_ips on lines', () => {
    assert.deepEqual(
      createBody({ name: 'ci', modelsAllowed: ['a', 'b'], allowedIps: ['1.1.1.1', '2.2.2.2'] }, 'new-api'),
      {
        name: 'ci',
        expired_time: -1,
        unlimited_quota: true,
        remain_quota: -1,
        model_limits: 'a,b',
        model_limits_enabled: true,
        allow_ips: '1.1.1.1\n2.2.2.2',
      },
    );
    assert.equal(createBody({ name: 'ci' }, 'new-api').model_limits_enabled, false);
  });
  it('settings of the copied key go along, but never over a field this client writes', () => {
    assert.deepEqual(
      createBody({ name: 'copy' }, 'new-api', 'G', { group: 'vip', name: 'old', remain_quota: 5, key: 'x' }),
      {
        group: 'vip',
        name: 'copy',
        expired_time: -1,
        unlimited_quota: true,
        remain_quota: -1,
        model_limits: '',
        model_limits_enabled: false,
        allow_ips: '',
      },
    );
  });
  it('a date before 1970 or no date, and an amount that is not USD, are refused naming the wire field', () => {
    for (const [input, field, message] of [
      [
        { expiresAt: '1969-12-31T00:00:00Z' },
        'expired_time',
        'expired_time must be a date after 1970 (got "1969-12-31T00:00:00Z"); nothing was sent',
      ],
      [
        { expiresAt: '1970-01-01T00:00:00Z' },
        'expired_time',
        'expired_time must be a date after 1970 (got "1970-01-01T00:00:00Z"); nothing was sent',
      ],
      [{ expiresAt: 'soon' }, 'expired_time', 'expired_time must be a date after 1970 (got "soon"); nothing was sent'],
      [
        { quotaUsd: '-1' },
        'remain_quota',
        'remain_quota must be a whole number of 0 or more (got -500000); nothing was sent',
      ],
      [{ quotaUsd: 'lots' }, 'remain_quota', 'remain_quota must be an amount in USD (got "lots"); nothing was sent'],
    ] as const) {
      assert.throws(
        () => createBody(input, 'one-api', 'AIHubMix (T)'),
        (e: unknown) =>
          e instanceof GatewayError &&
          e.kind === 'validation' &&
          e.message === message &&
          e.fieldErrors[0]?.field === field &&
          e.gateway === 'AIHubMix (T)' &&
          e.operation === 'create key',
        field,
      );
    }
    assert.equal(
      createBody({ expiresAt: '1970-01-01T00:00:01Z' }, 'one-api').expired_time,
      1,
      'one second after the epoch is a date',
    );
  });
});

describe('AIHubMix: what a full replace sends', () => {
  const read = (raw: Record<string, unknown>) => ({ token: token(raw), raw });
  it('every field read, the edits over it, numbers normalised; a masked key is not sent back', () => {
    const raw = { ...token({ key: 'AbCd****ijkl' }), expired_time: '1800000000', group: 'vip' } as Record<
      string,
      unknown
    >;
    const body = replaceBody(
      { name: 'renamed' },
      { token: token({ key: 'AbCd****ijkl', expired_time: 1_800_000_000 }), raw },
    );
    assert.equal(body.name, 'renamed');
    assert.equal(body.expired_time, 1_800_000_000);
    assert.equal(body.group, 'vip');
    assert.equal(body.id, 7);
    assert.equal('key' in body, false);
    assert.equal(replaceBody({}, read({ ...token() })).key, KEY48, 'a full key read is sent back as it was');
  });
  it('quota and expiry edits; unlimited writes -1', () => {
    const body = replaceBody({ quotaUsd: 'unlimited', expiresAt: null }, read({ ...token() }));
    assert.deepEqual([body.unlimited_quota, body.remain_quota, body.expired_time], [true, -1, -1]);
    const b2 = replaceBody({ quotaUsd: '1', expiresAt: '2026-05-01T00:00:00Z' }, read({ ...token() }), 'G');
    assert.deepEqual(
      [b2.unlimited_quota, b2.remain_quota, b2.expired_time],
      [false, 500_000, Date.parse('2026-05-01T00:00:00Z') / 1000],
    );
    assert.throws(
      () => replaceBody({ quotaUsd: 'x' }, read({ ...token() }), 'G'),
      (e: unknown) => e instanceof GatewayError && e.operation === 'update key',
    );
  });
  it('lists in the names the read used: one-api, new-api, or both when the read had both', () => {
    const one = replaceBody({ modelsAllowed: ['a'], allowedIps: ['1.1.1.1'] }, read({ ...token() }));
    assert.deepEqual([one.models, one.subnet, 'model_limits' in one], ['a', '1.1.1.1', false]);
    const nw = {
      ...token(),
      models: undefined,
      subnet: undefined,
      model_limits: 'x',
      model_limits_enabled: true,
      allow_ips: '',
    } as Record<string, unknown>;
    delete nw.models;
    delete nw.subnet;
    const n = replaceBody({ modelsAllowed: ['a', 'b'], allowedIps: ['1.1.1.1', '2.2.2.2'] }, read(nw));
    assert.deepEqual(
      [n.model_limits, n.model_limits_enabled, n.allow_ips, 'models' in n, 'subnet' in n],
      ['a,b', true, '1.1.1.1\n2.2.2.2', false, false],
    );
    const both = replaceBody({ modelsAllowed: [] }, read({ ...token(), model_limits: 'x' }));
    assert.deepEqual([both.models, both.model_limits, both.model_limits_enabled], ['', '', false]);
    const untouched = replaceBody({ name: 'n' }, read({ ...token() }));
    assert.equal(untouched.models, 'gpt-4o,claude-3', 'a list not edited is sent as read');
  });
});

describe('AIHubMix mapping: units, expiry and lists at their edges', () => {
  it('quota units as USD: exact decimals, negatives, and past safe integers', () => {
    const rows: ReadonlyArray<readonly [number, string]> = [
      [0, '0'],
      [1, '0.000002'],
      [250_000, '0.5'],
      [500_000, '1'],
      [512_345, '1.02469'],
      [-1, '-0.000002'],
      [-500_000, '-1'],
      [2 ** 53, '18014398509.481984'],
    ];
    for (const [units, usd] of rows)
      assert.deepEqual(unitsToUsd(units), { amount: usd, currency: 'USD' }, String(units));
  });

  it('an expiry of 0 is never, as -1 is; a masked key keeps an inner "sk-"', () => {
    assert.equal(mapToken(token({ expired_time: 0 }), NOW).status, 'active');
    assert.equal(mapToken(token({ expired_time: 0 }), NOW).expiresAt, null);
    assert.equal(mapToken(token({ key: 'ab*sk-cd' }), NOW).maskedKey, 'sk-ab*sk-cd');
    assert.equal(mapToken(token({ key: 'sk-ab**cd' }), NOW).maskedKey, 'sk-ab**cd');
    // a short key or one with a trailing space is masked by the general rule (never more than it has)
    assert.equal(mapToken(token({ key: 'abcdefgh' }), NOW).maskedKey, 'sk…gh');
    assert.equal(mapToken(token({ key: 'abcdefghijklmn ' }), NOW).maskedKey, 'sk-abcd…klmn');
  });

  it("new-api's model and IP lists: used when one-api's are empty", () => {
    const empty = { models: '', subnet: '' };
    assert.deepEqual(
      mapToken(token({ ...empty, model_limits_enabled: true, model_limits: 'a,b' }), NOW).modelsAllowed,
      ['a', 'b'],
    );
    assert.deepEqual(
      mapToken(token({ ...empty, model_limits_enabled: false, model_limits: 'a,b' }), NOW).modelsAllowed,
      [],
    );
    assert.deepEqual(mapToken(token({ ...empty, model_limits_enabled: true }), NOW).modelsAllowed, []);
    assert.deepEqual(mapToken(token({ ...empty, allow_ips: '1.1.1.1\n2.2.2.2' }), NOW).allowedIps, [
      '1.1.1.1',
      '2.2.2.2',
    ]);
    assert.deepEqual(
      mapToken(token({ models: 'x', model_limits_enabled: true, model_limits: 'a' }), NOW).modelsAllowed,
      ['x'],
    );
    assert.deepEqual(mapToken(token({ subnet: '3.3.3.3', allow_ips: '1.1.1.1' }), NOW).allowedIps, ['3.3.3.3']);
  });
});

describe('AIHubMix mapping: a usage log row', () => {
  const log = (over: Partial<Log> = {}): Log => ({
    id: 9,
    created_at: SEC,
    quota: 500_000,
    prompt_tokens: 10,
    completion_tokens: 20,
    ...over,
  });
  it('every field, and what is absent stays absent', () => {
    assert.deepEqual(mapLog(log()), {
      id: '9',
      at: new Date(SEC * 1000).toISOString(),
      promptTokens: 10,
      completionTokens: 20,
      cost: { amount: '1', currency: 'USD' },
    });
    assert.deepEqual(
      mapLog(
        log({
          token_name: 'ci',
          model_name: 'gpt-4o',
          elapsed_time: 1500,
          use_time: 9,
          is_stream: false,
          content: 'ratio 1',
          other: JSON.stringify({ cache_tokens: 3, cache_creation_tokens: 4 }),
        }),
      ),
      {
        id: '9',
        at: new Date(SEC * 1000).toISOString(),
        keyName: 'ci',
        model: 'gpt-4o',
        promptTokens: 10,
        completionTokens: 20,
        cachedTokens: 3,
        cacheWriteTokens: 4,
        cost: { amount: '1', currency: 'USD' },
        elapsedMs: 1500,
        isStream: false,
        content: 'ratio 1',
      },
    );
  });
  it("new-api's use_time is seconds; a zero or negative time is the epoch", () => {
    assert.equal(mapLog(log({ use_time: 2 })).elapsedMs, 2000);
    assert.equal(mapLog(log({ use_time: 0 })).elapsedMs, 0);
    assert.equal(mapLog(log({ created_at: 0 })).at, '1970-01-01T00:00:00.000Z');
    assert.equal(mapLog(log({ created_at: -2 })).at, '1969-12-31T23:59:58.000Z');
    assert.equal('isStream' in mapLog(log({ is_stream: null })), false);
  });
});

describe('AIHubMix mapping: the public catalogue', () => {
  const model = { model_id: 'gpt-4o', types: ['LLM'], features: ['Tools'], input_modalities: [] as string[] };
  it('prices per 1M from per 1K (numbers or text); empty, null and absent prices are no price', () => {
    const m = catalogueById([
      { ...model, pricing: { input: 0.0025, output: '0.01', cache_read: 0.00125, cache_write: '0.003' } },
    ]).get('gpt-4o');
    assert.deepEqual(m?.price, {
      inputPerMTok: { amount: '2.5', currency: 'USD' },
      outputPerMTok: { amount: '10', currency: 'USD' },
      cacheReadPerMTok: { amount: '1.25', currency: 'USD' },
      cacheWritePerMTok: { amount: '3', currency: 'USD' },
    });
    for (const pricing of [undefined, null, { input: '', output: null }])
      assert.equal('price' in catalogueById([{ ...model, pricing }]).get('gpt-4o')!, false, JSON.stringify(pricing));
  });
  it('types, features and modalities in lower case; context, max output and description when given', () => {
    assert.deepEqual(
      catalogueById([
        {
          ...model,
          types: ['LLM', 'Embedding'],
          features: ['Tools', 'VISION'],
          input_modalities: ['Text', 'IMAGE'],
          context_length: 128_000,
          max_output: 16_384,
          desc: 'Omni',
        },
      ]).get('gpt-4o'),
      {
        id: 'gpt-4o',
        vendor: 'OpenAI',
        contextLength: 128_000,
        maxOutput: 16_384,
        types: ['llm', 'embedding'],
        features: ['tools', 'vision'],
        inputModalities: ['text', 'image'],
        description: 'Omni',
      },
    );
    const bare = catalogueById([{ ...model, context_length: 0, max_output: null, desc: '' }]).get('gpt-4o');
    assert.deepEqual(bare, { id: 'gpt-4o', vendor: 'OpenAI', types: ['llm'], features: ['tools'] });
  });
});
