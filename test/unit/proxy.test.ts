import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import https from 'node:https';
import net, { type AddressInfo, type LookupFunction } from 'node:net';
import { GatewayError } from '../../src/gateway/errors';
import { HttpClient } from '../../src/gateway/http';
import type { LogLevel } from '../../src/gateway/httpTypes';
import { OpenAiCompatible } from '../../src/gateway/openai';
import { parseNoProxy, resolveProxy, type ProxyDecision, type ProxySettings } from '../../src/gateway/proxy';
import { startLoopbackProxy, type LoopbackProxy } from '../support/loopbackProxy';
import { selfSignedCertificate } from '../support/tls';

const proxyOf = (d: ProxyDecision): string | undefined => (d.kind === 'proxy' ? d.proxy.uri : undefined);
const decide = (target: string, settings: ProxySettings): ProxyDecision => resolveProxy(new URL(target), settings);

describe('proxy resolution (as VS Code resolves it)', () => {
  it('uses http.proxy for every target, before any environment variable', () => {
    const s: ProxySettings = {
      url: 'http://proxy.corp:8080',
      env: { HTTPS_PROXY: 'http://env:1', HTTP_PROXY: 'http://env:2' },
    };
    assert.equal(proxyOf(decide('https://api.example.com/v1', s)), 'http://proxy.corp:8080');
    assert.equal(proxyOf(decide('http://api.example.com/v1', s)), 'http://proxy.corp:8080');
  });

  it('reads the environment by target scheme: HTTPS_PROXY, then HTTP_PROXY; ALL_PROXY last; lower case first; empty is unset', () => {
    assert.equal(
      proxyOf(decide('https://a.example', { env: { HTTPS_PROXY: 'http://s:1', HTTP_PROXY: 'http://h:2' } })),
      'http://s:1',
    );
    assert.equal(
      proxyOf(decide('http://a.example', { env: { HTTPS_PROXY: 'http://s:1', HTTP_PROXY: 'http://h:2' } })),
      'http://h:2',
    );
    assert.equal(
      proxyOf(decide('http://a.example', { env: { HTTPS_PROXY: 'http://s:1' } })),
      undefined,
      'HTTPS_PROXY is not for http targets',
    );
    assert.equal(
      proxyOf(decide('https://a.example', { env: { HTTP_PROXY: 'http://h:2' } })),
      'http://h:2',
      'as VS Code: one variable serves https too',
    );
    assert.equal(proxyOf(decide('https://a.example', { env: { ALL_PROXY: 'http://all:3' } })), 'http://all:3');
    assert.equal(
      proxyOf(decide('https://a.example', { env: { https_proxy: 'http://lower:4', HTTPS_PROXY: 'http://upper:5' } })),
      'http://lower:4',
    );
    assert.equal(
      proxyOf(decide('https://a.example', { env: { https_proxy: '  ', HTTPS_PROXY: 'http://upper:5' } })),
      'http://upper:5',
    );
    assert.equal(
      proxyOf(decide('https://a.example', { env: { HTTPS_PROXY: 'proxy.corp:3128' } })),
      'http://proxy.corp:3128',
      'no scheme means http://',
    );
    assert.deepEqual(decide('https://a.example', { env: {} }), { kind: 'direct', reason: 'not-configured' });
  });

  it('always goes direct to loopback, whatever is configured', () => {
    for (const target of [
      'http://127.0.0.1:3000/',
      'http://localhost:3000/',
      'https://[::1]:8443/',
      'http://api.localhost/',
    ]) {
      assert.deepEqual(
        decide(target, { url: 'http://proxy.corp:8080', env: { HTTP_PROXY: 'http://e:1', HTTPS_PROXY: 'http://e:1' } }),
        { kind: 'direct', reason: 'loopback' },
        target,
      );
    }
    assert.equal(
      proxyOf(decide('http://127.example.com/', { url: 'http://proxy.corp:8080' })),
      'http://proxy.corp:8080',
      'a name that only looks local is proxied',
    );
  });

  it('honours http.proxySupport: off', () => {
    assert.deepEqual(decide('https://a.example', { url: 'http://p:1', support: 'off' }), {
      kind: 'direct',
      reason: 'proxy-support-off',
    });
  });

  it('matches no-proxy entries: names, suffixes, host:port, IPs, CIDR ranges and *', () => {
    const cases: Array<[string, string, boolean]> = [
      ['example.com', 'https://example.com/', true],
      ['example.com', 'https://api.example.com/', true],
      ['example.com', 'https://notexample.com/', false],
      ['.example.com', 'https://example.com/', true],
      ['.example.com', 'https://a.b.example.com/', true],
      ['*.example.com', 'https://a.example.com/', true],
      ['*.example.com', 'https://example.org/', false],
      ['EXAMPLE.com', 'https://Api.Example.COM/', true],
      ['example.com:8443', 'https://example.com:8443/', true],
      ['example.com:8443', 'https://example.com/', false],
      ['example.com:443', 'https://example.com/', true],
      ['10.1.2.3', 'http://10.1.2.3/', true],
      ['10.1.2.3', 'http://10.1.2.4/', false],
      ['10.0.0.0/8', 'http://10.200.3.4:8080/', true],
      ['10.0.0.0/8', 'http://11.0.0.1/', false],
      ['192.168.1.0/24', 'http://192.168.1.77/', true],
      ['fd00::/8', 'http://[fd12::1]/', true],
      ['fd00::/8', 'http://[fe80::1]/', false],
      ['fd12::1', 'http://[fd12:0:0::1]/', true],
      ['[fd12::1]:8080', 'http://[fd12::1]:8080/', true],
      ['[fd12::1]:8080', 'http://[fd12::1]:9090/', false],
      ['*', 'https://anything.example/', true],
    ];
    for (const [entry, target, bypass] of cases) {
      assert.equal(parseNoProxy([entry])(new URL(target)), bypass, `${entry} vs ${target}`);
      assert.equal(
        decide(target, { url: 'http://proxy.corp:8080', noProxy: [entry] }).kind,
        bypass ? 'direct' : 'proxy',
        `${entry} vs ${target}`,
      );
    }
  });

  it('reads NO_PROXY (comma or space separated) unless http.noProxy has entries, which replace it', () => {
    const env = { HTTPS_PROXY: 'http://p:1', NO_PROXY: 'internal.corp, .lan 10.0.0.0/8' };
    assert.equal(decide('https://git.internal.corp/', { env }).kind, 'direct');
    assert.equal(decide('https://nas.lan/', { env }).kind, 'direct');
    assert.equal(decide('https://10.9.8.7/', { env }).kind, 'direct');
    assert.equal(decide('https://api.example.com/', { env }).kind, 'proxy');
    assert.equal(
      decide('https://git.internal.corp/', { env: { ...env, no_proxy: 'other.corp' } }).kind,
      'proxy',
      'lower case wins',
    );
    assert.equal(
      decide('https://git.internal.corp/', { env, noProxy: ['only.this'] }).kind,
      'proxy',
      'the setting replaces the variable',
    );
    assert.equal(
      decide('https://git.internal.corp/', { env, noProxy: [] }).kind,
      'direct',
      'an empty setting does not',
    );
  });

  it('takes credentials out of the proxy URL into Proxy-Authorization; http.proxyAuthorization wins', () => {
    const d = decide('https://a.example', { url: 'http://al%40ice:s3cr%3At@proxy.corp:8080/' });
    assert.ok(d.kind === 'proxy');
    assert.equal(d.proxy.uri, 'http://proxy.corp:8080');
    assert.equal(d.proxy.display, 'proxy.corp:8080');
    assert.equal(d.proxy.authorization, `Basic ${Buffer.from('al@ice:s3cr:t').toString('base64')}`);
    assert.equal(d.proxy.strictSSL, true);
    const e = decide('https://a.example', {
      url: 'http://alice:pw@proxy.corp:8080',
      authorization: 'Negotiate YIIabc',
    });
    assert.ok(e.kind === 'proxy' && e.proxy.authorization === 'Negotiate YIIabc');
    const f = decide('https://a.example', { url: 'http://proxy.corp', strictSSL: false });
    assert.ok(
      f.kind === 'proxy' &&
        f.proxy.display === 'proxy.corp:80' &&
        f.proxy.strictSSL === false &&
        f.proxy.authorization === undefined,
    );
  });

  it('reports a proxy it cannot use instead of silently going direct', () => {
    assert.deepEqual(decide('https://a.example', { url: 'http://' }), {
      kind: 'invalid',
      source: 'http.proxy',
      problem: 'url',
    });
    const d = decide('https://a.example', { env: { HTTPS_PROXY: 'ftp://user:pw@proxy.corp:2121' } });
    assert.deepEqual(d, { kind: 'invalid', source: 'HTTPS_PROXY', problem: 'scheme', display: 'proxy.corp:2121' });
  });
});

