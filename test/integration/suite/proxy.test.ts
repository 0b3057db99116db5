/**
 * VS Code's proxy settings in a real VS Code: http.proxy, http.noProxy, http.proxyAuthorization and
 * http.proxyStrictSSL (and the proxy variables of the extension host's environment) reach the HTTP client through
 * ConfigService.network(); a change to any of them rebuilds the clients; a gateway that is not on loopback is
 * reached through a loopback proxy written for the tests, which maps the made-up name aione.test to the simulator;
 * a proxy that refuses the credentials is shown as an error naming the proxy — not swallowed like a cancel.
 * And the sentence of a failed call says when to retry, from the gateway's Retry-After (seconds, or a time of day).
 */
import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import type { AiGatewayTestApi } from '../../../src/extension';
import { resolveProxy } from '../../../src/gateway/proxy';
import type { Simulator } from '../../simulator/index';
import { openSimulator, type SimulatorFixture } from './fixture';
import { startLoopbackProxy, type LoopbackProxy } from '../../support/loopbackProxy';

const PROXY_KEYS = ['proxy', 'noProxy', 'proxyAuthorization', 'proxyStrictSSL'] as const;
const errorKind = (e: unknown): string | undefined =>
  e && typeof e === 'object' && 'kind' in e ? String(e.kind) : undefined;

describe('Proxy settings (http.proxy, http.noProxy, http.proxyAuthorization) through a loopback proxy', function () {
  this.timeout(60000);
  let api: AiGatewayTestApi;
  let sim: Simulator;
  let fx: SimulatorFixture | undefined;
  let proxy: LoopbackProxy;
  let connectionId: string | undefined;
  const PROXY_AUTH = 'Basic cHJveHktdXNlcjpwcm94eS1wYXNz'; // proxy-user:proxy-pass

  const http = (): vscode.WorkspaceConfiguration => vscode.workspace.getConfiguration('http');

  /** Writes user-level http.* settings and waits until the extension has seen them as a network change. */
  async function setHttp(values: Partial<Record<(typeof PROXY_KEYS)[number], unknown>>): Promise<void> {
    let seen = 0;
    const sub = api.config.onDidChange((c) => {
      if (c.network) seen++;
    });
    try {
      for (const [key, value] of Object.entries(values))
        await http().update(key, value, vscode.ConfigurationTarget.Global);
      for (let i = 0; i < 50 && seen === 0; i++) await new Promise((r) => setTimeout(r, 100));
      assert.ok(seen > 0, 'a change to the proxy settings is a network change');
    } finally {
      sub.dispose();
    }
  }

  before(async () => {
    fx = await openSimulator({ keyCount: 3 });
    ({ api, sim } = fx);
    const port = Number(new URL(sim.aione.url).port);
    proxy = await startLoopbackProxy({
      routes: { [`aione.test:${port}`]: { host: '127.0.0.1', port } },
      requireAuthorization: PROXY_AUTH,
    });
  });

  after(async () => {
    if (connectionId) fx?.track(connectionId);
    for (const key of PROXY_KEYS)
      await Promise.resolve(http().update(key, undefined, vscode.ConfigurationTarget.Global)).catch(() => undefined);
    await proxy?.close();
    await fx?.close();
  });

  it('ConfigService.network() carries the http.* proxy settings and the proxy variables of the environment', async () => {
    await setHttp({
      proxy: proxy.url,
      noProxy: ['intranet.test', '10.0.0.0/8'],
      proxyAuthorization: PROXY_AUTH,
      proxyStrictSSL: false,
    });
    const saved = process.env.HTTPS_PROXY;
    process.env.HTTPS_PROXY = 'http://env-proxy.test:3128';
    try {
      const p = api.config.network().proxy;
      assert.equal(p.url, proxy.url);
      assert.deepEqual(p.noProxy, ['intranet.test', '10.0.0.0/8']);
      assert.equal(p.authorization, PROXY_AUTH);
      assert.equal(p.strictSSL, false);
      assert.equal(p.env?.HTTPS_PROXY, 'http://env-proxy.test:3128');
      const via = resolveProxy(new URL('https://api.example.com/v1'), p);
      assert.ok(via.kind === 'proxy' && via.proxy.uri === proxy.url && via.proxy.authorization === PROXY_AUTH);
      assert.equal(resolveProxy(new URL('https://git.intranet.test/'), p).kind, 'direct', 'http.noProxy');
      assert.equal(resolveProxy(new URL('http://10.20.30.40/'), p).kind, 'direct', 'a CIDR range in http.noProxy');
      assert.equal(resolveProxy(new URL(sim.aione.url), p).kind, 'direct', 'loopback');
    } finally {
      if (saved === undefined) delete process.env.HTTPS_PROXY;
      else process.env.HTTPS_PROXY = saved;
    }
    await setHttp({ proxy: undefined, noProxy: undefined, proxyAuthorization: undefined, proxyStrictSSL: undefined });
    const cleared = api.config.network().proxy;
    assert.equal(cleared.url, undefined);
    assert.deepEqual(cleared.noProxy, []);
    assert.equal(cleared.strictSSL, true);
  });

  it('reaches a gateway that is not on loopback through http.proxy, with http.proxyAuthorization', async () => {
    await setHttp({ proxy: proxy.url, proxyAuthorization: PROXY_AUTH });
    const port = new URL(sim.aione.url).port;
    const profile = await api.connections.add(
      { kind: 'aione', label: 'Behind a proxy', baseUrl: `http://aione.test:${port}`, allowInsecureHttp: true },
      sim.aione.adminToken,
    );
    connectionId = profile.id;
    const before = proxy.hits.length;
    await api.connections.test(profile.id);
    const hits = proxy.hits.slice(before);
    assert.ok(hits.length > 0, 'the call went through the proxy');
    assert.ok(
      hits.every(
        (h) =>
          h.method === 'GET' &&
          h.target.startsWith(`http://aione.test:${port}/`) &&
          h.proxyAuthorization === PROXY_AUTH,
      ),
      JSON.stringify(hits),
    );
  });

  it('shows a proxy that refuses the credentials as an error naming the proxy and what to check — not as a cancel', async () => {
    assert.ok(connectionId);
    await setHttp({ proxyAuthorization: 'Basic d3Jvbmc6d3Jvbmc=' });
    await assert.rejects(api.connections.test(connectionId), (e: unknown) => errorKind(e) === 'proxy');
    // The Models view: before, the 407 came back as "cancelled" and the view showed nothing at all.
    api.models.refresh(connectionId);
    const node = (await api.models.getChildren()).find(
      (n) => n.kind === 'connection' && n.connectionId === connectionId,
    );
    assert.ok(node);
    const children = await api.models.getChildren(node);
    assert.equal(children.length, 1, 'one error row');
    const item = api.models.getTreeItem(children[0]!);
    const label = typeof item.label === 'string' ? item.label : (item.label?.label ?? '');
    assert.equal(item.contextValue, 'aiGateway.modelsError');
    assert.ok(label.includes(`127.0.0.1:${proxy.port}`), label);
    assert.match(label, /http\.proxyAuthorization/);
    assert.ok(!label.includes('d3Jvbmc6d3Jvbmc='), 'never the credentials');
  });

  it('sends a host in http.noProxy direct: the proxy is not asked', async () => {
    assert.ok(connectionId);
    await setHttp({ proxyAuthorization: PROXY_AUTH, noProxy: ['aione.test'] });
    const p = api.config.network().proxy;
    assert.equal(resolveProxy(new URL(`http://aione.test:${new URL(sim.aione.url).port}/`), p).kind, 'direct');
    await setHttp({ noProxy: [] });
    const before = proxy.hits.length;
    await api.connections.test(connectionId);
    assert.ok(proxy.hits.length > before, 'with the entry removed, the proxy is used again (the client was rebuilt)');
  });
});

