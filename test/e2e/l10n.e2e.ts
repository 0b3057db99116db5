/** UI in Simplified Chinese: the extension's package.nls.zh-cn.json and l10n bundle are picked up. */
import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { launchVsCode, type VsCode } from './harness';

describe('UI: Simplified Chinese', { timeout: 180000 }, () => {
  let vs: VsCode;
  before(async () => {
    vs = await launchVsCode({ name: 'l10n-zh-cn', locale: 'zh-cn' });
  });
  after(async () => {
    await vs?.close();
  });

  it('shows the container, the welcome view and a command prompt in Chinese', () =>
    vs.orShot('zh-cn', async () => {
      await vs.openContainer('AI 网关');
      await vs.page.locator('.welcome-view-content', { hasText: '尚未连接任何网关。' }).waitFor({ timeout: 30000 });
      await vs.shot('01-welcome-zh');
      await vs.runCommand('AI 网关: 添加连接');
      const row = vs.quickInput.locator('.monaco-list-row', { hasText: 'AIone API' }).first();
      await row.waitFor({ timeout: 15000 });
      assert.match(
        await vs.quickInput.innerText(),
        /添加网关连接/,
        'the quick pick title comes from l10n/bundle.l10n.zh-cn.json',
      );
      await vs.shot('02-add-connection-zh');
      await vs.page.keyboard.press('Escape');
    }));

  it('the chat in the secondary side bar in Chinese', () =>
    vs.orShot('chat-side-bar-zh', async () => {
      await vs.runCommand('AI 网关: 在侧边栏中打开聊天');
      const frame = vs.page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
      await frame.locator('body', { hasText: '请先添加一个网关连接。' }).waitFor({ timeout: 30000 });
      assert.match(await vs.page.locator('.part.auxiliarybar').innerText(), /AI 网关聊天/);
      await vs.shot('03-chat-side-bar-zh');
    }));
});
