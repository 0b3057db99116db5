/**
 * A self-signed certificate made at test start (no openssl, no files): an EC P-256 key and an X.509 v3
 * certificate for the given DNS names and IP addresses, marked as its own CA so a client can trust exactly it
 * through its `ca` option. Only for tests.
 */
import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { isIP } from 'node:net';

function der(tag: number, content: Buffer): Buffer {
  const n = content.length;
  let len: Buffer;
  if (n < 0x80) len = Buffer.from([n]);
  else {
    const bytes: number[] = [];
    for (let v = n; v > 0; v >>= 8) bytes.unshift(v & 0xff);
    len = Buffer.from([0x80 | bytes.length, ...bytes]);
  }
  return Buffer.concat([Buffer.from([tag]), len, content]);
}

const seq = (...items: Buffer[]): Buffer => der(0x30, Buffer.concat(items));
const set = (...items: Buffer[]): Buffer => der(0x31, Buffer.concat(items));
const octets = (b: Buffer): Buffer => der(0x04, b);
const bits = (b: Buffer): Buffer => der(0x03, Buffer.concat([Buffer.from([0]), b]));
const bool = (v: boolean): Buffer => der(0x01, Buffer.from([v ? 0xff : 0]));
const utf8 = (s: string): Buffer => der(0x0c, Buffer.from(s, 'utf8'));

function integer(b: Buffer): Buffer {
  let v = b;
  while (v.length > 1 && v[0] === 0 && (v[1] ?? 0) < 0x80) v = v.subarray(1);
  if ((v[0] ?? 0) >= 0x80) v = Buffer.concat([Buffer.from([0]), v]);
  return der(0x02, v);
}

function oid(dotted: string): Buffer {
  const [a = 0, b = 0, ...rest] = dotted.split('.').map(Number);
  const out = [40 * a + b];
  for (const n of rest) {
    const groups: number[] = [];
    let v = n;
    do {
      groups.unshift(v & 0x7f);
      v >>= 7;
    } while (v > 0);
    groups.forEach((g, i) => out.push(i < groups.length - 1 ? g | 0x80 : g));
  }
  return der(0x06, Buffer.from(out));
}

function utcTime(d: Date): Buffer {
  const p = (n: number): string => String(n).padStart(2, '0');
  const s = `${p(d.getUTCFullYear() % 100)}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}Z`;
  return der(0x17, Buffer.from(s, 'ascii'));
}

function ipBytes(ip: string): Buffer {
  if (isIP(ip) === 4) return Buffer.from(ip.split('.').map(Number));
  const [head = '', tail = ''] = ip.split('::');
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = [...h, ...new Array<string>(8 - h.length - t.length).fill('0'), ...t];
  return Buffer.concat(groups.map((g) => Buffer.from([parseInt(g, 16) >> 8, parseInt(g, 16) & 0xff])));
}

function pem(label: string, body: Buffer): string {
  const b64 = body
    .toString('base64')
    .replace(/(.{64})/g, '$1\n')
    .replace(/\n$/, '');
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}

export interface TestCertificate {
  /** PEM private key (PKCS#8). */
  readonly key: string;
  /** PEM certificate; also what the client trusts (`ca`). */
  readonly cert: string;
}

export function selfSignedCertificate(names: readonly string[], ips: readonly string[] = []): TestCertificate {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const ecdsaSha256 = seq(oid('1.2.840.10045.4.3.2'));
  const name = seq(set(seq(oid('2.5.4.3'), utf8(names[0] ?? 'test'))));
  const now = Date.now();
  const san = seq(...names.map((n) => der(0x82, Buffer.from(n, 'ascii'))), ...ips.map((ip) => der(0x87, ipBytes(ip))));
  const extensions = der(
    0xa3,
    seq(
      seq(oid('2.5.29.19'), bool(true), octets(seq(bool(true)))),
      seq(oid('2.5.29.15'), bool(true), octets(bits(Buffer.from([0x84])))), // digitalSignature, keyCertSign
      seq(oid('2.5.29.17'), octets(san)),
    ),
  );
  const tbs = seq(
    der(0xa0, integer(Buffer.from([2]))),
    integer(randomBytes(12)),
    ecdsaSha256,
    name,
    seq(utcTime(new Date(now - 60 * 60_000)), utcTime(new Date(now + 24 * 60 * 60_000))),
    name,
    publicKey.export({ type: 'spki', format: 'der' }),
    extensions,
  );
  const signature = sign('sha256', tbs, privateKey);
  const cert = seq(tbs, ecdsaSha256, bits(signature));
  return { key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), cert: pem('CERTIFICATE', cert) };
}
