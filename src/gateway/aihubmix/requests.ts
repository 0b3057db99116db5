/**
 * Per-request records from the one-api / new-api consume log (`GET /api/log/self`; on AIHubMix itself INFERRED, so
 * the capability is probed: a 404 means the gateway does not offer it). The query (one-api: `p` from 0 and `num`;
 * new-api: `p` from 1 and `page_size`; `type` 2 = consume, 5 = error; timestamps in whole seconds, both ends
 * inclusive; `token_name` / `model_name` exact), the lenient row schema (one-api `elapsed_time` ms or new-api
 * `use_time` s; new-api's `other` as a JSON string or object with `cache_tokens`, `cache_creation_tokens` and `frt`,
 * the first-response time in ms) and the mapping to RequestRecord (quota units → USD, 500,000 a dollar). No I/O.
 */
import * as z from 'zod';
import { money, quotaToUsd } from '../../core/money';
import type { RequestFilter, RequestPage, RequestRecord } from '../../core/requestLog';
import { parseUsage } from '../../core/usage';
import { badResponse, idLike, intLike, parseWith, tryParseJson, wireInt, wireTime } from '../schema';
import type { Dialect } from './schemas';

/** new-api log types: 2 consume (a billed request), 5 error; one-api has no error type. */
export const LOG_CONSUME = 2;
export const LOG_ERROR = 5;

const optCount = intLike.pipe(z.number().int().nonnegative()).nullish();

const otherSchema = z.object({
  cache_tokens: z.number().int().nonnegative().nullish(),
  cache_creation_tokens: z.number().int().nonnegative().nullish(),
  frt: z.number().nullish(),
});

export const hubRequestSchema = z.object({
  id: idLike,
  created_at: intLike,
  type: intLike.nullish(),
  content: z.string().nullish(),
  token_name: z.string().nullish(),
  token_id: idLike.nullish(),
  model_name: z.string().nullish(),
  quota: intLike.nullish(),
  prompt_tokens: optCount,
  completion_tokens: optCount,
  /** one-api: milliseconds. */
  elapsed_time: z.number().nonnegative().nullish(),
  /** new-api: seconds. */
  use_time: z.number().nonnegative().nullish(),
  is_stream: z.boolean().nullish(),
  request_id: z.string().nullish(),
  other: z.union([z.string(), z.record(z.string(), z.unknown())]).nullish(),
});
export type HubRequestRow = z.infer<typeof hubRequestSchema>;

const pageSchema = z.object({
  items: z.array(z.unknown()).nullish(),
  total: z.number().int().nonnegative().nullish(),
  page: z.number().int().nullish(),
});

export interface HubRequestList {
  readonly rows: readonly HubRequestRow[];
  readonly total?: number;
  /** The page number the server echoed (new-api), which tells the dialect. */
  readonly page?: number;
}

/** The `data` of a log answer: an array (one-api; null = none) or new-api's page object. */
export function parseHubRequestList(data: unknown, gateway: string): HubRequestList {
  const operation = 'list requests';
  const rowsOf = (arr: readonly unknown[], prefix: readonly PropertyKey[]): HubRequestRow[] =>
    arr.map((r, i) => parseWith(hubRequestSchema, r, gateway, operation, [...prefix, i]));
  if (data == null) return { rows: [] };
  if (Array.isArray(data)) return { rows: rowsOf(data, ['data']) };
  const p = pageSchema.safeParse(data);
  if (p.success && (p.data.items !== undefined || p.data.total != null)) {
    return {
      rows: rowsOf(p.data.items ?? [], ['data', 'items']),
      ...(p.data.total != null ? { total: p.data.total } : {}),
      ...(p.data.page != null ? { page: p.data.page } : {}),
    };
  }
  throw badResponse(gateway, operation, ['data'], false, 'expected a list of logs');
}

/** The log types a filter asks for: one `type` on the wire, and which rows to keep of the answer. */
export function hubLogTypes(f: RequestFilter, dialect: Dialect | undefined): { wire: number; keep: readonly number[] } {
  if (f.status === 'success') return { wire: LOG_CONSUME, keep: [LOG_CONSUME] };
  if (f.status === 'error') return { wire: LOG_ERROR, keep: [LOG_ERROR] };
  // every request: consume and (new-api) error rows; type 0 also brings top-ups and management rows, dropped here
  return dialect === 'one-api'
    ? { wire: LOG_CONSUME, keep: [LOG_CONSUME] }
    : { wire: 0, keep: [LOG_CONSUME, LOG_ERROR] };
}

