/* Tests of the gateway simulator over real loopback HTTP (node:test + fetch). */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { parseArgs } from '../simulator/cli';
import { startSimulator, type Simulator } from '../simulator/index';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;

const NOW = Date.UTC(2026, 10, 18, 9, 30, 0); // Wed 2026-11-18 09:30 UTC
const t0 = Date.now();
const clock = (): number => NOW + (Date.now() - t0);

interface Res {
  status: number;
  headers: Headers;
  body: Any;
  text: string;
}

async function call(url: string, init: RequestInit = {}): Promise<Res> {
  const r = await fetch(url, init);
  const text = await r.text();
  let body: Any = undefined;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: r.status, headers: r.headers, body, text };
}

function json(method: string, body: unknown, headers: Record<string, string> = {}): RequestInit {
  return { method, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) };
}

interface Sse {
  raw: string;
  comments: string[];
  data: string[];
  chunks: Any[];
}

function parseSse(raw: string): Sse {
  const out: Sse = { raw, comments: [], data: [], chunks: [] };
  for (const block of raw.split('\n\n')) {
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) {
        out.comments.push(line);
      } else if (line.startsWith('data: ')) {
        const d = line.slice(6);
        out.data.push(d);
        if (d !== '[DONE]') {
          out.chunks.push(JSON.parse(d));
        }
      }
    }
  }
  return out;
}

function contentOf(sse: Sse): string {
  return sse.chunks.map((c) => (c.choices?.[0]?.delta?.content as string | undefined) ?? '').join('');
}

const sum = (rows: Any[], f: string): number => rows.reduce((s: number, r: Any) => s + Number(r[f]), 0);
/** Sums decimal strings with exactly 4 decimals as integers of 1/10000. */
const sumE4 = (vals: string[]): number => vals.reduce((s, v) => s + Math.round(Number(v) * 10000), 0);

let sim: Simulator;
let aAuth: Record<string, string>;
let hAuth: Record<string, string>;

before(async () => {
  sim = await startSimulator({ seed: 42, now: clock, streamTokensPerSecond: 0 });
  aAuth = { authorization: `Bearer ${sim.aione.adminToken}` };
  hAuth = { authorization: sim.aihubmix.accessToken };
});

after(async () => {
  await sim.close();
});

const A = (p: string): string => sim.aione.url + p;
const H = (p: string): string => sim.aihubmix.url + p;

