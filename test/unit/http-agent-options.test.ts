/**
 * What the client's agents are made with, as plain option objects: the TLS trust (the extra CAs added to Node's
 * default store, never instead of it; verification on unless a proxy setting turns it off), the direct agent's
 * connect options, and a proxy agent's URI (SOCKS credentials encoded into it), token, tunnelling and TLS of both legs.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { LookupFunction } from 'node:net';
import tls from 'node:tls';
import { directAgentOptions, proxyAgentOptions, trustOptions } from '../../src/gateway/httpRoutes';
import type { ResolvedProxy } from '../../src/gateway/proxy';

const CA = '-----BEGIN CERTIFICATE-----\nMIIBtest\n-----END CERTIFICATE-----\n';
const CA2 = '-----BEGIN CERTIFICATE-----\nMIIBsecond\n-----END CERTIFICATE-----\n';
/** Node's default store, as the client reads it (getCACertificates where Node has it, else the bundled roots). */
const defaults =
  (tls as { getCACertificates?: (type: 'default') => string[] }).getCACertificates?.('default') ?? tls.rootCertificates;
const lookup: LookupFunction = (_host, _opts, cb) => cb(null, '127.0.0.1', 4);

const httpProxy: ResolvedProxy = {
  uri: 'http://proxy.corp:3128',
  display: 'proxy.corp:3128',
  protocol: 'http:',
  strictSSL: true,
  source: 'http.proxy',
};

describe('trustOptions', () => {
  it('without extra CAs: no ca (Node’s own store), verification as asked', () => {
    assert.deepEqual(trustOptions(undefined), { rejectUnauthorized: true });
    assert.deepEqual(trustOptions(undefined, false), { rejectUnauthorized: false });
  });

  it('extra CAs come after every default one, a single PEM or a list', () => {
    assert.ok(defaults.length > 10, 'Node has a default store');
    assert.deepEqual(trustOptions(CA), { ca: [...defaults, CA], rejectUnauthorized: true });
    assert.deepEqual(trustOptions([CA, CA2], false), { ca: [...defaults, CA, CA2], rejectUnauthorized: false });
    assert.deepEqual(trustOptions([]), { ca: [...defaults], rejectUnauthorized: true });
  });
});

describe('directAgentOptions', () => {
  it('the connect timeout, the trust and the lookup when given; keep-alive 10 s', () => {
    assert.deepEqual(directAgentOptions(1234, undefined), {
      connect: { timeout: 1234, rejectUnauthorized: true },
      keepAliveTimeout: 10_000,
    });
    assert.deepEqual(directAgentOptions(50, CA, lookup), {
      connect: { timeout: 50, ca: [...defaults, CA], rejectUnauthorized: true, lookup },
      keepAliveTimeout: 10_000,
    });
  });
});

describe('proxyAgentOptions', () => {
  it('an http proxy: its URI, no token, no tunnel for http targets, the same TLS on both legs', () => {
    const o = proxyAgentOptions(httpProxy, 777, undefined);
    assert.deepEqual(o, {
      uri: 'http://proxy.corp:3128',
      proxyTunnel: false,
      requestTls: { timeout: 777, rejectUnauthorized: true },
      proxyTls: { timeout: 777, rejectUnauthorized: true },
      keepAliveTimeout: 10_000,
    });
  });

  it('the proxy’s credentials as its token; strictSSL off on both legs; the extra CAs and lookup on both', () => {
    const o = proxyAgentOptions({ ...httpProxy, authorization: 'Basic Ym9iOnB3', strictSSL: false }, 10, [CA], lookup);
    const legs = { timeout: 10, ca: [...defaults, CA], rejectUnauthorized: false, lookup };
    assert.deepEqual(o, {
      uri: 'http://proxy.corp:3128',
      token: 'Basic Ym9iOnB3',
      proxyTunnel: false,
      requestTls: legs,
      proxyTls: legs,
      keepAliveTimeout: 10_000,
    });
  });

  it('a SOCKS proxy: its credentials percent-encoded into the URI, on its host:port', () => {
    const o = proxyAgentOptions(
      {
        ...httpProxy,
        uri: 'socks5://socks.corp:1080',
        display: 'socks.corp:1080',
        protocol: 'socks5:',
        socks: { username: 'us er', password: 'p@ss:w/rd' },
      },
      10,
      undefined,
    );
    assert.equal(o.uri, 'socks5://us%20er:p%40ss%3Aw%2Frd@socks.corp:1080');
    assert.equal('token' in o, false);
  });
});
