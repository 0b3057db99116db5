/** Domain types shared by every layer. No 'vscode' import here. */
import type { Money } from './money';
import type { Page } from './page';
import type { TokenUsage } from './usage';

export type GatewayKind = 'aione' | 'aihubmix';

export type KeyStatus = 'active' | 'disabled' | 'expired' | 'exhausted' | 'unknown';

export interface KeyQuota {
  readonly unlimited: boolean;
  /** Remaining quota, when the gateway tracks one (AIHubMix, USD). */
  readonly remaining?: Money;
  /** Used so far, when the gateway reports it. */
  readonly used?: Money;
}

export interface ApiKey {
  readonly id: string;
  readonly name: string;
  /** A masked form that is safe to show: `sk-nex-ab12…wxyz`. */
  readonly maskedKey: string;
  /** The full secret, only when the gateway returned it (create, rotate, or gateways that always return it). */
  readonly secret?: string;
  readonly status: KeyStatus;
  /** The status exactly as the gateway sent it. */
  readonly rawStatus: string | number;
  /** Models this key may call; empty = all models. */
  readonly modelsAllowed: readonly string[];
  /** Allowed IPs / CIDRs; empty = any. */
  readonly allowedIps: readonly string[];
  readonly rpmLimit?: number | null;
  readonly tpmLimit?: number | null;
  readonly quota?: KeyQuota;
  /** ISO-8601, or null for never. */
  readonly expiresAt: string | null;
  readonly createdAt?: string | null;
  /** ISO-8601 of the last use; null = never used; absent = the gateway does not report it. */
  readonly lastUsedAt?: string | null;
  readonly teamId?: string | null;
  readonly isSandbox?: boolean;
  /** End of the window in which the previous secret still works after a server-side rotation. */
  readonly rotateGraceUntil?: string | null;
  /**
   * Settings the gateway returned that this client does not model (new-api's `group`, `cross_group_retry`,
   * `auto_groups`…), as sent; a copy of the key (client-side rotation) passes them back through `createKey`'s options.
   */
  readonly unmodeled?: Readonly<Record<string, unknown>>;
}

/** What a user asks for when creating or editing a key. Absent fields are left alone on edit. */
export interface KeyInput {
  readonly name?: string;
  readonly modelsAllowed?: readonly string[];
  readonly allowedIps?: readonly string[];
  readonly rpmLimit?: number | null;
  readonly tpmLimit?: number | null;
  /** USD decimal string, or 'unlimited'. */
  readonly quotaUsd?: string | 'unlimited';
  /** ISO-8601 date-time, or null for never. */
  readonly expiresAt?: string | null;
  readonly isSandbox?: boolean;
  readonly teamId?: string | null;
}

export type KeyPage = Page<ApiKey>;

export interface RotateResult {
  readonly key: ApiKey;
  /** The new full secret, shown once. */
  readonly secret: string;
  /** Until when the old secret keeps working (server-side rotation). */
  readonly graceUntil: string | null;
}

export interface ModelPrice {
  /** Price per 1M input / output tokens (output includes reasoning). */
  readonly inputPerMTok?: Money;
  readonly outputPerMTok?: Money;
  /** Price per 1M input tokens read from the cache. */
  readonly cacheReadPerMTok?: Money;
  /** Price per 1M input tokens written to the cache (5-minute TTL, or the only write price the gateway lists). */
  readonly cacheWritePerMTok?: Money;
  /** Price per 1M input tokens written to the cache with the 1-hour TTL. */
  readonly cacheWrite1hPerMTok?: Money;
}

export interface ModelInfo {
  readonly id: string;
  readonly name?: string;
  readonly vendor: string;
  readonly contextLength?: number;
  readonly maxOutput?: number;
  readonly price?: ModelPrice;
  readonly types?: readonly string[];
  readonly features?: readonly string[];
  /** What the model takes in (text, image, audio, video, pdf), as the gateway names them. */
  readonly inputModalities?: readonly string[];
  /** Other names the gateway accepts for this model. */
  readonly aliases?: readonly string[];
  readonly description?: string;
}

export interface Team {
  readonly id: string;
  readonly name: string;
}

export interface UsageRow {
  /** YYYY-MM-DD or an ISO hour, in UTC. */
  readonly bucket: string;
  readonly model?: string;
  readonly keyId?: string;
  readonly keyName?: string;
  readonly teamId?: string;
  readonly requests: number;
  readonly promptTokens: number;
  readonly completionTokens: number;
  readonly totalTokens: number;
  readonly cost: Money;
  readonly errors?: number;
  readonly avgLatencyMs?: number;
}

export type UsageGroupBy = 'day' | 'hour' | 'model' | 'key' | 'team';

export interface UsageQuery {
  /** Inclusive start, ms epoch. */
  readonly start: number;
  /** Exclusive end, ms epoch. */
  readonly end: number;
  readonly groupBy: UsageGroupBy;
  readonly keyId?: string;
  readonly model?: string;
  readonly teamId?: string;
}

