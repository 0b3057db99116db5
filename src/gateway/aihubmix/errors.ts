/**
 * The model-plane failures of one-api / new-api gateways (AIHubMix) a user can fix, from their messages: these
 * gateways send Chinese wordings (some English), `type` one_api_error / new_api_error, and few codes.
 *
 * - one-api: 403 "该令牌无权使用模型：<m>", 403 "该令牌只能在指定网段使用：<subnet>，当前 ip：<ip>", 401 "该令牌额度已用尽",
 *   403 "user quota is not enough" (code insufficient_user_quota), 503 "当前分组 <g> 下对于模型 <m> 无可用渠道",
 *   429 "当前分组上游负载已饱和，请稍后再试"; every relayed message ends in " (request id: <id>)".
 * - new-api: "用户额度不足, 剩余额度: …", "您已达到请求数限制：1分钟内最多请求10次", "您的 IP 不在令牌允许访问的列表中",
 *   codes insufficient_user_quota / pre_consume_token_quota_failed.
 */
import { rateMetric, statedLimit } from '../aione/errors';
import { factsOf, quotedModel, reportedIp, type GatewayError, type GatewayProblem } from '../errors';

const H_MODEL =
  /无权(?:使用|访问|调用)模型\s*[：:]?\s*([^\s,，(（]+)?|not (?:allowed|permitted) to (?:use|access) (?:the )?model\s*[：:]?\s*([^\s,(]+)?|模型\s*([^\s,，(（]+)?\s*(?:不在令牌|不可用于该令牌)/i;
const H_IP =
  /网段|(?:ip|IP).{0,12}不在.{0,12}(?:允许|列表|白名单)|不在.{0,20}允许.{0,8}ip|当前\s*ip|ip (?:address )?(?:is )?not (?:allowed|permitted|in)|subnet/i;
const H_KEY_QUOTA =
  /令牌额度已用尽|令牌(?:的)?额度不足|额度已用尽|token quota (?:is )?(?:not enough|exhausted|used up)|pre_consume_token_quota_failed|insufficient_token_quota/i;
const H_ACCOUNT =
  /用户额度不足|用户余额不足|余额不足|账户额度不足|user quota is not enough|insufficient_user_quota|insufficient (?:user )?(?:quota|balance)|quota exceeded/i;
/** The gateway's own group / user limits: not a key setting, so not raised from a key. */
const H_GROUP_RATE = /负载已饱和|saturated|请求数限制|总请求数|请求过于频繁|too many requests|rate limit/i;
const H_NO_CHANNEL =
  /无可用渠道|no available channel|没有可用(?:的)?渠道|channel .{0,20}(?:unavailable|not available)|上游|upstream|bad response|overloaded/i;

/** The fixable problem of a failed one-api / new-api model-plane call, or undefined. */
export function hubmixProblem(e: GatewayError, model?: string): GatewayProblem | undefined {
  const f = factsOf(e);
  // Stryker disable next-line StringLiteral: a made-up text in place of a missing code matches no rule
  const text = `${f.message} ${f.code ?? ''}`;
  const m = H_MODEL.exec(f.message);
  if (m) {
    const named = (m[1] ?? m[2] ?? m[3])?.replace(/[)）.。]+$/, '') ?? quotedModel(f.message) ?? model;
    return { kind: 'model-not-allowed', ...(named ? { model: named } : {}) };
  }
  if (H_IP.test(f.message)) {
    const ip = reportedIp(f.message);
    return { kind: 'ip-not-allowed', ...(ip ? { ip } : {}) };
  }
  if (H_KEY_QUOTA.test(text)) return { kind: 'balance', scope: 'key' };
  if (H_ACCOUNT.test(text) || f.status === 402) return { kind: 'balance', scope: 'account' };
  // "负载已饱和" is the upstream group's load shown as a 429: a limit the gateway sets, not the key's
  if (f.status === 429 || e.kind === 'rate-limited' || H_GROUP_RATE.test(f.message)) {
    const metric = rateMetric(f, e.rateLimit);
    const win = metric === 'tpm' ? e.rateLimit?.tokens : e.rateLimit?.requests;
    const limit = win?.limit ?? newApiLimit(f.message) ?? statedLimit(f.message);
    const retryAfterMs = e.retryAfterMs ?? win?.resetMs ?? newApiWindowMs(f.message);
    return {
      kind: 'rate-limit',
      scope: 'group',
      // Stryker disable next-line ConditionalExpression,Regex,ObjectLiteral,StringLiteral: rateMetric already says rpm for 请求数限制
      ...(metric ? { metric } : /请求数限制/.test(f.message) ? { metric: 'rpm' as const } : {}),
      ...(limit !== undefined ? { limit } : {}),
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    };
  }
  if (f.status === 502 || f.status === 503 || f.status === 504 || H_NO_CHANNEL.test(f.message)) {
    const named = /模型\s*([^\s,，]+)\s*无可用渠道/.exec(f.message)?.[1] ?? model;
    return { kind: 'upstream', ...(named ? { model: named } : {}) };
  }
  return undefined;
}

/** new-api: "您已达到请求数限制：1分钟内最多请求10次" → 10. */
// Stryker disable next-line BlockStatement: statedLimit reads the same number ("最多请求 10") when this reads none
function newApiLimit(message: string): number | undefined {
  // Stryker disable next-line Regex: statedLimit reads the same number ("最多请求 10") when this reads none
  const m = /(\d+)\s*分钟内最多请求\s*(\d+)\s*次/.exec(message);
  return m ? Number(m[2]) : undefined;
}

/** new-api's window ("1分钟内…") as the longest wait before a retry can pass. */
function newApiWindowMs(message: string): number | undefined {
  const m = /(\d+)\s*分钟内最多请求/.exec(message);
  return m ? Number(m[1]) * 60_000 : undefined;
}
