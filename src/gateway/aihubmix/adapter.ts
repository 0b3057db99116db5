/** AIHubMix adapter: one-api management plane (`/api/*`, `{success,message,data}`) + OpenAI-compatible model plane. */
import type * as z from 'zod';
import { mulDecimal, money, quotaToUsd, usdToQuota } from '../../core/money';
import { maskSecret } from '../../core/redact';
import type {
  ApiKey, BillingAccount, ChatCompletion, ChatRequest, ChatStreamEvent, DashboardSummary, Identity, InvoicePage,
  KeyInput, KeyPage, KeyStatus, ModelInfo, Plan, RotateResult, Team, UsageLog, UsageLogQuery, UsageRow, UsageStat,
} from '../../core/types';
import { GatewayError, kindForStatus, type FieldError, type GatewayErrorKind } from '../errors';
import type { CallOptions, ChatOptions, Gateway, GatewayCapabilities, GatewayConfig, ListKeysOptions } from '../gateway';
import type { HttpClient, HttpMethod } from '../http';
import { OpenAiCompatible } from '../openai';
import { parseJson, parseWith } from '../schema';
import { vendorOf } from '../vendors';
import { AIHUBMIX_ROUTES as R } from './routes';
import {
  catalogueSchema, envelopeSchema, logListSchema, logStatSchema, tokenListSchema, tokenSchema, userSelfSchema, type Token,
} from './schemas';
import * as zod from 'zod';

export const AIHUBMIX_CAPABILITIES: GatewayCapabilities = {
  serverSideRotate: false,
  enableDisable: true,
  searchKeys: true,
  keyTotal: false,
  teams: false,
  sandboxKeys: false,
  rpmTpmLimits: false,
  keyQuota: true,
  fullReplaceUpdate: true,
  editableFields: ['name', 'modelsAllowed', 'allowedIps', 'quotaUsd', 'expiresAt'],
  keyNameLimit: { max: 30, unit: 'bytes' },
  usageSeries: false,
  hourlyUsage: false,
  dashboard: false,
  plan: false,
  billingAccount: true,
  invoices: false,
  balance: true,
  usageLogs: true,
  secretsReadable: true,
  currency: 'USD',
};

/** Which KeyInput field a one-api business error is about (messages are Chinese, some English). */
const MESSAGE_FIELDS: ReadonlyArray<[RegExp, keyof KeyInput, string]> = [
  [/名称|name/i, 'name', 'name'],
  [/网段|subnet|ip/i, 'allowedIps', 'subnet'],
  [/过期|expire/i, 'expiresAt', 'expired_time'],
  [/额度|quota/i, 'quotaUsd', 'remain_quota'],
  [/模型|model/i, 'modelsAllowed', 'models'],
];

function classify(message: string): GatewayErrorKind {
  if (/access token|无权进行此操作，未登录|token 无效|未提供|not ?logged|unauthori[sz]ed/i.test(message)) return 'auth';
  if (/权限不足|无权|forbidden|封禁/i.test(message)) return 'forbidden';
  if (/record not found|不存在|not found/i.test(message)) return 'not-found';
  if (/频繁|too many|rate limit/i.test(message)) return 'rate-limited';
  return 'validation';
}

const toTs = (iso: string | null | undefined): number => {
  if (iso == null) return -1;
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new GatewayError({ kind: 'validation', message: `Not a date: ${iso}`, fieldErrors: [{ field: 'expired_time', message: 'not a date', input: 'expiresAt' }] });
  return Math.floor(ms / 1000);
};

