/**
 * Panels that come back after a window reload, in a real VS Code against the simulator, for both gateways: the keys
 * table (order, page size, page, filter), the request log (filter with its key, order), Compare Models (the models)
 * and key details (the key). Each is opened and changed as a user would, the state its page was asked to keep
 * (what VS Code hands the panel serializer after a reload) is read, the panel is closed, and a fresh panel of the
 * same view type is given to the extension's serializer with that state (as VS Code does on reload): it must come
 * back showing the same thing, its code loaded on the way. A state that names no known connection closes the panel.
 * No secret is in any kept state. And "Add to Comparison" accepts every shape VS Code passes it.
 */
import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import { type Gateways, KINDS, startGateways, waitFor, withPrompter } from './fixture';
import { ScriptedPrompter } from './scriptedPrompter';

/** What VS Code does with a kept state: it stores it as JSON and gives back the parsed copy. */
const roundTrip = (state: object | undefined): unknown => JSON.parse(JSON.stringify(state ?? null)) as unknown;

const fresh = (viewType: string): vscode.WebviewPanel =>
  vscode.window.createWebviewPanel(viewType, 'restored', vscode.ViewColumn.Active, {});

describe('Panels restored after a reload (both gateways, simulator)', function () {
  this.timeout(120_000);
  let g: Gateways;
  let secrets: string[] = [];

  before(async () => {
    g = await startGateways('Restore', { keyCount: 60, seed: 7 });
    const { sim } = g;
    secrets = [
      sim.aione.adminToken,
      sim.aihubmix.accessToken,
      sim.aione.modelKey,
      sim.aihubmix.modelKey,
      ...sim.state.aihubmix.tokens.map((t) => t.key),
    ];
  });
  after(async () => {
    g.api.compare.close();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await g?.close();
  });

  const noSecretIn = (kept: unknown) => {
    const text = JSON.stringify(kept);
    for (const s of secrets) assert.ok(!text.includes(s), 'no secret in a kept state');
    assert.doesNotMatch(text, /sk-[A-Za-z0-9]{8,}/);
  };

  for (const kind of KINDS) {
    describe(kind, () => {
      it('the keys table comes back with its order, page size, page and filter', async () => {
        const id = g.ids[kind];
        await vscode.commands.executeCommand('aiGateway.openKeysTable', { connectionId: id });
        const table = await waitFor('the table', () => g.api.keysTable.panel(id));
        await table.settled();
        await table.ui.pageSize(25);
        await table.ui.sortBy('name');
        await table.host.router.handle({ type: 'page', page: 1 });
        await table.settled();
        const before = table.snapshot();
        const kept = roundTrip(table.host.kept);
        assert.deepEqual(kept, { connectionId: id, sort: before.sort, filter: '', pageSize: 25, page: 1 });
        noSecretIn(kept);
        table.close();
        await waitFor('the table closed', () => !g.api.keysTable.panel(id));

        const back = await g.api.keysTable.restore(fresh('aiGateway.keysTable'), kept);
        assert.ok(back, 'restored');
        assert.equal(g.api.keysTable.panel(id), back);
        await back.settled();
        const after = back.snapshot();
        assert.deepEqual(after.sort, before.sort);
        assert.equal(after.pageSize, 25);
        assert.deepEqual(
          after.rows.map((k) => k.id),
          before.rows.map((k) => k.id),
          'the same page 2 in the same order',
        );
        await waitFor('the restored page loaded', () => back.host.readyCount > 0);

        // a filter is kept too (the gateway's search where it searches)
        const term = after.rows[0]!.name.slice(0, 6);
        await back.ui.type(term);
        await back.settled();
        const filtered = roundTrip(back.host.kept) as { filter: string };
        assert.equal(filtered.filter, term);
        back.close();
        await waitFor('the table closed', () => !g.api.keysTable.panel(id));
        const again = await g.api.keysTable.restore(fresh('aiGateway.keysTable'), filtered);
        assert.ok(again);
        await again.settled();
        assert.ok(again.snapshot().rows.length > 0);
        assert.ok(again.snapshot().rows.every((k) => k.name.toLowerCase().includes(term.toLowerCase())));
        again.close();
      });

      it('the request log comes back with its filter (the key by name) and its order', async () => {
        const id = g.ids[kind];
        const key = (await g.api.connections.gateway(id).listKeys({ page: 0, pageSize: 5 })).items[0]!;
        await vscode.commands.executeCommand('aiGateway.showKeyRequests', {
          connectionId: id,
          keyId: key.id,
          key: { name: key.name },
        });
        const v0 = (await g.api.requests.state(id))!.view;
        await g.api.requests.post(id, { type: 'setFilter', filter: { ...v0.filter, range: { preset: '30d' } } });
        await g.api.requests.post(id, { type: 'sort', key: 'cost', dir: 'asc' });
        const before = (await g.api.requests.state(id))!.view;
        const kept = roundTrip(g.api.requests.kept(id));
        assert.deepEqual(kept, {
          connectionId: id,
          filter: { range: { preset: '30d' }, keyId: key.id },
          key: { id: key.id, name: key.name },
          sort: { key: 'cost', dir: 'asc' },
        });
        noSecretIn(kept);
        g.api.requests.close(id);
        assert.equal(await g.api.requests.state(id), undefined, 'the log is closed');

        assert.ok(await g.api.requests.restore(fresh('aiGateway.requests'), kept));
        const after = (await g.api.requests.state(id))!.view;
        assert.deepEqual(after.filter, before.filter);
        assert.deepEqual(after.sort, { key: 'cost', dir: 'asc' });
        assert.equal(after.status, before.status);
        assert.deepEqual(
          after.rows.map((r) => r.requestId),
          before.rows.map((r) => r.requestId),
          'the same rows in the same order',
        );
        g.api.requests.close(id);
      });

      it('key details come back showing the same key, read again', async () => {
        const id = g.ids[kind];
        const key = (await g.api.connections.gateway(id).listKeys({ page: 0, pageSize: 5 })).items[1]!;
        const ref = { connectionId: id, keyId: key.id };
        await vscode.commands.executeCommand('aiGateway.viewKeyDetails', ref);
        const details = await waitFor('the details', () => g.api.keyDetailsViews.panel(ref));
        await details.settled();
        const kept = roundTrip(details.host.kept);
        assert.deepEqual(kept, ref);
        noSecretIn(kept);
        details.close();
        await waitFor('the details closed', () => !g.api.keyDetailsViews.panel(ref));

        const back = g.api.keyDetailsViews.restore(fresh('aiGateway.keyDetails'), kept);
        assert.ok(back);
        await back.settled();
        assert.equal(back.view?.title, key.name);
        back.close();
      });
    });
  }

  it('Compare Models comes back with the models it compared, of both gateways', async () => {
    const refs = [
      { connectionId: g.ids.aione, modelId: 'claude-sonnet-4-6' },
      { connectionId: g.ids.aihubmix, modelId: 'gpt-4.1-mini' },
    ];
    await g.api.compare.open(refs);
    await waitFor('the compare state', () => g.api.compare.state?.columns.length === 2);
    const kept = roundTrip(g.api.compare.kept);
    assert.deepEqual(kept, { models: refs });
    g.api.compare.close();
    await waitFor('the compare panel closed', () => !g.api.compare.isOpen);

    assert.ok(await g.api.compare.restore(fresh('aiGateway.compareModels'), kept));
    assert.ok(g.api.compare.isOpen);
    assert.deepEqual(
      g.api.compare.state!.columns.map((c) => [c.connectionId, c.modelId, c.cells.connection]),
      [
        [g.ids.aione, 'claude-sonnet-4-6', 'Restore AIone'],
        [g.ids.aihubmix, 'gpt-4.1-mini', 'Restore AIHubMix'],
      ],
    );
    g.api.compare.close();
  });

  it('a kept state naming no known connection (or not valid) closes the restored panel', async () => {
    const gone = { connectionId: 'no-such-connection' };
    const closes = async (viewType: string, restore: (p: vscode.WebviewPanel) => Promise<unknown> | unknown) => {
      const panel = fresh(viewType);
      let closed = false;
      panel.onDidDispose(() => (closed = true));
      assert.ok(!(await restore(panel)), `${viewType}: refused`);
      assert.ok(closed, `${viewType}: the restored panel is closed`);
    };
    await closes('aiGateway.keysTable', (p) =>
      g.api.keysTable.restore(p, { ...gone, filter: '', pageSize: 25, page: 0 }),
    );
    await closes('aiGateway.keysTable', (p) => g.api.keysTable.restore(p, { connectionId: g.ids.aione, page: -1 }));
    await closes('aiGateway.requests', (p) =>
      g.api.requests.restore(p, { ...gone, filter: { range: { preset: '7d' } }, sort: { key: 'at', dir: 'desc' } }),
    );
    await closes('aiGateway.keyDetails', (p) => g.api.keyDetailsViews.restore(p, { ...gone, keyId: '1' }));
    await closes('aiGateway.compareModels', (p) => g.api.compare.restore(p, { models: 'x' }));
  });
});

