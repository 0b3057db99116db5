/** The key form's pure validators: IPs/CIDRs, name length in UTF-8 bytes, limits, USD, dates, rotated names. */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import {
  checkDayCount,
  checkExpiryDate,
  checkGraceHours,
  checkIpOrCidr,
  checkLimit,
  checkName,
  checkNameText,
  checkUsd,
  checkWireLimit,
  daysFromNow,
  endOfDay,
  isIPv4,
  isIPv6,
  keyInputProblems,
  KeyInputError,
  parseDayChoice,
  parseGraceHours,
  parseIpList,
  parseLimit,
  parseUsd,
  rotatedName,
  truncateUtf8,
  utf8Bytes,
} from '../../src/features/keys/flows/validate';

describe('key form: IP / CIDR validation', () => {
  it('accepts IPv4 addresses and refuses malformed ones', () => {
    for (const ok of ['0.0.0.0', '10.0.0.1', '255.255.255.255', '192.168.1.20']) assert.ok(isIPv4(ok), ok);
    for (const bad of ['256.1.1.1', '1.2.3', '1.2.3.4.5', '01.2.3.4', '1.2.3.-4', 'a.b.c.d', '', '1..2.3', ' 1.2.3.4'])
      assert.ok(!isIPv4(bad), bad);
  });
  it('accepts IPv6 addresses (compressed, full, with an embedded IPv4) and refuses malformed ones', () => {
    for (const ok of [
      '::',
      '::1',
      '2001:db8::',
      '2001:DB8:0:0:8:800:200C:417A',
      'fe80::1:2',
      '::ffff:192.0.2.128',
      '1:2:3:4:5:6:7::',
    ])
      assert.ok(isIPv6(ok), ok);
    for (const bad of [
      '1:2:3:4:5:6:7:8:9',
      '2001:db8:::1',
      '1::2::3',
      'g::1',
      '12345::',
      '1:2:3:4:5:6:7',
      '::ffff:300.0.0.1',
      'fe80::1%eth0',
      ':1:2',
    ])
      assert.ok(!isIPv6(bad), bad);
  });
  it('checks CIDR prefixes per family', () => {
    assert.equal(checkIpOrCidr('10.0.0.0/8'), undefined);
    assert.equal(checkIpOrCidr('10.0.0.1/32'), undefined);
    assert.equal(checkIpOrCidr('10.0.0.0/0'), undefined);
    assert.equal(checkIpOrCidr('2001:db8::/128'), undefined);
    assert.equal(checkIpOrCidr('10.0.0.0/33'), 'prefix');
    assert.equal(checkIpOrCidr('2001:db8::/129'), 'prefix');
    assert.equal(checkIpOrCidr('10.0.0.0/'), 'prefix');
    assert.equal(checkIpOrCidr('10.0.0.0/08'), 'prefix');
    assert.equal(checkIpOrCidr('10.0.0/8'), 'invalid');
    assert.equal(checkIpOrCidr('example.com'), 'invalid');
  });
  it('parses a comma list (empty = any), drops duplicates and names the first wrong entry', () => {
    assert.deepEqual(parseIpList(''), { entries: [] });
    assert.deepEqual(parseIpList('  '), { entries: [] });
    assert.deepEqual(parseIpList('10.0.0.1, 192.168.0.0/16,,10.0.0.1 ,2001:db8::/32').entries, [
      '10.0.0.1',
      '192.168.0.0/16',
      '2001:db8::/32',
    ]);
    const r = parseIpList('10.0.0.1, 300.1.1.1, nope');
    assert.deepEqual(r.problem, { entry: '300.1.1.1', reason: 'invalid' });
    assert.deepEqual(parseIpList('1.2.3.4/40').problem, { entry: '1.2.3.4/40', reason: 'prefix' });
  });
});

