/**
 * Strict where the contract is documented: a server that answers `{}` (or `{success:true}` with no data, or
 * `data: {}`) on every path makes every call of both adapters fail with bad-response naming the missing field,
 * instead of a ¥0 balance and empty lists. And strict in what is sent: NaN, Infinity, negative or fractional
 * numbers are refused as validation errors before any request leaves.
 */
import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createGateway, type DisposableGateway } from '../../src/gateway/index';
import { GatewayError } from '../../src/gateway/errors';
import type { GatewayKind } from '../../src/core/types';
import { gatewayFor, rejectsWith, startSimulator, type Simulator } from './support';

interface FixedServer {
  url: string;
  body: string;
  hits: Array<{ method: string; path: string }>;
  close(): Promise<void>;
}

/** A server that answers every request with HTTP 200 and the same JSON body. */
async function fixedServer(): Promise<FixedServer> {
  const state: FixedServer = { url: '', body: '{}', hits: [], close: () => Promise.resolve() };
  const server: Server = createServer((req, res) => {
    state.hits.push({ method: req.method ?? '', path: (req.url ?? '').split('?')[0] ?? '' });
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(state.body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.close = () => new Promise((r) => server.close(() => r()));
  return state;
}

function gw(kind: GatewayKind, url: string): DisposableGateway {
  return createGateway(
    {
      kind,
      baseUrl: url,
      getToken: () => Promise.resolve('t0k3n-for-the-hostile-server-0123456789'),
      label: `${kind} (hostile)`,
    },
    { retry: { maxRetries: 0 } },
  );
}

async function badResponse(p: Promise<unknown>, path: string, what: string): Promise<void> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof GatewayError, `${what}: a GatewayError, got ${String(e)}`);
    assert.equal(e.kind, 'bad-response', `${what}: ${e.kind} ${e.message}`);
    assert.equal(e.path, path, `${what}: the field named (${e.message})`);
    assert.ok(e.message.includes(path), `${what}: the message names ${path}: ${e.message}`);
    return;
  }
  assert.fail(`${what}: resolved, expected bad-response at ${path}`);
}

const chatReq = { model: 'm', messages: [{ role: 'user' as const, content: 'hi' }] };

async function drain(it: AsyncIterable<unknown>): Promise<void> {
  for await (const _ of it) void _;
}

