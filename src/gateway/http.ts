/**
 * The one HTTP client every adapter goes through: undici with an injectable dispatcher, explicit
 * connect / headers / body timeouts and an overall deadline per call, a size cap per kind of response, an
 * AbortSignal on every call, proxies resolved per request as VS Code resolves them (./proxy), and retries for
 * idempotent reads only (429/502/503/504, capped backoff, Retry-After honoured within a total waiting budget).
 * Every line it logs is redacted.
 */
import type { LookupFunction } from 'node:net';
import * as nodeTls from 'node:tls';
import { redact, rememberSecret } from '../core/redact';
import { GatewayError } from './errors';
import { proxySecrets, resolveProxy, type ProxyDecision, type ProxySettings, type ResolvedProxy } from './proxy';
import { createAgent, createProxyAgent, dispatchRequest, type Dispatcher, type ResponseData } from './undici';

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
const DEFAULT_STREAM_TOTAL_MS = 30 * 60_000;

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

const RETRY_STATUSES = new Set([429, 502, 503, 504]);

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
      reject(signal?.reason);
    };
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

function flattenHeaders(h: Record<string, string | string[] | undefined>): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(h)) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

function formatMs(ms: number): string {
  return ms % 60_000 === 0 && ms >= 60_000 ? `${ms / 60_000} min` : ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}

function formatBytes(n: number): string {
  return n >= 1024 * 1024 && n % (1024 * 1024) === 0
    ? `${n / (1024 * 1024)} MiB`
    : n >= 1024 && n % 1024 === 0
      ? `${n / 1024} KiB`
      : `${n} bytes`;
}

interface Route {
  readonly dispatcher: Dispatcher;
  /** The proxy the request goes through, when it does. */
  readonly via?: ResolvedProxy;
}

/** How often pending deadlines are checked: they are tens of seconds, so a quarter second is precise enough. */
const DEADLINE_SWEEP_MS = 250;
const armed = new Set<Deadline>();
let sweeper: ReturnType<typeof setInterval> | undefined;

function sweepDeadlines(): void {
  const now = Date.now();
  for (const d of armed) if (now >= d.atMs) d.fire();
  if (armed.size === 0 && sweeper !== undefined) {
    clearInterval(sweeper);
    sweeper = undefined;
  }
}

/**
 * The overall deadline of one call. Until the response headers it is enforced by undici's headers timeout, cut to
 * what is left of the deadline; after them by one shared sweep that destroys the body of a call past its deadline.
 * (No timer or AbortController per request: either is a measurable share of a loopback call.)
 */
class Deadline {
  private body?: { destroy(error?: Error): unknown };
  private fired = false;
  private cut = false;

  constructor(
    readonly atMs: number,
    readonly limitMs: number,
  ) {}

  /** The headers timeout for an attempt starting now: the configured one, or what is left of the deadline. */
  headersTimeout(configured: number): number {
    const left = Math.max(1, this.atMs - Date.now());
    this.cut = left < configured;
    return Math.min(configured, left);
  }

  /** Destroys the body if it is still being read when the deadline passes. */
  arm(body: { destroy(error?: Error): unknown }): void {
    this.body = body;
    armed.add(this);
    if (sweeper === undefined) {
      sweeper = setInterval(sweepDeadlines, DEADLINE_SWEEP_MS);
      // A pending request holds its socket open; the sweep alone must not keep a process alive.
      sweeper.unref?.();
    }
  }

  fire(): void {
    armed.delete(this);
    this.fired = true;
    this.body?.destroy(new Error('deadline'));
  }

  /** Whether an error was the deadline's doing (it fired, or a headers timeout it had cut short). */
  expired(e: unknown): boolean {
    if (this.fired) return true;
    const code = typeof e === 'object' && e !== null && 'code' in e ? e.code : undefined;
    return this.cut && code === 'UND_ERR_HEADERS_TIMEOUT';
  }

  dispose(): void {
    armed.delete(this);
    this.body = undefined;
  }
}

/** Request headers whose value is a credential. */
const CREDENTIAL_HEADERS = new Set(['authorization', 'x-api-key', 'api-key', 'x-goog-api-key']);

