/**
 * IP literals as the base-URL rules and the proxy bypass read them (src/core/net.ts): the exact bytes of every
 * IPv4 / IPv6 spelling, what is refused, which spellings name the same address, and CIDR ranges at their bounds.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isLoopbackHost, parseCidr, parseIp, sameIp } from '../../src/core/net';

const bytes = (ip: Uint8Array | undefined) => (ip ? [...ip] : undefined);
const v6 = (...groups: number[]) => groups.flatMap((g) => [g >> 8, g & 0xff]);
const ip = (text: string): Uint8Array => {
  const b = parseIp(text);
  assert.ok(b, text);
  return b;
};

describe('core/net: the bytes of an IP literal', () => {
  it('reads IPv4, IPv6 with and without ::, an embedded IPv4 tail, brackets, a zone and white space around', () => {
    for (const [text, want] of [
      ['10.20.30.40', [10, 20, 30, 40]],
      [' 127.0.0.1 ', [127, 0, 0, 1]],
      ['1:2:3:4:5:6:7:8', v6(1, 2, 3, 4, 5, 6, 7, 8)],
      ['1:2:3:4:5:6:7::', v6(1, 2, 3, 4, 5, 6, 7, 0)],
      ['::2:3:4:5:6:7:8', v6(0, 2, 3, 4, 5, 6, 7, 8)],
      ['::', v6(0, 0, 0, 0, 0, 0, 0, 0)],
      ['1::', v6(1, 0, 0, 0, 0, 0, 0, 0)],
      ['::1', v6(0, 0, 0, 0, 0, 0, 0, 1)],
      ['fe80::1%eth0', v6(0xfe80, 0, 0, 0, 0, 0, 0, 1)],
      [' [::1] ', v6(0, 0, 0, 0, 0, 0, 0, 1)],
      ['::ffff:10.20.30.40', v6(0, 0, 0, 0, 0, 0xffff, 0x0a14, 0x1e28)],
      ['::1.2.3.4', v6(0, 0, 0, 0, 0, 0, 0x0102, 0x0304)],
      ['1:2:3:4:5:6:1.2.3.4', v6(1, 2, 3, 4, 5, 6, 0x0102, 0x0304)],
    ] as const)
      assert.deepEqual(bytes(parseIp(text)), want, text);
  });

  it('refuses names, bad octets or groups, too many or too few groups, a second ::, half a bracket, text around', () => {
    for (const text of [
      'example.com',
      '256.1.1.1',
      'x1.2.3.4',
      '1.2.3.4x',
      '1.2.3',
      '1:2:3:4:5:6:7',
      '1:2:3:4:5:6:7:8:9',
      '1:2:3:4::5:6:7:8',
      '1::2::3',
      '1:2:3:4:5:6:7:8::1::2',
      '1:zz::1',
      '12345::1',
      '[::1',
      '::1]',
      '1::1]',
      '::ffff:1.2.3.256',
      '::ffff:1.2.3.4x',
      '::ffff:1.2.3.1234',
      'x\n::ffff:1.2.3.4',
      '%eth0',
      '%::1',
      '',
    ])
      assert.equal(parseIp(text), undefined, JSON.stringify(text));
  });

  it('every octet of an embedded IPv4 tail may have up to three digits', () => {
    assert.deepEqual(bytes(parseIp('::ffff:1.22.3.4')), v6(0, 0, 0, 0, 0, 0xffff, 0x0116, 0x0304));
    assert.deepEqual(bytes(parseIp('::ffff:1.2.133.4')), v6(0, 0, 0, 0, 0, 0xffff, 0x0102, 0x8504));
    assert.deepEqual(bytes(parseIp('::ffff:1.2.3.144')), v6(0, 0, 0, 0, 0, 0xffff, 0x0102, 0x0390));
  });

  it('a loopback name with white space around it is still loopback', () => {
    assert.equal(isLoopbackHost(' localhost '), true);
    assert.equal(isLoopbackHost(' 127.0.0.1 '), true);
  });
});

describe('core/net: sameIp', () => {
  it('an IPv4-mapped IPv6 address is its IPv4 address, and only a mapped one', () => {
    assert.equal(sameIp(ip('::ffff:1.2.3.4'), ip('1.2.3.4')), true);
    assert.equal(sameIp(ip('1.2.3.4'), ip('::ffff:102:304')), true);
    assert.equal(sameIp(ip('::ffff:1.2.3.4'), ip('1.2.3.5')), false);
    // almost mapped: byte 10 or 11 is not 0xff, or one of the first ten is not 0
    assert.equal(sameIp(ip('::1.2.3.4'), ip('1.2.3.4')), false);
    assert.equal(sameIp(ip('::ff:102:304'), ip('1.2.3.4')), false);
    assert.equal(sameIp(ip('::ff00:102:304'), ip('1.2.3.4')), false);
    assert.equal(sameIp(ip('1::ffff:102:304'), ip('1.2.3.4')), false);
    assert.equal(sameIp(ip('0:1::ffff:102:304'), ip('1.2.3.4')), false);
  });

  it('addresses of different families are different, even when their bytes start alike', () => {
    assert.equal(sameIp(ip('0.0.0.0'), ip('::')), false);
    assert.equal(sameIp(ip('::'), ip('0.0.0.0')), false);
    assert.equal(sameIp(ip('::1'), ip('0:0:0:0:0:0:0:1')), true);
  });
});

describe('core/net: parseCidr', () => {
  it('a prefix as long as the address is allowed, one bit longer is not', () => {
    const host = parseCidr('10.0.0.1/32');
    assert.ok(host);
    assert.equal(host(ip('10.0.0.1')), true);
    assert.equal(host(ip('10.0.0.2')), false);
    assert.equal(parseCidr('10.0.0.1/33'), undefined);
    assert.ok(parseCidr('::1/128'));
    assert.equal(parseCidr('::1/129'), undefined);
  });

  it('refuses a range with text after the prefix or before the address on another line; trims white space', () => {
    assert.equal(parseCidr('10.0.0.0/8x'), undefined);
    assert.equal(parseCidr('x\n10.0.0.0/8'), undefined);
    assert.equal(parseCidr('10.0.0.0'), undefined);
    const r = parseCidr(' 10.0.0.0/8 ');
    assert.ok(r);
    assert.equal(r(ip('10.9.9.9')), true);
  });

  it('an IPv4 range matches mapped IPv6 candidates but no other IPv6 address; an IPv6 range compares IPv6 bytes', () => {
    const v4 = parseCidr('0.0.0.0/8');
    assert.ok(v4);
    assert.equal(v4(ip('0.1.2.3')), true);
    assert.equal(v4(ip('::ffff:0.1.2.3')), true);
    assert.equal(v4(ip('::1')), false);
    const mapped = parseCidr('::ffff:0:0/96');
    assert.ok(mapped);
    assert.equal(mapped(ip('::ffff:1.2.3.4')), true, 'a mapped candidate is compared as the IPv6 it is');
    assert.equal(mapped(ip('1.2.3.4')), false);
    const ula = parseCidr('fd00::/8');
    assert.ok(ula);
    assert.equal(ula(ip('fd12::1')), true);
    assert.equal(ula(ip('fe80::1')), false);
  });
});
