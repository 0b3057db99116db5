/**
 * The keys tree, shown in the view `aiGateway.connections` ("Gateways"): one top-level node per connection, its keys
 * as children, loaded lazily when the node is expanded (nothing is fetched before), one page at a time with a
 * "Load more…" item. Filter (name / status / model allowed: server-side search where the gateway offers it and a
 * name is given, else over the loaded pages) and sort (persisted per connection) per connection.
 *
 * This file is the TreeDataProvider and the surface other parts use; what is known per connection lives in
 * state.ts (VS Code-free), the rows are drawn in items.ts and worded in labels.ts.
 * Rules: getTreeItem does no I/O; tooltips are built in resolveTreeItem; the provider never shows a notification
 * (a failure is a child item with one sentence and a retry); refreshing a connection fires only its node.
 */
import * as vscode from 'vscode';
import * as z from 'zod';
import type { ApiKey, Identity } from '../../core/types';
import { isGatewayError } from '../../gateway/errors';
import { ViewIds } from '../../platform/commands';
import type { ConfigService } from '../../platform/config';
import { MissingTokenError } from '../../platform/connectionErrors';
import type { ConnectionStore } from '../../platform/connections';
import { userMessage } from '../../platform/errors';
import { Disposable } from '../../platform/lifecycle';
import type { Logger } from '../../platform/logger';
import { SecretStorageUnavailableError, type SecretService } from '../../platform/secrets';
import { connectionItem, invalidConnectionItem, keyItem, keyTooltip, loadMoreItem, messageItem } from './items';
import { keysTexts } from './labels';
import { type KeyFilter, type KeySort, availableSorts, gatewayOrder, isFilterActive, keySortSchema } from './logic';
import { type ConnectionNode, InvalidConnectionNode, type KeysNode, type LoadErrorKind } from './nodes';
import type { KeyRef, KeysView, RotationMark } from './refs';
import { KeysState } from './state';

const SORT_STATE_KEY = 'aiGateway.keys.sortByConnection';

export const ContextKeys = {
  hasConnections: 'aiGateway.hasConnections',
  secretStorageUnavailable: 'aiGateway.secretStorageUnavailable',
  /** Some connection's keys are filtered (the title bar offers Clear Filter). */
  keysFiltered: 'aiGateway.keysFiltered',
} as const;

/** Where the rows learn a key's part in a pending client-side rotation (the rotation reminders). */
export interface RotationMarks {
  markOf(ref: KeyRef): RotationMark | undefined;
  readonly onDidChange: vscode.Event<void>;
}

const sortStateSchema = z.record(z.string(), keySortSchema);

export interface KeysTreeDeps {
  readonly store: ConnectionStore;
  readonly secrets: SecretService;
  readonly config: ConfigService;
  readonly memento: vscode.Memento;
  readonly log: Logger;
  /** The display language (vscode.env.language). */
  readonly locale?: () => string;
}

function classify(e: unknown): { kind: LoadErrorKind; message: string } {
  if (e instanceof MissingTokenError) return { kind: 'noToken', message: e.message };
  if (e instanceof SecretStorageUnavailableError) return { kind: 'secretStorage', message: e.message };
  if (isGatewayError(e) && e.kind === 'auth') return { kind: 'tokenRejected', message: userMessage(e) };
  return { kind: 'error', message: userMessage(e) };
}

export class KeysTree extends Disposable implements vscode.TreeDataProvider<KeysNode>, KeysView {
  private readonly _onDidChangeTreeData = this._register(new vscode.EventEmitter<KeysNode | undefined>());
  readonly onDidChangeTreeData = this._onDidChangeTreeData.event;
  private readonly _onDidWriteKey = this._register(
    new vscode.EventEmitter<{ readonly connectionId: string; readonly keyId?: string }>(),
  );
  /**
   * A key was written or deleted (the keys table and the details follow it); without a key id, any key of the
   * connection may have changed (a write flow re-read the connection).
   */
  readonly onDidWriteKey = this._onDidWriteKey.event;
  readonly view: vscode.TreeView<KeysNode>;

