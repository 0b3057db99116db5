/**
 * The "Models" view: each connection a top-level node; under it the gateway's models grouped by vendor.
 * Lazy: nothing is fetched until a connection is expanded; the list is cached per connection and refreshed per
 * connection. A failure shows as one child item with the sentence and a retry. getTreeItem never does I/O and
 * the provider never shows notifications.
 */
import * as vscode from 'vscode';
import type { ModelInfo } from '../../core/types';
import { describeKind } from '../../gateway';
import { CommandIds, ViewIds } from '../../platform/commands';
import { type ConnectionProfile, type ConnectionStore, isInsecureProfile } from '../../platform/connections';
import { gatewayErrorKind, userMessage } from '../../platform/errors';
import { Disposable, toDisposable } from '../../platform/lifecycle';
import type { Logger } from '../../platform/logger';
import { isFiltering, matchesCatalogueFilter, sortModels } from '../../platform/modelKinds';
import { withProgress } from '../../platform/progress';
import { modelCount, modelItem } from './items';
import {
  ModelNode,
  ModelsConnectionNode,
  ModelsFilterNode,
  ModelsMessageNode,
  type ModelsTreeNode,
  VendorNode,
} from './nodes';
import { describeViewState, MODELS_VIEW_STATE, type ModelsViewState, readViewState } from './viewState';

type CacheEntry =
  | { readonly state: 'loading'; readonly promise: Promise<void>; readonly abort: AbortController }
  | { readonly state: 'loaded'; readonly models: readonly ModelInfo[]; readonly at: number }
  | { readonly state: 'error'; readonly message: string; readonly error: unknown };

/** Case-insensitive substring over id, name, vendor and features. */
export function modelMatches(m: ModelInfo, filter: string): boolean {
  const f = filter.trim().toLowerCase();
  if (!f) return true;
  return [m.id, m.name ?? '', m.vendor, ...(m.features ?? []), ...(m.types ?? [])].some((s) =>
    s.toLowerCase().includes(f),
  );
}

/** Vendor groups, sorted by vendor name (models inside by id), only the ones with a model matching the filter. */
export function groupByVendor(
  models: readonly ModelInfo[],
  filter = '',
): Array<{ vendor: string; models: ModelInfo[]; total: number }> {
  const all = new Map<string, ModelInfo[]>();
  for (const m of models) {
    const list = all.get(m.vendor) ?? [];
    list.push(m);
    all.set(m.vendor, list);
  }
  return [...all.entries()]
    .map(([vendor, list]) => ({
      vendor,
      total: list.length,
      models: list.filter((m) => modelMatches(m, filter)).sort((a, b) => a.id.localeCompare(b.id)),
    }))
    .filter((g) => g.models.length > 0)
    .sort((a, b) => a.vendor.localeCompare(b.vendor, undefined, { sensitivity: 'base' }));
}

export class ModelsTreeProvider extends Disposable implements vscode.TreeDataProvider<ModelsTreeNode> {
  private readonly _onDidChangeTreeData = this._register(new vscode.EventEmitter<ModelsTreeNode | undefined>());
  readonly onDidChangeTreeData = this._onDidChangeTreeData.event;
  private readonly nodes = new Map<string, ModelsConnectionNode>();
  private readonly cache = new Map<string, CacheEntry>();
  /** Per-connection filters; `globalFilter` applies where a connection has none. */
  private readonly filters = new Map<string, string>();
  private globalFilter = '';
  private viewState: ModelsViewState;
  private readonly log: Logger;
  /** How many model lists were fetched (the lazy-loading test reads it). */
  fetches = 0;

  constructor(
    private readonly store: ConnectionStore,
    log: Logger,
    private readonly locale: () => string = () => vscode.env.language,
    /** Where the filter and order are kept (the workspace's state). */
    private readonly memento?: vscode.Memento,
  ) {
    super();
    this.log = log.child('models');
    this.viewState = readViewState(memento?.get(MODELS_VIEW_STATE));
    this._register(store.onDidChange(() => this.onConnectionsChanged()));
    this._register(
      toDisposable(() => {
        for (const e of this.cache.values()) if (e.state === 'loading') e.abort.abort();
        this.cache.clear();
      }),
    );
  }

  private onConnectionsChanged(): void {
    const ids = new Set(this.store.list().map((p) => p.id));
    for (const id of [...this.cache.keys()]) {
      if (!ids.has(id)) this.invalidate(id);
    }
    for (const id of [...this.nodes.keys()]) if (!ids.has(id)) this.nodes.delete(id);
    for (const id of [...this.filters.keys()]) if (!ids.has(id)) this.filters.delete(id);
    // a changed profile or token may change the answer: drop what is cached, reload on the next expand
    for (const id of [...this.cache.keys()]) this.invalidate(id);
    this._onDidChangeTreeData.fire(undefined);
  }

  private invalidate(id: string): void {
    const e = this.cache.get(id);
    if (e?.state === 'loading') e.abort.abort();
    this.cache.delete(id);
  }

