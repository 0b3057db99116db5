/**
 * parseUsage, variant by variant: the exact TokenUsage every wire form becomes (which optional fields appear, and
 * which wire name wins when two say the same thing), the exact sentence of every refusal, and the boundaries of the
 * consistency checks (equal is fine, one more is refused).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseUsage, tokenUsageSchema, type TokenUsage, uncachedInputTokens } from '../../src/core/usage';

function ok(raw: unknown): TokenUsage | undefined {
  const r = parseUsage(raw);
  assert.ok(r.ok, r.ok ? '' : r.error);
  return r.usage;
}
function refused(raw: unknown): string {
  const r = parseUsage(raw);
  assert.equal(r.ok, false, JSON.stringify(raw));
  return r.ok ? '' : r.error;
}

describe('usage: which fields the normalised usage carries', () => {
  const rows: ReadonlyArray<readonly [string, unknown, TokenUsage | undefined]> = [
    ['no usage at all', undefined, undefined],
    ['only a total (no count usage is made of)', { total_tokens: 5 }, undefined],
    ['only a completion count', { completion_tokens: 5 }, { promptTokens: 0, completionTokens: 5, totalTokens: 5 }],
    ['only a prompt count', { input_tokens: 4 }, { promptTokens: 4, completionTokens: 0, totalTokens: 4 }],
    [
      'the total is always prompt + completion, whatever the wire says',
      { prompt_tokens: 3, completion_tokens: 4, total_tokens: 999 },
      { promptTokens: 3, completionTokens: 4, totalTokens: 7 },
    ],
    [
      'chat names win over the Responses names',
      { prompt_tokens: 10, input_tokens: 99, completion_tokens: 1, output_tokens: 50 },
      { promptTokens: 10, completionTokens: 1, totalTokens: 11 },
    ],
    [
      'a cache read of zero that was reported is shown as zero',
      { prompt_tokens: 10, completion_tokens: 1, prompt_tokens_details: { cached_tokens: 0 } },
      { promptTokens: 10, completionTokens: 1, totalTokens: 11, cachedTokens: 0, shape: 'openai' },
    ],
    [
      'a cache write of zero that was reported is shown as zero (OpenAI name)',
      { prompt_tokens: 10, completion_tokens: 1, prompt_tokens_details: { cache_write_tokens: 0 } },
      { promptTokens: 10, completionTokens: 1, totalTokens: 11, cacheWriteTokens: 0, shape: 'openai' },
    ],
    [
      'a cache write of zero that was reported is shown as zero (new-api name)',
      { prompt_tokens: 10, completion_tokens: 1, prompt_tokens_details: { cached_creation_tokens: 0 } },
      { promptTokens: 10, completionTokens: 1, totalTokens: 11, cacheWriteTokens: 0, shape: 'openai' },
    ],
    [
      'Anthropic cache fields of zero are shown as zero',
      { input_tokens: 10, output_tokens: 1, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 },
      {
        promptTokens: 10,
        completionTokens: 1,
        totalTokens: 11,
        cachedTokens: 0,
        cacheWriteTokens: 0,
        shape: 'anthropic',
      },
    ],
    [
      'a cache read in Anthropic names alone beside prompt_tokens: the prompt excludes it',
      { prompt_tokens: 50, cache_read_input_tokens: 10 },
      { promptTokens: 60, completionTokens: 0, totalTokens: 60, cachedTokens: 10, shape: 'anthropic' },
    ],
    [
      'a cache write in Anthropic names alone beside prompt_tokens: the prompt excludes it',
      { prompt_tokens: 50, cache_creation_input_tokens: 10 },
      { promptTokens: 60, completionTokens: 0, totalTokens: 60, cacheWriteTokens: 10, shape: 'anthropic' },
    ],
    [
      'Anthropic cache fields alone make a usage (the prompt is their sum)',
      { cache_read_input_tokens: 7, cache_creation_input_tokens: 2 },
      {
        promptTokens: 9,
        completionTokens: 0,
        totalTokens: 9,
        cachedTokens: 7,
        cacheWriteTokens: 2,
        shape: 'anthropic',
      },
    ],
    [
      'cache_creation alone makes a usage: the writes are the 5 min + 1 h ones',
      {
        input_tokens: 10,
        output_tokens: 1,
        cache_creation: { ephemeral_5m_input_tokens: 3, ephemeral_1h_input_tokens: 2 },
      },
      {
        promptTokens: 15,
        completionTokens: 1,
        totalTokens: 16,
        cacheWriteTokens: 5,
        cacheWrite1hTokens: 2,
        shape: 'anthropic',
      },
    ],
    [
      'only 1-hour writes',
      { input_tokens: 1, cache_creation: { ephemeral_1h_input_tokens: 2 } },
      {
        promptTokens: 3,
        completionTokens: 0,
        totalTokens: 3,
        cacheWriteTokens: 2,
        cacheWrite1hTokens: 2,
        shape: 'anthropic',
      },
    ],
    [
      'only 5-minute writes',
      { input_tokens: 1, cache_creation: { ephemeral_5m_input_tokens: 4 } },
      { promptTokens: 5, completionTokens: 0, totalTokens: 5, cacheWriteTokens: 4, shape: 'anthropic' },
    ],
    [
      'an empty cache_creation adds nothing but the shape',
      {
        input_tokens: 1,
        output_tokens: 1,
        cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 0 },
      },
      { promptTokens: 1, completionTokens: 1, totalTokens: 2, shape: 'anthropic' },
    ],
    [
      "new-api's Claude write counts without prompt details: inside prompt_tokens, no shape",
      { prompt_tokens: 100, completion_tokens: 1, claude_cache_creation_5_m_tokens: 30 },
      { promptTokens: 100, completionTokens: 1, totalTokens: 101, cacheWriteTokens: 30 },
    ],
    [
      "new-api's 1-hour count wins over Anthropic's",
      {
        prompt_tokens: 100,
        completion_tokens: 1,
        prompt_tokens_details: { cached_creation_tokens: 10 },
        claude_cache_creation_1_h_tokens: 4,
        cache_creation: { ephemeral_1h_input_tokens: 9 },
      },
      {
        promptTokens: 100,
        completionTokens: 1,
        totalTokens: 101,
        cacheWriteTokens: 10,
        cacheWrite1hTokens: 4,
        shape: 'openai',
      },
    ],
    [
      'the write count: new-api name, then OpenAI name, then Anthropic name',
      {
        prompt_tokens: 100,
        completion_tokens: 1,
        prompt_tokens_details: { cached_creation_tokens: 10, cache_write_tokens: 20 },
        cache_creation_input_tokens: 30,
      },
      { promptTokens: 100, completionTokens: 1, totalTokens: 101, cacheWriteTokens: 10, shape: 'openai' },
    ],
    [
      'the write count: OpenAI name before Anthropic name',
      {
        prompt_tokens: 100,
        completion_tokens: 1,
        prompt_tokens_details: { cache_write_tokens: 20 },
        cache_creation_input_tokens: 30,
      },
      { promptTokens: 100, completionTokens: 1, totalTokens: 101, cacheWriteTokens: 20, shape: 'openai' },
    ],
    [
      'the read count: chat details, then Responses details, then DeepSeek, then Anthropic',
      {
        prompt_tokens: 100,
        completion_tokens: 1,
        prompt_tokens_details: { cached_tokens: 1 },
        input_tokens_details: { cached_tokens: 2 },
        prompt_cache_hit_tokens: 3,
        cache_read_input_tokens: 4,
      },
      { promptTokens: 100, completionTokens: 1, totalTokens: 101, cachedTokens: 1, shape: 'deepseek' },
    ],
    [
      'the read count: Responses details before DeepSeek',
      { prompt_tokens: 100, input_tokens_details: { cached_tokens: 2 }, prompt_cache_hit_tokens: 3 },
      { promptTokens: 100, completionTokens: 0, totalTokens: 100, cachedTokens: 2, shape: 'deepseek' },
    ],
    [
      'the read count: DeepSeek before Anthropic',
      { prompt_tokens: 100, prompt_cache_hit_tokens: 3, cache_read_input_tokens: 4 },
      { promptTokens: 100, completionTokens: 0, totalTokens: 100, cachedTokens: 3, shape: 'deepseek' },
    ],
    [
      'OpenAI cache names beside Anthropic ones: the prompt count includes the cache',
      { prompt_tokens: 100, prompt_tokens_details: { cached_tokens: 10 }, cache_creation_input_tokens: 5 },
      {
        promptTokens: 100,
        completionTokens: 0,
        totalTokens: 100,
        cachedTokens: 10,
        cacheWriteTokens: 5,
        shape: 'openai',
      },
    ],
    [
      'Responses cache names beside Anthropic ones: the prompt count includes the cache',
      { input_tokens: 100, input_tokens_details: { cached_tokens: 10 }, cache_creation_input_tokens: 5 },
      {
        promptTokens: 100,
        completionTokens: 0,
        totalTokens: 100,
        cachedTokens: 10,
        cacheWriteTokens: 5,
        shape: 'openai',
      },
    ],
    [
      'DeepSeek beside Anthropic: the prompt count includes the cache',
      { prompt_tokens: 100, prompt_cache_miss_tokens: 100, cache_creation_input_tokens: 5 },
      {
        promptTokens: 100,
        completionTokens: 0,
        totalTokens: 100,
        cachedTokens: 0,
        cacheWriteTokens: 5,
        shape: 'deepseek',
      },
    ],
    [
      'DeepSeek hit only, no prompt count',
      { prompt_cache_hit_tokens: 5 },
      { promptTokens: 5, completionTokens: 0, totalTokens: 5, cachedTokens: 5, shape: 'deepseek' },
    ],
    [
      'DeepSeek miss only, no prompt count',
      { prompt_cache_miss_tokens: 4, completion_tokens: 1 },
      { promptTokens: 4, completionTokens: 1, totalTokens: 5, cachedTokens: 0, shape: 'deepseek' },
    ],
    [
      'reasoning: chat details win over Responses details',
      {
        prompt_tokens: 1,
        completion_tokens: 10,
        completion_tokens_details: { reasoning_tokens: 3 },
        output_tokens_details: { reasoning_tokens: 4 },
      },
      { promptTokens: 1, completionTokens: 10, totalTokens: 11, reasoningTokens: 3 },
    ],
    [
      'reasoning of zero that was reported is shown as zero',
      { prompt_tokens: 1, output_tokens: 10, output_tokens_details: { reasoning_tokens: 0 } },
      { promptTokens: 1, completionTokens: 10, totalTokens: 11, reasoningTokens: 0 },
    ],
    [
      'null details are no details',
      {
        prompt_tokens: 1,
        completion_tokens: 1,
        prompt_tokens_details: null,
        completion_tokens_details: null,
        cache_creation: null,
        cost: null,
      },
      { promptTokens: 1, completionTokens: 1, totalTokens: 2 },
    ],
  ];
  for (const [name, raw, expected] of rows) it(name, () => assert.deepEqual(ok(raw), expected));
});

describe('usage: the boundaries of the consistency checks', () => {
  it('cache reads and writes may add up to the whole prompt, not one token more', () => {
    assert.equal(
      ok({ prompt_tokens: 100, prompt_tokens_details: { cached_tokens: 60, cache_write_tokens: 40 } })?.promptTokens,
      100,
    );
    assert.equal(
      refused({ prompt_tokens: 100, prompt_tokens_details: { cached_tokens: 61, cache_write_tokens: 40 } }),
      'usage: cache reads (61) and writes (40) exceed the prompt tokens (100)',
    );
  });

  it('reasoning may be the whole completion, not one token more', () => {
    assert.equal(
      ok({ prompt_tokens: 1, completion_tokens: 5, completion_tokens_details: { reasoning_tokens: 5 } })
        ?.reasoningTokens,
      5,
    );
    assert.equal(
      refused({ prompt_tokens: 1, completion_tokens: 5, completion_tokens_details: { reasoning_tokens: 6 } }),
      'usage: reasoning tokens (6) exceed the completion tokens (5)',
    );
    assert.equal(
      refused({ prompt_tokens: 1, output_tokens_details: { reasoning_tokens: 1 } }),
      'usage: reasoning tokens (1) exceed the completion tokens (0)',
    );
  });

  it('1-hour writes may be all the writes, not one token more', () => {
    assert.equal(
      ok({ input_tokens: 1, cache_creation_input_tokens: 10, cache_creation: { ephemeral_1h_input_tokens: 10 } })
        ?.cacheWrite1hTokens,
      10,
    );
    assert.equal(
      refused({ input_tokens: 1, cache_creation_input_tokens: 10, cache_creation: { ephemeral_1h_input_tokens: 11 } }),
      'usage: 1-hour cache writes (11) exceed all cache writes (10)',
    );
  });
});

describe('usage: what is refused, and the sentence that says where', () => {
  const rows: ReadonlyArray<readonly [unknown, string]> = [
    ['x', 'usage field (root): Invalid input: expected object, received string'],
    [{ prompt_tokens: '12' }, 'usage field prompt_tokens: Invalid input: expected number, received string'],
    [{ prompt_tokens: 1.5 }, 'usage field prompt_tokens: Invalid input: expected int, received number'],
    [
      { prompt_tokens_details: { cached_tokens: -1 } },
      'usage field prompt_tokens_details.cached_tokens: Too small: expected number to be >=0',
    ],
    [{ completion_tokens: -1 }, 'usage field completion_tokens: Too small: expected number to be >=0'],
    [{ cost: -0.1 }, 'usage field cost: '],
  ];
  for (const [raw, message] of rows)
    it(JSON.stringify(raw), () => assert.ok(refused(raw).startsWith(message), refused(raw)));

  it('a cost is a non-negative decimal (a number or a string of one), anchored at both ends', () => {
    const cost = (c: unknown) => ok({ prompt_tokens: 1, cost: c })?.reportedCost;
    assert.equal(cost(' 0.5 '), '0.5');
    assert.equal(cost('12'), '12');
    assert.equal(cost('1e-3'), '0.001');
    assert.equal(cost('2E+2'), '200');
    assert.equal(cost('1e3'), '1000', 'an exponent without a sign');
    assert.equal(cost('2e10'), '20000000000', 'an exponent of two digits');
    assert.equal(cost(0), '0');
    for (const bad of ['12abc', 'abc12', '1.', '.5', '-1', '1e', '', ' ', '0x10', Number.POSITIVE_INFINITY, Number.NaN])
      assert.match(refused({ prompt_tokens: 1, cost: bad }), /^usage field cost: /, String(bad));
  });

  it('the stored form keeps its cost a plain decimal string', () => {
    const base = { promptTokens: 1, completionTokens: 1, totalTokens: 2 };
    assert.equal(tokenUsageSchema.safeParse({ ...base, reportedCost: '0.5' }).success, true);
    assert.equal(tokenUsageSchema.safeParse({ ...base, reportedCost: '12' }).success, true);
    assert.equal(tokenUsageSchema.safeParse({ ...base, reportedCost: '0.25' }).success, true);
    for (const shape of ['openai', 'anthropic', 'deepseek'])
      assert.equal(tokenUsageSchema.safeParse({ ...base, shape }).success, true, shape);
    for (const shape of ['', 'other'])
      assert.equal(tokenUsageSchema.safeParse({ ...base, shape }).success, false, shape);
    for (const bad of ['12abc', 'x12', '1e3', '1.', ' 1', '-1'])
      assert.equal(tokenUsageSchema.safeParse({ ...base, reportedCost: bad }).success, false, bad);
  });
});

describe('uncachedInputTokens', () => {
  it('is the prompt minus cache reads and cache writes', () => {
    assert.equal(
      uncachedInputTokens({
        promptTokens: 100,
        completionTokens: 1,
        totalTokens: 101,
        cachedTokens: 30,
        cacheWriteTokens: 20,
      }),
      50,
    );
    assert.equal(
      uncachedInputTokens({ promptTokens: 100, completionTokens: 1, totalTokens: 101, cachedTokens: 30 }),
      70,
    );
    assert.equal(
      uncachedInputTokens({ promptTokens: 100, completionTokens: 1, totalTokens: 101, cacheWriteTokens: 20 }),
      80,
    );
    assert.equal(uncachedInputTokens({ promptTokens: 100, completionTokens: 1, totalTokens: 101 }), 100);
  });
});
