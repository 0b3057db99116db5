/**
 * What one dashboard screen says is true, in a real VS Code against the simulator (both gateways): one day basis for
 * the KPIs and every breakdown in a non-UTC zone, stated; a single day shown by the hour (the real bucket size in the
 * meta, hours still to come after `asOf`); the days before the first usage named; a failing gateway call gives each
 * of its sections the same endpoint, a plain summary and the last good figures (Refresh, Retry all); overdue
 * invoices marked; an export offers Open; a Top keys row opens that key's details.
 *
 * Run with `TZ=Asia/Shanghai` to have the webview itself report a non-UTC zone; otherwise the test posts the ready
 * message a webview in Shanghai would.
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
import { type Gateways, startGateways, waitFor } from './fixture';

const DAY = 86_400_000;
const LOCAL_7D: UiChoices = {
  range: { preset: '7d' },
  tz: 'local',
  granularity: 'day',
  metric: 'requests',
  keySort: 'cost',
};
const UTC_7D: UiChoices = { ...LOCAL_7D, tz: 'utc' };

function ready<K extends SectionId>(sections: SectionStates, id: K): SectionDataMap[K] {
  const s = sections[id];
  assert.equal(s.status, 'ready', `section ${id}: ${s.status === 'error' ? s.message : s.status}`);
  return (s as { data: SectionDataMap[K] }).data;
}

const sumCost = (xs: ReadonlyArray<{ cost: string }>): Big => xs.reduce((a, x) => a.plus(x.cost), new Big(0));
const sumReq = (xs: ReadonlyArray<{ requests: number }>): number => xs.reduce((a, x) => a + x.requests, 0);
const utcDay = (t: number): string => new Date(t).toISOString().slice(0, 10);

/** A zone whose days are not UTC days: the host's own (TZ=…) when it is one, else Asia/Shanghai. */
function nonUtcZone(): { zone: string; fromHost: boolean } {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const offset = new Date().getTimezoneOffset();
  return zone && offset !== 0 ? { zone, fromHost: true } : { zone: 'Asia/Shanghai', fromHost: false };
}

