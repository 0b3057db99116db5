/**
 * UI: the request log in the real workbench against the simulator (the demo's AIone connection): the table of a
 * page with its totals, in the dark, light and high-contrast themes, then in a narrow editor where the token classes
 * fold into one column. Sorting by a header from the keyboard. Screenshots in test-results/e2e/requests/.
 */
import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import type { FrameLocator } from 'playwright-core';
import { startSimulator, type Simulator } from '../simulator/index';
import { demoEnv, launchVsCode, type VsCode } from './harness';

describe('UI: request log', { timeout: 300000 }, () => {
  let vs: VsCode;
  let sim: Simulator;
  const log = (): FrameLocator => vs.page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');

  before(async () => {
    sim = await startSimulator({ host: '127.0.0.1', keyCount: 12 });
    vs = await launchVsCode({
      name: 'requests',
      env: demoEnv(sim),
      settings: { 'workbench.colorTheme': 'Default Dark Modern' },
      viewport: { width: 1400, height: 900 },
    });
  });
  after(async () => {
    await vs?.close();
    await sim?.close();
  });

  it('AIone: the table, its totals and the sort, in three themes and a narrow editor', () =>
    vs.orShot('aione', async () => {
      await vs.openContainer('AI Gateway');
      await vs.page
        .locator('.pane-body .monaco-list-row', { hasText: 'Demo AIone' })
        .first()
        .waitFor({ timeout: 90000 });
      await vs.runCommandFor('AI Gateway: Show Request Log', 'Demo AIone');
      await log().locator('tbody tr').first().waitFor({ timeout: 60000 });
      assert.equal(await log().locator('tbody tr').count(), 50);
      await log().locator('[data-total="cost"]').waitFor({ timeout: 30000 });
      assert.match(await log().locator('#totals').innerText(), /as reported by the gateway/);
      assert.match(await log().locator('[data-total="cost"]').innerText(), /¥/);
      // sort by cost from the keyboard: focus the header button, Enter
      await log().locator('#sort-cost').focus();
      await vs.page.keyboard.press('Enter');
      await log().locator('th[aria-sort="descending"] #sort-cost').waitFor({ timeout: 15000 });
      await vs.shot('01-aione-dark');
      await vs.setTheme('Light Modern', { frame: log(), bodyClass: /vscode-light/ });
      await vs.shot('02-aione-light');
      await vs.setTheme('Dark High Contrast', { frame: log(), bodyClass: /vscode-high-contrast/ });
      await vs.shot('03-aione-high-contrast');
      await vs.setTheme('Light Modern', { frame: log(), bodyClass: /vscode-light/ });
      await vs.page.setViewportSize({ width: 1100, height: 900 });
      await vs.page.waitForTimeout(500);
      assert.equal(await log().locator('th.fold-class').first().isVisible(), false, 'the token classes fold');
      assert.equal(await log().locator('th.fold-tokens').isVisible(), true, 'into one Tokens column');
      await vs.shot('04-aione-medium');
      await vs.page.setViewportSize({ width: 820, height: 900 });
      await vs.page.waitForTimeout(500);
      const card = await log().locator('tbody tr').first().boundingBox();
      assert.ok(card && card.height > 60, 'a narrow row is a card of labelled cells (several lines high)');
      await vs.shot('05-aione-narrow');
    }));
});