describe('When to retry: the sentence names the moment the gateway gave (Retry-After)', function () {
  this.timeout(60000);
  let api: AiGatewayTestApi;
  let sim: Simulator;
  let fx: SimulatorFixture | undefined;
  let id = '';

  before(async () => {
    fx = await openSimulator({ keyCount: 3 });
    ({ api, sim } = fx);
    id = await fx.add('aione', 'Retry later');
  });
  after(async () => {
    await fx?.close();
  });

  const errorRow = async (): Promise<string> => {
    api.models.refresh(id);
    const node = (await api.models.getChildren()).find((n) => n.kind === 'connection' && n.connectionId === id);
    assert.ok(node);
    const children = await api.models.getChildren(node);
    assert.equal(children.length, 1);
    const item = api.models.getTreeItem(children[0]!);
    return typeof item.label === 'string' ? item.label : (item.label?.label ?? '');
  };

  it('a short wait is said in seconds, a long one as the time of day — and neither is waited out by the client', async () => {
    sim.faults.add({
      gateway: 'aione',
      method: 'GET',
      path: '/api/v1/models',
      times: 1,
      fault: { kind: 'status', status: 429, retryAfter: 45 },
    });
    const before = sim.requests.length;
    assert.match(await errorRow(), /try again in 45 s\./);
    assert.equal(
      sim.requests.slice(before).filter((r) => r.path === '/api/v1/models').length,
      1,
      'a 45 s Retry-After is past the client’s retry budget: one request',
    );
    sim.faults.add({
      gateway: 'aione',
      method: 'GET',
      path: '/api/v1/models',
      times: 1,
      fault: { kind: 'status', status: 429, retryAfter: 3600 },
    });
    assert.match(await errorRow(), /try again at \d{1,2}[:.]\d{2}/);
  });
});
