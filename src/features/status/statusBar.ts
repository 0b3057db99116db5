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
import { readBalance } from '../../platform/balances';
import { CommandIds, registerCommand, ViewIds } from '../../platform/commands';
import type { ConfigService } from '../../platform/config';
import type { ConnectionProfile, ConnectionStore } from '../../platform/connections';
import { gatewayErrorKind, userMessage } from '../../platform/errors';
import { formatInstant, relativeFromNow } from '../../platform/durations';
import { Disposable, toDisposable } from '../../platform/lifecycle';
import type { Logger } from '../../platform/logger';
import { keyWarnings, type KeyWarning } from './warnings';

import { parseConnectionArg } from '../../platform/pickers';

export const STATUS_REFRESH_MS = 5 * 60_000;
/** How many keys (the first page) the warnings look at. */
export const STATUS_KEYS_PAGE = 100;

interface StatusData {
  readonly connectionId: string;
  readonly at: number;
  readonly balance?: Money;
  readonly planName?: string;
  readonly warnings: readonly KeyWarning[];
  readonly keysChecked: number;
  /** A sentence when the balance/plan or the keys could not be read. */
  readonly error?: string;
  readonly authRejected?: boolean;
}

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
  private inflight: AbortController | undefined;
  private current: Promise<void> | undefined;
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
        this.inflight?.abort();
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
    this.inflight?.abort();
    const active = this.activeConnection();
    if (!active || this.isDisposed) {
      this.data = undefined;
      this.render();
      return Promise.resolve();
    }
    const ac = new AbortController();
    this.inflight = ac;
    const run = this.load(active, ac.signal)
      .then((data) => {
        if (ac.signal.aborted || this.isDisposed) return;
        this.data = data;
        this.refreshes++;
        this.render();
        // the budget checks start here, after activation and after the user first looked at the gateway
        this.budgetMonitor?.start();
      })
      .finally(() => {
        if (this.inflight === ac) this.inflight = undefined;
      });
    this.current = run;
    return run;
  }

  /** Resolves when the refresh in flight (if any) has finished. */
  async settled(): Promise<void> {
    while (this.current) {
      const c = this.current;
      await c.catch(() => undefined);
      if (this.current === c) break;
    }
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

  private async load(p: ConnectionProfile, signal: AbortSignal): Promise<StatusData> {
    const gateway = this.store.gateway(p.id);
    const caps = gateway.capabilities;
    const errors: unknown[] = [];
    let balanceRead = false;
    const balanceP: Promise<Money | undefined> = readBalance(gateway, { signal })
      .then((b) => {
        balanceRead = true;
        return b;
      })
      .catch((e: unknown) => {
        errors.push(e);
        return undefined;
      });
    const keysP = gateway
      .listKeys({ page: 0, pageSize: STATUS_KEYS_PAGE, signal })
      .then((page) => page.items)
      .catch((e: unknown) => {
        errors.push(e);
        return undefined;
      });
    const [balance, keys] = await Promise.all([balanceP, keysP]);
    let planName: string | undefined;
    if (!balance && caps.plan && !signal.aborted) {
      planName = await gateway
        .getPlan({ signal })
        .then((pl) => pl.name)
        .catch((e: unknown) => {
          errors.push(e);
          return undefined;
        });
    }
    // the connection's row in the Gateways view shows the same reading
    if (balanceRead && !signal.aborted) this.store.balances.put(p.id, balance);
    const real = errors.filter((e) => gatewayErrorKind(e) !== 'aborted');
    if (real.length) this.log.warn(`status of "${p.label}":`, real[0]);
    return {
      connectionId: p.id,
      at: Date.now(),
      ...(balance ? { balance } : {}),
      ...(planName ? { planName } : {}),
      warnings: keys ? keyWarnings(keys, Date.now()) : [],
      keysChecked: keys?.length ?? 0,
      ...(real.length
        ? { error: userMessage(real[0]), authRejected: real.some((e) => gatewayErrorKind(e) === 'auth') }
        : {}),
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
    const lines = this.tooltipLines(active, d, locale);
    // the budget's sentences before "Click to…" (Set Budget… is on the connection's row and in the notification)
    if (budget) lines.splice(lines.length - 2, 0, ...budgetLines(budget));
    this.plainTooltip = lines.map((l) => l.text).join('\n');
    this.markdownTooltip = this.tooltip(lines, active.id);
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

  /** The tooltip as plain lines (the snapshot gives them to tests); warnings carry a warning icon. */
  private tooltipLines(p: ConnectionProfile, d: StatusData | undefined, locale: string): Array<TooltipLine> {
    const lines: Array<TooltipLine> = [{ text: `${p.label} (${describeKind(p.kind).label})`, bold: true }];
    if (!d) {
      lines.push({ text: vscode.l10n.t('Balance and key warnings load when the AI Gateway view is shown.') });
    } else {
      if (d.balance) lines.push({ text: vscode.l10n.t('Balance: {0}', formatMoney(d.balance, locale, 'balance')) });
      else if (d.planName) lines.push({ text: vscode.l10n.t('Plan: {0}', d.planName) });
      if (d.warnings.length === 0 && d.keysChecked > 0) {
        lines.push({
          text: vscode.l10n.t(
            'No key is expiring within 7 days or low on quota (first {0} keys checked).',
            d.keysChecked,
          ),
        });
      }
      for (const w of d.warnings.slice(0, 5)) lines.push({ text: warningSentence(w, locale), icon: 'warning' });
      if (d.warnings.length > 5) lines.push({ text: vscode.l10n.t('…and {0} more.', d.warnings.length - 5) });
      if (d.error) lines.push({ text: d.error, icon: 'error' });
    }
    const spent = (this.spend?.today() ?? []).filter((r) => r.connectionId === p.id && r.requests > 0);
    for (const r of spent) {
      const cost = r.cost ? formatMoney(r.cost, locale, { minFraction: 2, maxFraction: 6 }) : vscode.l10n.t('no price');
      lines.push({
        text: vscode.l10n.t(
          'VS Code chat today, {0}: {1} requests, {2} tokens, {3}',
          r.model,
          r.requests,
          r.promptTokens + r.completionTokens,
          cost,
        ),
      });
    }
    lines.push({ text: vscode.l10n.t('Click to show the AI Gateway view.') });
    lines.push({ text: vscode.l10n.t('Open dashboard'), link: true });
    return lines;
  }

  private budgetView(locale: string): BudgetStatus | undefined {
    const active = this.activeConnection();
    return active ? this.budgetMonitor?.status(active.id, locale) : undefined;
  }

  private tooltip(lines: ReadonlyArray<TooltipLine>, connectionId: string): vscode.MarkdownString {
    const md = new vscode.MarkdownString(undefined, true);
    // links may run exactly one command: opening this connection's dashboard
    md.isTrusted = { enabledCommands: [CommandIds.openDashboard] };
    lines.forEach((l, i) => {
      if (i > 0) md.appendMarkdown('\n\n');
      if (l.link) {
        md.appendMarkdown(`[${escapeLinkText(l.text)}](${dashboardCommandUri(connectionId)})`);
        return;
      }
      if (l.icon) md.appendMarkdown(`$(${l.icon}) `);
      if (l.bold) md.appendMarkdown('**');
      // escaped by hand rather than appendText, which turns every space into &nbsp; and so moves a long
      // sentence under its icon instead of wrapping it beside
      md.appendMarkdown(escapeMarkdownText(l.text));
      if (l.bold) md.appendMarkdown('**');
    });
    return md;
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

/** Today's rows of what VS Code's requests through the gateway cost (the usage ledger). */
export interface SpendSummarySource {
  readonly onDidChange: vscode.Event<void>;
  today(): ReadonlyArray<{
    readonly connectionId: string;
    readonly model: string;
    readonly requests: number;
    readonly promptTokens: number;
    readonly completionTokens: number;
    readonly cost?: Money;
  }>;
}

interface TooltipLine {
  text: string;
  icon?: 'warning' | 'error';
  bold?: boolean;
  link?: boolean;
}

/** The budget part of the tooltip: what is crossed (with its sentence), then the figures (budget, floors, runway). */
function budgetLines(b: BudgetStatus): TooltipLine[] {
  const lines: TooltipLine[] = [];
  for (const r of b.crossed.slice(0, 5))
    lines.push({ text: r.sentence, icon: r.severity === 'error' ? 'error' : 'warning' });
  if (b.crossed.length > 5) lines.push({ text: vscode.l10n.t('…and {0} more.', b.crossed.length - 5) });
  for (const text of b.lines) lines.push({ text });
  return lines;
}

/** One budget or gateway-status threshold crossed now, as the budget feature words it. */
export interface BudgetSignal {
  /** `<connectionId>|<keyId or ''>|<metric>`. */
  readonly id: string;
  readonly connectionId: string;
  readonly keyId?: string;
  readonly metric: string;
  /** The threshold reached (percent; 100 for a floor, cap or status). */
  readonly level: number;
  readonly severity: 'warning' | 'error';
  /** A few words for the item's text ("budget 85.00%"). */
  readonly short: string;
  /** The full sentence (the tooltip, the notification). */
  readonly sentence: string;
}

export interface BudgetStatus {
  /** Worst first. */
  readonly crossed: readonly BudgetSignal[];
  /** The figures in sentences: the month's budget, today's spend, the floors, the runway. */
  readonly lines: readonly string[];
}

/** What the status bar reads of the budgets (features/budgets implements it; the container wires it). */
export interface BudgetStatusSource {
  readonly onDidChange: vscode.Event<void>;
  /** Starts the timed checks (idempotent); the status bar calls it after its first refresh. */
  start(): void;
  /** The active connection's budget state, undefined before its first check. */
  status(connectionId: string, locale: string): BudgetStatus | undefined;
  /** For tests: one check now, waiting for it, the notifications shown, whether the timer runs. */
  check(): Promise<void>;
  settled(): Promise<void>;
  readonly notices: ReadonlyArray<{
    readonly message: string;
    readonly connectionId: string;
    readonly keyId?: string;
    readonly metric: string;
    readonly level: number;
  }>;
  readonly timerRunning: boolean;
  readonly checkCount: number;
}

/** `command:aiGateway.openDashboard?<encoded JSON [connectionId]>`: the link that opens one connection's dashboard. */
export function dashboardCommandUri(connectionId: string): string {
  return `command:${CommandIds.openDashboard}?${encodeURIComponent(JSON.stringify([connectionId]))}`;
}

function escapeMarkdownText(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!<>|$~&]/g, (c) => `\\${c}`).replace(/\r?\n/g, '\n\n');
}

function escapeLinkText(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!<>|]/g, (c) => `\\${c}`);
}

export function shortWarning(w: KeyWarning): string {
  switch (w.kind) {
    case 'exhausted':
      return vscode.l10n.t('key exhausted');
    case 'expiring':
      return vscode.l10n.t(
        'key expires {0}',
        relativeFromNow(Date.parse(w.expiresAt), Date.parse(w.expiresAt) - w.msLeft),
      );
    case 'low-quota':
      return vscode.l10n.t('quota {0}% left', w.percentLeft);
  }
}

export function warningSentence(w: KeyWarning, locale: string): string {
  switch (w.kind) {
    case 'exhausted':
      return vscode.l10n.t('The key "{0}" has used up its quota: calls with it fail until it is topped up.', w.keyName);
    case 'expiring':
      return vscode.l10n.t(
        'The key "{0}" expires on {1} ({2}).',
        w.keyName,
        formatInstant(w.expiresAt),
        relativeFromNow(Date.parse(w.expiresAt), Date.parse(w.expiresAt) - w.msLeft),
      );
    case 'low-quota':
      return vscode.l10n.t(
        'The key "{0}" has {1}% of its quota left ({2}).',
        w.keyName,
        w.percentLeft,
        formatMoney(w.remaining, locale, 'amount'),
      );
  }
}
