/**
 * Errors that say how to fix them, below the UI: every documented error body of both gateways classified (AIone's
 * OpenAI-style codes and types; one-api / new-api's Chinese and English messages), the request id and rate-limit
 * headers read, Retry-After and reset durations parsed, the alternative model chosen, the key of a secret found,
 * and — against the simulator over loopback — each error reached deterministically with the gateway's real body.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chooseAlternative } from '../../src/features/fixes/alternative';
import { fitsMask, keyOfSecret } from '../../src/features/fixes/keyOfSecret';
import { topUpUrl } from '../../src/features/fixes/topUp';
import { addToAnswers, emptyAnswers } from '../../src/features/keys/flows/draft';
import { money } from '../../src/core/money';
import type { ChatStreamEvent, GatewayKind, ModelInfo } from '../../src/core/types';
import {
  errorHeaderFacts,
  GatewayError,
  parseResetDuration,
  requestIdInText,
  type GatewayProblem,
} from '../../src/gateway/errors';
import { createGateway, type DisposableGateway } from '../../src/gateway/index';
import { modelPlaneError } from '../../src/gateway/openai';
import { classifyProblem } from '../../src/gateway/problems';
import { startSimulator, type Simulator } from '../simulator/index';

type Row = readonly [status: number, body: unknown, expected: GatewayProblem | undefined, what: string];

function problemOf(kind: GatewayKind, status: number, body: unknown, headers?: Record<string, string>, model?: string) {
  const e = modelPlaneError(status, JSON.stringify(body), 'G', 'chat', undefined, headers);
  return { e, problem: classifyProblem(e, kind, model) };
}

const oai = (message: string, type: string | null, code: string | null, param: string | null = null) => ({
  error: { message, type, param, code },
});

const AIONE: readonly Row[] = [
  [
    403,
    oai("This API key is not allowed to use model 'gpt-4o'.", 'permission_error', 'model_not_allowed', 'model'),
    { kind: 'model-not-allowed', model: 'gpt-4o' },
    'simulator / documented 403',
  ],
  [
    403,
    oai('The key may not use this model', 'permission_error', null, 'model'),
    { kind: 'model-not-allowed', model: 'm-asked' },
    'documented wording, model from the request',
  ],
  [
    403,
    oai('Permission denied for model "claude-sonnet-4"', 'permission_error', 'permission_denied'),
    { kind: 'model-not-allowed', model: 'claude-sonnet-4' },
    'permission_denied code',
  ],
  [
    403,
    oai(
      "Your IP address is not allowed to use this API key. Add it to the key's allowed IPs in the console.",
      'permission_error',
      'ip_not_allowed',
    ),
    { kind: 'ip-not-allowed' },
    'simulator ip body',
  ],
  [
    403,
    oai('IP 203.0.113.9 is not in the whitelist of this key', 'permission_error', 'ip_not_in_whitelist'),
    { kind: 'ip-not-allowed', ip: '203.0.113.9' },
    'whitelist wording with the IP',
  ],
  [
    429,
    oai(
      'Rate limit reached for requests per minute (RPM): limit 5, used 5. Please retry after 42 s.',
      'rate_limit_error',
      'rate_limit_exceeded',
    ),
    { kind: 'rate-limit', scope: 'key', metric: 'rpm', limit: 5 },
    'documented 429 rate_limit_exceeded',
  ],
  [
    429,
    oai('Rate limit reached for tokens per min (TPM)', 'tokens', 'rate_limit_exceeded'),
    { kind: 'rate-limit', scope: 'key', metric: 'tpm' },
    'OpenAI tokens type',
  ],
  [
    429,
    oai(
      'You exceeded your current quota, please check your plan and billing details.',
      'insufficient_quota',
      'insufficient_quota',
    ),
    { kind: 'balance', scope: 'account' },
    'OpenAI insufficient_quota on 429 is money, not a rate',
  ],
  [
    402,
    oai(
      'Insufficient account balance (¥0.0000). Top up in the AIone console to continue.',
      'insufficient_quota',
      'insufficient_balance',
    ),
    { kind: 'balance', scope: 'account' },
    'simulator 402',
  ],
  [402, { detail: 'Payment Required' }, { kind: 'balance', scope: 'account' }, 'a bare FastAPI 402'],
  [
    503,
    oai("The upstream provider of model 'x' is temporarily unavailable.", 'server_error', 'upstream_unavailable'),
    { kind: 'upstream', model: 'm-asked' },
    'simulator 503',
  ],
  [
    502,
    oai('Bad Gateway: upstream unavailable', 'server_error', 'server_error'),
    { kind: 'upstream', model: 'm-asked' },
    'documented 502',
  ],
  [500, oai('Internal Server Error', 'server_error', 'server_error'), undefined, '500 is not an upstream problem'],
  [
    401,
    oai('Invalid API key provided: sk-nex-xxx...xxx.', 'authentication_error', 'invalid_api_key'),
    undefined,
    'documented 401 (not fixable by these fixes)',
  ],
  [
    404,
    oai("Model 'nope' not found", 'invalid_request_error', 'model_not_found', 'model'),
    undefined,
    'documented model_not_found',
  ],
];

const H_ID = ' (request id: 2026120116285200000042)';
const oneApi = (message: string, code?: string) => ({
  error: { message: message + H_ID, type: 'one_api_error', ...(code ? { param: '', code } : {}) },
});
const AIHUBMIX: readonly Row[] = [
  [
    403,
    oneApi('该令牌无权使用模型：gpt-4o'),
    { kind: 'model-not-allowed', model: 'gpt-4o' },
    'one-api model restriction',
  ],
  [
    403,
    { error: { message: '该令牌无权访问模型 claude-3-5-haiku', type: 'new_api_error' } },
    { kind: 'model-not-allowed', model: 'claude-3-5-haiku' },
    'new-api wording',
  ],
  [
    403,
    oneApi('该令牌只能在指定网段使用：10.0.0.0/8，当前 ip：198.51.100.7'),
    { kind: 'ip-not-allowed', ip: '198.51.100.7' },
    'one-api subnet, with the IP',
  ],
  [
    403,
    { error: { message: '您的 IP 不在令牌允许访问的列表中', type: 'new_api_error' } },
    { kind: 'ip-not-allowed' },
    'new-api allow_ips',
  ],
  [
    429,
    oneApi('当前分组上游负载已饱和，请稍后再试', 'rate_limit_exceeded'),
    { kind: 'rate-limit', scope: 'group' },
    'one-api saturated group',
  ],
  [
    429,
    { error: { message: '您已达到请求数限制：1分钟内最多请求10次', type: 'new_api_error' } },
    { kind: 'rate-limit', scope: 'group', metric: 'rpm', limit: 10, retryAfterMs: 60_000 },
    'new-api model request limit',
  ],
  [401, oneApi('该令牌额度已用尽'), { kind: 'balance', scope: 'key' }, 'one-api token quota'],
  [401, oneApi('API Key ci-bot 额度已用尽'), { kind: 'balance', scope: 'key' }, 'AIHubMix token quota wording'],
  [
    403,
    oneApi('user quota is not enough', 'insufficient_user_quota'),
    { kind: 'balance', scope: 'account' },
    'one-api user quota',
  ],
  [
    403,
    { error: { message: '用户额度不足, 剩余额度: $0.000000', type: 'new_api_error', code: 'insufficient_user_quota' } },
    { kind: 'balance', scope: 'account' },
    'new-api user quota',
  ],
  [
    503,
    oneApi('当前分组 default 下对于模型 gpt-4.1 无可用渠道'),
    { kind: 'upstream', model: 'gpt-4.1' },
    'one-api distributor, no channel',
  ],
  [502, oneApi('bad gateway: upstream error'), { kind: 'upstream', model: 'm-asked' }, '502'],
  [401, oneApi('无效的令牌'), undefined, 'a wrong key is not one of these'],
  [400, oneApi('未指定模型名称，模型名称不能为空'), undefined, 'a bad request'],
];

describe('classification of every documented error body', () => {
  for (const [kind, rows] of [
    ['aione', AIONE],
    ['aihubmix', AIHUBMIX],
  ] as const) {
    for (const [status, body, expected, what] of rows) {
      test(`${kind} ${status}: ${what}`, () => {
        const { problem } = problemOf(kind, status, body, undefined, 'm-asked');
        if (expected === undefined) assert.equal(problem, undefined);
        else assert.deepEqual(problem && pick(problem, expected), expected);
      });
    }
  }

  test('one-api keeps its request id from the message; AIone from x-request-id; neither is lost by the sentence', () => {
    const h = problemOf('aihubmix', 403, oneApi('该令牌无权使用模型：gpt-4o'));
    assert.equal(h.e.requestId, '2026120116285200000042');
    const a = problemOf('aione', 503, oai('Service Unavailable', 'server_error', 'server_error'), {
      'x-request-id': 'req_20261201162852000001',
    });
    assert.equal(a.e.requestId, 'req_20261201162852000001');
    const header = problemOf('aihubmix', 503, { error: { message: 'x' } }, { 'x-oneapi-request-id': '20261201000000' });
    assert.equal(header.e.requestId, '20261201000000');
  });

  test('a rate limit takes its limit and reset from the headers when the body does not say', () => {
    const { problem } = problemOf('aione', 429, oai('Too Many Requests', 'rate_limit_error', null), {
      'x-ratelimit-limit-requests': '60',
      'x-ratelimit-remaining-requests': '0',
      'x-ratelimit-reset-requests': '6m0s',
    });
    assert.deepEqual(problem, { kind: 'rate-limit', scope: 'key', metric: 'rpm', limit: 60, retryAfterMs: 360_000 });
  });

  test('a transport failure is never a fixable problem', () => {
    for (const kind of ['network', 'timeout', 'aborted', 'proxy'] as const)
      assert.equal(classifyProblem(new GatewayError({ kind, message: 'upstream 503' }), 'aione'), undefined);
  });
});

function pick(p: GatewayProblem, like: GatewayProblem): GatewayProblem {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(like)) out[k] = (p as Record<string, unknown>)[k];
  // a field the table does not name must be absent, not silently extra
  for (const k of Object.keys(p)) if (!(k in like) && k !== 'retryAfterMs') out[k] = (p as Record<string, unknown>)[k];
  return out as GatewayProblem;
}

describe('headers and durations', () => {
  const NOW = Date.UTC(2026, 11, 1, 12, 0, 0);
  test('reset durations: OpenAI forms, seconds, epoch seconds and ms; junk is undefined', () => {
    assert.equal(parseResetDuration('1s'), 1000);
    assert.equal(parseResetDuration('6m0s'), 360_000);
    assert.equal(parseResetDuration('20ms'), 20);
    assert.equal(parseResetDuration('1h2m3.5s'), 3_723_500);
    assert.equal(parseResetDuration('42'), 42_000);
    assert.equal(parseResetDuration(String(NOW / 1000 + 30), NOW), 30_000);
    assert.equal(parseResetDuration(String(NOW + 1500), NOW), 1500);
    assert.equal(parseResetDuration(String(NOW / 1000 - 30), NOW), 0);
    for (const bad of ['', ' ', 'soon', '5 minutes', '1s2', '-3', 'ms'])
      assert.equal(parseResetDuration(bad), undefined, bad);
  });

  test('header facts: first request-id header, rate-limit windows, retry-after-ms; a malformed id is ignored', () => {
    assert.deepEqual(
      errorHeaderFacts(
        {
          'x-request-id': 'req_abc123',
          'x-ratelimit-limit-tokens': '100000',
          'x-ratelimit-remaining-tokens': '0',
          'x-ratelimit-reset-tokens': '12s',
          'retry-after-ms': '1500',
        },
        NOW,
      ),
      {
        requestId: 'req_abc123',
        rateLimit: { tokens: { limit: 100_000, remaining: 0, resetMs: 12_000 } },
        retryAfterMs: 1500,
      },
    );
    assert.deepEqual(errorHeaderFacts({ 'x-request-id': 'has spaces <script>' }), {});
    assert.deepEqual(errorHeaderFacts({ 'x-ratelimit-reset': '30' }), { rateLimit: { requests: { resetMs: 30_000 } } });
  });

  test('request id in a message: one-api, request_id=, 请求 ID', () => {
    assert.equal(requestIdInText('boom (request id: 2026120100000001)'), '2026120100000001');
    assert.equal(requestIdInText('failed, request_id=abc-123_x'), 'abc-123_x');
    assert.equal(requestIdInText('失败，请求 ID：A1B2C3D4'), 'A1B2C3D4');
    assert.equal(requestIdInText('no id here'), undefined);
  });
});

describe('the alternative model', () => {
  const m = (id: string, vendor: string, input?: string, types?: string[]): ModelInfo => ({
    id,
    vendor,
    ...(input ? { price: { inputPerMTok: money(input, 'USD') } } : {}),
    ...(types ? { types } : {}),
  });
  const CATALOGUE = [
    m('claude-sonnet-4-20250514', 'Anthropic', '3'),
    m('claude-sonnet-4', 'Anthropic', '3'),
    m('claude-3-5-haiku', 'Anthropic', '0.8'),
    m('claude-opus-4', 'Anthropic', '15'),
    m('gpt-4.1', 'OpenAI', '2'),
    m('gpt-4.1-mini', 'OpenAI', '0.4'),
    m('text-embedding-3-small', 'OpenAI', '0.02', ['embedding']),
    m('deepseek-chat', 'DeepSeek', '0.27'),
  ];
  test('the same family first, never the failing one', () => {
    assert.equal(chooseAlternative(CATALOGUE, 'claude-sonnet-4-20250514')?.id, 'claude-sonnet-4');
  });
  test('then the same line at the nearest price; an unhealthy model is skipped', () => {
    assert.equal(
      chooseAlternative(CATALOGUE, 'claude-sonnet-4', { unhealthy: new Set(['claude-sonnet-4-20250514']) })?.id,
      'claude-3-5-haiku',
    );
  });
  test('not a model the key may not call, not an embedding model; the nearest price across vendors last', () => {
    assert.equal(
      chooseAlternative(CATALOGUE, 'gpt-4.1', { allowed: ['deepseek-chat', 'claude-opus-4'] })?.id,
      'deepseek-chat',
    );
    assert.equal(
      chooseAlternative(CATALOGUE, 'gpt-4.1-mini', { unhealthy: new Set(['gpt-4.1']) })?.id,
      'deepseek-chat',
    );
    assert.equal(
      chooseAlternative([m('text-embedding-3-small', 'OpenAI', '0.02', ['embedding']), m('x', 'V')], 'x'),
      undefined,
    );
  });
});

describe('the key a fix edits', () => {
  test('a secret fits its masked form (AIone prefix…suffix, new-api stars), not another key of the same prefix', () => {
    assert.ok(fitsMask('sk-nex-ab12cdefghijklmnopwxyz', 'sk-nex-ab12…wxyz'));
    assert.ok(fitsMask('sk-abcdEFGHIJKLMNOPwxyz', 'abcd**********wxyz'));
    assert.ok(!fitsMask('sk-nex-ab12cdefghijklmnop0000', 'sk-nex-ab12…wxyz'));
    assert.ok(!fitsMask('sk-abc', '…'));
  });
  test('the edit entry adds the model and the IP once, keeps every other answer', () => {
    const a = { ...emptyAnswers(), name: 'ci', models: ['gpt-4.1'], ips: '10.0.0.0/8, 192.168.1.1', rpm: '5' };
    addToAnswers(a, { at: 'allowedIps', addModels: ['gpt-4o', 'gpt-4.1'], addIps: ['127.0.0.1', '10.0.0.0/8'] });
    assert.deepEqual(a, {
      ...emptyAnswers(),
      name: 'ci',
      models: ['gpt-4.1', 'gpt-4o'],
      ips: '10.0.0.0/8, 192.168.1.1, 127.0.0.1',
      rpm: '5',
    });
    const all = emptyAnswers();
    addToAnswers(all, { at: 'modelsAllowed', addModels: ['gpt-4o'] });
    assert.deepEqual(all.models, [], 'an empty allow-list (every model) is not narrowed to one');
  });
  test('top-up page from the base URL origin', () => {
    assert.equal(topUpUrl('aihubmix', 'https://aihubmix.com/v1'), 'https://aihubmix.com/topup');
    assert.equal(topUpUrl('aione', 'https://api.nexara.net'), 'https://api.nexara.net/billing');
  });
});

// ---- against the simulator: each error reached deterministically, with the gateway's real body and headers ----

let sim: Simulator;
const gws: DisposableGateway[] = [];
before(async () => {
  sim = await startSimulator({ host: '127.0.0.1', seed: 7, keyCount: 12, streamTokensPerSecond: 0 });
});
after(async () => {
  for (const g of gws) await g.dispose();
  await sim.close();
});

function gw(kind: GatewayKind): DisposableGateway {
  const g = createGateway(
    {
      kind,
      baseUrl: kind === 'aione' ? sim.aione.url : sim.aihubmix.url,
      getToken: () => Promise.resolve(kind === 'aione' ? sim.aione.adminToken : sim.aihubmix.accessToken),
      label: kind,
    },
    { retry: { maxRetries: 0 } },
  );
  gws.push(g);
  return g;
}

async function chatFails(kind: GatewayKind, model: string, apiKey: string): Promise<GatewayError> {
  try {
    const events: ChatStreamEvent[] = [];
    for await (const ev of gw(kind).streamChat({ model, messages: [{ role: 'user', content: 'hi' }] }, { apiKey }))
      events.push(ev);
  } catch (e) {
    assert.ok(e instanceof GatewayError, String(e));
    return e;
  }
  throw new Error('the chat did not fail');
}

describe('each error on the simulator', () => {
  test('AIone: allow-list, subnet, RPM, balance, upstream down — with x-request-id', async () => {
    sim.setVariants({ keyLimits: 'enforced' });
    const key = sim.state.aione.keys[0]!;
    const secret = key.secret;
    key.models_allowed = ['gpt-4.1'];
    let e = await chatFails('aione', 'gpt-4o', secret);
    assert.deepEqual(classifyProblem(e, 'aione', 'gpt-4o'), { kind: 'model-not-allowed', model: 'gpt-4o' });
    assert.match(e.requestId ?? '', /^req_\d{22}$/);
    key.models_allowed = [];
    key.allowed_ips = ['10.0.0.0/8'];
    e = await chatFails('aione', 'gpt-4.1', secret);
    assert.deepEqual(classifyProblem(e, 'aione', 'gpt-4.1'), { kind: 'ip-not-allowed' });
    key.allowed_ips = ['10.0.0.0/8', '127.0.0.1'];
    key.rpm_limit = 1;
    await drain(
      gw('aione').streamChat({ model: 'gpt-4.1', messages: [{ role: 'user', content: 'hi' }] }, { apiKey: secret }),
    );
    e = await chatFails('aione', 'gpt-4.1', secret);
    const rl = classifyProblem(e, 'aione', 'gpt-4.1');
    assert.equal(rl?.kind, 'rate-limit');
    assert.ok(
      rl?.kind === 'rate-limit' && rl.limit === 1 && rl.metric === 'rpm' && rl.scope === 'key',
      JSON.stringify(rl),
    );
    assert.ok(
      rl?.kind === 'rate-limit' && rl.retryAfterMs !== undefined && rl.retryAfterMs > 0 && rl.retryAfterMs <= 60_000,
    );
    key.rpm_limit = null;
    const balance = sim.state.aione.balanceE4;
    sim.state.aione.balanceE4 = 0;
    e = await chatFails('aione', 'gpt-4.1', secret);
    assert.deepEqual(classifyProblem(e, 'aione', 'gpt-4.1'), { kind: 'balance', scope: 'account' });
    sim.state.aione.balanceE4 = balance;
    sim.faults.add({ gateway: 'aione', model: 'gpt-4.1', fault: { kind: 'status', status: 503 } });
    e = await chatFails('aione', 'gpt-4.1', secret);
    assert.deepEqual(classifyProblem(e, 'aione', 'gpt-4.1'), { kind: 'upstream', model: 'gpt-4.1' });
    assert.match(e.requestId ?? '', /^req_/);
    sim.setVariants({ keyLimits: 'ignored' });
  });

  test('AIHubMix: allow-list, subnet (names the IP), user quota, token quota, no channel — request ids kept', async () => {
    sim.setVariants({ keyLimits: 'enforced' });
    const t = sim.state.aihubmix.tokens.find((x) => `sk-${x.key}` === sim.aihubmix.modelKey)!;
    const secret = sim.aihubmix.modelKey;
    t.models = 'gpt-4.1';
    let e = await chatFails('aihubmix', 'gpt-4o', secret);
    assert.deepEqual(classifyProblem(e, 'aihubmix', 'gpt-4o'), { kind: 'model-not-allowed', model: 'gpt-4o' });
    assert.match(e.requestId ?? '', /^\d{22}$/);
    t.models = '';
    t.subnet = '10.0.0.0/8';
    e = await chatFails('aihubmix', 'gpt-4.1', secret);
    assert.deepEqual(classifyProblem(e, 'aihubmix', 'gpt-4.1'), { kind: 'ip-not-allowed', ip: '127.0.0.1' });
    t.subnet = '';
    const quota = sim.state.aihubmix.user.quota;
    sim.state.aihubmix.user.quota = 0;
    e = await chatFails('aihubmix', 'gpt-4.1', secret);
    assert.deepEqual(classifyProblem(e, 'aihubmix', 'gpt-4.1'), { kind: 'balance', scope: 'account' });
    sim.state.aihubmix.user.quota = quota;
    sim.faults.add({ gateway: 'aihubmix', model: 'gpt-4.1', fault: { kind: 'status', status: 503 } });
    e = await chatFails('aihubmix', 'gpt-4.1', secret);
    assert.deepEqual(classifyProblem(e, 'aihubmix', 'gpt-4.1'), { kind: 'upstream', model: 'gpt-4.1' });
    assert.match(e.requestId ?? '', /^\d{22}$/);
    const unlimited = t.unlimited_quota;
    const remain = t.remain_quota;
    t.unlimited_quota = false;
    t.remain_quota = 0;
    e = await chatFails('aihubmix', 'gpt-4.1', secret);
    assert.deepEqual(classifyProblem(e, 'aihubmix', 'gpt-4.1'), { kind: 'balance', scope: 'key' });
    Object.assign(t, { unlimited_quota: unlimited, remain_quota: remain, status: 1 });
    sim.setVariants({ keyLimits: 'ignored' });
  });

  test('the key of a chat secret: AIone by its masked prefix, AIHubMix by its full key', async () => {
    const a = await keyOfSecret(gw('aione'), sim.aione.modelKey);
    assert.equal(a?.id, sim.state.aione.modelKeyId);
    const h = await keyOfSecret(gw('aihubmix'), sim.aihubmix.modelKey);
    assert.equal(`sk-${sim.state.aihubmix.tokens.find((x) => String(x.id) === h?.id)?.key}`, sim.aihubmix.modelKey);
  });
});

async function drain(s: AsyncIterable<unknown>): Promise<void> {
  for await (const _ of s) void _;
}
