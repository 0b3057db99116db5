/**
 * Gateway simulator: AIone API and AIHubMix on two loopback ports, seeded deterministic data,
 * per-request fault injection, and HTTP control routes under /__sim/*.
 * See README.md in this folder.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { AioneGateway, aioneFaultBody, aioneRequestId } from './aione';
import { handleModelPlaneExtras } from './anthropic';
import { generateAione } from './aione-data';
import { AihubmixGateway, aihubmixFaultBody } from './aihubmix';
import { generateAihubmix, oneApiRequestId } from './aihubmix-data';
import type { Core } from './core';
import { FaultControllerImpl, normalizeRule, rulesToJson } from './faults';
import { clientIp } from './validate';
import { firstValues, isRecord, readBody, sendJson, sendRaw, type Ctx } from './http-util';
import { setFigures } from './figures';
import { rngFor, type Rng } from './rng';
import { createServer as createTlsServer } from 'node:https';
import { checkTlsMaterial, sharedTlsMaterial, type TlsMaterial } from './tls';
import {
  DEFAULT_VARIANTS,
  type AihubmixDialect,
  type Fault,
  type FaultRule,
  type GatewayName,
  type RecordedRequest,
  type Simulator,
  type SimulatorOptions,
  type SimulatorState,
  type StreamRecord,
  type Variants,
} from './types';

export * from './types';

const MAX_RECORDS = 20_000;

const VARIANT_VALUES: { [K in keyof Variants]: readonly Variants[K][] } = {
  aihubmixListShape: ['array', 'page-object', 'items'],
  aihubmixDisabledStatus: [2, 0],
  aihubmixExpiredTime: ['int', 'string'],
  aihubmixUnlimitedRemain: ['zero', 'minus-one'],
  aioneInvoices: ['array', 'wrapped'],
  aioneCreateStatus: [200, 201],
  aioneDeleteStatus: [204, 200],
  keyLimits: ['ignored', 'enforced'],
  aioneRequestLog: ['offered', 'absent'],
};

/** Validates a partial Variants object (throws on an unknown key or value). */
export function checkVariants(v: unknown): Partial<Variants> {
  if (!isRecord(v)) {
    throw new TypeError('variants must be an object');
  }
  const out: Record<string, unknown> = {};
  for (const [k, val] of Object.entries(v)) {
    const allowed = (VARIANT_VALUES as Record<string, readonly unknown[]>)[k];
    if (!allowed) {
      throw new TypeError(`unknown variant: ${k}`);
    }
    if (!allowed.includes(val)) {
      throw new TypeError(`variant ${k} must be one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}`);
    }
    out[k] = val;
  }
  return out;
}

function buildState(seed: number, keyCount: number, anchor: number, dialect: AihubmixDialect): SimulatorState {
  return {
    anchor,
    seed,
    keyCount,
    aione: generateAione(seed, keyCount, anchor),
    aihubmix: generateAihubmix(seed, keyCount, anchor, dialect),
  };
}

function redactHeaders(h: IncomingMessage['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) {
    if (v === undefined) {
      continue;
    }
    const val = Array.isArray(v) ? v.join(', ') : v;
    out[k] =
      k === 'authorization' || k === 'proxy-authorization'
        ? /^bearer\s/i.test(val.trim())
          ? 'Bearer ***'
          : '***'
        : val;
  }
  return out;
}

function pushCapped<T>(arr: T[], item: T): void {
  arr.push(item);
  if (arr.length > MAX_RECORDS) {
    arr.splice(0, arr.length - MAX_RECORDS);
  }
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (e: Error): void => reject(e);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      const addr = server.address();
      resolve(typeof addr === 'object' && addr ? addr.port : port);
    });
  });
}

