/* The simulator's usage, shaped per model family and deterministic, priced to the last decimal through our parser. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { money } from '../../src/core/money';
import { priceUsage } from '../../src/core/pricing';
import * as z from 'zod';
import { aggregate, parseUsage, pointsFromLogs, type TokenUsage, wireUsageSchema } from '../../src/core/usage';
import { createGateway } from '../../src/gateway/index';
import { startSimulator, type Simulator } from '../simulator/index';
import { call, clock, json, parse, parseSse } from './simulator-support';

/** A usage as sent, read with the client's own schema (extra fields kept, so a test can see every key). */
const wireUsage = wireUsageSchema.loose();
type Wire = z.output<typeof wireUsage>;
const withUsage = z.object({ usage: wireUsage });

let sim: Simulator;
let newApi: Simulator;
before(async () => {
  sim = await startSimulator({ seed: 42, now: clock, streamTokensPerSecond: 0 });
  newApi = await startSimulator({ seed: 42, now: clock, streamTokensPerSecond: 0, aihubmixDialect: 'new-api' });
});
after(async () => {
  await sim.close();
  await newApi.close();
});

/** A two-turn conversation: 3 messages, so the first two are "in the cache". */
const conversation = [
  { role: 'user', content: 'What is a token bucket?' }, // 4 + ⌈23 / 4⌉ = 10 tokens
  { role: 'assistant', content: 'A rate limiter that refills at a steady pace.' }, // 4 + ⌈45 / 4⌉ = 16
  { role: 'user', content: 'Show one in TypeScript, please.' }, // 4 + ⌈31 / 4⌉ = 12
];
// prompt = 3 (framing) + 10 + 16 + 12 = 41 ; prefix (cacheable) = 10 + 16 = 26 ; last message = 12

type Gw = 'aione' | 'aihubmix';
function target(s: Simulator, gw: Gw): { url: string; auth: Record<string, string> } {
  return gw === 'aione'
    ? { url: s.aione.url, auth: { authorization: `Bearer ${s.aione.modelKey}` } }
    : { url: s.aihubmix.url, auth: { authorization: `Bearer ${s.aihubmix.modelKey}` } };
}

async function chat(s: Simulator, gw: Gw, model: string, stream: boolean): Promise<Wire> {
  const t = target(s, gw);
  const body = {
    model,
    messages: conversation,
    ...(stream ? { stream: true, stream_options: { include_usage: true } } : {}),
  };
  const r = await call(`${t.url}/v1/chat/completions`, json('POST', body, t.auth));
  assert.equal(r.status, 200, r.text);
  if (!stream) return parse(withUsage, r.body, 'a completion').usage;
  const chunks = parseSse(r.text).chunks;
  const last = chunks[chunks.length - 1];
  assert.deepEqual(last?.choices, []);
  return parse(wireUsage, last?.usage, 'the usage chunk');
}

function read(raw: unknown): TokenUsage {
  const r = parseUsage(raw);
  assert.ok(r.ok && r.usage, JSON.stringify(raw));
  return r.usage;
}

