/* Tests of the gateway simulator over real loopback HTTP (node:test + fetch): AIHubMix, one-api and new-api dialects. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseArgs } from '../simulator/cli';
import * as z from 'zod';
import {
  availableModelsSchema,
  catalogueSchema,
  envelopeSchema,
  logSchema,
  logStatSchema,
  tokenSchema,
  userSelfSchema,
} from '../../src/gateway/aihubmix/schemas';
import { openAiErrorSchema } from '../../src/gateway/openai';
import { startSimulator, type Simulator } from '../simulator/index';
import { call, callAs, clock, envelope, json, NOW, parse, parseSse, startShared, sum } from './simulator-support';

// the client's schemas in AIHubMix's envelope (a bareEnvelope is the bare envelope), and the shapes of the answers the
// client does not read
const tokens = envelope(z.array(tokenSchema));
const token = envelope(tokenSchema);
const tokenPage = envelope(
  z.object({ page: z.number(), page_size: z.number(), total: z.number(), items: z.array(tokenSchema) }),
);
const bareEnvelope = envelopeSchema;
const openAiError = openAiErrorSchema.extend({ error: z.object({ message: z.string(), type: z.string() }) });
/** For assertions on the wire form itself (the client's schemas turn digit strings into numbers, lists into arrays). */
const wireItems = z.array(z.record(z.string(), z.unknown()));
const v1Models = z.object({ object: z.literal('list'), data: z.array(z.object({ id: z.string() })) });

let sim: Simulator;
let hAuth: Record<string, string>;
before(async () => {
  ({ sim, hAuth } = await startShared());
});
after(() => sim.close());

const H = (p: string): string => sim.aihubmix.url + p;

