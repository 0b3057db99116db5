/**
 * UI: the chat panel in the real workbench against the simulator — open it from the palette, send with Enter,
 * choose the key through the real quick pick + password box, watch the answer stream, a finished answer with a
 * highlighted code block, Escape stops (the simulator sees the client leave; the partial text stays, marked
 * stopped), the panel comes back with its conversation after being hidden, and "Insert at Cursor" refuses an editor
 * hidden behind the chat (no new editor group) and puts a code block into the editor once it is visible beside the
 * chat; a failed answer shows its sentence and fix buttons in the dark, light and high-contrast themes, and its
 * first fix opens the key's edit at the models step. At 400 px (the width of a side-bar chat) the toolbar is one row
 * of icons with names, the rest in "…", and the model button opens a searchable pick of chat models with prices; in
 * the light, dark and high-contrast themes. A regenerated answer shows "‹ 2/2 ›", moved with the keyboard (dark and
 * high contrast at 400 px); after a reload of the window the answers, the switcher and a failed answer's fix buttons
 * are back, and the fix opens the key's edit. Screenshots in test-results/e2e/chat/.
 */
import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import type { FrameLocator } from 'playwright-core';
import { startSimulator, type Simulator } from '../simulator/index';
import * as path from 'node:path';
import { launchVsCode, SHOTS, type VsCode } from './harness';

