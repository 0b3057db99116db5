/**
 * One typed error for everything that can go wrong talking to a gateway. Its message, stack and cause chain are
 * redacted when it is built, so no path that prints it (message, toString, stack, cause) can show a secret.
 */
import * as z from 'zod';
import { parseIp } from '../core/net';
import { redact, redactError } from '../core/redact';

export type GatewayErrorKind =
  | 'auth' // 401, or one-api's HTTP 200 "access token 无效"
  | 'forbidden' // 403
  | 'not-found' // 404, or one-api "record not found"
  | 'validation' // 422 / 400 / business rule (success:false) — fieldErrors when known
  | 'conflict' // 409
  | 'rate-limited' // 429 — retryAfterMs when the server said
  | 'server' // 5xx
  | 'network' // connection refused / reset / DNS / TLS
  | 'proxy' // the proxy refused the tunnel (407, 403…), could not be reached, or is misconfigured — proxy names it
  | 'timeout' // connect, headers or body timeout
  | 'aborted' // the caller's AbortSignal fired
  | 'bad-response' // a response that does not fit its schema — path names the field; code 'too-large' past a size cap
  | 'unsupported'; // the gateway does not offer this

export interface FieldError {
  /** Dotted path of the offending field, e.g. `body.allowed_ips.1` or `name`. */
  readonly field: string;
  readonly message: string;
  readonly type?: string;
  /** The KeyInput field this error belongs to, when the adapter can tell. */
  readonly input?: string;
}

export interface GatewayErrorInit {
  readonly kind: GatewayErrorKind;
  readonly message: string;
  readonly gateway?: string;
  readonly operation?: string;
  readonly status?: number;
  readonly code?: string;
  readonly fieldErrors?: readonly FieldError[];
  /** How long the server asked to wait before trying again (Retry-After), when it said. */
  readonly retryAfterMs?: number;
  readonly requestId?: string;
  /** For bad-response: the path of the field that failed its schema. */
  readonly path?: string;
  /** For proxy: the proxy's host:port (never its credentials). */
  readonly proxy?: string;
  /** The error body's `type` (OpenAI-style `{error:{type}}`), beside its `code`. */
  readonly errorType?: string;
  /** The error body's `param` (the request field it is about), when it named one. */
  readonly param?: string;
  /** The rate-limit windows the response's headers reported. */
  readonly rateLimit?: RateLimitInfo;
  readonly cause?: unknown;
}

/** One rate-limit window as a response's headers report it. */
export interface RateLimitWindow {
  readonly limit?: number;
  readonly remaining?: number;
  /** How long until the window resets, measured when the response arrived. */
  readonly resetMs?: number;
}

/** Requests-per-minute and tokens-per-minute windows (`x-ratelimit-*-requests` / `-tokens`). */
export interface RateLimitInfo {
  readonly requests?: RateLimitWindow;
  readonly tokens?: RateLimitWindow;
}

export class GatewayError extends Error {
  readonly kind: GatewayErrorKind;
  readonly gateway?: string;
  readonly operation?: string;
  readonly status?: number;
  readonly code?: string;
  readonly fieldErrors: readonly FieldError[];
  readonly retryAfterMs?: number;
  /** When trying again makes sense (epoch ms), from retryAfterMs at the time the error was built. */
  readonly retryAt?: number;
  readonly requestId?: string;
  readonly path?: string;
  readonly proxy?: string;
  readonly errorType?: string;
  readonly param?: string;
  readonly rateLimit?: RateLimitInfo;

