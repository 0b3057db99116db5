/**
 * One request log panel per connection: the filter (time range, key, model, status), one page of the gateway's
 * records at a time, sorted by the column the user picked (within the page), the totals of the whole filter (the
 * gateway's own where it reports them, else summed here over every page, in the background and said so), and the
 * export of every page of the filter. A newer filter or page cancels the older loads. A gateway without a request
 * log gets one quiet line instead of the table; one that reports daily totals only shows them as rows, said in one
 * quiet line. Each row (and the totals) carries our price beside the gateway's: its tokens at the model's own
 * prices (the connection's model list, read once per panel), a difference beyond the gateway's rounding flagged.
 */
import * as vscode from 'vscode';
import { describeKind } from '../../gateway';
import { GatewayError } from '../../gateway/errors';
import type { Gateway } from '../../gateway/gateway';
import type { ConnectionStore } from '../../platform/connections';
import { userMessage } from '../../platform/errors';
import { Disposable } from '../../platform/lifecycle';
import type { Logger } from '../../platform/logger';
import { type RequestFilter, type RequestRecord, type RequestSortKey, sortRequests } from '../../core/requestLog';
import type { GatewayKind, ModelPrice } from '../../core/types';
import { escapeHtml, WebviewHost } from '../../webview/host';
import type { MessageRouter } from '../../webview/router';
import {
  type FilterChoices,
  type KeyChoice,
  type OurTotalsView,
  type RequestRow,
  type RequestsInbound,
  type RequestsMeta,
  type RequestsOutbound,
  type RequestsView,
  type TotalsView,
  requestsInboundSchema,
} from '../../webview/requestsProtocol';
import { type ExportTarget, exportToTarget } from './exporter';
import { ModelPrices } from './modelPrices';
import { priceRecord, roundingPerRequest } from './pricing';
import { sumFilter, totalsOfFirstPage } from './totals';
import { exportFileName, rangeOf, toRequestFilter } from './query';
import { REQUESTS_VIEW_TYPE, keptLog } from './index';
import { requestsStrings } from './strings';

export const PAGE_SIZE = 50;

/** What the panel asks its feature: the session's memory of gateways without a request log. */
export interface AbsenceMemo {
  absent(connectionId: string): string | undefined;
  markAbsent(connectionId: string, message: string): void;
}

export class RequestsPanel extends Disposable {
  private readonly host: WebviewHost<RequestsInbound, RequestsOutbound>;
  private filter: FilterChoices;
  private keys: KeyChoice[];
  private page = 0;
  private sortKey: RequestSortKey = 'at';
  private sortDir: 'asc' | 'desc' = 'desc';
  private rows: readonly RequestRecord[] = [];
  private hasMore = false;
  private total: number | undefined;
  private status: RequestsView['status'] = 'loading';
  private message: string | undefined;
  private totals: TotalsView = { status: 'loading', pagesRead: 0 };
  private ourTotals: OurTotalsView = { status: 'loading' };
  private granularity: RequestsView['granularity'] = 'request';
  /** The connection's model prices by id, read once per panel (an empty map when the list failed). */
  private readonly prices: ModelPrices;
  private range = { start: 0, end: 0 };
  private pageCtl: AbortController | undefined;
  private totalsCtl: AbortController | undefined;
  private readonly running = new Set<Promise<unknown>>();
  private keysLoaded = false;
  /** Sentences posted beside the table (copied ids, export results) — the test API reads them. */
  readonly notices: string[] = [];
  private readonly _onDidDispose = this._register(new vscode.EventEmitter<void>());
  readonly onDidDispose = this._onDidDispose.event;

  constructor(
    readonly connectionId: string,
    filter: FilterChoices,
    key: KeyChoice | undefined,
    extensionUri: vscode.Uri,
    private readonly store: ConnectionStore,
    private readonly log: Logger,
    private readonly memo: AbsenceMemo,
    private readonly exportTarget: () => ExportTarget,
    private readonly now: () => number = Date.now,
  ) {
    super();
    this.prices = new ModelPrices(() => this.gateway(), this.log);
    this.filter = filter;
    this.keys = key ? [key] : [];
    this.host = this._register(
      new WebviewHost<RequestsInbound, RequestsOutbound>(extensionUri, {
        ui: 'requests',
        schema: requestsInboundSchema,
        log,
        handlers: {
          ready: () => {
            this.post({ type: 'init', strings: requestsStrings(), meta: this.meta() });
            if (this.status === 'loading' && !this.pageCtl) void this.track(this.reload());
            else this.postView();
            if (!this.keysLoaded) void this.track(this.loadKeys());
          },
          setFilter: (m) => {
            this.filter = m.filter;
            this.page = 0;
            return this.track(this.reload());
          },
          page: (m) => {
            this.page = m.page;
            return this.track(this.loadPage(false));
          },
          sort: (m) => {
            this.sortKey = m.key;
            this.sortDir = m.dir;
            this.rows = sortRequests(this.rows, m.key, m.dir);
            this.postView();
          },
          copy: async (m) => {
            if (!this.rows.some((r) => r.requestId === m.requestId)) return; // only an id the table shows
            await vscode.env.clipboard.writeText(m.requestId);
            this.notice(vscode.l10n.t('Copied the request ID {0}.', m.requestId));
          },
          export: (m) => this.track(this.export(m.format)),
          retry: () => this.track(this.reload()),
        },
        keep: () => keptLog(connectionId, this.filter, this.keys, { key: this.sortKey, dir: this.sortDir }),
      }),
    );
    this._register(
      this.host.onDidClose(() => {
        this.pageCtl?.abort();
        this.totalsCtl?.abort();
        this.prices.abort();
        this._onDidDispose.fire();
        this.dispose();
      }),
    );
  }

