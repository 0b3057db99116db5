/**
 * UI: the usage and billing dashboard in the real workbench against the simulator, for both demo connections, in a
 * dark, a light and a high-contrast theme (switched live through the Color Theme picker, so the charts re-draw on
 * the theme change), and in Simplified Chinese: every section shows, the trend canvas is not blank, the pressed
 * segments follow the real bucket size and are outlined in high contrast, hours still to come are not plotted, the
 * cost KPI stays in its box at a narrow width, the Models bars switch between cost and tokens with whole labels, a
 * Top keys row opens the key, overdue invoices carry the word, one banner per failing call with Retry all and the
 * last figures greyed, AIHubMix says in one quiet line what it does not offer. Screenshots in
 * test-results/e2e/dashboard/ and test-results/e2e/dashboard-zh/.
 */
import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import type { FrameLocator } from 'playwright-core';
import { startSimulator, type Simulator } from '../simulator/index';
import { demoEnv, launchVsCode, type VsCode } from './harness';

const DARK = 'Default Dark Modern';

/** How many KPI values run past their own box (a long cost into its neighbour). */
async function overflowingKpis(frame: FrameLocator): Promise<string[]> {
  type Box = { left: number; right: number };
  type El = { getBoundingClientRect(): Box; scrollWidth: number; clientWidth: number; textContent: string | null };
  return frame.locator('.kpi').evaluateAll((els) =>
    els.flatMap((k) => {
      const box = (k as unknown as El).getBoundingClientRect();
      const v = (k as unknown as { querySelector(s: string): El | null }).querySelector('.kpi-value');
      if (!v) return [];
      const r = v.getBoundingClientRect();
      return r.right > box.right + 0.5 || v.scrollWidth > v.clientWidth + 1 ? [v.textContent ?? ''] : [];
    }),
  );
}

