/**
 * Budgets and runway: checks every connection's spend, balance and the gateway's own budget / status figures on a
 * timer, announces each threshold crossed once (the crossing memory lives in globalState), and gives the status bar
 * what is crossed now and the runway.
 *
 * No work at activation: nothing runs until start() (the status bar calls it after its first refresh). From then on
 * a check runs every `aiGateway.budgets.checkIntervalMinutes` while at least one connection exists; the timer stops
 * when the last connection goes and on dispose. A change of the budget settings re-evaluates the last figures at
 * once (no request) and restarts the timer when the interval changed.
 */
import * as vscode from 'vscode';
import { formatMoney } from '../../core/format';
import { money } from '../../core/money';
import { RUNWAY_WINDOW_DAYS, type Runway, forecastRunway } from '../../core/runway';
import { CommandIds, registerCommand } from '../../platform/commands';
import type { ConnectionStore } from '../../platform/connections';
import { gatewayErrorKind, userMessage } from '../../platform/errors';
import { Disposable, toDisposable } from '../../platform/lifecycle';
import type { Logger } from '../../platform/logger';
import type { PromptService } from '../../platform/vscodePrompter';
import { type CrossingState, applyReadings } from './crossings';
import { type ConnectionFigures, type Reading, crossed, evaluate } from './evaluate';
import { readFigures } from './figures';
import { BudgetSettingKeys, type BudgetSettings, parseBudgetSettings, withLimits } from './settings';

const SECTION = 'aiGateway';
export const CROSSINGS_STATE_KEY = 'aiGateway.budgets.crossings';

/** What the status bar shows of one connection. */
export interface BudgetView {
  readonly figures: ConnectionFigures;
  /** Everything crossed now, worst first. */
  readonly crossed: readonly Reading[];
  /** Every reading (crossed or not): the tooltip shows the budget's percent even below the first threshold. */
  readonly readings: readonly Reading[];
  readonly runway?: Runway;
  readonly settings: BudgetSettings;
}

/** What the status bar shows of a connection's budgets (the shape features/status reads). */
export interface BudgetStatusView {
  readonly crossed: ReadonlyArray<{
    readonly id: string;
    readonly connectionId: string;
    readonly keyId?: string;
    readonly metric: string;
    readonly level: number;
    readonly severity: 'warning' | 'error';
    readonly short: string;
    readonly sentence: string;
  }>;
  readonly lines: readonly string[];
}

/** One notification shown (tests read them). */
export interface BudgetNotice {
  readonly message: string;
  readonly connectionId: string;
  readonly keyId?: string;
  readonly metric: Reading['metric'];
  readonly level: number;
}

export interface BudgetMonitorDeps {
  readonly store: ConnectionStore;
  readonly memento: vscode.Memento;
  readonly prompts: PromptService;
  readonly log: Logger;
  readonly locale?: () => string;
  readonly now?: () => number;
}

export class BudgetMonitor extends Disposable {
  private readonly store: ConnectionStore;
  private readonly memento: vscode.Memento;
  private readonly prompts: PromptService;
  private readonly log: Logger;
  private readonly locale: () => string;
  private readonly now: () => number;
  private readonly _onDidChange = this._register(new vscode.EventEmitter<void>());
  /** What is crossed or the figures changed. */
  readonly onDidChange = this._onDidChange.event;
  private started = false;
  private timer: NodeJS.Timeout | undefined;
  private timerMinutes = 0;
  private inflight: AbortController | undefined;
  private current: Promise<void> | undefined;
  private readonly figures = new Map<string, ConnectionFigures>();
  private parsed: BudgetSettings | undefined;
  private lastProblems = '';
  private checks = 0;
  readonly notices: BudgetNotice[] = [];

