/** The gateway layer's front door: what createGateway builds from a connection and its transport options. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createGateway, describeKind } from '../../src/gateway/index';
import { AIHUBMIX_CAPABILITIES } from '../../src/gateway/aihubmix/capabilities';
import { AIHUBMIX_DEFAULT_BASE_URL } from '../../src/gateway/aihubmix/routes';
import { AIONE_CAPABILITIES } from '../../src/gateway/aione/capabilities';
import { AIONE_DEFAULT_BASE_URL } from '../../src/gateway/aione/routes';
import { GatewayError } from '../../src/gateway/errors';

describe('createGateway', () => {
  const seen: Array<{ url: string; host: string; ua: string; auth: string }> = [];
  const server = http.createServer((req, res) => {
    seen.push({
      url: req.url ?? '',
      host: req.headers.host ?? '',
      ua: req.headers['user-agent'] ?? '',
      auth: req.headers.authorization ?? '',
    });
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ items: [], total: 0 }));
  });
  let url = '';
  before(
    () =>
      new Promise<void>((r) =>
        server.listen(0, '127.0.0.1', () => {
          url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
          r();
        }),
      ),
  );
  after(() => {
    server.closeAllConnections();
    return new Promise<void>((r) => server.close(() => r()));
  });

  it('describes each kind: its name, default base URL, management token, key prefix, auth header, capabilities and tool texts', () => {
    assert.deepEqual(describeKind('aione'), {
      kind: 'aione',
      label: 'AIone API',
      defaultBaseUrl: AIONE_DEFAULT_BASE_URL,
      managementToken: 'admin-token',
      rawAuthHeader: false,
      capabilities: AIONE_CAPABILITIES,
      envKeyName: 'AIONE_API_KEY',
      cursorShortClaudeNames: true,
    });
    assert.deepEqual(describeKind('aihubmix'), {
      kind: 'aihubmix',
      label: 'AIHubMix',
      defaultBaseUrl: AIHUBMIX_DEFAULT_BASE_URL,
      managementToken: 'system-access-token',
      modelKeyPrefix: 'sk-',
      rawAuthHeader: true,
      capabilities: AIHUBMIX_CAPABILITIES,
      envKeyName: 'AIHUBMIX_API_KEY',
      cursorShortClaudeNames: false,
    });
    // the currency a dashboard shows before a connection answers is the one the kind bills in
    assert.equal(describeKind('aione').capabilities.currency, 'CNY');
    assert.equal(describeKind('aihubmix').capabilities.currency, 'USD');
  });

  it('the adapter of the kind; its client names the connection in network errors, else the kind', async () => {
    const closed = 'http://127.0.0.1:1';
    const a = createGateway(
      { kind: 'aione', baseUrl: closed, getToken: () => Promise.resolve('agc-admin-x') },
      { retry: { maxRetries: 0 } },
    );
    const h = createGateway(
      { kind: 'aihubmix', baseUrl: closed, label: 'Mine', getToken: () => Promise.resolve('x'.repeat(32)) },
      { retry: { maxRetries: 0 } },
    );
    assert.equal(a.kind, 'aione');
    assert.equal(h.kind, 'aihubmix');
    const e = await a.listKeys({ page: 0, pageSize: 1 }).then(
      () => undefined,
      (x: unknown) => x,
    );
    assert.ok(
      e instanceof GatewayError && e.kind === 'network' && e.gateway === 'AIone API',
      `no label: the kind’s name (${String(e)})`,
    );
    const f = await h.listKeys({ page: 0, pageSize: 1 }).then(
      () => undefined,
      (x: unknown) => x,
    );
    assert.ok(f instanceof GatewayError && f.kind === 'network' && f.gateway === 'Mine', String(f));
    await a.dispose();
    await h.dispose();
  });

  it('passes the user agent and the log to its client; dispose closes it', async () => {
    const lines: string[] = [];
    const gw = createGateway(
      { kind: 'aione', baseUrl: url, getToken: () => Promise.resolve('agc-admin-x') },
      { userAgent: 'agc-test/1', log: (_l, m) => lines.push(m) },
    );
    await gw.listKeys({ page: 0, pageSize: 1 });
    assert.equal(seen.at(-1)?.ua, 'agc-test/1');
    assert.ok(
      lines.some((l) => l.includes('/api/v1/gateway/keys')),
      lines.join('\n'),
    );
    await gw.dispose();
    const e = await gw.listKeys({ page: 0, pageSize: 1 }).then(
      () => undefined,
      (x: unknown) => x,
    );
    assert.ok(e instanceof GatewayError && e.kind === 'aborted', `a disposed gateway does no more calls: ${String(e)}`);
  });

  it('passes the proxy: a gateway on a made-up host is reached through it', async () => {
    const gw = createGateway(
      { kind: 'aione', baseUrl: 'http://gateway.invalid', getToken: () => Promise.resolve('agc-admin-x') },
      { proxy: { url } },
    );
    const before = seen.length;
    await gw.listKeys({ page: 0, pageSize: 1 });
    assert.equal(seen.length, before + 1);
    assert.equal(seen.at(-1)?.host, 'gateway.invalid', 'the proxy got the request for the gateway');
    await gw.dispose();
  });
});
