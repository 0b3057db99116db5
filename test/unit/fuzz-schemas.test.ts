/**
 * Property tests (fast-check) of both gateways' response handling, through the real adapters and HTTP client
 * (undici's MockAgent answers every request with the generated body):
 *  - arbitrary JSON, arbitrary text, and valid answers with one field deleted or replaced by arbitrary JSON never
 *    make a call throw anything but a GatewayError;
 *  - the variants the sources name (list shapes, status 0 / 2, expired_time as a number or digits, unlimited as a
 *    flag or -1, comma or newline lists, one-api or new-api field names; invoices as an array or wrapped, prices
 *    as strings or numbers) parse to the same domain value;
 *  - every required field, removed, gives bad-response naming it.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { MockAgent } from 'undici';
import { money, quotaToUsd } from '../../src/core/money';
import { maskSecret } from '../../src/core/redact';
import { isoOf, mapToken, unitsToUsd } from '../../src/gateway/aihubmix/mapping';
import { fastToken, tokenSchema } from '../../src/gateway/aihubmix/schemas';
import { createGateway, type DisposableGateway } from '../../src/gateway/index';
import { GatewayError } from '../../src/gateway/errors';
import type { GatewayKind } from '../../src/core/types';

const ORIGIN = 'http://gateway.test';

interface Mocked {
  readonly gw: DisposableGateway;
  /** What every request is answered with. */
  answer: { status: number; body: string; contentType: string };
  close(): Promise<void>;
}

function mocked(kind: GatewayKind): Mocked {
  const agent = new MockAgent();
  agent.disableNetConnect();
  const m: Mocked = {
    gw: createGateway(
      {
        kind,
        baseUrl: ORIGIN,
        getToken: () => Promise.resolve('fuzz-token-0123456789abcdef0123456789'),
        label: `${kind} (fuzz)`,
      },
      { dispatcher: agent, retry: { maxRetries: 0 } },
    ),
    answer: { status: 200, body: '{}', contentType: 'application/json' },
    close: async () => {
      await m.gw.dispose();
      await agent.close();
    },
  };
  agent
    .get(ORIGIN)
    .intercept({ path: () => true, method: () => true })
    .reply(() => ({
      statusCode: m.answer.status,
      data: m.answer.body,
      responseOptions: { headers: { 'content-type': m.answer.contentType } },
    }))
    .persist();
  return m;
}

async function drain(it: AsyncIterable<unknown>): Promise<void> {
  for await (const _ of it) void _;
}

const DAY = 86_400_000;
const chatReq = { model: 'm', messages: [{ role: 'user' as const, content: 'hi' }] };

type Call = readonly [string, (g: DisposableGateway) => Promise<unknown>];

const AIONE_CALLS: readonly Call[] = [
  ['whoAmI', (g) => g.whoAmI()],
  ['listKeys', (g) => g.listKeys({ page: 0, pageSize: 20 })],
  ['searchKeys', (g) => g.searchKeys('a')],
  ['getKey', (g) => g.getKey('k1')],
  ['createKey', (g) => g.createKey({ name: 'n', rpmLimit: 5 })],
  ['updateKey', (g) => g.updateKey('k1', { name: 'n' })],
  ['setKeyEnabled', (g) => g.setKeyEnabled('k1', false)],
  ['deleteKey', (g) => g.deleteKey('k1')],
  ['rotateKey', (g) => g.rotateKey('k1', 24)],
  ['listModels', (g) => g.listModels()],
  ['listTeams', (g) => g.listTeams()],
  ['queryUsage', (g) => g.queryUsage({ start: Date.now() - 7 * DAY, end: Date.now(), groupBy: 'day' })],
  ['getDashboard', (g) => g.getDashboard(7)],
  ['getPlan', (g) => g.getPlan()],
  ['getBillingAccount', (g) => g.getBillingAccount()],
  ['listInvoices', (g) => g.listInvoices(0, 10)],
  ['chat', (g) => g.chat(chatReq, { apiKey: 'sk-x' })],
  ['streamChat', (g) => drain(g.streamChat(chatReq, { apiKey: 'sk-x' }))],
];