  constructor(init: GatewayErrorInit) {
    const cause =
      // Stryker disable next-line ConditionalExpression: redactError(undefined) is undefined too
      init.cause === undefined ? undefined : init.cause instanceof GatewayError ? init.cause : redactError(init.cause);
    super(redact(init.message), cause === undefined ? undefined : { cause });
    this.name = 'GatewayError';
    // the stack starts with the message, already redacted; this keeps any other text of it masked too
    // Stryker disable next-line AssignmentOperator: V8 builds the stack from the (redacted) message and code frames only
    this.stack &&= redact(this.stack);
    this.kind = init.kind;
    this.gateway = init.gateway;
    this.operation = init.operation;
    this.status = init.status;
    this.code = init.code === undefined ? undefined : redact(init.code);
    this.fieldErrors = (init.fieldErrors ?? []).map((f) => ({
      ...f,
      field: redact(f.field),
      message: redact(f.message),
    }));
    const retryAfterMs = init.retryAfterMs ?? Number.NaN;
    this.retryAfterMs = Number.isFinite(retryAfterMs) && retryAfterMs >= 0 ? retryAfterMs : undefined;
    if (this.retryAfterMs !== undefined) this.retryAt = Date.now() + this.retryAfterMs;
    this.requestId = init.requestId === undefined ? requestIdInText(init.message) : redact(init.requestId);
    this.path = init.path;
    this.proxy = init.proxy;
    if (init.errorType !== undefined) this.errorType = redact(init.errorType);
    if (init.param !== undefined) this.param = redact(init.param);
    // Stryker disable next-line ConditionalExpression: the field is undefined when not set, as assigning undefined leaves it
    if (init.rateLimit !== undefined) this.rateLimit = init.rateLimit;
  }

  override toString(): string {
    return redact(`${this.name}: ${this.message}`);
  }

  /** Whether trying the same call again later might succeed. */
  get transient(): boolean {
    return this.kind === 'rate-limited' || this.kind === 'server' || this.kind === 'network' || this.kind === 'timeout';
  }
}

export function isGatewayError(e: unknown): e is GatewayError {
  return e instanceof GatewayError;
}

/** Kind for an HTTP status that is an error. */
export function kindForStatus(status: number): GatewayErrorKind {
  if (status === 401) return 'auth';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not-found';
  if (status === 409) return 'conflict';
  if (status === 429) return 'rate-limited';
  if (status === 400 || status === 422) return 'validation';
  if (status >= 500) return 'server';
  return 'bad-response';
}

const HTML_START = /^\s*(<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]|<\?xml)/i;
const HTML_TAG = /<\/?(html|head|body|title|div|p|center|h[1-6]|br|hr|span|pre|table)\b[^>]*>/i;

/**
 * A response body that is not the gateway's JSON, as one short line for an error message. An HTML page (a load
 * balancer's 502, a captive portal, a proxy's login page) is summarised by its title, never quoted as markup; any
 * other text is collapsed to one line and cut. Undefined for an empty body.
 */
