/**
 * UI: the Create Key flow through the real quick input (step counter, validation as you type, Escape keeps a draft
 * that the next Create Key resumes, the summary) on the demo AIHubMix connection, then the full key shown in its own
 * panel (Copy / .env / snippets / "I've saved it"), never in a notification; asserts what the simulator holds.
 * Screenshots in test-results/e2e/keyflows/.
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
    const demo = JSON.stringify({
      aihubmix: { url: sim.aihubmix.url, accessToken: sim.aihubmix.accessToken },
      focus: true,
    });
    vs = await launchVsCode({ name: 'keyflows', env: { AI_GATEWAY_CONSOLE_DEMO: demo } });
  });
  after(async () => {
    await vs?.close();
    await sim?.close();
  });

  it('creates an AIHubMix key through the multi-step input and shows the key once', () =>
    vs.orShot('create-key', async () => {
      await vs.openContainer('AI Gateway');
      await vs.page
        .locator('.pane-body .monaco-list-row', { hasText: 'Demo AIHubMix' })
        .first()
        .waitFor({ timeout: 60000 });
      await vs.runCommand('AI Gateway: Create Key…');
      const step = (n: number) =>
        vs.quickInput.locator('.quick-input-title', { hasText: `(${n}/6)` }).waitFor({ timeout: 30000 });
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

      // Escape on step 4 keeps the answers: the next Create Key offers to resume there
      await step(4);
      await vs.page.keyboard.press('Escape');
      await vs.quickInput.waitFor({ state: 'hidden', timeout: 15000 });
      await vs.runCommand('AI Gateway: Create Key…');
      const resume = vs.quickInput.locator('.monaco-list-row', { hasText: 'Resume "e2e-key"' }).first();
      await resume.waitFor({ timeout: 30000 });
      await vs.shot('03b-resume-draft');
      await resume.click();

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

      // the key in a panel of its own, with the ready-made copies; no notification holds it
      const panel = vs.quickInput.locator('.quick-input-title', { hasText: 'New key "e2e-key" on Demo AIHubMix' });
      await panel.waitFor({ timeout: 30000 });
      const lines = await vs.quickInput.locator('.monaco-list-row').allInnerTexts();
      for (const want of [
        'Copy the key',
        'Copy as .env',
        'Copy as curl snippet',
        'Copy as Python snippet',
        "I've saved it",
      ]) {
        assert.ok(
          lines.some((l) => l.includes(want)),
          `the panel offers ${want}: ${lines.join(' | ')}`,
        );
      }
      assert.ok(
        lines.some((l) => /sk-/.test(l)),
        'the key itself is on the first line',
      );
      assert.equal(
        await vs.page.locator('.notification-toast', { hasText: /sk-/ }).count(),
        0,
        'no notification holds the key',
      );
      // "shown once" is not claimed: AIHubMix can show the key again
      assert.match((await vs.quickInput.locator('input').getAttribute('placeholder')) ?? '', /can show this key again/);
      await vs.shot('05-key-panel');
      await vs.quickInput.locator('.monaco-list-row', { hasText: "I've saved it" }).first().click();
      await vs.quickInput.waitFor({ state: 'hidden', timeout: 15000 });

      const t = sim.state.aihubmix.tokens.find((x) => x.name === 'e2e-key');
      assert.ok(t, 'the simulator holds the key');
      assert.equal(t.subnet, '10.0.0.0/8');
      assert.equal(t.remain_quota, 2_500_000);
      assert.equal(t.unlimited_quota, false);
      assert.ok(t.expired_time > Date.now() / 1000 + 29 * 86400);
    }));

  it('creates a key in four steps: Create Key, its name, the review button, Create the key', () =>
    vs.orShot('quick-create', async () => {
      await vs.runCommand('AI Gateway: Create Key…');
      await vs.quickInput.locator('.quick-input-title', { hasText: '(1/6)' }).waitFor({ timeout: 30000 });
      await vs.quickInput.locator('input').fill('e2e-quick');
      const review = vs.quickInput.locator('.quick-input-titlebar .action-label.codicon-check-all');
      await review.waitFor({ timeout: 15000 });
      assert.match((await review.getAttribute('aria-label')) ?? (await review.getAttribute('title')) ?? '', /Review/);
      await vs.shot('06-review-button');
      await review.click();
      // straight to the summary (6/6), the skipped steps at their defaults
      await vs.quickInput.locator('.quick-input-title', { hasText: '(6/6)' }).waitFor({ timeout: 15000 });
      await vs.quickInput.locator('.monaco-list-row', { hasText: 'all models' }).first().waitFor({ timeout: 15000 });
      await vs.shot('07-review-summary');
      await vs.quickInput.locator('.monaco-list-row', { hasText: 'Create the key' }).first().click();
      await vs.quickInput
        .locator('.quick-input-title', { hasText: 'New key "e2e-quick" on Demo AIHubMix' })
        .waitFor({ timeout: 30000 });
      await vs.quickInput.locator('.monaco-list-row', { hasText: "I've saved it" }).first().click();
      await vs.quickInput.waitFor({ state: 'hidden', timeout: 15000 });
      const t = sim.state.aihubmix.tokens.filter((x) => x.name === 'e2e-quick');
      assert.equal(t.length, 1, 'created once');
      assert.equal(t[0]!.unlimited_quota, true);
      assert.equal(t[0]!.expired_time, -1);
    }));
});
