/**
 * Public types of the gateway simulator (AIone API + AIHubMix).
 * Node built-ins only; no dependency on src/ or on anything outside this folder.
 */

export type GatewayName = 'aione' | 'aihubmix';

export interface Variants {
  /** AIHubMix `GET /api/token/` (and `/api/token/search`) data shape. */
  aihubmixListShape: 'array' | 'page-object' | 'items';
  /** What status a disabled AIHubMix key shows (stored as 2 either way). */
  aihubmixDisabledStatus: 2 | 0;
  /** AIHubMix `expired_time` as an int timestamp or as a string of digits. */
  aihubmixExpiredTime: 'int' | 'string';
  /** AIHubMix `remain_quota` shown for unlimited keys. */
  aihubmixUnlimitedRemain: 'zero' | 'minus-one';
  /** AIone `GET /api/v1/billing/invoices` shape. */
  aioneInvoices: 'array' | 'wrapped';
  /** AIone `POST /api/v1/gateway/keys` success status. */
  aioneCreateStatus: 200 | 201;
  /** AIone `DELETE /api/v1/gateway/keys/{id}` success status (200 answers {"ok":true}). */
  aioneDeleteStatus: 204 | 200;
  /**
   * Whether the model plane enforces each key's allowed IPs / subnet and (AIone) its RPM limit. Off at start-up so
   * the seeded data's random limits never fail a test that is not about them; a test about them turns it on.
   */
  keyLimits: 'ignored' | 'enforced';
  /** AIone `GET /api/v1/obs/requests` (the client's inferred per-request route): served, or 404 as on a deployment without it. */
  aioneRequestLog: 'offered' | 'absent';
}

export const DEFAULT_VARIANTS: Readonly<Variants> = Object.freeze({
  aihubmixListShape: 'array',
  aihubmixDisabledStatus: 2,
  aihubmixExpiredTime: 'int',
  aihubmixUnlimitedRemain: 'zero',
  aioneInvoices: 'array',
  aioneCreateStatus: 201,
  aioneDeleteStatus: 204,
  keyLimits: 'ignored',
  aioneRequestLog: 'offered',
});

/**
 * Which management API the AIHubMix port speaks: one-api's (AIHubMix's documented one) or new-api's
 * (QuantumNous/new-api: `model_limits` / `allow_ips` / `group`, 1-based `p` + `page_size`, the page object,
 * masked keys revealed by `POST /api/token/:id/key`, create answered without data, real 401 codes).
 */
export type AihubmixDialect = 'one-api' | 'new-api';

export interface SimulatorOptions {
  host?: string;
  aionePort?: number;
  aihubmixPort?: number;
  seed?: number;
  keyCount?: number;
  streamTokensPerSecond?: number;
  now?: () => number;
  variants?: Partial<Variants>;
  /** Default 'one-api'. */
  aihubmixDialect?: AihubmixDialect;
  /** new-api dialect: management calls must carry `New-Api-User: <user id>` (classic new-api). Default false. */
  requireNewApiUser?: boolean;
  /**
   * Serve https instead of http: `true` uses a test CA made at start (one per process, see ./tls), or give the PEM
   * key and certificate chain. The CA to trust is `Simulator.tls.ca`.
   */
  tls?: boolean | { readonly ca: string; readonly cert: string; readonly key: string };
}

export type Fault =
  | { kind: 'latency'; ms: number }
  | { kind: 'status'; status: number; retryAfter?: number; body?: unknown }
  | { kind: 'hang' }
  | { kind: 'reset' }
  | { kind: 'malformed-json' }
  | { kind: 'success-false'; message?: string }
  | { kind: 'truncate-stream'; afterChunks: number }
  | { kind: 'mid-stream-error'; afterChunks: number; thenDone?: boolean }
  | { kind: 'json-error-instead-of-stream'; status: number };

export type FaultKind = Fault['kind'];

export interface FaultRule {
  gateway?: GatewayName;
  method?: string;
  /** Exact path, or a prefix ending with '*'. Compared with the URL path (no query string). */
  path?: string;
  /** Only a model-plane request whose body names this model (a model whose upstream is down). */
  model?: string;
  /** How many matching requests this rule applies to; default 1; Infinity allowed. */
  times?: number;
  fault: Fault;
}

export interface FaultController {
  add(rule: FaultRule): void;
  clear(): void;
  /** The pending rules with their remaining `times`. */
  list(): FaultRule[];
}

export interface RecordedRequest {
  gateway: GatewayName;
  method: string;
  path: string;
  query: Record<string, string>;
  /** Lower-cased header names; Authorization redacted to 'Bearer ***' or '***'. */
  headers: Record<string, string>;
  /** Parsed JSON body; the raw text when it was not valid JSON; absent when empty. */
  body?: unknown;
  /** ms epoch, from the simulator's clock (opts.now). */
  at: number;
  /** The injected fault kind, when one was applied. */
  fault?: FaultKind;
  /** The HTTP status sent (set when the response finished; absent for hang/reset). */
  status?: number;
}

export interface StreamRecord {
  id: string;
  gateway: GatewayName;
  model: string;
  /** JSON `data:` events written (role, content, finish, usage and error chunks; not comments, not [DONE]). */
  chunksSent: number;
  /** true once `data: [DONE]` (or the planned end) was written and the response ended normally. */
  finished: boolean;
  closedByClient: boolean;
  /** Events deliberately split across two writes (mid UTF-8 character when possible). */
  splitWrites: number;
  fault?: FaultKind;
}

// ---------------------------------------------------------------- AIone state

export type AioneKeyStatus = 'active' | 'disabled' | 'expired';

export interface AioneTeam {
  id: string;
  name: string;
}