describe('"Add to Comparison" takes every shape VS Code passes it', function () {
  this.timeout(60_000);
  let g: Gateways;
  const id = (connectionId: string, modelId: string) => JSON.stringify([connectionId, modelId]);

  before(async () => {
    g = await startGateways('AddCmp', { keyCount: 2 });
  });
  after(async () => {
    g.api.compare.close();
    await g?.close();
  });

  const run = async (p: ScriptedPrompter, ...args: unknown[]) => {
    const errors: string[] = [];
    // the command's failure is an error message: catch what it would show (answered by dismissing it)
    const w = vscode.window as unknown as Record<string, unknown>;
    const original = w.showErrorMessage;
    w.showErrorMessage = (message: string) => {
      errors.push(message);
      return Promise.resolve(undefined);
    };
    try {
      await withPrompter(g.api, p, () => vscode.commands.executeCommand('aiGateway.addModelToComparison', ...args));
    } finally {
      w.showErrorMessage = original;
    }
    return errors;
  };

  it('from the command palette (no argument) it opens the model chooser, not an error', async () => {
    const a = { connectionId: g.ids.aione, modelId: 'gpt-4o' };
    const b = { connectionId: g.ids.aihubmix, modelId: 'gpt-4.1-mini' };
    const p = new ScriptedPrompter({ compare: [[id(a.connectionId, a.modelId), id(b.connectionId, b.modelId)]] });
    const errors = await run(p);
    assert.deepEqual(errors, []);
    assert.ok(
      p.shown.some((s) => s.id === 'compare'),
      'the chooser was shown',
    );
    assert.deepEqual(g.api.compare.models, [a, b]);
  });

  it('from a Models view row, and from a multi-selection ([row, rows]): every selected model is added', async () => {
    g.api.compare.close();
    await g.api.compare.open([]);
    const root = (await g.api.models.getChildren()).find(
      (n) => n.kind === 'connection' && n.connectionId === g.ids.aihubmix,
    )!;
    const vendors = await g.api.models.getChildren(root);
    const rows = (await Promise.all(vendors.map((v) => g.api.models.getChildren(v)))).flat();
    const models = rows.filter((n) => n.kind === 'model').slice(0, 3);
    assert.equal(models.length, 3);
    assert.deepEqual(await run(new ScriptedPrompter(), models[0]), []);
    assert.deepEqual(await run(new ScriptedPrompter(), models[1], [models[1], models[2]]), []);
    assert.deepEqual(
      g.api.compare.models.map((m) => m.modelId),
      models.map((m) => (m as { modelId: string }).modelId),
    );
    // another shape is still refused, with the sentence that says so
    const errors = await run(new ScriptedPrompter(), { connectionId: g.ids.aione });
    assert.equal(errors.length, 1);
    assert.match(errors[0]!, /argument it does not accept/);
  });
});
