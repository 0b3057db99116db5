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
import { dashboardStrings } from './strings';
import { type ExportTarget, openKeyOfRow, writeExport } from './actions';

export const DASHBOARD_VIEW_TYPE = 'aiGateway.dashboard';

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
  /** Each section's last good data, with the view it belongs to and when it was read. */
  private readonly lastGood = new Map<SectionId, { view: string; data: unknown; since: number }>();
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
          refresh: () => this.reload(),
          retryAll: () => {
            const failing = SECTION_IDS.filter((id) => this.sections[id].status === 'error');
            if (failing.length) this.loadSections(this.generation, failing);
          },
          openKey: (m) => this.openKey(m.id),
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

  /** The zone the view counts its days in (UTC where the chosen zone cannot be the day basis). */
  get timeZone(): string {
    return this.meta?.timeZone ?? this.timeZoneOf(this.choices);
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
      timeZone: this.timeZoneOf(this.choices),
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
    const timeZone = r?.timeZone ?? this.timeZoneOf(this.choices);
    const today = dayKey(this.now(), timeZone);
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
      timeZone,
      hourlyAvailable: r?.hourlyAvailable ?? false,
      granularity: r?.granularity ?? 'day',
      dailyAvailable: r?.dailyAvailable ?? true,
      localUnavailable: r?.localUnavailable ?? false,
      basis: basisSentence(timeZone, r?.localUnavailable ?? false),
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
      const view = this.viewKey(id);
      const p = l.section(id, this.invoicePage).then((state) => {
        if (generation !== this.generation || this.isDisposed) return;
        if (state.status === 'ready') this.lastGood.set(id, { view, data: state.data, since: this.now() });
        if (state.status === 'error') {
          this.log.warn(`dashboard section ${id}: ${state.message}`);
          // the last good figures of the same view stay on screen, greyed, with the time they were read
          const good = this.lastGood.get(id);
          if (good?.view === view) state = { ...state, stale: { data: good.data, since: good.since } } as typeof state;
        }
        this.setSection(id, state);
      });
      this.pending.add(p);
      void p.finally(() => this.pending.delete(p));
    }
  }

  /** What a section's figures depend on (the chart's metric does not change them). */
  private viewKey(id: SectionId): string {
    const { metric: _metric, modelMetric: _modelMetric, ...rest } = this.choices;
    return JSON.stringify({
      ...rest,
      zone: this.timeZoneOf(this.choices),
      page: id === 'invoices' ? this.invoicePage : 0,
    });
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
    this.log.info(`dashboard exported as ${format}`);
    await writeExport(target, uri, format === 'csv' ? toCsv(snap) : toJson(snap));
  }

  /** Opens the details of a key shown in the Top keys card. */
  private async openKey(rowId: string): Promise<void> {
    const keys = this.sections.keys;
    const data = keys.status === 'ready' ? keys.data : keys.status === 'error' ? keys.stale?.data : undefined;
    try {
      if (!(await openKeyOfRow(this.store, this.connectionId, data, rowId)))
        this.log.debug('dashboard: a key that is not in the Top keys card was asked for; ignored');
    } catch (e) {
      void vscode.window.showErrorMessage(userMessage(e));
    }
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

/** The screen's one day basis, as a sentence. */
function basisSentence(timeZone: string, localUnavailable: boolean): string {
  if (localUnavailable)
    return vscode.l10n.t(
      'Every figure on this screen counts UTC days: the gateway reports models, keys and teams per UTC day.',
    );
  return timeZone === 'UTC'
    ? vscode.l10n.t('Every figure on this screen counts UTC days.')
    : vscode.l10n.t('Every figure on this screen counts the days of {0}.', timeZone);
}
