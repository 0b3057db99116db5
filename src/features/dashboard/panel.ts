/**
 * One dashboard panel per connection. The skeleton is in the HTML (shown at once); the webview posts `ready` with
 * its time zone, gets `init`, then each section arrives on its own as it loads — a failing section carries its
 * error sentence and the webview shows a Retry button there while the rest works. Newer choices cancel older loads.
 */
import * as vscode from 'vscode';
import { describeKind } from '../../gateway';
import type { ConnectionStore } from '../../platform/connections';
import { userMessage } from '../../platform/errors';
import { Disposable } from '../../platform/lifecycle';
import type { Logger } from '../../platform/logger';
import { type BoundedDays, addDays, dayKey, isValidTimeZone } from '../../core/usage';
import { escapeHtml, WebviewHost } from '../../webview/host';
import type { MessageRouter } from '../../webview/router';
import {
  type DashboardInbound,
  type DashboardMeta,
  type DashboardOutbound,
  type DashboardStringKey,
  type SectionDataMap,
  type SectionId,
  type SectionState,
  type UiChoices,
  DEFAULT_CHOICES,
  SECTION_IDS,
  dashboardInboundSchema,
} from '../../webview/dashboardProtocol';
import { DashboardLoad, RequestBudget, USAGE_HISTORY_DAYS, boundChoices } from './data';
import { type SectionStates, snapshot, toCsv, toJson, toMarkdown } from './export';

export const DASHBOARD_VIEW_TYPE = 'aiGateway.dashboard';

/** Where an export goes: the test sets a file; otherwise a save dialog asks. */
export interface ExportTarget {
  /** Returns the file to write, or undefined when the user cancelled. */
  pick(format: 'csv' | 'json', suggestedName: string): Promise<vscode.Uri | undefined>;
  /** Copies text (Markdown). */
  copy(text: string): Promise<void>;
}

export const dialogExportTarget: ExportTarget = {
  async pick(format, suggestedName) {
    const base = vscode.workspace.workspaceFolders?.[0]?.uri;
    return vscode.window.showSaveDialog({
      ...(base ? { defaultUri: vscode.Uri.joinPath(base, suggestedName) } : {}),
      filters: format === 'csv' ? { CSV: ['csv'] } : { JSON: ['json'] },
      saveLabel: vscode.l10n.t('Export'),
    });
  },
  async copy(text) {
    await vscode.env.clipboard.writeText(text);
  },
};