describe('key form: names', () => {
  it('counts UTF-8 bytes like Go len() (a CJK character is 3 bytes)', () => {
    assert.equal(utf8Bytes('abc'), 3);
    assert.equal(utf8Bytes('密钥'), 6);
    assert.equal(utf8Bytes('😀'), 4);
  });
  it('refuses an empty name and one over the gateway limit, in bytes or characters', () => {
    assert.deepEqual(checkName('  ', undefined), { code: 'empty' });
    assert.equal(checkName('a'.repeat(30), { max: 30, unit: 'bytes' }), undefined);
    assert.deepEqual(checkName('a'.repeat(31), { max: 30, unit: 'bytes' }), {
      code: 'too-long',
      max: 30,
      unit: 'bytes',
      length: 31,
    });
    // 10 CJK characters = 30 bytes (ok), 11 = 33 bytes (one-api: 令牌名称过长)
    assert.equal(checkName('密'.repeat(10), { max: 30, unit: 'bytes' }), undefined);
    assert.equal(checkName('密'.repeat(11), { max: 30, unit: 'bytes' })?.code, 'too-long');
    assert.equal(checkName('密'.repeat(64), { max: 64, unit: 'chars' }), undefined);
    assert.equal(checkName('密'.repeat(65), { max: 64, unit: 'chars' })?.code, 'too-long');
  });
  it('truncates by bytes without splitting a character', () => {
    assert.equal(truncateUtf8('ab密钥', 4), 'ab');
    assert.equal(truncateUtf8('ab密钥', 5), 'ab密');
    assert.equal(truncateUtf8('😀x', 3), '');
  });
  it('names a rotated copy with the whole original name, shortening only the suffix to fit the limit', () => {
    const L30 = { max: 30, unit: 'bytes' } as const;
    assert.equal(rotatedName('ci', '2026-11-22', L30), 'ci (rotated 2026-11-22)');
    // "dev-rag-34" is never cut to "dev-rag-3" (which may be another key's name): the suffix gets shorter instead
    assert.equal(rotatedName('dev-rag-34', '2026-11-22', L30), 'dev-rag-34 (rotated 11-22)');
    assert.equal(rotatedName('dev-rag', '2026-11-22', L30), 'dev-rag (rotated 2026-11-22)');
    assert.equal(rotatedName('dev-rag-345678', '2026-11-22', L30), 'dev-rag-345678 (rotated 11-22)');
    assert.equal(rotatedName('production-key-01', '2026-11-22', L30), 'production-key-01 (rot 11-22)');
    for (const n of ['dev-rag-34', 'dev-rag-345678', 'production-key-01']) {
      const r = rotatedName(n, '2026-11-22', L30)!;
      assert.ok(r.startsWith(`${n} (`), r);
      assert.ok(utf8Bytes(r) <= 30, r);
    }
    // no suffix fits: undefined, and the flow asks for a name with the limit shown
    assert.equal(rotatedName('production-backend-key', '2026-11-22', L30), undefined);
    assert.equal(rotatedName('生产环境密钥', '2026-11-22', L30), '生产环境密钥 (rot 11-22)');
    assert.equal(rotatedName('生产环境密钥啊', '2026-11-22', L30), undefined);
    // a name already taken (the old key's own, when it is a copy made the same day) gets a number
    assert.equal(
      rotatedName('ci (rotated 2026-11-22)', '2026-11-22', L30, new Set(['ci (rotated 2026-11-22)'])),
      'ci (rotated 2026-11-22 #2)',
    );
    // rotating a copy again does not pile up suffixes
    assert.equal(
      rotatedName('ci (rotated 2026-01-02)', '2026-11-22', { max: 64, unit: 'chars' }),
      'ci (rotated 2026-11-22)',
    );
    assert.equal(rotatedName('ci (rot 01-02)', '2026-11-22', { max: 64, unit: 'chars' }), 'ci (rotated 2026-11-22)');
    assert.equal(rotatedName('x', '2026-11-22', undefined), 'x (rotated 2026-11-22)');
  });
});

