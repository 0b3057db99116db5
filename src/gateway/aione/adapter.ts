/** AIone API adapter: FastAPI management plane (`/api/v1/*`) + OpenAI-compatible model plane. */
import type * as z from 'zod';
import { money, type Money } from '../../core/money';
import { maskSecret } from '../../core/redact';
import type {
  ApiKey, BillingAccount, ChatCompletion, ChatRequest, ChatStreamEvent, DashboardSummary, Identity, InvoicePage,
  KeyInput, KeyPage, KeyStatus, ModelInfo, Plan, RotateResult, Team, UsageLog, UsageQuery, UsageRow, UsageStat,
} from '../../core/types';
import { GatewayError, kindForStatus, type FieldError } from '../errors';
import type { CallOptions, ChatOptions, Gateway, GatewayCapabilities, GatewayConfig, ListKeysOptions } from '../gateway';
import type { HttpClient, HttpMethod } from '../http';
import { OpenAiCompatible } from '../openai';
import { parseJson, parseWith } from '../schema';
import { vendorOf } from '../vendors';
import { AIONE_ROUTES as R } from './routes';
import {
  accountSchema, dashboardSchema, fastApiErrorSchema, invoiceListSchema, keyListSchema, keyResponseSchema,
  modelListSchema, planSchema, usageListSchema, type KeyResponse,
} from './schemas';

/** Wire field → KeyInput field, so a 422 can be shown on the input step that caused it. */
const WIRE_TO_INPUT: Readonly<Record<string, keyof KeyInput>> = {
  name: 'name',
  models_allowed: 'modelsAllowed',
  allowed_ips: 'allowedIps',
  rpm_limit: 'rpmLimit',
  tpm_limit: 'tpmLimit',
  expires_at: 'expiresAt',
  is_sandbox: 'isSandbox',
  team_id: 'teamId',
  grace_hours: 'expiresAt',
};

export const AIONE_CAPABILITIES: GatewayCapabilities = {
  serverSideRotate: true,
  enableDisable: true,
  searchKeys: true,
  keyTotal: true,
  teams: true,
  sandboxKeys: true,
  rpmTpmLimits: true,
  keyQuota: false,
  fullReplaceUpdate: false,
  editableFields: ['name', 'modelsAllowed', 'allowedIps', 'rpmLimit', 'tpmLimit'],
  usageSeries: true,
  hourlyUsage: true,
  // INFERRED: the simulator's documented limit (test/simulator/README.md, A.6 usage: > 92 days → 422); not confirmed by AIone docs
  maxUsageRangeDays: 92,
  dashboard: true,
  plan: true,
  billingAccount: true,
  invoices: true,
  balance: true,
  usageLogs: false,
  secretsReadable: false,
  currency: 'CNY',
};

const cny = (v: string | null | undefined): Money | undefined => (v == null ? undefined : money(v, 'CNY'));

function isMasked(secret: string): boolean {
  return /[*…]|\.\.\./.test(secret) || secret.length < 20;
}

function utcDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export function mapAioneKey(k: KeyResponse, now = Date.now()): ApiKey {
  const raw = (k.status ?? '').toLowerCase();
  let status: KeyStatus =
    raw === 'active' || raw === 'enabled' ? 'active'
      : raw === 'disabled' || raw === 'inactive' || raw === 'revoked' || raw === 'paused' ? 'disabled'
      : raw === 'expired' ? 'expired'
      : raw === 'exhausted' ? 'exhausted'
      : 'unknown';
  if (status === 'active' && k.expires_at && Date.parse(k.expires_at) <= now) status = 'expired';
  const secret = k.key && !isMasked(k.key) ? k.key : undefined;
  const maskedKey = secret ? maskSecret(secret) : k.key && isMasked(k.key) && k.key.length > 4 ? k.key : `${k.key_prefix ?? 'sk-nex-'}…`;
  return {
    id: k.id,
    name: k.name,
    maskedKey,
    ...(secret ? { secret } : {}),
    status,
    rawStatus: k.status ?? '',
    modelsAllowed: k.models_allowed,
    allowedIps: k.allowed_ips,
    rpmLimit: k.rpm_limit ?? null,
    tpmLimit: k.tpm_limit ?? null,
    expiresAt: k.expires_at ?? null,
    createdAt: k.created_at ?? null,
    lastUsedAt: k.last_used_at ?? null,
    teamId: k.team_id ?? null,
    isSandbox: k.is_sandbox ?? false,
    rotateGraceUntil: k.rotate_grace_until ?? null,
  };
}

