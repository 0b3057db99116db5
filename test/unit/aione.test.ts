import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { addDecimal } from '../../src/core/money';
import type { ChatStreamEvent } from '../../src/core/types';
import type { DisposableGateway } from '../../src/gateway/index';
import { collectText, gatewayFor, rejectsWith, SCHEMES, simKey, startSimulator, type Simulator } from './support';

for (const scheme of SCHEMES)
  describe(`AIone adapter against the simulator (${scheme})`, () => {
    let sim: Simulator;
    let gw: DisposableGateway;

    before(async () => {
      sim = await startSimulator({ seed: 7, streamTokensPerSecond: 0, tls: scheme === 'https' });
      gw = gatewayFor(sim, 'aione');
    });
    after(async () => {
      await gw.dispose();
      await sim.close();
    });
    afterEach(() => sim.faults.clear());

    describe('connection', () => {
      it('whoAmI proves the token and reads the balance in CNY', async () => {
        const me = await gw.whoAmI();
        assert.equal(me.balance?.currency, 'CNY');
        assert.match(me.balance?.amount ?? '', /^-?\d+(\.\d+)?$/);
      });
      it('a wrong token is an auth error naming the gateway', async () => {
        const bad = gatewayFor(sim, 'aione', { token: 'agc-admin-wrong' });
        const e = await rejectsWith(bad.whoAmI(), 'auth');
        assert.equal(e.status, 401);
        assert.equal(e.gateway, 'AIone (sim)');
        await bad.dispose();
      });
      it('a model key used as the admin token is forbidden', async () => {
        const bad = gatewayFor(sim, 'aione', { token: sim.aione.modelKey });
        await rejectsWith(bad.listKeys({ page: 0, pageSize: 5 }), 'forbidden');
        await bad.dispose();
      });
      it('no stored token fails before any request', async () => {
        const before = sim.requests.length;
        const none = gatewayFor(sim, 'aione', { token: '' });
        await rejectsWith(none.listKeys({ page: 0, pageSize: 5 }), 'auth');
        assert.equal(sim.requests.length, before);
        await none.dispose();
      });
    });

    describe('keys', () => {
      it('lists keys page by page with a total; secrets stay masked', async () => {
        const first = await gw.listKeys({ page: 0, pageSize: 20 });
        assert.equal(first.items.length, 20);
        assert.ok((first.total ?? 0) >= 40);
        assert.equal(first.hasMore, true);
        for (const k of first.items) {
          assert.equal(k.secret, undefined);
          assert.match(k.maskedKey, /^sk-nex-.{4}…/);
        }
        const statuses = new Set(
          first.items.concat((await gw.listKeys({ page: 1, pageSize: 20 })).items).map((k) => k.status),
        );
        assert.ok(statuses.has('active') && statuses.has('disabled'), [...statuses].join(','));
        const lastPage = Math.floor(((first.total ?? 0) - 1) / 20);
        const last = await gw.listKeys({ page: lastPage, pageSize: 20 });
        assert.equal(last.hasMore, false);
        const all = new Set<string>();
        for (let p = 0; p <= lastPage; p++)
          for (const k of (await gw.listKeys({ page: p, pageSize: 20 })).items) all.add(k.id);
        assert.equal(all.size, first.total);
      });
      it('a page size the API refuses is a 422 named field by field', async () => {
        const e = await rejectsWith(gw.listKeys({ page: 0, pageSize: 500 }), 'validation');
        assert.equal(e.status, 422);
        assert.equal(e.fieldErrors[0]?.field, 'query.page_size');
      });
      it('gets a key; a malformed id is a 422 on path.key_id, an unknown one is not-found', async () => {
        const [k] = (await gw.listKeys({ page: 0, pageSize: 1 })).items;
        assert.ok(k);
        assert.equal((await gw.getKey(k.id)).name, k.name);
        const bad = await rejectsWith(gw.getKey('abc'), 'validation');
        assert.equal(bad.fieldErrors[0]?.field, 'path.key_id');
        await rejectsWith(gw.getKey('00000000-0000-4000-8000-000000000000'), 'not-found');
      });
      it('searches by name', async () => {
        const [k] = (await gw.listKeys({ page: 0, pageSize: 1 })).items;
        assert.ok(k);
        const found = await gw.searchKeys(k.name.slice(0, 4));
        assert.ok(found.some((f) => f.id === k.id));
      });
      it('creates a key with every field; the full secret comes back once and the simulator holds it', async () => {
        const teams = await gw.listTeams();
        assert.equal(teams.length, 4);
        const models = (await gw.listModels()).slice(0, 2).map((m) => m.id);
        const expiresAt = new Date(Date.now() + 30 * 86400_000).toISOString();
        const created = await gw.createKey({
          name: 'ci-create',
          modelsAllowed: models,
          allowedIps: ['10.0.0.0/8', '192.168.1.7'],
          rpmLimit: 60,
          tpmLimit: 100000,
          isSandbox: true,
          teamId: teams[0]?.id ?? null,
          expiresAt,
        });
        assert.match(created.secret ?? '', /^sk-nex-[A-Za-z0-9]{20,}$/);
        const held = await simKey(sim, 'aione', created.id);
        assert.ok(held, 'the simulator holds the new key');
        assert.equal(held.name, 'ci-create');
        assert.equal(held.secret, created.secret);
        assert.deepEqual(held.models_allowed, models);
        assert.deepEqual(held.allowed_ips, ['10.0.0.0/8', '192.168.1.7']);
        assert.equal(held.rpm_limit, 60);
        assert.equal(held.is_sandbox, true);
        assert.equal(held.team_id, teams[0]?.id);
        const again = await gw.getKey(created.id);
        assert.equal(again.secret, undefined, 'afterwards only masked');
      });
      it('create failures map FastAPI 422 details to the input field that caused them', async () => {
        const e = await rejectsWith(
          gw.createKey({ name: 'bad', allowedIps: ['10.0.0.0/8', 'not-an-ip'], rpmLimit: 0 }),
          'validation',
        );
        const inputs = e.fieldErrors.map((f) => f.input).sort();
        assert.deepEqual(inputs, ['allowedIps', 'rpmLimit']);
        assert.ok(e.fieldErrors.some((f) => f.field === 'body.allowed_ips.1'));
        await rejectsWith(
          gw.createKey({ name: 'bad-team', teamId: '00000000-0000-4000-8000-000000000000' }),
          'not-found',
        );
      });
      it('updates only the fields given', async () => {
        const created = await gw.createKey({ name: 'ci-update', rpmLimit: 10 });
        const updated = await gw.updateKey(created.id, { name: 'ci-updated', tpmLimit: 5000 });
        assert.equal(updated.name, 'ci-updated');
        const held = await simKey(sim, 'aione', created.id);
        assert.equal(held?.name, 'ci-updated');
        assert.equal(held?.rpm_limit, 10);
        assert.equal(held?.tpm_limit, 5000);
      });
      it('disables and enables', async () => {
        const created = await gw.createKey({ name: 'ci-toggle' });
        assert.equal((await gw.setKeyEnabled(created.id, false)).status, 'disabled');
        assert.equal((await simKey(sim, 'aione', created.id))?.status, 'disabled');
        assert.equal((await gw.setKeyEnabled(created.id, true)).status, 'active');
        assert.equal((await simKey(sim, 'aione', created.id))?.status, 'active');
      });
      it('rotates server-side: a new secret, a grace deadline, and the old secret still chats', async () => {
        const created = await gw.createKey({ name: 'ci-rotate' });
        const rotated = await gw.rotateKey(created.id, 2);
        assert.notEqual(rotated.secret, created.secret);
        const grace = Date.parse(rotated.graceUntil ?? '');
        assert.ok(Math.abs(grace - (Date.now() + 2 * 3600_000)) < 120_000, `grace ${rotated.graceUntil}`);
        assert.equal((await simKey(sim, 'aione', created.id))?.secret, rotated.secret);
        const models = await gw.listModels();
        const reply = await gw.chat(
          { model: models[0]?.id ?? '', messages: [{ role: 'user', content: 'hi' }] },
          { apiKey: created.secret ?? '' },
        );
        assert.ok(reply.content.length > 0);
      });
      it('deletes; the key is gone from the simulator', async () => {
        const created = await gw.createKey({ name: 'ci-delete' });
        await gw.deleteKey(created.id);
        assert.equal(await simKey(sim, 'aione', created.id), undefined);
        await rejectsWith(gw.getKey(created.id), 'not-found');
        await rejectsWith(gw.deleteKey(created.id), 'not-found');
      });
      it('accepts DELETE answered 200 {"ok":true} and create answered 200', async () => {
        sim.setVariants({ aioneDeleteStatus: 200, aioneCreateStatus: 200 });
        try {
          const created = await gw.createKey({ name: 'ci-variant' });
          await gw.deleteKey(created.id);
          assert.equal(await simKey(sim, 'aione', created.id), undefined);
        } finally {
          sim.setVariants({ aioneDeleteStatus: 204, aioneCreateStatus: 201 });
        }
      });
    });

    describe('models, usage, billing', () => {
      it('lists ≥30 models with vendor, context length and CNY prices', async () => {
        const models = await gw.listModels();
        assert.ok(models.length >= 30);
        assert.ok(new Set(models.map((m) => m.vendor)).size >= 5);
        const priced = models.filter((m) => m.price?.inputPerMTok);
        assert.ok(priced.length > 0);
        assert.ok(priced.every((m) => m.price?.inputPerMTok?.currency === 'CNY'));
      });
      it('usage by day over 30 days adds up to the dashboard totals for the same range', async () => {
        const days = 30;
        const today = Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate());
        const rows = await gw.queryUsage({
          start: today - (days - 1) * 86400_000,
          end: today + 86400_000,
          groupBy: 'day',
        });
        assert.equal(rows.length, days);
        const dash = await gw.getDashboard(days);
        assert.equal(
          rows.reduce((n, r) => n + r.requests, 0),
          dash.totalRequests,
        );
        assert.equal(addDecimal(...rows.map((r) => r.cost.amount)), addDecimal(dash.totalCost.amount));
        assert.equal(dash.dailyTrend.length, days);
        assert.equal(
          dash.modelDistribution.reduce((n, m) => n + m.requests, 0),
          dash.totalRequests,
        );
        assert.ok((dash.teamCost ?? []).length >= 1);
      });
      it('usage by model, and a range the API refuses is a validation error', async () => {
        const now = Date.now();
        const byModel = await gw.queryUsage({ start: now - 7 * 86400_000, end: now, groupBy: 'model' });
        assert.ok(byModel.length > 3 && byModel.every((r) => r.model));
        await rejectsWith(gw.queryUsage({ start: now - 200 * 86400_000, end: now, groupBy: 'day' }), 'validation');
      });
      it('reads plan, billing account and invoices (array and wrapped)', async () => {
        const plan = await gw.getPlan();
        assert.ok(plan.name.length > 0);
        assert.equal(plan.price?.currency, 'CNY');
        const account = await gw.getBillingAccount();
        assert.equal(account.balance.currency, 'CNY');
        const p0 = await gw.listInvoices(0, 10);
        assert.equal(p0.items.length, 10);
        assert.equal(p0.hasMore, true);
        sim.setVariants({ aioneInvoices: 'wrapped' });
        try {
          const w = await gw.listInvoices(1, 10);
          assert.equal(w.items.length, 4);
          assert.equal(w.total, 14);
          assert.equal(w.hasMore, false);
        } finally {
          sim.setVariants({ aioneInvoices: 'array' });
        }
      });
    });

    describe('chat', () => {
      it('answers a plain completion with usage', async () => {
        const model = (await gw.listModels())[0]?.id ?? '';
        const reply = await gw.chat(
          { model, messages: [{ role: 'user', content: 'hello' }] },
          { apiKey: sim.aione.modelKey },
        );
        assert.ok(reply.content.includes('你好'));
        assert.ok((reply.usage?.totalTokens ?? 0) > 0);
      });
      it('streams the same text, then finish and usage', async () => {
        const model = (await gw.listModels())[0]?.id ?? '';
        const events: ChatStreamEvent[] = [];
        for await (const e of gw.streamChat(
          { model, messages: [{ role: 'user', content: 'hello' }] },
          { apiKey: sim.aione.modelKey },
        ))
          events.push(e);
        const text = events
          .filter((e) => e.type === 'text')
          .map((e) => (e.type === 'text' ? e.text : ''))
          .join('');
        assert.ok(text.includes('```ts'));
        assert.ok(events.some((e) => e.type === 'finish'));
        assert.ok(events.some((e) => e.type === 'usage'));
      });
      it('a bad model key is auth, an unknown model not-found', async () => {
        await rejectsWith(
          gw.chat({ model: 'gpt-4.1', messages: [{ role: 'user', content: 'x' }] }, { apiKey: 'sk-nex-nope' }),
          'auth',
        );
        await rejectsWith(
          collectText(
            gw.streamChat(
              { model: 'no-such-model', messages: [{ role: 'user', content: 'x' }] },
              { apiKey: sim.aione.modelKey },
            ),
          ),
          'not-found',
        );
      });
    });

    describe('faults', () => {
      it('429 + Retry-After on a GET is retried and succeeds', async () => {
        sim.faults.add({
          gateway: 'aione',
          method: 'GET',
          path: '/api/v1/gateway/keys',
          fault: { kind: 'status', status: 429, retryAfter: 0 },
        });
        const page = await gw.listKeys({ page: 0, pageSize: 5 });
        assert.equal(page.items.length, 5);
      });
      it('429 on a POST is not retried: rate-limited with the server’s retry-after', async () => {
        const before = sim.requests.filter((r) => r.method === 'POST').length;
        sim.faults.add({
          gateway: 'aione',
          method: 'POST',
          path: '/api/v1/gateway/keys',
          fault: { kind: 'status', status: 429, retryAfter: 7 },
        });
        const e = await rejectsWith(gw.createKey({ name: 'ci-429' }), 'rate-limited');
        assert.equal(e.retryAfterMs, 7000);
        assert.equal(sim.requests.filter((r) => r.method === 'POST').length, before + 1);
      });
      it('500 is a server error; 502/503 on a GET are retried', async () => {
        sim.faults.add({
          gateway: 'aione',
          method: 'PUT',
          path: '/api/v1/gateway/keys/*',
          fault: { kind: 'status', status: 500 },
        });
        const [k] = (await gw.listKeys({ page: 0, pageSize: 1 })).items;
        await rejectsWith(gw.updateKey(k?.id ?? '', { name: 'x' }), 'server');
        sim.faults.add({ gateway: 'aione', path: '/api/v1/billing/plan', fault: { kind: 'status', status: 502 } });
        sim.faults.add({ gateway: 'aione', path: '/api/v1/billing/plan', fault: { kind: 'status', status: 503 } });
        assert.ok((await gw.getPlan()).name);
      });
      it('a hang is a timeout; a reset is a network error; latency alone is fine', async () => {
        const slow = gatewayFor(sim, 'aione', { transport: { timeouts: { headersMs: 300 } } });
        sim.faults.add({ gateway: 'aione', path: '/api/v1/billing/account', fault: { kind: 'hang' } });
        await rejectsWith(slow.getBillingAccount(), 'timeout');
        sim.faults.add({ gateway: 'aione', path: '/api/v1/billing/account', fault: { kind: 'reset' } });
        await rejectsWith(slow.getBillingAccount(), 'network');
        sim.faults.add({ gateway: 'aione', path: '/api/v1/billing/account', fault: { kind: 'latency', ms: 100 } });
        assert.ok(await slow.getBillingAccount());
        await slow.dispose();
      });
      it('malformed JSON and a body that does not fit its schema are bad-response, naming the field', async () => {
        sim.faults.add({ gateway: 'aione', path: '/api/v1/billing/plan', times: 4, fault: { kind: 'malformed-json' } });
        await rejectsWith(gw.getPlan(), 'bad-response');
        sim.faults.clear();
        sim.faults.add({
          gateway: 'aione',
          path: '/api/v1/gateway/keys',
          fault: { kind: 'status', status: 200, body: { items: [{ name: 'no id' }] } },
        });
        const e = await rejectsWith(gw.listKeys({ page: 0, pageSize: 5 }), 'bad-response');
        assert.equal(e.path, 'items.0.id');
      });
      it('a truncated stream keeps the partial text and reports truncation', async () => {
        sim.faults.add({
          gateway: 'aione',
          path: '/v1/chat/completions',
          fault: { kind: 'truncate-stream', afterChunks: 5 },
        });
        const model = (await gw.listModels())[0]?.id ?? '';
        let text = '';
        const e = await rejectsWith(
          (async () => {
            for await (const ev of gw.streamChat(
              { model, messages: [{ role: 'user', content: 'hello' }] },
              { apiKey: sim.aione.modelKey },
            ))
              if (ev.type === 'text') text += ev.text;
          })(),
          'network',
        );
        assert.equal(e.code, 'truncated');
        assert.ok(text.length > 0);
      });
      it('a mid-stream error keeps the partial text and carries the message', async () => {
        sim.faults.add({
          gateway: 'aione',
          path: '/v1/chat/completions',
          fault: { kind: 'mid-stream-error', afterChunks: 4 },
        });
        const model = (await gw.listModels())[0]?.id ?? '';
        let text = '';
        await rejectsWith(
          (async () => {
            for await (const ev of gw.streamChat(
              { model, messages: [{ role: 'user', content: 'hello' }] },
              { apiKey: sim.aione.modelKey },
            ))
              if (ev.type === 'text') text += ev.text;
          })(),
          'server',
        );
        assert.ok(text.length > 0);
      });
      it('a JSON error instead of a stream is mapped by status', async () => {
        sim.faults.add({
          gateway: 'aione',
          path: '/v1/chat/completions',
          fault: { kind: 'json-error-instead-of-stream', status: 429 },
        });
        const model = (await gw.listModels())[0]?.id ?? '';
        await rejectsWith(
          collectText(
            gw.streamChat({ model, messages: [{ role: 'user', content: 'x' }] }, { apiKey: sim.aione.modelKey }),
          ),
          'rate-limited',
        );
      });
      it('aborting a stream closes the connection: the simulator sees the client go', async () => {
        const slowSim = await startSimulator({ seed: 7, streamTokensPerSecond: 50, tls: scheme === 'https' });
        const g = gatewayFor(slowSim, 'aione');
        try {
          const ac = new AbortController();
          let text = '';
          const e = await rejectsWith(
            (async () => {
              for await (const ev of g.streamChat(
                { model: 'gpt-4.1', messages: [{ role: 'user', content: 'hello' }] },
                { apiKey: slowSim.aione.modelKey, signal: ac.signal },
              )) {
                if (ev.type === 'text') {
                  text += ev.text;
                  if (text.length > 20) ac.abort();
                }
              }
            })(),
            'aborted',
          );
          assert.ok(e);
          assert.ok(text.length > 20);
          for (let i = 0; i < 50 && !slowSim.streams.some((s) => s.closedByClient); i++)
            await new Promise((r) => setTimeout(r, 20));
          assert.ok(slowSim.streams.some((s) => s.closedByClient && !s.finished));
        } finally {
          await g.dispose();
          await slowSim.close();
        }
      });
    });
  });
