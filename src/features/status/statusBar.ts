/**
 * The status bar item: the active connection's balance (or plan) and the worst key warning.
 *
 * Activation touches neither the network nor SecretStorage: until the first refresh the item shows only the
 * connection's label (read from settings). The first refresh happens when one of the tracked AI Gateway views
 * becomes visible or a command of the extension runs; after that it refreshes every 5 minutes while a tracked
 * view is visible, and whenever the active connection (or its profile/token) changes. An in-flight refresh is
 * cancelled by the next one and on dispose.
 */
import * as vscode from 'vscode';
import { formatMoney } from '../../core/format';
import type { Money } from '../../core/money';
import { describeKind } from '../../gateway';
import type { ActivityService } from '../../platform/activity';
import { CommandIds, registerCommand, ViewIds } from '../../platform/commands';
import type { BudgetSignal, BudgetStatus } from '../../platform/budgetStatus';
import type { ConfigService } from '../../platform/config';
import type { ConnectionProfile, ConnectionStore } from '../../platform/connections';
import { Disposable, toDisposable } from '../../platform/lifecycle';
import { LatestRun } from '../../platform/latestRun';
import type { Logger } from '../../platform/logger';
import { parseConnectionArg } from '../../platform/pickers';
import { loadStatus, type StatusData } from './statusData';
import type { BudgetStatusSource, SpendSummarySource } from './statusSources';
import { budgetLines, shortWarning, tooltipLines, tooltipMarkdown } from './statusTooltip';
import type { KeyWarning } from './warnings';

export const STATUS_REFRESH_MS = 5 * 60_000;

export interface StatusSnapshot {
  readonly visible: boolean;
  readonly text: string;
  /** The tooltip's text, without markdown. */
  readonly tooltip: string;
  /** The tooltip's markdown source and the commands its links may run. */
  readonly tooltipMarkdown: string;
  readonly tooltipEnabledCommands: readonly string[];
  readonly connectionId?: string;
  readonly balance?: Money;
  readonly planName?: string;
  readonly warnings: readonly KeyWarning[];
  readonly error?: string;
  /** How many refreshes completed (tests wait on it). */
  readonly refreshes: number;
  /** The item's background: a budget or status threshold crossed (error: 100 % or the balance floor), an exhausted key. */
  readonly background?: 'warning' | 'error';
  /** The budget readings crossed now for the active connection, worst first. */
  readonly budgetCrossed: readonly BudgetSignal[];
}

export interface StatusBarDeps {
  readonly store: ConnectionStore;
  readonly config: ConfigService;
  readonly activity: ActivityService;
  readonly log: Logger;
  /** The display language (vscode.env.language). */
  readonly locale?: () => string;
}

/** Something whose visibility drives the refresh (a TreeView). */
export interface VisibilitySource {
  readonly visible: boolean;
  readonly onDidChangeVisibility: vscode.Event<vscode.TreeViewVisibilityChangeEvent>;
}

export class StatusBarController extends Disposable {
  private readonly item: vscode.StatusBarItem;
  private readonly log: Logger;
  private started = false;
  private data: StatusData | undefined;
  private readonly runs = new LatestRun();
  private timer: NodeJS.Timeout | undefined;
  private readonly visibleSources = new Set<VisibilitySource>();
  private refreshes = 0;
  private lastConnectionFingerprint = '';
  private plainTooltip = '';
  /** What VS Code's requests through the gateway cost today (the usage ledger), shown in the tooltip. */
  private spend: SpendSummarySource | undefined;
  private markdownTooltip: vscode.MarkdownString | undefined;
  private budgetMonitor: BudgetStatusSource | undefined;
  private background: 'warning' | 'error' | undefined;

  private readonly store: ConnectionStore;
  private readonly config: ConfigService;
  private readonly locale: () => string;

  constructor(deps: StatusBarDeps) {
    super();
    this.store = deps.store;
    this.config = deps.config;
    this.locale = deps.locale ?? (() => vscode.env.language);
    this.log = deps.log.child('status');
    this.item = this._register(
      vscode.window.createStatusBarItem('aiGateway.status', vscode.StatusBarAlignment.Left, 90),
    );
    this.item.name = vscode.l10n.t('AI Gateway status');
    this.item.command = { command: `${ViewIds.keys}.focus`, title: vscode.l10n.t('Show the AI Gateway view') };
    this._register(this.store.onDidChange(() => this.onConnectionsChanged()));
    this._register(
      this.config.onDidChange((c) => {
        if (c.activeConnection) this.onConnectionsChanged();
      }),
    );
    // the first command of the extension that counts as activity starts the lazy refresh
    this._register(deps.activity.onDidActivity(() => this.noteActivity()));
    this._register(registerCommand(CommandIds.setActiveConnection, (arg) => this.setActiveConnection(arg), this.log));
    this._register(
      toDisposable(() => {
        this.runs.cancel();
        this.stopTimer();
      }),
    );
    this.lastConnectionFingerprint = this.fingerprint();
    this.render();
  }