  /** Opens the panel in the active column (or takes over one VS Code restored after a reload). */
  show(restored?: vscode.WebviewPanel): void {
    const profile = this.store.require(this.connectionId);
    const title = vscode.l10n.t('Requests: {0}', profile.label);
    const body = `<main id="app" aria-busy="true"><p class="muted">${escapeHtml(vscode.l10n.t('Loading…'))}</p></main>`;
    if (restored) this.host.attach(restored, title, body);
    else this.host.create(REQUESTS_VIEW_TYPE, title, body);
  }

  reveal(): void {
    this.host.reveal();
  }

  close(): void {
    this.host.close();
  }

  get router(): MessageRouter<RequestsInbound> {
    return this.host.router;
  }

  /** What the page was last asked to keep for a reload (the tests read it). */
  get kept(): object | undefined {
    return this.host.kept;
  }

  get readyCount(): number {
    return this.host.readyCount;
  }

  get html(): string {
    return this.host.html ?? '';
  }

  /** Shows the log filtered to a key (or, with undefined, every key). */
  showKey(key: KeyChoice | undefined): Promise<void> {
    if (key && !this.keys.some((k) => k.id === key.id)) this.keys = [key, ...this.keys];
    const { keyId: _drop, ...rest } = this.filter;
    this.filter = key ? { ...rest, keyId: key.id } : rest;
    this.page = 0;
    this.post({ type: 'init', strings: requestsStrings(), meta: this.meta() });
    return this.track(this.reload());
  }

  /** The state the webview is showing. */
  view(): RequestsView {
    return {
      filter: this.filter,
      from: new Date(this.range.start).toISOString(),
      to: new Date(this.range.end).toISOString(),
      page: this.page,
      pageSize: PAGE_SIZE,
      rows: this.rows.map((r) => this.row(r)),
      granularity: this.granularity,
      hasMore: this.hasMore,
      ...(this.total !== undefined ? { total: this.total } : {}),
      sort: { key: this.sortKey, dir: this.sortDir },
      status: this.status,
      ...(this.message !== undefined ? { message: this.message } : {}),
      totals: this.totals,
      ourTotals: this.ourTotals,
    };
  }

  /** A record as the table shows it: the key by name where the gateway gave only its id, our price beside theirs. */
  private row(r: RequestRecord): RequestRow {
    const name = r.keyName ?? (r.keyId !== undefined ? this.keys.find((k) => k.id === r.keyId)?.name : undefined);
    const ours = priceRecord(r, this.prices.current, this.kind());
    return { ...r, ...(name !== undefined ? { keyName: name } : {}), ...(ours ? { ours } : {}) };
  }

  private kind(): GatewayKind {
    return this.store.require(this.connectionId).kind;
  }