export function mapToken(t: Token, nowMs = Date.now()): ApiKey {
  const wireKey = t.key ?? '';
  const masked = wireKey === '' || /[*…]/.test(wireKey);
  const secret = masked ? undefined : wireKey.startsWith('sk-') ? wireKey : `sk-${wireKey}`;
  const expires = t.expired_time ?? -1;
  const expiresAt = expires > 0 ? new Date(expires * 1000).toISOString() : null;
  const unlimited = t.unlimited_quota === true || t.remain_quota === -1;
  let status: KeyStatus =
    t.status === 1 ? 'active' : t.status === 2 || t.status === 0 ? 'disabled' : t.status === 3 ? 'expired' : t.status === 4 ? 'exhausted' : 'unknown';
  if (status === 'active' && expires > 0 && expires * 1000 <= nowMs) status = 'expired';
  if (status === 'active' && !unlimited && (t.remain_quota ?? 0) <= 0 && t.remain_quota != null) status = 'exhausted';
  const models = t.models.length > 0 ? t.models : t.model_limits_enabled ? t.model_limits : [];
  const ips = t.subnet.length > 0 ? t.subnet : t.allow_ips;
  return {
    id: t.id,
    name: t.name,
    maskedKey: secret ? maskSecret(secret) : wireKey ? `sk-${wireKey.replace(/^sk-/, '')}` : 'sk-…',
    ...(secret ? { secret } : {}),
    status,
    rawStatus: t.status ?? '',
    modelsAllowed: models,
    allowedIps: ips,
    quota: {
      unlimited,
      ...(!unlimited && t.remain_quota != null ? { remaining: money(quotaToUsd(Math.max(0, t.remain_quota)), 'USD') } : {}),
      ...(t.used_quota != null ? { used: money(quotaToUsd(t.used_quota), 'USD') } : {}),
    },
    expiresAt,
    createdAt: t.created_time ? new Date(t.created_time * 1000).toISOString() : null,
    lastUsedAt: t.accessed_time ? new Date(t.accessed_time * 1000).toISOString() : null,
  };
}

/** The full one-api token body for create (from input) or update (input merged over a fresh read). */
export function tokenBody(input: KeyInput, base?: Token): Record<string, unknown> {
  const quota = input.quotaUsd ?? (base ? undefined : 'unlimited');
  let unlimited: boolean;
  let remain: number;
  if (quota === undefined && base) {
    unlimited = base.unlimited_quota === true || base.remain_quota === -1;
    remain = base.remain_quota ?? 0;
  } else if (quota === 'unlimited') {
    unlimited = true;
    remain = -1; // AIHubMix docs: -1 = unlimited; one-api ignores remain_quota when unlimited_quota is true
  } else {
    unlimited = false;
    remain = usdToQuota(quota as string);
  }
  const models = input.modelsAllowed ?? base?.models ?? [];
  const subnet = input.allowedIps ?? base?.subnet ?? [];
  return {
    ...(base ? { id: Number(base.id) } : {}),
    name: input.name ?? base?.name ?? '',
    expired_time: input.expiresAt !== undefined ? toTs(input.expiresAt) : base ? base.expired_time ?? -1 : -1,
    remain_quota: remain,
    unlimited_quota: unlimited,
    models: models.join(','),
    subnet: subnet.join(','),
  };
}

export class AihubmixGateway implements Gateway {
  readonly kind = 'aihubmix' as const;
  readonly capabilities = AIHUBMIX_CAPABILITIES;
  readonly baseUrl: string;
  private readonly label: string;
  private readonly openai: OpenAiCompatible;

  constructor(
    private readonly config: GatewayConfig,
    private readonly http: HttpClient,
    private readonly now: () => number = Date.now,
  ) {
    this.baseUrl = config.baseUrl.replace(/\/+$/, '');
    this.label = config.label ?? 'AIHubMix';
    this.openai = new OpenAiCompatible(http, config.chatBaseUrl ?? `${this.baseUrl}/v1`, this.label, this.appHeaders());
  }

  private appHeaders(): Record<string, string> {
    return this.config.appCode ? { 'APP-Code': this.config.appCode } : {};
  }

  private async headers(operation: string, auth = true): Promise<Record<string, string>> {
    if (!auth) return this.appHeaders();
    const token = await this.config.getToken();
    if (!token) throw new GatewayError({ kind: 'auth', message: 'No access token is stored for this connection', gateway: this.label, operation });
    // The CLI docs send the raw token, the endpoint pages `Bearer`; one-api accepts both.
    return { ...this.appHeaders(), authorization: this.config.rawAuthHeader ? token : `Bearer ${token}` };
  }

  private fail(kind: GatewayErrorKind, message: string, operation: string, status?: number, retryAfter?: string): GatewayError {
    const fieldErrors: FieldError[] = [];
    if (kind === 'validation') {
      for (const [re, input, field] of MESSAGE_FIELDS) {
        if (re.test(message)) {
          fieldErrors.push({ field, message, input });
          break;
        }
      }
    }
    const retryAfterMs = retryAfter && /^\d+$/.test(retryAfter.trim()) ? Number(retryAfter) * 1000 : undefined;
    return new GatewayError({ kind, message, operation, gateway: this.label, status, fieldErrors, retryAfterMs });
  }

