/**
 * "Add this machine's IP" asks a public-IP service through the user's proxy, like every gateway call: through
 * `http.proxy` (with its credentials), through HTTPS_PROXY / HTTP_PROXY from the environment, and not through a proxy
 * for a host in the no-proxy list. The service's host (ip.test) exists only behind the loopback proxy, so an answer
 * can only have come through it — and a plain fetch, the lookup this replaced, cannot reach it at all.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { lookupPublicIp } from '../../src/features/fixes/publicIp';
import { GatewayError } from '../../src/gateway/errors';
import { startLoopbackProxy, type LoopbackProxy } from '../support/loopbackProxy';

describe('the public IP lookup goes through the proxy the gateways use', () => {
  let service: http.Server;
  let port = 0;
  let proxy: LoopbackProxy;
  let authProxy: LoopbackProxy;
  const AUTH = `Basic ${Buffer.from('u:p').toString('base64')}`;
  let url = '';

  before(async () => {
    service = http.createServer((req, res) => {
      res.setHeader('content-type', 'text/plain');
      res.end(req.url === '/junk' ? 'not an address' : '203.0.113.7\n');
    });
    await new Promise<void>((r) => service.listen(0, '127.0.0.1', r));
    port = (service.address() as AddressInfo).port;
    const routes = { [`ip.test:${port}`]: { host: '127.0.0.1', port } };
    proxy = await startLoopbackProxy({ routes });
    authProxy = await startLoopbackProxy({ routes, requireAuthorization: AUTH });
    url = `http://ip.test:${port}/`;
  });
  after(async () => {
    await Promise.all([proxy.close(), authProxy.close()]);
    await new Promise((r) => service.close(r));
  });

  it('http.proxy: the service answers through it', async () => {
    const before = proxy.hits.length;
    assert.equal(await lookupPublicIp(url, { proxy: { url: proxy.url, env: {} } }), '203.0.113.7');
    assert.deepEqual(proxy.hits.slice(before), [{ method: 'GET', target: url }]);
  });

  it('the credentials in http.proxy reach the proxy (407 without them)', async () => {
    const withAuth = new URL(authProxy.url);
    withAuth.username = 'u';
    withAuth.password = 'p';
    assert.equal(await lookupPublicIp(url, { proxy: { url: withAuth.toString(), env: {} } }), '203.0.113.7');
    assert.equal(authProxy.hits.at(-1)?.proxyAuthorization, AUTH);
    await assert.rejects(
      lookupPublicIp(url, { proxy: { url: authProxy.url, env: {} } }),
      (e: unknown) => e instanceof GatewayError && e.kind === 'proxy',
    );
  });

  it('HTTP_PROXY from the environment when http.proxy is not set', async () => {
    const before = proxy.hits.length;
    assert.equal(await lookupPublicIp(url, { proxy: { env: { HTTP_PROXY: proxy.url } } }), '203.0.113.7');
    assert.equal(proxy.hits.length, before + 1);
  });

  it('a host in http.noProxy is asked directly (here: unreachable, so it fails instead of using the proxy)', async () => {
    const before = proxy.hits.length;
    await assert.rejects(lookupPublicIp(url, { proxy: { url: proxy.url, noProxy: ['ip.test'], env: {} } }));
    assert.equal(proxy.hits.length, before, 'the proxy was not used');
  });

  it('an answer that is not an address is refused; the old lookup (fetch, no proxy) cannot reach the service', async () => {
    await assert.rejects(
      lookupPublicIp(`http://ip.test:${port}/junk`, { proxy: { url: proxy.url, env: {} } }),
      /without an IP address/,
    );
    await assert.rejects(fetch(url, { signal: AbortSignal.timeout(5000) }), 'a plain fetch ignores the proxy');
  });
});
