/**
 * Every call of the AIone adapter as a table, through a scripted transport: the method and path it sends, the
 * operation it names (errors and logs show it), that the caller's signal reaches the request, and that a failed
 * answer is an error of that operation. Also what the adapter is told by its configuration (base URL, label), the
 * model plane it hands to, what the connection declares (capabilities, the default host), and what AIone's
 * response schemas refuse or accept leniently.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AioneGateway } from '../../src/gateway/aione/adapter';
import { AIONE_CAPABILITIES } from '../../src/gateway/aione/capabilities';
import { aioneError } from '../../src/gateway/aione/errors';
import { AIONE_DEFAULT_BASE_URL } from '../../src/gateway/aione/routes';
import {
  accountSchema,
  dashboardSchema,
  invoiceSchema,
  modelInfoSchema,
  usageRowSchema,
} from '../../src/gateway/aione/schemas';
import { mapModel } from '../../src/gateway/aione/mapping';
import { GatewayError } from '../../src/gateway/errors';
import type { CallOptions } from '../../src/gateway/gateway';
import { vendorOf } from '../../src/gateway/vendors';
import { scripted, type Script } from './scripted';

const SECRET = 'sk-nex-AbCdEfGh0123456789ijklMNOP';
const wireKey = {
  id: 'k-1',
  org_id: 'org',
  team_id: null,
  name: 'ci',
  key: null,
  key_prefix: 'sk-nex-AbCd',
  models_allowed: null,
  rpm_limit: null,
  tpm_limit: null,
  is_sandbox: false,
  allowed_ips: null,
  expires_at: null,
  rotate_grace_until: null,
  status: 'active',
  created_at: '2026-01-01T00:00:00Z',
};
const tech = {
  total_tokens: 1,
  prompt_tokens: 1,
  completion_tokens: 0,
  total_requests: 1,
  total_cost_rmb: '1',
  avg_latency_ms: 1,
  p99_latency_ms: 1,
  error_rate_pct: '0',
  rpm_usage_pct: '0',
  model_distribution: [],
};

function gateway(script: Script, label: string | null = 'AIone (T)', baseUrl = 'https://gw.test/') {
  const s = scripted(script);
  const gw = new AioneGateway(
    {
      kind: 'aione',
      baseUrl,
      ...(label !== null ? { label } : {}),
      getToken: () => Promise.resolve('agc-admin-token'),
    },
    s.http,
    () => Date.parse('2026-04-01T00:00:00Z'),
  );
  return { gw, s };
}

type Call = (gw: AioneGateway, o: CallOptions) => Promise<unknown>;
/** [what, METHOD path, the call, its operation, a good answer] */
const CALLS: ReadonlyArray<[string, string, Call, string, unknown]> = [
  ['get a key', 'GET /api/v1/gateway/keys/k%2F1', (g, o) => g.getKey('k/1', o), 'get key', wireKey],
  [
    'enable a key',
    'PUT /api/v1/gateway/keys/k-1/enable',
    (g, o) => g.setKeyEnabled('k-1', true, o),
    'enable key',
    wireKey,
  ],
  [
    'disable a key',
    'PUT /api/v1/gateway/keys/k-1/disable',
    (g, o) => g.setKeyEnabled('k-1', false, o),
    'disable key',
    wireKey,
  ],
  ['delete a key', 'DELETE /api/v1/gateway/keys/k-1', (g, o) => g.deleteKey('k-1', o), 'delete key', {}],
  [
    'update a key',
    'PUT /api/v1/gateway/keys/k-1',
    (g, o) => g.updateKey('k-1', { name: 'n' }, o),
    'update key',
    wireKey,
  ],
  ['create a key', 'POST /api/v1/gateway/keys', (g, o) => g.createKey({ name: 'n' }, o), 'create key', wireKey],
  [
    'list keys',
    'GET /api/v1/gateway/keys',
    (g, o) => g.listKeys({ page: 0, pageSize: 5, ...o }),
    'list keys',
    { items: [] },
  ],
  ['search keys', 'GET /api/v1/gateway/keys', (g, o) => g.searchKeys('ci', o), 'search keys', { items: [] }],
  ['list models', 'GET /api/v1/models', (g, o) => g.listModels(o), 'list models', { items: [] }],
  ['list teams', 'GET /api/v1/obs/dashboard', (g, o) => g.listTeams(o), 'list teams', { view_mode: 'tech', tech }],
  [
    'the dashboard',
    'GET /api/v1/obs/dashboard',
    (g, o) => g.getDashboard(7, o),
    'get dashboard',
    { view_mode: 'tech', tech },
  ],
  ['the plan', 'GET /api/v1/billing/plan', (g, o) => g.getPlan(o), 'get plan', { id: 'p' }],
  [
    'the account',
    'GET /api/v1/billing/account',
    (g, o) => g.getBillingAccount(o),
    'get billing account',
    { balance: '1' },
  ],
  ['invoices', 'GET /api/v1/billing/invoices', (g, o) => g.listInvoices(0, 5, o), 'list invoices', []],
  [
    'usage',
    'GET /api/v1/obs/usage',
    (g, o) => g.queryUsage({ start: 0, end: 86_400_000, groupBy: 'day' }, o),
    'query usage',
    [],
  ],
  [
    'rotate',
    'PUT /api/v1/gateway/keys/k-1/rotate',
    (g, o) => g.rotateKey('k-1', 0, o),
    'rotate key',
    { ...wireKey, key: SECRET },
  ],
];

