/**
 * A small loopback HTTP server for the hostile answers the gateway simulator cannot give. Every request, on any path,
 * gets the answer of the current `mode`:
 *
 *  - `drip`: 200 and a JSON content type, then one byte every `intervalMs`, forever (a body that never ends but never
 *    goes quiet long enough for an idle timeout);
 *  - `keepalive-drip`: 200 `text/event-stream` whose only content is `: keep-alive` comments, every `intervalMs`, forever;
 *  - `huge`: a body of `totalBytes` (hundreds of MB) streamed with back-pressure, never held in memory: `head`, then
 *    `unit` repeated; the server cuts the connection once `guardBytes` went out (the client should have stopped long
 *    before), so a client without a cap fails instead of exhausting memory;
 *  - `utf8-cut`: a chat stream (`text/event-stream`): an event whose bytes arrive in two reads split inside a
 *    character, then an event cut inside a 3-byte UTF-8 character by a connection reset (`how: 'reset'`) or a clean
 *    end of the response (`how: 'end'`);
 *  - `reset-after-finish`: a complete chat answer (finish_reason) and then a connection reset before `[DONE]`;
 *  - `html`: an HTML page with `status` (a load balancer's 502, a captive portal's 200);
 *  - `redirect`: `status` (301 / 302 / 307 / 308) with `Location` on another origin (same path);
 *  - `empty-object`: `{}` with 200 on every path.
 *
 * `requests` records what arrived (whether it carried an Authorization header, never its value); `responses` how
 * many bytes each answer sent and whether the client went away before its end.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type FaultMode =
  | { readonly kind: 'drip'; readonly intervalMs: number; readonly prefix?: string }
  | { readonly kind: 'keepalive-drip'; readonly intervalMs: number }
  | {
      readonly kind: 'huge';
      readonly totalBytes: number;
      readonly guardBytes: number;
      readonly status?: number;
      readonly contentType: string;
      readonly head: string;
      readonly unit: string;
    }
  | { readonly kind: 'utf8-cut'; readonly how: 'reset' | 'end' }
  | { readonly kind: 'reset-after-finish' }
  | { readonly kind: 'html'; readonly status: number }
  | { readonly kind: 'redirect'; readonly status: 301 | 302 | 307 | 308; readonly location: string }
  | { readonly kind: 'empty-object' };

export interface FaultRequest {
  readonly method: string;
  readonly path: string;
  readonly authorization: boolean;
  readonly at: number;
}

export interface FaultResponse {
  readonly path: string;
  bytesSent: number;
  /** The client closed the connection before the answer ended. */
  closedByClient: boolean;
  /** The server cut it (guard, reset modes). */
  cutByServer: boolean;
  ended: boolean;
}

export interface FaultServer {
  readonly url: string;
  mode: FaultMode;
  readonly requests: FaultRequest[];
  readonly responses: FaultResponse[];
  /** Forgets the recorded requests and responses. */
  clear(): void;
  close(): Promise<void>;
}

const LB_502 =
  '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n';
const PORTAL_200 =
  '<!DOCTYPE html><html><head><title>Sign in to the network</title><script>window.location="/login"</script></head><body><form action="/login"><input name="user"></form></body></html>';

