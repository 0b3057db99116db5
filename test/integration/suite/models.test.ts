/**
 * The Models tree in a real VS Code against the gateway simulator (both gateways): lazy loading, vendor groups
 * with the simulator's counts, prices in the gateway's currency, the filter, "Copy model id", a fault on the
 * model list shown as an error child that retries, and a rejected token never hidden behind the public catalogue.
 */
import { strict as assert } from 'node:assert';
import Big from 'big.js';
import * as vscode from 'vscode';
import type { ModelNode, ModelsTreeNode, VendorNode } from '../../../src/features/models/nodes';
import { findModel } from '../../simulator/catalog';
import type { Simulator } from '../../simulator/index';
import { startGateways, type Gateways, type Kind } from './fixture';

async function getJson(url: string, headers: Record<string, string> = {}): Promise<unknown> {
  const r = await fetch(url, { headers });
  assert.ok(r.ok, `${url} → ${r.status}`);
  return r.json();
}

/** What the simulator serves as the model list, read over the wire: id → {vendor, price per 1M as decimal strings}. */
async function wireModels(
  sim: Simulator,
  kind: Kind,
): Promise<Map<string, { vendor: string; input?: string; output?: string; context?: number }>> {
  const out = new Map<string, { vendor: string; input?: string; output?: string; context?: number }>();
  if (kind === 'aione') {
    const body = (await getJson(`${sim.aione.url}/api/v1/models`, {
      authorization: `Bearer ${sim.aione.adminToken}`,
    })) as {
      items: Array<{
        id: string;
        provider: string;
        input_price: string | null;
        output_price: string | null;
        context_length: number | null;
      }>;
    };
    for (const m of body.items) {
      out.set(m.id, {
        vendor: m.provider,
        ...(m.input_price != null ? { input: m.input_price } : {}),
        ...(m.output_price != null ? { output: m.output_price } : {}),
        ...(m.context_length != null ? { context: m.context_length } : {}),
      });
    }
  } else {
    const ids = (await getJson(`${sim.aihubmix.url}/api/user/available_models`, {
      authorization: sim.aihubmix.accessToken,
    })) as { data: string[] };
    const cat = (await getJson(`${sim.aihubmix.url}/api/v1/models`)) as {
      data: Array<{
        model_id: string;
        pricing?: { input?: number | string; output?: number | string };
        context_length?: number;
      }>;
    };
    const rich = new Map(cat.data.map((m) => [m.model_id, m]));
    for (const id of ids.data) {
      const r = rich.get(id);
      const perM = (v: number | string | undefined) =>
        v === undefined || v === '' ? undefined : new Big(String(v)).times(1000).toString();
      const input = perM(r?.pricing?.input);
      const output = perM(r?.pricing?.output);
      out.set(id, {
        vendor: findModel(id)?.provider ?? '?',
        ...(input ? { input } : {}),
        ...(output ? { output } : {}),
        ...(r?.context_length ? { context: r.context_length } : {}),
      });
    }
  }
  return out;
}

function price(amount: string, currency: 'CNY' | 'USD'): string {
  return new Intl.NumberFormat(vscode.env.language, {
    style: 'currency',
    currency,
    currencyDisplay: 'narrowSymbol',
    minimumFractionDigits: 2,
    maximumFractionDigits: 4,
  }).format(amount as Intl.StringNumericLiteral);
}

const modelRequests = (sim: Simulator, kind: Kind) =>
  sim.requests.filter(
    (r) => r.gateway === kind && (r.path === '/api/v1/models' || r.path === '/api/user/available_models'),
  ).length;