  /** The active connection: the setting when it names an existing connection, else the first one. */
  activeConnection(): ConnectionProfile | undefined {
    const all = this.store.list();
    const wanted = this.config.activeConnectionId();
    return (wanted !== undefined ? all.find((p) => p.id === wanted) : undefined) ?? all[0];
  }

  /** Shows today's spend of VS Code's language-model requests (per connection and model) in the tooltip. */
  showSpend(source: SpendSummarySource): void {
    this.spend = source;
    this._register(source.onDidChange(() => this.render()));
    this.render();
  }

  /** Shows the budget readings of the active connection (colour, text, tooltip); the checks start after the first refresh. */
  useBudgets(monitor: BudgetStatusSource): void {
    this.budgetMonitor = monitor;
    this._register(monitor.onDidChange(() => this.render()));
    if (this.started) monitor.start();
    this.render();
  }

  /** The budget monitor (tests reach it through the status bar). */
  get budgets(): BudgetStatusSource | undefined {
    return this.budgetMonitor;
  }

  /** Refreshes when one of these views is visible (first time, then every 5 minutes while visible). */
  trackView(view: VisibilitySource): void {
    this._register(
      view.onDidChangeVisibility((e) => {
        if (e.visible) this.visibleSources.add(view);
        else this.visibleSources.delete(view);
        this.updateTimer();
        if (e.visible) this.ensureFresh();
      }),
    );
    if (view.visible) {
      // visible as the extension activates: refresh right after activation, never during it
      const t = setTimeout(() => {
        if (this.isDisposed || !view.visible) return;
        this.visibleSources.add(view);
        this.updateTimer();
        this.ensureFresh();
      }, 0);
      this._register(toDisposable(() => clearTimeout(t)));
    }
  }

  /** A command of the extension ran: starts the lazy refresh the first time. */
  private noteActivity(): void {
    if (!this.started) this.ensureFresh();
  }

  /** Refreshes unless the data of the active connection is recent. */
  ensureFresh(): void {
    const active = this.activeConnection();
    if (!active) return;
    if (this.data && this.data.connectionId === active.id && Date.now() - this.data.at < STATUS_REFRESH_MS) return;
    void this.refresh();
  }

  /** Re-reads balance/plan and the first page of keys of the active connection; cancels one in flight. */
  refresh(): Promise<void> {
    this.started = true;
    this.runs.cancel();
    const active = this.activeConnection();
    if (!active || this.isDisposed) {
      this.data = undefined;
      this.render();
      return Promise.resolve();
    }
    return this.runs.start((signal) =>
      loadStatus(this.store, this.log, active, signal).then((data) => {
        if (signal.aborted || this.isDisposed) return;
        this.data = data;
        this.refreshes++;
        this.render();
        // the budget checks start here, after activation and after the user first looked at the gateway
        this.budgetMonitor?.start();
      }),
    );
  }

  /** Resolves when the refresh in flight (if any) has finished. */
  settled(): Promise<void> {
    return this.runs.settled();
  }

  snapshot(): StatusSnapshot {
    return {
      visible: this.store.list().length > 0,
      text: this.item.text,
      tooltip: this.plainTooltip,
      tooltipMarkdown: this.markdownTooltip?.value ?? '',
      tooltipEnabledCommands:
        typeof this.markdownTooltip?.isTrusted === 'object' ? [...this.markdownTooltip.isTrusted.enabledCommands] : [],
      ...(this.data ? { connectionId: this.data.connectionId, warnings: this.data.warnings } : { warnings: [] }),
      ...(this.data?.balance ? { balance: this.data.balance } : {}),
      ...(this.data?.planName ? { planName: this.data.planName } : {}),
      ...(this.data?.error ? { error: this.data.error } : {}),
      refreshes: this.refreshes,
      ...(this.background ? { background: this.background } : {}),
      budgetCrossed: this.budgetView(this.locale())?.crossed ?? [],
    };
  }