/** The SSE event of one chat delta, as the gateways send it. */
export function chatEvent(delta: Record<string, unknown>, finish: string | null = null): string {
  return `data: ${JSON.stringify({ id: 'chatcmpl-fault', object: 'chat.completion.chunk', created: 1, model: 'gpt-4.1', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function startFaultServer(initial: FaultMode = { kind: 'empty-object' }): Promise<FaultServer> {
  const requests: FaultRequest[] = [];
  const responses: FaultResponse[] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let closing = false;

  const state: { mode: FaultMode } = { mode: initial };

  const write = (res: ServerResponse, rec: FaultResponse, data: string | Buffer): Promise<void> => {
    rec.bytesSent += Buffer.byteLength(data);
    if (res.write(data)) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        res.off('drain', done);
        res.off('close', done);
        resolve();
      };
      res.on('drain', done);
      res.on('close', done);
    });
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://fault.invalid');
    requests.push({
      method: req.method ?? 'GET',
      path: url.pathname,
      authorization: req.headers.authorization !== undefined,
      at: Date.now(),
    });
    const rec: FaultResponse = {
      path: url.pathname,
      bytesSent: 0,
      closedByClient: false,
      cutByServer: false,
      ended: false,
    };
    responses.push(rec);
    res.on('close', () => {
      if (!rec.ended && !rec.cutByServer) rec.closedByClient = true;
    });
    res.on('finish', () => {
      rec.ended = true;
    });
    req.resume(); // the request body is not needed
    const gone = (): boolean => closing || res.destroyed || rec.closedByClient;
    const mode = state.mode;
    switch (mode.kind) {
      case 'empty-object': {
        const body = '{}';
        rec.bytesSent = body.length;
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(body.length) });
        res.end(body);
        return;
      }
      case 'html': {
        const body = mode.status >= 400 ? LB_502 : PORTAL_200;
        rec.bytesSent = Buffer.byteLength(body);
        res.writeHead(mode.status, {
          'content-type': 'text/html',
          server: 'nginx',
          'content-length': String(Buffer.byteLength(body)),
        });
        res.end(body);
        return;
      }
      case 'redirect': {
        const location = `${mode.location.replace(/\/+$/, '')}${url.pathname}${url.search}`;
        res.writeHead(mode.status, { location, 'content-type': 'text/plain', 'content-length': '0' });
        res.end();
        return;
      }
      case 'drip': {
        res.writeHead(200, { 'content-type': 'application/json' });
        if (mode.prefix) await write(res, rec, mode.prefix);
        await new Promise<void>((resolve) => {
          const t = setInterval(() => {
            if (gone()) {
              clearInterval(t);
              timers.delete(t);
              resolve();
              return;
            }
            void write(res, rec, ' ');
          }, mode.intervalMs);
          timers.add(t);
        });
        return;
      }
      case 'keepalive-drip': {
        res.writeHead(200, {
          'content-type': 'text/event-stream',
          'cache-control': 'no-cache',
          connection: 'keep-alive',
        });
        await new Promise<void>((resolve) => {
          const t = setInterval(() => {
            if (gone()) {
              clearInterval(t);
              timers.delete(t);
              resolve();
              return;
            }
            void write(res, rec, ': keep-alive\n\n');
          }, mode.intervalMs);
          timers.add(t);
        });
        return;
      }
      case 'huge': {
        res.writeHead(mode.status ?? 200, {
          'content-type': mode.contentType,
          'content-length': String(mode.totalBytes),
        });
        await write(res, rec, mode.head);
        // about 64 KiB per write, built once
        const unitBytes = Buffer.byteLength(mode.unit);
        const block = Buffer.from(mode.unit.repeat(Math.max(1, Math.floor(65_536 / unitBytes))));
        while (!gone() && rec.bytesSent < mode.totalBytes) {
          if (rec.bytesSent >= mode.guardBytes) {
            rec.cutByServer = true;
            res.destroy();
            return;
          }
          const left = mode.totalBytes - rec.bytesSent;
          await write(res, rec, left >= block.length ? block : block.subarray(0, left));
        }
        if (!gone()) res.end();
        return;
      }
      case 'utf8-cut': {
        res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
        await write(res, rec, chatEvent({ role: 'assistant', content: '' }));
        // a complete event whose bytes arrive in two reads, split inside 好 (the decoder must carry the partial character)
        const second = Buffer.from(chatEvent({ content: '你好' }));
        const split = second.indexOf(Buffer.from('好')) + 2;
        await write(res, rec, second.subarray(0, split));
        await sleep(30);
        await write(res, rec, second.subarray(split));
        await sleep(30);
        const third = Buffer.from(chatEvent({ content: '世界' }));
        const at = third.indexOf(Buffer.from('世')) + 1; // after the first of the character's three bytes
        await write(res, rec, third.subarray(0, at));
        await sleep(30);
        rec.cutByServer = true;
        if (mode.how === 'reset') res.destroy();
        else res.end();
        return;
      }
      case 'reset-after-finish': {
        res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
        await write(res, rec, chatEvent({ role: 'assistant', content: '' }));
        await write(res, rec, chatEvent({ content: 'Hello' }));
        await write(res, rec, chatEvent({ content: ', world.' }));
        await write(res, rec, chatEvent({}, 'stop'));
        await sleep(30);
        rec.cutByServer = true;
        res.destroy();
        return;
      }
    }
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.destroyed) res.destroy();
    });
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    get mode() {
      return state.mode;
    },
    set mode(m: FaultMode) {
      state.mode = m;
    },
    requests,
    responses,
    clear: () => {
      requests.length = 0;
      responses.length = 0;
    },
    close: () => {
      closing = true;
      for (const t of timers) clearInterval(t);
      timers.clear();
      const done = new Promise<void>((r) => server.close(() => r()));
      for (const s of sockets) s.destroy();
      return done;
    },
  };
}
