/**
 * Token usage of one request, as every gateway variant reports it, read into one type. Pure (no 'vscode', no I/O).
 *
 * The normalised counts follow one convention whatever the wire said:
 *   promptTokens      every input token: uncached input + cache reads + cache writes
 *   completionTokens  every output token, reasoning included
 * so pricing never has to know which gateway answered. The wire variants:
 *   OpenAI chat        prompt_tokens (includes the cache classes), prompt_tokens_details.{cached_tokens,
 *                      cache_write_tokens}, completion_tokens (includes completion_tokens_details.reasoning_tokens)
 *   OpenAI Responses   input_tokens / input_tokens_details.cached_tokens / output_tokens / output_tokens_details
 *                      .reasoning_tokens, same meaning as above
 *   Anthropic          input_tokens (excludes the cache classes), cache_read_input_tokens, cache_creation_input_tokens
 *                      (+ cache_creation.ephemeral_5m_input_tokens / ephemeral_1h_input_tokens), output_tokens
 *   DeepSeek           prompt_cache_hit_tokens + prompt_cache_miss_tokens = prompt_tokens
 *   new-api            prompt_tokens_details.cached_creation_tokens (cache writes, inside prompt_tokens),
 *                      claude_cache_creation_5_m_tokens / claude_cache_creation_1_h_tokens, cost
 *   OpenRouter-like    cost: the gateway's own price of the request
 * A count beside OpenAI-named cache fields (or DeepSeek's hit / miss) includes the cache classes; a count beside
 * only Anthropic-named ones excludes them, even when a relay calls it prompt_tokens.
 * Lenient between the named variants (any subset, unknown keys ignored); strict otherwise: a named count that is not
 * a whole non-negative number, a cost that is not a non-negative decimal, or counts that contradict each other
 * (cache classes larger than the prompt, reasoning larger than the completion) make the usage invalid.
 */
import * as z from 'zod';
import { toBig } from './money';

export * from './usageTime';
export * from './usageSeries';

const count = z.number().int().nonnegative();
const optCount = count.nullish();
/** A cost as a JSON number or a decimal string, never negative. */
const wireCost = z.union([z.number().finite().nonnegative(), z.string().regex(/^\s*\d+(\.\d+)?([eE][+-]?\d+)?\s*$/)]);

/** Every usage field a gateway may send (chat completions, Responses, Anthropic messages, DeepSeek, new-api). */
export const wireUsageSchema = z.object({
  prompt_tokens: optCount,
  completion_tokens: optCount,
  total_tokens: optCount,
  input_tokens: optCount,
  output_tokens: optCount,
  prompt_tokens_details: z
    .object({ cached_tokens: optCount, cached_creation_tokens: optCount, cache_write_tokens: optCount })
    .nullish(),
  input_tokens_details: z.object({ cached_tokens: optCount }).nullish(),
  completion_tokens_details: z.object({ reasoning_tokens: optCount }).nullish(),
  output_tokens_details: z.object({ reasoning_tokens: optCount }).nullish(),
  cache_read_input_tokens: optCount,
  cache_creation_input_tokens: optCount,
  cache_creation: z.object({ ephemeral_5m_input_tokens: optCount, ephemeral_1h_input_tokens: optCount }).nullish(),
  prompt_cache_hit_tokens: optCount,
  prompt_cache_miss_tokens: optCount,
  claude_cache_creation_5_m_tokens: optCount,
  claude_cache_creation_1_h_tokens: optCount,
  cost: wireCost.nullish(),
});
export type WireUsage = z.infer<typeof wireUsageSchema>;

/** How the gateway counted (for display: which fields it sent). */
export const usageShapeSchema = z.enum(['openai', 'anthropic', 'deepseek']);

/** The one usage type (also the persisted form: a chat turn, the language-model ledger). */
export const tokenUsageSchema = z.object({
  /** Every input token: uncached + cache reads + cache writes. */
  promptTokens: count,
  /** Every output token, reasoning included. */
  completionTokens: count,
  totalTokens: count,
  /** Input tokens read from the cache (inside promptTokens). */
  cachedTokens: count.optional(),
  /** Input tokens written to the cache, every TTL (inside promptTokens). */
  cacheWriteTokens: count.optional(),
  /** Of cacheWriteTokens, those written with the 1-hour TTL (priced apart from 5-minute writes). */
  cacheWrite1hTokens: count.optional(),
  /** Output tokens spent on reasoning (inside completionTokens, never added on top). */
  reasoningTokens: count.optional(),
  /** The gateway's own price of the request, a decimal string in the gateway's currency. */
  reportedCost: z
    .string()
    .regex(/^\d+(\.\d+)?$/)
    .optional(),
  /** Which variant's cache fields came (absent when the gateway sent none). */
  shape: usageShapeSchema.optional(),
});
export type TokenUsage = z.infer<typeof tokenUsageSchema>;

