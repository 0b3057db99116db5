/**
 * AIone's wire forms ↔ the core types: keys (status words, masked secrets), the key bodies sent on create and
 * update, and the models, usage rows, dashboard, plan, billing account and invoices read. Money stays a decimal
 * string in CNY unless the gateway names another currency. No I/O here.
 */
import type * as z from 'zod';
import { money, type Money } from '../../core/money';
import { maskSecret } from '../../core/redact';
import type {
  ApiKey,
  BillingAccount,
  DashboardSummary,
  Invoice,
  KeyInput,
  KeyStatus,
  ModelInfo,
  Plan,
  UsageRow,
} from '../../core/types';
import { wireDate, wireInt } from '../schema';
import { vendorOf } from '../vendors';
import type {
  accountSchema,
  dashboardSchema,
  invoiceSchema,
  KeyResponse,
  modelInfoSchema,
  planSchema,
  usageRowSchema,
} from './schemas';

const cny = (v: string | null | undefined): Money | undefined => (v == null ? undefined : money(v, 'CNY'));

/** A key field that does not carry a usable secret: masked (`…`, `*`, `...`) or too short to be one. */
export function isMaskedSecret(secret: string): boolean {
  return /[*…]|\.\.\./.test(secret) || secret.length < 20;
}

/** `YYYY-MM-DD` (UTC) of an instant. */
export function utcDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export function mapAioneKey(k: KeyResponse, now = Date.now()): ApiKey {
  const raw = k.status.toLowerCase();
  let status: KeyStatus =
    raw === 'active' || raw === 'enabled'
      ? 'active'
      : raw === 'disabled' || raw === 'inactive' || raw === 'revoked' || raw === 'paused'
        ? 'disabled'
        : raw === 'expired'
          ? 'expired'
          : raw === 'exhausted'
            ? 'exhausted'
            : 'unknown';
  if (status === 'active' && k.expires_at && Date.parse(k.expires_at) <= now) status = 'expired';
  const secret = k.key && !isMaskedSecret(k.key) ? k.key : undefined;
  const maskedKey = secret
    ? maskSecret(secret)
    : k.key && isMaskedSecret(k.key) && k.key.length > 4
      ? k.key
      : `${k.key_prefix ?? 'sk-nex-'}…`;
  return {
    id: k.id,
    name: k.name,
    maskedKey,
    ...(secret ? { secret } : {}),
    status,
    rawStatus: k.status,
    modelsAllowed: k.models_allowed ?? [],
    allowedIps: k.allowed_ips ?? [],
    rpmLimit: k.rpm_limit,
    tpmLimit: k.tpm_limit,
    expiresAt: k.expires_at,
    createdAt: k.created_at,
    // absent = not reported (undefined), null = never used
    ...(k.last_used_at !== undefined ? { lastUsedAt: k.last_used_at } : {}),
    teamId: k.team_id,
    isSandbox: k.is_sandbox,
    rotateGraceUntil: k.rotate_grace_until,
  };
}

/**
 * KeyInput → KeyCreateRequest / KeyUpdateRequest: only fields that were given, only fields the API names.
 * A limit must be a whole number (null = no limit); NaN, Infinity, a negative or a fractional number is
 * refused before anything is sent, never serialised as null.
 */
export function aioneKeyBody(input: KeyInput, mode: 'create' | 'update', gateway?: string): Record<string, unknown> {
  const operation = mode === 'create' ? 'create key' : 'update key';
  const body: Record<string, unknown> = {};
  if (input.name !== undefined) body.name = input.name;
  if (input.modelsAllowed !== undefined) body.models_allowed = [...input.modelsAllowed];
  if (input.allowedIps !== undefined) body.allowed_ips = [...input.allowedIps];
  if (input.rpmLimit !== undefined)
    body.rpm_limit =
      input.rpmLimit === null
        ? null
        : wireInt(input.rpmLimit, { field: 'rpm_limit', input: 'rpmLimit', gateway, operation });
  if (input.tpmLimit !== undefined)
    body.tpm_limit =
      input.tpmLimit === null
        ? null
        : wireInt(input.tpmLimit, { field: 'tpm_limit', input: 'tpmLimit', gateway, operation });
  if (mode === 'create') {
    if (input.teamId !== undefined && input.teamId !== null) body.team_id = input.teamId;
    if (input.isSandbox !== undefined) body.is_sandbox = input.isSandbox;
    if (input.expiresAt !== undefined && input.expiresAt !== null)
      body.expires_at = wireDate(input.expiresAt, { field: 'expires_at', input: 'expiresAt', gateway, operation });
  }
  return body;
}

