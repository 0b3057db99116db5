/**
 * The model catalogue in a real VS Code against the simulator, both gateways: the Models view filtered ("tools + ≥ 128k
 * context") and sorted (cheapest input first) through its commands, with the "Filtered: … (clear)" row and the state
 * kept in the workspace; "Compare Models" with 2–3 models (state read through the test API, the typical request
 * priced to the last decimal); "Allow on Key…" adding a model to a key with every other field of the key kept.
 */
import { strict as assert } from 'node:assert';
import Big from 'big.js';
import * as vscode from 'vscode';
import type { ModelNode, ModelsTreeNode } from '../../../src/features/models/nodes';
import { findModel, rmbE4 } from '../../simulator/catalog';
import type { Simulator } from '../../simulator/index';
import { KINDS, startGateways, waitFor, withPrompter, type Gateways, type Kind } from './fixture';
import { ScriptedPrompter } from './scriptedPrompter';

const money = (amount: string, currency: 'CNY' | 'USD', max = 4) =>
  new Intl.NumberFormat(vscode.env.language, {
    style: 'currency',
    currency,
    currencyDisplay: 'narrowSymbol',
    minimumFractionDigits: 2,
    maximumFractionDigits: max,
  }).format(amount as Intl.StringNumericLiteral);

/** The simulator's price per 1M tokens as the gateway lists it (AIone: RMB = USD × 7.2; AIHubMix: USD). */
const listPrice = (kind: Kind, usdE4: number): Big => new Big(kind === 'aione' ? rmbE4(usdE4) : usdE4).div(10000);

async function simKeys(sim: Simulator, gateway: Kind): Promise<Array<Record<string, unknown>>> {
  const base = gateway === 'aione' ? sim.aione.url : sim.aihubmix.url;
  const res = await fetch(`${base}/__sim/keys?gateway=${gateway}`);
  assert.equal(res.status, 200);
  return ((await res.json()) as { items: Array<Record<string, unknown>> }).items;
}