export function dashboardStrings(): Record<DashboardStringKey, string> {
  return {
    title: vscode.l10n.t('Usage and Billing'),
    range: vscode.l10n.t('Range'),
    today: vscode.l10n.t('Today'),
    last7: vscode.l10n.t('7 days'),
    last30: vscode.l10n.t('30 days'),
    last90: vscode.l10n.t('90 days'),
    custom: vscode.l10n.t('Custom'),
    from: vscode.l10n.t('From'),
    to: vscode.l10n.t('To'),
    apply: vscode.l10n.t('Apply'),
    fromAfterTo: vscode.l10n.t('The first day is after the last day: choose a first day on or before the last day.'),
    timeZone: vscode.l10n.t('Time zone'),
    local: vscode.l10n.t('Local'),
    utc: vscode.l10n.t('UTC'),
    buckets: vscode.l10n.t('Buckets'),
    daily: vscode.l10n.t('Daily'),
    hourly: vscode.l10n.t('Hourly'),
    requests: vscode.l10n.t('Requests'),
    tokens: vscode.l10n.t('Tokens'),
    tokensIn: vscode.l10n.t('Tokens in'),
    cachedIn: vscode.l10n.t('cached {0}'),
    cacheWrites: vscode.l10n.t('cache writes {0}'),
    tokensOut: vscode.l10n.t('Tokens out'),
    cost: vscode.l10n.t('Cost'),
    avgLatency: vscode.l10n.t('Avg latency'),
    p99Latency: vscode.l10n.t('p99 latency'),
    errorRate: vscode.l10n.t('Error rate'),
    rpmUsage: vscode.l10n.t('RPM usage'),
    rpmNow: vscode.l10n.t('Requests in the last minute'),
    trend: vscode.l10n.t('Trend'),
    models: vscode.l10n.t('Models'),
    teams: vscode.l10n.t('Cost by team'),
    topKeys: vscode.l10n.t('Top keys'),
    byCost: vscode.l10n.t('By cost'),
    byUsage: vscode.l10n.t('By requests'),
    billing: vscode.l10n.t('Billing'),
    plan: vscode.l10n.t('Plan'),
    account: vscode.l10n.t('Billing account'),
    invoices: vscode.l10n.t('Invoices'),
    balance: vscode.l10n.t('Balance'),
    creditLimit: vscode.l10n.t('Credit limit'),
    monthlyBudget: vscode.l10n.t('Monthly budget'),
    usedTotal: vscode.l10n.t('Used'),
    period: vscode.l10n.t('Period'),
    amount: vscode.l10n.t('Amount'),
    status: vscode.l10n.t('Status'),
    issued: vscode.l10n.t('Issued'),
    due: vscode.l10n.t('Due'),
    previous: vscode.l10n.t('Previous'),
    next: vscode.l10n.t('Next'),
    retry: vscode.l10n.t('Retry'),
    loading: vscode.l10n.t('Loading…'),
    exportCsv: vscode.l10n.t('Export CSV'),
    exportJson: vscode.l10n.t('Export JSON'),
    copyMarkdown: vscode.l10n.t('Copy as Markdown table'),
    dataTable: vscode.l10n.t('Data table'),
    bucket: vscode.l10n.t('Period'),
    model: vscode.l10n.t('Model'),
    key: vscode.l10n.t('Key'),
    team: vscode.l10n.t('Team'),
    share: vscode.l10n.t('Share'),
    noData: vscode.l10n.t('No usage in this range.'),
    name: vscode.l10n.t('Name'),
    price: vscode.l10n.t('Price'),
    cycle: vscode.l10n.t('Billing cycle'),
    rpmLimit: vscode.l10n.t('RPM limit'),
    tpmLimit: vscode.l10n.t('TPM limit'),
    maxKeys: vscode.l10n.t('Max keys'),
    renewal: vscode.l10n.t('Renews'),
    features: vscode.l10n.t('Features'),
    unlimited: vscode.l10n.t('Unlimited'),
    page: vscode.l10n.t('Page'),
    total: vscode.l10n.t('Total'),
    gatewayStat: vscode.l10n.t('Gateway total'),
    shownIn: vscode.l10n.t('Times shown in'),
    usage: vscode.l10n.t('Usage'),
    kpis: vscode.l10n.t('Key figures'),
  };
}

const hostTimeZone = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

export class DashboardPanel extends Disposable {
  private readonly host: WebviewHost<DashboardInbound, DashboardOutbound>;
  private readonly log: Logger;
  private choices: UiChoices;
  private localTimeZone = hostTimeZone();
  private generation = 0;
  private abort: AbortController | undefined;
  private invoicePage = 0;
  private readonly pending = new Set<Promise<unknown>>();
  readonly sections = Object.fromEntries(SECTION_IDS.map((id) => [id, { status: 'loading' }])) as SectionStates;
  meta: DashboardMeta | undefined;
  /** Sentences posted beside the range picker (refused ranges), since the panel opened. */
  readonly notices: string[] = [];
  /** Why the range shown differs from the one asked for (clamped to the history), for the current choices. */
  private rangeNote: string | undefined;
  private readonly _onDidDispose = this._register(new vscode.EventEmitter<void>());
  readonly onDidDispose = this._onDidDispose.event;

