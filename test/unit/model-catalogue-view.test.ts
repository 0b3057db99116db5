/**
 * The richer model catalogue: every wire variant of a model's type, features, modalities, limits and prices mapped
 * (AIone's guessed field names, AIHubMix's strings or lists), the one vocabulary of kinds and features, the Models
 * view's filter and order, the Cursor alias rule, and the cost of a typical request to the last decimal.
 */
import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import type { ModelInfo } from '../../src/core/types';
import { catalogueById } from '../../src/gateway/aihubmix/mapping';
import { catalogueSchema } from '../../src/gateway/aihubmix/schemas';
import { mapModel } from '../../src/gateway/aione/mapping';
import { modelListSchema } from '../../src/gateway/aione/schemas';
import {
  cursorAliasOf,
  featuresOf,
  matchesCatalogueFilter,
  modelKindOf,
  modelKindsOf,
  sortModels,
} from '../../src/platform/modelKinds';
import {
  DEFAULT_REQUEST,
  median,
  recentRequestsOf,
  typicalCost,
  typicalRequest,
} from '../../src/features/compare/typical';
import { gatewayFor, startSimulator, type Simulator } from './support';

const aione = (raw: Record<string, unknown>): ModelInfo => mapModel(modelListSchema.parse({ items: [raw] })[0]!);
const hub = (raw: Record<string, unknown>): ModelInfo => [...catalogueById(catalogueSchema.parse([raw])).values()][0]!;

describe('model mapping: every variant of the rich fields', () => {
  it('AIone: lists, comma strings or flag objects; every name for context, output and cache prices', () => {
    const a = aione({
      id: 'claude-sonnet-4-6',
      provider: 'Anthropic',
      context_window: '200000',
      max_output_tokens: 64000,
      input_price: '21.6',
      output_price: 108,
      cached_input_price: '2.16',
      cache_creation_price: '27',
      type: 'LLM',
      capabilities: { tools: true, vision: true, thinking: 1, web: false },
      modalities: 'text, image,pdf',
      alias: ['sonnet', 'claude-sonnet-4-6'],
    });
    assert.deepEqual(a, {
      id: 'claude-sonnet-4-6',
      vendor: 'Anthropic',
      contextLength: 200000,
      maxOutput: 64000,
      price: {
        inputPerMTok: { amount: '21.6', currency: 'CNY' },
        outputPerMTok: { amount: '108', currency: 'CNY' },
        cacheReadPerMTok: { amount: '2.16', currency: 'CNY' },
        cacheWritePerMTok: { amount: '27', currency: 'CNY' },
      },
      types: ['llm'],
      features: ['tools', 'vision', 'thinking'],
      inputModalities: ['text', 'image', 'pdf'],
      aliases: ['sonnet'],
    });
    // the nested pricing form, USD, and the names that win when both are sent
    const b = aione({
      id: 'm',
      context_length: 8192,
      context_window: 1,
      currency: 'usd',
      pricing: { input: 0.5, output: '1.5', cache_read: '0.05', cache_write: null },
      types: ['embedding'],
      features: 'function_calling\nstructured_outputs',
      input_modalities: ['Text'],
    });
    assert.equal(b.contextLength, 8192);
    assert.deepEqual(b.price, {
      inputPerMTok: { amount: '0.5', currency: 'USD' },
      outputPerMTok: { amount: '1.5', currency: 'USD' },
      cacheReadPerMTok: { amount: '0.05', currency: 'USD' },
    });
    assert.deepEqual(b.features, ['function_calling', 'structured_outputs']);
    assert.deepEqual(b.inputModalities, ['text']);
  });

  it('AIone: an optional field of another shape is left out, the model kept; the documented minimum still maps', () => {
    const a = aione({ id: 'x', features: 42, max_output_tokens: 'lots', cache_read_price: 'free', modalities: {} });
    assert.deepEqual(a, { id: 'x', vendor: a.vendor });
    const min = aione({ id: 'gpt-4o', input_price: '18', output_price: null, context_length: null });
    assert.deepEqual(min.price, { inputPerMTok: { amount: '18', currency: 'CNY' } });
    assert.equal(min.contextLength, undefined);
    assert.equal(min.types, undefined);
  });

  it('AIHubMix: comma strings or lists, lower-cased; input modalities and cache prices per 1M (from per 1K)', () => {
    const m = hub({
      model_id: 'claude-opus-4-1',
      types: 'LLM',
      features: ['Thinking', 'tools', 'function_calling'],
      input_modalities: 'text,image,pdf',
      context_length: '200000',
      max_output: 32000,
      pricing: { input: 0.015, output: '0.075', cache_read: 0.0015, cache_write: '0.01875' },
    });
    assert.deepEqual(m.types, ['llm']);
    assert.deepEqual(m.features, ['thinking', 'tools', 'function_calling']);
    assert.deepEqual(m.inputModalities, ['text', 'image', 'pdf']);
    assert.equal(m.contextLength, 200000);
    assert.deepEqual(m.price, {
      inputPerMTok: { amount: '15', currency: 'USD' },
      outputPerMTok: { amount: '75', currency: 'USD' },
      cacheReadPerMTok: { amount: '1.5', currency: 'USD' },
      cacheWritePerMTok: { amount: '18.75', currency: 'USD' },
    });
    const bare = hub({ model_id: 'x', types: null, features: '', input_modalities: null });
    assert.equal(bare.inputModalities, undefined);
  });
});

