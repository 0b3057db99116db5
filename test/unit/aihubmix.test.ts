import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { addDecimal, quotaToUsd } from '../../src/core/money';
import type { DisposableGateway } from '../../src/gateway/index';
import {
  collectText,
  gatewayFor,
  rejectsWith,
  SCHEMES,
  simFetch,
  simKey,
  simKeys,
  startSimulator,
  type Simulator,
} from './support';

for (const scheme of SCHEMES)
  describe(`AIHubMix adapter against the simulator (${scheme})`, () => {
    let sim: Simulator;
    let gw: DisposableGateway;

    before(async () => {
      sim = await startSimulator({ seed: 11, streamTokensPerSecond: 0, tls: scheme === 'https' });
      gw = gatewayFor(sim, 'aihubmix');
    });
    after(async () => {
      // The one call this client must never make: it regenerates the user's access token.
      assert.equal(sim.requests.filter((r) => r.gateway === 'aihubmix' && r.path === '/api/user/token').length, 0);
      await gw.dispose();
      await sim.close();
    });
    afterEach(() => sim.faults.clear());

    describe('connection', () => {
      it('whoAmI reads user self: the balance in USD from quota units, exactly', async () => {
        const me = await gw.whoAmI();
        const raw = (await (
          await simFetch(sim, `${sim.aihubmix.url}/api/user/self`, {
            headers: { authorization: sim.aihubmix.accessToken },
          })
        ).json()) as { data: { quota: number } };
        assert.deepEqual(me.balance, { amount: quotaToUsd(raw.data.quota), currency: 'USD' });
        assert.equal(me.userId, String(sim.aihubmix.userId));
      });
      it('the raw Authorization header (CLI style) works too', async () => {
        const raw = gatewayFor(sim, 'aihubmix', { rawAuthHeader: true });
        assert.ok((await raw.whoAmI()).label);
        assert.ok(sim.requests.some((r) => r.gateway === 'aihubmix' && r.headers.authorization === '***'));
        await raw.dispose();
      });
      it('a wrong token (HTTP 200 success:false) is an auth error', async () => {
        const bad = gatewayFor(sim, 'aihubmix', { token: '0'.repeat(32) });
        const e = await rejectsWith(bad.whoAmI(), 'auth');
        assert.equal(e.status, 200);
        assert.match(e.message, /access token/);
        await bad.dispose();
      });
    });

    describe('keys', () => {
      it('lists pages (p 0-based, num); keys come back in full with sk- prepended', async () => {
        const first = await gw.listKeys({ page: 0, pageSize: 20 });
        assert.equal(first.items.length, 20);
        assert.equal(first.hasMore, true);
        for (const k of first.items) assert.match(k.secret ?? '', /^sk-[A-Za-z0-9]{48}$/);
        const second = await gw.listKeys({ page: 1, pageSize: 20 });
        assert.equal(new Set([...first.items, ...second.items].map((k) => k.id)).size, 40);
        const statuses = new Set([...first.items, ...second.items].map((k) => k.status));
        for (const s of ['active', 'disabled', 'expired', 'exhausted'] as const)
          assert.ok(statuses.has(s), `missing ${s} in ${[...statuses].join(',')}`);
        const req = sim.requests.filter((r) => r.path === '/api/token/').at(-1);
        assert.equal(req?.query.p, '1');
        assert.equal(req?.query.num, '20');
      });
      it('accepts every list shape and status / expiry / unlimited variant the contract names', async () => {
        const baseline = (await gw.listKeys({ page: 0, pageSize: 50 })).items;
        for (const v of [
          { aihubmixListShape: 'page-object' as const },
          { aihubmixListShape: 'items' as const },
          {
            aihubmixDisabledStatus: 0 as const,
            aihubmixExpiredTime: 'string' as const,
            aihubmixUnlimitedRemain: 'minus-one' as const,
          },
        ]) {
          sim.setVariants(v);
          try {
            const items = (await gw.listKeys({ page: 0, pageSize: 50 })).items;
            assert.deepEqual(
              items.map((k) => [k.id, k.status, k.expiresAt, k.quota?.unlimited]),
              baseline.map((k) => [k.id, k.status, k.expiresAt, k.quota?.unlimited]),
              JSON.stringify(v),
            );
          } finally {
            sim.setVariants({
              aihubmixListShape: 'array',
              aihubmixDisabledStatus: 2,
              aihubmixExpiredTime: 'int',
              aihubmixUnlimitedRemain: 'zero',
            });
          }
        }
      });
      it('searches by name prefix', async () => {
        const [k] = (await gw.listKeys({ page: 0, pageSize: 1 })).items;
        assert.ok(k);
        const found = await gw.searchKeys(k.name.slice(0, 3));
        assert.ok(found.length >= 1 && found.every((f) => f.name.startsWith(k.name.slice(0, 3))));
      });
      it('gets a key; an unknown id is not-found; a non-numeric id never reaches the wire', async () => {
        const [k] = (await gw.listKeys({ page: 0, pageSize: 1 })).items;
        assert.equal((await gw.getKey(k?.id ?? '')).secret, k?.secret);
        await rejectsWith(gw.getKey('99999999'), 'not-found');
        await rejectsWith(gw.getKey('abc'), 'validation');
      });
      it('creates with a USD quota stored as quota units, models and subnet as comma lists', async () => {
        const models = (await gw.listModels()).slice(0, 2).map((m) => m.id);
        const expiresAt = new Date(Math.floor(Date.now() / 1000 + 7 * 86400) * 1000).toISOString();
        const k = await gw.createKey({
          name: 'ci-create',
          quotaUsd: '12.5',
          modelsAllowed: models,
          allowedIps: ['10.0.0.0/8', '1.2.3.4'],
          expiresAt,
        });
        assert.match(k.secret ?? '', /^sk-[A-Za-z0-9]{48}$/);
        assert.equal(k.quota?.remaining?.amount, '12.5');
        const held = await simKey(sim, 'aihubmix', k.id);
        assert.equal(held?.remain_quota, 6_250_000);
        assert.equal(held?.unlimited_quota, false);
        assert.equal(held?.models, models.join(','));
        assert.equal(held?.subnet, '10.0.0.0/8,1.2.3.4');
        assert.equal(held?.expired_time, Date.parse(expiresAt) / 1000);
        const unlimited = await gw.createKey({ name: 'ci-unlimited' });
        assert.equal(unlimited.quota?.unlimited, true);
        assert.equal(unlimited.expiresAt, null);
      });
      it('business errors (HTTP 200 success:false) map to the input that caused them', async () => {
        const long = await rejectsWith(gw.createKey({ name: 'x'.repeat(31) }), 'validation');
        assert.equal(long.status, 200);
        assert.equal(long.fieldErrors[0]?.input, 'name');
        const subnet = await rejectsWith(
          gw.createKey({ name: 'ci-bad-subnet', allowedIps: ['999.1.1.1/99'] }),
          'validation',
        );
        assert.equal(subnet.fieldErrors[0]?.input, 'allowedIps');
      });
      it('update is a full replace that starts from a fresh read: fields not edited survive', async () => {
        const k = await gw.createKey({
          name: 'ci-update',
          quotaUsd: '3',
          modelsAllowed: ['gpt-4.1'],
          allowedIps: ['10.1.0.0/16'],
        });
        const before = await simKey(sim, 'aihubmix', k.id);
        const updated = await gw.updateKey(k.id, { name: 'ci-updated' });
        assert.equal(updated.name, 'ci-updated');
        const after = await simKey(sim, 'aihubmix', k.id);
        assert.equal(after?.name, 'ci-updated');
        for (const f of ['remain_quota', 'unlimited_quota', 'models', 'subnet', 'expired_time', 'status'])
          assert.deepEqual(after?.[f], before?.[f], f);
        // the PUT carries every field the fresh read returned (a full replace resets what it leaves out)
        const read = sim.requests.filter((r) => r.method === 'GET' && r.path === `/api/token/${k.id}`).at(-1);
        assert.ok(read, 'a fresh read came first');
        const put = sim.requests.filter((r) => r.method === 'PUT' && r.path === '/api/token/').at(-1);
        const raw = (await (
          await simFetch(sim, `${sim.aihubmix.url}/api/token/${k.id}`, {
            headers: { authorization: sim.aihubmix.accessToken },
          })
        ).json()) as { data: Record<string, unknown> };
        assert.deepEqual(Object.keys(put?.body as object).sort(), Object.keys(raw.data).sort());
        assert.equal(
          (put?.body as { status?: unknown }).status,
          before?.status,
          'the status goes back as read (a full update ignores it)',
        );
        await gw.updateKey(k.id, { quotaUsd: 'unlimited', modelsAllowed: [] });
        const unl = await simKey(sim, 'aihubmix', k.id);
        assert.equal(unl?.unlimited_quota, true);
        assert.equal(unl?.models, '');
        assert.equal(unl?.subnet, '10.1.0.0/16');
      });
      it('disables and enables with status_only; enabling an expired key is refused with the reason', async () => {
        const k = await gw.createKey({ name: 'ci-toggle' });
        assert.equal((await gw.setKeyEnabled(k.id, false)).status, 'disabled');
        assert.equal((await simKey(sim, 'aihubmix', k.id))?.status, 2);
        assert.equal((await gw.setKeyEnabled(k.id, true)).status, 'active');
        assert.equal((await simKey(sim, 'aihubmix', k.id))?.status, 1);
        const toggles = sim.requests.filter((r) => r.method === 'PUT' && r.query.status_only === 'true');
        assert.ok(toggles.length >= 2);
        const expired = (await simKeys(sim, 'aihubmix')).find((x) => x.status === 3);
        assert.ok(expired, 'the seed has an expired key');
        const e = await rejectsWith(gw.setKeyEnabled(String(expired.id), true), 'validation');
        assert.match(e.message, /过期/);
        assert.equal(e.fieldErrors[0]?.input, 'expiresAt');
      });
      it('deletes', async () => {
        const k = await gw.createKey({ name: 'ci-delete' });
        await gw.deleteKey(k.id);
        assert.equal(await simKey(sim, 'aihubmix', k.id), undefined);
        await rejectsWith(gw.deleteKey(k.id), 'not-found');
      });
      it('rotation is not offered server-side', async () => {
        assert.equal(gw.capabilities.serverSideRotate, false);
        await rejectsWith(gw.rotateKey('1', 24), 'unsupported');
      });
    });

    describe('models, balance, logs', () => {
      it('lists the user’s available models with catalogue prices converted to USD per 1M tokens', async () => {
        const models = await gw.listModels();
        assert.ok(models.length >= 30);
        const catalogue = (await (await simFetch(sim, `${sim.aihubmix.url}/api/v1/models`)).json()) as {
          data: Array<{ model_id: string; pricing: { input: number } }>;
        };
        const m = models.find((x) => x.price?.inputPerMTok);
        assert.ok(m);
        const raw = catalogue.data.find((c) => c.model_id === m.id);
        assert.equal(Number(m.price?.inputPerMTok?.amount), Math.round((raw?.pricing.input ?? 0) * 1000 * 1e9) / 1e9);
        assert.equal(m.price?.inputPerMTok?.currency, 'USD');
      });
      it('reads the balance and used quota from user self', async () => {
        const a = await gw.getBillingAccount();
        assert.equal(a.balance.currency, 'USD');
        assert.ok(a.usedTotal);
      });
      it('log pages add up to the log stat for the same day', async () => {
        const end = Date.now();
        const start = end - 86400_000;
        let sum = '0';
        let count = 0;
        for (let p = 0; p < 100; p++) {
          const page = await gw.listUsageLogs({ start, end, page: p, pageSize: 50 });
          sum = addDecimal(sum, ...page.map((l) => l.cost.amount));
          count += page.length;
          if (page.length < 50) break;
        }
        assert.ok(count > 0);
        const stat = await gw.getUsageStat({ start, end });
        assert.equal(stat.cost.amount, sum);
      });
      it('says quietly what it does not offer', async () => {
        await rejectsWith(gw.getPlan(), 'unsupported');
        await rejectsWith(gw.listInvoices(0, 10), 'unsupported');
        await rejectsWith(gw.getDashboard(7), 'unsupported');
      });
    });

    describe('chat', () => {
      it('chats with a model key; the call consumes quota', async () => {
        const before = (await gw.whoAmI()).balance?.amount;
        const text = await collectText(
          gw.streamChat(
            { model: 'gpt-4.1', messages: [{ role: 'user', content: 'hello' }] },
            { apiKey: sim.aihubmix.modelKey },
          ),
        );
        assert.ok(text.length > 50);
        const plain = await gw.chat(
          { model: 'gpt-4.1', messages: [{ role: 'user', content: 'hello' }] },
          { apiKey: sim.aihubmix.modelKey },
        );
        assert.ok((plain.usage?.totalTokens ?? 0) > 0);
        assert.ok(before !== undefined);
      });
      it('streams tool-call fragments keyed by index', async () => {
        const frags: string[] = [];
        let name: string | undefined;
        for await (const e of gw.streamChat(
          { model: 'gpt-4.1', messages: [{ role: 'user', content: 'please make a tool call' }] },
          { apiKey: sim.aihubmix.modelKey },
        )) {
          if (e.type === 'tool-call') {
            frags.push(e.argumentsDelta);
            name ??= e.name;
          }
        }
        assert.ok(frags.length > 1);
        assert.ok(name);
        assert.doesNotThrow(() => JSON.parse(frags.join('')));
      });
      it('a disabled key cannot chat (auth)', async () => {
        const k = await gw.createKey({ name: 'ci-chat-disabled' });
        await gw.setKeyEnabled(k.id, false);
        await rejectsWith(
          gw.chat({ model: 'gpt-4.1', messages: [{ role: 'user', content: 'x' }] }, { apiKey: k.secret ?? '' }),
          'auth',
        );
      });
    });

    describe('faults', () => {
      it('success:false injected on any call is an error with the server’s message', async () => {
        sim.faults.add({
          gateway: 'aihubmix',
          path: '/api/token/',
          fault: { kind: 'success-false', message: '参数错误：p 必须是数字' },
        });
        const e = await rejectsWith(gw.listKeys({ page: 0, pageSize: 5 }), 'validation');
        assert.equal(e.message, '参数错误：p 必须是数字');
      });
      it('a busy or rate-limited success:false (HTTP 200) is transient: a read retries it like a 503 and succeeds', async () => {
        for (const message of [
          '系统繁忙，请稍后再试',
          '当前分组上游负载已饱和，请稍后再试',
          '数据库错误，请稍后重试',
        ]) {
          const before = sim.requests.filter((r) => r.path === '/api/user/self').length;
          sim.faults.add({
            gateway: 'aihubmix',
            method: 'GET',
            path: '/api/user/self',
            times: 2,
            fault: { kind: 'success-false', message },
          });
          assert.ok((await gw.whoAmI()).userId, message);
          assert.equal(
            sim.requests.filter((r) => r.path === '/api/user/self').length - before,
            3,
            `${message}: two retries, then the answer`,
          );
        }
        // past the retries, the kind says what it was
        sim.faults.add({
          gateway: 'aihubmix',
          method: 'GET',
          path: '/api/token/',
          times: 10,
          fault: { kind: 'success-false', message: '系统繁忙，请稍后再试' },
        });
        const busy = await rejectsWith(gw.listKeys({ page: 0, pageSize: 5 }), 'server');
        assert.equal(busy.message, '系统繁忙，请稍后再试');
        assert.equal(busy.transient, true);
        sim.faults.clear();
        sim.faults.add({
          gateway: 'aihubmix',
          method: 'GET',
          path: '/api/token/',
          times: 10,
          fault: { kind: 'success-false', message: '您已达到请求数限制：1分钟内最多请求60次' },
        });
        await rejectsWith(gw.listKeys({ page: 0, pageSize: 5 }), 'rate-limited');
      });
      it('a busy success:false on a write is not retried (no write is sent twice)', async () => {
        const [k] = (await gw.listKeys({ page: 0, pageSize: 1 })).items;
        const puts = () => sim.requests.filter((r) => r.method === 'PUT' && r.path === '/api/token/').length;
        const before = puts();
        sim.faults.add({
          gateway: 'aihubmix',
          method: 'PUT',
          path: '/api/token/',
          times: 5,
          fault: { kind: 'success-false', message: '系统繁忙，请稍后再试' },
        });
        const e = await rejectsWith(gw.setKeyEnabled(k?.id ?? '', true), 'server');
        assert.equal(puts() - before, 1);
        assert.equal(e.status, 200);
      });
      it('auth and not-found messages keep their meaning', async () => {
        sim.faults.add({
          gateway: 'aihubmix',
          method: 'GET',
          path: '/api/user/self',
          fault: { kind: 'success-false', message: '无权进行此操作，access token 无效' },
        });
        await rejectsWith(gw.whoAmI(), 'auth');
        sim.faults.add({
          gateway: 'aihubmix',
          method: 'GET',
          path: '/api/token/5',
          fault: { kind: 'success-false', message: 'record not found' },
        });
        await rejectsWith(gw.getKey('5'), 'not-found');
      });
      it('429 on a GET is retried; on a PUT it is not', async () => {
        sim.faults.add({
          gateway: 'aihubmix',
          method: 'GET',
          path: '/api/user/self',
          fault: { kind: 'status', status: 429, retryAfter: 0 },
        });
        assert.ok(await gw.whoAmI());
        const [k] = (await gw.listKeys({ page: 0, pageSize: 1 })).items;
        sim.faults.add({
          gateway: 'aihubmix',
          method: 'PUT',
          path: '/api/token/',
          fault: { kind: 'status', status: 429, retryAfter: 3 },
        });
        const e = await rejectsWith(gw.setKeyEnabled(k?.id ?? '', true), 'rate-limited');
        assert.equal(e.retryAfterMs, 3000);
      });
      it('5xx, reset, malformed JSON', async () => {
        sim.faults.add({
          gateway: 'aihubmix',
          method: 'POST',
          path: '/api/token/',
          fault: { kind: 'status', status: 500 },
        });
        await rejectsWith(gw.createKey({ name: 'ci-500' }), 'server');
        sim.faults.add({ gateway: 'aihubmix', path: '/api/user/self', fault: { kind: 'reset' } });
        await rejectsWith(gw.whoAmI(), 'network');
        sim.faults.add({ gateway: 'aihubmix', path: '/api/user/self', fault: { kind: 'malformed-json' } });
        await rejectsWith(gw.whoAmI(), 'bad-response');
      });
      it('a mid-stream error and a truncated stream keep the partial text', async () => {
        for (const fault of [
          { kind: 'mid-stream-error' as const, afterChunks: 3, thenDone: true },
          { kind: 'truncate-stream' as const, afterChunks: 3 },
        ]) {
          sim.faults.add({ gateway: 'aihubmix', path: '/v1/chat/completions', fault });
          let text = '';
          await rejectsWith(
            (async () => {
              for await (const e of gw.streamChat(
                { model: 'gpt-4.1', messages: [{ role: 'user', content: 'hello' }] },
                { apiKey: sim.aihubmix.modelKey },
              ))
                if (e.type === 'text') text += e.text;
            })(),
            fault.kind === 'truncate-stream' ? 'network' : 'server',
          );
          assert.ok(text.length > 0, fault.kind);
        }
      });
    });
  });
