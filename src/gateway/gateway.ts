/** The one interface both adapters implement. The UI asks capabilities, never the gateway's name. */
import type {
  ApiKey,
  BillingAccount,
  ChatCompletion,
  ChatRequest,
  ChatStreamEvent,
  DashboardSummary,
  GatewayKind,
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
  UsageQuery,
  UsageRow,
  UsageStat,
} from '../core/types';
import type { RequestFilter, RequestPage } from '../core/requestLog';

export interface GatewayCapabilities {
  /** The gateway rotates a key itself and returns the new secret (AIone). */
  readonly serverSideRotate: boolean;
  /** A dedicated enable / disable call exists. */
  readonly enableDisable: boolean;
  /** Server-side key search. */
  readonly searchKeys: boolean;
  /** Key listing reports a total. */
  readonly keyTotal: boolean;
  /** The orders the key list can be read in on the gateway itself (across every page); absent = only its own order. */
  readonly keyListOrders?: readonly KeyListOrder[];
  /** Keys belong to teams. */
  readonly teams: boolean;
  readonly sandboxKeys: boolean;
  readonly rpmTpmLimits: boolean;
  /** Per-key spending quota (in USD). */
  readonly keyQuota: boolean;
  /** Update replaces the whole key (the adapter re-reads first). */
  readonly fullReplaceUpdate: boolean;
  /** Which KeyInput fields an edit can change. */
  readonly editableFields: ReadonlyArray<keyof KeyInput>;
  /** The longest key name the gateway is known to accept (one-api: 30 UTF-8 bytes); absent = unknown, the server's 422 says. */
  readonly keyNameLimit?: { readonly max: number; readonly unit: 'bytes' | 'chars' };
  readonly usageSeries: boolean;
  readonly hourlyUsage: boolean;
  /** The longest usage query (in UTC days, both ends inclusive) one request may ask for; absent = no known limit. */
  readonly maxUsageRangeDays?: number;
  readonly dashboard: boolean;
  readonly plan: boolean;
  readonly billingAccount: boolean;
  readonly invoices: boolean;
  readonly balance: boolean;
  readonly usageLogs: boolean;
  /** Chat key secrets are returned by list/get (one-api). */
  readonly secretsReadable: boolean;
  /** The currency the gateway bills in. */
  readonly currency: 'CNY' | 'USD';
  /**
   * Per-request records (`listRequests`): 'offered' where the gateway documents or is assumed to serve them,
   * 'probe' where only the first call can tell (a 404 answers `unsupported`); absent: never.
   */
  readonly requestLog?: 'offered' | 'probe';
}

export interface RequestPageOptions extends CallOptions {
  /** 0-based. */
  readonly page: number;
  /** 1–100. */
  readonly pageSize: number;
}

export interface CallOptions {
  readonly signal?: AbortSignal;
}

export interface CreateKeyOptions extends CallOptions {
  /**
   * Gateway settings the client does not model (ApiKey.unmodeled of the key being copied), sent as they are
   * beside the input, so a copy keeps them (new-api's group, for instance).
   */
  readonly unmodeled?: Readonly<Record<string, unknown>>;
}

/** An order the gateway sorts its whole key list in: most quota used first, or most quota remaining first. */
export type KeyListOrder = 'mostUsed' | 'mostRemaining';

export interface ListKeysOptions extends CallOptions {
  /** 0-based page. */
  readonly page: number;
  readonly pageSize: number;
  /** Only an order listed in capabilities.keyListOrders; absent = the gateway's own order. */
  readonly order?: KeyListOrder;
}

export interface ChatOptions extends CallOptions {
  /** The model key (sk-…) that pays for the call. */
  readonly apiKey: string;
}

export interface Gateway {
  readonly kind: GatewayKind;
  readonly baseUrl: string;
  readonly capabilities: GatewayCapabilities;

  /** A cheap authenticated call: proves the base URL and the token. */
  whoAmI(opts?: CallOptions): Promise<Identity>;

  listKeys(opts: ListKeysOptions): Promise<KeyPage>;
  searchKeys(keyword: string, opts?: CallOptions): Promise<readonly ApiKey[]>;
  getKey(id: string, opts?: CallOptions): Promise<ApiKey>;
  createKey(input: KeyInput, opts?: CreateKeyOptions): Promise<ApiKey>;
  updateKey(id: string, input: KeyInput, opts?: CallOptions): Promise<ApiKey>;
  setKeyEnabled(id: string, enabled: boolean, opts?: CallOptions): Promise<ApiKey>;
  deleteKey(id: string, opts?: CallOptions): Promise<void>;
  /** Only when capabilities.serverSideRotate. */
  rotateKey(id: string, graceHours: number, opts?: CallOptions): Promise<RotateResult>;
  /** The full secret of a key, where the gateway can return it. */
  revealKey(id: string, opts?: CallOptions): Promise<string>;

  listModels(opts?: CallOptions): Promise<readonly ModelInfo[]>;
  listTeams(opts?: CallOptions): Promise<readonly Team[]>;

  queryUsage(query: UsageQuery, opts?: CallOptions): Promise<readonly UsageRow[]>;
  getDashboard(rangeDays: number, opts?: CallOptions): Promise<DashboardSummary>;
  getPlan(opts?: CallOptions): Promise<Plan>;
  getBillingAccount(opts?: CallOptions): Promise<BillingAccount>;
  listInvoices(page: number, pageSize: number, opts?: CallOptions): Promise<InvoicePage>;
  listUsageLogs(query: UsageLogQuery, opts?: CallOptions): Promise<readonly UsageLog[]>;
  getUsageStat(query: Omit<UsageLogQuery, 'page' | 'pageSize'>, opts?: CallOptions): Promise<UsageStat>;

  /**
   * One page of per-request records matching the filter, newest first (where capabilities.requestLog says so).
   * A gateway without the route answers a GatewayError of kind 'unsupported'.
   */
  listRequests(filter: RequestFilter, opts: RequestPageOptions): Promise<RequestPage>;

  chat(request: ChatRequest, opts: ChatOptions): Promise<ChatCompletion>;
  streamChat(request: ChatRequest, opts: ChatOptions): AsyncIterable<ChatStreamEvent>;
}

/** Everything needed to build a gateway client; the platform layer fills it from settings and SecretStorage. */
export interface GatewayConfig {
  readonly kind: GatewayKind;
  /** Management base URL, e.g. https://api.nexara.net or https://aihubmix.com (no trailing slash needed). */
  readonly baseUrl: string;
  /** OpenAI-compatible base for model calls; defaults to `${baseUrl}/v1`. */
  readonly chatBaseUrl?: string;
  /** Reads the admin token when a call needs it (never cached in settings). */
  readonly getToken: () => Promise<string | undefined>;
  /** AIHubMix: send the raw token instead of `Bearer <token>`. */
  readonly rawAuthHeader?: boolean;
  /** new-api based backends: the user id sent as `New-Api-User` on management calls, where the gateway requires it. */
  readonly newApiUser?: string;
  /** Optional `APP-Code` header (AIHubMix third-party apps). */
  readonly appCode?: string;
  /** Label used in error sentences, e.g. the connection name. */
  readonly label?: string;
}
