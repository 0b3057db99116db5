/**
 * The meaning of a one-api / new-api `{success:false}` message, table-tested with the strings those servers
 * really send (one-api: middleware/auth.go, controller/token.go, gorm / driver errors passed through as
 * `err.Error()`; new-api: i18n/locales/zh-CN.yaml and en.yaml, the New-Api-User checks of its classic
 * middleware, controller/token.go).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  classifyMessage,
  hubmixError,
  isTransientEnvelope,
  isTransientMessage,
} from '../../src/gateway/aihubmix/classify';
import type { GatewayErrorKind } from '../../src/gateway/errors';

const TABLE: ReadonlyArray<readonly [string, GatewayErrorKind, string]> = [
  // auth
  ['无权进行此操作，未登录且未提供 access token', 'auth', 'one-api / new-api: no Authorization'],
  ['无权进行此操作，access token 无效', 'auth', 'one-api / new-api: wrong access token'],
  ['无权进行此操作，未提供 New-Api-User', 'auth', 'new-api: header missing'],
  ['无权进行此操作，New-Api-User 格式错误', 'auth', 'new-api: header not a number'],
  ['无权进行此操作，New-Api-User 与登录用户不匹配', 'auth', 'new-api: header of another user'],
  ['无权进行此操作，与登录用户不匹配，请重新登录', 'auth', 'new-api docs: mismatch'],
  ['Unauthorized, New-Api-User header not provided', 'auth', 'new-api (en)'],
  ['未授权', 'auth', 'new-api common.unauthorized'],
  // forbidden
  ['无权进行此操作，权限不足', 'forbidden', 'one-api / new-api: role too low'],
  ['用户已被封禁', 'forbidden', 'one-api: banned user'],
  ['该用户已被禁用', 'forbidden', 'new-api user.disabled'],
  ['This user has been disabled', 'forbidden', 'new-api user.disabled (en)'],
  ['User has been banned', 'forbidden', 'new-api oauth.user_banned (en)'],
  ['无权进行此操作，用户信息无效', 'forbidden', 'new-api: invalid user info (403)'],
  // not found
  ['record not found', 'not-found', 'gorm ErrRecordNotFound'],
  ['用户不存在', 'not-found', 'new-api user.not_exists'],
  ['User does not exist', 'not-found', 'new-api user.not_exists (en)'],
  // rate limited (transient)
  ['当前分组上游负载已饱和，请稍后再试', 'rate-limited', 'one-api / new-api channel.upstream_saturated'],
  ['Current group upstream load is saturated, please try again later', 'rate-limited', 'new-api (en)'],
  ['您已达到请求数限制：1分钟内最多请求60次', 'rate-limited', 'new-api rate_limit.reached'],
  [
    'You have reached the request limit: maximum 60 requests in 1 minutes',
    'rate-limited',
    'new-api rate_limit.reached (en)',
  ],
  ['Too Many Requests', 'rate-limited', 'a relay in front'],
  // transient server trouble
  ['系统繁忙，请稍后再试', 'server', 'AIHubMix busy'],
  ['数据库错误，请稍后重试', 'server', 'new-api common.database_error'],
  ['Database error, please try again later', 'server', 'new-api common.database_error (en)'],
  ['请稍后重试', 'server', 'new-api common.retry_later'],
  ['获取令牌信息失败，请稍后重试', 'server', 'new-api token.get_info_failed'],
  ['已经有一个修复任务在运行中，请稍后再试', 'server', 'new-api ability.repair_running'],
  ['database is locked', 'server', 'one-api on SQLite (gorm error passed through)'],
  ['Error 1040: Too many connections', 'server', 'one-api on MySQL (driver error passed through)'],
  ['dial tcp 127.0.0.1:3306: connect: connection refused', 'server', 'one-api: database down'],
  ['context deadline exceeded', 'server', 'a timed-out query'],
  // validation: the request itself was refused
  ['令牌名称过长', 'validation', 'one-api / new-api token.name_too_long'],
  ['Token name is too long', 'validation', 'new-api (en)'],
  ['额度值不能为负数', 'validation', 'new-api token.quota_negative'],
  ['Quota value cannot be negative', 'validation', 'new-api (en)'],
  ['额度值超出有效范围，最大值为 500000000000000', 'validation', 'new-api token.quota_exceed_max'],
  [
    '令牌已过期，无法启用，请先修改令牌过期时间，或者设置为永不过期',
    'validation',
    'one-api / new-api: enable an expired key',
  ],
  [
    'Token has expired and cannot be enabled. Please modify the expiration time or set it to never expire',
    'validation',
    'new-api (en)',
  ],
  ['令牌可用额度已用尽，无法启用，请先修改令牌剩余额度，或者设置为无限额度', 'validation', 'enable an exhausted key'],
  ['已达到最大令牌数量限制 (1000)', 'validation', 'new-api: token count limit'],
  ['搜索模式中最多允许包含 2 个 % 通配符', 'validation', 'new-api search pattern'],
  ['无效的参数', 'validation', 'new-api common.invalid_params'],
  ['id 为空！', 'validation', 'new-api model layer'],
];

describe('AIHubMix success:false classified by meaning', () => {
  for (const [message, kind, source] of TABLE) {
    it(`${kind} ← "${message}" (${source})`, () => {
      assert.equal(classifyMessage(message), kind);
      assert.equal(isTransientMessage(message), kind === 'rate-limited' || kind === 'server');
    });
  }

  it('only a small {success:false} envelope with a transient message asks for a retry', () => {
    assert.equal(isTransientEnvelope(JSON.stringify({ success: false, message: '系统繁忙，请稍后再试' })), true);
    assert.equal(isTransientEnvelope(JSON.stringify({ success: false, message: '令牌名称过长' })), false);
    assert.equal(isTransientEnvelope(JSON.stringify({ success: true, message: '请稍后', data: [] })), false);
    assert.equal(isTransientEnvelope('{"success":false,"message":'), false);
    assert.equal(
      isTransientEnvelope(JSON.stringify({ success: false, message: `系统繁忙${' '.repeat(5000)}` })),
      false,
      'a large body is not an error envelope',
    );
  });
});

describe('AIHubMix success:false: the wordings at their edges', () => {
  const rows: ReadonlyArray<readonly [string, GatewayErrorKind]> = [
    ['未提供令牌', 'auth'],
    ['未提供 令牌', 'auth'],
    ['token无效', 'auth'],
    ['token  无效', 'auth'],
    ['notloggedin', 'auth'],
    ['not logged in', 'auth'],
    ['not loggedin', 'auth'],
    ['unauthorized', 'auth'],
    ['Unauthorised', 'auth'],
    ['invalid token', 'auth'],
    ['invalid access token', 'auth'],
    ['token expired', 'auth'],
    ['token is invalid', 'auth'],
    ['ratelimit', 'rate-limited'],
    ['rate limit exceeded', 'rate-limited'],
    ['rate_limit', 'rate-limited'],
    ['rate-limit', 'rate-limited'],
    ['timeout', 'server'],
    ['timed out', 'server'],
    ['time out', 'server'],
    ['internal error', 'server'],
    ['internal server error', 'server'],
  ];
  for (const [message, kind] of rows) it(`${kind} ← "${message}"`, () => assert.equal(classifyMessage(message), kind));

  it('an envelope of 4096 characters is still read; one character more is not', () => {
    const envelope = (size: number) => {
      const bare = JSON.stringify({ success: false, message: '系统繁忙', pad: '' });
      const text = JSON.stringify({ success: false, message: '系统繁忙', pad: 'x'.repeat(size - bare.length) });
      assert.equal(text.length, size);
      return text;
    };
    assert.equal(isTransientEnvelope(envelope(4096)), true);
    assert.equal(isTransientEnvelope(envelope(4097)), false);
  });

  it('only success:false with a text message that is transient', () => {
    assert.equal(isTransientEnvelope('{"success":true,"message":"系统繁忙","unlimited_quota":false}'), false);
    assert.equal(isTransientEnvelope('{"message":"系统繁忙","unlimited_quota":false}'), false);
    assert.equal(isTransientEnvelope('{"success":false,"message":["系统繁忙"]}'), false);
    assert.equal(isTransientEnvelope('{"success":false,"message":"令牌名称过长"}'), false);
    assert.equal(isTransientEnvelope('[false,"系统繁忙"]'), false);
    assert.equal(isTransientEnvelope('false'), false);
  });
});

describe('AIHubMix business errors: the key field a validation message is about', () => {
  const rows: ReadonlyArray<readonly [string, { field: string; input: string } | undefined]> = [
    ['令牌名称过长', { field: 'name', input: 'name' }],
    ['name too long', { field: 'name', input: 'name' }],
    ['网段格式错误', { field: 'subnet', input: 'allowedIps' }],
    ['invalid subnet', { field: 'subnet', input: 'allowedIps' }],
    ['bad ip list', { field: 'subnet', input: 'allowedIps' }],
    ['bad ips', { field: 'subnet', input: 'allowedIps' }],
    ['allow_ips invalid', { field: 'subnet', input: 'allowedIps' }],
    ['过期时间不能早于当前时间', { field: 'expired_time', input: 'expiresAt' }],
    ['expire time invalid', { field: 'expired_time', input: 'expiresAt' }],
    ['额度必须大于等于 0', { field: 'remain_quota', input: 'quotaUsd' }],
    ['quota must be positive', { field: 'remain_quota', input: 'quotaUsd' }],
    ['模型限制格式错误', { field: 'models', input: 'modelsAllowed' }],
    ['model list invalid', { field: 'models', input: 'modelsAllowed' }],
    ['名称与模型都不对', { field: 'name', input: 'name' }],
    ['zipper broken', undefined],
    ['something else', undefined],
  ];
  for (const [message, expected] of rows)
    it(`"${message}"`, () => {
      const e = hubmixError('validation', message, 'keys.create', 'AIHubMix', 200);
      assert.deepEqual(e.fieldErrors, expected ? [{ ...expected, message }] : []);
      assert.equal(e.kind, 'validation');
      assert.equal(e.operation, 'keys.create');
      assert.equal(e.gateway, 'AIHubMix');
      assert.equal(e.status, 200);
    });

  it('only a validation error is tied to a field; code, Retry-After and request id are kept', () => {
    assert.deepEqual(hubmixError('forbidden', '令牌名称过长', 'op', 'G').fieldErrors, []);
    const e = hubmixError('rate-limited', 'slow', 'op', 'G', 429, '3', 'too_many', { 'x-oneapi-request-id': 'req-77' });
    assert.equal(e.retryAfterMs, 3000);
    assert.equal(e.code, 'too_many');
    assert.equal(e.requestId, 'req-77');
    const bare = hubmixError('server', 'x', 'op', 'G');
    assert.equal(bare.code, undefined);
    assert.equal(bare.requestId, undefined);
    assert.equal(bare.retryAfterMs, undefined);
  });
});
