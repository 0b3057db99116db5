/** Usage as the model plane streams it: every variant reaches the chat as one TokenUsage. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ChatStreamEvent } from '../../src/core/types';
import { catalogueById } from '../../src/gateway/aihubmix/mapping';
import { parseChatStream } from '../../src/gateway/sse';

async function* body(text: string): AsyncGenerator<Uint8Array> {
  yield new TextEncoder().encode(text);
}
const frame = (o: unknown) => `data: ${JSON.stringify(o)}\n\n`;
async function usageOf(usage: unknown): Promise<ChatStreamEvent[]> {
  const events: ChatStreamEvent[] = [];
  const log: string[] = [];
  const text =
    frame({ choices: [{ index: 0, delta: { content: 'hi' }, finish_reason: 'stop' }] }) +
    frame({ choices: [], usage }) +
    'data: [DONE]\n\n';
  for await (const e of parseChatStream(body(text), { log: (m) => log.push(m) })) events.push(e);
  return events.filter((e) => e.type === 'usage');
}

describe("the stream's usage chunk, every variant", () => {
  it('Anthropic-style fields relayed into an OpenAI chunk count into the prompt (they were dropped: prompt 50, no cache)', async () => {
    const [u] = await usageOf({
      prompt_tokens: 50,
      completion_tokens: 400,
      total_tokens: 450,
      cache_read_input_tokens: 10000,
      cache_creation_input_tokens: 2000,
    });
    assert.deepEqual(u, {
      type: 'usage',
      usage: {
        promptTokens: 12050,
        completionTokens: 400,
        totalTokens: 12450,
        cachedTokens: 10000,
        cacheWriteTokens: 2000,
        shape: 'anthropic',
      },
    });
  });

  it('new-api cache writes, DeepSeek hits and a reported cost reach the usage event (they were dropped)', async () => {
    const [a] = await usageOf({
      prompt_tokens: 12050,
      completion_tokens: 400,
      prompt_tokens_details: { cached_tokens: 10000, cached_creation_tokens: 2000 },
      cost: '0.01665',
    });
    assert.deepEqual(a, {
      type: 'usage',
      usage: {
        promptTokens: 12050,
        completionTokens: 400,
        totalTokens: 12450,
        cachedTokens: 10000,
        cacheWriteTokens: 2000,
        reportedCost: '0.01665',
        shape: 'openai',
      },
    });
    const [d] = await usageOf({
      prompt_tokens: 1000,
      completion_tokens: 100,
      prompt_cache_hit_tokens: 640,
      prompt_cache_miss_tokens: 360,
    });
    assert.equal(d?.type === 'usage' ? d.usage.cachedTokens : undefined, 640);
  });

  it('a usage that does not fit is left out; the answer before it is kept', async () => {
    const events: ChatStreamEvent[] = [];
    const text =
      frame({ choices: [{ index: 0, delta: { content: 'hi' }, finish_reason: 'stop' }] }) +
      frame({ choices: [], usage: { prompt_tokens: 'many', completion_tokens: 1 } }) +
      'data: [DONE]\n\n';
    for await (const e of parseChatStream(body(text), {})) events.push(e);
    assert.deepEqual(events, [
      { type: 'text', text: 'hi' },
      { type: 'finish', reason: 'stop' },
    ]);
  });
});

describe("AIHubMix's catalogue prices, cache classes included", () => {
  it('keeps cache_read / cache_write per 1K as prices per 1M (they were dropped)', () => {
    const m = catalogueById([
      {
        model_id: 'claude-sonnet-4-6',
        types: ['llm'],
        features: [],
        input_modalities: [],
        pricing: { input: 0.003, output: 0.015, cache_read: 0.0003, cache_write: '0.00375' },
      },
    ]).get('claude-sonnet-4-6');
    // 0.003 × 1000 = 3 ; 0.015 × 1000 = 15 ; 0.0003 × 1000 = 0.3 ; 0.00375 × 1000 = 3.75
    assert.deepEqual(m?.price, {
      inputPerMTok: { amount: '3', currency: 'USD' },
      outputPerMTok: { amount: '15', currency: 'USD' },
      cacheReadPerMTok: { amount: '0.3', currency: 'USD' },
      cacheWritePerMTok: { amount: '3.75', currency: 'USD' },
    });
  });
});
