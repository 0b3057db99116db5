/**
 * The transport real gateways use: https. The simulator serves TLS with a certificate signed by a test CA made at
 * start; the client trusts exactly that CA through its `tls.ca` option. Verification is never turned off, so a
 * client without the CA, with another CA, or reaching a host the certificate does not name must refuse, before a
 * single byte of HTTP (or a token) is sent. (Through a proxy's CONNECT tunnel: test/unit/proxy.test.ts.)
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import tls from 'node:tls';
import type { GatewayError } from '../../src/gateway/errors';
import { HttpClient } from '../../src/gateway/http';
import { createGateway } from '../../src/gateway/index';
import { createTlsMaterial } from '../simulator/tls';
import { gatewayFor, rejectsWith, startSimulator, type Simulator } from './support';

/** undici / OpenSSL codes of a certificate the client does not trust, or one that does not name the host. */
const CERT_REFUSED =
  /^(UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT_LOCALLY|SELF_SIGNED_CERT_IN_CHAIN|DEPTH_ZERO_SELF_SIGNED_CERT|CERT_SIGNATURE_FAILURE)$/;

async function refused(p: Promise<unknown>, code: RegExp): Promise<GatewayError> {
  const e = await rejectsWith(p, 'network');
  assert.match(e.code ?? '', code, `code ${String(e.code)}: ${e.message}`);
  assert.match(e.message, new RegExp(`^Network error: ${e.code ?? ''} `));
  return e;
}