/** Connect-phase failures: through a proxy the only socket this client opens is to the proxy. */
const CONNECT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EAI_FAIL',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
]);

type ProxyFailure = {
  readonly code: 'proxy-auth' | 'proxy-refused' | 'proxy-unreachable' | 'proxy-tls';
  readonly status?: number;
  readonly detail?: string;
};

function errorChain(e: unknown): Array<{ message: string; code: string }> {
  const out: Array<{ message: string; code: string }> = [];
  let x: unknown = e;
  for (let i = 0; i < 6 && typeof x === 'object' && x !== null; i++) {
    const code = 'code' in x ? String(x.code) : '';
    out.push({ message: x instanceof Error ? x.message : String(x), code });
    x = 'cause' in x ? x.cause : undefined;
  }
  return out;
}

function proxyFailure(e: unknown, via: ResolvedProxy): ProxyFailure | undefined {
  for (const { message, code } of errorChain(e)) {
    const tunnel = /Proxy response \((\d{3})\)/.exec(message);
    if (tunnel) {
      const status = Number(tunnel[1]);
      return { code: status === 407 ? 'proxy-auth' : 'proxy-refused', status };
    }
    if (/Proxy Authentication Required/i.test(message)) return { code: 'proxy-auth', status: 407 };
    if (code === 'UND_ERR_PRX_TLS') return { code: 'proxy-tls', detail: message };
    if (CONNECT_CODES.has(code)) return { code: 'proxy-unreachable', detail: code };
    if (code === 'UND_ERR_CONNECT_TIMEOUT' && message.includes(via.display.replace(/:\d+$/, '')))
      return { code: 'proxy-unreachable', detail: 'connect timeout' };
  }
  return undefined;
}

/** Reads a body up to `limit` bytes. Past it: `over` is set and reading stops (the connection is dropped). */
function readCapped(body: ResponseData['body'], limit: number): Promise<{ bytes: Uint8Array; over: boolean }> {
  return new Promise((resolve, reject) => {
    const chunks: Uint8Array[] = [];
    let size = 0;
    const onData = (chunk: Uint8Array): void => {
      if (size + chunk.length <= limit) {
        chunks.push(chunk);
        size += chunk.length;
        return;
      }
      chunks.push(chunk.subarray(0, limit - size));
      size = limit;
      body.off('data', onData);
      body.off('end', onEnd);
      body.off('error', reject);
      body.on('error', () => undefined);
      body.destroy();
      resolve({ bytes: concat(chunks, size), over: true });
    };
    const onEnd = (): void => resolve({ bytes: concat(chunks, size), over: false });
    body.on('data', onData);
    body.once('end', onEnd);
    body.once('error', reject);
  });
}

