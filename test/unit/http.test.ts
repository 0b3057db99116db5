import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { GatewayError } from '../../src/gateway/errors';
import { HttpClient, parseRetryAfter } from '../../src/gateway/http';

/** A scripted loopback server: each request pops the next handler for its path. */
function scriptedServer(): { url: () => string; script: Map<string, Array<(req: http.IncomingMessage, res: http.ServerResponse) => void>>; hits: Map<string, number>; server: http.Server } {
  const script = new Map<string, Array<(req: http.IncomingMessage, res: http.ServerResponse) => void>>();
  const hits = new Map<string, number>();
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    hits.set(path, (hits.get(path) ?? 0) + 1);
    const handler = script.get(path)?.shift();
    if (handler) handler(req, res);
    else {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"ok":true}');
    }
  });
  return { url: () => `http://127.0.0.1:${(server.address() as AddressInfo).port}`, script, hits, server };
}

const status = (code: number, headers: Record<string, string> = {}) => (_req: http.IncomingMessage, res: http.ServerResponse) => {
  res.writeHead(code, { 'content-type': 'application/json', ...headers });
  res.end(`{"detail":"status ${code}"}`);
};

describe('HttpClient', () => {
  const s = scriptedServer();
  const sleeps: number[] = [];
  const fastSleep = (ms: number) => {
    sleeps.push(ms);
    return Promise.resolve();
  };
  before(() => new Promise<void>((r) => s.server.listen(0, '127.0.0.1', r)));
  after(() => {
    s.server.closeAllConnections();
    return new Promise<void>((r) => s.server.close(() => r()));
  });

  it('retries a GET on 429/502/503/504, honouring Retry-After, then succeeds', async () => {
    sleeps.length = 0;
    s.script.set('/retry', [status(429, { 'retry-after': '2' }), status(502), status(503)]);
    const client = new HttpClient({ sleep: fastSleep, retry: { baseDelayMs: 10, maxDelayMs: 40 } });
    const res = await client.request({ method: 'GET', url: `${s.url()}/retry`, operation: 'test' });
    assert.equal(res.status, 200);
    assert.equal(s.hits.get('/retry'), 4);
    assert.equal(sleeps.length, 3);
    assert.ok((sleeps[0] ?? 0) >= 2000, `waited ${sleeps[0]} ms for Retry-After: 2`);
    assert.ok(sleeps.slice(1).every((ms) => ms <= 40), `backoff capped: ${sleeps.join(',')}`);
    await client.dispose();
  });

  it('gives up after the retry budget and returns the last status', async () => {
    s.script.set('/always503', [status(503), status(503), status(503), status(503), status(503)]);
    const client = new HttpClient({ sleep: fastSleep, retry: { maxRetries: 2, baseDelayMs: 1 } });
    const res = await client.request({ method: 'GET', url: `${s.url()}/always503`, operation: 'test' });
    assert.equal(res.status, 503);
    assert.equal(s.hits.get('/always503'), 3);
    await client.dispose();
  });

  it('does not wait for a Retry-After longer than the cap', async () => {
    s.script.set('/longwait', [status(429, { 'retry-after': '3600' })]);
    const client = new HttpClient({ sleep: fastSleep });
    const res = await client.request({ method: 'GET', url: `${s.url()}/longwait`, operation: 'test' });
    assert.equal(res.status, 429);
    assert.equal(res.headers['retry-after'], '3600');
    assert.equal(s.hits.get('/longwait'), 1);
    await client.dispose();
  });

  it('never retries POST, PUT or DELETE on its own', async () => {
    for (const method of ['POST', 'PUT', 'DELETE'] as const) {
      const path = `/write-${method}`;
      s.script.set(path, [status(503), status(503)]);
      const client = new HttpClient({ sleep: fastSleep });
      const res = await client.request({ method, url: `${s.url()}${path}`, json: { a: 1 }, operation: 'test' });
      assert.equal(res.status, 503);
      assert.equal(s.hits.get(path), 1, method);
      await client.dispose();
    }
  });

  it('maps a headers timeout to kind timeout', async () => {
    s.script.set('/slow', [(_req, res) => setTimeout(() => { res.writeHead(200); res.end('{}'); }, 1500)]);
    const client = new HttpClient({ timeouts: { headersMs: 200 } });
    await assert.rejects(client.request({ method: 'GET', url: `${s.url()}/slow`, operation: 'slow call' }), (e: unknown) => {
      assert.ok(e instanceof GatewayError);
      assert.equal(e.kind, 'timeout');
      assert.equal(e.operation, 'slow call');
      return true;
    });
    await client.dispose();
  });

  it('maps a body that stalls to kind timeout', async () => {
    s.script.set('/stall', [(_req, res) => { res.writeHead(200, { 'content-type': 'application/json' }); res.write('{"a":'); }]);
    const client = new HttpClient({ timeouts: { bodyMs: 200 } });
    await assert.rejects(client.request({ method: 'GET', url: `${s.url()}/stall`, operation: 'stall' }), (e: unknown) => e instanceof GatewayError && e.kind === 'timeout');
    await client.dispose();
  });

  it('aborts at once when the caller’s signal fires', async () => {
    s.script.set('/hang', [() => undefined]);
    const client = new HttpClient();
    const ac = new AbortController();
    const started = Date.now();
    setTimeout(() => ac.abort(), 100);
    await assert.rejects(client.request({ method: 'GET', url: `${s.url()}/hang`, signal: ac.signal, operation: 'hang' }), (e: unknown) => e instanceof GatewayError && e.kind === 'aborted');
    assert.ok(Date.now() - started < 5000);
    await client.dispose();
  });

  it('maps a refused connection and a reset socket to kind network', async () => {
    const closed = net.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const client = new HttpClient();
    await assert.rejects(client.request({ method: 'GET', url: `http://127.0.0.1:${port}/`, operation: 'refused' }), (e: unknown) => e instanceof GatewayError && e.kind === 'network');
    s.script.set('/reset', [(req) => req.socket.destroy()]);
    await assert.rejects(client.request({ method: 'POST', url: `${s.url()}/reset`, json: {}, operation: 'reset' }), (e: unknown) => e instanceof GatewayError && e.kind === 'network');
    await client.dispose();
  });

  it('rejects URLs that are not http(s)', async () => {
    const client = new HttpClient();
    await assert.rejects(client.request({ method: 'GET', url: 'file:///etc/passwd', operation: 'x' }), /Unsupported URL scheme/);
  });

  it('sends JSON bodies and query parameters', async () => {
    let seen: { url?: string; body?: string; type?: string } = {};
    s.script.set('/echo', [(req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        seen = { url: req.url, body, type: req.headers['content-type'] };
        res.end('{}');
      });
    }]);
    const client = new HttpClient({ userAgent: 'agc-test' });
    await client.request({ method: 'POST', url: `${s.url()}/echo`, query: { p: 0, q: 'a b', skip: undefined }, json: { name: '你好' }, operation: 'echo' });
    assert.equal(seen.url, '/echo?p=0&q=a+b');
    assert.equal(seen.body, '{"name":"你好"}');
    assert.equal(seen.type, 'application/json');
    await client.dispose();
  });

  it('goes through the configured proxy (CONNECT), and bypasses it for loopback by default', async () => {
    const tunnels: string[] = [];
    const proxy = http.createServer((_req, res) => { res.writeHead(405); res.end(); });
    proxy.on('connect', (req: http.IncomingMessage, clientSocket: net.Socket, head: Buffer) => {
      tunnels.push(req.url ?? '');
      const [host, port] = (req.url ?? '').split(':');
      const upstream = net.connect(Number(port), host, () => {
        clientSocket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.write(head);
        upstream.pipe(clientSocket);
        clientSocket.pipe(upstream);
      });
      upstream.on('error', () => clientSocket.destroy());
      clientSocket.on('error', () => upstream.destroy());
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    const proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    try {
      const via = new HttpClient({ proxy: { url: proxyUrl, strictSSL: true, bypassLoopback: false } });
      const res = await via.request({ method: 'GET', url: `${s.url()}/proxied`, operation: 'proxied' });
      assert.equal(res.status, 200);
      assert.equal(tunnels.length, 1);
      assert.equal(tunnels[0], new URL(s.url()).host);
      await via.dispose();
      const direct = new HttpClient({ proxy: { url: proxyUrl, strictSSL: true } });
      await direct.request({ method: 'GET', url: `${s.url()}/direct`, operation: 'direct' });
      assert.equal(tunnels.length, 1, 'loopback must bypass the proxy');
      await direct.dispose();
    } finally {
      proxy.closeAllConnections();
      await new Promise<void>((r) => proxy.close(() => r()));
    }
  });

  it('parses Retry-After as seconds or as an HTTP date', () => {
    assert.equal(parseRetryAfter('3'), 3000);
    assert.equal(parseRetryAfter('Wed, 21 Oct 2015 07:28:10 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT')), 10_000);
    assert.equal(parseRetryAfter('soon'), undefined);
    assert.equal(parseRetryAfter(undefined), undefined);
  });
});
