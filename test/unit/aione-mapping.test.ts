/**
 * The AIone adapter as tables: what a KeyResponse maps to (status, expiry, secret, every field), what a create
 * or an update sends (and never sends), and what each call puts on the wire and returns — through a scripted
 * transport, so the assertions are on the adapter's own requests and results, not on what a server stored.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KeyInput } from '../../src/core/types';
import { AioneGateway } from '../../src/gateway/aione/adapter';
import { AIONE_CAPABILITIES } from '../../src/gateway/aione/capabilities';
import {
  aioneKeyBody,
  mapAccount,
  mapAioneKey,
  mapDashboard,
  mapInvoice,
  mapModel,
  mapUsageRow,
} from '../../src/gateway/aione/mapping';
import { modelInfoSchema, type KeyResponse } from '../../src/gateway/aione/schemas';
import { GatewayError } from '../../src/gateway/errors';
import { vendorOf } from '../../src/gateway/vendors';
import { scripted, type Script } from './scripted';
import { rejectionOf as fails } from './gateway-error-fixtures';

const NOW = Date.parse('2026-04-01T12:00:00.000Z');
const SECRET = 'sk-nex-AbCdEfGh0123456789ijklMNOP';
const KEYS = '/api/v1/gateway/keys';

const wireKey = (over: Partial<KeyResponse> = {}): KeyResponse => ({
  id: 'k-1',
  org_id: 'org',
  team_id: 'team-a',
  name: 'ci',
  key: null,
  key_prefix: 'sk-nex-AbCd',
  models_allowed: ['gpt-4o'],
  rpm_limit: 60,
  tpm_limit: 10000,
  is_sandbox: false,
  allowed_ips: ['10.0.0.0/8'],
  expires_at: '2026-05-01T00:00:00Z',
  rotate_grace_until: null,
  status: 'active',
  created_at: '2026-01-01T00:00:00Z',
  last_used_at: '2026-03-31T00:00:00Z',
  ...over,
});

function gateway(script: Script, token: string | undefined = 'agc-admin-token') {
  const s = scripted(script);
  const gw = new AioneGateway(
    { kind: 'aione', baseUrl: 'https://gw.test/', label: 'AIone (T)', getToken: () => Promise.resolve(token) },
    s.http,
    () => NOW,
  );
  return { gw, s };
}

describe('AIone mapping: a KeyResponse as an ApiKey', () => {
  it('maps every field, keeping the raw status', () => {
    assert.deepEqual(mapAioneKey(wireKey(), NOW), {
      id: 'k-1',
      name: 'ci',
      maskedKey: 'sk-nex-AbCd…',
      status: 'active',
      rawStatus: 'active',
      modelsAllowed: ['gpt-4o'],
      allowedIps: ['10.0.0.0/8'],
      rpmLimit: 60,
      tpmLimit: 10000,
      expiresAt: '2026-05-01T00:00:00Z',
      createdAt: '2026-01-01T00:00:00Z',
      lastUsedAt: '2026-03-31T00:00:00Z',
      teamId: 'team-a',
      isSandbox: false,
      rotateGraceUntil: null,
    });
    const bare = mapAioneKey(
      wireKey({
        models_allowed: null,
        allowed_ips: null,
        rpm_limit: null,
        tpm_limit: null,
        team_id: null,
        is_sandbox: true,
        last_used_at: undefined,
        expires_at: null,
        rotate_grace_until: '2026-04-02T00:00:00Z',
      }),
      NOW,
    );
    assert.deepEqual(
      [
        bare.modelsAllowed,
        bare.allowedIps,
        bare.rpmLimit,
        bare.tpmLimit,
        bare.teamId,
        bare.isSandbox,
        bare.lastUsedAt,
        bare.expiresAt,
        bare.rotateGraceUntil,
      ],
      [[], [], null, null, null, true, undefined, null, '2026-04-02T00:00:00Z'],
    );
    // absent is "not reported" (the tooltip says so), not "never used"
    assert.ok(!('lastUsedAt' in bare));
    assert.equal(
      mapAioneKey(wireKey({ last_used_at: null }), NOW).lastUsedAt,
      null,
      'null from the gateway: never used',
    );
  });

  it('status words, any case; unknown ones are "unknown"', () => {
    const table: Array<[string, string]> = [
      ['active', 'active'],
      ['ACTIVE', 'active'],
      ['enabled', 'active'],
      ['disabled', 'disabled'],
      ['Inactive', 'disabled'],
      ['revoked', 'disabled'],
      ['paused', 'disabled'],
      ['expired', 'expired'],
      ['exhausted', 'exhausted'],
      ['archived', 'unknown'],
      ['', 'unknown'],
    ];
    for (const [raw, status] of table) {
      const k = mapAioneKey(wireKey({ status: raw, expires_at: null }), NOW);
      assert.equal(k.status, status, raw);
      assert.equal(k.rawStatus, raw);
    }
  });

  it('an active key whose expiry has come is expired; a future expiry or none stays active; other states keep theirs', () => {
    const at = (ms: number) => new Date(ms).toISOString();
    assert.equal(mapAioneKey(wireKey({ expires_at: at(NOW - 1) }), NOW).status, 'expired');
    assert.equal(mapAioneKey(wireKey({ expires_at: at(NOW) }), NOW).status, 'expired', 'expiring now is expired');
    assert.equal(mapAioneKey(wireKey({ expires_at: at(NOW + 1) }), NOW).status, 'active');
    assert.equal(mapAioneKey(wireKey({ expires_at: null }), NOW).status, 'active');
    assert.equal(mapAioneKey(wireKey({ expires_at: '' }), NOW).status, 'active');
    assert.equal(mapAioneKey(wireKey({ status: 'disabled', expires_at: at(NOW - 1) }), NOW).status, 'disabled');
    assert.equal(mapAioneKey(wireKey({ status: 'exhausted', expires_at: at(NOW - 1) }), NOW).status, 'exhausted');
    assert.equal(
      mapAioneKey(wireKey({ expires_at: at(NOW + 1) }), NOW + 2).status,
      'expired',
      'the clock passed in decides',
    );
  });

  it('a full secret is kept and masked for display; a masked or short key is never taken for a secret', () => {
    const full = mapAioneKey(wireKey({ key: SECRET }), NOW);
    assert.equal(full.secret, SECRET);
    assert.equal(full.maskedKey, 'sk-nex-AbCd…MNOP');
    const table: Array<[string | null, string | null, string]> = [
      ['sk-nex-AbCd****MNOP-padding-long', 'sk-nex-AbCd', 'sk-nex-AbCd****MNOP-padding-long'],
      ['sk-nex-AbCd…MNOP', 'sk-nex-AbCd', 'sk-nex-AbCd…MNOP'],
      ['sk-nex-AbCd...MNOP-padding-long', 'sk-nex-AbCd', 'sk-nex-AbCd...MNOP-padding-long'],
      ['sk-nex-short', 'sk-nex-AbCd', 'sk-nex-short'],
      ['sk-n', 'sk-nex-AbCd', 'sk-nex-AbCd…'],
      [null, 'sk-nex-Zz', 'sk-nex-Zz…'],
      [null, null, 'sk-nex-…'],
      ['', null, 'sk-nex-…'],
    ];
    for (const [key, prefix, masked] of table) {
      const k = mapAioneKey(wireKey({ key, key_prefix: prefix }), NOW);
      assert.equal(k.secret, undefined, String(key));
      assert.equal('secret' in k, false);
      assert.equal(k.maskedKey, masked, String(key));
    }
    assert.equal(
      mapAioneKey(wireKey({ key: 'x'.repeat(19) }), NOW).secret,
      undefined,
      '19 characters is too short for a secret',
    );
    assert.equal(mapAioneKey(wireKey({ key: 'x'.repeat(20) }), NOW).secret, 'x'.repeat(20));
  });
});

describe('AIone mapping: what a create or an update sends', () => {
  const input: KeyInput = {
    name: 'ci',
    modelsAllowed: ['gpt-4o'],
    allowedIps: ['10.0.0.1'],
    rpmLimit: 60,
    tpmLimit: 1000,
    teamId: 'team-a',
    isSandbox: true,
    expiresAt: '2026-06-01T00:00:00Z',
  };

  it('create: every given field under its wire name, copies of the lists', () => {
    const body = aioneKeyBody(input, 'create');
    assert.deepEqual(body, {
      name: 'ci',
      models_allowed: ['gpt-4o'],
      allowed_ips: ['10.0.0.1'],
      rpm_limit: 60,
      tpm_limit: 1000,
      team_id: 'team-a',
      is_sandbox: true,
      expires_at: '2026-06-01T00:00:00Z',
    });
    assert.notEqual(body.models_allowed, input.modelsAllowed);
    assert.notEqual(body.allowed_ips, input.allowedIps);
  });

  it('update: never the create-only fields (team, sandbox, expiry)', () => {
    assert.deepEqual(aioneKeyBody(input, 'update'), {
      name: 'ci',
      models_allowed: ['gpt-4o'],
      allowed_ips: ['10.0.0.1'],
      rpm_limit: 60,
      tpm_limit: 1000,
    });
  });

  it('only the fields given; a limit of null means no limit; a null team or expiry is left out', () => {
    assert.deepEqual(aioneKeyBody({}, 'create'), {});
    assert.deepEqual(
      aioneKeyBody({ rpmLimit: null, tpmLimit: null, teamId: null, expiresAt: null, isSandbox: false }, 'create'),
      { rpm_limit: null, tpm_limit: null, is_sandbox: false },
    );
    assert.deepEqual(aioneKeyBody({ modelsAllowed: [], allowedIps: [] }, 'update'), {
      models_allowed: [],
      allowed_ips: [],
    });
  });

  it('a limit that is not a whole number, or a bad expiry, is refused naming the field and the operation', () => {
    const table: Array<[KeyInput, 'create' | 'update', string, string]> = [
      [{ rpmLimit: Number.NaN }, 'create', 'rpm_limit', 'create key'],
      [{ tpmLimit: -1 }, 'update', 'tpm_limit', 'update key'],
      [{ rpmLimit: 1.5 }, 'update', 'rpm_limit', 'update key'],
      [{ expiresAt: 'soon' }, 'create', 'expires_at', 'create key'],
    ];
    for (const [bad, mode, field, operation] of table) {
      assert.throws(
        () => aioneKeyBody(bad, mode, 'AIone (T)'),
        (e: unknown) =>
          e instanceof GatewayError &&
          e.kind === 'validation' &&
          e.fieldErrors[0]?.field === field &&
          e.operation === operation &&
          e.gateway === 'AIone (T)',
        `${field} ${mode}`,
      );
    }
    assert.doesNotThrow(
      () => aioneKeyBody({ expiresAt: 'soon' }, 'update'),
      'an update sends no expiry, so none is checked',
    );
  });
});

describe('AIone adapter: requests and results', () => {
  it('declares what AIone can do', () => {
    assert.equal(AIONE_CAPABILITIES.serverSideRotate, true);
    assert.equal(AIONE_CAPABILITIES.keyQuota, false);
    assert.equal(AIONE_CAPABILITIES.fullReplaceUpdate, false);
    assert.equal(AIONE_CAPABILITIES.currency, 'CNY');
    assert.equal(AIONE_CAPABILITIES.maxUsageRangeDays, 92);
    assert.deepEqual(AIONE_CAPABILITIES.editableFields, [
      'name',
      'modelsAllowed',
      'allowedIps',
      'rpmLimit',
      'tpmLimit',
    ]);
  });

  it('every management call carries the admin token as a Bearer header; without a token nothing is sent', async () => {
    const { gw, s } = gateway({ [`GET ${KEYS}`]: { json: { items: [], total: 0 } } });
    await gw.listKeys({ page: 0, pageSize: 5 });
    assert.equal(s.sent[0]?.headers?.authorization, 'Bearer agc-admin-token');
    assert.equal(s.sent[0]?.url.startsWith('https://gw.test/api/'), true, 'the base URL without its trailing slash');
    const none = gateway({ [`GET ${KEYS}`]: { json: { items: [] } } }, '');
    const e = await fails(none.gw.listKeys({ page: 0, pageSize: 5 }));
    assert.equal(e.kind, 'auth');
    assert.equal(e.message, 'No admin token is stored for this connection');
    assert.equal(e.operation, 'list keys');
    assert.equal(none.s.sent.length, 0);
  });

  it('lists a page: 1-based page and page_size on the wire; hasMore from the total, else from a full page', async () => {
    const page = (items: number, total?: number) => ({
      json: {
        items: Array.from({ length: items }, (_, i) => wireKey({ id: `k${i}` })),
        ...(total === undefined ? {} : { total }),
      },
    });
    const cases: Array<[number, number, ReturnType<typeof page>, boolean, number | undefined]> = [
      [0, 2, page(2, 5), true, 5],
      [1, 2, page(2, 4), false, 4], // (1+1)*2 = 4 = total: the last page
      [2, 2, page(1, 5), false, 5],
      [0, 2, page(2), true, undefined], // no total: a full page may have more
      [0, 3, page(2), false, undefined],
      [0, 2, page(2, undefined), true, undefined],
    ];
    for (const [p, size, reply, hasMore, total] of cases) {
      const { gw, s } = gateway({ [`GET ${KEYS}`]: reply });
      const res = await gw.listKeys({ page: p, pageSize: size });
      assert.equal(s.sent[0]?.search.get('page'), String(p + 1));
      assert.equal(s.sent[0]?.search.get('page_size'), String(size));
      assert.equal(s.sent[0]?.method, 'GET');
      assert.equal(s.sent[0]?.operation, 'list keys');
      assert.equal(res.hasMore, hasMore, `page ${p} size ${size}`);
      assert.equal(res.total, total);
      assert.equal('total' in res, total !== undefined);
    }
    const nullTotal = gateway({ [`GET ${KEYS}`]: { json: { items: [], total: null } } });
    assert.equal('total' in (await nullTotal.gw.listKeys({ page: 0, pageSize: 5 })), false);
  });

  it('maps the listed keys with its clock (an expiry before now is expired)', async () => {
    const { gw } = gateway({
      [`GET ${KEYS}`]: { json: { items: [wireKey({ expires_at: '2026-04-01T11:59:59Z' }), wireKey({ id: 'k2' })] } },
    });
    const res = await gw.listKeys({ page: 0, pageSize: 10 });
    assert.deepEqual(
      res.items.map((k) => [k.id, k.status]),
      [
        ['k-1', 'expired'],
        ['k2', 'active'],
      ],
    );
  });

  it('a page or a size that is not a whole number in range never goes out', async () => {
    for (const [p, size, field] of [
      [-1, 5, 'page'],
      [0.5, 5, 'page'],
      [0, 0, 'page_size'],
      [0, Number.NaN, 'page_size'],
    ] as const) {
      const { gw, s } = gateway({});
      const e = await fails(gw.listKeys({ page: p, pageSize: size }));
      assert.equal(e.kind, 'validation');
      assert.equal(e.fieldErrors[0]?.field, field);
      assert.equal(e.operation, 'list keys');
      assert.equal(s.sent.length, 0);
    }
    const { gw, s } = gateway({ [`GET ${KEYS}`]: { json: { items: [] } } });
    await gw.listKeys({ page: 0, pageSize: 1 });
    assert.equal(s.sent.length, 1, 'size 1 is allowed');
  });

  it('whoAmI: a one-key list proves the token; the account adds a balance when there is one', async () => {
    const base: Script = { [`GET ${KEYS}`]: { json: { items: [] } } };
    const ok = gateway({ ...base, 'GET /api/v1/billing/account': { json: { balance_rmb: '12.50' } } });
    assert.deepEqual(await ok.gw.whoAmI(), { label: 'AIone (T)', balance: { amount: '12.5', currency: 'CNY' } });
    assert.equal(ok.s.sent[0]?.search.get('page'), '1');
    assert.equal(ok.s.sent[0]?.search.get('page_size'), '1');
    assert.equal(ok.s.sent[0]?.operation, 'check connection');
    for (const status of [404, 403]) {
      const { gw } = gateway({ ...base, 'GET /api/v1/billing/account': { status, json: { detail: 'no' } } });
      assert.deepEqual(await gw.whoAmI(), { label: 'AIone (T)' }, `account ${status}: connected, no balance`);
    }
    const odd = gateway({ ...base, 'GET /api/v1/billing/account': { json: { currency: 'CNY' } } });
    assert.deepEqual(await odd.gw.whoAmI(), { label: 'AIone (T)' }, 'an account without a balance is no balance');
    const down = gateway({ ...base, 'GET /api/v1/billing/account': { status: 500, text: 'boom' } });
    assert.equal((await fails(down.gw.whoAmI())).kind, 'server');
    const denied = gateway({ [`GET ${KEYS}`]: { status: 401, json: { detail: 'Invalid token' } } });
    const e = await fails(denied.gw.whoAmI());
    assert.equal(e.kind, 'auth');
    assert.equal(e.message, 'Invalid token');
    assert.equal(denied.s.sent.length, 1, 'no account call after a refused token');
  });

  it('search sends q and keeps only names that contain the word, in any case', async () => {
    const { gw, s } = gateway({
      [`GET ${KEYS}`]: {
        json: {
          items: [
            wireKey({ id: 'a', name: 'CI runner' }),
            wireKey({ id: 'b', name: 'prod' }),
            wireKey({ id: 'c', name: 'ci-2' }),
          ],
        },
      },
    });
    const found = await gw.searchKeys('Ci');
    assert.deepEqual(
      found.map((k) => k.id),
      ['a', 'c'],
    );
    assert.deepEqual(
      [s.sent[0]?.search.get('q'), s.sent[0]?.search.get('page'), s.sent[0]?.search.get('page_size')],
      ['Ci', '1', '100'],
    );
    assert.equal(s.sent[0]?.operation, 'search keys');
  });

  it('create: a name is required before anything is sent; the body is the create body; the result is the mapped key', async () => {
    const { gw, s } = gateway({ [`POST ${KEYS}`]: { status: 201, json: wireKey({ key: SECRET }) } });
    const e = await fails(gw.createKey({ name: '' }));
    assert.equal(e.kind, 'validation');
    assert.equal(e.message, 'a key needs a name');
    assert.deepEqual(e.fieldErrors, [{ field: 'name', message: 'required', input: 'name' }]);
    assert.equal(s.sent.length, 0);
    const k = await gw.createKey({ name: 'ci', teamId: 'team-a', expiresAt: '2026-05-01T00:00:00Z', rpmLimit: 60 });
    assert.deepEqual(s.sent[0]?.json, {
      name: 'ci',
      rpm_limit: 60,
      team_id: 'team-a',
      expires_at: '2026-05-01T00:00:00Z',
    });
    assert.equal(s.sent[0]?.operation, 'create key');
    assert.equal(k.secret, SECRET);
    assert.equal(k.expiresAt, '2026-05-01T00:00:00Z');
    assert.equal(k.teamId, 'team-a');
  });

  it('update, enable, disable, delete: the method, the path of the key (escaped), the operation, the body', async () => {
    const id = 'k 1/x';
    const path = `${KEYS}/${encodeURIComponent(id)}`;
    const { gw, s } = gateway({
      [`PUT ${path}`]: { json: wireKey({ id, name: 'renamed' }) },
      [`PUT ${path}/enable`]: { json: wireKey({ id }) },
      [`PUT ${path}/disable`]: { json: wireKey({ id, status: 'disabled' }) },
      [`DELETE ${path}`]: { status: 204 },
    });
    assert.equal((await gw.updateKey(id, { name: 'renamed', teamId: 'x', isSandbox: true })).name, 'renamed');
    assert.deepEqual(s.sent[0]?.json, { name: 'renamed' });
    assert.equal(s.sent[0]?.operation, 'update key');
    assert.equal((await gw.setKeyEnabled(id, true)).status, 'active');
    assert.equal(s.sent[1]?.operation, 'enable key');
    assert.equal(s.sent[1]?.json, undefined);
    assert.equal((await gw.setKeyEnabled(id, false)).status, 'disabled');
    assert.equal(s.sent[2]?.operation, 'disable key');
    assert.equal(await gw.deleteKey(id), undefined);
    assert.deepEqual(
      s.sent.map((r) => `${r.method} ${r.path}`),
      [`PUT ${path}`, `PUT ${path}/enable`, `PUT ${path}/disable`, `DELETE ${path}`],
    );
    assert.equal(s.sent[3]?.operation, 'delete key');
  });

  it('rotate: grace hours checked and sent; a whole KeyResponse answer is used as it is', async () => {
    const { gw, s } = gateway({
      [`PUT ${KEYS}/k-1/rotate`]: { json: wireKey({ key: SECRET, rotate_grace_until: '2026-04-02T12:00:00Z' }) },
    });
    const r = await gw.rotateKey('k-1', 24);
    assert.deepEqual(s.sent[0]?.json, { grace_hours: 24 });
    assert.equal(s.sent[0]?.operation, 'rotate key');
    assert.equal(r.secret, SECRET);
    assert.equal(r.key.secret, SECRET);
    assert.equal(r.graceUntil, '2026-04-02T12:00:00Z');
    assert.equal(s.sent.length, 1, 'no second read');
    const e = await fails(gw.rotateKey('k-1', -1));
    assert.equal(e.fieldErrors[0]?.field, 'grace_hours');
    assert.equal(e.operation, 'rotate key');
    assert.equal(s.sent.length, 1);
  });

  it('rotate: an answer with only the new secret is completed by reading the key (by the id it names); no grace is null', async () => {
    const { gw, s } = gateway({
      [`PUT ${KEYS}/k-1/rotate`]: { json: { id: 'k-9', key: SECRET } },
      [`GET ${KEYS}/k-9`]: { json: wireKey({ id: 'k-9' }) },
      [`GET ${KEYS}/k-1`]: { json: wireKey() },
    });
    const r = await gw.rotateKey('k-1', 0);
    assert.deepEqual(
      s.sent.map((x) => `${x.method} ${x.path}`),
      [`PUT ${KEYS}/k-1/rotate`, `GET ${KEYS}/k-9`],
    );
    assert.equal(r.key.id, 'k-9');
    assert.equal(r.key.secret, SECRET);
    assert.equal(r.graceUntil, null);
    s.script({ [`PUT ${KEYS}/k-1/rotate`]: { json: { key: SECRET } } });
    assert.equal((await gw.rotateKey('k-1', 1)).key.id, 'k-1', 'no id in the answer: the rotated key itself');
  });

  it('rotate: an answer whose key is masked carries no secret: a bad-response, never a masked "secret"', async () => {
    for (const key of ['sk-nex-AbCd****MNOP-long-enough', 'short']) {
      const { gw } = gateway({ [`PUT ${KEYS}/k-1/rotate`]: { json: { id: 'k-1', key } } });
      const e = await fails(gw.rotateKey('k-1', 1));
      assert.equal(e.kind, 'bad-response');
      assert.equal(e.message, 'the answer carried no new secret (the key field is masked)');
      assert.equal(e.path, 'key');
    }
  });

  it('reveal: the secret when the key shows it, else unsupported with the reason', async () => {
    const shown = gateway({ [`GET ${KEYS}/k-1`]: { json: wireKey({ key: SECRET }) } });
    assert.equal(await shown.gw.revealKey('k-1'), SECRET);
    const hidden = gateway({ [`GET ${KEYS}/k-1`]: { json: wireKey() } });
    const e = await fails(hidden.gw.revealKey('k-1'));
    assert.equal(e.kind, 'unsupported');
    assert.equal(e.message, 'AIone shows a key’s secret only when it is created or rotated');
    assert.equal(e.operation, 'reveal key');
  });
});

describe('AIone adapter: errors of the management API', () => {
  const failing = (reply: { status: number; json?: unknown; text?: string; headers?: Record<string, string> }) =>
    gateway({ [`POST ${KEYS}`]: reply }).gw.createKey({ name: 'n' });

  it('a FastAPI 422 lists every field, with the input step it belongs to', async () => {
    const e = await fails(
      failing({
        status: 422,
        json: {
          detail: [
            { loc: ['body', 'rpm_limit'], msg: 'must be ≥ 0', type: 'greater_than_equal' },
            { loc: ['body', 'allowed_ips', 1], msg: 'bad CIDR' },
            { loc: ['query', 'team_id'], msg: 'unknown team' },
            { loc: ['path', 'grace_hours'], msg: 'too long' },
            { loc: ['name'], msg: 'too long' },
            { loc: ['body', 'surprise'], msg: 'odd' },
            { loc: [], msg: 'whole body' },
          ],
        },
      }),
    );
    assert.equal(e.kind, 'validation');
    assert.equal(e.status, 422);
    assert.deepEqual(e.fieldErrors, [
      { field: 'body.rpm_limit', message: 'must be ≥ 0', type: 'greater_than_equal', input: 'rpmLimit' },
      { field: 'body.allowed_ips.1', message: 'bad CIDR', input: 'allowedIps' },
      { field: 'query.team_id', message: 'unknown team', input: 'teamId' },
      { field: 'path.grace_hours', message: 'too long', input: 'expiresAt' },
      { field: 'name', message: 'too long', input: 'name' },
      { field: 'body.surprise', message: 'odd' },
      { field: '', message: 'whole body' },
    ]);
    assert.equal(
      e.message,
      'body.rpm_limit: must be ≥ 0; body.allowed_ips.1: bad CIDR; query.team_id: unknown team; path.grace_hours: too long; name: too long; body.surprise: odd; : whole body',
    );
    assert.equal(e.gateway, 'AIone (T)');
    assert.equal(e.operation, 'create key');
  });

  it('every wire field of a key maps to its input step', async () => {
    const fields: Array<[string, string]> = [
      ['name', 'name'],
      ['models_allowed', 'modelsAllowed'],
      ['allowed_ips', 'allowedIps'],
      ['rpm_limit', 'rpmLimit'],
      ['tpm_limit', 'tpmLimit'],
      ['expires_at', 'expiresAt'],
      ['is_sandbox', 'isSandbox'],
      ['team_id', 'teamId'],
      ['grace_hours', 'expiresAt'],
    ];
    const e = await fails(
      failing({ status: 422, json: { detail: fields.map(([f]) => ({ loc: ['body', f], msg: 'x' })) } }),
    );
    assert.deepEqual(
      e.fieldErrors.map((x) => x.input),
      fields.map(([, i]) => i),
    );
  });

  it('an empty list says "Validation failed"; a string detail is the message; an object detail is shown as JSON (capped)', async () => {
    assert.equal((await fails(failing({ status: 422, json: { detail: [] } }))).message, 'Validation failed');
    const s = await fails(failing({ status: 409, json: { detail: 'Key name already exists' } }));
    assert.equal(s.kind, 'conflict');
    assert.equal(s.message, 'Key name already exists');
    const o = await fails(failing({ status: 400, json: { detail: { code: 'quota', why: 'x'.repeat(400) } } }));
    assert.equal(o.message, JSON.stringify({ code: 'quota', why: 'x'.repeat(400) }).slice(0, 300));
    assert.equal(o.message.length, 300);
  });

  it('a body that is not a FastAPI error is shown trimmed (300 characters at most); no body says the status', async () => {
    assert.equal((await fails(failing({ status: 502, text: '  Bad Gateway\n' }))).message, 'Bad Gateway');
    assert.equal((await fails(failing({ status: 500, text: 'y'.repeat(500) }))).message, `${'y'.repeat(299)}…`);
    assert.equal((await fails(failing({ status: 503, text: '   ' }))).message, 'HTTP 503');
    assert.equal((await fails(failing({ status: 404, json: { error: 'nope' } }))).message, '{"error":"nope"}');
  });

  it('kind by status, Retry-After in seconds', async () => {
    const table: Array<[number, string]> = [
      [401, 'auth'],
      [403, 'forbidden'],
      [404, 'not-found'],
      [409, 'conflict'],
      [429, 'rate-limited'],
      [400, 'validation'],
      [422, 'validation'],
      [500, 'server'],
      [503, 'server'],
      [302, 'bad-response'],
    ];
    for (const [status, kind] of table) {
      const e = await fails(failing({ status, json: { detail: 'x' } }));
      assert.equal(e.kind, kind, String(status));
      assert.equal(e.status, status);
    }
    assert.equal(
      (await fails(failing({ status: 429, json: { detail: 'slow' }, headers: { 'retry-after': ' 7 ' } }))).retryAfterMs,
      7000,
    );
    assert.equal(
      (await fails(failing({ status: 429, json: { detail: 'slow' }, headers: { 'retry-after': 'soon' } })))
        .retryAfterMs,
      undefined,
    );
    assert.equal(
      (await fails(failing({ status: 429, json: { detail: 'slow' }, headers: { 'retry-after': '1.5' } }))).retryAfterMs,
      1500,
    );
    assert.equal(
      (await fails(failing({ status: 429, json: { detail: 'slow' }, headers: { 'retry-after': '12abc' } })))
        .retryAfterMs,
      undefined,
    );
    assert.equal((await fails(failing({ status: 429, json: { detail: 'slow' } }))).retryAfterMs, undefined);
    const ok = gateway({ [`POST ${KEYS}`]: { status: 299, json: wireKey() } });
    assert.equal((await ok.gw.createKey({ name: 'n' })).id, 'k-1', 'every 2xx is a success');
    const redirect = gateway({ [`POST ${KEYS}`]: { status: 199, json: wireKey() } });
    assert.equal((await fails(redirect.gw.createKey({ name: 'n' }))).status, 199);
  });
});

describe('AIone adapter: models, usage, dashboard, billing', () => {
  it('models: the rich list (items or data), prices in the list’s currency, vendor, limits; nothing invented', async () => {
    const { gw } = gateway({
      'GET /api/v1/models': {
        json: {
          data: [
            {
              id: 'gpt-4o',
              name: 'GPT-4o',
              provider: 'openai',
              context_length: 128000,
              max_output: 16384,
              input_price: '2.5',
              output_price: 10,
              currency: 'usd',
              description: 'omni',
            },
            { id: 'deepseek-chat', owned_by: 'deepseek', input_price: '1' },
            { id: 'qwen-max', output_price: '3', currency: 'CNY' },
            { id: 'bare', name: '', description: '' },
          ],
        },
      },
    });
    const models = await gw.listModels();
    assert.deepEqual(models, [
      {
        id: 'gpt-4o',
        name: 'GPT-4o',
        vendor: 'OpenAI',
        contextLength: 128000,
        maxOutput: 16384,
        price: { inputPerMTok: { amount: '2.5', currency: 'USD' }, outputPerMTok: { amount: '10', currency: 'USD' } },
        description: 'omni',
      },
      { id: 'deepseek-chat', vendor: 'DeepSeek', price: { inputPerMTok: { amount: '1', currency: 'CNY' } } },
      { id: 'qwen-max', vendor: 'Alibaba', price: { outputPerMTok: { amount: '3', currency: 'CNY' } } },
      { id: 'bare', vendor: 'Other' },
    ]);
    assert.equal('price' in (models[3] ?? {}), false);
  });

  it('models: when the rich list is not there (404) or not that shape, the OpenAI list answers; other failures are the caller’s', async () => {
    for (const rich of [{ status: 404, json: { detail: 'Not Found' } }, { json: { models: [] } }]) {
      const { gw, s } = gateway({
        'GET /api/v1/models': rich,
        'GET /v1/models': { json: { data: [{ id: 'gpt-4o', owned_by: 'openai' }, { id: 'x-model' }] } },
      });
      const models = await gw.listModels();
      assert.deepEqual(
        models.map((m) => m.id),
        ['gpt-4o', 'x-model'],
      );
      assert.equal(models[0]?.vendor, 'OpenAI');
      assert.equal(s.sent[1]?.url, 'https://gw.test/v1/models');
      assert.equal(s.sent[1]?.headers?.authorization, 'Bearer agc-admin-token');
    }
    for (const [status, kind] of [
      [401, 'auth'],
      [500, 'server'],
    ] as const) {
      const { gw, s } = gateway({ 'GET /api/v1/models': { status, json: { detail: 'x' } } });
      assert.equal((await fails(gw.listModels())).kind, kind);
      assert.equal(s.sent.length, 1);
    }
  });

  it('teams come from the business dashboard’s ranking', async () => {
    const { gw, s } = gateway({
      'GET /api/v1/obs/dashboard': { json: { view_mode: 'business', tech: null, business: business() } },
    });
    assert.deepEqual(await gw.listTeams(), [
      { id: 't1', name: 'Alpha' },
      { id: 't2', name: 'Beta' },
    ]);
    assert.deepEqual([s.sent[0]?.search.get('range_days'), s.sent[0]?.search.get('view_mode')], ['365', 'business']);
    const none = gateway({ 'GET /api/v1/obs/dashboard': { json: { view_mode: 'tech', tech: tech() } } });
    assert.deepEqual(await none.gw.listTeams(), []);
  });

  it('usage: UTC days on the wire (the end exclusive), every filter, every field of a row', async () => {
    const { gw, s } = gateway({
      'GET /api/v1/obs/usage': {
        json: {
          items: [
            {
              date: '2026-03-01',
              hour: 'h',
              bucket: 'b',
              model: 'gpt-4o',
              key_id: 'k1',
              key_name: 'ci',
              team_id: 't1',
              requests: 3,
              prompt_tokens: 10,
              completion_tokens: 5,
              total_tokens: 16,
              cost_rmb: '0.30',
              errors: 1,
              avg_latency_ms: 120.5,
            },
            { hour: '2026-03-01T10:00:00Z', requests: 1, prompt_tokens: 2, completion_tokens: 3, cost_rmb: 0.1 },
            {
              date: '2026-03-02',
              requests: 0,
              prompt_tokens: 0,
              completion_tokens: 0,
              cost_rmb: '0',
              errors: 0,
              avg_latency_ms: 0,
            },
          ],
        },
      },
    });
    const rows = await gw.queryUsage({
      start: Date.parse('2026-03-01T00:00:00Z'),
      end: Date.parse('2026-03-03T00:00:00Z'),
      groupBy: 'day',
      keyId: 'k1',
      teamId: 't1',
      model: 'gpt-4o',
    });
    const q = s.sent[0]?.search;
    assert.deepEqual(
      [
        q?.get('start_date'),
        q?.get('end_date'),
        q?.get('group_by'),
        q?.get('key_id'),
        q?.get('team_id'),
        q?.get('model'),
      ],
      ['2026-03-01', '2026-03-02', 'day', 'k1', 't1', 'gpt-4o'],
    );
    assert.deepEqual(rows, [
      {
        bucket: 'b',
        model: 'gpt-4o',
        keyId: 'k1',
        keyName: 'ci',
        teamId: 't1',
        requests: 3,
        promptTokens: 10,
        completionTokens: 5,
        totalTokens: 16,
        cost: { amount: '0.3', currency: 'CNY' },
        errors: 1,
        avgLatencyMs: 120.5,
      },
      {
        bucket: '2026-03-01T10:00:00Z',
        requests: 1,
        promptTokens: 2,
        completionTokens: 3,
        totalTokens: 5,
        cost: { amount: '0.1', currency: 'CNY' },
      },
      {
        bucket: '2026-03-02',
        requests: 0,
        promptTokens: 0,
        completionTokens: 0,
        totalTokens: 0,
        cost: { amount: '0', currency: 'CNY' },
        errors: 0,
        avgLatencyMs: 0,
      },
    ]);
    const plain = gateway({ 'GET /api/v1/obs/usage': { json: [] } });
    await plain.gw.queryUsage({
      start: Date.parse('2026-03-01T23:30:00Z'),
      end: Date.parse('2026-03-02T00:00:00.001Z'),
      groupBy: 'hour',
    });
    assert.deepEqual(
      [plain.s.sent[0]?.search.get('start_date'), plain.s.sent[0]?.search.get('end_date')],
      ['2026-03-01', '2026-03-02'],
    );
    assert.equal(plain.s.sent[0]?.search.has('key_id'), false);
    const bad = gateway({});
    const e = await fails(bad.gw.queryUsage({ start: Number.NaN, end: 0, groupBy: 'day' }));
    assert.equal(e.fieldErrors[0]?.field, 'start_date');
    assert.equal(
      (await fails(bad.gw.queryUsage({ start: 0, end: Number.POSITIVE_INFINITY, groupBy: 'day' }))).fieldErrors[0]
        ?.field,
      'end_date',
    );
    assert.equal(bad.s.sent.length, 0);
  });

  it('dashboard: tech figures, else business ones; teams and the business block only when there is one', async () => {
    const both = gateway({
      'GET /api/v1/obs/dashboard': { json: { view_mode: 'tech', tech: tech(), business: business() } },
    });
    const d = await both.gw.getDashboard(7);
    assert.equal(both.s.sent[0]?.search.get('range_days'), '7');
    assert.deepEqual(d, {
      rangeDays: 7,
      totalRequests: 100,
      promptTokens: 600,
      completionTokens: 400,
      totalTokens: 1000,
      totalCost: { amount: '12.5', currency: 'CNY' },
      avgLatencyMs: 320,
      p99LatencyMs: 900,
      errorRatePct: '1.5',
      rpmUsagePct: '20',
      modelDistribution: [{ model: 'gpt-4o', requests: 100, tokens: 1000 }],
      dailyTrend: [{ date: '2026-03-01', requests: 100, tokens: 1000, cost: { amount: '12.5', currency: 'CNY' } }],
      teamCost: [
        { teamId: 't1', teamName: 'Alpha', cost: { amount: '8', currency: 'CNY' }, conversations: 40 },
        { teamId: 't2', teamName: 'Beta', cost: { amount: '4.5', currency: 'CNY' }, conversations: 2 },
      ],
      business: {
        totalCharsWan: 3.2,
        totalConversations: 42,
        budgetProgressPct: '55',
        capacityStatus: 'ok',
        serviceStatus: 'normal',
      },
    });
    const biz = gateway({
      'GET /api/v1/obs/dashboard': { json: { view_mode: 'business', tech: null, business: business() } },
    });
    const b = await biz.gw.getDashboard(30);
    assert.equal(b.totalRequests, 42, 'conversations stand for requests');
    assert.deepEqual(b.totalCost, { amount: '12.5', currency: 'CNY' });
    assert.deepEqual([b.promptTokens, b.completionTokens, b.totalTokens], [0, 0, 0]);
    assert.deepEqual(b.dailyTrend, [
      { date: '2026-02-01', requests: 1, tokens: 2, cost: { amount: '0.5', currency: 'CNY' } },
    ]);
    assert.deepEqual(b.modelDistribution, []);
    assert.equal('avgLatencyMs' in b, false);
    const onlyTech = gateway({
      'GET /api/v1/obs/dashboard': { json: { view_mode: 'tech', tech: { ...tech(), daily_trend: null } } },
    });
    const t = await onlyTech.gw.getDashboard(1);
    assert.equal('teamCost' in t, false);
    assert.equal('business' in t, false);
    assert.deepEqual(t.dailyTrend, []);
    for (const days of [0, 1.5]) {
      const bad = gateway({});
      const e = await fails(bad.gw.getDashboard(days));
      assert.equal(e.fieldErrors[0]?.field, 'range_days');
      assert.equal(e.operation, 'get dashboard');
      assert.equal(bad.s.sent.length, 0);
    }
  });

  it('plan: the name falls back to the tier, then the id; limits and period as null when absent', async () => {
    const full = gateway({
      'GET /api/v1/billing/plan': {
        json: {
          id: 7,
          name: 'Team',
          tier: 'pro',
          price_rmb: '99.00',
          billing_cycle: 'monthly',
          rpm_limit: 600,
          tpm_limit: 10,
          max_keys: 50,
          features: 'sso, audit',
          current_period_start: 'a',
          current_period_end: 'b',
          status: 'active',
        },
      },
    });
    assert.deepEqual(await full.gw.getPlan(), {
      id: '7',
      name: 'Team',
      tier: 'pro',
      price: { amount: '99', currency: 'CNY' },
      billingCycle: 'monthly',
      rpmLimit: 600,
      tpmLimit: 10,
      maxKeys: 50,
      features: ['sso', 'audit'],
      periodStart: 'a',
      periodEnd: 'b',
      status: 'active',
    });
    const tierOnly = gateway({ 'GET /api/v1/billing/plan': { json: { id: 'p1', tier: 'free' } } });
    assert.deepEqual(await tierOnly.gw.getPlan(), {
      id: 'p1',
      name: 'free',
      tier: 'free',
      rpmLimit: null,
      tpmLimit: null,
      maxKeys: null,
      features: [],
      periodStart: null,
      periodEnd: null,
    });
    const idOnly = gateway({ 'GET /api/v1/billing/plan': { json: { id: 'p2' } } });
    assert.equal((await idOnly.gw.getPlan()).name, 'p2');
  });

  it('billing account: balance_rmb, else balance; neither is a bad-response naming balance_rmb', async () => {
    const full = gateway({
      'GET /api/v1/billing/account': {
        json: {
          balance_rmb: '10',
          balance: '99',
          credit_limit_rmb: '500',
          monthly_budget_rmb: 200,
          auto_recharge: false,
          updated_at: 'u',
        },
      },
    });
    assert.deepEqual(await full.gw.getBillingAccount(), {
      balance: { amount: '10', currency: 'CNY' },
      creditLimit: { amount: '500', currency: 'CNY' },
      monthlyBudget: { amount: '200', currency: 'CNY' },
      autoRecharge: false,
      updatedAt: 'u',
    });
    const plain = gateway({ 'GET /api/v1/billing/account': { json: { balance: '3.5' } } });
    assert.deepEqual(await plain.gw.getBillingAccount(), {
      balance: { amount: '3.5', currency: 'CNY' },
      updatedAt: null,
    });
    const none = gateway({ 'GET /api/v1/billing/account': { json: {} } });
    const e = await fails(none.gw.getBillingAccount());
    assert.equal(e.kind, 'bad-response');
    assert.equal(e.path, 'balance_rmb');
  });

  it('invoices: 1-based page on the wire, hasMore from the total or a full page, defaults for what is absent', async () => {
    const full = gateway({
      'GET /api/v1/billing/invoices': {
        json: {
          items: [
            {
              id: 'i1',
              period: '2026-03',
              amount_rmb: '12.00',
              status: 'paid',
              issued_at: 'x',
              due_at: 'y',
              pdf_url: 'https://p',
            },
            { id: 2, month: '2026-02', amount: 3 },
          ],
          total: 4,
        },
      },
    });
    const r = await full.gw.listInvoices(0, 2);
    assert.deepEqual([full.s.sent[0]?.search.get('page'), full.s.sent[0]?.search.get('page_size')], ['1', '2']);
    assert.deepEqual(r, {
      items: [
        {
          id: 'i1',
          period: '2026-03',
          amount: { amount: '12', currency: 'CNY' },
          status: 'paid',
          issuedAt: 'x',
          dueAt: 'y',
          pdfUrl: 'https://p',
        },
        {
          id: '2',
          period: '2026-02',
          amount: { amount: '3', currency: 'CNY' },
          status: 'unknown',
          issuedAt: null,
          dueAt: null,
          pdfUrl: null,
        },
      ],
      total: 4,
      hasMore: true,
    });
    const last = gateway({ 'GET /api/v1/billing/invoices': { json: { items: [{ id: 'i', amount: '1' }], total: 3 } } });
    assert.equal((await last.gw.listInvoices(1, 2)).hasMore, false, '(1+1)*2 ≥ 3');
    const bare = gateway({
      'GET /api/v1/billing/invoices': {
        json: [
          { id: 'i', amount: '1' },
          { id: 'j', amount: '2' },
        ],
      },
    });
    const b = await bare.gw.listInvoices(0, 2);
    assert.equal(b.hasMore, true);
    assert.equal('total' in b, false);
    assert.equal((await bare.gw.listInvoices(0, 3)).hasMore, false);
    assert.equal((await fails(gateway({}).gw.listInvoices(-1, 2))).fieldErrors[0]?.field, 'page');
  });

  it('request logs and log stats are not offered, said as unsupported', async () => {
    const { gw, s } = gateway({});
    const logs = await fails(gw.listUsageLogs());
    assert.equal(logs.kind, 'unsupported');
    assert.equal(logs.message, 'AIone does not offer request logs');
    assert.equal(logs.operation, 'list usage logs');
    const stat = await fails(gw.getUsageStat());
    assert.equal(stat.message, 'AIone does not offer usage stats by log');
    assert.equal(stat.operation, 'get usage stat');
    assert.equal(s.sent.length, 0);
  });
});

function tech() {
  return {
    total_tokens: 1000,
    prompt_tokens: 600,
    completion_tokens: 400,
    total_requests: 100,
    total_cost_rmb: '12.50',
    avg_latency_ms: 320,
    p99_latency_ms: 900,
    error_rate_pct: '1.5',
    rpm_usage_pct: 20,
    model_distribution: [{ model: 'gpt-4o', requests: 100, tokens: 1000 }],
    daily_trend: [{ date: '2026-03-01', requests: 100, tokens: 1000, cost_rmb: '12.5' }],
  };
}

function business() {
  return {
    total_chars_wan: 3.2,
    total_conversations: 42,
    total_cost_rmb: '12.5',
    budget_progress_pct: '55',
    capacity_status: 'ok',
    service_status: 'normal',
    team_cost_ranking: [
      { team_id: 't1', team_name: 'Alpha', cost_rmb: '8', conversations: 40 },
      { team_id: 't2', team_name: 'Beta', cost_rmb: 4.5, conversations: 2 },
    ],
    daily_trend: [{ date: '2026-02-01', requests: 1, tokens: 2, cost_rmb: '0.5' }],
  };
}

describe('AIone mapping: a catalogue model, field by field', () => {
  const model = (wire: Record<string, unknown>) => mapModel(modelInfoSchema.parse(wire));

  it('only the id: its vendor, and nothing else made up', () => {
    assert.deepEqual(model({ id: 'gpt-4o' }), { id: 'gpt-4o', vendor: vendorOf('gpt-4o') });
  });

  it('prices in CNY unless the model says USD; the first price given of each kind', () => {
    const m = model({
      id: 'm',
      currency: 'usd',
      input_price: null,
      pricing: { input: '1.5', output: '6', cache_read: '0.1', cache_write: '0.2' },
      output_price: '2',
      cached_input_price: '0.3',
      cache_creation_price: '0.4',
    });
    assert.deepEqual(m.price, {
      inputPerMTok: { amount: '1.5', currency: 'USD' },
      outputPerMTok: { amount: '2', currency: 'USD' },
      cacheReadPerMTok: { amount: '0.3', currency: 'USD' },
      cacheWritePerMTok: { amount: '0.4', currency: 'USD' },
    });
    assert.deepEqual(model({ id: 'm', cache_read_price: '0.5', cache_write_price: '0.6', currency: 'EUR' }).price, {
      cacheReadPerMTok: { amount: '0.5', currency: 'CNY' },
      cacheWritePerMTok: { amount: '0.6', currency: 'CNY' },
    });
    assert.deepEqual(model({ id: 'm', input_price: '3' }).price, { inputPerMTok: { amount: '3', currency: 'CNY' } });
  });

  it('the first positive context and max output of their names', () => {
    const m = model({
      id: 'm',
      context_length: 0,
      context_window: 8000,
      max_context_tokens: 9000,
      max_output: 0,
      max_output_tokens: 512,
    });
    assert.equal(m.contextLength, 8000);
    assert.equal(m.maxOutput, 512);
    const n = model({ id: 'm', context_length: null, max_context_tokens: 7000, max_output: 100 });
    assert.equal(n.contextLength, 7000);
    assert.equal(n.maxOutput, 100);
    assert.equal('contextLength' in model({ id: 'm', context_length: 0 }), false);
  });

  it('types, features and modalities from the first name that has any, in lower case; aliases once, never the id', () => {
    const m = model({
      id: 'gpt-4o',
      types: [],
      type: ['Chat'],
      model_type: ['Embedding'],
      capabilities: ['Tools', 'JSON'],
      modalities: ['Text', 'Image'],
      aliases: ['4o', 'gpt-4o'],
      alias: ['4o', 'omni'],
      name: 'GPT-4o',
      description: 'Omni model',
    });
    assert.deepEqual(m, {
      id: 'gpt-4o',
      name: 'GPT-4o',
      vendor: vendorOf('gpt-4o'),
      types: ['chat'],
      features: ['tools', 'json'],
      inputModalities: ['text', 'image'],
      aliases: ['4o', 'omni'],
      description: 'Omni model',
    });
    assert.deepEqual(
      model({ id: 'x', features: ['Vision'], capabilities: ['Tools'], input_modalities: ['Audio'] }).features,
      ['vision'],
    );
  });

  it('the vendor from the provider, else the owner', () => {
    assert.equal(
      model({ id: 'my-model', provider: 'Meta', owned_by: 'Anthropic' }).vendor,
      vendorOf('my-model', 'Meta'),
    );
    assert.equal(model({ id: 'my-model', owned_by: 'Anthropic' }).vendor, vendorOf('my-model', 'Anthropic'));
    assert.notEqual(vendorOf('my-model', 'Meta'), vendorOf('my-model', 'Anthropic'));
  });
});

describe('AIone mapping: the refused key fields, and the mappers on their own', () => {
  it('a refused limit or expiry names its wire field, its input step and the rule, in the error and its field error', () => {
    const table: Array<[KeyInput, string, string, string, string]> = [
      [{ rpmLimit: -1 }, 'rpm_limit', 'rpmLimit', 'a whole number of 0 or more', '-1'],
      [{ tpmLimit: 2.5 }, 'tpm_limit', 'tpmLimit', 'a whole number of 0 or more', '2.5'],
      [{ expiresAt: 'soon' }, 'expires_at', 'expiresAt', 'an ISO-8601 date-time', '"soon"'],
    ];
    for (const [bad, field, input, rule, shown] of table) {
      const e = (() => {
        try {
          aioneKeyBody(bad, 'create', 'AIone (T)');
        } catch (x) {
          assert.ok(x instanceof GatewayError);
          return x;
        }
        return assert.fail(`${field} not refused`);
      })();
      assert.deepEqual(e.fieldErrors, [{ field, message: `must be ${rule}`, input }], field);
      assert.equal(e.message, `${field} must be ${rule} (got ${shown}); nothing was sent`);
      assert.equal(e.operation, 'create key');
    }
  });

  it('a usage row with no day at all (the schema refuses one) gets an empty bucket, not a made-up day', () => {
    const r = mapUsageRow({ requests: 1, prompt_tokens: 2, completion_tokens: 3, cost_rmb: '0.1' });
    assert.equal(r.bucket, '');
    assert.equal(r.totalTokens, 5);
  });

  it('a dashboard with neither block (the schema refuses one) is zero, not a failure', () => {
    assert.deepEqual(mapDashboard({ view_mode: 'tech', tech: null, business: null }, 7), {
      rangeDays: 7,
      totalRequests: 0,
      promptTokens: 0,
      completionTokens: 0,
      totalTokens: 0,
      totalCost: { amount: '0', currency: 'CNY' },
      modelDistribution: [],
      dailyTrend: [],
    });
  });

  it('an account without a balance maps to nothing; one with only `balance` to that balance', () => {
    assert.equal(mapAccount({ credit_limit_rmb: '5', auto_recharge: true }), undefined);
    assert.deepEqual(mapAccount({ balance: '0' }), { balance: { amount: '0', currency: 'CNY' }, updatedAt: null });
  });

  it('an invoice without a period or an amount (the schema refuses no amount): an empty period, 0 CNY', () => {
    assert.deepEqual(mapInvoice({ id: 'i' }), {
      id: 'i',
      period: '',
      amount: { amount: '0', currency: 'CNY' },
      status: 'unknown',
      issuedAt: null,
      dueAt: null,
      pdfUrl: null,
    });
  });

  it('an empty price is no price: the next name of that price is taken', () => {
    const m = mapModel({
      ...modelInfoSchema.parse({ id: 'm', pricing: { input: '2' } }),
      input_price: '',
      output_price: '',
    });
    assert.deepEqual(m.price, { inputPerMTok: { amount: '2', currency: 'CNY' } });
  });
});