describe('a server answering {} on every path', () => {
  let srv: FixedServer;
  before(async () => {
    srv = await fixedServer();
  });
  after(() => srv.close());
  afterEach(() => {
    srv.body = '{}';
    srv.hits.length = 0;
  });

  it('AIone: every call fails naming the field; Test Connection does not pass with a ¥0 balance', async () => {
    const g = gw('aione', srv.url);
    const expect: Array<[string, () => Promise<unknown>, string]> = [
      ['whoAmI', () => g.whoAmI(), 'items'],
      ['listKeys', () => g.listKeys({ page: 0, pageSize: 20 }), 'items'],
      ['searchKeys', () => g.searchKeys('x'), 'items'],
      ['getKey', () => g.getKey('k1'), 'id'],
      ['createKey', () => g.createKey({ name: 'n' }), 'id'],
      ['updateKey', () => g.updateKey('k1', { name: 'n' }), 'id'],
      ['enable', () => g.setKeyEnabled('k1', true), 'id'],
      ['disable', () => g.setKeyEnabled('k1', false), 'id'],
      ['rotateKey', () => g.rotateKey('k1', 24), 'key'],
      ['listModels', () => g.listModels(), 'data'], // the rich list, then the OpenAI-style fallback: neither has a list
      ['listTeams', () => g.listTeams(), 'view_mode'],
      ['queryUsage', () => g.queryUsage({ start: Date.now() - 86_400_000, end: Date.now(), groupBy: 'day' }), 'items'],
      ['getDashboard', () => g.getDashboard(7), 'view_mode'],
      ['getPlan', () => g.getPlan(), 'id'],
      ['getBillingAccount', () => g.getBillingAccount(), 'balance_rmb'],
      ['listInvoices', () => g.listInvoices(0, 10), 'items'],
      ['chat', () => g.chat(chatReq, { apiKey: 'sk-x' }), 'choices'],
      ['streamChat', () => drain(g.streamChat(chatReq, { apiKey: 'sk-x' })), 'choices'],
    ];
    for (const [what, call, path] of expect) await badResponse(call(), path, what);
    await g.deleteKey('k1'); // any 2xx, body ignored (the contract's delete answer is a guess)
    await g.dispose();
  });

  it('AIone: an empty list is an explicit `items: []`, and a key lacking a documented field is refused', async () => {
    const g = gw('aione', srv.url);
    srv.body = JSON.stringify({ items: [], total: 0 });
    assert.deepEqual(await g.listKeys({ page: 0, pageSize: 20 }), { items: [], total: 0, hasMore: false });
    const key = {
      id: 'k1',
      org_id: 'o',
      team_id: null,
      name: 'n',
      key: null,
      key_prefix: 'sk-nex-ab',
      models_allowed: [],
      rpm_limit: null,
      tpm_limit: null,
      is_sandbox: false,
      allowed_ips: [],
      expires_at: null,
      rotate_grace_until: null,
      status: 'active',
      created_at: '2026-01-01T00:00:00Z',
    };
    srv.body = JSON.stringify({ items: [key] });
    assert.equal((await g.listKeys({ page: 0, pageSize: 20 })).items[0]?.name, 'n');
    const { allowed_ips: _ips, ...noIps } = key;
    void _ips;
    srv.body = JSON.stringify({ items: [noIps] });
    await badResponse(g.listKeys({ page: 0, pageSize: 20 }), 'items.0.allowed_ips', 'a key without allowed_ips');
    srv.body = JSON.stringify({ view_mode: 'tech', tech: null, business: null });
    await badResponse(g.getDashboard(7), 'tech', 'a dashboard with neither view');
    srv.body = JSON.stringify([{ id: 'inv1', period: '2026-01' }]);
    await badResponse(g.listInvoices(0, 10), '0.amount_rmb', 'an invoice without an amount');
    await g.dispose();
  });

  it('AIHubMix: {} is not an envelope; {success:true} without data and data:{} are refused naming the field', async () => {
    const g = gw('aihubmix', srv.url);
    const calls: Array<[string, () => Promise<unknown>]> = [
      ['whoAmI', () => g.whoAmI()],
      ['listKeys', () => g.listKeys({ page: 0, pageSize: 20 })],
      ['searchKeys', () => g.searchKeys('x')],
      ['getKey', () => g.getKey('7')],
      ['getBillingAccount', () => g.getBillingAccount()],
      [
        'listUsageLogs',
        () => g.listUsageLogs({ start: Date.now() - 86_400_000, end: Date.now(), page: 0, pageSize: 10 }),
      ],
      ['getUsageStat', () => g.getUsageStat({ start: Date.now() - 86_400_000, end: Date.now() })],
      ['listModels', () => g.listModels()],
      ['updateKey', () => g.updateKey('7', { name: 'n' })],
    ];
    srv.body = '{}';
    for (const [what, call] of calls) await badResponse(call(), 'success', `${what} on {}`);
    srv.body = JSON.stringify({ success: true, message: '' });
    for (const [what, call] of [
      ...calls,
      ['setKeyEnabled', () => g.setKeyEnabled('7', false)] as [string, () => Promise<unknown>],
    ]) {
      await badResponse(call(), 'data', `${what} on {success:true}`);
    }
    srv.body = JSON.stringify({ success: true, message: '', data: {} });
    const dataObj: Array<[string, () => Promise<unknown>, string]> = [
      ['whoAmI', () => g.whoAmI(), 'data.id'],
      ['getBillingAccount', () => g.getBillingAccount(), 'data.id'],
      ['listKeys', () => g.listKeys({ page: 0, pageSize: 20 }), 'data.id'],
      ['getKey', () => g.getKey('7'), 'data.id'],
      ['createKey', () => g.createKey({ name: 'n' }), 'data.id'],
      [
        'listUsageLogs',
        () => g.listUsageLogs({ start: Date.now() - 86_400_000, end: Date.now(), page: 0, pageSize: 10 }),
        'data.items',
      ],
      ['getUsageStat', () => g.getUsageStat({ start: Date.now() - 86_400_000, end: Date.now() }), 'data.quota'],
      ['listModels', () => g.listModels(), 'data'],
    ];
    for (const [what, call, path] of dataObj) await badResponse(call(), path, `${what} on data:{}`);
    await g.dispose();
  });

  it('AIHubMix: an empty key list is an explicit [] (or items: []); a balance is never made up', async () => {
    const g = gw('aihubmix', srv.url);
    srv.body = JSON.stringify({ success: true, data: [] });
    assert.deepEqual((await g.listKeys({ page: 0, pageSize: 20 })).items, []);
    srv.body = JSON.stringify({ success: true, data: { page: 1, page_size: 20, total: 0, items: [] } });
    assert.deepEqual((await g.listKeys({ page: 0, pageSize: 20 })).items, []);
    srv.body = JSON.stringify({ success: true, data: { id: 3, username: 'u' } });
    await badResponse(g.getBillingAccount(), 'data.quota', 'user self without quota');
    await badResponse(g.whoAmI(), 'data.quota', 'check connection without quota');
    await g.dispose();
  });
});