const HUB_CALLS: readonly Call[] = [
  ['whoAmI', (g) => g.whoAmI()],
  ['listKeys', (g) => g.listKeys({ page: 0, pageSize: 20 })],
  ['listKeys p2', (g) => g.listKeys({ page: 2, pageSize: 20 })],
  ['searchKeys', (g) => g.searchKeys('ab')],
  ['getKey', (g) => g.getKey('7')],
  ['createKey', (g) => g.createKey({ name: 'n', quotaUsd: '1.5', modelsAllowed: ['m'], allowedIps: ['1.2.3.4'] })],
  ['updateKey', (g) => g.updateKey('7', { name: 'n', modelsAllowed: ['m'] })],
  ['setKeyEnabled', (g) => g.setKeyEnabled('7', true)],
  ['deleteKey', (g) => g.deleteKey('7')],
  ['revealKey', (g) => g.revealKey('7')],
  ['listModels', (g) => g.listModels()],
  ['getBillingAccount', (g) => g.getBillingAccount()],
  ['listUsageLogs', (g) => g.listUsageLogs({ start: Date.now() - DAY, end: Date.now(), page: 0, pageSize: 10 })],
  ['getUsageStat', (g) => g.getUsageStat({ start: Date.now() - DAY, end: Date.now() })],
  ['chat', (g) => g.chat(chatReq, { apiKey: 'sk-x' })],
];

/** Runs every call; anything thrown must be a GatewayError. */
async function onlyGatewayErrors(m: Mocked, calls: readonly Call[], kind: GatewayKind): Promise<void> {
  for (const [name, call] of calls) {
    // a fresh client per body would be fairer to the dialect memory; the shared one also covers what it learnt
    try {
      await call(m.gw);
    } catch (e) {
      if (!(e instanceof GatewayError))
        throw new Error(
          `${kind} ${name} threw ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)} for ${m.answer.body.slice(0, 300)}`,
          { cause: e },
        );
    }
  }
}

// ------------------------------------------------------------------ valid fixtures

const aioneKey = {
  id: 'b7f8c6a2-3c11-4e6a-9a55-0f1a2b3c4d5e',
  org_id: 'o-1',
  team_id: null,
  name: 'prod-backend',
  key: null,
  key_prefix: 'sk-nex-Ab12',
  models_allowed: ['gpt-4.1'],
  rpm_limit: 60,
  tpm_limit: null,
  is_sandbox: false,
  allowed_ips: ['10.0.0.0/8'],
  expires_at: null,
  rotate_grace_until: null,
  status: 'active',
  created_at: '2026-01-02T03:04:05.123456Z',
};
const dashboard = {
  view_mode: 'tech',
  tech: {
    total_tokens: 3000,
    prompt_tokens: 2000,
    completion_tokens: 1000,
    total_requests: 12,
    total_cost_rmb: '1.2345',
    avg_latency_ms: 800,
    p99_latency_ms: 2000,
    error_rate_pct: '0.50',
    rpm_usage_pct: '1.00',
    model_distribution: [{ model: 'gpt-4.1', requests: 12, tokens: 3000 }],
    daily_trend: [{ date: '2026-01-01', requests: 12, tokens: 3000, cost_rmb: '1.2345' }],
  },
  business: {
    total_chars_wan: 1,
    total_conversations: 12,
    total_cost_rmb: '1.2345',
    budget_progress_pct: '2.00',
    capacity_status: 'sufficient',
    service_status: 'normal',
    team_cost_ranking: [{ team_id: 't-1', team_name: 'Platform', cost_rmb: '1.2345', conversations: 12 }],
  },
};
const hubToken = {
  id: 7,
  user_id: 10001,
  key: 'A'.repeat(24) + 'b'.repeat(24),
  status: 1,
  name: 'prod',
  created_time: 1_760_000_000,
  accessed_time: 1_760_000_100,
  expired_time: -1,
  remain_quota: 500_000,
  unlimited_quota: false,
  used_quota: 1000,
  models: 'gpt-4.1,claude-sonnet-4-6',
  subnet: '10.0.0.0/8',
};
const hubUser = { id: 10001, username: 'u', display_name: 'U', quota: 617_280_000, used_quota: 1000, group: 'default' };
const hubLog = {
  id: 1,
  created_at: 1_760_000_000,
  type: 2,
  content: 'c',
  token_name: 'prod',
  model_name: 'gpt-4.1',
  quota: 1500,
  prompt_tokens: 10,
  completion_tokens: 5,
  elapsed_time: 900,
  is_stream: true,
};

