/* Tests of the gateway simulator over real loopback HTTP (node:test + fetch): AIone management, usage and dashboard. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as z from 'zod';
import {
  accountSchema,
  dashboardSchema,
  fastApiErrorSchema,
  invoiceSchema,
  keyListSchema,
  keyResponseSchema,
  modelInfoSchema,
  planSchema,
  usageRowSchema,
} from '../../src/gateway/aione/schemas';
import type { Simulator } from '../simulator/index';
import { call, callAs, clock, completionWithUsage, json, NOW, startShared, sum, sumE4 } from './simulator-support';

// the client's schemas, with what these tests assert beyond what the client reads
const keyPage = keyListSchema.extend({ page: z.number(), page_size: z.number() });
/** A 422: FastAPI's ValidationError list (the client's schema also takes a plain string). */
const validationError = fastApiErrorSchema.extend({ detail: fastApiErrorSchema.shape.detail.options[1] });
const usageRows = z.object({ items: z.array(usageRowSchema) });
const modelList = z.object({ items: z.array(modelInfoSchema), total: z.number() });
const v1Models = z.object({ object: z.literal('list'), data: z.array(z.object({ id: z.string() })) });

let sim: Simulator;
let aAuth: Record<string, string>;
before(async () => {
  ({ sim, aAuth } = await startShared());
});
after(() => sim.close());

