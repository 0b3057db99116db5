/** Every way an HTTP call fails, as a GatewayError with a sentence: proxy, deadline, timeouts, network, size. */
import { GatewayError } from './errors';
import type { Deadline } from './httpDeadline';
import type { HttpRequest, ResolvedTimeouts } from './httpTypes';
import type { ResolvedProxy } from './proxy';

function formatMs(ms: number): string {
  return ms % 60_000 === 0 && ms >= 60_000 ? `${ms / 60_000} min` : ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}

const KIB = 1024;
const MIB = 1024 * KIB;

function formatBytes(n: number): string {
  return n >= MIB && n % MIB === 0 ? `${n / MIB} MiB` : n >= KIB && n % KIB === 0 ? `${n / KIB} KiB` : `${n} bytes`;
}

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

export type ProxyFailure = {
  readonly code: 'proxy-auth' | 'proxy-refused' | 'proxy-unreachable' | 'proxy-tls';
  readonly status?: number;
  readonly detail?: string;
};

function errorChain(e: unknown): Array<{ message: string; code: string }> {
  // Stryker disable next-line ArrayDeclaration: a made-up first link has neither a message nor a code that any rule matches
  const out: Array<{ message: string; code: string }> = [];
  let x: unknown = e;
  for (let i = 0; i < 6 && typeof x === 'object' && x !== null; i++) {
    // Stryker disable next-line StringLiteral: only the exact codes below match, and no error has a made-up one
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

export function proxyError(
  gateway: string | undefined,
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
    gateway,
    operation: req.operation,
    cause,
  });
}

/** What the client is, for the error sentences: its gateway label and timeouts, and whether it was disposed. */
export interface FailureContext {
  readonly gateway: string | undefined;
  readonly timeouts: ResolvedTimeouts;
  readonly closed: boolean;
}

/** Where one call failed: its proxy, its deadline, its target, and whether it was a stream. */
export interface CallContext {
  readonly via?: ResolvedProxy;
  readonly deadline?: Deadline;
  readonly target?: URL;
  readonly stream?: boolean;
}

/** Maps anything undici (or the signal, or the deadline) throws to a GatewayError. */
export function toGatewayError(
  e: unknown,
  req: HttpRequest,
  client: FailureContext,
  ctx: CallContext = {},
): GatewayError {
  if (e instanceof GatewayError) return e;
  const base = { gateway: client.gateway, operation: req.operation, cause: e };
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
    if (failure) return proxyError(client.gateway, req, ctx.via, failure, ctx.target, e);
  }
  const code = typeof e === 'object' && e !== null && 'code' in e ? String(e.code) : '';
  const msg = e instanceof Error ? e.message : String(e);
  switch (code) {
    case 'UND_ERR_CONNECT_TIMEOUT':
      return new GatewayError({
        ...base,
        kind: 'timeout',
        code,
        message: `Timed out connecting (${client.timeouts.connectMs} ms)`,
      });
    case 'UND_ERR_HEADERS_TIMEOUT':
      return new GatewayError({
        ...base,
        kind: 'timeout',
        code,
        message: `No response within ${client.timeouts.headersMs} ms`,
      });
    case 'UND_ERR_BODY_TIMEOUT':
      return new GatewayError({
        ...base,
        kind: 'timeout',
        code,
        message: `The response stalled for ${client.timeouts.bodyMs} ms`,
      });
    case 'UND_ERR_ABORTED':
      // Not the caller's signal (checked above): the client was disposed, or undici gave up on the request.
      return client.closed
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

export function tooLarge(gateway: string | undefined, req: HttpRequest, limit: number): GatewayError {
  return new GatewayError({
    kind: 'bad-response',
    code: 'too-large',
    message: `The answer to ${req.operation} is larger than ${formatBytes(limit)}; it was not read`,
    gateway,
    operation: req.operation,
  });
}