  constructor(
    panel: vscode.WebviewPanel,
    readonly connectionId: string,
    choices: UiChoices | undefined,
    extensionUri: vscode.Uri,
    private readonly store: ConnectionStore,
    log: Logger,
    private readonly exportTarget: () => ExportTarget,
    private readonly now: () => number = Date.now,
  ) {
    super();
    this.log = log.child('dashboard');
    this.choices = choices ?? DEFAULT_CHOICES;
    this.host = this._register(
      new WebviewHost<DashboardInbound, DashboardOutbound>(extensionUri, {
        ui: 'dashboard',
        schema: dashboardInboundSchema,
        log: this.log,
        countPosted: true,
        handlers: {
          ready: (m) => {
            if (isValidTimeZone(m.timeZone)) this.localTimeZone = m.timeZone;
            this.boundCurrent();
            this.post({ type: 'init', strings: dashboardStrings(), meta: this.computeMeta() });
            this.reload();
          },
          setChoices: (m) => {
            const b = boundChoices(m.choices, this.now(), this.timeZoneOf(m.choices));
            if (!b.ok) {
              // nothing the gateway keeps: the view stays as it was, and the picker says why
              this.post({ type: 'meta', meta: this.meta ?? this.computeMeta() });
              const message = refusalSentence(b);
              this.notices.push(message);
              this.post({ type: 'notice', message });
              this.log.debug(`dashboard: a custom range outside the last ${USAGE_HISTORY_DAYS} days was refused`);
              return;
            }
            this.choices = m.choices;
            this.rangeNote = undefined;
            this.invoicePage = 0;
            this.reload();
          },
          retry: (m) => this.loadSections(this.generation, [m.section]),
          invoicesPage: (m) => {
            this.invoicePage = m.page;
            this.loadSections(this.generation, ['invoices']);
          },
          export: (m) => this.export(m.format),
        },
      }),
    );
    this._register(this.host.onDidClose(() => this.dispose()));
    this._register({
      dispose: () => {
        this.abort?.abort();
        this._onDidDispose.fire();
      },
    });
    const profile = this.store.get(this.connectionId);
    const title = profile ? vscode.l10n.t('Dashboard: {0}', profile.label) : vscode.l10n.t('Dashboard');
    const skeleton = SECTION_IDS.map(
      (id) => `<section class="card skeleton" data-skeleton="${id}" aria-hidden="true"></section>`,
    ).join('');
    this.host.attach(
      panel,
      title,
      `<main id="app" aria-busy="true"><header class="toolbar skeleton-bar"></header><div class="grid">${skeleton}</div><p class="sr-only">${escapeHtml(vscode.l10n.t('Loading…'))}</p></main>`,
    );
  }

  get router(): MessageRouter<DashboardInbound> {
    return this.host.router;
  }

  get readyCount(): number {
    return this.host.readyCount;
  }

  /** Characters of JSON posted to the webview since the last reload (the test API reads it). */
  get postedBytes(): number {
    return this.host.postedChars;
  }

  get lastHtml(): string {
    return this.host.html ?? '';
  }

  reveal(): void {
    this.host.reveal();
  }

  get timeZone(): string {
    return this.timeZoneOf(this.choices);
  }

  private timeZoneOf(choices: UiChoices): string {
    return choices.tz === 'utc' ? 'UTC' : this.localTimeZone;
  }

  get currentChoices(): UiChoices {
    return this.choices;
  }

  private newLoad(generationSignal: AbortSignal): DashboardLoad | undefined {
    const profile = this.store.get(this.connectionId);
    if (!profile) return undefined;
    return new DashboardLoad({
      gateway: this.store.gateway(this.connectionId),
      gatewayLabel: describeKind(profile.kind).label,
      choices: this.choices,
      timeZone: this.timeZone,
      now: this.now(),
      signal: generationSignal,
      budget: new RequestBudget(),
    });
  }

  private computeMeta(): DashboardMeta {
    const profile = this.store.get(this.connectionId);
    const kind = profile?.kind ?? 'aione';
    let load: DashboardLoad | undefined;
    try {
      load = this.newLoad(new AbortController().signal);
    } catch (e) {
      this.log.warn(`dashboard: ${userMessage(e)}`);
    }
    const r = load?.resolved;
    const today = dayKey(this.now(), this.timeZone);
    const minDay = addDays(today, -(USAGE_HISTORY_DAYS - 1));
    return {
      connectionId: this.connectionId,
      connectionLabel: profile?.label ?? this.connectionId,
      gatewayLabel: describeKind(kind).label,
      currency: (load?.capabilities ?? describeKind(kind).capabilities).currency,
      choices: this.choices,
      from: r?.from ?? today,
      to: r?.to ?? today,
      days: r?.days ?? 1,
      timeZone: this.timeZone,
      hourlyAvailable: r?.hourlyAvailable ?? false,
      locale: vscode.env.language,
      minDay,
      maxDay: today,
      historyNote: vscode.l10n.t(
        'A custom range can cover the last {0} days ({1} to {2}): the dashboard reads no further back.',
        USAGE_HISTORY_DAYS,
        minDay,
        today,
      ),
      ...(this.rangeNote ? { rangeNote: this.rangeNote } : {}),
    };
  }