export function summariseBody(text: string, max = 300): string | undefined {
  const t = text.trim();
  if (!t) return undefined;
  if (HTML_START.test(t) || HTML_TAG.test(t.slice(0, 4096))) {
    const title = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(t)?.[1] ?? /<h1[^>]*>([\s\S]*?)<\/h1>/i.exec(t)?.[1];
    const clean = title
      ?.replace(/<[^>]*>/g, ' ')
      .replace(/&[a-z#0-9]+;/gi, ' ')
      .replace(/\s+/g, ' ')
      .trim()
      .slice(0, 80);
    return clean
      ? `an HTML page ("${clean}") instead of the gateway's answer — a proxy, load balancer or login page may be in the way`
      : "an HTML page instead of the gateway's answer — a proxy, load balancer or login page may be in the way";
  }
  const line = t
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

// ==== what a response's headers and text say about a failure ================================================

/** Headers that carry the gateway's id of a request (one-api / new-api, OpenAI, common proxies), first wins. */
const REQUEST_ID_HEADERS = [
  'x-oneapi-request-id',
  'x-request-id',
  'request-id',
  'x-trace-id',
  'trace-id',
  'x-amzn-requestid',
];
/** An id is a short token of letters, digits and `-_.:`; anything else in the header is not one. */
const ID_TOKEN = /^[A-Za-z0-9][A-Za-z0-9_.:-]{3,127}$/;
/** one-api appends " (request id: <id>)" to a relayed error; new-api and others say request_id / 请求 ID. */
const ID_IN_TEXT = /(?:request[ _-]?id|trace[ _-]?id|请求\s*ID)\s*[:：=]\s*["']?([A-Za-z0-9][A-Za-z0-9_.:-]{3,127})/i;

/** The request id a message carries ("… (request id: 2026120116…)"), if any. */
export function requestIdInText(text: string | undefined): string | undefined {
  // Stryker disable next-line ConditionalExpression: no id is found in an empty text (nor in the word "undefined")
  if (!text) return undefined;
  return ID_IN_TEXT.exec(text)?.[1];
}

const idField = z.string().trim().regex(ID_TOKEN);
const idCarrier = z.looseObject({
  request_id: idField.optional().catch(undefined),
  requestId: idField.optional().catch(undefined),
  trace_id: idField.optional().catch(undefined),
  traceId: idField.optional().catch(undefined),
});

/**
 * The request id an error body carries as a field: `request_id` / `trace_id` (or camelCase) at the top, or inside its
 * `error` / `detail` object; undefined when none fits the shape of an id.
 */
export function requestIdInBody(json: unknown): string | undefined {
  const holders = [json];
  // Stryker disable next-line ConditionalExpression: a property of a string or a number is undefined, as a missing one
  if (json && typeof json === 'object') {
    const o = json as Record<string, unknown>;
    holders.push(o['error'], o['detail']);
  }
  for (const h of holders) {
    const r = idCarrier.safeParse(h);
    if (!r.success) continue;
    const id = r.data.request_id ?? r.data.requestId ?? r.data.trace_id ?? r.data.traceId;
    if (id) return id;
  }
  return undefined;
}

/**
 * How long until a rate-limit window resets, in ms: OpenAI's durations (`1s`, `6m0s`, `20ms`, `1h2m3.5s`), a plain
 * number of seconds, or an epoch time in seconds or ms (a number past the year 2001) counted from `now`.
 */
export function parseResetDuration(value: string | undefined, now = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  const v = value.trim();
  if (/^\d+(\.\d+)?$/.test(v)) {
    const n = Number(v);
    if (!Number.isFinite(n)) return undefined;
    if (n >= 1e12) return Math.max(0, Math.round(n - now));
    if (n >= 1e9) return Math.max(0, Math.round(n * 1000 - now));
    return Math.round(n * 1000);
  }
  const re = /(\d+(?:\.\d+)?)(ms|h|m|s)/gy;
  let total = 0;
  let matched = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(v)) !== null) {
    const n = Number(m[1]);
    const unit = m[2];
    total += unit === 'ms' ? n : unit === 's' ? n * 1000 : unit === 'm' ? n * 60_000 : n * 3_600_000;
    matched = re.lastIndex;
  }
  return matched === v.length && matched > 0 ? Math.round(total) : undefined;
}

/** A whole non-negative count (Number() ignores the spaces around it; a blank header is refused before). */
const count = z.coerce.number().int().nonnegative();

function countHeader(v: string | undefined): number | undefined {
  if (v === undefined || v.trim() === '') return undefined;
  const r = count.safeParse(v);
  return r.success ? r.data : undefined;
}

function windowOf(
  h: Readonly<Record<string, string | undefined>>,
  what: 'requests' | 'tokens',
  now: number,
): RateLimitWindow | undefined {
  const limit = countHeader(h[`x-ratelimit-limit-${what}`]);
  const remaining = countHeader(h[`x-ratelimit-remaining-${what}`]);
  const resetMs = parseResetDuration(h[`x-ratelimit-reset-${what}`], now);
  if (limit === undefined && remaining === undefined && resetMs === undefined) return undefined;
  return {
    ...(limit !== undefined ? { limit } : {}),
    ...(remaining !== undefined ? { remaining } : {}),
    ...(resetMs !== undefined ? { resetMs } : {}),
  };
}

/** What an error response's headers say: the request id, and the rate-limit windows. */
export function errorHeaderFacts(
  headers: Readonly<Record<string, string | undefined>> | undefined,
  now = Date.now(),
): { requestId?: string; rateLimit?: RateLimitInfo; retryAfterMs?: number } {
  if (!headers) return {};
  let requestId: string | undefined;
  for (const name of REQUEST_ID_HEADERS) {
    const v = headers[name]?.trim();
    if (v && ID_TOKEN.test(v)) {
      requestId = v;
      break;
    }
  }
  const requests = windowOf(headers, 'requests', now);
  const tokens = windowOf(headers, 'tokens', now);
  // a bare `x-ratelimit-reset` (GitHub / new-api style) is the requests window's reset
  const bareReset = parseResetDuration(headers['x-ratelimit-reset'], now);
  const req = requests ?? (bareReset !== undefined ? { resetMs: bareReset } : undefined);
  const retryMs = countHeader(headers['retry-after-ms']);
  return {
    ...(requestId ? { requestId } : {}),
    ...(req || tokens ? { rateLimit: { ...(req ? { requests: req } : {}), ...(tokens ? { tokens } : {}) } } : {}),
    ...(retryMs !== undefined ? { retryAfterMs: retryMs } : {}),
  };
}

// ==== what a failure means for the user: the problem a fix can address ===============================================

/**
 * The failures a user can fix from the IDE, as each gateway reports them (lenient: every documented code, type
 * and message variant maps to one of these). `model`, `ip` and the limit are what the gateway named, when it did.
 */
export const gatewayProblemSchema = z.discriminatedUnion('kind', [
  /** The key may not call this model (a model allow-list). */
  z.object({ kind: z.literal('model-not-allowed'), model: z.string().optional() }),
  /** The caller's address is outside the key's allowed IPs / subnets. */
  z.object({ kind: z.literal('ip-not-allowed'), ip: z.string().optional() }),
  /**
   * Too many requests or tokens per minute. `scope` key: the key's own RPM / TPM (editable); group: a limit the
   * gateway sets for the account or group (not the key's); unknown: the gateway did not say.
   */
  z.object({
    kind: z.literal('rate-limit'),
    scope: z.enum(['key', 'group', 'unknown']),
    metric: z.enum(['rpm', 'tpm']).optional(),
    limit: z.number().int().nonnegative().optional(),
    retryAfterMs: z.number().nonnegative().optional(),
  }),
  /** Out of money: the account's balance (top up), or the key's own quota (raise it). */
  z.object({ kind: z.literal('balance'), scope: z.enum(['account', 'key']) }),
  /** The model's upstream provider is down or has no channel: another model may answer. */
  z.object({ kind: z.literal('upstream'), model: z.string().optional() }),
]);
export type GatewayProblem = z.infer<typeof gatewayProblemSchema>;

/** What a user can do about a failure, as a button (the host keeps what it does; a webview only names the id). */
export const FIX_IDS = [
  'allow-model',
  'add-ip',
  'raise-limit',
  'raise-quota',
  'top-up',
  'try-model',
  'copy-request-id',
] as const;
export type FixId = (typeof FIX_IDS)[number];

/** The facts of a failed call a classifier reads: the wire's code, type, message and status, leniently. */
export const errorFactsSchema = z.object({
  status: z.number().int().optional(),
  code: z.preprocess((v) => (v === null ? undefined : typeof v === 'number' ? String(v) : v), z.string().optional()),
  type: z.string().nullish(),
  message: z.string().catch(''),
  param: z.string().nullish(),
  kind: z.string().optional(),
});
export type ErrorFacts = z.infer<typeof errorFactsSchema>;

export function factsOf(e: GatewayError): ErrorFacts {
  return errorFactsSchema.parse({
    status: e.status,
    code: e.code,
    type: e.errorType,
    message: e.message,
    param: e.param,
    kind: e.kind,
  });
}

/** A model id quoted in a message: 'gpt-4o', "gpt-4o", `gpt-4o`, 「gpt-4o」. */
export function quotedModel(message: string): string | undefined {
  return /['"`「“]([A-Za-z0-9][\w.:/@+-]{0,127})['"`」”]/.exec(message)?.[1];
}

/**
 * The caller's address a message names after "ip" as a word ("当前 ip：1.2.3.4", "your IP 1.2.3.4", "client ip:
 * ::1", "IP address is 10.0.0.1"), as written, when it is an address.
 */
export function reportedIp(message: string): string | undefined {
  const m = /\bip(?: address)?\s*(?:is|:|：|=)?\s*["'(（]?([0-9a-f.:]+)/i.exec(message);
  if (!m) return undefined;
  const written = m[1]!;
  if (parseIp(written)) return written;
  // the sentence's punctuation after it ("…is 8.8.8.8." / "…: fd00::1:"); an address's own "::" stays (above)
  const cand = written.replace(/[.:]+$/, '');
  return parseIp(cand) ? cand : undefined;
}
