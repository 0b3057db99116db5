/**
 * The one HTTP client every adapter goes through: undici with an injectable dispatcher, explicit
 * connect / headers / body timeouts, an AbortSignal on every call, a proxy when configured, and
 * retries for idempotent reads only (429/502/503/504, capped backoff, Retry-After honoured).
 */
import * as nodeTls from 'node:tls';
import { createAgent, createProxyAgent, dispatchRequest, type Dispatcher } from './undici';
import { isLoopbackHost } from '../core/net';
import { GatewayError } from './errors';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';
export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error';

export interface Timeouts {
  /** TCP + TLS connect. */
  readonly connectMs: number;
  /** From request sent to response headers. */
  readonly headersMs: number;
  /** Longest silence between two body chunks (SSE keep-alive comments reset it). */
  readonly bodyMs: number;
}

export const DEFAULT_TIMEOUTS: Timeouts = { connectMs: 10_000, headersMs: 30_000, bodyMs: 60_000 };

export interface RetryPolicy {
  /** Retries after the first attempt. */
  readonly maxRetries: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** A Retry-After longer than this is not waited for: the error goes to the caller. */
  readonly maxRetryAfterMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxRetries: 3, baseDelayMs: 300, maxDelayMs: 5_000, maxRetryAfterMs: 20_000 };

const RETRY_STATUSES = new Set([429, 502, 503, 504]);

export interface ProxyOptions {
  readonly url: string;
  readonly strictSSL: boolean;
  /** Hosts that bypass the proxy; defaults to loopback (the simulator, local gateways). */
  readonly bypassLoopback?: boolean;
}

export interface TlsOptions {
  /** Certificate authorities to trust besides Node's (a corporate or test CA), PEM. */
  readonly ca?: string | ReadonlyArray<string>;
}

export interface HttpClientOptions {
  /** Used for every request when given (tests pass a MockAgent or a counting dispatcher). */
  readonly dispatcher?: Dispatcher;
  readonly proxy?: ProxyOptions;
  readonly tls?: TlsOptions;
  readonly timeouts?: Partial<Timeouts>;
  readonly retry?: Partial<RetryPolicy>;
  readonly userAgent?: string;
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
}

export interface HttpStreamResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly body: AsyncIterable<Uint8Array>;
  /** Reads the rest of the body as text (for error bodies). */
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
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Retry-After: delta-seconds or an HTTP-date. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const v = value.trim();
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

function flattenHeaders(h: Record<string, string | string[] | undefined>): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(h)) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

export class HttpClient {
  private readonly timeouts: Timeouts;
  private readonly retry: RetryPolicy;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private direct?: Dispatcher;
  private proxied?: Dispatcher;
  private closed = false;

  constructor(private readonly options: HttpClientOptions = {}) {
    this.timeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.sleep = options.sleep ?? defaultSleep;
  }

  get gatewayLabel(): string | undefined {
    return this.options.gateway;
  }

  /**
   * The extra CAs for a TLS connection. Node's `ca` replaces its trust store, so they are added to the CAs Node
   * trusts by default (its bundle and NODE_EXTRA_CA_CERTS); this never turns verification off.
   */
  private caOption(): { ca?: string[] } {
    const extra = this.options.tls?.ca;
    if (extra === undefined) return {};
    const getDefault = (nodeTls as { getCACertificates?: (type: 'default') => string[] }).getCACertificates;
    return { ca: [...(getDefault ? getDefault('default') : nodeTls.rootCertificates), ...(typeof extra === 'string' ? [extra] : extra)] };
  }

  /** Dispatchers are created on first use, never at construction. */
  private dispatcherFor(url: URL): Dispatcher {
    if (this.options.dispatcher) return this.options.dispatcher;
    const proxy = this.options.proxy;
    if (proxy && proxy.url && !((proxy.bypassLoopback ?? true) && isLoopbackHost(url.hostname))) {
      this.proxied ??= createProxyAgent({
        uri: proxy.url,
        connect: { timeout: this.timeouts.connectMs, rejectUnauthorized: proxy.strictSSL },
        requestTls: { rejectUnauthorized: proxy.strictSSL, ...this.caOption() },
        proxyTls: { rejectUnauthorized: proxy.strictSSL },
      });
      return this.proxied;
    }
    this.direct ??= createAgent({ connect: { timeout: this.timeouts.connectMs, ...this.caOption() }, keepAliveTimeout: 10_000 });
    return this.direct;
  }

  private buildUrl(req: HttpRequest): URL {
    let url: URL;
    try {
      url = new URL(req.url);
    } catch (cause) {
      throw new GatewayError({ kind: 'network', message: `Invalid URL: ${req.url}`, gateway: this.options.gateway, operation: req.operation, cause });
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new GatewayError({ kind: 'network', message: `Unsupported URL scheme: ${url.protocol}`, gateway: this.options.gateway, operation: req.operation });
    }
    for (const [k, v] of Object.entries(req.query ?? {})) {
      if (v !== undefined) url.searchParams.set(k, String(v));
    }
    return url;
  }

  private headersFor(req: HttpRequest): Record<string, string> {
    const headers: Record<string, string> = { accept: 'application/json', ...(req.headers ?? {}) };
    if (this.options.userAgent) headers['user-agent'] = this.options.userAgent;
    if (req.json !== undefined) headers['content-type'] = 'application/json';
    return headers;
  }

  private log(level: LogLevel, message: string): void {
    this.options.log?.(level, message);
  }

