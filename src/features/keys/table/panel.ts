/**
 * The keys table: one webview panel per connection (through the webview host), for the wide view. It reads the
 * gateway's pages itself (25 / 50 / 100 / 200 rows; 200 is two requests of 100), sorts on the gateway where it can
 * (the order then holds across every page) and otherwise says that an order or a filter covers only the keys on the
 * page, with Load all (progress and Cancel) after which it covers every key. A name typed in the filter is searched
 * on the gateway where it searches. Bulk disable / enable / delete: one confirmation naming the count and the keys
 * (and any pending rotation), progress with Cancel, each key's outcome reported; the tree follows every write.
 */
import * as vscode from 'vscode';
import { formatMoney } from '../../../core/format';
import { type Currency, addDecimal } from '../../../core/money';
import type { ApiKey } from '../../../core/types';
import type { Gateway, KeyListOrder } from '../../../gateway/gateway';
import { CommandIds } from '../../../platform/commands';
import type { ConnectionStore } from '../../../platform/connections';
import { userMessage } from '../../../platform/errors';
import { Disposable } from '../../../platform/lifecycle';
import type { Logger } from '../../../platform/logger';
import { WebviewHost, escapeHtml } from '../../../webview/host';
import {
  type BulkAction,
  type KeysTableInbound,
  type KeysTableOutbound,
  type KeysTableStringKey,
  type RowAction,
  type TablePageSize,
  type TableRowView,
  type TableSort,
  keysTableInboundSchema,
} from '../../../webview/keysTableProtocol';
import type { Confirm, RotationReminders } from '../actions';
import { instantText } from '../fields';
import { relativeText, statusLabel } from '../labels';
import { displayStatus, relativeTime } from '../logic';
import { type BulkOutcome, type BulkPlan, planBulk, someNames, tally } from './bulk';
import {
  type PageResult,
  type TableCaps,
  gatewayOrderFor,
  gatewayPages,
  nextSort,
  pageRows,
  sortableColumns,
  spendByKey,
  spendOf,
} from './model';

export const KEYS_TABLE_VIEW_TYPE = 'aiGateway.keysTable';

/** What the table needs from the keys tree: it follows the table's writes, and the table follows the tree's. */
export interface KeysTableTree {
  upsertKey(connectionId: string, key: ApiKey): void;
  removeKey(connectionId: string, keyId: string): void;
  /** Without a key id: any key of the connection may have changed. */
  readonly onDidWriteKey: vscode.Event<{ readonly connectionId: string; readonly keyId?: string }>;
}

export interface KeysTableDeps {
  readonly store: ConnectionStore;
  readonly log: Logger;
  readonly extensionUri: vscode.Uri;
  readonly tree: KeysTableTree;
  readonly rotations: () => RotationReminders | undefined;
  /** Replaceable in tests; by default a modal warning. */
  confirm: Confirm;
  readonly locale: () => string;
}

export function keysTableStrings(): Record<KeysTableStringKey, string> {
  return {
    filter: vscode.l10n.t('Filter'),
    filterPlaceholder: vscode.l10n.t('Type to filter by name…'),
    pageSize: vscode.l10n.t('Rows per page'),
    previous: vscode.l10n.t('Previous'),
    next: vscode.l10n.t('Next'),
    refresh: vscode.l10n.t('Refresh'),
    loadAll: vscode.l10n.t('Load all keys'),
    cancel: vscode.l10n.t('Cancel'),
    selectAll: vscode.l10n.t('Select all rows on this page'),
    selectRow: vscode.l10n.t('Select'),
    disable: vscode.l10n.t('Disable'),
    enable: vscode.l10n.t('Enable'),
    delete: vscode.l10n.t('Delete'),
    details: vscode.l10n.t('Details'),
    edit: vscode.l10n.t('Edit'),
    rotate: vscode.l10n.t('Rotate'),
    copySnippet: vscode.l10n.t('Copy snippet'),
    actions: vscode.l10n.t('Actions'),
    'col.name': vscode.l10n.t('Name'),
    'col.status': vscode.l10n.t('Status'),
    'col.quota': vscode.l10n.t('Quota left / used'),
    'col.expiry': vscode.l10n.t('Expires'),
    'col.lastUsed': vscode.l10n.t('Last used'),
    'col.spend': vscode.l10n.t('Spend'),
    'col.created': vscode.l10n.t('Created'),
    sortAsc: vscode.l10n.t('ascending'),
    sortDesc: vscode.l10n.t('descending'),
    keyboardHelp: vscode.l10n.t(
      'Arrow keys move between rows, Space selects, Shift+Arrow or Shift+click selects a range, Enter opens the details.',
    ),
  };
}