describe('AIone management', () => {
  test('auth failures: missing, wrong, model key', async () => {
    const missing = await call(A('/api/v1/gateway/keys'));
    assert.equal(missing.status, 401);
    assert.deepEqual(missing.body, { detail: 'Not authenticated' });
    const wrong = await call(A('/api/v1/gateway/keys'), { headers: { authorization: 'Bearer agc-admin-nope' } });
    assert.equal(wrong.status, 401);
    assert.deepEqual(wrong.body, { detail: 'Invalid authentication credentials' });
    const model = await call(A('/api/v1/gateway/keys'), { headers: { authorization: `Bearer ${sim.aione.modelKey}` } });
    assert.equal(model.status, 403);
    assert.deepEqual(model.body, { detail: 'Model keys cannot manage the gateway' });
    assert.match(sim.aione.adminToken, /^agc-admin-[0-9a-f]{32}$/);
  });

  test('list keys: paging, order, masking, filters, 422', async () => {
    const p1 = await call(A('/api/v1/gateway/keys?page=1&page_size=20'), { headers: aAuth });
    assert.equal(p1.status, 200);
    assert.equal(p1.body.total, 48);
    assert.equal(p1.body.items.length, 20);
    assert.equal(p1.body.page, 1);
    assert.equal(p1.body.page_size, 20);
    const p3 = await call(A('/api/v1/gateway/keys?page=3&page_size=20'), { headers: aAuth });
    assert.equal(p3.body.items.length, 8);
    const created = [...p1.body.items, ...p3.body.items].map((k: Any) => k.created_at as string);
    assert.deepEqual(created.slice(0, 20), [...created.slice(0, 20)].sort().reverse());
    for (const k of p1.body.items as Any[]) {
      assert.match(k.key, /^sk-nex-[A-Za-z0-9]{4}…[A-Za-z0-9]{4}$/);
      assert.equal(k.key_prefix, (k.key as string).slice(0, 11));
      assert.ok(['active', 'disabled', 'expired'].includes(k.status));
    }
    const statuses = new Set((await call(A('/api/v1/gateway/keys?page_size=100'), { headers: aAuth })).body.items.map((k: Any) => k.status));
    assert.deepEqual([...statuses].sort(), ['active', 'disabled', 'expired']);
    const disabled = await call(A('/api/v1/gateway/keys?status=disabled&page_size=100'), { headers: aAuth });
    assert.ok(disabled.body.items.length > 0 && disabled.body.items.every((k: Any) => k.status === 'disabled'));
    const q = await call(A('/api/v1/gateway/keys?q=DEFAULT-dev'), { headers: aAuth });
    assert.equal(q.body.total, 1);

    const bad = await call(A('/api/v1/gateway/keys?page=1&page_size=101'), { headers: aAuth });
    assert.equal(bad.status, 422);
    assert.deepEqual(bad.body, {
      detail: [{ type: 'less_than_equal', loc: ['query', 'page_size'], msg: 'Input should be less than or equal to 100', input: '101', ctx: { le: 100 } }],
    });
    const bad0 = await call(A('/api/v1/gateway/keys?page=0'), { headers: aAuth });
    assert.equal(bad0.status, 422);
    assert.equal(bad0.body.detail[0].type, 'greater_than_equal');
  });

  test('create / get / update / rotate / disable / enable / delete', async () => {
    const team = sim.state.aione.teams[0]?.id;
    const c = await call(
      A('/api/v1/gateway/keys'),
      json('POST', { name: 'ci key', team_id: team, models_allowed: ['gpt-4.1'], allowed_ips: ['10.0.0.0/8', '2001:db8::1'], rpm_limit: 60, is_sandbox: true, unknown_field: 1 }, aAuth),
    );
    assert.equal(c.status, 201);
    assert.match(c.body.key, /^sk-nex-[A-Za-z0-9]{40}$/);
    assert.equal(c.body.status, 'active');
    assert.equal(c.body.team_id, team);
    const id = c.body.id as string;
    const secret = c.body.key as string;

    const g = await call(A(`/api/v1/gateway/keys/${id}`), { headers: aAuth });
    assert.equal(g.status, 200);
    assert.equal(g.body.key, `${secret.slice(0, 11)}…${secret.slice(-4)}`);

    // validation: several errors at once
    const v = await call(A('/api/v1/gateway/keys'), json('POST', { name: 'x'.repeat(65), rpm_limit: 0, allowed_ips: ['300.1.1.1'], expires_at: 'soon', team_id: 'nope', models_allowed: ['gpt-99'] }, aAuth));
    assert.equal(v.status, 422);
    const types = (v.body.detail as Any[]).map((e) => `${e.loc.join('.')}:${e.type}`).sort();
    assert.deepEqual(types, [
      'body.allowed_ips.0:value_error',
      'body.expires_at:datetime_parsing',
      'body.models_allowed.0:value_error',
      'body.name:string_too_long',
      'body.rpm_limit:greater_than_equal',
      'body.team_id:uuid_parsing',
    ]);
    const noTeam = await call(A('/api/v1/gateway/keys'), json('POST', { name: 'n', team_id: '00000000-0000-4000-8000-000000000000' }, aAuth));
    assert.equal(noTeam.status, 404);
    assert.deepEqual(noTeam.body, { detail: 'Team not found' });
    const badJson = await call(A('/api/v1/gateway/keys'), { method: 'POST', headers: { ...aAuth, 'content-type': 'application/json' }, body: '{"name":' });
    assert.equal(badJson.status, 422);
    assert.deepEqual(badJson.body, { detail: [{ loc: ['body'], msg: 'JSON decode error', type: 'json_invalid' }] });

    // update: only the five fields of KeyUpdateRequest; others silently ignored
    const u = await call(A(`/api/v1/gateway/keys/${id}`), json('PUT', { name: 'renamed', tpm_limit: 1000, expires_at: '2099-01-01T00:00:00Z', is_sandbox: false, team_id: null }, aAuth));
    assert.equal(u.status, 200);
    assert.equal(u.body.name, 'renamed');
    assert.equal(u.body.tpm_limit, 1000);
    assert.equal(u.body.expires_at, null);
    assert.equal(u.body.is_sandbox, true);
    assert.equal(u.body.team_id, team);

    // rotate: new full key, old secret keeps working during the grace period
    const r = await call(A(`/api/v1/gateway/keys/${id}/rotate`), json('PUT', { grace_hours: 2 }, aAuth));
    assert.equal(r.status, 200);
    assert.match(r.body.key, /^sk-nex-[A-Za-z0-9]{40}$/);
    assert.notEqual(r.body.key, secret);
    assert.ok(Date.parse(r.body.rotate_grace_until) > clock());
    const chatOld = await call(A('/v1/chat/completions'), json('POST', { model: 'gpt-4.1', messages: [{ role: 'user', content: 'hi' }] }, { authorization: `Bearer ${secret}` }));
    assert.equal(chatOld.status, 200);
    const badGrace = await call(A(`/api/v1/gateway/keys/${id}/rotate`), json('PUT', { grace_hours: 169 }, aAuth));
    assert.equal(badGrace.status, 422);

    const d = await call(A(`/api/v1/gateway/keys/${id}/disable`), { method: 'PUT', headers: aAuth });
    assert.equal(d.body.status, 'disabled');
    const rotDisabled = await call(A(`/api/v1/gateway/keys/${id}/rotate`), { method: 'PUT', headers: aAuth });
    assert.equal(rotDisabled.status, 409);
    const chatDisabled = await call(A('/v1/chat/completions'), json('POST', { model: 'gpt-4.1', messages: [{ role: 'user', content: 'hi' }] }, { authorization: `Bearer ${r.body.key as string}` }));
    assert.equal(chatDisabled.status, 401);
    const e = await call(A(`/api/v1/gateway/keys/${id}/enable`), { method: 'PUT', headers: aAuth });
    assert.equal(e.body.status, 'active');

    const expired = sim.state.aione.keys.find((k) => k.status === 'expired');
    assert.ok(expired);
    const enExp = await call(A(`/api/v1/gateway/keys/${expired.id}/enable`), { method: 'PUT', headers: aAuth });
    assert.equal(enExp.status, 409);
    assert.deepEqual(enExp.body, { detail: 'Key has expired' });

    const del = await call(A(`/api/v1/gateway/keys/${id}`), { method: 'DELETE', headers: aAuth });
    assert.equal(del.status, 204);
    assert.equal(del.text, '');
    const gone = await call(A(`/api/v1/gateway/keys/${id}`), { headers: aAuth });
    assert.equal(gone.status, 404);
    assert.deepEqual(gone.body, { detail: 'Key not found' });
    const nonUuid = await call(A('/api/v1/gateway/keys/abc'), { headers: aAuth });
    assert.equal(nonUuid.status, 422);
    assert.deepEqual(nonUuid.body.detail[0].loc, ['path', 'key_id']);
    assert.equal(nonUuid.body.detail[0].type, 'uuid_parsing');
  });

  test('models, billing plan / account / invoices', async () => {
    const m = await call(A('/api/v1/models'), { headers: aAuth });
    assert.equal(m.status, 200);
    assert.ok(m.body.total >= 30 && m.body.items.length === m.body.total);
    assert.ok((m.body.items as Any[]).some((x) => x.context_length === null));
    assert.ok((m.body.items as Any[]).some((x) => x.input_price === null));
    const gpt = (m.body.items as Any[]).find((x) => x.id === 'gpt-4.1');
    assert.equal(gpt.currency, 'CNY');
    assert.match(gpt.input_price, /^\d+\.\d+$/);

    const v1 = await call(A('/v1/models'), { headers: { authorization: `Bearer ${sim.aione.modelKey}` } });
    assert.equal(v1.body.object, 'list');
    assert.equal(v1.body.data.length, m.body.total);
    const restricted = sim.state.aione.keys.find((k) => k.status === 'active' && k.models_allowed && k.models_allowed.length > 0 && k.expires_at === null);
    assert.ok(restricted);
    const v1r = await call(A('/v1/models'), { headers: { authorization: `Bearer ${restricted.secret}` } });
    assert.deepEqual((v1r.body.data as Any[]).map((x) => x.id).sort(), [...(restricted.models_allowed ?? [])].sort());

    const plan = await call(A('/api/v1/billing/plan'), { headers: aAuth });
    assert.equal(plan.body.name, 'Team Pro');
    assert.equal(plan.body.status, 'active');
    const acct = await call(A('/api/v1/billing/account'), { headers: aAuth });
    assert.equal(acct.body.currency, 'CNY');
    assert.match(acct.body.balance_rmb, /^\d+\.\d{4}$/);
    const inv = await call(A('/api/v1/billing/invoices?page=1&page_size=20'), { headers: aAuth });
    assert.ok(Array.isArray(inv.body));
    assert.equal(inv.body.length, 14);
    assert.equal(inv.body[0].period, '2026-10');
    const inv2 = await call(A('/api/v1/billing/invoices?page=2&page_size=10'), { headers: aAuth });
    assert.equal(inv2.body.length, 4);
    const statuses = new Set((inv.body as Any[]).map((i) => i.status));
    assert.ok(statuses.has('paid') && statuses.has('unpaid'));
  });
});