describe('https: the simulator over TLS, trusted through the client’s CA option', () => {
  let sim: Simulator;
  before(async () => {
    sim = await startSimulator({ seed: 5, keyCount: 6, streamTokensPerSecond: 0, tls: true });
  });
  after(() => sim.close());

  it('serves https URLs and hands out the CA to trust (a PEM certificate, no key)', () => {
    assert.match(sim.aione.url, /^https:\/\/127\.0\.0\.1:\d+$/);
    assert.match(sim.aihubmix.url, /^https:\/\/127\.0\.0\.1:\d+$/);
    assert.match(sim.tls?.ca ?? '', /^-----BEGIN CERTIFICATE-----\n[\s\S]+\n-----END CERTIFICATE-----\n$/);
    assert.doesNotMatch(sim.tls?.ca ?? '', /PRIVATE KEY/);
  });

  it('a client given the CA (as one PEM or a list) reaches the gateway over https', async () => {
    for (const ca of [sim.tls?.ca ?? '', [sim.tls?.ca ?? '']]) {
      const client = new HttpClient({ tls: { ca } });
      const before = sim.requests.length;
      const res = await client.request({
        method: 'GET',
        url: `${sim.aione.url}/v1/models`,
        headers: { authorization: `Bearer ${sim.aione.modelKey}` },
        operation: 'list models',
      });
      assert.equal(res.status, 200);
      assert.ok(Array.isArray((JSON.parse(res.text) as { data: unknown[] }).data));
      assert.equal(sim.requests.length, before + 1);
      assert.equal(sim.requests.at(-1)?.path, '/v1/models');
      await client.dispose();
    }
  });

  it('the CA is added to the ones Node trusts, not instead of the simulator’s: an unrelated CA beside it still works', async () => {
    const other = createTlsMaterial();
    const client = new HttpClient({ tls: { ca: [other.ca, sim.tls?.ca ?? ''] } });
    const res = await client.request({
      method: 'GET',
      url: `${sim.aione.url}/v1/models`,
      headers: { authorization: `Bearer ${sim.aione.modelKey}` },
      operation: 'list models',
    });
    assert.equal(res.status, 200);
    await client.dispose();
  });

  it('the CA option adds to the CAs Node trusts by default (its bundle, NODE_EXTRA_CA_CERTS), it does not replace them', async () => {
    const nodeTls = tls as typeof tls & {
      getCACertificates(type: 'default'): string[];
      setDefaultCACertificates(certs: string[]): void;
    };
    const elsewhere = createTlsMaterial();
    const other = await startSimulator({ seed: 6, keyCount: 2, tls: elsewhere });
    const defaults = nodeTls.getCACertificates('default');
    // the other gateway's CA becomes one Node trusts by default, as a corporate CA would be
    nodeTls.setDefaultCACertificates([...defaults, elsewhere.ca]);
    const client = new HttpClient({ tls: { ca: sim.tls?.ca ?? '' } });
    try {
      assert.equal(
        (await client.request({ method: 'GET', url: `${sim.aihubmix.url}/api/status`, operation: 'status' })).status,
        200,
        'the CA given',
      );
      assert.equal(
        (await client.request({ method: 'GET', url: `${other.aihubmix.url}/api/status`, operation: 'status' })).status,
        200,
        'a CA Node trusts by default',
      );
    } finally {
      nodeTls.setDefaultCACertificates(defaults);
      await client.dispose();
      await other.close();
    }
  });

  it('without the CA the certificate is refused and nothing reaches the server', async () => {
    const client = new HttpClient({ gateway: 'AIone (tls)' });
    const before = sim.requests.length;
    const e = await refused(
      client.request({
        method: 'GET',
        url: `${sim.aione.url}/v1/models`,
        headers: { authorization: 'Bearer sk-secret' },
        operation: 'list models',
      }),
      CERT_REFUSED,
    );
    assert.equal(e.gateway, 'AIone (tls)');
    assert.equal(e.operation, 'list models');
    assert.equal(sim.requests.length, before, 'the TLS handshake failed before any request');
    await client.dispose();
  });

  it('a CA that did not sign the certificate is refused too', async () => {
    const client = new HttpClient({ tls: { ca: createTlsMaterial().ca } });
    const before = sim.requests.length;
    await refused(
      client.request({ method: 'GET', url: `${sim.aihubmix.url}/api/status`, operation: 'status' }),
      CERT_REFUSED,
    );
    assert.equal(sim.requests.length, before);
    await client.dispose();
  });

  it('a stream (chat) over https needs the CA as well', async () => {
    const body = { model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'hi' }] };
    const trusted = new HttpClient({ tls: { ca: sim.tls?.ca ?? '' } });
    const res = await trusted.stream({
      method: 'POST',
      url: `${sim.aione.url}/v1/chat/completions`,
      headers: { authorization: `Bearer ${sim.aione.modelKey}` },
      json: body,
      operation: 'chat',
    });
    assert.equal(res.status, 200);
    let text = '';
    for await (const chunk of res.body) text += Buffer.from(chunk).toString('utf8');
    assert.match(text, /data: \[DONE\]/);
    await trusted.dispose();
    const untrusted = new HttpClient({});
    await refused(
      untrusted.stream({ method: 'POST', url: `${sim.aione.url}/v1/chat/completions`, json: body, operation: 'chat' }),
      CERT_REFUSED,
    );
    await untrusted.dispose();
  });

  it('createGateway passes the CA to its client: both adapters work over https, and fail as network errors without it', async () => {
    for (const kind of ['aione', 'aihubmix'] as const) {
      const gw = gatewayFor(sim, kind);
      const page = await gw.listKeys({ page: 0, pageSize: 3 });
      assert.equal(page.items.length, 3);
      await gw.dispose();
      const blind = createGateway(
        {
          kind,
          baseUrl: kind === 'aione' ? sim.aione.url : sim.aihubmix.url,
          getToken: () => Promise.resolve(kind === 'aione' ? sim.aione.adminToken : sim.aihubmix.accessToken),
        },
        { retry: { baseDelayMs: 1, maxDelayMs: 1 } },
      );
      const before = sim.requests.length;
      await refused(blind.listKeys({ page: 0, pageSize: 3 }), CERT_REFUSED);
      assert.equal(sim.requests.length, before, `${kind}: no request (and no token) went out`);
      await blind.dispose();
    }
  });
});

describe('https: the certificate must name the host', () => {
  let sim: Simulator;
  before(async () => {
    // a certificate for 127.0.0.1 only, served on another loopback address
    const material = createTlsMaterial({ dnsNames: ['localhost'], ips: ['127.0.0.1'] });
    sim = await startSimulator({ host: '127.0.0.2', seed: 5, keyCount: 2, tls: material });
  });
  after(() => sim.close());

  it('a trusted certificate for another address is refused (ERR_TLS_CERT_ALTNAME_INVALID)', async () => {
    assert.match(sim.aione.url, /^https:\/\/127\.0\.0\.2:/);
    const client = new HttpClient({ tls: { ca: sim.tls?.ca ?? '' } });
    await refused(
      client.request({ method: 'GET', url: `${sim.aione.url}/v1/models`, operation: 'list models' }),
      /^ERR_TLS_CERT_ALTNAME_INVALID$/,
    );
    assert.equal(sim.requests.length, 0);
    await client.dispose();
  });
});
