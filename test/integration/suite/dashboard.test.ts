/**
 * The usage and billing dashboard in a real VS Code against the gateway simulator (both gateways): the panel opens
 * from the command, every section gets its data, the KPI totals equal what the simulator serves over the wire,
 * in Asia/Shanghai AIone's screen counts UTC days and adds up to the simulator's hourly rows, a fault on one section shows only
 * that section's error (and Retry recovers), unsupported sections are said quietly, exports write what is shown,
 * and a restored panel needs a valid state.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Big from 'big.js';
import * as vscode from 'vscode';
import type { AiGatewayTestApi } from '../../../src/extension';
import type { SectionStates } from '../../../src/features/dashboard/export';
import type { DashboardMeta, SectionDataMap, SectionId, UiChoices } from '../../../src/webview/dashboardProtocol';
import type { Simulator } from '../../simulator/index';
import { type Gateways, startGateways } from './fixture';

const UTC_7D: UiChoices = {
  range: { preset: '7d' },
  tz: 'utc',
  granularity: 'day',
  metric: 'requests',
  keySort: 'cost',
};

async function getJson(url: string, headers: Record<string, string>): Promise<unknown> {
  const r = await fetch(url, { headers });
  assert.ok(r.ok, `${url} → ${r.status}`);
  return r.json();
}

function ready<K extends SectionId>(sections: SectionStates, id: K): SectionDataMap[K] {
  const s = sections[id];
  assert.equal(
    s.status,
    'ready',
    `section ${id} is ready (${s.status === 'error' || s.status === 'unsupported' ? s.message : s.status})`,
  );
  return (s as { data: SectionDataMap[K] }).data;
}

const sumCost = (xs: ReadonlyArray<{ cost: string }>): string =>
  xs.reduce((a, x) => a.plus(x.cost), new Big(0)).toString();

describe('Dashboard (both gateways, simulator)', function () {
  this.timeout(120000);
  let api: AiGatewayTestApi;
  let sim: Simulator;
  let fx: Gateways | undefined;
  let aione = '';
  let hub = '';
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'agc-dash-'));

  const state = (id: string): { meta: DashboardMeta | undefined; sections: SectionStates } => {
    const s = api.dashboard.state(id);
    assert.ok(s, 'the dashboard of this connection is open');
    return s;
  };

  before(async () => {
    fx = await startGateways('Dash', { keyCount: 8 });
    ({ api, sim } = fx);
    ({ aione, aihubmix: hub } = fx.ids);
  });

  after(async () => {
    api.dashboard.setExportTarget(undefined);
    api.dashboard.close(aione);
    api.dashboard.close(hub);
    await fx?.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('AI Gateway: Open Dashboard opens one panel per connection, with the CSP and only our scripts', async () => {
    await vscode.commands.executeCommand('aiGateway.openDashboard', { connectionId: aione });
    const s = api.dashboard.state(aione);
    assert.ok(s, 'the command opened the AIone dashboard');
    assert.match(s.html, /default-src 'none'/);
    assert.match(s.html, /script-src 'nonce-[A-Za-z0-9+/=]{20,}'/);
    assert.doesNotMatch(s.html, /unsafe-eval|unsafe-inline/);
    assert.match(s.html, /dashboard\.js/);
    assert.match(s.html, /data-skeleton="usage"/, 'a skeleton is in the HTML before any data');
    await api.dashboard.open(aione, UTC_7D); // reveals the same panel and waits until the webview is ready
    assert.ok(state(aione).sections);
    api.dashboard.close(aione);
    assert.equal(api.dashboard.state(aione), undefined);
  });

  describe('AIone', () => {
    before(async () => {
      await api.dashboard.open(aione, UTC_7D);
      await api.dashboard.post(aione, { type: 'setChoices', choices: UTC_7D });
    });

    it("every section has its data, and the KPI totals equal the simulator's dashboard for the last 7 UTC days", async () => {
      const { meta, sections } = state(aione);
      assert.ok(meta);
      assert.equal(meta.timeZone, 'UTC');
      assert.equal(meta.days, 7);
      assert.equal(meta.currency, 'CNY');
      const usage = ready(sections, 'usage');
      assert.equal(usage.buckets.length, 7);
      assert.equal(usage.buckets[0]!.key, meta.from);
      assert.equal(usage.buckets[6]!.key, meta.to);
      assert.equal(meta.to, new Date().toISOString().slice(0, 10));

      const wire = (await getJson(`${sim.aione.url}/api/v1/obs/dashboard?range_days=7`, {
        authorization: `Bearer ${sim.aione.adminToken}`,
      })) as {
        tech: {
          total_requests: number;
          prompt_tokens: number;
          completion_tokens: number;
          total_cost_rmb: string;
          p99_latency_ms: number;
          rpm_usage_pct: string;
        };
      };
      assert.ok(wire.tech.total_requests > 0, 'the simulator has usage in the last 7 days');
      assert.equal(usage.totals.requests, wire.tech.total_requests);
      assert.equal(usage.totals.promptTokens, wire.tech.prompt_tokens);
      assert.equal(usage.totals.completionTokens, wire.tech.completion_tokens);
      assert.equal(
        new Big(usage.totals.cost).eq(wire.tech.total_cost_rmb),
        true,
        `${usage.totals.cost} = ${wire.tech.total_cost_rmb}`,
      );
      // the buckets add up to the KPIs
      assert.equal(
        usage.buckets.reduce((a, b) => a + b.requests, 0),
        usage.totals.requests,
      );
      assert.equal(sumCost(usage.buckets), usage.totals.cost);

      const extras = ready(sections, 'extras');
      assert.equal(extras.p99LatencyMs, wire.tech.p99_latency_ms);
      assert.equal(extras.rpmUsagePct, wire.tech.rpm_usage_pct);

      // breakdowns add up to the same totals (UTC days: exactly)
      const models = ready(sections, 'models');
      assert.equal(
        models.rows.reduce((a, r) => a + r.requests, 0),
        usage.totals.requests,
      );
      const keys = ready(sections, 'keys');
      assert.equal(new Big(sumCost(keys.rows)).eq(usage.totals.cost), true);
      assert.deepEqual(
        keys.rows.map((r) => r.cost),
        [...keys.rows].sort((a, b) => new Big(b.cost).cmp(a.cost)).map((r) => r.cost),
        'top keys by cost, largest first',
      );
      const keyNames = new Set(sim.state.aione.keys.map((k) => k.name));
      assert.ok(
        keys.rows.every((r) => keyNames.has(r.label)),
        'keys are shown by name, never by secret',
      );
      const teams = ready(sections, 'teams');
      assert.equal(new Big(sumCost(teams.rows)).eq(usage.totals.cost), true);
      const teamNames = new Set(sim.state.aione.teams.map((t) => t.name));
      assert.ok(
        teams.rows.some((r) => teamNames.has(r.label)),
        'teams are shown by name',
      );

      const acct = (await getJson(`${sim.aione.url}/api/v1/billing/account`, {
        authorization: `Bearer ${sim.aione.adminToken}`,
      })) as { balance_rmb?: string; balance?: string };
      const account = ready(sections, 'account');
      assert.equal(account.balance.currency, 'CNY');
      assert.equal(new Big(account.balance.amount).eq(acct.balance_rmb ?? acct.balance ?? 'NaN'), true);
      const plan = ready(sections, 'plan');
      assert.ok(plan.name);
      const inv = ready(sections, 'invoices');
      assert.equal(inv.page, 0);
      assert.equal(inv.items.length, 10);
      assert.equal(inv.hasMore, true);
    });

    it('pages the invoices', async () => {
      await api.dashboard.post(aione, { type: 'invoicesPage', page: 1 });
      const inv = ready(state(aione).sections, 'invoices');
      assert.equal(inv.page, 1);
      assert.equal(inv.items.length, 4, 'the simulator has 14 invoices');
      assert.equal(inv.hasMore, false);
    });

    it("in Asia/Shanghai the screen counts UTC days (AIone's breakdowns are per UTC day): the totals equal the simulator's hourly rows of those days", async () => {
      await api.dashboard.post(aione, { type: 'ready', timeZone: 'Asia/Shanghai' }); // as a webview in Shanghai would
      await api.dashboard.post(aione, { type: 'setChoices', choices: { ...UTC_7D, tz: 'local' } });
      const { meta, sections } = state(aione);
      assert.ok(meta);
      assert.equal(meta.timeZone, 'UTC', 'one day basis for the KPIs and the breakdowns');
      assert.equal(meta.localUnavailable, true);
      const usage = ready(sections, 'usage');
      assert.equal(usage.buckets.length, 7);
      const start = Date.parse(`${meta.from}T00:00:00Z`);
      const end = Date.parse(`${meta.to}T00:00:00Z`) + 86_400_000;
      assert.equal(usage.buckets[0]!.start, start);
      // what the simulator serves per UTC hour, read over the wire (≤ 7 UTC days per request)
      let requests = 0;
      let cost = new Big(0);
      for (let t = start; t < end; t += 4 * 86_400_000) {
        const s = new Date(t).toISOString().slice(0, 10);
        const e = new Date(Math.min(end - 1, t + 4 * 86_400_000 - 1)).toISOString().slice(0, 10);
        const body = (await getJson(`${sim.aione.url}/api/v1/obs/usage?group_by=hour&start_date=${s}&end_date=${e}`, {
          authorization: `Bearer ${sim.aione.adminToken}`,
        })) as { items: Array<{ date?: string; bucket?: string; hour?: string; requests: number; cost_rmb: string }> };
        for (const r of body.items) {
          const at = Date.parse(r.bucket ?? r.hour ?? r.date ?? '');
          if (at >= Math.max(start, t) && at < Math.min(end, t + 4 * 86_400_000)) {
            requests += r.requests;
            cost = cost.plus(r.cost_rmb);
          }
        }
      }
      assert.ok(requests > 0);
      assert.equal(usage.totals.requests, requests);
      assert.equal(new Big(usage.totals.cost).eq(cost), true, `${usage.totals.cost} = ${cost.toString()}`);
      // hourly buckets of the same range
      await api.dashboard.post(aione, { type: 'setChoices', choices: { ...UTC_7D, tz: 'local', granularity: 'hour' } });
      const hourly = ready(state(aione).sections, 'usage');
      assert.equal(hourly.granularity, 'hour');
      assert.equal(hourly.buckets.length, 7 * 24);
      assert.equal(hourly.buckets[0]!.key, `${meta.from}T00:00`);
      assert.equal(hourly.totals.requests, requests);
      await api.dashboard.post(aione, { type: 'setChoices', choices: UTC_7D });
    });

    it("a 500 on the invoices shows that section's error while every other section loads; Retry recovers", async () => {
      sim.faults.add({
        gateway: 'aione',
        path: '/api/v1/billing/invoices',
        times: 1,
        fault: { kind: 'status', status: 500 },
      });
      await api.dashboard.post(aione, { type: 'setChoices', choices: { ...UTC_7D, range: { preset: '30d' } } });
      const { sections } = state(aione);
      const inv = sections.invoices;
      assert.equal(inv.status, 'error');
      assert.match((inv as { message: string }).message, /invoices/i);
      assert.doesNotMatch((inv as { message: string }).message, new RegExp(sim.aione.adminToken));
      for (const id of ['usage', 'extras', 'models', 'teams', 'keys', 'plan', 'account'] as const) ready(sections, id);
      assert.equal(ready(sections, 'usage').buckets.length, 30);
      await api.dashboard.post(aione, { type: 'retry', section: 'invoices' });
      assert.equal(ready(state(aione).sections, 'invoices').items.length, 10);
      await api.dashboard.post(aione, { type: 'setChoices', choices: UTC_7D });
    });

    it('exports exactly what is shown: CSV and JSON with range, time zone and buckets; Markdown to the clipboard target', async () => {
      const csvFile = vscode.Uri.file(path.join(tmp, 'aione.csv'));
      const jsonFile = vscode.Uri.file(path.join(tmp, 'aione.json'));
      let copied = '';
      let next = csvFile;
      api.dashboard.setExportTarget({
        pick: async () => next,
        copy: async (t) => {
          copied = t;
        },
      });
      const { meta, sections } = state(aione);
      assert.ok(meta);
      const usage = ready(sections, 'usage');

      await api.dashboard.post(aione, { type: 'export', format: 'csv' });
      const csv = fs.readFileSync(csvFile.fsPath, 'utf8').split('\n');
      assert.ok(csv.includes(`# range: ${meta.from} to ${meta.to} (7 days)`));
      assert.ok(csv.includes('# timezone: UTC'));
      assert.ok(csv.includes('# buckets: day'));
      assert.ok(csv.includes('# currency: CNY'));
      const head = csv.indexOf('bucket,requests,prompt_tokens,completion_tokens,total_tokens,cost,errors');
      assert.ok(head > 0);
      const rows = csv.slice(head + 1, head + 1 + usage.buckets.length);
      assert.deepEqual(
        rows,
        usage.buckets.map((b) =>
          [b.key, b.requests, b.promptTokens, b.completionTokens, b.totalTokens, b.cost, b.errors].join(','),
        ),
      );
      const t = usage.totals;
      assert.equal(
        csv[head + 1 + usage.buckets.length],
        ['total', t.requests, t.promptTokens, t.completionTokens, t.totalTokens, t.cost, t.errors].join(','),
      );
      assert.ok(csv.includes('model,requests,tokens,cost'));

      next = jsonFile;
      await api.dashboard.post(aione, { type: 'export', format: 'json' });
      const json = JSON.parse(fs.readFileSync(jsonFile.fsPath, 'utf8')) as {
        range: { from: string; to: string };
        timeZone: string;
        buckets: string;
        usage: { buckets: unknown[]; totals: unknown };
      };
      assert.deepEqual(json.range, { from: meta.from, to: meta.to, days: 7 });
      assert.equal(json.timeZone, 'UTC');
      assert.equal(json.buckets, 'day');
      assert.deepEqual(json.usage.totals, usage.totals);
      assert.equal(json.usage.buckets.length, 7);
      assert.doesNotMatch(fs.readFileSync(jsonFile.fsPath, 'utf8'), /sk-nex-|Bearer/);

      await api.dashboard.post(aione, { type: 'export', format: 'markdown' });
      assert.match(copied, /\| bucket \| requests \|/);
      assert.ok(copied.includes(`| ${usage.buckets[0]!.key} | ${usage.buckets[0]!.requests} |`));
    });

    it('drops an invalid webview message (no command can be named)', async () => {
      const before = JSON.stringify(state(aione).sections);
      await api.dashboard.post(aione, { type: 'runCommand', command: 'workbench.action.quit' });
      await api.dashboard.post(aione, { type: 'retry', section: 'everything' });
      await api.dashboard.post(aione, { type: 'ready', timeZone: '<script>' });
      assert.equal(JSON.stringify(state(aione).sections), before);
    });
  });

  describe('AIHubMix', () => {
    before(async () => {
      await api.dashboard.open(hub, UTC_7D);
      await api.dashboard.post(hub, { type: 'setChoices', choices: UTC_7D });
    });

    it("usage from the logs: totals equal the simulator's logs and its log stat; USD from quota units", async () => {
      const { meta, sections } = state(hub);
      assert.ok(meta);
      assert.equal(meta.currency, 'USD');
      const usage = ready(sections, 'usage');
      assert.equal(usage.currency, 'USD');
      const start = Date.parse(`${meta.from}T00:00:00Z`);
      const end = Date.parse(`${meta.to}T00:00:00Z`) + 86_400_000;
      const logs = sim.state.aihubmix.logs.filter(
        (l) => l.type === 2 && l.created_at * 1000 >= start && l.created_at * 1000 < end,
      );
      assert.ok(logs.length > 100, 'the simulator has logs in the last 7 days');
      assert.equal(usage.totals.requests, logs.length);
      assert.equal(
        usage.totals.promptTokens,
        logs.reduce((a, l) => a + l.prompt_tokens, 0),
      );
      assert.equal(
        usage.totals.completionTokens,
        logs.reduce((a, l) => a + l.completion_tokens, 0),
      );
      const quota = logs.reduce((a, l) => a + l.quota, 0);
      assert.equal(
        new Big(usage.totals.cost).eq(new Big(quota).div(500000)),
        true,
        `${usage.totals.cost} = ${quota} / 500000`,
      );

      const stat = (await getJson(
        `${sim.aihubmix.url}/api/log/self/stat?type=2&start_timestamp=${start / 1000}&end_timestamp=${end / 1000 - 1}`,
        { authorization: sim.aihubmix.accessToken },
      )) as { data: { quota: number } };
      const extras = ready(sections, 'extras');
      assert.ok(extras.statCost);
      assert.equal(new Big(extras.statCost.amount).eq(new Big(stat.data.quota).div(500000)), true);
      assert.equal(
        new Big(extras.statCost.amount).eq(usage.totals.cost),
        true,
        "the sum of the buckets equals the gateway's own stat",
      );
      assert.ok(extras.p99LatencyMs !== undefined && extras.p99LatencyMs > 0);

      const models = ready(sections, 'models');
      assert.equal(
        models.rows.reduce((a, r) => a + r.requests, 0),
        logs.length,
      );
      const keys = ready(sections, 'keys');
      assert.equal(new Big(sumCost(keys.rows)).eq(usage.totals.cost), true);

      const account = ready(sections, 'account');
      assert.equal(account.balance.currency, 'USD');
      assert.equal(new Big(account.balance.amount).eq(new Big(sim.state.aihubmix.user.quota).div(500000)), true);
      assert.ok(account.usedTotal);
      assert.equal(new Big(account.usedTotal.amount).eq(new Big(sim.state.aihubmix.user.used_quota).div(500000)), true);
    });

    it('sections AIHubMix does not offer are said quietly, not as errors', () => {
      const { sections } = state(hub);
      for (const id of ['teams', 'plan', 'invoices'] as const) {
        const s = sections[id];
        assert.equal(s.status, 'unsupported', id);
        assert.match((s as { message: string }).message, /AIHubMix/);
      }
    });

    it('a failing balance shows its error; usage still loads', async () => {
      sim.faults.add({ gateway: 'aihubmix', path: '/api/user/self', times: 1, fault: { kind: 'status', status: 500 } });
      await api.dashboard.post(hub, { type: 'setChoices', choices: { ...UTC_7D, range: { preset: 'today' } } });
      const { sections } = state(hub);
      assert.equal(sections.account.status, 'error');
      ready(sections, 'usage');
      ready(sections, 'models');
      await api.dashboard.post(hub, { type: 'retry', section: 'account' });
      ready(state(hub).sections, 'account');
    });

    it('exports the AIHubMix view as CSV in USD', async () => {
      const file = vscode.Uri.file(path.join(tmp, 'hub.csv'));
      api.dashboard.setExportTarget({ pick: async () => file, copy: async () => undefined });
      await api.dashboard.post(hub, { type: 'export', format: 'csv' });
      const csv = fs.readFileSync(file.fsPath, 'utf8');
      assert.match(csv, /^# connection: Dash AIHubMix \(AIHubMix\)$/m);
      assert.match(csv, /^# currency: USD$/m);
      const usage = ready(state(hub).sections, 'usage');
      assert.match(csv, new RegExp(`^total,${usage.totals.requests},`, 'm'));
    });
  });

  describe('after a reload', () =>
    it('a restored panel needs a valid state naming a known connection', async () => {
      api.dashboard.close(hub);
      const bad = vscode.window.createWebviewPanel('aiGateway.dashboard', 'restored', vscode.ViewColumn.Active, {});
      assert.equal(await api.dashboard.restore(bad, { connectionId: '../../etc', choices: 'x' }), false);
      const gone = vscode.window.createWebviewPanel('aiGateway.dashboard', 'restored', vscode.ViewColumn.Active, {});
      assert.equal(await api.dashboard.restore(gone, { connectionId: 'no-such-connection' }), false);
      const good = vscode.window.createWebviewPanel('aiGateway.dashboard', 'restored', vscode.ViewColumn.Active, {});
      assert.equal(
        await api.dashboard.restore(good, { connectionId: hub, choices: { ...UTC_7D, metric: 'cost' } }),
        true,
      );
      const s = api.dashboard.state(hub);
      assert.ok(s, 'the restored panel is the dashboard of that connection');
      await api.dashboard.whenIdle(hub);
      api.dashboard.close(hub);
    }));
});
