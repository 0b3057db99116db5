/**
 * Budgets in a real VS Code against the simulator, for both gateways: a monthly budget crossed → exactly one
 * notification per threshold across several checks, the status bar's background colour and the reason on hover;
 * raising the budget re-arms; "Set Budget…" on a connection row and on a key row writes the setting; a daily cap on
 * a key; AIone's capacity status; AIHubMix's reminder threshold beside ours; a bad setting is named and ignored.
 */
import { strict as assert } from 'node:assert';
import Big from 'big.js';
import * as vscode from 'vscode';
import type { IDisposable } from '../../../src/platform/lifecycle';
import { setFigures } from '../../simulator/figures';
import type { Simulator } from '../../simulator/index';
import { startGateways, waitFor, type Gateways, type Kind } from './fixture';
import { ScriptedPrompter } from './scriptedPrompter';

const LIMITS = 'budgets.limits';
const config = () => vscode.workspace.getConfiguration('aiGateway');
const setLimits = (v: unknown) => config().update(LIMITS, v, vscode.ConfigurationTarget.Global);

/** This UTC month's spend as the simulator holds it: AIone in 1/10000 RMB, AIHubMix in quota units. */
function monthSpendUnits(sim: Simulator, kind: Kind): number {
  const now = Date.now();
  const d = new Date(now);
  const monthStart = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
  if (kind === 'aione') {
    const from = Math.floor(monthStart / 86_400_000);
    return sim.state.aione.usage.filter((c) => c.day >= from).reduce((s, c) => s + c.costE4, 0);
  }
  return sim.state.aihubmix.logs
    .filter((l) => l.type === 2 && l.created_at >= monthStart / 1000)
    .reduce((s, l) => s + l.quota, 0);
}

const UNITS: Record<Kind, number> = { aione: 10_000, aihubmix: 500_000 };
const toAmount = (kind: Kind, units: number) => new Big(units).div(UNITS[kind]).toFixed(6);

