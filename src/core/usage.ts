/**
 * Usage aggregation for the dashboard: pure (no 'vscode', no I/O), money as decimal strings through ./money.
 *
 * - Time: ranges and buckets are computed in an IANA time zone with Intl.DateTimeFormat offset math, so a
 *   "day" is the user's local calendar day (23 or 25 hours across a DST change) or a UTC day.
 * - Totals are the sum of the buckets, so the KPI cards always add up to the chart and the exported table.
 * - AIHubMix money arrives in quota units (500,000 per USD) and is converted exactly, never through floats.
 */
import Big from 'big.js';
import type { UsageLog, UsageRow } from './types';
import { addDecimal, quotaToUsd, toBig } from './money';

export type Granularity = 'day' | 'hour';
export type RangePreset = 'today' | '7d' | '30d' | '90d' | 'custom';

/** One observation: a single request (a log) or an already aggregated cell (a gateway's usage row). */
export interface UsagePoint {
  /** ms epoch: the request's time, or the start of the gateway's bucket. */
  readonly at: number;
  readonly requests: number;
  readonly promptTokens: number;
  readonly completionTokens: number;
  /** Decimal string in the series' currency. */
  readonly cost: string;
  readonly errors?: number;
  /** Average latency of the requests in this point (for a log: its own latency). */
  readonly latencyMs?: number;
  readonly model?: string;
  readonly keyId?: string;
  readonly keyName?: string;
  readonly teamId?: string;
}

export interface UsageBucket {
  /** `YYYY-MM-DD` (day) or `YYYY-MM-DDTHH:00` (hour), in the series' time zone. */
  readonly key: string;
  /** ms epoch of the bucket's start. */
  readonly start: number;
  readonly requests: number;
  readonly promptTokens: number;
  readonly completionTokens: number;
  readonly totalTokens: number;
  readonly cost: string;
  readonly errors: number;
}

export interface UsageTotals {
  readonly requests: number;
  readonly promptTokens: number;
  readonly completionTokens: number;
  readonly totalTokens: number;
  readonly cost: string;
  readonly errors: number;
  /** Request-weighted average latency, when the points carry latency. */
  readonly avgLatencyMs?: number;
  /** Percent as a decimal string with 2 places, when the points carry errors. */
  readonly errorRatePct?: string;
}

export interface TimeRange {
  /** Inclusive, ms epoch. */
  readonly start: number;
  /** Exclusive, ms epoch. */
  readonly end: number;
}

// ---------------------------------------------------------------------------------------------------------------
// time zones

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Whether `tz` is an IANA zone this runtime knows. */
export function isValidTimeZone(tz: string): boolean {
  if (!tz || tz.length > 64) return false;
  try {
    formatter(tz);
    return true;
  } catch {
    return false;
  }
}

interface Wall { readonly y: number; readonly mo: number; readonly d: number; readonly h: number; readonly mi: number; readonly s: number }

