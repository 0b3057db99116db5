/** AIone API adapter: FastAPI management plane (`/api/v1/*`) + OpenAI-compatible model plane. */
import type * as z from 'zod';
import { money, type Money } from '../../core/money';
import { maskSecret } from '../../core/redact';
import type {
  ApiKey, BillingAccount, ChatCompletion, ChatRequest, ChatStreamEvent, DashboardSummary, Identity, InvoicePage,
  KeyInput, KeyPage, KeyStatus, ModelInfo, Plan, RotateResult, Team, UsageLog, UsageQuery, UsageRow, UsageStat,
} from '../../core/types';
import { GatewayError, kindForStatus, summariseBody, type FieldError } from '../errors';
import type { CallOptions, ChatOptions, Gateway, GatewayCapabilities, GatewayConfig, ListKeysOptions } from '../gateway';
import { parseRetryAfter, type HttpClient, type HttpMethod } from '../http';
import { OpenAiCompatible } from '../openai';
import { badResponse, parseJson, parseWith, wireDate, wireInt, wireTime } from '../schema';
import { vendorOf } from '../vendors';
import { AIONE_ROUTES as R } from './routes';
import {
  accountSchema, dashboardSchema, fastApiErrorSchema, invoiceListSchema, keyListSchema, keyResponseSchema,
  modelListSchema, planSchema, rotateResponseSchema, usageListSchema, type KeyResponse,
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
  const raw = k.status.toLowerCase();
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
    rawStatus: k.status,
    modelsAllowed: k.models_allowed ?? [],
    allowedIps: k.allowed_ips ?? [],
    rpmLimit: k.rpm_limit,
    tpmLimit: k.tpm_limit,
    expiresAt: k.expires_at,
    createdAt: k.created_at,
    lastUsedAt: k.last_used_at ?? null,
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
  if (input.rpmLimit !== undefined) body.rpm_limit = input.rpmLimit === null ? null : wireInt(input.rpmLimit, { field: 'rpm_limit', input: 'rpmLimit', gateway, operation });
  if (input.tpmLimit !== undefined) body.tpm_limit = input.tpmLimit === null ? null : wireInt(input.tpmLimit, { field: 'tpm_limit', input: 'tpmLimit', gateway, operation });
  if (mode === 'create') {
    if (input.teamId !== undefined && input.teamId !== null) body.team_id = input.teamId;
    if (input.isSandbox !== undefined) body.is_sandbox = input.isSandbox;
    if (input.expiresAt !== undefined && input.expiresAt !== null) body.expires_at = wireDate(input.expiresAt, { field: 'expires_at', input: 'expiresAt', gateway, operation });
  }
  return body;
}