describe('AIone adapter: every call on the wire', () => {
  for (const [what, route, call, operation, answer] of CALLS) {
    it(`${what}: ${route} as "${operation}", with the caller's signal`, async () => {
      const { gw, s } = gateway({ [route]: { json: answer } });
      const signal = new AbortController().signal;
      await call(gw, { signal });
      assert.equal(s.sent.length, 1);
      const sent = s.sent[0]!;
      assert.equal(`${sent.method} ${new URL(sent.url).pathname}`, route);
      assert.equal(sent.operation, operation);
      assert.equal(sent.signal, signal, 'the signal reaches the request');
      assert.equal(sent.headers?.authorization, 'Bearer agc-admin-token');
    });

    it(`${what}: a 500 is a server error of "${operation}" from the connection's label`, async () => {
      const { gw } = gateway({ [route]: { status: 500, json: { detail: 'boom' } } });
      await assert.rejects(
        call(gw, {}),
        (e: unknown) =>
          e instanceof GatewayError &&
          e.kind === 'server' &&
          e.operation === operation &&
          e.gateway === 'AIone (T)' &&
          e.message === 'boom',
      );
    });
  }

  it('any status outside 200–299 is a failure: 300 and 199 too; 200 and 299 are answers', async () => {
    for (const [status, fails] of [
      [300, true],
      [299, false],
      [200, false],
    ] as const) {
      const { gw } = gateway({ 'GET /api/v1/billing/plan': { status, json: { id: 'p' } } });
      if (fails) await assert.rejects(gw.getPlan(), (e: unknown) => e instanceof GatewayError && e.status === 300);
      else assert.equal((await gw.getPlan()).id, 'p', `status ${status}`);
    }
  });

  it('the page query of invoices and a refused page name "list invoices"', async () => {
    const { gw, s } = gateway({});
    await assert.rejects(
      gw.listInvoices(0, 0),
      (e: unknown) =>
        e instanceof GatewayError && e.operation === 'list invoices' && e.fieldErrors[0]?.field === 'page_size',
    );
    assert.equal(s.sent.length, 0);
  });

  it('a create without a name is refused as "create key", naming the name step', async () => {
    const { gw, s } = gateway({});
    await assert.rejects(
      gw.createKey({ name: '' }),
      (e: unknown) =>
        e instanceof GatewayError &&
        e.kind === 'validation' &&
        e.operation === 'create key' &&
        e.gateway === 'AIone (T)' &&
        e.message === 'a key needs a name' &&
        JSON.stringify(e.fieldErrors) === JSON.stringify([{ field: 'name', message: 'required', input: 'name' }]),
    );
    assert.equal(s.sent.length, 0);
  });

  it('log stats are unsupported', async () => {
    const { gw } = gateway({});
    await assert.rejects(gw.getUsageStat(), (e: unknown) => e instanceof GatewayError && e.kind === 'unsupported');
  });
});

