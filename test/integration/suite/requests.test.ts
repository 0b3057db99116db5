/**
 * The request log in a real VS Code against the gateway simulator, for both gateways: "Show Requests" on a key
 * opens the log filtered to that key, every row and the totals for the filter equal the simulator's own records to
 * the last decimal (AIone reports its totals, AIHubMix's are summed over every page), paging, filtering and sorting
 * work, a request id is copied, CSV and JSON exports hold the whole filter, a cancelled export leaves no file, and
 * an AIHubMix without the log route gets one quiet line (remembered for the session). Every row and the totals
 * carry our price beside the gateway's (the simulator bills at the listed prices: no difference flagged), and the
 * export both. An AIone without the per-request route shows its daily totals instead: rows per day and model of the
 * key, the totals equal to its usage to the last decimal, the export of them, the route not asked again.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Big from 'big.js';
import * as vscode from 'vscode';
import type { RequestRecord } from '../../../src/core/requestLog';
import type { AiGatewayTestApi } from '../../../src/extension';
import type { ExportTarget } from '../../../src/features/requests/exporter';
import type { RequestsView } from '../../../src/webview/requestsProtocol';
import { aioneRequests } from '../../simulator/aione-requests';
import type { Simulator } from '../../simulator/index';
import { type Gateways, startGateways } from './fixture';

interface Expected {
  readonly keyId: string;
  readonly keyName: string;
  /** Newest first. */
  readonly ids: string[];
  readonly cost: string;
  readonly promptTokens: number;
  readonly errors: string[];
}

/** A scripted export target: the file, the progress reports, a cancel after `cancelAfter` reports. */
function scripted(file: string, cancelAfter?: number): ExportTarget & { reports: string[]; finished: string[] } {
  const reports: string[] = [];
  const finished: string[] = [];
  return {
    reports,
    finished,
    pick: () => Promise.resolve(vscode.Uri.file(file)),
    progress: (_title, task) => {
      const cts = new vscode.CancellationTokenSource();
      return task((m) => {
        reports.push(m);
        if (cancelAfter !== undefined && reports.length >= cancelAfter) cts.cancel();
      }, cts.token).finally(() => cts.dispose());
    },
    done: (_uri, sentence) => {
      finished.push(sentence);
    },
  };
}