/** Page numbers and sizes go out as whole numbers: page ≥ 0 (0-based here), size ≥ 1. */
export function pageArgs(
  page: number,
  pageSize: number,
  gateway: string,
  operation: string,
): { page: number; pageSize: number } {
  return {
    page: wireInt(page, { field: 'page', gateway, operation }, 0),
    pageSize: wireInt(pageSize, { field: 'page_size', gateway, operation }, 1),
  };
}

/** The first of the names that is there (the catalogue's field names vary). */
const firstList = (...lists: ReadonlyArray<readonly string[]>): string[] =>
  [...(lists.find((l) => l.length > 0) ?? [])].map((s) => s.toLowerCase());

export function mapModel(m: z.infer<typeof modelInfoSchema>): ModelInfo {
  const currency = m.currency?.toUpperCase() === 'USD' ? 'USD' : 'CNY';
  const amount = (...vs: ReadonlyArray<string | null | undefined>) => {
    const v = vs.find((x) => x != null && x !== '');
    return v != null ? money(v, currency) : undefined;
  };
  const input = amount(m.input_price, m.pricing?.input);
  const output = amount(m.output_price, m.pricing?.output);
  const cacheRead = amount(m.cache_read_price, m.cached_input_price, m.pricing?.cache_read);
  const cacheWrite = amount(m.cache_write_price, m.cache_creation_price, m.pricing?.cache_write);
  const price = {
    ...(input ? { inputPerMTok: input } : {}),
    ...(output ? { outputPerMTok: output } : {}),
    ...(cacheRead ? { cacheReadPerMTok: cacheRead } : {}),
    ...(cacheWrite ? { cacheWritePerMTok: cacheWrite } : {}),
  };
  const context = [m.context_length, m.context_window, m.max_context_tokens].find((n) => (n ?? 0) > 0);
  const maxOutput = [m.max_output, m.max_output_tokens].find((n) => (n ?? 0) > 0);
  const types = firstList(m.types, m.type, m.model_type);
  const features = firstList(m.features, m.capabilities);
  const modalities = firstList(m.input_modalities, m.modalities);
  const aliases = [...new Set([...m.aliases, ...m.alias])].filter((a) => a !== m.id);
  return {
    id: m.id,
    ...(m.name ? { name: m.name } : {}),
    vendor: vendorOf(m.id, m.provider ?? m.owned_by ?? undefined),
    ...(context != null ? { contextLength: context } : {}),
    ...(maxOutput != null ? { maxOutput } : {}),
    ...(Object.keys(price).length > 0 ? { price } : {}),
    ...(types.length > 0 ? { types } : {}),
    ...(features.length > 0 ? { features } : {}),
    ...(modalities.length > 0 ? { inputModalities: modalities } : {}),
    ...(aliases.length > 0 ? { aliases } : {}),
    ...(m.description ? { description: m.description } : {}),
  };
}

export function mapUsageRow(r: z.infer<typeof usageRowSchema>): UsageRow {
  return {
    bucket: r.bucket ?? r.hour ?? r.date ?? '',
    ...(r.model ? { model: r.model } : {}),
    ...(r.key_id ? { keyId: r.key_id } : {}),
    ...(r.key_name ? { keyName: r.key_name } : {}),
    ...(r.team_id ? { teamId: r.team_id } : {}),
    requests: r.requests,
    promptTokens: r.prompt_tokens,
    completionTokens: r.completion_tokens,
    totalTokens: r.total_tokens ?? r.prompt_tokens + r.completion_tokens,
    cost: money(r.cost_rmb, 'CNY'),
    ...(r.errors != null ? { errors: r.errors } : {}),
    ...(r.avg_latency_ms != null ? { avgLatencyMs: r.avg_latency_ms } : {}),
  };
}

