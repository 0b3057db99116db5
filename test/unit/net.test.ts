import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isLoopbackHost, parseCidr, parseIp, sameIp } from '../../src/core/net';
import { checkBaseUrl } from '../../src/platform/urls';

describe('core/net: isLoopbackHost, one meaning for the base-URL rules and the proxy bypass', () => {
  it('accepts the names and addresses that can only mean this machine', () => {
    for (const h of [
      'localhost',
      'LOCALHOST',
      'localhost.',
      'api.localhost',
      '127.0.0.1',
      '127.1.2.3',
      '127.255.255.255',
      '::1',
      '[::1]',
      '0:0:0:0:0:0:0:1',
      '::ffff:127.0.0.1',
      '[::ffff:127.0.0.1]',
      '[::ffff:7f00:1]',
      '::ffff:7f01:203',
      '0::1',
      new URL('http://[::ffff:127.0.0.1]/').hostname,
    ]) {
      assert.equal(isLoopbackHost(h), true, h);
    }
  });
  it('refuses names that only look local', () => {
    for (const h of [
      '127.example.com',
      '127.0.0.1.nip.io',
      'localhost.example.com',
      'mylocalhost',
      '128.0.0.1',
      '127.0.0.256',
      '127.0.0',
      '10.0.0.1',
      '::2',
      '::ffff:10.0.0.1',
      '[::ffff:a00:1]',
      '::1:0',
      '1::1',
      '::ffff:0:7f00:1',
      '::ff:7f00:1',
      '::feff:7f00:1',
      '::fffe:7f00:1',
      '1::ffff:7f00:1',
      '0.0.0.0',
      '',
    ]) {
      assert.equal(isLoopbackHost(h), false, h);
    }
  });
  it('drives the plain-http rule: http://127.example.com needs the insecure confirmation', () => {
    assert.deepEqual(checkBaseUrl('http://127.example.com'), { ok: false, problem: 'insecure' });
    assert.equal(checkBaseUrl('http://127.0.0.1:8080/').ok, true);
    assert.equal(
      checkBaseUrl('http://[::ffff:127.0.0.1]:8080/').ok,
      true,
      'the URL parser writes it as [::ffff:7f00:1]',
    );
  });
});

describe('core/net: IP literals and CIDR ranges (the no-proxy rules)', () => {
  it('parses IPv4 and IPv6 literals, bracketed or not, and nothing else', () => {
    assert.deepEqual([...(parseIp('10.1.2.3') ?? [])], [10, 1, 2, 3]);
    assert.equal(parseIp('[::1]')?.length, 16);
    assert.equal(parseIp('fe80::1%eth0')?.length, 16, 'a zone id is ignored');
    assert.deepEqual([...(parseIp('::ffff:1.2.3.4') ?? [])].slice(10), [0xff, 0xff, 1, 2, 3, 4]);
    for (const bad of ['1.2.3', '1.2.3.256', 'example.com', '1::2::3', '12345::', ':::', '1:2:3:4:5:6:7:8:9', ''])
      assert.equal(parseIp(bad), undefined, bad);
  });
  it('compares addresses across notations (IPv4-mapped equals IPv4)', () => {
    assert.ok(sameIp(parseIp('fd12:0:0::1')!, parseIp('fd12::1')!));
    assert.ok(sameIp(parseIp('::ffff:10.0.0.1')!, parseIp('10.0.0.1')!));
    assert.ok(!sameIp(parseIp('10.0.0.1')!, parseIp('10.0.0.2')!));
  });
  it('matches CIDR ranges of both families', () => {
    const ten = parseCidr('10.0.0.0/8');
    assert.ok(ten?.(parseIp('10.255.0.1')!));
    assert.ok(ten?.(parseIp('::ffff:10.0.0.1')!));
    assert.ok(!ten?.(parseIp('11.0.0.1')!));
    assert.ok(!ten?.(parseIp('fd00::1')!));
    assert.ok(parseCidr('192.168.1.128/25')?.(parseIp('192.168.1.200')!));
    assert.ok(!parseCidr('192.168.1.128/25')?.(parseIp('192.168.1.100')!));
    assert.ok(parseCidr('fd00::/8')?.(parseIp('fdff::1')!));
    assert.ok(parseCidr('0.0.0.0/0')?.(parseIp('8.8.8.8')!));
    for (const bad of ['10.0.0.0/33', '10.0.0/8', 'example.com/8', '10.0.0.0'])
      assert.equal(parseCidr(bad), undefined, bad);
  });
});
