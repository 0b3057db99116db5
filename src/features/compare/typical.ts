/**
 * "A typical request of yours": the median size of the user's recent chat requests (input, cached input, cache
 * writes, output; each class its own median), and what it costs on a model, priced class by class with the model's
 * own prices. Without any history a stated default stands in (2,000 tokens in, 500 out). Pure: no 'vscode', no I/O.
 */
import { type CostBreakdown, priceUsage } from '../../core/pricing';
import type { ModelPrice } from '../../core/types';

export interface RequestSize {
  /** Every input token (uncached + cache reads + cache writes). */
  readonly promptTokens: number;
  readonly completionTokens: number;
  readonly cachedTokens: number;
  readonly cacheWriteTokens: number;
}

export interface TypicalRequest extends RequestSize {
  /** How many recent requests the medians come from (0: the default was used). */
  readonly samples: number;
}

/** Stands in when there is no history. */
export const DEFAULT_REQUEST: RequestSize = {
  promptTokens: 2000,
  completionTokens: 500,
  cachedTokens: 0,
  cacheWriteTokens: 0,
};

/** How many of the most recent requests count. */
export const RECENT_REQUESTS = 50;

/** The median of whole numbers, rounded half up to a whole number when the count is even. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  if (s.length % 2 === 1) return s[mid]!;
  return Math.round((s[mid - 1]! + s[mid]!) / 2);
}

/**
 * The typical request of the given recent ones (newest first; only the first `RECENT_REQUESTS` count). The cache
 * classes never add up to more than the input: cache writes are cut to what the cached reads leave.
 */
export function typicalRequest(recent: readonly RequestSize[], limit = RECENT_REQUESTS): TypicalRequest {
  const take = recent.slice(0, limit);
  if (take.length === 0) return { ...DEFAULT_REQUEST, samples: 0 };
  const promptTokens = median(take.map((r) => r.promptTokens));
  const cachedTokens = Math.min(promptTokens, median(take.map((r) => r.cachedTokens)));
  const cacheWriteTokens = Math.min(promptTokens - cachedTokens, median(take.map((r) => r.cacheWriteTokens)));
  return {
    promptTokens,
    completionTokens: median(take.map((r) => r.completionTokens)),
    cachedTokens,
    cacheWriteTokens,
    samples: take.length,
  };
}

/** What the typical request costs on a model with these prices (undefined: the model lists no usable price). */
export function typicalCost(t: RequestSize, price: ModelPrice | undefined): CostBreakdown | undefined {
  if (!price?.inputPerMTok && !price?.outputPerMTok) return undefined;
  return priceUsage(
    {
      promptTokens: t.promptTokens,
      completionTokens: t.completionTokens,
      totalTokens: t.promptTokens + t.completionTokens,
      ...(t.cachedTokens > 0 ? { cachedTokens: t.cachedTokens } : {}),
      ...(t.cacheWriteTokens > 0 ? { cacheWriteTokens: t.cacheWriteTokens } : {}),
    },
    price,
  );
}

/** What the recent requests are read from: saved conversations, their answers with the usage the gateway reported. */
export interface ConversationLike {
  readonly turns: ReadonlyArray<{
    readonly role: string;
    readonly createdAt: string;
    readonly usage?: {
      readonly promptTokens: number;
      readonly completionTokens: number;
      readonly cachedTokens?: number;
      readonly cacheWriteTokens?: number;
    };
  }>;
}

/** The sizes of the answered requests in these conversations, newest first. */
export function recentRequestsOf(conversations: readonly ConversationLike[]): RequestSize[] {
  const all: Array<{ at: string; size: RequestSize }> = [];
  for (const c of conversations)
    for (const t of c.turns)
      if (t.role === 'assistant' && t.usage)
        all.push({
          at: t.createdAt,
          size: {
            promptTokens: t.usage.promptTokens,
            completionTokens: t.usage.completionTokens,
            cachedTokens: t.usage.cachedTokens ?? 0,
            cacheWriteTokens: t.usage.cacheWriteTokens ?? 0,
          },
        });
  return all.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0)).map((x) => x.size);
}
