/**
 * AIHubMix's wire forms → the core types: tokens (one-api or new-api names, quota units as exact USD, Unix
 * seconds as ISO-8601), usage logs and the public model catalogue. No I/O here; the bodies sent are in bodies.ts.
 */
import type * as z from 'zod';
import { mulDecimal, money, quotaToUsd, type Money } from '../../core/money';
import { maskSecret } from '../../core/redact';
import type { ApiKey, KeyStatus, ModelInfo, UsageLog } from '../../core/types';
import { toList } from '../schema';
import { vendorOf } from '../vendors';
import { type catalogueModelSchema, type Log, logCacheCounts, type Token } from './schemas';

/** Fields of a token this client reads itself (everything else the gateway sends is kept in `unmodeled`). */
export const MODELED: ReadonlySet<string> = new Set([
  'id',
  'user_id',
  'key',
  'status',
  'name',
  'created_time',
  'accessed_time',
  'expired_time',
  'remain_quota',
  'unlimited_quota',
  'used_quota',
  'models',
  'subnet',
  'model_limits_enabled',
  'model_limits',
  'allow_ips',
  'DeletedAt',
  'deleted_at',
  'username',
]);

/**
 * Quota units → USD as an exact decimal string (1 USD = 500,000 units, so units × 2 millionths), in the form
 * big.js prints; done with integers because a page of keys needs two of these per key and big.js division
 * costs microseconds each. Falls back to quotaToUsd beyond safe integers.
 */
export function unitsToUsd(units: number): Money {
  const twice = units * 2;
  // Stryker disable next-line ConditionalExpression: `true` (always the decimal path) gives the same text for every amount, only slower; `false` is killed by the 2^54 row of the tests
  if (!Number.isSafeInteger(twice)) return money(quotaToUsd(units), 'USD');
  // Stryker disable next-line EqualityOperator: zero prints "0" either way (the sign is added only to a non-zero amount)
  const neg = twice < 0;
  const abs = neg ? -twice : twice;
  const whole = Math.floor(abs / 1_000_000);
  const frac = abs % 1_000_000;
  let amount = String(whole);
  if (frac !== 0) {
    let f = frac;
    let digits = 6;
    while (f % 10 === 0) {
      f /= 10;
      digits--;
    }
    amount += `.${String(f).padStart(digits, '0')}`;
  }
  // Stryker disable next-line ConditionalExpression: abs is not 0 when neg
  return { amount: neg && abs !== 0 ? `-${amount}` : amount, currency: 'USD' };
}

/** maskSecret's form of `sk-<48>` (`sk-` + 4 … last 4) without its general checks; anything else goes through it. */
function maskHubKey(wireKey: string, secret: string): string {
  // Stryker disable next-line ConditionalExpression,EqualityOperator,StringLiteral: the fast path gives maskSecret's own text, so `false`, `>= 12` or startsWith('') only send more keys to maskSecret (a `sk-` key or a spaced one through the fast path is killed by the tests)
  return wireKey.length > 12 && !wireKey.startsWith('sk-') && wireKey.trim() === wireKey
    ? `sk-${wireKey.slice(0, 4)}…${wireKey.slice(-4)}`
    : maskSecret(secret);
}

/** A key field the gateway masked (new-api) or left empty: no secret in it. */
export function isMaskedKey(wireKey: string): boolean {
  return wireKey === '' || wireKey.includes('*') || wireKey.includes('…');
}

/** The models a token allows: one-api's `models`, else new-api's `model_limits` when enabled. */
function tokenModels(t: Token): string[] {
  const models = toList(t.models);
  // Stryker disable next-line ConditionalExpression: an absent model_limits is an empty list below as well
  if (models.length > 0 || t.model_limits === undefined) return models;
  return t.model_limits_enabled ? toList(t.model_limits) : [];
}

function tokenIps(t: Token): string[] {
  const subnet = toList(t.subnet);
  // Stryker disable next-line ConditionalExpression: an absent allow_ips is an empty list as well
  return subnet.length > 0 || t.allow_ips === undefined ? subnet : toList(t.allow_ips);
}

function isUnlimited(t: Token): boolean {
  return t.unlimited_quota || t.remain_quota === -1;
}

function unmodeledOf(raw: Readonly<Record<string, unknown>> | undefined): Record<string, unknown> | undefined {
  let out: Record<string, unknown> | undefined;
  // for…in: no array of the keys per token (the wire record is a plain JSON object, so no inherited keys); none
  // when there is no record
  for (const k in raw) {
    if (MODELED.has(k)) continue;
    (out ??= {})[k] = raw[k];
  }
  return out;
}

const pad2 = (n: number): string => (n < 10 ? `0${n}` : String(n));

/** `YYYY-MM-DD` of a day since the epoch (civil-from-days, proleptic Gregorian). */
function civilDay(days: number): string {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return `${yoe + era * 400 + (m <= 2 ? 1 : 0)}-${pad2(m)}-${pad2(d)}`;
}

/** Day strings already made (keys of one account share their days); bounded. */
const dayCache = new Map<number, string>();

/**
 * Unix seconds → ISO-8601 (`YYYY-MM-DDTHH:MM:SS.000Z`, as Date#toISOString writes it); 0 or less = unknown /
 * never. Whole seconds in years 1970–9999 are formatted with integer arithmetic, several times cheaper than a
 * Date per field (a page maps three per key); anything else goes through Date.
 */