export async function startSimulator(opts: SimulatorOptions = {}): Promise<Simulator> {
  const host = opts.host ?? '127.0.0.1';
  const seed = (opts.seed ?? 42) >>> 0;
  const keyCount = Math.max(1, Math.floor(opts.keyCount ?? 48));
  const clock = opts.now ?? Date.now;
  const initialVariants: Variants = { ...DEFAULT_VARIANTS, ...checkVariants(opts.variants ?? {}) };
  const dialect: AihubmixDialect = opts.aihubmixDialect ?? 'one-api';
  if (dialect !== 'one-api' && dialect !== 'new-api') {
    throw new TypeError(`aihubmixDialect must be 'one-api' or 'new-api', got ${JSON.stringify(dialect)}`);
  }
  const requireNewApiUser = dialect === 'new-api' && opts.requireNewApiUser === true;
  const tls: TlsMaterial | undefined =
    opts.tls === true ? sharedTlsMaterial() : opts.tls ? checkTlsMaterial(opts.tls) : undefined;

  let state = buildState(seed, keyCount, clock(), dialect);
  let variants: Variants = { ...initialVariants };
  let liveRng: Rng = rngFor(seed, 'live');
  let counter = 0;
  let closing = false;
  const faults = new FaultControllerImpl();
  const requests: RecordedRequest[] = [];
  const streams: StreamRecord[] = [];
  const sockets = new Set<Socket>();
  const sleepers = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();

  const core: Core = {
    get state() {
      return state;
    },
    get variants() {
      return variants;
    },
    seed,
    get liveRng() {
      return liveRng;
    },
    counter: () => ++counter,
    now: () => clock(),
    streamTokensPerSecond: Math.max(0, opts.streamTokensPerSecond ?? 400),
    recordStream: (r) => pushCapped(streams, r),
    isClosing: () => closing,
    aihubmixDialect: dialect,
    requireNewApiUser,
  };

  const aione = new AioneGateway(core);
  const aihubmix = new AihubmixGateway(core);
  const urls: Record<GatewayName, string> = { aione: '', aihubmix: '' };

  const sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const entry = {
        timer: setTimeout(() => {
          sleepers.delete(entry);
          resolve();
        }, ms),
        resolve,
      };
      sleepers.add(entry);
    });

  const modelKeyAione = (): string => state.aione.keys.find((k) => k.id === state.aione.modelKeyId)?.secret ?? '';
  const modelKeyHub = (): string => {
    const t = state.aihubmix.tokens.find((x) => x.id === state.aihubmix.modelTokenId);
    return t ? `sk-${t.key}` : '';
  };

  const summary = (): Record<string, unknown> => {
    const countBy = <T>(items: T[], f: (x: T) => string | number): Record<string, number> => {
      const out: Record<string, number> = {};
      for (const x of items) {
        const k = String(f(x));
        out[k] = (out[k] ?? 0) + 1;
      }
      return out;
    };
    const now = clock();
    return {
      seed,
      keyCount,
      anchor: new Date(state.anchor).toISOString(),
      now: new Date(now).toISOString(),
      streamTokensPerSecond: core.streamTokensPerSecond,
      variants,
      aione: {
        url: urls.aione,
        adminToken: state.aione.adminToken,
        modelKey: modelKeyAione(),
        orgId: state.aione.orgId,
        teams: state.aione.teams,
        keys: state.aione.keys.length,
        keysByStatus: countBy(state.aione.keys, (k) =>
          k.status === 'active' && k.expires_at !== null && Date.parse(k.expires_at) <= now ? 'expired' : k.status,
        ),
        usageCells: state.aione.usage.length,
        balanceE4: state.aione.balanceE4,
      },
      aihubmix: {
        url: urls.aihubmix,
        dialect,
        requireNewApiUser,
        accessToken: state.aihubmix.accessToken,
        accessTokenRegenerations: state.aihubmix.accessTokenRegenerations,
        modelKey: modelKeyHub(),
        userId: state.aihubmix.user.id,
        keys: state.aihubmix.tokens.length,
        keysByStatus: countBy(state.aihubmix.tokens, (t) => t.status),
        logs: state.aihubmix.logs.length,
        quota: state.aihubmix.user.quota,
        usedQuota: state.aihubmix.user.used_quota,
      },
      faults: rulesToJson(faults.list()),
      requests: requests.length,
      streams: streams.length,
    };
  };

  const reset = (): void => {
    state = buildState(seed, keyCount, clock(), dialect);
    variants = { ...initialVariants };
    liveRng = rngFor(seed, 'live');
    counter = 0;
    faults.clear();
    requests.length = 0;
    streams.length = 0;
  };

  const setVariants = (v: Partial<Variants>): void => {
    variants = { ...variants, ...checkVariants(v) };
  };

  // ------------------------------------------------------------ control routes

  const control = async (
    gateway: GatewayName,
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    query: URLSearchParams,
  ): Promise<void> => {
    const cors = { 'access-control-allow-origin': '*' };
    const method = req.method ?? 'GET';
    if (method === 'OPTIONS') {
      res.writeHead(204, {
        ...cors,
        'access-control-allow-methods': 'GET,POST,DELETE,OPTIONS',
        'access-control-allow-headers': 'content-type',
      });
      res.end();
      return;
    }
    const raw = await readBody(req);
    let body: unknown;
    if (raw.length > 0) {
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        return sendJson(res, 400, { ok: false, error: 'invalid JSON' }, cors);
      }
    }
    const route = `${method} ${path.replace(/\/+$/, '')}`;
    try {
      switch (route) {
        case 'GET /__sim':
          return sendJson(
            res,
            200,
            {
              gateway,
              routes: [
                'POST /__sim/faults',
                'GET /__sim/faults',
                'DELETE /__sim/faults',
                'POST /__sim/reset',
                'POST /__sim/variants',
                'GET /__sim/state',
                'POST /__sim/figures',
                'GET /__sim/keys?gateway=aione|aihubmix',
                'GET /__sim/requests',
                'GET /__sim/streams',
                'GET /__sim/ip',
              ],
            },
            cors,
          );
        case 'POST /__sim/faults': {
          const rules = Array.isArray(body) ? body : [body];
          const normalized: FaultRule[] = rules.map((r) => normalizeRule(r));
          normalized.forEach((r) => faults.add(r));
          return sendJson(res, 200, { ok: true, faults: rulesToJson(faults.list()) }, cors);
        }
        case 'GET /__sim/faults':
          return sendJson(res, 200, rulesToJson(faults.list()), cors);
        case 'DELETE /__sim/faults':
          faults.clear();
          return sendJson(res, 200, { ok: true }, cors);
        case 'POST /__sim/reset':
          reset();
          return sendJson(res, 200, { ok: true, state: summary() }, cors);
        case 'POST /__sim/variants':
          setVariants(checkVariants(body ?? {}));
          return sendJson(res, 200, { ok: true, variants }, cors);
        case 'GET /__sim/state':
          return sendJson(res, 200, summary(), cors);
        case 'POST /__sim/figures':
          setFigures(state, clock(), { gateway, ...(isRecord(body) ? body : {}) });
          return sendJson(res, 200, { ok: true }, cors);
        case 'GET /__sim/keys': {
          const g = query.get('gateway') ?? gateway;
          if (g === 'aione') {
            return sendJson(res, 200, { gateway: g, total: state.aione.keys.length, items: state.aione.keys }, cors);
          }
          if (g === 'aihubmix') {
            return sendJson(
              res,
              200,
              { gateway: g, total: state.aihubmix.tokens.length, items: state.aihubmix.tokens },
              cors,
            );
          }
          return sendJson(res, 400, { ok: false, error: "gateway must be 'aione' or 'aihubmix'" }, cors);
        }
        case 'GET /__sim/requests': {
          const g = query.get('gateway');
          return sendJson(res, 200, g ? requests.filter((r) => r.gateway === g) : requests, cors);
        }
        case 'GET /__sim/streams':
          return sendJson(res, 200, streams, cors);
        case 'GET /__sim/ip':
          // a "what is my IP" service: the caller's address as the gateways see it, as plain text
          res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', ...cors });
          res.end(clientIp(req));
          return;
        default:
          return sendJson(res, 404, { ok: false, error: `unknown control route ${route}` }, cors);
      }
    } catch (e) {
      return sendJson(res, 400, { ok: false, error: e instanceof Error ? e.message : String(e) }, cors);
    }
  };

  // ------------------------------------------------------------------ faults

  /** Applies a fault; true when the response is taken care of (or deliberately never sent). */
  const applyFault = async (ctx: Ctx, fault: Fault): Promise<boolean> => {
    const { res } = ctx;
    const v1 = !ctx.path.startsWith('/api/');
    switch (fault.kind) {
      case 'latency':
        await sleep(fault.ms);
        return false;
      case 'status': {
        const headers: Record<string, string> = {};
        if (fault.retryAfter !== undefined) {
          headers['retry-after'] = String(fault.retryAfter);
        }
        const model = isRecord(ctx.body) && typeof ctx.body['model'] === 'string' ? ctx.body['model'] : undefined;
        const requestId = oneApiRequestId(clock(), core.counter());
        headers[ctx.gateway === 'aione' ? 'x-request-id' : 'x-oneapi-request-id'] =
          ctx.gateway === 'aione' ? aioneRequestId(requestId) : requestId;
        const body =
          fault.body !== undefined
            ? fault.body
            : ctx.gateway === 'aione'
              ? aioneFaultBody(ctx.path, fault.status, model)
              : aihubmixFaultBody(ctx.path, fault.status, requestId, model);
        sendJson(res, fault.status, body, headers);
        return true;
      }
      case 'hang':
        return true; // never answered; close() destroys the socket
      case 'reset':
        ctx.req.socket.destroy();
        return true;
      case 'malformed-json': {
        const text =
          ctx.gateway === 'aihubmix' && !v1
            ? '{"success":true,"message":"","data":[{"id":1,"name":'
            : v1
              ? '{"object":"list","data":[{"id":'
              : '{"items": [';
        sendRaw(res, 200, 'application/json', text);
        return true;
      }
      case 'success-false':
        sendJson(res, 200, { success: false, message: fault.message ?? '系统繁忙，请稍后再试' });
        return true;
      case 'json-error-instead-of-stream': {
        const body =
          ctx.gateway === 'aione'
            ? aioneFaultBody('/v1/chat/completions', fault.status)
            : aihubmixFaultBody('/v1/chat/completions', fault.status, oneApiRequestId(clock(), core.counter()));
        sendJson(res, fault.status, body);
        return true;
      }
      case 'truncate-stream':
      case 'mid-stream-error':
        ctx.streamFault = fault;
        return false;
    }
  };

  // ----------------------------------------------------------------- servers

  const handle = async (gateway: GatewayName, req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname;
    if (path === '/__sim' || path.startsWith('/__sim/')) {
      return control(gateway, req, res, path, url.searchParams);
    }
    const raw = await readBody(req);
    let body: unknown;
    let bodyInvalid = false;
    if (raw.length > 0) {
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        bodyInvalid = true;
      }
    }
    const method = (req.method ?? 'GET').toUpperCase();
    const rec: RecordedRequest = {
      gateway,
      method,
      path,
      query: firstValues(url.searchParams),
      headers: redactHeaders(req.headers),
      at: clock(),
    };
    if (raw.length > 0) {
      rec.body = bodyInvalid ? raw.toString('utf8') : body;
    }
    pushCapped(requests, rec);
    res.on('finish', () => {
      rec.status = res.statusCode;
    });
    const ctx: Ctx = {
      gateway,
      req,
      res,
      method,
      path,
      query: url.searchParams,
      q: firstValues(url.searchParams),
      rawBody: raw,
      body: bodyInvalid ? undefined : body,
      hasBody: raw.length > 0,
      bodyInvalid,
      rec,
      baseUrl: urls[gateway],
    };
    const isStream = method === 'POST' && path === '/v1/chat/completions' && isRecord(body) && body['stream'] === true;
    const model = isRecord(body) && typeof body['model'] === 'string' ? body['model'] : undefined;
    const fault = faults.take({ gateway, method, path, isStream, ...(model !== undefined ? { model } : {}) });
    if (fault) {
      rec.fault = fault.kind;
      if (await applyFault(ctx, fault)) {
        return;
      }
    }
    if (closing || res.destroyed) {
      return;
    }
    if (await handleModelPlaneExtras(core, ctx)) return; // /v1/messages (Anthropic-native), /v1/responses
    if (gateway === 'aione') {
      await aione.handle(ctx);
    } else {
      await aihubmix.handle(ctx);
    }
  };

  const makeServer = (gateway: GatewayName): Server => {
    const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
      handle(gateway, req, res).catch((e: unknown) => {
        if (!res.headersSent && !res.destroyed) {
          const message = e instanceof Error ? e.message : String(e);
          sendJson(
            res,
            500,
            gateway === 'aione' ? { detail: `Internal Server Error: ${message}` } : { success: false, message },
          );
        } else if (!res.writableEnded) {
          res.destroy();
        }
      });
    };
    // TLS mode: the same routes over https with the server certificate of `tls` (a client trusts tls.ca)
    const server: Server = tls ? createTlsServer({ key: tls.key, cert: tls.cert }, onRequest) : createServer(onRequest);
    server.on('connection', (s: Socket) => {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    });
    server.on('clientError', (_err, socket) => {
      if (socket.writable) {
        socket.end('HTTP/1.1 400 Bad Request\r\n\r\n');
      }
    });
    return server;
  };

  const aioneServer = makeServer('aione');
  const hubServer = makeServer('aihubmix');
  const aionePort = await listen(aioneServer, opts.aionePort ?? 0, host);
  let hubPort: number;
  try {
    hubPort = await listen(hubServer, opts.aihubmixPort ?? 0, host);
  } catch (e) {
    aioneServer.close();
    throw e;
  }
  const urlHost = host.includes(':') ? `[${host}]` : host;
  const scheme = tls ? 'https' : 'http';
  urls.aione = `${scheme}://${urlHost}:${aionePort}`;
  urls.aihubmix = `${scheme}://${urlHost}:${hubPort}`;

  let closed: Promise<void> | undefined;
  const close = (): Promise<void> => {
    if (closed) {
      return closed;
    }
    closing = true;
    for (const s of sleepers) {
      clearTimeout(s.timer);
      s.resolve();
    }
    sleepers.clear();
    const done = (server: Server): Promise<void> => new Promise((r) => server.close(() => r()));
    const p = Promise.all([done(aioneServer), done(hubServer)]).then(() => undefined);
    for (const s of sockets) {
      s.destroy();
    }
    sockets.clear();
    closed = p;
    return p;
  };

  const sim: Simulator = {
    aione: {
      url: urls.aione,
      get adminToken() {
        return state.aione.adminToken;
      },
      get modelKey() {
        return modelKeyAione();
      },
    },
    aihubmix: {
      url: urls.aihubmix,
      get accessToken() {
        return state.aihubmix.accessToken;
      },
      get modelKey() {
        return modelKeyHub();
      },
      get userId() {
        return state.aihubmix.user.id;
      },
      dialect,
      requireNewApiUser,
    },
    faults: {
      add: (rule) => faults.add(rule),
      clear: () => faults.clear(),
      list: () => faults.list(),
    },
    ...(tls ? { tls: { ca: tls.ca } } : {}),
    get state() {
      return state;
    },
    requests,
    streams,
    setVariants,
    reset,
    close,
  };
  return sim;
}
