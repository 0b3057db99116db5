/**
 * The rules of client-side rotation reminders, without VS Code: what a stored reminder must look like, when each
 * is due, when the scheduler's timer fires next, how the list changes when a reminder is added, done, cancelled or
 * retried, and the backoff after a failed disable. RotationScheduler (./rotations) keeps them in globalState and
 * talks to the gateway and the user.
 */
import * as z from 'zod';
import { connectionIdSchema, keyIdSchema } from '../../../core/ids';

export const PENDING_ROTATIONS_KEY = 'aiGateway.pendingRotations';

const ISO = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'not a date');

export const pendingRotationSchema = z.object({
  connectionId: connectionIdSchema,
  oldKeyId: keyIdSchema,
  newKeyId: keyIdSchema,
  /** When the old key is to be disabled (ISO-8601). */
  disableAt: ISO,
  oldKeyName: z.string().max(200).optional(),
  newKeyName: z.string().max(200).optional(),
  /** Failed attempts so far; the next one is not before nextAttemptAt. */
  attempts: z.number().int().min(0).max(1000).optional(),
  nextAttemptAt: ISO.optional(),
  /** The user was told about a failure already. */
  notified: z.boolean().optional(),
  /**
   * Not disabled, and not retried, until the user decides: when the deadline came the replacement was gone or not
   * active, and disabling the old key would have left nothing working.
   */
  held: z.enum(['replacement-gone', 'replacement-inactive']).optional(),
});
export type PendingRotation = z.infer<typeof pendingRotationSchema>;

/** Which reminder: one per old key of a connection. */
export type ReminderRef = Pick<PendingRotation, 'connectionId' | 'oldKeyId'>;

/** The timer re-checks at least hourly (clock changes, sleep, and setTimeout's 24.8-day limit). */
export const MAX_TIMER_MS = 60 * 60_000;
/** After the first failed disable: a minute, doubling per attempt, at most six hours. */
export const MIN_BACKOFF_MS = 60_000;
export const MAX_BACKOFF_MS = 6 * 60 * 60_000;

export function backoffMs(attempts: number): number {
  return Math.min(MAX_BACKOFF_MS, MIN_BACKOFF_MS * 2 ** Math.max(0, attempts - 1));
}

/** The reminders of a stored value; entries that do not validate are dropped, each with the first problem named. */
export function parseReminders(raw: unknown): { readonly reminders: PendingRotation[]; readonly problems: string[] } {
  if (!Array.isArray(raw)) return { reminders: [], problems: ['the stored value is not a list'] };
  const reminders: PendingRotation[] = [];
  const problems: string[] = [];
  for (const entry of raw) {
    const r = pendingRotationSchema.safeParse(entry);
    if (r.success) reminders.push(r.data);
    // a schema that fails has at least one issue
    else problems.push(`an invalid entry was ignored (${r.error.issues[0]!.message})`);
  }
  return { reminders, problems };
}

export function sameReminder(a: ReminderRef, b: ReminderRef): boolean {
  return a.connectionId === b.connectionId && a.oldKeyId === b.oldKeyId;
}

/** When a reminder may run: its deadline, or later when a failed attempt set the next one; a held one waits for the user. */
export function dueAt(r: PendingRotation): number {
  if (r.held) return Number.POSITIVE_INFINITY;
  const at = Date.parse(r.disableAt);
  return r.nextAttemptAt ? Math.max(at, Date.parse(r.nextAttemptAt)) : at;
}

/** The reminders due at `now` (a deadline at `now` is due). */
export function dueReminders(list: readonly PendingRotation[], now: number): PendingRotation[] {
  return list.filter((r) => dueAt(r) <= now);
}

/** How long the timer waits for the earliest reminder (0 when one is overdue, at most MAX_TIMER_MS); none: undefined. */
export function nextTimerDelay(list: readonly PendingRotation[], now: number): number | undefined {
  const next = Math.min(...list.map(dueAt));
  if (!Number.isFinite(next)) return undefined; // none, or every one held
  return Math.max(0, Math.min(MAX_TIMER_MS, next - now));
}

/** The list with `r` in place of any reminder for the same key, at the end. */
export function withReminder(list: readonly PendingRotation[], r: PendingRotation): PendingRotation[] {
  return [...list.filter((x) => !sameReminder(x, r)), r];
}

export function withoutReminder(list: readonly PendingRotation[], ref: ReminderRef): PendingRotation[] {
  return list.filter((x) => !sameReminder(x, ref));
}

/** The list with the reminder of `next`'s key replaced by it in place; undefined when it is gone (cancelled meanwhile). */
export function replacedReminder(
  list: readonly PendingRotation[],
  next: PendingRotation,
): PendingRotation[] | undefined {
  if (!list.some((x) => sameReminder(x, next))) return undefined;
  return list.map((x) => (sameReminder(x, next) ? next : x));
}

/** The reminder after a failed disable at `now`: one more attempt, the next not before the backoff, the user told. */
export function afterFailure(r: PendingRotation, now: number): PendingRotation {
  const attempts = (r.attempts ?? 0) + 1;
  return { ...r, attempts, nextAttemptAt: new Date(now + backoffMs(attempts)).toISOString(), notified: true };
}
