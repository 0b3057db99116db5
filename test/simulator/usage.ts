/**
 * The usage the simulated gateways report, shaped per model family and deterministic (a function of the request
 * alone), so tests can price it to the last decimal:
 *
 *   cache      a request of one message caches nothing; in a longer one, everything before the last message was
 *              sent by the previous request of the conversation: it is read from the cache (OpenAI, DeepSeek,
 *              Anthropic), and Anthropic-family models also write the last message to the cache (the new
 *              breakpoint); the framing (3 tokens) is never cached
 *   reasoning  thinking models of the OpenAI and DeepSeek families spend ⌈visible / 2⌉ + 8 hidden reasoning
 *              tokens, inside completion_tokens
 *
 *   family     chat completions usage
 *   openai     prompt_tokens (includes cached), prompt_tokens_details.cached_tokens, completion_tokens_details.reasoning_tokens
 *   deepseek   prompt_cache_hit_tokens + prompt_cache_miss_tokens = prompt_tokens (and cached_tokens, as DeepSeek sends)
 *   anthropic  AIone (one-api style relay): prompt_tokens = uncached input only, cache_read_input_tokens,
 *              cache_creation_input_tokens beside it; AIHubMix new-api: prompt_tokens includes both, as
 *              prompt_tokens_details.cached_tokens / cached_creation_tokens plus claude_cache_creation_5_m_tokens
 *   other      prompt_tokens / completion_tokens / total_tokens only
 *
 * AIHubMix new-api also reports `cost`: the request at the catalogue's prices (USD, exact).
 */
import { type ChatMessage, contentText } from './answer';
import { findModel } from './catalog';

export type UsageFamily = 'openai' | 'anthropic' | 'deepseek' | 'other';

export function usageFamily(model: string): UsageFamily {
  const provider = findModel(model)?.provider;
  if (provider === 'OpenAI') return 'openai';
  if (provider === 'Anthropic') return 'anthropic';
  if (provider === 'DeepSeek') return 'deepseek';
  return 'other';
}

/** Tokens of one message as promptTokens counts them. */
function messageTokens(m: ChatMessage): number {
  return 4 + Math.ceil(Array.from(contentText(m.content)).length / 4);
}

/** Every input class of a request (they add up to promptTokens(messages)). */
export interface InputPlan {
  readonly prompt: number;
  readonly cached: number;
  readonly cacheWrite: number;
}

export function inputPlan(
  model: string,
  messages: readonly ChatMessage[],
  family: UsageFamily = usageFamily(model),
): InputPlan {
  const per = messages.map(messageTokens);
  const prompt = 3 + per.reduce((a, b) => a + b, 0);
  if (family === 'other' || messages.length < 2) return { prompt, cached: 0, cacheWrite: 0 };
  const prefix = per.slice(0, -1).reduce((a, b) => a + b, 0);
  const cacheWrite = family === 'anthropic' ? (per[per.length - 1] ?? 0) : 0;
  return { prompt, cached: prefix, cacheWrite };
}

/** Hidden reasoning tokens of a thinking model of the OpenAI or DeepSeek family, for `visible` answer tokens. */
export function reasoningTokens(model: string, visible: number): number {
  const m = findModel(model);
  const family = usageFamily(model);
  if (!m || !m.features.split(',').includes('thinking') || (family !== 'openai' && family !== 'deepseek')) return 0;
  return Math.ceil(visible / 2) + 8;
}

/** The request at the AIHubMix catalogue's prices, USD as an exact decimal string (prices are integers of 1e-4 USD per 1M). */
export function catalogueCostUsd(model: string, plan: InputPlan, completion: number): string {
  const m = findModel(model);
  if (!m) return '0';
  const uncached = plan.prompt - plan.cached - plan.cacheWrite;
  // in units of 1e-4 USD per 1M tokens = 1e-10 USD per token: an integer, then placed with 10 decimals
  const units =
    BigInt(uncached) * BigInt(m.inUsdE4) +
    BigInt(plan.cached) * BigInt(m.cacheReadE4 ?? m.inUsdE4) +
    BigInt(plan.cacheWrite) * BigInt(m.cacheWriteE4 ?? m.inUsdE4) +
    BigInt(completion) * BigInt(m.outUsdE4);
  const s = units.toString().padStart(11, '0');
  const whole = s.slice(0, -10);
  const frac = s.slice(-10).replace(/0+$/, '');
  return frac ? `${whole}.${frac}` : whole;
}

export interface UsageOptions {
  readonly gateway: 'aione' | 'aihubmix';
  /** AIHubMix's new-api dialect (its own usage fields and a cost). */
  readonly newApi?: boolean;
}

/** The `usage` object of a chat completion (or its last stream chunk). `completion` includes the reasoning tokens. */
export function chatUsage(
  model: string,
  plan: InputPlan,
  completion: number,
  reasoning: number,
  o: UsageOptions,
): Record<string, unknown> {
  const family = usageFamily(model);
  const total = plan.prompt + completion;
  const base: Record<string, unknown> = {
    prompt_tokens: plan.prompt,
    completion_tokens: completion,
    total_tokens: total,
  };
  const reasoningDetails =
    reasoning > 0
      ? {
          completion_tokens_details: {
            reasoning_tokens: reasoning,
            audio_tokens: 0,
            accepted_prediction_tokens: 0,
            rejected_prediction_tokens: 0,
          },
        }
      : {};
  let u: Record<string, unknown>;
  switch (family) {
    case 'openai':
      u = { ...base, prompt_tokens_details: { cached_tokens: plan.cached, audio_tokens: 0 }, ...reasoningDetails };
      break;
    case 'deepseek':
      u = {
        ...base,
        prompt_tokens_details: { cached_tokens: plan.cached },
        prompt_cache_hit_tokens: plan.cached,
        prompt_cache_miss_tokens: plan.prompt - plan.cached,
        ...reasoningDetails,
      };
      break;
    case 'anthropic':
      if (o.gateway === 'aihubmix' && o.newApi) {
        u = {
          ...base,
          prompt_tokens_details: { cached_tokens: plan.cached, cached_creation_tokens: plan.cacheWrite },
          claude_cache_creation_5_m_tokens: plan.cacheWrite,
          claude_cache_creation_1_h_tokens: 0,
        };
      } else {
        const input = plan.prompt - plan.cached - plan.cacheWrite;
        u = {
          prompt_tokens: input,
          completion_tokens: completion,
          total_tokens: input + completion,
          cache_read_input_tokens: plan.cached,
          cache_creation_input_tokens: plan.cacheWrite,
        };
      }
      break;
    default:
      u = base;
  }
  if (o.gateway === 'aihubmix' && o.newApi) u['cost'] = catalogueCostUsd(model, plan, completion);
  return u;
}

/** Anthropic `/v1/messages` usage: input_tokens excludes both cache classes. */
export function messagesUsage(plan: InputPlan, output: number): Record<string, number> {
  return {
    input_tokens: plan.prompt - plan.cached - plan.cacheWrite,
    cache_creation_input_tokens: plan.cacheWrite,
    cache_read_input_tokens: plan.cached,
    output_tokens: output,
  };
}

/** OpenAI Responses usage: input_tokens includes the cached ones; reasoning inside output_tokens. */
export function responsesUsage(plan: InputPlan, output: number, reasoning: number): Record<string, unknown> {
  return {
    input_tokens: plan.prompt,
    input_tokens_details: { cached_tokens: plan.cached },
    output_tokens: output,
    output_tokens_details: { reasoning_tokens: reasoning },
    total_tokens: plan.prompt + output,
  };
}
