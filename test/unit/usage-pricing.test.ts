import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { money } from '../../src/core/money';
import { type CostBreakdown, priceUsage, sumBreakdowns } from '../../src/core/pricing';
import type { ModelPrice } from '../../src/core/types';
import { type TokenUsage, parseUsage } from '../../src/core/usage';

const usd = (a: string) => money(a, 'USD');
/** Claude Sonnet on AIHubMix: $3 input, $15 output, $0.30 cache read, $3.75 cache write (5 min) per 1M. */
const SONNET: ModelPrice = {
  inputPerMTok: usd('3'),
  outputPerMTok: usd('15'),
  cacheReadPerMTok: usd('0.3'),
  cacheWritePerMTok: usd('3.75'),
};
/** GPT-4.1: $2 input, $8 output, $0.50 cached input per 1M (no write price: OpenAI does not charge writes). */
const GPT41: ModelPrice = { inputPerMTok: usd('2'), outputPerMTok: usd('8'), cacheReadPerMTok: usd('0.5') };
/** DeepSeek-V3: $0.27 miss, $0.07 hit, $1.10 output per 1M. */
const DEEPSEEK: ModelPrice = { inputPerMTok: usd('0.27'), outputPerMTok: usd('1.1'), cacheReadPerMTok: usd('0.07') };

function parsed(raw: unknown): TokenUsage {
  const r = parseUsage(raw);
  assert.ok(r.ok, r.ok ? '' : r.error);
  assert.ok(r.usage, 'usage expected');
  return r.usage;
}
function priced(raw: unknown, p: ModelPrice): CostBreakdown {
  const b = priceUsage(parsed(raw), p);
  assert.ok(b);
  return b;
}

