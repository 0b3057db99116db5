/**
 * The one HTTP client every adapter goes through: undici with an injectable dispatcher, explicit
 * connect / headers / body timeouts and an overall deadline per call, a size cap per kind of response, an
 * AbortSignal on every call, proxies resolved per request as VS Code resolves them (./proxy), and retries for
 * idempotent reads only (429/502/503/504, capped backoff, Retry-After honoured within a total waiting budget).
 * Every line it logs is redacted.
 */
import { rememberSecret, redact } from '../core/redact';
import { GatewayError } from './errors';
import { Deadline } from './httpDeadline';
import { proxyError, tooLarge, toGatewayError, type CallContext } from './httpFailures';
import { Dispatchers, type Route } from './httpRoutes';
import {
  DEFAULT_LIMITS,
  DEFAULT_RETRY,
  DEFAULT_STREAM_TOTAL_MS,
  DEFAULT_TIMEOUTS,
  RETRY_STATUSES,
  defaultSleep,
  parseRetryAfter,
  type HttpClientOptions,
  type HttpRequest,
  type HttpResponse,
  type HttpStreamResponse,
  type LogLevel,
  type ResolvedTimeouts,
  type RetryPolicy,
  type SizeLimits,
} from './httpTypes';
import { proxySecrets } from './proxy';
import { dispatchRequest, type ResponseData } from './undici';

function flattenHeaders(h: Record<string, string | string[] | undefined>): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(h)) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

/** Request headers whose value is a credential. */
const CREDENTIAL_HEADERS = new Set(['authorization', 'x-api-key', 'api-key', 'x-goog-api-key']);

/**
 * Drops a body that will not be read. undici's body emits an abort error when destroyed before its end, and an
 * 'error' event nobody listens to is an uncaught exception in the host: the error is swallowed here.
 */
