/**
 * Calendar days and hours in an IANA time zone, for usage ranges and buckets: pure (no 'vscode', no I/O).
 * Ranges and buckets are computed with Intl.DateTimeFormat offset math, so a "day" is the user's local calendar day
 * (23 or 25 hours across a DST change) or a UTC day.
 */

export type Granularity = 'day' | 'hour';
export type RangePreset = 'today' | '7d' | '30d' | '90d' | 'custom';

export interface TimeRange {
  /** Inclusive, ms epoch. */
  readonly start: number;
  /** Exclusive, ms epoch. */
  readonly end: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  // Stryker disable next-line ConditionalExpression: a new formatter for the same zone formats the same (the cache only saves the work)
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Whether `tz` is an IANA zone this runtime knows. */
export function isValidTimeZone(tz: string): boolean {
  // Stryker disable next-line ConditionalExpression,LogicalOperator,EqualityOperator: Intl refuses an empty or over-long name too (no IANA zone is longer than 64)
  if (!tz || tz.length > 64) return false;
  try {
    formatter(tz);
    return true;
  } catch {
    return false;
  }
}

interface Wall {
  readonly y: number;
  readonly mo: number;
  readonly d: number;
  readonly h: number;
  readonly mi: number;
  readonly s: number;
}

/** The wall-clock time in `tz` at `epochMs`. */
export function wallClock(epochMs: number, tz: string): Wall {
  const parts = formatter(tz).formatToParts(new Date(epochMs));
  // Stryker disable next-line OptionalChaining,StringLiteral: the formatter always returns every part it was asked for
  const get = (t: Intl.DateTimeFormatPartTypes): number => Number(parts.find((p) => p.type === t)?.value ?? '0');
  return { y: get('year'), mo: get('month'), d: get('day'), h: get('hour') % 24, mi: get('minute'), s: get('second') };
}

/** The zone's offset from UTC at `epochMs`, in ms (Asia/Shanghai: +8 h; America/Los_Angeles: −8 h or −7 h). */
export function tzOffsetMs(epochMs: number, tz: string): number {
  const w = wallClock(epochMs, tz);
  const asUtc = Date.UTC(w.y, w.mo - 1, w.d, w.h, w.mi, w.s);
  return asUtc - (epochMs - (((epochMs % 1000) + 1000) % 1000));
}

/** The epoch of a wall-clock time in `tz` (the earlier instant when it occurs twice, the next valid one when skipped). */
export function zonedTimeToEpoch(y: number, mo: number, d: number, h: number, tz: string): number {
  const guess = Date.UTC(y, mo - 1, d, h);
  // two passes settle the offset (the second corrects a guess that crossed a DST change)
  const first = guess - tzOffsetMs(guess, tz);
  const t = guess - tzOffsetMs(first, tz);
  const earlier = t - 3_600_000;
  const we = wallClock(earlier, tz);
  // Stryker disable next-line ConditionalExpression,LogicalOperator: an hour earlier that shows the same hour is the same day, month and year
  if (we.y === y && we.mo === mo && we.d === d && we.h === h && we.mi === 0) return earlier;
  // A skipped hour (spring forward; in some zones midnight): `t` shows the hour before the gap, and the later of the
  // two passes is where the gap ends, the next valid instant.
  const w = wallClock(t, tz);
  if (w.h !== h) return Math.max(first, t);
  return t;
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** `YYYY-MM-DD` of `epochMs` in `tz`. */
export function dayKey(epochMs: number, tz: string): string {
  const w = wallClock(epochMs, tz);
  return `${pad(w.y, 4)}-${pad(w.mo)}-${pad(w.d)}`;
}

/** The bucket key of `epochMs` in `tz`. */
export function bucketKey(epochMs: number, tz: string, granularity: Granularity): string {
  const w = wallClock(epochMs, tz);
  const day = `${pad(w.y, 4)}-${pad(w.mo)}-${pad(w.d)}`;
  return granularity === 'day' ? day : `${day}T${pad(w.h)}:00`;
}

/** Start (ms epoch) of the local day `YYYY-MM-DD` in `tz`. */
export function startOfDay(day: string, tz: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) throw new RangeError(`not a date: ${day}`);
  return zonedTimeToEpoch(Number(m[1]), Number(m[2]), Number(m[3]), 0, tz);
}

/** `YYYY-MM-DD` plus `n` calendar days. */
export function addDays(day: string, n: number): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) throw new RangeError(`not a date: ${day}`);
  const t = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + n);
  const d = new Date(t);
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