/** The wall-clock time in `tz` at `epochMs`. */
export function wallClock(epochMs: number, tz: string): Wall {
  const parts = formatter(tz).formatToParts(new Date(epochMs));
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
  let t = guess - tzOffsetMs(guess, tz);
  t = guess - tzOffsetMs(t, tz);
  const earlier = t - 3_600_000;
  const we = wallClock(earlier, tz);
  if (we.y === y && we.mo === mo && we.d === d && we.h === h && we.mi === 0) return earlier;
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
  | { readonly ok: true; readonly from: string; readonly to: string; readonly clampedFrom: boolean; readonly clampedTo: boolean }
  /** `future`: it starts after today; `before-history`: it ends before the first day the gateway keeps. */
  | { readonly ok: false; readonly reason: 'future' | 'before-history'; readonly first: string; readonly today: string };

/**
 * Bounds a custom range of days to what can have usage: the last `historyDays` days up to `today` (both inclusive).
 * A range that overlaps them is clamped to the overlap (and says which end moved); one that does not is refused.
 */
export function boundDays(from: string, to: string, today: string, historyDays: number): BoundedDays {
  const first = addDays(today, -(historyDays - 1));
  const a = from <= to ? from : to;
  const b = from <= to ? to : from;
  if (a > today) return { ok: false, reason: 'future', first, today };
  if (b < first) return { ok: false, reason: 'before-history', first, today };
  return { ok: true, from: a < first ? first : a, to: b > today ? today : b, clampedFrom: a < first, clampedTo: b > today };
}

export interface RangeChoice {
  readonly preset: RangePreset;
  /** custom: first and last day, inclusive (`YYYY-MM-DD`). */
  readonly from?: string;
  readonly to?: string;
}

/** The days a range covers (first and last, inclusive) in `tz`, `now` being today. */
export function rangeDays(choice: RangeChoice, now: number, tz: string): { readonly from: string; readonly to: string; readonly days: number } {
  const today = dayKey(now, tz);
  let from: string;
  let to = today;
  switch (choice.preset) {
    case 'today': from = today; break;
    case '7d': from = addDays(today, -6); break;
    case '30d': from = addDays(today, -29); break;
    case '90d': from = addDays(today, -89); break;
    case 'custom': {
      if (!choice.from || !choice.to) throw new RangeError('a custom range needs a first and a last day');
      from = choice.from <= choice.to ? choice.from : choice.to;
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
export function bucketStarts(range: TimeRange, tz: string, granularity: Granularity): Array<{ key: string; start: number }> {
  const out: Array<{ key: string; start: number }> = [];
  if (granularity === 'day') {
    let day = dayKey(range.start, tz);
    for (let t = startOfDay(day, tz); t < range.end; day = addDays(day, 1), t = startOfDay(day, tz)) {
      out.push({ key: day, start: Math.max(t, range.start) });
    }
    return out;
  }
  // hours: walk in 15-minute steps (zones with :30 and :45 offsets), one bucket per new local hour label
  let last = '';
  for (let t = range.start; t < range.end; t += 900_000) {
    const key = bucketKey(t, tz, 'hour');
    if (key !== last) { out.push({ key, start: t }); last = key; }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// aggregation

export interface AggregateOptions {
  readonly range: TimeRange;
  readonly timeZone: string;
  readonly granularity: Granularity;
}

export interface Aggregate {
  readonly buckets: readonly UsageBucket[];
  readonly totals: UsageTotals;
  /** Points outside the range (ignored). */
  readonly outside: number;
}

/** Buckets the points by day or hour in the zone, with an empty bucket for every period without usage. */
export function aggregate(points: readonly UsagePoint[], o: AggregateOptions): Aggregate {
  const slots = bucketStarts(o.range, o.timeZone, o.granularity);
  const acc = new Map<string, { requests: number; promptTokens: number; completionTokens: number; cost: Big; errors: number }>();
  for (const s of slots) acc.set(s.key, { requests: 0, promptTokens: 0, completionTokens: 0, cost: new Big(0), errors: 0 });
  let outside = 0;
  let latencyWeight = 0;
  let latencySum = 0;
  let sawErrors = false;
  for (const p of points) {
    if (p.at < o.range.start || p.at >= o.range.end) { outside++; continue; }
    const a = acc.get(bucketKey(p.at, o.timeZone, o.granularity));
    if (!a) { outside++; continue; }
    a.requests += p.requests;
    a.promptTokens += p.promptTokens;
    a.completionTokens += p.completionTokens;
    a.cost = a.cost.plus(toBig(p.cost));
    if (p.errors !== undefined) { a.errors += p.errors; sawErrors = true; }
    if (p.latencyMs !== undefined && p.requests > 0) { latencySum += p.latencyMs * p.requests; latencyWeight += p.requests; }
  }
  const buckets: UsageBucket[] = slots.map((s) => {
    const a = acc.get(s.key);
    if (!a) throw new Error('unreachable');
    return {
      key: s.key, start: s.start, requests: a.requests, promptTokens: a.promptTokens, completionTokens: a.completionTokens,
      totalTokens: a.promptTokens + a.completionTokens, cost: a.cost.toString(), errors: a.errors,
    };
  });
  const base = sumBuckets(buckets);
  const totals: UsageTotals = {
    ...base,
    ...(latencyWeight > 0 ? { avgLatencyMs: Math.round(latencySum / latencyWeight) } : {}),
    ...(sawErrors ? { errorRatePct: percent(base.errors, base.requests) } : {}),
  };
  return { buckets, totals, outside };
}

/** The sum of the buckets (what the KPI cards show, so they add up to the chart). */
export function sumBuckets(buckets: readonly UsageBucket[]): UsageTotals {
  let requests = 0;
  let promptTokens = 0;
  let completionTokens = 0;
  let errors = 0;
  const costs: string[] = [];
  for (const b of buckets) {
    requests += b.requests; promptTokens += b.promptTokens; completionTokens += b.completionTokens; errors += b.errors; costs.push(b.cost);
  }
  return { requests, promptTokens, completionTokens, totalTokens: promptTokens + completionTokens, cost: addDecimal('0', ...costs), errors };
}

/** `part / whole` as a percent with 2 decimals, exactly ("0.00" when whole is 0). */
export function percent(part: number, whole: number): string {
  if (whole === 0) return '0.00';
  return new Big(part).times(100).div(whole).toFixed(2, Big.roundHalfUp);
}

export interface GroupTotal {
  readonly id: string;
  readonly label: string;
  readonly requests: number;
  readonly tokens: number;
  readonly cost: string;
}

/** Totals per model / key / team, largest first by `sortBy`. Points outside the range are ignored. */
export function groupTotals(
  points: readonly UsagePoint[],
  range: TimeRange,
  by: (p: UsagePoint) => { id: string; label: string } | undefined,
  sortBy: 'cost' | 'requests' | 'tokens' = 'requests',
): GroupTotal[] {
  const acc = new Map<string, { label: string; requests: number; tokens: number; cost: Big }>();
  for (const p of points) {
    if (p.at < range.start || p.at >= range.end) continue;
    const g = by(p);
    if (!g) continue;
    const a = acc.get(g.id) ?? { label: g.label, requests: 0, tokens: 0, cost: new Big(0) };
    a.requests += p.requests;
    a.tokens += p.promptTokens + p.completionTokens;
    a.cost = a.cost.plus(toBig(p.cost));
    acc.set(g.id, a);
  }
  const rows = [...acc].map(([id, a]) => ({ id, label: a.label, requests: a.requests, tokens: a.tokens, cost: a.cost.toString() }));
  return sortGroups(rows, sortBy);
}

export function sortGroups(rows: readonly GroupTotal[], sortBy: 'cost' | 'requests' | 'tokens'): GroupTotal[] {
  return [...rows].sort((a, b) => {
    const d = sortBy === 'cost' ? toBig(b.cost).cmp(toBig(a.cost)) : sortBy === 'tokens' ? b.tokens - a.tokens : b.requests - a.requests;
    return d !== 0 ? d : a.label < b.label ? -1 : a.label > b.label ? 1 : 0;
  });
}

/** Nearest-rank percentile (p in 0..100) of the values; undefined when there are none. */
export function percentile(values: readonly number[], p: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1];
}

// ---------------------------------------------------------------------------------------------------------------
// from the gateways' shapes

/** The start of a gateway bucket (`YYYY-MM-DD` = a UTC day, or an ISO hour such as `2026-05-01T13:00:00Z`). */
export function gatewayBucketStart(bucket: string): number {
  if (/^\d{4}-\d{2}-\d{2}$/.test(bucket)) return Date.parse(`${bucket}T00:00:00Z`);
  const t = Date.parse(/[zZ]|[+-]\d{2}:?\d{2}$/.test(bucket) ? bucket : `${bucket}Z`);
  if (Number.isNaN(t)) throw new RangeError(`not a bucket: ${bucket}`);
  return t;
}

/** AIone usage rows → points (costs already decimal strings in RMB). */
export function pointsFromRows(rows: readonly UsageRow[]): UsagePoint[] {
  return rows.map((r) => ({
    at: gatewayBucketStart(r.bucket),
    requests: r.requests,
    promptTokens: r.promptTokens,
    completionTokens: r.completionTokens,
    cost: r.cost.amount,
    ...(r.errors !== undefined ? { errors: r.errors } : {}),
    ...(r.avgLatencyMs !== undefined ? { latencyMs: r.avgLatencyMs } : {}),
    ...(r.model ? { model: r.model } : {}),
    ...(r.keyId ? { keyId: r.keyId } : {}),
    ...(r.keyName ? { keyName: r.keyName } : {}),
    ...(r.teamId ? { teamId: r.teamId } : {}),
  }));
}

/** AIHubMix consume logs → points: one request each, cost in USD (the adapter converted quota units exactly). */
export function pointsFromLogs(logs: readonly UsageLog[]): UsagePoint[] {
  return logs.map((l) => ({
    at: Date.parse(l.at),
    requests: 1,
    promptTokens: l.promptTokens,
    completionTokens: l.completionTokens,
    cost: l.cost.amount,
    ...(l.elapsedMs !== undefined ? { latencyMs: l.elapsedMs } : {}),
    ...(l.model ? { model: l.model } : {}),
    ...(l.keyName ? { keyName: l.keyName } : {}),
  }));
}

/** A one-api log's `quota` (units) → USD decimal string, exactly. */
export function quotaUnitsToUsd(units: number | string): string {
  return quotaToUsd(units);
}

/** Reads pages until one is short (or `maxPages`); `truncated` when the cap was hit with a full last page. */
export async function readAllPages<T>(
  fetchPage: (page: number, pageSize: number) => Promise<readonly T[]>,
  pageSize: number,
  maxPages: number,
): Promise<{ items: T[]; truncated: boolean }> {
  const items: T[] = [];
  for (let page = 0; page < maxPages; page++) {
    const got = await fetchPage(page, pageSize);
    items.push(...got);
    if (got.length < pageSize) return { items, truncated: false };
  }
  return { items, truncated: true };
}

/** Splits a time range into chunks covering at most `maxUtcDays` UTC calendar days each (AIone's hourly limit). */
export function utcDayChunks(range: TimeRange, maxUtcDays: number): TimeRange[] {
  const out: TimeRange[] = [];
  let start = range.start;
  while (start < range.end) {
    const dayStart = Date.UTC(new Date(start).getUTCFullYear(), new Date(start).getUTCMonth(), new Date(start).getUTCDate());
    const end = Math.min(range.end, dayStart + maxUtcDays * 86_400_000);
    out.push({ start, end });
    start = end;
  }
  return out;
}

/** Maps `items` through `fn` with at most `limit` calls in flight at once; results keep the input order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, limit), items.length) }, () => worker()));
  return out;
}