const ok = (data: unknown) => JSON.stringify({ success: true, message: '', data });

/** Every object path of a JSON value (arrays by index). */
function paths(v: unknown, prefix: readonly (string | number)[] = []): (string | number)[][] {
  const out: (string | number)[][] = [];
  if (Array.isArray(v)) v.forEach((x, i) => out.push([...prefix, i], ...paths(x, [...prefix, i])));
  else if (typeof v === 'object' && v !== null)
    for (const [k, x] of Object.entries(v)) out.push([...prefix, k], ...paths(x, [...prefix, k]));
  return out;
}

/** A copy with the value at `path` deleted (replacement undefined) or replaced. */
function edit(v: unknown, path: readonly (string | number)[], replacement?: unknown): unknown {
  const copy = structuredClone(v) as Record<string | number, unknown>;
  let cur = copy;
  for (const k of path.slice(0, -1)) cur = cur[k] as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  if (replacement === undefined) {
    if (Array.isArray(cur)) cur.splice(Number(last), 1);
    else delete cur[last];
  } else {
    cur[last] = replacement;
  }
  return copy;
}

/** Valid answers with one field deleted or replaced by arbitrary JSON. */
function mutants(fixtures: readonly unknown[]): fc.Arbitrary<unknown> {
  return fc
    .tuple(fc.constantFrom(...fixtures), fc.nat(), fc.option(fc.jsonValue({ maxDepth: 3 }), { nil: undefined }))
    .map(([f, n, repl]) => {
      const ps = paths(f);
      return ps.length === 0 ? f : edit(f, ps[n % ps.length]!, repl);
    });
}

describe('fuzz: arbitrary answers only ever give GatewayErrors', () => {
  let aione: Mocked;
  let hub: Mocked;
  before(() => {
    aione = mocked('aione');
    hub = mocked('aihubmix');
  });
  after(async () => {
    await aione.close();
    await hub.close();
  });

  it('AIone: arbitrary JSON, arbitrary text, and mutated valid answers', async () => {
    const body = fc.oneof(
      fc.jsonValue({ maxDepth: 4 }).map((j) => JSON.stringify(j)),
      fc.string({ maxLength: 40 }),
      mutants([
        { items: [aioneKey], total: 1 },
        aioneKey,
        dashboard,
        { items: [{ id: 'm', input_price: '1.0' }] },
        [{ id: 'i', amount_rmb: '9.90', period: '2026-01' }],
      ]).map((j) => JSON.stringify(j)),
    );
    await fc.assert(
      fc.asyncProperty(body, fc.constantFrom(200, 201, 204, 400, 401, 404, 422, 429, 500), async (text, status) => {
        aione.answer = { status, body: text, contentType: 'application/json' };
        await onlyGatewayErrors(aione, AIONE_CALLS, 'aione');
      }),
      { numRuns: 120 },
    );
  });

  it('AIHubMix: arbitrary JSON, arbitrary data in an envelope, and mutated valid answers', async () => {
    const body = fc.oneof(
      fc.jsonValue({ maxDepth: 4 }).map((j) => JSON.stringify(j)),
      fc.jsonValue({ maxDepth: 4 }).map((d) => ok(d)),
      fc
        .record({
          success: fc.constant(false),
          message: fc.oneof(
            fc.string(),
            fc.constantFrom('系统繁忙，请稍后再试', 'record not found', '无权进行此操作，access token 无效'),
          ),
        })
        .map((j) => JSON.stringify(j)),
      mutants([
        { success: true, data: [hubToken] },
        { success: true, data: hubToken },
        { success: true, data: { page: 1, page_size: 20, total: 1, items: [hubToken] } },
        { success: true, data: hubUser },
        { success: true, data: [hubLog] },
        { success: true, data: { key: 'k'.repeat(48) } },
      ]).map((j) => JSON.stringify(j)),
    );
    await fc.assert(
      fc.asyncProperty(body, fc.constantFrom(200, 200, 200, 401, 404, 429, 503), async (text, status) => {
        hub.answer = { status, body: text, contentType: 'application/json' };
        await onlyGatewayErrors(hub, HUB_CALLS, 'aihubmix');
      }),
      { numRuns: 120 },
    );
  });
});