/** KeyInput → KeyCreateRequest / KeyUpdateRequest: only fields that were given, only fields the API names. */
export function aioneKeyBody(input: KeyInput, mode: 'create' | 'update'): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  if (input.name !== undefined) body.name = input.name;
  if (input.modelsAllowed !== undefined) body.models_allowed = [...input.modelsAllowed];
  if (input.allowedIps !== undefined) body.allowed_ips = [...input.allowedIps];
  if (input.rpmLimit !== undefined) body.rpm_limit = input.rpmLimit;
  if (input.tpmLimit !== undefined) body.tpm_limit = input.tpmLimit;
  if (mode === 'create') {
    if (input.teamId !== undefined && input.teamId !== null) body.team_id = input.teamId;
    if (input.isSandbox !== undefined) body.is_sandbox = input.isSandbox;
    if (input.expiresAt !== undefined && input.expiresAt !== null) body.expires_at = input.expiresAt;
  }
  return body;
}

export class AioneGateway implements Gateway {
  readonly kind = 'aione' as const;
  readonly capabilities = AIONE_CAPABILITIES;
  readonly baseUrl: string;
  private readonly label: string;
  private readonly openai: OpenAiCompatible;

  constructor(
    private readonly config: GatewayConfig,
    private readonly http: HttpClient,
    private readonly now: () => number = Date.now,
  ) {
    this.baseUrl = config.baseUrl.replace(/\/+$/, '');
    this.label = config.label ?? 'AIone';
    this.openai = new OpenAiCompatible(http, config.chatBaseUrl ?? `${this.baseUrl}/v1`, this.label);
  }

  private async authHeader(operation: string): Promise<Record<string, string>> {
    const token = await this.config.getToken();
    if (!token) {
      throw new GatewayError({ kind: 'auth', message: 'No admin token is stored for this connection', gateway: this.label, operation });
    }
    return { authorization: `Bearer ${token}` };
  }

  /** Builds the GatewayError for a failed management call (FastAPI envelopes). */
  private error(status: number, text: string, operation: string, retryAfter?: string): GatewayError {
    let message = `HTTP ${status}`;
    const fieldErrors: FieldError[] = [];
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    const fe = fastApiErrorSchema.safeParse(json);
    if (fe.success) {
      const d = fe.data.detail;
      if (typeof d === 'string') message = d;
      else if (Array.isArray(d)) {
        for (const v of d) {
          const loc = v.loc.map(String);
          const wire = loc[0] === 'body' || loc[0] === 'query' || loc[0] === 'path' ? loc[1] : loc[0];
          const input = wire ? WIRE_TO_INPUT[wire] : undefined;
          fieldErrors.push({ field: loc.join('.'), message: v.msg, ...(v.type ? { type: v.type } : {}), ...(input ? { input } : {}) });
        }
        message = fieldErrors.map((f) => `${f.field}: ${f.message}`).join('; ') || 'Validation failed';
      } else {
        message = JSON.stringify(d).slice(0, 300);
      }
    } else if (text.trim()) {
      message = text.trim().slice(0, 300);
    }
    const retryAfterMs = retryAfter && /^\d+$/.test(retryAfter.trim()) ? Number(retryAfter) * 1000 : undefined;
    return new GatewayError({ kind: kindForStatus(status), status, message, fieldErrors, gateway: this.label, operation, retryAfterMs });
  }

  private async call<T extends z.ZodType>(
    method: HttpMethod,
    path: string,
    operation: string,
    schema: T | undefined,
    opts: { query?: Record<string, string | number | undefined>; json?: unknown; signal?: AbortSignal } = {},
  ): Promise<z.infer<T>> {
    const res = await this.http.request({
      method,
      url: this.baseUrl + path,
      query: opts.query,
      json: opts.json,
      headers: await this.authHeader(operation),
      signal: opts.signal,
      operation,
    });
    if (res.status < 200 || res.status >= 300) throw this.error(res.status, res.text, operation, res.headers['retry-after']);
    if (!schema) return undefined as z.infer<T>;
    return parseWith(schema, parseJson(res.text, this.label, operation), this.label, operation);
  }

