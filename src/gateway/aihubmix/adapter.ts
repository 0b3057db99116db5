/**
 * AIHubMix adapter: the one-api management plane (`/api/*`, `{success,message,data}`) + the OpenAI-compatible
 * model plane. Backends built on new-api are recognised from what they answer (field names, the page object
 * and its 1-based page) and spoken to in their own terms: `p` from 1 and `page_size`, `model_limits` /
 * `allow_ips`, masked keys revealed on request, a create that answers without the key.
 */
import type * as z from 'zod';
import { mulDecimal, money, quotaToUsd, usdToQuota, type Money } from '../../core/money';
import { maskSecret } from '../../core/redact';
import type {
  ApiKey, BillingAccount, ChatCompletion, ChatRequest, ChatStreamEvent, DashboardSummary, Identity, InvoicePage,
  KeyInput, KeyPage, KeyStatus, ModelInfo, Plan, RotateResult, Team, UsageLog, UsageLogQuery, UsageRow, UsageStat,
} from '../../core/types';
import { GatewayError, kindForStatus, type FieldError, type GatewayErrorKind } from '../errors';
import type { CallOptions, ChatOptions, CreateKeyOptions, Gateway, GatewayCapabilities, GatewayConfig, ListKeysOptions } from '../gateway';
import { parseRetryAfter, type HttpClient, type HttpMethod } from '../http';
import { OpenAiCompatible } from '../openai';
import { badResponse, parseJson, parseWith, schemaError, toList, wireInt, wireTime, type WireField } from '../schema';
import { vendorOf } from '../vendors';
import { classifyMessage, isTransientEnvelope } from './classify';
import { AIHUBMIX_ROUTES as R } from './routes';
import {
  availableModelsSchema, catalogueSchema, envelopeSchema, hasNewApiNames, logStatSchema, parseLogList, parseToken,
  parseTokenList, revealSchema, userSelfSchema, type Log, type Token, type TokenListRead, type TokenRead,
} from './schemas';

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

/** new-api: names up to 50 bytes, and its key list reports a total. */
export const NEWAPI_CAPABILITIES: GatewayCapabilities = { ...AIHUBMIX_CAPABILITIES, keyTotal: true, keyNameLimit: { max: 50, unit: 'bytes' } };

export type Dialect = 'one-api' | 'new-api';

/** Which KeyInput field a one-api business error is about (messages are Chinese, some English). */
const MESSAGE_FIELDS: ReadonlyArray<[RegExp, keyof KeyInput, string]> = [
  [/名称|name/i, 'name', 'name'],
  [/网段|subnet|\bips?\b|allow_ips/i, 'allowedIps', 'subnet'],
  [/过期|expire/i, 'expiresAt', 'expired_time'],
  [/额度|quota/i, 'quotaUsd', 'remain_quota'],
  [/模型|model/i, 'modelsAllowed', 'models'],
];

/** Fields of a token this client reads itself (everything else the gateway sends is kept in `unmodeled`). */
const MODELED = new Set([
  'id', 'user_id', 'key', 'status', 'name', 'created_time', 'accessed_time', 'expired_time', 'remain_quota', 'unlimited_quota',
  'used_quota', 'models', 'subnet', 'model_limits_enabled', 'model_limits', 'allow_ips', 'DeletedAt', 'deleted_at', 'username',
]);

/**
 * Quota units → USD as an exact decimal string (1 USD = 500,000 units, so units × 2 millionths), in the form
 * big.js prints; done with integers because a page of keys needs two of these per key and big.js division
 * costs microseconds each. Falls back to quotaToUsd beyond safe integers.
 */
export function unitsToUsd(units: number): Money {
  const twice = units * 2;
  if (!Number.isSafeInteger(twice)) return money(quotaToUsd(units), 'USD');
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
  return { amount: neg && abs !== 0 ? `-${amount}` : amount, currency: 'USD' };
}

/** maskSecret's form of `sk-<48>` (`sk-` + 4 … last 4) without its general checks; anything else goes through it. */
function maskHubKey(wireKey: string, secret: string): string {
  return wireKey.length > 12 && !wireKey.startsWith('sk-') && wireKey.trim() === wireKey ? `sk-${wireKey.slice(0, 4)}…${wireKey.slice(-4)}` : maskSecret(secret);
}

