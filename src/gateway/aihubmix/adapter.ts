/**
 * AIHubMix adapter: the one-api management plane (`/api/*`, `{success,message,data}`) + the OpenAI-compatible
 * model plane. Backends built on new-api are recognised from what they answer (field names, the page object
 * and its 1-based page) and spoken to in their own terms: `p` from 1 and `page_size`, `model_limits` /
 * `allow_ips`, masked keys revealed on request, a create that answers without the key.
 * This file holds the calls; wire forms are mapped in mapping.ts (read) and bodies.ts (sent), and failures
 * classified in classify.ts.
 */
import type * as z from 'zod';
import { pageOf } from '../../core/page';
import type {
  ApiKey,
  BillingAccount,
  ChatCompletion,
  ChatRequest,
  ChatStreamEvent,
  DashboardSummary,
  Identity,
  InvoicePage,
  KeyInput,
  KeyPage,
  ModelInfo,
  Plan,
  RotateResult,
  Team,
  UsageLog,
  UsageLogQuery,
  UsageRow,
  UsageStat,
} from '../../core/types';
import { GatewayError, kindForStatus } from '../errors';
import type {
  CallOptions,
  ChatOptions,
  CreateKeyOptions,
  Gateway,
  GatewayCapabilities,
  GatewayConfig,
  ListKeysOptions,
  RequestPageOptions,
} from '../gateway';
import type { RequestFilter, RequestPage } from '../../core/requestLog';
import type { HttpClient } from '../http';
import type { HttpMethod } from '../httpTypes';
import { OpenAiCompatible } from '../openai';
import { badResponse, parseJson, parseWith, schemaError, tryParseJson, wireInt, wireTime } from '../schema';
import { vendorOf } from '../vendors';
import { createBody, replaceBody } from './bodies';
import { AIHUBMIX_CAPABILITIES, NEWAPI_CAPABILITIES } from './capabilities';
import { classifyMessage, hubmixError, isTransientEnvelope } from './classify';
import { catalogueById, isMaskedKey, mapLog, mapToken, unitsToUsd } from './mapping';
import { hubRequestQuery, mapHubRequestPage, parseHubRequestList } from './requests';
import { AIHUBMIX_ROUTES as R, AIHUBMIX_TOKEN_ORDER } from './routes';
import {
  availableModelsSchema,
  catalogueSchema,
  envelopeSchema,
  hasNewApiNames,
  logStatSchema,
  parseLogList,
  parseToken,
  parseTokenList,
  revealSchema,
  userSelfSchema,
  type Dialect,
  type TokenListRead,
  type TokenRead,
} from './schemas';

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
    if (!token)
      throw new GatewayError({
        kind: 'auth',
        message: 'no access token is stored for this connection',
        gateway: this.label,
        operation,
      });
    const user = this.config.newApiUser?.trim();
    return {
      ...this.appHeaders(),
      // The CLI docs send the raw token, the endpoint pages `Bearer`; one-api and new-api accept both.
      authorization: this.config.rawAuthHeader ? token : `Bearer ${token}`,
      ...(user ? { 'New-Api-User': user } : {}),
    };
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
      ...(method === 'GET'
        ? { retryWhen: (r) => r.status >= 200 && r.status < 300 && isTransientEnvelope(r.text) }
        : {}),
    });
    const json = tryParseJson(res.text);
    const env = envelopeSchema.safeParse(json);
    if (res.status < 200 || res.status >= 300) {
      const message = env.success && env.data.message ? env.data.message : `HTTP ${res.status}`;
      const code = env.success && env.data.code != null ? String(env.data.code) : undefined;
      throw hubmixError(
        kindForStatus(res.status),
        message,
        operation,
        this.label,
        res.status,
        res.headers['retry-after'],
        code,
      );
    }
    if (json === undefined) parseJson(res.text, this.label, operation); // malformed JSON → bad-response
    if (!env.success) throw schemaError(env.error, json, this.label, operation);
    if (!env.data.success) {
      const message = env.data.message || 'the gateway refused the request without saying why';
      const code = env.data.code != null ? String(env.data.code) : undefined;
      throw hubmixError(
        classifyMessage(message),
        message,
        operation,
        this.label,
        res.status,
        res.headers['retry-after'],
        code,
      );
    }
    return env.data.data;
  }

  /** `data` parsed with a schema; an absent `data` is a bad-response naming it. */
  private async callData<T extends z.ZodType>(
    method: HttpMethod,
    path: string,
    operation: string,
    schema: T,
    opts: CallOpts = {},
  ): Promise<z.infer<T>> {
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
    else if (list.shape === 'page' && list.page !== undefined && requestedP === 0)
      this.dialectSeen = list.page === 1 ? 'new-api' : 'one-api';
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
      throw new GatewayError({
        kind: 'validation',
        message: `"${id}" is not an AIHubMix key id (a positive whole number)`,
        gateway: this.label,
        operation,
      });
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
    const query =
      this.dialectSeen === 'new-api'
        ? { p, page_size: size }
        : this.dialectSeen === 'one-api'
          ? { p, num: size }
          : { p, num: size, page_size: size };
    // an order the dialect has no parameter for is not sent (the caller asked capabilities first)
    const order =
      opts.order && this.capabilities.keyListOrders?.includes(opts.order)
        ? AIHUBMIX_TOKEN_ORDER[opts.order]
        : undefined;
    const list = parseTokenList(
      await this.call('GET', R.tokens, operation, {
        query: { ...query, ...(order ? { order } : {}) },
        signal: opts.signal,
      }),
      this.label,
      operation,
    );
    this.learn(list, p);
    const now = this.now();
    return pageOf(
      list.items.map((r) => mapToken(r.token, now, r.raw)),
      list.total,
      page,
      size,
    );
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
        if (kw !== keyword && e instanceof GatewayError && e.kind === 'validation' && e.message.includes('%'))
          return this.search(keyword, true, signal);
        throw e;
      }
      const list = parseTokenList(data, this.label, operation);
      this.learn(list, -1);
      out.push(...list.items);
      if (list.shape !== 'page' || list.total === undefined || out.length >= list.total || list.items.length === 0)
        break;
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
      throw new GatewayError({
        kind: 'validation',
        message: 'a key needs a name',
        gateway: this.label,
        operation,
        fieldErrors: [{ field: 'name', message: 'required', input: 'name' }],
      });
    }
    createBody(input, 'one-api', this.label); // refuses a bad quota or expiry before any request, the dialect probe included
    const dialect = await this.ensureDialect(operation, opts?.signal);
    const data = await this.call('POST', R.tokens, operation, {
      json: createBody(input, dialect, this.label, opts?.unmodeled),
      signal: opts?.signal,
    });
    if (data !== undefined && data !== null) {
      const r = parseToken(data, this.label, operation, ['data']);
      return mapToken(r.token, this.now(), r.raw);
    }
    // new-api answers a create without the key: the newest key of that exact name is the one just made.
    const found = (await this.search(input.name, true, opts?.signal)).filter((r) => r.token.name === input.name);
    const newest = found.sort((a, b) => Number(b.token.id) - Number(a.token.id))[0];
    if (!newest) {
      throw new GatewayError({
        kind: 'bad-response',
        message: `the key was created, but no key named "${input.name}" could be found again; refresh the list`,
        path: 'data',
        gateway: this.label,
        operation,
      });
    }
    return mapToken(newest.token, this.now(), newest.raw);
  }

  async updateKey(id: string, input: KeyInput, opts?: CallOptions): Promise<ApiKey> {
    // Full replace: start from a fresh read and send the whole object back, or the fields left out are reset.
    const base = await this.readToken(id, 'update key', opts?.signal);
    const data = await this.call('PUT', R.tokens, 'update key', {
      json: replaceBody(input, base, this.label),
      signal: opts?.signal,
    });
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
      new GatewayError({
        kind: 'unsupported',
        message: 'AIHubMix cannot rotate a key itself; rotate on the client (copy, grace, disable)',
        gateway: this.label,
        operation: 'rotate key',
      }),
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
      .request({
        method: 'GET',
        url: this.baseUrl + R.catalogue,
        headers: this.appHeaders(),
        signal: opts?.signal,
        operation,
      })
      .then((res) => {
        if (res.status < 200 || res.status >= 300) return undefined;
        const json = parseJson(res.text, this.label, operation);
        const env = envelopeSchema.safeParse(json);
        if (env.success && !env.data.success) return undefined;
        const payload = env.success
          ? env.data.data
          : Array.isArray(json)
            ? json
            : (json as { data?: unknown } | undefined)?.data;
        return parseWith(catalogueSchema, payload, this.label, operation);
      });
    catalogueP.catch(() => undefined); // settled below; never an unhandled rejection
    let available: readonly string[] | undefined;
    try {
      available = await this.callData('GET', R.availableModels, operation, availableModelsSchema, {
        signal: opts?.signal,
      });
    } catch (e) {
      // Only a gateway without this route falls back to the public catalogue; a refused token, a busy
      // server or a broken answer is reported, never hidden behind the public list.
      if (!(e instanceof GatewayError) || e.kind !== 'not-found') throw e;
    }
    const catalogue = await catalogueP.catch((e: unknown) => {
      if (available === undefined) throw e;
      return undefined;
    });
    const rich = catalogueById(catalogue ?? []);
    if (available === undefined) {
      if (catalogue === undefined)
        throw new GatewayError({
          kind: 'not-found',
          message: 'neither the model list of this account nor the public catalogue is offered',
          gateway: this.label,
          operation,
        });
      return [...rich.values()];
    }
    if (available.length === 0) return [...rich.values()];
    return available.map((id) => rich.get(id) ?? { id, vendor: vendorOf(id) });
  }

  listTeams(): Promise<readonly Team[]> {
    return Promise.resolve([]);
  }

  private unsupported<T>(operation: string, what: string): Promise<T> {
    return Promise.reject(
      new GatewayError({
        kind: 'unsupported',
        message: `AIHubMix does not offer ${what}`,
        gateway: this.label,
        operation,
      }),
    );
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
      ...(u.quota_remind_threshold != null ? { remindThreshold: unitsToUsd(u.quota_remind_threshold) } : {}),
      updatedAt: null,
    };
  }

  private logQuery(
    q: Omit<UsageLogQuery, 'page' | 'pageSize'>,
    operation: string,
  ): Record<string, string | number | undefined> {
    const start = wireTime(q.start, { field: 'start_timestamp', gateway: this.label, operation });
    const end = wireTime(q.end, { field: 'end_timestamp', gateway: this.label, operation });
    return {
      type: 2, // consume
      start_timestamp: wireInt(
        Math.floor(start / 1000),
        { field: 'start_timestamp', gateway: this.label, operation },
        0,
      ),
      end_timestamp: wireInt(Math.floor(end / 1000), { field: 'end_timestamp', gateway: this.label, operation }, 0),
      token_name: q.keyName,
      model_name: q.model,
    };
  }

  async listUsageLogs(query: UsageLogQuery, opts?: CallOptions): Promise<readonly UsageLog[]> {
    const operation = 'list usage logs';
    const page = wireInt(query.page, { field: 'p', gateway: this.label, operation }, 0);
    const size = wireInt(query.pageSize, { field: 'page_size', gateway: this.label, operation }, 1);
    const filters = this.logQuery(query, operation);
    if (!this.dialectSeen && page > 0) await this.ensureDialect(operation, opts?.signal);
    const paging =
      this.dialectSeen === 'new-api'
        ? { p: page + 1, page_size: size }
        : this.dialectSeen === 'one-api'
          ? { p: page, num: size }
          : { p: page, num: size, page_size: size };
    const data = await this.call('GET', R.logs, operation, { query: { ...paging, ...filters }, signal: opts?.signal });
    const list = parseLogList(data, this.label, operation);
    if (!this.dialectSeen && list.shape === 'page' && list.page !== undefined && page === 0)
      this.dialectSeen = list.page === 1 ? 'new-api' : 'one-api';
    return list.items.map(mapLog);
  }

  async getUsageStat(query: Omit<UsageLogQuery, 'page' | 'pageSize'>, opts?: CallOptions): Promise<UsageStat> {
    const operation = 'get usage stat';
    const s = await this.callData('GET', R.logStat, operation, logStatSchema, {
      query: this.logQuery(query, operation),
      signal: opts?.signal,
    });
    return {
      cost: unitsToUsd(s.quota),
      ...(s.rpm != null ? { rpm: s.rpm } : {}),
      ...(s.tpm != null ? { tpm: s.tpm } : {}),
    };
  }

  async listRequests(filter: RequestFilter, opts: RequestPageOptions): Promise<RequestPage> {
    const operation = 'list requests';
    if (!this.dialectSeen && opts.page > 0) await this.ensureDialect(operation, opts.signal);
    const dialect = this.dialectSeen;
    const query = hubRequestQuery(filter, opts.page, opts.pageSize, dialect, this.label);
    let data: unknown;
    try {
      data = await this.call('GET', R.logs, operation, { query, signal: opts.signal });
    } catch (e) {
      // the log route is one-api's, not documented by AIHubMix: a gateway without it answers 404 (not offered)
      if (e instanceof GatewayError && e.kind === 'not-found')
        throw new GatewayError({
          kind: 'unsupported',
          message: 'this gateway does not offer per-request logs',
          gateway: this.label,
          operation,
        });
      throw e;
    }
    const list = parseHubRequestList(data, this.label);
    if (!this.dialectSeen && list.page !== undefined && opts.page === 0)
      this.dialectSeen = list.page === 1 ? 'new-api' : 'one-api';
    return mapHubRequestPage(list, filter, dialect, opts.page, Math.min(opts.pageSize, 100), this.label);
  }

  chat(request: ChatRequest, opts: ChatOptions): Promise<ChatCompletion> {
    return this.openai.chat(request, opts.apiKey, opts.signal);
  }

  streamChat(request: ChatRequest, opts: ChatOptions): AsyncIterable<ChatStreamEvent> {
    return this.openai.streamChat(request, opts.apiKey, opts.signal);
  }
}
