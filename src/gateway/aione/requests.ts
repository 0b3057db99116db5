/**
 * AIone's per-request usage rows (INFERRED route `GET /api/v1/obs/requests`; confirm against a real deployment):
 * the query sent (1-based `page`, `page_size` ≤ 100, `start_time` / `end_time` as ISO-8601 UTC, `key_id`, `model`,
 * `status`), the lenient schema of what comes back (`{items, total, totals}`, `{data}` or a bare array; counts as
 * flat fields or a nested `usage` object of any variant; `created_at` ISO or Unix seconds; costs as decimal strings
 * or numbers) and its mapping to RequestRecord.
 *
 * Where the deployment has no such route (404, 405 or 501), the log falls back to the documented aggregated usage
 * (`/api/v1/obs/usage`) at the finest grain it gives: one row per UTC day and model for a key's log (`group_by=model`
 * with `key_id`), one per UTC day and key otherwise (`group_by=key`, narrowed by `model`), paged here, newest first,
 * with the totals of every row; the status filter does not apply to daily totals. Which of the two a connection has is
 * learnt on its first page and kept for the life of its client.
 */
import * as z from 'zod';
import Big from 'big.js';
import { money, toBig } from '../../core/money';
import type { RequestFilter, RequestPage, RequestRecord, RequestStatus, RequestTotals } from '../../core/requestLog';
import type { UsageQuery, UsageRow } from '../../core/types';
import { parseUsage } from '../../core/usage';
import { GatewayError } from '../errors';
import type { RequestPageOptions } from '../gateway';
import { badResponse, decimalLike, idLike, wireInt, wireTime } from '../schema';

export const AIONE_REQUESTS_ROUTE = '/api/v1/obs/requests'; // INFERRED

const count = z.number().int().nonnegative();
const optCount = count.nullish();
const ms = z.number().nonnegative().nullish();
// Stryker disable next-line StringLiteral: a failed union reports "Invalid input", never this member's message
const NOT_A_DATE = 'not a date-time';
/** ISO-8601, or Unix seconds (a number or a string of digits). */
const instant = z.union([
  z
    .number()
    .int()
    .nonnegative()
    .transform((s) => new Date(s * 1000).toISOString()),
  z
    .string()
    .regex(/^\d+$/)
    .transform((s) => new Date(Number(s) * 1000).toISOString()),
  z
    .string()
    .refine((s) => !Number.isNaN(Date.parse(s)), NOT_A_DATE)
    .transform((s) => new Date(Date.parse(s)).toISOString()),
]);

export const aioneRequestSchema = z.object({
  id: idLike,
  request_id: z.string().nullish(),
  trace_id: z.string().nullish(),
  created_at: instant,
  key_id: idLike.nullish(),
  key_name: z.string().nullish(),
  model: z.string().nullish(),
  model_name: z.string().nullish(),
  status: z.union([z.string(), z.number()]).nullish(),
  is_stream: z.boolean().nullish(),
  prompt_tokens: optCount,
  completion_tokens: optCount,
  total_tokens: optCount,
  cached_tokens: optCount,
  cache_write_tokens: optCount,
  reasoning_tokens: optCount,
  usage: z.record(z.string(), z.unknown()).nullish(),
  cost_rmb: decimalLike.nullish(),
  cost: decimalLike.nullish(),
  latency_ms: ms,
  first_token_ms: ms,
  ttft_ms: ms,
  error: z.string().nullish(),
  error_message: z.string().nullish(),
});
export type AioneRequestRow = z.infer<typeof aioneRequestSchema>;

export const aioneRequestTotalsSchema = z.object({
  requests: count,
  prompt_tokens: count,
  completion_tokens: count,
  cached_tokens: optCount,
  cache_write_tokens: optCount,
  reasoning_tokens: optCount,
  cost_rmb: decimalLike.nullish(),
  cost: decimalLike.nullish(),
});

const rows = z.array(aioneRequestSchema);
export const aioneRequestListSchema = z.union([
  z.object({
    items: rows,
    total: count.nullish(),
    totals: aioneRequestTotalsSchema.nullish(),
  }),
  z.object({ data: rows, total: count.nullish(), totals: aioneRequestTotalsSchema.nullish() }).transform((o) => ({
    items: o.data,
    total: o.total,
    totals: o.totals,
  })),
  rows.transform((items) => ({ items, total: undefined, totals: undefined })),
]);
export type AioneRequestList = z.infer<typeof aioneRequestListSchema>;

const MAX_PAGE_SIZE = 100;

/** The query of one page: validated before anything is sent. */
export function aioneRequestQuery(
  f: RequestFilter,
  page: number,
  pageSize: number,
  gateway: string,
): Record<string, string | number | undefined> {
  const operation = 'list requests';
  const p = wireInt(page, { field: 'page', gateway, operation }, 0);
  const size = Math.min(wireInt(pageSize, { field: 'page_size', gateway, operation }, 1), MAX_PAGE_SIZE);
  const start = wireTime(f.start, { field: 'start_time', gateway, operation });
  const end = wireTime(f.end, { field: 'end_time', gateway, operation });
  return {
    page: p + 1,
    page_size: size,
    start_time: new Date(start).toISOString(),
    // the filter's end is exclusive; the gateway's is taken as inclusive: the last millisecond before it
    end_time: new Date(end - 1).toISOString(),
    key_id: f.keyId,
    model: f.model,
    status: f.status,
  };
}