describe('Request log (both gateways, simulator)', function () {
  this.timeout(120000);
  let api: AiGatewayTestApi;
  let sim: Simulator;
  let fx: Gateways | undefined;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'agc-req-'));

  const view = async (id: string): Promise<RequestsView> => {
    const s = await api.requests.state(id);
    assert.ok(s, 'the request log of this connection is open');
    assert.equal(s.view.status, 'ready', s.view.message);
    return s.view;
  };

  before(async () => {
    fx = await startGateways('Req', { keyCount: 12 });
    ({ api, sim } = fx);
  });

  after(async () => {
    api.requests.setExportTarget(undefined);
    if (fx) for (const id of Object.values(fx.ids)) api.requests.close(id);
    await fx?.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  /** The key with the most records in the view's range, and what the simulator holds for it there. */
  function expected(kind: 'aione' | 'aihubmix', v: RequestsView): Expected {
    const from = Date.parse(v.from);
    const to = Date.parse(v.to);
    if (kind === 'aione') {
      const all = aioneRequests(sim.state.aione, sim.state.seed, Date.now()).filter((r) => r.at >= from && r.at < to);
      const by = new Map<string, typeof all>();
      for (const r of all) by.set(r.key_id, [...(by.get(r.key_id) ?? []), r]);
      const [keyId, rows] = [...by.entries()].sort((a, b) => b[1].length - a[1].length)[0]!;
      rows.sort((a, b) => b.at - a.at || (a.id < b.id ? 1 : -1));
      return {
        keyId,
        keyName: rows[0]!.key_name,
        ids: rows.map((r) => r.id),
        cost: new Big(rows.reduce((s, r) => s + r.costE4, 0)).div(10_000).toString(),
        promptTokens: rows.reduce((s, r) => s + r.prompt_tokens, 0),
        errors: rows.filter((r) => r.status === 'error').map((r) => r.id),
      };
    }
    const lo = Math.floor(from / 1000);
    const hi = Math.floor((to - 1) / 1000);
    const logs = sim.state.aihubmix.logs.filter((l) => l.type === 2 && l.created_at >= lo && l.created_at <= hi);
    const by = new Map<string, typeof logs>();
    for (const l of logs) by.set(l.token_name, [...(by.get(l.token_name) ?? []), l]);
    const [keyName, rows] = [...by.entries()].sort((a, b) => b[1].length - a[1].length)[0]!;
    rows.sort((a, b) => b.id - a.id);
    const token = sim.state.aihubmix.tokens.find((t) => t.name === keyName);
    assert.ok(token, 'the log names a token of the simulator');
    return {
      keyId: String(token.id),
      keyName,
      ids: rows.map((l) => String(l.id)),
      cost: new Big(rows.reduce((s, l) => s + l.quota, 0)).div(500_000).toString(),
      promptTokens: rows.reduce((s, l) => s + l.prompt_tokens, 0),
      errors: [],
    };
  }

  for (const kind of ['aione', 'aihubmix'] as const) {
    describe(kind, () => {
      let id = '';
      let want: Expected;
      const allRows: RequestRecord[] = [];

      it('Show Requests on a key opens the log filtered to it; the rows and totals equal the simulator records', async () => {
        id = fx!.ids[kind];
        await vscode.commands.executeCommand('aiGateway.showRequests', { connectionId: id });
        const whole = await view(id);
        assert.equal(whole.filter.keyId, undefined, 'the connection command shows every key');
        assert.match((await api.requests.state(id))!.html, /default-src 'none'/);
        want = expected(kind, whole);
        assert.ok(want.ids.length > 50, `more than one page for the key (${want.ids.length})`);

        await vscode.commands.executeCommand('aiGateway.showKeyRequests', {
          connectionId: id,
          keyId: want.keyId,
          key: { name: want.keyName },
        });
        const v = await view(id);
        assert.equal(v.filter.keyId, want.keyId);
        assert.equal(v.rows.length, 50);
        assert.ok(v.hasMore);
        assert.ok(v.rows.every((r) => r.keyName === want.keyName));
        assert.equal(v.totals.status, 'ready');
        if (v.totals.status !== 'ready') return;
        assert.equal(v.totals.source, kind === 'aione' ? 'gateway' : 'summed');
        assert.equal(v.totals.totals.requests, want.ids.length);
        assert.equal(v.totals.totals.cost.amount, want.cost, 'the cost to the last decimal');
        assert.equal(v.totals.totals.promptTokens, want.promptTokens);
        allRows.push(...v.rows);
      });

      it('prices every row and the filter by token class beside the gateway, flagging no difference', async () => {
        const v = await view(id);
        assert.equal(v.granularity, 'request');
        const priced = v.rows.filter((r) => r.ours?.complete);
        assert.ok(priced.length > v.rows.length / 2, `most rows priced (${priced.length} of ${v.rows.length})`);
        assert.deepEqual(
          priced
            .filter((r) => r.ours?.difference !== undefined)
            .map((r) => [r.id, r.cost.amount, r.ours?.amount.amount]),
          [],
          'the simulator bills at the listed prices: within the rounding',
        );
        assert.equal(v.ourTotals.status, 'ready', 'our price of every page of the filter');
        if (v.ourTotals.status !== 'ready') return;
        assert.equal(v.ourTotals.rows, want.ids.length);
        assert.equal(v.ourTotals.amount.currency, kind === 'aione' ? 'CNY' : 'USD');
        assert.ok(new Big(v.ourTotals.amount.amount).gt(0));
      });

      it('pages on, sorts the page, copies a request id', async () => {
        for (let page = 1; ; page++) {
          await api.requests.post(id, { type: 'page', page });
          const v = await view(id);
          assert.equal(v.page, page);
          allRows.push(...v.rows);
          if (!v.hasMore) break;
        }
        assert.deepEqual(
          allRows.map((r) => r.id),
          want.ids,
          'every page, newest first, no row twice or missing',
        );
        await api.requests.post(id, { type: 'sort', key: 'cost', dir: 'asc' });
        const v = await view(id);
        const costs = v.rows.map((r) => new Big(r.cost.amount));
        assert.ok(
          costs.every((c, i) => i === 0 || c.gte(costs[i - 1]!)),
          'sorted by cost, ascending',
        );
        const rid = v.rows.find((r) => r.requestId)?.requestId;
        assert.ok(rid, 'rows carry the request id');
        await api.requests.post(id, { type: 'copy', requestId: rid });
        assert.equal(await vscode.env.clipboard.readText(), rid);
        await api.requests.post(id, { type: 'copy', requestId: 'not-a-row' });
        assert.equal(await vscode.env.clipboard.readText(), rid, 'only an id the table shows is copied');
        await api.requests.post(id, { type: 'sort', key: 'at', dir: 'desc' });
      });

      it('filters by status and model', async () => {
        const v0 = await view(id);
        await api.requests.post(id, { type: 'setFilter', filter: { ...v0.filter, status: 'error' } });
        const errors = await view(id);
        assert.deepEqual(
          errors.rows.map((r) => r.id),
          want.errors.slice(0, 50),
        );
        const model = allRows[0]!.model;
        await api.requests.post(id, { type: 'setFilter', filter: { ...v0.filter, model } });
        const byModel = await view(id);
        assert.ok(byModel.rows.length > 0 && byModel.rows.every((r) => r.model === model));
        const n = allRows.filter((r) => r.model === model).length;
        assert.equal(byModel.totals.status === 'ready' && byModel.totals.totals.requests, n);
        await api.requests.post(id, { type: 'setFilter', filter: v0.filter });
      });

      it('exports the whole filter as CSV and as JSON; a cancelled export leaves no file', async () => {
        const csv = path.join(tmp, `${kind}.csv`);
        const t1 = scripted(csv);
        api.requests.setExportTarget(t1);
        await api.requests.post(id, { type: 'export', format: 'csv' });
        const lines = fs.readFileSync(csv, 'utf8').trimEnd().split('\n');
        assert.equal(lines.length, want.ids.length + 1, 'a header and every record of the filter');
        assert.ok(lines[0]!.startsWith('time,key,key_id,model,status,input_tokens'));
        const costCol = lines[0]!.split(',').indexOf('cost');
        const sum = lines.slice(1).reduce((s, l) => s.plus(l.split(',')[costCol]!), new Big(0));
        assert.equal(sum.toString(), want.cost);
        const ourCol = lines[0]!.split(',').indexOf('our_cost');
        assert.ok(ourCol > costCol, 'our price beside the gateway cost');
        assert.ok(
          lines.slice(1).some((l) => /^\d/.test(l.split(',')[ourCol] ?? '')),
          'rows carry our price',
        );
        assert.equal(t1.finished.length, 1);
        assert.ok(!fs.existsSync(`${csv}.part`));

        const json = path.join(tmp, `${kind}.json`);
        api.requests.setExportTarget(scripted(json));
        await api.requests.post(id, { type: 'export', format: 'json' });
        const doc = JSON.parse(fs.readFileSync(json, 'utf8')) as {
          requests: RequestRecord[];
          totals: { cost: { amount: string }; requests: number };
          filter: { keyId?: string };
        };
        assert.deepEqual(
          doc.requests.map((r) => r.id),
          want.ids,
        );
        assert.equal(doc.totals.cost.amount, want.cost);
        assert.equal(doc.filter.keyId, want.keyId);

        const cancelled = path.join(tmp, `${kind}-cancelled.csv`);
        const t3 = scripted(cancelled, 1);
        api.requests.setExportTarget(t3);
        await api.requests.post(id, { type: 'export', format: 'csv' });
        assert.equal(t3.reports.length, 1);
        assert.ok(!fs.existsSync(cancelled), 'no file');
        assert.ok(!fs.existsSync(`${cancelled}.part`), 'no half file');
        assert.equal(t3.finished.length, 0);
        const notices = (await api.requests.state(id))!.notices;
        assert.match(notices.at(-1)!, /cancel/i);
      });
    });
  }

  it('AIone without the per-request route: daily totals of the key by model, exact, exported; not asked again', async () => {
    const daily = await fx!.add('aione', 'Req Daily');
    sim.setVariants({ aioneRequestLog: 'absent' });
    try {
      const asked = (): number => sim.requests.filter((r) => r.path === '/api/v1/obs/requests').length;
      // the key with the most usage in the last week
      const today = Math.floor(Date.now() / 86_400_000);
      const use = new Map<string, number>();
      for (const c of sim.state.aione.usage)
        if (c.day > today - 6) use.set(c.keyId, (use.get(c.keyId) ?? 0) + c.requests);
      const keyId = [...use.entries()].sort((a, b) => b[1] - a[1])[0]![0];
      const key = sim.state.aione.keys.find((k) => k.id === keyId)!;
      await vscode.commands.executeCommand('aiGateway.showKeyRequests', {
        connectionId: daily,
        keyId: key.id,
        key: { name: key.name },
      });
      const v = await view(daily);
      assert.equal(v.granularity, 'day', 'the rows are daily totals');
      assert.ok(v.rows.length > 0);
      assert.ok(v.rows.every((r) => r.aggregate && r.keyId === key.id && r.keyName === key.name && r.model));
      assert.equal(v.totals.status, 'ready');
      if (v.totals.status !== 'ready') return;
      // the key's usage per UTC day, read from the gateway directly
      const q = new URLSearchParams({
        start_date: v.from.slice(0, 10),
        end_date: new Date(Date.parse(v.to) - 1).toISOString().slice(0, 10),
        group_by: 'day',
        key_id: key.id,
      });
      const res = await fetch(`${sim.aione.url}/api/v1/obs/usage?${q.toString()}`, {
        headers: { authorization: `Bearer ${sim.aione.adminToken}` },
      });
      const days = ((await res.json()) as { items: Array<{ requests: number; cost_rmb: string }> }).items;
      assert.equal(v.totals.totals.cost.amount, days.reduce((s, d) => s.plus(d.cost_rmb), new Big(0)).toString());
      assert.equal(
        v.totals.totals.requests,
        days.reduce((n, d) => n + d.requests, 0),
      );
      const priced = v.rows.filter((r) => r.ours?.complete);
      assert.ok(priced.length > 0 && priced.every((r) => r.ours?.difference === undefined), 'priced, within rounding');

      const csv = path.join(tmp, 'daily.csv');
      api.requests.setExportTarget(scripted(csv));
      await api.requests.post(daily, { type: 'export', format: 'csv' });
      const lines = fs.readFileSync(csv, 'utf8').trimEnd().split('\n');
      const head = lines[0]!.split(',');
      const col = (name: string, l: string) => l.split(',')[head.indexOf(name)]!;
      assert.equal(lines.length - 1, v.total, 'every daily row of the filter');
      assert.equal(
        lines.slice(1).reduce((n, l) => n + Number(col('requests', l)), 0),
        v.totals.totals.requests,
        'each row says how many requests it sums',
      );

      const before = asked();
      api.requests.close(daily);
      await vscode.commands.executeCommand('aiGateway.showRequests', { connectionId: daily });
      const all = await view(daily);
      assert.equal(all.granularity, 'day');
      assert.ok(
        all.rows.some((r) => r.keyId !== key.id),
        'every key: rows per day and key',
      );
      assert.equal(asked(), before, 'the route is not asked again for this connection');
    } finally {
      sim.setVariants({ aioneRequestLog: 'offered' });
      api.requests.close(daily);
    }
  });

  it('AIHubMix without the log route: one quiet line, remembered for the session', async () => {
    const probe = await fx!.add('aihubmix', 'Req Probe');
    sim.faults.add({ gateway: 'aihubmix', path: '/api/log/self', fault: { kind: 'status', status: 404 } });
    try {
      const asked = (): number => sim.requests.filter((r) => r.path === '/api/log/self').length;
      await vscode.commands.executeCommand('aiGateway.showRequests', { connectionId: probe });
      const v = (await api.requests.state(probe))!.view;
      assert.equal(v.status, 'unsupported');
      assert.match(v.message ?? '', /does not offer a per-request log/);
      assert.deepEqual(v.rows, []);
      const before = asked();
      api.requests.close(probe);
      await vscode.commands.executeCommand('aiGateway.showRequests', { connectionId: probe });
      assert.equal((await api.requests.state(probe))!.view.status, 'unsupported');
      assert.equal(asked(), before, 'not asked again in this session');
    } finally {
      sim.faults.clear();
      api.requests.close(probe);
    }
  });
});
