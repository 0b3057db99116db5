/**
 * UI: the model catalogue in the real workbench against the simulator — the Models view filtered ("tools + ≥ 128K
 * context") and sorted (cheapest input first) through its commands, with its "Filtered: … (clear)" row; three models
 * added with "Add to Comparison" from their context menu; the Compare Models panel in the dark, light and high
 * contrast themes. Then a Simplified Chinese pass of the same flow (the filter's steps, the "已筛选" row, the Compare
 * page's labels and notes): no English word of ours left, 令牌 only for the API key, nothing cut. Screenshots in
 * test-results/e2e/catalogue/ and test-results/e2e/catalogue-zh/.
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import type { FrameLocator, Locator } from 'playwright-core';
import { useDemo, type VsCode } from './harness';

describe('UI: model catalogue (filter, sort, compare)', { timeout: 240000 }, () => {
  let vs: VsCode;
  const pane = (title: string): Locator =>
    vs.page.locator('.pane', { has: vs.page.locator('.pane-header', { hasText: title }) });
  const rows = (title: string, level: number): Locator =>
    pane(title).locator(`.monaco-list-row[aria-level="${level}"]`);
  const compare = (): FrameLocator => vs.page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');

  useDemo(
    { name: 'catalogue', settings: { 'workbench.colorTheme': 'Default Dark Modern' } },
    { keyCount: 6 },
    (d) => (vs = d.vs),
  );

  async function addToComparison(row: Locator, columns: number): Promise<void> {
    const menu = vs.page.locator('.context-view .monaco-menu');
    // a hover or the panel taking focus can swallow the first right-click: select the row, then ask again
    for (let attempt = 1; ; attempt++) {
      await row.click();
      await row.click({ button: 'right' });
      try {
        await menu.waitFor({ timeout: 5000 });
        break;
      } catch (e) {
        if (attempt >= 3) throw e;
        await vs.page.keyboard.press('Escape');
      }
    }
    const item = menu.locator('.action-label', { hasText: 'Add to Comparison' }).first();
    await item.hover();
    await item.click();
    // a click that lands while the menu still animates is lost: the hovered item takes Enter
    if (await menu.isVisible().catch(() => false)) await vs.page.keyboard.press('Enter');
    await menu.waitFor({ state: 'hidden', timeout: 5000 });
    await compare()
      .locator('table.compare thead th .model')
      .nth(columns - 1)
      .waitFor({ timeout: 30000 });
  }

  it('the Models view filtered by tools and ≥ 128K context, cheapest input first', () =>
    vs.orShot('filtered', async () => {
      await vs.openContainer('AI Gateway'); // activates the extension; the demo connects itself
      await rows('Gateways', 1).filter({ hasText: 'Demo AIone' }).first().waitFor({ timeout: 60000 });
      // collapse Gateways, expand Models: on the title (the header's middle holds the view's action icons)
      await pane('Gateways').locator('.pane-header .title').first().click();
      await pane('Models').locator('.pane-header .title').first().click();
      await rows('Models', 1).filter({ hasText: 'Demo AIone' }).first().waitFor({ timeout: 30000 });

      await vs.runCommand('AI Gateway: Filter Models by Type, Features and Context…');
      await vs.quickInput
        .locator('.monaco-list-row', { hasText: 'structured output' })
        .first()
        .waitFor({ timeout: 15000 });
      await vs.quickInput.locator('input').first().fill('tools'); // only the "tools" row is left
      const tools = vs.quickInput.locator('.monaco-list-row', { hasText: 'tools' }).first();
      await tools.waitFor({ timeout: 15000 });
      await tools.click(); // toggles its checkbox
      await vs.quickInput
        .locator('.monaco-list-row[aria-checked="true"]', { hasText: 'tools' })
        .first()
        .waitFor({ timeout: 5000 });
      await vs.page.keyboard.press('Enter');
      await vs.quickInput.locator('.monaco-list-row', { hasText: '128K' }).first().waitFor({ timeout: 15000 });
      await vs.answer('≥ 128K');
      await vs.runCommand('AI Gateway: Sort Models…');
      await vs.quickInput.locator('.monaco-list-row', { hasText: 'cheapest input first' }).first().waitFor();
      await vs.answer('cheapest input first');

      const filterRow = rows('Models', 1).filter({ hasText: 'Filtered: tools, ≥ 128K ctx · cheapest input first' });
      await filterRow.first().waitFor({ timeout: 15000 });
      await rows('Models', 1).filter({ hasText: 'Demo AIone' }).first().click();
      const first = rows('Models', 2).first();
      await first.waitFor({ timeout: 30000 });
      assert.match(await first.innerText(), /¥/, 'AIone prices in RMB');
      // a 32K model is not there; the flat list has no vendor groups
      assert.equal(await rows('Models', 2).filter({ hasText: 'qwen-max' }).count(), 0);
      assert.equal(
        await rows('Models', 2)
          .filter({ hasText: /^OpenAI/ })
          .count(),
        0,
      );
      await vs.shot('01-models-filtered-dark');
    }));

  it('Compare Models: three models from the context menu, in the dark, light and high contrast themes', () =>
    vs.orShot('compare', async () => {
      // the Models view gets the side bar's height, so the rows below the fold are rendered (the list is virtual)
      const gateways = pane('Gateways').locator('.pane-header').first();
      if ((await gateways.getAttribute('aria-expanded')) === 'true') await gateways.locator('.title').first().click();
      await addToComparison(rows('Models', 2).filter({ hasText: 'claude-sonnet-4-6' }).first(), 1);
      await addToComparison(rows('Models', 2).filter({ hasText: 'gpt-4.1-mini' }).first(), 2);
      await addToComparison(rows('Models', 2).filter({ hasText: 'deepseek-chat' }).first(), 3);
      const table = compare().locator('table.compare');
      await table.waitFor({ timeout: 30000 });
      await compare().locator('table.compare thead th', { hasText: 'deepseek-chat' }).waitFor({ timeout: 15000 });
      assert.equal(await compare().locator('table.compare thead th .model').count(), 3);
      assert.match(await compare().locator('tr[data-row="alias"]').innerText(), /sonnet-4-6 \(Cursor\)/);
      assert.match(await compare().locator('tr[data-row="typical"]').innerText(), /¥/);
      assert.match(await compare().locator('#typical-note').innerText(), /Typical request/);
      assert.equal(await compare().locator('td.cheapest').count(), 1, 'one cheapest column');
      await vs.shot('02-compare-dark');
      await vs.setTheme('Light Modern', { frame: compare(), bodyClass: /vscode-light/ });
      await vs.shot('03-compare-light');
      await vs.setTheme('Dark High Contrast', { frame: compare(), bodyClass: /vscode-high-contrast/ });
      await vs.shot('04-compare-hc');
    }));
});

describe('UI: model catalogue in Simplified Chinese (filter, compare)', { timeout: 240000 }, () => {
  let vs: VsCode;
  const pane = (title: string): Locator =>
    vs.page.locator('.pane', { has: vs.page.locator('.pane-header', { hasText: title }) });
  const rows = (title: string, level: number): Locator =>
    pane(title).locator(`.monaco-list-row[aria-level="${level}"]`);
  const compare = (): FrameLocator => vs.page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
  /** Words of ours that should have been translated (model ids, vendors and units aside). */
  const ENGLISH =
    /\b(tools|thinking|vision|context|tokens?|cheapest|input|output|price|typical|request|vendor|features?|model id|remove|assumed|per 1M|text|image|audio|video|file)\b/i;

  useDemo(
    { name: 'catalogue-zh', locale: 'zh-cn', settings: { 'workbench.colorTheme': 'Default Light Modern' } },
    { keyCount: 6 },
    (d) => (vs = d.vs),
  );

  it('the Models view filtered (工具, ≥ 128K), cheapest input first, then Compare, in Chinese', () =>
    vs.orShot('zh', async () => {
      await vs.openContainer('AI 网关');
      await rows('网关', 1).filter({ hasText: 'Demo AIone' }).first().waitFor({ timeout: 60000 });
      await pane('网关').locator('.pane-header .title').first().click();
      await pane('模型').locator('.pane-header .title').first().click();
      await rows('模型', 1).filter({ hasText: 'Demo AIone' }).first().waitFor({ timeout: 30000 });

      await vs.runCommand('AI 网关: 按类型、特性和上下文筛选模型…');
      await vs.quickInput.locator('.monaco-list-row', { hasText: '结构化输出' }).first().waitFor({ timeout: 15000 });
      // the visible rows only (a virtual list keeps recycled rows of the command palette hidden)
      const steps = (await vs.quickInput.locator('.monaco-list-row').filter({ visible: true }).allInnerTexts()).join(
        ' | ',
      );
      assert.doesNotMatch(steps, ENGLISH, `the type and feature choices in Chinese: ${steps}`);
      await vs.quickInput.locator('input').first().fill('工具');
      const tools = vs.quickInput.locator('.monaco-list-row', { hasText: '工具' }).first();
      await tools.waitFor({ timeout: 15000 });
      await tools.click();
      await vs.quickInput
        .locator('.monaco-list-row[aria-checked="true"]', { hasText: '工具' })
        .first()
        .waitFor({ timeout: 5000 });
      await vs.page.keyboard.press('Enter');
      const ctx = vs.quickInput.locator('.monaco-list-row', { hasText: '128K' }).first();
      await ctx.waitFor({ timeout: 15000 });
      assert.doesNotMatch(await ctx.innerText(), /令牌|tokens/, 'a context size is in Token, not 令牌 (the API key)');
      await vs.shot('01-context-step-zh');
      await vs.answer('≥ 128K');
      await vs.runCommand('AI 网关: 模型排序…');
      await vs.quickInput.locator('.monaco-list-row', { hasText: '输入价格从低到高' }).first().waitFor();
      await vs.answer('输入价格从低到高');

      const filterRow = rows('模型', 1).filter({ hasText: '已筛选：' });
      await filterRow.first().waitFor({ timeout: 15000 });
      assert.doesNotMatch(await filterRow.first().innerText(), ENGLISH, 'the filter row in Chinese');
      await rows('模型', 1).filter({ hasText: 'Demo AIone' }).first().click();
      await rows('模型', 2).first().waitFor({ timeout: 30000 });
      await vs.shot('02-models-filtered-zh');

      // Compare: two models from the context menu ("加入比较")
      for (const [i, id] of ['claude-sonnet-4-6', 'gpt-4.1-mini'].entries()) {
        const row = rows('模型', 2).filter({ hasText: id }).first();
        const menu = vs.page.locator('.context-view .monaco-menu');
        for (let attempt = 1; ; attempt++) {
          await row.click();
          await row.click({ button: 'right' });
          try {
            await menu.waitFor({ timeout: 5000 });
            break;
          } catch (e) {
            if (attempt >= 3) throw e;
            await vs.page.keyboard.press('Escape');
          }
        }
        const item = menu.locator('.action-label', { hasText: '加入比较' }).first();
        await item.hover();
        await item.click();
        if (await menu.isVisible().catch(() => false)) await vs.page.keyboard.press('Enter');
        await menu.waitFor({ state: 'hidden', timeout: 5000 });
        await compare().locator('table.compare thead th .model').nth(i).waitFor({ timeout: 30000 });
      }
      const table = compare().locator('table.compare');
      const labels = await table.locator('tbody th').allInnerTexts();
      assert.ok(labels.length > 5, 'the row labels');
      for (const l of labels) assert.doesNotMatch(l, ENGLISH, `a row label in Chinese: ${l}`);
      for (const row of ['type', 'features', 'modalities'])
        assert.doesNotMatch(
          await compare().locator(`tr[data-row="${row}"] td`).first().innerText(),
          ENGLISH,
          `the ${row} values in Chinese`,
        );
      assert.match(await compare().locator('tr[data-row="typical"]').innerText(), /¥/);
      const note = await compare().locator('#typical-note').innerText();
      assert.match(note, /典型请求/);
      assert.doesNotMatch(note, /令牌/, 'token counts are Token, not 令牌');
      // nothing cut: no cell's text overflows it
      interface Cell {
        readonly scrollWidth: number;
        readonly clientWidth: number;
        readonly textContent: string | null;
      }
      const cut = await table.evaluate((t) => {
        const cells = (t as unknown as { querySelectorAll(s: string): ArrayLike<Cell> }).querySelectorAll('th, td');
        return Array.from(cells)
          .filter((c) => c.scrollWidth > c.clientWidth + 1)
          .map((c) => c.textContent ?? '');
      });
      assert.deepEqual(cut, [], 'no label or value is cut');
      await vs.shot('03-compare-zh');
    }));
});