export function mapDashboard(d: z.infer<typeof dashboardSchema>, rangeDays: number): DashboardSummary {
  const t = d.tech;
  const b = d.business;
  const trend = t?.daily_trend ?? b?.daily_trend ?? [];
  return {
    rangeDays,
    totalRequests: t?.total_requests ?? b?.total_conversations ?? 0,
    promptTokens: t?.prompt_tokens ?? 0,
    completionTokens: t?.completion_tokens ?? 0,
    totalTokens: t?.total_tokens ?? 0,
    totalCost: money(t?.total_cost_rmb ?? b?.total_cost_rmb ?? '0', 'CNY'),
    ...(t
      ? {
          avgLatencyMs: t.avg_latency_ms,
          p99LatencyMs: t.p99_latency_ms,
          errorRatePct: t.error_rate_pct,
          rpmUsagePct: t.rpm_usage_pct,
        }
      : {}),
    modelDistribution: (t?.model_distribution ?? []).map((m) => ({
      model: m.model,
      requests: m.requests,
      tokens: m.tokens,
    })),
    dailyTrend: trend.map((x) => ({
      date: x.date,
      requests: x.requests,
      tokens: x.tokens,
      cost: money(x.cost_rmb, 'CNY'),
    })),
    ...(b
      ? {
          teamCost: b.team_cost_ranking.map((x) => ({
            teamId: x.team_id,
            teamName: x.team_name,
            cost: money(x.cost_rmb, 'CNY'),
            conversations: x.conversations,
          })),
          business: {
            totalCharsWan: b.total_chars_wan,
            totalConversations: b.total_conversations,
            budgetProgressPct: b.budget_progress_pct,
            capacityStatus: b.capacity_status,
            serviceStatus: b.service_status,
          },
        }
      : {}),
  };
}

export function mapPlan(p: z.infer<typeof planSchema>): Plan {
  const price = cny(p.price_rmb);
  return {
    id: p.id,
    name: p.name ?? p.tier ?? p.id,
    ...(p.tier ? { tier: p.tier } : {}),
    ...(price ? { price } : {}),
    ...(p.billing_cycle ? { billingCycle: p.billing_cycle } : {}),
    rpmLimit: p.rpm_limit ?? null,
    tpmLimit: p.tpm_limit ?? null,
    maxKeys: p.max_keys ?? null,
    features: p.features,
    periodStart: p.current_period_start ?? null,
    periodEnd: p.current_period_end ?? null,
    ...(p.status ? { status: p.status } : {}),
  };
}

/** The account; undefined when it carries no balance (the caller reports that field as missing). */
export function mapAccount(a: z.infer<typeof accountSchema>): BillingAccount | undefined {
  const creditLimit = cny(a.credit_limit_rmb);
  const monthlyBudget = cny(a.monthly_budget_rmb);
  const balance = a.balance_rmb ?? a.balance;
  if (balance == null) return undefined;
  return {
    balance: money(balance, 'CNY'),
    ...(creditLimit ? { creditLimit } : {}),
    ...(monthlyBudget ? { monthlyBudget } : {}),
    ...(a.auto_recharge != null ? { autoRecharge: a.auto_recharge } : {}),
    updatedAt: a.updated_at ?? null,
  };
}

export function mapInvoice(i: z.infer<typeof invoiceSchema>): Invoice {
  return {
    id: i.id,
    period: i.period ?? i.month ?? '',
    amount: money(i.amount_rmb ?? i.amount ?? '0', 'CNY'),
    status: i.status ?? 'unknown',
    issuedAt: i.issued_at ?? null,
    dueAt: i.due_at ?? null,
    pdfUrl: i.pdf_url ?? null,
  };
}