export function isoOf(seconds: number): string | null {
  if (!(seconds > 0)) return null;
  // Stryker disable next-line ConditionalExpression: Date gives the same text; the arithmetic below is only faster
  if (!Number.isInteger(seconds) || seconds >= 253_402_300_800) return new Date(seconds * 1000).toISOString();
  const days = Math.floor(seconds / 86_400);
  let day = dayCache.get(days);
  // Stryker disable next-line ConditionalExpression: the cache only saves computing the same day again
  if (day === undefined) {
    // Stryker disable next-line ConditionalExpression,EqualityOperator,CallExpression: the cache's bound changes no result
    if (dayCache.size >= 4096) dayCache.clear();
    day = civilDay(days);
    // Stryker disable next-line CallExpression: the cache only saves computing the same day again
    dayCache.set(days, day);
  }
  let rem = seconds - days * 86_400;
  const h = Math.floor(rem / 3600);
  rem -= h * 3600;
  const mi = Math.floor(rem / 60);
  return `${day}T${pad2(h)}:${pad2(mi)}:${pad2(rem - mi * 60)}.000Z`;
}

type Mutable<T> = { -readonly [P in keyof T]: T[P] };

export function mapToken(t: Token, nowMs = Date.now(), raw?: Readonly<Record<string, unknown>>): ApiKey {
  const wireKey = t.key;
  const secret = isMaskedKey(wireKey) ? undefined : wireKey.startsWith('sk-') ? wireKey : `sk-${wireKey}`;
  const expires = t.expired_time;
  const unlimited = isUnlimited(t);
  let status: KeyStatus =
    t.status === 1
      ? 'active'
      : t.status === 2 || t.status === 0
        ? 'disabled'
        : t.status === 3
          ? 'expired'
          : t.status === 4
            ? 'exhausted'
            : 'unknown';
  if (status === 'active' && expires > 0 && expires * 1000 <= nowMs) status = 'expired';
  if (status === 'active' && !unlimited && t.remain_quota <= 0) status = 'exhausted';
  const quota: Mutable<NonNullable<ApiKey['quota']>> = { unlimited };
  if (!unlimited) quota.remaining = unitsToUsd(Math.max(0, t.remain_quota));
  quota.used = unitsToUsd(t.used_quota);
  // built field by field (no conditional spreads): a page maps 50 of these
  const key: Mutable<ApiKey> = {
    id: String(t.id),
    name: t.name,
    maskedKey: secret ? maskHubKey(wireKey, secret) : wireKey ? `sk-${wireKey.replace(/^sk-/, '')}` : 'sk-…',
    status,
    rawStatus: t.status,
    modelsAllowed: tokenModels(t),
    allowedIps: tokenIps(t),
    quota,
    expiresAt: isoOf(expires),
    createdAt: isoOf(t.created_time),
    lastUsedAt: isoOf(t.accessed_time),
  };
  if (secret) key.secret = secret;
  const unmodeled = unmodeledOf(raw);
  if (unmodeled) key.unmodeled = unmodeled;
  return key;
}

export function mapLog(l: Log): UsageLog {
  const elapsedMs = l.elapsed_time ?? (l.use_time != null ? l.use_time * 1000 : undefined);
  return {
    id: String(l.id),
    at: isoOf(l.created_at) ?? new Date(l.created_at * 1000).toISOString(),
    ...(l.token_name ? { keyName: l.token_name } : {}),
    ...(l.model_name ? { model: l.model_name } : {}),
    promptTokens: l.prompt_tokens,
    completionTokens: l.completion_tokens,
    ...logCacheCounts(l.other),
    cost: unitsToUsd(l.quota),
    ...(elapsedMs != null ? { elapsedMs } : {}),
    ...(l.is_stream != null ? { isStream: l.is_stream } : {}),
    ...(l.content ? { content: l.content } : {}),
  };
}

/** The public catalogue by model id: prices per 1M tokens (input, output, cache read / write; the catalogue gives them per 1K), context and features. */
export function catalogueById(catalogue: ReadonlyArray<z.infer<typeof catalogueModelSchema>>): Map<string, ModelInfo> {
  const rich = new Map<string, ModelInfo>();
  for (const m of catalogue) {
    const perK = (v: number | string | null | undefined) =>
      v == null || v === '' ? undefined : money(mulDecimal(String(v), 1000), 'USD');
    const input = perK(m.pricing?.input);
    const output = perK(m.pricing?.output);
    const cacheRead = perK(m.pricing?.cache_read);
    const cacheWrite = perK(m.pricing?.cache_write);
    const price = {
      ...(input ? { inputPerMTok: input } : {}),
      ...(output ? { outputPerMTok: output } : {}),
      ...(cacheRead ? { cacheReadPerMTok: cacheRead } : {}),
      ...(cacheWrite ? { cacheWritePerMTok: cacheWrite } : {}),
    };
    rich.set(m.model_id, {
      id: m.model_id,
      vendor: vendorOf(m.model_id),
      ...(m.context_length ? { contextLength: m.context_length } : {}),
      ...(m.max_output ? { maxOutput: m.max_output } : {}),
      ...(Object.keys(price).length > 0 ? { price } : {}),
      types: m.types.map((t) => t.toLowerCase()),
      features: m.features.map((f) => f.toLowerCase()),
      ...(m.input_modalities.length > 0 ? { inputModalities: m.input_modalities.map((x) => x.toLowerCase()) } : {}),
      ...(m.desc ? { description: m.desc } : {}),
    });
  }
  return rich;
}