const A = (p: string): string => sim.aione.url + p;

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
    const p1 = await callAs(keyPage, A('/api/v1/gateway/keys?page=1&page_size=20'), { headers: aAuth });
    assert.equal(p1.status, 200);
    assert.equal(p1.body.total, 48);
    assert.equal(p1.body.items.length, 20);
    assert.equal(p1.body.page, 1);
    assert.equal(p1.body.page_size, 20);
    const p3 = await callAs(keyPage, A('/api/v1/gateway/keys?page=3&page_size=20'), { headers: aAuth });
    assert.equal(p3.body.items.length, 8);
    const created = [...p1.body.items, ...p3.body.items].map((k) => k.created_at);
    assert.deepEqual(created.slice(0, 20), [...created.slice(0, 20)].sort().reverse());
    for (const k of p1.body.items) {
      assert.match(k.key ?? '', /^sk-nex-[A-Za-z0-9]{4}…[A-Za-z0-9]{4}$/);
      assert.equal(k.key_prefix, (k.key ?? '').slice(0, 11));
      assert.ok(['active', 'disabled', 'expired'].includes(k.status));
    }
    const statuses = new Set(
      (await callAs(keyListSchema, A('/api/v1/gateway/keys?page_size=100'), { headers: aAuth })).body.items.map(
        (k) => k.status,
      ),
    );
    assert.deepEqual([...statuses].sort(), ['active', 'disabled', 'expired']);
    const disabled = await callAs(keyListSchema, A('/api/v1/gateway/keys?status=disabled&page_size=100'), {
      headers: aAuth,
    });
    assert.ok(disabled.body.items.length > 0 && disabled.body.items.every((k) => k.status === 'disabled'));
    const q = await callAs(keyListSchema, A('/api/v1/gateway/keys?q=DEFAULT-dev'), { headers: aAuth });
    assert.equal(q.body.total, 1);

    const bad = await call(A('/api/v1/gateway/keys?page=1&page_size=101'), { headers: aAuth });
    assert.equal(bad.status, 422);
    assert.deepEqual(bad.body, {
      detail: [
        {
          type: 'less_than_equal',
          loc: ['query', 'page_size'],
          msg: 'Input should be less than or equal to 100',
          input: '101',
          ctx: { le: 100 },
        },
      ],
    });
    const bad0 = await callAs(validationError, A('/api/v1/gateway/keys?page=0'), { headers: aAuth });
    assert.equal(bad0.status, 422);
    assert.equal(bad0.body.detail[0]?.type, 'greater_than_equal');
  });

  test('create / get / update / rotate / disable / enable / delete', async () => {
    const team = sim.state.aione.teams[0]?.id;
    const c = await callAs(
      keyResponseSchema,
      A('/api/v1/gateway/keys'),
      json(
        'POST',
        {
          name: 'ci key',
          team_id: team,
          models_allowed: ['gpt-4.1'],
          allowed_ips: ['10.0.0.0/8', '2001:db8::1'],
          rpm_limit: 60,
          is_sandbox: true,
          unknown_field: 1,
        },
        aAuth,
      ),
    );
    assert.equal(c.status, 201);
    assert.match(c.body.key ?? '', /^sk-nex-[A-Za-z0-9]{40}$/);
    assert.equal(c.body.status, 'active');
    assert.equal(c.body.team_id, team);
    const id = c.body.id;
    const secret = c.body.key ?? '';

    const g = await callAs(keyResponseSchema, A(`/api/v1/gateway/keys/${id}`), { headers: aAuth });
    assert.equal(g.status, 200);
    assert.equal(g.body.key, `${secret.slice(0, 11)}…${secret.slice(-4)}`);

    // validation: several errors at once
    const v = await callAs(
      validationError,
      A('/api/v1/gateway/keys'),
      json(
        'POST',
        {
          name: 'x'.repeat(65),
          rpm_limit: 0,
          allowed_ips: ['300.1.1.1'],
          expires_at: 'soon',
          team_id: 'nope',
          models_allowed: ['gpt-99'],
        },
        aAuth,
      ),
    );
    assert.equal(v.status, 422);
    const types = v.body.detail.map((e) => `${e.loc.join('.')}:${e.type ?? ''}`).sort();
    assert.deepEqual(types, [
      'body.allowed_ips.0:value_error',
      'body.expires_at:datetime_parsing',
      'body.models_allowed.0:value_error',
      'body.name:string_too_long',
      'body.rpm_limit:greater_than_equal',
      'body.team_id:uuid_parsing',
    ]);
    const noTeam = await call(
      A('/api/v1/gateway/keys'),
      json('POST', { name: 'n', team_id: '00000000-0000-4000-8000-000000000000' }, aAuth),
    );
    assert.equal(noTeam.status, 404);
    assert.deepEqual(noTeam.body, { detail: 'Team not found' });
    const badJson = await call(A('/api/v1/gateway/keys'), {
      method: 'POST',
      headers: { ...aAuth, 'content-type': 'application/json' },
      body: '{"name":',
    });
    assert.equal(badJson.status, 422);
    assert.deepEqual(badJson.body, { detail: [{ loc: ['body'], msg: 'JSON decode error', type: 'json_invalid' }] });

    // update: only the five fields of KeyUpdateRequest; others silently ignored
    const u = await callAs(
      keyResponseSchema,
      A(`/api/v1/gateway/keys/${id}`),
      json(
        'PUT',
        { name: 'renamed', tpm_limit: 1000, expires_at: '2099-01-01T00:00:00Z', is_sandbox: false, team_id: null },
        aAuth,
      ),
    );
    assert.equal(u.status, 200);
    assert.equal(u.body.name, 'renamed');
    assert.equal(u.body.tpm_limit, 1000);
    assert.equal(u.body.expires_at, null);
    assert.equal(u.body.is_sandbox, true);
    assert.equal(u.body.team_id, team);

    // rotate: new full key, old secret keeps working during the grace period
    const r = await callAs(
      keyResponseSchema,
      A(`/api/v1/gateway/keys/${id}/rotate`),
      json('PUT', { grace_hours: 2 }, aAuth),
    );
    assert.equal(r.status, 200);
    assert.match(r.body.key ?? '', /^sk-nex-[A-Za-z0-9]{40}$/);
    assert.notEqual(r.body.key, secret);
    assert.ok(Date.parse(r.body.rotate_grace_until ?? '') > clock());
    const chatOld = await call(
      A('/v1/chat/completions'),
      json(
        'POST',
        { model: 'gpt-4.1', messages: [{ role: 'user', content: 'hi' }] },
        { authorization: `Bearer ${secret}` },
      ),
    );
    assert.equal(chatOld.status, 200);
    const badGrace = await call(A(`/api/v1/gateway/keys/${id}/rotate`), json('PUT', { grace_hours: 169 }, aAuth));
    assert.equal(badGrace.status, 422);

    const d = await callAs(keyResponseSchema, A(`/api/v1/gateway/keys/${id}/disable`), {
      method: 'PUT',
      headers: aAuth,
    });
    assert.equal(d.body.status, 'disabled');
    const rotDisabled = await call(A(`/api/v1/gateway/keys/${id}/rotate`), { method: 'PUT', headers: aAuth });
    assert.equal(rotDisabled.status, 409);
    const chatDisabled = await call(
      A('/v1/chat/completions'),
      json(
        'POST',
        { model: 'gpt-4.1', messages: [{ role: 'user', content: 'hi' }] },
        { authorization: `Bearer ${r.body.key ?? ''}` },
      ),
    );
    assert.equal(chatDisabled.status, 401);
    const e = await callAs(keyResponseSchema, A(`/api/v1/gateway/keys/${id}/enable`), {
      method: 'PUT',
      headers: aAuth,
    });
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
    const nonUuid = await callAs(validationError, A('/api/v1/gateway/keys/abc'), { headers: aAuth });
    assert.equal(nonUuid.status, 422);
    assert.deepEqual(nonUuid.body.detail[0]?.loc, ['path', 'key_id']);
    assert.equal(nonUuid.body.detail[0]?.type, 'uuid_parsing');
  });

  test('models, billing plan / account / invoices', async () => {
    const m = await callAs(modelList, A('/api/v1/models'), { headers: aAuth });
    assert.equal(m.status, 200);
    assert.ok(m.body.total >= 30 && m.body.items.length === m.body.total);
    assert.ok(m.body.items.some((x) => x.context_length === null));
    assert.ok(m.body.items.some((x) => x.input_price === null));
    const gpt = m.body.items.find((x) => x.id === 'gpt-4.1');
    assert.equal(gpt?.currency, 'CNY');
    assert.match(gpt?.input_price ?? '', /^\d+\.\d+$/);

    const v1 = await callAs(v1Models, A('/v1/models'), { headers: { authorization: `Bearer ${sim.aione.modelKey}` } });
    assert.equal(v1.body.object, 'list');
    assert.equal(v1.body.data.length, m.body.total);
    const restricted = sim.state.aione.keys.find(
      (k) => k.status === 'active' && k.models_allowed && k.models_allowed.length > 0 && k.expires_at === null,
    );
    assert.ok(restricted);
    const v1r = await callAs(v1Models, A('/v1/models'), { headers: { authorization: `Bearer ${restricted.secret}` } });
    assert.deepEqual(v1r.body.data.map((x) => x.id).sort(), [...(restricted.models_allowed ?? [])].sort());

    const plan = await callAs(planSchema, A('/api/v1/billing/plan'), { headers: aAuth });
    assert.equal(plan.body.name, 'Team Pro');
    assert.equal(plan.body.status, 'active');
    const acct = await callAs(accountSchema, A('/api/v1/billing/account'), { headers: aAuth });
    assert.equal(acct.body.currency, 'CNY');
    assert.match(acct.body.balance_rmb ?? '', /^\d+\.\d{4}$/);
    // the documented form: a bare array
    const inv = await callAs(z.array(invoiceSchema), A('/api/v1/billing/invoices?page=1&page_size=20'), {
      headers: aAuth,
    });
    assert.equal(inv.body.length, 14);
    assert.equal(inv.body[0]?.period, '2026-10');
    const inv2 = await callAs(z.array(invoiceSchema), A('/api/v1/billing/invoices?page=2&page_size=10'), {
      headers: aAuth,
    });
    assert.equal(inv2.body.length, 4);
    const statuses = new Set(inv.body.map((i) => i.status));
    assert.ok(statuses.has('paid') && statuses.has('unpaid'));
  });
});