describe('Models tree (both gateways, simulator)', function () {
  this.timeout(60000);
  let g: Gateways;
  let api: Gateways['api'];
  let sim: Simulator;
  let ids: Record<Kind, string>;

  before(async () => {
    g = await startGateways('Models', { keyCount: 8 });
    ({ api, sim, ids } = g);
  });

  after(() => g?.close());

  const root = async (kind: Kind): Promise<ModelsTreeNode> => {
    const nodes = await api.models.getChildren();
    const n = nodes.find((x) => x.kind === 'connection' && x.connectionId === ids[kind]);
    assert.ok(n, 'each connection is a top-level node of the Models view');
    return n;
  };

  it('nothing is fetched until a connection is expanded', async () => {
    for (const kind of ['aione', 'aihubmix'] as const) {
      const node = await root(kind);
      const item = api.models.getTreeItem(node);
      assert.equal(item.collapsibleState, vscode.TreeItemCollapsibleState.Collapsed);
      assert.equal(item.label, kind === 'aione' ? 'Models AIone' : 'Models AIHubMix');
      assert.equal(api.models.cached(ids[kind]), undefined);
    }
    assert.equal(
      modelRequests(sim, 'aione') + modelRequests(sim, 'aihubmix'),
      0,
      'listing the connections did not ask a gateway for models',
    );
    await api.models.getChildren(await root('aione'));
    assert.ok(modelRequests(sim, 'aione') > 0, 'expanding asked the gateway');
    assert.equal(modelRequests(sim, 'aihubmix'), 0, 'only the expanded connection');
  });

  for (const kind of ['aione', 'aihubmix'] as const) {
    const currency = kind === 'aione' ? 'CNY' : 'USD';

    it(`${kind}: vendor groups with the simulator's counts`, async () => {
      const node = await root(kind);
      const groups = (await api.models.getChildren(node)) as VendorNode[];
      const wire = await wireModels(sim, kind);
      const expected = new Map<string, number>();
      for (const m of wire.values()) expected.set(m.vendor, (expected.get(m.vendor) ?? 0) + 1);
      assert.deepEqual(
        groups.map((g) => [g.vendor, g.models.length]),
        [...expected.entries()].sort((a, b) => a[0].localeCompare(b[0], undefined, { sensitivity: 'base' })),
        'one group per vendor, sorted, with the number of models the simulator serves',
      );
      for (const g of groups) {
        assert.equal(g.kind, 'vendor');
        assert.equal(
          api.models.getTreeItem(g).description,
          g.models.length === 1 ? '1 model' : `${g.models.length} models`,
        );
      }
    });

    it(`${kind}: models show the context length and the price per 1M tokens in ${currency}, with a full tooltip`, async () => {
      const node = await root(kind);
      const groups = (await api.models.getChildren(node)) as VendorNode[];
      const wire = await wireModels(sim, kind);
      const openai = groups.find((g) => g.vendor === 'OpenAI');
      assert.ok(openai);
      const models = (await api.models.getChildren(openai)) as ModelNode[];
      const gpt4o = models.find((m) => m.modelId === 'gpt-4o');
      assert.ok(gpt4o, 'gpt-4o is under OpenAI');
      const w = wire.get('gpt-4o')!;
      assert.ok(w.input && w.output && w.context);
      const item = api.models.getTreeItem(gpt4o);
      assert.equal(item.label, 'gpt-4o');
      assert.equal(
        item.description,
        `128K · ${price(w.input, currency)}/${price(w.output, currency)} · tools, vision, JSON, web`,
      );
      assert.ok(String(item.description).includes(currency === 'CNY' ? '¥' : '$'));
      const tooltip = (item.tooltip as vscode.MarkdownString).value;
      assert.match(tooltip, /Context window/);
      assert.match(tooltip, /Input price/);
      assert.match(tooltip, /Output price/);
      // both catalogues now carry the output limit and the features
      assert.match(tooltip, /Max output/);
      assert.match(tooltip, /Features/);
      assert.match(tooltip, /function\\?_calling/);
      // every model's price is the simulator's, exactly (no float drift)
      for (const g of groups) {
        for (const m of (await api.models.getChildren(g)) as ModelNode[]) {
          const expect = wire.get(m.modelId)!;
          for (const [got, want] of [
            [m.model.price?.inputPerMTok, expect.input],
            [m.model.price?.outputPerMTok, expect.output],
          ] as const) {
            if (want === undefined) assert.equal(got, undefined, `${m.modelId}: no price on the wire, none shown`);
            else {
              assert.ok(got && new Big(got.amount).eq(want), `${m.modelId}: ${got?.amount} ≠ ${want}`);
              assert.equal(got.currency, currency);
            }
          }
        }
      }
    });

    it(`${kind}: the list is cached per connection and refreshed per connection`, async () => {
      const node = await root(kind);
      const other = await root(kind === 'aione' ? 'aihubmix' : 'aione');
      await api.models.getChildren(other);
      const mine = modelRequests(sim, kind);
      const theirs = modelRequests(sim, kind === 'aione' ? 'aihubmix' : 'aione');
      await api.models.getChildren(node);
      assert.equal(modelRequests(sim, kind), mine, 'expanding again uses the cache');
      await vscode.commands.executeCommand('aiGateway.refreshModels', { connectionId: ids[kind] });
      const groups = await api.models.getChildren(node);
      assert.ok(groups.length > 0);
      assert.ok(modelRequests(sim, kind) > mine, 'refresh fetched again');
      await api.models.getChildren(other);
      assert.equal(
        modelRequests(sim, kind === 'aione' ? 'aihubmix' : 'aione'),
        theirs,
        'the other connection was not refetched',
      );
    });

    for (const fault of [{ kind: 'status', status: 429, retryAfter: 60 } as const, { kind: 'reset' } as const]) {
      it(`${kind}: a fault (${fault.kind === 'status' ? '429 with a long Retry-After' : 'connection reset'}) on the model list → an error child; retry loads`, async () => {
        const node = await root(kind);
        const paths = kind === 'aione' ? ['/api/v1/models'] : ['/api/user/available_models', '/api/v1/models'];
        for (const path of paths) sim.faults.add({ gateway: kind, method: 'GET', path, times: 1, fault });
        await vscode.commands.executeCommand('aiGateway.refreshModels', { connectionId: ids[kind] });
        const before = modelRequests(sim, kind);
        const children = await api.models.getChildren(node);
        assert.equal(children.length, 1, 'one error child');
        const err = children[0]!;
        assert.equal(err.kind, 'message');
        const item = api.models.getTreeItem(err);
        const label = String(item.label);
        assert.ok(
          label.includes(kind === 'aione' ? 'Models AIone' : 'Models AIHubMix'),
          `the sentence names the connection: ${label}`,
        );
        assert.match(label, fault.kind === 'status' ? /Too many requests/ : /Could not reach the gateway/);
        assert.equal(item.contextValue, 'aiGateway.modelsError');
        assert.equal(item.command?.command, 'aiGateway.refreshModels', 'clicking the error retries');
        assert.ok(modelRequests(sim, kind) > before, 'the gateway was asked');
        // retry exactly as the item does
        await vscode.commands.executeCommand(item.command.command, ...((item.command.arguments ?? []) as unknown[]));
        const groups = await api.models.getChildren(node);
        assert.ok(
          groups.length > 1 && groups.every((g) => g.kind === 'vendor'),
          'after the retry the vendor groups are back',
        );
        assert.deepEqual(sim.faults.list(), [], 'the faults were consumed');
      });
    }
  }

  it('the filter matches id, vendor and features; shown in the description; empty clears it', async () => {
    const hub = await root('aihubmix');
    api.models.setFilter('thinking', ids.aihubmix);
    const groups = (await api.models.getChildren(hub)) as VendorNode[];
    const wire = [...(await wireModels(sim, 'aihubmix')).keys()];
    const expected = wire.filter((id) => findModel(id)?.features.split(',').includes('thinking'));
    assert.ok(expected.length > 3);
    assert.deepEqual(groups.flatMap((g) => g.models.map((m) => m.id)).sort(), expected.sort());
    assert.match(String(api.models.getTreeItem(hub).description), /filter: "thinking"/);
    // the other connection is not filtered
    const one = await root('aione');
    assert.ok(!String(api.models.getTreeItem(one).description).includes('filter'));
    // by vendor: every Anthropic model and nothing else
    api.models.setFilter('anthropic', ids.aione);
    const anth = (await api.models.getChildren(one)) as VendorNode[];
    assert.deepEqual(
      anth.map((g) => g.vendor),
      ['Anthropic'],
    );
    assert.equal(
      anth[0]!.models.length,
      [...(await wireModels(sim, 'aione')).values()].filter((m) => m.vendor === 'Anthropic').length,
    );
    api.models.setFilter('', ids.aione);
    api.models.setFilter('', ids.aihubmix);
    assert.ok((await api.models.getChildren(one)).length > 5, 'cleared');
  });

  it('aihubmix: a rejected token is shown as such, never hidden behind the public model catalogue', async () => {
    const wrong = (
      await api.connections.add(
        { kind: 'aihubmix', label: 'Models wrong token', baseUrl: sim.aihubmix.url },
        'f'.repeat(32),
      )
    ).id;
    try {
      const node = (await api.models.getChildren()).find((x) => x.kind === 'connection' && x.connectionId === wrong);
      assert.ok(node);
      const children = await api.models.getChildren(node);
      assert.equal(children.length, 1, `one message, not the ${children.length} vendor groups of the public catalogue`);
      assert.equal(children[0]!.kind, 'message');
      const label = String(api.models.getTreeItem(children[0]!).label);
      assert.match(label, /access token|rejected the token|Token rejected/i, label);
      assert.ok(
        sim.requests.some((r) => r.path === '/api/user/available_models' && r.status === 200),
        'the gateway answered HTTP 200 success:false',
      );
    } finally {
      await api.connections.remove(wrong);
    }
  });

  it('"Copy model id" puts the id on the clipboard', async () => {
    const node = await root('aione');
    const groups = (await api.models.getChildren(node)) as VendorNode[];
    const g = groups.find((x) => x.vendor === 'DeepSeek')!;
    const m = ((await api.models.getChildren(g)) as ModelNode[])[0]!;
    await vscode.env.clipboard.writeText('nothing yet');
    await vscode.commands.executeCommand('aiGateway.copyModelId', m);
    assert.equal(await vscode.env.clipboard.readText(), m.modelId);
    assert.match(m.modelId, /^deepseek-/);
  });
});
