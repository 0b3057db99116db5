/**
 * Which dispatcher a request goes through: a given dispatcher always, else one direct agent and one agent per proxy
 * (made on first use and reused), the refusal of a proxy setting that cannot be used (with its sentence), and close().
 * Agents are made but never connect: no request is sent.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { GatewayError } from '../../src/gateway/errors';
import { Dispatchers } from '../../src/gateway/httpRoutes';
import type { HttpRequest, ResolvedTimeouts } from '../../src/gateway/httpTypes';
import type { Dispatcher } from '../../src/gateway/undici';

const timeouts: ResolvedTimeouts = {
  connectMs: 1000,
  headersMs: 1000,
  bodyMs: 1000,
  totalMs: 3000,
  streamTotalMs: 3000,
  streamSilenceMs: 3000,
};
const req: HttpRequest = { method: 'GET', url: 'https://gw.example/x', operation: 'list keys' };
const noEnv = { env: {} };

describe('Dispatchers.route', () => {
  it('a dispatcher given to the client is used for every request, whatever the proxy settings say', () => {
    const given = { close: () => Promise.resolve() } as unknown as Dispatcher;
    const d = new Dispatchers({ dispatcher: given, proxy: { url: 'ftp://nope' } }, timeouts);
    assert.deepEqual(d.route(new URL('https://a.example'), req), { dispatcher: given });
    assert.deepEqual(d.route(new URL('http://b.example'), req), { dispatcher: given });
  });

  it('direct: one agent for every origin, made on first use, a new one after close()', async () => {
    const d = new Dispatchers({ proxy: noEnv }, timeouts);
    const a = d.route(new URL('https://a.example'), req);
    const b = d.route(new URL('https://b.example:8443'), req);
    assert.equal(a.via, undefined);
    assert.equal(a.dispatcher, b.dispatcher);
    await d.close();
    const c = d.route(new URL('https://a.example'), req);
    assert.notEqual(c.dispatcher, a.dispatcher);
    await d.close();
  });

  it('through a proxy: the proxy it goes through, one agent per proxy and strictness', async () => {
    const d = new Dispatchers({ proxy: { url: 'http://proxy.corp:3128', env: {} } }, timeouts);
    const a = d.route(new URL('https://a.example'), req);
    const b = d.route(new URL('https://b.example'), req);
    assert.equal(a.via?.display, 'proxy.corp:3128');
    assert.equal(a.via?.source, 'http.proxy');
    assert.equal(a.dispatcher, b.dispatcher);
    const loose = new Dispatchers({ proxy: { url: 'http://proxy.corp:3128', strictSSL: false, env: {} } }, timeouts);
    const c = loose.route(new URL('https://a.example'), req);
    assert.equal(c.via?.strictSSL, false);
    assert.notEqual(c.dispatcher, a.dispatcher);
    // a loopback target goes direct even with a proxy set
    const direct = d.route(new URL('http://127.0.0.1:9/x'), req);
    assert.equal(direct.via, undefined);
    assert.notEqual(direct.dispatcher, a.dispatcher);
    await d.close();
    await loose.close();
    assert.notEqual(
      d.route(new URL('https://a.example'), req).dispatcher,
      a.dispatcher,
      'close() drops the proxy agents',
    );
    await d.close();
  });

  it('two proxies of one client (HTTPS_PROXY and HTTP_PROXY) get an agent each; close() closes them all', async () => {
    const d = new Dispatchers(
      { proxy: { env: { HTTPS_PROXY: 'http://secure.corp:3128', HTTP_PROXY: 'http://plain.corp:3128' } } },
      timeouts,
    );
    const s = d.route(new URL('https://a.example'), req);
    const p = d.route(new URL('http://a.example'), req);
    const direct = d.route(new URL('http://127.0.0.1:9'), req);
    assert.equal(s.via?.display, 'secure.corp:3128');
    assert.equal(p.via?.display, 'plain.corp:3128');
    assert.notEqual(s.dispatcher, p.dispatcher);
    assert.equal(d.route(new URL('https://b.example'), req).dispatcher, s.dispatcher);
    await d.close();
    for (const x of [s, p, direct]) assert.equal((x.dispatcher as unknown as { closed: boolean }).closed, true);
  });

  it('a socks5 proxy with credentials in its URL gets an agent of its own', async () => {
    const d = new Dispatchers({ proxy: { url: 'socks5://user:p%40ss@socks.corp:1080', env: {} } }, timeouts);
    const r = d.route(new URL('https://a.example'), req);
    assert.equal(r.via?.protocol, 'socks5:');
    assert.deepEqual(r.via?.socks, { username: 'user', password: 'p@ss' });
    await d.close();
  });

  it('refuses a proxy URL with a scheme it cannot use, naming the proxy and the setting', () => {
    const d = new Dispatchers({ proxy: { url: 'ftp://proxy.corp:2121', env: {} }, gateway: 'AIone (Work)' }, timeouts);
    assert.throws(
      () => d.route(new URL('https://a.example'), req),
      (e: unknown) => {
        assert.ok(e instanceof GatewayError);
        assert.deepEqual(
          {
            kind: e.kind,
            code: e.code,
            message: e.message,
            proxy: e.proxy,
            gateway: e.gateway,
            operation: e.operation,
          },
          {
            kind: 'proxy',
            code: 'proxy-config',
            message:
              'The proxy proxy.corp:2121 in http.proxy uses an unsupported scheme (use http://, https:// or socks5://)',
            proxy: 'proxy.corp:2121',
            gateway: 'AIone (Work)',
            operation: 'list keys',
          },
        );
        return true;
      },
    );
  });

  it('refuses a proxy setting that is not a URL, without a proxy name', () => {
    const d = new Dispatchers({ proxy: { url: 'http://', env: {} } }, timeouts);
    assert.throws(
      () => d.route(new URL('https://a.example'), req),
      (e: unknown) => {
        assert.ok(e instanceof GatewayError);
        assert.equal(e.message, 'The proxy in http.proxy is not a valid URL (expected http://host:port)');
        assert.equal(e.code, 'proxy-config');
        assert.equal(e.proxy, undefined);
        assert.equal('proxy' in e && e.proxy !== undefined, false);
        return true;
      },
    );
  });

  it('decides once per origin, for many origins', async () => {
    const d = new Dispatchers({ proxy: noEnv }, timeouts);
    const first = d.route(new URL('https://h0.example'), req).dispatcher;
    for (let i = 1; i < 300; i++) assert.equal(d.route(new URL(`https://h${i}.example`), req).dispatcher, first);
    await d.close();
  });

  it('close() with nothing made, twice, is fine', async () => {
    const d = new Dispatchers({}, timeouts);
    await d.close();
    await d.close();
  });
});
