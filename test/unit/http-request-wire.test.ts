/**
 * What the HTTP client sends and what it hands back, on the wire of a loopback server: the URL (scheme checked, query
 * added), the headers (accept, the caller's own, user-agent, content-type only with a body; the stream's accept),
 * the response headers flattened, the size caps at their exact boundaries (a success up to jsonBytes, an error body
 * cut at errorBytes, a declared Content-Length), a disposed client, and what a stream answer offers.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { forgetSecret, redact } from '../../src/core/redact';
import { HttpClient } from '../../src/gateway/http';
import { rejectionOf as refused } from './gateway-error-fixtures';

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

describe('HttpClient on the wire', () => {
  const script = new Map<string, Handler>();
  const seen: Array<{
    url: string | undefined;
    method: string | undefined;
    headers: http.IncomingHttpHeaders;
    body: string;
  }> = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      seen.push({ url: req.url, method: req.method, headers: req.headers, body });
      const h = script.get((req.url ?? '/').split('?')[0] ?? '/');
      if (h) h(req, res);
      else {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{}');
      }
    });
  });
  const base = () => `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  before(() => new Promise<void>((r) => server.listen(0, '127.0.0.1', r)));
  after(() => {
    server.closeAllConnections();
    return new Promise<void>((r) => server.close(() => r()));
  });
  const last = () => seen[seen.length - 1]!;

  /** A body written in pieces (chunked, no Content-Length). */
  const chunked =
    (status: number, ...parts: string[]): Handler =>
    (_req, res) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      for (const p of parts) res.write(p);
      res.end();
    };

  it('a URL that does not parse, or is not http(s), is refused as network with the gateway and operation', async () => {
    const c = new HttpClient({ gateway: 'AIone' });
    const bad = await refused(c.request({ method: 'GET', url: 'not a url', operation: 'list keys' }));
    assert.equal(bad.kind, 'network');
    assert.equal(bad.message, 'Invalid URL: not a url');
    assert.equal(bad.gateway, 'AIone');
    assert.equal(bad.operation, 'list keys');
    assert.ok(bad.cause instanceof Error);
    const ftp = await refused(c.request({ method: 'GET', url: 'ftp://example.com/x', operation: 'get key' }));
    assert.equal(ftp.kind, 'network');
    assert.equal(ftp.message, 'Unsupported URL scheme: ftp:');
    assert.equal(ftp.gateway, 'AIone');
    assert.equal(ftp.operation, 'get key');
    const s = await refused(c.stream({ method: 'POST', url: 'ws://example.com/x', operation: 'chat' }));
    assert.equal(s.message, 'Unsupported URL scheme: ws:');
    await c.dispose();
  });

  it('the query: every defined value as text, the URL’s own parameters kept or replaced', async () => {
    const c = new HttpClient();
    await c.request({
      method: 'GET',
      url: `${base()}/q?keep=1&p=old`,
      query: { p: 2, on: true, off: false, zero: 0, none: undefined },
      operation: 'q',
    });
    assert.equal(last().url, '/q?keep=1&p=2&on=true&off=false&zero=0');
    await c.dispose();
  });

  it('headers: accept JSON unless the caller says otherwise, its headers sent, content-type only with a body', async () => {
    const c = new HttpClient({ userAgent: 'agc/1.2' });
    await c.request({ method: 'GET', url: `${base()}/h1`, headers: { 'x-extra': 'yes' }, operation: 'h' });
    assert.equal(last().headers.accept, 'application/json');
    assert.equal(last().headers['x-extra'], 'yes');
    assert.equal(last().headers['user-agent'], 'agc/1.2');
    assert.equal(last().headers['content-type'], undefined);
    assert.equal(last().method, 'GET');
    assert.equal(last().body, '');
    await c.request({ method: 'DELETE', url: `${base()}/h2`, headers: { accept: 'text/csv' }, operation: 'h' });
    assert.equal(last().headers.accept, 'text/csv');
    assert.equal(last().method, 'DELETE');
    await c.request({ method: 'PUT', url: `${base()}/h3`, json: null, operation: 'h' });
    assert.equal(last().headers['content-type'], 'application/json');
    assert.equal(last().body, 'null');
    await c.dispose();
    const plain = new HttpClient();
    await plain.request({ method: 'GET', url: `${base()}/h4`, operation: 'h' });
    assert.notEqual(last().headers['user-agent'], 'agc/1.2');
    await plain.dispose();
  });

  it('response headers: lower-case names, a repeated header joined with commas', async () => {
    script.set('/multi', (_req, res) => {
      res.setHeader('Set-Cookie', ['a=1', 'b=2']);
      res.setHeader('X-Request-Id', 'req-9');
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{}');
    });
    const c = new HttpClient();
    const res = await c.request({ method: 'GET', url: `${base()}/multi`, operation: 'm' });
    assert.equal(res.headers['set-cookie'], 'a=1, b=2');
    assert.equal(res.headers['x-request-id'], 'req-9');
    await c.dispose();
  });

  it('a success up to jsonBytes is read whole; one byte more is too large (chunked and declared)', async () => {
    const c = new HttpClient({ limits: { jsonBytes: 10, errorBytes: 4 }, retry: { maxRetries: 0 } });
    script.set('/ten', chunked(200, '"abc', 'defg"', '1'));
    const ten = await c.request({ method: 'GET', url: `${base()}/ten`, operation: 'ten' });
    assert.equal(ten.text, '"abcdefg"1');
    assert.equal('truncated' in ten, false);
    script.set('/eleven', chunked(200, '"abc', 'defgh"', '1'));
    const e = await refused(c.request({ method: 'GET', url: `${base()}/eleven`, operation: 'eleven' }));
    assert.equal(e.kind, 'bad-response');
    assert.equal(e.code, 'too-large');
    script.set('/declared-ten', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '10' });
      res.end('0123456789');
    });
    assert.equal(
      (await c.request({ method: 'GET', url: `${base()}/declared-ten`, operation: 'd' })).text,
      '0123456789',
    );
    script.set('/declared-eleven', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '11' });
      res.end('01234567890');
    });
    const d = await refused(c.request({ method: 'GET', url: `${base()}/declared-eleven`, operation: 'd' }));
    assert.equal(d.code, 'too-large');
    // the 2xx range ends at 299: a 299 is a success, under the JSON cap
    script.set('/s299', chunked(299, '0123456789'));
    assert.equal((await c.request({ method: 'GET', url: `${base()}/s299`, operation: 's' })).text, '0123456789');
    await c.dispose();
  });

  it('an error body is cut at errorBytes exactly and marked truncated; one that fits is not', async () => {
    const c = new HttpClient({ limits: { jsonBytes: 10, errorBytes: 4 }, retry: { maxRetries: 0 } });
    const lines: string[] = [];
    const logged = new HttpClient({ limits: { jsonBytes: 10, errorBytes: 4 }, log: (_l, m) => lines.push(m) });
    script.set('/e-long', chunked(404, 'ab', 'cdef', 'gh'));
    const long = await c.request({ method: 'GET', url: `${base()}/e-long`, operation: 'e' });
    assert.equal(long.status, 404);
    assert.equal(long.text, 'abcd');
    assert.equal(long.truncated, true);
    script.set('/e-fit', chunked(400, 'ab', 'cd'));
    const fit = await c.request({ method: 'GET', url: `${base()}/e-fit`, operation: 'e' });
    assert.equal(fit.text, 'abcd');
    assert.equal('truncated' in fit, false);
    // a declared length over the JSON cap does not refuse an error: it is read up to the error cap
    script.set('/e-declared', (_req, res) => {
      res.writeHead(500, { 'content-type': 'text/plain', 'content-length': '20' });
      res.end('01234567890123456789');
    });
    const declared = await logged.request({ method: 'POST', url: `${base()}/e-declared`, operation: 'e' });
    assert.equal(declared.status, 500);
    assert.equal(declared.text, '0123');
    assert.equal(declared.truncated, true);
    const line = /^POST \/e-declared → 500 in (\d+) ms \(error body truncated\)$/.exec(lines.at(-1) ?? '');
    assert.ok(line && Number(line[1]) < 60_000, lines.join('\n'));
    // a 3xx is not a success (the 2xx range ends before 300): its body is under the error cap
    script.set('/s300', chunked(300, '0123456789'));
    const s300 = await c.request({ method: 'GET', url: `${base()}/s300`, operation: 'e' });
    assert.equal(s300.text, '0123');
    assert.equal(s300.truncated, true);
    script.set('/moved', chunked(302, '0123456789'));
    const moved = await c.request({ method: 'GET', url: `${base()}/moved`, operation: 'e' });
    assert.equal(moved.status, 302);
    assert.equal(moved.text, '0123');
    await c.dispose();
    await logged.dispose();
  });

  it('a disposed client refuses every call as aborted', async () => {
    const c = new HttpClient();
    await c.request({ method: 'GET', url: `${base()}/before`, operation: 'x' });
    await c.dispose();
    const count = seen.length;
    for (const call of [
      c.request({ method: 'GET', url: `${base()}/after`, operation: 'read after' }),
      c.stream({ method: 'POST', url: `${base()}/after`, operation: 'read after' }),
    ]) {
      const e = await refused(call);
      assert.equal(e.kind, 'aborted');
      assert.equal(e.message, 'The client was disposed');
      assert.equal(e.operation, 'read after');
    }
    assert.equal(seen.length, count, 'nothing reached the server');
  });

  it('a stream: event-stream accepted, the body sent, status, headers, Retry-After and timeouts handed back', async () => {
    script.set('/stream', (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'retry-after': '3', 'X-Trace-Id': 'tr-1' });
      res.write('data: one\n\n');
      res.end('data: two\n\n');
    });
    const lines: string[] = [];
    const c = new HttpClient({
      userAgent: 'agc/9',
      timeouts: { bodyMs: 1234 },
      log: (l, m) => lines.push(`${l} ${m}`),
    });
    const res = await c.stream({
      method: 'POST',
      url: `${base()}/stream`,
      json: { stream: true },
      headers: { authorization: 'Bearer sk-stream-test-0000000000000000' },
      operation: 'chat',
    });
    assert.equal(last().headers.accept, 'text/event-stream, application/json');
    assert.equal(last().headers['content-type'], 'application/json');
    assert.equal(last().headers['user-agent'], 'agc/9');
    assert.equal(last().body, '{"stream":true}');
    assert.equal(res.status, 200);
    assert.equal(res.headers['x-trace-id'], 'tr-1');
    assert.equal(res.retryAfterMs, 3000);
    assert.equal(res.timeouts.bodyMs, 1234);
    assert.equal(res.timeouts.streamSilenceMs, 5 * 1234);
    let text = '';
    for await (const chunk of res.body) text += Buffer.from(chunk).toString();
    assert.equal(text, 'data: one\n\ndata: two\n\n');
    const logged = /^debug POST \/stream \(stream\) → 200 in (\d+) ms$/.exec(lines.at(-1) ?? '');
    assert.ok(logged && Number(logged[1]) < 60_000, lines.join('\n'));
    await c.dispose();
  });

  it('a stream that answers with an error: its text under the error cap; no Retry-After when none was sent', async () => {
    script.set('/stream-error', chunked(400, '{"error":', '{"message":"bad"}}'));
    const c = new HttpClient({ limits: { jsonBytes: 100, errorBytes: 12 } });
    const res = await c.stream({ method: 'POST', url: `${base()}/stream-error`, json: {}, operation: 'chat' });
    assert.equal(res.status, 400);
    assert.equal('retryAfterMs' in res, false);
    assert.equal(await res.text(), '{"error":{"m');
    await c.dispose();
  });

  it('a stream that is closed early stops reading', async () => {
    let closed = false;
    script.set('/endless', (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const t = setInterval(() => res.write(': ping\n\n'), 10);
      res.on('close', () => {
        closed = true;
        clearInterval(t);
      });
    });
    const c = new HttpClient();
    const res = await c.stream({ method: 'GET', url: `${base()}/endless`, operation: 'chat' });
    res.close();
    for (let i = 0; i < 50 && !closed; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(closed, true);
    await c.dispose();
  });

  it('a stream past its overall deadline says the answer did not finish, from its body and from its text', async () => {
    const drip =
      (status: number): Handler =>
      (_req, res) => {
        res.writeHead(status, { 'content-type': 'text/event-stream' });
        const t = setInterval(() => res.write(': ping\n\n'), 20);
        res.on('close', () => clearInterval(t));
      };
    script.set('/drip-ok', drip(200));
    script.set('/drip-error', drip(500));
    const c = new HttpClient({ timeouts: { bodyMs: 5000, streamTotalMs: 300, streamSilenceMs: 60_000 } });
    const ok = await c.stream({ method: 'GET', url: `${base()}/drip-ok`, operation: 'chat' });
    const fromBody = await refused(
      (async () => {
        for await (const _ of ok.body) void _;
      })(),
    );
    assert.equal(fromBody.kind, 'timeout');
    assert.equal(fromBody.code, 'deadline');
    assert.equal(fromBody.message, 'The answer did not finish within 300 ms');
    const bad = await c.stream({ method: 'GET', url: `${base()}/drip-error`, operation: 'chat' });
    const fromText = await refused(bad.text());
    assert.equal(fromText.message, 'The answer did not finish within 300 ms');
    await c.dispose();
  });

  it('logs a failed call and a failed stream with the time it took', async () => {
    const lines: string[] = [];
    const c = new HttpClient({ log: (l, m) => lines.push(`${l} ${m}`) });
    const t0 = Date.now();
    await refused(c.request({ method: 'GET', url: 'http://127.0.0.1:1/gone', operation: 'x' }));
    await refused(c.stream({ method: 'POST', url: 'http://127.0.0.1:1/gone', operation: 'x' }));
    const elapsed = Date.now() - t0;
    const [a, b] = lines;
    const ma = /^debug GET \/gone failed after (\d+) ms: network /.exec(a ?? '');
    const mb = /^debug POST \/gone \(stream\) failed after (\d+) ms: network /.exec(b ?? '');
    assert.ok(ma && mb, lines.join('\n'));
    assert.ok(Number(ma[1]) <= elapsed && Number(mb[1]) <= elapsed, lines.join('\n'));
    await c.dispose();
  });

  it('the timeouts in use: the defaults, and the overall deadline as the sum of the phases unless given', () => {
    const d = new HttpClient().timeoutsInUse;
    assert.deepEqual(d, {
      connectMs: 10_000,
      headersMs: 30_000,
      bodyMs: 60_000,
      totalMs: 100_000,
      streamTotalMs: 30 * 60_000,
      streamSilenceMs: 300_000,
    });
    const t = new HttpClient({
      timeouts: { connectMs: 1, headersMs: 2, bodyMs: 3, totalMs: 50, streamTotalMs: 60, streamSilenceMs: 70 },
    });
    assert.deepEqual(t.timeoutsInUse, {
      connectMs: 1,
      headersMs: 2,
      bodyMs: 3,
      totalMs: 50,
      streamTotalMs: 60,
      streamSilenceMs: 70,
    });
    assert.equal(new HttpClient({ gateway: 'AIHubMix' }).gatewayLabel, 'AIHubMix');
  });
});