describe('AIone adapter: its configuration', () => {
  it('every trailing slash of the base URL is dropped', async () => {
    const { gw, s } = gateway(
      { 'GET /base/api/v1/billing/plan': { json: { id: 'p' } } },
      'L',
      'https://gw.test/base///',
    );
    await gw.getPlan();
    assert.equal(s.sent[0]?.url, 'https://gw.test/base/api/v1/billing/plan');
    assert.equal(gw.baseUrl, 'https://gw.test/base');
  });

  it('without a label its errors say "AIone"', async () => {
    const { gw } = gateway({ 'GET /api/v1/billing/plan': { status: 404, json: { detail: 'Not Found' } } }, null);
    await assert.rejects(gw.getPlan(), (e: unknown) => e instanceof GatewayError && e.gateway === 'AIone');
  });

  it('chat and streamed chat go to the model plane under /v1 with the model key, not the admin token', async () => {
    const { gw, s } = gateway({
      'POST /v1/chat/completions': (req) =>
        (req.json as { stream?: boolean }).stream
          ? {
              text: 'data: {"choices":[{"delta":{"content":"hi"},"finish_reason":null}]}\n\ndata: {"choices":[{"delta":{},"finish_reason":"stop"}]}\n\ndata: [DONE]\n\n',
              headers: { 'content-type': 'text/event-stream' },
            }
          : { json: { choices: [{ message: { content: 'hello' }, finish_reason: 'stop' }] } },
    });
    const r = await gw.chat({ model: 'm', messages: [{ role: 'user', content: 'x' }] }, { apiKey: SECRET });
    assert.equal(r.content, 'hello');
    assert.equal(s.sent[0]?.url, 'https://gw.test/v1/chat/completions');
    assert.equal(s.sent[0]?.headers?.authorization, `Bearer ${SECRET}`);
    let text = '';
    for await (const ev of gw.streamChat(
      { model: 'm', messages: [{ role: 'user', content: 'x' }] },
      { apiKey: SECRET },
    ))
      if (ev.type === 'text') text += ev.text;
    assert.equal(text, 'hi');
    assert.equal(s.sent.length, 2);
    assert.equal(s.sent[1]?.headers?.authorization, `Bearer ${SECRET}`);
  });

  it('the listed teams are the business ranking, none without it', async () => {
    const { gw, s } = gateway({ 'GET /api/v1/obs/dashboard': { json: { view_mode: 'tech', tech } } });
    assert.deepEqual(await gw.listTeams(), []);
    assert.deepEqual(Object.fromEntries(s.sent[0]!.search), { range_days: '365', view_mode: 'business' });
  });

  it('the usage fallback of the request log passes the signal on', async () => {
    const { gw, s } = gateway({
      'GET /api/v1/obs/requests': { status: 404, json: { detail: 'Not Found' } },
      'GET /api/v1/obs/usage': { json: [] },
    });
    const signal = new AbortController().signal;
    await gw.listRequests({ start: 0, end: 86_400_000 }, { page: 0, pageSize: 5, signal });
    assert.deepEqual(
      s.sent.map((r) => [r.path, r.signal === signal]),
      [
        ['/api/v1/obs/requests', true],
        ['/api/v1/obs/usage', true],
      ],
    );
  });
});

describe('AIone: what the connection declares', () => {
  it('the capabilities, every one', () => {
    assert.deepEqual(AIONE_CAPABILITIES, {
      serverSideRotate: true,
      enableDisable: true,
      searchKeys: true,
      keyTotal: true,
      teams: true,
      sandboxKeys: true,
      rpmTpmLimits: true,
      keyQuota: false,
      fullReplaceUpdate: false,
      editableFields: ['name', 'modelsAllowed', 'allowedIps', 'rpmLimit', 'tpmLimit'],
      usageSeries: true,
      hourlyUsage: true,
      maxUsageRangeDays: 92,
      dashboard: true,
      plan: true,
      billingAccount: true,
      invoices: true,
      balance: true,
      usageLogs: false,
      secretsReadable: false,
      currency: 'CNY',
      requestLog: 'offered',
    });
  });

  it('the default management host is an https URL without a trailing slash', () => {
    assert.equal(AIONE_DEFAULT_BASE_URL, 'https://api.nexara.net');
  });
});