describe('usage: every gateway variant read into one type', () => {
  it('OpenAI chat: prompt_tokens includes cached and cache-write tokens; reasoning is inside completion_tokens', () => {
    const u = parsed({
      prompt_tokens: 2000,
      completion_tokens: 700,
      total_tokens: 2700,
      prompt_tokens_details: { cached_tokens: 1200, cache_write_tokens: 300, audio_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 500, audio_tokens: 0 },
    });
    assert.deepEqual(u, {
      promptTokens: 2000,
      completionTokens: 700,
      totalTokens: 2700,
      cachedTokens: 1200,
      cacheWriteTokens: 300,
      reasoningTokens: 500,
      shape: 'openai',
    });
  });

  it('OpenAI Responses: input_tokens / output_tokens with their details mean the same as the chat names', () => {
    const u = parsed({
      input_tokens: 1500,
      input_tokens_details: { cached_tokens: 1024 },
      output_tokens: 320,
      output_tokens_details: { reasoning_tokens: 256 },
      total_tokens: 1820,
    });
    assert.deepEqual(u, {
      promptTokens: 1500,
      completionTokens: 320,
      totalTokens: 1820,
      cachedTokens: 1024,
      reasoningTokens: 256,
      shape: 'openai',
    });
  });

  it('Anthropic: input_tokens excludes both cache classes, so the prompt is their sum; 5 min / 1 h writes split', () => {
    const u = parsed({
      input_tokens: 50,
      cache_read_input_tokens: 10000,
      cache_creation_input_tokens: 2000,
      output_tokens: 400,
      cache_creation: { ephemeral_5m_input_tokens: 1500, ephemeral_1h_input_tokens: 500 },
    });
    // prompt = 50 + 10000 + 2000 = 12050
    assert.deepEqual(u, {
      promptTokens: 12050,
      completionTokens: 400,
      totalTokens: 12450,
      cachedTokens: 10000,
      cacheWriteTokens: 2000,
      cacheWrite1hTokens: 500,
      shape: 'anthropic',
    });
  });

  it('Anthropic fields relayed into an OpenAI chunk: prompt_tokens beside only Anthropic names excludes them too', () => {
    const u = parsed({
      prompt_tokens: 50,
      completion_tokens: 400,
      total_tokens: 450,
      cache_read_input_tokens: 10000,
      cache_creation_input_tokens: 2000,
    });
    assert.equal(u.promptTokens, 12050);
    assert.equal(u.totalTokens, 12450);
    assert.equal(u.shape, 'anthropic');
  });

  it('new-api: a Claude upstream in OpenAI format (cached_tokens / cached_creation_tokens inside prompt_tokens), 1 h writes, cost', () => {
    const u = parsed({
      prompt_tokens: 12050,
      completion_tokens: 400,
      total_tokens: 12450,
      prompt_tokens_details: { cached_tokens: 10000, cached_creation_tokens: 2000 },
      claude_cache_creation_5_m_tokens: 1500,
      claude_cache_creation_1_h_tokens: 500,
      cost: 0.04,
    });
    assert.deepEqual(u, {
      promptTokens: 12050,
      completionTokens: 400,
      totalTokens: 12450,
      cachedTokens: 10000,
      cacheWriteTokens: 2000,
      cacheWrite1hTokens: 500,
      reportedCost: '0.04',
      shape: 'openai',
    });
  });

  it('DeepSeek: hit + miss = prompt; without prompt_tokens the prompt is their sum', () => {
    assert.deepEqual(
      parsed({
        prompt_tokens: 1000,
        completion_tokens: 100,
        total_tokens: 1100,
        prompt_cache_hit_tokens: 640,
        prompt_cache_miss_tokens: 360,
      }),
      { promptTokens: 1000, completionTokens: 100, totalTokens: 1100, cachedTokens: 640, shape: 'deepseek' },
    );
    assert.equal(
      parsed({ completion_tokens: 1, prompt_cache_hit_tokens: 64, prompt_cache_miss_tokens: 36 }).promptTokens,
      100,
    );
  });

  it('a cost as a decimal string or a number is kept as a decimal string (OpenRouter-like)', () => {
    assert.equal(parsed({ prompt_tokens: 1, completion_tokens: 1, cost: '0.000123' }).reportedCost, '0.000123');
    assert.equal(parsed({ prompt_tokens: 1, completion_tokens: 1, cost: 1e-7 }).reportedCost, '0.0000001');
  });

  it('plain usage stays plain (no shape, no cache fields); an empty or null usage is "not reported"', () => {
    assert.deepEqual(parsed({ prompt_tokens: 9, completion_tokens: 3, total_tokens: 12 }), {
      promptTokens: 9,
      completionTokens: 3,
      totalTokens: 12,
    });
    assert.deepEqual(parseUsage(null), { ok: true, usage: undefined });
    assert.deepEqual(parseUsage({}), { ok: true, usage: undefined });
  });

  it('strict otherwise: a count that is not a whole non-negative number, a bad cost, or contradicting counts are refused', () => {
    for (const bad of [
      { prompt_tokens: '12', completion_tokens: 1 },
      { prompt_tokens: 1.5, completion_tokens: 1 },
      { prompt_tokens: -1, completion_tokens: 1 },
      { prompt_tokens: 1, completion_tokens: 1, cost: -0.1 },
      { prompt_tokens: 1, completion_tokens: 1, cost: 'free' },
      { prompt_tokens: 100, completion_tokens: 1, prompt_tokens_details: { cached_tokens: 101 } },
      { prompt_tokens: 10, completion_tokens: 5, completion_tokens_details: { reasoning_tokens: 6 } },
      {
        input_tokens: 1,
        output_tokens: 1,
        cache_creation_input_tokens: 10,
        cache_creation: { ephemeral_1h_input_tokens: 11 },
      },
    ]) {
      const r = parseUsage(bad);
      assert.equal(r.ok, false, JSON.stringify(bad));
    }
  });
});