/** Page numbers and sizes go out as whole numbers: page ≥ 0 (0-based here), size ≥ 1. */
function pageArgs(page: number, pageSize: number, gateway: string, operation: string): { page: number; pageSize: number } {
  return {
    page: wireInt(page, { field: 'page', gateway, operation }, 0),
    pageSize: wireInt(pageSize, { field: 'page_size', gateway, operation }, 1),
  };
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
    } else {
      message = summariseBody(text) ?? message;
    }
    const retryAfterMs = parseRetryAfter(retryAfter);
    return new GatewayError({ kind: kindForStatus(status), status, message, fieldErrors, gateway: this.label, operation, retryAfterMs });
  }

  private async call<T extends z.ZodType>(
    method: HttpMethod,
    path: string,
    operation: string,
    schema: T | undefined,
    opts: { query?: Record<string, string | number | undefined>; json?: unknown; signal?: AbortSignal; raw?: boolean } = {},
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
    if (opts.raw) return parseJson(res.text, this.label, operation) as z.infer<T>;
    if (!schema) return undefined as z.infer<T>;
    return parseWith(schema, parseJson(res.text, this.label, operation), this.label, operation);
  }

  async whoAmI(opts?: CallOptions): Promise<Identity> {
    // The key list is the most certain authenticated path (documented); the account adds a balance when offered.
    await this.call('GET', R.keys, 'check connection', keyListSchema, { query: { page: 1, page_size: 1 }, signal: opts?.signal });
    const account = await this.getBillingAccount(opts).catch((e: unknown) => {
      // the account route and its fields are guessed: a gateway without it still connects, without a balance
      if (e instanceof GatewayError && (e.kind === 'not-found' || e.kind === 'bad-response' || e.kind === 'forbidden')) return undefined;
      throw e;
    });
    return { label: this.label, ...(account ? { balance: account.balance } : {}) };
  }

  async listKeys(opts: ListKeysOptions): Promise<KeyPage> {
    const { page, pageSize } = pageArgs(opts.page, opts.pageSize, this.label, 'list keys');
    const list = await this.call('GET', R.keys, 'list keys', keyListSchema, {
      query: { page: page + 1, page_size: pageSize },
      signal: opts.signal,
    });
    const now = this.now();
    const items = list.items.map((k) => mapAioneKey(k, now));
    const total = list.total ?? undefined;
    const hasMore = total !== undefined ? (page + 1) * pageSize < total : items.length >= pageSize;
    return { items, ...(total !== undefined ? { total } : {}), hasMore };
  }

  async searchKeys(keyword: string, opts?: CallOptions): Promise<readonly ApiKey[]> {
    const page = await this.call('GET', R.keys, 'search keys', keyListSchema, { query: { q: keyword, page: 1, page_size: 100 }, signal: opts?.signal });
    const now = this.now();
    const kw = keyword.toLowerCase();
    // the `q` filter is guessed: if the server ignored it, filter here so the result is still right
    return page.items.map((k) => mapAioneKey(k, now)).filter((k) => k.name.toLowerCase().includes(kw));
  }

  async getKey(id: string, opts?: CallOptions): Promise<ApiKey> {
    return mapAioneKey(await this.call('GET', R.key(id), 'get key', keyResponseSchema, { signal: opts?.signal }), this.now());
  }

  async createKey(input: KeyInput, opts?: CallOptions): Promise<ApiKey> {
    if (!input.name) {
      throw new GatewayError({ kind: 'validation', message: 'a key needs a name', gateway: this.label, operation: 'create key', fieldErrors: [{ field: 'name', message: 'required', input: 'name' }] });
    }
    const k = await this.call('POST', R.keys, 'create key', keyResponseSchema, { json: aioneKeyBody(input, 'create', this.label), signal: opts?.signal });
    return mapAioneKey(k, this.now());
  }

  async updateKey(id: string, input: KeyInput, opts?: CallOptions): Promise<ApiKey> {
    const k = await this.call('PUT', R.key(id), 'update key', keyResponseSchema, { json: aioneKeyBody(input, 'update', this.label), signal: opts?.signal });
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
    const operation = 'rotate key';
    const grace = wireInt(graceHours, { field: 'grace_hours', gateway: this.label, operation }, 0);
    const raw = await this.call('PUT', R.rotate(id), operation, undefined, { json: { grace_hours: grace }, signal: opts?.signal, raw: true });
    const rotated = parseWith(rotateResponseSchema, raw, this.label, operation);
    if (isMasked(rotated.key)) {
      throw new GatewayError({ kind: 'bad-response', message: 'the answer carried no new secret (the key field is masked)', path: 'key', gateway: this.label, operation });
    }
    // A whole KeyResponse maps directly; a smaller answer (only the new secret) is completed by reading the key again.
    const whole = keyResponseSchema.safeParse(raw);
    const key = whole.success ? mapAioneKey(whole.data, this.now()) : { ...(await this.getKey(rotated.id ?? id, opts)), secret: rotated.key };
    return { key: { ...key, secret: rotated.key }, secret: rotated.key, graceUntil: key.rotateGraceUntil ?? null };
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
      // The rich list's path is guessed: when it is not there (or not that shape), the OpenAI-style list
      // (documented path) answers; its own failure, auth included, is what the caller sees.
      if (!(e instanceof GatewayError) || (e.kind !== 'not-found' && e.kind !== 'bad-response')) throw e;
      const token = await this.config.getToken();
      const ids = await this.openai.listModelIds(token ?? '', opts?.signal);
      return ids.map((m) => ({ id: m.id, vendor: vendorOf(m.id, m.ownedBy) }));
    }
  }

  async listTeams(opts?: CallOptions): Promise<readonly Team[]> {
    // No team endpoint is documented: the business dashboard's team ranking names them.
    const d = await this.call('GET', R.dashboard, 'list teams', dashboardSchema, { query: { range_days: 365, view_mode: 'business' }, signal: opts?.signal });
    return (d.business?.team_cost_ranking ?? []).map((t) => ({ id: t.team_id, name: t.team_name }));
  }

  async queryUsage(query: UsageQuery, opts?: CallOptions): Promise<readonly UsageRow[]> {
    const operation = 'query usage';
    const start = wireTime(query.start, { field: 'start_date', gateway: this.label, operation });
    const end = wireTime(query.end, { field: 'end_date', gateway: this.label, operation });
    const rows = await this.call('GET', R.usage, operation, usageListSchema, {
      query: {
        start_date: utcDate(start),
        end_date: utcDate(end - 1),
        group_by: query.groupBy,
        key_id: query.keyId,
        team_id: query.teamId,
        model: query.model,
      },
      signal: opts?.signal,
    });
    return rows.map((r): UsageRow => ({
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
    }));
  }

  async getDashboard(rangeDays: number, opts?: CallOptions): Promise<DashboardSummary> {
    const days = wireInt(rangeDays, { field: 'range_days', gateway: this.label, operation: 'get dashboard' }, 1);
    const d = await this.call('GET', R.dashboard, 'get dashboard', dashboardSchema, { query: { range_days: days }, signal: opts?.signal });
    const t = d.tech;
    const b = d.business;
    const trend = t?.daily_trend ?? b?.daily_trend ?? [];
    return {
      rangeDays: days,
      totalRequests: t?.total_requests ?? b?.total_conversations ?? 0,
      promptTokens: t?.prompt_tokens ?? 0,
      completionTokens: t?.completion_tokens ?? 0,
      totalTokens: t?.total_tokens ?? 0,
      totalCost: money(t?.total_cost_rmb ?? b?.total_cost_rmb ?? '0', 'CNY'),
      ...(t ? { avgLatencyMs: t.avg_latency_ms, p99LatencyMs: t.p99_latency_ms, errorRatePct: t.error_rate_pct, rpmUsagePct: t.rpm_usage_pct } : {}),
      modelDistribution: (t?.model_distribution ?? []).map((m) => ({ model: m.model, requests: m.requests, tokens: m.tokens })),
      dailyTrend: trend.map((x) => ({ date: x.date, requests: x.requests, tokens: x.tokens, cost: money(x.cost_rmb, 'CNY') })),
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
    const balance = a.balance_rmb ?? a.balance;
    if (balance == null) throw badResponse(this.label, 'get billing account', ['balance_rmb'], true);
    return {
      balance: money(balance, 'CNY'),
      ...(creditLimit ? { creditLimit } : {}),
      ...(monthlyBudget ? { monthlyBudget } : {}),
      ...(a.auto_recharge != null ? { autoRecharge: a.auto_recharge } : {}),
      updatedAt: a.updated_at ?? null,
    };
  }

  async listInvoices(page: number, pageSize: number, opts?: CallOptions): Promise<InvoicePage> {
    const args = pageArgs(page, pageSize, this.label, 'list invoices');
    const r = await this.call('GET', R.invoices, 'list invoices', invoiceListSchema, { query: { page: args.page + 1, page_size: args.pageSize }, signal: opts?.signal });
    const items = r.items.map((i) => ({
      id: i.id,
      period: i.period ?? i.month ?? '',
      amount: money(i.amount_rmb ?? i.amount ?? '0', 'CNY'),
      status: i.status ?? 'unknown',
      issuedAt: i.issued_at ?? null,
      dueAt: i.due_at ?? null,
      pdfUrl: i.pdf_url ?? null,
    }));
    const hasMore = r.total !== undefined ? (args.page + 1) * args.pageSize < r.total : items.length >= args.pageSize;
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
