/**
 * What a failed AIone management call means: the HTTP status gives the kind; FastAPI's `detail` gives the
 * message — a string (HTTPException), or a ValidationError list (422) whose `loc` of each entry becomes a field
 * path and, where the wire field is one the key form asks for, the input step to send the user back to.
 */
import type { KeyInput } from '../../core/types';
import {
  errorHeaderFacts,
  factsOf,
  GatewayError,
  kindForStatus,
  quotedModel,
  reportedIp,
  requestIdInBody,
  summariseBody,
  type ErrorFacts,
  type FieldError,
  type GatewayProblem,
  type RateLimitInfo,
} from '../errors';
import { parseRetryAfter } from '../httpTypes';
import { tryParseJson } from '../schema';
import { fastApiErrorSchema } from './schemas';

/** Wire field → KeyInput field, so a 422 can be shown on the input step that caused it. */
const WIRE_TO_INPUT: Readonly<Record<string, keyof KeyInput>> = {
  name: 'name',
  models_allowed: 'modelsAllowed',
  allowed_ips: 'allowedIps',
  rpm_limit: 'rpmLimit',
  tpm_limit: 'tpmLimit',
  expires_at: 'expiresAt',
  is_sandbox: 'isSandbox',
  team_id: 'teamId',
  grace_hours: 'expiresAt',
};

/** The GatewayError for a non-2xx answer of a management call. */
export function aioneError(
  status: number,
  text: string,
  operation: string,
  gateway: string,
  retryAfter?: string,
  headers?: Readonly<Record<string, string | undefined>>,
): GatewayError {
  let message = `HTTP ${status}`;
  const fieldErrors: FieldError[] = [];
  const json = tryParseJson(text);
  const fe = fastApiErrorSchema.safeParse(json);
  if (fe.success) {
    const d = fe.data.detail;
    if (typeof d === 'string') message = d;
    else if (Array.isArray(d)) {
      for (const v of d) {
        const loc = v.loc.map(String);
        const wire = loc[0] === 'body' || loc[0] === 'query' || loc[0] === 'path' ? loc[1] : loc[0];
        const input = wire ? WIRE_TO_INPUT[wire] : undefined;
        fieldErrors.push({
          field: loc.join('.'),
          message: v.msg,
          ...(v.type ? { type: v.type } : {}),
          ...(input ? { input } : {}),
        });
      }
      message = fieldErrors.map((f) => `${f.field}: ${f.message}`).join('; ') || 'Validation failed';
    } else {
      message = JSON.stringify(d).slice(0, 300);
    }
  } else {
    message = summariseBody(text) ?? message;
  }
  const retryAfterMs = parseRetryAfter(retryAfter);
  // the gateway's id of the request (X-Request-Id, or a request_id / trace_id in the body), for support
  const requestId = errorHeaderFacts(headers).requestId ?? requestIdInBody(json);
  return new GatewayError({
    kind: kindForStatus(status),
    status,
    message,
    fieldErrors,
    gateway,
    operation,
    retryAfterMs,
    ...(requestId ? { requestId } : {}),
  });
}

// ==== model-plane failures a user can fix ==============================================================================
// AIone documents 403 "the key may not use this model", 429 "RPM limit exceeded", 502/503 "upstream unavailable",
// and the codes invalid_api_key, model_not_found, rate_limit_exceeded. The rest of what follows is accepted
// leniently: OpenAI's own codes and types (permission_error, insufficient_quota, tokens), and plain wordings.

const A_MODEL_CODES =
  /^(model_not_allowed|model_not_permitted|model_forbidden|permission_denied|model_access_denied)$/i;
const A_MODEL_TEXT =
  /not (?:allowed|permitted|authori[sz]ed) to (?:use|access|call)(?: the)? model|may not use(?: the)? model|model .{0,80}not (?:allowed|permitted|enabled) for (?:this|the) (?:api )?key|无权(?:使用|访问)模型|不允许使用模型/i;
const A_IP_CODES = /^(ip_not_allowed|ip_forbidden|ip_not_in_whitelist|ip_not_whitelisted|ip_restricted|ip_denied)$/i;
const A_IP_TEXT =
  /\bip(?: address)?\b.{0,60}\bnot (?:allowed|permitted|in|whitelisted|authori[sz]ed)|not (?:allowed|permitted) from (?:this|your) ip|ip .{0,20}(?:白名单|不在|不允许)|allowed[_ ]ips/i;
const A_BALANCE_CODES =
  /^(insufficient_quota|insufficient_balance|balance_insufficient|insufficient_funds|billing_hard_limit_reached|account_balance_exhausted|arrears)$/i;
const A_BALANCE_TEXT =
  /insufficient (?:balance|quota|funds|credit)|balance (?:is )?(?:insufficient|exhausted|too low|not enough)|exceeded your current quota|余额不足|欠费|账户余额/i;