describe('AIHubMix', () => {
  test('auth: raw and Bearer, missing header 401, wrong token 200 success:false', async () => {
    const raw = await callAs(envelope(userSelfSchema), H('/api/user/self'), { headers: hAuth });
    assert.equal(raw.status, 200);
    assert.equal(raw.body.success, true);
    assert.equal(raw.body.data.id, sim.aihubmix.userId);
    assert.equal(raw.body.data.quota, 617280000);
    const b = await callAs(bareEnvelope, H('/api/user/self'), {
      headers: { authorization: `Bearer ${sim.aihubmix.accessToken}` },
    });
    assert.equal(b.body.success, true);
    const none = await call(H('/api/user/self'));
    assert.equal(none.status, 401);
    assert.deepEqual(none.body, { success: false, message: '无权进行此操作，未登录且未提供 access token' });
    const wrong = await call(H('/api/user/self'), { headers: { authorization: 'deadbeef' } });
    assert.equal(wrong.status, 200);
    assert.deepEqual(wrong.body, { success: false, message: '无权进行此操作，access token 无效' });
    assert.match(sim.aihubmix.accessToken, /^[0-9a-f]{32}$/);
  });

  test('tokens: list paging, search, get, create, full-replace PUT, status_only, delete', async () => {
    const p0 = await callAs(tokens, H('/api/token/?p=0&num=20'), { headers: hAuth });
    assert.equal(p0.body.success, true);
    assert.equal(p0.body.data.length, 20);
    const ids = p0.body.data.map((t) => t.id);
    assert.deepEqual(
      ids,
      [...ids].sort((a, b) => b - a),
    );
    const def = await callAs(tokens, H('/api/token/'), { headers: hAuth });
    assert.equal(def.body.data.length, 10);
    const p2 = await callAs(tokens, H('/api/token/?p=2&num=20'), { headers: hAuth });
    assert.equal(p2.body.data.length, 8);
    for (const t of p0.body.data) {
      assert.match(t.key, /^[A-Za-z0-9]{48}$/);
      assert.ok([1, 2, 3, 4].includes(t.status));
    }
    const search = await callAs(tokens, H('/api/token/search?keyword=prod'), { headers: hAuth });
    assert.ok(search.body.data.length > 0 && search.body.data.every((t) => t.name.startsWith('prod')));
    const noKw = await callAs(bareEnvelope, H('/api/token/search'), { headers: hAuth });
    assert.equal(noKw.body.success, false);

    const long = await call(H('/api/token/'), json('POST', { name: 'x'.repeat(31), expired_time: -1 }, hAuth));
    assert.deepEqual(long.body, { success: false, message: '令牌名称过长' });
    const badNet = await callAs(
      bareEnvelope,
      H('/api/token/'),
      json('POST', { name: 'n', subnet: '10.0.0.0/8,nope' }, hAuth),
    );
    assert.equal(badNet.body.success, false);
    assert.match(badNet.body.message ?? '', /^无效的网段：/);
    const past = await callAs(bareEnvelope, H('/api/token/'), json('POST', { name: 'n', expired_time: 1000 }, hAuth));
    assert.equal(past.body.success, false);

    const c = await callAs(
      token,
      H('/api/token/'),
      json(
        'POST',
        {
          name: 'sim-test',
          expired_time: -1,
          unlimited_quota: false,
          remain_quota: 500000,
          models: 'gpt-4.1,claude-sonnet-4-6',
          subnet: '',
          status: 2,
        },
        hAuth,
      ),
    );
    assert.equal(c.body.success, true);
    assert.equal(c.body.data.status, 1);
    assert.match(c.body.data.key, /^[A-Za-z0-9]{48}$/);
    const id = c.body.data.id;
    const g = await callAs(token, H(`/api/token/${id}`), { headers: hAuth });
    assert.equal(g.body.data.key, c.body.data.key);
    assert.deepEqual(await call(H('/api/token/999999'), { headers: hAuth }).then((r) => r.body), {
      success: false,
      message: 'record not found',
    });
    assert.equal((await callAs(bareEnvelope, H('/api/token/abc'), { headers: hAuth })).body.success, false);

    // full replace: omitted fields become zero values, status ignored
    const put = await callAs(token, H('/api/token/'), json('PUT', { id, name: 'renamed', status: 2 }, hAuth));
    assert.equal(put.body.success, true);
    assert.equal(put.body.data.name, 'renamed');
    assert.equal(put.body.data.status, 1);
    assert.equal(put.body.data.models, '');
    assert.equal(put.body.data.remain_quota, 0);
    assert.equal(put.body.data.expired_time, 0);
    assert.equal((await callAs(bareEnvelope, H('/api/token/'), json('PUT', { name: 'x' }, hAuth))).body.success, false);

    // status_only: disable, then enabling fails (expired_time 0 is in the past), fix it, then exhausted
    const dis = await callAs(token, H('/api/token/?status_only=true'), json('PUT', { id, status: 2 }, hAuth));
    assert.equal(dis.body.data.status, 2);
    const en1 = await call(H('/api/token/?status_only=true'), json('PUT', { id, status: 1 }, hAuth));
    assert.deepEqual(en1.body, {
      success: false,
      message: '令牌已过期，无法启用，请先修改令牌过期时间，或者设置为永不过期',
    });
    await call(
      H('/api/token/'),
      json(
        'PUT',
        { id, name: 'renamed', expired_time: -1, remain_quota: 0, unlimited_quota: false, models: '', subnet: '' },
        hAuth,
      ),
    );
    const en2 = await call(H('/api/token/?status_only=true'), json('PUT', { id, status: 1 }, hAuth));
    assert.deepEqual(en2.body, {
      success: false,
      message: '令牌可用额度已用尽，无法启用，请先修改令牌剩余额度，或者设置为无限额度',
    });
    await call(
      H('/api/token/'),
      json(
        'PUT',
        { id, name: 'renamed', expired_time: -1, remain_quota: 0, unlimited_quota: true, models: '', subnet: '' },
        hAuth,
      ),
    );
    const en3 = await callAs(token, H('/api/token/?status_only=true'), json('PUT', { id, status: 1 }, hAuth));
    assert.equal(en3.body.data.status, 1);

    const del = await call(H(`/api/token/${id}`), { method: 'DELETE', headers: hAuth });
    assert.deepEqual(del.body, { success: true, message: '' });
    assert.equal(
      (await callAs(bareEnvelope, H(`/api/token/${id}`), { method: 'DELETE', headers: hAuth })).body.success,
      false,
    );
  });

  test('models, status, logs and stat', async () => {
    const cat = await callAs(envelope(catalogueSchema), H('/api/v1/models'));
    assert.equal(cat.body.success, true);
    assert.ok(cat.body.data.length >= 30);
    // on the wire: numbers, not the strings the docs show
    const first = parse(
      envelope(z.array(z.object({ pricing: z.object({ input: z.unknown() }), context_length: z.unknown() }))),
      cat.raw,
    ).data[0];
    assert.equal(typeof first?.pricing.input, 'number');
    assert.equal(typeof first?.context_length, 'number');
    const thinking = await callAs(
      envelope(catalogueSchema),
      H('/api/v1/models?features=thinking&sort_by=context_length&sort_order=desc'),
    );
    const ctxs = thinking.body.data.map((m) => m.context_length ?? 0);
    assert.deepEqual(
      ctxs,
      [...ctxs].sort((a, b) => b - a),
    );
    assert.ok(thinking.body.data.every((m) => m.features.includes('thinking')));
    const st = await callAs(envelope(z.object({ quota_per_unit: z.number() })), H('/api/status'));
    assert.equal(st.body.data.quota_per_unit, 500000);
    const chans = await callAs(envelope(z.record(z.string(), z.unknown())), H('/api/models'), { headers: hAuth });
    assert.ok(Object.keys(chans.body.data).length > 5);
    const avail = await callAs(envelope(availableModelsSchema), H('/api/user/available_models'), { headers: hAuth });
    assert.ok(avail.body.data.includes('gpt-4.1'));

    const start = Math.floor(NOW / 1000) - 3 * 86400;
    const logList = envelope(z.array(logSchema));
    const logs = await callAs(logList, H(`/api/log/self?p=0&num=50&type=2&start_timestamp=${start}`), {
      headers: hAuth,
    });
    assert.equal(logs.body.data.length, 50);
    const times = logs.body.data.map((l) => l.created_at);
    assert.deepEqual(
      times,
      [...times].sort((a, b) => b - a),
    );
    let total = 0;
    for (let p = 0; ; p++) {
      const page = (
        await callAs(logList, H(`/api/log/self?p=${p}&num=100&type=2&start_timestamp=${start}`), { headers: hAuth })
      ).body.data;
      total += sum(page, 'quota');
      if (page.length < 100) {
        break;
      }
    }
    const stat = await callAs(envelope(logStatSchema), H(`/api/log/self/stat?type=2&start_timestamp=${start}`), {
      headers: hAuth,
    });
    assert.equal(stat.body.data.quota, total);
    assert.ok('rpm' in stat.body.data && 'tpm' in stat.body.data);
  });

  test('chat consumes quota, logs it; stream always has usage; errors with request id', async () => {
    const t = sim.state.aihubmix.tokens.find(
      (x) =>
        x.status === 1 &&
        !x.unlimited_quota &&
        (x.models ?? '') === '' &&
        x.expired_time === -1 &&
        x.remain_quota > 1_000_000,
    );
    assert.ok(t);
    const remain = t.remain_quota;
    const logsBefore = sim.state.aihubmix.logs.length;
    const r = await fetch(
      H('/v1/chat/completions'),
      json(
        'POST',
        { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hello' }], stream: true },
        { authorization: `Bearer sk-${t.key}` },
      ),
    );
    const sse = parseSse(await r.text());
    assert.ok(!sse.raw.startsWith(':'));
    const usage = sse.chunks.find((c) => c.usage);
    assert.ok(usage && usage.choices?.length === 0);
    assert.equal(sse.data[sse.data.length - 1], '[DONE]');
    assert.ok(t.remain_quota < remain);
    assert.equal(sim.state.aihubmix.logs.length, logsBefore + 1);
    assert.equal(sim.state.aihubmix.logs[sim.state.aihubmix.logs.length - 1]?.token_name, t.name);

    const bad = await callAs(
      openAiError,
      H('/v1/chat/completions'),
      json(
        'POST',
        { model: 'gpt-4.1', messages: [{ role: 'user', content: 'x' }] },
        { authorization: 'Bearer sk-nope' },
      ),
    );
    assert.equal(bad.status, 401);
    assert.equal(bad.body.error.type, 'one_api_error');
    assert.match(bad.body.error.message, /\(request id: \d+\)$/);
    const restricted = sim.state.aihubmix.tokens.find(
      (x) =>
        x.status === 1 &&
        x.expired_time === -1 &&
        (x.models ?? '').split(',').length > 0 &&
        (x.models ?? '') !== '' &&
        !(x.models ?? '').split(',').includes('gpt-4.1') &&
        (x.unlimited_quota || x.remain_quota > 0),
    );
    assert.ok(restricted);
    const forbidden = await callAs(
      openAiError,
      H('/v1/chat/completions'),
      json(
        'POST',
        { model: 'gpt-4.1', messages: [{ role: 'user', content: 'x' }] },
        { authorization: `Bearer sk-${restricted.key}` },
      ),
    );
    assert.equal(forbidden.status, 403);
    assert.match(forbidden.body.error.message, /^该令牌无权使用模型：gpt-4\.1/);
    const m = await callAs(v1Models, H('/v1/models'), {
      headers: { authorization: `Bearer ${sim.aihubmix.modelKey}` },
    });
    assert.equal(m.body.object, 'list');
    assert.ok(m.body.data.length >= 30);
  });

  test('GET /api/user/token regenerates the access token (recorded)', async () => {
    const s2 = await startSimulator({ seed: 3, keyCount: 3, now: clock, streamTokensPerSecond: 0 });
    try {
      const old = s2.aihubmix.accessToken;
      const r = await callAs(envelope(z.string()), s2.aihubmix.url + '/api/user/token', {
        headers: { authorization: old },
      });
      assert.equal(r.body.success, true);
      assert.equal(typeof r.body.data, 'string');
      assert.notEqual(r.body.data, old);
      assert.equal(s2.aihubmix.accessToken, r.body.data);
      assert.equal(s2.state.aihubmix.accessTokenRegenerations, 1);
      assert.ok(s2.requests.some((q) => q.path === '/api/user/token'));
      const stale = await callAs(bareEnvelope, s2.aihubmix.url + '/api/user/self', { headers: { authorization: old } });
      assert.equal(stale.body.success, false);
    } finally {
      await s2.close();
    }
  });
});

describe('AIHubMix, new-api dialect', () => {
  let na: Simulator;
  let auth: Record<string, string>;
  const N = (path: string) => na.aihubmix.url + path;
  before(async () => {
    na = await startSimulator({
      seed: 42,
      keyCount: 48,
      now: clock,
      streamTokensPerSecond: 0,
      aihubmixDialect: 'new-api',
    });
    auth = { authorization: `Bearer ${na.aihubmix.accessToken}` };
  });
  after(() => na.close());

  test('the same seeded tokens as one-api, with new-api fields (groups, kept-but-disabled model limits, newline allow_ips)', async () => {
    // one fixed instant for both: seeded dates are relative to "now", and a clock that moves between the two starts
    // (a busy machine) would shift them by a second
    const fixed = (): number => NOW;
    const one = await startSimulator({ seed: 42, keyCount: 48, now: fixed, streamTokensPerSecond: 0 });
    const other = await startSimulator({
      seed: 42,
      keyCount: 48,
      now: fixed,
      streamTokensPerSecond: 0,
      aihubmixDialect: 'new-api',
    });
    try {
      const a = one.state.aihubmix.tokens;
      const b = other.state.aihubmix.tokens;
      assert.deepEqual(
        b.map((t) => [t.id, t.key, t.name, t.status, t.expired_time, t.remain_quota]),
        a.map((t) => [t.id, t.key, t.name, t.status, t.expired_time, t.remain_quota]),
      );
      assert.ok(b.some((t) => t.group === 'vip' || t.group === 'svip'));
      assert.ok(b.some((t) => t.group === 'auto' && t.auto_groups && t.auto_groups.length > 0));
      assert.ok(
        b.some((t) => !t.model_limits_enabled && (t.models ?? '') !== ''),
        'a list kept while disabled',
      );
      assert.ok(
        b.some((t) => (t.subnet ?? '').includes('\n')),
        'allow_ips is a newline list',
      );
      assert.equal(one.aihubmix.dialect, 'one-api');
      assert.equal(other.aihubmix.dialect, 'new-api');
    } finally {
      await one.close();
      await other.close();
    }
  });

  test('list: {page, page_size, total, items}, p from 1 (p < 1 reads as 1), page_size (default 10), masked keys, new-api field names', async () => {
    const p0 = await callAs(tokenPage, N('/api/token/?p=0'), { headers: auth });
    assert.equal(p0.body.success, true);
    assert.equal(p0.body.data.page, 1);
    assert.equal(p0.body.data.page_size, 10);
    assert.equal(p0.body.data.total, 48);
    assert.equal(p0.body.data.items.length, 10);
    const p1 = await callAs(tokenPage, N('/api/token/?p=1&page_size=10'), { headers: auth });
    assert.deepEqual(
      p1.body.data.items.map((t) => t.id),
      p0.body.data.items.map((t) => t.id),
    );
    const p2 = await callAs(tokenPage, N('/api/token/?p=2&page_size=10&num=3'), { headers: auth });
    assert.equal(p2.body.data.items.length, 10, 'num is not a new-api parameter');
    assert.ok(p2.body.data.items[0]!.id < p1.body.data.items[9]!.id);
    const t = p0.body.data.items[0]!;
    assert.match(t.key, /^[A-Za-z0-9]{4}\*{10}[A-Za-z0-9]{4}$/);
    const wire = parse(envelope(z.object({ items: wireItems })), p0.raw).data.items[0]!;
    for (const f of [
      'model_limits_enabled',
      'model_limits',
      'allow_ips',
      'group',
      'cross_group_retry',
      'billing_type',
      'DeletedAt',
      'auto_groups',
    ])
      assert.ok(f in wire, f);
    assert.ok(!('models' in wire) && !('subnet' in wire));
    const one = await callAs(token, N(`/api/token/${t.id}`), { headers: auth });
    assert.equal(one.body.data.key, t.key, 'masked on get too');
    const reveal = await call(N(`/api/token/${t.id}/key`), { method: 'POST', headers: auth });
    assert.deepEqual(reveal.body, {
      success: true,
      message: '',
      data: { key: na.state.aihubmix.tokens.find((x) => x.id === t.id)?.key },
    });
  });

  test('create answers without data; a full PUT resets what it leaves out to zero values, as new-api does', async () => {
    const c = await call(
      N('/api/token/'),
      json(
        'POST',
        {
          name: 'na-sim',
          remain_quota: 500000,
          model_limits_enabled: true,
          model_limits: 'gpt-4.1',
          allow_ips: '10.0.0.1',
          group: 'vip',
        },
        auth,
      ),
    );
    assert.deepEqual(c.body, { success: true, message: '' });
    const t = na.state.aihubmix.tokens.at(-1)!;
    assert.equal(t.name, 'na-sim');
    assert.equal(t.expired_time, -1, 'expired_time omitted (0) takes the column default -1');
    assert.equal(t.group, 'vip');
    assert.equal(
      (await callAs(bareEnvelope, N('/api/token/'), json('POST', { name: 'x'.repeat(51) }, auth))).body.message,
      '令牌名称过长',
    );
    assert.equal(
      (await callAs(bareEnvelope, N('/api/token/'), json('POST', { name: 'neg', remain_quota: -1 }, auth))).body
        .message,
      '额度值不能为负数',
    );
    assert.equal(
      (
        await callAs(
          bareEnvelope,
          N('/api/token/'),
          json('POST', { name: 'neg-unl', remain_quota: -1, unlimited_quota: true }, auth),
        )
      ).body.success,
      true,
    );

    const put = await callAs(token, N('/api/token/'), json('PUT', { id: t.id, name: 'na-sim-2', status: 2 }, auth));
    assert.equal(put.body.success, true);
    const d = put.body.data;
    assert.equal(d.name, 'na-sim-2');
    assert.equal(d.status, 1, 'status is not part of the full replace');
    assert.equal(d.model_limits, '');
    assert.equal(d.model_limits_enabled, false);
    assert.equal(d.allow_ips, null);
    assert.equal(d.group, '');
    assert.equal(d.expired_time, 0);
    assert.equal(d.remain_quota, 0);
    assert.match(d.key, /\*{10}/);
    const dis = await callAs(token, N('/api/token/?status_only=true'), json('PUT', { id: t.id, status: 2 }, auth));
    assert.equal(dis.body.data.status, 2);
    const en = await callAs(token, N('/api/token/?status_only=true'), json('PUT', { id: t.id, status: 1 }, auth));
    assert.equal(
      en.body.data.status,
      1,
      'new-api checks the stored status: a key never flipped to expired may be enabled',
    );
    const batch = await call(N('/api/token/batch'), json('POST', { ids: [t.id, 999999] }, auth));
    assert.deepEqual(batch.body, { success: true, message: '', data: 1 });
  });

  test('search: exact without %, a LIKE pattern with up to two, 100 per page, id desc', async () => {
    const name = na.state.aihubmix.tokens[5]!.name;
    const exact = await callAs(tokenPage, N(`/api/token/search?keyword=${encodeURIComponent(name)}`), {
      headers: auth,
    });
    assert.ok(exact.body.data.items.every((t) => t.name.toLowerCase() === name.toLowerCase()));
    assert.ok(exact.body.data.items.length >= 1);
    const fuzzy = await callAs(tokenPage, N('/api/token/search?keyword=%25prod%25&p=1&page_size=5'), { headers: auth });
    assert.ok(fuzzy.body.data.total > 5 && fuzzy.body.data.items.length === 5);
    assert.ok(fuzzy.body.data.items.every((t) => t.name.includes('prod')));
    const ids = fuzzy.body.data.items.map((t) => t.id);
    assert.deepEqual(
      ids,
      [...ids].sort((a, b) => b - a),
    );
    assert.equal(
      (await callAs(bareEnvelope, N('/api/token/search?keyword=%25%25x'), { headers: auth })).body.success,
      false,
    );
    assert.equal(
      (await callAs(bareEnvelope, N('/api/token/search?keyword=%25a%25b%25'), { headers: auth })).body.success,
      false,
    );
  });

  test('logs: the page object, use_time in seconds, p from 1', async () => {
    const start = Math.floor(NOW / 1000) - 3 * 86400;
    const logPage = envelope(z.object({ page: z.number(), total: z.number(), items: z.array(logSchema) }));
    const p1 = await callAs(logPage, N(`/api/log/self?p=1&page_size=20&type=2&start_timestamp=${start}`), {
      headers: auth,
    });
    assert.equal(p1.body.data.page, 1);
    assert.equal(p1.body.data.items.length, 20);
    assert.ok(p1.body.data.total > 20);
    const wire = parse(envelope(z.object({ items: wireItems })), p1.raw).data.items[0]!;
    assert.ok('use_time' in wire && !('elapsed_time' in wire));
    const p2 = await callAs(logPage, N(`/api/log/self?p=2&page_size=20&type=2&start_timestamp=${start}`), {
      headers: auth,
    });
    assert.ok(p2.body.data.items[0]!.id < p1.body.data.items[19]!.id);
  });

  test('auth: a wrong token is a real 401 with a code; New-Api-User required when configured', async () => {
    const wrong = await call(N('/api/user/self'), { headers: { authorization: 'Bearer nope' } });
    assert.equal(wrong.status, 401);
    assert.deepEqual(wrong.body, {
      success: false,
      code: 'AUTH_UNAUTHORIZED',
      message: '无权进行此操作，access token 无效',
    });
    assert.equal(
      (await callAs(bareEnvelope, N('/api/user/self'), { headers: auth })).body.success,
      true,
      'not required by default',
    );
    const strict = await startSimulator({
      seed: 2,
      keyCount: 3,
      now: clock,
      aihubmixDialect: 'new-api',
      requireNewApiUser: true,
    });
    try {
      const h = { authorization: strict.aihubmix.accessToken };
      const S = (path: string) => strict.aihubmix.url + path;
      assert.deepEqual((await call(S('/api/user/self'), { headers: h })).body, {
        success: false,
        message: '无权进行此操作，未提供 New-Api-User',
      });
      assert.equal(
        (await callAs(bareEnvelope, S('/api/user/self'), { headers: { ...h, 'New-Api-User': 'abc' } })).body.message,
        '无权进行此操作，New-Api-User 格式错误',
      );
      const mismatch = await callAs(bareEnvelope, S('/api/user/self'), {
        headers: { ...h, 'New-Api-User': String(strict.aihubmix.userId + 1) },
      });
      assert.equal(mismatch.status, 401);
      assert.equal(mismatch.body.message, '无权进行此操作，New-Api-User 与登录用户不匹配');
      assert.equal(
        (
          await callAs(bareEnvelope, S('/api/user/self'), {
            headers: { ...h, 'New-Api-User': String(strict.aihubmix.userId) },
          })
        ).body.success,
        true,
      );
      assert.equal(
        (await callAs(envelope(catalogueSchema), S('/api/v1/models'))).body.success,
        true,
        'the public catalogue needs nothing',
      );
    } finally {
      await strict.close();
    }
  });

  test('the one-api dialect has no reveal route; the option and the CLI flag are checked', async () => {
    const one = await startSimulator({ seed: 1, keyCount: 2, now: clock });
    try {
      const r = await call(one.aihubmix.url + `/api/token/${one.state.aihubmix.tokens[0]!.id}/key`, {
        method: 'POST',
        headers: { authorization: one.aihubmix.accessToken },
      });
      assert.equal(r.status, 404);
    } finally {
      await one.close();
    }
    await assert.rejects(startSimulator({ aihubmixDialect: 'other' as 'new-api' }), /aihubmixDialect/);
    const o = parseArgs(['--dialect', 'new-api', '--new-api-user', 'required'], {});
    assert.equal(o.dialect, 'new-api');
    assert.equal(o.requireNewApiUser, true);
    assert.equal(parseArgs([], { AGC_SIM_DIALECT: 'new-api' }).dialect, 'new-api');
    assert.equal(parseArgs([], {}).dialect, 'one-api');
    assert.throws(() => parseArgs(['--dialect', 'two-api'], {}), /--dialect must be one of/);
  });
});
