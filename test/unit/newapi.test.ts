/**
 * The AIHubMix adapter against a backend built on new-api (the simulator's new-api dialect): the dialect is
 * recognised from what the server answers, keys are paged with a 1-based `p` and `page_size`, a create
 * answered without data finds its key, masked keys are revealed on request, a full replace keeps every field
 * the client does not model (a rename never clears an allow-list or a group), and `New-Api-User` is sent.
 */
import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { addDecimal } from '../../src/core/money';
import { createGateway, type DisposableGateway } from '../../src/gateway/index';
import type { AihubmixTokenRecord } from '../simulator/types';
import { rejectsWith, SCHEMES, startSimulator, trustSimulator, type Simulator } from './support';

function newApiGateway(sim: Simulator, opts: { user?: string; token?: string } = {}): DisposableGateway {
  return createGateway(
    {
      kind: 'aihubmix',
      baseUrl: sim.aihubmix.url,
      getToken: () => Promise.resolve(opts.token ?? sim.aihubmix.accessToken),
      label: 'new-api (sim)',
      ...(opts.user !== undefined ? { newApiUser: opts.user } : {}),
    },
    { retry: { baseDelayMs: 5, maxDelayMs: 20 }, ...trustSimulator(sim) },
  );
}

const record = (sim: Simulator, id: string | number): AihubmixTokenRecord | undefined =>
  sim.state.aihubmix.tokens.find((t) => t.id === Number(id));
const listRequests = (sim: Simulator) =>
  sim.requests.filter((r) => r.gateway === 'aihubmix' && r.method === 'GET' && r.path === '/api/token/');