  async whoAmI(opts?: CallOptions): Promise<Identity> {
    // The key list is the most certain authenticated path (SOURCED); the account adds a balance when offered.
    await this.call('GET', R.keys, 'check connection', keyListSchema, { query: { page: 1, page_size: 1 }, signal: opts?.signal });
    const account = await this.getBillingAccount(opts).catch((e: unknown) => {
      if (e instanceof GatewayError && (e.kind === 'not-found' || e.kind === 'bad-response' || e.kind === 'forbidden')) return undefined;
      throw e;
    });
    return { label: this.label, ...(account ? { balance: account.balance } : {}) };
  }

  async listKeys(opts: ListKeysOptions): Promise<KeyPage> {
    const page = await this.call('GET', R.keys, 'list keys', keyListSchema, {
      query: { page: opts.page + 1, page_size: opts.pageSize },
      signal: opts.signal,
    });
    const now = this.now();
    const items = page.items.map((k) => mapAioneKey(k, now));
    const hasMore = page.total !== undefined ? (opts.page + 1) * opts.pageSize < page.total : items.length >= opts.pageSize;
    return { items, ...(page.total !== undefined ? { total: page.total } : {}), hasMore };
  }

  async searchKeys(keyword: string, opts?: CallOptions): Promise<readonly ApiKey[]> {
    const page = await this.call('GET', R.keys, 'search keys', keyListSchema, { query: { q: keyword, page: 1, page_size: 100 }, signal: opts?.signal });
    const now = this.now();
    const kw = keyword.toLowerCase();
    // INFERRED filter: if the server ignored `q`, filter here so the result is still right.
    return page.items.map((k) => mapAioneKey(k, now)).filter((k) => k.name.toLowerCase().includes(kw));
  }

  async getKey(id: string, opts?: CallOptions): Promise<ApiKey> {
    return mapAioneKey(await this.call('GET', R.key(id), 'get key', keyResponseSchema, { signal: opts?.signal }), this.now());
  }

  async createKey(input: KeyInput, opts?: CallOptions): Promise<ApiKey> {
    if (!input.name) {
      throw new GatewayError({ kind: 'validation', message: 'A key needs a name', gateway: this.label, operation: 'create key', fieldErrors: [{ field: 'name', message: 'required', input: 'name' }] });
    }
    const k = await this.call('POST', R.keys, 'create key', keyResponseSchema, { json: aioneKeyBody(input, 'create'), signal: opts?.signal });
    return mapAioneKey(k, this.now());
  }

  async updateKey(id: string, input: KeyInput, opts?: CallOptions): Promise<ApiKey> {
    const k = await this.call('PUT', R.key(id), 'update key', keyResponseSchema, { json: aioneKeyBody(input, 'update'), signal: opts?.signal });
    return mapAioneKey(k, this.now());
  }

  async setKeyEnabled(id: string, enabled: boolean, opts?: CallOptions): Promise<ApiKey> {
    const k = await this.call('PUT', enabled ? R.enable(id) : R.disable(id), enabled ? 'enable key' : 'disable key', keyResponseSchema, { signal: opts?.signal });
    return mapAioneKey(k, this.now());
  }

  async deleteKey(id: string, opts?: CallOptions): Promise<void> {
    await this.call('DELETE', R.key(id), 'delete key', undefined, { signal: opts?.signal }); // any 2xx, body ignored
  }

  async rotateKey(id: string, graceHours: number, opts?: CallOptions): Promise<RotateResult> {
    const k = await this.call('PUT', R.rotate(id), 'rotate key', keyResponseSchema, {
      json: { grace_hours: Math.max(0, Math.round(graceHours)) },
      signal: opts?.signal,
    });
    const key = mapAioneKey(k, this.now());
    if (!key.secret) {
      throw new GatewayError({ kind: 'bad-response', message: 'The rotate response carried no new secret', path: 'key', gateway: this.label, operation: 'rotate key' });
    }
    return { key, secret: key.secret, graceUntil: key.rotateGraceUntil ?? null };
  }

  async revealKey(id: string, opts?: CallOptions): Promise<string> {
    const key = await this.getKey(id, opts);
    if (key.secret) return key.secret;
    throw new GatewayError({
      kind: 'unsupported',
      message: 'AIone shows a key’s secret only when it is created or rotated',
      gateway: this.label,
      operation: 'reveal key',
    });
  }

