/**
 * AIone per-request usage rows (`GET /api/v1/obs/requests`, the client's inferred route): deterministic records
 * from the seeded rng for the first keys over the last REQUEST_DAYS days (generated on first use, per state), plus
 * one record per chat completion made against the simulator. Paging `page` (from 1) and `page_size` (1–100),
 * filters `start_time` / `end_time` (ISO-8601 or Unix seconds, inclusive), `key_id`, `model`, `status`
 * (success | error); newest first; `totals` over the whole filter. Costs are integers of 1/10000 RMB, served as
 * decimal strings with 4 places.
 */
import { type CatalogModel, findModel, PRICED_CHAT_MODELS, rmbE4 } from './catalog';
import { type Ctx, sendJson } from './http-util';
import { DAY_MS, chance, fmtE4, hex, int, isoMicros, pick, rngFor, sample } from './rng';
import type { AioneKeyRecord, AioneState } from './types';
import { usageFamily } from './usage';

export const REQUEST_DAYS = 14;
export const MAX_REQUEST_KEYS = 12;

export interface AioneRequestRecord {
  id: string;
  request_id: string;
  /** ms epoch. */
  at: number;
  key_id: string;
  key_name: string;
  model: string;
  status: 'success' | 'error';
  is_stream: boolean;
  /** Includes the cache classes. */
  prompt_tokens: number;
  cached_tokens: number;
  cache_write_tokens: number;
  /** Includes reasoning. */
  completion_tokens: number;
  reasoning_tokens: number;
  costE4: number;
  latency_ms: number;
  first_token_ms: number | null;
  error: string | null;
}

/** The request at the model's RMB prices (cache reads / writes at their own where listed), 1/10000 RMB. */
export function requestCostE4(
  m: CatalogModel | undefined,
  prompt: number,
  cached: number,
  write: number,
  completion: number,
): number {
  if (!m || m.aioneNoPrice) return 0;
  const units =
    (prompt - cached - write) * rmbE4(m.inUsdE4) +
    cached * rmbE4(m.cacheReadE4 ?? m.inUsdE4) +
    write * rmbE4(m.cacheWriteE4 ?? m.inUsdE4) +
    completion * rmbE4(m.outUsdE4);
  return Math.round(units / 1_000_000);
}

const ERRORS = ['upstream timeout', 'rate limit exceeded (rpm)', 'model overloaded, retry later'];
const stores = new WeakMap<AioneState, AioneRequestRecord[]>();

function generate(seed: number, keys: readonly AioneKeyRecord[], anchor: number): AioneRequestRecord[] {
  const rng = rngFor(seed, 'aione-requests');
  const out: AioneRequestRecord[] = [];
  for (const k of keys.slice(0, MAX_REQUEST_KEYS)) {
    const allowed = (k.models_allowed ?? [])
      .map((id) => PRICED_CHAT_MODELS.find((m) => m.id === id))
      .filter((m): m is CatalogModel => m !== undefined);
    const models = allowed.length > 0 ? allowed : sample(rng, PRICED_CHAT_MODELS, int(rng, 1, 3));
    const created = Date.parse(k.created_at);
    const perDay = int(rng, 6, 30);
    for (let d = REQUEST_DAYS - 1; d >= 0; d--) {
      const n = int(rng, Math.floor(perDay / 2), perDay);
      for (let i = 0; i < n; i++) {
        const at = anchor - d * DAY_MS - int(rng, 60_000, DAY_MS - 1);
        if (at < created || at >= anchor) continue;
        const m = pick(rng, models);
        const family = usageFamily(m.id);
        const error = chance(rng, 0.06);
        const prompt = error ? int(rng, 20, 400) : int(rng, 200, 9000);
        const cached = !error && family !== 'other' && chance(rng, 0.5) ? Math.floor(prompt * (0.3 + rng() * 0.6)) : 0;
        const write = !error && family === 'anthropic' && chance(rng, 0.4) ? Math.floor((prompt - cached) * rng()) : 0;
        const completion = error ? 0 : int(rng, 10, 2500);
        const reasoning =
          !error && m.features.split(',').includes('thinking') && (family === 'openai' || family === 'deepseek')
            ? Math.floor(completion * (0.2 + rng() * 0.5))
            : 0;
        const stream = chance(rng, 0.7);
        const latency = Math.round(m.latencyMs * (0.6 + rng()) + completion * (2 + rng() * 8));
        out.push({
          id: `${hex(rng, 8)}-${hex(rng, 4)}-4${hex(rng, 3)}-a${hex(rng, 3)}-${hex(rng, 12)}`,
          request_id: `req_${hex(rng, 24)}`,
          at,
          key_id: k.id,
          key_name: k.name,
          model: m.id,
          status: error ? 'error' : 'success',
          is_stream: stream,
          prompt_tokens: prompt,
          cached_tokens: cached,
          cache_write_tokens: write,
          completion_tokens: completion,
          reasoning_tokens: reasoning,
          costE4: error ? 0 : requestCostE4(m, prompt, cached, write, completion),
          latency_ms: latency,
          first_token_ms: stream && !error ? Math.round(m.latencyMs * (0.3 + rng() * 0.4)) : null,
          error: error ? pick(rng, ERRORS) : null,
        });
      }
    }
  }
  return out.sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : 1));
}