/** Resolves the made-up names of these tests to loopback (for direct connections that bypass the proxy). */
const lookup: LookupFunction = (hostname, options, callback) => {
  const address = hostname.endsWith('.test') ? '127.0.0.1' : hostname;
  const cb = callback;
  if ((options as { all?: boolean }).all) cb(null, [{ address, family: 4 }]);
  else cb(null, address, 4);
};

interface Seen {
  readonly host?: string;
  readonly path?: string;
  readonly proxyAuthorization?: string;
}

describe('HttpClient through a loopback proxy (forward for http, CONNECT for https)', () => {
  const cert = selfSignedCertificate(['gateway.test'], ['127.0.0.1']);
  const seen: Seen[] = [];
  const handler = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    seen.push({
      host: req.headers.host,
      path: req.url,
      ...(req.headers['proxy-authorization'] ? { proxyAuthorization: req.headers['proxy-authorization'] } : {}),
    });
    if (req.url?.startsWith('/v1/chat/completions')) {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end(
        'data: {"choices":[{"index":0,"delta":{"content":"via tunnel"},"finish_reason":"stop"}]}\n\ndata: [DONE]\n\n',
      );
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ ok: true, path: req.url }));
  };
  const plain = http.createServer(handler);
  const secure = https.createServer({ key: cert.key, cert: cert.cert }, handler);
  let plainPort = 0;
  let securePort = 0;
  const proxies: LoopbackProxy[] = [];

  const httpTarget = (path = '/api/ping'): string => `http://gateway.test:${plainPort}${path}`;
  const httpsTarget = (path = '/api/ping'): string => `https://gateway.test:${securePort}${path}`;
  const routes = (): Record<string, { host: string; port: number }> => ({
    [`gateway.test:${plainPort}`]: { host: '127.0.0.1', port: plainPort },
    [`gateway.test:${securePort}`]: { host: '127.0.0.1', port: securePort },
  });
  const proxy = async (
    opts: { requireAuthorization?: string; refuseConnect?: number } = {},
  ): Promise<LoopbackProxy> => {
    const p = await startLoopbackProxy({ routes: routes(), ...opts });
    proxies.push(p);
    return p;
  };
  const client = (proxySettings: ProxySettings, log?: (l: LogLevel, m: string) => void): HttpClient =>
    new HttpClient({
      proxy: proxySettings,
      tls: { ca: cert.cert },
      lookup,
      retry: { maxRetries: 0 },
      ...(log ? { log } : {}),
    });

  before(async () => {
    await new Promise<void>((r) => plain.listen(0, '127.0.0.1', r));
    await new Promise<void>((r) => secure.listen(0, '127.0.0.1', r));
    plainPort = (plain.address() as AddressInfo).port;
    securePort = (secure.address() as AddressInfo).port;
  });
  after(async () => {
    await Promise.all(proxies.map((p) => p.close()));
    for (const s of [plain, secure]) {
      s.closeAllConnections();
      await new Promise<void>((r) => s.close(() => r()));
    }
  });

  it('sends an http target to the proxy as an absolute-URI request, and logs that it went through it', async () => {
    const p = await proxy();
    const lines: string[] = [];
    const c = client({ url: p.url }, (_l, m) => lines.push(m));
    const res = await c.request({ method: 'GET', url: httpTarget(), operation: 'ping' });
    assert.equal(res.status, 200);
    assert.deepEqual(
      p.hits.map((h) => [h.method, h.target]),
      [['GET', httpTarget()]],
    );
    assert.match(lines.join('\n'), new RegExp(`GET /api/ping through the proxy 127\\.0\\.0\\.1:${p.port} → 200`));
    await c.dispose();
  });

  it('tunnels an https target with CONNECT, verifying the gateway’s certificate through the tunnel', async () => {
    const p = await proxy();
    const c = client({ url: p.url });
    const res = await c.request({ method: 'GET', url: httpsTarget(), operation: 'ping' });
    assert.equal(res.status, 200);
    assert.deepEqual(
      p.hits.map((h) => [h.method, h.target]),
      [['CONNECT', `gateway.test:${securePort}`]],
    );
    await c.dispose();
    // Without the CA the certificate is refused: verification stays on through the proxy.
    const strict = new HttpClient({ proxy: { url: p.url }, retry: { maxRetries: 0 } });
    await assert.rejects(
      strict.request({ method: 'GET', url: httpsTarget(), operation: 'ping' }),
      (e: unknown) => e instanceof GatewayError && e.kind === 'network',
    );
    await strict.dispose();
    // http.proxyStrictSSL: false accepts it (only for proxied connections).
    const lax = new HttpClient({ proxy: { url: p.url, strictSSL: false }, retry: { maxRetries: 0 } });
    assert.equal((await lax.request({ method: 'GET', url: httpsTarget(), operation: 'ping' })).status, 200);
    await lax.dispose();
  });

  it('streams a chat answer through the CONNECT tunnel', async () => {
    const p = await proxy();
    const c = client({ url: p.url });
    const plane = new OpenAiCompatible(c, httpsTarget('/v1'), 'gw');
    let text = '';
    for await (const e of plane.streamChat({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }, 'sk-test'))
      if (e.type === 'text') text += e.text;
    assert.equal(text, 'via tunnel');
    assert.ok(p.hits.some((h) => h.method === 'CONNECT'));
    await c.dispose();
  });

  it('sends Proxy-Authorization from the credentials in the proxy URL (forward and CONNECT), never to the gateway', async () => {
    const expected = `Basic ${Buffer.from('alice:s3cret pass').toString('base64')}`;
    const p = await proxy({ requireAuthorization: expected });
    const withCreds = p.url.replace('http://', 'http://alice:s3cret%20pass@');
    const c = client({ url: withCreds });
    seen.length = 0;
    assert.equal((await c.request({ method: 'GET', url: httpTarget(), operation: 'ping' })).status, 200);
    assert.equal((await c.request({ method: 'GET', url: httpsTarget(), operation: 'ping' })).status, 200);
    assert.deepEqual(
      p.hits.map((h) => h.proxyAuthorization),
      [expected, expected],
    );
    assert.ok(
      seen.every((s) => s.proxyAuthorization === undefined),
      'the gateway never sees the proxy credentials',
    );
    await c.dispose();
  });

  it('sends http.proxyAuthorization as Proxy-Authorization', async () => {
    const p = await proxy({ requireAuthorization: 'Bearer proxy-token-123' });
    const c = client({ url: p.url, authorization: 'Bearer proxy-token-123' });
    assert.equal((await c.request({ method: 'GET', url: httpsTarget(), operation: 'ping' })).status, 200);
    assert.equal((await c.request({ method: 'GET', url: httpTarget(), operation: 'ping' })).status, 200);
    await c.dispose();
  });

  it('reports a 407 as a proxy error naming the proxy, never as a cancel, and never with the credentials', async () => {
    // Before: a 407 on CONNECT came back as kind 'aborted' ("cancelled"), which the UI shows as nothing.
    const p = await proxy({ requireAuthorization: 'Basic bm90LXRoaXM=' });
    const password = 'hunter2-wrong';
    const lines: string[] = [];
    const c = client({ url: p.url.replace('http://', `http://bob:${password}@`) }, (_l, m) => lines.push(m));
    for (const target of [httpsTarget(), httpTarget()]) {
      await assert.rejects(c.request({ method: 'GET', url: target, operation: 'list keys' }), (e: unknown) => {
        assert.ok(e instanceof GatewayError, String(e));
        assert.equal(e.kind, 'proxy', `${target}: ${e.kind} ${e.message}`);
        assert.equal(e.code, 'proxy-auth');
        assert.equal(e.proxy, `127.0.0.1:${p.port}`);
        assert.match(e.message, new RegExp(`proxy 127\\.0\\.0\\.1:${p.port} refused the credentials.*407`));
        const all = [e.message, String(e), e.stack ?? '', String((e.cause as Error | undefined)?.message)].join('\n');
        assert.ok(!all.includes(password) && !all.includes(Buffer.from(`bob:${password}`).toString('base64')), all);
        return true;
      });
    }
    assert.ok(
      lines.every((l) => !l.includes(password)),
      lines.join('\n'),
    );
    await c.dispose();
    const anonymous = client({ url: p.url });
    await assert.rejects(
      anonymous.request({ method: 'GET', url: httpsTarget(), operation: 'x' }),
      (e: unknown) => e instanceof GatewayError && e.kind === 'proxy' && /asks for credentials/.test(e.message),
    );
    await anonymous.dispose();
  });

  it('reports a refused CONNECT and an unreachable proxy as proxy errors', async () => {
    const p = await proxy({ refuseConnect: 403 });
    const c = client({ url: p.url });
    await assert.rejects(c.request({ method: 'GET', url: httpsTarget(), operation: 'x' }), (e: unknown) => {
      assert.ok(e instanceof GatewayError);
      assert.equal(e.kind, 'proxy');
      assert.equal(e.code, 'proxy-refused');
      assert.match(
        e.message,
        new RegExp(
          `proxy 127\\.0\\.0\\.1:${p.port} refused the connection to gateway\\.test:${securePort} \\(HTTP 403\\)`,
        ),
      );
      return true;
    });
    await c.dispose();
    const closed = net.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const deadPort = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const gone = client({ url: `http://127.0.0.1:${deadPort}` });
    for (const target of [httpsTarget(), httpTarget()]) {
      await assert.rejects(
        gone.request({ method: 'GET', url: target, operation: 'x' }),
        (e: unknown) =>
          e instanceof GatewayError &&
          e.kind === 'proxy' &&
          e.code === 'proxy-unreachable' &&
          e.message.includes(`127.0.0.1:${deadPort}`),
      );
    }
    await gone.dispose();
  });

  it('fails a misconfigured proxy with a proxy error before sending anything', async () => {
    const c = client({ url: 'socks4://127.0.0.1:1080' });
    await assert.rejects(
      c.request({ method: 'GET', url: httpsTarget(), operation: 'x' }),
      (e: unknown) => e instanceof GatewayError && e.kind === 'proxy' && e.code === 'proxy-config',
    );
    await c.dispose();
  });

  it('goes direct for a NO_PROXY host: the proxy sees nothing and the log claims no proxy', async () => {
    const p = await proxy();
    const lines: string[] = [];
    const c = client({ env: { HTTP_PROXY: p.url, HTTPS_PROXY: p.url, NO_PROXY: '.test' } }, (_l, m) => lines.push(m));
    assert.equal((await c.request({ method: 'GET', url: httpTarget(), operation: 'ping' })).status, 200);
    assert.equal((await c.request({ method: 'GET', url: httpsTarget(), operation: 'ping' })).status, 200);
    assert.equal(p.hits.length, 0);
    assert.ok(
      lines.every((l) => !l.includes('through the proxy')),
      lines.join('\n'),
    );
    await c.dispose();
    const viaSetting = client({ url: p.url, noProxy: [`gateway.test:${securePort}`] });
    assert.equal((await viaSetting.request({ method: 'GET', url: httpsTarget(), operation: 'ping' })).status, 200);
    assert.equal((await viaSetting.request({ method: 'GET', url: httpTarget(), operation: 'ping' })).status, 200);
    assert.deepEqual(
      p.hits.map((h) => h.method),
      ['GET'],
      'only the http target (another port) went through the proxy',
    );
    await viaSetting.dispose();
  });

  it('takes the proxy from HTTPS_PROXY / HTTP_PROXY when http.proxy is not set', async () => {
    const forHttps = await proxy();
    const forHttp = await proxy();
    const c = client({ env: { HTTPS_PROXY: forHttps.url, HTTP_PROXY: forHttp.url } });
    await c.request({ method: 'GET', url: httpsTarget(), operation: 'ping' });
    await c.request({ method: 'GET', url: httpTarget(), operation: 'ping' });
    assert.deepEqual(
      forHttps.hits.map((h) => h.method),
      ['CONNECT'],
    );
    assert.deepEqual(
      forHttp.hits.map((h) => h.method),
      ['GET'],
    );
    await c.dispose();
  });

  it('never sends loopback traffic through the proxy', async () => {
    const p = await proxy();
    const c = client({ url: p.url, env: { HTTP_PROXY: p.url } });
    const res = await c.request({ method: 'GET', url: `http://127.0.0.1:${plainPort}/direct`, operation: 'ping' });
    assert.equal(res.status, 200);
    assert.equal(p.hits.length, 0);
    await c.dispose();
  });
});