// ------------------------------------------------------------------ variants

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'.split('');
const tokenArb = fc.record({
  id: fc.integer({ min: 1, max: 1_000_000 }),
  key: fc.array(fc.constantFrom(...ALNUM), { minLength: 48, maxLength: 48 }).map((a) => a.join('')),
  status: fc.constantFrom(1, 2, 3, 4),
  name: fc.string({ minLength: 1, maxLength: 20 }),
  created_time: fc.integer({ min: 1_600_000_000, max: 1_800_000_000 }),
  accessed_time: fc.integer({ min: 1_600_000_000, max: 1_800_000_000 }),
  expired_time: fc.oneof(fc.constant(-1), fc.integer({ min: 1_600_000_000, max: 2_000_000_000 })),
  remain_quota: fc.integer({ min: 0, max: 10_000_000_000 }),
  unlimited_quota: fc.boolean(),
  used_quota: fc.integer({ min: 0, max: 10_000_000_000 }),
  models: fc.uniqueArray(fc.constantFrom('gpt-4.1', 'claude-sonnet-4-6', 'deepseek-chat', 'qwen-max'), {
    maxLength: 3,
  }),
  ips: fc.uniqueArray(fc.constantFrom('10.0.0.0/8', '1.2.3.4', '2001:db8::/32'), { maxLength: 2 }),
});
type Tok = typeof tokenArb extends fc.Arbitrary<infer T> ? T : never;

interface Variant {
  readonly disabledAsZero: boolean;
  readonly expiredAsString: boolean;
  readonly unlimitedAsMinusOne: boolean;
  readonly newApiNames: boolean;
  readonly newlineLists: boolean;
  readonly emptyAsNull: boolean;
}

function encode(t: Tok, v: Variant): Record<string, unknown> {
  const list = (xs: readonly string[], sep: string) => (xs.length === 0 && v.emptyAsNull ? null : xs.join(sep));
  const base: Record<string, unknown> = {
    id: t.id,
    user_id: 1,
    key: t.key,
    status: t.status === 2 && v.disabledAsZero ? 0 : t.status,
    name: t.name,
    created_time: t.created_time,
    accessed_time: t.accessed_time,
    expired_time: v.expiredAsString ? String(t.expired_time) : t.expired_time,
    remain_quota: t.unlimited_quota ? (v.unlimitedAsMinusOne ? -1 : 0) : t.remain_quota,
    unlimited_quota: t.unlimited_quota,
    used_quota: t.used_quota,
  };
  if (v.newApiNames) {
    base.model_limits_enabled = t.models.length > 0;
    base.model_limits = t.models.join(',');
    base.allow_ips = list(t.ips, '\n');
  } else {
    base.models = list(t.models, v.newlineLists ? '\n' : ',');
    base.subnet = list(t.ips, v.newlineLists ? '\n' : ',');
  }
  return base;
}

const variantArb = fc.record({
  disabledAsZero: fc.boolean(),
  expiredAsString: fc.boolean(),
  unlimitedAsMinusOne: fc.boolean(),
  newApiNames: fc.boolean(),
  newlineLists: fc.boolean(),
  emptyAsNull: fc.boolean(),
});
const shapeArb = fc.constantFrom('array', 'items', 'page', 'single');

function listData(tokens: Record<string, unknown>[], shape: string): unknown {
  if (shape === 'array') return tokens;
  if (shape === 'items') return { items: tokens };
  if (shape === 'single') return tokens[0];
  return { page: 0, page_size: 20, total: tokens.length, items: tokens };
}