describe('kinds and features in one vocabulary', () => {
  const m = (over: Partial<ModelInfo>): ModelInfo => ({ id: 'some-model', vendor: 'V', ...over });

  it('every spelling of a type; the id where no type is given; an unknown type is "other"', () => {
    const cases: Array<[readonly string[] | undefined, string, string[]]> = [
      [['llm'], 'x', ['chat']],
      [['Chat'], 'x', ['chat']],
      [['image_generation'], 'x', ['image']],
      [['text-to-image', 'llm'], 'x', ['chat', 'image']],
      [['video'], 'x', ['video']],
      [['embeddings'], 'x', ['embedding']],
      [['tts'], 'x', ['audio']],
      [['stt'], 'x', ['audio']],
      [['rerank'], 'x', ['rerank']],
      [['moderation'], 'x', ['moderation']],
      [['quantum'], 'x', ['other']],
      [undefined, 'text-embedding-3-small', ['embedding']],
      [undefined, 'whisper-1', ['audio']],
      [undefined, 'gpt-image-1', ['image']],
      [undefined, 'bge-reranker-v2', ['rerank']],
      [undefined, 'gpt-4.1', ['chat']],
    ];
    for (const [types, id, want] of cases)
      assert.deepEqual(modelKindsOf(m({ id, ...(types ? { types } : {}) })), want, `${id} ${String(types)}`);
    assert.equal(modelKindOf(m({ types: ['image_generation', 'llm'] })), 'chat');
  });

  it('features from every spelling and from the input modalities; tools and vision assumed only where unsaid', () => {
    const f = featuresOf(
      m({
        types: ['llm'],
        features: ['function_calling', 'Reasoning', 'long-context', 'json_schema', 'web_search', 'unknown'],
        inputModalities: ['text', 'image'],
      }),
    );
    assert.deepEqual([...f.features].sort(), ['longContext', 'structuredOutput', 'thinking', 'tools', 'vision', 'web']);
    assert.equal(f.assumed.size, 0);
    const fam = featuresOf(m({ id: 'claude-sonnet-4-6' }));
    assert.deepEqual([...fam.features].sort(), ['tools', 'vision']);
    assert.deepEqual([...fam.assumed].sort(), ['tools', 'vision']);
    // the catalogue says text only and no tools: nothing is assumed against it
    const said = featuresOf(m({ id: 'claude-sonnet-4-6', features: ['thinking'], inputModalities: ['text'] }));
    assert.deepEqual([...said.features], ['thinking']);
    assert.equal(featuresOf(m({ id: 'text-embedding-3-small' })).features.size, 0, 'no chat features on an embedding');
  });

  it('Cursor alias: Claude models by their short names where the gateway has that rule, nothing elsewhere', () => {
    assert.equal(cursorAliasOf('claude-sonnet-4-6', true), 'sonnet-4-6');
    assert.equal(cursorAliasOf('claude-sonnet-4-20250514', true), 'sonnet-4');
    assert.equal(cursorAliasOf('Claude-Haiku-4-5', true), 'Haiku-4-5');
    assert.equal(cursorAliasOf('claude-sonnet-4-6', false), undefined);
    assert.equal(cursorAliasOf('gpt-4.1', true), undefined);
  });
});

