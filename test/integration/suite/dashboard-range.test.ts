/**
 * Opening the dashboard from the status bar tooltip, and the dashboard's custom ranges in a real VS Code against the
 * simulator: the tooltip's link names the active connection and opens its panel; a 120-day custom range on AIone
 * (the gateway accepts ≤ 92 days per usage request) loads in ≤ 92-day chunks without an error section and its totals
 * equal the simulator's; a custom range whose first day is after its last is refused by the host; a range of
 * 1900 → today is clamped to the last 365 days with a sentence saying so, makes at most MAX_REQUESTS_PER_VIEW
 * gateway requests and posts well under a megabyte; a range with no day in that history is refused with a
 * sentence and changes nothing; a date that does not exist (2024-99-99) is dropped.
 */
import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import type { AiGatewayTestApi } from '../../../src/extension';
import type { UiChoices } from '../../../src/webview/dashboardProtocol';
import { MAX_REQUESTS_PER_VIEW, USAGE_HISTORY_DAYS } from '../../../src/features/dashboard/data';
import type { Simulator } from '../../simulator/index';
import { openSimulator, type SimulatorFixture } from './fixture';
import type { RecordedRequest } from '../../simulator/types';

const DAY = 86_400_000;
const utcDay = (t: number): string => new Date(t).toISOString().slice(0, 10);
const dayNo = (d: string): number => Math.round(Date.parse(`${d}T00:00:00Z`) / DAY);