  private fingerprint(): string {
    const a = this.activeConnection();
    return a ? JSON.stringify(a) : '';
  }

  private onConnectionsChanged(): void {
    const fp = this.fingerprint();
    const changed = fp !== this.lastConnectionFingerprint;
    this.lastConnectionFingerprint = fp;
    if (changed || this.data?.connectionId !== this.activeConnection()?.id) this.data = undefined;
    this.render();
    // a new profile or token (e.g. "Update Token" after "token rejected") is worth asking again
    // also when a tracked view is already on screen: the first connection may arrive after the view was shown
    if ((this.started || this.visibleSources.size > 0) && (changed || !this.data || this.data.error))
      void this.refresh();
  }

  private updateTimer(): void {
    if (this.visibleSources.size > 0 && !this.timer && !this.isDisposed) {
      this.timer = setInterval(() => void this.refresh(), STATUS_REFRESH_MS);
    } else if (this.visibleSources.size === 0) {
      this.stopTimer();
    }
  }

  private stopTimer(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private render(): void {
    if (this.isDisposed) return;
    const active = this.activeConnection();
    if (!active) {
      this.item.hide();
      return;
    }
    const locale = this.locale();
    const d = this.data?.connectionId === active.id ? this.data : undefined;
    const parts = [`$(cloud) ${active.label}`];
    if (d?.balance) parts[0] += `: ${formatMoney(d.balance, locale, 'balance')}`;
    else if (d?.planName) parts[0] += `: ${d.planName}`;
    const budget = this.budgetView(locale);
    const worstBudget = budget?.crossed[0];
    if (worstBudget) {
      const more = budget.crossed.length > 1 ? ` (+${budget.crossed.length - 1})` : '';
      parts.push(`$(${worstBudget.severity === 'error' ? 'error' : 'warning'}) ${worstBudget.short}${more}`);
    }
    const worst = d?.warnings[0];
    if (worst) {
      const more = d.warnings.length > 1 ? ` (+${d.warnings.length - 1})` : '';
      parts.push(`$(warning) ${shortWarning(worst)}${more}`);
    } else if (d?.authRejected) {
      parts.push(`$(error) ${vscode.l10n.t('token rejected')}`);
    } else if (d?.error) {
      parts.push('$(error)');
    }
    this.item.text = parts.join('  ');
    const lines = tooltipLines(active, d, locale, this.spend);
    // the budget's sentences before "Click to…" (Set Budget… is on the connection's row and in the notification)
    if (budget) lines.splice(lines.length - 2, 0, ...budgetLines(budget));
    this.plainTooltip = lines.map((l) => l.text).join('\n');
    this.markdownTooltip = tooltipMarkdown(lines, active.id);
    this.item.tooltip = this.markdownTooltip;
    this.background = budget?.crossed.some((r) => r.severity === 'error')
      ? 'error'
      : budget?.crossed.length || worst?.kind === 'exhausted'
        ? 'warning'
        : undefined;
    this.item.backgroundColor = this.background
      ? new vscode.ThemeColor(
          this.background === 'error' ? 'statusBarItem.errorBackground' : 'statusBarItem.warningBackground',
        )
      : undefined;
    this.item.show();
  }

  private budgetView(locale: string): BudgetStatus | undefined {
    const active = this.activeConnection();
    return active ? this.budgetMonitor?.status(active.id, locale) : undefined;
  }

  private async setActiveConnection(arg: unknown): Promise<void> {
    let id = parseConnectionArg(arg);
    if (id === undefined) {
      const all = this.store.list();
      if (all.length === 0) {
        void vscode.window.showInformationMessage(vscode.l10n.t('No gateway connected yet.'));
        return;
      }
      const current = this.activeConnection()?.id;
      const pick = await vscode.window.showQuickPick(
        all.map((p) => ({
          label: p.label,
          description:
            p.id === current ? vscode.l10n.t('{0} · active', describeKind(p.kind).label) : describeKind(p.kind).label,
          detail: p.baseUrl,
          id: p.id,
        })),
        { placeHolder: vscode.l10n.t('Which connection should the status bar show?') },
      );
      id = pick?.id;
    }
    if (id === undefined) return;
    this.store.require(id);
    await this.config.setActiveConnection(id);
    this.onConnectionsChanged();
    void this.refresh();
  }
}
