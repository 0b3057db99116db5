/**
 * The keys table: one webview panel per connection (through the webview host), for the wide view. It reads the
 * gateway's pages itself (25 / 50 / 100 / 200 rows; 200 is two requests of 100), sorts on the gateway where it can
 * (the order then holds across every page) and otherwise says that an order or a filter covers only the keys on the
 * page, with Load all (progress and Cancel) after which it covers every key. A name typed in the filter is searched
 * on the gateway where it searches. Bulk disable / enable / delete: one confirmation naming the count and the keys
 * (and any pending rotation), progress with Cancel, each key's outcome reported; the tree follows every write.
 */
import * as vscode from 'vscode';
import type { Currency } from '../../../core/money';
import type { ApiKey } from '../../../core/types';
import type { Gateway } from '../../../gateway/gateway';
import { CommandIds } from '../../../platform/commands';
import { userMessage } from '../../../platform/errors';
import { Disposable } from '../../../platform/lifecycle';
import { WebviewHost, escapeHtml } from '../../../webview/host';
import {
  type BulkAction,
  type KeysTableInbound,
  type KeysTableOutbound,
  type RowAction,
  type TablePageSize,
  type TableSort,
  keysTableInboundSchema,
} from '../../../webview/keysTableProtocol';
import type { BulkOutcome } from './bulk';
import { type BulkTarget, runBulk } from './bulkRun';
import type { KeysTableDeps } from './deps';
import { keptTable } from './index';
import { type PageResult, type TableCaps, gatewayOrderFor, nextSort } from './model';
import { type Source, readEveryKey, readMonthlySpend, readPage, tableCaps } from './reads';
import { type TableQuery, keysTableStrings, queryResult, tableState } from './view';

export class KeysTablePanel extends Disposable {
  readonly host: WebviewHost<KeysTableInbound, KeysTableOutbound>;
  private readonly _onDidDispose = this._register(new vscode.EventEmitter<void>());
  readonly onDidDispose = this._onDidDispose.event;
  private readonly q: TableQuery = {
    sort: undefined,
    filter: '',
    pageSize: 50,
    page: 0,
    total: undefined,
    source: { kind: 'page', keys: [], hasMore: false },
    monthly: undefined,
    busy: '',
    error: '',
  };
  private monthlyCurrency: Currency | undefined;
  private gen = 0;
  private abort: AbortController | undefined;
  /** Every read finished (the tests wait on it). */
  private work: Promise<void> = Promise.resolve();
  private filterTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly label: string;

  constructor(
    panel: vscode.WebviewPanel,
    readonly connectionId: string,
    private readonly deps: KeysTableDeps,
  ) {
    super();
    Object.assign(this.q, deps.restored);
    this.label = deps.store.require(connectionId).label;
    this.host = this._register(
      new WebviewHost<KeysTableInbound, KeysTableOutbound>(deps.extensionUri, {
        ui: 'keys',
        schema: keysTableInboundSchema,
        log: deps.log,
        handlers: {
          ready: () => {
            this.host.post({ type: 'init', strings: keysTableStrings() });
            this.post();
          },
          sort: (m) => this.setSort(nextSort(this.q.sort, m.column)),
          filter: (m) => this.setFilter(m.text),
          pageSize: (m) => {
            this.q.pageSize = m.size;
            this.q.page = 0;
            return this.q.source.kind === 'page' ? this.read() : this.post();
          },
          page: (m) => {
            this.q.page = m.page;
            return this.q.source.kind === 'page' ? this.read() : this.post();
          },
          loadAll: () => this.loadAll(),
          cancelLoad: () => this.abort?.abort(),
          refresh: () => this.read(),
          row: (m) => this.rowAction(m.action, m.keyId),
          bulk: (m) => this.bulk(m.action, m.keyIds),
        },
        keep: (m) => (m.type === 'state' ? keptTable(this.connectionId, m.state) : undefined),
      }),
    );
    this.host.attach(
      panel,
      vscode.l10n.t('Keys: {0}', this.label),
      `<main id="app" aria-busy="true"><p>${escapeHtml(vscode.l10n.t('Reading the keys…'))}</p></main>`,
    );
    this._register(
      this.host.onDidClose(() => {
        this._onDidDispose.fire();
        this.dispose();
      }),
    );
    this._register(
      deps.tree.onDidWriteKey((w) => {
        // the table's own bulk writes are already in its rows
        if (w.connectionId !== this.connectionId || this.bulkRunning) return;
        if (w.keyId !== undefined) void this.refreshKey(w.keyId);
        // every key loaded: the rows on screen are read again (not the whole list)
        else if (this.q.source.kind === 'all') for (const k of this.result().rows) void this.refreshKey(k.id);
        else void this.read();
      }),
    );
    this._register({
      dispose: () => {
        this.abort?.abort();
        if (this.filterTimer) clearTimeout(this.filterTimer);
      },
    });
    void this.read();
  }