  /**
   * Cuts a custom range to the history the gateway keeps (also one restored from a saved panel state); the note
   * saying so stays until the user chooses again.
   */
  private boundCurrent(): void {
    const b = boundChoices(this.choices, this.now(), this.timeZone);
    if (!b.ok) {
      this.rangeNote = refusalSentence(b);
      this.choices = { ...this.choices, range: DEFAULT_CHOICES.range };
    } else {
      this.choices = b.choices;
      if (b.clamped) {
        this.rangeNote = vscode.l10n.t(
          'Usage is read for the last {0} days only: showing {1} to {2} instead of {3} to {4}.',
          USAGE_HISTORY_DAYS,
          b.clamped.from,
          b.clamped.to,
          b.clamped.askedFrom,
          b.clamped.askedTo,
        );
      }
    }
  }

  /** Cancels what is loading and loads every section again for the current choices. */
  reload(): void {
    this.abort?.abort();
    this.generation++;
    this.boundCurrent();
    this.host.postedChars = 0;
    this.meta = this.computeMeta();
    this.post({ type: 'meta', meta: this.meta });
    this.loadSections(this.generation, SECTION_IDS);
  }

  private loadSections(generation: number, ids: readonly SectionId[]): void {
    if (ids.length === SECTION_IDS.length || !this.abort) this.abort = new AbortController();
    const signal = this.abort.signal;
    let load: DashboardLoad | undefined;
    try {
      load = this.newLoad(signal);
    } catch (e) {
      for (const id of ids) this.setSection(id, { status: 'error', message: userMessage(e) });
      return;
    }
    if (!load) {
      for (const id of ids)
        this.setSection(id, { status: 'error', message: vscode.l10n.t('This connection no longer exists.') });
      return;
    }
    const l = load;
    for (const id of ids) {
      this.setSection(id, { status: 'loading' });
      const p = l.section(id, this.invoicePage).then((state) => {
        if (generation !== this.generation || this.isDisposed) return;
        if (state.status === 'error') this.log.warn(`dashboard section ${id}: ${state.message}`);
        this.setSection(id, state);
      });
      this.pending.add(p);
      void p.finally(() => this.pending.delete(p));
    }
  }

  private setSection<K extends SectionId>(id: K, state: SectionState<SectionDataMap[K]>): void {
    (this.sections as Record<SectionId, SectionState<unknown>>)[id] = state;
    this.post({ type: 'section', id, state } as DashboardOutbound);
  }

  /** Resolves when nothing is loading (the test API waits on it). */
  async whenIdle(): Promise<void> {
    while (this.pending.size) await Promise.allSettled([...this.pending]);
  }

  private async export(format: 'csv' | 'json' | 'markdown'): Promise<void> {
    const meta = this.meta ?? this.computeMeta();
    const snap = snapshot(meta, this.sections);
    const target = this.exportTarget();
    if (format === 'markdown') {
      await target.copy(toMarkdown(snap));
      void vscode.window.setStatusBarMessage(vscode.l10n.t('Copied the table as Markdown.'), 3000);
      return;
    }
    const safeLabel = meta.connectionLabel.replace(/[^\w.-]+/g, '-').slice(0, 40) || 'dashboard';
    const uri = await target.pick(format, `${safeLabel}-usage-${meta.from}-${meta.to}.${format}`);
    if (!uri) return;
    const text = format === 'csv' ? toCsv(snap) : toJson(snap);
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
    this.log.info(`dashboard exported as ${format}`);
  }

  private post(msg: DashboardOutbound): void {
    if (this.isDisposed) return;
    this.host.post(msg);
  }

  close(): void {
    this.host.close();
  }
}

function refusalSentence(b: Extract<BoundedDays, { ok: false }>): string {
  return b.reason === 'future'
    ? vscode.l10n.t('That range starts after today ({0}): there is no usage to show yet.', b.today)
    : vscode.l10n.t(
        'That range ends before {0}: the dashboard reads only the last {1} days ({0} to {2}).',
        b.first,
        USAGE_HISTORY_DAYS,
        b.today,
      );
}