describe('fuzz: every variant the sources name parses to the same domain value', () => {
  it('AIHubMix tokens: list shape × status 0/2 × expired_time int/string × unlimited flag/-1 × one-api/new-api names × separators', async () => {
    const plain: Variant = {
      disabledAsZero: false,
      expiredAsString: false,
      unlimitedAsMinusOne: false,
      newApiNames: false,
      newlineLists: false,
      emptyAsNull: false,
    };
    await fc.assert(
      fc.asyncProperty(
        fc.array(tokenArb, { minLength: 1, maxLength: 4 }),
        variantArb,
        shapeArb,
        async (toks, variant, shape) => {
          const list = shape === 'single' ? toks.slice(0, 1) : toks;
          const a = mocked('aihubmix');
          const b = mocked('aihubmix');
          try {
            a.answer.body = ok(
              listData(
                list.map((t) => encode(t, plain)),
                'array',
              ),
            );
            b.answer.body = ok(
              listData(
                list.map((t) => encode(t, variant)),
                shape,
              ),
            );
            // rawStatus is by definition the status as sent (0 or 2); everything else is the same value
            const domain = (p: { items: readonly { rawStatus: unknown }[] }) =>
              p.items.map(({ rawStatus: _raw, ...k }) => k);
            const x = await a.gw.listKeys({ page: 0, pageSize: 20 });
            const y = await b.gw.listKeys({ page: 0, pageSize: 20 });
            assert.deepEqual(domain(y), domain(x));
          } finally {
            await a.close();
            await b.close();
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('AIone: invoices as an array or wrapped, prices as strings or numbers, usage as an array or {items}, models as {items} or {data}', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            id: fc.uuid(),
            cents: fc.integer({ min: 0, max: 10_000_000 }),
            period: fc.constantFrom('2026-01', '2026-02'),
          }),
          { maxLength: 4 },
        ),
        fc.array(fc.record({ day: fc.integer({ min: 1, max: 28 }), requests: fc.nat(1000), cents: fc.nat(100_000) }), {
          maxLength: 4,
        }),
        fc.array(
          fc.record({
            id: fc.constantFrom('gpt-4.1', 'claude-sonnet-4-6', 'qwen-max'),
            price: fc.integer({ min: 1, max: 99_999 }),
          }),
          { maxLength: 3 },
        ),
        async (invoices, usage, models) => {
          const a = mocked('aione');
          const b = mocked('aione');
          try {
            const inv = invoices.map((i) => ({
              id: i.id,
              period: i.period,
              amount_rmb: (i.cents / 100).toFixed(2),
              status: 'paid',
            }));
            const invNum = invoices.map((i) => ({
              id: i.id,
              period: i.period,
              amount_rmb: i.cents / 100,
              status: 'paid',
            }));
            a.answer.body = JSON.stringify(inv);
            b.answer.body = JSON.stringify({ items: invNum, total: invoices.length });
            const x = await a.gw.listInvoices(0, 10);
            const y = await b.gw.listInvoices(0, 10);
            assert.deepEqual(y.items, x.items);

            const rows = usage.map((u) => ({
              date: `2026-01-${String(u.day).padStart(2, '0')}`,
              requests: u.requests,
              prompt_tokens: 1,
              completion_tokens: 2,
              cost_rmb: (u.cents / 100).toFixed(2),
            }));
            a.answer.body = JSON.stringify(rows);
            b.answer.body = JSON.stringify({ items: rows.map((r) => ({ ...r, cost_rmb: Number(r.cost_rmb) })) });
            const q = { start: Date.now() - 7 * DAY, end: Date.now(), groupBy: 'day' as const };
            assert.deepEqual(await b.gw.queryUsage(q), await a.gw.queryUsage(q));

            a.answer.body = JSON.stringify({
              items: models.map((m) => ({ id: m.id, input_price: (m.price / 100).toFixed(2), output_price: null })),
            });
            b.answer.body = JSON.stringify({ data: models.map((m) => ({ id: m.id, input_price: m.price / 100 })) });
            assert.deepEqual(await b.gw.listModels(), await a.gw.listModels());
          } finally {
            await a.close();
            await b.close();
          }
        },
      ),
      { numRuns: 80 },
    );
  });
});

// ------------------------------------------------------------------ required fields

interface Required {
  readonly what: string;
  readonly kind: GatewayKind;
  readonly fixture: unknown;
  /** Paths (inside the fixture) that must be present. */
  readonly fields: readonly (readonly (string | number)[])[];
  /** Path prefix the error names (AIHubMix: inside `data`). */
  readonly prefix: readonly (string | number)[];
  readonly call: (g: DisposableGateway) => Promise<unknown>;
  readonly wrap?: (v: unknown) => string;
}