  constructor(deps: BudgetMonitorDeps) {
    super();
    this.store = deps.store;
    this.memento = deps.memento;
    this.prompts = deps.prompts;
    this.log = deps.log.child('budgets');
    this.locale = deps.locale ?? (() => vscode.env.language);
    this.now = deps.now ?? Date.now;
    this._register(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (!e.affectsConfiguration(`${SECTION}.budgets`)) return;
        this.parsed = undefined;
        if (!this.started) return;
        this.updateTimer();
        void this.reevaluate();
      }),
    );
    this._register(
      this.store.onDidChange(() => {
        const ids = new Set(this.store.list().map((p) => p.id));
        for (const id of [...this.figures.keys()]) if (!ids.has(id)) this.figures.delete(id);
        if (this.started) this.updateTimer();
        this._onDidChange.fire();
      }),
    );
    this._register(registerCommand(CommandIds.setBudget, (arg) => this.setBudget(arg), this.log));
    this._register(
      toDisposable(() => {
        this.inflight?.abort();
        this.stopTimer();
      }),
    );
  }

  /** The budget settings (parsed again after they changed); a bad value is announced once and ignored. */
  settings(): BudgetSettings {
    if (this.parsed) return this.parsed;
    const c = vscode.workspace.getConfiguration(SECTION);
    const user = (k: string): unknown => c.inspect<unknown>(k)?.globalValue;
    const s = parseBudgetSettings({
      thresholds: user(BudgetSettingKeys.thresholds),
      limits: user(BudgetSettingKeys.limits),
      checkIntervalMinutes: user(BudgetSettingKeys.checkIntervalMinutes),
      rpmWarningPercent: user(BudgetSettingKeys.rpmWarningPercent),
    });
    this.parsed = s;
    const problems = s.problems.join('\n');
    if (problems !== this.lastProblems) {
      this.lastProblems = problems;
      if (s.problems.length) {
        this.log.warn(`budget settings ignored: ${s.problems.join('; ')}`);
        const open = vscode.l10n.t('Open Settings');
        void this.prompts.ui
          .ask(vscode.l10n.t('A budget setting is invalid and was ignored: {0}', s.problems.join('; ')), [open])
          .then((pick) => {
            if (pick === open)
              void vscode.commands.executeCommand('workbench.action.openSettings', 'aiGateway.budgets');
          });
      }
    }
    return s;
  }

  /** Starts the checks (the first one now, deferred); idempotent. */
  start(): void {
    if (this.started || this.isDisposed) return;
    this.started = true;
    this.updateTimer();
    if (this.store.list().length > 0) void this.check();
  }

  /** Whether the periodic check is scheduled (tests read it). */
  get timerRunning(): boolean {
    return this.timer !== undefined;
  }

  get checkCount(): number {
    return this.checks;
  }

  private updateTimer(): void {
    const want = this.started && !this.isDisposed && this.store.list().length > 0;
    const minutes = this.settings().checkIntervalMinutes;
    if (!want || (this.timer && minutes !== this.timerMinutes)) this.stopTimer();
    if (want && !this.timer) {
      this.timerMinutes = minutes;
      this.timer = setInterval(() => void this.check(), minutes * 60_000);
    }
  }

  private stopTimer(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Reads every connection's figures and announces what is newly crossed; cancels a check in flight. */
  check(): Promise<void> {
    this.inflight?.abort();
    const ac = new AbortController();
    this.inflight = ac;
    const run = this.runCheck(ac.signal).finally(() => {
      if (this.inflight === ac) this.inflight = undefined;
    });
    this.current = run;
    return run;
  }

  /** Resolves when the check in flight (if any) has finished. */
  async settled(): Promise<void> {
    while (this.current) {
      const c = this.current;
      await c.catch(() => undefined);
      if (this.current === c) break;
    }
  }

  private async runCheck(signal: AbortSignal): Promise<void> {
    const s = this.settings();
    const profiles = this.store.list();
    const read = await Promise.all(
      profiles.map(async (p): Promise<ConnectionFigures | undefined> => {
        try {
          if (!(await this.store.hasToken(p.id))) return undefined;
          return await readFigures({
            connectionId: p.id,
            label: p.label,
            gateway: this.store.gateway(p.id),
            limits: s.limits[p.id],
            now: this.now(),
            signal,
            describe: userMessage,
          });
        } catch (e) {
          if (gatewayErrorKind(e) !== 'aborted') this.log.warn(`budget check of "${p.label}":`, e);
          return undefined;
        }
      }),
    );
    if (signal.aborted || this.isDisposed) return;
    for (const f of read) {
      if (!f) continue;
      if (f.errors.length) this.log.warn(`budget check of "${f.label}": ${f.errors.join('; ')}`);
      this.figures.set(f.connectionId, f);
    }
    this.checks++;
    await this.announce(read.filter((f): f is ConnectionFigures => f !== undefined));
  }

  /** The settings changed: the last figures are evaluated again without a request. */
  private async reevaluate(): Promise<void> {
    await this.announce([...this.figures.values()]);
  }

  private async announce(list: readonly ConnectionFigures[]): Promise<void> {
    const s = this.settings();
    const readings = list.flatMap((f) => evaluate(f, s));
    const prev = this.memento.get<CrossingState>(CROSSINGS_STATE_KEY) ?? {};
    const { state, announce } = applyReadings(
      prev,
      readings,
      list.map((f) => f.connectionId),
    );
    await this.memento.update(CROSSINGS_STATE_KEY, state);
    this._onDidChange.fire();
    for (const r of announce) {
      const f = this.figures.get(r.connectionId);
      if (f) this.notify(r, f);
    }
  }

  private notify(r: Reading, f: ConnectionFigures): void {
    const message = readingSentence(r, f, this.locale());
    this.notices.push({
      message,
      connectionId: r.connectionId,
      ...(r.keyId ? { keyId: r.keyId } : {}),
      metric: r.metric,
      level: r.level,
    });
    const open = vscode.l10n.t('Open Dashboard');
    const set = vscode.l10n.t('Set Budget…');
    void this.prompts.ui.ask(message, [open, set]).then((pick) => {
      if (pick === open) void vscode.commands.executeCommand(CommandIds.openDashboard, r.connectionId);
      else if (pick === set)
        void vscode.commands.executeCommand(CommandIds.setBudget, {
          connectionId: r.connectionId,
          ...(r.keyId ? { keyId: r.keyId } : {}),
        });
    });
  }

  /** What the status bar shows of a connection (undefined before its first check). */
  view(connectionId: string): BudgetView | undefined {
    const figures = this.figures.get(connectionId);
    if (!figures) return undefined;
    const settings = this.settings();
    const readings = evaluate(figures, settings);
    const floor = settings.limits[connectionId]?.balanceFloor;
    const runway =
      figures.balance !== undefined && figures.daily
        ? forecastRunway({ balance: figures.balance, daily: figures.daily, ...(floor ? { floor } : {}) })
        : undefined;
    return { figures, readings, crossed: crossed(readings), ...(runway ? { runway } : {}), settings };
  }

  /** The status bar's view of a connection: what is crossed, in words, and the figures in sentences. */
  status(connectionId: string, locale: string): BudgetStatusView | undefined {
    const v = this.view(connectionId);
    if (!v) return undefined;
    const f = v.figures;
    const m = (x: string) => formatMoney(money(x, f.currency), locale, 'amount');
    const lines: string[] = [];
    const budget = v.readings.find((r) => r.metric === 'budget' && !r.keyId);
    if (budget && budget.level === 0)
      lines.push(
        budget.limit !== undefined
          ? vscode.l10n.t('Budget: {0}% of {1} this month.', budget.value, m(budget.limit))
          : vscode.l10n.t("Budget: {0}% used this month (the gateway's figure).", budget.value),
      );
    if (f.todaySpend !== undefined) lines.push(vscode.l10n.t('Spent today: {0} (UTC day).', m(f.todaySpend)));
    const floor = v.settings.limits[f.connectionId]?.balanceFloor;
    if (f.serverRemindThreshold !== undefined)
      lines.push(
        vscode.l10n.t(
          "Balance floor: {0} (yours) · the gateway's reminder threshold: {1}.",
          floor !== undefined ? m(floor) : vscode.l10n.t('not set'),
          m(f.serverRemindThreshold),
        ),
      );
    else if (floor !== undefined) lines.push(vscode.l10n.t('Balance floor: {0}.', m(floor)));
    if (v.runway) lines.push(runwaySentence(v.runway, f, locale));
    return {
      crossed: v.crossed.map((r) => ({
        id: r.id,
        connectionId: r.connectionId,
        ...(r.keyId ? { keyId: r.keyId } : {}),
        metric: r.metric,
        level: r.level,
        severity: r.severity,
        short: readingShort(r),
        sentence: readingSentence(r, f, locale),
      })),
      lines,
    };
  }

  /** "Set Budget…": one limit of a connection or a key, written to aiGateway.budgets.limits. */
  async setBudget(arg: unknown): Promise<void> {
    const ref = parseBudgetRef(arg);
    let connectionId = ref?.connectionId;
    if (!connectionId) {
      const all = this.store.list();
      if (all.length === 0) {
        this.prompts.ui.info(vscode.l10n.t('No gateway connected yet.'));
        return;
      }
      const r = await this.prompts.ui.pick({
        id: 'budget.connection',
        title: vscode.l10n.t('Set Budget'),
        canGoBack: false,
        placeholder: vscode.l10n.t('Which connection?'),
        items: all.map((p) => ({ id: p.id, label: p.label, detail: p.baseUrl })),
        canPickMany: false,
      });
      if (r.kind !== 'value') return;
      connectionId = r.value[0];
    }
    if (!connectionId) return;
    const profile = this.store.require(connectionId);
    const keyId = ref?.keyId;
    const keyName = ref?.keyName ?? keyId;
    const s = this.settings();
    const current = keyId ? s.limits[connectionId]?.keys[keyId] : s.limits[connectionId];
    const currency = this.store.gateway(connectionId).capabilities.currency;
    const locale = this.locale();
    const amount = (v: string | undefined) =>
      v === undefined ? vscode.l10n.t('not set') : formatMoney(money(v, currency), locale, 'amount');
    const title = keyId
      ? vscode.l10n.t('Set budget of key "{0}" on {1}', keyName ?? keyId, profile.label)
      : vscode.l10n.t('Set budget of {0}', profile.label);
    const floorNow = keyId ? undefined : (current as { balanceFloor?: string } | undefined)?.balanceFloor;
    const items = [
      { id: 'monthlyBudget', label: vscode.l10n.t('Monthly budget'), description: amount(current?.monthlyBudget) },
      ...(keyId ? [] : [{ id: 'balanceFloor', label: vscode.l10n.t('Balance floor'), description: amount(floorNow) }]),
      { id: 'dailyCap', label: vscode.l10n.t('Daily spend cap'), description: amount(current?.dailyCap) },
      {
        id: 'thresholds',
        label: vscode.l10n.t('Thresholds (% of budget)'),
        description: (current?.thresholds ?? s.thresholds).join(', '),
      },
      { id: 'clear', label: vscode.l10n.t('Remove all limits') },
    ];
    const picked = await this.prompts.ui.pick({
      id: 'budget.field',
      title,
      canGoBack: false,
      placeholder: vscode.l10n.t('Which limit?'),
      items,
      canPickMany: false,
    });
    if (picked.kind !== 'value') return;
    const field = picked.value[0];
    const raw = vscode.workspace.getConfiguration(SECTION).inspect<unknown>(BudgetSettingKeys.limits)?.globalValue;
    const existing = rawEntry(raw, connectionId, keyId);
    let next: Record<string, unknown>;
    if (field === 'clear') {
      next = {};
    } else if (field === 'thresholds') {
      const r = await this.prompts.ui.input({
        id: 'budget.value',
        title,
        canGoBack: false,
        prompt: vscode.l10n.t(
          'Percent thresholds, separated by commas (empty: the default {0})',
          s.thresholds.join(', '),
        ),
        value: (current?.thresholds ?? s.thresholds).join(', '),
        validate: (v) =>
          v.trim() === '' || parseThresholdList(v)
            ? undefined
            : vscode.l10n.t('Enter percents above 0, e.g. 50, 80, 95, 100.'),
      });
      if (r.kind !== 'value') return;
      const list = r.value.trim() === '' ? undefined : parseThresholdList(r.value);
      next = { ...existing, thresholds: list };
    } else if (field === 'monthlyBudget' || field === 'balanceFloor' || field === 'dailyCap') {
      const now = field === 'balanceFloor' ? floorNow : current?.[field];
      const r = await this.prompts.ui.input({
        id: 'budget.value',
        title,
        canGoBack: false,
        prompt: vscode.l10n.t('Amount in {0} (empty: no limit)', currency),
        value: now ?? '',
        validate: (v) =>
          v.trim() === '' || AMOUNT.test(v.trim()) ? undefined : vscode.l10n.t('Enter an amount such as 100 or 12.50.'),
      });
      if (r.kind !== 'value') return;
      next = { ...existing, [field]: r.value.trim() === '' ? undefined : r.value.trim() };
    } else {
      return;
    }
    await vscode.workspace
      .getConfiguration(SECTION)
      .update(BudgetSettingKeys.limits, withLimits(raw, connectionId, keyId, next), vscode.ConfigurationTarget.Global);
  }
}