describe('AIone schemas: what they refuse, and the lenient forms', () => {
  const issues = (r: {
    success: boolean;
    error?: { issues: ReadonlyArray<{ path: PropertyKey[]; message: string; code: string }> };
  }) => r.error?.issues.map((i) => [i.path.join('.'), i.message, i.code]);

  it('a usage row without its day, a dashboard without data, an account without a balance, an invoice without an amount', () => {
    assert.deepEqual(
      issues(usageRowSchema.safeParse({ requests: 1, prompt_tokens: 1, completion_tokens: 1, cost_rmb: '1' })),
      [['date', 'a usage row needs its date', 'custom']],
    );
    for (const day of [{ date: 'd' }, { hour: 'h' }, { bucket: 'b' }])
      assert.ok(
        usageRowSchema.safeParse({ ...day, requests: 1, prompt_tokens: 1, completion_tokens: 1, cost_rmb: '1' })
          .success,
      );
    assert.deepEqual(issues(dashboardSchema.safeParse({ view_mode: 'tech', tech: null })), [
      ['tech', 'neither tech nor business data', 'custom'],
    ]);
    assert.deepEqual(issues(accountSchema.safeParse({ id: 1 })), [['balance_rmb', 'no balance', 'custom']]);
    assert.ok(accountSchema.safeParse({ balance: 0 }).success);
    assert.deepEqual(issues(invoiceSchema.safeParse({ id: 1 })), [['amount_rmb', 'no amount', 'custom']]);
    assert.ok(invoiceSchema.safeParse({ id: 1, amount: 0 }).success);
  });

  it('the adapter shows the dashboard refusal with its reason', async () => {
    const { gw } = gateway({ 'GET /api/v1/obs/dashboard': { json: { view_mode: 'tech', tech: null } } });
    await assert.rejects(
      gw.getDashboard(7),
      (e: unknown) =>
        e instanceof GatewayError &&
        e.kind === 'bad-response' &&
        e.message === 'the answer has an unexpected value at tech (neither tech nor business data)',
    );
  });

  it('a list of names as an array, a comma list, or an object of flags (true, 1, "true"; keys trimmed)', () => {
    const features = (v: unknown) => mapModel(modelInfoSchema.parse({ id: 'm', features: v })).features;
    assert.deepEqual(features(['Tools', 'json']), ['tools', 'json']);
    assert.deepEqual(features('tools, vision'), ['tools', 'vision']);
    assert.deepEqual(
      features({
        tools: true,
        vision: false,
        json: 1,
        audio: 'true',
        video: 'false',
        ' Web ': true,
        '  ': true,
        x: 0,
        y: null,
      }),
      ['tools', 'json', 'audio', 'web'],
    );
    assert.equal(features({}), undefined);
  });

  it('a names field of another shape is none, never the model refused', () => {
    const names = [
      'type',
      'types',
      'model_type',
      'features',
      'capabilities',
      'input_modalities',
      'modalities',
      'aliases',
      'alias',
    ];
    const m = mapModel(modelInfoSchema.parse({ id: 'gpt-4o', ...Object.fromEntries(names.map((n) => [n, 42])) }));
    assert.deepEqual(m, { id: 'gpt-4o', vendor: vendorOf('gpt-4o') });
  });

  it('FastAPI detail items without a loc or a msg: an empty field, an empty message', () => {
    const e = aioneError(
      422,
      JSON.stringify({ detail: [{ msg: 'too long' }, { loc: ['body', 'name'] }] }),
      'create key',
      'G',
    );
    assert.deepEqual(e.fieldErrors, [
      { field: '', message: 'too long' },
      { field: 'body.name', message: '', input: 'name' },
    ]);
  });
});
