/** One typed error for everything that can go wrong talking to a gateway. */
import { redact } from '../core/redact';

export type GatewayErrorKind =
  | 'auth'          // 401, or one-api's HTTP 200 "access token 无效"
  | 'forbidden'     // 403
  | 'not-found'     // 404, or one-api "record not found"
  | 'validation'    // 422 / 400 / business rule (success:false) — fieldErrors when known
  | 'conflict'      // 409
  | 'rate-limited'  // 429 — retryAfterMs when the server said
  | 'server'        // 5xx
  | 'network'       // connection refused / reset / DNS / TLS
  | 'timeout'       // connect, headers or body timeout
  | 'aborted'       // the caller's AbortSignal fired
  | 'bad-response'  // a response that does not fit its schema — path names the field
  | 'unsupported';  // the gateway does not offer this

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
  readonly retryAfterMs?: number;
  readonly requestId?: string;
  /** For bad-response: the path of the field that failed its schema. */
  readonly path?: string;
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
  readonly requestId?: string;
  readonly path?: string;

  constructor(init: GatewayErrorInit) {
    super(redact(init.message), init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'GatewayError';
    this.kind = init.kind;
    this.gateway = init.gateway;
    this.operation = init.operation;
    this.status = init.status;
    this.code = init.code;
    this.fieldErrors = init.fieldErrors ?? [];
    this.retryAfterMs = init.retryAfterMs;
    this.requestId = init.requestId;
    this.path = init.path;
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