for (const scheme of SCHEMES)
  describe(`AIHubMix adapter against a new-api backend (${scheme})`, () => {
    let sim: Simulator;
    let gw: DisposableGateway;

    before(async () => {
      sim = await startSimulator({
        seed: 21,
        keyCount: 250,
        streamTokensPerSecond: 0,
        aihubmixDialect: 'new-api',
        tls: scheme === 'https',
      });
      gw = newApiGateway(sim);
    });
    after(async () => {
      assert.equal(sim.requests.filter((r) => r.path === '/api/user/token').length, 0, 'never GET /api/user/token');
      await gw.dispose();
      await sim.close();
    });
    afterEach(() => sim.faults.clear());

    it('recognises the page object and pages with a 1-based p and page_size; total and hasMore come from it', async () => {
      const first = await gw.listKeys({ page: 0, pageSize: 20 });
      assert.equal(first.items.length, 20);
      assert.equal(first.total, 250);
      assert.equal(first.hasMore, true);
      assert.equal(gw.capabilities.keyNameLimit?.max, 50, 'new-api names may be 50 bytes');
      const second = await gw.listKeys({ page: 1, pageSize: 20 });
      const req = listRequests(sim).at(-1);
      assert.equal(req?.query.p, '2', 'the second page is p=2 on new-api');
      assert.equal(req?.query.page_size, '20');
      assert.equal(req?.query.num, undefined, 'once the dialect is known, only its own parameters');
      const ids = [...first.items, ...second.items].map((k) => Number(k.id));
      assert.equal(new Set(ids).size, 40, 'two different pages');
      const stored = sim.state.aihubmix.tokens.map((t) => t.id).sort((a, b) => b - a);
      assert.deepEqual(ids, stored.slice(0, 40), 'id desc, no page skipped or repeated');
      const last = await gw.listKeys({ page: 12, pageSize: 20 });
      assert.equal(last.items.length, 10);
      assert.equal(last.hasMore, false);
    });

    it('a fresh client asked for a later page first learns the dialect with one small request', async () => {
      const fresh = newApiGateway(sim);
      const before = listRequests(sim).length;
      const page = await fresh.listKeys({ page: 2, pageSize: 10 });
      const reqs = listRequests(sim).slice(before);
      assert.deepEqual(
        reqs.map((r) => [r.query.p, r.query.page_size]),
        [
          ['0', '1'],
          ['3', '10'],
        ],
      );
      const stored = sim.state.aihubmix.tokens.map((t) => t.id).sort((a, b) => b - a);
      assert.deepEqual(
        page.items.map((k) => Number(k.id)),
        stored.slice(20, 30),
      );
      await fresh.dispose();
    });

    it('keys are masked in lists; revealing one asks POST /api/token/:id/key and gives the full key', async () => {
      const [k] = (await gw.listKeys({ page: 0, pageSize: 1 })).items;
      assert.ok(k);
      assert.equal(k.secret, undefined);
      assert.match(k.maskedKey, /^sk-[A-Za-z0-9]{4}\*{10}[A-Za-z0-9]{4}$/);
      const before = sim.requests.length;
      const secret = await gw.revealKey(k.id);
      assert.equal(secret, `sk-${record(sim, k.id)?.key}`);
      assert.deepEqual(
        sim.requests.slice(before).map((r) => `${r.method} ${r.path}`),
        [`POST /api/token/${k.id}/key`],
      );
    });

    it('search: a substring matches (as `%kw%`), every page is read, an exact name finds just that key', async () => {
      const all = sim.state.aihubmix.tokens;
      const sub = 'prod-';
      const expected = all.filter((t) => t.name.toLowerCase().includes(sub)).length;
      assert.ok(expected > 10, 'the seed has many');
      const found = await gw.searchKeys(sub);
      assert.equal(found.length, expected);
      const q = sim.requests.filter((r) => r.path === '/api/token/search').at(-1);
      assert.equal(q?.query.keyword, `%${sub}%`);
      const wide = await gw.searchKeys('-'); // one character: exact on new-api
      assert.equal(wide.length, all.filter((t) => t.name.toLowerCase() === '-').length);
      const many = all.filter((t) => /-/.test(t.name)).length;
      assert.ok(many > 100);
      const dash = await gw.searchKeys('e-');
      assert.equal(
        dash.length,
        all.filter((t) => t.name.toLowerCase().includes('e-')).length,
        'more than 100 matches: every page read',
      );
    });

    it('create answers without data: the newest key of that name is found, in new-api field names', async () => {
      const name = 'na-create';
      const twin = await gw.createKey({ name });
      const k = await gw.createKey({
        name,
        modelsAllowed: ['gpt-4.1', 'claude-sonnet-4-6'],
        allowedIps: ['10.0.0.0/8', '192.168.1.7'],
        quotaUsd: '2.5',
        expiresAt: new Date(Date.now() + 7 * 86_400_000).toISOString(),
      });
      assert.ok(Number(k.id) > Number(twin.id), 'the newest of the two');
      assert.deepEqual(k.modelsAllowed, ['gpt-4.1', 'claude-sonnet-4-6']);
      assert.deepEqual(k.allowedIps, ['10.0.0.0/8', '192.168.1.7']);
      assert.equal(k.quota?.remaining?.amount, '2.5');
      const t = record(sim, k.id);
      assert.equal(t?.models, 'gpt-4.1,claude-sonnet-4-6');
      assert.equal(t?.model_limits_enabled, true);
      assert.equal(t?.subnet, '10.0.0.0/8\n192.168.1.7', 'allow_ips is a newline list');
      assert.equal(t?.remain_quota, 1_250_000);
      const post = sim.requests.filter((r) => r.method === 'POST' && r.path === '/api/token/').at(-1)?.body as Record<
        string,
        unknown
      >;
      assert.deepEqual(Object.keys(post).sort(), [
        'allow_ips',
        'expired_time',
        'model_limits',
        'model_limits_enabled',
        'name',
        'remain_quota',
        'unlimited_quota',
      ]);
      const search = sim.requests.filter((r) => r.path === '/api/token/search').at(-1);
      assert.equal(search?.query.keyword, name, 'found by its exact name');
      assert.equal(await gw.revealKey(k.id), `sk-${t?.key}`);
    });

    it('a rename keeps every field not edited: model limits (also a kept-but-disabled list), allow_ips, group, cross-group retry, auto groups', async () => {
      const tokens = sim.state.aihubmix.tokens;
      const picks = [
        tokens.find((t) => t.model_limits_enabled && t.subnet && t.group === 'vip'),
        tokens.find((t) => !t.model_limits_enabled && (t.models ?? '') !== ''),
        tokens.find((t) => t.group === 'auto' && t.cross_group_retry),
        tokens.find((t) => t.subnet === null),
      ];
      for (const [i, t] of picks.entries()) {
        assert.ok(t, `seed case ${i}`);
        const before = structuredClone(t);
        const k = await gw.updateKey(String(t.id), { name: `${t.name.slice(0, 20)}-r${i}` });
        const after = record(sim, t.id);
        assert.equal(after?.name, `${before.name.slice(0, 20)}-r${i}`);
        for (const f of [
          'models',
          'model_limits_enabled',
          'subnet',
          'group',
          'cross_group_retry',
          'auto_groups',
          'expired_time',
          'remain_quota',
          'unlimited_quota',
          'status',
          'key',
        ] as const) {
          assert.deepEqual(after?.[f], before[f], `case ${i}: ${f} kept`);
        }
        assert.equal(k.name, after?.name);
        assert.ok(
          !('key' in (sim.requests.filter((r) => r.method === 'PUT').at(-1)?.body as object)),
          'the masked key is not sent back',
        );
      }
    });

    it('editing models and IPs writes model_limits (+ enabled) and allow_ips; clearing disables the limit', async () => {
      const t = sim.state.aihubmix.tokens.find((x) => x.group === 'vip' && x.status === 1);
      assert.ok(t);
      await gw.updateKey(String(t.id), { modelsAllowed: ['gpt-4.1'], allowedIps: ['1.2.3.4', '10.0.0.0/8'] });
      assert.equal(record(sim, t.id)?.models, 'gpt-4.1');
      assert.equal(record(sim, t.id)?.model_limits_enabled, true);
      assert.equal(record(sim, t.id)?.subnet, '1.2.3.4\n10.0.0.0/8');
      assert.equal(record(sim, t.id)?.group, 'vip');
      const cleared = await gw.updateKey(String(t.id), { modelsAllowed: [], allowedIps: [], quotaUsd: 'unlimited' });
      assert.deepEqual(cleared.modelsAllowed, []);
      assert.equal(record(sim, t.id)?.models, '');
      assert.equal(record(sim, t.id)?.model_limits_enabled, false);
      assert.equal(record(sim, t.id)?.subnet, '');
      assert.equal(record(sim, t.id)?.unlimited_quota, true);
    });

    it('a copy (client-side rotation) can carry the settings the client does not model', async () => {
      const t = sim.state.aihubmix.tokens.find((x) => x.group === 'auto' && x.status === 1);
      assert.ok(t);
      const old = await gw.getKey(String(t.id));
      assert.equal(old.unmodeled?.['group'], 'auto');
      const copy = await gw.createKey(
        { name: 'na-copy', modelsAllowed: old.modelsAllowed, allowedIps: old.allowedIps },
        { unmodeled: old.unmodeled },
      );
      const c = record(sim, copy.id);
      assert.equal(c?.group, 'auto');
      assert.deepEqual(c?.auto_groups, t.auto_groups);
      assert.equal(c?.cross_group_retry, t.cross_group_retry);
    });

    it('disable / enable with status_only; enabling an expired key is refused with the reason; delete', async () => {
      const k = await gw.createKey({ name: 'na-toggle' });
      assert.equal((await gw.setKeyEnabled(k.id, false)).status, 'disabled');
      assert.equal(record(sim, k.id)?.status, 2);
      assert.equal((await gw.setKeyEnabled(k.id, true)).status, 'active');
      const expired = sim.state.aihubmix.tokens.find((t) => t.status === 3);
      assert.ok(expired);
      const e = await rejectsWith(gw.setKeyEnabled(String(expired.id), true), 'validation');
      assert.match(e.message, /过期/);
      assert.equal(e.fieldErrors[0]?.input, 'expiresAt');
      await gw.deleteKey(k.id);
      assert.equal(record(sim, k.id), undefined);
      await rejectsWith(gw.deleteKey(k.id), 'not-found');
    });

    it('usage logs: new-api pages (p from 1, page_size) add up to the stat', async () => {
      const end = Date.now();
      const start = end - 86_400_000;
      let sum = '0';
      let count = 0;
      const seen = new Set<string>();
      for (let p = 0; p < 100; p++) {
        const page = await gw.listUsageLogs({ start, end, page: p, pageSize: 40 });
        for (const l of page) seen.add(l.id);
        sum = addDecimal(sum, ...page.map((l) => l.cost.amount));
        count += page.length;
        if (page.length < 40) break;
      }
      assert.ok(count > 40, 'more than one page');
      assert.equal(seen.size, count, 'no page repeated');
      const req = sim.requests.filter((r) => r.path === '/api/log/self').at(-1);
      assert.ok(Number(req?.query.p) >= 2 && req?.query.page_size === '40');
      assert.equal((await gw.getUsageStat({ start, end })).cost.amount, sum);
      const withTime = (await gw.listUsageLogs({ start, end, page: 0, pageSize: 5 })).find(
        (l) => l.elapsedMs !== undefined,
      );
      assert.ok(withTime && withTime.elapsedMs! >= 1000, 'use_time (seconds) read as milliseconds');
    });

    it('a wrong token is auth (new-api answers 401 with a code)', async () => {
      const bad = newApiGateway(sim, { token: '0'.repeat(32) });
      const e = await rejectsWith(bad.whoAmI(), 'auth');
      assert.equal(e.status, 401);
      assert.equal(e.code, 'AUTH_UNAUTHORIZED');
      await bad.dispose();
    });
  });

