/**
 * Certificates for the simulator's TLS mode, made at start with node:crypto alone (no openssl, no files, no
 * dependency): a test certificate authority (EC P-256, `CA:TRUE`) and a server certificate it signs for
 * `localhost`, `127.0.0.1` and `::1`. A client trusts the simulator by trusting exactly this CA (undici's `ca`
 * option, or NODE_EXTRA_CA_CERTS for a whole process); nothing turns verification off.
 *
 * Node can sign but has no X.509 builder, so the few DER structures a certificate needs are written here.
 */
import { createPrivateKey, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { isIP } from 'node:net';

export interface TlsMaterial {
  /** PEM of the test CA: what a client trusts. */
  readonly ca: string;
  /** PEM of the server certificate followed by the CA (the chain the server presents). */
  readonly cert: string;
  /** PEM (PKCS#8) of the server's private key. */
  readonly key: string;
}

// ------------------------------------------------------------------------------------------ DER

function tlv(tag: number, body: Buffer): Buffer {
  const n = body.length;
  if (n < 0x80) return Buffer.concat([Buffer.from([tag, n]), body]);
  const len: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) len.unshift(v % 256);
  return Buffer.concat([Buffer.from([tag, 0x80 | len.length, ...len]), body]);
}

const sequence = (...items: Buffer[]): Buffer => tlv(0x30, Buffer.concat(items));
const set = (...items: Buffer[]): Buffer => tlv(0x31, Buffer.concat(items));
const octetString = (b: Buffer): Buffer => tlv(0x04, b);
const utf8String = (s: string): Buffer => tlv(0x0c, Buffer.from(s, 'utf8'));
const boolTrue = (): Buffer => tlv(0x01, Buffer.from([0xff]));
const explicit = (n: number, inner: Buffer): Buffer => tlv(0xa0 + n, inner);

/** A BIT STRING of whole bytes; `unused` low bits of the last byte are not part of it. */
const bitString = (b: Buffer, unused = 0): Buffer => tlv(0x03, Buffer.concat([Buffer.from([unused]), b]));

function positiveInteger(b: Buffer): Buffer {
  let v = b;
  while (v.length > 1 && v[0] === 0 && (v[1] ?? 0) < 0x80) v = v.subarray(1);
  if ((v[0] ?? 0) >= 0x80) v = Buffer.concat([Buffer.from([0]), v]);
  return tlv(0x02, v);
}

function oid(dotted: string): Buffer {
  const [first = 0, second = 0, ...rest] = dotted.split('.').map(Number);
  const bytes = [40 * first + second];
  for (const arc of rest) {
    const groups: number[] = [];
    for (let v = arc; ; v = Math.floor(v / 128)) {
      groups.unshift(v % 128);
      if (v < 128) break;
    }
    bytes.push(...groups.map((g, i) => (i < groups.length - 1 ? g | 0x80 : g)));
  }
  return tlv(0x06, Buffer.from(bytes));
}

function utcTime(ms: number): Buffer {
  const d = new Date(ms);
  const two = (n: number): string => String(n).padStart(2, '0');
  const s = `${two(d.getUTCFullYear() % 100)}${two(d.getUTCMonth() + 1)}${two(d.getUTCDate())}${two(d.getUTCHours())}${two(d.getUTCMinutes())}${two(d.getUTCSeconds())}Z`;
  return tlv(0x17, Buffer.from(s, 'ascii'));
}

function ipAddressBytes(ip: string): Buffer {
  if (isIP(ip) === 4) return Buffer.from(ip.split('.').map(Number));
  const [head = '', tail = ''] = ip.split('::');
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t].map((g) => parseInt(g, 16));
  return Buffer.from(groups.flatMap((g) => [g >> 8, g & 0xff]));
}

const commonName = (cn: string): Buffer => sequence(set(sequence(oid('2.5.4.3'), utf8String(cn))));
const extension = (id: string, value: Buffer, critical = false): Buffer =>
  critical ? sequence(oid(id), boolTrue(), octetString(value)) : sequence(oid(id), octetString(value));

const ECDSA_SHA256 = sequence(oid('1.2.840.10045.4.3.2'));

function pem(label: string, der: Buffer): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