function isMaskedKey(wireKey: string): boolean {
  return wireKey === '' || /[*…]/.test(wireKey);
}

/** The models a token allows: one-api's `models`, else new-api's `model_limits` when enabled. */
function tokenModels(t: Token): string[] {
  const models = toList(t.models);
  if (models.length > 0 || t.model_limits === undefined) return models;
  return t.model_limits_enabled ? toList(t.model_limits) : [];
}

function tokenIps(t: Token): string[] {
  const subnet = toList(t.subnet);
  return subnet.length > 0 || t.allow_ips === undefined ? subnet : toList(t.allow_ips);
}

function isUnlimited(t: Token): boolean {
  return t.unlimited_quota || t.remain_quota === -1;
}

function unmodeledOf(raw: Readonly<Record<string, unknown>> | undefined): Record<string, unknown> | undefined {
  if (!raw) return undefined;
  let out: Record<string, unknown> | undefined;
  for (const k of Object.keys(raw)) {
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
  if (!Number.isInteger(seconds) || seconds >= 253_402_300_800) return new Date(seconds * 1000).toISOString();
  const days = Math.floor(seconds / 86_400);
  let day = dayCache.get(days);
  if (day === undefined) {
    if (dayCache.size >= 4096) dayCache.clear();
    day = civilDay(days);
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
    t.status === 1 ? 'active' : t.status === 2 || t.status === 0 ? 'disabled' : t.status === 3 ? 'expired' : t.status === 4 ? 'exhausted' : 'unknown';
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

function inputField(field: string, input: keyof KeyInput, gateway: string | undefined, operation: string): WireField {
  return { field, input, gateway, operation };
}

/** ISO date-time → Unix seconds; null = never (-1). A date before 1970 would read as "never" on the wire, so it is refused. */
function expiryTs(iso: string | null, f: WireField): number {
  if (iso === null) return -1;
  const ms = Date.parse(iso);
  const ts = Math.floor(ms / 1000);
  if (Number.isNaN(ms) || ts <= 0) {
    throw new GatewayError({ kind: 'validation', message: `${f.field} must be a date after 1970 (got ${JSON.stringify(iso)}); nothing was sent`, gateway: f.gateway, operation: f.operation, fieldErrors: [{ field: f.field, message: 'not a valid date', input: 'expiresAt' }] });
  }
  return ts;
}

/** USD decimal → quota units; "unlimited" handled by the caller. A negative, malformed or too large amount is refused. */
function quotaUnits(usd: string, f: WireField): number {
  let units: number;
  try {
    units = usdToQuota(usd);
  } catch {
    throw new GatewayError({ kind: 'validation', message: `${f.field} must be an amount in USD (got ${JSON.stringify(usd)}); nothing was sent`, gateway: f.gateway, operation: f.operation, fieldErrors: [{ field: f.field, message: 'not an amount in USD', input: 'quotaUsd' }] });
  }
  return wireInt(units, f, 0);
}

function quotaFields(quota: string, f: WireField): { unlimited_quota: boolean; remain_quota: number } {
  // AIHubMix docs: -1 = unlimited; one-api and new-api ignore remain_quota when unlimited_quota is true.
  return quota === 'unlimited' ? { unlimited_quota: true, remain_quota: -1 } : { unlimited_quota: false, remain_quota: quotaUnits(quota, f) };
}

function listFields(models: readonly string[] | undefined, ips: readonly string[] | undefined, names: Dialect): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (names === 'new-api') {
    if (models !== undefined) {
      out.model_limits = models.join(',');
      out.model_limits_enabled = models.length > 0;
    }
    if (ips !== undefined) out.allow_ips = ips.join('\n');
  } else {
    if (models !== undefined) out.models = models.join(',');
    if (ips !== undefined) out.subnet = ips.join(',');
  }
  return out;
}

/** The body of a create: every field the API takes, in the field names of the gateway's dialect. */
export function createBody(input: KeyInput, dialect: Dialect, gateway?: string, unmodeled?: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const operation = 'create key';
  const extra: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(unmodeled ?? {})) if (!MODELED.has(k)) extra[k] = v;
  return {
    ...extra,
    name: input.name ?? '',
    expired_time: input.expiresAt === undefined ? -1 : expiryTs(input.expiresAt, inputField('expired_time', 'expiresAt', gateway, operation)),
    ...quotaFields(input.quotaUsd ?? 'unlimited', inputField('remain_quota', 'quotaUsd', gateway, operation)),
    ...listFields(input.modelsAllowed ?? [], input.allowedIps ?? [], dialect),
  };
}

/**
 * The body of a full replace: every field the fresh read returned — also those this client does not model
 * (new-api's `group`, `cross_group_retry`, `auto_groups`…), so a rename never clears them — with the edited
 * fields written over it in the names the read used. A masked key is not sent back.
 */
export function replaceBody(input: KeyInput, base: TokenRead, gateway?: string): Record<string, unknown> {
  const operation = 'update key';
  const { token, raw } = base;
  const body: Record<string, unknown> = { ...raw, id: Number(token.id) };
  if (typeof raw.key !== 'string' || isMaskedKey(raw.key)) delete body.key;
  // normalised numbers: a string of digits read back goes out as an integer
  body.expired_time = token.expired_time;
  body.remain_quota = token.remain_quota;
  if (input.name !== undefined) body.name = input.name;
  if (input.expiresAt !== undefined) body.expired_time = expiryTs(input.expiresAt, inputField('expired_time', 'expiresAt', gateway, operation));
  if (input.quotaUsd !== undefined) Object.assign(body, quotaFields(input.quotaUsd, inputField('remain_quota', 'quotaUsd', gateway, operation)));
  const newNames = hasNewApiNames(raw);
  const oneNames = 'models' in raw || 'subnet' in raw || !newNames;
  if (newNames) Object.assign(body, listFields(input.modelsAllowed, input.allowedIps, 'new-api'));
  if (oneNames) Object.assign(body, listFields(input.modelsAllowed, input.allowedIps, 'one-api'));
  return body;
}

interface CallOpts {
  readonly query?: Record<string, string | number | undefined>;
  readonly json?: unknown;
  readonly signal?: AbortSignal;
  readonly auth?: boolean;
}

export class AihubmixGateway implements Gateway {
  readonly kind = 'aihubmix' as const;
  readonly baseUrl: string;
  private readonly label: string;
  private readonly openai: OpenAiCompatible;
  /** Learnt from the first answer that shows it; undefined until then. */
  private dialectSeen: Dialect | undefined;

  constructor(
    private readonly config: GatewayConfig,
    private readonly http: HttpClient,
    private readonly now: () => number = Date.now,
  ) {
    this.baseUrl = config.baseUrl.replace(/\/+$/, '');
    this.label = config.label ?? 'AIHubMix';
    this.openai = new OpenAiCompatible(http, config.chatBaseUrl ?? `${this.baseUrl}/v1`, this.label, this.appHeaders());
  }

  get capabilities(): GatewayCapabilities {
    return this.dialectSeen === 'new-api' ? NEWAPI_CAPABILITIES : AIHUBMIX_CAPABILITIES;
  }

  /** The dialect the gateway has shown so far (undefined before its first key list). */
  get dialect(): Dialect | undefined {
    return this.dialectSeen;
  }

  private appHeaders(): Record<string, string> {
    return this.config.appCode ? { 'APP-Code': this.config.appCode } : {};
  }

  private async headers(operation: string, auth = true): Promise<Record<string, string>> {
    if (!auth) return this.appHeaders();
    const token = await this.config.getToken();
    if (!token) throw new GatewayError({ kind: 'auth', message: 'no access token is stored for this connection', gateway: this.label, operation });
    const user = this.config.newApiUser?.trim();
    return {
      ...this.appHeaders(),
      // The CLI docs send the raw token, the endpoint pages `Bearer`; one-api and new-api accept both.
      authorization: this.config.rawAuthHeader ? token : `Bearer ${token}`,
      ...(user ? { 'New-Api-User': user } : {}),
    };
  }

  private fail(kind: GatewayErrorKind, message: string, operation: string, status?: number, retryAfter?: string, code?: string): GatewayError {
    const fieldErrors: FieldError[] = [];
    if (kind === 'validation') {
      for (const [re, input, field] of MESSAGE_FIELDS) {
        if (re.test(message)) {
          fieldErrors.push({ field, message, input });
          break;
        }
      }
    }
    const retryAfterMs = parseRetryAfter(retryAfter);
    return new GatewayError({ kind, message, operation, gateway: this.label, status, fieldErrors, retryAfterMs, ...(code ? { code } : {}) });
  }

  /**
   * Calls a management route and returns its `data` (undefined when absent) after checking the HTTP status and
   * `success`. A read answered `{success:false}` with a "busy / try again later" message is retried like a 503.
   */
  private async call(method: HttpMethod, path: string, operation: string, opts: CallOpts = {}): Promise<unknown> {
    const res = await this.http.request({
      method,
      url: this.baseUrl + path,
      query: opts.query,
      json: opts.json,
      headers: await this.headers(operation, opts.auth ?? true),
      signal: opts.signal,
      operation,
      ...(method === 'GET' ? { retryWhen: (r) => r.status >= 200 && r.status < 300 && isTransientEnvelope(r.text) } : {}),
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
      const code = env.success && env.data.code != null ? String(env.data.code) : undefined;
      throw this.fail(kindForStatus(res.status), message, operation, res.status, res.headers['retry-after'], code);
    }
    if (json === undefined) parseJson(res.text, this.label, operation); // malformed JSON → bad-response
    if (!env.success) throw schemaError(env.error, json, this.label, operation);
    if (!env.data.success) {
      const message = env.data.message || 'the gateway refused the request without saying why';
      const code = env.data.code != null ? String(env.data.code) : undefined;
      throw this.fail(classifyMessage(message), message, operation, res.status, res.headers['retry-after'], code);
    }
    return env.data.data;
  }

  /** `data` parsed with a schema; an absent `data` is a bad-response naming it. */
  private async callData<T extends z.ZodType>(method: HttpMethod, path: string, operation: string, schema: T, opts: CallOpts = {}): Promise<z.infer<T>> {
    const data = await this.call(method, path, operation, opts);
    return parseWith(schema, data, this.label, operation, ['data']);
  }

  private learn(list: TokenListRead, requestedP: number): void {
    if (this.dialectSeen) return;
    const first = list.items[0];
    if (first) {
      this.dialectSeen = hasNewApiNames(first.raw) ? 'new-api' : 'one-api';
      return;
    }
    if (list.shape === 'array' || list.shape === 'null') this.dialectSeen = 'one-api';
    else if (list.shape === 'page' && list.page !== undefined && requestedP === 0) this.dialectSeen = list.page === 1 ? 'new-api' : 'one-api';
  }

  /**
   * Learns the dialect with the smallest list request, when a call needs it before any key list. A failure is
   * reported as the caller's operation (the user is creating a key, not listing them).
   */
  private async ensureDialect(operation: string, signal?: AbortSignal): Promise<Dialect> {
    if (!this.dialectSeen) {
      const data = await this.call('GET', R.tokens, operation, { query: { p: 0, num: 1, page_size: 1 }, signal });
      this.learn(parseTokenList(data, this.label, operation), 0);
    }
    return this.dialectSeen ?? 'one-api';
  }

  private checkId(id: string, operation: string): number {
    const n = /^\d+$/.test(id) ? Number(id) : NaN;
    if (!Number.isSafeInteger(n) || n <= 0) {
      throw new GatewayError({ kind: 'validation', message: `"${id}" is not an AIHubMix key id (a positive whole number)`, gateway: this.label, operation });
    }
    return n;
  }

  async whoAmI(opts?: CallOptions): Promise<Identity> {
    const u = await this.callData('GET', R.self, 'check connection', userSelfSchema, { signal: opts?.signal });
    return {
      label: u.display_name || u.username || `user ${u.id}`,
      userId: String(u.id),
      balance: unitsToUsd(u.quota),
    };
  }

  async listKeys(opts: ListKeysOptions): Promise<KeyPage> {
    const operation = 'list keys';
    const page = wireInt(opts.page, { field: 'p', gateway: this.label, operation }, 0);
    const size = wireInt(opts.pageSize, { field: 'page_size', gateway: this.label, operation }, 1);
    if (!this.dialectSeen && page > 0) await this.ensureDialect(operation, opts.signal);
    // one-api: p from 0, AIHubMix's `num` rows; new-api: p from 1 (p < 1 reads as 1) and `page_size`.
    const p = this.dialectSeen === 'new-api' ? page + 1 : page;
    const query = this.dialectSeen === 'new-api' ? { p, page_size: size } : this.dialectSeen === 'one-api' ? { p, num: size } : { p, num: size, page_size: size };
    const list = parseTokenList(await this.call('GET', R.tokens, operation, { query, signal: opts.signal }), this.label, operation);
    this.learn(list, p);
    const now = this.now();
    const items = list.items.map((r) => mapToken(r.token, now, r.raw));
    const hasMore = list.total !== undefined ? (page + 1) * size < list.total : items.length >= size;
    return { items, ...(list.total !== undefined ? { total: list.total } : {}), hasMore };
  }

  /**
   * Keys whose name matches. one-api: a name prefix, everything in one answer. new-api: exact unless the
   * keyword has `%` wildcards, at most 100 per page; pages are read up to `maxPages`.
   */
  private async search(keyword: string, exact: boolean, signal?: AbortSignal): Promise<TokenRead[]> {
    const operation = 'search keys';
    const newApi = this.dialectSeen === 'new-api';
    const kw = newApi && !exact && keyword.length >= 2 && !keyword.includes('%') ? `%${keyword}%` : keyword;
    const out: TokenRead[] = [];
    const maxPages = 10;
    for (let i = 0; i < maxPages; i++) {
      const query = this.dialectSeen === 'one-api' ? { keyword: kw } : { keyword: kw, p: i + 1, page_size: 100 };
      let data: unknown;
      try {
        data = await this.call('GET', R.tokenSearch, operation, { query, signal });
      } catch (e) {
        // new-api allows only exact search for users past its token limit: fall back to it
        if (kw !== keyword && e instanceof GatewayError && e.kind === 'validation' && e.message.includes('%')) return this.search(keyword, true, signal);
        throw e;
      }
      const list = parseTokenList(data, this.label, operation);
      this.learn(list, -1);
      out.push(...list.items);
      if (list.shape !== 'page' || list.total === undefined || out.length >= list.total || list.items.length === 0) break;
    }
    return out;
  }

  async searchKeys(keyword: string, opts?: CallOptions): Promise<readonly ApiKey[]> {
    const now = this.now();
    return (await this.search(keyword, false, opts?.signal)).map((r) => mapToken(r.token, now, r.raw));
  }

  private async readToken(id: string, operation: string, signal?: AbortSignal): Promise<TokenRead> {
    this.checkId(id, operation);
    const data = await this.call('GET', R.token(id), operation, { signal });
    const read = parseToken(data, this.label, operation, ['data']);
    this.dialectSeen ??= hasNewApiNames(read.raw) ? 'new-api' : 'one-api';
    return read;
  }

  async getKey(id: string, opts?: CallOptions): Promise<ApiKey> {
    const r = await this.readToken(id, 'get key', opts?.signal);
    return mapToken(r.token, this.now(), r.raw);
  }

  async createKey(input: KeyInput, opts?: CreateKeyOptions): Promise<ApiKey> {
    const operation = 'create key';
    if (!input.name) {
      throw new GatewayError({ kind: 'validation', message: 'a key needs a name', gateway: this.label, operation, fieldErrors: [{ field: 'name', message: 'required', input: 'name' }] });
    }
    createBody(input, 'one-api', this.label); // refuses a bad quota or expiry before any request, the dialect probe included
    const dialect = await this.ensureDialect(operation, opts?.signal);
    const data = await this.call('POST', R.tokens, operation, { json: createBody(input, dialect, this.label, opts?.unmodeled), signal: opts?.signal });
    if (data !== undefined && data !== null) {
      const r = parseToken(data, this.label, operation, ['data']);
      return mapToken(r.token, this.now(), r.raw);
    }
    // new-api answers a create without the key: the newest key of that exact name is the one just made.
    const found = (await this.search(input.name, true, opts?.signal)).filter((r) => r.token.name === input.name);
    const newest = found.sort((a, b) => Number(b.token.id) - Number(a.token.id))[0];
    if (!newest) {
      throw new GatewayError({ kind: 'bad-response', message: `the key was created, but no key named "${input.name}" could be found again; refresh the list`, path: 'data', gateway: this.label, operation });
    }
    return mapToken(newest.token, this.now(), newest.raw);
  }

  async updateKey(id: string, input: KeyInput, opts?: CallOptions): Promise<ApiKey> {
    // Full replace: start from a fresh read and send the whole object back, or the fields left out are reset.
    const base = await this.readToken(id, 'update key', opts?.signal);
    const data = await this.call('PUT', R.tokens, 'update key', { json: replaceBody(input, base, this.label), signal: opts?.signal });
    if (data === undefined || data === null) return this.getKey(id, opts);
    const r = parseToken(data, this.label, 'update key', ['data']);
    return mapToken(r.token, this.now(), r.raw);
  }

  async setKeyEnabled(id: string, enabled: boolean, opts?: CallOptions): Promise<ApiKey> {
    const operation = enabled ? 'enable key' : 'disable key';
    const n = this.checkId(id, operation);
    const data = await this.call('PUT', R.tokens, operation, {
      query: { status_only: 'true' },
      json: { id: n, status: enabled ? 1 : 2 },
      signal: opts?.signal,
    });
    if (data === undefined || data === null) return this.getKey(id, opts);
    const r = parseToken(data, this.label, operation, ['data']);
    return mapToken(r.token, this.now(), r.raw);
  }

  async deleteKey(id: string, opts?: CallOptions): Promise<void> {
    this.checkId(id, 'delete key');
    await this.call('DELETE', R.token(id), 'delete key', { signal: opts?.signal });
  }

  rotateKey(): Promise<RotateResult> {
    return Promise.reject(
      new GatewayError({ kind: 'unsupported', message: 'AIHubMix cannot rotate a key itself; rotate on the client (copy, grace, disable)', gateway: this.label, operation: 'rotate key' }),
    );
  }

  async revealKey(id: string, opts?: CallOptions): Promise<string> {
    const operation = 'reveal key';
    this.checkId(id, operation);
    if (this.dialectSeen !== 'new-api') {
      const key = await this.getKey(id, opts);
      if (key.secret) return key.secret;
    }
    // new-api masks keys in list and get, and reveals one here.
    const raw = await this.callData('POST', R.tokenReveal(id), operation, revealSchema, { signal: opts?.signal });
    if (isMaskedKey(raw)) throw badResponse(this.label, operation, ['data', 'key'], false, 'the key is still masked');
    return raw.startsWith('sk-') ? raw : `sk-${raw}`;
  }

  async listModels(opts?: CallOptions): Promise<readonly ModelInfo[]> {
    const operation = 'list models';
    // The public catalogue only adds prices and context lengths; its failure leaves them out.
    const catalogueP = this.http
      .request({ method: 'GET', url: this.baseUrl + R.catalogue, headers: this.appHeaders(), signal: opts?.signal, operation })
      .then((res) => {
        if (res.status < 200 || res.status >= 300) return undefined;
        const json = parseJson(res.text, this.label, operation);
        const env = envelopeSchema.safeParse(json);
        if (env.success && !env.data.success) return undefined;
        const payload = env.success ? env.data.data : Array.isArray(json) ? json : (json as { data?: unknown } | undefined)?.data;
        return parseWith(catalogueSchema, payload, this.label, operation);
      });
    catalogueP.catch(() => undefined); // settled below; never an unhandled rejection
    let available: readonly string[] | undefined;
    try {
      available = await this.callData('GET', R.availableModels, operation, availableModelsSchema, { signal: opts?.signal });
    } catch (e) {
      // Only a gateway without this route falls back to the public catalogue; a refused token, a busy
      // server or a broken answer is reported, never hidden behind the public list.
      if (!(e instanceof GatewayError) || e.kind !== 'not-found') throw e;
    }
    const catalogue = await catalogueP.catch((e: unknown) => {
      if (available === undefined) throw e;
      return undefined;
    });
    const rich = new Map<string, ModelInfo>();
    for (const m of catalogue ?? []) {
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
    if (available === undefined) {
      if (catalogue === undefined) throw new GatewayError({ kind: 'not-found', message: 'neither the model list of this account nor the public catalogue is offered', gateway: this.label, operation });
      return [...rich.values()];
    }
    if (available.length === 0) return [...rich.values()];
    return available.map((id) => rich.get(id) ?? { id, vendor: vendorOf(id) });
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
      balance: unitsToUsd(u.quota),
      usedTotal: unitsToUsd(u.used_quota),
      updatedAt: null,
    };
  }

  private logQuery(q: Omit<UsageLogQuery, 'page' | 'pageSize'>, operation: string): Record<string, string | number | undefined> {
    const start = wireTime(q.start, { field: 'start_timestamp', gateway: this.label, operation });
    const end = wireTime(q.end, { field: 'end_timestamp', gateway: this.label, operation });
    return {
      type: 2, // consume
      start_timestamp: wireInt(Math.floor(start / 1000), { field: 'start_timestamp', gateway: this.label, operation }, 0),
      end_timestamp: wireInt(Math.floor(end / 1000), { field: 'end_timestamp', gateway: this.label, operation }, 0),
      token_name: q.keyName,
      model_name: q.model,
    };
  }

  private mapLog(l: Log): UsageLog {
    const elapsedMs = l.elapsed_time ?? (l.use_time != null ? l.use_time * 1000 : undefined);
    return {
      id: String(l.id),
      at: isoOf(l.created_at) ?? new Date(l.created_at * 1000).toISOString(),
      ...(l.token_name ? { keyName: l.token_name } : {}),
      ...(l.model_name ? { model: l.model_name } : {}),
      promptTokens: l.prompt_tokens,
      completionTokens: l.completion_tokens,
      cost: unitsToUsd(l.quota),
      ...(elapsedMs != null ? { elapsedMs } : {}),
      ...(l.is_stream != null ? { isStream: l.is_stream } : {}),
      ...(l.content ? { content: l.content } : {}),
    };
  }

  async listUsageLogs(query: UsageLogQuery, opts?: CallOptions): Promise<readonly UsageLog[]> {
    const operation = 'list usage logs';
    const page = wireInt(query.page, { field: 'p', gateway: this.label, operation }, 0);
    const size = wireInt(query.pageSize, { field: 'page_size', gateway: this.label, operation }, 1);
    const filters = this.logQuery(query, operation);
    if (!this.dialectSeen && page > 0) await this.ensureDialect(operation, opts?.signal);
    const paging = this.dialectSeen === 'new-api' ? { p: page + 1, page_size: size } : this.dialectSeen === 'one-api' ? { p: page, num: size } : { p: page, num: size, page_size: size };
    const data = await this.call('GET', R.logs, operation, { query: { ...paging, ...filters }, signal: opts?.signal });
    const list = parseLogList(data, this.label, operation);
    if (!this.dialectSeen && list.shape === 'page' && list.page !== undefined && page === 0) this.dialectSeen = list.page === 1 ? 'new-api' : 'one-api';
    return list.items.map((l) => this.mapLog(l));
  }

  async getUsageStat(query: Omit<UsageLogQuery, 'page' | 'pageSize'>, opts?: CallOptions): Promise<UsageStat> {
    const operation = 'get usage stat';
    const s = await this.callData('GET', R.logStat, operation, logStatSchema, { query: this.logQuery(query, operation), signal: opts?.signal });
    return {
      cost: unitsToUsd(s.quota),
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