describe('AIone usage and dashboard', () => {
  test('views add up; dashboard equals usage rows for the same range', async () => {
    const day = (d: number): string => new Date(NOW - d * 86_400_000).toISOString().slice(0, 10);
    const dash = await call(A('/api/v1/obs/dashboard?range_days=7'), { headers: aAuth });
    assert.equal(dash.status, 200);
    assert.equal(dash.body.view_mode, 'tech');
    const tech = dash.body.tech;
    const biz = dash.body.business;
    const byDay = await call(A(`/api/v1/obs/usage?start_date=${day(6)}&end_date=${day(0)}&group_by=day`), { headers: aAuth });
    assert.equal(byDay.status, 200);
    const rows = byDay.body.items as Any[];
    assert.equal(rows.length, 7);
    assert.equal(sum(rows, 'requests'), tech.total_requests);
    assert.equal(sum(rows, 'total_tokens'), tech.total_tokens);
    assert.equal(sum(rows, 'prompt_tokens'), tech.prompt_tokens);
    assert.equal(sumE4(rows.map((r) => r.cost_rmb)), sumE4([tech.total_cost_rmb]));
    assert.equal(tech.total_cost_rmb, biz.total_cost_rmb);
    for (const r of rows) {
      assert.match(r.cost_rmb, /^\d+\.\d{4}$/);
      assert.equal(r.total_tokens, r.prompt_tokens + r.completion_tokens);
    }
    assert.deepEqual(
      (tech.daily_trend as Any[]).map((t) => [t.date, t.requests, t.cost_rmb]),
      rows.map((r) => [r.date, r.requests, r.cost_rmb]),
    );
    assert.equal(sum(tech.model_distribution, 'requests'), tech.total_requests);
    assert.ok(sumE4((biz.team_cost_ranking as Any[]).map((t) => t.cost_rmb)) <= sumE4([tech.total_cost_rmb]));
    assert.equal(biz.total_conversations, tech.total_requests);
    assert.match(tech.error_rate_pct, /^\d+\.\d{2}$/);

    // by model / team / key over the range: same totals
    for (const g of ['model', 'team', 'key']) {
      const r = await call(A(`/api/v1/obs/usage?start_date=${day(6)}&end_date=${day(0)}&group_by=${g}`), { headers: aAuth });
      assert.equal(sum(r.body.items, 'requests'), tech.total_requests, g);
      assert.equal(sumE4((r.body.items as Any[]).map((x) => x.cost_rmb)), sumE4([tech.total_cost_rmb]), g);
    }
    // one past day: sum over models and over hours equals the day row
    const one = day(3);
    const dRow = (await call(A(`/api/v1/obs/usage?start_date=${one}&end_date=${one}`), { headers: aAuth })).body.items[0];
    const models = (await call(A(`/api/v1/obs/usage?start_date=${one}&end_date=${one}&group_by=model`), { headers: aAuth })).body.items as Any[];
    const hours = (await call(A(`/api/v1/obs/usage?start_date=${one}&end_date=${one}&group_by=hour`), { headers: aAuth })).body.items as Any[];
    assert.equal(hours.length, 24);
    assert.match(hours[0].date, /^\d{4}-\d{2}-\d{2}T00:00:00Z$/);
    for (const part of [models, hours]) {
      assert.equal(sum(part, 'requests'), dRow.requests);
      assert.equal(sum(part, 'total_tokens'), dRow.total_tokens);
      assert.equal(sum(part, 'errors'), dRow.errors);
      assert.equal(sumE4(part.map((x) => x.cost_rmb)), sumE4([dRow.cost_rmb]));
    }
    // 90 days of history, weekly seasonality
    const q = await call(A(`/api/v1/obs/usage?start_date=${day(89)}&end_date=${day(0)}`), { headers: aAuth });
    assert.equal(q.body.items.length, 90);
    assert.ok((q.body.items as Any[]).every((r) => r.requests > 0));
  });

  test('usage 422s and chat moves the dashboard', async () => {
    const bad = [
      '/api/v1/obs/usage?start_date=2026-01-01&end_date=2026-06-01',
      '/api/v1/obs/usage?start_date=2026-11-10&end_date=2026-11-01',
      '/api/v1/obs/usage?start_date=2026-11-01&end_date=2026-11-10&group_by=hour',
      '/api/v1/obs/usage?start_date=2026-13-01',
      '/api/v1/obs/usage?group_by=week',
      '/api/v1/obs/dashboard?range_days=0',
      '/api/v1/obs/dashboard?range_days=366',
    ];
    for (const p of bad) {
      const r = await call(A(p), { headers: aAuth });
      assert.equal(r.status, 422, p);
      assert.ok(Array.isArray(r.body.detail), p);
    }
    const before1 = (await call(A('/api/v1/obs/dashboard?range_days=1&view_mode=business'), { headers: aAuth })).body;
    assert.equal(before1.view_mode, 'business');
    const chat = await call(A('/v1/chat/completions'), json('POST', { model: 'gpt-4.1', messages: [{ role: 'user', content: 'count me' }] }, { authorization: `Bearer ${sim.aione.modelKey}` }));
    assert.equal(chat.status, 200);
    const after1 = (await call(A('/api/v1/obs/dashboard?range_days=1'), { headers: aAuth })).body;
    assert.equal(after1.tech.total_requests, before1.tech.total_requests + 1);
    assert.equal(after1.tech.total_tokens, before1.tech.total_tokens + chat.body.usage.total_tokens);
  });
});

describe('AIone chat', () => {
  const msg = (content: string): Any => [{ role: 'user', content }];

  test('errors in OpenAI style', async () => {
    const auth = { authorization: `Bearer ${sim.aione.modelKey}` };
    const badKey = await call(A('/v1/chat/completions'), json('POST', { model: 'gpt-4.1', messages: msg('x') }, { authorization: 'Bearer sk-nex-bogus' }));
    assert.equal(badKey.status, 401);
    assert.equal(badKey.body.error.code, 'invalid_api_key');
    const unknown = await call(A('/v1/chat/completions'), json('POST', { model: 'gpt-9', messages: msg('x') }, auth));
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.error.code, 'model_not_found');
    assert.equal(unknown.body.error.message, "Model 'gpt-9' not found");
    const noMsgs = await call(A('/v1/chat/completions'), json('POST', { model: 'gpt-4.1' }, auth));
    assert.equal(noMsgs.status, 400);
    assert.equal(noMsgs.body.error.type, 'invalid_request_error');
    const restricted = sim.state.aione.keys.find((k) => k.status === 'active' && k.expires_at === null && k.models_allowed && k.models_allowed.length > 0 && !k.models_allowed.includes('gpt-4.1'));
    assert.ok(restricted);
    const forbidden = await call(A('/v1/chat/completions'), json('POST', { model: 'gpt-4.1', messages: msg('x') }, { authorization: `Bearer ${restricted.secret}` }));
    assert.equal(forbidden.status, 403);
    assert.equal(forbidden.body.error.type, 'permission_error');
  });

  test('SSE stream: keep-alive, role, content, finish, usage only when asked, [DONE]', async () => {
    const auth = { authorization: `Bearer ${sim.aione.modelKey}` };
    const nonStream = await call(A('/v1/chat/completions'), json('POST', { model: 'claude-sonnet-4-6', messages: msg('explain streaming') }, auth));
    const r = await fetch(A('/v1/chat/completions'), json('POST', { model: 'claude-sonnet-4-6', messages: msg('explain streaming'), stream: true, stream_options: { include_usage: true } }, auth));
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), 'text/event-stream');
    assert.equal(r.headers.get('cache-control'), 'no-cache');
    assert.equal(r.headers.get('x-accel-buffering'), 'no');
    const sse = parseSse(await r.text());
    assert.ok(sse.raw.startsWith(': keepalive\n\n'));
    assert.equal(sse.data[sse.data.length - 1], '[DONE]');
    assert.equal(sse.chunks[0].choices[0].delta.role, 'assistant');
    const fin = sse.chunks[sse.chunks.length - 2];
    assert.deepEqual(fin.choices[0].delta, {});
    assert.equal(fin.choices[0].finish_reason, 'stop');
    const usage = sse.chunks[sse.chunks.length - 1];
    assert.deepEqual(usage.choices, []);
    assert.equal(usage.usage.total_tokens, nonStream.body.usage.total_tokens);
    const text = contentOf(sse);
    assert.equal(text, nonStream.body.choices[0].message.content);
    assert.ok(text.includes('你好，世界') && text.includes('```ts') && text.includes('|---|') && text.includes('🚀'));
    const rec = sim.streams[sim.streams.length - 1];
    assert.ok(rec && rec.finished && !rec.closedByClient && rec.splitWrites > 0);
    assert.equal(rec.chunksSent, sse.chunks.length);

    const noUsage = parseSse(await (await fetch(A('/v1/chat/completions'), json('POST', { model: 'gpt-4.1', messages: msg('hi'), stream: true }, auth))).text());
    assert.ok(noUsage.chunks.every((c) => c.usage === undefined && c.choices.length === 1));
  });

  test('some events arrive split in the middle of a UTF-8 character', async () => {
    const midCharChunks = await new Promise<number>((resolve, reject) => {
      const req = request(A('/v1/chat/completions'), { method: 'POST', headers: { authorization: `Bearer ${sim.aione.modelKey}`, 'content-type': 'application/json' } }, (res) => {
        let mid = 0;
        const all: Buffer[] = [];
        res.on('data', (c: Buffer) => {
          all.push(c);
          let k = c.length - 1;
          let cont = 0;
          while (k >= 0 && ((c[k] ?? 0) & 0xc0) === 0x80) {
            cont++;
            k--;
          }
          const lead = c[k] ?? 0;
          const need = lead >= 0xf0 ? 3 : lead >= 0xe0 ? 2 : lead >= 0xc0 ? 1 : 0;
          if (k >= 0 && need > cont) {
            mid++;
          }
        });
        res.on('end', () => {
          assert.ok(Buffer.concat(all).toString('utf8').includes('你好，世界'));
          resolve(mid);
        });
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(JSON.stringify({ model: 'gpt-4.1', messages: [{ role: 'user', content: 'utf-8 please' }], stream: true }));
    });
    assert.ok(midCharChunks > 0, 'at least one network chunk ends inside a multi-byte character');
  });

  test('tool call stream and long answer', async () => {
    const auth = { authorization: `Bearer ${sim.aione.modelKey}` };
    const sse = parseSse(await (await fetch(A('/v1/chat/completions'), json('POST', { model: 'gpt-4.1', messages: msg('please make a tool call'), stream: true }, auth))).text());
    const args: Record<number, string> = {};
    for (const c of sse.chunks) {
      for (const tc of (c.choices[0]?.delta?.tool_calls ?? []) as Any[]) {
        args[tc.index] = (args[tc.index] ?? '') + (tc.function?.arguments ?? '');
      }
    }
    assert.ok(sse.chunks.filter((c) => c.choices[0]?.delta?.tool_calls).length > 3);
    assert.equal(JSON.parse(args[0] ?? '').unit, 'celsius');
    assert.equal(sse.chunks[sse.chunks.length - 1].choices[0].finish_reason, 'tool_calls');

    const long = parseSse(await (await fetch(A('/v1/chat/completions'), json('POST', { model: 'gpt-4.1', messages: msg('give me a long answer'), stream: true }, auth))).text());
    assert.ok(Buffer.byteLength(contentOf(long)) >= 100 * 1024);
    assert.equal(long.data[long.data.length - 1], '[DONE]');
  });
});

