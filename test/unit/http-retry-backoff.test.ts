/**
 * When the HTTP client tries a call again, and how long it waits: only reads (or a call that asks for it), only on
 * 429/502/503/504 or the caller's own rule, at most maxRetries times; the backoff doubles from baseDelayMs up to
 * maxDelayMs with jitter in its upper half; a Retry-After is waited for up to maxRetryAfterMs, within the total
 * waiting budget and the call's deadline — every boundary inclusive as documented. The jitter is pinned by stubbing
 * Math.random, and the sleeps are recorded instead of slept.
 */
import { after, before, describe, it, mock } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { GatewayError } from '../../src/gateway/errors';
import { HttpClient } from '../../src/gateway/http';
import type { HttpClientOptions } from '../../src/gateway/httpTypes';

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

const reply =
  (code: number, headers: Record<string, string> = {}, body = `{"detail":"status ${code}"}`): Handler =>
  (_req, res) => {
    res.writeHead(code, { 'content-type': 'application/json', ...headers });
    res.end(body);
  };

describe('HttpClient retries', () => {
  const script = new Map<string, Handler[]>();
  const hits = new Map<string, number>();
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    hits.set(path, (hits.get(path) ?? 0) + 1);
    const h = script.get(path)?.shift();
    if (h) h(req, res);
    else reply(200, {}, '{"ok":true}')(req, res);
  });
  const url = (path: string) => `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`;
  before(() => new Promise<void>((r) => server.listen(0, '127.0.0.1', r)));
  after(() => {
    server.closeAllConnections();
    return new Promise<void>((r) => server.close(() => r()));
  });

  /** A client whose sleeps are recorded, with a log of its info lines. */
  function client(options: HttpClientOptions = {}) {
    const sleeps: number[] = [];
    const lines: string[] = [];
    const c = new HttpClient({
      sleep: (ms) => {
        sleeps.push(ms);
        return Promise.resolve();
      },
      log: (level, m) => lines.push(`${level} ${m}`),
      ...options,
    });
    return { c, sleeps, lines };
  }

  let n = 0;
  /** A fresh path scripted with these handlers. */
  function path(...handlers: Handler[]): string {
    const p = `/r${++n}`;
    script.set(p, handlers);
    return p;
  }

  it('the backoff doubles from its base up to its cap; the jitter is in the upper half of each step', async () => {
    const random = mock.method(Math, 'random', () => 0.5);
    try {
      const { c, sleeps } = client({
        retry: { maxRetries: 5, baseDelayMs: 100, maxDelayMs: 300, maxTotalWaitMs: 60_000 },
      });
      const p = path(reply(503), reply(503), reply(503), reply(503), reply(503));
      const res = await c.request({ method: 'GET', url: url(p), operation: 'read' });
      assert.equal(res.status, 200);
      // 100, 200, 300 (capped), 300, 300 — each × (1/2 + 0.5 × 1/2)
      assert.deepEqual(sleeps, [75, 150, 225, 225, 225]);
      await c.dispose();
    } finally {
      random.mock.restore();
    }
    const low = mock.method(Math, 'random', () => 0);
    try {
      const { c, sleeps } = client({ retry: { maxRetries: 2, baseDelayMs: 100, maxDelayMs: 1000 } });
      await c.request({ method: 'GET', url: url(path(reply(502), reply(504))), operation: 'read' });
      assert.deepEqual(sleeps, [50, 100], 'half of each step at the least');
      await c.dispose();
    } finally {
      low.mock.restore();
    }
  });

  it('retries 429, 502, 503 and 504 only; any other status is returned at once', async () => {
    for (const code of [429, 502, 503, 504]) {
      const { c, sleeps } = client({ retry: { baseDelayMs: 1 } });
      const p = path(reply(code));
      const res = await c.request({ method: 'GET', url: url(p), operation: 'read' });
      assert.equal(res.status, 200, String(code));
      assert.equal(hits.get(p), 2, String(code));
      assert.equal(sleeps.length, 1);
      await c.dispose();
    }
    for (const code of [400, 401, 404, 409, 500, 501, 505]) {
      const { c, sleeps } = client({ retry: { baseDelayMs: 1 } });
      const p = path(reply(code));
      const res = await c.request({ method: 'GET', url: url(p), operation: 'read' });
      assert.equal(res.status, code);
      assert.equal(hits.get(p), 1, String(code));
      assert.deepEqual(sleeps, []);
      await c.dispose();
    }
  });

  it('at most maxRetries retries: none with 0, exactly 1 with 1', async () => {
    const none = client({ retry: { maxRetries: 0 } });
    const p0 = path(reply(503), reply(503));
    assert.equal((await none.c.request({ method: 'GET', url: url(p0), operation: 'read' })).status, 503);
    assert.equal(hits.get(p0), 1);
    assert.deepEqual(none.sleeps, []);
    await none.c.dispose();
    const one = client({ retry: { maxRetries: 1, baseDelayMs: 1 } });
    const p1 = path(reply(503), reply(503), reply(503));
    assert.equal((await one.c.request({ method: 'GET', url: url(p1), operation: 'read' })).status, 503);
    assert.equal(hits.get(p1), 2);
    assert.equal(one.sleeps.length, 1);
    await one.c.dispose();
  });

  it('a write is retried only when the call asks for it; a read not when it opts out', async () => {
    const { c } = client({ retry: { baseDelayMs: 1 } });
    const post = path(reply(503));
    assert.equal(
      (await c.request({ method: 'POST', url: url(post), json: {}, retry: true, operation: 'w' })).status,
      200,
    );
    assert.equal(hits.get(post), 2);
    const get = path(reply(503));
    assert.equal((await c.request({ method: 'GET', url: url(get), retry: false, operation: 'r' })).status, 503);
    assert.equal(hits.get(get), 1);
    const patch = path(reply(503));
    assert.equal((await c.request({ method: 'PATCH', url: url(patch), json: {}, operation: 'w' })).status, 503);
    assert.equal(hits.get(patch), 1);
    await c.dispose();
  });

  it("the caller's own rule retries another status, and sees the status, headers and text", async () => {
    const seen: Array<{ status: number; header: string | undefined; text: string }> = [];
    const { c } = client({ retry: { baseDelayMs: 1 } });
    const p = path(reply(400, { 'x-why': 'busy' }, '{"code":"try_again"}'), reply(400, {}, '{"code":"final"}'));
    const res = await c.request({
      method: 'GET',
      url: url(p),
      operation: 'r',
      retryWhen: ({ status, headers, text }) => {
        seen.push({ status, header: headers['x-why'], text });
        return text.includes('try_again');
      },
    });
    assert.equal(res.status, 400);
    assert.equal(res.text, '{"code":"final"}');
    assert.equal(hits.get(p), 2);
    assert.deepEqual(seen, [
      { status: 400, header: 'busy', text: '{"code":"try_again"}' },
      { status: 400, header: undefined, text: '{"code":"final"}' },
    ]);
    // a rule does not make a write retryable
    const w = path(reply(400, {}, 'try_again'));
    await c.request({ method: 'POST', url: url(w), json: {}, operation: 'w', retryWhen: () => true });
    assert.equal(hits.get(w), 1);
    await c.dispose();
  });

  it('a Retry-After longer than the backoff is waited for; one up to maxRetryAfterMs inclusive', async () => {
    const random = mock.method(Math, 'random', () => 0);
    try {
      const { c, sleeps } = client({ retry: { baseDelayMs: 100, maxRetryAfterMs: 2000 } });
      const p = path(reply(429, { 'retry-after': '2' }), reply(429, { 'retry-after': '0' }));
      const res = await c.request({ method: 'GET', url: url(p), operation: 'read' });
      assert.equal(res.status, 200);
      // 2 s (the server's) beats 50 ms; then 0 s loses to the 100 ms backoff
      assert.deepEqual(sleeps, [2000, 100]);
      await c.dispose();
      const over = client({ retry: { baseDelayMs: 100, maxRetryAfterMs: 1999 } });
      const q = path(reply(429, { 'retry-after': '2' }));
      const r2 = await over.c.request({ method: 'GET', url: url(q), operation: 'read' });
      assert.equal(r2.status, 429);
      assert.equal(r2.retryAfterMs, 2000);
      assert.deepEqual(over.sleeps, []);
      await over.c.dispose();
    } finally {
      random.mock.restore();
    }
  });

  it('the waits add up to maxTotalWaitMs at most (inclusive)', async () => {
    const random = mock.method(Math, 'random', () => 0.5);
    try {
      // waits 75, 150, 300…: 75 + 150 = 225 fits a budget of 225, the next does not
      const { c, sleeps } = client({
        retry: { maxRetries: 5, baseDelayMs: 100, maxDelayMs: 10_000, maxTotalWaitMs: 225 },
      });
      const p = path(reply(503), reply(503), reply(503), reply(503));
      const res = await c.request({ method: 'GET', url: url(p), operation: 'read' });
      assert.equal(res.status, 503);
      assert.deepEqual(sleeps, [75, 150]);
      assert.equal(hits.get(p), 3);
      await c.dispose();
      const tight = client({ retry: { maxRetries: 5, baseDelayMs: 100, maxDelayMs: 10_000, maxTotalWaitMs: 224 } });
      const q = path(reply(503), reply(503), reply(503));
      await tight.c.request({ method: 'GET', url: url(q), operation: 'read' });
      assert.deepEqual(tight.sleeps, [75]);
      await tight.c.dispose();
    } finally {
      random.mock.restore();
    }
  });

  it('no wait that would pass the call’s deadline', async () => {
    const { c, sleeps, lines } = client({
      timeouts: { totalMs: 1500 },
      retry: { maxRetryAfterMs: 60_000, maxTotalWaitMs: 60_000 },
    });
    const p = path(reply(503, { 'retry-after': '2' }));
    const res = await c.request({ method: 'GET', url: url(p), operation: 'read keys' });
    assert.equal(res.status, 503);
    assert.deepEqual(sleeps, []);
    assert.equal(hits.get(p), 1);
    assert.ok(
      lines.includes('info read keys: HTTP 503, not retried (Retry-After 2 s): waiting would pass the retry budget'),
      lines.join('\n'),
    );
    await c.dispose();
  });

  it('a wait that would end exactly at the deadline is not taken (the clock held still)', async () => {
    mock.timers.enable({ apis: ['Date'], now: 1_000_000 });
    try {
      const { c, sleeps } = client({
        timeouts: { totalMs: 2000 },
        retry: { maxRetryAfterMs: 60_000, maxTotalWaitMs: 60_000 },
      });
      const p = path(reply(503, { 'retry-after': '2' }), reply(503, { 'retry-after': '1' }));
      const res = await c.request({ method: 'GET', url: url(p), operation: 'read' });
      assert.equal(res.status, 503);
      assert.deepEqual(sleeps, []);
      assert.equal(hits.get(p), 1);
      await c.dispose();
      const { c: c2, sleeps: s2 } = client({
        timeouts: { totalMs: 2001 },
        retry: { maxRetryAfterMs: 60_000, maxTotalWaitMs: 60_000 },
      });
      const q = path(reply(503, { 'retry-after': '2' }));
      assert.equal((await c2.request({ method: 'GET', url: url(q), operation: 'read' })).status, 200);
      assert.deepEqual(s2, [2000]);
      await c2.dispose();
    } finally {
      mock.timers.reset();
    }
  });

  it('says in its log each retry and each refusal to retry', async () => {
    const random = mock.method(Math, 'random', () => 0);
    try {
      const { c, lines } = client({ retry: { maxRetries: 2, baseDelayMs: 100, maxTotalWaitMs: 100 } });
      const p = path(reply(502), reply(503));
      await c.request({ method: 'GET', url: url(p), operation: 'list keys' });
      const info = lines.filter((l) => l.startsWith('info '));
      assert.deepEqual(info, [
        'info list keys: HTTP 502, retry 1/2 in 50 ms',
        'info list keys: HTTP 503, not retried: waiting would pass the retry budget',
      ]);
      const debug = lines.filter((l) => l.startsWith('debug '));
      assert.equal(debug.length, 2);
      for (const [i, code] of [502, 503].entries()) {
        const m = new RegExp(`^debug GET ${p} → ${code} in (\\d+) ms$`).exec(debug[i] ?? '');
        assert.ok(m && Number(m[1]) < 60_000, debug.join('\n'));
      }
      await c.dispose();
    } finally {
      random.mock.restore();
    }
  });

  it('an abort while waiting ends the call as aborted, without another attempt', async () => {
    const ac = new AbortController();
    const c = new HttpClient({
      retry: { baseDelayMs: 1 },
      sleep: () => {
        ac.abort();
        return Promise.reject(new DOMException('The operation was aborted', 'AbortError'));
      },
    });
    const p = path(reply(503), reply(503));
    await assert.rejects(
      c.request({ method: 'GET', url: url(p), operation: 'read', signal: ac.signal }),
      (e: unknown) => {
        assert.ok(e instanceof GatewayError);
        assert.equal(e.kind, 'aborted');
        assert.equal(e.operation, 'read');
        return true;
      },
    );
    assert.equal(hits.get(p), 1);
    await c.dispose();
  });

  it('the answer carries retryAfterMs and truncated only when they apply', async () => {
    const { c } = client({ retry: { maxRetries: 0 } });
    const plain = await c.request({ method: 'GET', url: url(path(reply(200))), operation: 'r' });
    assert.deepEqual(Object.keys(plain).sort(), ['headers', 'status', 'text']);
    const later = await c.request({
      method: 'GET',
      url: url(path(reply(429, { 'retry-after': '5' }))),
      operation: 'r',
    });
    assert.equal(later.retryAfterMs, 5000);
    assert.equal('truncated' in later, false);
    await c.dispose();
  });
});
