import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { forgetSecret, rememberSecret } from '../../src/core/redact';
import { GatewayError } from '../../src/gateway/errors';
import { HttpClient } from '../../src/gateway/http';
import { DEFAULT_LIMITS, parseRetryAfter } from '../../src/gateway/httpTypes';
import { OpenAiCompatible } from '../../src/gateway/openai';

/** A scripted loopback server: each request pops the next handler for its path. */
function scriptedServer(): {
  url: () => string;
  script: Map<string, Array<(req: http.IncomingMessage, res: http.ServerResponse) => void>>;
  hits: Map<string, number>;
  server: http.Server;
} {
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

const status =
  (code: number, headers: Record<string, string> = {}) =>
  (_req: http.IncomingMessage, res: http.ServerResponse) => {
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
    assert.ok(
      sleeps.slice(1).every((ms) => ms <= 40),
      `backoff capped: ${sleeps.join(',')}`,
    );
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
    s.script.set('/slow', [
      (_req, res) =>
        setTimeout(() => {
          res.writeHead(200);
          res.end('{}');
        }, 1500),
    ]);
    const client = new HttpClient({ timeouts: { headersMs: 200 } });
    await assert.rejects(
      client.request({ method: 'GET', url: `${s.url()}/slow`, operation: 'slow call' }),
      (e: unknown) => {
        assert.ok(e instanceof GatewayError);
        assert.equal(e.kind, 'timeout');
        assert.equal(e.operation, 'slow call');
        return true;
      },
    );
    await client.dispose();
  });

  it('maps a body that stalls to kind timeout', async () => {
    s.script.set('/stall', [
      (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"a":');
      },
    ]);
    const client = new HttpClient({ timeouts: { bodyMs: 200 } });
    await assert.rejects(
      client.request({ method: 'GET', url: `${s.url()}/stall`, operation: 'stall' }),
      (e: unknown) => e instanceof GatewayError && e.kind === 'timeout',
    );
    await client.dispose();
  });

  it('aborts at once when the caller’s signal fires', async () => {
    s.script.set('/hang', [() => undefined]);
    const client = new HttpClient();
    const ac = new AbortController();
    const started = Date.now();
    setTimeout(() => ac.abort(), 100);
    await assert.rejects(
      client.request({ method: 'GET', url: `${s.url()}/hang`, signal: ac.signal, operation: 'hang' }),
      (e: unknown) => e instanceof GatewayError && e.kind === 'aborted',
    );
    assert.ok(Date.now() - started < 5000);
    await client.dispose();
  });

  it('maps a refused connection and a reset socket to kind network', async () => {
    const closed = net.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const client = new HttpClient();
    await assert.rejects(
      client.request({ method: 'GET', url: `http://127.0.0.1:${port}/`, operation: 'refused' }),
      (e: unknown) => e instanceof GatewayError && e.kind === 'network',
    );
    s.script.set('/reset', [(req) => req.socket.destroy()]);
    await assert.rejects(
      client.request({ method: 'POST', url: `${s.url()}/reset`, json: {}, operation: 'reset' }),
      (e: unknown) => e instanceof GatewayError && e.kind === 'network',
    );
    await client.dispose();
  });

  it('rejects URLs that are not http(s)', async () => {
    const client = new HttpClient();
    await assert.rejects(
      client.request({ method: 'GET', url: 'file:///etc/passwd', operation: 'x' }),
      /Unsupported URL scheme/,
    );
  });

  it('sends JSON bodies and query parameters', async () => {
    let seen: { url?: string; body?: string; type?: string } = {};
    s.script.set('/echo', [
      (req, res) => {
        let body = '';
        req.on('data', (c: Buffer) => (body += c.toString()));
        req.on('end', () => {
          seen = { url: req.url, body, type: req.headers['content-type'] };
          res.end('{}');
        });
      },
    ]);
    const client = new HttpClient({ userAgent: 'agc-test' });
    await client.request({
      method: 'POST',
      url: `${s.url()}/echo`,
      query: { p: 0, q: 'a b', skip: undefined },
      json: { name: '你好' },
      operation: 'echo',
    });
    assert.equal(seen.url, '/echo?p=0&q=a+b');
    assert.equal(seen.body, '{"name":"你好"}');
    assert.equal(seen.type, 'application/json');
    await client.dispose();
  });

  it('parses Retry-After as seconds or as an HTTP date', () => {
    assert.equal(parseRetryAfter('3'), 3000);
    assert.equal(parseRetryAfter('Wed, 21 Oct 2015 07:28:10 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT')), 10_000);
    assert.equal(
      parseRetryAfter('Wed, 21 Oct 2015 07:27:00 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT')),
      0,
      'a date in the past: now',
    );
    assert.equal(parseRetryAfter('soon'), undefined);
    assert.equal(parseRetryAfter('-5'), undefined);
    assert.equal(parseRetryAfter('1e400'), undefined);
    assert.equal(parseRetryAfter(undefined), undefined);
  });

  it('caps the waiting for Retry-After across retries, and gives the caller the server’s Retry-After', async () => {
    // Before: a read waited 20 s on each of three retries (60 s) before failing.
    sleeps.length = 0;
    s.script.set('/busy', [
      status(503, { 'retry-after': '20' }),
      status(503, { 'retry-after': '20' }),
      status(503, { 'retry-after': '20' }),
      status(503, { 'retry-after': '20' }),
    ]);
    const client = new HttpClient({ sleep: fastSleep });
    const res = await client.request({ method: 'GET', url: `${s.url()}/busy`, operation: 'busy' });
    assert.equal(res.status, 503);
    assert.equal(res.retryAfterMs, 20_000);
    assert.ok(sleeps.reduce((a, b) => a + b, 0) <= 20_000, `waited ${sleeps.join('+')} ms in all`);
    assert.equal(s.hits.get('/busy'), 2, 'one retry fits the 20 s budget, the next does not');
    await client.dispose();
  });

  it('reads Retry-After in its HTTP-date form for the caller', async () => {
    const at = new Date(Date.now() + 120_000).toUTCString();
    s.script.set('/dated', [status(429, { 'retry-after': at })]);
    const client = new HttpClient({ sleep: fastSleep });
    const res = await client.request({ method: 'GET', url: `${s.url()}/dated`, operation: 'dated' });
    assert.equal(res.status, 429);
    assert.ok(
      res.retryAfterMs !== undefined && res.retryAfterMs > 60_000 && res.retryAfterMs <= 120_000,
      String(res.retryAfterMs),
    );
    await client.dispose();
  });

  it('gives a chat error the server’s Retry-After (the model plane never received it)', async () => {
    s.script.set('/v1/chat/completions', [
      (_req, res) => {
        res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '7' });
        res.end('{"error":{"message":"slow down","type":"rate_limit"}}');
      },
    ]);
    const client = new HttpClient();
    const plane = new OpenAiCompatible(client, `${s.url()}/v1`, 'sim');
    await assert.rejects(
      plane.chat({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }, 'sk-test'),
      (e: unknown) => {
        assert.ok(e instanceof GatewayError);
        assert.equal(e.kind, 'rate-limited');
        assert.equal(e.retryAfterMs, 7000);
        assert.ok(e.retryAt !== undefined && e.retryAt > Date.now());
        return true;
      },
    );
    s.script.set('/v1/chat/completions', [
      (_req, res) => {
        res.writeHead(503, { 'content-type': 'application/json', 'retry-after': '9' });
        res.end('{"error":{"message":"overloaded"}}');
      },
    ]);
    const events = plane.streamChat({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }, 'sk-test');
    await assert.rejects(
      (async () => {
        for await (const _e of events) {
          /* none */
        }
      })(),
      (e: unknown) => e instanceof GatewayError && e.kind === 'server' && e.retryAfterMs === 9000,
    );
    await client.dispose();
  });

  it('refuses a JSON answer past the size cap without buffering it, and says so', async () => {
    // Before: a 40 MiB body was buffered whole (and 600 MB would have been).
    let written = 0;
    let closedEarly = false;
    const total = 64 * 1024 * 1024;
    s.script.set('/huge', [
      (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        const block = Buffer.alloc(256 * 1024, 0x20);
        res.on('close', () => {
          closedEarly = written < total;
        });
        const pump = (): void => {
          while (written < total && !res.destroyed) {
            written += block.length;
            if (!res.write(block)) {
              res.once('drain', pump);
              return;
            }
          }
          if (!res.destroyed) res.end();
        };
        pump();
      },
    ]);
    const client = new HttpClient();
    await assert.rejects(
      client.request({ method: 'GET', url: `${s.url()}/huge`, operation: 'list keys' }),
      (e: unknown) => {
        assert.ok(e instanceof GatewayError);
        assert.equal(e.kind, 'bad-response');
        assert.equal(e.code, 'too-large');
        assert.match(e.message, /list keys is larger than 16 MiB/);
        return true;
      },
    );
    await new Promise((r) => setTimeout(r, 50));
    assert.ok(closedEarly, `the client hung up after ${written} of ${total} bytes`);
    await client.dispose();
  });

  it('refuses at once an answer whose Content-Length is over the cap', async () => {
    let wrote = false;
    s.script.set('/declared', [
      (_req, res) => {
        res.writeHead(200, {
          'content-type': 'application/json',
          'content-length': String(DEFAULT_LIMITS.jsonBytes + 1),
        });
        res.write('[');
        setTimeout(() => {
          wrote = !res.destroyed;
          if (!res.destroyed) res.destroy();
        }, 200);
      },
    ]);
    const client = new HttpClient();
    await assert.rejects(
      client.request({ method: 'GET', url: `${s.url()}/declared`, operation: 'x' }),
      (e: unknown) => e instanceof GatewayError && e.code === 'too-large',
    );
    await new Promise((r) => setTimeout(r, 250));
    assert.equal(wrote, false, 'the connection was dropped before the server wrote more');
    await client.dispose();
  });

  it('keeps the status of an error whose body is over the error cap, with the body’s start', async () => {
    s.script.set('/bigerror', [
      (_req, res) => {
        res.writeHead(502, { 'content-type': 'text/html' });
        res.end(`<html>${'x'.repeat(DEFAULT_LIMITS.errorBytes * 4)}</html>`);
      },
    ]);
    const client = new HttpClient({ retry: { maxRetries: 0 } });
    const res = await client.request({ method: 'GET', url: `${s.url()}/bigerror`, operation: 'x' });
    assert.equal(res.status, 502);
    assert.equal(res.truncated, true);
    assert.equal(res.text.length, DEFAULT_LIMITS.errorBytes);
    assert.ok(res.text.startsWith('<html>xxx'));
    await client.dispose();
  });

  it('ends a call that a slow drip holds open past its overall deadline', async () => {
    // Before: one space every 100 ms kept a read with 200 ms timeouts open for 1.6 s, and it succeeded.
    s.script.set('/drip', [
      (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        const t = setInterval(() => {
          if (res.destroyed) clearInterval(t);
          else res.write(' ');
        }, 50);
        res.on('close', () => clearInterval(t));
      },
    ]);
    const client = new HttpClient({ timeouts: { headersMs: 1000, bodyMs: 1000, totalMs: 400 } });
    await assert.rejects(client.request({ method: 'GET', url: `${s.url()}/drip`, operation: 'drip' }), (e: unknown) => {
      assert.ok(e instanceof GatewayError);
      assert.equal(e.kind, 'timeout');
      assert.equal(e.code, 'deadline');
      assert.match(e.message, /did not complete within 400 ms/);
      return true;
    });
    await client.dispose();
  });

  it('ends a stream at its overall deadline (a drip of keep-alives)', async () => {
    s.script.set('/v1/chat/completions', [
      (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        const t = setInterval(() => {
          if (res.destroyed) clearInterval(t);
          else res.write(': ping\n\n');
        }, 30);
        res.on('close', () => clearInterval(t));
      },
    ]);
    const client = new HttpClient({ timeouts: { bodyMs: 1000, streamTotalMs: 300, streamSilenceMs: 60_000 } });
    const plane = new OpenAiCompatible(client, `${s.url()}/v1`, 'sim');
    const events = plane.streamChat({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }, 'sk-test');
    await assert.rejects(
      (async () => {
        for await (const _e of events) {
          /* none */
        }
      })(),
      (e: unknown) => {
        assert.ok(e instanceof GatewayError);
        assert.equal(e.kind, 'timeout');
        assert.equal(e.code, 'deadline');
        return true;
      },
    );
    await client.dispose();
  });

  it('ends a stream of keep-alives only after the silence limit', async () => {
    s.script.set('/v1/chat/completions', [
      (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        const t = setInterval(() => {
          if (res.destroyed) clearInterval(t);
          else res.write(': keep-alive\n\n');
        }, 20);
        res.on('close', () => clearInterval(t));
      },
    ]);
    const client = new HttpClient({ timeouts: { bodyMs: 1000, streamSilenceMs: 250 } });
    const plane = new OpenAiCompatible(client, `${s.url()}/v1`, 'sim');
    const events = plane.streamChat({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }, 'sk-test');
    await assert.rejects(
      (async () => {
        for await (const _e of events) {
          /* none */
        }
      })(),
      (e: unknown) => e instanceof GatewayError && e.kind === 'timeout' && e.code === 'stream-silent',
    );
    await client.dispose();
  });

  it('keeps an answer whose connection is reset after its finish reason', async () => {
    s.script.set('/v1/chat/completions', [
      (req, res) => {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write('data: {"choices":[{"index":0,"delta":{"content":"done"},"finish_reason":"stop"}]}\n\n', () => {
          setTimeout(() => req.socket.destroy(), 20);
        });
      },
    ]);
    const client = new HttpClient();
    const plane = new OpenAiCompatible(client, `${s.url()}/v1`, 'sim');
    const events: string[] = [];
    for await (const e of plane.streamChat({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }, 'sk-test'))
      events.push(e.type === 'text' ? e.text : e.type);
    assert.deepEqual(events, ['done', 'finish']);
    await client.dispose();
  });

  it('hands its log callback redacted lines only', async () => {
    const secret = 'plainlettersonlysecretvalue';
    rememberSecret(secret);
    const lines: string[] = [];
    try {
      s.script.set(`/keys/${secret}`, [status(404)]);
      const client = new HttpClient({ log: (_l, m) => lines.push(m) });
      await client.request({ method: 'GET', url: `${s.url()}/keys/${secret}`, operation: 'get key' });
      await assert.rejects(
        client.request({ method: 'GET', url: `http://127.0.0.1:1/keys/${secret}`, operation: 'get key' }),
      );
      await client.dispose();
    } finally {
      forgetSecret(secret);
    }
    assert.equal(lines.length, 2);
    for (const l of lines) assert.ok(!l.includes(secret), l);
    assert.match(lines[0] ?? '', /GET \/keys\/\*\*\*.* → 404/);
    assert.ok(
      lines.every((l) => !l.includes('through the proxy')),
      'no proxy: the log does not claim one',
    );
  });

  it('treats every credential it sends as a known secret, so an echo of it is redacted whatever its shape', async () => {
    // A raw token with no digit and under 32 characters: no shape pattern would catch it.
    const raw = 'shortrawtokenxyz';
    const model = 'lettersonlymodelkey';
    s.script.set('/echo-token', [
      (req, res) => {
        res.writeHead(401, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            detail: `unknown token ${String(req.headers.authorization)} / ${String(req.headers['x-api-key'])}`,
          }),
        );
      },
    ]);
    const client = new HttpClient();
    try {
      const res = await client.request({
        method: 'GET',
        url: `${s.url()}/echo-token`,
        headers: { authorization: raw, 'x-api-key': `Bearer ${model}` },
        operation: 'x',
      });
      assert.ok(res.text.includes(raw), 'the server did echo it');
      const e = new GatewayError({ kind: 'auth', message: res.text });
      assert.ok(!e.message.includes(raw) && !e.message.includes(model), e.message);
    } finally {
      forgetSecret(raw);
      forgetSecret(model);
      forgetSecret(`Bearer ${model}`);
      await client.dispose();
    }
  });
});