function statusOf(r: AioneRequestRow): RequestStatus {
  if (r.error || r.error_message) return 'error';
  const s = r.status;
  if (s == null) return 'success';
  if (typeof s === 'number') return s >= 200 && s < 400 ? 'success' : 'error';
  return /^(success|succeeded|ok|completed|200)$/i.test(s.trim()) ? 'success' : 'error';
}

/** One row as a RequestRecord; a row whose counts contradict each other is a bad response naming it. */
export function mapAioneRequest(r: AioneRequestRow, index: number, gateway: string): RequestRecord {
  const wire = r.usage ?? {
    prompt_tokens: r.prompt_tokens ?? 0,
    completion_tokens: r.completion_tokens ?? 0,
    ...(r.cached_tokens != null || r.cache_write_tokens != null
      ? {
          prompt_tokens_details: { cached_tokens: r.cached_tokens ?? 0, cache_write_tokens: r.cache_write_tokens ?? 0 },
        }
      : {}),
    // an absent or null reasoning count reads as none
    completion_tokens_details: { reasoning_tokens: r.reasoning_tokens },
  };
  const u = parseUsage(wire);
  if (!u.ok) throw badResponse(gateway, 'list requests', ['items', index, 'usage'], false, u.error);
  const usage = u.usage ?? { promptTokens: 0, completionTokens: 0, totalTokens: 0 };
  const status = statusOf(r);
  // an empty id or message is none: the other field's value is taken
  const requestId = r.request_id || r.trace_id;
  const first = r.first_token_ms ?? r.ttft_ms;
  const error = r.error || r.error_message;
  const keyId = r.key_id ?? undefined;
  return {
    id: r.id,
    at: r.created_at,
    model: r.model ?? r.model_name ?? '',
    status,
    usage,
    cost: money(r.cost_rmb ?? r.cost ?? '0', 'CNY'),
    ...(requestId ? { requestId } : {}),
    ...(keyId !== undefined ? { keyId } : {}),
    ...(r.key_name ? { keyName: r.key_name } : {}),
    ...(r.latency_ms != null ? { latencyMs: r.latency_ms } : {}),
    ...(first != null ? { firstTokenMs: first } : {}),
    ...(r.is_stream != null ? { stream: r.is_stream } : {}),
    ...(error ? { error } : {}),
  };
}

function mapTotals(t: z.infer<typeof aioneRequestTotalsSchema>): RequestTotals {
  return {
    requests: t.requests,
    promptTokens: t.prompt_tokens,
    cachedTokens: t.cached_tokens ?? 0,
    cacheWriteTokens: t.cache_write_tokens ?? 0,
    completionTokens: t.completion_tokens,
    reasoningTokens: t.reasoning_tokens ?? 0,
    cost: money(t.cost_rmb ?? t.cost ?? '0', 'CNY'),
  };
}

export function mapAioneRequestPage(
  list: AioneRequestList,
  page: number,
  pageSize: number,
  gateway: string,
): RequestPage {
  const items = list.items.map((r, i) => mapAioneRequest(r, i, gateway));
  const total = list.total ?? undefined;
  const totals = list.totals ?? undefined;
  return {
    items,
    page,
    pageSize,
    ...(total !== undefined ? { total } : {}),
    ...(totals ? { totals: mapTotals(totals) } : {}),
    hasMore: total !== undefined ? (page + 1) * pageSize < total : items.length >= pageSize,
  };
}

// ==== the fallback: daily totals from the aggregated usage ==========================================================

/** How long the usage rows of one filter are reused across its pages (an export reads them page by page). */
const ROWS_FRESH_MS = 30_000;

/** The usage query of a filter at its finest grain: per day and model for one key, per day and key otherwise. */
export function aioneUsageQueryFor(f: RequestFilter): UsageQuery {
  return f.keyId
    ? { start: f.start, end: f.end, groupBy: 'model', keyId: f.keyId, ...(f.model ? { model: f.model } : {}) }
    : { start: f.start, end: f.end, groupBy: 'key', ...(f.model ? { model: f.model } : {}) };
}