describe("the Models view's filter and order against the simulator's catalogues", () => {
  let sim: Simulator;
  let lists: Record<'aione' | 'aihubmix', readonly ModelInfo[]>;
  before(async () => {
    sim = await startSimulator();
    const g1 = gatewayFor(sim, 'aihubmix');
    const g2 = gatewayFor(sim, 'aione');
    const [h, o] = await Promise.all([g1.listModels(), g2.listModels()]);
    lists = { aihubmix: h, aione: o };
    await Promise.all([g1.dispose(), g2.dispose()]);
  });
  after(async () => {
    await sim.close();
  });

  for (const kind of ['aione', 'aihubmix'] as const) {
    it(`${kind}: "tools + ≥ 128k context, cheapest input first" — every model that passes, and only those, in order`, () => {
      const models = lists[kind];
      const f = { kinds: [], features: ['tools' as const], minContext: 128_000 };
      const shown = sortModels(
        models.filter((m) => matchesCatalogueFilter(m, f)),
        'inputPrice',
      );
      // the simulator's rows with tools and ≥ 128k (AIone does not know some contexts: those cannot pass)
      const expected = models.filter((m) => (m.features ?? []).includes('tools') && (m.contextLength ?? 0) >= 128_000);
      assert.deepEqual(new Set(shown.map((m) => m.id)), new Set(expected.map((m) => m.id)));
      assert.ok(shown.length >= 10);
      assert.ok(!shown.some((m) => m.id === 'qwen-max'), '32k context is out');
      assert.ok(!shown.some((m) => m.id === 'deepseek-reasoner'), 'no tools');
      const priced = shown.filter((m) => m.price?.inputPerMTok);
      const amounts = priced.map((m) => Number(m.price!.inputPerMTok!.amount));
      assert.deepEqual(
        amounts,
        [...amounts].sort((a, b) => a - b),
        'cheapest first',
      );
      assert.deepEqual(shown.slice(0, priced.length), priced, 'unpriced models last');
    });
  }

  it('kinds are "any of", features "all of"; sorts by output price, context (largest first) and name', () => {
    const models = lists.aihubmix;
    const imgOrEmb = models.filter((m) => matchesCatalogueFilter(m, { kinds: ['image', 'embedding'], features: [] }));
    assert.deepEqual(imgOrEmb.map((m) => m.id).sort(), ['gpt-image-1', 'text-embedding-3-small']);
    const both = models.filter((m) => matchesCatalogueFilter(m, { kinds: [], features: ['thinking', 'vision'] }));
    assert.ok(
      both.length > 0 && both.every((m) => m.features!.includes('thinking') && m.inputModalities!.includes('image')),
    );
    assert.ok(!both.some((m) => m.id === 'deepseek-reasoner'), 'thinking but text only');
    const byOut = sortModels(models, 'outputPrice').map((m) => Number(m.price?.outputPerMTok?.amount ?? 'NaN'));
    const known = byOut.filter((n) => !Number.isNaN(n));
    assert.deepEqual(
      known,
      [...known].sort((a, b) => a - b),
    );
    const byCtx = sortModels(models, 'context').map((m) => m.contextLength ?? 0);
    assert.deepEqual(
      byCtx,
      [...byCtx].sort((a, b) => b - a),
    );
    const byName = sortModels(models, 'name').map((m) => m.id);
    assert.deepEqual(
      byName,
      [...byName].sort((a, b) => a.localeCompare(b)),
    );
  });

  it('equal input prices are ordered by the output price, then the id; unpriced last', () => {
    const p = (id: string, i?: string, o?: string): ModelInfo => ({
      id,
      vendor: 'V',
      ...(i || o
        ? {
            price: {
              ...(i ? { inputPerMTok: { amount: i, currency: 'USD' as const } } : {}),
              ...(o ? { outputPerMTok: { amount: o, currency: 'USD' as const } } : {}),
            },
          }
        : {}),
    });
    const sorted = sortModels(
      [p('z'), p('b', '1', '4'), p('a', '1', '4'), p('c', '1', '2'), p('d', '0.5')],
      'inputPrice',
    );
    assert.deepEqual(
      sorted.map((m) => m.id),
      ['d', 'c', 'a', 'b', 'z'],
    );
  });
});

