/**
 * Every call gives its deadline back when it ends, however it ends: a read answer, an error status, a body cut by
 * the server, a stream read to its end, read as text, closed early, or broken mid-way. A deadline left armed keeps
 * the call's body and the shared sweep alive until the deadline passes (a minute or more for each call).
 */
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpClient } from '../../src/gateway/http';
import { armedDeadlines } from '../../src/gateway/httpDeadline';
import { rejectionOf as refused } from './gateway-error-fixtures';

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

describe('a call’s deadline is released when the call ends', () => {
  const script = new Map<string, Handler>();
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => script.get(req.url ?? '/')?.(req, res));
  });
  const base = () => `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  before(() => new Promise<void>((r) => server.listen(0, '127.0.0.1', r)));
  after(() => {
    server.closeAllConnections();
    return new Promise<void>((r) => server.close(() => r()));
  });
  const client = new HttpClient({ retry: { maxRetries: 0 } });
  after(() => client.dispose());
  beforeEach(() => assert.equal(armedDeadlines(), 0, 'no deadline left by an earlier case'));

  const json =
    (status: number, body: string): Handler =>
    (_req, res) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(body);
    };
  /** Headers and a first piece, then the connection is cut. */
  const cut: Handler = (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write('data: {"a":');
    setTimeout(() => res.destroy(), 20);
  };
  const events: Handler = (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write('data: 1\n\n');
    res.end('data: [DONE]\n\n');
  };

  it('a request answered: a success, an error status', async () => {
    script.set('/ok', json(200, '{"ok":true}'));
    assert.equal((await client.request({ method: 'GET', url: `${base()}/ok`, operation: 'ok' })).text, '{"ok":true}');
    assert.equal(armedDeadlines(), 0);
    script.set('/bad', json(400, '{"error":"no"}'));
    const bad = await client.request({ method: 'POST', url: `${base()}/bad`, json: {}, operation: 'bad' });
    assert.equal(bad.status, 400);
    assert.equal(armedDeadlines(), 0);
  });

  it('a request whose body the server cuts', async () => {
    script.set('/cut', cut);
    const e = await refused(client.request({ method: 'GET', url: `${base()}/cut`, operation: 'cut' }));
    assert.equal(e.kind, 'network');
    assert.equal(armedDeadlines(), 0);
  });

  it('a stream read to its end, and one read as text', async () => {
    script.set('/events', events);
    const s = await client.stream({ method: 'POST', url: `${base()}/events`, json: {}, operation: 'chat' });
    assert.equal(armedDeadlines(), 1, 'armed while the body is read');
    let text = '';
    for await (const chunk of s.body) text += Buffer.from(chunk).toString();
    assert.equal(text, 'data: 1\n\ndata: [DONE]\n\n');
    assert.equal(armedDeadlines(), 0);
    const t = await client.stream({ method: 'POST', url: `${base()}/events`, json: {}, operation: 'chat' });
    assert.equal(await t.text(), 'data: 1\n\ndata: [DONE]\n\n');
    assert.equal(armedDeadlines(), 0);
  });

  it('a stream closed before its end', async () => {
    script.set('/events', events);
    const s = await client.stream({ method: 'POST', url: `${base()}/events`, json: {}, operation: 'chat' });
    assert.equal(armedDeadlines(), 1);
    s.close();
    assert.equal(armedDeadlines(), 0);
  });

  it('a stream broken mid-way, read by events and as text', async () => {
    script.set('/cut', cut);
    const s = await client.stream({ method: 'POST', url: `${base()}/cut`, json: {}, operation: 'chat' });
    const e = await refused(
      (async () => {
        for await (const chunk of s.body) assert.ok(chunk.byteLength > 0);
      })(),
    );
    assert.equal(e.kind, 'network');
    assert.equal(armedDeadlines(), 0);
    const t = await client.stream({ method: 'POST', url: `${base()}/cut`, json: {}, operation: 'chat' });
    assert.equal((await refused(t.text())).kind, 'network');
    assert.equal(armedDeadlines(), 0);
  });
});
