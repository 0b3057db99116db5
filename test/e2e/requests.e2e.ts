/**
 * UI: the request log in the real workbench against the simulator (the demo's AIone connection): the table of a
 * page with its totals, in the dark, light and high-contrast themes, then in a narrow editor where the token classes
 * fold into one column. Sorting by a header from the keyboard. Our price beside the gateway's in every row and the
 * totals, with the rule of a flagged difference under the table. Then an AIone without the per-request route: its
 * daily totals as the rows, said in one quiet line, the status filter off. Screenshots in test-results/e2e/requests/
 * and test-results/e2e/requests-daily/.
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import type { FrameLocator } from 'playwright-core';
import { useDemo, type VsCode } from './harness';

describe('UI: request log', { timeout: 300000 }, () => {
  let vs: VsCode;
  const log = (): FrameLocator => vs.page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');

  useDemo(
    { name: 'requests', settings: { 'workbench.colorTheme': 'Default Dark Modern' } },
    { keyCount: 12 },
    (d) => (vs = d.vs),
  );

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
      assert.match(await log().locator('thead').innerText(), /Our price/);
      await log().locator('[data-total="ours"]').waitFor({ timeout: 30000 });
      assert.match(
        await log().locator('#diff-rule').innerText(),
        /beyond the gateway's rounding \(¥0\.00005 a request\)/,
      );
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

describe('UI: request log as daily totals (AIone without the per-request route)', { timeout: 240000 }, () => {
  let vs: VsCode;
  const log = (): FrameLocator => vs.page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');

  useDemo(
    { name: 'requests-daily', settings: { 'workbench.colorTheme': 'Default Dark Modern' } },
    { keyCount: 12, variants: { aioneRequestLog: 'absent' } },
    (d) => (vs = d.vs),
  );

  it('one quiet line, daily rows per key with their request counts, our price and the totals', () =>
    vs.orShot('daily', async () => {
      await vs.openContainer('AI Gateway');
      await vs.page
        .locator('.pane-body .monaco-list-row', { hasText: 'Demo AIone' })
        .first()
        .waitFor({ timeout: 90000 });
      await vs.runCommandFor('AI Gateway: Show Request Log', 'Demo AIone');
      await log().locator('tbody tr').first().waitFor({ timeout: 60000 });
      assert.equal(
        await log().locator('#daily').innerText(),
        'Daily totals — this gateway reports no per-request records.',
      );
      assert.equal(await log().locator('p.error, [role="alert"]').count(), 0, 'quiet: not an error');
      assert.equal(await log().locator('#f-status').isDisabled(), true, 'daily totals are not split by status');
      assert.match(await log().locator('tbody tr').first().innerText(), /\(UTC day\)[\s\S]*\d+ requests/);
      await log().locator('[data-total="cost"]').waitFor({ timeout: 30000 });
      // a row per key and day names no model: no price of ours for it, and no "¥0.00" total pretending one
      assert.equal(await log().locator('[data-total="ours"]').count(), 0);
      await vs.shot('01-daily-dark');
      // one key's log: a row per day and model, priced by us beside the gateway
      const busiest = (await log().locator('tbody tr').nth(1).locator('td').nth(1).innerText()).trim();
      await log().locator('#f-key').selectOption({ label: busiest });
      await log().locator('[data-total="ours"]').waitFor({ timeout: 30000 });
      assert.match(await log().locator('tbody tr').first().innerText(), /\(UTC day\)/);
      assert.match(await log().locator('#diff-rule').innerText(), /¥0\.00005 a request/);
      await vs.shot('02-daily-key-dark');
    }));
});
