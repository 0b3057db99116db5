/**
 * UI: the status bar in its budget warning state, in the real workbench against the simulator: the demo AIone
 * connection has used 85 % of the monthly budget the gateway holds (budget_progress_pct), so the item carries the
 * warning background and its hover says why, with the runway. Dark, light and high-contrast themes
 * (switched through the Color Theme picker). Then the same in Simplified Chinese: the item, its hover and the
 * notification in Chinese, no English word of ours left and nothing cut. Screenshots in test-results/e2e/budgets/ and
 * test-results/e2e/budgets-zh/.
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { setFigures } from '../simulator/figures';
import type { Simulator } from '../simulator/index';
import { useDemo, type VsCode } from './harness';

/** The simulator's AIone monthly budget set so that it is 85 % used this UTC month. */
function budget85(sim: Simulator): void {
  const d = new Date();
  const from = Math.floor(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1) / 86_400_000);
  const spentE4 = sim.state.aione.usage.filter((c) => c.day >= from).reduce((s, c) => s + c.costE4, 0);
  setFigures(sim.state, Date.now(), {
    gateway: 'aione',
    monthlyBudget: (Math.round(spentE4 / 0.85) / 10_000).toFixed(4),
  });
}

describe('UI: budget warning in the status bar', { timeout: 240000 }, () => {
  let vs: VsCode;

  useDemo(
    { name: 'budgets', settings: { 'workbench.colorTheme': 'Default Dark Modern' } },
    { keyCount: 12 },
    (d) => (vs = d.vs),
    budget85,
  );

  const item = () => vs.page.locator('.statusbar-item', { hasText: /Demo AIone/ }).first();

  async function hoverShot(file: string): Promise<void> {
    await vs.page.mouse.move(700, 300);
    await vs.page.waitForTimeout(300);
    // the item's own colour, not hovered
    await vs.shot(`${file}-item`);
    await item().hover();
    const hover = vs.page.locator('.monaco-hover', { hasText: 'of the monthly budget used this month' }).first();
    await hover.waitFor({ timeout: 15000 });
    const text = (await hover.innerText()).replace(/\s+/g, ' ');
    assert.match(
      text,
      /Demo AIone: the gateway reports 8\d\.\d\d% of the monthly budget used this month \(threshold 80%\)\./,
    );
    assert.match(text, /Runway: /);
    await vs.shot(file);
  }

  it('the warning background and the reason on hover, in dark, light and high contrast', () =>
    vs.orShot('status', async () => {
      await vs.openContainer('AI Gateway'); // activates the extension; the demo connects itself
      await vs.page
        .locator('.statusbar-item', { hasText: /Demo AIone: ¥[\d,]+\.\d\d.*budget 8\d\.\d\d%/ })
        .first()
        .waitFor({ timeout: 90000 });
      assert.match((await item().getAttribute('class')) ?? '', /warning-kind/, 'the warning background');
      // the crossing was announced once, as a notification with its actions
      await vs
        .toast(/Demo AIone: the gateway reports 8\d\.\d\d% of the monthly budget/)
        .first()
        .waitFor({ timeout: 15000 });
      await hoverShot('01-dark');
      await vs.setTheme('Light Modern');
      await hoverShot('02-light');
      await vs.setTheme('Dark High Contrast');
      await hoverShot('03-high-contrast');
      assert.equal(
        await vs.toast(/of the monthly budget/).count(),
        1,
        'still one notification after the theme changes and hovers',
      );
    }));
});

describe('UI: budget warning in the status bar, in Simplified Chinese', { timeout: 240000 }, () => {
  let vs: VsCode;

  useDemo(
    { name: 'budgets-zh', locale: 'zh-cn', settings: { 'workbench.colorTheme': 'Default Light Modern' } },
    { keyCount: 12 },
    (d) => (vs = d.vs),
    budget85,
  );

  it('the item, its hover and the notification in Chinese, nothing cut', () =>
    vs.orShot('zh', async () => {
      await vs.openContainer('AI 网关');
      const item = vs.page
        .locator('.statusbar-item', { hasText: /Demo AIone: ¥[\d,]+\.\d\d.*预算 8\d\.\d\d%/ })
        .first();
      await item.waitFor({ timeout: 90000 });
      assert.match((await item.getAttribute('class')) ?? '', /warning-kind/);
      const toast = vs.toast(/Demo AIone：网关报告本月已使用月度预算的 8\d\.\d\d%（阈值 80%）。/).first();
      await toast.waitFor({ timeout: 15000 });
      assert.doesNotMatch(
        await toast.innerText(),
        /\b(budget|threshold|monthly|Set Budget|Open)\b/i,
        'no English left',
      );
      await vs.shot('01-notification-zh');
      await vs.page.mouse.move(700, 300);
      await item.hover();
      const hover = vs.page.locator('.monaco-hover', { hasText: '月度预算' }).first();
      await hover.waitFor({ timeout: 15000 });
      const text = (await hover.innerText()).replace(/\s+/g, ' ');
      assert.match(text, /可用天数：/);
      assert.doesNotMatch(
        text,
        /\b(budget|threshold|Runway|days?|spent|Balance|key|quota|warning)\b/i,
        `no English left: ${text}`,
      );
      assert.doesNotMatch(text, /令牌/, '令牌 is the API key, not a token count');
      // nothing cut: the hover's text fits inside its box
      const box = await hover.boundingBox();
      const scroll = await hover.evaluate((node) => {
        const el = node as unknown as { scrollWidth: number; clientWidth: number };
        return { w: el.scrollWidth, cw: el.clientWidth };
      });
      assert.ok(box && scroll.w <= scroll.cw + 1, `the hover is not cut horizontally (${JSON.stringify(scroll)})`);
      await vs.shot('02-hover-zh');
    }));
});
