/** The persisted shape of a conversation (zod, versioned) and pure helpers on it. No 'vscode' here. */
import * as z from 'zod';
import { conversationIdSchema } from '../../core/ids';
import { addDecimal, type Currency, type Money } from '../../core/money';
import { type CostBreakdown, costBreakdownSchema, priceUsage as priceByClass, sumBreakdowns } from '../../core/pricing';
import type { ModelInfo } from '../../core/types';
import { type TokenUsage, tokenUsageSchema } from '../../core/usage';
import { FIX_IDS, gatewayProblemSchema } from '../../gateway/errors';

export const CONVERSATION_VERSION = 1;
export { conversationIdSchema } from '../../core/ids';

const moneySchema = z.object({ amount: z.string().regex(/^-?\d+(\.\d+)?$/), currency: z.enum(['CNY', 'USD']) });

/** Text the user attached to a message (a selection or a file), shown as a chip, sent before the message. */
export const contextItemSchema = z.object({
  label: z.string().max(500),
  text: z.string(),
  language: z.string().max(64).optional(),
});
export type ContextItem = z.infer<typeof contextItemSchema>;

/**
 * What a failed answer's fix buttons are rebuilt from after a reload: the problem and its data as the gateway
 * named them, which fixes were offered, the connection, model and key (by its display label) that made the
 * request. Never a secret.
 */
export const savedFixSchema = z.object({
  connectionId: z.string(),
  model: z.string().optional(),
  problem: gatewayProblemSchema.optional(),
  fixes: z.array(z.enum(FIX_IDS)),
  requestId: z.string().max(200).optional(),
  /** For 'try-model': the model offered. */
  alternative: z.string().optional(),
  /** The display label (name and masked form) of the chat key that paid, when one was set. */
  keyLabel: z.string().max(500).optional(),
});
export type SavedFix = z.infer<typeof savedFixSchema>;

/** One answer to a message: a turn shows one of them, Regenerate adds one (each was a paid request). */
export const answerVariantSchema = z.object({
  content: z.string(),
  createdAt: z.string(),
  model: z.string().optional(),
  status: z.enum(['streaming', 'done', 'stopped', 'error']).optional(),
  error: z.string().optional(),
  /** A failed answer's fixes, for its buttons (one this version cannot read is dropped, not the conversation). */
  fix: savedFixSchema.optional().catch(undefined),
  usage: tokenUsageSchema.optional(),
  /** Our price of the answer (the sum of its priced classes). */
  cost: moneySchema.optional(),
  /** The answer's cost class by class, with the gateway's own figure when it reported one. */
  breakdown: costBreakdownSchema.optional(),
});
export type AnswerVariant = z.infer<typeof answerVariantSchema>;

/**
 * A message of the conversation. An assistant turn's own fields are the answer it shows (what is sent as the
 * conversation's history, exported and searched first); `variants` holds its other answers, and `variantIndex` is
 * where the shown one stands among all of them (the shown one last when absent). A file without variants is a
 * turn with one answer.
 */
export const turnSchema = answerVariantSchema.extend({
  id: conversationIdSchema,
  role: z.enum(['user', 'assistant']),
  context: z.array(contextItemSchema).optional(),
  variants: z.array(answerVariantSchema).optional(),
  variantIndex: z.number().int().min(0).optional(),
});
export type Turn = z.infer<typeof turnSchema>;

export const conversationSchema = z.object({
  version: z.literal(CONVERSATION_VERSION),
  id: conversationIdSchema,
  title: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  connectionId: z.string().optional(),
  modelId: z.string().optional(),
  systemPrompt: z.string().default(''),
  temperature: z.number().min(0).max(2).optional(),
  maxTokens: z.number().int().min(1).optional(),
  turns: z.array(turnSchema),
});
export type Conversation = z.infer<typeof conversationSchema>;