export interface AioneKeyRecord {
  id: string;
  org_id: string;
  team_id: string | null;
  name: string;
  /** The full current secret (`sk-nex-` + 40). */
  secret: string;
  key_prefix: string;
  models_allowed: string[] | null;
  rpm_limit: number | null;
  tpm_limit: number | null;
  is_sandbox: boolean;
  allowed_ips: string[] | null;
  expires_at: string | null;
  rotate_grace_until: string | null;
  status: AioneKeyStatus;
  created_at: string;
  /** Secrets replaced by a rotation, valid for model calls until `validUntil` (ms epoch). */
  previousSecrets: { secret: string; validUntil: number }[];
}

/** One usage cell: a (UTC day, key, model) aggregate; `hour` -1 = spread over the day by the diurnal profile. */
export interface AioneUsageCell {
  day: number; // days since the Unix epoch (UTC)
  hour: number; // 0..23, or -1
  keyId: string;
  teamId: string | null;
  model: string;
  requests: number;
  promptTokens: number;
  completionTokens: number;
  /** Cost in 1/10000 RMB (integer). */
  costE4: number;
  errors: number;
  /** Sum of latencies in ms (avg = latencySum / requests). */
  latencySum: number;
}

export interface AioneState {
  orgId: string;
  orgName: string;
  adminToken: string;
  teams: AioneTeam[];
  /** Sorted by created_at descending (newest first). */
  keys: AioneKeyRecord[];
  usage: AioneUsageCell[];
  /** Account balance in 1/10000 RMB; chat calls spend it. */
  balanceE4: number;
  monthlyBudgetE4: number;
  /** The dashboard's capacity_status / service_status (absent: "sufficient" / "normal"); set by setFigures(). */
  capacityStatus?: string;
  serviceStatus?: string;
  planId: string;
  accountId: string;
  /** ms epoch of the last balance change. */
  accountUpdatedAt: number;
  /** id of the key whose secret is `Simulator.aione.modelKey` (active, unrestricted). */
  modelKeyId: string;
}

// ------------------------------------------------------------- AIHubMix state

export interface AihubmixTokenRecord {
  id: number;
  user_id: number;
  /** 48 chars [A-Za-z0-9], without `sk-`. */
  key: string;
  /** 1 enabled, 2 disabled, 3 expired, 4 exhausted (stored; variants change only what is shown). */
  status: 1 | 2 | 3 | 4;
  name: string;
  created_time: number;
  accessed_time: number;
  /** ts, or -1 = never. */
  expired_time: number;
  remain_quota: number;
  unlimited_quota: boolean;
  used_quota: number;
  /** one-api `models`; new-api `model_limits` (comma list; never null there). */
  models: string | null;
  /** one-api `subnet` (comma list); new-api `allow_ips` (newline list, null when nil). */
  subnet: string | null;
  /** new-api only: whether `models` restricts the key (a list may be kept while disabled). */
  model_limits_enabled?: boolean;
  /** new-api only: the group the key bills in ('' = the user's group; 'auto' = chosen per request). */
  group?: string;
  /** new-api only: retry in another group (only meaningful for group 'auto'). */
  cross_group_retry?: boolean;
  /** new-api only: the groups 'auto' may use; null = none. */
  auto_groups?: string[] | null;
  /** new-api only. */
  billing_type?: number;
}

export interface AihubmixUser {
  id: number;
  username: string;
  display_name: string;
  role: number;
  status: number;
  email: string;
  quota: number;
  used_quota: number;
  request_count: number;
  group: string;
  aff_code: string;
  inviter_id: number;
  created_at: number;
  notify: boolean;
  quota_remind_threshold: number;
  notify_email: string;
  ext: string;
  github_id: string;
  google_id: string;
  wechat_id: string;
  lark_id: string;
  oidc_id: string;
  clerk_id: string;
  migrated_at: number;
}

export interface AihubmixLog {
  id: number;
  user_id: number;
  created_at: number;
  type: number;
  content: string;
  username: string;
  token_name: string;
  model_name: string;
  quota: number;
  prompt_tokens: number;
  completion_tokens: number;
  channel: number;
  request_id: string;
  elapsed_time: number;
  is_stream: boolean;
  system_prompt_reset: boolean;
  /** Chat consumes: prompt tokens read from / written to the cache (new-api reports them inside `other`). */
  cache_tokens?: number;
  cache_creation_tokens?: number;
}

export interface AihubmixState {
  accessToken: string;
  /** How many times `GET /api/user/token` regenerated the access token. */
  accessTokenRegenerations: number;
  user: AihubmixUser;
  /** Sorted by id ascending. */
  tokens: AihubmixTokenRecord[];
  /** Sorted by id ascending (= created_at ascending). */
  logs: AihubmixLog[];
  /** id of the token whose key is `Simulator.aihubmix.modelKey` (enabled, unlimited, unrestricted). */
  modelTokenId: number;
}

export interface SimulatorState {
  /** ms epoch the seeded data is anchored to (the clock at start / last reset). */
  anchor: number;
  seed: number;
  keyCount: number;
  aione: AioneState;
  aihubmix: AihubmixState;
}

export interface Simulator {
  aione: { url: string; adminToken: string; modelKey: string };
  aihubmix: {
    url: string;
    accessToken: string;
    modelKey: string;
    userId: number;
    dialect: AihubmixDialect;
    requireNewApiUser: boolean;
  };
  faults: FaultController;
  /** In TLS mode: the PEM of the CA that signed the server certificate (what a client trusts). */
  tls?: { readonly ca: string };
  state: SimulatorState;
  requests: RecordedRequest[];
  streams: StreamRecord[];
  setVariants(v: Partial<Variants>): void;
  reset(): void;
  close(): Promise<void>;
}
