/**
 * zod schemas of AIone's responses. A field the API documents (KeyResponse, KeyListResponse.items,
 * DashboardResponse, TechDashboardData, BusinessDashboardData, ModelDistribution, TeamCostItem, the
 * plan's id) must be present: its absence is a bad-response naming it. Where only the nullability is a
 * guess, null is accepted. Fields the docs do not show are optional, except the ones without which a
 * value would be invented (an amount of money, a usage row's day).
 */
import * as z from 'zod';
import { decimalLike, idLike, int, intLike, listLike, listOf, listWithTotalOf, toList, wireList } from '../schema';

const dateTime = z.string().nullish();
const strings = z.array(z.string());

/**
 * KeyResponse: every documented field present, with its documented type (uuid string, `str[]`, int); null
 * where the docs leave nullability open. Plain types only: zod compiles such an object into one fast check,
 * which keeps a page of keys cheap (a union or a transform per field costs several times the JSON.parse).
 */
export const keyResponseSchema = z.object({
  id: z.string().min(1),
  org_id: z.string().nullish(), // documented, never read by the client
  team_id: z.string().nullable(),
  name: z.string(),
  key: z.string().nullable(),
  key_prefix: z.string().nullable(),
  models_allowed: strings.nullable(),
  rpm_limit: int.nullable(),
  tpm_limit: int.nullable(),
  is_sandbox: z.boolean(),
  allowed_ips: strings.nullable(),
  expires_at: z.string().nullable(),
  rotate_grace_until: z.string().nullable(),
  status: z.string(),
  created_at: z.string(),
  last_used_at: dateTime,
});
export type KeyResponse = z.infer<typeof keyResponseSchema>;

/** KeyListResponse: `{items, total?}`; an empty list is `items: []`. */
export const keyListSchema = z.object({
  items: z.array(keyResponseSchema),
  total: int.nullish(),
});

/**
 * The rotate answer is only guessed ("KeyResponse-like, with the new key"): the new secret is required,
 * the rest is read again when it is not a whole KeyResponse.
 */
export const rotateResponseSchema = z.object({ id: z.string().min(1).optional(), key: z.string().min(1) });

/** A list of names: an array, a comma / newline list, or an object of flags (`{tools: true, vision: false}`). */
const namesLike = z
  .union([wireList, z.record(z.string(), z.union([z.boolean(), z.number(), z.string(), z.null()]))])
  .optional()
  .transform((v): string[] => {
    if (v == null || typeof v === 'string' || Array.isArray(v)) return toList(v ?? undefined);
    return Object.entries(v)
      .filter(([, on]) => on === true || on === 1 || on === 'true')
      .map(([k]) => k.trim())
      .filter((k) => k.length > 0);
  });

/** An optional field the catalogue may add: a value of another shape is left out, never the whole list refused. */
const opt = <T extends z.ZodType>(t: T) => t.nullish().catch(undefined);

export const modelInfoSchema = z.object({
  id: z.string().min(1),
  name: z.string().nullish(),
  provider: z.string().nullish(),
  owned_by: z.string().nullish(),
  context_length: int.nullish(),
  context_window: opt(intLike),
  max_context_tokens: opt(intLike),
  max_output: int.nullish(),
  max_output_tokens: opt(intLike),
  input_price: decimalLike.nullish(),
  output_price: decimalLike.nullish(),
  cache_read_price: opt(decimalLike),
  cached_input_price: opt(decimalLike),
  cache_write_price: opt(decimalLike),
  cache_creation_price: opt(decimalLike),
  /** `{input, output, cache_read, cache_write}` per 1M tokens, where a catalogue nests its prices. */
  pricing: opt(
    z.object({
      input: opt(decimalLike),
      output: opt(decimalLike),
      cache_read: opt(decimalLike),
      cache_write: opt(decimalLike),
    }),
  ),
  currency: z.string().nullish(),
  description: z.string().nullish(),
  type: namesLike.catch([]),
  types: namesLike.catch([]),
  model_type: namesLike.catch([]),
  features: namesLike.catch([]),
  capabilities: namesLike.catch([]),
  input_modalities: namesLike.catch([]),
  modalities: namesLike.catch([]),
  aliases: namesLike.catch([]),
  alias: namesLike.catch([]),
});
/** ModelListResponse (fields guessed): `{items}` or `{data}`; one of them must be there. */
export const modelListSchema = listOf(modelInfoSchema, ['items', 'data']);