  connectionNode(id: string): ModelsConnectionNode {
    let n = this.nodes.get(id);
    if (!n) {
      n = new ModelsConnectionNode(id);
      this.nodes.set(id, n);
    }
    return n;
  }

  filterOf(connectionId?: string): string {
    return (connectionId !== undefined ? this.filters.get(connectionId) : undefined) ?? this.globalFilter;
  }

  get viewFilter(): string {
    return this.globalFilter;
  }

  /** Sets the filter of one connection, or of the whole view (and clears the per-connection ones). */
  setFilter(value: string, connectionId?: string): void {
    const v = value.trim();
    if (connectionId === undefined) {
      this.globalFilter = v;
      this.filters.clear();
      this._onDidChangeTreeData.fire(undefined);
      return;
    }
    if (v) this.filters.set(connectionId, v);
    else this.filters.delete(connectionId);
    this._onDidChangeTreeData.fire(this.connectionNode(connectionId));
  }

  /** The filter and order of the whole view (kinds, features, minimum context, sort). */
  get catalogueState(): ModelsViewState {
    return this.viewState;
  }

  /** Whether the view shows a flat, filtered or re-ordered list instead of vendor groups. */
  get isCatalogueFiltered(): boolean {
    return isFiltering(this.viewState) || this.viewState.sort !== 'name';
  }

  /** Sets (part of) the view's filter and order, keeps it for this workspace and redraws. */
  async setCatalogueState(next: Partial<ModelsViewState>): Promise<void> {
    const merged = readViewState({ ...this.viewState, ...next });
    this.viewState = merged;
    this._onDidChangeTreeData.fire(undefined);
    await this.memento?.update(MODELS_VIEW_STATE, merged);
  }

  /** Shows every model again, by name (the filter and the order are dropped, also from the workspace). */
  clearCatalogueState(): Promise<void> {
    this.viewState = readViewState(undefined);
    this._onDidChangeTreeData.fire(undefined);
    return Promise.resolve(this.memento?.update(MODELS_VIEW_STATE, this.viewState));
  }

  /** Drops one connection's cached list and reloads it when the node is (or next gets) expanded. */
  refresh(connectionId?: string): void {
    if (connectionId === undefined) {
      for (const id of [...this.cache.keys()]) this.invalidate(id);
      this._onDidChangeTreeData.fire(undefined);
      return;
    }
    this.invalidate(connectionId);
    this._onDidChangeTreeData.fire(this.connectionNode(connectionId));
  }

  /** The cached models of a connection (undefined until it was expanded and loaded). */
  cached(connectionId: string): readonly ModelInfo[] | undefined {
    const e = this.cache.get(connectionId);
    return e?.state === 'loaded' ? e.models : undefined;
  }

  /** Loads (once) and returns the models of a connection; throws what the gateway threw. */
  async models(connectionId: string): Promise<readonly ModelInfo[]> {
    await this.load(connectionId);
    const e = this.cache.get(connectionId);
    if (e?.state === 'loaded') return e.models;
    if (e?.state === 'error') throw e.error;
    throw new Error('models not loaded');
  }

  private load(connectionId: string): Promise<void> {
    const existing = this.cache.get(connectionId);
    if (existing?.state === 'loading') return existing.promise;
    if (existing) return Promise.resolve();
    const abort = new AbortController();
    const promise = (async () => {
      this.fetches++;
      const profile = this.store.require(connectionId);
      let cancelled = false;
      try {
        const models = await withProgress(
          { title: vscode.l10n.t('Listing the models of {0}…', profile.label), where: { viewId: ViewIds.models } },
          (signal) => {
            signal.addEventListener('abort', () => {
              cancelled = true;
            });
            return this.store.gateway(connectionId).listModels({ signal: AbortSignal.any([abort.signal, signal]) });
          },
        );
        if (abort.signal.aborted) return;
        this.cache.set(connectionId, { state: 'loaded', models, at: Date.now() });
        this.log.debug(`${models.length} models from "${profile.label}"`);
      } catch (e) {
        if (abort.signal.aborted) return;
        if (cancelled) {
          // the user pressed Cancel on a read that hung: a row says so, and a click reads again
          this.cache.set(connectionId, {
            state: 'error',
            message: vscode.l10n.t('Cancelled. Click to try again.'),
            error: e,
          });
          return;
        }
        if (gatewayErrorKind(e) === 'aborted') return;
        this.log.warn(`listing the models of "${profile.label}" failed:`, e);
        this.cache.set(connectionId, { state: 'error', message: userMessage(e), error: e });
      }
    })();
    this.cache.set(connectionId, { state: 'loading', promise, abort });
    return promise.finally(() => {
      const now = this.cache.get(connectionId);
      if (now?.state === 'loading' && now.promise === promise) this.cache.delete(connectionId); // aborted
    });
  }

