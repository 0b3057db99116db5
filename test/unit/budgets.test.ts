/**
 * Budgets: the settings' validation (a bad value is named and ignored, the rest kept), the readings of a
 * connection's figures, and the crossing memory (one notification per threshold crossed, re-armed by a lower
 * figure or a new period).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { applyReadings, crossingKey } from '../../src/features/budgets/crossings';
import {
  type ConnectionFigures,
  type Reading,
  crossed,
  evaluate,
  levelOf,
  percentOf,
} from '../../src/features/budgets/evaluate';
import { DEFAULT_THRESHOLDS, parseBudgetSettings, withLimits } from '../../src/features/budgets/settings';

const figures = (over: Partial<ConnectionFigures> = {}): ConnectionFigures => ({
  connectionId: 'c1',
  label: 'Demo',
  currency: 'CNY',
  at: 0,
  month: '2026-12',
  day: '2026-12-01',
  keys: [],
  errors: [],
  ...over,
});

describe('budget settings', () => {
  it('defaults: 50 / 80 / 95 / 100, a 15-minute check, RPM warning at 80 %', () => {
    const s = parseBudgetSettings({});
    assert.deepEqual(s.thresholds, [50, 80, 95, 100]);
    assert.deepEqual(DEFAULT_THRESHOLDS, [50, 80, 95, 100]);
    assert.equal(s.checkIntervalMinutes, 15);
    assert.equal(s.rpmWarningPercent, 80);
    assert.deepEqual(s.limits, {});
    assert.deepEqual(s.problems, []);
  });

  it('reads limits per connection and key; amounts as exact decimals (numbers through their decimal text)', () => {
    const s = parseBudgetSettings({
      thresholds: [90, 50, 50],
      limits: {
        c1: {
          monthlyBudget: '100.50',
          balanceFloor: 10,
          dailyCap: '0.1',
          keys: { k1: { monthlyBudget: '20', thresholds: [75] } },
        },
      },
    });
    assert.deepEqual(s.problems, []);
    assert.deepEqual(s.thresholds, [50, 90], 'sorted, duplicates dropped');
    assert.deepEqual(s.limits['c1'], {
      monthlyBudget: '100.5',
      balanceFloor: '10',
      dailyCap: '0.1',
      keys: { k1: { monthlyBudget: '20', thresholds: [75] } },
    });
  });

  it('a bad value is named with its path and ignored; the other values of the same entry stay', () => {
    const s = parseBudgetSettings({
      thresholds: [0, 80],
      limits: {
        c1: { monthlyBudget: 'lots', balanceFloor: '-5', dailyCap: '3', colour: 'red', keys: { 'bad id!': {}, k2: 7 } },
        'not/an-id': { monthlyBudget: '1' },
      },
      checkIntervalMinutes: 0,
      rpmWarningPercent: 'high',
    });
    assert.deepEqual(s.thresholds, [50, 80, 95, 100], 'the default replaces a bad list');
    assert.deepEqual(s.limits['c1'], { dailyCap: '3', keys: {} });
    assert.equal(s.limits['not/an-id'], undefined);
    assert.equal(s.checkIntervalMinutes, 15);
    assert.equal(s.rpmWarningPercent, 80);
    const text = s.problems.join('\n');
    for (const p of [
      'aiGateway.budgets.thresholds',
      'aiGateway.budgets.limits.c1.monthlyBudget: not a decimal amount',
      'aiGateway.budgets.limits.c1.balanceFloor: must not be negative',
      'aiGateway.budgets.limits.c1.colour: unknown setting',
      'aiGateway.budgets.limits.c1.keys.bad id!: not a key id',
      'aiGateway.budgets.limits.c1.keys.k2: not an object',
      'aiGateway.budgets.limits.not/an-id: not a connection id',
      'aiGateway.budgets.checkIntervalMinutes',
      'aiGateway.budgets.rpmWarningPercent',
    ])
      assert.ok(text.includes(p), `names ${p}:\n${text}`);
    assert.deepEqual(parseBudgetSettings({ limits: [1] }).problems, [
      'aiGateway.budgets.limits: not an object of connection ids',
    ]);
  });

  it('withLimits replaces one entry and keeps every other entry and unknown field as written', () => {
    const raw = { c1: { monthlyBudget: '5', note: 'mine', keys: { k1: { dailyCap: '1' } } }, c2: { dailyCap: '9' } };
    assert.deepEqual(withLimits(raw, 'c1', undefined, { monthlyBudget: '7', dailyCap: undefined }), {
      c1: { note: 'mine', keys: { k1: { dailyCap: '1' } }, monthlyBudget: '7' },
      c2: { dailyCap: '9' },
    });
    assert.deepEqual(withLimits(raw, 'c1', 'k1', {}), {
      c1: { monthlyBudget: '5', note: 'mine' },
      c2: { dailyCap: '9' },
    });
    assert.deepEqual(withLimits(raw, 'c2', undefined, {}), { c1: raw.c1 });
    assert.deepEqual(withLimits(undefined, 'c3', 'k9', { monthlyBudget: '2' }), {
      c3: { keys: { k9: { monthlyBudget: '2' } } },
    });
    assert.deepEqual(raw.c1.keys, { k1: { dailyCap: '1' } }, 'the input is not changed');
  });
});

describe('budget readings', () => {
  it('levelOf: the highest threshold reached; percentOf: 2 places, half-up, exact', () => {
    assert.equal(levelOf('79.99', [50, 80, 95, 100]), 50);
    assert.equal(levelOf('80', [50, 80, 95, 100]), 80);
    assert.equal(levelOf('120', [50, 80, 95, 100]), 100);
    assert.equal(levelOf('49.99', [50, 80]), 0);
    assert.equal(percentOf('0.3', '0.6'), '50.00');
    assert.equal(percentOf('1', '3'), '33.33');
    assert.equal(percentOf('2', '3'), '66.67');
    assert.equal(percentOf('1', '0'), undefined);
  });

  it("the user's monthly budget: month spend / budget; it wins over the gateway's own figure", () => {
    const s = parseBudgetSettings({ limits: { c1: { monthlyBudget: '200' } } });
    const r = evaluate(figures({ monthSpend: '170.00', gatewayBudgetPct: '10.00' }), s);
    assert.deepEqual(
      r.map((x) => [x.metric, x.value, x.level, x.source, x.severity]),
      [['budget', '85.00', 80, 'user', 'warning']],
    );
    const over = evaluate(figures({ monthSpend: '200' }), s)[0]!;
    assert.equal(over.level, 100);
    assert.equal(over.severity, 'error', '100 % is an error');
  });

  it("without a user budget: AIone's budget_progress_pct, else month spend / the account's monthly budget", () => {
    const s = parseBudgetSettings({});
    assert.deepEqual(
      evaluate(figures({ gatewayBudgetPct: '96.5', monthSpend: '1' }), s).map((x) => [x.value, x.level, x.source]),
      [['96.5', 95, 'gateway-pct']],
    );
    assert.deepEqual(
      evaluate(figures({ gatewayMonthlyBudget: '1000', monthSpend: '500' }), s).map((x) => [
        x.value,
        x.level,
        x.source,
      ]),
      [['50.00', 50, 'gateway-budget']],
    );
    assert.deepEqual(evaluate(figures({ monthSpend: '500' }), s), [], 'no budget anywhere: nothing to measure');
  });

  it('balance floor (at or below), daily cap (reached), per connection; an unknown figure gives no reading', () => {
    const s = parseBudgetSettings({ limits: { c1: { balanceFloor: '10', dailyCap: '5' } } });
    const at = evaluate(figures({ balance: '10.00', todaySpend: '4.99' }), s);
    assert.deepEqual(
      at.map((x) => [x.metric, x.level, x.period]),
      [
        ['floor', 100, '2026-12'],
        ['daily', 0, '2026-12-01'],
      ],
    );
    assert.deepEqual(
      evaluate(figures({ balance: '10.01', todaySpend: '5' }), s).map((x) => [x.metric, x.level]),
      [
        ['floor', 0],
        ['daily', 100],
      ],
    );
    assert.deepEqual(evaluate(figures({}), s), []);
  });

  it("AIone's capacity / service status and RPM use feed the same warnings", () => {
    const s = parseBudgetSettings({ rpmWarningPercent: 80 });
    const ok = evaluate(figures({ capacityStatus: 'sufficient', serviceStatus: 'Normal', rpmUsagePct: '79.99' }), s);
    assert.deepEqual(crossed(ok), []);
    const bad = evaluate(figures({ capacityStatus: 'tight', serviceStatus: 'degraded', rpmUsagePct: '80.00' }), s);
    assert.deepEqual(
      crossed(bad).map((x) => [x.metric, x.value]),
      [
        ['capacity', 'tight'],
        ['rpm', '80.00'],
        ['service', 'degraded'],
      ],
    );
  });

  it('keys with limits: month budget, AIHubMix quota used / (used + remaining), daily cap; others are not read', () => {
    const s = parseBudgetSettings({ limits: { c1: { keys: { k1: { monthlyBudget: '10', dailyCap: '1' }, k2: {} } } } });
    const r = evaluate(
      figures({
        keys: [
          { keyId: 'k1', keyName: 'ci', monthSpend: '9.5', todaySpend: '1' },
          { keyId: 'k2', keyName: 'bot', quotaUsed: '3', quotaRemaining: '1' },
          { keyId: 'k3', keyName: 'other', quotaUsed: '100', quotaRemaining: '0' },
        ],
      }),
      s,
    );
    assert.deepEqual(
      r.map((x) => [x.id, x.value, x.level]),
      [
        ['c1|k1|budget', '95.00', 95],
        ['c1|k1|daily', '1', 100],
        ['c1|k2|quota', '75.00', 50],
      ],
    );
    assert.equal(r[0]?.keyName, 'ci');
  });

  it('crossed: worst first (errors, then the highest level)', () => {
    const s = parseBudgetSettings({ limits: { c1: { monthlyBudget: '100', balanceFloor: '5', dailyCap: '1' } } });
    const r = crossed(evaluate(figures({ monthSpend: '81', balance: '1', todaySpend: '2' }), s));
    assert.deepEqual(
      r.map((x) => x.metric),
      ['floor', 'daily', 'budget'],
    );
  });
});

describe('threshold crossing memory', () => {
  const s = parseBudgetSettings({ limits: { c1: { monthlyBudget: '100' } } });
  const at = (spend: string, month = '2026-12') =>
    evaluate(figures({ monthSpend: spend, month, day: `${month}-01` }), s);
  const run = (state: Record<string, number>, readings: Reading[]) => applyReadings(state, readings, ['c1']);

  it('one notification per threshold crossed, not one per check', () => {
    let st: Record<string, number> = {};
    const announced: number[] = [];
    for (const spend of ['10', '55', '56', '57', '81', '81', '96', '99', '100', '100', '130']) {
      const r = run(st, at(spend));
      st = r.state;
      announced.push(...r.announce.map((x) => x.level));
    }
    assert.deepEqual(announced, [50, 80, 95, 100]);
    assert.deepEqual(st, { 'c1||budget@2026-12': 100 });
  });

  it('a jump over several thresholds is one notification, naming the highest', () => {
    const r = run({}, at('97'));
    assert.deepEqual(
      r.announce.map((x) => x.level),
      [95],
    );
  });

  it('a lower figure re-arms the thresholds above it', () => {
    let r = run({}, at('85'));
    assert.equal(r.announce.length, 1);
    r = run(r.state, at('60')); // spend corrected / budget raised
    assert.deepEqual(r.announce, []);
    assert.deepEqual(r.state, { 'c1||budget@2026-12': 50 });
    r = run(r.state, at('82'));
    assert.deepEqual(
      r.announce.map((x) => x.level),
      [80],
      'the 80 % threshold notifies again',
    );
    r = run(r.state, at('5'));
    assert.deepEqual(r.state, {}, 'below every threshold: nothing remembered');
  });

  it('a new month re-arms everything and drops the old month', () => {
    let r = run({}, at('99', '2026-11'));
    assert.equal(r.announce.length, 1);
    r = run(r.state, at('99', '2026-12'));
    assert.deepEqual(
      r.announce.map((x) => [x.level, x.period]),
      [[95, '2026-12']],
    );
    assert.deepEqual(Object.keys(r.state), ['c1||budget@2026-12']);
  });

  it('a reading not taken this time (gateway down) and other connections are left as they were', () => {
    const prev = { 'c1||budget@2026-12': 80, 'c2||floor@2026-12': 100 };
    const r = applyReadings(prev, [], ['c1']);
    assert.deepEqual(r.state, prev);
    assert.deepEqual(r.announce, []);
    assert.equal(crossingKey({ id: 'c1|k|daily', period: '2026-12-01' }), 'c1|k|daily@2026-12-01');
  });
});