/** Whether `day` is a real calendar day `YYYY-MM-DD` (month 1–12, the month's own length, leap years), years 1000–9999. */
export function isCalendarDay(day: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) return false;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  // Stryker disable next-line ConditionalExpression: a month outside 1–12 has no length below, so the day test refuses it too
  if (y < 1000 || mo < 1 || mo > 12 || d < 1) return false;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  const len = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][mo - 1]!;
  return d <= len;
}

/** Whole calendar days from `a` to `b` (`YYYY-MM-DD`, b − a). */
export function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);
}

export type BoundedDays =
  | {
      readonly ok: true;
      readonly from: string;
      readonly to: string;
      readonly clampedFrom: boolean;
      readonly clampedTo: boolean;
    }
  /** `future`: it starts after today; `before-history`: it ends before the first day the gateway keeps. */
  | {
      readonly ok: false;
      readonly reason: 'future' | 'before-history';
      readonly first: string;
      readonly today: string;
    };

/**
 * Bounds a custom range of days to what can have usage: the last `historyDays` days up to `today` (both inclusive).
 * A range that overlaps them is clamped to the overlap (and says which end moved); one that does not is refused.
 */
export function boundDays(from: string, to: string, today: string, historyDays: number): BoundedDays {
  const first = addDays(today, -(historyDays - 1));
  // Stryker disable next-line EqualityOperator: when from = to either is the answer
  const a = from <= to ? from : to;
  // Stryker disable next-line EqualityOperator: when from = to either is the answer
  const b = from <= to ? to : from;
  if (a > today) return { ok: false, reason: 'future', first, today };
  if (b < first) return { ok: false, reason: 'before-history', first, today };
  return {
    ok: true,
    // Stryker disable next-line EqualityOperator: at a = first either is the answer
    from: a < first ? first : a,
    // Stryker disable next-line EqualityOperator: at b = today either is the answer
    to: b > today ? today : b,
    clampedFrom: a < first,
    clampedTo: b > today,
  };
}

export interface RangeChoice {
  readonly preset: RangePreset;
  /** custom: first and last day, inclusive (`YYYY-MM-DD`). */
  readonly from?: string;
  readonly to?: string;
}

/** The days a range covers (first and last, inclusive) in `tz`, `now` being today. */
export function rangeDays(
  choice: RangeChoice,
  now: number,
  tz: string,
): { readonly from: string; readonly to: string; readonly days: number } {
  const today = dayKey(now, tz);
  let from: string;
  let to = today;
  switch (choice.preset) {
    case 'today':
      from = today;
      break;
    case '7d':
      from = addDays(today, -6);
      break;
    case '30d':
      from = addDays(today, -29);
      break;
    case '90d':
      from = addDays(today, -89);
      break;
    case 'custom': {
      if (!choice.from || !choice.to) throw new RangeError('a custom range needs a first and a last day');
      // Stryker disable next-line EqualityOperator: when from = to either is the answer
      from = choice.from <= choice.to ? choice.from : choice.to;
      // Stryker disable next-line EqualityOperator: when from = to either is the answer
      to = choice.from <= choice.to ? choice.to : choice.from;
      break;
    }
  }
  const days = Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000) + 1;
  return { from, to, days };
}

/** The time range of whole local days [from 00:00, day after `to` 00:00) in `tz`. */
export function dayRange(from: string, to: string, tz: string): TimeRange {
  return { start: startOfDay(from, tz), end: startOfDay(addDays(to, 1), tz) };
}

/** Every bucket of a range in `tz`, in order (a DST day has 23 or 25 hours; a repeated local hour is one bucket). */
export function bucketStarts(
  range: TimeRange,
  tz: string,
  granularity: Granularity,
): Array<{ key: string; start: number }> {
  const out: Array<{ key: string; start: number }> = [];
  if (granularity === 'day') {
    let day = dayKey(range.start, tz);
    for (let t = startOfDay(day, tz); t < range.end; day = addDays(day, 1), t = startOfDay(day, tz)) {
      out.push({ key: day, start: Math.max(t, range.start) });
    }
    return out;
  }
  // hours: walk in 15-minute steps (zones with :30 and :45 offsets), one bucket per new local hour label
  // Stryker disable next-line StringLiteral: no hour key equals a made-up start value either
  let last = '';
  for (let t = range.start; t < range.end; t += 900_000) {
    // Stryker disable next-line StringLiteral: bucketKey gives an hour key for anything but 'day'
    const key = bucketKey(t, tz, 'hour');
    if (key !== last) {
      out.push({ key, start: t });
      last = key;
    }
  }
  return out;
}