function concat(chunks: readonly Uint8Array[], size: number): Uint8Array {
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

const decoder = new TextDecoder('utf-8');

export class HttpClient {
  private readonly timeouts: ResolvedTimeouts;
  private readonly retry: RetryPolicy;
  private readonly limits: SizeLimits;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private direct?: Dispatcher;
  private readonly proxied = new Map<string, Dispatcher>();
  private readonly decisions = new Map<string, ProxyDecision>();
  /** Credential header values already made known secrets (the same token is sent on every call). */
  private readonly registered = new Set<string>();
  private closed = false;

  constructor(private readonly options: HttpClientOptions = {}) {
    const t = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
    this.timeouts = {
      connectMs: t.connectMs,
      headersMs: t.headersMs,
      bodyMs: t.bodyMs,
      totalMs: t.totalMs ?? t.connectMs + t.headersMs + t.bodyMs,
      streamTotalMs: t.streamTotalMs ?? DEFAULT_STREAM_TOTAL_MS,
      streamSilenceMs: t.streamSilenceMs ?? 5 * t.bodyMs,
    };
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
    this.sleep = options.sleep ?? defaultSleep;
    for (const s of proxySecrets(options.proxy)) rememberSecret(s);
  }

  get gatewayLabel(): string | undefined {
    return this.options.gateway;
  }

  get timeoutsInUse(): ResolvedTimeouts {
    return this.timeouts;
  }

  /**
   * Node's `ca` replaces its trust store, so the extra CAs are added to the ones Node trusts by default (its bundle,
   * NODE_EXTRA_CA_CERTS): a corporate or test CA never stops public certificates from verifying.
   */
  private tlsOptions(strictSSL = true): { ca?: string[]; rejectUnauthorized: boolean } {
    const extra = this.options.tls?.ca;
    if (extra === undefined) return { rejectUnauthorized: strictSSL };
    const defaults =
      (nodeTls as { getCACertificates?: (type: 'default') => string[] }).getCACertificates?.('default') ??
      nodeTls.rootCertificates;
    return { ca: [...defaults, ...(typeof extra === 'string' ? [extra] : extra)], rejectUnauthorized: strictSSL };
  }

  /** The dispatcher for one request (created on first use, never at construction) and the proxy it goes through. */
  private route(url: URL, req: HttpRequest): Route {
    if (this.options.dispatcher) return { dispatcher: this.options.dispatcher };
    // The settings are fixed for the life of a client, so one decision per origin holds.
    let decision = this.decisions.get(url.origin);
    if (!decision) {
      decision = resolveProxy(url, this.options.proxy);
      if (this.decisions.size < 256) this.decisions.set(url.origin, decision);
    }
    if (decision.kind === 'invalid') {
      const what =
        decision.problem === 'scheme'
          ? `The proxy ${decision.display ?? ''} in ${decision.source} uses an unsupported scheme (use http://, https:// or socks5://)`
          : `The proxy in ${decision.source} is not a valid URL (expected http://host:port)`;
      throw new GatewayError({
        kind: 'proxy',
        code: 'proxy-config',
        message: what,
        gateway: this.options.gateway,
        operation: req.operation,
        ...(decision.display ? { proxy: decision.display } : {}),
      });
    }
    if (decision.kind === 'proxy') {
      const via = decision.proxy;
      const key = `${via.uri}|${via.strictSSL}`;
      let dispatcher = this.proxied.get(key);
      if (!dispatcher) {
        const tls = {
          timeout: this.timeouts.connectMs,
          ...this.tlsOptions(via.strictSSL),
          ...(this.options.lookup ? { lookup: this.options.lookup } : {}),
        };
        const uri = via.socks
          ? `socks5://${encodeURIComponent(via.socks.username)}:${encodeURIComponent(via.socks.password)}@${via.display}`
          : via.uri;
        dispatcher = createProxyAgent({
          uri,
          ...(via.authorization ? { token: via.authorization } : {}),
          // http targets are sent to an http proxy as absolute-URI requests (a forward proxy); https ones tunnel.
          proxyTunnel: false,
          requestTls: tls,
          proxyTls: tls,
          keepAliveTimeout: 10_000,
        });
        this.proxied.set(key, dispatcher);
      }
      return { dispatcher, via };
    }
    this.direct ??= createAgent({
      connect: {
        timeout: this.timeouts.connectMs,
        ...this.tlsOptions(),
        ...(this.options.lookup ? { lookup: this.options.lookup } : {}),
      },
      keepAliveTimeout: 10_000,
    });
    return { dispatcher: this.direct };
  }

  private buildUrl(req: HttpRequest): URL {
    let url: URL;
    try {
      url = new URL(req.url);
    } catch (cause) {
      throw new GatewayError({
        kind: 'network',
        message: `Invalid URL: ${req.url}`,
        gateway: this.options.gateway,
        operation: req.operation,
        cause,
      });
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new GatewayError({
        kind: 'network',
        message: `Unsupported URL scheme: ${url.protocol}`,
        gateway: this.options.gateway,
        operation: req.operation,
      });
    }
    for (const [k, v] of Object.entries(req.query ?? {})) {
      if (v !== undefined) url.searchParams.set(k, String(v));
    }
    return url;
  }

  private headersFor(req: HttpRequest): Record<string, string> {
    const headers: Record<string, string> = { accept: 'application/json', ...(req.headers ?? {}) };
    // Every credential this client sends becomes a known secret, so redaction finds it in any later text whatever
    // its shape (a short raw token, a key without digits).
    for (const name in headers) {
      const value = headers[name];
      if (value === undefined || this.registered.has(value) || !CREDENTIAL_HEADERS.has(name.toLowerCase())) continue;
      if (this.registered.size < 64) this.registered.add(value);
      rememberSecret(value);
      const credential = /^[A-Za-z][A-Za-z0-9._~+/-]*\s+(\S+)$/.exec(value.trim())?.[1];
      if (credential) rememberSecret(credential);
    }
    if (this.options.userAgent) headers['user-agent'] = this.options.userAgent;
    if (req.json !== undefined) headers['content-type'] = 'application/json';
    return headers;
  }

  private log(level: LogLevel, message: string): void {
    const sink = this.options.log;
    if (sink) sink(level, redact(message));
  }

  private proxyError(
    req: HttpRequest,
    via: ResolvedProxy,
    failure: ProxyFailure,
    target: URL | undefined,
    cause?: unknown,
  ): GatewayError {
    const where = target ? ` to ${target.host}` : '';
    let message: string;
    switch (failure.code) {
      case 'proxy-auth':
        message = via.authorization
          ? `The proxy ${via.display} refused the credentials it was sent (HTTP 407 Proxy Authentication Required)`
          : `The proxy ${via.display} asks for credentials (HTTP 407 Proxy Authentication Required)`;
        break;
      case 'proxy-refused':
        message = `The proxy ${via.display} refused the connection${where} (HTTP ${failure.status ?? '?'})`;
        break;
      case 'proxy-tls':
        message = `The TLS connection to the proxy ${via.display} failed: ${failure.detail ?? ''}`;
        break;
      case 'proxy-unreachable':
        message = `Could not connect to the proxy ${via.display} (${failure.detail ?? 'unreachable'})`;
        break;
    }
    return new GatewayError({
      kind: 'proxy',
      code: failure.code,
      message,
      proxy: via.display,
      gateway: this.options.gateway,
      operation: req.operation,
      cause,
    });
  }

  /** Maps anything undici (or the signal, or the deadline) throws to a GatewayError. */
  toError(
    e: unknown,
    req: HttpRequest,
    ctx: { via?: ResolvedProxy; deadline?: Deadline; target?: URL; stream?: boolean } = {},
  ): GatewayError {
    if (e instanceof GatewayError) return e;
    const base = { gateway: this.options.gateway, operation: req.operation, cause: e };
    if (req.signal?.aborted) {
      return new GatewayError({ ...base, kind: 'aborted', message: `${req.operation} was cancelled` });
    }
    if (ctx.deadline?.expired(e)) {
      const what = ctx.stream ? 'The answer did not finish' : 'The call did not complete';
      return new GatewayError({
        ...base,
        kind: 'timeout',
        code: 'deadline',
        message: `${what} within ${formatMs(ctx.deadline.limitMs)}`,
      });
    }
    if (ctx.via) {
      const failure = proxyFailure(e, ctx.via);
      if (failure) return this.proxyError(req, ctx.via, failure, ctx.target, e);
    }
    const code = typeof e === 'object' && e !== null && 'code' in e ? String(e.code) : '';
    const msg = e instanceof Error ? e.message : String(e);
    switch (code) {
      case 'UND_ERR_CONNECT_TIMEOUT':
        return new GatewayError({
          ...base,
          kind: 'timeout',
          code,
          message: `Timed out connecting (${this.timeouts.connectMs} ms)`,
        });
      case 'UND_ERR_HEADERS_TIMEOUT':
        return new GatewayError({
          ...base,
          kind: 'timeout',
          code,
          message: `No response within ${this.timeouts.headersMs} ms`,
        });
      case 'UND_ERR_BODY_TIMEOUT':
        return new GatewayError({
          ...base,
          kind: 'timeout',
          code,
          message: `The response stalled for ${this.timeouts.bodyMs} ms`,
        });
      case 'UND_ERR_ABORTED':
        // Not the caller's signal (checked above): the client was disposed, or undici gave up on the request.
        return this.closed
          ? new GatewayError({ ...base, kind: 'aborted', code, message: 'The client was disposed' })
          : new GatewayError({ ...base, kind: 'network', code, message: `Network error: ${code} ${msg}` });
      default:
        return new GatewayError({
          ...base,
          kind: 'network',
          code: code || undefined,
          message: `Network error: ${code ? `${code} ` : ''}${msg}`,
        });
    }
  }

  private tooLarge(req: HttpRequest, limit: number): GatewayError {
    return new GatewayError({
      kind: 'bad-response',
      code: 'too-large',
      message: `The answer to ${req.operation} is larger than ${formatBytes(limit)}; it was not read`,
      gateway: this.options.gateway,
      operation: req.operation,
    });
  }

  /** Reads a body under the cap for its status: a success past the JSON cap fails; an error body is truncated. */
  private async readBody(
    res: ResponseData,
    req: HttpRequest,
    headers: Readonly<Record<string, string | undefined>>,
  ): Promise<{ text: string; truncated: boolean }> {
    const ok = res.statusCode >= 200 && res.statusCode < 300;
    const limit = ok ? this.limits.jsonBytes : this.limits.errorBytes;
    const declared = Number(headers['content-length']);
    if (ok && Number.isFinite(declared) && declared > limit) {
      res.body.destroy();
      throw this.tooLarge(req, limit);
    }
    const { bytes, over } = await readCapped(res.body, limit);
    if (over && ok) throw this.tooLarge(req, limit);
    return { text: decoder.decode(bytes), truncated: over };
  }

  private via(route: Route): string {
    return route.via ? ` through the proxy ${route.via.display}` : '';
  }

  /** A buffered request. Never throws on an HTTP status: the adapter reads the envelope. */
  async request(req: HttpRequest): Promise<HttpResponse> {
    if (this.closed)
      throw new GatewayError({ kind: 'aborted', message: 'The client was disposed', operation: req.operation });
    const url = this.buildUrl(req);
    const route = this.route(url, req);
    const canRetry = req.retry ?? req.method === 'GET';
    const body = req.json === undefined ? undefined : JSON.stringify(req.json);
    const limitMs = this.timeouts.totalMs;
    const deadlineAt = Date.now() + limitMs;
    let waited = 0;
    for (let attempt = 0; ; attempt++) {
      const started = Date.now();
      const dl = new Deadline(deadlineAt, limitMs);
      let status: number;
      let headers: Record<string, string | undefined>;
      let text: string;
      let truncated: boolean;
      try {
        const res = await dispatchRequest(route.dispatcher, {
          origin: url.origin,
          path: url.pathname + url.search,
          method: req.method,
          headers: this.headersFor(req),
          body,
          signal: req.signal,
          headersTimeout: dl.headersTimeout(this.timeouts.headersMs),
          bodyTimeout: this.timeouts.bodyMs,
        });
        dl.arm(res.body);
        status = res.statusCode;
        headers = flattenHeaders(res.headers);
        if (status === 407 && route.via) {
          res.body.destroy();
          throw this.proxyError(req, route.via, { code: 'proxy-auth', status }, url);
        }
        ({ text, truncated } = await this.readBody(res, req, headers));
      } catch (e) {
        const err = this.toError(e, req, { via: route.via, deadline: dl, target: url });
        this.log(
          'debug',
          `${req.method} ${url.pathname}${this.via(route)} failed after ${Date.now() - started} ms: ${err.kind} ${err.message}`,
        );
        throw err;
      } finally {
        dl.dispose();
      }
      this.log(
        'debug',
        `${req.method} ${url.pathname}${this.via(route)} → ${status} in ${Date.now() - started} ms${truncated ? ' (error body truncated)' : ''}`,
      );
      const retryAfterMs = parseRetryAfter(headers['retry-after']);
      if (
        canRetry &&
        (RETRY_STATUSES.has(status) || req.retryWhen?.({ status, headers, text }) === true) &&
        attempt < this.retry.maxRetries
      ) {
        const backoff = Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** attempt);
        const jittered = backoff / 2 + Math.random() * (backoff / 2);
        const wait = Math.max(retryAfterMs ?? 0, jittered);
        const allowed =
          (retryAfterMs === undefined || retryAfterMs <= this.retry.maxRetryAfterMs) &&
          waited + wait <= this.retry.maxTotalWaitMs &&
          Date.now() + wait < deadlineAt;
        if (allowed) {
          this.log(
            'info',
            `${req.operation}: HTTP ${status}, retry ${attempt + 1}/${this.retry.maxRetries} in ${Math.round(wait)} ms`,
          );
          try {
            await this.sleep(wait, req.signal);
          } catch (e) {
            throw this.toError(e, req);
          }
          waited += wait;
          continue;
        }
        this.log(
          'info',
          `${req.operation}: HTTP ${status}, not retried${retryAfterMs !== undefined ? ` (Retry-After ${Math.round(retryAfterMs / 1000)} s)` : ''}: waiting would pass the retry budget`,
        );
      }
      return {
        status,
        headers,
        text,
        ...(truncated ? { truncated } : {}),
        ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
      };
    }
  }

  /** A streaming request (never retried). The caller must consume or close the body. */
  async stream(req: HttpRequest): Promise<HttpStreamResponse> {
    if (this.closed)
      throw new GatewayError({ kind: 'aborted', message: 'The client was disposed', operation: req.operation });
    const url = this.buildUrl(req);
    const route = this.route(url, req);
    const started = Date.now();
    const limitMs = this.timeouts.streamTotalMs;
    const dl = new Deadline(started + limitMs, limitMs);
    const ctx = { via: route.via, deadline: dl, target: url, stream: true };
    let res: ResponseData;
    try {
      res = await dispatchRequest(route.dispatcher, {
        origin: url.origin,
        path: url.pathname + url.search,
        method: req.method,
        headers: { ...this.headersFor(req), accept: 'text/event-stream, application/json' },
        body: req.json === undefined ? undefined : JSON.stringify(req.json),
        signal: req.signal,
        headersTimeout: dl.headersTimeout(this.timeouts.headersMs),
        bodyTimeout: this.timeouts.bodyMs,
      });
      dl.arm(res.body);
      if (res.statusCode === 407 && route.via) {
        res.body.destroy();
        throw this.proxyError(req, route.via, { code: 'proxy-auth', status: 407 }, url);
      }
    } catch (e) {
      dl.dispose();
      const err = this.toError(e, req, ctx);
      this.log(
        'debug',
        `${req.method} ${url.pathname} (stream)${this.via(route)} failed after ${Date.now() - started} ms: ${err.kind} ${err.message}`,
      );
      throw err;
    }
    this.log(
      'debug',
      `${req.method} ${url.pathname} (stream)${this.via(route)} → ${res.statusCode} in ${Date.now() - started} ms`,
    );
    const bodyStream = res.body;
    const headers = flattenHeaders(res.headers);
    const retryAfterMs = parseRetryAfter(headers['retry-after']);
    const self = this;
    return {
      status: res.statusCode,
      headers,
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
      timeouts: this.timeouts,
      body: {
        async *[Symbol.asyncIterator]() {
          try {
            for await (const chunk of bodyStream) yield chunk as Uint8Array;
          } catch (e) {
            throw self.toError(e, req, ctx);
          } finally {
            dl.dispose();
          }
        },
      },
      text: async () => {
        try {
          return (await self.readBody(res, req, headers)).text;
        } catch (e) {
          throw self.toError(e, req, ctx);
        } finally {
          dl.dispose();
        }
      },
      close: () => {
        dl.dispose();
        bodyStream.destroy();
      },
    };
  }

  async dispose(): Promise<void> {
    this.closed = true;
    const ds = [this.direct, ...this.proxied.values()].filter((d): d is Dispatcher => d !== undefined);
    this.direct = undefined;
    this.proxied.clear();
    await Promise.all(ds.map((d) => d.close().catch(() => undefined)));
  }
}