const AMOUNT = /^\d+(\.\d+)?$/;

function parseThresholdList(v: string): number[] | undefined {
  const parts = v.split(/[,，\s]+/).filter((x) => x !== '');
  if (parts.length === 0 || parts.length > 10) return undefined;
  const out: number[] = [];
  for (const p of parts) {
    if (!AMOUNT.test(p)) return undefined;
    const n = Number(p);
    if (!(n > 0 && n <= 1000)) return undefined;
    out.push(n);
  }
  return [...new Set(out)].sort((a, b) => a - b);
}

/** The fields of one connection's (or key's) entry as written, without `keys`. */
function rawEntry(raw: unknown, connectionId: string, keyId: string | undefined): Record<string, unknown> {
  const obj = (v: unknown): Record<string, unknown> =>
    v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  const conn = obj(obj(raw)[connectionId]);
  if (keyId !== undefined) return { ...obj(obj(conn['keys'])[keyId]) };
  const { keys: _keys, ...rest } = conn;
  return rest;
}

/** A connection node, a key node, `{connectionId, keyId?}` or a connection id. */
function parseBudgetRef(arg: unknown): { connectionId: string; keyId?: string; keyName?: string } | undefined {
  if (arg === undefined || arg === null) return undefined;
  const idOk = (v: unknown): v is string => typeof v === 'string' && /^[A-Za-z0-9_-]{1,128}$/.test(v);
  if (idOk(arg)) return { connectionId: arg };
  if (typeof arg !== 'object') throw badBudgetArgument();
  const o = arg as { connectionId?: unknown; keyId?: unknown; key?: { name?: unknown } };
  if (!idOk(o.connectionId)) throw badBudgetArgument();
  if (o.keyId === undefined) return { connectionId: o.connectionId };
  if (!idOk(o.keyId)) throw badBudgetArgument();
  const name = typeof o.key?.name === 'string' ? o.key.name : undefined;
  return { connectionId: o.connectionId, keyId: o.keyId, ...(name ? { keyName: name } : {}) };
}

