/**
 * Rotation copies and held reminders (src/features/keys/flows/validate.ts, schedule.ts): every suffix an earlier
 * rotation added is taken off the name, a copy gets numbers up to #9 before a shorter suffix, a limit typed with
 * white space around it reads as typed, and a held reminder is kept as stored and never comes due.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkLimit, checkWireLimit, rotatedName, rotationBase } from '../../src/features/keys/flows/validate';
import {
  type PendingRotation,
  dueAt,
  dueReminders,
  nextTimerDelay,
  parseReminders,
} from '../../src/features/keys/flows/schedule';

describe('rotation names', () => {
  it('takes off every form of an earlier rotation suffix, numbered or not, and white space around the name', () => {
    for (const [name, base] of [
      ['ci (rotated 2026-03-15)', 'ci'],
      ['ci (rotated 03-15)', 'ci'],
      ['ci (rot 03-15)', 'ci'],
      ['ci (rotated 03-15 #2)', 'ci'],
      ['ci (rot 03-15 #10)', 'ci'],
      ['  ci  ', 'ci'],
      ['  ci (rot 03-15)  ', 'ci'],
      ['ci (rotated 3-15)', 'ci (rotated 3-15)'],
      ['ci (rotated 03-1)', 'ci (rotated 03-1)'],
      ['ci (rot 03-15 #)', 'ci (rot 03-15 #)'],
      ['ci (rot 03-15 #x)', 'ci (rot 03-15 #x)'],
    ] as const)
      assert.equal(rotationBase(name), base, name);
  });

  it('numbers a copy up to #9 before trying a shorter suffix', () => {
    const taken = new Set([
      'ci (rotated 2026-03-15)',
      ...[2, 3, 4, 5, 6, 7, 8].map((n) => `ci (rotated 2026-03-15 #${n})`),
    ]);
    assert.equal(rotatedName('ci', '2026-03-15', undefined, taken), 'ci (rotated 2026-03-15 #9)');
    taken.add('ci (rotated 2026-03-15 #9)');
    assert.equal(rotatedName('ci', '2026-03-15', undefined, taken), 'ci (rotated 03-15)');
  });
});

describe('limits typed with white space', () => {
  it('blank is no limit; a count with spaces around it is read as the count', () => {
    for (const t of ['', '  ']) {
      assert.equal(checkWireLimit(t), undefined, JSON.stringify(t));
      assert.equal(checkLimit(t), undefined, JSON.stringify(t));
    }
    assert.equal(checkLimit(' 0 '), 'too-small');
    assert.equal(checkLimit('0'), 'too-small');
    assert.equal(checkLimit(' 1 '), undefined);
    assert.equal(checkLimit('1'), undefined);
    assert.equal(checkLimit('1.5'), 'not-integer');
    assert.equal(checkLimit('9007199254740992'), 'too-large');
  });
});

describe('held rotation reminders', () => {
  const held = (why: NonNullable<PendingRotation['held']>): PendingRotation => ({
    connectionId: 'c1',
    oldKeyId: 'k1',
    newKeyId: 'k2',
    disableAt: '2026-03-01T00:00:00.000Z',
    held: why,
  });

  it('keeps both reasons for a hold as stored, and refuses another', () => {
    const stored = [held('replacement-gone'), held('replacement-inactive')];
    assert.deepEqual(parseReminders(stored), { reminders: stored, problems: [] });
    assert.equal(parseReminders([{ ...held('replacement-gone'), held: 'bored' }]).reminders.length, 0);
  });

  it('a held reminder is never due, however late it is, and sets no timer', () => {
    const now = Date.parse('2026-06-01T00:00:00.000Z');
    const r = held('replacement-gone');
    assert.equal(dueAt(r), Number.POSITIVE_INFINITY);
    assert.deepEqual(dueReminders([r], now), []);
    assert.equal(nextTimerDelay([r], now), undefined);
  });
});
