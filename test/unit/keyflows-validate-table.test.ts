/** The key form's validators at their edges: IPv6 forms, list splitting, rotated names, limits, money, dates, day counts, grace. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  checkDayCount,
  checkExpiryDate,
  checkGraceHours,
  checkIpOrCidr,
  checkLimit,
  checkName,
  checkUsd,
  checkWireLimit,
  daysFromNow,
  endOfDay,
  isIPv6,
  keyInputProblems,
  KeyInputError,
  localYmd,
  MAX_DAYS,
  MAX_GRACE_HOURS,
  nameLength,
  parseDayChoice,
  parseGraceHours,
  parseIpList,
  parseLimit,
  parseUsd,
  rotatedName,
  splitList,
} from '../../src/features/keys/flows/validate';

describe('key form: IPv6 at its edges', () => {
  it('the longest forms are valid (8 full groups; 6 groups and an IPv4, 45 characters)', () => {
    assert.equal(isIPv6('ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff'), true);
    const longest = 'ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255';
    assert.equal(longest.length, 45);
    assert.equal(isIPv6(longest), true);
    assert.equal(isIPv6('1:2:3:4:5:6:1.2.3.4'), true);
    assert.equal(isIPv6('::1.2.3.4'), true);
  });
  it('an IPv4 part only as the last group, counting as two; a second "::" is refused even when the groups add up', () => {
    for (const bad of [
      '1.2.3.4::',
      '1.2.3.4::1',
      '1:2:3:4:5:6:7:1.2.3.4',
      '1:2:3:4:5:1.2.3.4',
      '1:2:3:4:5:6:7:8::1::',
      '::1::',
      '1:2:3:4:5:6:7:8::',
      'a:b',
      ':',
      ':::',
      '1:2:3:4:5:6:7:8:',
    ]) {
      assert.equal(isIPv6(bad), false, bad);
    }
    assert.equal(isIPv6('1:2:3:4:5:6::1.2.3.4'), false, 'with "::" at most 7 groups: 6 + 2 is too many');
    assert.equal(isIPv6('1:2:3:4:5::1.2.3.4'), true);
    assert.equal(isIPv6('1:2:3:4:5:6:7::'), true, '7 groups and "::"');
    assert.equal(isIPv6('1:1.2.3.4::'), false, 'an IPv4 part as the second group before a trailing "::"');
  });
  it('a CIDR on an IPv6 address; the slash at the start is no address', () => {
    assert.equal(checkIpOrCidr('::/0'), undefined);
    assert.equal(checkIpOrCidr('/8'), 'invalid');
    assert.equal(checkIpOrCidr('::1/129'), 'prefix');
    assert.equal(checkIpOrCidr('10.0.0.1/x'), 'prefix');
  });
});

describe('key form: lists', () => {
  it('entries split on commas and any white space; leading, trailing and repeated separators add nothing', () => {
    assert.deepEqual(parseIpList(', 10.0.0.1\n\t10.0.0.2 ,'), { entries: ['10.0.0.1', '10.0.0.2'] });
    assert.deepEqual(parseIpList(',,,'), { entries: [] });
    assert.deepEqual(
      parseIpList('10.0.0.1;10.0.0.2'),
      { entries: [], problem: { entry: '10.0.0.1;10.0.0.2', reason: 'invalid' } },
      'a semicolon is no separator',
    );
    assert.deepEqual(parseIpList('10.0.0.1, bad, worse').entries, ['10.0.0.1'], 'entries up to the first wrong one');
    assert.deepEqual(splitList(' a,, b\nc\t '), ['a', 'b', 'c']);
    assert.deepEqual(splitList(''), []);
    assert.deepEqual(splitList('  ,  '), []);
  });
});

describe('key form: names', () => {
  it('a name fits when its length is at most the limit, in the limit’s unit', () => {
    assert.equal(checkName('abc', { max: 3, unit: 'chars' }), undefined);
    assert.deepEqual(checkName('abcd', { max: 3, unit: 'chars' }), {
      code: 'too-long',
      max: 3,
      unit: 'chars',
      length: 4,
    });
    assert.deepEqual(checkName('键', { max: 2, unit: 'bytes' }), {
      code: 'too-long',
      max: 2,
      unit: 'bytes',
      length: 3,
    });
    assert.equal(checkName('键', { max: 1, unit: 'chars' }), undefined);
    assert.equal(checkName('anything long', undefined), undefined);
    assert.deepEqual(checkName(' \t', undefined), { code: 'empty' });
    assert.equal(nameLength('😀a', 'chars'), 2);
    assert.equal(nameLength('😀a', 'bytes'), 5);
  });
  it('a rotated copy: a date suffix replaces an earlier one; the whole name is kept and the suffix shortened to fit', () => {
    assert.equal(rotatedName('ci (rotated 2026-01-01)', '2026-04-01', undefined), 'ci (rotated 2026-04-01)');
    assert.equal(
      rotatedName('ci (rotated 2026-01-01) x', '2026-04-01', undefined),
      'ci (rotated 2026-01-01) x (rotated 2026-04-01)',
      'only a suffix at the end',
    );
    assert.equal(
      rotatedName('abcdef', '2026-04-01', { max: 27, unit: 'chars' }),
      'abcdef (rotated 2026-04-01)',
      'exactly the limit: the long form',
    );
    assert.equal(rotatedName('abcdef', '2026-04-01', { max: 26, unit: 'chars' }), 'abcdef (rotated 04-01)');
    assert.equal(rotatedName('abcdef', '2026-04-01', { max: 18, unit: 'chars' }), 'abcdef (rot 04-01)');
    assert.equal(
      rotatedName('  abcdef', '2026-04-01', { max: 18, unit: 'chars' }),
      'abcdef (rot 04-01)',
      'leading blanks were trimmed with the name',
    );
    assert.equal(
      rotatedName('😀😀😀😀', '2026-04-01', { max: 16, unit: 'chars' }),
      '😀😀😀😀 (rot 04-01)',
      'characters, not UTF-16 units',
    );
    assert.equal(
      rotatedName('键键键', '2026-04-01', { max: 21, unit: 'bytes' }),
      '键键键 (rot 04-01)',
      'a CJK character is 3 bytes',
    );
  });
  it('no suffix fits beside the whole name: undefined (the flow asks for a name, showing the limit)', () => {
    assert.equal(rotatedName('abcdef', '2026-04-01', { max: 17, unit: 'chars' }), undefined);
    assert.equal(rotatedName('键键键', '2026-04-01', { max: 20, unit: 'bytes' }), undefined);
  });
});

describe('key form: limits, money, dates', () => {
  it('rpm / tpm: 1 is the smallest limit; blanks around a number are fine; the wire takes 0 and refuses the rest', () => {
    assert.equal(checkLimit('1'), undefined);
    assert.equal(checkLimit('0'), 'too-small');
    assert.equal(checkLimit(' 7 '), undefined);
    assert.equal(checkWireLimit(' 7 '), undefined);
    assert.equal(checkWireLimit(' x '), 'not-integer');
    assert.equal(parseLimit(' 42 ', 'tpmLimit'), 42);
    assert.throws(
      () => parseLimit('1.5', 'tpmLimit'),
      (e: unknown) =>
        e instanceof KeyInputError &&
        e.field === 'tpmLimit' &&
        e.message === 'tpmLimit: not-integer' &&
        e.name === 'KeyInputError',
    );
    assert.throws(
      () => parseLimit('x'),
      (e: unknown) => e instanceof KeyInputError && e.field === 'rpmLimit',
      'rpm by default',
    );
  });
  it('USD: blanks around, "unlimited" in any case; an amount is kept as a decimal string', () => {
    assert.equal(parseUsd(' 5.50 '), '5.5');
    assert.equal(parseUsd('UNLIMITED'), 'unlimited');
    assert.equal(parseUsd(' Unlimited '), 'unlimited');
    assert.equal(parseUsd('   '), 'unlimited');
    assert.equal(checkUsd(' 5 '), undefined);
    assert.throws(
      () => parseUsd('-1'),
      (e: unknown) => e instanceof KeyInputError && e.field === 'quotaUsd',
    );
  });
  it('a custom date: exactly YYYY-MM-DD (blanks around allowed), a real day, after now', () => {
    const now = new Date(2026, 3, 1, 12).getTime();
    assert.equal(checkExpiryDate(' 2026-04-02 ', now), undefined);
    assert.equal(checkExpiryDate('x2026-04-02', now), 'format');
    assert.equal(checkExpiryDate('2026-04-02x', now), 'format');
    assert.equal(checkExpiryDate('2026-02-30', now), 'invalid');
    assert.equal(checkExpiryDate('2026-13-01', now), 'invalid');
    assert.equal(checkExpiryDate('2026-04-00', now), 'invalid');
    assert.equal(checkExpiryDate('2026-03-31', now), 'past');
    const endOfToday = new Date(2026, 3, 1, 23, 59, 59).getTime();
    assert.equal(checkExpiryDate('2026-04-01', endOfToday), 'past', 'the end of the day has come');
    assert.equal(checkExpiryDate('2026-04-01', endOfToday - 1), undefined);
    assert.equal(endOfDay('2026-04-01x'), undefined);
    assert.equal(endOfDay('x2026-04-01'), undefined);
    assert.equal(endOfDay('2025-02-29'), undefined, 'not a leap year');
    assert.equal(endOfDay('2024-02-29'), new Date(2024, 1, 29, 23, 59, 59).getTime());
    assert.equal(endOfDay('2026-12-32'), undefined);
    assert.equal(endOfDay('0050-01-01'), undefined, 'a year JavaScript would read as 1950');
  });
  it('day counts: 1 … 36500, also as the expiry step’s choice; the error names the problem and the count', () => {
    assert.equal(MAX_DAYS, 36_500);
    assert.equal(checkDayCount(MAX_DAYS), undefined);
    assert.equal(checkDayCount(MAX_DAYS + 1), 'too-large');
    assert.equal(parseDayChoice('days:30'), 30);
    assert.equal(parseDayChoice('xdays:30'), undefined);
    assert.equal(parseDayChoice('days:30x'), undefined);
    assert.equal(parseDayChoice('days:0'), undefined);
    assert.equal(parseDayChoice('days:36501'), undefined);
    assert.throws(
      () => daysFromNow(0, 0),
      (e: unknown) => e instanceof KeyInputError && e.message === 'expiresAt: too-small day count 0',
    );
    assert.throws(
      () => daysFromNow(1.5, 0),
      (e: unknown) => e instanceof KeyInputError && e.message === 'expiresAt: not-integer day count 1.5',
    );
  });
  it('grace hours: 0 … 8760, typed with blanks around; exactly digits', () => {
    assert.equal(MAX_GRACE_HOURS, 8_760);
    assert.equal(checkGraceHours(MAX_GRACE_HOURS), undefined);
    assert.equal(checkGraceHours(MAX_GRACE_HOURS + 1), 'too-large');
    assert.equal(parseGraceHours(' 24 '), 24);
    assert.equal(parseGraceHours('0'), 0);
    assert.equal(parseGraceHours('x24'), undefined);
    assert.equal(parseGraceHours('24x'), undefined);
    assert.equal(parseGraceHours('8761'), undefined);
    assert.equal(parseGraceHours('1e3'), undefined, 'digits only: not an exponent');
    assert.equal(parseGraceHours('0x10'), undefined, 'digits only: not hex');
  });
  it('the last check: a quota of only blanks is refused; unlimited and a good amount pass', () => {
    assert.deepEqual(keyInputProblems({ quotaUsd: '   ' }), [{ field: 'quotaUsd', problem: 'not-decimal' }]);
    assert.deepEqual(keyInputProblems({ quotaUsd: 'unlimited' }), []);
    assert.deepEqual(keyInputProblems({ quotaUsd: ' 5 ' }), []);
  });
  it('a local calendar date of an instant, zero-padded', () => {
    assert.equal(localYmd(new Date(2026, 0, 5, 23, 30).getTime()), '2026-01-05');
    assert.equal(localYmd(new Date(2026, 10, 15, 0, 0).getTime()), '2026-11-15');
  });
});
