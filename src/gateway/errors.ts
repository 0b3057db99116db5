/**
 * One typed error for everything that can go wrong talking to a gateway. Its message, stack and cause chain are
 * redacted when it is built, so no path that prints it (message, toString, stack, cause) can show a secret.
 */
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
  readonly cause?: unknown;
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

  constructor(init: GatewayErrorInit) {
    const cause =
      init.cause === undefined ? undefined : init.cause instanceof GatewayError ? init.cause : redactError(init.cause);
    super(redact(init.message), cause === undefined ? undefined : { cause });
    this.name = 'GatewayError';
    if (this.stack !== undefined) this.stack = redact(this.stack);
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
    this.retryAfterMs =
      init.retryAfterMs !== undefined && Number.isFinite(init.retryAfterMs) && init.retryAfterMs >= 0
        ? init.retryAfterMs
        : undefined;
    if (this.retryAfterMs !== undefined) this.retryAt = Date.now() + this.retryAfterMs;
    this.requestId = init.requestId;
    this.path = init.path;
    this.proxy = init.proxy;
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