  /** Maps anything undici (or the signal) throws to a GatewayError. */
  toError(e: unknown, req: HttpRequest): GatewayError {
    if (e instanceof GatewayError) return e;
    const base = { gateway: this.options.gateway, operation: req.operation, cause: e };
    if (req.signal?.aborted) {
      return new GatewayError({ ...base, kind: 'aborted', message: `${req.operation} was cancelled` });
    }
    const code = typeof e === 'object' && e !== null && 'code' in e ? String((e as { code: unknown }).code) : '';
    const msg = e instanceof Error ? e.message : String(e);
    switch (code) {
      case 'UND_ERR_CONNECT_TIMEOUT':
        return new GatewayError({ ...base, kind: 'timeout', code, message: `Timed out connecting (${this.timeouts.connectMs} ms)` });
      case 'UND_ERR_HEADERS_TIMEOUT':
        return new GatewayError({ ...base, kind: 'timeout', code, message: `No response within ${this.timeouts.headersMs} ms` });
      case 'UND_ERR_BODY_TIMEOUT':
        return new GatewayError({ ...base, kind: 'timeout', code, message: `The response stalled for ${this.timeouts.bodyMs} ms` });
      case 'UND_ERR_ABORTED':
        return new GatewayError({ ...base, kind: 'aborted', code, message: `${req.operation} was cancelled` });
      default:
        return new GatewayError({ ...base, kind: 'network', code: code || undefined, message: `Network error: ${code ? `${code} ` : ''}${msg}` });
    }
  }

  /** A buffered request. Never throws on an HTTP status: the adapter reads the envelope. */
  async request(req: HttpRequest): Promise<HttpResponse> {
    if (this.closed) throw new GatewayError({ kind: 'aborted', message: 'The client was disposed', operation: req.operation });
    const url = this.buildUrl(req);
    const canRetry = req.retry ?? req.method === 'GET';
    const body = req.json === undefined ? undefined : JSON.stringify(req.json);
    for (let attempt = 0; ; attempt++) {
      const started = Date.now();
      let status: number;
      let headers: Record<string, string | undefined>;
      let text: string;
      try {
        const res = await dispatchRequest(this.dispatcherFor(url), {
          origin: url.origin,
          path: url.pathname + url.search,
          method: req.method,
          headers: this.headersFor(req),
          body,
          signal: req.signal,
          headersTimeout: this.timeouts.headersMs,
          bodyTimeout: this.timeouts.bodyMs,
        });
        status = res.statusCode;
        headers = flattenHeaders(res.headers);
        text = await res.body.text();
      } catch (e) {
        const err = this.toError(e, req);
        this.log('debug', `${req.method} ${url.pathname} failed after ${Date.now() - started} ms: ${err.kind} ${err.message}`);
        throw err;
      }
      this.log('debug', `${req.method} ${url.pathname} → ${status} in ${Date.now() - started} ms`);
      if (canRetry && (RETRY_STATUSES.has(status) || req.retryWhen?.({ status, headers, text }) === true) && attempt < this.retry.maxRetries) {
        const retryAfter = parseRetryAfter(headers['retry-after']);
        if (retryAfter === undefined || retryAfter <= this.retry.maxRetryAfterMs) {
          const backoff = Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** attempt);
          const jittered = backoff / 2 + Math.random() * (backoff / 2);
          const wait = Math.max(retryAfter ?? 0, jittered);
          this.log('info', `${req.operation}: HTTP ${status}, retry ${attempt + 1}/${this.retry.maxRetries} in ${Math.round(wait)} ms`);
          try {
            await this.sleep(wait, req.signal);
          } catch (e) {
            throw this.toError(e, req);
          }
          continue;
        }
      }
      return { status, headers, text };
    }
  }

  /** A streaming request (never retried). The caller must consume or close the body. */
  async stream(req: HttpRequest): Promise<HttpStreamResponse> {
    if (this.closed) throw new GatewayError({ kind: 'aborted', message: 'The client was disposed', operation: req.operation });
    const url = this.buildUrl(req);
    const started = Date.now();
    try {
      const res = await dispatchRequest(this.dispatcherFor(url), {
        origin: url.origin,
        path: url.pathname + url.search,
        method: req.method,
        headers: { ...this.headersFor(req), accept: 'text/event-stream, application/json' },
        body: req.json === undefined ? undefined : JSON.stringify(req.json),
        signal: req.signal,
        headersTimeout: this.timeouts.headersMs,
        bodyTimeout: this.timeouts.bodyMs,
      });
      this.log('debug', `${req.method} ${url.pathname} (stream) → ${res.statusCode} in ${Date.now() - started} ms`);
      const bodyStream = res.body;
      const self = this;
      return {
        status: res.statusCode,
        headers: flattenHeaders(res.headers),
        body: {
          async *[Symbol.asyncIterator]() {
            try {
              for await (const chunk of bodyStream) yield chunk as Uint8Array;
            } catch (e) {
              throw self.toError(e, req);
            }
          },
        },
        text: async () => {
          try {
            return await bodyStream.text();
          } catch (e) {
            throw self.toError(e, req);
          }
        },
        close: () => bodyStream.destroy(),
      };
    } catch (e) {
      throw this.toError(e, req);
    }
  }

  async dispose(): Promise<void> {
    this.closed = true;
    const ds = [this.direct, this.proxied].filter((d): d is Dispatcher => d !== undefined);
    this.direct = undefined;
    this.proxied = undefined;
    await Promise.all(ds.map((d) => d.close().catch(() => undefined)));
  }
}