describe('key form: limits, money, dates', () => {
  it('rpm / tpm accept the short form the tree shows ("1M", "120K", "1.5M", "12万", "1,000,000")', () => {
    for (const [text, n] of [
      ['1M', 1_000_000],
      ['1m', 1_000_000],
      ['120K', 120_000],
      ['1.5M', 1_500_000],
      ['12万', 120_000],
      ['1,000,000', 1_000_000],
      [' 60 ', 60],
    ] as const) {
      assert.equal(checkLimit(text), undefined, text);
      assert.equal(parseLimit(text), n, text);
    }
    assert.equal(checkLimit('1.2345k'), 'not-integer');
    assert.equal(checkLimit('0K'), 'too-small');
    assert.equal(checkLimit('1,00'), 'not-integer');
    assert.throws(() => parseLimit('1.5'), KeyInputError);
  });
  it('rpm / tpm: empty or a whole number ≥ 1', () => {
    assert.equal(checkLimit(''), undefined);
    assert.equal(checkLimit(' 60 '), undefined);
    assert.equal(checkLimit('0'), 'too-small');
    assert.equal(checkLimit('1.5'), 'not-integer');
    assert.equal(checkLimit('-3'), 'not-integer');
    assert.equal(checkLimit('1e3'), 'not-integer');
    assert.equal(checkLimit('99999999999999999999'), 'too-large');
    assert.equal(parseLimit(''), null);
    assert.equal(parseLimit('0'), 0, 'a forced answer is sent as typed');
    assert.equal(parseLimit('60'), 60);
  });
  it('USD quota: decimals as strings, at most 6 places, empty = unlimited; never floats', () => {
    assert.equal(checkUsd(''), undefined);
    assert.equal(checkUsd('unlimited'), undefined);
    assert.equal(checkUsd('25'), undefined);
    assert.equal(checkUsd('0.000002'), undefined);
    assert.equal(checkUsd('12.3456789'), 'too-precise');
    assert.equal(checkUsd('-1'), 'negative');
    assert.equal(checkUsd('1e3'), 'not-decimal');
    assert.equal(checkUsd('12,50'), 'not-decimal');
    assert.equal(checkUsd('.5'), 'not-decimal');
    assert.equal(checkUsd('2000000000'), 'too-large');
    assert.equal(parseUsd(''), 'unlimited');
    assert.equal(parseUsd('0.10'), '0.1');
    assert.equal(parseUsd('0.1'), '0.1');
    assert.equal(parseUsd('12.50'), '12.5');
  });
  it('custom expiry dates: YYYY-MM-DD, a real day, after today (end of that local day)', () => {
    const now = new Date(2026, 10, 22, 12, 0, 0).getTime();
    assert.equal(checkExpiryDate('2026-12-01', now), undefined);
    assert.equal(checkExpiryDate('2026-11-22', now), undefined, 'today still has time left: valid until 23:59:59');
    assert.equal(checkExpiryDate('2026-11-21', now), 'past');
    assert.equal(checkExpiryDate('2026-02-30', now), 'invalid');
    assert.equal(checkExpiryDate('2026-13-01', now), 'invalid');
    assert.equal(checkExpiryDate('1/12/2026', now), 'format');
    assert.equal(checkExpiryDate('2026-12-1', now), 'format');
    const end = endOfDay('2026-12-01')!;
    const d = new Date(end);
    assert.deepEqual(
      [d.getFullYear(), d.getMonth(), d.getDate(), d.getHours(), d.getMinutes(), d.getSeconds()],
      [2026, 11, 1, 23, 59, 59],
    );
  });
  it('"in N days" is now + N × 24 h, to the second', () => {
    const now = Date.UTC(2026, 10, 22, 10, 30, 15, 789);
    assert.equal(daysFromNow(7, now), '2026-11-29T10:30:15.000Z');
  });
});