describe("pricing: each class at the model's own price, to the last decimal", () => {
  it('OpenAI-shaped: uncached input, cached input, output (reasoning inside output, not counted twice)', () => {
    const b = priced(
      {
        prompt_tokens: 2000,
        completion_tokens: 700,
        prompt_tokens_details: { cached_tokens: 1200 },
        completion_tokens_details: { reasoning_tokens: 500 },
      },
      GPT41,
    );
    // input  (2000 − 1200) × 2   / 1e6 = 0.0016
    // cached        1200 × 0.5   / 1e6 = 0.0006
    // output         700 × 8     / 1e6 = 0.0056   (the 500 reasoning tokens are inside the 700)
    // total                              0.0078
    // saved  1200 × (2 − 0.5) / 1e6     = 0.0018
    assert.equal(b.input.amount, '0.0016');
    assert.equal(b.cacheRead.amount, '0.0006');
    assert.equal(b.output.amount, '0.0056');
    assert.equal(b.reasoningTokens, 500);
    assert.equal(b.amount, '0.0078');
    assert.equal(b.savedByCache, '0.0018');
    assert.deepEqual(b.unpriced, []);
  });

  it('Anthropic-shaped: input excludes the cache classes; reads at 0.1×, writes at 1.25× the input price', () => {
    const b = priced(
      { input_tokens: 50, cache_read_input_tokens: 10000, cache_creation_input_tokens: 2000, output_tokens: 400 },
      SONNET,
    );
    // input          50 × 3    / 1e6 = 0.00015
    // cache read  10000 × 0.3  / 1e6 = 0.003
    // cache write  2000 × 3.75 / 1e6 = 0.0075
    // output        400 × 15   / 1e6 = 0.006
    // total                            0.01665
    // saved: reads 10000 × (3 − 0.3) / 1e6 = 0.027, less the write premium 2000 × (3.75 − 3) / 1e6 = 0.0015 → 0.0255
    assert.deepEqual(
      [b.input, b.cacheRead, b.cacheWrite, b.output],
      [
        { tokens: 50, amount: '0.00015' },
        { tokens: 10000, amount: '0.003' },
        { tokens: 2000, amount: '0.0075' },
        { tokens: 400, amount: '0.006' },
      ],
    );
    assert.equal(b.amount, '0.01665');
    assert.equal(b.savedByCache, '0.0255');
  });

  it('the same Claude request relayed by new-api in OpenAI format costs exactly the same', () => {
    const anthropic = priced(
      { input_tokens: 50, cache_read_input_tokens: 10000, cache_creation_input_tokens: 2000, output_tokens: 400 },
      SONNET,
    );
    const relayed = priced(
      {
        prompt_tokens: 12050,
        completion_tokens: 400,
        prompt_tokens_details: { cached_tokens: 10000, cached_creation_tokens: 2000 },
      },
      SONNET,
    );
    assert.equal(relayed.amount, anthropic.amount);
    assert.deepEqual(relayed.input, anthropic.input);
  });

  it('DeepSeek-shaped: hits at the cache price, misses at the input price', () => {
    const b = priced(
      { prompt_tokens: 1000, completion_tokens: 100, prompt_cache_hit_tokens: 640, prompt_cache_miss_tokens: 360 },
      DEEPSEEK,
    );
    // miss 360 × 0.27 / 1e6 = 0.0000972 ; hit 640 × 0.07 / 1e6 = 0.0000448 ; out 100 × 1.1 / 1e6 = 0.00011
    // total 0.000252 ; saved 640 × (0.27 − 0.07) / 1e6 = 0.000128
    assert.equal(b.input.amount, '0.0000972');
    assert.equal(b.cacheRead.amount, '0.0000448');
    assert.equal(b.output.amount, '0.00011');
    assert.equal(b.amount, '0.000252');
    assert.equal(b.savedByCache, '0.000128');
  });

  it('1-hour writes at their own price; without one they are not guessed but listed as unpriced', () => {
    const usage = parsed({
      input_tokens: 0,
      cache_creation_input_tokens: 2000,
      cache_creation: { ephemeral_5m_input_tokens: 1500, ephemeral_1h_input_tokens: 500 },
      output_tokens: 0,
    });
    const with1h = priceUsage(usage, { ...SONNET, cacheWrite1hPerMTok: usd('6') })!;
    // 1500 × 3.75 / 1e6 = 0.005625 ; 500 × 6 / 1e6 = 0.003 ; total 0.008625
    assert.equal(with1h.cacheWrite.amount, '0.008625');
    assert.equal(with1h.amount, '0.008625');
    const without = priceUsage(usage, SONNET)!;
    assert.equal(without.cacheWrite.amount, undefined);
    assert.deepEqual(without.unpriced, ['cacheWrite']);
    assert.equal(without.amount, '0');
  });

  it('cached tokens without a cache price: neither free nor at full price — unpriced, the amount a lower bound', () => {
    const b = priced(
      { prompt_tokens: 2000, completion_tokens: 0, prompt_tokens_details: { cached_tokens: 1200 } },
      { inputPerMTok: usd('2'), outputPerMTok: usd('8') },
    );
    // input (2000 − 1200) × 2 / 1e6 = 0.0016 ; the 1200 cached tokens have no price
    assert.equal(b.amount, '0.0016');
    assert.deepEqual(b.unpriced, ['cacheRead']);
    assert.equal(b.savedByCache, undefined);
  });

  it('a cost the gateway reported: both kept; a difference beyond its rounding is flagged, its own rounding is not', () => {
    // ours: 1000 × 2 / 1e6 + 500 × 8 / 1e6 = 0.002 + 0.004 = 0.006
    const same = priced({ prompt_tokens: 1000, completion_tokens: 500, cost: '0.0060' }, GPT41);
    assert.equal(same.reported, '0.006');
    assert.equal(same.difference, undefined);
    // the gateway shows 4 decimals: 0.00604 rounds to 0.006 → no difference flagged
    const rounded = priced({ prompt_tokens: 1020, completion_tokens: 500, cost: '0.0060' }, GPT41); // ours 0.00204 + 0.004 = 0.00604
    assert.equal(rounded.amount, '0.00604');
    assert.equal(rounded.difference, undefined);
    // a gateway that billed the cached tokens at full price: 0.0078 ours vs 0.0096 theirs → +0.0018
    const billedFull = priced(
      { prompt_tokens: 2000, completion_tokens: 700, prompt_tokens_details: { cached_tokens: 1200 }, cost: 0.0096 },
      GPT41,
    );
    assert.equal(billedFull.amount, '0.0078');
    assert.equal(billedFull.difference, '0.0018');
  });

  it("a reported cost is shown even when the model lists no price (in the gateway's currency)", () => {
    const b = priceUsage(parsed({ prompt_tokens: 10, completion_tokens: 5, cost: '0.01' }), undefined, 'CNY')!;
    assert.equal(b.currency, 'CNY');
    assert.equal(b.reported, '0.01');
    assert.deepEqual(b.unpriced, ['input', 'output']);
    assert.equal(priceUsage(parsed({ prompt_tokens: 10, completion_tokens: 5 }), undefined, 'CNY'), undefined);
    assert.equal(
      priceUsage(parsed({ prompt_tokens: 10, completion_tokens: 5 }), {
        inputPerMTok: usd('1'),
        outputPerMTok: money('1', 'CNY'),
      }),
      undefined,
    );
  });

  it('exact decimals: 1,234,567 tokens at $0.0123 / 1M is 0.0151851741, no float on the way', () => {
    const b = priced(
      { prompt_tokens: 1234567, completion_tokens: 0 },
      { inputPerMTok: usd('0.0123'), outputPerMTok: usd('0') },
    );
    // 1234567 × 0.0123 = 15185.1741 ; / 1e6 = 0.0151851741
    assert.equal(b.amount, '0.0151851741');
  });

  it('a conversation sums its requests class by class; the sum equals the sum of the messages', () => {
    const a = priced(
      {
        prompt_tokens: 2000,
        completion_tokens: 700,
        prompt_tokens_details: { cached_tokens: 1200 },
        completion_tokens_details: { reasoning_tokens: 500 },
      },
      GPT41,
    ); // 0.0078
    const b = priced({ prompt_tokens: 1000, completion_tokens: 500 }, GPT41); // 0.006
    const c = priced(
      { prompt_tokens: 2000, completion_tokens: 0, prompt_tokens_details: { cached_tokens: 1200 } },
      { inputPerMTok: usd('2') },
    ); // 0.0016, cached unpriced
    const s = sumBreakdowns([a, b])!;
    assert.equal(s.amount, '0.0138'); // 0.0078 + 0.006
    assert.deepEqual(s.input, { tokens: 1800, amount: '0.0036' }); // 800 + 1000 at $2
    assert.deepEqual(s.cacheRead, { tokens: 1200, amount: '0.0006' });
    assert.equal(s.reasoningTokens, 500);
    assert.equal(s.savedByCache, '0.0018');
    const withUnpriced = sumBreakdowns([a, b, c])!;
    assert.equal(withUnpriced.amount, '0.0154'); // 0.0138 + 0.0016
    assert.deepEqual(withUnpriced.cacheRead, { tokens: 2400 }); // priced in a, not in c
    assert.deepEqual(withUnpriced.unpriced, ['cacheRead']);
    assert.equal(sumBreakdowns([]), undefined);
    assert.equal(sumBreakdowns([a, { ...b, currency: 'CNY' }]), undefined);
  });
});