describe('AIHubMix', () => {
  test('auth: raw and Bearer, missing header 401, wrong token 200 success:false', async () => {
    const raw = await call(H('/api/user/self'), { headers: hAuth });
    assert.equal(raw.status, 200);
    assert.equal(raw.body.success, true);
    assert.equal(raw.body.data.id, sim.aihubmix.userId);
    assert.equal(raw.body.data.quota, 617280000);
    const b = await call(H('/api/user/self'), { headers: { authorization: `Bearer ${sim.aihubmix.accessToken}` } });
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
    const p0 = await call(H('/api/token/?p=0&num=20'), { headers: hAuth });
    assert.equal(p0.body.success, true);
    assert.ok(Array.isArray(p0.body.data));
    assert.equal(p0.body.data.length, 20);
    const ids = (p0.body.data as Any[]).map((t) => t.id as number);
    assert.deepEqual(ids, [...ids].sort((a, b) => b - a));
    const def = await call(H('/api/token/'), { headers: hAuth });
    assert.equal(def.body.data.length, 10);
    const p2 = await call(H('/api/token/?p=2&num=20'), { headers: hAuth });
    assert.equal(p2.body.data.length, 8);
    for (const t of p0.body.data as Any[]) {
      assert.match(t.key, /^[A-Za-z0-9]{48}$/);
      assert.ok([1, 2, 3, 4].includes(t.status));
    }
    const search = await call(H('/api/token/search?keyword=prod'), { headers: hAuth });
    assert.ok((search.body.data as Any[]).length > 0 && (search.body.data as Any[]).every((t) => (t.name as string).startsWith('prod')));
    const noKw = await call(H('/api/token/search'), { headers: hAuth });
    assert.equal(noKw.body.success, false);

    const long = await call(H('/api/token/'), json('POST', { name: 'x'.repeat(31), expired_time: -1 }, hAuth));
    assert.deepEqual(long.body, { success: false, message: '令牌名称过长' });
    const badNet = await call(H('/api/token/'), json('POST', { name: 'n', subnet: '10.0.0.0/8,nope' }, hAuth));
    assert.equal(badNet.body.success, false);
    assert.match(badNet.body.message, /^无效的网段：/);
    const past = await call(H('/api/token/'), json('POST', { name: 'n', expired_time: 1000 }, hAuth));
    assert.equal(past.body.success, false);

    const c = await call(H('/api/token/'), json('POST', { name: 'sim-test', expired_time: -1, unlimited_quota: false, remain_quota: 500000, models: 'gpt-4.1,claude-sonnet-4-6', subnet: '', status: 2 }, hAuth));
    assert.equal(c.body.success, true);
    assert.equal(c.body.data.status, 1);
    assert.match(c.body.data.key, /^[A-Za-z0-9]{48}$/);
    const id = c.body.data.id as number;
    const g = await call(H(`/api/token/${id}`), { headers: hAuth });
    assert.equal(g.body.data.key, c.body.data.key);
    assert.deepEqual(await call(H('/api/token/999999'), { headers: hAuth }).then((r) => r.body), { success: false, message: 'record not found' });
    assert.equal((await call(H('/api/token/abc'), { headers: hAuth })).body.success, false);

    // full replace: omitted fields become zero values, status ignored
    const put = await call(H('/api/token/'), json('PUT', { id, name: 'renamed', status: 2 }, hAuth));
    assert.equal(put.body.success, true);
    assert.equal(put.body.data.name, 'renamed');
    assert.equal(put.body.data.status, 1);
    assert.equal(put.body.data.models, '');
    assert.equal(put.body.data.remain_quota, 0);
    assert.equal(put.body.data.expired_time, 0);
    assert.equal((await call(H('/api/token/'), json('PUT', { name: 'x' }, hAuth))).body.success, false);

    // status_only: disable, then enabling fails (expired_time 0 is in the past), fix it, then exhausted
    const dis = await call(H('/api/token/?status_only=true'), json('PUT', { id, status: 2 }, hAuth));
    assert.equal(dis.body.data.status, 2);
    const en1 = await call(H('/api/token/?status_only=true'), json('PUT', { id, status: 1 }, hAuth));
    assert.deepEqual(en1.body, { success: false, message: '令牌已过期，无法启用，请先修改令牌过期时间，或者设置为永不过期' });
    await call(H('/api/token/'), json('PUT', { id, name: 'renamed', expired_time: -1, remain_quota: 0, unlimited_quota: false, models: '', subnet: '' }, hAuth));
    const en2 = await call(H('/api/token/?status_only=true'), json('PUT', { id, status: 1 }, hAuth));
    assert.deepEqual(en2.body, { success: false, message: '令牌可用额度已用尽，无法启用，请先修改令牌剩余额度，或者设置为无限额度' });
    await call(H('/api/token/'), json('PUT', { id, name: 'renamed', expired_time: -1, remain_quota: 0, unlimited_quota: true, models: '', subnet: '' }, hAuth));
    const en3 = await call(H('/api/token/?status_only=true'), json('PUT', { id, status: 1 }, hAuth));
    assert.equal(en3.body.data.status, 1);

    const del = await call(H(`/api/token/${id}`), { method: 'DELETE', headers: hAuth });
    assert.deepEqual(del.body, { success: true, message: '' });
    assert.equal((await call(H(`/api/token/${id}`), { method: 'DELETE', headers: hAuth })).body.success, false);
  });

  test('models, status, logs and stat', async () => {
    const cat = await call(H('/api/v1/models'));
    assert.equal(cat.body.success, true);
    assert.ok(cat.body.data.length >= 30);
    const first = cat.body.data[0];
    assert.equal(typeof first.pricing.input, 'number');
    assert.equal(typeof first.context_length, 'number');
    const thinking = await call(H('/api/v1/models?features=thinking&sort_by=context_length&sort_order=desc'));
    const ctxs = (thinking.body.data as Any[]).map((m) => m.context_length as number);
    assert.deepEqual(ctxs, [...ctxs].sort((a, b) => b - a));
    assert.ok((thinking.body.data as Any[]).every((m) => (m.features as string).split(',').includes('thinking')));
    const st = await call(H('/api/status'));
    assert.equal(st.body.data.quota_per_unit, 500000);
    const chans = await call(H('/api/models'), { headers: hAuth });
    assert.ok(Object.keys(chans.body.data).length > 5);
    const avail = await call(H('/api/user/available_models'), { headers: hAuth });
    assert.ok(avail.body.data.includes('gpt-4.1'));

    const start = Math.floor(NOW / 1000) - 3 * 86400;
    const logs = await call(H(`/api/log/self?p=0&num=50&type=2&start_timestamp=${start}`), { headers: hAuth });
    assert.equal(logs.body.data.length, 50);
    const times = (logs.body.data as Any[]).map((l) => l.created_at as number);
    assert.deepEqual(times, [...times].sort((a, b) => b - a));
    let total = 0;
    for (let p = 0; ; p++) {
      const page = (await call(H(`/api/log/self?p=${p}&num=100&type=2&start_timestamp=${start}`), { headers: hAuth })).body.data as Any[];
      total += sum(page, 'quota');
      if (page.length < 100) {
        break;
      }
    }
    const stat = await call(H(`/api/log/self/stat?type=2&start_timestamp=${start}`), { headers: hAuth });
    assert.equal(stat.body.data.quota, total);
    assert.ok('rpm' in stat.body.data && 'tpm' in stat.body.data);
  });

  test('chat consumes quota, logs it; stream always has usage; errors with request id', async () => {
    const t = sim.state.aihubmix.tokens.find((x) => x.status === 1 && !x.unlimited_quota && (x.models ?? '') === '' && x.expired_time === -1 && x.remain_quota > 1_000_000);
    assert.ok(t);
    const remain = t.remain_quota;
    const logsBefore = sim.state.aihubmix.logs.length;
    const r = await fetch(H('/v1/chat/completions'), json('POST', { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hello' }], stream: true }, { authorization: `Bearer sk-${t.key}` }));
    const sse = parseSse(await r.text());
    assert.ok(!sse.raw.startsWith(':'));
    const usage = sse.chunks.find((c) => c.usage);
    assert.ok(usage && usage.choices.length === 0);
    assert.equal(sse.data[sse.data.length - 1], '[DONE]');
    assert.ok(t.remain_quota < remain);
    assert.equal(sim.state.aihubmix.logs.length, logsBefore + 1);
    assert.equal(sim.state.aihubmix.logs[sim.state.aihubmix.logs.length - 1]?.token_name, t.name);

    const bad = await call(H('/v1/chat/completions'), json('POST', { model: 'gpt-4.1', messages: [{ role: 'user', content: 'x' }] }, { authorization: 'Bearer sk-nope' }));
    assert.equal(bad.status, 401);
    assert.equal(bad.body.error.type, 'one_api_error');
    assert.match(bad.body.error.message, /\(request id: \d+\)$/);
    const restricted = sim.state.aihubmix.tokens.find((x) => x.status === 1 && x.expired_time === -1 && (x.models ?? '').split(',').length > 0 && (x.models ?? '') !== '' && !(x.models ?? '').split(',').includes('gpt-4.1') && (x.unlimited_quota || x.remain_quota > 0));
    assert.ok(restricted);
    const forbidden = await call(H('/v1/chat/completions'), json('POST', { model: 'gpt-4.1', messages: [{ role: 'user', content: 'x' }] }, { authorization: `Bearer sk-${restricted.key}` }));
    assert.equal(forbidden.status, 403);
    assert.match(forbidden.body.error.message, /^该令牌无权使用模型：gpt-4\.1/);
    const m = await call(H('/v1/models'), { headers: { authorization: `Bearer ${sim.aihubmix.modelKey}` } });
    assert.equal(m.body.object, 'list');
    assert.ok(m.body.data.length >= 30);
  });

  test('GET /api/user/token regenerates the access token (recorded)', async () => {
    const s2 = await startSimulator({ seed: 3, keyCount: 3, now: clock, streamTokensPerSecond: 0 });
    try {
      const old = s2.aihubmix.accessToken;
      const r = await call(s2.aihubmix.url + '/api/user/token', { headers: { authorization: old } });
      assert.equal(r.body.success, true);
      assert.equal(typeof r.body.data, 'string');
      assert.notEqual(r.body.data, old);
      assert.equal(s2.aihubmix.accessToken, r.body.data);
      assert.equal(s2.state.aihubmix.accessTokenRegenerations, 1);
      assert.ok(s2.requests.some((q) => q.path === '/api/user/token'));
      const stale = await call(s2.aihubmix.url + '/api/user/self', { headers: { authorization: old } });
      assert.equal(stale.body.success, false);
    } finally {
      await s2.close();
    }
  });
});

describe('fault injection', () => {
  test('status with Retry-After, in each gateway envelope; times counts down', async () => {
    sim.faults.add({ gateway: 'aione', path: '/api/v1/gateway/*', times: 2, fault: { kind: 'status', status: 429, retryAfter: 3 } });
    assert.equal(sim.faults.list()[0]?.times, 2);
    const r1 = await call(A('/api/v1/gateway/keys'), { headers: aAuth });
    assert.equal(r1.status, 429);
    assert.equal(r1.headers.get('retry-after'), '3');
    assert.equal(typeof r1.body.detail, 'string');
    assert.equal((await call(A('/api/v1/gateway/keys'), { headers: aAuth })).status, 429);
    assert.equal((await call(A('/api/v1/gateway/keys'), { headers: aAuth })).status, 200);
    assert.equal(sim.faults.list().length, 0);

    sim.faults.add({ gateway: 'aihubmix', method: 'GET', path: '/api/token/', fault: { kind: 'status', status: 503 } });
    const h = await call(H('/api/token/'), { headers: hAuth });
    assert.equal(h.status, 503);
    assert.equal(h.body.success, false);
    sim.faults.add({ gateway: 'aione', path: '/v1/*', fault: { kind: 'status', status: 502 } });
    const v = await call(A('/v1/models'), { headers: { authorization: `Bearer ${sim.aione.modelKey}` } });
    assert.equal(v.status, 502);
    assert.equal(typeof v.body.error.message, 'string');
    assert.equal(sim.requests[sim.requests.length - 1]?.fault, 'status');
  });

  test('latency, hang, reset, malformed JSON, success:false', async () => {
    sim.faults.add({ gateway: 'aione', path: '/api/v1/billing/plan', fault: { kind: 'latency', ms: 150 } });
    const t = Date.now();
    const lat = await call(A('/api/v1/billing/plan'), { headers: aAuth });
    assert.equal(lat.status, 200);
    assert.ok(Date.now() - t >= 140);

    sim.faults.add({ gateway: 'aione', path: '/api/v1/billing/account', fault: { kind: 'hang' } });
    await assert.rejects(fetch(A('/api/v1/billing/account'), { headers: aAuth, signal: AbortSignal.timeout(200) }), (e: Error) => e.name === 'TimeoutError');

    sim.faults.add({ gateway: 'aihubmix', path: '/api/user/self', fault: { kind: 'reset' } });
    await assert.rejects(fetch(H('/api/user/self'), { headers: hAuth }));

    sim.faults.add({ path: '/api/v1/gateway/keys', fault: { kind: 'malformed-json' } });
    const mal = await fetch(A('/api/v1/gateway/keys'), { headers: aAuth });
    assert.equal(mal.status, 200);
    assert.match(mal.headers.get('content-type') ?? '', /application\/json/);
    await assert.rejects(mal.json());

    // success-false never matches AIone; it waits for the first AIHubMix request
    sim.faults.add({ fault: { kind: 'success-false', message: '系统维护中' } });
    assert.equal((await call(A('/api/v1/billing/plan'), { headers: aAuth })).status, 200);
    const sf = await call(H('/api/token/'), { headers: hAuth });
    assert.equal(sf.status, 200);
    assert.deepEqual(sf.body, { success: false, message: '系统维护中' });
  });

  test('stream faults: truncate, mid-stream error, JSON error instead of stream', async () => {
    const body = { model: 'gpt-4.1', messages: [{ role: 'user', content: 'hello' }], stream: true };
    const auth = { authorization: `Bearer ${sim.aione.modelKey}` };
    // stream faults do not match non-stream requests
    sim.faults.add({ gateway: 'aione', fault: { kind: 'truncate-stream', afterChunks: 5 } });
    assert.equal((await call(A('/v1/models'), { headers: auth })).status, 200);
    const tr = parseSse(await (await fetch(A('/v1/chat/completions'), json('POST', body, auth))).text());
    assert.equal(tr.chunks.length, 5);
    assert.ok(!tr.data.includes('[DONE]'));
    assert.ok(tr.chunks.every((c) => c.choices[0].finish_reason === null));
    assert.equal(sim.streams[sim.streams.length - 1]?.finished, false);

    sim.faults.add({ gateway: 'aihubmix', fault: { kind: 'mid-stream-error', afterChunks: 3, thenDone: true } });
    const me = parseSse(await (await fetch(H('/v1/chat/completions'), json('POST', body, { authorization: `Bearer ${sim.aihubmix.modelKey}` }))).text());
    assert.equal(me.chunks.length, 4);
    assert.equal(me.chunks[3].error.code, 'bad_response');
    assert.equal(me.data[me.data.length - 1], '[DONE]');

    sim.faults.add({ fault: { kind: 'mid-stream-error', afterChunks: 2 } });
    const me2 = parseSse(await (await fetch(A('/v1/chat/completions'), json('POST', body, auth))).text());
    assert.ok(me2.chunks[2].error && !me2.data.includes('[DONE]'));

    sim.faults.add({ fault: { kind: 'json-error-instead-of-stream', status: 503 } });
    const je = await fetch(A('/v1/chat/completions'), json('POST', body, auth));
    assert.equal(je.status, 503);
    assert.match(je.headers.get('content-type') ?? '', /application\/json/);
    const jb = (await je.json()) as Any;
    assert.equal(typeof jb.error.message, 'string');
  });

  test('client abort marks closedByClient; keep-alive comments while slow', async () => {
    const slow = await startSimulator({ seed: 5, keyCount: 2, now: clock, streamTokensPerSecond: 40 });
    try {
      const ac = new AbortController();
      const r = await fetch(slow.aione.url + '/v1/chat/completions', {
        ...json('POST', { model: 'gpt-4.1', messages: [{ role: 'user', content: 'long answer please' }], stream: true }, { authorization: `Bearer ${slow.aione.modelKey}` }),
        signal: ac.signal,
      });
      const reader = r.body?.getReader();
      assert.ok(reader);
      let got = '';
      const dec = new TextDecoder();
      const until = Date.now() + 1400;
      while (Date.now() < until) {
        const { value, done } = await reader.read();
        if (done) {
          break;
        }
        got += dec.decode(value, { stream: true });
        if (got.split(': keepalive').length > 2) {
          break; // the opening comment plus one periodic keep-alive
        }
      }
      ac.abort();
      await reader.cancel().catch(() => undefined);
      assert.ok(got.split(': keepalive').length > 2, 'a periodic keep-alive comment arrived');
      const rec = slow.streams[0];
      for (let i = 0; i < 50 && !rec?.closedByClient; i++) {
        await new Promise((res) => setTimeout(res, 20));
      }
      assert.ok(rec);
      assert.equal(rec.closedByClient, true);
      assert.equal(rec.finished, false);
      const sent = rec.chunksSent;
      await new Promise((res) => setTimeout(res, 100));
      assert.equal(rec.chunksSent, sent, 'writing stopped');
    } finally {
      await slow.close();
    }
  });
});

describe('determinism, variants, 10k keys, control routes', () => {
  test('same seed and clock → same data; another seed → different', async () => {
    const fixed = (): number => NOW;
    const a = await startSimulator({ seed: 7, keyCount: 10, now: fixed });
    const b = await startSimulator({ seed: 7, keyCount: 10, now: fixed });
    const c = await startSimulator({ seed: 8, keyCount: 10, now: fixed });
    try {
      assert.deepEqual(a.state, b.state);
      assert.equal(a.aione.adminToken, b.aione.adminToken);
      assert.notEqual(a.aione.adminToken, c.aione.adminToken);
      const la = await call(a.aione.url + '/api/v1/gateway/keys', { headers: { authorization: `Bearer ${a.aione.adminToken}` } });
      const lb = await call(b.aione.url + '/api/v1/gateway/keys', { headers: { authorization: `Bearer ${b.aione.adminToken}` } });
      assert.deepEqual(la.body, lb.body);
      const ha = await call(a.aihubmix.url + '/api/token/?num=100', { headers: { authorization: a.aihubmix.accessToken } });
      const hb = await call(b.aihubmix.url + '/api/token/?num=100', { headers: { authorization: b.aihubmix.accessToken } });
      assert.deepEqual(ha.body, hb.body);
      // reset restores the seeded data
      await call(a.aione.url + '/api/v1/gateway/keys', json('POST', { name: 'temp' }, { authorization: `Bearer ${a.aione.adminToken}` }));
      assert.equal(a.state.aione.keys.length, 11);
      a.reset();
      assert.deepEqual(a.state, b.state);
      assert.equal(a.requests.length, 0);
    } finally {
      await Promise.all([a.close(), b.close(), c.close()]);
    }
  });

  test('variants switch the wire shapes', async () => {
    const v = await startSimulator({ seed: 11, keyCount: 30, now: clock, variants: { aioneInvoices: 'wrapped' } });
    try {
      const aa = { authorization: `Bearer ${v.aione.adminToken}` };
      const ha = { authorization: v.aihubmix.accessToken };
      const inv = await call(v.aione.url + '/api/v1/billing/invoices?page=1&page_size=5', { headers: aa });
      assert.equal(inv.body.total, 14);
      assert.equal(inv.body.items.length, 5);
      v.setVariants({ aihubmixListShape: 'page-object', aihubmixDisabledStatus: 0, aihubmixExpiredTime: 'string', aihubmixUnlimitedRemain: 'minus-one', aioneCreateStatus: 200, aioneDeleteStatus: 200 });
      const list = await call(v.aihubmix.url + '/api/token/?p=1&num=10', { headers: ha });
      assert.deepEqual(Object.keys(list.body.data).sort(), ['items', 'page', 'page_size', 'total']);
      assert.equal(list.body.data.total, 30);
      assert.equal(list.body.data.items.length, 10);
      const all = (await call(v.aihubmix.url + '/api/token/?num=100', { headers: ha })).body.data.items as Any[];
      assert.ok(all.some((t) => t.status === 0));
      assert.ok(!all.some((t) => t.status === 2));
      assert.ok(all.every((t) => typeof t.expired_time === 'string'));
      assert.ok(all.filter((t) => t.unlimited_quota).every((t) => t.remain_quota === -1));
      const c = await call(v.aione.url + '/api/v1/gateway/keys', json('POST', { name: 'v' }, aa));
      assert.equal(c.status, 200);
      const d = await call(v.aione.url + `/api/v1/gateway/keys/${c.body.id as string}`, { method: 'DELETE', headers: aa });
      assert.equal(d.status, 200);
      assert.deepEqual(d.body, { ok: true });
      v.setVariants({ aihubmixListShape: 'items' });
      assert.deepEqual(Object.keys((await call(v.aihubmix.url + '/api/token/', { headers: ha })).body.data), ['items']);
      assert.throws(() => v.setVariants({ aioneCreateStatus: 202 as 201 }));
    } finally {
      await v.close();
    }
  });

  test('10,000 keys: fast start, correct paging on both gateways', async () => {
    const t = Date.now();
    const big = await startSimulator({ seed: 42, keyCount: 10_000, now: clock });
    const startMs = Date.now() - t;
    try {
      assert.ok(startMs < 3000, `started in ${startMs} ms`);
      const aa = { authorization: `Bearer ${big.aione.adminToken}` };
      const first = await call(big.aione.url + '/api/v1/gateway/keys?page=1&page_size=100', { headers: aa });
      assert.equal(first.body.total, 10_000);
      const last = await call(big.aione.url + '/api/v1/gateway/keys?page=100&page_size=100', { headers: aa });
      assert.equal(last.body.items.length, 100);
      const beyond = await call(big.aione.url + '/api/v1/gateway/keys?page=101&page_size=100', { headers: aa });
      assert.equal(beyond.body.items.length, 0);
      const ids = new Set([...first.body.items, ...last.body.items].map((k: Any) => k.id));
      assert.equal(ids.size, 200);
      const ha = { authorization: big.aihubmix.accessToken };
      const h0 = await call(big.aihubmix.url + '/api/token/?p=0&num=100', { headers: ha });
      const h99 = await call(big.aihubmix.url + '/api/token/?p=99&num=100', { headers: ha });
      const h100 = await call(big.aihubmix.url + '/api/token/?p=100&num=100', { headers: ha });
      assert.equal(h0.body.data.length, 100);
      assert.equal(h99.body.data.length, 100);
      assert.equal(h100.body.data.length, 0);
      assert.ok((h0.body.data[0].id as number) > (h99.body.data[99].id as number));
      assert.ok(big.state.aione.usage.length < 40_000, 'usage stays compact');
    } finally {
      await big.close();
    }
  });

  test('HTTP control routes', async () => {
    const c = await startSimulator({ seed: 9, keyCount: 5, now: clock, streamTokensPerSecond: 0 });
    try {
      const ctl = (p: string): string => c.aihubmix.url + p;
      const add = await call(ctl('/__sim/faults'), json('POST', { gateway: 'aione', path: '/api/v1/billing/plan', fault: { kind: 'status', status: 500 } }));
      assert.equal(add.status, 200);
      assert.equal(c.faults.list()[0]?.times, 1);
      const aa = { authorization: `Bearer ${c.aione.adminToken}` };
      assert.equal((await call(c.aione.url + '/api/v1/billing/plan', { headers: aa })).status, 500);
      assert.equal((await call(c.aione.url + '/api/v1/billing/plan', { headers: aa })).status, 200);
      await call(ctl('/__sim/faults'), json('POST', { fault: { kind: 'hang' }, times: 'Infinity' }));
      assert.equal(c.faults.list()[0]?.times, Infinity);
      assert.equal((await call(ctl('/__sim/faults'), { method: 'DELETE' })).status, 200);
      assert.equal(c.faults.list().length, 0);
      assert.equal((await call(ctl('/__sim/faults'), json('POST', { fault: { kind: 'nope' } }))).status, 400);

      const st = await call(c.aione.url + '/__sim/state');
      assert.equal(st.body.aione.keys, 5);
      assert.equal(st.body.aihubmix.keys, 5);
      const keys = await call(ctl('/__sim/keys?gateway=aione'));
      assert.equal(keys.body.items.length, 5);
      assert.ok((keys.body.items as Any[]).some((k) => k.secret === c.aione.modelKey));
      const hk = await call(ctl('/__sim/keys?gateway=aihubmix'));
      assert.ok((hk.body.items as Any[]).some((k) => `sk-${k.key as string}` === c.aihubmix.modelKey));

      await call(c.aione.url + '/api/v1/gateway/keys', json('POST', { name: 'ctl' }, aa));
      const reqs = await call(ctl('/__sim/requests'));
      const post = (reqs.body as Any[]).find((r) => r.method === 'POST' && r.path === '/api/v1/gateway/keys');
      assert.equal(post.headers.authorization, 'Bearer ***');
      assert.deepEqual(post.body, { name: 'ctl' });
      assert.equal(post.status, 201);
      assert.ok(!JSON.stringify(reqs.body).includes(c.aione.adminToken));

      await fetch(c.aione.url + '/v1/chat/completions', json('POST', { model: 'gpt-4.1', messages: [{ role: 'user', content: 'x' }], stream: true }, { authorization: `Bearer ${c.aione.modelKey}` })).then((r) => r.text());
      const streams = await call(ctl('/__sim/streams'));
      assert.equal(streams.body.length, 1);
      assert.equal(streams.body[0].finished, true);

      const reset = await call(ctl('/__sim/reset'), { method: 'POST' });
      assert.equal(reset.status, 200);
      assert.equal(c.state.aione.keys.length, 5);
      assert.equal(c.requests.length, 0);
      assert.equal((await call(ctl('/__sim/variants'), json('POST', { aihubmixListShape: 'items' }))).status, 200);
    } finally {
      await c.close();
    }
  });

  test('close() ends hung requests', async () => {
    const c = await startSimulator({ seed: 1, keyCount: 2, now: clock });
    c.faults.add({ fault: { kind: 'hang' }, times: Infinity });
    const pending = fetch(c.aione.url + '/api/v1/billing/plan').then(
      () => 'answered',
      () => 'rejected',
    );
    await new Promise((r) => setTimeout(r, 50));
    const t = Date.now();
    await c.close();
    assert.equal(await pending, 'rejected');
    assert.ok(Date.now() - t < 1000);
  });
});

describe('AIHubMix, new-api dialect', () => {
  let na: Simulator;
  let auth: Record<string, string>;
  const N = (path: string) => na.aihubmix.url + path;
  before(async () => {
    na = await startSimulator({ seed: 42, keyCount: 48, now: clock, streamTokensPerSecond: 0, aihubmixDialect: 'new-api' });
    auth = { authorization: `Bearer ${na.aihubmix.accessToken}` };
  });
  after(() => na.close());

  test('the same seeded tokens as one-api, with new-api fields (groups, kept-but-disabled model limits, newline allow_ips)', async () => {
    // one fixed instant for both: seeded dates are relative to "now", and a clock that moves between the two starts
    // (a busy machine) would shift them by a second
    const fixed = (): number => NOW;
    const one = await startSimulator({ seed: 42, keyCount: 48, now: fixed, streamTokensPerSecond: 0 });
    const other = await startSimulator({ seed: 42, keyCount: 48, now: fixed, streamTokensPerSecond: 0, aihubmixDialect: 'new-api' });
    try {
      const a = one.state.aihubmix.tokens;
      const b = other.state.aihubmix.tokens;
      assert.deepEqual(b.map((t) => [t.id, t.key, t.name, t.status, t.expired_time, t.remain_quota]), a.map((t) => [t.id, t.key, t.name, t.status, t.expired_time, t.remain_quota]));
      assert.ok(b.some((t) => t.group === 'vip' || t.group === 'svip'));
      assert.ok(b.some((t) => t.group === 'auto' && t.auto_groups && t.auto_groups.length > 0));
      assert.ok(b.some((t) => !t.model_limits_enabled && (t.models ?? '') !== ''), 'a list kept while disabled');
      assert.ok(b.some((t) => (t.subnet ?? '').includes('\n')), 'allow_ips is a newline list');
      assert.equal(one.aihubmix.dialect, 'one-api');
      assert.equal(other.aihubmix.dialect, 'new-api');
    } finally {
      await one.close();
      await other.close();
    }
  });

  test('list: {page, page_size, total, items}, p from 1 (p < 1 reads as 1), page_size (default 10), masked keys, new-api field names', async () => {
    const p0 = await call(N('/api/token/?p=0'), { headers: auth });
    assert.equal(p0.body.success, true);
    assert.equal(p0.body.data.page, 1);
    assert.equal(p0.body.data.page_size, 10);
    assert.equal(p0.body.data.total, 48);
    assert.equal(p0.body.data.items.length, 10);
    const p1 = await call(N('/api/token/?p=1&page_size=10'), { headers: auth });
    assert.deepEqual(p1.body.data.items.map((t: Any) => t.id), p0.body.data.items.map((t: Any) => t.id));
    const p2 = await call(N('/api/token/?p=2&page_size=10&num=3'), { headers: auth });
    assert.equal(p2.body.data.items.length, 10, 'num is not a new-api parameter');
    assert.ok(p2.body.data.items[0].id < p1.body.data.items[9].id);
    const t = p0.body.data.items[0];
    assert.match(t.key, /^[A-Za-z0-9]{4}\*{10}[A-Za-z0-9]{4}$/);
    for (const f of ['model_limits_enabled', 'model_limits', 'allow_ips', 'group', 'cross_group_retry', 'billing_type', 'DeletedAt', 'auto_groups']) assert.ok(f in t, f);
    assert.ok(!('models' in t) && !('subnet' in t));
    const one = await call(N(`/api/token/${t.id}`), { headers: auth });
    assert.equal(one.body.data.key, t.key, 'masked on get too');
    const reveal = await call(N(`/api/token/${t.id}/key`), { method: 'POST', headers: auth });
    assert.deepEqual(reveal.body, { success: true, message: '', data: { key: na.state.aihubmix.tokens.find((x) => x.id === t.id)?.key } });
  });

  test('create answers without data; a full PUT resets what it leaves out to zero values, as new-api does', async () => {
    const c = await call(N('/api/token/'), json('POST', { name: 'na-sim', remain_quota: 500000, model_limits_enabled: true, model_limits: 'gpt-4.1', allow_ips: '10.0.0.1', group: 'vip' }, auth));
    assert.deepEqual(c.body, { success: true, message: '' });
    const t = na.state.aihubmix.tokens.at(-1)!;
    assert.equal(t.name, 'na-sim');
    assert.equal(t.expired_time, -1, 'expired_time omitted (0) takes the column default -1');
    assert.equal(t.group, 'vip');
    assert.equal((await call(N('/api/token/'), json('POST', { name: 'x'.repeat(51) }, auth))).body.message, '令牌名称过长');
    assert.equal((await call(N('/api/token/'), json('POST', { name: 'neg', remain_quota: -1 }, auth))).body.message, '额度值不能为负数');
    assert.equal((await call(N('/api/token/'), json('POST', { name: 'neg-unl', remain_quota: -1, unlimited_quota: true }, auth))).body.success, true);

    const put = await call(N('/api/token/'), json('PUT', { id: t.id, name: 'na-sim-2', status: 2 }, auth));
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
    const dis = await call(N('/api/token/?status_only=true'), json('PUT', { id: t.id, status: 2 }, auth));
    assert.equal(dis.body.data.status, 2);
    const en = await call(N('/api/token/?status_only=true'), json('PUT', { id: t.id, status: 1 }, auth));
    assert.equal(en.body.data.status, 1, 'new-api checks the stored status: a key never flipped to expired may be enabled');
    const batch = await call(N('/api/token/batch'), json('POST', { ids: [t.id, 999999] }, auth));
    assert.deepEqual(batch.body, { success: true, message: '', data: 1 });
  });

  test('search: exact without %, a LIKE pattern with up to two, 100 per page, id desc', async () => {
    const name = na.state.aihubmix.tokens[5]!.name;
    const exact = await call(N(`/api/token/search?keyword=${encodeURIComponent(name)}`), { headers: auth });
    assert.ok(exact.body.data.items.every((t: Any) => t.name.toLowerCase() === name.toLowerCase()));
    assert.ok(exact.body.data.items.length >= 1);
    const fuzzy = await call(N('/api/token/search?keyword=%25prod%25&p=1&page_size=5'), { headers: auth });
    assert.ok(fuzzy.body.data.total > 5 && fuzzy.body.data.items.length === 5);
    assert.ok(fuzzy.body.data.items.every((t: Any) => t.name.includes('prod')));
    const ids = fuzzy.body.data.items.map((t: Any) => t.id);
    assert.deepEqual(ids, [...ids].sort((a: number, b: number) => b - a));
    assert.equal((await call(N('/api/token/search?keyword=%25%25x'), { headers: auth })).body.success, false);
    assert.equal((await call(N('/api/token/search?keyword=%25a%25b%25'), { headers: auth })).body.success, false);
  });

  test('logs: the page object, use_time in seconds, p from 1', async () => {
    const start = Math.floor(NOW / 1000) - 3 * 86400;
    const p1 = await call(N(`/api/log/self?p=1&page_size=20&type=2&start_timestamp=${start}`), { headers: auth });
    assert.equal(p1.body.data.page, 1);
    assert.equal(p1.body.data.items.length, 20);
    assert.ok(p1.body.data.total > 20);
    assert.ok('use_time' in p1.body.data.items[0] && !('elapsed_time' in p1.body.data.items[0]));
    const p2 = await call(N(`/api/log/self?p=2&page_size=20&type=2&start_timestamp=${start}`), { headers: auth });
    assert.ok(p2.body.data.items[0].id < p1.body.data.items[19].id);
  });

  test('auth: a wrong token is a real 401 with a code; New-Api-User required when configured', async () => {
    const wrong = await call(N('/api/user/self'), { headers: { authorization: 'Bearer nope' } });
    assert.equal(wrong.status, 401);
    assert.deepEqual(wrong.body, { success: false, code: 'AUTH_UNAUTHORIZED', message: '无权进行此操作，access token 无效' });
    assert.equal((await call(N('/api/user/self'), { headers: auth })).body.success, true, 'not required by default');
    const strict = await startSimulator({ seed: 2, keyCount: 3, now: clock, aihubmixDialect: 'new-api', requireNewApiUser: true });
    try {
      const h = { authorization: strict.aihubmix.accessToken };
      const S = (path: string) => strict.aihubmix.url + path;
      assert.deepEqual((await call(S('/api/user/self'), { headers: h })).body, { success: false, message: '无权进行此操作，未提供 New-Api-User' });
      assert.equal((await call(S('/api/user/self'), { headers: { ...h, 'New-Api-User': 'abc' } })).body.message, '无权进行此操作，New-Api-User 格式错误');
      const mismatch = await call(S('/api/user/self'), { headers: { ...h, 'New-Api-User': String(strict.aihubmix.userId + 1) } });
      assert.equal(mismatch.status, 401);
      assert.equal(mismatch.body.message, '无权进行此操作，New-Api-User 与登录用户不匹配');
      assert.equal((await call(S('/api/user/self'), { headers: { ...h, 'New-Api-User': String(strict.aihubmix.userId) } })).body.success, true);
      assert.equal((await call(S('/api/v1/models'))).body.success, true, 'the public catalogue needs nothing');
    } finally {
      await strict.close();
    }
  });

  test('the one-api dialect has no reveal route; the option and the CLI flag are checked', async () => {
    const one = await startSimulator({ seed: 1, keyCount: 2, now: clock });
    try {
      const r = await call(one.aihubmix.url + `/api/token/${one.state.aihubmix.tokens[0]!.id}/key`, { method: 'POST', headers: { authorization: one.aihubmix.accessToken } });
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