  /** Resolves when every load, sum and export started so far has ended. */
  async whenIdle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }

  private track<T>(p: Promise<T>): Promise<T> {
    this.running.add(p);
    void p.finally(() => this.running.delete(p)).catch(() => undefined);
    return p;
  }

  private gateway(): Gateway {
    return this.store.gateway(this.connectionId);
  }

  private meta(): RequestsMeta {
    const profile = this.store.require(this.connectionId);
    const g = this.gateway();
    return {
      connectionLabel: profile.label,
      gatewayLabel: describeKind(profile.kind).label,
      currency: g.capabilities.currency,
      roundingPerRequest: roundingPerRequest(profile.kind),
      keys: this.keys,
    };
  }

  /** The filter as the gateway takes it (the key by id and by name: each gateway uses the one it filters by). */
  requestFilter(): RequestFilter {
    return toRequestFilter(this.filter, this.keys, this.range);
  }

  private async loadKeys(): Promise<void> {
    this.keysLoaded = true;
    try {
      const page = await this.gateway().listKeys({ page: 0, pageSize: 100 });
      const seen = new Set(this.keys.map((k) => k.id));
      this.keys = [...this.keys, ...page.items.filter((k) => !seen.has(k.id)).map((k) => ({ id: k.id, name: k.name }))];
      this.post({ type: 'init', strings: requestsStrings(), meta: this.meta() });
      this.postView();
    } catch (e) {
      // the filter still works with the key it was opened for; the table says nothing about it
      this.log.debug(`requests: the key list for the filter failed: ${userMessage(e)}`);
    }
  }

  /** A new filter: the range from now, page 0, the totals again. */
  private async reload(): Promise<void> {
    this.range = rangeOf(this.filter, this.now());
    this.totalsCtl?.abort();
    this.totalsCtl = undefined;
    this.totals = { status: 'loading', pagesRead: 0 };
    this.ourTotals = { status: 'loading' };
    await this.loadPage(true);
  }

  private absentLine(): string {
    return vscode.l10n.t('{0} does not offer a per-request log.', this.meta().gatewayLabel);
  }

  private async loadPage(withTotals: boolean): Promise<void> {
    this.pageCtl?.abort();
    const ctl = new AbortController();
    this.pageCtl = ctl;
    const g = this.gateway();
    const absent = this.memo.absent(this.connectionId);
    if (!g.capabilities.requestLog || absent) {
      this.status = 'unsupported';
      this.message = absent ?? this.absentLine();
      this.rows = [];
      this.totals = { status: 'error', message: this.message };
      this.postView();
      return;
    }
    this.status = 'loading';
    this.message = undefined;
    this.postView();
    try {
      const [p, prices] = await Promise.all([
        g.listRequests(this.requestFilter(), {
          page: this.page,
          pageSize: PAGE_SIZE,
          signal: ctl.signal,
        }),
        this.prices.load(),
      ]);
      if (ctl.signal.aborted) return;
      this.rows = sortRequests(p.items, this.sortKey, this.sortDir);
      this.hasMore = p.hasMore;
      this.total = p.total;
      this.granularity = p.granularity ?? 'request';
      this.status = 'ready';
      if (withTotals) {
        const t = totalsOfFirstPage(p, this.page, prices, this.kind(), g.capabilities.currency);
        if (t.totals) this.totals = t.totals;
        if (t.ours) this.ourTotals = t.ours;
        if (t.readAll) void this.track(this.sumTotals(t.readAll.sum, prices));
      }
      this.postView();
    } catch (e) {
      if (ctl.signal.aborted) return;
      if (e instanceof GatewayError && e.kind === 'unsupported') {
        // probed: the gateway has no log; remembered for the session, said once, quietly
        this.memo.markAbsent(this.connectionId, this.absentLine());
        this.status = 'unsupported';
        this.message = this.absentLine();
        this.totals = { status: 'error', message: this.message };
        this.log.info(`requests: ${this.connectionId} has no request log (${e.message})`);
      } else {
        this.status = 'error';
        this.message = userMessage(e);
        this.log.warn(`requests: loading a page failed: ${this.message}`);
      }
      this.rows = [];
      this.postView();
    } finally {
      if (this.pageCtl === ctl) this.pageCtl = undefined;
    }
  }

  /** Reads every page of the filter for what its first page did not give (see sumFilter). */
  private async sumTotals(sum: boolean, prices: ReadonlyMap<string, ModelPrice>): Promise<void> {
    this.totalsCtl?.abort();
    const ctl = new AbortController();
    this.totalsCtl = ctl;
    const pricing = { prices, kind: this.kind() };
    const got = await sumFilter(this.gateway(), this.requestFilter(), ctl.signal, sum, pricing, (pagesRead) => {
      if (sum) this.totals = { status: 'loading', pagesRead };
      this.postView();
    }).finally(() => {
      if (this.totalsCtl === ctl) this.totalsCtl = undefined;
    });
    if (!got) return;
    if (got.totals) this.totals = got.totals;
    if (got.ours) this.ourTotals = got.ours;
    this.postView();
  }

  private async export(format: 'csv' | 'json'): Promise<void> {
    const profile = this.store.require(this.connectionId);
    const g = this.gateway();
    if (!g.capabilities.requestLog || this.status === 'unsupported') return;
    const name = exportFileName(profile.label, format, this.now());
    const said = await exportToTarget(this.exportTarget(), format, name, async () => ({
      gateway: g,
      filter: this.requestFilter(),
      meta: {
        connection: profile.label,
        gateway: describeKind(profile.kind).label,
        filter: this.requestFilter(),
        currency: g.capabilities.currency,
      },
      log: this.log,
      pricing: { prices: await this.prices.load(), kind: profile.kind },
    }));
    if (said) this.notice(said);
  }

  private notice(message: string): void {
    this.notices.push(message);
    this.post({ type: 'notice', message });
  }

  private postView(): void {
    this.post({ type: 'view', view: this.view() });
  }

  private post(msg: RequestsOutbound): void {
    this.host.post(msg);
  }
}
