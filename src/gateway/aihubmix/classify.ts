/**
 * What a one-api / new-api business error means. These gateways answer most failures with HTTP 200 and
 * `{success:false, message}`, so the kind comes from the message: an overloaded or rate-limited server is
 * transient (a read is retried like a 429 / 503), a refused token is auth, a missing record is not-found,
 * and anything else is a refusal of the request itself (validation).
 */
import type { KeyInput } from '../../core/types';
import { errorHeaderFacts, GatewayError, type FieldError, type GatewayErrorKind } from '../errors';
import { parseRetryAfter } from '../httpTypes';
import { tryParseJson } from '../schema';

/** Auth: no token, a wrong or expired token, a missing or mismatched New-Api-User header. */
const AUTH =
  /access token|未登录|未提供\s*(?:access token|New-Api-User|令牌)|New-Api-User|与登录用户不匹配|token\s*无效|无效的令牌|not\s*logged\s*in|unauthori[sz]ed|未授权|invalid (?:access )?token|token (?:is )?(?:invalid|expired)|header not provided/i;
/** Forbidden: the token is valid but the user may not do this (role, ban). */
const FORBIDDEN =
  /权限不足|无权|无权限|forbidden|已被封禁|用户已被禁用|\bbanned\b|user has been disabled|no permission|insufficient privilege/i;
const NOT_FOUND = /record not found|不存在|未找到|not found|does not exist/i;
/** Rate limits: too many requests, a request quota per window, a saturated upstream group. */
const RATE_LIMITED =
  /too many requests|rate[\s_-]?limit|请求过于频繁|过于频繁|频繁|请求数限制|request limit|负载已饱和|saturated|限流|throttl/i;
/** Transient server trouble: busy, try again later, a database hiccup, a timeout. */
const TRANSIENT =
  /繁忙|busy|overload|稍后|try again later|retry later|please try again|数据库错误|database error|database is locked|deadlock|too many connections|timed? ?out|超时|deadline exceeded|connection refused|暂时不可用|temporarily unavailable|service unavailable|internal (?:server )?error|服务器错误|系统错误/i;

/** The kind of a `success:false` message sent with a 2xx status. */
export function classifyMessage(message: string): GatewayErrorKind {
  if (AUTH.test(message)) return 'auth';
  if (FORBIDDEN.test(message)) return 'forbidden';
  if (NOT_FOUND.test(message)) return 'not-found';
  if (RATE_LIMITED.test(message)) return 'rate-limited';
  if (TRANSIENT.test(message)) return 'server';
  return 'validation';
}

/** Whether a `success:false` message says "try again later" (the kinds a read retries). */
export function isTransientMessage(message: string): boolean {
  const kind = classifyMessage(message);
  return kind === 'rate-limited' || kind === 'server';
}

/**
 * Whether a 2xx answer is a `{success:false}` envelope whose message is transient. Looks at the text
 * cheaply first: an error envelope is small, so only a body under 4 KiB that mentions `false` is parsed (a
 * page of keys, full of `"unlimited_quota":false`, is never parsed twice).
 */
export function isTransientEnvelope(text: string): boolean {
  // Stryker disable next-line StringLiteral: the text test only spares a parse; the envelope's own check decides
  if (text.length > 4096 || !text.includes('false')) return false;
  const json = tryParseJson(text);
  // Stryker disable next-line ConditionalExpression: a text with "false" that parses to null does not exist; any other non-object has no success:false
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return false;
  const o = json as { success?: unknown; message?: unknown };
  return o.success === false && typeof o.message === 'string' && isTransientMessage(o.message);
}

/** Which KeyInput field a one-api business error is about (messages are Chinese, some English). */
const MESSAGE_FIELDS: ReadonlyArray<[RegExp, keyof KeyInput, string]> = [
  [/名称|name/i, 'name', 'name'],
  [/网段|subnet|\bips?\b|allow_ips/i, 'allowedIps', 'subnet'],
  [/过期|expire/i, 'expiresAt', 'expired_time'],
  [/额度|quota/i, 'quotaUsd', 'remain_quota'],
  [/模型|model/i, 'modelsAllowed', 'models'],
];

/**
 * The GatewayError of a failed call: `kind` from the HTTP status or the message; a validation message that names
 * a key field (in Chinese or English) is tied to that field's input step.
 */
export function hubmixError(
  kind: GatewayErrorKind,
  message: string,
  operation: string,
  gateway: string,
  status?: number,
  retryAfter?: string,
  code?: string,
  headers?: Readonly<Record<string, string | undefined>>,
): GatewayError {
  const fieldErrors: FieldError[] = [];
  if (kind === 'validation') {
    for (const [re, input, field] of MESSAGE_FIELDS) {
      if (re.test(message)) {
        fieldErrors.push({ field, message, input });
        break;
      }
    }
  }
  const retryAfterMs = parseRetryAfter(retryAfter);
  // X-Oneapi-Request-Id / X-Request-Id; without one, the id one-api appends to its words is read from the message
  const requestId = errorHeaderFacts(headers).requestId;
  return new GatewayError({
    kind,
    message,
    operation,
    gateway,
    status,
    fieldErrors,
    retryAfterMs,
    ...(code ? { code } : {}),
    ...(requestId ? { requestId } : {}),
  });
}