  async listModels(opts?: CallOptions): Promise<readonly ModelInfo[]> {
    try {
      const items = await this.call('GET', R.models, 'list models', modelListSchema, { signal: opts?.signal });
      return items.map((m): ModelInfo => {
        const currency = (m.currency ?? 'CNY').toUpperCase() === 'USD' ? 'USD' : 'CNY';
        const price =
          m.input_price != null || m.output_price != null
            ? {
                ...(m.input_price != null ? { inputPerMTok: money(m.input_price, currency) } : {}),
                ...(m.output_price != null ? { outputPerMTok: money(m.output_price, currency) } : {}),
              }
            : undefined;
        return {
          id: m.id,
          ...(m.name ? { name: m.name } : {}),
          vendor: vendorOf(m.id, m.provider ?? m.owned_by ?? undefined),
          ...(m.context_length != null ? { contextLength: m.context_length } : {}),
          ...(m.max_output != null ? { maxOutput: m.max_output } : {}),
          ...(price ? { price } : {}),
          ...(m.description ? { description: m.description } : {}),
        };
      });
    } catch (e) {
      // INFERRED path: when the rich list is not there, fall back to the OpenAI-style list (SOURCED path).
      if (!(e instanceof GatewayError) || (e.kind !== 'not-found' && e.kind !== 'bad-response')) throw e;
      const token = await this.config.getToken();
      const ids = await this.openai.listModelIds(token ?? '', opts?.signal);
      return ids.map((m) => ({ id: m.id, vendor: vendorOf(m.id, m.ownedBy) }));
    }
  }

  async listTeams(opts?: CallOptions): Promise<readonly Team[]> {
    // No team endpoint is documented: the business dashboard's team ranking names them.
    const d = await this.call('GET', R.dashboard, 'list teams', dashboardSchema, { query: { range_days: 365, view_mode: 'business' }, signal: opts?.signal });
    return (d.business?.team_cost_ranking ?? []).map((t) => ({ id: t.team_id, name: t.team_name ?? t.team_id }));
  }

  async queryUsage(query: UsageQuery, opts?: CallOptions): Promise<readonly UsageRow[]> {
    const rows = await this.call('GET', R.usage, 'query usage', usageListSchema, {
      query: {
        start_date: utcDate(query.start),
        end_date: utcDate(query.end - 1),
        group_by: query.groupBy,
        key_id: query.keyId,
        team_id: query.teamId,
        model: query.model,
      },
      signal: opts?.signal,
    });
    return rows.map((r): UsageRow => {
      const promptTokens = r.prompt_tokens ?? 0;
      const completionTokens = r.completion_tokens ?? 0;
      return {
        bucket: r.bucket ?? r.hour ?? r.date ?? '',
        ...(r.model ? { model: r.model } : {}),
        ...(r.key_id ? { keyId: r.key_id } : {}),
        ...(r.key_name ? { keyName: r.key_name } : {}),
        ...(r.team_id ? { teamId: r.team_id } : {}),
        requests: r.requests ?? 0,
        promptTokens,
        completionTokens,
        totalTokens: r.total_tokens ?? promptTokens + completionTokens,
        cost: money(r.cost_rmb ?? '0', 'CNY'),
        ...(r.errors != null ? { errors: r.errors } : {}),
        ...(r.avg_latency_ms != null ? { avgLatencyMs: r.avg_latency_ms } : {}),
      };
    });
  }

