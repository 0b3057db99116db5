/**
 * UI: the Create Key flow through the real quick input (step counter, validation as you type, the summary) on the
 * demo AIHubMix connection, then the full key shown once in a notification with "Copy"; asserts what the
 * simulator holds. Screenshots in test-results/e2e/keyflows/.
 */
import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { startSimulator, type Simulator } from '../simulator/index';
import { launchVsCode, type VsCode } from './harness';

describe('UI: key write flows', { timeout: 180000 }, () => {
  let vs: VsCode;
  let sim: Simulator;

  before(async () => {
    sim = await startSimulator({ host: '127.0.0.1' });
    const demo = JSON.stringify({ aihubmix: { url: sim.aihubmix.url, accessToken: sim.aihubmix.accessToken }, focus: true });
    vs = await launchVsCode({ name: 'keyflows', env: { AI_GATEWAY_CONSOLE_DEMO: demo } });
  });
  after(async () => {
    await vs?.close();
    await sim?.close();
  });

  it('creates an AIHubMix key through the multi-step input and shows the key once', () => vs.orShot('create-key', async () => {
    await vs.openContainer('AI Gateway');
    await vs.page.locator('.pane-body .monaco-list-row', { hasText: 'Demo AIHubMix' }).first().waitFor({ timeout: 60000 });
    await vs.runCommand('AI Gateway: Create Key…');
    const step = (n: number) => vs.quickInput.locator('.quick-input-title', { hasText: `(${n}/6)` }).waitFor({ timeout: 30000 });
    const input = vs.quickInput.locator('input');

    // 1/6 name: 11 CJK characters are 33 bytes, refused as typed
    await step(1);
    await input.fill('密'.repeat(11));
    await vs.quickInput.locator('.quick-input-message', { hasText: /33 bytes/ }).waitFor({ timeout: 15000 });
    await vs.shot('01-name-too-long');
    await vs.answer('e2e-key');

    // 2/6 models (multi-select; none = all)
    await step(2);
    await vs.shot('02-models');
    await vs.page.keyboard.press('Enter');

    // 3/6 IPs, validated as typed
    await step(3);
    await input.fill('10.0.0.300');
    await vs.quickInput.locator('.quick-input-message', { hasText: /10\.0\.0\.300/ }).waitFor({ timeout: 15000 });
    await vs.shot('03-ip-invalid');
    await vs.answer('10.0.0.0/8');

    // 4/6 quota in USD
    await step(4);
    await vs.answer('5');

    // 5/6 expiry
    await step(5);
    await vs.quickInput.locator('.monaco-list-row', { hasText: 'In 30 days' }).first().click();

    // 6/6 summary, then create
    await step(6);
    await vs.quickInput.locator('.monaco-list-row', { hasText: 'quota: 5 USD' }).first().waitFor({ timeout: 15000 });
    await vs.shot('04-summary');
    await vs.quickInput.locator('.monaco-list-row', { hasText: 'Create the key' }).first().click();

    const toast = vs.toast(/Key "e2e-key" was created: sk-/);
    await toast.waitFor({ timeout: 30000 });
    assert.ok(await toast.locator('.monaco-button', { hasText: 'Copy' }).first().isVisible(), 'a Copy button');
    await vs.shot('05-key-shown-once');

    const t = sim.state.aihubmix.tokens.find((x) => x.name === 'e2e-key');
    assert.ok(t, 'the simulator holds the key');
    assert.equal(t.subnet, '10.0.0.0/8');
    assert.equal(t.remain_quota, 2_500_000);
    assert.equal(t.unlimited_quota, false);
    assert.ok(t.expired_time > Date.now() / 1000 + 29 * 86400);
  }));
});
