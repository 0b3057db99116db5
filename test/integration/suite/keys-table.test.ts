/**
 * The keys table and the rendered key details in a real VS Code against the simulator, for both gateways: the table
 * opens from its command, sorts by spend on the gateway where it can (AIHubMix order=used_quota) and says so where it
 * cannot until every key is loaded (AIone, joined with its usage per key), filters through the gateway's search,
 * bulk-disables three selected keys (the simulator shows exactly those disabled), reports a partial failure per key,
 * and the details view of a key follows an edit made from the tree. Every write is checked in the simulator.
 */
import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import type { CreateResult } from '../../../src/features/keys/flows/flows';
import type { KeysTablePanel } from '../../../src/features/keys/table/panel';
import type { Simulator } from '../../simulator/index';
import { type Gateways, type Kind, KINDS, startGateways, waitFor, withPrompter } from './fixture';
import { ScriptedPrompter } from './scriptedPrompter';

interface SimKey {
  id: string | number;
  name: string;
  status: string | number;
}

async function simKeys(sim: Simulator, kind: Kind): Promise<SimKey[]> {
  const res = await fetch(`${kind === 'aione' ? sim.aione.url : sim.aihubmix.url}/__sim/keys?gateway=${kind}`);
  assert.equal(res.status, 200);
  return ((await res.json()) as { items: SimKey[] }).items;
}
const disabled = (kind: Kind, k: SimKey) => (kind === 'aione' ? k.status === 'disabled' : k.status === 2);

/** This month's cost per AIone key, read straight from the simulator's usage API (not through the client). */
async function aioneMonthCost(sim: Simulator): Promise<Map<string, number>> {
  const now = new Date();
  const ymd = (d: Date) => d.toISOString().slice(0, 10);
  const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  const res = await fetch(
    `${sim.aione.url}/api/v1/obs/usage?group_by=key&start_date=${ymd(start)}&end_date=${ymd(now)}`,
    { headers: { authorization: `Bearer ${sim.aione.adminToken}` } },
  );
  const body = (await res.json()) as { items: Array<{ key_id: string | null; cost_rmb: string }> };
  const out = new Map<string, number>();
  for (const r of body.items) if (r.key_id) out.set(r.key_id, (out.get(r.key_id) ?? 0) + Number(r.cost_rmb));
  return out;
}