const TECH = [
  'total_tokens',
  'prompt_tokens',
  'completion_tokens',
  'total_requests',
  'total_cost_rmb',
  'avg_latency_ms',
  'p99_latency_ms',
  'error_rate_pct',
  'rpm_usage_pct',
  'model_distribution',
];
const BUSINESS = [
  'total_chars_wan',
  'total_conversations',
  'total_cost_rmb',
  'budget_progress_pct',
  'capacity_status',
  'service_status',
  'team_cost_ranking',
];
const REQUIRED: readonly Required[] = [
  {
    what: 'AIone KeyResponse in a list',
    kind: 'aione',
    fixture: { items: [aioneKey], total: 1 },
    prefix: [],
    fields: [
      ['items'],
      ...[
        'id',
        'team_id',
        'name',
        'key',
        'key_prefix',
        'models_allowed',
        'rpm_limit',
        'tpm_limit',
        'is_sandbox',
        'allowed_ips',
        'expires_at',
        'rotate_grace_until',
        'status',
        'created_at',
      ].map((f) => ['items', 0, f]),
    ],
    call: (g) => g.listKeys({ page: 0, pageSize: 20 }),
  },
  {
    what: 'AIone DashboardResponse',
    kind: 'aione',
    fixture: dashboard,
    prefix: [],
    fields: [
      ['view_mode'],
      ['tech'],
      ...TECH.map((f) => ['tech', f]),
      ...BUSINESS.map((f) => ['business', f]),
      ...['model', 'requests', 'tokens'].map((f) => ['tech', 'model_distribution', 0, f]),
      ...['date', 'requests', 'tokens', 'cost_rmb'].map((f) => ['tech', 'daily_trend', 0, f]),
      ...['team_id', 'team_name', 'cost_rmb', 'conversations'].map((f) => ['business', 'team_cost_ranking', 0, f]),
    ],
    call: (g) => g.getDashboard(7),
  },
  {
    what: 'AIone plan',
    kind: 'aione',
    fixture: { id: 'p-1', name: 'Team Pro' },
    prefix: [],
    fields: [['id']],
    call: (g) => g.getPlan(),
  },
  {
    what: 'AIone account',
    kind: 'aione',
    fixture: { id: 'a-1', balance_rmb: '12.00' },
    prefix: [],
    fields: [['balance_rmb']],
    call: (g) => g.getBillingAccount(),
  },
  {
    what: 'AIone invoices',
    kind: 'aione',
    fixture: { items: [{ id: 'i-1', amount_rmb: '9.90', period: '2026-01' }], total: 1 },
    prefix: [],
    fields: [['items'], ['items', 0, 'id'], ['items', 0, 'amount_rmb']],
    call: (g) => g.listInvoices(0, 10),
  },
  {
    what: 'AIone usage rows',
    kind: 'aione',
    fixture: { items: [{ date: '2026-01-01', requests: 1, prompt_tokens: 1, completion_tokens: 1, cost_rmb: '0.01' }] },
    prefix: [],
    fields: [
      ['items'],
      ...['date', 'requests', 'prompt_tokens', 'completion_tokens', 'cost_rmb'].map((f) => ['items', 0, f]),
    ],
    call: (g) => g.queryUsage({ start: Date.now() - DAY, end: Date.now(), groupBy: 'day' }),
  },
  {
    what: 'AIHubMix token in a list',
    kind: 'aihubmix',
    fixture: [hubToken],
    prefix: ['data'],
    wrap: ok,
    fields: [
      'id',
      'key',
      'status',
      'name',
      'created_time',
      'accessed_time',
      'expired_time',
      'remain_quota',
      'unlimited_quota',
      'used_quota',
      'models',
      'subnet',
    ].map((f) => [0, f]),
    call: (g) => g.listKeys({ page: 0, pageSize: 20 }),
  },
  {
    what: "AIHubMix token in new-api's page object",
    kind: 'aihubmix',
    fixture: {
      page: 1,
      page_size: 20,
      total: 1,
      items: [
        {
          ...(edit(edit(hubToken, ['models']), ['subnet']) as object),
          model_limits_enabled: true,
          model_limits: 'gpt-4.1',
          allow_ips: '',
        },
      ],
    },
    prefix: ['data'],
    wrap: ok,
    fields: [['items'], ...['id', 'key', 'name', 'expired_time', 'unlimited_quota'].map((f) => ['items', 0, f])],
    call: (g) => g.listKeys({ page: 0, pageSize: 20 }),
  },
  {
    what: 'AIHubMix user self',
    kind: 'aihubmix',
    fixture: hubUser,
    prefix: ['data'],
    wrap: ok,
    fields: [['id'], ['quota'], ['used_quota']],
    call: (g) => g.getBillingAccount(),
  },
  {
    what: 'AIHubMix logs',
    kind: 'aihubmix',
    fixture: [hubLog],
    prefix: ['data'],
    wrap: ok,
    fields: ['id', 'created_at', 'quota', 'prompt_tokens', 'completion_tokens'].map((f) => [0, f]),
    call: (g) => g.listUsageLogs({ start: Date.now() - DAY, end: Date.now(), page: 0, pageSize: 10 }),
  },
  {
    what: 'AIHubMix log stat',
    kind: 'aihubmix',
    fixture: { quota: 10, rpm: 1, tpm: 2 },
    prefix: ['data'],
    wrap: ok,
    fields: [['quota']],
    call: (g) => g.getUsageStat({ start: Date.now() - DAY, end: Date.now() }),
  },
  {
    what: 'AIHubMix envelope',
    kind: 'aihubmix',
    fixture: { success: true, message: '', data: hubUser },
    prefix: [],
    wrap: (v) => JSON.stringify(v),
    fields: [['success']],
    call: (g) => g.whoAmI(),
  },
];