  private get gateway(): Gateway {
    return this.deps.store.gateway(this.connectionId);
  }

  private caps(): TableCaps {
    return tableCaps(this.gateway, this.q.source.keys);
  }

  // ---- reads ---------------------------------------------------------------------------------

  /** Everything under way has finished. */
  settled(): Promise<void> {
    return this.work;
  }

  private track(p: Promise<void>): Promise<void> {
    this.work = this.work.then(() => p).catch(() => undefined);
    return p;
  }

  /** A new read: what was under way stops and its answer is dropped. */
  private begin(busy: string): { gen: number; signal: AbortSignal } {
    this.abort?.abort();
    const ac = new AbortController();
    this.abort = ac;
    this.q.busy = busy;
    this.q.error = '';
    this.post();
    return { gen: ++this.gen, signal: ac.signal };
  }

  /** Reads the rows for the current page, order and filter (a gateway page, or the gateway's name search). */
  read(): Promise<void> {
    return this.track(this.doRead());
  }

  private async doRead(): Promise<void> {
    const { gen, signal } = this.begin(vscode.l10n.t('Reading the keys…'));
    const gateway = this.gateway;
    const caps = this.caps();
    try {
      const monthly = caps.spend === 'month' && !this.q.monthly ? this.readMonthly(signal) : undefined;
      const term = this.q.filter.trim();
      let source: Source;
      if (term && gateway.capabilities.searchKeys) {
        source = { kind: 'search', term, keys: [...(await gateway.searchKeys(term, { signal }))] };
      } else if (this.q.source.kind === 'all' && !term) {
        source = this.q.source;
      } else {
        const q = { sort: this.q.sort, caps, page: this.q.page, pageSize: this.q.pageSize };
        source = await readPage(gateway, q, signal, (total) => (this.q.total = total));
      }
      if (monthly) await monthly;
      if (gen !== this.gen) return;
      this.q.source = source;
      this.q.busy = '';
    } catch (e) {
      if (gen !== this.gen) return;
      this.q.busy = '';
      if (!signal.aborted) {
        this.q.error = userMessage(e);
        this.deps.log.warn(`keys table of "${this.label}": reading failed`, e);
      }
    }
    this.post();
  }

  /** This month's spend per key (UTC month, from the gateway's usage per key); best effort. */
  private async readMonthly(signal: AbortSignal): Promise<void> {
    try {
      const r = await readMonthlySpend(this.gateway, signal);
      this.q.monthly = r.monthly;
      this.monthlyCurrency = r.currency;
    } catch (e) {
      this.deps.log.debug(`keys table of "${this.label}": usage per key not read`, e);
    }
  }

  /** Reads every page of the gateway's list (progress in the table, Cancel there): then order and filter cover all. */
  loadAll(): Promise<void> {
    return this.track(this.doLoadAll());
  }

  private async doLoadAll(): Promise<void> {
    const { gen, signal } = this.begin(vscode.l10n.t('Loading every key…'));
    const keys: ApiKey[] = [];
    try {
      const whole = await readEveryKey(this.gateway, keys, signal, (total) => {
        if (total !== undefined) this.q.total = total;
        if (gen !== this.gen) return false;
        this.q.busy =
          this.q.total !== undefined
            ? vscode.l10n.t('Loading every key… {0} of {1}', keys.length, this.q.total)
            : vscode.l10n.t('Loading every key… {0}', keys.length);
        this.post();
        return true;
      });
      if (!whole) return;
      this.q.source = { kind: 'all', keys };
      this.q.page = 0;
      this.q.busy = '';
    } catch (e) {
      if (gen !== this.gen) return;
      this.q.busy = '';
      this.q.error = signal.aborted
        ? vscode.l10n.t('Stopped: {0} keys were read; the table shows the page as before.', keys.length)
        : userMessage(e);
    }
    this.post();
  }

  private setSort(sort: TableSort | undefined): Promise<void> | void {
    const caps = this.caps();
    const before = gatewayOrderFor(this.q.sort, caps);
    this.q.sort = sort;
    this.q.page = this.q.source.kind === 'page' ? this.q.page : 0;
    // an order the gateway gives reads its pages again in that order (and in its own after it)
    if (this.q.source.kind === 'page' && gatewayOrderFor(sort, caps) !== before) {
      this.q.page = 0;
      return this.read();
    }
    this.post();
  }