/** One usage row as a daily-total record (newest first is the caller's order). */
export function mapAioneUsageAggregate(r: UsageRow, f: RequestFilter): RequestRecord {
  const day = r.bucket.slice(0, 10);
  const keyId = r.keyId ?? f.keyId;
  const keyName = r.keyName ?? (keyId !== undefined && keyId === f.keyId ? f.keyName : undefined);
  const model = r.model ?? f.model ?? '';
  const errors = r.errors;
  return {
    id: `day:${day}:${keyId ?? ''}:${model}`,
    // Stryker disable next-line Regex: a weakened pattern only sends a date-only bucket to Date.parse, which reads it as the same UTC midnight (the pattern without `$` is killed by an hour bucket)
    at: /^\d{4}-\d{2}-\d{2}$/.test(r.bucket)
      ? `${r.bucket}T00:00:00.000Z`
      : new Date(Date.parse(r.bucket)).toISOString(),
    model,
    status: r.requests > 0 && (errors ?? 0) >= r.requests ? 'error' : 'success',
    usage: { promptTokens: r.promptTokens, completionTokens: r.completionTokens, totalTokens: r.totalTokens },
    cost: r.cost,
    aggregate: { requests: r.requests, ...(errors !== undefined ? { errors } : {}) },
    ...(keyId !== undefined ? { keyId } : {}),
    ...(keyName ? { keyName } : {}),
  };
}

/** Every daily-total record of a filter as one page of them, with the totals of them all. */
export function aioneAggregatePage(
  rows: readonly UsageRow[],
  f: RequestFilter,
  page: number,
  pageSize: number,
  currency: 'CNY' | 'USD' = 'CNY',
): RequestPage {
  const records = rows
    .filter((r) => r.requests > 0 || r.promptTokens > 0 || r.completionTokens > 0)
    .map((r) => mapAioneUsageAggregate(r, f))
    .sort((a, b) =>
      a.at < b.at
        ? 1
        : a.at > b.at
          ? -1
          : (a.keyName ?? a.keyId ?? a.model).localeCompare(b.keyName ?? b.keyId ?? b.model),
    );
  let cost = new Big(0);
  let requests = 0;
  let promptTokens = 0;
  let completionTokens = 0;
  for (const r of records) {
    cost = cost.plus(toBig(r.cost.amount));
    // Stryker disable next-line OptionalChaining: every daily-total record has its aggregate
    requests += r.aggregate?.requests ?? 0;
    promptTokens += r.usage.promptTokens;
    completionTokens += r.usage.completionTokens;
  }
  const items = records.slice(page * pageSize, (page + 1) * pageSize);
  return {
    items,
    page,
    pageSize,
    total: records.length,
    hasMore: (page + 1) * pageSize < records.length,
    granularity: 'day',
    totals: {
      requests,
      promptTokens,
      cachedTokens: 0,
      cacheWriteTokens: 0,
      completionTokens,
      reasoningTokens: 0,
      cost: { amount: cost.toString(), currency },
    },
  };
}

/** An answer that says the per-request route is not there (rather than that the call failed). */
function routeAbsent(e: unknown): boolean {
  return e instanceof GatewayError && (e.kind === 'not-found' || e.status === 405 || e.status === 501);
}

export interface AioneRequestLogDeps {
  /** `GET /api/v1/obs/requests` with a query, parsed with aioneRequestListSchema. */
  readonly list: (
    query: Record<string, string | number | undefined>,
    signal?: AbortSignal,
  ) => Promise<AioneRequestList>;
  /** `GET /api/v1/obs/usage`. */
  readonly usage: (q: UsageQuery, signal?: AbortSignal) => Promise<readonly UsageRow[]>;
  readonly gateway: string;
  readonly now?: () => number;
}

/**
 * One connection's request log: per-request records while the route answers; once it answered "not there", daily
 * totals from the usage for the rest of the client's life (asked again only by a new client: an edited connection,
 * a reload).
 */
export class AioneRequestLog {
  // Stryker disable next-line StringLiteral: any start other than 'offered' / 'absent' is read as not known yet
  private route: 'unknown' | 'offered' | 'absent' = 'unknown';
  private rows: { readonly key: string; readonly at: number; readonly rows: readonly UsageRow[] } | undefined;

  constructor(private readonly deps: AioneRequestLogDeps) {}

  async page(filter: RequestFilter, opts: RequestPageOptions): Promise<RequestPage> {
    const query = aioneRequestQuery(filter, opts.page, opts.pageSize, this.deps.gateway);
    const size = Number(query['page_size']);
    if (this.route !== 'absent') {
      try {
        const list = await this.deps.list(query, opts.signal);
        this.route = 'offered';
        return mapAioneRequestPage(list, opts.page, size, this.deps.gateway);
      } catch (e) {
        // the route is inferred: a deployment without it answers 404 — not a failure, the daily totals answer instead
        if (this.route === 'offered' || !routeAbsent(e)) throw e;
        this.route = 'absent';
      }
    }
    const rows = await this.usageRows(filter, opts.signal);
    return aioneAggregatePage(rows, filter, opts.page, size);
  }

  private async usageRows(filter: RequestFilter, signal?: AbortSignal): Promise<readonly UsageRow[]> {
    const q = aioneUsageQueryFor(filter);
    const key = JSON.stringify(q);
    const now = (this.deps.now ?? Date.now)();
    if (this.rows && this.rows.key === key && now - this.rows.at < ROWS_FRESH_MS) return this.rows.rows;
    const rows = await this.deps.usage(q, signal);
    this.rows = { key, at: now, rows };
    return rows;
  }
}
