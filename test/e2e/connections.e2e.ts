/**
 * UI: the AI Gateway activity-bar container, its welcome view, and adding a connection to the simulator
 * through the real command (quick pick → base URL → name → token → live check → saved), with screenshots; then a
 * hand-written invalid entry in settings.json, shown as an error row whose click opens the settings at it.
 */
import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { startSimulator, type Simulator } from '../simulator/index';
import { launchVsCode, type VsCode } from './harness';

describe('UI: connections', { timeout: 180000 }, () => {
  let vs: VsCode;
  let sim: Simulator;

  before(async () => {
    sim = await startSimulator({ host: '127.0.0.1' });
    vs = await launchVsCode({ name: 'connections' });
  });
  after(async () => {
    await vs?.close();
    await sim?.close();
  });

  it('shows the AI Gateway container with the welcome view', () =>
    vs.orShot('welcome', async () => {
      await vs.openContainer('AI Gateway');
      const welcome = vs.page.locator('.welcome-view-content', { hasText: 'No gateway connected yet.' });
      await welcome.waitFor({ timeout: 30000 });
      assert.ok(
        await welcome.locator('a.monaco-button, .monaco-button', { hasText: 'Add Connection' }).first().isVisible(),
      );
      await vs.shot('01-welcome');
    }));

  it('adds an AIone connection through the UI and lists it', () =>
    vs.orShot('add-connection', async () => {
      await vs.page.locator('.welcome-view-content .monaco-button', { hasText: 'Add Connection' }).first().click();
      // 1/4 which gateway
      await vs.quickInput.locator('.monaco-list-row', { hasText: 'AIone API' }).first().waitFor({ timeout: 15000 });
      await vs.shot('02-pick-gateway');
      await vs.answer('AIone');
      // 2/4 base URL (prefilled with the default), 3/4 name, 4/4 token (a password box)
      const step = (n: number) =>
        vs.quickInput.locator('.quick-input-title', { hasText: `(${n}/4)` }).waitFor({ timeout: 15000 });
      await step(2);
      assert.match(
        await vs.quickInput.locator('input').inputValue(),
        /^https:\/\//,
        'the base URL is prefilled with the default',
      );
      await vs.answer(sim.aione.url);
      await step(3);
      assert.match(
        await vs.quickInput.locator('input').inputValue(),
        /^AIone API \(127\.0\.0\.1:\d+\)$/,
        'a name is proposed',
      );
      await vs.answer('Simulator AIone');
      await step(4);
      assert.equal(
        await vs.quickInput.locator('input').getAttribute('type'),
        'password',
        'the token box hides what is typed',
      );
      await vs.page.keyboard.type(sim.aione.adminToken);
      await vs.shot('03-token-box');
      await vs.page.keyboard.press('Enter');
      await vs.toast(/Connected to "Simulator AIone"/).waitFor({ timeout: 30000 });
      // the connection appears in both trees (Gateways and Models); the first is the Gateways view
      const row = vs.page.locator('.pane-body .monaco-list-row', { hasText: 'Simulator AIone' }).first();
      await row.waitFor({ timeout: 15000 });
      await vs.shot('04-connected');
      assert.ok(
        sim.requests.some((r) => r.gateway === 'aione'),
        'the live check reached the simulator',
      );
    }));

  it('tests the connection from the palette', () =>
    vs.orShot('test-connection', async () => {
      await vs.runCommand('AI Gateway: Test Connection');
      await vs.toast(/"Simulator AIone" works/).waitFor({ timeout: 30000 });
      await vs.shot('05-test-connection');
    }));
});

describe('UI: a hand-written invalid connection', { timeout: 180000 }, () => {
  let vs: VsCode;
  let sim: Simulator;

  before(async () => {
    sim = await startSimulator({ host: '127.0.0.1' });
    // the demo variable gives the valid entry its token (it restores the token of a matching connection)
    const demo = JSON.stringify({ aione: { url: sim.aione.url, adminToken: sim.aione.adminToken }, focus: false });
    vs = await launchVsCode({
      name: 'connections-invalid',
      env: { AI_GATEWAY_CONSOLE_DEMO: demo },
      settings: {
        'aiGateway.connections': [
          { id: 'good', kind: 'aione', label: 'Simulator AIone', baseUrl: sim.aione.url },
          { id: 'handwritten', kind: 'aione', label: 'Hand-written gateway', baseUrl: 'http://gateway.example.com' },
        ],
      },
    });
  });
  after(async () => {
    await vs?.close();
    await sim?.close();
  });

  it('is an error row saying what is wrong; Open Settings shows settings.json at aiGateway.connections', () =>
    vs.orShot('invalid-entry', async () => {
      await vs.openContainer('AI Gateway');
      const row = vs.page.locator('.pane-body .monaco-list-row', { hasText: 'Hand-written gateway' }).first();
      await row.waitFor({ timeout: 30000 });
      assert.match(
        (await row.innerText()).replace(/\u00a0/g, ' '),
        /Invalid settings: .*plain http:\/\/ to another machine/,
      );
      // the valid entry got its token from the demo variable: the status bar shows its balance
      await vs.page.locator('.statusbar-item', { hasText: '¥' }).first().waitFor({ timeout: 30000 });
      const hover = vs.page.locator('.monaco-hover, .workbench-hover', { hasText: 'allowInsecureHttp' }).first();
      // a tree that re-renders (a balance arriving on the other row) closes an open hover: point at the row again
      for (let attempt = 1; ; attempt++) {
        await vs.page.mouse.move(700, 400);
        await row.locator('.label-name').first().hover();
        try {
          await hover.waitFor({ timeout: 8000 });
          break;
        } catch (e) {
          if (attempt === 3) throw e;
        }
      }
      assert.match((await hover.innerText()).replace(/\u00a0/g, ' '), /not used, and no token is sent for it/);
      const action = row.locator('.action-label[aria-label="Open Connection Settings"]');
      await action.waitFor({ timeout: 10000 });
      await vs.shot('01-invalid-entry');
      await action.click();
      // the settings JSON opens (code-server shows it in a modal editor) with the cursor on aiGateway.connections
      await vs.page
        .locator('.monaco-editor .view-line', { hasText: '"aiGateway.connections"' })
        .first()
        .waitFor({ timeout: 30000 });
      await vs.page.locator('.monaco-editor .current-line').first().waitFor({ timeout: 10000 });
      const cursorLine = await vs.page.locator('.monaco-editor .view-overlays .current-line').first().boundingBox();
      const line = await vs.page
        .locator('.monaco-editor .view-line', { hasText: '"aiGateway.connections"' })
        .first()
        .boundingBox();
      assert.ok(
        cursorLine && line && Math.abs(cursorLine.y - line.y) < line.height / 2,
        'the cursor is on the aiGateway.connections line',
      );
      await vs.shot('02-open-settings');
    }));
});