describe('Model catalogue: filter, sort, compare, allow on key (both gateways, simulator)', function () {
  this.timeout(60000);
  let g: Gateways;
  let api: Gateways['api'];
  let sim: Simulator;
  let ids: Record<Kind, string>;

  before(async () => {
    g = await startGateways('Catalogue', { keyCount: 6 });
    ({ api, sim, ids } = g);
  });

  // the view's filter lives in the workspace: every test leaves it cleared for the next file
  afterEach(() => vscode.commands.executeCommand('aiGateway.clearModelFilter'));

  after(async () => {
    api.compare.close();
    await g?.close();
  });

  const root = async (kind: Kind): Promise<ModelsTreeNode> => {
    const n = (await api.models.getChildren()).find((x) => x.kind === 'connection' && x.connectionId === ids[kind]);
    assert.ok(n);
    return n;
  };

  it('filter "tools + ≥ 128k context" and sort cheapest input first: a flat list per connection, a Filtered row, kept per workspace', async () => {
    const p = new ScriptedPrompter({ filter: [['feature:tools']], minContext: '128000', sort: 'inputPrice' });
    await withPrompter(api, p, async () => {
      await vscode.commands.executeCommand('aiGateway.filterModelCatalogue');
      await vscode.commands.executeCommand('aiGateway.sortModels');
    });
    assert.deepEqual(p.errors, []);
    const top = await api.models.getChildren();
    assert.equal(top[0]!.kind, 'filter', 'the first row says what is filtered');
    const row = api.models.getTreeItem(top[0]!);
    assert.equal(row.label, 'Filtered: tools, ≥ 128K ctx · cheapest input first');
    assert.equal(row.description, '(clear)');
    assert.equal(row.command?.command, 'aiGateway.clearModelFilter');
    assert.deepEqual(api.workspaceState.get('aiGateway.models.view'), {
      kinds: [],
      features: ['tools'],
      minContext: 128000,
      sort: 'inputPrice',
    });
    for (const kind of KINDS) {
      const shown = (await api.models.getChildren(await root(kind))) as ModelNode[];
      assert.ok(
        shown.every((n) => n.kind === 'model'),
        'no vendor groups while sorted by price',
      );
      // every model the gateway lists with tools and ≥ 128k context (per the simulator's own rows), and only those
      const expected = api.models
        .cached(ids[kind])!
        .filter((m) => {
          const row = findModel(m.id)!;
          const ctx = kind === 'aione' && row.aioneNoContext ? 0 : row.contextLength;
          return row.features.split(',').includes('tools') && ctx >= 128000;
        })
        .map((m) => m.id);
      assert.deepEqual(shown.map((n) => n.modelId).sort(), [...expected].sort(), kind);
      // cheapest input first (ties: the output price, then the id); a model without a price last
      const price = (id: string) => {
        const r = findModel(id)!;
        return kind === 'aione' && r.aioneNoPrice ? undefined : listPrice(kind, r.inUsdE4);
      };
      const seq = shown.map((n) => price(n.modelId));
      const firstUnpriced = seq.findIndex((x) => x === undefined);
      if (firstUnpriced >= 0)
        assert.ok(
          seq.slice(firstUnpriced).every((x) => x === undefined),
          'unpriced last',
        );
      const priced = seq.filter((x): x is Big => x !== undefined);
      for (let i = 1; i < priced.length; i++)
        assert.ok(priced[i - 1]!.lte(priced[i]!), `${kind}: ordered by input price`);
      // the row: context, prices per 1M, features — short
      const gpt = shown.find((n) => n.modelId === 'gpt-4o')!;
      const cur = kind === 'aione' ? 'CNY' : 'USD';
      const r = findModel('gpt-4o')!;
      assert.equal(
        api.models.getTreeItem(gpt).description,
        `128K · ${money(listPrice(kind, r.inUsdE4).toString(), cur)}/${money(listPrice(kind, r.outUsdE4).toString(), cur)} · tools, vision, JSON, web`,
      );
      const tip = (api.models.getTreeItem(gpt).tooltip as vscode.MarkdownString).value.replace(/&nbsp;/g, ' ');
      for (const want of [/Type:\*\* chat/, /Input:\*\* text, image, audio/, /Cache read price/, /Max output/])
        assert.match(tip, want, `${kind} tooltip: ${tip}`);
    }
    // the view's state survives a new provider over the same workspace state (as after a reload)
    await vscode.commands.executeCommand('aiGateway.clearModelFilter');
    assert.deepEqual(api.workspaceState.get('aiGateway.models.view'), { kinds: [], features: [], sort: 'name' });
    assert.notEqual((await api.models.getChildren())[0]!.kind, 'filter', 'cleared: no Filtered row');
    const groups = await api.models.getChildren(await root('aihubmix'));
    assert.ok(
      groups.every((n) => n.kind === 'vendor'),
      'vendor groups are back',
    );
  });

  it('filter by kind (embedding or image) with a custom minimum context; nothing matches → a message per connection', async () => {
    const p = new ScriptedPrompter({
      filter: [['kind:embedding', 'kind:image']],
      minContext: 'custom',
      'minContext.custom': '8k',
    });
    await withPrompter(api, p, () => vscode.commands.executeCommand('aiGateway.filterModelCatalogue'));
    const hub = (await api.models.getChildren(await root('aihubmix'))) as ModelNode[];
    assert.deepEqual(hub.map((n) => n.modelId).sort(), ['gpt-image-1', 'text-embedding-3-small']);
    // AIone does not know gpt-image-1's context: it cannot pass a minimum context
    const one = (await api.models.getChildren(await root('aione'))) as ModelNode[];
    assert.deepEqual(
      one.map((n) => n.modelId),
      ['text-embedding-3-small'],
    );
    assert.equal(
      api.models.getTreeItem(one[0]!).description,
      `embedding · 8.2K · ${money(listPrice('aione', findModel('text-embedding-3-small')!.inUsdE4).toString(), 'CNY')}/${money('0', 'CNY')}`,
    );
    const p2 = new ScriptedPrompter({ filter: [['kind:rerank']], minContext: '0' });
    await withPrompter(api, p2, () => vscode.commands.executeCommand('aiGateway.filterModelCatalogue'));
    const none = await api.models.getChildren(await root('aione'));
    assert.equal(none.length, 1);
    assert.equal(none[0]!.kind, 'message');
    assert.equal(api.models.getTreeItem(none[0]!).label, 'No model of this connection passes the filter.');
    await vscode.commands.executeCommand('aiGateway.clearModelFilter');
  });

  it('Compare Models: 3 models of both gateways side by side; the typical request priced exactly; Cursor names on AIone', async () => {
    const refs = [
      { connectionId: ids.aione, modelId: 'claude-sonnet-4-6' },
      { connectionId: ids.aihubmix, modelId: 'claude-sonnet-4-6' },
      { connectionId: ids.aihubmix, modelId: 'gpt-4.1-mini' },
    ];
    // chosen in the picker: one model is refused (2 to 4), then three
    const id = (r: (typeof refs)[number]) => JSON.stringify([r.connectionId, r.modelId]);
    const p = new ScriptedPrompter({ compare: [[id(refs[0]!)], refs.map(id)] });
    const before = api.compare.readyCount;
    await withPrompter(api, p, () => vscode.commands.executeCommand('aiGateway.compareModels'));
    assert.match(p.shown.filter((s) => s.id === 'compare')[1]!.validationMessage ?? '', /at least 2 and at most 4/);
    await waitFor('the compare panel drew its state', () => api.compare.readyCount > before && api.compare.state);
    const state = api.compare.state!;
    assert.deepEqual(
      state.columns.map((c) => [c.connectionId, c.modelId]),
      refs.map((r) => [r.connectionId, r.modelId]),
    );
    const t = api.compare.typical!;
    if (t.samples === 0) {
      assert.deepEqual([t.promptTokens, t.completionTokens, t.cachedTokens], [2000, 500, 0]);
      assert.match(
        state.typicalNote,
        /2,000 tokens in .*500 out\. No chat history yet, so this default size is assumed\./,
      );
    } else
      assert.match(
        state.typicalNote,
        new RegExp(`median of your last ${t.samples} chat requests|your last chat request`),
      );
    const [one, hub, mini] = state.columns as [
      (typeof state.columns)[0],
      (typeof state.columns)[0],
      (typeof state.columns)[0],
    ];
    assert.equal(one.cells.alias, 'sonnet-4-6 (Cursor)', "AIone's naming rule for Cursor");
    assert.equal(hub.cells.alias, '—', 'AIHubMix has no such rule');
    assert.equal(one.cells.connection, 'Catalogue AIone');
    assert.equal(hub.cells.type, 'chat');
    assert.equal(hub.cells.features, 'tools, thinking, vision, long context');
    assert.equal(hub.cells.modalities, 'text, image, PDF', 'each input type by its display name');
    assert.equal(hub.cells.context, (200000).toLocaleString(vscode.env.language));
    assert.equal(hub.cells.maxOutput, (64000).toLocaleString(vscode.env.language));
    for (const [col, kind] of [
      [one, 'aione'],
      [hub, 'aihubmix'],
      [mini, 'aihubmix'],
    ] as const) {
      const m = findModel(col.modelId)!;
      const cur = kind === 'aione' ? 'CNY' : 'USD';
      const per = (e4: number | undefined) =>
        e4 === undefined ? '—' : `${money(listPrice(kind, e4).toString(), cur)} per 1M`;
      assert.equal(col.cells.input, per(m.inUsdE4));
      assert.equal(col.cells.output, per(m.outUsdE4));
      assert.equal(col.cells.cacheRead, per(m.cacheReadE4));
      assert.equal(col.cells.cacheWrite, per(m.cacheWriteE4));
      // the typical request by hand: uncached input, cache reads, cache writes and output at the list prices
      const M = new Big(1_000_000);
      const uncached = t.promptTokens - t.cachedTokens - t.cacheWriteTokens;
      let cost = new Big(uncached).times(listPrice(kind, m.inUsdE4)).div(M);
      cost = cost.plus(new Big(t.completionTokens).times(listPrice(kind, m.outUsdE4)).div(M));
      if (t.cachedTokens > 0)
        cost = cost.plus(new Big(t.cachedTokens).times(listPrice(kind, m.cacheReadE4 ?? 0)).div(M));
      if (t.cacheWriteTokens > 0)
        cost = cost.plus(new Big(t.cacheWriteTokens).times(listPrice(kind, m.cacheWriteE4 ?? 0)).div(M));
      const lowerBound =
        (t.cachedTokens > 0 && m.cacheReadE4 === undefined) || (t.cacheWriteTokens > 0 && m.cacheWriteE4 === undefined);
      const text = money(cost.toString(), cur, 6);
      assert.equal(col.cells.typical, lowerBound ? `${text} or more (some tokens have no price)` : text, col.modelId);
    }
    // the cheapest among the columns in the most common currency (USD: the two AIHubMix models)
    assert.deepEqual(
      state.columns.map((c) => c.cheapest),
      [false, false, true],
    );
    // "Add to Comparison" from a model row adds a fourth; a fifth pushes the oldest out, and says so
    const p2 = new ScriptedPrompter();
    await withPrompter(api, p2, async () => {
      await vscode.commands.executeCommand('aiGateway.addModelToComparison', {
        connectionId: ids.aione,
        modelId: 'gpt-4o',
      });
      await vscode.commands.executeCommand('aiGateway.addModelToComparison', {
        connectionId: ids.aione,
        modelId: 'o3',
      });
    });
    assert.deepEqual(
      api.compare.models.map((m) => m.modelId),
      ['claude-sonnet-4-6', 'gpt-4.1-mini', 'gpt-4o', 'o3'],
    );
    assert.equal(api.compare.models[0]!.connectionId, ids.aihubmix);
    assert.match(p2.infos.join(' | '), /At most 4 models are compared: claude-sonnet-4-6 was taken out\./);
    assert.equal(api.compare.state!.columns.length, 4);
  });

  for (const kind of KINDS) {
    it(`${kind}: Allow on Key… adds the model to the key's allowed models; every other field of the key is kept`, async () => {
      const gw = api.connections.gateway(ids[kind]);
      const created = await gw.createKey(
        kind === 'aione'
          ? {
              name: `allow-${Date.now() % 100000}`,
              modelsAllowed: ['gpt-4o'],
              allowedIps: ['10.0.0.0/8'],
              rpmLimit: 77,
              tpmLimit: 7777,
            }
          : {
              name: `allow-${Date.now() % 100000}`,
              modelsAllowed: ['gpt-4o'],
              allowedIps: ['10.0.0.0/8'],
              quotaUsd: '3.5',
              expiresAt: new Date(Date.now() + 30 * 86_400_000).toISOString(),
            },
      );
      const beforeRec = (await simKeys(sim, kind)).find((k) => String(k['id']) === created.id)!;
      assert.ok(beforeRec);
      const p = new ScriptedPrompter({ key: created.id });
      await withPrompter(api, p, () =>
        vscode.commands.executeCommand('aiGateway.allowModelOnKey', {
          connectionId: ids[kind],
          modelId: 'claude-haiku-4-5',
        }),
      );
      assert.deepEqual(p.errors, []);
      assert.deepEqual(p.warnings, [], 'the gateway applied what was sent');
      const keyStep = p.shown.find((s) => s.id === 'key')!;
      assert.ok(keyStep.items!.includes(created.id));
      const after = (await simKeys(sim, kind)).find((k) => String(k['id']) === created.id)!;
      const modelsField = kind === 'aione' ? 'models_allowed' : 'models';
      const models = after[modelsField];
      const list = Array.isArray(models) ? (models as string[]) : String(models).split(',');
      assert.deepEqual([...list].sort(), ['claude-haiku-4-5', 'gpt-4o']);
      // every other field as it was (the modified-time stamps aside)
      const rest = (r: Record<string, unknown>) =>
        Object.fromEntries(
          Object.entries(r).filter(([k]) => k !== modelsField && !/updated|modified|model_limits/.test(k)),
        );
      assert.deepEqual(rest(after), rest(beforeRec));
      // again: already allowed, nothing sent
      const puts = sim.requests.filter((q) => q.gateway === kind && q.method === 'PUT').length;
      const p2 = new ScriptedPrompter({ key: created.id });
      await withPrompter(api, p2, () =>
        vscode.commands.executeCommand('aiGateway.allowModelOnKey', {
          connectionId: ids[kind],
          modelId: 'claude-haiku-4-5',
        }),
      );
      assert.match(p2.infos.join(' | '), /already allows claude-haiku-4-5: nothing was changed/);
      assert.equal(sim.requests.filter((q) => q.gateway === kind && q.method === 'PUT').length, puts);
      await gw.deleteKey(created.id);
    });
  }
});
