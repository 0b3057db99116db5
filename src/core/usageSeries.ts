/**
 * Usage series for the dashboard: points from the gateways' rows and logs, bucketed and totalled. Pure (no 'vscode',
 * no I/O), money as decimal strings through ./money.
 *
 * - Totals are the sum of the buckets, so the KPI cards always add up to the chart and the exported table.
 * - AIHubMix money arrives in quota units (500,000 per USD) and is converted exactly, never through floats.
 */
import Big from 'big.js';
import type { UsageLog, UsageRow } from './types';
import { addDecimal, quotaToUsd, toBig } from './money';
import { type Granularity, type TimeRange, bucketKey, bucketStarts } from './usageTime';

/** One observation: a single request (a log) or an already aggregated cell (a gateway's usage row). */
export interface UsagePoint {
  /** ms epoch: the request's time, or the start of the gateway's bucket. */
  readonly at: number;
  readonly requests: number;
  readonly promptTokens: number;
  readonly completionTokens: number;
  /** Of promptTokens, read from / written to the cache, when the source says. */
  readonly cachedTokens?: number;
  readonly cacheWriteTokens?: number;
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
  /** Of promptTokens, read from / written to the cache: present when some points carry these counts. */
  readonly cachedTokens?: number;
  readonly cacheWriteTokens?: number;
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
  const acc = new Map<
    string,
    { requests: number; promptTokens: number; completionTokens: number; cost: Big; errors: number }
  >();
  for (const s of slots)
    acc.set(s.key, { requests: 0, promptTokens: 0, completionTokens: 0, cost: new Big(0), errors: 0 });
  let outside = 0;
  let latencyWeight = 0;
  let latencySum = 0;
  let sawErrors = false;
  let cached: number | undefined;
  let cacheWrites: number | undefined;
  for (const p of points) {
    if (p.at < o.range.start || p.at >= o.range.end) {
      outside++;
      continue;
    }
    const a = acc.get(bucketKey(p.at, o.timeZone, o.granularity));
    // Stryker disable next-line ConditionalExpression,BlockStatement,UpdateOperator: every time inside the range has its bucket
    if (!a) {
      // Stryker disable next-line UpdateOperator: unreachable, as above
      outside++;
      continue;
    }
    a.requests += p.requests;
    a.promptTokens += p.promptTokens;
    a.completionTokens += p.completionTokens;
    a.cost = a.cost.plus(toBig(p.cost));
    if (p.errors !== undefined) {
      a.errors += p.errors;
      sawErrors = true;
    }
    if (p.cachedTokens !== undefined) cached = (cached ?? 0) + p.cachedTokens;
    if (p.cacheWriteTokens !== undefined) cacheWrites = (cacheWrites ?? 0) + p.cacheWriteTokens;
    // Stryker disable next-line ConditionalExpression,EqualityOperator: a point of zero requests adds zero to both sums
    if (p.latencyMs !== undefined && p.requests > 0) {
      latencySum += p.latencyMs * p.requests;
      latencyWeight += p.requests;
    }
  }
  const buckets: UsageBucket[] = slots.map((s) => {
    const a = acc.get(s.key);
    // Stryker disable next-line ConditionalExpression,StringLiteral,CallExpression: every slot has its accumulator
    if (!a) throw new Error('unreachable');
    return {
      key: s.key,
      start: s.start,
      requests: a.requests,
      promptTokens: a.promptTokens,
      completionTokens: a.completionTokens,
      totalTokens: a.promptTokens + a.completionTokens,
      cost: a.cost.toString(),
      errors: a.errors,
    };
  });
  const base = sumBuckets(buckets);
  const totals: UsageTotals = {
    ...base,
    ...(latencyWeight > 0 ? { avgLatencyMs: Math.round(latencySum / latencyWeight) } : {}),
    ...(sawErrors ? { errorRatePct: percent(base.errors, base.requests) } : {}),
    ...(cached !== undefined ? { cachedTokens: cached } : {}),
    ...(cacheWrites !== undefined ? { cacheWriteTokens: cacheWrites } : {}),
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
    requests += b.requests;
    promptTokens += b.promptTokens;
    completionTokens += b.completionTokens;
    errors += b.errors;
    costs.push(b.cost);
  }
  return {
    requests,
    promptTokens,
    completionTokens,
    totalTokens: promptTokens + completionTokens,
    cost: addDecimal('0', ...costs),
    errors,
  };
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
  // Stryker disable next-line StringLiteral: sortGroups sorts by requests for anything but cost and tokens
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
  const rows = [...acc].map(([id, a]) => ({
    id,
    label: a.label,
    requests: a.requests,
    tokens: a.tokens,
    cost: a.cost.toString(),
  }));
  return sortGroups(rows, sortBy);
}

export function sortGroups(rows: readonly GroupTotal[], sortBy: 'cost' | 'requests' | 'tokens'): GroupTotal[] {
  return [...rows].sort((a, b) => {
    const d =
      sortBy === 'cost'
        ? toBig(b.cost).cmp(toBig(a.cost))
        : sortBy === 'tokens'
          ? b.tokens - a.tokens
          : b.requests - a.requests;
    if (d !== 0) return d;
    // Stryker disable next-line ConditionalExpression,EqualityOperator: V8's sort only asks whether a comparison is negative, so with `<` tested first a wrong "after" or "tie" (0 for 1, 1 for 0) leaves the order as it was (checked on 60 shuffled labels); the mutants of `<` itself are killed by the label-order tests (a disable covers a mutator on the whole line)
    return a.label < b.label ? -1 : a.label > b.label ? 1 : 0;
  });
}

/** Nearest-rank percentile (p in 0..100) of the values; undefined when there are none. */
export function percentile(values: readonly number[], p: number): number | undefined {
  // Stryker disable next-line ConditionalExpression: of no values the rank below picks an index that holds undefined too
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1];
}

// ---------------------------------------------------------------------------------------------------------------
// from the gateways' shapes

/** The start of a gateway bucket (`YYYY-MM-DD` = a UTC day, or an ISO hour such as `2026-05-01T13:00:00Z`). */
export function gatewayBucketStart(bucket: string): number {
  // Stryker disable next-line ConditionalExpression,Regex: a bare day read by the branch below is the same UTC midnight
  if (/^\d{4}-\d{2}-\d{2}$/.test(bucket)) return Date.parse(`${bucket}T00:00:00Z`);
  // Stryker disable next-line Regex: `$` off only matters for a ±HH:MM before the end, which is no ISO-8601 instant with or without the appended Z (Date.parse gives NaN, refused below); the other weakened patterns are killed by the bucket tests (a disable covers a mutator on the whole line)
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
    ...(l.cachedTokens !== undefined ? { cachedTokens: l.cachedTokens } : {}),
    ...(l.cacheWriteTokens !== undefined ? { cacheWriteTokens: l.cacheWriteTokens } : {}),
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
    const dayStart = Date.UTC(
      new Date(start).getUTCFullYear(),
      new Date(start).getUTCMonth(),
      new Date(start).getUTCDate(),
    );
    const end = Math.min(range.end, dayStart + maxUtcDays * 86_400_000);
    out.push({ start, end });
    start = end;
  }
  return out;
}

/** Maps `items` through `fn` with at most `limit` calls in flight at once; results keep the input order. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  // Stryker disable next-line ArrayDeclaration: every index is written below, so the array ends as long either way
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