describe('Budgets (both gateways, simulator)', function () {
  this.timeout(90000);
  let g: Gateways;
  let prompter: ScriptedPrompter;
  let use: IDisposable;

  before(async () => {
    g = await startGateways('Budget', { keyCount: 12 });
    prompter = new ScriptedPrompter();
    use = g.api.usePrompter(prompter);
  });

  after(async () => {
    use?.dispose();
    await setLimits(undefined);
    await config().update('activeConnection', undefined, vscode.ConfigurationTarget.Global);
    await g?.api.status.budgets?.settled();
    await g?.close();
  });

  const budgets = () => {
    const b = g.api.status.budgets;
    assert.ok(b, 'the status bar has the budget monitor');
    return b;
  };
  const noticesOf = (id: string) => budgets().notices.filter((n) => n.connectionId === id);
  const check = async () => {
    await budgets().check();
    await budgets().settled();
  };

  for (const kind of ['aione', 'aihubmix'] as const) {
    it(`${kind}: crossing a monthly budget notifies once per threshold, colours the status bar and says why on hover`, async () => {
      const id = g.ids[kind];
      const label = kind === 'aione' ? 'Budget AIone' : 'Budget AIHubMix';
      await vscode.commands.executeCommand('aiGateway.setActiveConnection', id);
      await g.api.status.refresh();
      // the first status refresh started the checks, on a timer (a connection exists)
      assert.ok(budgets().timerRunning, 'the periodic check runs while a connection exists');
      await budgets().settled();

      // a budget the month has used under 50 % of: nothing to say
      const spent = monthSpendUnits(g.sim, kind);
      const budgetUnits = spent * 2 + 10 * UNITS[kind];
      await setLimits({ [id]: { monthlyBudget: toAmount(kind, budgetUnits) } });
      await check();
      assert.deepEqual(noticesOf(id), [], 'below 50 %: no notification');
      assert.equal(g.api.status.snapshot().background, undefined);

      // spend up to 85 % → the 80 % threshold, once, however often it is checked
      setFigures(g.sim.state, Date.now(), {
        gateway: kind,
        spend: toAmount(kind, Math.ceil(budgetUnits * 0.85) - spent),
      });
      for (let i = 0; i < 3; i++) await check();
      let n = noticesOf(id);
      assert.equal(n.length, 1, `one notification across 3 checks: ${JSON.stringify(n)}`);
      assert.equal(n[0]!.metric, 'budget');
      assert.equal(n[0]!.level, 80);
      assert.match(
        n[0]!.message,
        new RegExp(`^${label}: .+ spent this month, 85\\.00% of the monthly budget of .+ \\(threshold 80%\\)\\.$`),
      );
      assert.ok(
        prompter.asks.some((a) => a.message === n[0]!.message && a.actions.join() === 'Open Dashboard,Set Budget…'),
        'shown as a notification with Open Dashboard and Set Budget…',
      );
      let s = g.api.status.snapshot();
      assert.equal(s.background, 'warning', 'the warning background');
      assert.match(s.text, /\$\(warning\) budget 85\.00%/);
      assert.ok(s.tooltip.includes(n[0]!.message), `the hover says why:\n${s.tooltip}`);
      assert.match(s.tooltip, /Runway: /, 'and the runway');
      // the hover's markdown keeps real spaces, so a long sentence wraps beside its icon (appendText would send &nbsp;)
      assert.ok(!s.tooltipMarkdown.includes('&nbsp;'), s.tooltipMarkdown);
      assert.ok(s.tooltipMarkdown.includes('$(warning) '), 'the warning icon leads the sentence');
      assert.deepEqual(s.tooltipEnabledCommands, ['aiGateway.openDashboard'], 'the hover runs no other command');

      // past 100 %: one more notification, the error background
      setFigures(g.sim.state, Date.now(), { gateway: kind, spend: toAmount(kind, Math.ceil(budgetUnits * 0.2)) });
      await check();
      await check();
      n = noticesOf(id);
      assert.deepEqual(
        n.map((x) => x.level),
        [80, 100],
      );
      s = g.api.status.snapshot();
      assert.equal(s.background, 'error');
      assert.match(s.text, /\$\(error\) budget 10\d\.\d\d%/);

      // a raised budget re-arms (the settings change is evaluated at once, without a request); lowering it again
      // crosses 100 % again
      await setLimits({ [id]: { monthlyBudget: toAmount(kind, budgetUnits * 10) } });
      await waitFor('the raised budget evaluated', () => g.api.status.snapshot().background === undefined);
      await setLimits({ [id]: { monthlyBudget: toAmount(kind, budgetUnits) } });
      await waitFor('the budget crossed again', () => noticesOf(id).length === 3);
      await check();
      assert.deepEqual(
        noticesOf(id).map((x) => x.level),
        [80, 100, 100],
        're-armed by the raised budget',
      );
      await setLimits(undefined);
    });

    it(`${kind}: "Set Budget…" on a connection row and on a key row writes the setting; a key's daily cap notifies once`, async () => {
      const id = g.ids[kind];
      const conn = g.api.keysView.connectionNode(id);
      assert.ok(conn);
      prompter.answer('budget.field', 'balanceFloor').answer('budget.value', '12.5');
      await vscode.commands.executeCommand('aiGateway.setBudget', conn);
      assert.deepEqual(config().inspect(LIMITS)?.globalValue, { [id]: { balanceFloor: '12.5' } });
      // a refused amount is refused as typed
      prompter
        .answer('budget.field', 'dailyCap')
        .answer('budget.value', { value: '-1', expectInvalid: true }, 'CANCEL');
      await vscode.commands.executeCommand('aiGateway.setBudget', conn);
      assert.deepEqual(config().inspect(LIMITS)?.globalValue, { [id]: { balanceFloor: '12.5' } }, 'nothing written');

      const keyId = kind === 'aione' ? g.sim.state.aione.modelKeyId : String(g.sim.state.aihubmix.modelTokenId);
      const rows = await g.api.keysView.getChildren(conn);
      const row = rows.find((r) => r.type === 'key' && 'keyId' in r && r.keyId === keyId) ?? {
        connectionId: id,
        keyId,
      };
      prompter.answer('budget.field', 'dailyCap').answer('budget.value', '0.01');
      await vscode.commands.executeCommand('aiGateway.setBudget', row);
      assert.deepEqual(config().inspect(LIMITS)?.globalValue, {
        [id]: { balanceFloor: '12.5', keys: { [keyId]: { dailyCap: '0.01' } } },
      });
      await check();
      setFigures(g.sim.state, Date.now(), { gateway: kind, spend: '0.02', keyId });
      await check();
      await check();
      // the cap may already have been reached by today's earlier spend: either way, one notice for the day
      const mine = noticesOf(id).filter((x) => x.keyId === keyId && x.metric === 'daily');
      assert.equal(mine.length, 1, `one daily-cap notice: ${JSON.stringify(mine)}`);
      assert.match(mine[0]!.message, /^Key ".+" on Budget .+: today's spend .+ reached the daily cap of .+\.$/);
      await setLimits(undefined);
    });
  }

  it("aione: capacity other than sufficient warns once; aihubmix: the gateway's reminder threshold beside our floor", async () => {
    setFigures(g.sim.state, Date.now(), { gateway: 'aione', capacityStatus: 'tight' });
    await vscode.commands.executeCommand('aiGateway.setActiveConnection', g.ids.aione);
    await g.api.status.refresh();
    await check();
    await check();
    const cap = noticesOf(g.ids.aione).filter((x) => x.metric === 'capacity');
    assert.equal(cap.length, 1);
    assert.equal(cap[0]!.message, 'Budget AIone: the gateway reports its capacity as "tight".');
    assert.match(g.api.status.snapshot().text, /capacity tight/);
    setFigures(g.sim.state, Date.now(), { gateway: 'aione', capacityStatus: 'sufficient' });

    setFigures(g.sim.state, Date.now(), { gateway: 'aihubmix', remindThreshold: '5', balance: '50' });
    await setLimits({ [g.ids.aihubmix]: { balanceFloor: '1' } });
    await vscode.commands.executeCommand('aiGateway.setActiveConnection', g.ids.aihubmix);
    await g.api.status.refresh();
    await check();
    assert.match(
      g.api.status.snapshot().tooltip,
      /Balance floor: \$1\.00 \(yours\) · the gateway's reminder threshold: \$5\.00\./,
    );
    await setLimits(undefined);
  });

  it('a bad budget setting is named, ignored, and the rest still applies', async () => {
    const id = g.ids.aihubmix;
    const asked = prompter.asks.length;
    const floorsBefore = noticesOf(id).filter((x) => x.metric === 'floor').length;
    await setLimits({ [id]: { monthlyBudget: 'lots', balanceFloor: '999999999' } });
    await check();
    const msg = prompter.asks.slice(asked).find((a) => a.message.startsWith('A budget setting is invalid'));
    assert.ok(msg, 'the user is told');
    assert.match(msg.message, new RegExp(`aiGateway\\.budgets\\.limits\\.${id}\\.monthlyBudget: not a decimal amount`));
    const floor = noticesOf(id).filter((x) => x.metric === 'floor');
    assert.equal(floor.length - floorsBefore, 1, 'the valid floor still applies');
    assert.equal(g.api.status.snapshot().background, 'error');
    await setLimits(undefined);
  });
});