function badBudgetArgument(): Error {
  return new Error(
    vscode.l10n.t('This command was given an argument it does not accept; run it from the command palette instead.'),
  );
}

function subjectOf(r: Reading, f: ConnectionFigures): string {
  return r.keyId ? vscode.l10n.t('Key "{0}" on {1}', r.keyName ?? r.keyId, f.label) : f.label;
}

function fmt(amount: string | undefined, f: ConnectionFigures, locale: string): string {
  return amount === undefined ? '' : formatMoney(money(amount, f.currency), locale, 'amount');
}

/** The notification's (and the tooltip's) sentence for a crossed reading. */
export function readingSentence(r: Reading, f: ConnectionFigures, locale: string): string {
  const who = subjectOf(r, f);
  switch (r.metric) {
    case 'budget':
      if (r.source === 'gateway-pct')
        return vscode.l10n.t(
          '{0}: the gateway reports {1}% of the monthly budget used this month (threshold {2}%).',
          who,
          r.value,
          r.level,
        );
      return vscode.l10n.t(
        '{0}: {1} spent this month, {2}% of the monthly budget of {3} (threshold {4}%).',
        who,
        fmt(r.keyId ? f.keys.find((k) => k.keyId === r.keyId)?.monthSpend : f.monthSpend, f, locale),
        r.value,
        fmt(r.limit, f, locale),
        r.level,
      );
    case 'quota':
      return vscode.l10n.t(
        "{0}: {1}% of the key's quota of {2} is used (threshold {3}%).",
        who,
        r.value,
        fmt(r.limit, f, locale),
        r.level,
      );
    case 'floor':
      return vscode.l10n.t(
        '{0}: the balance {1} is at or below your floor of {2}.',
        who,
        fmt(r.value, f, locale),
        fmt(r.limit, f, locale),
      );
    case 'daily':
      return vscode.l10n.t(
        "{0}: today's spend {1} reached the daily cap of {2}.",
        who,
        fmt(r.value, f, locale),
        fmt(r.limit, f, locale),
      );
    case 'capacity':
      return vscode.l10n.t('{0}: the gateway reports its capacity as "{1}".', who, r.value);
    case 'service':
      return vscode.l10n.t('{0}: the gateway reports its service status as "{1}".', who, r.value);
    case 'rpm':
      return vscode.l10n.t('{0}: {1}% of the RPM limit is in use (warning at {2}%).', who, r.value, r.limit ?? '');
  }
}