export type UsageParse =
  | { readonly ok: true; readonly usage: TokenUsage }
  /** No count at all (an empty or null usage): the gateway did not report usage. */
  | { readonly ok: true; readonly usage: undefined }
  | { readonly ok: false; readonly error: string };

/** Reads a usage object of any variant into TokenUsage. */
export function parseUsage(raw: unknown): UsageParse {
  if (raw == null) return { ok: true, usage: undefined };
  const r = wireUsageSchema.safeParse(raw);
  if (!r.success) {
    // a schema that fails has at least one issue
    const issue = r.error.issues[0]!;
    return { ok: false, error: `usage field ${issue.path.join('.') || '(root)'}: ${issue.message}` };
  }
  return normaliseUsage(r.data);
}

/** The normalised counts of a schema-checked usage object. */
export function normaliseUsage(u: WireUsage): UsageParse {
  const base = u.prompt_tokens ?? u.input_tokens;
  const completion = u.completion_tokens ?? u.output_tokens;
  const pd = u.prompt_tokens_details;
  const deepseek = u.prompt_cache_hit_tokens != null || u.prompt_cache_miss_tokens != null;
  const openaiCache =
    pd?.cached_tokens != null ||
    pd?.cached_creation_tokens != null ||
    pd?.cache_write_tokens != null ||
    u.input_tokens_details?.cached_tokens != null;
  const anthropicCache =
    u.cache_read_input_tokens != null || u.cache_creation_input_tokens != null || u.cache_creation != null;
  if (base == null && completion == null && !deepseek && !anthropicCache) return { ok: true, usage: undefined };

  const read =
    pd?.cached_tokens ??
    u.input_tokens_details?.cached_tokens ??
    u.prompt_cache_hit_tokens ??
    u.cache_read_input_tokens ??
    0;
  const w1h = u.claude_cache_creation_1_h_tokens ?? u.cache_creation?.ephemeral_1h_input_tokens ?? 0;
  const w5m = u.claude_cache_creation_5_m_tokens ?? u.cache_creation?.ephemeral_5m_input_tokens;
  const write =
    pd?.cached_creation_tokens ??
    pd?.cache_write_tokens ??
    u.cache_creation_input_tokens ??
    // Stryker disable next-line ConditionalExpression,EqualityOperator: with no 5-minute count and no 1-hour writes the sum is 0 either way
    (w5m != null || w1h > 0 ? (w5m ?? 0) + w1h : 0);
  if (w1h > write)
    return { ok: false, error: `usage: 1-hour cache writes (${w1h}) exceed all cache writes (${write})` };

  // the prompt count includes the cache classes unless only Anthropic-named cache fields came with it
  const includesCache = openaiCache || deepseek || !anthropicCache;
  let prompt: number;
  if (base != null) prompt = includesCache ? base : base + read + write;
  else if (deepseek) prompt = (u.prompt_cache_hit_tokens ?? 0) + (u.prompt_cache_miss_tokens ?? 0);
  else prompt = read + write;
  if (read + write > prompt)
    return {
      ok: false,
      error: `usage: cache reads (${read}) and writes (${write}) exceed the prompt tokens (${prompt})`,
    };

  const out = completion ?? 0;
  const reasoning = u.completion_tokens_details?.reasoning_tokens ?? u.output_tokens_details?.reasoning_tokens;
  if ((reasoning ?? 0) > out)
    return { ok: false, error: `usage: reasoning tokens (${reasoning}) exceed the completion tokens (${out})` };

  const usage: TokenUsage = {
    promptTokens: prompt,
    completionTokens: out,
    totalTokens: prompt + out,
    ...(read > 0 || pd?.cached_tokens != null || deepseek || u.cache_read_input_tokens != null
      ? { cachedTokens: read }
      : {}),
    ...(write > 0 ||
    pd?.cached_creation_tokens != null ||
    pd?.cache_write_tokens != null ||
    u.cache_creation_input_tokens != null
      ? { cacheWriteTokens: write }
      : {}),
    ...(w1h > 0 ? { cacheWrite1hTokens: w1h } : {}),
    ...(reasoning != null ? { reasoningTokens: reasoning } : {}),
    ...(u.cost != null ? { reportedCost: toBig(u.cost).toFixed() } : {}),
    ...(deepseek || openaiCache || anthropicCache
      ? { shape: deepseek ? 'deepseek' : includesCache ? 'openai' : 'anthropic' }
      : {}),
  };
  return { ok: true, usage };
}

/** Input tokens neither read from nor written to the cache. */
export function uncachedInputTokens(u: TokenUsage): number {
  return u.promptTokens - (u.cachedTokens ?? 0) - (u.cacheWriteTokens ?? 0);
}
