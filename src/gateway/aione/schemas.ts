/** zod schemas of AIone's responses: strict about types we rely on, lenient about everything INFERRED. */
import * as z from 'zod';
import { decimalLike, intLike, listLike } from '../schema';

const nullableInt = intLike.nullish();
const dateTime = z.string().nullish();

export const keyResponseSchema = z.object({
  id: z.union([z.string(), z.number().transform(String)]),
  org_id: z.string().nullish(),
  team_id: z.string().nullish(),
  name: z.string().nullish().transform((v) => v ?? ''),
  key: z.string().nullish(),
  key_prefix: z.string().nullish(),
  models_allowed: listLike,
  rpm_limit: nullableInt,
  tpm_limit: nullableInt,
  is_sandbox: z.boolean().nullish(),
  allowed_ips: listLike,
  expires_at: dateTime,
  rotate_grace_until: dateTime,
  status: z.union([z.string(), z.number().transform(String)]).nullish(),
  created_at: z.union([z.string(), z.number().transform((n) => new Date(n * 1000).toISOString())]).nullish(),
  last_used_at: dateTime,
});
export type KeyResponse = z.infer<typeof keyResponseSchema>;

/** KeyListResponse: `{items, total?, …}` (SOURCED: items); a bare array or `{data}` also accepted. */
export const keyListSchema = z.union([
  // the documented shape first: a failed union branch costs an error object per call
  z
    .object({
      items: z.array(keyResponseSchema).optional(),
      data: z.array(keyResponseSchema).optional(),
      total: intLike.nullish(),
    })
    .transform((o) => ({ items: o.items ?? o.data ?? [], total: o.total ?? undefined })),
  z.array(keyResponseSchema).transform((items) => ({ items, total: undefined as number | undefined })),
]);

export const modelInfoSchema = z.object({
  id: z.string(),
  name: z.string().nullish(),
  provider: z.string().nullish(),
  owned_by: z.string().nullish(),
  context_length: intLike.nullish(),
  max_output: intLike.nullish(),
  input_price: decimalLike.nullish(),
  output_price: decimalLike.nullish(),
  currency: z.string().nullish(),
  description: z.string().nullish(),
});
export const modelListSchema = z.union([
  z.array(modelInfoSchema),
  z.object({ items: z.array(modelInfoSchema).optional(), data: z.array(modelInfoSchema).optional() }).transform((o) => o.items ?? o.data ?? []),
]);

export const usageRowSchema = z.object({
  date: z.string().nullish(),
  hour: z.string().nullish(),
  bucket: z.string().nullish(),
  model: z.string().nullish(),
  key_id: z.string().nullish(),
  key_name: z.string().nullish(),
  team_id: z.string().nullish(),
  requests: intLike.nullish(),
  prompt_tokens: intLike.nullish(),
  completion_tokens: intLike.nullish(),
  total_tokens: intLike.nullish(),
  cost_rmb: decimalLike.nullish(),
  errors: intLike.nullish(),
  avg_latency_ms: z.number().nullish(),
});
export const usageListSchema = z.union([
  z.array(usageRowSchema),
  z.object({ items: z.array(usageRowSchema).optional(), data: z.array(usageRowSchema).optional() }).transform((o) => o.items ?? o.data ?? []),
]);

const dailyTrendSchema = z.object({
  date: z.string(),
  requests: intLike.nullish(),
  tokens: intLike.nullish(),
  cost_rmb: decimalLike.nullish(),
});

export const techDashboardSchema = z.object({
  total_tokens: intLike.nullish(),
  prompt_tokens: intLike.nullish(),
  completion_tokens: intLike.nullish(),
  total_requests: intLike.nullish(),
  total_cost_rmb: decimalLike.nullish(),
  avg_latency_ms: z.number().nullish(),
  p99_latency_ms: z.number().nullish(),
  error_rate_pct: decimalLike.nullish(),
  rpm_usage_pct: decimalLike.nullish(),
  model_distribution: z.array(z.object({ model: z.string(), requests: intLike.nullish(), tokens: intLike.nullish() })).nullish(),
  daily_trend: z.array(dailyTrendSchema).nullish(),
});

export const businessDashboardSchema = z.object({
  total_chars_wan: z.number().nullish(),
  total_conversations: intLike.nullish(),
  total_cost_rmb: decimalLike.nullish(),
  budget_progress_pct: decimalLike.nullish(),
  capacity_status: z.string().nullish(),
  service_status: z.string().nullish(),
  team_cost_ranking: z
    .array(z.object({ team_id: z.string(), team_name: z.string().nullish(), cost_rmb: decimalLike.nullish(), conversations: intLike.nullish() }))
    .nullish(),
  daily_trend: z.array(dailyTrendSchema).nullish(),
});

export const dashboardSchema = z.object({
  view_mode: z.string().nullish(),
  tech: techDashboardSchema.nullish(),
  business: businessDashboardSchema.nullish(),
});

export const planSchema = z.object({
  id: z.union([z.string(), z.number().transform(String)]),
  name: z.string().nullish(),
  tier: z.string().nullish(),
  price_rmb: decimalLike.nullish(),
  billing_cycle: z.string().nullish(),
  rpm_limit: nullableInt,
  tpm_limit: nullableInt,
  max_keys: nullableInt,
  features: listLike,
  current_period_start: dateTime,
  current_period_end: dateTime,
  status: z.string().nullish(),
});

export const accountSchema = z.object({
  id: z.union([z.string(), z.number().transform(String)]).nullish(),
  balance_rmb: decimalLike.nullish(),
  balance: decimalLike.nullish(),
  credit_limit_rmb: decimalLike.nullish(),
  monthly_budget_rmb: decimalLike.nullish(),
  currency: z.string().nullish(),
  auto_recharge: z.boolean().nullish(),
  updated_at: dateTime,
});

export const invoiceSchema = z.object({
  id: z.union([z.string(), z.number().transform(String)]),
  period: z.string().nullish(),
  month: z.string().nullish(),
  amount_rmb: decimalLike.nullish(),
  amount: decimalLike.nullish(),
  status: z.string().nullish(),
  issued_at: dateTime,
  due_at: dateTime,
  pdf_url: z.string().nullish(),
});
/** [CONFLICT] a top-level array (SOURCED example) or an `{items,total}` wrapper: accept both. */
export const invoiceListSchema = z.union([
  z.array(invoiceSchema).transform((items) => ({ items, total: undefined as number | undefined })),
  z
    .object({ items: z.array(invoiceSchema).optional(), data: z.array(invoiceSchema).optional(), total: intLike.nullish() })
    .transform((o) => ({ items: o.items ?? o.data ?? [], total: o.total ?? undefined })),
]);

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