const A_KEY_QUOTA_TEXT = /key(?:'s)? (?:quota|budget) (?:is )?(?:exhausted|exceeded|used up)|令牌额度已用尽/i;
const A_RATE_CODES =
  /^(rate_limit_exceeded|rate_limited|too_many_requests|rpm_limit_exceeded|tpm_limit_exceeded|tokens_limit_exceeded)$/i;
const A_UPSTREAM_CODES =
  /^(upstream_error|upstream_unavailable|model_unavailable|service_unavailable|model_overloaded|overloaded|bad_gateway|bad_response|provider_unavailable)$/i;
const A_UPSTREAM_TEXT =
  /upstream|overloaded|temporarily unavailable|service unavailable|provider .{0,30}(?:down|unavailable)|上游/i;

/** Which per-minute limit a 429 is about: its code, its wording, or the window the headers show as spent. */
export function rateMetric(f: ErrorFacts, rl?: RateLimitInfo): 'rpm' | 'tpm' | undefined {
  // Stryker disable next-line StringLiteral: a made-up text in place of a missing code matches no rule
  const text = `${f.code ?? ''} ${f.message}`;
  // the codes tpm_limit_exceeded / rpm_limit_exceeded name their metric too (`_` is a word character: no \b there)
  if (/\btpm\b|\btpm_limit|tokens? per min|tokens_limit|token(?:s)? limit|每分钟.{0,4}(?:token|词元)/i.test(text))
    return 'tpm';
  if (/\brpm\b|\brpm_limit|requests? per min|request limit|请求数限制|每分钟.{0,4}请求/i.test(text)) return 'rpm';
  if (rl?.tokens?.remaining === 0) return 'tpm';
  if (rl?.requests?.remaining === 0) return 'rpm';
  return undefined;
}

/** A limit the message states ("Limit 60 per minute", "RPM limit of 60", "limit: 60"). */
export function statedLimit(message: string): number | undefined {
  const m =
    /(?:limit(?:ed)?(?: of| is|:)?|上限|最多请求)\s*[:：]?\s*(\d{1,9})|(\d{1,9})\s*(?:requests|tokens|rpm|tpm)\s*(?:per|\/)\s*min/i.exec(
      message,
    );
  const n = m ? Number(m[1] ?? m[2]) : NaN;
  return Number.isSafeInteger(n) ? n : undefined;
}

/** The fixable problem of a failed AIone model-plane call, or undefined. `model` is the one the request named. */
export function aioneProblem(e: GatewayError, model?: string): GatewayProblem | undefined {
  const f = factsOf(e);
  // Stryker disable next-line StringLiteral: a made-up code matches none of the anchored codes
  const code = f.code ?? '';
  // Stryker disable next-line StringLiteral: a made-up type matches none of the type rules
  const type = f.type ?? '';
  const named = quotedModel(f.message) ?? model;
  if (A_IP_CODES.test(code) || A_IP_TEXT.test(f.message)) {
    const ip = reportedIp(f.message);
    return { kind: 'ip-not-allowed', ...(ip ? { ip } : {}) };
  }
  if (
    A_MODEL_CODES.test(code) ||
    A_MODEL_TEXT.test(f.message) ||
    (f.status === 403 && /permission/i.test(type) && f.param === 'model')
  )
    return { kind: 'model-not-allowed', ...(named ? { model: named } : {}) };
  if (A_KEY_QUOTA_TEXT.test(f.message)) return { kind: 'balance', scope: 'key' };
  if (
    f.status === 402 ||
    A_BALANCE_CODES.test(code) ||
    /insufficient_quota|billing/i.test(type) ||
    A_BALANCE_TEXT.test(f.message)
  )
    return { kind: 'balance', scope: 'account' };
  if (f.status === 429 || A_RATE_CODES.test(code) || /rate_limit/i.test(type)) {
    const metric = rateMetric(f, e.rateLimit);
    const win = metric === 'tpm' ? e.rateLimit?.tokens : e.rateLimit?.requests;
    const limit = win?.limit ?? statedLimit(f.message);
    const retryAfterMs = e.retryAfterMs ?? win?.resetMs;
    return {
      kind: 'rate-limit',
      scope: 'key',
      ...(metric ? { metric } : {}),
      ...(limit !== undefined ? { limit } : {}),
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    };
  }
  if (
    f.status === 502 ||
    f.status === 503 ||
    f.status === 504 ||
    A_UPSTREAM_CODES.test(code) ||
    (e.kind === 'server' && A_UPSTREAM_TEXT.test(f.message))
  )
    return { kind: 'upstream', ...(model ? { model } : {}) };
  return undefined;
}