export function newId(): string {
  // time-ordered and unique enough for file names: base36 ms + 8 random base36 chars
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10).padEnd(8, '0')}`;
}

export function emptyConversation(
  init: {
    connectionId?: string;
    modelId?: string;
    systemPrompt?: string;
    temperature?: number;
    maxTokens?: number;
  } = {},
): Conversation {
  const now = new Date().toISOString();
  return {
    version: CONVERSATION_VERSION,
    id: newId(),
    title: '',
    createdAt: now,
    updatedAt: now,
    ...(init.connectionId ? { connectionId: init.connectionId } : {}),
    ...(init.modelId ? { modelId: init.modelId } : {}),
    systemPrompt: init.systemPrompt ?? '',
    ...(init.temperature !== undefined ? { temperature: init.temperature } : {}),
    ...(init.maxTokens !== undefined ? { maxTokens: init.maxTokens } : {}),
    turns: [],
  };
}

/**
 * What a new conversation takes from the one before: its connection (`connectionId`), the model (`modelId`, else
 * the old one on the same connection), the system prompt, temperature and max tokens.
 */
export function carriedOver(
  old: Conversation,
  connectionId: string | undefined,
  modelId: string | undefined,
): Parameters<typeof emptyConversation>[0] {
  const model = modelId ?? (connectionId === old.connectionId ? old.modelId : undefined);
  return {
    ...(connectionId ? { connectionId } : {}),
    ...(model ? { modelId: model } : {}),
    systemPrompt: old.systemPrompt,
    ...(old.temperature !== undefined ? { temperature: old.temperature } : {}),
    ...(old.maxTokens !== undefined ? { maxTokens: old.maxTokens } : {}),
  };
}

/** An answer that was streaming when the window closed (or the file was exported) did not finish: it is stopped. */
export function settleInterrupted(c: Conversation): void {
  for (const t of c.turns)
    for (const v of t.variants ? [t, ...t.variants] : [t]) if (v.status === 'streaming') v.status = 'stopped';
}

/** A title from the first user message: its first line, at most 60 characters. */
export function titleFrom(text: string): string {
  const line = text.trim().split(/\r?\n/, 1)[0]!;
  return line.length > 60 ? `${line.slice(0, 59)}…` : line;
}

/** An answer's price: our amount (what `cost` holds) and the breakdown it is the sum of. */
export interface PricedAnswer extends Money {
  readonly breakdown: CostBreakdown;
}

/**
 * The cost of one answer from its usage and the model's prices per 1M tokens, class by class (decimal arithmetic);
 * `currency` is the gateway's, for a cost it reported on a model without prices.
 */
export function priceUsage(
  usage: TokenUsage,
  model: ModelInfo | undefined,
  currency?: Currency,
): PricedAnswer | undefined {
  const breakdown = priceByClass(usage, model?.price, currency);
  return breakdown ? { amount: breakdown.amount, currency: breakdown.currency, breakdown } : undefined;
}

export interface ConversationTotals {
  readonly tokens: number;
  /** The sum of the answers' costs, when they share one currency. */
  readonly cost?: Money;
  /** The same sum class by class, when every priced answer has its breakdown (answers priced before it was kept have none). */
  readonly breakdown?: CostBreakdown;
  /** How many earlier answers of regenerated messages were paid for (counted above, not shown). */
  readonly regenerated?: number;
}

/**
 * Tokens and cost of a whole conversation, every answer that was paid for included (the earlier answers of a
 * regenerated message too); cost only when every priced answer shares one currency.
 */
export function conversationTotals(c: Conversation): ConversationTotals {
  let tokens = 0;
  let amount = '0';
  let currency: Currency | undefined;
  let mixed = false;
  const breakdowns: CostBreakdown[] = [];
  let everyBreakdown = true;
  const regenerated = c.turns.reduce((n, t) => n + (t.variants?.filter((v) => v.usage || v.cost).length ?? 0), 0);
  // every answer that was paid for counts: the shown one and the others Regenerate made
  for (const t of c.turns.flatMap((x) => (x.variants ? [x, ...x.variants] : [x]))) {
    if (t.usage) tokens += t.usage.totalTokens;
    if (t.cost) {
      if (currency && currency !== t.cost.currency) mixed = true;
      currency ??= t.cost.currency;
      amount = addDecimal(amount, t.cost.amount);
      if (t.breakdown) breakdowns.push(t.breakdown);
      else everyBreakdown = false;
    }
  }
  const breakdown = everyBreakdown ? sumBreakdowns(breakdowns) : undefined;
  return {
    tokens,
    ...(currency && !mixed ? { cost: { amount, currency } } : {}),
    ...(breakdown && !mixed ? { breakdown } : {}),
    ...(regenerated ? { regenerated } : {}),
  };
}

/** What a user turn sends: its context items as fenced blocks (a fence longer than any inside), then the text. */
export function composeUserMessage(text: string, context: readonly ContextItem[] | undefined): string {
  if (!context?.length) return text;
  const blocks = context.map((c) => {
    const longest = Math.max(2, ...[...c.text.matchAll(/`+/g)].map((m) => m[0].length));
    const fence = '`'.repeat(longest + 1);
    return `${c.label}:\n${fence}${c.language ?? ''}\n${c.text}${c.text.endsWith('\n') ? '' : '\n'}${fence}`;
  });
  return `${blocks.join('\n\n')}\n\n${text}`;
}