describe('auth failures are not hidden behind the public model catalogue', () => {
  let sim: Simulator;
  before(async () => {
    sim = await startSimulator({ seed: 5, keyCount: 12, streamTokensPerSecond: 0 });
  });
  after(() => sim.close());

  it('a wrong token lists no models: the auth error comes through (HTTP 200 "access token 无效")', async () => {
    const bad = gatewayFor(sim, 'aihubmix', { token: 'f'.repeat(32) });
    const e = await rejectsWith(bad.listModels(), 'auth');
    assert.match(e.message, /access token/);
    await bad.dispose();
  });

  it('no Authorization at all (HTTP 401) is auth too; a busy server is reported, not replaced by the catalogue', async () => {
    const none = gatewayFor(sim, 'aihubmix', { rawAuthHeader: true, token: ' ' });
    await rejectsWith(none.listModels(), 'auth');
    await none.dispose();
    const g = gatewayFor(sim, 'aihubmix', { transport: { retry: { maxRetries: 0 } } });
    sim.faults.add({ gateway: 'aihubmix', path: '/api/user/available_models', fault: { kind: 'status', status: 503 } });
    await rejectsWith(g.listModels(), 'server');
    // a gateway without the per-account route falls back to the catalogue
    sim.faults.add({
      gateway: 'aihubmix',
      path: '/api/user/available_models',
      fault: { kind: 'status', status: 404, body: { success: false, message: 'Not Found' } },
    });
    assert.ok((await g.listModels()).length >= 30);
    await g.dispose();
  });
});

describe('strict in what is sent: numbers the API cannot take never reach the wire', () => {
  let sim: Simulator;
  let aione: DisposableGateway;
  let hub: DisposableGateway;
  before(async () => {
    sim = await startSimulator({ seed: 6, keyCount: 12, streamTokensPerSecond: 0 });
    aione = gatewayFor(sim, 'aione');
    hub = gatewayFor(sim, 'aihubmix');
  });
  after(async () => {
    await aione.dispose();
    await hub.dispose();
    await sim.close();
  });

  async function refused(p: Promise<unknown>, field: string, input?: string): Promise<void> {
    const before = sim.requests.length;
    const e = await rejectsWith(p, 'validation');
    assert.equal(e.fieldErrors[0]?.field, field, e.message);
    if (input) assert.equal(e.fieldErrors[0]?.input, input, e.message);
    assert.match(e.message, /nothing was sent|not an AIHubMix key id/);
    assert.equal(sim.requests.length, before, `no request for ${field}`);
  }

  it('AIone: rpm / tpm limits, grace hours, pages, range days and usage times', async () => {
    const [k] = (await aione.listKeys({ page: 0, pageSize: 1 })).items;
    assert.ok(k);
    for (const bad of [NaN, Infinity, -Infinity, -1, 1.5]) {
      await refused(aione.createKey({ name: 'n', rpmLimit: bad }), 'rpm_limit', 'rpmLimit');
      await refused(aione.updateKey(k.id, { tpmLimit: bad }), 'tpm_limit', 'tpmLimit');
      await refused(aione.rotateKey(k.id, bad), 'grace_hours');
      await refused(aione.listKeys({ page: bad, pageSize: 20 }), 'page');
      await refused(aione.listInvoices(0, bad), 'page_size');
      await refused(aione.getDashboard(bad), 'range_days');
    }
    await refused(aione.queryUsage({ start: NaN, end: Date.now(), groupBy: 'day' }), 'start_date');
    await refused(aione.createKey({ name: 'n', expiresAt: 'next tuesday' }), 'expires_at', 'expiresAt');
    // null is "no limit", and is sent as such
    const made = await aione.createKey({ name: 'ci-null-limit', rpmLimit: null, tpmLimit: 10 });
    assert.equal(made.rpmLimit, null);
    assert.equal(made.tpmLimit, 10);
  });

  it('AIHubMix: quota, expiry, pages, times and ids', async () => {
    await refused(hub.createKey({ name: 'n', quotaUsd: 'abc' }), 'remain_quota', 'quotaUsd');
    await refused(hub.createKey({ name: 'n', quotaUsd: '-5' }), 'remain_quota', 'quotaUsd');
    await refused(hub.createKey({ name: 'n', quotaUsd: 'NaN' }), 'remain_quota', 'quotaUsd');
    await refused(hub.createKey({ name: 'n', expiresAt: 'soon' }), 'expired_time', 'expiresAt');
    await refused(hub.createKey({ name: 'n', expiresAt: '1969-12-31T23:59:59Z' }), 'expired_time', 'expiresAt'); // would read as -1 = never
    for (const bad of [NaN, Infinity, -1, 0.5]) {
      await refused(hub.listKeys({ page: bad, pageSize: 20 }), 'p');
      await refused(hub.listKeys({ page: 0, pageSize: bad }), 'page_size');
      await refused(hub.listUsageLogs({ start: 0, end: Date.now(), page: bad, pageSize: 10 }), 'p');
    }
    await refused(hub.getUsageStat({ start: NaN, end: Date.now() }), 'start_timestamp');
    for (const id of ['1e3', '-1', '0', '99999999999999999999', 'abc']) {
      const before = sim.requests.length;
      await rejectsWith(hub.getKey(id), 'validation');
      await rejectsWith(hub.setKeyEnabled(id, false), 'validation');
      await rejectsWith(hub.deleteKey(id), 'validation');
      assert.equal(sim.requests.length, before, `no request for id ${id}`);
    }
  });
});
