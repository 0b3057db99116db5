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
import { forecastRunway } from '../../core/runway';
import { CommandIds, registerCommand } from '../../platform/commands';
import type { ConnectionStore } from '../../platform/connections';
import { gatewayErrorKind, userMessage } from '../../platform/errors';
import { Disposable, toDisposable } from '../../platform/lifecycle';
import type { BudgetStatus } from '../../platform/budgetStatus';
import { LatestRun } from '../../platform/latestRun';
import type { Logger } from '../../platform/logger';
import type { PromptService } from '../../platform/vscodePrompter';
import { affectsBudgetSettings, readBudgetSettings } from './budgetConfig';
import { type CrossingState, applyReadings } from './crossings';
import { type ConnectionFigures, type Reading, crossed, evaluate } from './evaluate';
import { readFigures } from './figures';
import { setBudget } from './setBudget';
import type { BudgetSettings } from './settings';
import { type BudgetView, budgetStatusView, readingSentence } from './wording';

export const CROSSINGS_STATE_KEY = 'aiGateway.budgets.crossings';

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
  private readonly runs = new LatestRun();
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
        if (!affectsBudgetSettings(e)) return;
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
    this._register(
      registerCommand(
        CommandIds.setBudget,
        (arg) =>
          setBudget(
            { store: this.store, prompts: this.prompts, locale: this.locale, settings: () => this.settings() },
            arg,
          ),
        this.log,
      ),
    );
    this._register(
      toDisposable(() => {
        this.runs.cancel();
        this.stopTimer();
      }),
    );
  }

  /** The budget settings (parsed again after they changed); a bad value is announced once and ignored. */
  settings(): BudgetSettings {
    if (this.parsed) return this.parsed;
    const s = readBudgetSettings();
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
    return this.runs.start((signal) => this.runCheck(signal));
  }

  /** Resolves when the check in flight (if any) has finished. */
  settled(): Promise<void> {
    return this.runs.settled();
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
  status(connectionId: string, locale: string): BudgetStatus | undefined {
    const v = this.view(connectionId);
    if (!v) return undefined;
    return budgetStatusView(v, locale);
  }
}