describe('key form: input that cannot corrupt data', () => {
  const NOT_NUMBERS = ['NaN', 'Infinity', '-Infinity', '-1', '-0', '1e400', '1e3', '0x10', '1.5', '+5', ' 5 6'];

  it('rpm / tpm: NaN, Infinity, negatives and 1e400 are refused by the form and can never be sent', () => {
    for (const t of NOT_NUMBERS) {
      assert.equal(checkLimit(t), 'not-integer', t);
      assert.equal(checkWireLimit(t), 'not-integer', t);
      assert.throws(
        () => parseLimit(t),
        (e: unknown) => e instanceof KeyInputError && !(e instanceof RangeError),
        t,
      );
    }
    assert.equal(checkWireLimit('9'.repeat(400)), 'too-large');
    assert.equal(
      checkWireLimit('0'),
      undefined,
      'a whole number the form refuses (0) may still be sent, for the gateway to refuse',
    );
    assert.equal(checkWireLimit(''), undefined);
    assert.ok(
      !NOT_NUMBERS.some((t) => {
        try {
          return parseLimit(t) === null || Number.isNaN(parseLimit(t));
        } catch {
          return false;
        }
      }),
      'never null (no limit) or NaN for a bad number',
    );
  });

  it('quota: NaN, Infinity, negatives and 1e400 are a validation problem, never a RangeError', () => {
    for (const t of ['NaN', 'Infinity', '-Infinity', '1e400', '1e3', '0x10', 'abc']) {
      assert.equal(checkUsd(t), 'not-decimal', t);
      assert.throws(
        () => parseUsd(t),
        (e: unknown) => e instanceof KeyInputError && e.field === 'quotaUsd',
        t,
      );
    }
    for (const t of ['-1', '-0.5', '-1e400']) assert.ok(['negative', 'not-decimal'].includes(checkUsd(t) ?? ''), t);
    assert.throws(() => parseUsd('-1'), KeyInputError);
    assert.equal(checkUsd('9'.repeat(400)), 'too-large');
    assert.throws(
      () => parseUsd('9'.repeat(400)),
      (e: unknown) => e instanceof KeyInputError && !(e instanceof RangeError),
    );
  });

  it('expiry day counts: whole days from 1 to 36500; daysFromNow never throws a RangeError', () => {
    for (const d of [7, 30, 90, 1, 36500]) assert.equal(checkDayCount(d), undefined, String(d));
    assert.equal(checkDayCount(Number.NaN), 'not-integer');
    assert.equal(checkDayCount(Number.POSITIVE_INFINITY), 'not-integer');
    assert.equal(checkDayCount(Number('1e400')), 'not-integer');
    assert.equal(checkDayCount(1.5), 'not-integer');
    assert.equal(checkDayCount(0), 'too-small');
    assert.equal(checkDayCount(-3), 'too-small');
    assert.equal(checkDayCount(36501), 'too-large');
    const now = Date.UTC(2026, 0, 1);
    for (const d of [Number.NaN, Number.POSITIVE_INFINITY, -3, 1e12]) {
      assert.throws(
        () => daysFromNow(d, now),
        (e: unknown) => e instanceof KeyInputError && e.field === 'expiresAt',
        String(d),
      );
    }
    assert.equal(parseDayChoice('days:30'), 30);
    for (const c of [
      'days:NaN',
      'days:Infinity',
      'days:-3',
      'days:1e400',
      'days:0',
      'days:7.5',
      'days:',
      'days:99999999',
    ])
      assert.equal(parseDayChoice(c), undefined, c);
  });

  it('rotation grace hours: whole hours from 0 to a year', () => {
    for (const h of ['0', '1', '24', '168', '8760']) assert.equal(parseGraceHours(h), Number(h), h);
    for (const h of ['NaN', 'Infinity', '-1', '1e400', '1.5', '8761', '', 'x'])
      assert.equal(parseGraceHours(h), undefined, h);
    assert.equal(checkGraceHours(Number.NaN), 'not-integer');
    assert.equal(checkGraceHours(-1), 'negative');
    assert.equal(checkGraceHours(1e9), 'too-large');
  });

  it('the last check before the wire refuses every non-finite, negative or unparsable value, whoever built the input', () => {
    assert.deepEqual(
      keyInputProblems({ name: 'ok', rpmLimit: 60, tpmLimit: null, quotaUsd: '5', expiresAt: null }),
      [],
    );
    assert.deepEqual(keyInputProblems({ quotaUsd: 'unlimited', rpmLimit: 0 }), [], 'a whole 0 goes to the gateway');
    const fields = (i: Parameters<typeof keyInputProblems>[0]) =>
      keyInputProblems(i).map((p) => `${p.field}:${p.problem}`);
    assert.deepEqual(fields({ rpmLimit: Number.NaN }), ['rpmLimit:not-finite']);
    assert.deepEqual(fields({ tpmLimit: Number.POSITIVE_INFINITY }), ['tpmLimit:not-finite']);
    assert.deepEqual(fields({ rpmLimit: -5 }), ['rpmLimit:negative']);
    assert.deepEqual(fields({ rpmLimit: 1.5 }), ['rpmLimit:not-integer']);
    assert.deepEqual(fields({ quotaUsd: '-3' }), ['quotaUsd:negative']);
    assert.deepEqual(fields({ quotaUsd: '1e400' }), ['quotaUsd:not-decimal']);
    assert.deepEqual(fields({ quotaUsd: '' }), ['quotaUsd:not-decimal']);
    assert.deepEqual(fields({ expiresAt: 'Invalid Date' }), ['expiresAt:invalid']);
    assert.deepEqual(fields({ name: 'a\u202Eb' }), ['name:bidi']);
  });

  it('key names: control, direction and zero-width-only text are refused; a rotated copy drops such characters', () => {
    assert.equal(checkNameText('ci\tbot'), 'control');
    assert.equal(checkNameText('ci\u2066bot'), 'bidi');
    assert.equal(checkNameText('\u200B\u200D'), 'invisible');
    assert.equal(checkNameText('  '), undefined, "empty is checkName's problem");
    assert.deepEqual(checkName('  ', undefined), { code: 'empty' });
    assert.equal(checkNameText('生产 ci-bot'), undefined);
    assert.equal(rotatedName('prod\u202Ekey', '2026-11-22', undefined), 'prodkey (rotated 2026-11-22)');
  });
});