describe('UI: chat panel', { timeout: 300000 }, () => {
  let vs: VsCode;
  let sim: Simulator;
  /** The chat webview's content frame (VS Code nests it: iframe.webview → #active-frame). */
  const chat = (): FrameLocator => vs.page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
  const answers = () => chat().locator('.turn.assistant');

  before(async () => {
    // slow enough to watch the answer stream and to stop it half-way
    sim = await startSimulator({ host: '127.0.0.1', streamTokensPerSecond: 80 });
    const demo = JSON.stringify({ aione: { url: sim.aione.url, adminToken: sim.aione.adminToken } });
    vs = await launchVsCode({
      name: 'chat',
      env: { AI_GATEWAY_CONSOLE_DEMO: demo },
      viewport: { width: 1400, height: 900 },
    });
  });
  after(async () => {
    await vs?.close();
    await sim?.close();
  });

  it('opens from the palette, asks which key chats, and streams an answer with a highlighted code block', () =>
    vs.orShot('stream', async () => {
      await vs.openContainer('AI Gateway'); // activates the extension; the demo connection is added from the environment
      await vs.page
        .locator('.statusbar-item', { hasText: /Demo AIone/ })
        .first()
        .waitFor({ timeout: 90000 });
      await vs.runCommand('AI Gateway: Open Chat');
      await chat().locator('#model:not([disabled])').waitFor({ timeout: 30000 });
      await vs.shot('01-empty-chat');
      await chat().locator('#input').fill('How do I stream a chat answer?');
      await chat().locator('#input').press('Enter');
      // no key yet: the host asks (AIone shows a secret only at creation, so: paste it, in a password box)
      const paste = vs.quickInput.locator('.monaco-list-row', { hasText: 'Paste a model key…' }).first();
      await paste.waitFor({ timeout: 15000 });
      await vs.shot('02-which-key');
      await paste.click();
      await vs.quickInput.locator('input[type="password"]').waitFor({ timeout: 15000 }); // the key is typed into a password box
      await vs.answer(sim.aione.modelKey);
      // streaming: the Stop button shows while text arrives
      await chat().locator('#stop:not([hidden])').waitFor({ timeout: 15000 });
      await answers().last().locator('.body .block').first().waitFor({ timeout: 15000 });
      await vs.shot('03-streaming');
      await chat().locator('#send:not([hidden])').waitFor({ timeout: 60000 });
      const last = answers().last();
      await last.locator('.hljs-keyword').first().waitFor({ timeout: 5000 });
      assert.match(await last.locator('.meta').innerText(), /tokens/);
      assert.ok((await last.locator('table').count()) >= 1, 'the markdown table is rendered');
      const stream = [...sim.streams].reverse().find((s) => s.gateway === 'aione');
      assert.ok(stream?.finished, 'the simulator finished the stream');
      await last.locator('.code-block').first().scrollIntoViewIfNeeded();
      await vs.shot('04-answer-with-highlighted-code');
    }));

  it('a failed answer says how to fix it: its sentence, the request id and the fix buttons (dark, light, high contrast)', () =>
    vs.orShot('error-fixes', async () => {
      // the model button names the chosen model ("Model: <id>"); the key is then allowed only another chat model
      const selected = ((await chat().locator('#model').getAttribute('aria-label')) ?? '').replace(/^[^:]*:\s*/, '');
      assert.ok(selected, 'a model is chosen');
      const other = selected === 'deepseek-chat' ? 'gpt-4.1-mini' : 'deepseek-chat';
      const key = sim.state.aione.keys.find((k) => k.id === sim.state.aione.modelKeyId)!;
      const allowed = key.models_allowed;
      key.models_allowed = [other];
      try {
        await chat().locator('#input').fill('Which model answers?');
        await chat().locator('#input').press('Enter');
        const error = answers().last().locator('.turn-error');
        await error.locator('button.fix-action').first().waitFor({ timeout: 30000 });
        assert.match(await error.locator('.turn-error-text').innerText(), /not allowed to use .*Request id: req_\w+\./);
        const labels = await error.locator('button.fix-action').allInnerTexts();
        assert.deepEqual(
          labels.map((l) => l.replace(/ on .*/, ' on …')),
          [`Allow ${selected} on …`, 'Copy request id'],
        );
        await error.scrollIntoViewIfNeeded();
        await vs.shot('08-error-fixes-dark');
        for (const [theme, cls, name] of [
          ['Light Modern', /vscode-light/, '09-error-fixes-light'],
          ['Dark High Contrast', /vscode-high-contrast/, '10-error-fixes-high-contrast'],
          ['Dark 2026', /vscode-dark/, ''], // back to the default the later screenshots were taken in
        ] as const) {
          await vs.setTheme(theme, { frame: chat(), bodyClass: cls });
          if (name) await vs.shot(name);
        }
        // the fix opens the key's edit at the models step, with the model already picked
        await error.locator('button.fix-action').first().click();
        const row = vs.quickInput.locator('.monaco-list-row', { hasText: selected }).first();
        await row.waitFor({ timeout: 30000 });
        await vs.shot('11-allow-model-step');
        await vs.page.keyboard.press('Escape');
      } finally {
        key.models_allowed = allowed;
      }
    }));

  it('Escape stops the answer at once; the partial text stays, marked stopped', () =>
    vs.orShot('stop', async () => {
      await chat().locator('#input').fill('Please give me a long answer');
      await chat().locator('#input').press('Enter');
      await chat().locator('#stop:not([hidden])').waitFor({ timeout: 15000 });
      const streamsBefore = sim.streams.length;
      const body = answers().last().locator('.body');
      let shown = 0;
      for (let i = 0; i < 150 && shown < 60; i++) {
        shown = (await body.innerText()).length;
        if (shown < 60) await vs.page.waitForTimeout(100);
      }
      assert.ok(shown >= 60, 'some of the answer is on screen');
      await chat().locator('#input').press('Escape');
      await answers().last().locator('.badge', { hasText: 'Stopped' }).waitFor({ timeout: 10000 });
      assert.ok((await body.innerText()).length >= shown, 'the partial text stays');
      for (let i = 0; i < 50 && !sim.streams.slice(streamsBefore - 1).some((s) => s.closedByClient); i++)
        await vs.page.waitForTimeout(100);
      const s = [...sim.streams].reverse().find((x) => x.gateway === 'aione');
      assert.ok(s?.closedByClient && !s.finished, 'the simulator saw the client close the stream');
      await vs.shot('05-stopped');
    }));

  it('comes back with its conversation after being hidden, and inserts a code block at the cursor', () =>
    vs.orShot('restore-insert', async () => {
      const turnsBefore = await answers().count();
      await vs.runCommand('File: New Untitled Text File'); // hides the chat (same editor group; retainContextWhenHidden is off)
      await vs.page.keyboard.type('// notes\n');
      await vs.runCommand('AI Gateway: Open Chat');
      await chat().locator('#send:not([hidden])').waitFor({ timeout: 30000 });
      await answers()
        .nth(turnsBefore - 1)
        .waitFor({ timeout: 15000 });
      assert.equal(await answers().count(), turnsBefore, 'the conversation is back (sent by the host after ready)');
      assert.equal(
        await answers().last().locator('button[data-turn-action="regenerate"]').count(),
        1,
        'Regenerate is on the last answer of the conversation that came back',
      );
      let code = answers().first().locator('.code-block').first();
      const firstLine = (await code.locator('pre code').innerText()).split('\n')[0]!.trim();
      // the editor the user came from is hidden behind the chat: nothing is inserted, no editor group is opened
      await code.locator('button', { hasText: 'Insert at Cursor' }).click();
      await vs
        .toast(/is not visible: show it beside the chat/)
        .first()
        .waitFor({ timeout: 15000 });
      assert.equal(await vs.page.locator('.editor-group-container').count(), 1, 'no new editor group');
      await vs.shot('06-insert-refused-hidden-editor');
      // the chat beside the editor: the code goes in at the cursor of the editor the user came from
      await vs.runCommand('View: Move Editor into Next Group');
      await chat().locator('#send:not([hidden])').waitFor({ timeout: 30000 });
      code = answers().first().locator('.code-block').first();
      await code.waitFor({ timeout: 15000 });
      await code.locator('button', { hasText: 'Insert at Cursor' }).click();
      const editorText = vs.page.locator('.editor-instance .view-lines', { hasText: firstLine.split(' ')[0]! });
      await editorText.first().waitFor({ timeout: 15000 });
      await vs.shot('07-inserted-code');
    }));

  it('at 400 px the toolbar is one row of named icons with "…"; the model button offers chat models with prices', () =>
    vs.orShot('narrow', async () => {
      // the chat is in the second of two editor groups: a window that leaves it about 400 px
      await vs.runCommand('View: Toggle Primary Side Bar Visibility');
      const frame = vs.page.locator('iframe.webview.ready');
      let width = 0;
      for (let w = 900; w >= 700; w -= 10) {
        await vs.page.setViewportSize({ width: w, height: 800 });
        await vs.page.waitForTimeout(150);
        width = (await frame.boundingBox())?.width ?? 0;
        if (width <= 405) break;
      }
      assert.ok(width >= 380 && width <= 405, `the chat is about 400 px wide (${width})`);
      const toolbar = chat().locator('.toolbar');
      await toolbar.waitFor();
      // (an expression as text: the e2e code is compiled without the DOM library)
      type Layout = { rows: number; inside: boolean; unnamed: string[] };
      const layout: Layout = await toolbar.evaluate(`(() => {
        const bar = document.querySelector('.toolbar');
        const kids = Array.from(bar.children).filter((k) => k.offsetParent !== null && !k.matches('.visually-hidden'));
        // one row: every control's box overlaps the first one's vertically
        const first = kids[0].getBoundingClientRect();
        const tops = new Set(kids.map((k) => { const b = k.getBoundingClientRect(); return b.top < first.bottom && b.bottom > first.top ? 0 : Math.round(b.top); }));
        const r = bar.getBoundingClientRect();
        const inside = kids.every((k) => k.getBoundingClientRect().right <= r.right + 1);
        const unnamed = Array.from(bar.querySelectorAll('button, select'))
          .filter((b) => !(b.getAttribute('aria-label') || b.textContent.trim() || b.id === 'connection'))
          .map((b) => b.id);
        return { rows: tops.size, inside, unnamed };
      })()`);
      await vs.page.mouse.move(5, 400);
      await vs.page.waitForTimeout(300);
      await toolbar.screenshot({ path: path.join(SHOTS, 'chat', '08-narrow-toolbar.png') });
      assert.equal(layout.rows, 1, 'one row');
      assert.ok(layout.inside, 'nothing is cut off at the right');
      assert.deepEqual(layout.unnamed, [], 'every button has an accessible name');
      assert.match((await chat().locator('#new').getAttribute('aria-label')) ?? '', /New Chat/);
      assert.ok(!(await chat().locator('#new .tool-text').isVisible()), 'icons only at this width');
      await vs.shot('08-narrow');
      await chat().locator('#more').click();
      await chat().locator('#moreMenu [role="menuitem"]', { hasText: 'Refresh models' }).waitFor();
      assert.equal(await chat().locator('#more').getAttribute('aria-expanded'), 'true');
      await vs.shot('09-narrow-more-menu');
      await chat().locator('#moreMenu').press('Escape');
      assert.ok(await chat().locator('#moreMenu').isHidden(), 'Escape closes the menu');
      // the model picker: chat models only (no embedding or image model), each with its price per 1M tokens
      await chat().locator('#model').click();
      const rows = vs.quickInput.locator('.monaco-list-row');
      await rows.first().waitFor({ timeout: 15000 });
      assert.match(await vs.quickInput.innerText(), /in \/ .+ out per 1M tokens/);
      assert.match(
        (await vs.quickInput.locator('input').getAttribute('placeholder')) ?? '',
        /chat models \(\d+ embedding, image or audio models not shown\)/,
      );
      await vs.quickInput.locator('input').fill('embedding');
      await vs.page.waitForTimeout(300);
      assert.equal(await rows.filter({ hasText: 'text-embedding' }).count(), 0, 'no embedding model is offered');
      await vs.quickInput.locator('input').fill('gpt');
      await rows.first().waitFor();
      await vs.shot('10-model-picker');
      const picked = (await rows.first().locator('.label-name').first().innerText()).trim();
      await vs.page.keyboard.press('Enter');
      await chat().locator('#model', { hasText: picked }).waitFor({ timeout: 15000 });
      await vs.setTheme('Dark Modern', { frame: chat(), bodyClass: /vscode-dark/ });
      await vs.shot('11-narrow-dark');

      // Regenerate keeps the earlier answer: the turn shows "‹ 2/2 ›"; the keyboard moves between the answers
      // (the Send button is still showing right after Enter, before the host's first state: wait for the new
      // answer to be there and finished, not for the button)
      const settled = chat().locator('.turn.assistant:not(.streaming)');
      const before = await answers().count();
      await chat().locator('#input').fill('Name one token budget rule');
      await chat().locator('#input').press('Enter');
      await settled.nth(before).waitFor({ timeout: 60000 });
      const last = answers().last();
      const first = (await last.locator('.body').innerText()).trim();
      await last.locator('button[data-turn-action="regenerate"]').click();
      const sw = last.locator('.variant-switch');
      await sw.locator('.variant-pos', { hasText: '2/2' }).waitFor({ timeout: 15000 });
      await last.and(settled).waitFor({ timeout: 60000 });
      assert.equal(await sw.locator('.variant-pos').getAttribute('aria-label'), 'Answer 2 of 2');
      const prev = sw.locator('button[data-variant="prev"]');
      const next = sw.locator('button[data-variant="next"]');
      assert.equal(await prev.getAttribute('aria-label'), 'Previous answer');
      assert.equal(await next.getAttribute('aria-label'), 'Next answer');
      assert.ok(await next.isDisabled(), 'no answer after the last');
      await prev.focus();
      await vs.page.keyboard.press('Enter');
      await sw.locator('.variant-pos', { hasText: '1/2' }).waitFor({ timeout: 15000 });
      assert.equal((await last.locator('.body').innerText()).trim(), first, 'the first answer is shown again');
      assert.equal(
        await chat()
          .locator('body')
          .evaluate('document.activeElement && document.activeElement.getAttribute("data-variant")'),
        'next',
        'the keyboard focus stays in the switcher (on the button that can still move)',
      );
      assert.match(
        (await chat().locator('.usage-totals').getAttribute('title')) ?? '',
        /Counts every answer that was paid for/,
      );
      assert.match(await chat().locator('.usage-totals').innerText(), /1 regenerated included/);
      await last.locator('.turn-head').scrollIntoViewIfNeeded();
      await vs.page.mouse.move(5, 400);
      await vs.shot('13-narrow-variants-dark');
      await vs.setTheme('Dark High Contrast', { frame: chat(), bodyClass: /vscode-high-contrast/ });
      await sw.locator('button[data-variant="next"]').focus();
      await vs.shot('14-narrow-variants-high-contrast');
      await chat().locator('#more').click();
      await vs.shot('12-narrow-high-contrast-menu');
      await chat().locator('#moreMenu').press('Escape');
    }));

  it('after a reload of the window the answers, the switcher and the fix buttons of the failed answer are back, and a fix works', () =>
    vs.orShot('reload', async () => {
      await vs.runCommand('Developer: Reload Window');
      await chat().locator('#send:not([hidden])').waitFor({ timeout: 90000 });
      await chat().locator('.variant-switch .variant-pos', { hasText: '1/2' }).waitFor({ timeout: 30000 });
      assert.equal(
        await answers().last().locator('button[data-turn-action="regenerate"]').count(),
        1,
        'Regenerate is on the last answer after the reload',
      );
      const error = chat().locator('.turn.assistant .turn-error').first();
      await error.locator('button.fix-action').first().waitFor({ timeout: 30000 });
      const labels = await error.locator('button.fix-action').allInnerTexts();
      assert.deepEqual(
        labels.map((l) => l.replace(/ on .*/, ' on …').replace(/^Allow \S+/, 'Allow <model>')),
        ['Allow <model> on …', 'Copy request id'],
      );
      await error.scrollIntoViewIfNeeded();
      await vs.shot('15-reloaded-fix-buttons');
      await error.locator('button.fix-action').first().click();
      await vs.quickInput.locator('.monaco-list-row').first().waitFor({ timeout: 30000 });
      await vs.shot('16-reloaded-fix-opens-the-edit');
      await vs.page.keyboard.press('Escape');
    }));
});
