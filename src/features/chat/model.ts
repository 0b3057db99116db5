/** The persisted shape of a conversation (zod, versioned) and pure helpers on it. No 'vscode' here. */
import * as z from 'zod';
import { conversationIdSchema } from '../../core/ids';
import { addDecimal, type Currency, type Money } from '../../core/money';
import { type CostBreakdown, costBreakdownSchema, priceUsage as priceByClass, sumBreakdowns } from '../../core/pricing';
import type { ModelInfo } from '../../core/types';
import { type TokenUsage, tokenUsageSchema } from '../../core/usage';

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

export const turnSchema = z.object({
  id: conversationIdSchema,
  role: z.enum(['user', 'assistant']),
  content: z.string(),
  context: z.array(contextItemSchema).optional(),
  createdAt: z.string(),
  model: z.string().optional(),
  status: z.enum(['streaming', 'done', 'stopped', 'error']).optional(),
  error: z.string().optional(),
  usage: tokenUsageSchema.optional(),
  /** Our price of the answer (the sum of its priced classes). */
  cost: moneySchema.optional(),
  /** The answer's cost class by class, with the gateway's own figure when it reported one. */
  breakdown: costBreakdownSchema.optional(),
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

/** A title from the first user message: its first line, at most 60 characters. */
export function titleFrom(text: string): string {
  const line = text.trim().split(/\r?\n/, 1)[0] ?? '';
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
}

/** Tokens and cost of a whole conversation (cost only when every priced answer shares one currency). */
export function conversationTotals(c: Conversation): ConversationTotals {
  let tokens = 0;
  let amount = '0';
  let currency: Currency | undefined;
  let mixed = false;
  const breakdowns: CostBreakdown[] = [];
  let everyBreakdown = true;
  for (const t of c.turns) {
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
