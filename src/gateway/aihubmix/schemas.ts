/**
 * zod schemas of AIHubMix responses (one-api lineage, and new-api for backends built on it).
 *
 * A token must carry every field of one-api's Token (`id, key, status, name, created_time, accessed_time,
 * expired_time, remain_quota, unlimited_quota, used_quota`, and `models`/`subnet` — or new-api's
 * `model_limits`/`allow_ips` in their place). Leniency is only between the variants the sources name:
 * status 0 or 2 for disabled, `expired_time` as an integer or a string of digits, unlimited as a flag or
 * `remain_quota: -1`, lists as comma or newline strings or null, and a list answered as a bare array,
 * new-api's page object `{page, page_size, total, items}`, `{items}`, or one token.
 */
import * as z from 'zod';
import { badResponse, intLike, listLike, parseWith, schemaError, tryParseJson } from '../schema';

/** `{success, message, data}` — HTTP 200 with success:false is an error. new-api adds a `code` to auth errors. */
export const envelopeSchema = z.object({
  success: z.boolean(),
  message: z.string().nullish(),
  code: z.union([z.string(), z.number()]).nullish(),
  data: z.unknown().optional(),
});

const int = z.number().int();
const optionalText = z.string().nullable().optional();

/**
 * One-api's Token (or new-api's). Plain types wherever the sources agree, so zod compiles the object into one
 * fast check (a page of keys must cost little next to its JSON.parse); the only union is `expired_time`, the one
 * field whose type the sources disagree on. `models`/`subnet` or `model_limits`/`allow_ips` — one of each pair —
 * must be there: parseToken checks it.
 */
export const tokenSchema = z.object({
  id: int.nonnegative(),
  user_id: int.nullish(),
  key: z.string(),
  // [CONFLICT] docs: 0 disabled / 1 enabled; one-api: 1 enabled, 2 disabled, 3 expired, 4 exhausted.
  status: int,
  name: z.string(),
  created_time: int,
  accessed_time: int,
  // [CONFLICT] an integer or a string of digits; -1 = never.
  expired_time: intLike,
  // [CONFLICT] -1 or unlimited_quota=true both mean unlimited.
  remain_quota: int,
  unlimited_quota: z.boolean(),
  used_quota: int,
  // one-api names (null = no restriction; comma lists, newline accepted)
  models: optionalText,
  subnet: optionalText,
  // new-api names
  model_limits_enabled: z.boolean().nullish(),
  model_limits: optionalText,
  allow_ips: optionalText,
  group: z.string().nullish(),
});
export type Token = z.infer<typeof tokenSchema>;

/** The field names a backend speaks: one-api's (AIHubMix) or new-api's. */
export type Dialect = 'one-api' | 'new-api';

/** Whether a token (as read) uses new-api's field names. */
export function hasNewApiNames(raw: Readonly<Record<string, unknown>>): boolean {
  return 'model_limits' in raw || 'allow_ips' in raw || 'model_limits_enabled' in raw;
}

/** A token as parsed, beside the object the gateway sent (a full replace sends every field of it back). */
export interface TokenRead {
  readonly token: Token;
  readonly raw: Readonly<Record<string, unknown>>;
}

export type ListShape = 'array' | 'null' | 'page' | 'single';

export interface TokenListRead {
  readonly items: readonly TokenRead[];
  readonly shape: ListShape;
  readonly total?: number;
  /** The page number the server says it answered (new-api: 1-based). */
  readonly page?: number;
  readonly pageSize?: number;
}

const pageMeta = z.object({
  total: z.number().int().nullish(),
  page: z.number().int().nullish(),
  page_size: z.number().int().nullish(),
});