describe('UI: usage and billing dashboard', { timeout: 300000 }, () => {
  let vs: VsCode;
  let sim: Simulator;
  const dash = (): FrameLocator => vs.page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');

  before(async () => {
    sim = await startSimulator({ host: '127.0.0.1', keyCount: 12 });
    vs = await launchVsCode({
      name: 'dashboard',
      env: demoEnv(sim),
      settings: { 'workbench.colorTheme': DARK },
      viewport: { width: 1400, height: 1000 },
    });
  });
  after(async () => {
    await vs?.close();
    await sim?.close();
  });

  /** How many pixels of the section's chart canvas are drawn (not transparent). */
  async function drawnPixels(section: string): Promise<number> {
    const canvas = dash().locator(`[data-section="${section}"] .chart canvas`).first();
    await canvas.waitFor({ timeout: 30000 });
    // (no DOM lib in this tsconfig: the canvas is typed by what is used)
    type Canvas = {
      width: number;
      height: number;
      getContext(
        kind: '2d',
      ): { getImageData(x: number, y: number, w: number, h: number): { data: ArrayLike<number> } } | null;
    };
    return canvas.evaluate((el) => {
      const c = el as unknown as Canvas;
      const ctx = c.getContext('2d');
      if (!ctx || c.width === 0 || c.height === 0) return 0;
      const d = ctx.getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 3; i < d.length; i += 4) if (d[i]! > 0) n++;
      return n;
    });
  }

  async function openDashboard(label: string): Promise<void> {
    // the workbench can take focus from a quick input right after start (the demo reveals its view): retry
    for (let attempt = 1; ; attempt++) {
      await vs.runCommand('AI Gateway: Open Dashboard');
      try {
        await vs.quickInput.locator('.monaco-list-row', { hasText: label }).first().waitFor({ timeout: 10000 });
        break;
      } catch (e) {
        if (attempt >= 3) throw e;
        await vs.page.keyboard.press('Escape').catch(() => undefined);
      }
    }
    await vs.answer(label);
    await dash().locator('[data-section="usage"][data-status="ready"]').waitFor({ timeout: 60000 });
    await dash().locator('[data-section="models"][data-status="ready"]').waitFor({ timeout: 60000 });
    await dash().locator('[data-section="account"][data-status="ready"]').waitFor({ timeout: 60000 });
  }

  it('AIone: every section, charts drawn, in the dark and the light theme', () =>
    vs.orShot('aione', async () => {
      await vs.openContainer('AI Gateway'); // activates the extension; the demo connects itself
      await vs.page
        .locator('.statusbar-item', { hasText: /Demo AIone/ })
        .first()
        .waitFor({ timeout: 90000 });
      // the demo reveals the Gateways view once connected: wait for it before opening the palette
      await vs.page
        .locator('.pane-body .monaco-list-row', { hasText: 'Demo AIone' })
        .first()
        .waitFor({ timeout: 60000 });
      await openDashboard('Demo AIone');
      for (const id of ['teams', 'keys', 'plan', 'invoices'])
        await dash().locator(`[data-section="${id}"][data-status="ready"]`).waitFor({ timeout: 30000 });
      assert.match(await dash().locator('#range-line').innerText(), /→/);
      assert.match(await dash().locator('[data-section="kpis"]').innerText(), /¥/);
      assert.ok((await drawnPixels('usage')) > 500, 'the trend chart is drawn');
      assert.ok((await dash().locator('[data-section="models"] .meters li').count()) > 0, 'the model bars are drawn');
      assert.equal(await dash().locator('[data-section="invoices"] tbody tr').count(), 10);
      // one Refresh; the Models bars by cost by default, with whole model ids
      assert.equal(await dash().locator('button[data-action="refresh"]').count(), 1);
      const models = dash().locator('[data-section="models"]');
      assert.equal(await models.locator('.segmented button[aria-pressed="true"]').innerText(), 'Cost');
      assert.equal(await models.locator('.meters').getAttribute('data-metric'), 'cost');
      const labels = await models.locator('.meter-label').allInnerTexts();
      assert.ok(labels.length > 0 && labels.every((l) => !l.includes('…')), `whole labels: ${labels.join(', ')}`);
      const title = (await models.locator('.meter-label').first().getAttribute('title')) ?? '';
      const value = await models.locator('.meter-value').first().innerText();
      assert.equal(title, `${labels[0]}: ${value}`, 'the tooltip shows the row and its value in the same units');
      await models.locator('.segmented button', { hasText: 'Tokens' }).click();
      assert.equal(await models.locator('.meters').getAttribute('data-metric'), 'tokens');
      assert.doesNotMatch(await models.locator('.meter-value').first().innerText(), /¥/);
      // overdue invoices: the word and the error colour
      const overdue = dash().locator('[data-section="invoices"] tbody tr.overdue');
      assert.ok((await overdue.count()) >= 1, 'an overdue invoice is marked');
      assert.match(await overdue.first().innerText(), /Overdue/);
      assert.match(await dash().locator('[data-section="invoices"] .page-of').innerText(), /^Page 1$/);
      await vs.shot('01-aione-dark');
      await vs.setTheme('Light Modern', { frame: dash(), bodyClass: /vscode-light/ });
      assert.ok((await drawnPixels('usage')) > 500, 'the trend chart is drawn again in the light theme');
      await vs.shot('02-aione-light');
      // the data table alternative of the trend chart
      await dash().locator('[data-section="usage"] details summary').click();
      assert.equal(await dash().locator('[data-section="usage"] details tbody tr').count(), 8, '7 days and the total');
      await dash().locator('[data-section="invoices"]').scrollIntoViewIfNeeded();
      await vs.shot('03-aione-light-billing');

      // Today: shown by the hour, the pressed segment says so, the hours still to come are not plotted
      await dash().locator('.toolbar button[data-value="today"]').click();
      const chart = dash().locator('[data-section="usage"] .chart[data-granularity="hour"]');
      await chart.waitFor({ timeout: 30000 });
      assert.equal(await dash().locator('.toolbar button[data-value="hour"]').getAttribute('aria-pressed'), 'true');
      assert.equal(await dash().locator('.toolbar button[data-value="day"]').getAttribute('aria-pressed'), 'false');
      assert.equal(await chart.getAttribute('data-buckets'), '24');
      const hour = new Date().getUTCHours();
      assert.ok(Number(await chart.getAttribute('data-plotted')) <= hour + 1, 'no point for an hour to come');
      assert.ok((await drawnPixels('usage')) > 500);
      await vs.shot('04-aione-today-hourly');

      // 90 days: the cost KPI stays in its box, also in a narrow editor (about a side bar's width)
      await dash().locator('.toolbar button[data-value="90d"]').click();
      await dash().locator('[data-section="usage"][data-status="ready"] .chart[data-buckets="90"]').waitFor();
      await dash().locator('.kpi-value[data-kpi="p99 latency"]').waitFor(); // every KPI drawn: nothing redraws them
      assert.deepEqual(await overflowingKpis(dash()), []);
      // a large organisation's 90-day cost: the longest money string a KPI may have to hold, in the narrowest boxes
      await dash()
        .locator('.kpi-value[data-kpi="Cost"]')
        .evaluate((el) => {
          (el as unknown as { textContent: string }).textContent = '¥12,345,678.9012';
        });
      assert.deepEqual(await overflowingKpis(dash()), [], 'a long cost wraps or shrinks inside its box');
      await vs.page.setViewportSize({ width: 640, height: 1000 });
      await vs.page.waitForTimeout(500);
      assert.deepEqual(await overflowingKpis(dash()), [], 'at a narrow editor width');
      await vs.shot('05-aione-90d-narrow');
      await vs.page.setViewportSize({ width: 1400, height: 1000 });

      // high contrast: the pressed segments are outlined
      await vs.setTheme('Dark High Contrast', { frame: dash(), bodyClass: /vscode-high-contrast/ });
      const pressed = dash().locator('.toolbar .segmented button[aria-pressed="true"]').first();
      const style = await pressed.evaluate((b) => {
        const cs = (globalThis as unknown as { getComputedStyle(e: unknown): Record<string, string> }).getComputedStyle(
          b,
        );
        return { style: cs.outlineStyle, width: cs.outlineWidth, color: cs.outlineColor };
      });
      assert.equal(style.style, 'solid', JSON.stringify(style));
      assert.notEqual(style.color, 'rgba(0, 0, 0, 0)');
      await vs.shot('06-aione-high-contrast');

      // a failing call: one banner, Retry all, the last good figures kept and greyed
      // the 7-day view read afresh, invoices included, before the fault: its figures are the last good ones
      const invoiceReads = (): number => sim.requests.filter((r) => r.path === '/api/v1/billing/invoices').length;
      const readsBefore = invoiceReads();
      await dash().locator('.toolbar button[data-value="7d"]').click();
      for (let i = 0; i < 300 && invoiceReads() === readsBefore; i++) await vs.page.waitForTimeout(100);
      await dash().locator('[data-section="invoices"][data-status="ready"]').waitFor();
      await vs.page.waitForTimeout(300); // the answer to that read posted to the page
      sim.faults.add({
        gateway: 'aione',
        path: '/api/v1/billing/invoices',
        times: 20,
        fault: { kind: 'status', status: 500 },
      });
      await dash().locator('button[data-action="refresh"]').click();
      const banner = dash().locator('#banners .banner');
      await banner.waitFor({ timeout: 30000 });
      assert.equal(await banner.count(), 1);
      assert.match(await banner.innerText(), /Could not load Invoices/);
      assert.equal(await banner.locator('details').getAttribute('open'), null, 'the details are folded away');
      await dash().locator('[data-section="invoices"][data-stale]').waitFor();
      assert.match(await dash().locator('[data-section="invoices"] .stale-note').innerText(), /Not refreshed/);
      assert.equal(await dash().locator('[data-section="invoices"] tbody tr').count(), 10, 'the last invoices kept');
      await dash().locator('[data-section="invoices"]').scrollIntoViewIfNeeded();
      await vs.shot('07-aione-banner-stale-hc');
      sim.faults.clear();
      await dash().locator('button.retry-all').click();
      await dash().locator('#banners .banner').waitFor({ state: 'detached', timeout: 30000 });
      await dash().locator('[data-section="invoices"][data-status="ready"]').waitFor();

      await vs.setTheme('Dark Modern', { frame: dash(), bodyClass: /vscode-dark/ });
      // a Top keys row opens the key's details
      const key = dash().locator('[data-section="keys"] button.meter-label').first();
      const name = await key.innerText();
      await key.click();
      await vs.page.locator('.tab', { hasText: name }).first().waitFor({ timeout: 30000 });
      await vs.shot('07b-aione-key-opened');
    }));

  it('AIHubMix: usage from the logs, what it does not offer said quietly, in the light and the dark theme', () =>
    vs.orShot('aihubmix', async () => {
      await vs.runCommand('View: Close All Editors'); // one dashboard webview on screen
      await dash()
        .locator('body')
        .waitFor({ state: 'detached', timeout: 15000 })
        .catch(() => undefined);
      await openDashboard('Demo AIHubMix');
      await dash()
        .locator('[data-section="plan"][data-status="unsupported"]')
        .waitFor({ state: 'attached', timeout: 30000 });
      // one quiet line instead of three empty cards
      assert.equal(await dash().locator('[data-section][data-status="unsupported"]:visible').count(), 0);
      assert.match(
        await dash().locator('#not-offered').innerText(),
        /^Not offered by AIHubMix: Cost by team, Plan, Invoices\.$/,
      );
      assert.match(await dash().locator('[data-section="kpis"]').innerText(), /\$/);
      assert.ok((await drawnPixels('usage')) > 500, 'the trend chart is drawn');
      assert.ok((await dash().locator('[data-section="models"] .meters li').count()) > 0, 'the model bars are drawn');
      await vs.shot('08-aihubmix-dark');
      await vs.setTheme('Light Modern', { frame: dash(), bodyClass: /vscode-light/ });
      assert.ok((await drawnPixels('usage')) > 500);
      await vs.shot('09-aihubmix-light');
    }));
});

