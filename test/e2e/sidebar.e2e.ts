/**
 * UI: the sidebar in the real workbench against the simulator — both demo connections, the keys tree
 * (paged with "Load more…"), a key's context menu, Delete through the real modal dialog (the simulator no
 * longer holds the key), the models tree grouped by vendor (collapsed by default), the status bar, a connection's
 * balance before it is expanded, the dashboard and chat in the view's title bar, type-to-filter with a visible clear,
 * and Edit Key opening on its summary. Light theme, default side bar width. Screenshots in test-results/e2e/sidebar/.
 */
import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import type { Locator } from 'playwright-core';
import { startSimulator, type Simulator } from '../simulator/index';
import { launchVsCode, type VsCode } from './harness';

describe('UI: sidebar trees, context menu, status bar', { timeout: 240000 }, () => {
  let vs: VsCode;
  let sim: Simulator;
  const pane = (title: string): Locator =>
    vs.page.locator('.pane', { has: vs.page.locator('.pane-header', { hasText: title }) });
  const rows = (title: string, level?: number): Locator =>
    pane(title).locator(level === undefined ? '.monaco-list-row' : `.monaco-list-row[aria-level="${level}"]`);

  before(async () => {
    sim = await startSimulator({ host: '127.0.0.1' });
    const demo = JSON.stringify({
      aione: { url: sim.aione.url, adminToken: sim.aione.adminToken, modelKey: sim.aione.modelKey },
      aihubmix: { url: sim.aihubmix.url, accessToken: sim.aihubmix.accessToken, modelKey: sim.aihubmix.modelKey },
      focus: true,
    });
    vs = await launchVsCode({
      name: 'sidebar',
      env: { AI_GATEWAY_CONSOLE_DEMO: demo },
      settings: { 'aiGateway.keys.pageSize': 20, 'workbench.colorTheme': 'Default Light Modern' },
    });
  });
  after(async () => {
    await vs?.close();
    await sim?.close();
  });

  it('shows both demo connections and the status bar once the AI Gateway view opens', () =>
    vs.orShot('connections', async () => {
      await vs.openContainer('AI Gateway'); // activates the extension (onView); the demo connects itself
      await rows('Gateways', 1).filter({ hasText: 'Demo AIone' }).first().waitFor({ timeout: 60000 });
      await rows('Gateways', 1).filter({ hasText: 'Demo AIHubMix' }).first().waitFor({ timeout: 30000 });
      // the status bar shows the active connection's balance once it has read it
      await vs.page
        .locator('.statusbar-item', { hasText: /Demo AIone: ¥[\d,]+\.\d\d/ })
        .first()
        .waitFor({ timeout: 60000 });
      // the connection rows show their balance before they are expanded (the same reading as the status bar)
      await rows('Gateways', 1)
        .filter({ hasText: /Demo AIone.*¥[\d,]+\.\d\d/ })
        .first()
        .waitFor({ timeout: 30000 });
      await rows('Gateways', 1)
        .filter({ hasText: /Demo AIHubMix.*\$[\d,]+\.\d\d/ })
        .first()
        .waitFor({ timeout: 30000 });
      // the dashboard and the chat are one click away, in the view's title bar
      const header = pane('Gateways').locator('.pane-header');
      await header.hover();
      for (const title of ['Open Dashboard', 'Open Chat']) {
        assert.ok(
          (await header.locator(`.action-label[aria-label^="${title}"]`).count()) > 0,
          `the title bar has ${title}`,
        );
      }
      // Models starts collapsed: the keys get the room
      assert.equal(
        await pane('Models').locator('.pane-header').first().getAttribute('aria-expanded'),
        'false',
        'Models is collapsed by default',
      );
      await vs.shot('01-connections');
    }));

  it('expands a connection into one page of keys, and "Load more…" appends the next', () =>
    vs.orShot('keys-tree', async () => {
      await rows('Gateways', 1).filter({ hasText: 'Demo AIone' }).first().click();
      const firstKey = rows('Gateways', 2).first();
      await firstKey.waitFor({ timeout: 30000 });
      // rows are virtualised: count children through aria-setsize (keys + the "Load more…" item)
      assert.equal(await firstKey.getAttribute('aria-setsize'), '21', 'one page of 20 keys and "Load more…"');
      await vs.shot('02-keys-page-1');
      await firstKey.click();
      await vs.page.keyboard.press('End');
      const loadMore = rows('Gateways', 2).filter({ hasText: 'Load more…' }).first();
      await loadMore.waitFor({ timeout: 15000 });
      await vs.shot('03-load-more');
      await loadMore.click();
      for (let i = 0; i < 50 && (await rows('Gateways', 2).first().getAttribute('aria-setsize')) !== '41'; i++)
        await vs.page.waitForTimeout(200);
      assert.equal(
        await rows('Gateways', 2).first().getAttribute('aria-setsize'),
        '41',
        'the next page of 20 was appended',
      );
      await vs.page.keyboard.press('Home');
      await vs.shot('04-keys-page-2');
    }));

  it('opens a key’s context menu and deletes the key through the real modal dialog', () =>
    vs.orShot('context-menu', async () => {
      const stored = (
        (await (await fetch(`${sim.aione.url}/__sim/keys?gateway=aione`)).json()) as {
          items: Array<{ id: string; name: string; status: string }>;
        }
      ).items;
      // an active key among the rows on screen
      // a row's text is the label followed by the description (`name` + `…wxyz · one fact`)
      const visible = await rows('Gateways', 2).allInnerTexts();
      const target = stored.find(
        (k) =>
          k.status === 'active' &&
          visible.some((t) => t.replace(/\s+/g, '').startsWith(`${k.name.replace(/\s+/g, '')}…`)),
      );
      assert.ok(target, `an active key on screen: ${visible.join(', ')}`);
      const row = rows('Gateways', 2).filter({ hasText: target.name }).first();
      await row.click({ button: 'right' });
      const menu = vs.page.locator('.context-view .monaco-menu');
      await menu.waitFor({ timeout: 15000 });
      const items = await menu.locator('.action-label').allInnerTexts();
      for (const expected of ['Disable Key', 'Delete Key…', 'Copy as Snippet…']) {
        assert.ok(
          items.some((t) => t.includes(expected)),
          `context menu has ${expected}: ${items.join(' | ')}`,
        );
      }
      assert.ok(!items.some((t) => t.includes('Enable Key')), 'Enable is not offered on an active key');
      await vs.shot('05-context-menu');
      await menu.locator('.action-label', { hasText: 'Delete Key…' }).first().click();
      const dialog = vs.page.locator('.monaco-dialog-box');
      await dialog.waitFor({ timeout: 15000 });
      assert.match(await dialog.innerText(), new RegExp(target.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
      await vs.shot('06-delete-confirm');
      await dialog.locator('.monaco-button', { hasText: 'Delete Key' }).first().click();
      let gone = false;
      for (let i = 0; i < 50 && !gone; i++) {
        const now = (
          (await (await fetch(`${sim.aione.url}/__sim/keys?gateway=aione`)).json()) as { items: Array<{ id: string }> }
        ).items;
        gone = !now.some((k) => k.id === target.id);
        if (!gone) await vs.page.waitForTimeout(200);
      }
      assert.ok(gone, 'the simulator no longer holds the key');
      await row.waitFor({ state: 'detached', timeout: 15000 });
      await vs.shot('07-deleted');
    }));

  it('type-to-filter: the keys follow what is typed; the filter row has a visible clear', () =>
    vs.orShot('filter', async () => {
      // the title bar's Filter acts on the selected row's connection: one click, then type
      await rows('Gateways', 2).first().click();
      const header = pane('Gateways').locator('.pane-header');
      await header.hover();
      await header.locator('.action-label[aria-label^="Filter Keys"]').first().click();
      await vs.quickInput.waitFor({ timeout: 15000 });
      const box = vs.quickInput.locator('input');
      await box.pressSequentially('dev', { delay: 30 });
      // AIone searches on the gateway once typing pauses: the rows become the matches while the input is open
      await rows('Gateways', 2)
        .filter({ hasText: /^Filtered:/ })
        .first()
        .waitFor({ timeout: 15000 });
      await vs.shot('09-type-to-filter');
      await vs.page.keyboard.press('Enter');
      const filterRow = rows('Gateways', 2)
        .filter({ hasText: /^Filtered:/ })
        .first();
      await filterRow.hover();
      const clear = filterRow.locator('.action-label[aria-label^="Clear Key Filter"]');
      await clear.waitFor({ timeout: 10000 });
      await vs.shot('10-filter-clear-button');
      await clear.click();
      await filterRow.waitFor({ state: 'detached', timeout: 15000 });
    }));

  it('Edit Key opens on its summary (pick a line to change, fixed fields named)', () =>
    vs.orShot('edit-summary', async () => {
      // the row's inline Edit button: one click to the summary
      const key = rows('Gateways', 2).filter({ hasText: '…' }).first();
      for (let attempt = 1; ; attempt++) {
        await key.hover();
        await key.locator('.action-label[aria-label^="Edit Key"]').first().click();
        if (
          await vs.quickInput.waitFor({ timeout: 10000 }).then(
            () => true,
            () => false,
          )
        )
          break;
        if (attempt >= 3) throw new Error('Edit Key did not open');
      }
      await vs.quickInput
        .locator('.monaco-list-row', { hasText: 'Save the changes' })
        .first()
        .waitFor({ timeout: 15000 });
      const lines = await vs.quickInput.locator('.monaco-list-row').allInnerTexts();
      assert.ok(
        lines.some((t) => /fixed at creation/.test(t)),
        `the fields AIone cannot edit are named: ${lines.join(' | ')}`,
      );
      await vs.shot('11-edit-summary');
      await vs.page.keyboard.press('Escape');
    }));

  it('shows the models tree grouped by vendor with prices', () =>
    vs.orShot('models-tree', async () => {
      // collapse Gateways, expand Models: on the title (the header's middle holds the view's action icons)
      await pane('Gateways').locator('.pane-header .title').first().click();
      await pane('Models').locator('.pane-header .title').first().click();
      await rows('Models', 1).filter({ hasText: 'Demo AIHubMix' }).first().click();
      const vendor = rows('Models', 2).filter({ hasText: 'Anthropic' }).first();
      await vendor.waitFor({ timeout: 30000 });
      await vendor.click();
      const model = rows('Models', 3).filter({ hasText: 'claude' }).first();
      await model.waitFor({ timeout: 15000 });
      assert.match(await model.innerText(), /\$/, 'a USD price is shown');
      await vs.shot('08-models-tree');
    }));
});
