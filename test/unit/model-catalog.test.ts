/**
 * The shared model catalogue (one cached list per connection, one fetch at a time, abortable, dropped when the
 * connections change) and the rules about a model (/models filters, capabilities, limits, cost), against the
 * simulator's real catalogues.
 */
import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import type { ModelInfo } from '../../src/core/types';
import { ModelCatalog, type CatalogSource } from '../../src/platform/modelCatalog';
import { capabilitiesOf, familyOf, filterModels, parseModelFilter, tokenLimitsOf } from '../../src/platform/modelRules';
import { priceUsage } from '../../src/core/pricing';
import { gatewayFor, startSimulator, type Simulator } from './support';

function source(list: (signal?: AbortSignal) => Promise<readonly ModelInfo[]>) {
  const listeners = new Set<() => void>();
  const s: CatalogSource & { fire(): void; calls: number } = {
    calls: 0,
    gateway: () => ({
      listModels: (o) => {
        s.calls++;
        return list(o?.signal);
      },
    }),
    onDidChange: (l) => {
      listeners.add(l);
      return { dispose: () => listeners.delete(l) };
    },
    fire: () => {
      for (const l of listeners) l();
    },
  };
  return s;
}

describe('model catalogue service', () => {
  it('fetches once for concurrent callers, serves the cache while fresh, refetches after the TTL or a change', async () => {
    let now = 0;
    const src = source(() => new Promise((r) => setTimeout(() => r([{ id: 'm', vendor: 'X' }]), 5)));
    const c = new ModelCatalog(src, { ttlMs: 1000, now: () => now });
    const [a, b] = await Promise.all([c.get('c1'), c.get('c1')]);
    assert.equal(a, b);
    assert.equal(src.calls, 1);
    await c.get('c1');
    assert.equal(src.calls, 1, 'fresh: from the cache');
    now = 2000;
    await c.get('c1');
    assert.equal(src.calls, 2, 'stale: fetched again');
    let told = 0;
    c.onDidChange(() => told++);
    src.fire();
    assert.equal(c.peek('c1'), undefined, 'a connection change drops the lists');
    assert.equal(told, 1);
    c.dispose();
  });

  it("a caller's abort ends its wait; the shared request is aborted when nobody waits any more", async () => {
    let seen: AbortSignal | undefined;
    const src = source((signal) => {
      seen = signal;
      return new Promise((_r, reject) => signal?.addEventListener('abort', () => reject(new Error('aborted'))));
    });
    const c = new ModelCatalog(src);
    const ac = new AbortController();
    const p = c.get('c1', { signal: ac.signal });
    await new Promise((r) => setTimeout(r, 1));
    ac.abort();
    await assert.rejects(p);
    assert.equal(seen?.aborted, true, 'the HTTP request was aborted');
    c.dispose();
  });

  it('a failure is remembered briefly (no hammering), then retried', async () => {
    let now = 0;
    let fail = true;
    const src = source(() => (fail ? Promise.reject(new Error('down')) : Promise.resolve([{ id: 'm', vendor: 'X' }])));
    const c = new ModelCatalog(src, { errorTtlMs: 100, now: () => now });
    await assert.rejects(c.get('c1'), /down/);
    await assert.rejects(c.get('c1'), /down/);
    assert.equal(src.calls, 1);
    fail = false;
    now = 200;
    assert.equal((await c.get('c1')).length, 1);
    c.dispose();
  });
});