describe('UI: the dashboard in Simplified Chinese', { timeout: 240000 }, () => {
  let vs: VsCode;
  let sim: Simulator;
  const dash = (): FrameLocator => vs.page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');

  before(async () => {
    sim = await startSimulator({ host: '127.0.0.1', keyCount: 6 });
    vs = await launchVsCode({
      name: 'dashboard-zh',
      locale: 'zh-cn',
      env: demoEnv(sim),
      viewport: { width: 1280, height: 1000 },
    });
  });
  after(async () => {
    await vs?.close();
    await sim?.close();
  });

  it('AIone: pages, periods, invoice states and the day basis in Chinese', () =>
    vs.orShot('zh', async () => {
      await vs.openContainer('AI 网关');
      await vs.page
        .locator('.pane-body .monaco-list-row', { hasText: 'Demo AIone' })
        .first()
        .waitFor({ timeout: 90000 });
      await vs.runCommandFor('AI 网关: 打开仪表板', 'Demo AIone');
      await dash().locator('[data-section="invoices"][data-status="ready"]').waitFor({ timeout: 60000 });
      await dash().locator('[data-section="keys"][data-status="ready"]').waitFor({ timeout: 60000 });
      const invoices = dash().locator('[data-section="invoices"]');
      assert.equal(await invoices.locator('.page-of').innerText(), '第 1 页');
      assert.match(await invoices.locator('tbody tr').first().innerText(), /\d{4}年\d{1,2}月/);
      assert.match(await invoices.locator('tbody tr.overdue').first().innerText(), /已逾期/);
      assert.match(await invoices.innerText(), /已支付/);
      assert.doesNotMatch(await invoices.innerText(), /\b(paid|unpaid|overdue|Page)\b/);
      assert.match(await dash().locator('#day-basis').innerText(), /本页面所有数据均按/);
      const plan = await dash().locator('[data-section="plan"]').innerText();
      assert.match(plan, /生效中/);
      assert.match(plan, /按月/);
      assert.doesNotMatch(await dash().locator('[data-section="kpis"]').innerText(), /令牌/, '令牌 is the API key');
      await invoices.scrollIntoViewIfNeeded();
      await vs.shot('01-aione-zh-billing');
      await dash().locator('.page-head').scrollIntoViewIfNeeded();
      await vs.shot('02-aione-zh-top');
    }));
});
