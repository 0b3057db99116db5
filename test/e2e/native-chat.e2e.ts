/**
 * UI: VS Code's own chat view answering with a gateway model, in the real code-server workbench, without a GitHub
 * sign-in. Settings as `npm start` sets them: AI features on, `chat.allowAnonymousAccess` (the built-in chat's
 * anonymous mode, which lets a provider's model answer without a Copilot account). The demo connection comes with
 * its model key, so its models are in the picker. Screenshots in test-results/e2e/native-chat/.
 */
import { strict as assert } from 'node:assert';
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

  before(async () => {
    sim = await startSimulator({ host: '127.0.0.1', streamTokensPerSecond: 200 });
    const demo = JSON.stringify({ aione: { url: sim.aione.url, adminToken: sim.aione.adminToken, modelKey: sim.aione.modelKey } });
    vs = await launchVsCode({ name: 'native-chat', settings: NATIVE_CHAT_SETTINGS, env: { AI_GATEWAY_CONSOLE_DEMO: demo }, viewport: { width: 1500, height: 950 } });
  });
  after(async () => {
    await vs?.close();
    await sim?.close();
  });

  it('picks "GPT-4o mini · Demo AIone" in the chat view, asks, and gets the simulator\'s answer', () => vs.orShot('native-chat', async () => {
    const page = vs.page;
    await vs.openContainer('AI Gateway'); // activates the extension: the demo connection and its model key are added
    await page.locator('.statusbar-item', { hasText: /Demo AIone/ }).first().waitFor({ timeout: 90000 });
    await vs.runCommand('Chat: Open Chat');
    const input = page.locator('.interactive-input-editor .monaco-editor textarea, .chat-input-container .monaco-editor textarea').first();
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
    const answer = page.locator('.interactive-item-container.interactive-response, .chat-response, .interactive-response').filter({ hasText: /Answer from/ }).last();
    await answer.waitFor({ timeout: 120000 });
    await vs.shot('04-streaming');
    await page.locator('.interactive-response', { hasText: 'Let me know if you want a deeper dive' }).last().waitFor({ timeout: 120000 });
    await vs.shot('05-answer');
    const rec = [...sim.requests].reverse().find((r) => r.path === '/v1/chat/completions');
    assert.ok(rec, 'the simulator received the chat request');
    assert.equal((rec.body as { model?: string }).model, 'gpt-4o-mini');
  }));
});