  private setFilter(text: string): Promise<void> | void {
    this.q.filter = text;
    this.q.page = 0;
    const searches = this.gateway.capabilities.searchKeys;
    if (!searches || this.q.source.kind === 'all') return this.post();
    if (this.filterTimer) clearTimeout(this.filterTimer);
    // typing: one search when the user pauses, not one per key press
    return new Promise<void>((resolve) => {
      this.filterTimer = setTimeout(() => {
        this.filterTimer = undefined;
        void this.read().then(resolve);
      }, 250);
    });
  }

  /** A key changed elsewhere (edit, rotate, toggle from the tree): its row is read again. */
  private async refreshKey(keyId: string): Promise<void> {
    const i = this.q.source.keys.findIndex((k) => k.id === keyId);
    if (i < 0) return;
    try {
      const fresh = await this.gateway.getKey(keyId);
      const j = this.q.source.keys.findIndex((k) => k.id === keyId);
      if (j >= 0) this.q.source.keys[j] = fresh;
    } catch {
      // deleted elsewhere: the row goes
      this.q.source.keys.splice(i, 1);
    }
    this.post();
  }

  // ---- rows ----------------------------------------------------------------------------------

  private result(): PageResult {
    return queryResult(this.q, this.caps());
  }

  private post(): void {
    if (this.isDisposed) return;
    this.host.post({
      type: 'state',
      state: tableState({
        ...this.q,
        connectionId: this.connectionId,
        label: this.label,
        caps: this.caps(),
        result: this.result(),
        currency: this.monthlyCurrency ?? this.gateway.capabilities.currency,
        locale: this.deps.locale(),
        rotations: this.deps.rotations(),
        now: Date.now(),
      }),
    });
  }

  // ---- actions -------------------------------------------------------------------------------

  private known(): Map<string, ApiKey> {
    return new Map(this.q.source.keys.map((k) => [k.id, k]));
  }

  private async rowAction(action: RowAction, keyId: string): Promise<void> {
    const key = this.known().get(keyId);
    if (!key) return;
    const ref = { connectionId: this.connectionId, keyId };
    const command = {
      details: CommandIds.viewKeyDetails,
      edit: CommandIds.editKey,
      rotate: CommandIds.rotateKey,
      copySnippet: CommandIds.copyKeySnippet,
    }[action];
    await vscode.commands.executeCommand(command, ref);
  }

  /** A bulk action on the selected keys: one confirmation, progress with Cancel, each key's outcome reported. */
  bulk(action: BulkAction, keyIds: readonly string[]): Promise<BulkOutcome[] | undefined> {
    const p = runBulk(this.bulkTarget(), action, keyIds);
    void this.track(p.then(() => undefined));
    return p;
  }

  private bulkRunning = false;

  /** The table as a bulk action sees it. */
  private bulkTarget(): BulkTarget {
    return {
      connectionId: this.connectionId,
      label: this.label,
      gateway: () => this.gateway,
      log: this.deps.log,
      confirm: this.deps.confirm,
      rotations: () => this.deps.rotations(),
      known: () => this.known(),
      replace: (key) => this.replace(key),
      written: (key) => {
        this.replace(key);
        this.deps.tree.upsertKey(this.connectionId, key);
      },
      remove: (keyId) => {
        this.q.source.keys.splice(
          this.q.source.keys.findIndex((k) => k.id === keyId),
          1,
        );
        this.deps.tree.removeKey(this.connectionId, keyId);
      },
      quiet: async (fn) => {
        this.bulkRunning = true;
        try {
          await fn();
        } finally {
          this.bulkRunning = false;
        }
      },
      deselect: (keyIds) => {
        this.host.post({ type: 'deselect', keyIds });
        this.post();
      },
      report: (lines) => {
        this.lastReport = lines;
      },
    };
  }

  /** The last bulk action's report, line by line (the tests read it). */
  lastReport: string[] = [];

  private replace(key: ApiKey): void {
    const i = this.q.source.keys.findIndex((k) => k.id === key.id);
    if (i >= 0) this.q.source.keys[i] = key;
  }

  reveal(): void {
    this.host.reveal();
  }

  close(): void {
    this.host.close();
  }

  /** The current state (the tests read it). */
  snapshot(): { rows: readonly ApiKey[]; scope: PageResult['scope']; sort?: TableSort; pageSize: number } {
    const r = this.result();
    return { rows: r.rows, scope: r.scope, ...(this.q.sort ? { sort: this.q.sort } : {}), pageSize: this.q.pageSize };
  }

  /** What a header click, the filter box, the page size select and the pager do (the tests drive them). */
  readonly ui = {
    sortBy: (column: TableSort['column']) => this.host.router.handle({ type: 'sort', column }),
    type: (text: string) => this.host.router.handle({ type: 'filter', text }),
    pageSize: (size: TablePageSize) => this.host.router.handle({ type: 'pageSize', size }),
    loadAll: () => this.host.router.handle({ type: 'loadAll' }),
  };
}