for (const scheme of SCHEMES)
  describe(`a new-api backend that requires New-Api-User (${scheme})`, () => {
    let sim: Simulator;
    before(async () => {
      sim = await startSimulator({
        seed: 22,
        keyCount: 30,
        streamTokensPerSecond: 0,
        aihubmixDialect: 'new-api',
        requireNewApiUser: true,
        tls: scheme === 'https',
      });
    });
    after(() => sim.close());

    it('without the header every management call is auth, naming it; with it they work and carry it', async () => {
      const without = newApiGateway(sim);
      const e = await rejectsWith(without.listKeys({ page: 0, pageSize: 10 }), 'auth');
      assert.match(e.message, /New-Api-User/);
      await without.dispose();
      const wrong = newApiGateway(sim, { user: String(sim.aihubmix.userId + 1) });
      assert.match((await rejectsWith(wrong.whoAmI(), 'auth')).message, /不匹配/);
      await wrong.dispose();

      const g = newApiGateway(sim, { user: String(sim.aihubmix.userId) });
      const before = sim.requests.length;
      assert.equal((await g.whoAmI()).userId, String(sim.aihubmix.userId));
      const [k] = (await g.listKeys({ page: 0, pageSize: 5 })).items;
      assert.ok(k);
      await g.updateKey(k.id, { name: `${k.name.slice(0, 20)}-u` });
      await g.revealKey(k.id);
      assert.ok((await g.listModels()).length > 0);
      const mgmt = sim.requests.slice(before).filter((r) => r.path.startsWith('/api/') && r.path !== '/api/v1/models');
      assert.ok(mgmt.length >= 5);
      for (const r of mgmt)
        assert.equal(r.headers['new-api-user'], String(sim.aihubmix.userId), `${r.method} ${r.path}`);
      const catalogue = sim.requests.slice(before).find((r) => r.path === '/api/v1/models');
      assert.equal(catalogue?.headers['new-api-user'], undefined, 'not on the public catalogue');
      await g.dispose();
    });
  });