/** Every record of this state, oldest first (seeded ones generated on first use). */
export function aioneRequests(state: AioneState, seed: number, anchor: number): AioneRequestRecord[] {
  let list = stores.get(state);
  if (!list) {
    list = generate(seed, state.keys, anchor);
    stores.set(state, list);
  }
  return list;
}

/** Appends the record of a chat completion served now. */
export function recordAioneRequest(
  state: AioneState,
  seed: number,
  now: number,
  r: Omit<AioneRequestRecord, 'id' | 'at' | 'costE4'>,
): void {
  const list = aioneRequests(state, seed, now);
  const n = list.length + 1;
  list.push({
    ...r,
    id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    at: now,
    costE4:
      r.status === 'error'
        ? 0
        : requestCostE4(
            findModel(r.model),
            r.prompt_tokens,
            r.cached_tokens,
            r.cache_write_tokens,
            r.completion_tokens,
          ),
  });
}

function view(r: AioneRequestRecord): Record<string, unknown> {
  return {
    id: r.id,
    request_id: r.request_id,
    created_at: isoMicros(r.at, (r.at % 1000) * 1000),
    key_id: r.key_id,
    key_name: r.key_name,
    model: r.model,
    status: r.status,
    is_stream: r.is_stream,
    prompt_tokens: r.prompt_tokens,
    completion_tokens: r.completion_tokens,
    total_tokens: r.prompt_tokens + r.completion_tokens,
    cached_tokens: r.cached_tokens,
    cache_write_tokens: r.cache_write_tokens,
    reasoning_tokens: r.reasoning_tokens,
    cost_rmb: fmtE4(r.costE4),
    latency_ms: r.latency_ms,
    first_token_ms: r.first_token_ms,
    error: r.error,
  };
}

/** Parses an ISO-8601 instant or Unix seconds; undefined = absent, NaN = invalid. */
function instantParam(v: string | undefined): number | undefined {
  if (v === undefined || v === '') return undefined;
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  return Date.parse(v);
}

function invalid(ctx: Ctx, loc: string, msg: string, input: unknown): void {
  sendJson(ctx.res, 422, { detail: [{ type: 'value_error', loc: ['query', loc], msg, input }] });
}

/** The filter of a query as a predicate over records (a FastAPI 422 sent and null returned when a param is invalid). */
export function requestFilter(ctx: Ctx): ((r: AioneRequestRecord) => boolean) | null {
  const q = ctx.q;
  const start = instantParam(q['start_time']);
  const end = instantParam(q['end_time']);
  if (start !== undefined && Number.isNaN(start)) {
    invalid(ctx, 'start_time', 'Input should be a valid datetime', q['start_time']);
    return null;
  }
  if (end !== undefined && Number.isNaN(end)) {
    invalid(ctx, 'end_time', 'Input should be a valid datetime', q['end_time']);
    return null;
  }
  const status = q['status'];
  if (status !== undefined && status !== '' && status !== 'success' && status !== 'error') {
    invalid(ctx, 'status', "Input should be 'success' or 'error'", status);
    return null;
  }
  const keyId = q['key_id'] || undefined;
  const model = q['model'] || undefined;
  return (r) =>
    (start === undefined || r.at >= start) &&
    (end === undefined || r.at <= end) &&
    (keyId === undefined || r.key_id === keyId) &&
    (model === undefined || r.model === model) &&
    (!status || r.status === status);
}

/** `GET /api/v1/obs/requests`. */
export function serveAioneRequests(ctx: Ctx, state: AioneState, seed: number, now: number): void {
  const page = ctx.q['page'] === undefined ? 1 : Number(ctx.q['page']);
  const size = ctx.q['page_size'] === undefined ? 20 : Number(ctx.q['page_size']);
  if (!Number.isInteger(page) || page < 1)
    return invalid(ctx, 'page', 'Input should be greater than or equal to 1', ctx.q['page']);
  if (!Number.isInteger(size) || size < 1 || size > 100)
    return invalid(ctx, 'page_size', 'Input should be between 1 and 100', ctx.q['page_size']);
  const f = requestFilter(ctx);
  if (!f) return;
  const all = aioneRequests(state, seed, now);
  const matched: AioneRequestRecord[] = [];
  for (let i = all.length - 1; i >= 0; i--) {
    const r = all[i];
    if (r && f(r)) matched.push(r);
  }
  const totals = matched.reduce(
    (t, r) => {
      t.requests++;
      t.prompt_tokens += r.prompt_tokens;
      t.completion_tokens += r.completion_tokens;
      t.cached_tokens += r.cached_tokens;
      t.cache_write_tokens += r.cache_write_tokens;
      t.reasoning_tokens += r.reasoning_tokens;
      t.costE4 += r.costE4;
      return t;
    },
    {
      requests: 0,
      prompt_tokens: 0,
      completion_tokens: 0,
      cached_tokens: 0,
      cache_write_tokens: 0,
      reasoning_tokens: 0,
      costE4: 0,
    },
  );
  const { costE4, ...counts } = totals;
  sendJson(ctx.res, 200, {
    items: matched.slice((page - 1) * size, page * size).map(view),
    total: matched.length,
    page,
    page_size: size,
    totals: { ...counts, cost_rmb: fmtE4(costE4) },
  });
}
