/**
 * AIHubMix adapter: the one-api management plane (`/api/*`, `{success,message,data}`) + the OpenAI-compatible
 * model plane. Backends built on new-api are recognised from what they answer (field names, the page object
 * and its 1-based page) and spoken to in their own terms: `p` from 1 and `page_size`, `model_limits` /
 * `allow_ips`, masked keys revealed on request, a create that answers without the key.
 * This file is the Gateway the rest of the extension sees; the transport and the dialect are in client.ts, the
 * calls in keys.ts, models.ts and logs.ts, wire forms are mapped in mapping.ts (read) and bodies.ts (sent), and
 * failures classified in classify.ts.
 */
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
import type { RequestFilter, RequestPage } from '../../core/requestLog';
import { GatewayError } from '../errors';
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
import type { HttpClient } from '../http';
import { OpenAiCompatible } from '../openai';
import { HubmixClient } from './client';
import { HubmixKeys } from './keys';
import { HubmixLogs } from './logs';
import { unitsToUsd } from './mapping';
import { listHubModels } from './models';
import { AIHUBMIX_ROUTES as R } from './routes';
import { userSelfSchema, type Dialect } from './schemas';

export class AihubmixGateway implements Gateway {
  readonly kind = 'aihubmix' as const;
  readonly baseUrl: string;
  private readonly label: string;
  private readonly openai: OpenAiCompatible;
  private readonly client: HubmixClient;
  private readonly keys: HubmixKeys;
  private readonly logs: HubmixLogs;

  constructor(config: GatewayConfig, http: HttpClient, now: () => number = Date.now) {
    this.client = new HubmixClient(config, http);
    this.keys = new HubmixKeys(this.client, now);
    this.logs = new HubmixLogs(this.client);
    this.baseUrl = this.client.baseUrl;
    this.label = this.client.label;
    this.openai = new OpenAiCompatible(
      http,
      config.chatBaseUrl ?? `${this.baseUrl}/v1`,
      this.label,
      this.client.appHeaders(),
    );
  }

  get capabilities(): GatewayCapabilities {
    return this.client.capabilities;
  }

  /** The dialect the gateway has shown so far (undefined before its first key list). */
  get dialect(): Dialect | undefined {
    return this.client.dialect;
  }

  async whoAmI(opts?: CallOptions): Promise<Identity> {
    const u = await this.client.callData('GET', R.self, 'check connection', userSelfSchema, { signal: opts?.signal });
    return {
      label: u.display_name || u.username || `user ${u.id}`,
      userId: String(u.id),
      balance: unitsToUsd(u.quota),
    };
  }

  listKeys(opts: ListKeysOptions): Promise<KeyPage> {
    return this.keys.listKeys(opts);
  }

  searchKeys(keyword: string, opts?: CallOptions): Promise<readonly ApiKey[]> {
    return this.keys.searchKeys(keyword, opts);
  }

  getKey(id: string, opts?: CallOptions): Promise<ApiKey> {
    return this.keys.getKey(id, opts);
  }

  createKey(input: KeyInput, opts?: CreateKeyOptions): Promise<ApiKey> {
    return this.keys.createKey(input, opts);
  }

  updateKey(id: string, input: KeyInput, opts?: CallOptions): Promise<ApiKey> {
    return this.keys.updateKey(id, input, opts);
  }

  setKeyEnabled(id: string, enabled: boolean, opts?: CallOptions): Promise<ApiKey> {
    return this.keys.setKeyEnabled(id, enabled, opts);
  }

  deleteKey(id: string, opts?: CallOptions): Promise<void> {
    return this.keys.deleteKey(id, opts);
  }

  rotateKey(): Promise<RotateResult> {
    return this.keys.rotateKey();
  }

  revealKey(id: string, opts?: CallOptions): Promise<string> {
    return this.keys.revealKey(id, opts);
  }

  listModels(opts?: CallOptions): Promise<readonly ModelInfo[]> {
    return listHubModels(this.client, opts);
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
    const u = await this.client.callData('GET', R.self, 'get balance', userSelfSchema, { signal: opts?.signal });
    return {
      balance: unitsToUsd(u.quota),
      usedTotal: unitsToUsd(u.used_quota),
      ...(u.quota_remind_threshold != null ? { remindThreshold: unitsToUsd(u.quota_remind_threshold) } : {}),
      updatedAt: null,
    };
  }

  listUsageLogs(query: UsageLogQuery, opts?: CallOptions): Promise<readonly UsageLog[]> {
    return this.logs.listUsageLogs(query, opts);
  }

  getUsageStat(query: Omit<UsageLogQuery, 'page' | 'pageSize'>, opts?: CallOptions): Promise<UsageStat> {
    return this.logs.getUsageStat(query, opts);
  }

  listRequests(filter: RequestFilter, opts: RequestPageOptions): Promise<RequestPage> {
    return this.logs.listRequests(filter, opts);
  }

  chat(request: ChatRequest, opts: ChatOptions): Promise<ChatCompletion> {
    return this.openai.chat(request, opts.apiKey, opts.signal);
  }

  streamChat(request: ChatRequest, opts: ChatOptions): AsyncIterable<ChatStreamEvent> {
    return this.openai.streamChat(request, opts.apiKey, opts.signal);
  }
}
