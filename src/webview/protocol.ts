/**
 * The chat webview's message protocol, shared by the host (src/features/chat) and the browser code (src/ui/chat).
 *
 * - Webview → host: `ChatInbound`, a discriminated union validated with zod on the host (anything else is dropped
 *   with a debug log). No message names a command to run; a link is a URL the host checks before opening.
 * - Host → webview: `ChatOutbound`. The UI imports this module with `import type` only, so zod stays out of the
 *   webview bundle.
 * - Secrets never cross: the webview sees a key's label, never the key.
 */
import * as z from 'zod';
import { connectionIdSchema, conversationIdSchema } from '../core/ids';
import type { Money } from '../core/money';
import type { TokenUsage } from '../core/types';
import type { CostBreakdown } from '../core/pricing';
import { FIX_IDS, type FixId } from '../gateway/errors';

/** A context chip's id. */
const ID = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);
const MODEL_ID = z.string().min(1).max(256);

export const chatInboundSchema = z.discriminatedUnion('type', [
  /** The webview has loaded and wants the whole state (also after being hidden and shown again). */
  z.strictObject({ type: z.literal('ready') }),
  z.strictObject({ type: z.literal('send'), text: z.string().min(1).max(200_000) }),
  /** Stops the running answer of this conversation. */
  z.strictObject({ type: z.literal('stop') }),
  z.strictObject({ type: z.literal('newConversation') }),
  z.strictObject({ type: z.literal('showHistory') }),
  z.strictObject({ type: z.literal('selectConnection'), connectionId: connectionIdSchema }),
  z.strictObject({ type: z.literal('selectModel'), modelId: MODEL_ID }),
  z.strictObject({ type: z.literal('refreshModels') }),
  /** Asks the host to let the user choose which key chats (a quick pick on the host side; no key in the message). */
  z.strictObject({ type: z.literal('pickKey') }),
  /** The model button: the host shows a searchable pick of the connection's chat models, with prices. */
  z.strictObject({ type: z.literal('pickModel') }),
  /** "Search conversations" in the "…" menu: the host's search quick pick. */
  z.strictObject({ type: z.literal('searchHistory') }),
  z.strictObject({
    type: z.literal('updateSettings'),
    systemPrompt: z.string().max(100_000).optional(),
    temperature: z.number().min(0).max(2).nullable().optional(),
    maxTokens: z.number().int().min(1).max(1_000_000).nullable().optional(),
  }),
  /** A click on a link in an answer: the host reviews it (only http(s); a confirmation for anything but a public host). */
  z.strictObject({
    type: z.literal('openLink'),
    url: z.string().max(8192),
    /** The link's visible text (the host asks first when it names another host or holds bidi controls). */
    text: z.string().max(2000).optional(),
  }),
  /** Sends the last user message again (the last answer is replaced). */
  z.strictObject({ type: z.literal('regenerate') }),
  /** A button of a failed answer: which fix, for which turn (the host keeps what it does). */
  z.strictObject({ type: z.literal('runFix'), turnId: ID, fix: z.enum(FIX_IDS) }),
  /** Replaces the last user message (and its answer) with `text` and sends it. */
  z.strictObject({ type: z.literal('editLast'), text: z.string().min(1).max(200_000) }),
  /** Code-block buttons: each is one explicit click; the host never runs or saves anything. */
  z.strictObject({ type: z.literal('copyCode'), code: z.string().max(2_000_000) }),
  z.strictObject({ type: z.literal('insertCode'), code: z.string().max(2_000_000) }),
  z.strictObject({
    type: z.literal('openCode'),
    code: z.string().max(2_000_000),
    language: z
      .string()
      .regex(/^[\w+#.-]{0,32}$/)
      .optional(),
  }),
  /**
   * Attaches the selection of the editor the user came from, or ('file') a document the user picks on the host, to
   * the next message, as a chip. No path: every message is a strict object, so one carrying a path is dropped.
   */
  z.strictObject({ type: z.literal('addContext'), source: z.enum(['selection', 'file']) }),
  z.strictObject({ type: z.literal('removeContext'), id: ID }),
  /** The webview asks for the state again (it saw a delta it could not place). */
  z.strictObject({ type: z.literal('resync') }),
  /** The switcher of a regenerated answer: show the turn's answer at `index` (0-based); the next message sends it. */
  z.strictObject({ type: z.literal('selectVariant'), turnId: ID, index: z.number().int().min(0).max(9999) }),
]);
export type ChatInbound = z.infer<typeof chatInboundSchema>;

/**
 * What VS Code keeps for the chat panel while it is hidden and across a reload (webview setState → the serializer):
 * the draft and which conversation. Read back on both sides through a check: the host with this schema, the
 * webview with `isChatPanelState` (ui/chat), which holds the same rules.
 */
export const chatPanelStateSchema = z.object({
  conversationId: conversationIdSchema.optional(),
  draft: z.string().optional(),
});
export type ChatPanelState = z.infer<typeof chatPanelStateSchema>;

export type TurnStatus = 'streaming' | 'done' | 'stopped' | 'error';

// The views are the core types (or the part of them the webview shows), never hand copies.
export type UsageView = Pick<
  TokenUsage,
  'promptTokens' | 'completionTokens' | 'totalTokens' | 'cachedTokens' | 'cacheWriteTokens' | 'reasoningTokens'
>;
export type MoneyView = Money;

export interface TurnView {
  readonly id: string;
  readonly role: 'user' | 'assistant';
  readonly content: string;
  /** Labels of the context sent with a user message (the text itself stays on the host). */
  readonly context?: readonly string[];
  readonly model?: string;
  readonly status?: TurnStatus;
  /** One clear sentence when the answer failed (the partial text stays). */
  readonly error?: string;
  /** What fixes the failure, as buttons (the sentence says what each does). */
  readonly fixes?: ReadonlyArray<{ readonly id: FixId; readonly label: string }>;
  readonly usage?: UsageView;
  readonly cost?: MoneyView;
  /** The cost class by class (input / cached / cache write / output), what the cache saved, the gateway's own figure. */
  readonly breakdown?: CostBreakdown;
  /** An answer with several variants (Regenerate): which one is shown (0-based) of how many. */
  readonly variant?: { readonly index: number; readonly count: number };
}

export interface ModelOption {
  readonly id: string;
  readonly label: string;
}

export interface ChatStateView {
  readonly conversationId: string;
  readonly title: string;
  readonly connections: ReadonlyArray<{ readonly id: string; readonly label: string }>;
  readonly connectionId?: string;
  readonly modelId?: string;
  /** undefined while loading; `modelsError` when listing failed. */
  readonly models?: readonly ModelOption[];
  readonly modelsError?: string;
  /** What key chats, e.g. "default (sk-…abcd)"; undefined when none is chosen yet. Never the key. */
  readonly keyLabel?: string;
  readonly systemPrompt: string;
  readonly temperature?: number;
  readonly maxTokens?: number;
  readonly turns: readonly TurnView[];
  /** Context chips waiting for the next message. */
  readonly context: ReadonlyArray<{ readonly id: string; readonly label: string }>;
  readonly busy: boolean;
  readonly totals: {
    readonly tokens: number;
    readonly cost?: MoneyView;
    readonly breakdown?: CostBreakdown;
    /** How many of the answers counted are earlier answers of regenerated messages (not shown, paid for). */
    readonly regenerated?: number;
  };
  /** Localised UI strings (the webview has no l10n of its own). */
  readonly strings: Readonly<Record<UiStringKey, string>>;
}

export const UI_STRING_KEYS = [
  'send',
  'stop',
  'newChat',
  'history',
  'connection',
  'model',
  'key',
  'chooseKey',
  'settings',
  'systemPrompt',
  'temperature',
  'maxTokens',
  'placeholder',
  'jumpToLatest',
  'stopped',
  'you',
  'assistant',
  'tokens',
  'cost',
  'conversationTotal',
  'loadingModels',
  'noConnection',
  'refreshModels',
  'messages',
  'image',
  'thinking',
  'regenerate',
  'edit',
  'editing',
  'cancelEdit',
  'copy',
  'insert',
  'openInEditor',
  'copied',
  'addSelection',
  'addFile',
  'removeContext',
  'usageInput',
  'usageCached',
  'usageCacheWrite',
  'usageOutput',
  'usageReasoning',
  'savedByCache',
  'cacheCostMore',
  'noPrice',
  'atLeast',
  'gatewayCost',
  'costDiffers',
  'costBreakdown',
  'chooseModel',
  'moreActions',
  'searchHistory',
  'previousAnswer',
  'nextAnswer',
  'answerOf',
  'answers',
  'totalCountsEvery',
  'totalRegenerated',
] as const;
export type UiStringKey = (typeof UI_STRING_KEYS)[number];

export type ChatOutbound =
  | { readonly type: 'state'; readonly state: ChatStateView }
  /** Text appended to a streaming turn: `offset` is where `text` starts in the turn's content. */
  | { readonly type: 'delta'; readonly turnId: string; readonly offset: number; readonly text: string }
  /** A turn changed status (finished, stopped, failed) or got its usage. */
  | { readonly type: 'turn'; readonly turn: TurnView; readonly busy: boolean; readonly totals: ChatStateView['totals'] }
  /** A request for an answer was refused (one is still running): the sentence to show, and the draft it carried. */
  | { readonly type: 'refused'; readonly message: string; readonly draft?: string };