  async getDashboard(rangeDays: number, opts?: CallOptions): Promise<DashboardSummary> {
    const d = await this.call('GET', R.dashboard, 'get dashboard', dashboardSchema, { query: { range_days: rangeDays }, signal: opts?.signal });
    const t = d.tech;
    const b = d.business;
    const trend = t?.daily_trend ?? b?.daily_trend ?? [];
    return {
      rangeDays,
      totalRequests: t?.total_requests ?? 0,
      promptTokens: t?.prompt_tokens ?? 0,
      completionTokens: t?.completion_tokens ?? 0,
      totalTokens: t?.total_tokens ?? (t?.prompt_tokens ?? 0) + (t?.completion_tokens ?? 0),
      totalCost: money(t?.total_cost_rmb ?? b?.total_cost_rmb ?? '0', 'CNY'),
      ...(t?.avg_latency_ms != null ? { avgLatencyMs: t.avg_latency_ms } : {}),
      ...(t?.p99_latency_ms != null ? { p99LatencyMs: t.p99_latency_ms } : {}),
      ...(t?.error_rate_pct != null ? { errorRatePct: t.error_rate_pct } : {}),
      ...(t?.rpm_usage_pct != null ? { rpmUsagePct: t.rpm_usage_pct } : {}),
      modelDistribution: (t?.model_distribution ?? []).map((m) => ({ model: m.model, requests: m.requests ?? 0, tokens: m.tokens ?? 0 })),
      dailyTrend: trend.map((x) => ({ date: x.date, requests: x.requests ?? 0, tokens: x.tokens ?? 0, cost: money(x.cost_rmb ?? '0', 'CNY') })),
      ...(b
        ? {
            teamCost: (b.team_cost_ranking ?? []).map((x) => ({
              teamId: x.team_id,
              teamName: x.team_name ?? x.team_id,
              cost: money(x.cost_rmb ?? '0', 'CNY'),
              conversations: x.conversations ?? 0,
            })),
            business: {
              ...(b.total_chars_wan != null ? { totalCharsWan: b.total_chars_wan } : {}),
              ...(b.total_conversations != null ? { totalConversations: b.total_conversations } : {}),
              ...(b.budget_progress_pct != null ? { budgetProgressPct: b.budget_progress_pct } : {}),
              ...(b.capacity_status ? { capacityStatus: b.capacity_status } : {}),
              ...(b.service_status ? { serviceStatus: b.service_status } : {}),
            },
          }
        : {}),
    };
  }

  async getPlan(opts?: CallOptions): Promise<Plan> {
    const p = await this.call('GET', R.plan, 'get plan', planSchema, { signal: opts?.signal });
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

  async getBillingAccount(opts?: CallOptions): Promise<BillingAccount> {
    const a = await this.call('GET', R.account, 'get billing account', accountSchema, { signal: opts?.signal });
    const creditLimit = cny(a.credit_limit_rmb);
    const monthlyBudget = cny(a.monthly_budget_rmb);
    return {
      balance: money(a.balance_rmb ?? a.balance ?? '0', 'CNY'),
      ...(creditLimit ? { creditLimit } : {}),
      ...(monthlyBudget ? { monthlyBudget } : {}),
      ...(a.auto_recharge != null ? { autoRecharge: a.auto_recharge } : {}),
      updatedAt: a.updated_at ?? null,
    };
  }

  async listInvoices(page: number, pageSize: number, opts?: CallOptions): Promise<InvoicePage> {
    const r = await this.call('GET', R.invoices, 'list invoices', invoiceListSchema, { query: { page: page + 1, page_size: pageSize }, signal: opts?.signal });
    const items = r.items.map((i) => ({
      id: i.id,
      period: i.period ?? i.month ?? '',
      amount: money(i.amount_rmb ?? i.amount ?? '0', 'CNY'),
      status: i.status ?? 'unknown',
      issuedAt: i.issued_at ?? null,
      dueAt: i.due_at ?? null,
      pdfUrl: i.pdf_url ?? null,
    }));
    const hasMore = r.total !== undefined ? (page + 1) * pageSize < r.total : items.length >= pageSize;
    return { items, ...(r.total !== undefined ? { total: r.total } : {}), hasMore };
  }

  listUsageLogs(): Promise<readonly UsageLog[]> {
    return Promise.reject(new GatewayError({ kind: 'unsupported', message: 'AIone does not offer request logs', gateway: this.label, operation: 'list usage logs' }));
  }

  getUsageStat(): Promise<UsageStat> {
    return Promise.reject(new GatewayError({ kind: 'unsupported', message: 'AIone does not offer usage stats by log', gateway: this.label, operation: 'get usage stat' }));
  }

  chat(request: ChatRequest, opts: ChatOptions): Promise<ChatCompletion> {
    return this.openai.chat(request, opts.apiKey, opts.signal);
  }

  streamChat(request: ChatRequest, opts: ChatOptions): AsyncIterable<ChatStreamEvent> {
    return this.openai.streamChat(request, opts.apiKey, opts.signal);
  }
}