describe('fuzz: every required field removed is a bad-response naming it', () => {
  for (const r of REQUIRED) {
    it(r.what, async () => {
      const m = mocked(r.kind);
      try {
        m.answer.body = (r.wrap ?? JSON.stringify)(r.fixture);
        await r.call(m.gw); // the whole fixture is accepted
        for (const field of r.fields) {
          m.answer.body = (r.wrap ?? JSON.stringify)(edit(r.fixture, field));
          const expected = [...r.prefix, ...field].join('.');
          await assert.rejects(
            r.call(m.gw),
            (e: unknown) => {
              assert.ok(e instanceof GatewayError, String(e));
              assert.equal(e.kind, 'bad-response', `${expected}: ${e.message}`);
              assert.equal(e.path, expected, e.message);
              assert.match(e.message, /lacks the required field/);
              return true;
            },
            expected,
          );
        }
      } finally {
        await m.close();
      }
    });
  }
});

describe('fuzz: the fast paths of a key page give exactly what the general code gives', () => {
  it('timestamps: isoOf equals Date#toISOString (and null for 0 or less)', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.integer({ min: 1, max: 253_402_300_799 }),
          fc.integer({ min: 1_600_000_000, max: 2_100_000_000 }),
          fc.double({ min: 1, max: 4e9, noNaN: true }),
        ),
        (s) => {
          assert.equal(isoOf(s), new Date(s * 1000).toISOString());
        },
      ),
      { numRuns: 3000 },
    );
    for (const s of [0, -1, -86_400]) assert.equal(isoOf(s), null);
    assert.equal(isoOf(253_402_300_800), new Date(253_402_300_800_000).toISOString(), 'year 10000 goes through Date');
    assert.equal(isoOf(951_782_400), '2000-02-29T00:00:00.000Z');
  });

  it('quota units: unitsToUsd equals money(quotaToUsd(units)) exactly, sign and all', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.integer({ min: -1_000_000_000, max: 1_000_000_000 }),
          fc.maxSafeInteger(),
          fc.integer({ min: 0, max: 10 }),
        ),
        (u) => {
          assert.deepEqual(unitsToUsd(u), money(quotaToUsd(u), 'USD'));
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('masked form: a full AIHubMix key is masked exactly as maskSecret masks it', () => {
    fc.assert(
      fc.property(tokenArb, (t) => {
        const k = mapToken(
          {
            ...encode(t, {
              disabledAsZero: false,
              expiredAsString: false,
              unlimitedAsMinusOne: false,
              newApiNames: false,
              newlineLists: false,
              emptyAsNull: false,
            }),
            id: t.id,
          } as never,
          0,
        );
        assert.equal(k.maskedKey, maskSecret(`sk-${t.key}`));
      }),
    );
  });

  it('the hand-checked token shape accepts only what tokenSchema accepts, with the same values', () => {
    const fields = Object.keys(tokenSchema.shape);
    fc.assert(
      fc.property(
        mutants([hubToken, { ...hubToken, models: null, subnet: null }, { ...hubToken, expired_time: '1790000000' }]),
        (v) => {
          const fast = fastToken(v);
          if (fast === undefined) return;
          const slow = tokenSchema.safeParse(v);
          assert.ok(slow.success, `fastToken accepted what zod refuses: ${JSON.stringify(v)}`);
          for (const f of fields)
            assert.deepEqual((fast as Record<string, unknown>)[f], (slow.data as Record<string, unknown>)[f], f);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
