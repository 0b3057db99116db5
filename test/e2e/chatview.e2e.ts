/**
 * UI: the chat in the secondary side bar, in the real workbench against the simulator. "Open Chat in Side Bar"
 * opens the secondary side bar with the chat view; an answer streams into it at the side bar's default width (under
 * 300 px here) without a horizontal scroll bar, the connection and model readable; the dark, light and
 * high-contrast themes; after a reload of the window the view comes back with its conversation. (In Simplified
 * Chinese: l10n.e2e.ts, in its own launch.) Screenshots in test-results/e2e/chatview/.
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import type { FrameLocator, Locator } from 'playwright-core';
import { useDemo, type VsCode } from './harness';

const LIGHT = 'Light Modern';
const HC = 'Dark High Contrast';

describe('UI: chat in the side bar', { timeout: 240000 }, () => {
  let vs: VsCode;
  /** The secondary side bar, and the chat view's content frame (VS Code lays webviews over the part, not in it). */
  const bar = (): Locator => vs.page.locator('.part.auxiliarybar');
  const chat = (): FrameLocator => vs.page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');

  useDemo(
    { name: 'chatview', settings: { 'workbench.colorTheme': 'Default Dark Modern' } },
    { streamTokensPerSecond: 400 },
    (d) => (vs = d.vs),
  );

  /** The toolbar's and the page's overflow: nothing wider than the view. */
  async function overflow(): Promise<{ width: number; scroll: number }> {
    const b = chat().locator('body');
    const width = Number(await b.evaluate('document.body.clientWidth'));
    const scroll = Number(await b.evaluate('document.body.scrollWidth'));
    return { width, scroll };
  }

  async function theme(label: string, bodyClass: RegExp): Promise<void> {
    await vs.runCommand('Preferences: Color Theme');
    await vs.quickInput.locator('input').fill(label); // the list is long: filter it, so the row is drawn
    await vs.quickInput.locator('.monaco-list-row', { hasText: label }).first().waitFor({ timeout: 15000 });
    await vs.page.keyboard.press('Enter');
    for (let i = 0; i < 50 && !bodyClass.test((await chat().locator('body').getAttribute('class')) ?? ''); i++)
      await vs.page.waitForTimeout(200);
    assert.match((await chat().locator('body').getAttribute('class')) ?? '', bodyClass);
  }

  it('opens in the secondary side bar, streams an answer at the default width, in dark, light and high contrast', () =>
    vs.orShot('sidebar', async () => {
      await vs.openContainer('AI Gateway'); // activates the extension; the demo connections come from the environment
      await vs.page
        .locator('.statusbar-item', { hasText: /Demo AIone/ })
        .first()
        .waitFor({ timeout: 90000 });
      await vs.runCommand('AI Gateway: Open Chat in Side Bar');
      await chat().locator('#model:not([disabled])').waitFor({ timeout: 30000 });
      assert.equal(await vs.page.locator('.tabs-container .tab').count(), 0, 'no editor panel was opened');
      const frameBox = (await vs.page.locator('iframe.webview.ready').boundingBox())!;
      const barBox = (await bar().boundingBox())!;
      assert.ok(
        frameBox.x >= barBox.x && frameBox.x + frameBox.width <= barBox.x + barBox.width + 1,
        'the chat is in the secondary side bar',
      );
      const width = (await bar().boundingBox())?.width ?? 0;
      await chat().locator('#input').fill('How do I stream a chat answer?');
      await chat().locator('#input').press('Enter');
      await chat().locator('.turn.assistant .body .block').first().waitFor({ timeout: 30000 });
      await chat().locator('#send:not([hidden])').waitFor({ timeout: 60000 });
      const o = await overflow();
      assert.ok(
        o.scroll <= o.width,
        `no horizontal scroll at the default width (${Math.round(width)} px): ${o.scroll} > ${o.width}`,
      );
      // a table's cells wrap between words, never inside one (at this width "Value" broke into "Valu" / "e")
      await chat().locator('.turn.assistant:not(.streaming) .body table').first().waitFor({ timeout: 60000 });
      const brokenWords = await chat()
        .locator('.turn.assistant .body table:not(.open-rows) :is(th, td)')
        .evaluateAll((els: unknown[]): string[] => {
          const cells = els as Array<{ textContent: string | null }>;
          interface TextNode {
            textContent: string | null;
          }
          const doc = (
            globalThis as unknown as {
              document: {
                createTreeWalker(root: unknown, show: number): { nextNode(): TextNode | null };
                createRange(): { selectNodeContents(n: unknown): void; getClientRects(): { length: number } };
              };
            }
          ).document;
          const SHOW_TEXT = 4;
          return cells
            .filter((c) => {
              const walk = doc.createTreeWalker(c, SHOW_TEXT);
              for (let n = walk.nextNode(); n; n = walk.nextNode()) {
                const words = (n.textContent ?? '').trim();
                if (!words) continue;
                const r = doc.createRange();
                r.selectNodeContents(n);
                if (r.getClientRects().length > words.split(/\s+/).length) return true; // more lines than words
              }
              return false;
            })
            .map((c) => c.textContent ?? '');
        });
      assert.deepEqual(brokenWords, [], 'no table cell breaks a word');
      // below ~340 px the toolbar takes two rows: the connection and the model on the first, readable
      const model = await chat().locator('#model').boundingBox();
      assert.ok(model && model.width >= 100, `the model button keeps room for its name: ${model?.width} px`);
      console.log(`secondary side bar default width: ${Math.round(width)} px; chat body ${o.width} px`);
      await vs.shot('01-dark-default-width');
      await theme(LIGHT, /vscode-light/);
      await vs.shot('02-light');
      await theme(HC, /vscode-high-contrast/);
      await vs.shot('03-high-contrast');
      await theme('Dark Modern', /vscode-dark/);
    }));

  it('comes back with its conversation after a reload of the window', () =>
    vs.orShot('reload', async () => {
      const answered = await chat().locator('.turn.assistant').count();
      assert.ok(answered >= 1);
      const text = (await chat().locator('.turn.assistant .body').last().innerText()).slice(0, 40);
      await vs.page.reload();
      await chat()
        .locator('.turn.assistant .body', { hasText: text.split('\n')[0]! })
        .first()
        .waitFor({ timeout: 90000 });
      assert.equal(await chat().locator('.turn.assistant').count(), answered, 'the conversation is back in the view');
      await vs.shot('04-after-reload');
    }));
});
