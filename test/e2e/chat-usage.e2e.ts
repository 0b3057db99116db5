/**
 * UI: a chat answer's usage in the real workbench against the simulator — a two-turn conversation with a Claude
 * model on AIHubMix (whose catalogue lists cache read / write prices): the second answer's summary line shows its
 * tokens, cost and what the cache saved, and opens onto the cost by class (input / cached input / cache write /
 * output with its reasoning share); the conversation total beside the composer. In the dark and the light theme.
 * Screenshots in test-results/e2e/chat-usage/.
 */
import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import type { FrameLocator } from 'playwright-core';
import { startSimulator, type Simulator } from '../simulator/index';
import { launchVsCode, type VsCode } from './harness';

const DARK = 'Default Dark Modern';

describe('UI: chat usage breakdown', { timeout: 300000 }, () => {
  let vs: VsCode;
  let sim: Simulator;
  const chat = (): FrameLocator => vs.page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
  const answers = () => chat().locator('.turn.assistant');

  before(async () => {
    sim = await startSimulator({ host: '127.0.0.1', streamTokensPerSecond: 0 });
    const demo = JSON.stringify({
      aihubmix: {
        url: sim.aihubmix.url,
        accessToken: sim.aihubmix.accessToken,
        modelKey: sim.aihubmix.modelKey,
        userId: sim.aihubmix.userId,
      },
    });
    vs = await launchVsCode({
      name: 'chat-usage',
      env: { AI_GATEWAY_CONSOLE_DEMO: demo },
      settings: { 'workbench.colorTheme': DARK },
      viewport: { width: 1400, height: 900 },
    });
  });
  after(async () => {
    await vs?.close();
    await sim?.close();
  });

  async function send(text: string, n: number): Promise<void> {
    await chat().locator('#input').fill(text);
    await chat().locator('#input').press('Enter');
    await answers()
      .nth(n - 1)
      .locator('.meta details.usage')
      .waitFor({ timeout: 60000 });
    await chat().locator('#send:not([hidden])').waitFor({ timeout: 60000 });
  }

  it('the second answer shows tokens, cost and saved by cache, and opens onto the cost by class (dark, then light)', () =>
    vs.orShot('breakdown', async () => {
      await vs.openContainer('AI Gateway');
      await vs.page
        .locator('.statusbar-item', { hasText: /Demo AIHubMix/ })
        .first()
        .waitFor({ timeout: 90000 });
      await vs.runCommand('AI Gateway: Open Chat');
      await chat().locator('#model:not([disabled])').waitFor({ timeout: 30000 });
      // the model button opens the host's searchable picker of chat models
      await chat().locator('#model').click();
      await vs.quickInput
        .locator('.monaco-list-row', { hasText: 'claude-sonnet-4-6' })
        .first()
        .waitFor({ timeout: 15000 });
      await vs.answer('claude-sonnet-4-6');
      await chat().locator('#model', { hasText: 'claude-sonnet-4-6' }).waitFor({ timeout: 15000 });
      await send('What is a token bucket?', 1);
      await send('Show one in TypeScript, please.', 2);
      const second = answers().nth(1);
      const usage = second.locator('.meta details.usage');
      const summary = await usage.locator('summary').innerText();
      assert.match(summary, /tokens/);
      assert.match(summary, /Saved by cache \$/);
      await usage.locator('summary').click();
      const rows = usage.locator('.usage-table tr');
      assert.equal(await rows.count(), 4, 'input, cached input, cache write, output');
      const cached = usage.locator('tr.cached');
      assert.ok(Number(await cached.getAttribute('data-tokens')) > 0, 'the first exchange was read from the cache');
      assert.ok(await cached.getAttribute('data-amount'), 'cached input is priced (AIHubMix lists a cache read price)');
      assert.ok(await usage.locator('tr.cache-write').getAttribute('data-amount'), 'the cache write is priced');
      // the conversation total beside the composer
      assert.match(await chat().locator('.usage-totals').innerText(), /Conversation:[\s\S]*tokens[\s\S]*\$/);
      await second.scrollIntoViewIfNeeded();
      await vs.shot('01-breakdown-dark');
      await vs.setTheme('Light Modern', { frame: chat(), bodyClass: /vscode-light/ });
      // a theme change does not re-render the turn: the breakdown stays open
      assert.equal(await usage.getAttribute('open'), '', 'still open');
      await vs.shot('02-breakdown-light');
    }));
});