describe('Dashboard: one screen, one truth (both gateways, simulator)', function () {
  this.timeout(180000);
  let api: AiGatewayTestApi;
  let sim: Simulator;
  let fx: Gateways | undefined;
  let ids: Record<'aione' | 'aihubmix', string>;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'agc-dash-screen-'));
  const local = nonUtcZone();

  const state = (id: string): { meta: DashboardMeta; sections: SectionStates } => {
    const s = api.dashboard.state(id);
    assert.ok(s?.meta, 'the dashboard of this connection is open');
    return { meta: s.meta, sections: s.sections };
  };

  before(async () => {
    fx = await startGateways('Screen', { keyCount: 8 });
    ({ api, sim } = fx);
    ids = fx.ids;
    for (const id of Object.values(ids)) {
      await api.dashboard.open(id, LOCAL_7D);
      // the webview's zone: its own under TZ=…, else as a webview in Shanghai would say it
      if (!local.fromHost) await api.dashboard.post(id, { type: 'ready', timeZone: local.zone });
      await api.dashboard.post(id, { type: 'setChoices', choices: LOCAL_7D });
    }
  });

  after(async () => {
    api.dashboard.setExportTarget(undefined);
    sim.faults.clear();
    for (const id of Object.values(ids ?? {})) api.dashboard.close(id);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await fx?.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it(`AIone in ${local.zone}: the KPIs and every breakdown count the same (UTC) days, and the screen says so`, () => {
    const { meta, sections } = state(ids.aione);
    assert.equal(meta.localUnavailable, true, 'per-UTC-day breakdowns: local days cannot be the basis');
    assert.equal(meta.timeZone, 'UTC');
    assert.match(meta.basis ?? '', /UTC days/);
    const usage = ready(sections, 'usage');
    assert.equal(usage.buckets.length, 7);
    assert.equal(usage.buckets[0]!.key, meta.from);
    assert.ok(usage.totals.requests > 0);
    for (const id of ['models', 'keys', 'teams'] as const) {
      const rows = ready(sections, id).rows;
      assert.equal(sumReq(rows), usage.totals.requests, `${id}: the same requests as the KPIs`);
      assert.ok(sumCost(rows).eq(usage.totals.cost), `${id}: ${sumCost(rows).toString()} = ${usage.totals.cost}`);
    }
  });

  it(`AIHubMix in ${local.zone}: local days for the KPIs and the breakdowns alike (one log per request)`, () => {
    const { meta, sections } = state(ids.aihubmix);
    assert.equal(meta.localUnavailable, false);
    assert.equal(meta.timeZone, local.zone);
    assert.ok(meta.basis?.includes(local.zone), meta.basis);
    const usage = ready(sections, 'usage');
    assert.equal(usage.buckets[0]!.key, meta.from);
    for (const id of ['models', 'keys'] as const) {
      const rows = ready(sections, id).rows;
      assert.equal(sumReq(rows), usage.totals.requests, id);
      assert.ok(sumCost(rows).eq(usage.totals.cost), id);
    }
  });

  for (const kind of ['aione', 'aihubmix'] as const)
    it(`${kind}: Today + Daily is shown by the hour (the meta says so); hours after asOf hold nothing`, async () => {
      const before = Date.now();
      await api.dashboard.post(ids[kind], {
        type: 'setChoices',
        choices: { ...UTC_7D, range: { preset: 'today' }, granularity: 'day' },
      });
      const { meta, sections } = state(ids[kind]);
      assert.equal(meta.granularity, 'hour', 'the real bucket size');
      assert.equal(meta.dailyAvailable, false);
      const usage = ready(sections, 'usage');
      assert.equal(usage.granularity, 'hour');
      assert.equal(usage.buckets.length, 24);
      assert.ok(usage.asOf !== undefined && usage.asOf >= before && usage.asOf <= Date.now());
      const future = usage.buckets.filter((b) => b.start > usage.asOf!);
      assert.equal(future.length, 23 - new Date(usage.asOf).getUTCHours(), 'the hours still to come');
      assert.ok(future.every((b) => b.requests === 0));
      await api.dashboard.post(ids[kind], { type: 'setChoices', choices: UTC_7D });
    });

  it('AIone: a 120-day range names the first day with usage; no usage is counted before it', async () => {
    const to = utcDay(Date.now());
    const choices: UiChoices = { ...UTC_7D, range: { preset: 'custom', from: utcDay(Date.now() - 119 * DAY), to } };
    await api.dashboard.post(ids.aione, { type: 'setChoices', choices });
    const usage = ready(state(ids.aione).sections, 'usage');
    assert.equal(usage.buckets.length, 120);
    const first = usage.buckets.find((b) => b.requests > 0);
    assert.ok(first);
    assert.equal(usage.noDataBefore, first.key);
    assert.ok(usage.noDataBefore > usage.buckets[0]!.key, 'the range starts before the first usage');
    assert.equal(usage.noDataBefore, utcDay(Date.now() - 89 * DAY), "the simulator's 90 days of history");
    await api.dashboard.post(ids.aione, { type: 'setChoices', choices: UTC_7D });
    assert.equal(ready(state(ids.aione).sections, 'usage').noDataBefore, undefined, 'every day of 7 has usage');
  });

  for (const [kind, path, affected] of [
    ['aione', '/api/v1/obs/usage', ['usage', 'models', 'keys', 'teams']],
    ['aihubmix', '/api/log/self', ['usage', 'extras', 'models', 'keys']],
  ] as const)
    it(`${kind}: Refresh with ${path} failing: one endpoint for its sections, a plain summary, the last figures kept; Retry all recovers`, async () => {
      const id = ids[kind];
      await api.dashboard.post(id, { type: 'setChoices', choices: UTC_7D });
      const good = JSON.parse(JSON.stringify(state(id).sections)) as SectionStates; // the host's object is live
      sim.faults.add({ gateway: kind, path, times: 50, fault: { kind: 'status', status: 500 } });
      await api.dashboard.post(id, { type: 'refresh' });
      const { sections } = state(id);
      const endpoints = new Set<string>();
      for (const sid of affected) {
        const s = sections[sid];
        assert.equal(s.status, 'error', `${sid} failed`);
        if (s.status !== 'error') continue;
        endpoints.add(s.endpoint ?? '');
        assert.ok(s.summary && !/HTTP|500/.test(s.summary), `a plain summary: ${s.summary}`);
        assert.match(s.message, /500|internal/i, 'the full sentence, for the details');
        assert.ok(s.stale, `${sid} keeps its last good figures`);
        assert.deepEqual(s.stale.data, (good[sid] as { data: unknown }).data);
        assert.ok(s.stale.since <= Date.now());
      }
      assert.equal(endpoints.size, 1, `one failing call, one endpoint: ${[...endpoints].join(' | ')}`);
      ready(sections, 'account');
      sim.faults.clear();
      await api.dashboard.post(id, { type: 'retryAll' });
      for (const sid of affected) ready(state(id).sections, sid);
    });

  it('AIone: overdue invoices are marked, paid ones are not', () => {
    const inv = ready(state(ids.aione).sections, 'invoices');
    const overdue = inv.items.filter((i) => i.overdue);
    assert.ok(overdue.length >= 1, 'the simulator has an overdue invoice');
    assert.ok(overdue.every((i) => i.status === 'overdue' || (i.dueAt !== null && Date.parse(i.dueAt!) < Date.now())));
    assert.ok(inv.items.filter((i) => i.status === 'paid').every((i) => !i.overdue));
  });

  for (const kind of ['aione', 'aihubmix'] as const)
    it(`${kind}: a CSV export offers Open, and Open shows the file in an editor`, async () => {
      const file = vscode.Uri.file(path.join(tmp, `${kind}.csv`));
      const asked: string[] = [];
      api.dashboard.setExportTarget({
        pick: async () => file,
        copy: async () => undefined,
        confirm: async (uri) => {
          asked.push(uri.fsPath);
          return 'open';
        },
      });
      await api.dashboard.post(ids[kind], { type: 'export', format: 'csv' });
      assert.deepEqual(asked, [file.fsPath], 'asked once, after the file was written');
      assert.ok(fs.readFileSync(file.fsPath, 'utf8').startsWith('# connection:'));
      const open = vscode.window.tabGroups.all
        .flatMap((g) => g.tabs)
        .some((t) => t.input instanceof vscode.TabInputText && t.input.uri.fsPath === file.fsPath);
      assert.ok(open, 'the exported file is open in an editor');
    });

  for (const kind of ['aione', 'aihubmix'] as const)
    it(`${kind}: a Top keys row opens that key's details; an id the card does not show opens nothing`, async () => {
      const id = ids[kind];
      const keys = ready(state(id).sections, 'keys');
      const top = keys.rows[0];
      assert.ok(top);
      // the details open for this connection's keys (a tab of another suite's connection may be open beside them)
      const ofThis = () => api.keyDetailsViews.openRefs().filter((r) => r.connectionId === id);
      const detailTabs = (): number =>
        vscode.window.tabGroups.all
          .flatMap((g) => g.tabs)
          .filter((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith('aiGateway.keyDetails'))
          .length;
      // (the tabs API hears of a panel's tab a moment after it opens or closes: wait until it has caught up)
      const caughtUp = () => detailTabs() === api.keyDetailsViews.openRefs().length;
      await waitFor('no key details of this connection left open', () => ofThis().length === 0 && caughtUp(), 5000);
      const tabsBefore = detailTabs();
      await api.dashboard.post(id, { type: 'openKey', id: 'not-a-row-of-the-card' });
      await new Promise((r) => setTimeout(r, 300));
      assert.deepEqual(ofThis(), [], 'nothing opened for an id the card does not show');
      assert.equal(detailTabs(), tabsBefore, 'no details tab was opened');
      await api.dashboard.post(id, { type: 'openKey', id: top.id });
      const keyId =
        kind === 'aione'
          ? top.id
          : String(sim.state.aihubmix.tokens.find((t) => t.name === top.label)?.id ?? 'missing');
      let panel = api.keyDetailsViews.panel({ connectionId: id, keyId });
      for (let i = 0; i < 100 && !panel; i++) {
        await new Promise((r) => setTimeout(r, 100));
        panel = api.keyDetailsViews.panel({ connectionId: id, keyId });
      }
      assert.ok(panel, `the details of ${top.label} opened`);
      await panel.settled();
      assert.equal(panel.view?.title, top.label);
      await waitFor('its details tab', () => detailTabs() === tabsBefore + 1, 5000);
      panel.close();
      await waitFor('its tab closed', () => detailTabs() === tabsBefore, 5000);
      assert.deepEqual(ofThis(), []);
    });
});