  /** Calls a management route and returns `data` after checking HTTP status and `success`. */
  private async call<T extends z.ZodType>(
    method: HttpMethod,
    path: string,
    operation: string,
    schema: T | undefined,
    opts: { query?: Record<string, string | number | undefined>; json?: unknown; signal?: AbortSignal; auth?: boolean; optionalData?: boolean } = {},
  ): Promise<z.infer<T> | undefined> {
    const res = await this.http.request({
      method,
      url: this.baseUrl + path,
      query: opts.query,
      json: opts.json,
      headers: await this.headers(operation, opts.auth ?? true),
      signal: opts.signal,
      operation,
    });
    let json: unknown;
    try {
      json = res.text.trim() ? JSON.parse(res.text) : undefined;
    } catch {
      json = undefined;
    }
    const env = envelopeSchema.safeParse(json);
    if (res.status < 200 || res.status >= 300) {
      const message = env.success && env.data.message ? env.data.message : `HTTP ${res.status}`;
      throw this.fail(kindForStatus(res.status), message, operation, res.status, res.headers['retry-after']);
    }
    if (json === undefined) parseJson(res.text, this.label, operation); // throws bad-response for malformed JSON
    if (!env.success) {
      throw new GatewayError({ kind: 'bad-response', message: `The response to ${operation} is not a {success, data} envelope`, path: 'success', gateway: this.label, operation });
    }
    if (!env.data.success) {
      const message = env.data.message || 'The gateway refused the request';
      throw this.fail(classify(message), message, operation, res.status);
    }
    if (!schema) return undefined;
    if (env.data.data === undefined && opts.optionalData) return undefined;
    const data = parseWith(schema, env.data.data, this.label, operation);
    return data;
  }

  private async callData<T extends z.ZodType>(method: HttpMethod, path: string, operation: string, schema: T, opts: Parameters<AihubmixGateway['call']>[4] = {}): Promise<z.infer<T>> {
    return (await this.call(method, path, operation, schema, opts)) as z.infer<T>;
  }

  async whoAmI(opts?: CallOptions): Promise<Identity> {
    const u = await this.callData('GET', R.self, 'check connection', userSelfSchema, { signal: opts?.signal });
    return {
      label: u.display_name || u.username || `user ${u.id}`,
      userId: String(u.id),
      ...(u.quota != null ? { balance: money(quotaToUsd(u.quota), 'USD') } : {}),
    };
  }

  async listKeys(opts: ListKeysOptions): Promise<KeyPage> {
    // one-api: p is 0-based; AIHubMix adds num (rows per page).
    const r = await this.callData('GET', R.tokens, 'list keys', tokenListSchema, { query: { p: opts.page, num: opts.pageSize }, signal: opts.signal });
    const now = this.now();
    const items = r.items.map((t) => mapToken(t, now));
    const hasMore = r.total !== undefined ? (opts.page + 1) * opts.pageSize < r.total : items.length >= opts.pageSize;
    return { items, ...(r.total !== undefined ? { total: r.total } : {}), hasMore };
  }

  async searchKeys(keyword: string, opts?: CallOptions): Promise<readonly ApiKey[]> {
    const r = await this.callData('GET', R.tokenSearch, 'search keys', tokenListSchema, { query: { keyword }, signal: opts?.signal });
    const now = this.now();
    return r.items.map((t) => mapToken(t, now));
  }

  private async readToken(id: string, operation: string, signal?: AbortSignal): Promise<Token> {
    if (!/^\d+$/.test(id)) {
      throw new GatewayError({ kind: 'validation', message: `Not an AIHubMix key id: ${id}`, gateway: this.label, operation });
    }
    return this.callData('GET', R.token(id), operation, tokenSchema, { signal });
  }

  async getKey(id: string, opts?: CallOptions): Promise<ApiKey> {
    return mapToken(await this.readToken(id, 'get key', opts?.signal), this.now());
  }

