/**
 * UI: the keys table and the rendered key details in the real workbench against the simulator, in Simplified
 * Chinese (one launch), in the dark, light and high-contrast themes and at a narrow width: the table opens from the
 * command palette, a header click sorts by spend, the keyboard selects a range (Space, Shift+Arrow) and the bulk
 * buttons follow, Enter opens the details. Screenshots in test-results/e2e/keystable/.
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import type { FrameLocator } from 'playwright-core';
import { useDemo, type VsCode } from './harness';

describe('UI: keys table and key details (zh-cn)', { timeout: 300000 }, () => {
  let vs: VsCode;
  const view = (): FrameLocator =>
    vs.page.frameLocator('iframe.webview.ready').last().frameLocator('iframe#active-frame');

  useDemo(
    { name: 'keystable', locale: 'zh-cn', settings: { 'workbench.colorTheme': 'Default Dark Modern' } },
    { keyCount: 60 },
    (d) => (vs = d.vs),
  );

  it('the table: sort by spend, select three with the keyboard, themes, narrow; then the details', () =>
    vs.orShot('table', async () => {
      await vs.openContainer('AI 网关');
      await vs.page
        .locator('.pane-body .monaco-list-row', { hasText: 'Demo AIHubMix' })
        .first()
        .waitFor({ timeout: 90000 });
      await vs.runCommandFor('AI 网关: 打开密钥表格', 'Demo AIHubMix');
      const rows = view().locator('tbody tr');
      await rows.first().waitFor({ timeout: 60000 });
      assert.equal(await rows.count(), 50, '50 rows a page by default');
      assert.match(await view().locator('#scope').innerText(), /网关自身的顺序/);

      await view().locator('th[data-col="spend"] button').click();
      await view().locator('th[data-col="spend"][aria-sort="descending"]').waitFor({ timeout: 30000 });
      assert.match(await view().locator('#scope').innerText(), /由网关对所有页面排序/, 'sorted by the gateway');

      // keyboard: focus the first row, Space selects it, Shift+ArrowDown twice extends the range
      await rows.first().click();
      await vs.page.keyboard.press('Space');
      await vs.page.keyboard.press('Shift+ArrowDown');
      await vs.page.keyboard.press('Shift+ArrowDown');
      assert.equal(await view().locator('tbody tr[aria-selected="true"]').count(), 3);
      assert.equal(await view().locator('button[data-bulk="disable"]').isDisabled(), false);
      await vs.shot('01-table-dark-zh');

      await vs.setTheme('Light Modern', { frame: view(), bodyClass: /vscode-light/ });
      await vs.shot('02-table-light-zh');
      await vs.setTheme('Dark High Contrast', { frame: view(), bodyClass: /vscode-high-contrast/ });
      await vs.shot('03-table-hc-zh');

      await vs.page.setViewportSize({ width: 900, height: 900 });
      await vs.page.waitForTimeout(500);
      await vs.shot('04-table-narrow-zh');
      await vs.page.setViewportSize({ width: 1400, height: 900 });

      // Enter on the focused row opens its rendered details
      await view().locator('tbody tr[tabindex="0"]').focus();
      await vs.page.keyboard.press('Enter');
      await view().locator('h2', { hasText: '本月' }).waitFor({ timeout: 30000 });
      assert.ok((await view().locator('button[data-action="edit"]').count()) === 1);
      await vs.shot('05-details-hc-zh');
      await vs.setTheme('Light Modern', { frame: view(), bodyClass: /vscode-light/ });
      await vs.shot('06-details-light-zh');
    }));
});
