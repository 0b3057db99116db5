/** The simulator's TLS material: a real CA and a server certificate it signed, checked with Node's X.509 parser. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate, createPrivateKey, createPublicKey } from 'node:crypto';
import { parseArgs } from '../simulator/cli';
import { checkTlsMaterial, createTlsMaterial, sharedTlsMaterial } from '../simulator/tls';

function chain(pem: string): X509Certificate[] {
  return (pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n/g) ?? []).map(
    (c) => new X509Certificate(c),
  );
}

describe('simulator TLS material', () => {
  const now = Date.parse('2026-03-01T12:00:00Z');
  const m = createTlsMaterial({ now });
  const ca = new X509Certificate(m.ca);
  const [leaf, presentedCa] = chain(m.cert);

  it('the CA is a self-signed CA certificate; the server presents its certificate followed by that CA', () => {
    assert.equal(ca.ca, true);
    assert.equal(ca.subject, ca.issuer);
    assert.ok(ca.verify(ca.publicKey), 'self-signed');
    assert.ok(leaf && presentedCa);
    assert.equal(presentedCa.fingerprint256, ca.fingerprint256);
    assert.equal(leaf.ca, false);
  });

  it('the server certificate is signed by the CA and names localhost, 127.0.0.1 and ::1 — nothing else', () => {
    assert.ok(leaf?.checkIssued(ca));
    assert.ok(leaf?.verify(ca.publicKey));
    assert.equal(leaf?.checkHost('localhost'), 'localhost');
    assert.equal(leaf?.checkIP('127.0.0.1'), '127.0.0.1');
    assert.equal(leaf?.checkIP('::1'), '::1');
    assert.equal(leaf?.checkHost('example.com'), undefined);
    assert.equal(leaf?.checkIP('127.0.0.2'), undefined);
    assert.equal(leaf?.subjectAltName, 'DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1');
    assert.deepEqual(leaf?.keyUsage, ['1.3.6.1.5.5.7.3.1'], 'extended key usage: serverAuth');
  });

  it('is valid from an hour before `now` to 30 days after', () => {
    for (const c of [ca, leaf]) {
      assert.equal(Date.parse(c?.validFrom ?? ''), now - 60 * 60_000);
      assert.equal(Date.parse(c?.validTo ?? ''), now + 30 * 24 * 60 * 60_000);
    }
  });

  it('the key matches the server certificate; the CA PEM carries no private key', () => {
    const pub = createPublicKey(createPrivateKey(m.key)).export({ type: 'spki', format: 'der' });
    assert.deepEqual(pub, leaf?.publicKey.export({ type: 'spki', format: 'der' }));
    assert.doesNotMatch(m.ca + m.cert, /PRIVATE KEY/);
  });

  it('each CA is new (own key and name); one is shared per process', () => {
    const other = new X509Certificate(createTlsMaterial().ca);
    assert.notEqual(other.subject, ca.subject);
    assert.notEqual(other.fingerprint256, ca.fingerprint256);
    assert.equal(sharedTlsMaterial(), sharedTlsMaterial());
  });

  it('names and addresses can be chosen; given material is checked', () => {
    const custom = chain(createTlsMaterial({ dnsNames: ['gw.test'], ips: ['127.0.0.9', 'fe80::1:2'] }).cert)[0];
    assert.equal(custom?.subjectAltName, 'DNS:gw.test, IP Address:127.0.0.9, IP Address:FE80:0:0:0:0:0:1:2');
    assert.equal(checkTlsMaterial(m), m);
    assert.throws(() => checkTlsMaterial({ ...m, cert: 'not a certificate' }), /PEM certificates/);
    assert.throws(() => checkTlsMaterial({ ...m, key: 'not a key' }));
  });

  it('the CLI takes --tls on|off and --ca-file (and their environment fallbacks)', () => {
    assert.equal(parseArgs([], {}).tls, false);
    assert.equal(parseArgs(['--tls', 'on'], {}).tls, true);
    assert.equal(parseArgs([], { AGC_SIM_TLS: 'on' }).tls, true);
    assert.equal(parseArgs(['--ca-file', '/tmp/ca.pem'], {}).caFile, '/tmp/ca.pem');
    assert.equal(parseArgs([], { AGC_SIM_CA_FILE: '/x/ca.pem' }).caFile, '/x/ca.pem');
    assert.equal(parseArgs([], {}).caFile, undefined);
    assert.throws(() => parseArgs(['--tls', 'yes'], {}), /--tls must be one of on, off/);
  });
});