/** The query of one page in the gateway's dialect (unknown yet: both size names, `p` from 0). */
export function hubRequestQuery(
  f: RequestFilter,
  page: number,
  pageSize: number,
  dialect: Dialect | undefined,
  gateway: string,
): Record<string, string | number | undefined> {
  const operation = 'list requests';
  const p = wireInt(page, { field: 'p', gateway, operation }, 0);
  const size = Math.min(wireInt(pageSize, { field: 'page_size', gateway, operation }, 1), 100);
  const start = wireTime(f.start, { field: 'start_timestamp', gateway, operation });
  const end = wireTime(f.end, { field: 'end_timestamp', gateway, operation });
  const paging =
    dialect === 'new-api'
      ? { p: p + 1, page_size: size }
      : dialect === 'one-api'
        ? { p, num: size }
        : { p, num: size, page_size: size };
  return {
    ...paging,
    type: hubLogTypes(f, dialect).wire,
    start_timestamp: Math.max(0, Math.floor(start / 1000)),
    // the filter's end is exclusive, the gateway's inclusive (whole seconds)
    end_timestamp: Math.max(0, Math.floor((end - 1) / 1000)),
    token_name: f.keyName,
    model_name: f.model,
  };
}

function otherOf(raw: HubRequestRow['other']): z.infer<typeof otherSchema> {
  const value = typeof raw === 'string' ? tryParseJson(raw) : raw;
  const r = otherSchema.safeParse(value);
  return r.success ? r.data : {};
}

/** One log row as a RequestRecord (prompt counts include the cache classes; an impossible split is read Anthropic-style). */
export function mapHubRequest(r: HubRequestRow, index: number, gateway: string): RequestRecord {
  const other = otherOf(r.other);
  const prompt = r.prompt_tokens ?? 0;
  const completion = r.completion_tokens ?? 0;
  const read = other.cache_tokens ?? undefined;
  const write = other.cache_creation_tokens ?? undefined;
  const hasCache = read != null || write != null;
  let u = parseUsage({
    prompt_tokens: prompt,
    completion_tokens: completion,
    ...(hasCache ? { prompt_tokens_details: { cached_tokens: read ?? 0, cached_creation_tokens: write ?? 0 } } : {}),
  });
  if (!u.ok && hasCache)
    u = parseUsage({
      input_tokens: prompt,
      output_tokens: completion,
      cache_read_input_tokens: read ?? 0,
      cache_creation_input_tokens: write ?? 0,
    });
  // Stryker disable next-line StringLiteral,ArrayDeclaration,ConditionalExpression,BooleanLiteral: the refusal is unreachable — the schema takes only whole counts of 0 or more, which parse without a split, and a split past the prompt always parses Anthropic-style
  if (!u.ok) throw badResponse(gateway, 'list requests', ['data', index], false, u.error);
  // Stryker disable next-line ObjectLiteral: never used — a usage with a prompt count (0 when absent) always parses to counts
  const usage = u.usage ?? { promptTokens: 0, completionTokens: 0, totalTokens: 0 };
  const latency = r.elapsed_time ?? (r.use_time != null ? r.use_time * 1000 : undefined);
  // Stryker disable next-line ConditionalExpression: `undefined > 0` and `null > 0` are false, so `!= null` → true changes nothing; the rest of the line is killed
  const frt = other.frt != null && other.frt > 0 ? other.frt : undefined;
  const error = r.type === LOG_ERROR;
  const tokenId = r.token_id ?? undefined;
  return {
    id: r.id,
    at: new Date(r.created_at * 1000).toISOString(),
    model: r.model_name ?? '',
    status: error ? 'error' : 'success',
    usage,
    cost: money(quotaToUsd(r.quota ?? 0), 'USD'),
    ...(r.request_id ? { requestId: r.request_id } : {}),
    ...(tokenId !== undefined ? { keyId: tokenId } : {}),
    ...(r.token_name ? { keyName: r.token_name } : {}),
    ...(latency !== undefined ? { latencyMs: latency } : {}),
    ...(frt !== undefined ? { firstTokenMs: frt } : {}),
    ...(r.is_stream != null ? { stream: r.is_stream } : {}),
    ...(error && r.content ? { error: r.content } : {}),
  };
}

/** A page of records: only the rows the filter keeps; `hasMore` from the total, else from a full raw page. */
export function mapHubRequestPage(
  list: HubRequestList,
  f: RequestFilter,
  dialect: Dialect | undefined,
  page: number,
  pageSize: number,
  gateway: string,
): RequestPage {
  const { wire, keep } = hubLogTypes(f, dialect);
  const items = list.rows
    .map((r, i) => ({ r, i }))
    .filter(({ r }) => keep.includes(r.type ?? LOG_CONSUME))
    .map(({ r, i }) => mapHubRequest(r, i, gateway));
  // a total counted over type 0 includes rows that are not requests: it is not the filter's count
  const total = wire !== 0 ? list.total : undefined;
  return {
    items,
    page,
    pageSize,
    ...(total !== undefined ? { total } : {}),
    hasMore: list.total !== undefined ? (page + 1) * pageSize < list.total : list.rows.length >= pageSize,
  };
}