export interface DashboardSummary {
  readonly rangeDays: number;
  readonly totalRequests: number;
  readonly promptTokens: number;
  readonly completionTokens: number;
  readonly totalTokens: number;
  readonly totalCost: Money;
  readonly avgLatencyMs?: number;
  readonly p99LatencyMs?: number;
  /** Percent as a decimal string. */
  readonly errorRatePct?: string;
  readonly rpmUsagePct?: string;
  readonly modelDistribution: ReadonlyArray<{ model: string; requests: number; tokens: number }>;
  readonly dailyTrend: ReadonlyArray<{ date: string; requests: number; tokens: number; cost: Money }>;
  readonly teamCost?: ReadonlyArray<{ teamId: string; teamName: string; cost: Money; conversations: number }>;
  readonly business?: {
    readonly totalCharsWan?: number;
    readonly totalConversations?: number;
    readonly budgetProgressPct?: string;
    readonly capacityStatus?: string;
    readonly serviceStatus?: string;
  };
}

export interface Plan {
  readonly id: string;
  readonly name: string;
  readonly tier?: string;
  readonly price?: Money;
  readonly billingCycle?: string;
  readonly rpmLimit?: number | null;
  readonly tpmLimit?: number | null;
  readonly maxKeys?: number | null;
  readonly features: readonly string[];
  readonly periodStart?: string | null;
  readonly periodEnd?: string | null;
  readonly status?: string;
}

export interface BillingAccount {
  readonly balance: Money;
  readonly creditLimit?: Money;
  readonly monthlyBudget?: Money;
  readonly usedTotal?: Money;
  readonly autoRecharge?: boolean;
  readonly updatedAt?: string | null;
  /** The balance under which the gateway itself sends a reminder (AIHubMix's quota_remind_threshold). */
  readonly remindThreshold?: Money;
}

export interface Invoice {
  readonly id: string;
  readonly period: string;
  readonly amount: Money;
  readonly status: string;
  readonly issuedAt?: string | null;
  readonly dueAt?: string | null;
  readonly pdfUrl?: string | null;
}

export type InvoicePage = Page<Invoice>;

export interface Identity {
  /** A short human label: user name, org, plan. */
  readonly label: string;
  readonly userId?: string;
  readonly balance?: Money;
}

export interface UsageLog {
  readonly id: string;
  readonly at: string;
  readonly keyName?: string;
  readonly model?: string;
  readonly promptTokens: number;
  /** Prompt tokens read from / written to the cache, where the log says (new-api's `other`). */
  readonly cachedTokens?: number;
  readonly cacheWriteTokens?: number;
  readonly completionTokens: number;
  readonly cost: Money;
  readonly elapsedMs?: number;
  readonly isStream?: boolean;
  readonly content?: string;
}

export interface UsageLogQuery {
  readonly start: number;
  readonly end: number;
  readonly page: number; // 0-based
  readonly pageSize: number;
  readonly keyName?: string;
  readonly model?: string;
}

export interface UsageStat {
  readonly cost: Money;
  readonly rpm?: number;
  readonly tpm?: number;
}

// ---- chat ----

export type ChatRole = 'system' | 'user' | 'assistant' | 'tool';

/** A piece of a message's content: text, or an image (base64 bytes with their MIME type). */
export type ChatContentPart =
  | { readonly type: 'text'; readonly text: string }
  | { readonly type: 'image'; readonly mimeType: string; readonly data: string };

/** A tool call an assistant message made, sent back with the conversation. */
export interface ChatToolCall {
  readonly id: string;
  readonly name: string;
  /** The arguments as the JSON text the model produced. */
  readonly arguments: string;
}

export interface ChatMessage {
  readonly role: ChatRole;
  readonly content: string;
  readonly toolCallId?: string;
  /** When present, the content is sent as these parts (text and images) instead of `content`. */
  readonly parts?: readonly ChatContentPart[];
  /** An assistant message's tool calls. */
  readonly toolCalls?: readonly ChatToolCall[];
}

export interface ChatTool {
  readonly name: string;
  readonly description?: string;
  readonly parameters?: Record<string, unknown>;
}

export interface ChatRequest {
  readonly model: string;
  readonly messages: readonly ChatMessage[];
  readonly temperature?: number;
  readonly maxTokens?: number;
  readonly tools?: readonly ChatTool[];
  /** Whether the model may, must or must not call a tool, or which one it must call. */
  readonly toolChoice?: 'auto' | 'required' | 'none' | { readonly name: string };
}

export type { TokenUsage };

export interface ToolCall {
  readonly index: number;
  readonly id?: string;
  readonly name?: string;
  readonly arguments: string;
}

export interface ChatCompletion {
  readonly id?: string;
  readonly model?: string;
  readonly content: string;
  readonly toolCalls: readonly ToolCall[];
  readonly finishReason: string | null;
  readonly usage?: TokenUsage;
}

export type ChatStreamEvent =
  | { readonly type: 'text'; readonly text: string }
  | { readonly type: 'reasoning'; readonly text: string }
  | {
      readonly type: 'tool-call';
      readonly index: number;
      readonly id?: string;
      readonly name?: string;
      readonly argumentsDelta: string;
    }
  | { readonly type: 'finish'; readonly reason: string }
  | { readonly type: 'usage'; readonly usage: TokenUsage };