  private readonly state: KeysState;
  private readonly store: ConnectionStore;
  private readonly locale: () => string;
  private marks: RotationMarks | undefined;
  private balanceTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly deps: KeysTreeDeps) {
    super();
    this.store = deps.store;
    this.locale = deps.locale ?? (() => vscode.env.language);
    this.state = new KeysState({
      source: deps.store,
      texts: keysTexts,
      log: deps.log.child('keys'),
      pageSize: () => deps.config.keysPageSize(),
      sortOf: (id) => this.sortOf(id),
      orderOf: (id) => this.gatewayOrderOf(id, this.sortOf(id)),
      noToken: (id, label) => new MissingTokenError(id, label),
      classify,
      message: userMessage,
      changed: (node) => this.fire(node),
      loaded: (r) => {
        if (r === 'ok' || r === 'secretStorage')
          void vscode.commands.executeCommand(
            'setContext',
            ContextKeys.secretStorageUnavailable,
            r === 'secretStorage',
          );
      },
    });
    this._register({ dispose: () => this.state.dispose() });
    // the title-bar actions' context key is set after activate() returns (a command round trip costs most of the
    // activation budget); the first render of the view sets it too, whichever comes first
    const deferred = setImmediate(() => this.setHasConnections());
    this._register({ dispose: () => clearImmediate(deferred) });
    this._register(
      this.store.onDidChange(() => {
        this.state.profilesChanged();
        this.setHasConnections();
      }),
    );
    this._register(deps.secrets.onDidChange((id) => this.state.reset(id)));
    // a removed connection's sort order goes with it
    this._register(this.store.addStateOwner({ describe: () => [], forget: (id) => this.setSort(id, 'server') }));
    this._register(
      deps.config.onDidChange((c) => {
        if (c.keysPageSize) this.state.resetAll();
      }),
    );
    // a connection's row shows its balance as soon as one is read (here or by the status bar)
    this._register(
      this.store.balances.onDidChange((id) => {
        const node = this.state.connectionNode(id);
        if (node) this.fire(node);
      }),
    );
    this._register({
      dispose: () => {
        if (this.balanceTimer) clearTimeout(this.balanceTimer);
      },
    });
    this.view = this._register(
      vscode.window.createTreeView(ViewIds.keys, { treeDataProvider: this, showCollapseAll: true }),
    );
  }

  /** The rows show each key's part in a pending client-side rotation (and follow the reminders' changes). */
  useRotationMarks(marks: RotationMarks): void {
    this.marks = marks;
    this._register(marks.onDidChange(() => this.fire(undefined)));
  }

  /** The connection of the row selected in the view (a connection, or one of its keys or messages), if any. */
  selectedConnection(): string | undefined {
    const n = this.view.selection[0];
    if (!n || n.type === 'invalid') return undefined;
    return this.store.get(n.connectionId) ? n.connectionId : undefined;
  }

  /** Stops the first read of a connection's keys under way; the rows read before stay, marked stale. */
  cancelLoad(connectionId: string): void {
    this.state.cancelLoad(connectionId);
  }

  /** Reads every remaining page (for a sort over all keys); see KeysState.loadAll. */
  loadAll(
    connectionId: string,
    progress: (loaded: number, total: number | undefined) => void,
    signal: AbortSignal,
  ): Promise<void> {
    return this.state.loadAll(connectionId, progress, signal);
  }

  /** How many keys are loaded, the gateway's total (when it reports one) and whether more pages exist. */
  loadedState(connectionId: string): { loaded: number; total?: number; hasMore: boolean } {
    const v = this.state.view(connectionId);
    return { loaded: v.loaded, ...(v.total !== undefined ? { total: v.total } : {}), hasMore: v.hasMore };
  }

  /** The sorts this connection's gateway has the data for. */
  sortsFor(connectionId: string): KeySort[] {
    try {
      return availableSorts(this.store.gateway(connectionId).capabilities);
    } catch {
      return ['server'];
    }
  }

  // ---- public surface (KeysView + what the actions, the flows and the tests use) ----------------

  /** Re-reads one connection's keys: only its node fires; nothing is fetched unless it is expanded. */
  refreshConnection(connectionId: string): void {
    this.state.reset(connectionId);
    this._onDidWriteKey.fire({ connectionId });
  }

  /** Everything under way for a connection has finished (tests wait on it before injecting faults). */
  settled(connectionId: string): Promise<void> {
    return this.state.settled(connectionId);
  }

  connectionNode(connectionId: string): ConnectionNode | undefined {
    return this.state.connectionNode(connectionId);
  }

  /** The keys read so far (server pages, or the search results while a name search is active). */
  loadedKeys(connectionId: string): readonly ApiKey[] {
    return this.state.loadedKeys(connectionId);
  }

  filterOf(connectionId: string): KeyFilter | undefined {
    return this.state.filterOf(connectionId);
  }

  /** The connection's sort order (a stored order the gateway has no data for reads as the gateway's order). */
  sortOf(connectionId: string): KeySort {
    const all = sortStateSchema.safeParse(this.deps.memento.get(SORT_STATE_KEY, {}));
    const stored = (all.success ? all.data[connectionId] : undefined) ?? 'server';
    return stored === 'server' || this.sortsFor(connectionId).includes(stored) ? stored : 'server';
  }

  /** Whether `sort` orders every key of the connection, not only those loaded (the sort picker words it so). */
  sortCoversAll(connectionId: string, sort: KeySort): boolean {
    return sort === 'server' || !this.loadedState(connectionId).hasMore || !!this.gatewayOrderOf(connectionId, sort);
  }

  /** The order the gateway can read its list in for `sort` (then the sort holds across every page). */
  private gatewayOrderOf(connectionId: string, sort: KeySort) {
    try {
      return gatewayOrder(sort, this.store.gateway(connectionId).capabilities);
    } catch {
      return undefined;
    }
  }

  async setSort(connectionId: string, sort: KeySort): Promise<void> {
    const orderBefore = this.gatewayOrderOf(connectionId, this.sortOf(connectionId));
    const parsed = sortStateSchema.safeParse(this.deps.memento.get(SORT_STATE_KEY, {}));
    const all = { ...(parsed.success ? parsed.data : {}) };
    if (sort === 'server') delete all[connectionId];
    else all[connectionId] = sort;
    await this.deps.memento.update(SORT_STATE_KEY, all);
    // a sort the gateway does itself reads the list again in that order (and back in its own order after it)
    if (this.gatewayOrderOf(connectionId, sort) !== orderBefore) this.state.reset(connectionId);
    else this.state.changedConnection(connectionId);
  }

  /** Sets (or clears, with undefined) a connection's filter. A name search re-reads; other filters apply to what is loaded. */
  setFilter(connectionId: string, filter: KeyFilter | undefined): void {
    this.state.setFilter(connectionId, filter);
    const any = this.store.list().some((p) => isFilterActive(this.state.filterOf(p.id)));
    void vscode.commands.executeCommand('setContext', ContextKeys.keysFiltered, any);
  }

  /** Reads the next page (or shows the next slice of search results). */
  loadMore(connectionId: string): Promise<void> {
    return this.state.loadMore(connectionId);
  }

  /** After a write elsewhere (create, edit, rotate, toggle): puts the fresh key in place (or first) and re-renders. */
  upsertKey(connectionId: string, written: ApiKey): void {
    this.state.upsertKey(connectionId, written);
    this._onDidWriteKey.fire({ connectionId, keyId: written.id });
  }

  /** After a delete: the key leaves the tree. */
  removeKey(connectionId: string, keyId: string): void {
    this.state.removeKey(connectionId, keyId);
    this._onDidWriteKey.fire({ connectionId, keyId });
  }

  /** The key as last read by the tree, if loaded. */
  cachedKey(ref: KeyRef): ApiKey | undefined {
    return this.state.cachedKey(ref);
  }

  /** Team id → name of a connection, where its gateway has teams and they were read. */
  teamsOf(connectionId: string): ReadonlyMap<string, string> | undefined {
    return this.state.teamsOf(connectionId);
  }

  /** Selects a loaded key in the view (e.g. right after create). Returns false when the key is not in the tree. */
  async reveal(ref: KeyRef, opts: { select?: boolean; focus?: boolean; expand?: boolean } = {}): Promise<boolean> {
    const conn = this.state.connectionNode(ref.connectionId);
    if (!conn) return false;
    await this.getChildren(conn);
    const node = this.state.keyNode(ref);
    if (!node) return false;
    await this.view.reveal(node, {
      select: opts.select ?? true,
      focus: opts.focus ?? false,
      expand: opts.expand ?? false,
    });
    return true;
  }

  identityOf(connectionId: string): Identity | undefined {
    return this.state.identityOf(connectionId);
  }

  // ---- TreeDataProvider ---------------------------------------------------------------------

  getParent(node: KeysNode): KeysNode | undefined {
    return node.type === 'connection' || node.type === 'invalid' ? undefined : node.parent;
  }

  async getChildren(node?: KeysNode): Promise<KeysNode[]> {
    if (!node) return this.rootNodes();
    if (node.type !== 'connection') return [];
    return this.state.children(node);
  }

  getTreeItem(node: KeysNode): vscode.TreeItem {
    switch (node.type) {
      case 'connection': {
        const id = node.connectionId;
        return connectionItem(
          node,
          this.state.view(id),
          this.state.filterOf(id),
          this.sortOf(id),
          this.locale(),
          this.store.balances.peek(id),
        );
      }
      case 'key':
        return keyItem(node, this.state.teamsOf(node.connectionId), this.locale(), this.rowExtras(node));
      case 'loadMore':
        return loadMoreItem(node);
      case 'message':
        return messageItem(node, this.state.view(node.connectionId).staleSince);
      case 'invalid':
        return invalidConnectionItem(node.entry);
    }
  }

  resolveTreeItem(item: vscode.TreeItem, node: KeysNode): vscode.TreeItem {
    if (node.type === 'key') {
      const staleSince = this.state.view(node.connectionId).staleSince;
      item.tooltip = keyTooltip(node.key, this.state.teamsOf(node.connectionId), this.locale(), {
        ...this.rowExtras(node),
        ...(staleSince !== undefined ? { staleSince } : {}),
      });
    }
    return item;
  }

  private rowExtras(node: { readonly connectionId: string; readonly keyId: string }): {
    stale: boolean;
    rotation?: RotationMark;
  } {
    const rotation = this.marks?.markOf({ connectionId: node.connectionId, keyId: node.keyId });
    return { stale: this.state.view(node.connectionId).staleSince !== undefined, ...(rotation ? { rotation } : {}) };
  }

  /** Each shown connection's balance is read after this render (lazily: only once the view shows the rows). */
  private scheduleBalances(): void {
    if (this.balanceTimer || this.isDisposed) return;
    this.balanceTimer = setTimeout(() => {
      this.balanceTimer = undefined;
      for (const p of this.store.list()) this.store.balances.ensure(p.id);
    }, 0);
  }

  /** The valid connections and the invalid settings entries, in the order of the settings array. */
  private rootNodes(): KeysNode[] {
    if (this.hasConnections === undefined) this.setHasConnections();
    const valid = this.store.list().map((p) => this.state.nodeFor(p));
    if (valid.length) this.scheduleBalances();
    const invalid = this.store.invalid();
    if (invalid.length === 0) return valid;
    const at = (n: KeysNode): number =>
      n.type === 'invalid' ? n.entry.index : (this.store.indexOf(n.type === 'connection' ? n.connectionId : '') ?? 0);
    return [...valid, ...invalid.map((e) => new InvalidConnectionNode(e))].sort((a, b) => at(a) - at(b));
  }

  /** The last value given to the context key (undefined until the deferred first set). */
  private hasConnections: boolean | undefined;

  private setHasConnections(): void {
    if (this.isDisposed) return;
    const has = this.store.list().length > 0;
    if (has === this.hasConnections) return;
    this.hasConnections = has;
    void vscode.commands.executeCommand('setContext', ContextKeys.hasConnections, has);
  }

  private fire(node: KeysNode | undefined): void {
    if (!this.isDisposed) this._onDidChangeTreeData.fire(node);
  }
}
