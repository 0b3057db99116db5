/**
 * A scripted stand-in for the HttpClient, for tests of what an adapter sends and what it makes of an answer,
 * without sockets: every request is recorded, and the reply is chosen by method + path (a function of the request,
 * or a fixed answer). A request with no scripted reply fails the test.
 */
import { HttpClient } from '../../src/gateway/http';
import type { HttpRequest, HttpResponse, HttpStreamResponse } from '../../src/gateway/httpTypes';

export interface Reply {
  readonly status?: number;
  /** Serialised as JSON unless `text` is given. */
  readonly json?: unknown;
  readonly text?: string;
  readonly headers?: Record<string, string>;
}

export type Script = Record<string, Reply | ((req: HttpRequest, url: URL) => Reply)>;

export interface Scripted {
  readonly http: HttpClient;
  /** Every request made, in order, with its parsed URL. */
  readonly sent: Array<HttpRequest & { readonly path: string; readonly search: URLSearchParams }>;
  /** Replaces or adds replies. */
  script(more: Script): void;
}

export function scripted(initial: Script = {}, label = 'G'): Scripted {
  const replies: Script = { ...initial };
  const sent: Scripted['sent'] = [];
  const answer = (req: HttpRequest): HttpResponse => {
    const url = new URL(req.url);
    // the query the client would put on the URL
    for (const [k, v] of Object.entries(req.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    sent.push({ ...req, path: url.pathname, search: url.searchParams });
    const r = replies[`${req.method} ${url.pathname}`];
    if (!r) throw new Error(`no scripted reply for ${req.method} ${url.pathname}`);
    const reply = typeof r === 'function' ? r(req, url) : r;
    return {
      status: reply.status ?? 200,
      headers: reply.headers ?? { 'content-type': 'application/json' },
      text: reply.text ?? (reply.json === undefined ? '' : JSON.stringify(reply.json)),
    };
  };
  // the timeouts a real client would use (nothing is opened by constructing one)
  const timeouts = new HttpClient().timeoutsInUse;
  const http = {
    gatewayLabel: label,
    timeoutsInUse: timeouts,
    request: (req: HttpRequest): Promise<HttpResponse> => Promise.resolve().then(() => answer(req)),
    stream: (req: HttpRequest): Promise<HttpStreamResponse> =>
      Promise.resolve().then(() => {
        const r = answer(req);
        const bytes = new TextEncoder().encode(r.text);
        return {
          status: r.status,
          headers: r.headers,
          body: {
            async *[Symbol.asyncIterator]() {
              yield bytes;
            },
          },
          timeouts,
          text: () => Promise.resolve(r.text),
          close: () => undefined,
        };
      }),
    dispose: () => Promise.resolve(),
  };
  return { http: http as unknown as HttpClient, sent, script: (more) => Object.assign(replies, more) };
}