function isRecord(v: unknown): v is Record<string, unknown> {
  // Stryker disable next-line ConditionalExpression: every caller has returned on null before (`data === null`); the other operands are killed
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** new-api's PageInfo (or a bare `{items}`): an object with `items` or the page fields beside it. */
function isPageObject(v: Record<string, unknown>): boolean {
  return 'items' in v || 'page' in v || 'page_size' in v || 'total' in v;
}

const safeInt = (x: unknown): x is number => Number.isSafeInteger(x);
const optText = (x: unknown): boolean => x === undefined || x === null || typeof x === 'string';

/**
 * The documented token shape checked by hand: every field of the type tokenSchema gives it, no transform
 * needed (expired_time already an integer). Accepts only what tokenSchema accepts, with the same values, so
 * the zod type holds; anything else returns undefined and goes through tokenSchema, which names the field.
 */
export function fastToken(v: unknown): Token | undefined {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
  const o = v as Record<string, unknown>;
  if (!(safeInt(o.id) && o.id >= 0 && typeof o.key === 'string' && safeInt(o.status) && typeof o.name === 'string'))
    return undefined;
  if (!(
    safeInt(o.created_time) &&
    safeInt(o.accessed_time) &&
    safeInt(o.expired_time) &&
    safeInt(o.remain_quota) &&
    safeInt(o.used_quota)
  ))
    return undefined;
  if (typeof o.unlimited_quota !== 'boolean' || !(o.user_id == null || safeInt(o.user_id))) return undefined;
  if (!(optText(o.models) && optText(o.subnet) && optText(o.model_limits) && optText(o.allow_ips))) return undefined;
  if (
    !(o.model_limits_enabled == null || typeof o.model_limits_enabled === 'boolean') ||
    !(o.group == null || typeof o.group === 'string')
  )
    return undefined;
  return o as unknown as Token;
}

export function parseToken(
  value: unknown,
  gateway: string | undefined,
  operation: string,
  prefix: readonly PropertyKey[],
): TokenRead {
  let t = fastToken(value);
  // Stryker disable next-line ConditionalExpression: the fast path only spares zod, which gives the same token for what it takes; `false` is killed
  if (!t) {
    const r = tokenSchema.safeParse(value);
    if (!r.success) throw schemaError(r.error, value, gateway, operation, prefix);
    t = r.data;
  }
  if (t.models === undefined && t.model_limits === undefined)
    throw badResponse(gateway, operation, [...prefix, 'models'], true);
  if (t.subnet === undefined && t.allow_ips === undefined)
    throw badResponse(gateway, operation, [...prefix, 'subnet'], true);
  return { token: t, raw: value as Record<string, unknown> };
}

function parseItems(
  items: readonly unknown[],
  gateway: string | undefined,
  operation: string,
  prefix: readonly PropertyKey[],
): TokenRead[] {
  const out: TokenRead[] = [];
  for (let i = 0; i < items.length; i++) out.push(parseToken(items[i], gateway, operation, [...prefix, i]));
  return out;
}

/**
 * A token list: a bare array (one-api; null when Go's slice is nil), new-api's page object or `{items}`,
 * or one token (the AIHubMix docs' example). A missing `data` or `items` is an error, not an empty list.
 */
export function parseTokenList(data: unknown, gateway: string | undefined, operation: string): TokenListRead {
  if (Array.isArray(data)) return { items: parseItems(data, gateway, operation, ['data']), shape: 'array' };
  if (data === null) return { items: [], shape: 'null' };
  if (!isRecord(data))
    throw badResponse(
      gateway,
      operation,
      ['data'],
      data === undefined,
      // Stryker disable next-line ConditionalExpression: for absent data the message says "missing" and ignores the detail; `true` is killed
      data === undefined ? undefined : 'expected a list of keys',
    );
  if (isPageObject(data)) {
    const items = data.items;
    if (items !== null && !Array.isArray(items))
      throw badResponse(gateway, operation, ['data', 'items'], items === undefined, 'expected an array');
    const meta = parseWith(pageMeta, data, gateway, operation, ['data']);
    return {
      items: items === null ? [] : parseItems(items, gateway, operation, ['data', 'items']),
      shape: 'page',
      ...(meta.total != null ? { total: meta.total } : {}),
      ...(meta.page != null ? { page: meta.page } : {}),
      ...(meta.page_size != null ? { pageSize: meta.page_size } : {}),
    };
  }
  return { items: [parseToken(data, gateway, operation, ['data'])], shape: 'single' };
}

export const userSelfSchema = z.object({
  id: int,
  username: z.string().nullish(),
  display_name: z.string().nullish(),
  email: z.string().nullish(),
  role: int.nullish(),
  status: int.nullish(),
  quota: int,
  used_quota: int,
  request_count: int.nullish(),
  group: z.string().nullish(),
  quota_remind_threshold: int.nullish(),
});

export const catalogueModelSchema = z.object({
  model_id: z.string().min(1),
  desc: z.string().nullish(),
  types: listLike,
  features: listLike,
  input_modalities: listLike,
  // the docs show these two as strings, the API as numbers
  max_output: intLike.nullish(),
  context_length: intLike.nullish(),
  pricing: z
    .object({
      input: z.union([z.number(), z.string()]).nullish(),
      output: z.union([z.number(), z.string()]).nullish(),
      cache_read: z.union([z.number(), z.string()]).nullish(),
      cache_write: z.union([z.number(), z.string()]).nullish(),
    })
    .nullish(),
});
export const catalogueSchema = z.array(catalogueModelSchema);

export const availableModelsSchema = z.array(z.string());

export const logSchema = z.object({
  id: int,
  created_at: int,
  type: int.nullish(),
  content: z.string().nullish(),
  token_name: z.string().nullish(),
  model_name: z.string().nullish(),
  quota: int,
  prompt_tokens: int,
  completion_tokens: int,
  /** one-api: milliseconds. */
  elapsed_time: int.nullish(),
  /** new-api: seconds. */
  use_time: int.nullish(),
  is_stream: z.boolean().nullish(),
  /** new-api: a JSON string with the request's details (ratios, cache_tokens, cache_creation_tokens, frt). */
  other: z.string().nullish(),
});
export type Log = z.infer<typeof logSchema>;

/** The cache counts in new-api's `other`; anything else in it is ignored, and an unreadable `other` is no counts. */
const logOtherSchema = z.object({
  cache_tokens: z.number().int().nonnegative().nullish(),
  cache_creation_tokens: z.number().int().nonnegative().nullish(),
});

export function logCacheCounts(other: string | null | undefined): { cachedTokens?: number; cacheWriteTokens?: number } {
  // Stryker disable next-line ConditionalExpression: `false` parses "" or null to nothing, which is no counts below as well; the check spares a thrown parse per row
  if (!other) return {};
  const r = logOtherSchema.safeParse(tryParseJson(other));
  if (!r.success) return {};
  return {
    ...(r.data.cache_tokens != null ? { cachedTokens: r.data.cache_tokens } : {}),
    ...(r.data.cache_creation_tokens != null ? { cacheWriteTokens: r.data.cache_creation_tokens } : {}),
  };
}

export interface LogListRead {
  readonly items: readonly Log[];
  readonly shape: ListShape;
  readonly total?: number;
  readonly page?: number;
}

/** Logs: a bare array (one-api; null = none) or new-api's page object. */
export function parseLogList(data: unknown, gateway: string | undefined, operation: string): LogListRead {
  const items = (arr: readonly unknown[], prefix: readonly PropertyKey[]): Log[] =>
    arr.map((l, i) => parseWith(logSchema, l, gateway, operation, [...prefix, i]));
  if (Array.isArray(data)) return { items: items(data, ['data']), shape: 'array' };
  if (data === null) return { items: [], shape: 'null' };
  if (isRecord(data) && isPageObject(data)) {
    const list = data.items;
    if (list !== null && !Array.isArray(list))
      throw badResponse(gateway, operation, ['data', 'items'], list === undefined, 'expected an array');
    const meta = parseWith(pageMeta, data, gateway, operation, ['data']);
    return {
      items: list === null ? [] : items(list, ['data', 'items']),
      shape: 'page',
      ...(meta.total != null ? { total: meta.total } : {}),
      ...(meta.page != null ? { page: meta.page } : {}),
    };
  }
  throw badResponse(
    gateway,
    operation,
    isRecord(data) ? ['data', 'items'] : ['data'],
    data === undefined || isRecord(data),
    isRecord(data) ? undefined : 'expected a list of logs',
  );
}

export const logStatSchema = z.object({ quota: int, rpm: z.number().nullish(), tpm: z.number().nullish() });

/** new-api's reveal answer: `{key}` (a bare string accepted too). */
export const revealSchema = z.union([z.object({ key: z.string().min(1) }).transform((o) => o.key), z.string().min(1)]);