/** UsageRow (fields guessed): a row needs its day (or hour), its request count and its cost. */
export const usageRowSchema = z
  .object({
    date: z.string().nullish(),
    hour: z.string().nullish(),
    bucket: z.string().nullish(),
    model: z.string().nullish(),
    key_id: z.string().nullish(),
    key_name: z.string().nullish(),
    team_id: z.string().nullish(),
    requests: int,
    prompt_tokens: int,
    completion_tokens: int,
    total_tokens: int.nullish(),
    cost_rmb: decimalLike,
    errors: int.nullish(),
    avg_latency_ms: z.number().nullish(),
  })
  .superRefine((r, ctx) => {
    if (r.date == null && r.hour == null && r.bucket == null)
      ctx.addIssue({ code: 'custom', path: ['date'], message: 'a usage row needs its date' });
  });
/** Usage: a bare array of rows or `{items}`. */
export const usageListSchema = listOf(usageRowSchema, ['array', 'items']);

const dailyTrendSchema = z.object({
  date: z.string(),
  requests: int,
  tokens: int,
  cost_rmb: decimalLike,
});

export const techDashboardSchema = z.object({
  total_tokens: int,
  prompt_tokens: int,
  completion_tokens: int,
  total_requests: int,
  total_cost_rmb: decimalLike,
  avg_latency_ms: z.number(),
  p99_latency_ms: z.number(),
  error_rate_pct: decimalLike,
  rpm_usage_pct: decimalLike,
  model_distribution: z.array(z.object({ model: z.string(), requests: int, tokens: int })),
  daily_trend: z.array(dailyTrendSchema).nullish(),
});

export const businessDashboardSchema = z.object({
  total_chars_wan: z.number(),
  total_conversations: int,
  total_cost_rmb: decimalLike,
  budget_progress_pct: decimalLike,
  capacity_status: z.string(),
  service_status: z.string(),
  team_cost_ranking: z.array(
    z.object({ team_id: z.string(), team_name: z.string(), cost_rmb: decimalLike, conversations: int }),
  ),
  daily_trend: z.array(dailyTrendSchema).nullish(),
});

/** DashboardResponse: `view_mode` and `tech` (null allowed) documented; `business` guessed; one of them must carry data. */
export const dashboardSchema = z
  .object({
    view_mode: z.string(),
    tech: techDashboardSchema.nullable(),
    business: businessDashboardSchema.nullish(),
  })
  .superRefine((d, ctx) => {
    if (d.tech == null && d.business == null)
      ctx.addIssue({ code: 'custom', path: ['tech'], message: 'neither tech nor business data' });
  });

export const planSchema = z.object({
  id: idLike,
  name: z.string().nullish(),
  tier: z.string().nullish(),
  price_rmb: decimalLike.nullish(),
  billing_cycle: z.string().nullish(),
  rpm_limit: int.nullish(),
  tpm_limit: int.nullish(),
  max_keys: int.nullish(),
  features: listLike,
  current_period_start: dateTime,
  current_period_end: dateTime,
  status: z.string().nullish(),
});

/** BillingAccountResponse (fields guessed): the balance must be there, as `balance_rmb` or `balance`. */
export const accountSchema = z
  .object({
    id: idLike.nullish(),
    balance_rmb: decimalLike.nullish(),
    balance: decimalLike.nullish(),
    credit_limit_rmb: decimalLike.nullish(),
    monthly_budget_rmb: decimalLike.nullish(),
    currency: z.string().nullish(),
    auto_recharge: z.boolean().nullish(),
    updated_at: dateTime,
  })
  .superRefine((a, ctx) => {
    if (a.balance_rmb == null && a.balance == null)
      ctx.addIssue({ code: 'custom', path: ['balance_rmb'], message: 'no balance' });
  });

/** An invoice: its id (documented) and its amount, as `amount_rmb` or `amount`. */
export const invoiceSchema = z
  .object({
    id: idLike,
    period: z.string().nullish(),
    month: z.string().nullish(),
    amount_rmb: decimalLike.nullish(),
    amount: decimalLike.nullish(),
    status: z.string().nullish(),
    issued_at: dateTime,
    due_at: dateTime,
    pdf_url: z.string().nullish(),
  })
  .superRefine((i, ctx) => {
    if (i.amount_rmb == null && i.amount == null)
      ctx.addIssue({ code: 'custom', path: ['amount_rmb'], message: 'no amount' });
  });
/** [CONFLICT] a top-level array (the documented example) or an `{items, total}` wrapper. */
export const invoiceListSchema = listWithTotalOf(invoiceSchema, ['array', 'items']);

/** FastAPI errors: `detail` is a ValidationError list (422) or a plain string (HTTPException). */
export const fastApiErrorSchema = z.object({
  detail: z.union([
    z.string(),
    z.array(
      z.object({
        loc: z.array(z.union([z.string(), z.number()])).default([]),
        msg: z.string().default(''),
        type: z.string().nullish(),
        input: z.unknown().optional(),
        ctx: z.unknown().optional(),
      }),
    ),
    z.record(z.string(), z.unknown()),
  ]),
});
