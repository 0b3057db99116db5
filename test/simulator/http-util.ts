import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Fault, GatewayName, RecordedRequest, StreamRecord } from './types';

const MAX_BODY = 16 * 1024 * 1024;

/** Everything a route handler needs about one request. */
export interface Ctx {
  gateway: GatewayName;
  req: IncomingMessage;
  res: ServerResponse;
  method: string;
  path: string;
  query: URLSearchParams;
  /** First value of each query parameter. */
  q: Record<string, string>;
  rawBody: Buffer;
  /** Parsed JSON; undefined when the body was empty or not JSON. */
  body: unknown;
  hasBody: boolean;
  bodyInvalid: boolean;
  rec: RecordedRequest;
  /** A stream-only fault taken for this request (truncate/mid-stream-error). */
  streamFault?: Fault;
  /** Base URL of this server as the client reached it. */
  baseUrl: string;
}

/** Hooks the gateways use to talk to the simulator core. */
export interface SimEnv {
  now(): number;
  streamTokensPerSecond: number;
  recordStream(rec: StreamRecord): void;
  /** true while the simulator is closing (sockets destroyed by us, not by the client). */
  isClosing(): boolean;
}

export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new Error('body too large'));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent || res.destroyed) {
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(text)),
    ...headers,
  });
  res.end(text);
}

export function sendRaw(
  res: ServerResponse,
  status: number,
  contentType: string,
  text: string | Buffer,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent || res.destroyed) {
    return;
  }
  res.writeHead(status, {
    'content-type': contentType,
    'content-length': String(typeof text === 'string' ? Buffer.byteLength(text) : text.length),
    ...headers,
  });
  res.end(text);
}

export function sendEmpty(res: ServerResponse, status: number, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) {
    return;
  }
  res.writeHead(status, headers);
  res.end();
}

export function firstValues(params: URLSearchParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of params) {
    if (!(k in out)) {
      out[k] = v;
    }
  }
  return out;
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function has(o: Record<string, unknown>, k: string): boolean {
  return Object.prototype.hasOwnProperty.call(o, k);
}

export function bearer(header: string | undefined): string | undefined {
  if (header === undefined) {
    return undefined;
  }
  const h = header.trim();
  const m = /^bearer\s+(.*)$/i.exec(h);
  return (m ? (m[1] ?? '') : h).trim();
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export function nextTickish(): Promise<void> {
  return new Promise((r) => setImmediate(r));
}

/** Matches '/a/b/{x}/c' style templates; returns params or null. */
export function matchPath(template: string, path: string): Record<string, string> | null {
  const t = template.split('/');
  const p = path.split('/');
  if (t.length !== p.length) {
    return null;
  }
  const out: Record<string, string> = {};
  for (let i = 0; i < t.length; i++) {
    const ts = t[i] ?? '';
    const ps = p[i] ?? '';
    if (ts.startsWith('{') && ts.endsWith('}')) {
      if (ps === '') {
        return null;
      }
      try {
        out[ts.slice(1, -1)] = decodeURIComponent(ps);
      } catch {
        out[ts.slice(1, -1)] = ps;
      }
    } else if (ts !== ps) {
      return null;
    }
  }
  return out;
}
