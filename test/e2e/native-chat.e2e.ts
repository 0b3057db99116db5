/**
 * UI: VS Code's own chat view answering with a gateway model, in the real code-server workbench, without a GitHub
 * sign-in. Settings as `npm start` sets them: AI features on, `chat.allowAnonymousAccess` (the built-in chat's
 * anonymous mode, which lets a provider's model answer without a Copilot account). The demo connection comes with
 * its model key, so its models are in the picker. Screenshots in test-results/e2e/native-chat/.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startSimulator, type Simulator } from '../simulator/index';
import { launchVsCode, type VsCode } from './harness';

/** What `npm start` sets too (scripts/run.mjs): AI features on, the built-in chat's anonymous mode. */
const NATIVE_CHAT_SETTINGS = {
  'chat.disableAIFeatures': false,
  'chat.allowAnonymousAccess': true,
  'chat.byokUtilityModelDefault': 'mainAgent',
};

describe('UI: VS Code chat with a gateway model', { timeout: 300000 }, () => {
  let vs: VsCode;
  let sim: Simulator;
  // the extension host's home: "Configure a Coding Tool" writes there, never into the real ~
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'agc-e2e-home-'));

  before(async () => {
    sim = await startSimulator({ host: '127.0.0.1', streamTokensPerSecond: 200 });
    const demo = JSON.stringify({
      aione: { url: sim.aione.url, adminToken: sim.aione.adminToken, modelKey: sim.aione.modelKey },
    });
    vs = await launchVsCode({
      name: 'native-chat',
      settings: NATIVE_CHAT_SETTINGS,
      env: { AI_GATEWAY_CONSOLE_DEMO: demo, HOME: home },
      viewport: { width: 1500, height: 950 },
    });
  });
  after(async () => {
    await vs?.close();
    await sim?.close();
    fs.rmSync(home, { recursive: true, force: true });
  });

  const chatInput = () => vs.page.locator('.interactive-input-part .monaco-editor').first();

  it('picks "GPT-4o mini · Demo AIone" in the chat view, asks, and gets the simulator\'s answer', () =>
    vs.orShot('native-chat', async () => {
      const page = vs.page;
      await vs.openContainer('AI Gateway'); // activates the extension: the demo connection and its model key are added
      await page
        .locator('.statusbar-item', { hasText: /Demo AIone/ })
        .first()
        .waitFor({ timeout: 90000 });
      await vs.runCommand('Chat: Open Chat');
      const input = page
        .locator('.interactive-input-editor .monaco-editor textarea, .chat-input-container .monaco-editor textarea')
        .first();
      await input.waitFor({ timeout: 60000 });
      await vs.shot('01-chat-view');
      // the model picker in the chat input's toolbar
      const picker = page.locator('a.model-picker-name').first();
      await picker.waitFor({ timeout: 60000 });
      await picker.click();
      const search = page.locator('.action-widget input.action-list-filter-input');
      await search.waitFor({ timeout: 30000 });
      await vs.shot('02-model-picker');
      await search.fill('GPT-4o mini');
      const ours = page.locator('.action-widget .monaco-list-row', { hasText: 'GPT-4o mini · Demo AIone' }).first();
      await ours.waitFor({ timeout: 60000 });
      await ours.click();
      await page.locator('a.model-picker-name', { hasText: 'GPT-4o mini · Demo AIone' }).waitFor({ timeout: 15000 });
      await vs.shot('03-model-chosen');
      await page.locator('.interactive-input-part .monaco-editor').first().click();
      await page.keyboard.type('How do I stream a chat answer?');
      await page.keyboard.press('Enter');
      const answer = page
        .locator('.interactive-item-container.interactive-response, .chat-response, .interactive-response')
        .filter({ hasText: /Answer from/ })
        .last();
      await answer.waitFor({ timeout: 120000 });
      await vs.shot('04-streaming');
      await page
        .locator('.interactive-response', { hasText: 'Let me know if you want a deeper dive' })
        .last()
        .waitFor({ timeout: 120000 });
      await vs.shot('05-answer');
      const rec = [...sim.requests].reverse().find((r) => r.path === '/v1/chat/completions');
      assert.ok(rec, 'the simulator received the chat request');
      assert.equal((rec.body as { model?: string }).model, 'gpt-4o-mini');
    }));

  it("lists the provider's models, with their connection and prices, in the picker", () =>
    vs.orShot('picker', async () => {
      const page = vs.page;
      await page.locator('a.model-picker-name').first().click();
      const search = page.locator('.action-widget input.action-list-filter-input');
      await search.waitFor({ timeout: 30000 });
      await search.fill('Demo AIone');
      await page
        .locator('.action-widget .monaco-list-row', { hasText: 'Claude Sonnet 4.6 · Demo AIone' })
        .first()
        .waitFor({ timeout: 30000 });
      const rows = await page.locator('.action-widget .monaco-list-row', { hasText: '· Demo AIone' }).count();
      assert.ok(rows >= 5, `${rows} of our models are listed`);
      await vs.shot('06-provider-models');
      await page.keyboard.press('Escape');
    }));

  it("@gateway /models answers in the chat view with the gateway's catalogue, not a model", () =>
    vs.orShot('participant', async () => {
      const page = vs.page;
      const before = sim.requests.filter((r) => r.path === '/v1/chat/completions').length;
      await chatInput().click();
      await page.keyboard.type('@gateway /models with tools and ≥ 128k context, cheapest first', { delay: 5 });
      await page.keyboard.press('Escape'); // closes the suggestion list, keeps the text
      await page.keyboard.press('Enter');
      // AIone has no price for glm-4-flash (unpriced models come last): its cheapest priced model leads
      const answer = page
        .locator('.interactive-response', { hasText: 'cheapest first' })
        .filter({ hasText: 'qwen-turbo' })
        .last();
      await answer.waitFor({ timeout: 60000 });
      await page
        .locator('.interactive-response .monaco-button', { hasText: 'Chat with qwen-turbo' })
        .last()
        .waitFor({ timeout: 15000 });
      await vs.shot('07-gateway-models');
      assert.equal(sim.requests.filter((r) => r.path === '/v1/chat/completions').length, before, 'no model was asked');
    }));

  it('"Configure a Coding Tool…": Continue, the diff before writing, then Write and Undo', () =>
    vs.orShot('configure', async () => {
      const page = vs.page;
      await vs.runCommand('AI Gateway: Configure a Coding Tool…');
      await vs.quickInput
        .locator('.monaco-list-row', { hasText: 'The chat model key' })
        .first()
        .click({ timeout: 30000 });
      await vs.quickInput.locator('.monaco-list-row', { hasText: 'Continue' }).first().waitFor({ timeout: 30000 });
      await vs.shot('08-configure-which-tool');
      await vs.quickInput.locator('.monaco-list-row', { hasText: 'Continue' }).first().click();
      await vs.answer('gpt-4.1');
      const dialog = page.locator('.monaco-dialog-box');
      await dialog.waitFor({ timeout: 30000 });
      await page.locator('.monaco-diff-editor').first().waitFor({ timeout: 30000 });
      await vs.shot('09-configure-diff');
      await dialog.locator('.monaco-button', { hasText: 'Write' }).first().click();
      const file = path.join(home, '.continue', 'config.yaml');
      const toast = vs.toast(/Configured continue/);
      await toast.waitFor({ timeout: 30000 });
      assert.ok(fs.existsSync(file), 'the file was written in the temporary home');
      assert.equal(fs.statSync(file).mode & 0o777, 0o600);
      assert.ok(fs.readFileSync(file, 'utf8').includes(`apiBase: ${sim.aione.url}/v1`));
      await vs.shot('10-configure-written');
      await toast.locator('.monaco-button', { hasText: 'Undo' }).click();
      for (let i = 0; i < 50 && fs.existsSync(file); i++) await page.waitForTimeout(100);
      assert.ok(!fs.existsSync(file), 'Undo removed the file it had created');
    }));
});
