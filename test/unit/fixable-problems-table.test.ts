/**
 * Which fixable problem a failed model-plane call is, per gateway dialect, one table row per documented code and
 * wording (and the near misses that must not match): AIone's codes, types and English / Chinese wordings; one-api /
 * new-api's (AIHubMix) messages; the metric, limit and wait of a rate limit; and the failures that are never a
 * problem a fix can address.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { GatewayKind } from '../../src/core/types';
import { hubmixProblem } from '../../src/gateway/aihubmix/errors';
import { aioneProblem, rateMetric, statedLimit } from '../../src/gateway/aione/errors';
import { GatewayError, type GatewayErrorInit, type GatewayProblem } from '../../src/gateway/errors';
import { classifyProblem } from '../../src/gateway/problems';

type Init = Partial<GatewayErrorInit>;
const err = (init: Init) => new GatewayError({ kind: 'server', message: '', ...init });
type Row = readonly [what: string, init: Init, expected: GatewayProblem | undefined, model?: string];

function check(rows: readonly Row[], classify: (e: GatewayError, model?: string) => GatewayProblem | undefined) {
  for (const [what, init, expected, model] of rows)
    it(what, () => assert.deepEqual(classify(err(init), model), expected));
}

describe('AIone: the fixable problem of a model-plane failure', () => {
  const rows: Row[] = [
    // the key's allowed IPs
    ['code ip_not_allowed', { status: 403, code: 'ip_not_allowed' }, { kind: 'ip-not-allowed' }],
    ['code IP_FORBIDDEN (any case)', { status: 403, code: 'IP_FORBIDDEN' }, { kind: 'ip-not-allowed' }],
    ['code ip_not_whitelisted', { code: 'ip_not_whitelisted' }, { kind: 'ip-not-allowed' }],
    ['code ip_restricted', { code: 'ip_restricted' }, { kind: 'ip-not-allowed' }],
    ['code ip_denied', { code: 'ip_denied' }, { kind: 'ip-not-allowed' }],
    ['a code that only contains an ip code is not one', { status: 400, code: 'x_ip_denied' }, undefined],
    ['a code that only starts with an ip code is not one', { status: 400, code: 'ip_denied_x' }, undefined],
    [
      'wording: IP … not allowed, with the address',
      { status: 403, message: 'Request from IP 198.51.100.4 is not allowed for this key' },
      { kind: 'ip-not-allowed', ip: '198.51.100.4' },
    ],
    [
      'wording: ip address … not whitelisted',
      { status: 403, message: 'ip address 10.1.2.3 not whitelisted' },
      { kind: 'ip-not-allowed', ip: '10.1.2.3' },
    ],
    [
      'wording: not permitted from your ip',
      { status: 403, message: 'Calls are not permitted from your IP' },
      { kind: 'ip-not-allowed' },
    ],
    ['wording: ip … 白名单', { status: 403, message: 'IP 不在白名单中' }, { kind: 'ip-not-allowed' }],
    ['wording: allowed_ips', { status: 403, message: 'check allowed_ips of the key' }, { kind: 'ip-not-allowed' }],
    ['wording: allowed ips', { status: 403, message: 'check the allowed IPs of the key' }, { kind: 'ip-not-allowed' }],
    ['"zip" is not an ip', { status: 400, message: 'zip code not allowed here' }, undefined],
    // the key's allowed models
    ['code model_not_permitted', { status: 403, code: 'model_not_permitted' }, { kind: 'model-not-allowed' }],
    [
      'code model_forbidden, the model of the request',
      { code: 'model_forbidden' },
      { kind: 'model-not-allowed', model: 'asked' },
      'asked',
    ],
    ['code model_access_denied', { code: 'MODEL_ACCESS_DENIED' }, { kind: 'model-not-allowed' }],
    ['a code around a model code is not one', { status: 400, code: 'x_model_forbidden' }, undefined],
    ['a code after a model code is not one', { status: 400, code: 'model_forbidden_x' }, undefined],
    [
      'wording: not authorized to access the model, the quoted model first',
      { status: 403, message: "You are not authorized to access the model 'o3'" },
      { kind: 'model-not-allowed', model: 'o3' },
      'asked',
    ],
    [
      'wording: not permitted to call model',
      { status: 403, message: 'key is not permitted to call model x' },
      { kind: 'model-not-allowed' },
    ],
    [
      'wording: may not use model',
      { status: 403, message: 'this key may not use model gpt-4o' },
      { kind: 'model-not-allowed' },
    ],
    [
      'wording: model … not enabled for this api key',
      { status: 403, message: 'model gpt-4o is not enabled for this API key' },
      { kind: 'model-not-allowed' },
    ],
    ['wording: 无权使用模型', { status: 403, message: '该密钥无权使用模型' }, { kind: 'model-not-allowed' }],
    ['wording: 不允许使用模型', { status: 403, message: '不允许使用模型' }, { kind: 'model-not-allowed' }],
    [
      '403 with a permission type about the model parameter',
      { status: 403, errorType: 'permission_error', param: 'model', message: 'denied' },
      { kind: 'model-not-allowed' },
    ],
    [
      'a permission type about another parameter is not',
      { status: 403, errorType: 'permission_error', param: 'messages', message: 'denied' },
      undefined,
    ],
    [
      'a permission type on a 400 is not',
      { status: 400, errorType: 'permission_error', param: 'model', message: 'denied' },
      undefined,
    ],
    [
      'another type about the model is not',
      { status: 403, errorType: 'invalid_request', param: 'model', message: 'denied' },
      undefined,
    ],
    // the key's own quota, then the account's balance
    [
      "wording: key's quota exhausted",
      { status: 403, message: "The key's quota is exhausted" },
      { kind: 'balance', scope: 'key' },
    ],
    [
      'wording: key budget exceeded',
      { status: 403, message: 'key budget exceeded' },
      { kind: 'balance', scope: 'key' },
    ],
    ['wording: 令牌额度已用尽', { status: 403, message: '令牌额度已用尽' }, { kind: 'balance', scope: 'key' }],
    ['402 alone', { status: 402, message: 'Payment Required' }, { kind: 'balance', scope: 'account' }],
    ['code insufficient_funds', { status: 400, code: 'insufficient_funds' }, { kind: 'balance', scope: 'account' }],
    [
      'code billing_hard_limit_reached',
      { status: 400, code: 'billing_hard_limit_reached' },
      { kind: 'balance', scope: 'account' },
    ],
    ['code arrears', { status: 400, code: 'arrears' }, { kind: 'balance', scope: 'account' }],
    ['a code around a balance code is not one', { status: 400, code: 'no_arrears_x' }, undefined],
    ['a code after a balance code is not one', { status: 400, code: 'arrears_x' }, undefined],
    ['type billing', { status: 400, errorType: 'billing_error' }, { kind: 'balance', scope: 'account' }],
    [
      'wording: insufficient credit',
      { status: 400, message: 'Insufficient credit' },
      { kind: 'balance', scope: 'account' },
    ],
    ['wording: balance too low', { status: 400, message: 'balance is too low' }, { kind: 'balance', scope: 'account' }],
    ['wording: 余额不足', { status: 400, message: '余额不足' }, { kind: 'balance', scope: 'account' }],
    ['wording: 欠费', { status: 400, message: '账号欠费' }, { kind: 'balance', scope: 'account' }],
    // rate limits: the key's own
    [
      'a 429 with nothing more',
      { status: 429, kind: 'rate-limited', message: 'slow down' },
      { kind: 'rate-limit', scope: 'key' },
    ],
    [
      'code tpm_limit_exceeded on a 400',
      { status: 400, code: 'tpm_limit_exceeded' },
      { kind: 'rate-limit', scope: 'key', metric: 'tpm' },
    ],
    ['code too_many_requests', { status: 400, code: 'too_many_requests' }, { kind: 'rate-limit', scope: 'key' }],
    ['a code around a rate code is not one', { status: 400, code: 'x_rate_limited' }, undefined],
    ['a code after a rate code is not one', { status: 400, code: 'rate_limited_x' }, undefined],
    ['type rate_limit_error', { status: 400, errorType: 'rate_limit_error' }, { kind: 'rate-limit', scope: 'key' }],
    [
      'the wait the error carries beats the window’s reset; the limit from the window',
      {
        status: 429,
        message: 'RPM exceeded',
        retryAfterMs: 1500,
        rateLimit: { requests: { limit: 60, remaining: 0, resetMs: 9000 } },
      },
      { kind: 'rate-limit', scope: 'key', metric: 'rpm', limit: 60, retryAfterMs: 1500 },
    ],
    [
      'no wait of its own: the window’s reset; the tokens window for a TPM limit',
      {
        status: 429,
        message: 'TPM exceeded',
        rateLimit: { requests: { limit: 60, resetMs: 1 }, tokens: { limit: 40_000, resetMs: 7000 } },
      },
      { kind: 'rate-limit', scope: 'key', metric: 'tpm', limit: 40_000, retryAfterMs: 7000 },
    ],
    [
      'no window: the limit the message states',
      { status: 429, message: 'Too many requests: limit of 30' },
      { kind: 'rate-limit', scope: 'key', limit: 30 },
    ],
    // the upstream provider
    ['a 504', { status: 504, message: 'timeout' }, { kind: 'upstream', model: 'm' }, 'm'],
    ['a 503 without a model', { status: 503, message: 'x' }, { kind: 'upstream' }],
    ['code model_overloaded', { status: 400, code: 'model_overloaded' }, { kind: 'upstream' }],
    ['code provider_unavailable', { status: 400, code: 'provider_unavailable' }, { kind: 'upstream' }],
    ['a code around an upstream code is not one', { status: 400, code: 'x_overloaded' }, undefined],
    ['a code after an upstream code is not one', { status: 400, code: 'overloaded_x' }, undefined],
    [
      'a server error saying overloaded',
      { status: 500, kind: 'server', message: 'engine overloaded' },
      { kind: 'upstream' },
    ],
    [
      'a server error saying provider … down',
      { status: 500, kind: 'server', message: 'the provider is down' },
      { kind: 'upstream' },
    ],
    ['a server error saying 上游', { status: 500, kind: 'server', message: '上游错误' }, { kind: 'upstream' }],
    [
      '"upstream" in a validation error is not',
      { status: 400, kind: 'validation', message: 'upstream field invalid' },
      undefined,
    ],
    ['a plain 500', { status: 500, kind: 'server', message: 'Internal Server Error' }, undefined],
  ];
  check(rows, aioneProblem);
});

describe('AIHubMix (one-api / new-api): the fixable problem of a model-plane failure', () => {
  const rows: Row[] = [
    [
      '无权使用模型：<m>',
      { status: 403, message: '该令牌无权使用模型：gpt-4o' },
      { kind: 'model-not-allowed', model: 'gpt-4o' },
    ],
    [
      '无权调用模型 <m>,',
      { status: 403, message: '无权调用模型 o1-mini, 请联系管理员' },
      { kind: 'model-not-allowed', model: 'o1-mini' },
    ],
    [
      '无权访问模型<m>（…）',
      { status: 403, message: '无权访问模型claude（令牌限制）' },
      { kind: 'model-not-allowed', model: 'claude' },
    ],
    [
      'the model name loses trailing punctuation',
      { status: 403, message: '无权使用模型：gpt-4o。' },
      { kind: 'model-not-allowed', model: 'gpt-4o' },
    ],
    [
      '无权使用模型 without a name: the quoted one',
      { status: 403, message: "无权使用模型 ,'qwen-max'" },
      { kind: 'model-not-allowed', model: 'qwen-max' },
    ],
    [
      '无权使用模型 without any name: the request’s',
      { status: 403, message: '无权使用模型' },
      { kind: 'model-not-allowed', model: 'asked' },
      'asked',
    ],
    [
      'English: not allowed to use the model <m>',
      { status: 403, message: 'not allowed to use the model: deepseek-r1' },
      { kind: 'model-not-allowed', model: 'deepseek-r1' },
    ],
    [
      'English: not permitted to access model',
      { status: 403, message: 'not permitted to access model' },
      { kind: 'model-not-allowed' },
    ],
    [
      '模型 <m> 不在令牌…',
      { status: 403, message: '模型 gpt-5 不在令牌允许的范围内' },
      { kind: 'model-not-allowed', model: 'gpt-5' },
    ],
    [
      '模型<m>不可用于该令牌',
      { status: 403, message: '模型gpt-5不可用于该令牌' },
      { kind: 'model-not-allowed', model: 'gpt-5' },
    ],
    [
      '网段 with the IP',
      { status: 403, message: '该令牌只能在指定网段使用：10.0.0.0/8，当前 ip：198.51.100.7' },
      { kind: 'ip-not-allowed', ip: '198.51.100.7' },
    ],
    ['IP 不在 … 列表', { status: 403, message: '您的 IP 不在令牌允许访问的列表中' }, { kind: 'ip-not-allowed' }],
    ['ip 不在 … 白名单', { status: 403, message: 'ip 1.2.3.4 不在白名单' }, { kind: 'ip-not-allowed', ip: '1.2.3.4' }],
    ['不在 … 允许 … ip', { status: 403, message: '请求不在允许的 ip 范围' }, { kind: 'ip-not-allowed' }],
    ['当前ip', { status: 403, message: '拒绝，当前ip：5.6.7.8' }, { kind: 'ip-not-allowed', ip: '5.6.7.8' }],
    [
      'English: ip address is not allowed',
      { status: 403, message: 'ip address is not allowed' },
      { kind: 'ip-not-allowed' },
    ],
    ['English: subnet', { status: 403, message: 'outside the allowed subnet' }, { kind: 'ip-not-allowed' }],
    ['令牌额度不足', { status: 403, message: '令牌额度不足' }, { kind: 'balance', scope: 'key' }],
    ['额度已用尽', { status: 401, message: 'API Key ci-bot 额度已用尽' }, { kind: 'balance', scope: 'key' }],
    [
      'token quota is exhausted',
      { status: 403, message: 'token quota is exhausted' },
      { kind: 'balance', scope: 'key' },
    ],
    [
      'code pre_consume_token_quota_failed',
      { status: 403, message: 'failed', code: 'pre_consume_token_quota_failed' },
      { kind: 'balance', scope: 'key' },
    ],
    [
      'code insufficient_token_quota',
      { status: 403, message: 'x', code: 'insufficient_token_quota' },
      { kind: 'balance', scope: 'key' },
    ],
    ['用户余额不足', { status: 403, message: '用户余额不足' }, { kind: 'balance', scope: 'account' }],
    ['账户额度不足', { status: 403, message: '账户额度不足' }, { kind: 'balance', scope: 'account' }],
    [
      'code insufficient_user_quota',
      { status: 403, message: 'x', code: 'insufficient_user_quota' },
      { kind: 'balance', scope: 'account' },
    ],
    ['insufficient balance', { status: 403, message: 'insufficient balance' }, { kind: 'balance', scope: 'account' }],
    ['quota exceeded', { status: 403, message: 'quota exceeded' }, { kind: 'balance', scope: 'account' }],
    ['a 402 alone', { status: 402, message: 'x' }, { kind: 'balance', scope: 'account' }],
    [
      '负载已饱和 on a 429',
      { status: 429, message: '当前分组上游负载已饱和，请稍后再试' },
      { kind: 'rate-limit', scope: 'group' },
    ],
    [
      'rate-limited kind without a 429',
      { status: 400, kind: 'rate-limited', message: 'x' },
      { kind: 'rate-limit', scope: 'group' },
    ],
    [
      'too many requests on a 400',
      { status: 400, message: 'Too Many Requests' },
      { kind: 'rate-limit', scope: 'group' },
    ],
    ['请求过于频繁', { status: 400, message: '请求过于频繁' }, { kind: 'rate-limit', scope: 'group' }],
    ['总请求数', { status: 400, message: '超过总请求数' }, { kind: 'rate-limit', scope: 'group' }],
    [
      'new-api: N 分钟内最多请求 M 次',
      { status: 429, message: '您已达到请求数限制：2分钟内最多请求10次' },
      { kind: 'rate-limit', scope: 'group', metric: 'rpm', limit: 10, retryAfterMs: 120_000 },
    ],
    [
      'new-api with spaces',
      { status: 429, message: '您已达到请求数限制：1 分钟内最多请求 7 次' },
      { kind: 'rate-limit', scope: 'group', metric: 'rpm', limit: 7, retryAfterMs: 60_000 },
    ],
    [
      'the error’s own wait and the window’s limit come first',
      {
        status: 429,
        message: '请求数限制：1分钟内最多请求10次',
        retryAfterMs: 500,
        rateLimit: { requests: { limit: 3, resetMs: 9 } },
      },
      { kind: 'rate-limit', scope: 'group', metric: 'rpm', limit: 3, retryAfterMs: 500 },
    ],
    [
      'the window’s reset before the words',
      {
        status: 429,
        message: '1分钟内最多请求10次',
        rateLimit: { tokens: { remaining: 0, limit: 100, resetMs: 4000 } },
      },
      { kind: 'rate-limit', scope: 'group', metric: 'tpm', limit: 100, retryAfterMs: 4000 },
    ],
    ['the stated limit last', { status: 429, message: 'limit: 12' }, { kind: 'rate-limit', scope: 'group', limit: 12 }],
    [
      '无可用渠道 names its model',
      { status: 503, message: '当前分组 default 下对于模型 gpt-4.1 无可用渠道' },
      { kind: 'upstream', model: 'gpt-4.1' },
      'asked',
    ],
    [
      'no available channel',
      { status: 500, message: 'no available channel for model' },
      { kind: 'upstream', model: 'asked' },
      'asked',
    ],
    ['没有可用的渠道', { status: 500, message: '没有可用的渠道' }, { kind: 'upstream' }],
    ['channel … unavailable', { status: 500, message: 'channel #3 is unavailable' }, { kind: 'upstream' }],
    ['bad response', { status: 500, message: 'bad response status code 500' }, { kind: 'upstream' }],
    ['overloaded', { status: 500, message: 'model overloaded' }, { kind: 'upstream' }],
    ['a 502', { status: 502, message: 'x' }, { kind: 'upstream' }],
    ['a 504', { status: 504, message: 'x' }, { kind: 'upstream' }],
    ['a plain 500', { status: 500, message: 'internal error' }, undefined],
    ['a wrong key', { status: 401, message: '无效的令牌' }, undefined],
  ];
  check(rows, hubmixProblem);
});

describe('the metric and the limit of a rate limit', () => {
  const facts = (message: string, code?: string) => ({ message, ...(code ? { code } : {}) });
  it('TPM by its code, its words in English or Chinese', () => {
    for (const m of [
      'TPM exceeded',
      'tokens per minute',
      'token per min',
      'tokens_limit hit',
      'token limit reached',
      'tokens limit',
      '每分钟 token 超限',
      '每分钟词元',
    ])
      assert.equal(rateMetric(facts(m)), 'tpm', m);
    assert.equal(rateMetric(facts('x', 'tpm')), 'tpm');
    assert.equal(rateMetric(facts('x', 'tpm_limit_exceeded')), 'tpm');
  });
  it('RPM by its code, its words in English or Chinese', () => {
    for (const m of [
      'RPM exceeded',
      'requests per minute',
      'request per min',
      'request limit',
      '请求数限制',
      '每分钟请求过多',
    ])
      assert.equal(rateMetric(facts(m)), 'rpm', m);
    assert.equal(rateMetric(facts('x', 'rpm')), 'rpm');
    assert.equal(rateMetric(facts('x', 'rpm_limit_exceeded')), 'rpm');
  });
  it('words win over the headers; else the spent window; else unknown', () => {
    const spentTokens = { tokens: { remaining: 0 }, requests: { remaining: 0 } };
    assert.equal(rateMetric(facts('RPM exceeded'), spentTokens), 'rpm');
    assert.equal(rateMetric(facts('slow down'), spentTokens), 'tpm');
    assert.equal(rateMetric(facts('slow down'), { tokens: { remaining: 1 }, requests: { remaining: 0 } }), 'rpm');
    assert.equal(rateMetric(facts('slow down'), { tokens: { remaining: 1 }, requests: { remaining: 1 } }), undefined);
    assert.equal(rateMetric(facts('slow down')), undefined);
    // "rpm" inside a word is not the metric
    assert.equal(rateMetric(facts('xrpmx xtpmx')), undefined);
  });
  it('statedLimit: each wording', () => {
    const rows: ReadonlyArray<readonly [string, number | undefined]> = [
      ['Limit 60 per minute', 60],
      ['RPM limit of 60', 60],
      ['limit is 5', 5],
      ['limit: 7', 7],
      ['limited 8', 8],
      ['上限：9', 9],
      ['最多请求 11', 11],
      ['20 requests per min', 20],
      ['30 tokens/min', 30],
      ['40 rpm / min', 40],
      ['limit 1234567890', 123456789],
      ['no number', undefined],
    ];
    for (const [m, n] of rows) assert.equal(statedLimit(m), n, m);
  });
});

describe('classifyProblem', () => {
  it('a transport failure or a cancel is never a fixable problem; anything else goes to its dialect', () => {
    const words = { status: 403, message: '该令牌无权使用模型：gpt-4o' };
    for (const kind of ['aborted', 'network', 'proxy', 'timeout'] as const)
      assert.equal(classifyProblem(err({ ...words, kind }), 'aihubmix'), undefined, kind);
    assert.deepEqual(classifyProblem(err({ ...words, kind: 'forbidden' }), 'aihubmix'), {
      kind: 'model-not-allowed',
      model: 'gpt-4o',
    });
    const aione = err({ kind: 'forbidden', status: 403, code: 'model_not_allowed', message: 'no' });
    for (const g of ['aione', 'aihubmix'] as GatewayKind[])
      assert.deepEqual(
        classifyProblem(aione, g, 'm1'),
        g === 'aione' ? { kind: 'model-not-allowed', model: 'm1' } : undefined,
        g,
      );
    assert.equal(classifyProblem(new Error('x'), 'aione'), undefined);
    // something shaped like a GatewayError is not one
    const lookalike = { kind: 'forbidden', status: 403, code: 'model_not_allowed', message: 'no', fieldErrors: [] };
    assert.equal(classifyProblem(lookalike, 'aione'), undefined);
  });
});

describe('the near misses of each rule', () => {
  describe('AIone', () => {
    const rows: Row[] = [
      ['a code ending in a balance code is not one', { status: 400, code: 'x_arrears' }, undefined],
      [
        'wording: balance exhausted',
        { status: 400, message: 'balance exhausted' },
        { kind: 'balance', scope: 'account' },
      ],
      [
        'wording: model … not allowed for this key',
        { status: 403, message: 'model gpt-4o is not allowed for this key' },
        { kind: 'model-not-allowed' },
      ],
      [
        'wording: IP … not authorized',
        { status: 403, message: 'IP 1.2.3.4 not authorized' },
        { kind: 'ip-not-allowed', ip: '1.2.3.4' },
      ],
      ['a 502 of any kind', { status: 502, kind: 'bad-response', message: 'x' }, { kind: 'upstream' }],
    ];
    check(rows, aioneProblem);
  });

  describe('AIHubMix', () => {
    const rows: Row[] = [
      [
        'a name with a dot keeps it',
        { status: 403, message: '无权使用模型：gpt-4.1' },
        { kind: 'model-not-allowed', model: 'gpt-4.1' },
      ],
      [
        'every trailing bracket and stop is dropped',
        { status: 403, message: '无权使用模型：gpt-4o).' },
        { kind: 'model-not-allowed', model: 'gpt-4o' },
      ],
      [
        'English with a colon and no space',
        { status: 403, message: 'not allowed to use model:gpt-4o' },
        { kind: 'model-not-allowed', model: 'gpt-4o' },
      ],
      [
        '模型不在令牌… without a name: the request’s',
        { status: 403, message: '模型不在令牌允许范围内' },
        { kind: 'model-not-allowed', model: 'asked' },
        'asked',
      ],
      [
        '当前 ip with a space',
        { status: 403, message: '拒绝，当前 ip：5.6.7.9' },
        { kind: 'ip-not-allowed', ip: '5.6.7.9' },
      ],
      ['English: ip is not allowed', { status: 403, message: 'ip is not allowed' }, { kind: 'ip-not-allowed' }],
      ['English: ip not permitted', { status: 403, message: 'ip not permitted' }, { kind: 'ip-not-allowed' }],
      ['token quota exhausted', { status: 403, message: 'token quota exhausted' }, { kind: 'balance', scope: 'key' }],
      ['没有可用渠道', { status: 500, message: '没有可用渠道' }, { kind: 'upstream' }],
      ['a 503 of any words', { status: 503, message: 'x' }, { kind: 'upstream' }],
      [
        '模型<m>无可用渠道 without spaces',
        { status: 503, message: '对于模型gpt-4.1无可用渠道' },
        { kind: 'upstream', model: 'gpt-4.1' },
        'asked',
      ],
      [
        'new-api: a window of 12 minutes',
        { status: 429, message: '您已达到请求数限制：12分钟内最多请求30次' },
        { kind: 'rate-limit', scope: 'group', metric: 'rpm', limit: 30, retryAfterMs: 720_000 },
      ],
      [
        'TPM without windows',
        { status: 429, message: 'TPM exceeded' },
        { kind: 'rate-limit', scope: 'group', metric: 'tpm' },
      ],
    ];
    check(rows, hubmixProblem);
  });

  it('rateMetric: a window without the other one', () => {
    assert.equal(rateMetric({ message: 'slow down' }, { tokens: { remaining: 1 } }), undefined);
    assert.equal(rateMetric({ message: 'slow down' }, { requests: { remaining: 1 } }), undefined);
  });

  it('statedLimit: a space before the colon, no space before the unit', () => {
    assert.equal(statedLimit('limit : 7'), 7);
    assert.equal(statedLimit('20requests per min'), 20);
  });
});