  async getChildren(element?: ModelsTreeNode): Promise<ModelsTreeNode[]> {
    if (!element) {
      const connections: ModelsTreeNode[] = this.store.list().map((p) => this.connectionNode(p.id));
      if (!this.isCatalogueFiltered || connections.length === 0) return connections;
      return [new ModelsFilterNode(describeViewState(this.viewState, this.locale())), ...connections];
    }
    if (element.kind === 'vendor') return element.models.map((m) => new ModelNode(element.connectionId, m));
    if (element.kind !== 'connection') return [];
    const id = element.connectionId;
    if (!this.store.get(id)) return [];
    await this.load(id);
    const e = this.cache.get(id);
    if (!e || e.state === 'loading') return [];
    if (e.state === 'error') return [new ModelsMessageNode(id, e.message, true)];
    if (e.models.length === 0)
      return [new ModelsMessageNode(id, vscode.l10n.t('This gateway lists no models.'), false)];
    if (this.isCatalogueFiltered) {
      const text = this.filterOf(id);
      const shown = sortModels(
        e.models.filter((m) => modelMatches(m, text) && matchesCatalogueFilter(m, this.viewState)),
        this.viewState.sort,
      );
      if (shown.length === 0)
        return [new ModelsMessageNode(id, vscode.l10n.t('No model of this connection passes the filter.'), false)];
      return shown.map((m) => new ModelNode(id, m));
    }
    const groups = groupByVendor(e.models, this.filterOf(id));
    if (groups.length === 0)
      return [new ModelsMessageNode(id, vscode.l10n.t('No model matches the filter "{0}".', this.filterOf(id)), false)];
    return groups.map((g) => new VendorNode(id, g.vendor, g.models, g.total));
  }

  getTreeItem(node: ModelsTreeNode): vscode.TreeItem {
    const locale = this.locale();
    switch (node.kind) {
      case 'connection': {
        const p = this.store.get(node.connectionId);
        return p ? this.connectionItem(p) : new vscode.TreeItem(node.connectionId);
      }
      case 'vendor': {
        const item = new vscode.TreeItem(node.vendor, vscode.TreeItemCollapsibleState.Collapsed);
        item.id = `${node.connectionId}/vendor/${node.vendor}`;
        item.description =
          node.models.length === node.total
            ? modelCount(node.models.length)
            : vscode.l10n.t('{0} of {1} models', node.models.length, node.total);
        item.iconPath = new vscode.ThemeIcon('organization');
        item.contextValue = 'aiGateway.modelVendor';
        return item;
      }
      case 'model':
        return modelItem(node, locale, this.cursorRule(node.connectionId));
      case 'filter': {
        const item = new vscode.TreeItem(
          vscode.l10n.t('Filtered: {0}', node.text),
          vscode.TreeItemCollapsibleState.None,
        );
        item.id = 'models/filter';
        item.description = vscode.l10n.t('(clear)');
        item.tooltip = vscode.l10n.t('Click to show every model again, by name.');
        item.iconPath = new vscode.ThemeIcon('filter');
        item.command = { command: CommandIds.clearModelFilter, title: vscode.l10n.t('Clear the filter') };
        item.contextValue = 'aiGateway.modelsFilter';
        return item;
      }
      case 'message': {
        const item = new vscode.TreeItem(node.message, vscode.TreeItemCollapsibleState.None);
        item.id = `${node.connectionId}/message`;
        item.tooltip = node.message;
        if (node.isError) {
          item.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground'));
          item.description = vscode.l10n.t('Click to retry');
          item.command = {
            command: CommandIds.refreshModels,
            title: vscode.l10n.t('Retry'),
            arguments: [{ connectionId: node.connectionId }],
          };
          item.contextValue = 'aiGateway.modelsError';
        } else {
          item.iconPath = new vscode.ThemeIcon('info');
        }
        return item;
      }
    }
  }

  private cursorRule(connectionId: string): boolean {
    const p = this.store.get(connectionId);
    return p ? describeKind(p.kind).cursorShortClaudeNames : false;
  }

  private connectionItem(p: ConnectionProfile): vscode.TreeItem {
    const item = new vscode.TreeItem(p.label, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = `${p.id}/models`;
    const filter = this.filterOf(p.id);
    const e = this.cache.get(p.id);
    const parts = [describeKind(p.kind).label];
    if (e?.state === 'loaded') parts.push(modelCount(e.models.length));
    if (filter) parts.push(vscode.l10n.t('filter: "{0}"', filter));
    item.description = parts.join(' · ');
    const insecure = isInsecureProfile(p);
    item.tooltip = `${p.label}\n${describeKind(p.kind).label} · ${p.baseUrl}${insecure ? `\n${vscode.l10n.t('Plain http:// to another machine (allowInsecureHttp): the token is sent unencrypted and can be read on the network.')}` : ''}`;
    item.iconPath = insecure
      ? new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground'))
      : new vscode.ThemeIcon('plug');
    item.contextValue = 'aiGateway.connection.models';
    return item;
  }
}