  async createKey(input: KeyInput, opts?: CallOptions): Promise<ApiKey> {
    if (!input.name) {
      throw new GatewayError({ kind: 'validation', message: 'A key needs a name', gateway: this.label, operation: 'create key', fieldErrors: [{ field: 'name', message: 'required', input: 'name' }] });
    }
    const created = await this.call('POST', R.tokens, 'create key', tokenSchema, { json: tokenBody(input), signal: opts?.signal, optionalData: true });
    if (created) return mapToken(created, this.now());
    // new-api returns no data on create: find the newest key of that name.
    const found = await this.searchKeys(input.name, opts);
    const newest = [...found].filter((k) => k.name === input.name).sort((a, b) => Number(b.id) - Number(a.id))[0];
    if (!newest) {
      throw new GatewayError({ kind: 'bad-response', message: 'The key was created but could not be found again', path: 'data', gateway: this.label, operation: 'create key' });
    }
    return newest;
  }

  async updateKey(id: string, input: KeyInput, opts?: CallOptions): Promise<ApiKey> {
    // Full replace: start from a fresh read and send the whole object, or omitted fields are wiped.
    const base = await this.readToken(id, 'update key', opts?.signal);
    const updated = await this.call('PUT', R.tokens, 'update key', tokenSchema, { json: tokenBody(input, base), signal: opts?.signal, optionalData: true });
    return updated ? mapToken(updated, this.now()) : this.getKey(id, opts);
  }

  async setKeyEnabled(id: string, enabled: boolean, opts?: CallOptions): Promise<ApiKey> {
    const operation = enabled ? 'enable key' : 'disable key';
    if (!/^\d+$/.test(id)) throw new GatewayError({ kind: 'validation', message: `Not an AIHubMix key id: ${id}`, gateway: this.label, operation });
    const updated = await this.call('PUT', R.tokens, operation, tokenSchema, {
      query: { status_only: 'true' },
      json: { id: Number(id), status: enabled ? 1 : 2 },
      signal: opts?.signal,
      optionalData: true,
    });
    return updated ? mapToken(updated, this.now()) : this.getKey(id, opts);
  }

  async deleteKey(id: string, opts?: CallOptions): Promise<void> {
    if (!/^\d+$/.test(id)) throw new GatewayError({ kind: 'validation', message: `Not an AIHubMix key id: ${id}`, gateway: this.label, operation: 'delete key' });
    await this.call('DELETE', R.token(id), 'delete key', undefined, { signal: opts?.signal });
  }

  rotateKey(): Promise<RotateResult> {
    return Promise.reject(
      new GatewayError({ kind: 'unsupported', message: 'AIHubMix cannot rotate a key itself; rotate on the client (copy, grace, disable)', gateway: this.label, operation: 'rotate key' }),
    );
  }

  async revealKey(id: string, opts?: CallOptions): Promise<string> {
    const key = await this.getKey(id, opts);
    if (key.secret) return key.secret;
    // new-api masks keys in list/get and reveals them here.
    const data = await this.callData('POST', R.tokenReveal(id), 'reveal key', zod.union([zod.object({ key: zod.string() }), zod.string()]), { signal: opts?.signal });
    const raw = typeof data === 'string' ? data : data.key;
    return raw.startsWith('sk-') ? raw : `sk-${raw}`;
  }

  async listModels(opts?: CallOptions): Promise<readonly ModelInfo[]> {
    const catalogueP = this.http
      .request({ method: 'GET', url: this.baseUrl + R.catalogue, headers: this.appHeaders(), signal: opts?.signal, operation: 'list models' })
      .then((res) => {
        if (res.status < 200 || res.status >= 300) return undefined;
        const json = parseJson(res.text, this.label, 'list models');
        const env = envelopeSchema.safeParse(json);
        const payload = env.success ? env.data.data : Array.isArray(json) ? json : (json as { data?: unknown } | undefined)?.data;
        if (env.success && !env.data.success) return undefined;
        return parseWith(catalogueSchema, payload, this.label, 'list models');
      });
    const availableP = this.callData('GET', R.availableModels, 'list models', zod.array(zod.string()), { signal: opts?.signal });
    const [catalogue, available] = await Promise.allSettled([catalogueP, availableP]);
    if (available.status === 'rejected' && (catalogue.status === 'rejected' || !catalogue.value)) {
      throw available.reason;
    }
    const rich = new Map<string, ModelInfo>();
    for (const m of catalogue.status === 'fulfilled' ? catalogue.value ?? [] : []) {
      const perK = (v: number | string | null | undefined) => (v == null || v === '' ? undefined : money(mulDecimal(String(v), 1000), 'USD'));
      const input = perK(m.pricing?.input);
      const output = perK(m.pricing?.output);
      rich.set(m.model_id, {
        id: m.model_id,
        vendor: vendorOf(m.model_id),
        ...(m.context_length ? { contextLength: m.context_length } : {}),
        ...(m.max_output ? { maxOutput: m.max_output } : {}),
        ...(input || output ? { price: { ...(input ? { inputPerMTok: input } : {}), ...(output ? { outputPerMTok: output } : {}) } } : {}),
        types: m.types,
        features: m.features,
        ...(m.desc ? { description: m.desc } : {}),
      });
    }
    if (available.status === 'rejected' || available.value.length === 0) return [...rich.values()];
    return available.value.map((id) => rich.get(id) ?? { id, vendor: vendorOf(id) });
  }

