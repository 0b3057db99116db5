/** Rotation reminders: what is stored, when each is due, when the timer fires, and how the list changes. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  MAX_BACKOFF_MS,
  MAX_TIMER_MS,
  MIN_BACKOFF_MS,
  PENDING_ROTATIONS_KEY,
  afterFailure,
  backoffMs,
  dueAt,
  dueReminders,
  nextTimerDelay,
  parseReminders,
  replacedReminder,
  sameReminder,
  withReminder,
  withoutReminder,
  type PendingRotation,
} from '../../src/features/keys/flows/schedule';

const T0 = Date.parse('2026-05-01T10:00:00.000Z');
const iso = (ms: number): string => new Date(ms).toISOString();
const rem = (over: Partial<PendingRotation> = {}): PendingRotation => ({
  connectionId: 'c1',
  oldKeyId: 'k1',
  newKeyId: 'k2',
  disableAt: iso(T0),
  ...over,
});

describe('rotation schedule: backoff after a failed disable', () => {
  it('a minute after the first failure, doubling, capped at six hours', () => {
    assert.equal(MIN_BACKOFF_MS, 60_000);
    assert.equal(MAX_BACKOFF_MS, 6 * 60 * 60_000);
    const table: Array<[number, number]> = [
      [-3, 60_000],
      [0, 60_000],
      [1, 60_000],
      [2, 120_000],
      [3, 240_000],
      [9, 256 * 60_000],
      [10, MAX_BACKOFF_MS],
      [50, MAX_BACKOFF_MS],
    ];
    for (const [attempts, ms] of table) assert.equal(backoffMs(attempts), ms, `attempts ${attempts}`);
  });
  it('the reminder after a failure: one more attempt, the next not before the backoff, the user told; the rest kept', () => {
    const first = afterFailure(rem({ oldKeyName: 'old' }), T0);
    assert.deepEqual(first, {
      ...rem({ oldKeyName: 'old' }),
      attempts: 1,
      nextAttemptAt: iso(T0 + 60_000),
      notified: true,
    });
    const third = afterFailure(rem({ attempts: 2, notified: true }), T0);
    assert.equal(third.attempts, 3);
    assert.equal(third.nextAttemptAt, iso(T0 + 240_000));
  });
});

describe('rotation schedule: stored reminders', () => {
  it('uses the globalState key aiGateway.pendingRotations', () => {
    assert.equal(PENDING_ROTATIONS_KEY, 'aiGateway.pendingRotations');
  });
  it('a stored value that is not a list gives no reminder and says so', () => {
    for (const raw of [undefined, null, {}, 'x', 3])
      assert.deepEqual(parseReminders(raw), { reminders: [], problems: ['the stored value is not a list'] });
  });
  it('keeps valid entries in order (unknown fields dropped) and names the first problem of each invalid one', () => {
    const ok = rem({
      oldKeyName: 'n'.repeat(200),
      newKeyName: '新',
      attempts: 1000,
      nextAttemptAt: iso(T0),
      notified: false,
    });
    const { reminders, problems } = parseReminders([
      rem(),
      { ...ok, extra: 'dropped' },
      { ...rem(), disableAt: 'tomorrow' },
      7,
    ]);
    assert.deepEqual(reminders, [rem(), ok]);
    assert.equal(problems.length, 2);
    assert.match(problems[0] ?? '', /^an invalid entry was ignored \(not a date\)$/);
    assert.match(problems[1] ?? '', /^an invalid entry was ignored \(.+\)$/);
  });
  it('refuses each field out of its rules (ids, names, attempts, dates, flags)', () => {
    const bad: Array<[string, Partial<Record<keyof PendingRotation, unknown>>]> = [
      ['connection id with a space', { connectionId: 'c 1' }],
      ['connection id of 65 characters', { connectionId: 'c'.repeat(65) }],
      ['empty connection id', { connectionId: '' }],
      ['empty old key id', { oldKeyId: '' }],
      ['old key id of 129 characters', { oldKeyId: 'k'.repeat(129) }],
      ['new key id with a slash', { newKeyId: 'k/2' }],
      ['old key name of 201 characters', { oldKeyName: 'n'.repeat(201) }],
      ['new key name of 201 characters', { newKeyName: 'n'.repeat(201) }],
      ['negative attempts', { attempts: -1 }],
      ['fractional attempts', { attempts: 1.5 }],
      ['1001 attempts', { attempts: 1001 }],
      ['next attempt not a date', { nextAttemptAt: 'later' }],
      ['notified not a boolean', { notified: 'yes' }],
      ['no disableAt', { disableAt: undefined }],
    ];
    for (const [what, over] of bad) {
      assert.equal(parseReminders([{ ...rem(), ...over }]).reminders.length, 0, what);
    }
    for (const over of [
      { connectionId: 'c'.repeat(64) },
      { oldKeyId: 'k'.repeat(128) },
      { attempts: 0 },
      { connectionId: 'A-z_9' },
    ]) {
      assert.equal(parseReminders([{ ...rem(), ...over }]).reminders.length, 1, JSON.stringify(over));
    }
  });
});

describe('rotation schedule: when reminders are due and when the timer fires', () => {
  it('a reminder is due at its deadline, or at its next attempt when that is later', () => {
    assert.equal(dueAt(rem()), T0);
    assert.equal(dueAt(rem({ nextAttemptAt: iso(T0 + 5000) })), T0 + 5000);
    assert.equal(
      dueAt(rem({ nextAttemptAt: iso(T0 - 5000) })),
      T0,
      'an earlier next attempt does not bring the deadline forward',
    );
  });
  it('due means at or before now', () => {
    const list = [
      rem({ oldKeyId: 'a', disableAt: iso(T0 - 1) }),
      rem({ oldKeyId: 'b' }),
      rem({ oldKeyId: 'c', disableAt: iso(T0 + 1) }),
    ];
    assert.deepEqual(
      dueReminders(list, T0).map((r) => r.oldKeyId),
      ['a', 'b'],
    );
    assert.deepEqual(dueReminders([rem({ nextAttemptAt: iso(T0 + 1) })], T0), []);
  });
  it('the timer waits for the earliest reminder, fires at once for an overdue one, and at least hourly', () => {
    assert.equal(MAX_TIMER_MS, 60 * 60_000);
    assert.equal(nextTimerDelay([], T0), undefined);
    assert.equal(nextTimerDelay([rem({ disableAt: iso(T0 - 10_000) })], T0), 0);
    assert.equal(
      nextTimerDelay([rem({ disableAt: iso(T0 + 600_000) }), rem({ oldKeyId: 'x', disableAt: iso(T0 + 300_000) })], T0),
      300_000,
    );
    assert.equal(nextTimerDelay([rem({ disableAt: iso(T0 + MAX_TIMER_MS) })], T0), MAX_TIMER_MS);
    assert.equal(nextTimerDelay([rem({ disableAt: iso(T0 + MAX_TIMER_MS + 1) })], T0), MAX_TIMER_MS);
    assert.equal(nextTimerDelay([rem({ disableAt: iso(T0 + 1000), nextAttemptAt: iso(T0 + 9000) })], T0), 9000);
  });
});

describe('rotation schedule: the list of reminders', () => {
  const a = rem({ oldKeyId: 'a' });
  const b = rem({ oldKeyId: 'b' });
  const bOther = rem({ connectionId: 'c2', oldKeyId: 'b' });
  it('one reminder per old key of a connection', () => {
    assert.equal(sameReminder(a, { connectionId: 'c1', oldKeyId: 'a' }), true);
    assert.equal(sameReminder(b, bOther), false, 'same key id on another connection');
    assert.equal(sameReminder(a, b), false);
  });
  it('adding replaces the reminder of the same key and puts it last; others stay', () => {
    const newer = { ...a, newKeyId: 'a2' };
    assert.deepEqual(withReminder([a, b, bOther], newer), [b, bOther, newer]);
    assert.deepEqual(withReminder([], a), [a]);
  });
  it('removing drops only that key of that connection', () => {
    assert.deepEqual(withoutReminder([a, b, bOther], { connectionId: 'c1', oldKeyId: 'b' }), [a, bOther]);
    assert.deepEqual(withoutReminder([a], { connectionId: 'c2', oldKeyId: 'a' }), [a]);
  });
  it('a retried reminder replaces its old self in place; gone meanwhile (cancelled in another window) is undefined', () => {
    const retried = afterFailure(b, T0);
    assert.deepEqual(replacedReminder([a, b, bOther], retried), [a, retried, bOther]);
    assert.equal(replacedReminder([a, bOther], retried), undefined);
  });
});