describe('HttpClient: the credentials it sends become known secrets', () => {
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{}');
  });
  const base = () => `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  before(() => new Promise<void>((r) => server.listen(0, '127.0.0.1', r)));
  after(() => {
    server.closeAllConnections();
    return new Promise<void>((r) => server.close(() => r()));
  });

  /** Sends one request with these headers; returns what redaction then makes of each probe. */
  async function afterSending(headers: Record<string, string>, probes: readonly string[]): Promise<string[]> {
    const c = new HttpClient();
    try {
      await c.request({ method: 'GET', url: `${base()}/x`, headers, operation: 'x' });
      return probes.map((p) => redact(`echo ${p} end`));
    } finally {
      await c.dispose();
      for (const v of [...Object.values(headers), ...probes]) forgetSecret(v);
    }
  }

  it('the value of each credential header, whatever the case of its name', async () => {
    for (const name of ['Authorization', 'x-api-key', 'API-Key', 'x-goog-api-key']) {
      const value = `rawletters${name.replace(/[^a-z]/gi, '').toLowerCase()}`;
      const [seen] = await afterSending({ [name]: value }, [value]);
      assert.ok(!seen?.includes(value), `${name}: ${seen}`);
    }
  });

  it('the credential of a "Scheme credential" value on its own, whatever the spaces around it', async () => {
    const rows: ReadonlyArray<readonly [string, string]> = [
      ['Bearer onlylettersbearer', 'onlylettersbearer'],
      ['Token  twospacesletters', 'twospacesletters'],
      ['  Basic paddedletters  ', 'paddedletters'],
      ['x-Key.v1+b/c~d_e schemecharsletters', 'schemecharsletters'],
    ];
    for (const [value, credential] of rows) {
      const [seen] = await afterSending({ authorization: value }, [credential]);
      assert.equal(seen, 'echo *** end', `${JSON.stringify(value)} → ${seen}`);
    }
  });

  it('a value that is not "Scheme credential" keeps its words unknown; other headers are never secrets', async () => {
    const [tail, second, digit] = await afterSending({ authorization: 'Scheme wordone wordtwo' }, [
      'wordtwo',
      'wordone',
      'lettersafterdigit',
    ]);
    assert.equal(tail, 'echo wordtwo end');
    assert.equal(second, 'echo wordone end');
    assert.equal(digit, 'echo lettersafterdigit end');
    const [d] = await afterSending({ 'x-api-key': '1abc lettersafterdigit' }, ['lettersafterdigit']);
    assert.equal(d, 'echo lettersafterdigit end', 'a scheme starts with a letter');
    const [plain] = await afterSending({ 'x-extra': 'visibleheadervalue' }, ['visibleheadervalue']);
    assert.equal(plain, 'echo visibleheadervalue end');
  });

  it('the credentials of its proxy settings, from its construction on', () => {
    const password = 'proxypasswordletters';
    const c = new HttpClient({ proxy: { url: `http://bob:${password}@proxy.corp:3128`, env: {} } });
    try {
      assert.ok(!redact(`echo ${password} end`).includes(password));
    } finally {
      forgetSecret(password);
      forgetSecret(`bob:${password}`);
      forgetSecret(Buffer.from(`bob:${password}`).toString('base64'));
      void c.dispose();
    }
  });
});