/** Where the rows come from. */
type Source =
  | { readonly kind: 'page'; readonly keys: ApiKey[]; readonly readIn?: KeyListOrder; readonly hasMore: boolean }
  | { readonly kind: 'all'; readonly keys: ApiKey[] }
  | { readonly kind: 'search'; readonly term: string; readonly keys: ApiKey[] };

export class KeysTablePanel extends Disposable {
  readonly host: WebviewHost<KeysTableInbound, KeysTableOutbound>;
  private readonly _onDidDispose = this._register(new vscode.EventEmitter<void>());
  readonly onDidDispose = this._onDidDispose.event;
  private sort: TableSort | undefined;
  private filter = '';
  private pageSize: TablePageSize = 50;
  private page = 0;
  private total: number | undefined;
  private source: Source = { kind: 'page', keys: [], hasMore: false };
  private monthly: Map<string, string> | undefined;
  private monthlyCurrency: Currency | undefined;
  private busy = '';
  private error = '';
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
          sort: (m) => this.setSort(nextSort(this.sort, m.column)),
          filter: (m) => this.setFilter(m.text),
          pageSize: (m) => {
            this.pageSize = m.size;
            this.page = 0;
            return this.source.kind === 'page' ? this.read() : this.post();
          },
          page: (m) => {
            this.page = m.page;
            return this.source.kind === 'page' ? this.read() : this.post();
          },
          loadAll: () => this.loadAll(),
          cancelLoad: () => this.abort?.abort(),
          refresh: () => this.read(),
          row: (m) => this.rowAction(m.action, m.keyId),
          bulk: (m) => this.bulk(m.action, m.keyIds),
        },
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
        else if (this.source.kind === 'all') for (const k of this.result().rows) void this.refreshKey(k.id);
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
    const c = this.gateway.capabilities;
    return {
      ...(c.keyListOrders ? { keyListOrders: c.keyListOrders } : {}),
      keyQuota: c.keyQuota,
      // a gateway that reports no last use sends no field at all (AIone)
      lastUsed: this.source.keys.length === 0 || this.source.keys.some((k) => k.lastUsedAt !== undefined),
      spend: c.usageSeries ? 'month' : c.keyQuota ? 'used' : 'none',
    };
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
    this.busy = busy;
    this.error = '';
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
      const monthly = caps.spend === 'month' && !this.monthly ? this.readMonthly(signal) : undefined;
      const term = this.filter.trim();
      let source: Source;
      if (term && gateway.capabilities.searchKeys) {
        source = { kind: 'search', term, keys: [...(await gateway.searchKeys(term, { signal }))] };
      } else if (this.source.kind === 'all' && !term) {
        source = this.source;
      } else {
        const readIn = gatewayOrderFor(this.sort, caps);
        const { size, pages } = gatewayPages(this.page, this.pageSize);
        const keys: ApiKey[] = [];
        let hasMore = true;
        for (const p of pages) {
          const r = await gateway.listKeys({ page: p, pageSize: size, signal, ...(readIn ? { order: readIn } : {}) });
          keys.push(...r.items.filter((k) => !keys.some((x) => x.id === k.id)));
          if (r.total !== undefined) this.total = r.total;
          hasMore = r.hasMore && r.items.length > 0;
          if (!hasMore) break;
        }
        source = { kind: 'page', keys, hasMore, ...(readIn ? { readIn } : {}) };
      }
      if (monthly) await monthly;
      if (gen !== this.gen) return;
      this.source = source;
      this.busy = '';
    } catch (e) {
      if (gen !== this.gen) return;
      this.busy = '';
      if (!signal.aborted) {
        this.error = userMessage(e);
        this.deps.log.warn(`keys table of "${this.label}": reading failed`, e);
      }
    }
    this.post();
  }

  /** This month's spend per key (UTC month, from the gateway's usage per key); best effort. */
  private async readMonthly(signal: AbortSignal): Promise<void> {
    const now = new Date();
    const start = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1);
    try {
      const rows = await this.gateway.queryUsage({ start, end: now.getTime() + 1, groupBy: 'key' }, { signal });
      this.monthly = spendByKey(rows, (a, b) => addDecimal(a, b));
      this.monthlyCurrency = rows[0]?.cost.currency ?? this.gateway.capabilities.currency;
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
    const seen = new Set<string>();
    try {
      for (let p = 0; ; p++) {
        const r = await this.gateway.listKeys({ page: p, pageSize: 100, signal });
        for (const k of r.items) {
          if (seen.has(k.id)) continue;
          seen.add(k.id);
          keys.push(k);
        }
        if (r.total !== undefined) this.total = r.total;
        if (gen !== this.gen) return;
        this.busy =
          this.total !== undefined
            ? vscode.l10n.t('Loading every key… {0} of {1}', keys.length, this.total)
            : vscode.l10n.t('Loading every key… {0}', keys.length);
        this.post();
        if (!r.hasMore || r.items.length === 0) break;
      }
      this.source = { kind: 'all', keys };
      this.page = 0;
      this.busy = '';
    } catch (e) {
      if (gen !== this.gen) return;
      this.busy = '';
      this.error = signal.aborted
        ? vscode.l10n.t('Stopped: {0} keys were read; the table shows the page as before.', keys.length)
        : userMessage(e);
    }
    this.post();
  }

  private setSort(sort: TableSort | undefined): Promise<void> | void {
    const caps = this.caps();
    const before = gatewayOrderFor(this.sort, caps);
    this.sort = sort;
    this.page = this.source.kind === 'page' ? this.page : 0;
    // an order the gateway gives reads its pages again in that order (and in its own after it)
    if (this.source.kind === 'page' && gatewayOrderFor(sort, caps) !== before) {
      this.page = 0;
      return this.read();
    }
    this.post();
  }

  private setFilter(text: string): Promise<void> | void {
    this.filter = text;
    this.page = 0;
    const searches = this.gateway.capabilities.searchKeys;
    if (!searches || this.source.kind === 'all') return this.post();
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
    const i = this.source.keys.findIndex((k) => k.id === keyId);
    if (i < 0) return;
    try {
      const fresh = await this.gateway.getKey(keyId);
      const j = this.source.keys.findIndex((k) => k.id === keyId);
      if (j >= 0) this.source.keys[j] = fresh;
    } catch {
      // deleted elsewhere: the row goes
      this.source.keys.splice(i, 1);
    }
    this.post();
  }

  // ---- rows ----------------------------------------------------------------------------------

  private result(): PageResult {
    const s = this.source;
    return pageRows({
      keys: s.keys,
      source: s.kind,
      ...(this.sort ? { sort: this.sort } : {}),
      ...(s.kind === 'page' && s.readIn ? { readIn: s.readIn } : {}),
      filter: s.kind === 'search' ? '' : this.filter,
      page: this.page,
      pageSize: this.pageSize,
      ...(this.total !== undefined && s.kind === 'page' ? { total: this.total } : {}),
      caps: this.caps(),
      ...(this.monthly ? { monthly: this.monthly } : {}),
    });
  }

  private post(): void {
    if (this.isDisposed) return;
    const caps = this.caps();
    const r = this.result();
    const locale = this.deps.locale();
    const now = Date.now();
    const spend = spendOf(caps, this.monthly);
    const currency = this.monthlyCurrency ?? this.gateway.capabilities.currency;
    const rotations = this.deps.rotations();
    const row = (k: ApiKey): TableRowView => {
      const status = displayStatus(k, now);
      const used = spend(k);
      const involved = rotations?.involving({ connectionId: this.connectionId, keyId: k.id });
      const rotation = involved?.asOld.length
        ? vscode.l10n.t('disabled {0} (rotation)', relativeOr(involved.asOld[0]!.disableAt, now))
        : involved?.asReplacement.length
          ? vscode.l10n.t('replacement in a pending rotation')
          : '';
      return {
        id: k.id,
        name: k.name || k.id,
        masked: k.maskedKey,
        status,
        statusText: statusLabel(status),
        quota: !k.quota
          ? '—'
          : [
              k.quota.unlimited
                ? vscode.l10n.t('unlimited')
                : k.quota.remaining
                  ? formatMoney(k.quota.remaining, locale, 'amount')
                  : '—',
              k.quota.used ? formatMoney(k.quota.used, locale, 'amount') : '',
            ]
              .filter(Boolean)
              .join(' / '),
        expiry: short(k.expiresAt, vscode.l10n.t('never'), now),
        lastUsed:
          k.lastUsedAt === undefined ? vscode.l10n.t('not reported') : short(k.lastUsedAt, vscode.l10n.t('never'), now),
        created: k.createdAt ? short(k.createdAt, '—', now) : vscode.l10n.t('not reported'),
        titles: {
          expiry: instantText(k.expiresAt, vscode.l10n.t('never'), now),
          lastUsed: k.lastUsedAt ? instantText(k.lastUsedAt, vscode.l10n.t('never'), now) : '',
          created: k.createdAt ? instantText(k.createdAt, '—', now) : '',
        },
        spend:
          used !== undefined
            ? formatMoney(
                { amount: used, currency: caps.spend === 'used' ? (k.quota?.used?.currency ?? currency) : currency },
                locale,
                'amount',
              )
            : vscode.l10n.t('not reported'),
        rotation,
        canRotate: true,
      };
    };
    const scope = r.scope;
    const s = this.source;
    const scopeText =
      scope.kind === 'gateway'
        ? vscode.l10n.t("In the gateway's own order, page by page.")
        : scope.kind === 'gatewaySorted'
          ? vscode.l10n.t('Sorted by the gateway across every page.')
          : scope.kind === 'all'
            ? vscode.l10n.t('Every key is loaded ({0}): the order and the filter cover all of them.', scope.count)
            : scope.kind === 'search'
              ? vscode.l10n.t('{0} keys whose name matches, searched by the gateway.', scope.count)
              : scope.total !== undefined
                ? vscode.l10n.t(
                    'The order and the filter cover only the {0} keys on this page, of {1}. Load all keys to cover every one.',
                    scope.count,
                    scope.total,
                  )
                : vscode.l10n.t(
                    'The order and the filter cover only the {0} keys on this page. Load all keys to cover every one.',
                    scope.count,
                  );
    const pageCount = r.pageCount;
    const hasNext =
      s.kind === 'page'
        ? pageCount !== undefined
          ? this.page + 1 < pageCount
          : s.hasMore
        : this.page + 1 < (pageCount ?? 1);
    const shown = r.rows.length;
    this.host.post({
      type: 'state',
      state: {
        connection: this.label,
        rows: r.rows.map(row),
        ...(this.sort ? { sort: this.sort } : {}),
        sortable: sortableColumns(caps),
        filter: this.filter,
        pageSize: this.pageSize,
        page: this.page,
        ...(pageCount !== undefined ? { pageCount } : {}),
        hasNext,
        scope: scopeText,
        offerLoadAll: scope.kind === 'within',
        busy: this.busy,
        error: this.error,
        spendHeader:
          caps.spend === 'month'
            ? vscode.l10n.t('Spend this month')
            : caps.spend === 'used'
              ? vscode.l10n.t('Spend (all time)')
              : vscode.l10n.t('Spend'),
        spendNote:
          caps.spend === 'used'
            ? vscode.l10n.t('This gateway reports what each key used in total, not per month.')
            : caps.spend === 'none'
              ? vscode.l10n.t('This gateway does not report spend per key.')
              : '',
        summary:
          this.total !== undefined && s.kind === 'page'
            ? vscode.l10n.t('{0} keys shown, of {1}', shown, this.total)
            : vscode.l10n.t('{0} keys shown', shown),
      },
    });
  }

  // ---- actions -------------------------------------------------------------------------------

  private known(): Map<string, ApiKey> {
    return new Map(this.source.keys.map((k) => [k.id, k]));
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
    const p = this.runBulk(action, keyIds);
    void this.track(p.then(() => undefined));
    return p;
  }

  private bulkRunning = false;

  private async runBulk(action: BulkAction, keyIds: readonly string[]): Promise<BulkOutcome[] | undefined> {
    const rotations = this.deps.rotations();
    const plan = planBulk(action, keyIds, this.known(), (k) =>
      rotations?.involving({ connectionId: this.connectionId, keyId: k.id }),
    );
    if (plan.todo.length === 0) {
      void vscode.window.showInformationMessage(this.nothingToDo(plan));
      return [];
    }
    const ok = await this.deps.confirm(this.question(plan), this.detail(plan), bulkVerb(action));
    if (!ok) return undefined;
    const gateway = this.gateway;
    const outcomes: BulkOutcome[] = [];
    await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: this.progressTitle(plan), cancellable: true },
      async (progress, token) => {
        const ac = new AbortController();
        const sub = token.onCancellationRequested(() => ac.abort());
        try {
          for (const [i, key] of plan.todo.entries()) {
            if (ac.signal.aborted) {
              outcomes.push({ key, result: 'cancelled' });
              continue;
            }
            progress.report({
              message: vscode.l10n.t('{0} of {1}: "{2}"', i + 1, plan.todo.length, key.name || key.id),
              increment: 100 / plan.todo.length,
            });
            outcomes.push(await this.one(gateway, action, key, ac.signal));
          }
        } finally {
          sub.dispose();
        }
      },
    );
    this.bulkRunning = true;
    try {
      await this.afterBulk(plan, outcomes);
    } finally {
      this.bulkRunning = false;
    }
    return outcomes;
  }

  /** One key of a bulk action; a write is never retried, a toggle is verified by a re-read. */
  private async one(gateway: Gateway, action: BulkAction, key: ApiKey, signal: AbortSignal): Promise<BulkOutcome> {
    try {
      if (action === 'delete') {
        await gateway.deleteKey(key.id, { signal });
        return { key, result: 'done' };
      }
      const enabled = action === 'enable';
      await gateway.setKeyEnabled(key.id, enabled, { signal });
      const fresh = await gateway.getKey(key.id, { signal });
      const applied = enabled ? fresh.status === 'active' : fresh.status === 'disabled';
      return applied
        ? { key: fresh, result: 'done' }
        : { key: fresh, result: 'notApplied', status: String(fresh.rawStatus) };
    } catch (e) {
      if (signal.aborted) return { key, result: 'cancelled' };
      return { key, result: 'failed', error: userMessage(e) };
    }
  }

  private async afterBulk(plan: BulkPlan, outcomes: readonly BulkOutcome[]): Promise<void> {
    const rotations = this.deps.rotations();
    const byId = new Map(plan.rotations.map((r) => [r.key.id, r.involved]));
    const done: string[] = [];
    for (const o of outcomes) {
      if (o.result !== 'done') {
        if (o.result === 'notApplied') this.replace(o.key);
        continue;
      }
      done.push(o.key.id);
      if (plan.action === 'delete') {
        this.source.keys.splice(
          this.source.keys.findIndex((k) => k.id === o.key.id),
          1,
        );
        this.deps.tree.removeKey(this.connectionId, o.key.id);
      } else {
        this.replace(o.key);
        this.deps.tree.upsertKey(this.connectionId, o.key);
      }
      // a deleted or disabled key's pending rotations are over: the old key stays enabled
      const involved = byId.get(o.key.id);
      if (involved && rotations)
        for (const r of [...involved.asReplacement, ...involved.asOld]) await rotations.cancel(r);
    }
    this.deps.log.info(
      `keys table of "${this.label}": bulk ${plan.action} of ${plan.todo.length} key(s): ${done.length} done`,
    );
    this.host.post({ type: 'deselect', keyIds: done });
    this.post();
    const t = tally(outcomes);
    const lines = t.failed.map((o) =>
      o.result === 'failed'
        ? vscode.l10n.t('"{0}": {1}', o.key.name || o.key.id, o.error)
        : o.result === 'notApplied'
          ? vscode.l10n.t('"{0}": not applied, read back its status is still "{1}".', o.key.name || o.key.id, o.status)
          : '',
    );
    const extra = [
      ...(t.cancelled ? [vscode.l10n.t('{0} not sent (cancelled).', t.cancelled)] : []),
      ...(plan.already.length ? [this.alreadyText(plan)] : []),
      ...(plan.missing.length ? [vscode.l10n.t('{0} no longer listed, not sent.', plan.missing.length)] : []),
    ];
    const summary = vscode.l10n.t('{0}: {1} of {2} keys done.', bulkVerb(plan.action), t.done, plan.todo.length);
    if (t.failed.length || t.cancelled) {
      void vscode.window.showWarningMessage(
        `${summary} ${vscode.l10n.t('{0} failed.', t.failed.length)}`,
        { modal: false, detail: [...lines, ...extra].join('\n') },
        ...[],
      );
      this.lastReport = [summary, ...lines, ...extra];
    } else {
      this.lastReport = [summary, ...extra];
      vscode.window.setStatusBarMessage([summary, ...extra].join(' '), 8000);
    }
  }

  /** The last bulk action's report, line by line (the tests read it). */
  lastReport: string[] = [];

  private replace(key: ApiKey): void {
    const i = this.source.keys.findIndex((k) => k.id === key.id);
    if (i >= 0) this.source.keys[i] = key;
  }

  private alreadyText(plan: BulkPlan): string {
    return plan.action === 'disable'
      ? vscode.l10n.t('{0} already disabled: {1}', plan.already.length, someNames(plan.already).names)
      : vscode.l10n.t('{0} already enabled: {1}', plan.already.length, someNames(plan.already).names);
  }

  private nothingToDo(plan: BulkPlan): string {
    return [
      plan.already.length ? this.alreadyText(plan) : '',
      plan.missing.length ? vscode.l10n.t('{0} no longer listed, not sent.', plan.missing.length) : '',
    ]
      .filter(Boolean)
      .join(' ');
  }

  private question(plan: BulkPlan): string {
    const n = plan.todo.length;
    switch (plan.action) {
      case 'delete':
        return vscode.l10n.t('Delete {0} keys from {1}?', n, this.label);
      case 'disable':
        return vscode.l10n.t('Disable {0} keys of {1}?', n, this.label);
      case 'enable':
        return vscode.l10n.t('Enable {0} keys of {1}?', n, this.label);
    }
  }

  private detail(plan: BulkPlan): string {
    const { names, more } = someNames(plan.todo);
    const parts = [more ? vscode.l10n.t('{0} and {1} more.', names, more) : names];
    if (plan.action === 'delete')
      parts.push(vscode.l10n.t('Every application using these keys stops working at once. This cannot be undone.'));
    if (plan.action === 'disable') parts.push(vscode.l10n.t('Every application using these keys stops working.'));
    for (const { key, involved } of plan.rotations) {
      const name = key.name || key.id;
      for (const r of involved.asReplacement)
        parts.push(
          vscode.l10n.t(
            '"{0}" is the replacement in a pending rotation: "{1}" was to be disabled once it took over. That is cancelled, so "{1}" stays enabled.',
            name,
            r.oldKeyName ?? r.oldKeyId,
          ),
        );
      if (involved.asOld.length)
        parts.push(vscode.l10n.t('"{0}" has a pending rotation reminder: it is removed.', name));
    }
    if (plan.already.length) parts.push(this.alreadyText(plan));
    if (plan.missing.length) parts.push(vscode.l10n.t('{0} no longer listed, not sent.', plan.missing.length));
    return parts.join('\n\n');
  }

  private progressTitle(plan: BulkPlan): string {
    switch (plan.action) {
      case 'delete':
        return vscode.l10n.t('Deleting {0} keys of {1}', plan.todo.length, this.label);
      case 'disable':
        return vscode.l10n.t('Disabling {0} keys of {1}', plan.todo.length, this.label);
      case 'enable':
        return vscode.l10n.t('Enabling {0} keys of {1}', plan.todo.length, this.label);
    }
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
    return { rows: r.rows, scope: r.scope, ...(this.sort ? { sort: this.sort } : {}), pageSize: this.pageSize };
  }

  /** What a header click, the filter box, the page size select and the pager do (the tests drive them). */
  readonly ui = {
    sortBy: (column: TableSort['column']) => this.host.router.handle({ type: 'sort', column }),
    type: (text: string) => this.host.router.handle({ type: 'filter', text }),
    pageSize: (size: TablePageSize) => this.host.router.handle({ type: 'pageSize', size }),
    loadAll: () => this.host.router.handle({ type: 'loadAll' }),
  };
}

function bulkVerb(action: BulkAction): string {
  switch (action) {
    case 'delete':
      return vscode.l10n.t('Delete Keys');
    case 'disable':
      return vscode.l10n.t('Disable Keys');
    case 'enable':
      return vscode.l10n.t('Enable Keys');
  }
}

/** An instant as a span from now ("in 3 d", "9 h ago"); the full instant goes in the cell's tooltip. */
function short(iso: string | null | undefined, none: string, now: number): string {
  if (!iso) return none;
  return relativeOr(iso, now);
}

function relativeOr(iso: string, now: number): string {
  const r = relativeTime(iso, now);
  return r ? relativeText(r) : iso;
}