describe('AIone usage and dashboard', () => {
  test('views add up; dashboard equals usage rows for the same range', async () => {
    const day = (d: number): string => new Date(NOW - d * 86_400_000).toISOString().slice(0, 10);
    const dash = await callAs(dashboardSchema, A('/api/v1/obs/dashboard?range_days=7'), { headers: aAuth });
    assert.equal(dash.status, 200);
    assert.equal(dash.body.view_mode, 'tech');
    const tech = dash.body.tech;
    const biz = dash.body.business;
    assert.ok(tech && biz);
    const byDay = await callAs(usageRows, A(`/api/v1/obs/usage?start_date=${day(6)}&end_date=${day(0)}&group_by=day`), {
      headers: aAuth,
    });
    assert.equal(byDay.status, 200);
    const rows = byDay.body.items;
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
      (tech.daily_trend ?? []).map((t) => [t.date, t.requests, t.cost_rmb]),
      rows.map((r) => [r.date, r.requests, r.cost_rmb]),
    );
    assert.equal(sum(tech.model_distribution, 'requests'), tech.total_requests);
    assert.ok(sumE4(biz.team_cost_ranking.map((t) => t.cost_rmb)) <= sumE4([tech.total_cost_rmb]));
    assert.equal(biz.total_conversations, tech.total_requests);
    assert.match(tech.error_rate_pct, /^\d+\.\d{2}$/);

    // by model / team / key over the range: same totals
    for (const g of ['model', 'team', 'key']) {
      const r = await callAs(usageRows, A(`/api/v1/obs/usage?start_date=${day(6)}&end_date=${day(0)}&group_by=${g}`), {
        headers: aAuth,
      });
      assert.equal(sum(r.body.items, 'requests'), tech.total_requests, g);
      assert.equal(sumE4(r.body.items.map((x) => x.cost_rmb)), sumE4([tech.total_cost_rmb]), g);
    }
    // one past day: sum over models and over hours equals the day row
    const one = day(3);
    const dRow = (await callAs(usageRows, A(`/api/v1/obs/usage?start_date=${one}&end_date=${one}`), { headers: aAuth }))
      .body.items[0];
    assert.ok(dRow);
    const models = (
      await callAs(usageRows, A(`/api/v1/obs/usage?start_date=${one}&end_date=${one}&group_by=model`), {
        headers: aAuth,
      })
    ).body.items;
    const hours = (
      await callAs(usageRows, A(`/api/v1/obs/usage?start_date=${one}&end_date=${one}&group_by=hour`), {
        headers: aAuth,
      })
    ).body.items;
    assert.equal(hours.length, 24);
    assert.match(hours[0]?.date ?? '', /^\d{4}-\d{2}-\d{2}T00:00:00Z$/);
    for (const part of [models, hours]) {
      assert.equal(sum(part, 'requests'), dRow.requests);
      assert.equal(sum(part, 'total_tokens'), dRow.total_tokens);
      assert.equal(sum(part, 'errors'), dRow.errors);
      assert.equal(sumE4(part.map((x) => x.cost_rmb)), sumE4([dRow.cost_rmb]));
    }
    // 90 days of history, weekly seasonality
    const q = await callAs(usageRows, A(`/api/v1/obs/usage?start_date=${day(89)}&end_date=${day(0)}`), {
      headers: aAuth,
    });
    assert.equal(q.body.items.length, 90);
    assert.ok(q.body.items.every((r) => r.requests > 0));
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
      const r = await callAs(fastApiErrorSchema, A(p), { headers: aAuth });
      assert.equal(r.status, 422, p);
      assert.ok(Array.isArray(r.body.detail), p);
    }
    const before1 = (
      await callAs(dashboardSchema, A('/api/v1/obs/dashboard?range_days=1&view_mode=business'), { headers: aAuth })
    ).body;
    assert.equal(before1.view_mode, 'business');
    const chat = await callAs(
      completionWithUsage,
      A('/v1/chat/completions'),
      json(
        'POST',
        { model: 'gpt-4.1', messages: [{ role: 'user', content: 'count me' }] },
        { authorization: `Bearer ${sim.aione.modelKey}` },
      ),
    );
    assert.equal(chat.status, 200);
    const after1 = (await callAs(dashboardSchema, A('/api/v1/obs/dashboard?range_days=1'), { headers: aAuth })).body;
    assert.ok(after1.tech && before1.tech);
    assert.equal(after1.tech.total_requests, before1.tech.total_requests + 1);
    assert.equal(after1.tech.total_tokens, before1.tech.total_tokens + chat.body.usage.total_tokens);
  });
});