describe('Dashboard ranges and the status bar link (simulator)', function () {
  this.timeout(120000);
  let api: AiGatewayTestApi;
  let sim: Simulator;
  let fx: SimulatorFixture | undefined;
  let aione = '';

  before(async () => {
    fx = await openSimulator({ keyCount: 6 });
    ({ api, sim } = fx);
    aione = await fx.add('aione', 'Range AIone');
  });

  after(async () => {
    api.dashboard.close(aione);
    await vscode.workspace
      .getConfiguration('aiGateway')
      .update('activeConnection', undefined, vscode.ConfigurationTarget.Global);
    await fx?.close();
  });

  it("the status bar tooltip links to the active connection's dashboard, and the link opens that panel", async () => {
    await vscode.commands.executeCommand('aiGateway.setActiveConnection', aione);
    await api.status.settled();
    const s = api.status.snapshot();
    assert.equal(api.status.activeConnection()?.id, aione);
    assert.deepEqual(s.tooltipEnabledCommands, ['aiGateway.openDashboard'], 'links may run only the dashboard command');
    assert.match(s.tooltip, /Open dashboard/);
    const m = /\]\((command:[^)?]+)\?([^)]+)\)/.exec(s.tooltipMarkdown);
    assert.ok(m, `a command link in ${s.tooltipMarkdown}`);
    assert.equal(m[1], 'command:aiGateway.openDashboard');
    const args = JSON.parse(decodeURIComponent(m[2]!)) as unknown[];
    assert.deepEqual(args, [aione], 'the link carries the active connection id as encoded JSON');

    api.dashboard.close(aione);
    assert.equal(api.dashboard.state(aione), undefined);
    await vscode.commands.executeCommand(m[1].slice('command:'.length), ...args);
    const opened = api.dashboard.state(aione);
    assert.ok(opened, "running the link's command opened the dashboard of that connection");
    await api.dashboard.open(aione); // the same panel (revealed): waits until its webview is ready
    assert.equal(api.dashboard.state(aione)?.meta?.connectionId, aione);
  });

  it("a custom 120-day range on AIone loads in ≤ 92-day requests, without an error section, totals equal the simulator's", async () => {
    const to = utcDay(Date.now());
    const from = utcDay(Date.now() - 119 * DAY);
    const choices: UiChoices = {
      range: { preset: 'custom', from, to },
      tz: 'utc',
      granularity: 'day',
      metric: 'requests',
      keySort: 'cost',
    };
    sim.requests.length = 0;
    await api.dashboard.open(aione, choices);
    await api.dashboard.post(aione, { type: 'setChoices', choices });
    const st = api.dashboard.state(aione);
    assert.ok(st?.meta);
    assert.equal(st.meta.days, 120);
    for (const [id, sec] of Object.entries(st.sections)) {
      assert.notEqual(sec.status, 'error', `section ${id}: ${sec.status === 'error' ? sec.message : ''}`);
    }
    const usage = st.sections.usage;
    if (usage.status !== 'ready') assert.fail(`usage is ${usage.status}`);
    const data = usage.data;
    assert.equal(data.buckets.length, 120);

    // what the simulator served: every usage request ≤ 92 UTC days, none refused, together covering the 120 days
    const usageReqs = sim.requests.filter(
      (r: RecordedRequest) => r.gateway === 'aione' && r.path === '/api/v1/obs/usage',
    );
    // hourly rows come in ≤ 7-day chunks; the per-model rows in ≤ 92-day chunks
    const dayReqs = usageReqs.filter((r) => r.query.group_by === 'model');
    assert.ok(dayReqs.length >= 2, `the 120 days were split (${dayReqs.length} per-model requests)`);
    for (const r of usageReqs) {
      const span = dayNo(r.query.end_date!) - dayNo(r.query.start_date!) + 1;
      assert.ok(span <= 92, `a usage request of ${span} days`);
      assert.ok(r.status === undefined || r.status < 400, `usage request answered ${r.status}`);
    }
    const covered = dayReqs.reduce((a, r) => a + dayNo(r.query.end_date!) - dayNo(r.query.start_date!) + 1, 0);
    assert.equal(covered, 120);

    // totals equal the simulator's own rows over the same days (asked in two ≤ 92-day requests)
    let wire = 0;
    for (const [a, b] of [
      [from, utcDay(Date.parse(`${from}T00:00:00Z`) + 91 * DAY)],
      [utcDay(Date.parse(`${from}T00:00:00Z`) + 92 * DAY), to],
    ] as const) {
      const r = await fetch(`${sim.aione.url}/api/v1/obs/usage?start_date=${a}&end_date=${b}&group_by=day`, {
        headers: { authorization: `Bearer ${sim.aione.adminToken}` },
      });
      assert.ok(r.ok, `simulator usage ${a}..${b} → ${r.status}`);
      const body = (await r.json()) as { items: Array<{ requests: number }> };
      wire += body.items.reduce((s, x) => s + x.requests, 0);
    }
    assert.ok(wire > 0);
    assert.equal(data.totals.requests, wire);
  });

  it('1900 → today is clamped to the last 365 days with a sentence; ≤ the request cap; a small posting', async () => {
    const to = utcDay(Date.now());
    const choices: UiChoices = {
      range: { preset: 'custom', from: '1900-01-01', to },
      tz: 'local',
      granularity: 'day',
      metric: 'requests',
      keySort: 'cost',
    };
    await api.dashboard.open(aione);
    const n = sim.requests.length;
    await api.dashboard.post(aione, { type: 'setChoices', choices });
    const st = api.dashboard.state(aione);
    assert.ok(st?.meta);
    const made = sim.requests.length - n;
    assert.ok(made <= MAX_REQUESTS_PER_VIEW, `${made} gateway requests (cap ${MAX_REQUESTS_PER_VIEW})`);
    assert.ok(made > 0);
    assert.equal(st.meta.days, USAGE_HISTORY_DAYS);
    assert.equal(st.meta.to, st.meta.maxDay);
    assert.equal(st.meta.from, st.meta.minDay);
    assert.equal(st.meta.choices.range.from, st.meta.minDay, 'the choices hold the days shown');
    assert.match(st.meta.rangeNote ?? '', /365 days/);
    assert.match(st.meta.rangeNote ?? '', /1900-01-01/, 'the sentence names what was asked');
    assert.match(st.meta.historyNote, /365 days/, 'the picker states the history it reads');
    for (const [id, sec] of Object.entries(st.sections))
      assert.notEqual(sec.status, 'error', `section ${id}: ${sec.status === 'error' ? sec.message : ''}`);
    const usage = st.sections.usage;
    assert.ok(usage.status === 'ready' && usage.data.buckets.length === USAGE_HISTORY_DAYS);
    assert.ok(st.postedBytes < 512 * 1024, `${st.postedBytes} characters posted to the webview`);
    for (const r of sim.requests.slice(n))
      assert.ok(
        !r.query.start_date || r.query.start_date >= utcDay(Date.parse(`${st.meta.minDay}T00:00:00Z`) - DAY),
        `no request before the history: ${r.query.start_date}`,
      );
  });

  it('a range with no day in that history, or in the future, is refused with a sentence; a non-existent date is dropped', async () => {
    const before = api.dashboard.state(aione);
    assert.ok(before?.meta);
    const beforeChoices = JSON.stringify(before.meta.choices);
    const n = sim.requests.length;
    const notices = before.notices.length;
    const old: UiChoices = {
      range: { preset: 'custom', from: '1900-01-01', to: '1900-12-31' },
      tz: 'utc',
      granularity: 'day',
      metric: 'requests',
      keySort: 'cost',
    };
    await api.dashboard.post(aione, { type: 'setChoices', choices: old });
    const future: UiChoices = { ...old, range: { preset: 'custom', from: '2999-01-01', to: '2999-01-31' } };
    await api.dashboard.post(aione, { type: 'setChoices', choices: future });
    let after = api.dashboard.state(aione)!;
    assert.equal(JSON.stringify(after.meta?.choices), beforeChoices, 'nothing changed');
    assert.deepEqual(after.notices.length, notices + 2);
    assert.match(after.notices[notices]!, /ends before/);
    assert.match(after.notices[notices + 1]!, /after today/);
    const bad = { ...old, range: { preset: 'custom', from: '2024-99-99', to: '2024-12-31' } };
    await api.dashboard.post(aione, { type: 'setChoices', choices: bad });
    after = api.dashboard.state(aione)!;
    assert.equal(JSON.stringify(after.meta?.choices), beforeChoices);
    assert.equal(sim.requests.length - n, 0, 'no request reached the gateway');
  });

  it('a custom range whose first day is after its last day is refused by the host (nothing reloads)', async () => {
    const before = api.dashboard.state(aione);
    assert.ok(before?.meta);
    const beforeChoices = JSON.stringify(before.meta.choices);
    const beforeSections = JSON.stringify(before.sections);
    const n = sim.requests.length;
    const bad: UiChoices = {
      range: { preset: 'custom', from: '2026-03-10', to: '2026-03-01' },
      tz: 'utc',
      granularity: 'day',
      metric: 'requests',
      keySort: 'cost',
    };
    await api.dashboard.post(aione, { type: 'setChoices', choices: bad });
    const after = api.dashboard.state(aione);
    assert.equal(JSON.stringify(after?.meta?.choices), beforeChoices);
    assert.equal(JSON.stringify(after?.sections), beforeSections);
    assert.equal(
      sim.requests.filter((r, i) => i >= n && r.gateway === 'aione').length,
      0,
      'no request reached the gateway',
    );
  });
});