describe('a typical request of the user’s own size, priced to the last decimal', () => {
  it('median of each class (even count: the mean of the two middle ones); cache classes never exceed the input', () => {
    assert.equal(median([]), 0);
    assert.equal(median([5]), 5);
    assert.equal(median([3, 1, 2]), 2);
    assert.equal(median([1, 2, 3, 6]), 3); // 2.5 rounds half up
    const t = typicalRequest([
      { promptTokens: 1000, completionTokens: 100, cachedTokens: 0, cacheWriteTokens: 0 },
      { promptTokens: 3000, completionTokens: 300, cachedTokens: 1000, cacheWriteTokens: 0 },
      { promptTokens: 2000, completionTokens: 200, cachedTokens: 500, cacheWriteTokens: 0 },
      { promptTokens: 5000, completionTokens: 400, cachedTokens: 2000, cacheWriteTokens: 100 },
    ]);
    assert.deepEqual(t, {
      promptTokens: 2500,
      completionTokens: 250,
      cachedTokens: 750,
      cacheWriteTokens: 0,
      samples: 4,
    });
    const capped = typicalRequest([{ promptTokens: 100, completionTokens: 1, cachedTokens: 80, cacheWriteTokens: 50 }]);
    assert.equal(capped.cacheWriteTokens, 20);
    assert.equal(
      typicalRequest(
        Array.from({ length: 80 }, (_, i) => ({
          promptTokens: i,
          completionTokens: 0,
          cachedTokens: 0,
          cacheWriteTokens: 0,
        })),
      ).samples,
      50,
    );
  });

  it('no history: the stated default (2,000 in, 500 out)', () => {
    assert.deepEqual(typicalRequest([]), { ...DEFAULT_REQUEST, samples: 0 });
    assert.deepEqual(DEFAULT_REQUEST, {
      promptTokens: 2000,
      completionTokens: 500,
      cachedTokens: 0,
      cacheWriteTokens: 0,
    });
  });

  it('the cost class by class: uncached input, cache reads, writes and output at their own prices', () => {
    const usd = (a: string) => ({ amount: a, currency: 'USD' as const });
    const sonnet = {
      inputPerMTok: usd('3'),
      outputPerMTok: usd('15'),
      cacheReadPerMTok: usd('0.3'),
      cacheWritePerMTok: usd('3.75'),
    };
    // 1,750 uncached × $3 + 750 cached × $0.30 + 250 out × $15, per 1M = 0.00525 + 0.000225 + 0.00375
    const c = typicalCost(
      { promptTokens: 2500, completionTokens: 250, cachedTokens: 750, cacheWriteTokens: 0 },
      sonnet,
    );
    assert.equal(c?.amount, '0.009225');
    assert.deepEqual(c?.unpriced, []);
    // with a cache write: 1,500 uncached × 3 + 500 read × 0.3 + 500 written × 3.75 + 300 out × 15 = 0.0045 + 0.00015 + 0.001875 + 0.0045
    assert.equal(
      typicalCost({ promptTokens: 2500, completionTokens: 300, cachedTokens: 500, cacheWriteTokens: 500 }, sonnet)
        ?.amount,
      '0.011025',
    );
    // the default on AIone's CNY prices: 2,000 × ¥14.4 + 500 × ¥57.6 per 1M = 0.0288 + 0.0288
    const cny = typicalCost(DEFAULT_REQUEST, {
      inputPerMTok: { amount: '14.4', currency: 'CNY' },
      outputPerMTok: { amount: '57.6', currency: 'CNY' },
    });
    assert.deepEqual([cny?.amount, cny?.currency], ['0.0576', 'CNY']);
    // cached tokens on a model without a cache-read price: named unpriced, the amount a lower bound
    const lower = typicalCost(
      { promptTokens: 1000, completionTokens: 0, cachedTokens: 400, cacheWriteTokens: 0 },
      {
        inputPerMTok: usd('2'),
        outputPerMTok: usd('8'),
      },
    );
    assert.deepEqual([lower?.amount, lower?.unpriced], ['0.0012', ['cacheRead']]);
    assert.equal(typicalCost(DEFAULT_REQUEST, undefined), undefined);
  });

  it('recent requests: answered turns with usage, newest first, across conversations', () => {
    const turn = (role: string, at: string, p?: number) => ({
      role,
      createdAt: at,
      ...(p !== undefined ? { usage: { promptTokens: p, completionTokens: 1, cachedTokens: 2 } } : {}),
    });
    const r = recentRequestsOf([
      { turns: [turn('user', '2026-01-01T00:00:00Z'), turn('assistant', '2026-01-01T00:00:01Z', 10)] },
      { turns: [turn('assistant', '2026-01-03T00:00:00Z', 30), turn('assistant', '2026-01-02T00:00:00Z')] },
      { turns: [turn('assistant', '2026-01-02T00:00:00Z', 20)] },
    ]);
    assert.deepEqual(
      r.map((x) => x.promptTokens),
      [30, 20, 10],
    );
    assert.deepEqual(r[0], { promptTokens: 30, completionTokens: 1, cachedTokens: 2, cacheWriteTokens: 0 });
  });
});