describe('simulator usage per model family', () => {
  test('OpenAI family: prompt_tokens includes cached_tokens; thinking models report reasoning inside completion_tokens', async () => {
    const u = await chat(sim, 'aione', 'o4-mini', false);
    assert.equal(u.prompt_tokens, 41);
    assert.equal(u.prompt_tokens_details?.cached_tokens, 26);
    const visible = (u.completion_tokens ?? 0) - (u.completion_tokens_details?.reasoning_tokens ?? 0);
    assert.equal(u.completion_tokens_details?.reasoning_tokens, Math.ceil(visible / 2) + 8);
    assert.equal(u.total_tokens, (u.prompt_tokens ?? 0) + (u.completion_tokens ?? 0));
    assert.equal(
      (await chat(sim, 'aione', 'gpt-4.1', false)).completion_tokens_details,
      undefined,
      'no reasoning without thinking',
    );
  });

  test('Anthropic family: AIone relays Anthropic names (prompt_tokens excludes them), new-api its own (prompt_tokens includes them)', async () => {
    const one = await chat(sim, 'aione', 'claude-sonnet-4-6', true);
    assert.deepEqual([one.prompt_tokens, one.cache_read_input_tokens, one.cache_creation_input_tokens], [3, 26, 12]);
    const hub = await chat(newApi, 'aihubmix', 'claude-sonnet-4-6', true);
    assert.deepEqual(
      [
        hub.prompt_tokens,
        hub.prompt_tokens_details?.cached_tokens,
        hub.prompt_tokens_details?.cached_creation_tokens,
        hub.claude_cache_creation_5_m_tokens,
      ],
      [41, 26, 12, 12],
    );
    // one usage type out of both
    const a = read(one);
    const b = read(hub);
    assert.deepEqual([a.promptTokens, a.cachedTokens, a.cacheWriteTokens], [41, 26, 12]);
    assert.deepEqual(
      [b.promptTokens, b.cachedTokens, b.cacheWriteTokens, b.completionTokens],
      [a.promptTokens, a.cachedTokens, a.cacheWriteTokens, a.completionTokens],
    );
  });

  test('DeepSeek family: hit + miss = prompt, reasoning for the reasoner', async () => {
    const u = await chat(sim, 'aihubmix', 'deepseek-reasoner', true);
    assert.deepEqual([u.prompt_tokens, u.prompt_cache_hit_tokens, u.prompt_cache_miss_tokens], [41, 26, 15]);
    assert.ok((u.completion_tokens_details?.reasoning_tokens ?? 0) > 0);
    assert.equal(read(u).cachedTokens, 26);
  });

  test('other families: plain counts; one message caches nothing', async () => {
    const u = await chat(sim, 'aione', 'qwen-max', false);
    assert.deepEqual(Object.keys(u).sort(), ['completion_tokens', 'prompt_tokens', 'total_tokens']);
    const t = target(sim, 'aione');
    const single = await call(
      `${t.url}/v1/chat/completions`,
      json('POST', { model: 'gpt-4.1', messages: [conversation[0]] }, t.auth),
    );
    assert.equal(parse(withUsage, single.body, 'a completion').usage.prompt_tokens_details?.cached_tokens, 0);
  });

  test('deterministic: stream and non-stream, and a second identical request, report the same usage', async () => {
    for (const [gw, model] of [
      ['aione', 'claude-haiku-4-5'],
      ['aihubmix', 'gpt-5'],
      ['aihubmix', 'deepseek-chat'],
    ] as const) {
      const a = await chat(sim, gw, model, false);
      assert.deepEqual(await chat(sim, gw, model, true), a, `${gw} ${model}`);
      assert.deepEqual(await chat(sim, gw, model, false), a);
    }
  });

  test('AIHubMix new-api reports its cost: the catalogue prices of each class, equal to ours to the last decimal', async () => {
    const u = await chat(newApi, 'aihubmix', 'claude-sonnet-4-6', false);
    // $3 input, $0.30 read, $3.75 write, $15 output per 1M:
    // 3 × 3 + 26 × 0.3 + 12 × 3.75 + C × 15 = 9 + 7.8 + 45 + 15·C  (per 1M)
    const c = u.completion_tokens ?? 0;
    const expected = (61.8 * 1e4 + 15 * 1e4 * c) / 1e10; // integers of 1e-10 USD; ≤ 15 significant digits here
    assert.equal(Number(u.cost), expected);
    const usd = (a: string) => money(a, 'USD');
    const b = priceUsage(read(u), {
      inputPerMTok: usd('3'),
      outputPerMTok: usd('15'),
      cacheReadPerMTok: usd('0.3'),
      cacheWritePerMTok: usd('3.75'),
    })!;
    assert.equal(b.input.amount, '0.000009');
    assert.equal(b.cacheRead.amount, '0.0000078');
    assert.equal(b.cacheWrite.amount, '0.000045');
    assert.equal(b.reported, String(u.cost));
    assert.equal(b.difference, undefined);
    assert.equal((await chat(sim, 'aihubmix', 'claude-sonnet-4-6', false)).cost, undefined, 'one-api reports no cost');
  });

  test('/v1/messages: input_tokens excludes the cache classes; /v1/responses: input_tokens includes cached_tokens', async () => {
    const t = target(sim, 'aihubmix');
    const headers = { 'x-api-key': sim.aihubmix.modelKey, 'anthropic-version': '2023-06-01' };
    const m = await call(
      `${t.url}/v1/messages`,
      json('POST', { model: 'claude-sonnet-4-6', max_tokens: 256, messages: conversation }, headers),
    );
    assert.equal(m.status, 200, m.text);
    const mu = parse(withUsage, m.body, 'a message').usage;
    assert.deepEqual([mu.input_tokens, mu.cache_read_input_tokens, mu.cache_creation_input_tokens], [3, 26, 12]);
    assert.equal(read(mu).promptTokens, 41);
    const r = await call(`${t.url}/v1/responses`, json('POST', { model: 'o3', input: conversation }, t.auth));
    assert.equal(r.status, 200, r.text);
    const ru = parse(withUsage, r.body, 'a response').usage;
    assert.equal(ru.input_tokens, 41);
    assert.equal(ru.input_tokens_details?.cached_tokens, 26);
    assert.ok((ru.output_tokens_details?.reasoning_tokens ?? 0) > 0);
    assert.equal(read(ru).cachedTokens, 26);
  });

  test('new-api logs carry the cache counts in `other`; the adapter reads them and the dashboard totals them', async () => {
    const g = createGateway(
      {
        kind: 'aihubmix',
        baseUrl: newApi.aihubmix.url,
        getToken: () => Promise.resolve(newApi.aihubmix.accessToken),
        label: 'new-api (sim)',
      },
      { retry: { baseDelayMs: 5, maxDelayMs: 20 } },
    );
    try {
      const start = clock() - 60_000;
      await chat(newApi, 'aihubmix', 'claude-haiku-4-5', false); // read 26, write 12 (see the conversation above)
      await chat(newApi, 'aihubmix', 'gpt-4.1-mini', true); // read 26
      const logs = (await g.listUsageLogs({ start, end: clock() + 60_000, page: 0, pageSize: 100 })).filter(
        (l) => l.model === 'claude-haiku-4-5' || l.model === 'gpt-4.1-mini',
      );
      assert.ok(logs.length >= 2);
      assert.ok(logs.every((l) => l.cachedTokens === 26));
      const totals = aggregate(pointsFromLogs(logs), {
        range: { start, end: clock() + 60_000 },
        timeZone: 'UTC',
        granularity: 'hour',
      }).totals;
      assert.equal(totals.cachedTokens, 26 * logs.length);
      assert.equal(
        totals.cacheWriteTokens,
        logs.reduce((n, l) => n + (l.cacheWriteTokens ?? 0), 0),
      );
      assert.ok((totals.cacheWriteTokens ?? 0) >= 12);
      // one-api logs have no cache counts: the totals say nothing about the cache
      const oneApi = await call(`${sim.aihubmix.url}/api/log/self?p=0&num=5`, {
        headers: { authorization: sim.aihubmix.accessToken },
      });
      const rows = parse(z.object({ data: z.array(z.looseObject({})) }), oneApi.body, 'the log page').data;
      assert.ok(rows.every((l) => !('cache_tokens' in l) && !('other' in l)));
    } finally {
      await g.dispose();
    }
  });
});
