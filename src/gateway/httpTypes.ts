/** The HTTP client's vocabulary: requests, responses, options and their defaults, and the Retry-After parser. */
import type { LookupFunction } from 'node:net';
import type { ProxySettings } from './proxy';
import type { Dispatcher } from './undici';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';
export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error';

export interface Timeouts {
  /** TCP + TLS connect (to the gateway, or to the proxy). */
  readonly connectMs: number;
  /** From request sent to response headers. */
  readonly headersMs: number;
  /** Longest silence between two body chunks. */
  readonly bodyMs: number;
  /**
   * The whole of a buffered call — every attempt, every retry wait, headers and body — so that a server dripping
   * one byte just inside bodyMs cannot hold it open. Default: connectMs + headersMs + bodyMs.
   */
  readonly totalMs?: number;
  /** The whole of a streamed call (a chat answer), headers to last byte. Default: 30 minutes. */
  readonly streamTotalMs?: number;
  /**
   * Longest time a stream may go without an event that carries data; keep-alive comments do not count, so a
   * stream of keep-alives only ends. Default: 5 × bodyMs (a model may think for minutes behind keep-alives).
   */
  readonly streamSilenceMs?: number;
}

export type ResolvedTimeouts = Required<Timeouts>;

export const DEFAULT_TIMEOUTS: Timeouts = { connectMs: 10_000, headersMs: 30_000, bodyMs: 60_000 };

/** A chat answer longer than this is not one answer: 30 minutes. */
export const DEFAULT_STREAM_TOTAL_MS = 30 * 60_000;

export interface SizeLimits {
  /** A successful buffered answer (management JSON) larger than this fails as bad-response / too-large. */
  readonly jsonBytes: number;
  /** An error body is read up to this size and the rest dropped: enough for any error envelope. */
  readonly errorBytes: number;
}

/**
 * 16 MiB for a management answer (a 100-key page is ~100 KB, a 10,000-key dump ~10 MB); 64 KiB for an error body
 * (an envelope or an HTML error page's start is all a sentence needs). One SSE event is capped in ./sse.
 */
export const DEFAULT_LIMITS: SizeLimits = { jsonBytes: 16 * 1024 * 1024, errorBytes: 64 * 1024 };

export interface RetryPolicy {
  /** Retries after the first attempt. */
  readonly maxRetries: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** A Retry-After longer than this is not waited for: the error goes to the caller (with retryAfterMs). */
  readonly maxRetryAfterMs: number;
  /** All the waiting one call may do across its retries (backoff and Retry-After together). */
  readonly maxTotalWaitMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  maxRetries: 3,
  baseDelayMs: 300,
  maxDelayMs: 5_000,
  maxRetryAfterMs: 20_000,
  maxTotalWaitMs: 20_000,
};

export const RETRY_STATUSES = new Set([429, 502, 503, 504]);

/** The proxy configuration (VS Code's http.* settings and the environment); see ./proxy. */
export type ProxyOptions = ProxySettings;

export interface TlsOptions {
  /** Certificate authorities to trust besides Node's (a corporate or test CA), PEM. */
  readonly ca?: string | ReadonlyArray<string>;
}

export interface HttpClientOptions {
  /** Used for every request when given (tests pass a MockAgent or a counting dispatcher); no proxy then. */
  readonly dispatcher?: Dispatcher;
  readonly proxy?: ProxyOptions;
  readonly timeouts?: Partial<Timeouts>;
  readonly retry?: Partial<RetryPolicy>;
  readonly limits?: Partial<SizeLimits>;
  readonly tls?: TlsOptions;
  /** Host name resolution for direct connections and for the proxy's own address (tests map made-up names). */
  readonly lookup?: LookupFunction;
  readonly userAgent?: string;
  /** Receives every log line, already redacted. */
  readonly log?: (level: LogLevel, message: string) => void;
  /** Label for error sentences, e.g. "AIone (Work)". */
  readonly gateway?: string;
  /** Injectable for tests. */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export interface HttpRequest {
  readonly method: HttpMethod;
  readonly url: string;
  readonly query?: Readonly<Record<string, string | number | boolean | undefined>>;
  readonly headers?: Readonly<Record<string, string>>;
  /** Serialised as JSON when present. */
  readonly json?: unknown;
  readonly signal?: AbortSignal;
  /** A short name of the call for logs and errors, e.g. "list keys". */
  readonly operation: string;
  /** Defaults to true for GET and false for everything else. */
  readonly retry?: boolean;
  /**
   * For a request that may retry: whether an answer whose status is not a retry status still means "try
   * again later" (one-api reports a busy server as HTTP 200 `{success:false}`). Same policy as a 503.
   */
  readonly retryWhen?: (res: HttpResponse) => boolean;
}

export interface HttpResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly text: string;
  /** An error body longer than the error cap: `text` is its start. */
  readonly truncated?: boolean;
  /** Retry-After of this response in ms (both forms), measured when it arrived. */
  readonly retryAfterMs?: number;
}

export interface HttpStreamResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly body: AsyncIterable<Uint8Array>;
  /** Retry-After of this response in ms (both forms), measured when it arrived. */
  readonly retryAfterMs?: number;
  /** The timeouts of this client (the SSE parser takes its silence limit from them). */
  readonly timeouts: ResolvedTimeouts;
  /** Reads the rest of the body as text: capped like a buffered answer (an error body is truncated). */
  text(): Promise<string>;
  /** Closes the connection. */
  close(): void;
}

export function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      // Stryker disable next-line OptionalChaining: the listener is only added to a signal that exists
      reject(signal?.reason);
    };
    // Stryker disable next-line ObjectLiteral,BooleanLiteral: a signal fires abort once, so once changes nothing
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Retry-After in milliseconds from now: delta-seconds (`120`) or an HTTP-date (`Wed, 21 Oct 2015 07:28:00 GMT`);
 * a date in the past is 0; anything else is undefined. The one parser every adapter and the model plane use.
 */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const v = value.trim();
  if (/^\d+(\.\d+)?$/.test(v)) {
    const ms = Math.round(Number(v) * 1000);
    return Number.isFinite(ms) ? ms : undefined;
  }
  // An HTTP-date names a weekday or a month; Date.parse alone would accept bare numbers and odd text.
  if (!/[a-z]{3}/i.test(v)) return undefined;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