interface CertSpec {
  readonly subject: string;
  readonly issuer: string;
  readonly publicKey: KeyObject;
  readonly signer: KeyObject;
  readonly extensions: readonly Buffer[];
  readonly notBefore: number;
  readonly notAfter: number;
}

function certificate(spec: CertSpec): Buffer {
  const serial = randomBytes(16);
  serial[0] = (serial[0] ?? 0) & 0x7f;
  const tbs = sequence(
    explicit(0, positiveInteger(Buffer.from([2]))), // v3
    positiveInteger(serial),
    ECDSA_SHA256,
    commonName(spec.issuer),
    sequence(utcTime(spec.notBefore), utcTime(spec.notAfter)),
    commonName(spec.subject),
    spec.publicKey.export({ type: 'spki', format: 'der' }),
    explicit(3, sequence(...spec.extensions)),
  );
  return sequence(tbs, ECDSA_SHA256, bitString(sign('sha256', tbs, spec.signer)));
}

// ------------------------------------------------------------------------------------------ API

export interface TlsOptions {
  /** DNS names of the server certificate (default localhost). */
  readonly dnsNames?: readonly string[];
  /** IP addresses of the server certificate (default 127.0.0.1 and ::1). */
  readonly ips?: readonly string[];
  /** Clock for the validity window (an hour back, 30 days ahead). */
  readonly now?: number;
}

/** A fresh test CA and a server certificate it signed. */
export function createTlsMaterial(opts: TlsOptions = {}): TlsMaterial {
  const now = opts.now ?? Date.now();
  const dnsNames = opts.dnsNames ?? ['localhost'];
  const ips = opts.ips ?? ['127.0.0.1', '::1'];
  const validity = { notBefore: now - 60 * 60_000, notAfter: now + 30 * 24 * 60 * 60_000 };
  const caKeys = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const serverKeys = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  // a name of its own: a client trusting several test CAs finds the issuer by name
  const caName = `AI Gateway Console test CA ${randomBytes(6).toString('hex')}`;
  const caDer = certificate({
    subject: caName,
    issuer: caName,
    publicKey: caKeys.publicKey,
    signer: caKeys.privateKey,
    ...validity,
    extensions: [
      extension('2.5.29.19', sequence(boolTrue()), true), // basicConstraints: CA
      extension('2.5.29.15', bitString(Buffer.from([0x86]), 1), true), // keyUsage: digitalSignature, keyCertSign, cRLSign
    ],
  });
  const san = sequence(
    ...dnsNames.map((n) => tlv(0x82, Buffer.from(n, 'ascii'))),
    ...ips.map((ip) => tlv(0x87, ipAddressBytes(ip))),
  );
  const serverDer = certificate({
    subject: dnsNames[0] ?? ips[0] ?? 'localhost',
    issuer: caName,
    publicKey: serverKeys.publicKey,
    signer: caKeys.privateKey,
    ...validity,
    extensions: [
      extension('2.5.29.19', sequence(), true), // basicConstraints: not a CA
      extension('2.5.29.15', bitString(Buffer.from([0x80]), 7), true), // keyUsage: digitalSignature
      extension('2.5.29.37', sequence(oid('1.3.6.1.5.5.7.3.1'))), // extKeyUsage: serverAuth
      extension('2.5.29.17', san),
    ],
  });
  const ca = pem('CERTIFICATE', caDer);
  return {
    ca,
    cert: pem('CERTIFICATE', serverDer) + ca,
    key: serverKeys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}

let shared: TlsMaterial | undefined;

/** One CA per process, so every simulator a test process starts is trusted through the same `ca`. */
export function sharedTlsMaterial(): TlsMaterial {
  shared ??= createTlsMaterial();
  return shared;
}

/** Checks that PEM strings given from outside (files, environment) are a usable key and certificate. */
export function checkTlsMaterial(m: TlsMaterial): TlsMaterial {
  if (!/-----BEGIN CERTIFICATE-----/.test(m.cert) || !/-----BEGIN CERTIFICATE-----/.test(m.ca)) {
    throw new TypeError('tls: cert and ca must be PEM certificates');
  }
  createPrivateKey(m.key); // throws on a bad key
  return m;
}