function discard(body: ResponseData['body']): void {
  body.on('error', () => undefined);
  body.destroy();
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
      // Stryker disable next-line StringLiteral,CallExpression: the body is destroyed just below and emits no more data
      body.off('data', onData);
      // Stryker disable next-line StringLiteral: a destroyed body emits no 'end'
      body.off('end', onEnd);
      // Stryker disable next-line StringLiteral,CallExpression: the promise is settled just below, so a later reject does nothing
      body.off('error', reject);
      discard(body);
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
  private readonly dispatchers: Dispatchers;
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
    this.dispatchers = new Dispatchers(options, this.timeouts);
    for (const s of proxySecrets(options.proxy)) rememberSecret(s);
  }

  get gatewayLabel(): string | undefined {
    return this.options.gateway;
  }

  get timeoutsInUse(): ResolvedTimeouts {
    return this.timeouts;
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
    for (const [name, value] of Object.entries(headers)) {
      if (!CREDENTIAL_HEADERS.has(name.toLowerCase())) continue;
      // Stryker disable next-line ConditionalExpression: the set only saves calls; rememberSecret ignores a secret it knows
      if (this.registered.has(value)) continue;
      // Stryker disable next-line ConditionalExpression,EqualityOperator,CallExpression: the set only saves calls (as above)
      if (this.registered.size < 64) this.registered.add(value);
      rememberSecret(value);
      const credential = /^[A-Za-z][A-Za-z0-9._~+/-]*\s+(\S+)$/.exec(value.trim())?.[1];
      // Stryker disable next-line ConditionalExpression: rememberSecret ignores undefined
      if (credential) rememberSecret(credential);
    }
    // Stryker disable next-line ConditionalExpression: undici sends no header whose value is undefined
    if (this.options.userAgent) headers['user-agent'] = this.options.userAgent;
    if (req.json !== undefined) headers['content-type'] = 'application/json';
    return headers;
  }

  private log(level: LogLevel, message: string): void {
    const sink = this.options.log;
    if (sink) sink(level, redact(message));
  }

  /** Reads a body under the cap for its status: a success past the JSON cap fails; an error body is truncated. */
  private async readBody(
    res: ResponseData,
    req: HttpRequest,
    headers: Readonly<Record<string, string | undefined>>,
  ): Promise<{ text: string; truncated: boolean }> {
    // Stryker disable next-line ConditionalExpression: undici resolves only with a final response (never a 1xx)
    const ok = res.statusCode >= 200 && res.statusCode < 300;
    const limit = ok ? this.limits.jsonBytes : this.limits.errorBytes;
    const declared = Number(headers['content-length']);
    if (ok && Number.isFinite(declared) && declared > limit) {
      discard(res.body);
      throw tooLarge(this.options.gateway, req, limit);
    }
    const { bytes, over } = await readCapped(res.body, limit);
    if (over && ok) throw tooLarge(this.options.gateway, req, limit);
    return { text: decoder.decode(bytes), truncated: over };
  }

  /** Maps anything undici (or the signal, or the deadline) throws to a GatewayError. */
  private fail(e: unknown, req: HttpRequest, ctx: CallContext = {}): GatewayError {
    return toGatewayError(e, req, { gateway: this.options.gateway, timeouts: this.timeouts, closed: this.closed }, ctx);
  }

  private via(route: Route): string {
    return route.via ? ` through the proxy ${route.via.display}` : '';
  }

  /** A buffered request. Never throws on an HTTP status: the adapter reads the envelope. */
  async request(req: HttpRequest): Promise<HttpResponse> {
    if (this.closed)
      throw new GatewayError({ kind: 'aborted', message: 'The client was disposed', operation: req.operation });
    const url = this.buildUrl(req);
    const route = this.dispatchers.route(url, req);
    const canRetry = req.retry ?? req.method === 'GET';
    // Stryker disable next-line ConditionalExpression: JSON.stringify(undefined) is undefined too
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
        // Stryker disable next-line ConditionalExpression,EqualityOperator,LogicalOperator,BlockStatement: undici's ProxyAgent turns a proxy's 407 into an error before any response gets here (a guard for another dispatcher)
        if (status === 407 && route.via) {
          // Stryker disable next-line CallExpression: unreachable (as above)
          discard(res.body);
          // Stryker disable next-line ObjectLiteral,StringLiteral: unreachable (as above)
          throw proxyError(this.options.gateway, req, route.via, { code: 'proxy-auth', status }, url);
        }
        ({ text, truncated } = await this.readBody(res, req, headers));
      } catch (e) {
        const err = this.fail(e, req, { via: route.via, deadline: dl, target: url });
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
          // Stryker disable next-line ArrowFunction,BlockStatement: an abort swallowed here is refused the same way by the next attempt (undici refuses an aborted signal before sending anything)
          await this.sleep(wait, req.signal).catch((e: unknown) => {
            throw this.fail(e, req);
          });
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
    const route = this.dispatchers.route(url, req);
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
        // Stryker disable next-line ConditionalExpression: JSON.stringify(undefined) is undefined too
        body: req.json === undefined ? undefined : JSON.stringify(req.json),
        signal: req.signal,
        headersTimeout: dl.headersTimeout(this.timeouts.headersMs),
        bodyTimeout: this.timeouts.bodyMs,
      });
      dl.arm(res.body);
      // Stryker disable next-line ConditionalExpression,EqualityOperator,LogicalOperator,BlockStatement: undici's ProxyAgent turns a proxy's 407 into an error before any response gets here (a guard for another dispatcher)
      if (res.statusCode === 407 && route.via) {
        // Stryker disable next-line CallExpression: unreachable (as above)
        discard(res.body);
        // Stryker disable next-line ObjectLiteral,StringLiteral: unreachable (as above)
        throw proxyError(this.options.gateway, req, route.via, { code: 'proxy-auth', status: 407 }, url);
      }
    } catch (e) {
      // Stryker disable next-line CallExpression: the deadline is armed only once the headers are in, and nothing after arming throws here but the unreachable 407 branch
      dl.dispose();
      const err = this.fail(e, req, ctx);
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
            throw self.fail(e, req, ctx);
          } finally {
            dl.dispose();
          }
        },
      },
      text: async () => {
        try {
          return (await self.readBody(res, req, headers)).text;
        } catch (e) {
          throw self.fail(e, req, ctx);
        } finally {
          dl.dispose();
        }
      },
      close: () => {
        dl.dispose();
        // a body closed before its end errors (undici's "Request aborted"): with no one reading, nothing must hear it
        discard(bodyStream);
      },
    };
  }

  async dispose(): Promise<void> {
    this.closed = true;
    await this.dispatchers.close();
  }
}