  listTeams(): Promise<readonly Team[]> {
    return Promise.resolve([]);
  }

  private unsupported<T>(operation: string, what: string): Promise<T> {
    return Promise.reject(new GatewayError({ kind: 'unsupported', message: `AIHubMix does not offer ${what}`, gateway: this.label, operation }));
  }

  queryUsage(): Promise<readonly UsageRow[]> {
    return this.unsupported('query usage', 'a usage series');
  }

  getDashboard(): Promise<DashboardSummary> {
    return this.unsupported('get dashboard', 'a dashboard');
  }

  getPlan(): Promise<Plan> {
    return this.unsupported('get plan', 'plans');
  }

  listInvoices(): Promise<InvoicePage> {
    return this.unsupported('list invoices', 'invoices');
  }

  async getBillingAccount(opts?: CallOptions): Promise<BillingAccount> {
    const u = await this.callData('GET', R.self, 'get balance', userSelfSchema, { signal: opts?.signal });
    return {
      balance: money(quotaToUsd(u.quota ?? 0), 'USD'),
      ...(u.used_quota != null ? { usedTotal: money(quotaToUsd(u.used_quota), 'USD') } : {}),
      updatedAt: null,
    };
  }

  private logQuery(q: Omit<UsageLogQuery, 'page' | 'pageSize'>): Record<string, string | number | undefined> {
    return {
      type: 2, // consume
      start_timestamp: Math.floor(q.start / 1000),
      end_timestamp: Math.floor(q.end / 1000),
      token_name: q.keyName,
      model_name: q.model,
    };
  }

  async listUsageLogs(query: UsageLogQuery, opts?: CallOptions): Promise<readonly UsageLog[]> {
    const logs = await this.callData('GET', R.logs, 'list usage logs', logListSchema, {
      query: { p: query.page, num: query.pageSize, ...this.logQuery(query) },
      signal: opts?.signal,
    });
    return logs.map((l) => ({
      id: l.id,
      at: new Date(l.created_at * 1000).toISOString(),
      ...(l.token_name ? { keyName: l.token_name } : {}),
      ...(l.model_name ? { model: l.model_name } : {}),
      promptTokens: l.prompt_tokens ?? 0,
      completionTokens: l.completion_tokens ?? 0,
      cost: money(quotaToUsd(l.quota ?? 0), 'USD'),
      ...(l.elapsed_time != null ? { elapsedMs: l.elapsed_time } : {}),
      ...(l.is_stream != null ? { isStream: l.is_stream } : {}),
      ...(l.content ? { content: l.content } : {}),
    }));
  }

  async getUsageStat(query: Omit<UsageLogQuery, 'page' | 'pageSize'>, opts?: CallOptions): Promise<UsageStat> {
    const s = await this.callData('GET', R.logStat, 'get usage stat', logStatSchema, { query: this.logQuery(query), signal: opts?.signal });
    return {
      cost: money(quotaToUsd(s.quota ?? 0), 'USD'),
      ...(s.rpm != null ? { rpm: s.rpm } : {}),
      ...(s.tpm != null ? { tpm: s.tpm } : {}),
    };
  }

  chat(request: ChatRequest, opts: ChatOptions): Promise<ChatCompletion> {
    return this.openai.chat(request, opts.apiKey, opts.signal);
  }

  streamChat(request: ChatRequest, opts: ChatOptions): AsyncIterable<ChatStreamEvent> {
    return this.openai.streamChat(request, opts.apiKey, opts.signal);
  }
}
