/**
 * UI: failures and their recovery in the real workbench. The simulator's faults are injected over its HTTP control
 * routes (/__sim/faults), as one would against a running `npm start`:
 *  - the keys tree: a refresh that fails shows one sentence in an error row (gateway, operation, what to do) above
 *    the keys read before, kept and marked stale; clicking it (Retry) after the gateway is back shows them fresh;
 *  - the dashboard: one section fails with its sentence and a Retry button while the others load; Retry recovers it;
 *  - the chat: an answer that fails mid-stream keeps its partial text beside the error; Regenerate streams it again.
 * Screenshots in test-results/e2e/recovery/.
 */
import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import type { FrameLocator, Locator } from 'playwright-core';
import { startSimulator, type Simulator } from '../simulator/index';
import { launchVsCode, type VsCode } from './harness';

describe('UI: failures shown, then recovered with Retry', { timeout: 300000 }, () => {
  let vs: VsCode;
  let sim: Simulator;
  const pane = (title: string): Locator =>
    vs.page.locator('.pane', { has: vs.page.locator('.pane-header', { hasText: title }) });
  const rows = (title: string, level?: number): Locator =>
    pane(title).locator(level === undefined ? '.monaco-list-row' : `.monaco-list-row[aria-level="${level}"]`);
  const webview = (): FrameLocator => vs.page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');

  /** The simulator's control routes, over HTTP. */
  const faults = {
    add: async (rule: unknown): Promise<void> => {
      const res = await fetch(`${sim.aione.url}/__sim/faults`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(rule),
      });
      assert.equal(res.status, 200, await res.text());
    },
    clear: async (): Promise<void> => {
      const res = await fetch(`${sim.aione.url}/__sim/faults`, { method: 'DELETE' });
      assert.equal(res.status, 200);
    },
  };

  before(async () => {
    // slow enough that the partial answer is visible before the injected error
    sim = await startSimulator({ host: '127.0.0.1', keyCount: 30, streamTokensPerSecond: 120 });
    const demo = JSON.stringify({
      aione: { url: sim.aione.url, adminToken: sim.aione.adminToken },
      aihubmix: { url: sim.aihubmix.url, accessToken: sim.aihubmix.accessToken, userId: sim.aihubmix.userId },
      focus: true,
    });
    vs = await launchVsCode({
      name: 'recovery',
      env: { AI_GATEWAY_CONSOLE_DEMO: demo },
      settings: { 'aiGateway.keys.pageSize': 20 },
      viewport: { width: 1400, height: 900 },
    });
  });
  after(async () => {
    await vs?.close();
    await sim?.close();
  });

  it('keys tree: a refresh that fails shows the error row; clicking it after the gateway is back lists the keys', () =>
    vs.orShot('keys', async () => {
      await vs.openContainer('AI Gateway');
      const connection = rows('Gateways', 1).filter({ hasText: 'Demo AIone' }).first();
      await connection.waitFor({ timeout: 60000 });
      // Models starts collapsed: the keys have the room
      // The demo stores its tokens and chat keys as the view opens, and the tree re-renders its rows for each: a click
      // can land on a recycled row. Expand AIone (and only AIone) until the tree shows it so.
      const other = rows('Gateways', 1).filter({ hasText: 'Demo AIHubMix' }).first();
      for (let i = 0; ; i++) {
        if ((await connection.getAttribute('aria-expanded')) !== 'true') await connection.click();
        if ((await other.getAttribute('aria-expanded')) === 'true') await other.click();
        await vs.page.waitForTimeout(300);
        if (
          (await connection.getAttribute('aria-expanded')) === 'true' &&
          (await other.getAttribute('aria-expanded')) !== 'true'
        )
          break;
        if (i >= 10) throw new Error('could not expand Demo AIone alone');
      }
      await rows('Gateways', 2).first().waitFor({ timeout: 30000 });
      await vs.shot('01-keys-listed');

      // the gateway starts failing: every key list answers 503 (a read: retried with backoff, then shown)
      await faults.add({
        gateway: 'aione',
        method: 'GET',
        path: '/api/v1/gateway/keys',
        times: 'Infinity',
        fault: { kind: 'status', status: 503 },
      });
      await connection.hover();
      await connection.locator('.action-label[aria-label^="Refresh Keys"]').first().click();
      const errorRow = rows('Gateways', 2)
        .filter({ hasText: /list keys failed/ })
        .first();
      await errorRow.waitFor({ timeout: 30000 });
      const text = await errorRow.innerText();
      assert.match(text, /Demo AIone/, 'the sentence names the gateway');
      assert.match(text, /HTTP 503|internal error|try again/i, 'and says what happened');
      // the keys read before stay under the error, marked stale (nothing the user saw is thrown away)
      assert.equal(
        await rows('Gateways', 2).first().getAttribute('aria-setsize'),
        '21',
        'the error row and the 20 keys read before, no "Load more…"',
      );
      assert.match(await rows('Gateways', 2).nth(1).innerText(), /stale/, 'the kept rows say they are stale');
      // the tree's own page size (the status bar lists keys too, with another)
      const attempts = sim.requests.filter(
        (r) => r.path === '/api/v1/gateway/keys' && r.fault === 'status' && r.query.page_size === '20',
      ).length;
      assert.equal(attempts, 4, 'a read is retried (3 retries) before the error is shown');
      // the row is cut to the view's width; its tooltip holds the whole sentence and says how to retry
      await errorRow.hover();
      const hover = vs.page.locator('.monaco-hover, .workbench-hover').filter({ hasText: 'list keys failed' }).first();
      await hover.waitFor({ timeout: 15000 });
      const tip = (await hover.innerText()).replace(/\s+/g, ' '); // the tooltip's Markdown keeps spaces as no-break spaces
      assert.match(
        tip,
        /Demo AIone: list keys failed \(.+\)\. .+\. .*retry/i,
        `the whole sentence, then how to retry: ${tip}`,
      );
      await vs.shot('02-keys-error');

      // the gateway is back: the error row is the Retry
      await faults.clear();
      await errorRow.click();
      await errorRow.waitFor({ state: 'detached', timeout: 30000 });
      await rows('Gateways', 2)
        .filter({ hasText: 'Load more…' })
        .first()
        .waitFor({ timeout: 30000 })
        .catch(() => undefined);
      assert.ok(!(await rows('Gateways', 2).allInnerTexts()).some((t) => /stale/.test(t)), 'fresh again');
      assert.equal(
        await rows('Gateways', 2).first().getAttribute('aria-setsize'),
        '21',
        'one page of 20 keys and "Load more…"',
      );
      await vs.shot('03-keys-recovered');
    }));

  it('dashboard: a failing call is one banner (its sentence folded) while the rest loads; Retry all recovers it', () =>
    vs.orShot('dashboard', async () => {
      await faults.add({
        gateway: 'aione',
        method: 'GET',
        path: '/api/v1/billing/plan',
        times: 'Infinity',
        fault: { kind: 'status', status: 500 },
      });
      await vs.runCommandFor('AI Gateway: Open Dashboard', 'Demo AIone');
      const plan = webview().locator('[data-section="plan"]');
      await webview().locator('[data-section="plan"][data-status="error"]').waitFor({ timeout: 60000 });
      await webview().locator('[data-section="usage"][data-status="ready"]').waitFor({ timeout: 60000 });
      await webview().locator('[data-section="account"][data-status="ready"]').waitFor({ timeout: 60000 });
      // one banner for the failing call, in plain words; the full sentence folded in its details
      const banner = webview().locator('#banners .banner');
      await banner.waitFor({ timeout: 30000 });
      assert.equal(await banner.count(), 1);
      const message = (await banner.locator('details').textContent()) ?? '';
      assert.match(message, /Demo AIone/, 'the sentence names the gateway');
      assert.match(message, /get plan failed/, 'and the operation');
      assert.equal(sim.requests.filter((r) => r.path === '/api/v1/billing/plan').length, 1, 'HTTP 500 is not retried');
      await banner.scrollIntoViewIfNeeded();
      await vs.shot('04-dashboard-section-error');

      await faults.clear();
      await webview().locator('button.retry-all').click();
      await webview().locator('[data-section="plan"][data-status="ready"]').waitFor({ timeout: 30000 });
      await webview().locator('#banners .banner').waitFor({ state: 'detached', timeout: 30000 });
      await plan.scrollIntoViewIfNeeded();
      await vs.shot('05-dashboard-section-recovered');
    }));

  it('chat: an answer that fails mid-stream keeps its text beside the error; Regenerate streams it whole', () =>
    vs.orShot('chat', async () => {
      await vs.runCommand('View: Close All Editors');
      await webview()
        .locator('body')
        .waitFor({ state: 'detached', timeout: 15000 })
        .catch(() => undefined);
      await vs.runCommand('AI Gateway: Open Chat');
      const chat = webview();
      await chat.locator('#model:not([disabled])').waitFor({ timeout: 30000 });
      // the next stream breaks after 40 events with an error event from upstream
      await faults.add({
        gateway: 'aione',
        method: 'POST',
        path: '/v1/chat/completions',
        times: 1,
        fault: { kind: 'mid-stream-error', afterChunks: 40 },
      });
      await chat.locator('#input').fill('How do I stream a chat answer?');
      await chat.locator('#input').press('Enter');
      const paste = vs.quickInput.locator('.monaco-list-row', { hasText: 'Paste a model key…' }).first();
      await paste.waitFor({ timeout: 15000 });
      await paste.click();
      await vs.quickInput.locator('input[type="password"]').waitFor({ timeout: 15000 });
      await vs.answer(sim.aione.modelKey);
      const answer = chat.locator('.turn.assistant').last();
      const error = answer.locator('.turn-error');
      await error.waitFor({ timeout: 30000 });
      assert.match(await error.innerText(), /upstream timeout/, "the gateway's own words");
      const partial = (await answer.locator('.body').innerText()).trim();
      assert.ok(partial.length > 20, `the partial text stays (${partial.length} chars)`);
      await vs.shot('06-chat-error');

      const regenerate = answer.locator('button[data-turn-action="regenerate"]');
      await regenerate.waitFor({ timeout: 15000 });
      const streamsBefore = sim.streams.length;
      await regenerate.click();
      await chat.locator('#send:not([hidden])').waitFor({ timeout: 60000 });
      const again = chat.locator('.turn.assistant').last();
      await again.locator('.code-block').first().waitFor({ timeout: 30000 });
      assert.equal(await again.locator('.turn-error').count(), 0, 'no error on the new answer');
      assert.ok(
        (await again.locator('.body').innerText()).trim().length > partial.length,
        'the whole answer this time',
      );
      assert.equal(
        sim.streams.slice(streamsBefore).filter((x) => x.gateway === 'aione').length,
        1,
        'Regenerate sent one new request',
      );
      assert.equal(await chat.locator('.turn.assistant').count(), 1, 'Regenerate replaced the failed answer');
      await vs.shot('07-chat-recovered');
    }));
});