/** A few words for the status bar text. */
export function readingShort(r: Reading): string {
  switch (r.metric) {
    case 'budget':
      return r.keyId ? vscode.l10n.t('key budget {0}%', r.value) : vscode.l10n.t('budget {0}%', r.value);
    case 'quota':
      return vscode.l10n.t('key quota {0}% used', r.value);
    case 'floor':
      return vscode.l10n.t('balance under floor');
    case 'daily':
      return vscode.l10n.t('daily cap reached');
    case 'capacity':
      return vscode.l10n.t('capacity {0}', r.value);
    case 'service':
      return vscode.l10n.t('service {0}', r.value);
    case 'rpm':
      return vscode.l10n.t('RPM {0}%', r.value);
  }
}

/** The runway in one sentence. */
export function runwaySentence(r: Runway, f: ConnectionFigures, locale: string): string {
  switch (r.kind) {
    case 'below-floor':
      return vscode.l10n.t('Runway: none, the balance is at or below the floor.');
    case 'no-spend':
      return vscode.l10n.t('Runway: no spend in the last {0} days.', RUNWAY_WINDOW_DAYS);
    case 'days': {
      const rate = formatMoney(money(r.dailyRate, f.currency), locale, 'amount');
      if (r.trend === 'rising')
        return vscode.l10n.t(
          'Runway: about {0} days at {1} a day and rising (last {2} days).',
          r.days,
          rate,
          r.basisDays,
        );
      return vscode.l10n.t('Runway: about {0} days at {1} a day (last {2} days).', r.days, rate, r.basisDays);
    }
  }
}