describe("model rules against the simulator's catalogues", () => {
  let sim: Simulator;
  let hub: readonly ModelInfo[];
  let one: readonly ModelInfo[];
  before(async () => {
    sim = await startSimulator();
    const g1 = gatewayFor(sim, 'aihubmix');
    const g2 = gatewayFor(sim, 'aione');
    [hub, one] = await Promise.all([g1.listModels(), g2.listModels()]);
    await Promise.all([g1.dispose(), g2.dispose()]);
  });
  after(async () => {
    await sim.close();
  });

  it('"with tools and ≥ 128k context, cheapest first" (and its Chinese form) filters and orders by the input price', () => {
    const f = parseModelFilter('with tools and ≥ 128k context, cheapest first');
    assert.deepEqual(f, { tools: true, minContext: 128_000, text: [], sort: 'cheapest' });
    assert.deepEqual(parseModelFilter('工具 128k 最便宜'), f);
    const ids = filterModels(hub, f).map((m) => m.id);
    assert.equal(ids[0], 'glm-4-flash');
    assert.ok(
      !ids.includes('qwen-max') && !ids.includes('deepseek-reasoner') && !ids.includes('text-embedding-3-small'),
    );
    const prices = filterModels(hub, f).map((m) => Number(m.price!.inputPerMTok!.amount));
    assert.deepEqual(
      prices,
      [...prices].sort((a, b) => a - b),
    );
    assert.deepEqual(
      filterModels(one, parseModelFilter('vision claude'))
        .map((m) => m.id)
        .every((id) => id.startsWith('claude')),
      true,
    );
  });

  it('capabilities from the catalogue where it says (features, input modalities), from the family where it does not', () => {
    const byId = (l: readonly ModelInfo[], id: string) => l.find((m) => m.id === id)!;
    assert.equal(capabilitiesOf(byId(hub, 'deepseek-reasoner')).toolCalling, false);
    // both catalogues now state features and input modalities: nothing is assumed
    assert.deepEqual(capabilitiesOf(byId(hub, 'gpt-4.1')), { toolCalling: true, imageInput: true, assumed: [] });
    assert.deepEqual(capabilitiesOf(byId(one, 'gpt-4.1')), { toolCalling: true, imageInput: true, assumed: [] });
    assert.equal(capabilitiesOf(byId(one, 'deepseek-chat')).imageInput, false, 'text-only input per the catalogue');
    // a bare list (the OpenAI-style fallback): the family rules, named as assumed
    assert.deepEqual(capabilitiesOf({ id: 'gpt-4.1', vendor: 'OpenAI' }), {
      toolCalling: true,
      imageInput: true,
      assumed: ['toolCalling', 'imageInput'],
    });
    assert.equal(familyOf('claude-sonnet-4-20250514'), 'claude-sonnet-4');
    assert.deepEqual(tokenLimitsOf(byId(hub, 'gpt-4.1')), {
      maxInputTokens: 1047576 - 32768,
      maxOutputTokens: 32768,
      contextAssumed: false,
    });
  });

  it("cost: AIHubMix's cache read / write prices reach the model (they were dropped) and price the cache classes", () => {
    const gpt = hub.find((x) => x.id === 'gpt-4.1')!; // $2 in, $8 out, $0.50 cached per 1M (catalogue: 0.002 / 0.008 / 0.0005 per 1K)
    assert.deepEqual(gpt.price, {
      inputPerMTok: { amount: '2', currency: 'USD' },
      outputPerMTok: { amount: '8', currency: 'USD' },
      cacheReadPerMTok: { amount: '0.5', currency: 'USD' },
    });
    // (1000 − 800) × 2 / 1e6 + 800 × 0.5 / 1e6 + 500 × 8 / 1e6 = 0.0004 + 0.0004 + 0.004 = 0.0048
    assert.equal(
      priceUsage({ promptTokens: 1000, completionTokens: 500, totalTokens: 1500, cachedTokens: 800 }, gpt.price)!
        .amount,
      '0.0048',
    );
    const claude = hub.find((x) => x.id === 'claude-sonnet-4-6')!; // $3 in, $15 out, $0.30 read, $3.75 write
    assert.equal(claude.price!.cacheWritePerMTok!.amount, '3.75');
    // 100 × 3 + 1000 × 0.3 + 400 × 3.75 + 50 × 15 = 300 + 300 + 1500 + 750 = 2850 → / 1e6 = 0.00285
    assert.equal(
      priceUsage(
        { promptTokens: 1500, completionTokens: 50, totalTokens: 1550, cachedTokens: 1000, cacheWriteTokens: 400 },
        claude.price,
      )!.amount,
      '0.00285',
    );
    assert.equal(priceUsage({ promptTokens: 1, completionTokens: 1, totalTokens: 2 }, undefined), undefined);
  });
});