describe('Keys table and key details (real VS Code, simulator)', function () {
  this.timeout(120_000);
  let g: Gateways;

  before(async () => {
    g = await startGateways('Table', { keyCount: 120, seed: 31 });
  });
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await g?.close();
  });
  afterEach(() => g.sim.faults.clear());

  async function open(kind: Kind): Promise<KeysTablePanel> {
    const id = g.ids[kind];
    await vscode.commands.executeCommand('aiGateway.openKeysTable', { connectionId: id });
    const panel = await waitFor('the table panel', () => g.api.keysTable.panel(id));
    await panel.settled();
    return panel;
  }

  for (const kind of KINDS) {
    describe(kind, () => {
      it('opens from its command; 25 rows a page; sorting by spend is done by the gateway or says it covers the page', async () => {
        const panel = await open(kind);
        await panel.ui.pageSize(25);
        await panel.settled();
        assert.equal(panel.snapshot().rows.length, 25);
        assert.equal(panel.snapshot().scope.kind, 'gateway');
        await panel.ui.sortBy('spend');
        await panel.settled();
        const snap = panel.snapshot();
        assert.deepEqual(snap.sort, { column: 'spend', dir: 'desc' });
        if (kind === 'aihubmix') {
          assert.equal(snap.scope.kind, 'gatewaySorted', 'one-api sorts every page itself');
          const sent = g.sim.requests.filter((r) => r.gateway === 'aihubmix' && r.path === '/api/token/').at(-1);
          assert.equal(sent?.query['order'], 'used_quota');
          const maxUsed = Math.max(...g.sim.state.aihubmix.tokens.map((t) => t.used_quota));
          const top = g.sim.state.aihubmix.tokens.find((t) => String(t.id) === snap.rows[0]!.id)!;
          assert.equal(top.used_quota, maxUsed, 'the first row is the most used key of all 120, not of one page');
        } else {
          assert.equal(snap.scope.kind, 'within', 'AIone sorts no list: the order covers the page, and says so');
          await panel.ui.loadAll();
          await panel.settled();
          const all = panel.snapshot();
          assert.deepEqual(all.scope, { kind: 'all', count: 120 });
          const cost = await aioneMonthCost(g.sim);
          const best = [...cost.entries()].sort((a, b) => b[1] - a[1])[0]!;
          assert.equal(all.rows[0]!.id, best[0], "the first row is this month's top spender of all keys");
          const spends = all.rows.map((k) => cost.get(k.id) ?? 0);
          for (let i = 1; i < spends.length; i++) assert.ok(spends[i - 1]! >= spends[i]! - 1e-9, `order at ${i}`);
        }
        panel.close();
      });

      it('type-to-filter searches the gateway by name; every row shown matches', async () => {
        const panel = await open(kind);
        const name = panel.snapshot().rows[3]!.name;
        const term = name.slice(0, Math.max(4, name.length - 2));
        await panel.ui.type(term);
        await panel.settled();
        const snap = panel.snapshot();
        assert.equal(snap.scope.kind, 'search');
        assert.ok(snap.rows.length >= 1);
        assert.ok(snap.rows.every((k) => k.name.toLowerCase().includes(term.toLowerCase())));
        assert.ok(snap.rows.some((k) => k.name === name));
        panel.close();
      });

      it('select 3 and bulk disable: one confirmation naming the count; the simulator shows those 3 disabled, the rest untouched', async () => {
        const panel = await open(kind);
        const before = await simKeys(g.sim, kind);
        const chosen = panel
          .snapshot()
          .rows.filter((k) => k.status === 'active')
          .slice(0, 3);
        assert.equal(chosen.length, 3);
        const asked: string[] = [];
        g.api.keysTable.confirm = async (message, detail) => {
          asked.push(message, detail);
          return true;
        };
        const outcomes = await panel.bulk(
          'disable',
          chosen.map((k) => k.id),
        );
        assert.equal(asked.length, 2, 'one confirmation');
        assert.match(asked[0]!, /Disable 3 keys/);
        for (const k of chosen) assert.ok(asked[1]!.includes(k.name), `the confirmation names ${k.name}`);
        assert.deepEqual(
          outcomes?.map((o) => o.result),
          ['done', 'done', 'done'],
        );
        const after = await simKeys(g.sim, kind);
        const ids = new Set(chosen.map((k) => k.id));
        for (const k of after) {
          const was = before.find((b) => String(b.id) === String(k.id))!;
          if (ids.has(String(k.id))) assert.ok(disabled(kind, k), `${k.name} disabled`);
          else assert.equal(k.status, was.status, `${k.name} untouched`);
        }
        // the tree follows the table's writes
        const cached = g.api.keysView.cachedKey({ connectionId: g.ids[kind], keyId: chosen[0]!.id });
        if (cached) assert.equal(cached.status, 'disabled');

        // a partial failure: the first enable fails on the gateway; each key's outcome is reported, none skipped
        g.sim.faults.add({
          gateway: kind,
          method: 'PUT',
          path: kind === 'aione' ? `/api/v1/gateway/keys/${chosen[0]!.id}/enable` : '/api/token/',
          times: 1,
          fault: { kind: 'status', status: 500 },
        });
        const partial = await panel.bulk(
          'enable',
          chosen.map((k) => k.id),
        );
        assert.deepEqual(
          partial?.map((o) => o.result),
          ['failed', 'done', 'done'],
        );
        assert.match(panel.lastReport[0]!, /2 of 3 keys done/);
        assert.ok(
          panel.lastReport.some((l) => l.includes(chosen[0]!.name)),
          `the failed key is named: ${panel.lastReport.join(' | ')}`,
        );
        const final = await simKeys(g.sim, kind);
        const st = (id: string) => final.find((k) => String(k.id) === id)!;
        assert.ok(disabled(kind, st(chosen[0]!.id)), 'the failed one is still disabled');
        assert.ok(!disabled(kind, st(chosen[1]!.id)) && !disabled(kind, st(chosen[2]!.id)), 'the others enabled');
        panel.close();
      });

      it('the rendered details show the team by name and this month; an edit from the tree updates the open view', async () => {
        const id = g.ids[kind];
        const panel = await open(kind);
        const key = panel.snapshot().rows.find((k) => k.status === 'active')!;
        panel.close();
        await vscode.commands.executeCommand('aiGateway.viewKeyDetails', { connectionId: id, keyId: key.id });
        const details = await waitFor('the details panel', () =>
          g.api.keyDetailsViews.panel({ connectionId: id, keyId: key.id }),
        );
        await details.settled();
        const view = details.view!;
        assert.equal(view.title, key.name);
        const section = (h: string) => view.sections.find((s) => s.heading === h)!;
        if (kind === 'aione') {
          assert.ok(
            section('This month').rows.some((r) => r.label === 'Spend'),
            'this month from the usage per key',
          );
          if (key.teamId) {
            const team = section('Access').rows.find((r) => r.label === 'Team')!;
            assert.ok(!team.value.includes(key.teamId), `the team by its name, not its UUID: ${team.value}`);
          }
        } else {
          assert.ok(
            section('This month').rows.some((r) => r.label === 'Spend'),
            "this month from the key's log",
          );
        }
        assert.deepEqual(
          view.actions
            .map((a) => a.action)
            .filter((a) => ['edit', 'rotate', 'disable', 'delete', 'copySnippet'].includes(a)),
          ['copySnippet', 'edit', 'rotate', 'disable', 'delete'],
        );

        const newName = `ed-${Math.random().toString(36).slice(2, 7)}`;
        const p = new ScriptedPrompter({ summary: ['name', 'submit'], name: newName });
        const r = await withPrompter(g.api, p, () =>
          vscode.commands.executeCommand<CreateResult>('aiGateway.editKey', { connectionId: id, keyId: key.id }),
        );
        assert.equal(r.kind, 'done', `errors: ${p.errors.join(' | ')}`);
        await waitFor('the details to show the new name', () => details.view?.title === newName);
        await details.settled();
        details.close();
      });
    });
  }
});
