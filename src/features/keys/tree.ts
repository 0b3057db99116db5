/**
 * The keys tree, shown in the view `aiGateway.connections` ("Gateways"): one top-level node per connection, its keys
 * as children, loaded lazily when the node is expanded (nothing is fetched before), one page at a time with a
 * "Load more…" item. Filter (name / status / model allowed: server-side search where the gateway offers it and a
 * name is given, else over the loaded pages) and sort (persisted per connection) per connection.
 *
 * Rules: getTreeItem does no I/O; tooltips are built in resolveTreeItem; the provider never shows a notification
 * (a failure is a child item with one sentence and a retry); refreshing a connection fires only its node.
 *
 * contextValue of the items (for menus):
 *   connection: `aiGateway.connection`
 *   invalid settings entry: `aiGateway.invalidConnection` (`aiGateway.invalidConnection.withId` when it has a usable id)
 *   key:        `aiGateway.key.<status>` with status active | grace | disabled | expired | exhausted | unknown
 *               (grace = active, previous secret still valid after a rotation), e.g. `viewItem =~ /^aiGateway\.key\./`
 *   others:     `aiGateway.loadMore`, `aiGateway.message.<kind>`
 */
import * as vscode from 'vscode';
import * as z from 'zod';
import type { ApiKey, Identity } from '../../core/types';
import { describeKind } from '../../gateway';
import { isGatewayError } from '../../gateway/errors';
import { CommandIds } from '../../platform/commands';
import type { ConnectionProfile, ConnectionStore, InvalidConnection } from '../../platform/connections';
import { MissingTokenError, describeProfileProblem, isInsecureProfile } from '../../platform/connections';
import { userMessage } from '../../platform/errors';
import { Disposable } from '../../platform/lifecycle';
import type { Logger } from '../../platform/logger';
import { SecretStorageUnavailableError, type SecretService } from '../../platform/secrets';
import {
  type DisplayStatus, type KeyFact, type KeyFilter, type KeySort, type Relative, compactNumber, displayStatus, formatMoney,
  isFilterActive, keyFacts, keyFilterSchema, keySortSchema, matchesFilter, relativeTime, sortKeys,
} from './logic';
import type { KeyRef, KeysView } from './refs';

export const KEYS_VIEW_ID = 'aiGateway.connections';
export const PAGE_SIZE_SETTING = 'keys.pageSize';
const SORT_STATE_KEY = 'aiGateway.keys.sortByConnection';

export const ContextKeys = {
  hasConnections: 'aiGateway.hasConnections',
  secretStorageUnavailable: 'aiGateway.secretStorageUnavailable',
} as const;

// ---- nodes --------------------------------------------------------------------------------------

export class ConnectionNode {
  readonly type = 'connection' as const;
  constructor(readonly connectionId: string, public profile: ConnectionProfile) {}
}

export class KeyNode {
  readonly type = 'key' as const;
  constructor(readonly connectionId: string, readonly keyId: string, public key: ApiKey, readonly parent: ConnectionNode) {}
}

export class LoadMoreNode {
  readonly type = 'loadMore' as const;
  constructor(readonly connectionId: string, readonly parent: ConnectionNode, readonly remaining?: number) {}
}

export type MessageKind = 'error' | 'tokenRejected' | 'noToken' | 'secretStorage' | 'empty' | 'noMatch' | 'filter' | 'moreError' | 'searchTruncated';

export class MessageNode {
  readonly type = 'message' as const;
  constructor(readonly connectionId: string, readonly parent: ConnectionNode, readonly kind: MessageKind, readonly message: string) {}
}

/** An entry of `aiGateway.connections` that breaks the rules: shown with what is wrong, never used. */
export class InvalidConnectionNode {
  readonly type = 'invalid' as const;
  /** For the menus (Remove Connection): the entry's id when it has a usable one. */
  readonly connectionId: string | undefined;
  constructor(readonly entry: InvalidConnection) {
    this.connectionId = entry.id;
  }
}

export type KeysNode = ConnectionNode | KeyNode | LoadMoreNode | MessageNode | InvalidConnectionNode;

// ---- state --------------------------------------------------------------------------------------

type Phase = 'idle' | 'loading' | 'ok' | 'error';
type ErrorKind = 'tokenRejected' | 'noToken' | 'secretStorage' | 'error';

interface ConnState {
  gen: number;
  phase: Phase;
  inflight?: Promise<void>;
  abort?: AbortController;
  /** Pages read from the gateway, in its order. */
  loaded: ApiKey[];
  nextPage: number;
  hasMore: boolean;
  total?: number;
  /** Server-side search results for a name filter (unpaged on the wire; shown `shown` at a time). */
  search?: { readonly term: string; readonly items: ApiKey[] };
  shown: number;
  error?: { readonly kind: ErrorKind; readonly message: string };
  moreError?: string;
  moreInflight?: Promise<void>;
  extras?: Promise<void>;
  identity?: Identity;
  teams?: ReadonlyMap<string, string>;
  keyNodes: Map<string, KeyNode>;
}

const newState = (): ConnState => ({ gen: 0, phase: 'idle', loaded: [], nextPage: 0, hasMore: false, shown: 0, keyNodes: new Map() });

const sortStateSchema = z.record(z.string(), keySortSchema);

export interface KeysTreeDeps {
  readonly store: ConnectionStore;
  readonly secrets: SecretService;
  readonly memento: vscode.Memento;
  readonly log: Logger;
}

export class KeysTree extends Disposable implements vscode.TreeDataProvider<KeysNode>, KeysView {
  private readonly _onDidChangeTreeData = this._register(new vscode.EventEmitter<KeysNode | undefined>());
  readonly onDidChangeTreeData = this._onDidChangeTreeData.event;
  readonly view: vscode.TreeView<KeysNode>;

  private readonly nodes = new Map<string, ConnectionNode>();
  private readonly states = new Map<string, ConnState>();
  private readonly filters = new Map<string, KeyFilter>();
  private readonly store: ConnectionStore;
  private readonly log: Logger;

  constructor(private readonly deps: KeysTreeDeps) {
    super();
    this.store = deps.store;
    this.log = deps.log.child('keys');
    this.syncNodes();
    this._register(this.store.onDidChange(() => this.onProfilesChanged()));
    this._register(deps.secrets.onDidChange((id) => this.resetConnection(id)));
    // a removed connection's sort order goes with it
    this._register(this.store.addStateOwner({ describe: () => [], forget: (id) => this.setSort(id, 'server') }));
    this._register(vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(`aiGateway.${PAGE_SIZE_SETTING}`)) for (const id of this.states.keys()) this.resetConnection(id);
    }));
    this.view = this._register(vscode.window.createTreeView(KEYS_VIEW_ID, { treeDataProvider: this, showCollapseAll: true }));
  }

  // ---- public surface (KeysView + what the actions, the flows and the tests use) ----------------

  /** Re-reads one connection's keys: only its node fires; nothing is fetched unless it is expanded. */
  refreshConnection(connectionId: string): void {
    this.resetConnection(connectionId);
  }

  /** Everything under way for a connection has finished (tests wait on it before injecting faults). */
  async settled(connectionId: string): Promise<void> {
    for (;;) {
      const s = this.states.get(connectionId);
      const pending = [s?.inflight, s?.moreInflight, s?.extras].filter((p): p is Promise<void> => p !== undefined);
      if (!pending.length) return;
      await Promise.allSettled(pending);
    }
  }

  connectionNode(connectionId: string): ConnectionNode | undefined {
    return this.nodes.get(connectionId);
  }

  /** The keys read so far (server pages, or the search results while a name search is active). */
  loadedKeys(connectionId: string): readonly ApiKey[] {
    const s = this.states.get(connectionId);
    return s ? (s.search?.items ?? s.loaded) : [];
  }

  filterOf(connectionId: string): KeyFilter | undefined {
    return this.filters.get(connectionId);
  }

  sortOf(connectionId: string): KeySort {
    const all = sortStateSchema.safeParse(this.deps.memento.get(SORT_STATE_KEY, {}));
    return (all.success ? all.data[connectionId] : undefined) ?? 'server';
  }

  async setSort(connectionId: string, sort: KeySort): Promise<void> {
    const parsed = sortStateSchema.safeParse(this.deps.memento.get(SORT_STATE_KEY, {}));
    const all = { ...(parsed.success ? parsed.data : {}) };
    if (sort === 'server') delete all[connectionId];
    else all[connectionId] = sort;
    await this.deps.memento.update(SORT_STATE_KEY, all);
    this.fireConnection(connectionId);
  }

  /** Sets (or clears, with undefined) a connection's filter. A name search re-reads; other filters apply to what is loaded. */
  setFilter(connectionId: string, filter: KeyFilter | undefined): void {
    this.store.require(connectionId);
    const f = filter ? keyFilterSchema.parse(filter) : undefined;
    const before = this.filters.get(connectionId);
    if (isFilterActive(f)) this.filters.set(connectionId, f);
    else this.filters.delete(connectionId);
    const s = this.states.get(connectionId);
    const searchBefore = this.searchTerm(connectionId, before);
    const searchAfter = this.searchTerm(connectionId, f);
    if (s && searchBefore !== searchAfter) {
      this.resetConnection(connectionId);
      return;
    }
    if (s) s.shown = this.pageSize();
    this.fireConnection(connectionId);
  }

  /** Reads the next page (or shows the next slice of search results). */
  async loadMore(connectionId: string): Promise<void> {
    const s = this.states.get(connectionId);
    const node = this.nodes.get(connectionId);
    if (!s || !node) return;
    if (s.inflight) await s.inflight;
    if (s.phase !== 'ok') return;
    if (s.search) {
      s.shown += this.pageSize();
      this.fire(node);
      return;
    }
    if (s.moreInflight) return s.moreInflight;
    if (!s.hasMore) return;
    const gen = s.gen;
    const work = (async () => {
      const ac = new AbortController();
      s.abort = ac;
      try {
        const page = await this.store.gateway(connectionId).listKeys({ page: s.nextPage, pageSize: this.pageSize(), signal: ac.signal });
        if (s.gen !== gen) return;
        const seen = new Set(s.loaded.map((k) => k.id));
        s.loaded.push(...page.items.filter((k) => !seen.has(k.id)));
        s.nextPage++;
        s.hasMore = page.hasMore && page.items.length > 0;
        if (page.total !== undefined) s.total = page.total;
        s.moreError = undefined;
      } catch (e) {
        if (s.gen !== gen || isAborted(e)) return;
        this.log.warn(`loading more keys of ${connectionId} failed:`, e);
        s.moreError = userMessage(e);
      }
    })();
    const p: Promise<void> = work.finally(() => {
      if (s.moreInflight === p) s.moreInflight = undefined;
      if (s.gen === gen) this.fire(node);
    });
    s.moreInflight = p;
    return p;
  }

  /** After a write elsewhere (create, edit, rotate, toggle): puts the fresh key in place (or first) and re-renders. */
  upsertKey(connectionId: string, written: ApiKey): void {
    const key = withoutSecret(written); // a secret shown once (create / rotate) is not kept in the tree
    const s = this.states.get(connectionId);
    if (!s || s.phase !== 'ok') return;
    for (const list of [s.loaded, s.search?.items]) {
      if (!list) continue;
      const i = list.findIndex((k) => k.id === key.id);
      if (i >= 0) list[i] = key;
      else if (list === s.loaded) {
        list.unshift(key);
        if (s.total !== undefined) s.total++;
      }
    }
    const n = s.keyNodes.get(key.id);
    if (n && !isFilterActive(this.filters.get(connectionId)) && this.sortOf(connectionId) === 'server') {
      n.key = key;
      this.fire(n);
    } else {
      this.fireConnection(connectionId);
    }
  }

  /** After a delete: the key leaves the tree. */
  removeKey(connectionId: string, keyId: string): void {
    const s = this.states.get(connectionId);
    if (!s) return;
    const before = s.loaded.length;
    s.loaded = s.loaded.filter((k) => k.id !== keyId);
    if (s.total !== undefined && s.loaded.length < before) s.total = Math.max(0, s.total - 1);
    if (s.search) s.search = { term: s.search.term, items: s.search.items.filter((k) => k.id !== keyId) };
    s.keyNodes.delete(keyId);
    this.fireConnection(connectionId);
  }

  /** The key as last read by the tree, if loaded. */
  cachedKey(ref: KeyRef): ApiKey | undefined {
    return this.states.get(ref.connectionId)?.keyNodes.get(ref.keyId)?.key
      ?? this.loadedKeys(ref.connectionId).find((k) => k.id === ref.keyId);
  }

  /** Selects a loaded key in the view (e.g. right after create). Returns false when the key is not in the tree. */
  async reveal(ref: KeyRef, opts: { select?: boolean; focus?: boolean; expand?: boolean } = {}): Promise<boolean> {
    const conn = this.nodes.get(ref.connectionId);
    if (!conn) return false;
    await this.getChildren(conn);
    const node = this.states.get(ref.connectionId)?.keyNodes.get(ref.keyId);
    if (!node) return false;
    await this.view.reveal(node, { select: opts.select ?? true, focus: opts.focus ?? false, expand: opts.expand ?? false });
    return true;
  }

  identityOf(connectionId: string): Identity | undefined {
    return this.states.get(connectionId)?.identity;
  }

  // ---- TreeDataProvider ---------------------------------------------------------------------

  getParent(node: KeysNode): KeysNode | undefined {
    return node.type === 'connection' || node.type === 'invalid' ? undefined : node.parent;
  }

  async getChildren(node?: KeysNode): Promise<KeysNode[]> {
    if (!node) return this.rootNodes();
    if (node.type !== 'connection') return [];
    const s = this.stateOf(node.connectionId);
    if (s.phase === 'idle') void this.load(node, s);
    if (s.inflight) await s.inflight;
    return this.childrenOf(node, s);
  }

  getTreeItem(node: KeysNode): vscode.TreeItem {
    switch (node.type) {
      case 'connection': return this.connectionItem(node);
      case 'key': return this.keyItem(node);
      case 'loadMore': {
        const item = new vscode.TreeItem(
          node.remaining !== undefined ? vscode.l10n.t('Load more… ({0} more)', node.remaining) : vscode.l10n.t('Load more…'),
          vscode.TreeItemCollapsibleState.None,
        );
        item.id = `more:${node.connectionId}`;
        item.iconPath = new vscode.ThemeIcon('more');
        item.contextValue = 'aiGateway.loadMore';
        item.command = { command: CommandIds.loadMoreKeys, title: vscode.l10n.t('Load more…'), arguments: [{ connectionId: node.connectionId }] };
        return item;
      }
      case 'message': return this.messageItem(node);
      case 'invalid': return invalidConnectionItem(node.entry);
    }
  }

  /** The valid connections and the invalid settings entries, in the order of the settings array. */
  private rootNodes(): KeysNode[] {
    const valid = this.store.list().map((p) => this.nodeFor(p));
    const invalid = this.store.invalid();
    if (invalid.length === 0) return valid;
    const at = (n: KeysNode): number => (n.type === 'invalid' ? n.entry.index : this.store.indexOf(n.type === 'connection' ? n.connectionId : '') ?? 0);
    return [...valid, ...invalid.map((e) => new InvalidConnectionNode(e))].sort((a, b) => at(a) - at(b));
  }

  resolveTreeItem(item: vscode.TreeItem, node: KeysNode): vscode.TreeItem {
    if (node.type === 'key') item.tooltip = keyTooltip(node.key, this.states.get(node.connectionId)?.teams);
    return item;
  }

  // ---- loading ------------------------------------------------------------------------------

  private pageSize(): number {
    const v = vscode.workspace.getConfiguration('aiGateway').get<unknown>(PAGE_SIZE_SETTING);
    const n = typeof v === 'number' && Number.isFinite(v) ? Math.trunc(v) : 50;
    return Math.min(100, Math.max(1, n));
  }

  private searchTerm(connectionId: string, f: KeyFilter | undefined): string | undefined {
    const profile = this.store.get(connectionId);
    if (!profile || !f?.name) return undefined;
    try {
      return this.store.gateway(connectionId).capabilities.searchKeys ? f.name : undefined;
    } catch {
      return undefined;
    }
  }

  private load(node: ConnectionNode, s: ConnState): Promise<void> {
    if (s.inflight) return s.inflight;
    const id = node.connectionId;
    const gen = ++s.gen;
    s.abort?.abort();
    const ac = new AbortController();
    s.abort = ac;
    s.phase = 'loading';
    s.error = undefined;
    s.moreError = undefined;
    this.fire(node);
    const started = Date.now();
    const work = (async () => {
      try {
        if (!(await this.store.hasToken(id))) {
          throw new MissingTokenError(id, node.profile.label);
        }
        const gateway = this.store.gateway(id);
        const term = this.searchTerm(id, this.filters.get(id));
        if (term !== undefined) {
          const items = await gateway.searchKeys(term, { signal: ac.signal });
          if (s.gen !== gen) return;
          s.search = { term, items: [...items] };
          s.loaded = [];
          s.hasMore = false;
          s.total = undefined;
        } else {
          const page = await gateway.listKeys({ page: 0, pageSize: this.pageSize(), signal: ac.signal });
          if (s.gen !== gen) return;
          s.search = undefined;
          s.loaded = [...page.items];
          s.nextPage = 1;
          s.hasMore = page.hasMore && page.items.length > 0;
          s.total = page.total;
        }
        s.shown = this.pageSize();
        s.phase = 'ok';
        void vscode.commands.executeCommand('setContext', ContextKeys.secretStorageUnavailable, false);
        this.log.debug(`listed ${s.search ? s.search.items.length : s.loaded.length} key(s) of ${id} in ${Date.now() - started} ms`);
        const extras: Promise<void> = this.loadExtras(node, s, gen).finally(() => { if (s.extras === extras) s.extras = undefined; });
        s.extras = extras;
      } catch (e) {
        if (s.gen !== gen || isAborted(e)) return;
        s.phase = 'error';
        s.error = classify(e);
        if (s.error.kind === 'secretStorage') void vscode.commands.executeCommand('setContext', ContextKeys.secretStorageUnavailable, true);
        this.log.warn(`listing the keys of ${id} failed:`, e);
      }
    })();
    const p: Promise<void> = work.finally(() => {
      if (s.inflight === p) s.inflight = undefined;
      if (s.gen === gen) this.fire(node);
    });
    s.inflight = p;
    return p;
  }

  /** Who the gateway says we are and the balance, team names: best effort, after the keys, never an error item. */
  private async loadExtras(node: ConnectionNode, s: ConnState, gen: number): Promise<void> {
    const id = node.connectionId;
    let changed = false;
    try {
      const gateway = this.store.gateway(id);
      if (gateway.capabilities.teams && !s.teams) {
        const teams = await gateway.listTeams({ signal: s.abort?.signal }).catch(() => undefined);
        if (teams && s.gen === gen) { s.teams = new Map(teams.map((t) => [t.id, t.name])); changed = true; }
      }
      const identity = await gateway.whoAmI({ signal: s.abort?.signal }).catch(() => undefined);
      if (identity && s.gen === gen) { s.identity = identity; changed = true; }
    } catch (e) {
      this.log.debug(`extras of ${id}:`, e);
    }
    if (changed && s.gen === gen && !this.isDisposed) this.fire(node);
  }

  private childrenOf(node: ConnectionNode, s: ConnState): KeysNode[] {
    const id = node.connectionId;
    if (s.phase === 'error' && s.error) return [new MessageNode(id, node, s.error.kind, s.error.message)];
    if (s.phase !== 'ok') return [];
    const filter = this.filters.get(id);
    const out: KeysNode[] = [];
    if (isFilterActive(filter)) out.push(new MessageNode(id, node, 'filter', describeFilter(filter)));
    const now = Date.now();
    const source = s.search?.items ?? s.loaded;
    let matches = isFilterActive(filter) ? source.filter((k) => matchesFilter(k, filter, now)) : source;
    matches = sortKeys(matches, this.sortOf(id));
    const visible = s.search ? matches.slice(0, s.shown) : matches;
    const nodes = new Map<string, KeyNode>();
    for (const k of visible) {
      const existing = s.keyNodes.get(k.id);
      const n = existing ?? new KeyNode(id, k.id, k, node);
      n.key = k;
      nodes.set(k.id, n);
      out.push(n);
    }
    s.keyNodes = nodes;
    if (source.length === 0 && !s.hasMore) {
      out.push(new MessageNode(id, node, 'empty', s.search ? vscode.l10n.t('No key name matches "{0}".', s.search.term) : vscode.l10n.t('This gateway has no keys yet.')));
    } else if (visible.length === 0) {
      out.push(new MessageNode(id, node, 'noMatch', s.hasMore
        ? vscode.l10n.t('None of the {0} keys loaded so far matches the filter.', source.length)
        : vscode.l10n.t('No key matches the filter.')));
    }
    if (s.moreError) out.push(new MessageNode(id, node, 'moreError', s.moreError));
    if (s.search) {
      if (matches.length > s.shown) out.push(new LoadMoreNode(id, node, matches.length - s.shown));
    } else if (s.hasMore) {
      out.push(new LoadMoreNode(id, node, s.total !== undefined ? Math.max(0, s.total - s.loaded.length) : undefined));
    }
    return out;
  }

  // ---- items --------------------------------------------------------------------------------

  private connectionItem(node: ConnectionNode): vscode.TreeItem {
    const p = node.profile;
    const s = this.states.get(node.connectionId);
    const kind = describeKind(p.kind).label;
    const item = new vscode.TreeItem(p.label, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = `conn:${p.id}`;
    item.contextValue = 'aiGateway.connection';
    const parts: string[] = [kind];
    if (s?.identity) {
      if (s.identity.label && s.identity.label !== p.label) parts.push(s.identity.label);
      if (s.identity.balance) parts.push(vscode.l10n.t('balance {0}', formatMoney(s.identity.balance)));
    }
    if (s?.phase === 'ok' && s.total !== undefined && !s.search) parts.push(vscode.l10n.t('{0} keys', s.total));
    const filter = this.filters.get(p.id);
    if (isFilterActive(filter)) parts.push(describeFilter(filter));
    const sort = this.sortOf(p.id);
    if (sort !== 'server') parts.push(vscode.l10n.t('sorted by {0}', sortLabel(sort)));
    item.description = parts.join(' · ');
    const state = !s || s.phase === 'idle' ? 'idle' : s.phase === 'loading' ? 'loading' : s.phase === 'ok' ? 'ok' : s.error?.kind ?? 'error';
    const insecure = isInsecureProfile(p);
    item.iconPath = connectionIcon(state, insecure);
    const md = new vscode.MarkdownString(undefined, false);
    md.appendMarkdown(`**${escapeMd(p.label)}**\n\n`);
    md.appendText(`${kind} · ${p.baseUrl}\n\n`);
    md.supportThemeIcons = true;
    const insecureText = insecure ? vscode.l10n.t('Plain http:// to another machine (allowInsecureHttp): the token is sent unencrypted and can be read on the network.') : '';
    if (insecureText) md.appendMarkdown('$(warning) ').appendText(`${insecureText}\n\n`);
    const stateText = connectionStateText(state, s?.error?.message);
    if (stateText) md.appendText(stateText);
    item.tooltip = md;
    item.accessibilityInformation = { label: `${p.label}, ${item.description}${insecureText ? `, ${insecureText}` : ''}${stateText ? `, ${stateText}` : ''}` };
    return item;
  }

  private keyItem(node: KeyNode): vscode.TreeItem {
    const k = node.key;
    const item = new vscode.TreeItem(k.name || k.id, vscode.TreeItemCollapsibleState.None);
    item.id = `key:${node.connectionId}:${k.id}`;
    const now = Date.now();
    const status = displayStatus(k, now);
    const teams = this.states.get(node.connectionId)?.teams;
    const facts = keyFacts(k, now, (t) => teams?.get(t)).slice(0, 2).map(factText);
    item.description = [k.maskedKey, ...facts].join(' · ');
    item.iconPath = statusIcon(status);
    item.contextValue = `aiGateway.key.${status}`;
    item.accessibilityInformation = { label: `${k.name || k.id}, ${statusLabel(status)}, ${facts.join(', ')}` };
    return item;
  }

  private messageItem(node: MessageNode): vscode.TreeItem {
    const arg = [{ connectionId: node.connectionId }];
    let label = node.message;
    let icon: vscode.ThemeIcon;
    let command: vscode.Command | undefined;
    switch (node.kind) {
      case 'tokenRejected':
        label = vscode.l10n.t('Token rejected — Update token');
        icon = new vscode.ThemeIcon('lock', new vscode.ThemeColor('list.errorForeground'));
        command = { command: CommandIds.updateToken, title: vscode.l10n.t('Update Token'), arguments: arg };
        break;
      case 'noToken':
        label = vscode.l10n.t('No token stored — Update token');
        icon = new vscode.ThemeIcon('key', new vscode.ThemeColor('list.warningForeground'));
        command = { command: CommandIds.updateToken, title: vscode.l10n.t('Update Token'), arguments: arg };
        break;
      case 'secretStorage':
        icon = new vscode.ThemeIcon('lock', new vscode.ThemeColor('list.errorForeground'));
        command = { command: CommandIds.refreshConnection, title: vscode.l10n.t('Retry'), arguments: arg };
        break;
      case 'error':
        icon = new vscode.ThemeIcon('error', new vscode.ThemeColor('list.errorForeground'));
        command = { command: CommandIds.refreshConnection, title: vscode.l10n.t('Retry'), arguments: arg };
        break;
      case 'moreError':
        icon = new vscode.ThemeIcon('error', new vscode.ThemeColor('list.errorForeground'));
        command = { command: CommandIds.loadMoreKeys, title: vscode.l10n.t('Retry'), arguments: arg };
        break;
      case 'filter':
        label = vscode.l10n.t('Filtered: {0}', node.message);
        icon = new vscode.ThemeIcon('filter');
        command = { command: CommandIds.clearKeyFilter, title: vscode.l10n.t('Clear Filter'), arguments: arg };
        break;
      default:
        icon = new vscode.ThemeIcon('info');
    }
    const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.None);
    item.id = `msg:${node.connectionId}:${node.kind}`;
    item.iconPath = icon;
    item.contextValue = `aiGateway.message.${node.kind}`;
    if (command) item.command = command;
    const md = new vscode.MarkdownString(undefined, false);
    md.appendText(node.message);
    if (node.kind === 'error' || node.kind === 'moreError' || node.kind === 'secretStorage') md.appendText(`\n\n${vscode.l10n.t('Click to retry.')}`);
    if (node.kind === 'filter') md.appendText(`\n\n${vscode.l10n.t('Click to clear the filter.')}`);
    item.tooltip = md;
    return item;
  }

  // ---- bookkeeping --------------------------------------------------------------------------

  private stateOf(connectionId: string): ConnState {
    let s = this.states.get(connectionId);
    if (!s) {
      s = newState();
      this.states.set(connectionId, s);
    }
    return s;
  }

  private nodeFor(p: ConnectionProfile): ConnectionNode {
    let n = this.nodes.get(p.id);
    if (!n) {
      n = new ConnectionNode(p.id, p);
      this.nodes.set(p.id, n);
    } else {
      n.profile = p;
    }
    return n;
  }

  private syncNodes(): void {
    for (const p of this.store.list()) this.nodeFor(p);
    void vscode.commands.executeCommand('setContext', ContextKeys.hasConnections, this.store.list().length > 0);
  }

  private onProfilesChanged(): void {
    const current = new Map(this.store.list().map((p) => [p.id, p]));
    for (const [id, node] of [...this.nodes]) {
      const p = current.get(id);
      if (!p) {
        this.nodes.delete(id);
        this.states.get(id)?.abort?.abort();
        this.states.delete(id);
        this.filters.delete(id);
      } else if (JSON.stringify(p) !== JSON.stringify(node.profile)) {
        node.profile = p;
        const s = this.states.get(id);
        if (s) this.resetState(s);
      }
    }
    this.syncNodes();
    this._onDidChangeTreeData.fire(undefined);
  }

  private resetState(s: ConnState): void {
    s.gen++;
    s.abort?.abort();
    s.abort = undefined;
    s.inflight = undefined;
    s.moreInflight = undefined;
    s.phase = 'idle';
    s.error = undefined;
    s.moreError = undefined;
    s.identity = undefined;
  }

  private resetConnection(connectionId: string): void {
    const node = this.nodes.get(connectionId);
    const s = this.states.get(connectionId);
    if (!node) return;
    if (s) this.resetState(s);
    this.fire(node);
  }

  private fireConnection(connectionId: string): void {
    const node = this.nodes.get(connectionId);
    if (node) this.fire(node);
  }

  private fire(node: KeysNode): void {
    if (!this.isDisposed) this._onDidChangeTreeData.fire(node);
  }

  override dispose(): void {
    for (const s of this.states.values()) s.abort?.abort();
    super.dispose();
  }
}

// ---- helpers ------------------------------------------------------------------------------------

function withoutSecret(k: ApiKey): ApiKey {
  if (k.secret === undefined) return k;
  const copy: { -readonly [P in keyof ApiKey]?: ApiKey[P] } = { ...k };
  delete copy.secret;
  return copy as ApiKey;
}

function isAborted(e: unknown): boolean {
  return (isGatewayError(e) && e.kind === 'aborted') || (e instanceof Error && e.name === 'AbortError');
}

function classify(e: unknown): { kind: ErrorKind; message: string } {
  if (e instanceof MissingTokenError) return { kind: 'noToken', message: e.message };
  if (e instanceof SecretStorageUnavailableError) return { kind: 'secretStorage', message: e.message };
  if (isGatewayError(e) && e.kind === 'auth') return { kind: 'tokenRejected', message: userMessage(e) };
  return { kind: 'error', message: userMessage(e) };
}

function connectionIcon(state: 'idle' | 'loading' | 'ok' | ErrorKind, insecure: boolean): vscode.ThemeIcon {
  switch (state) {
    case 'idle': return insecure ? new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground')) : new vscode.ThemeIcon('plug');
    case 'loading': return new vscode.ThemeIcon('loading~spin');
    case 'ok': return insecure ? new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground')) : new vscode.ThemeIcon('plug', new vscode.ThemeColor('testing.iconPassed'));
    case 'tokenRejected': return new vscode.ThemeIcon('lock', new vscode.ThemeColor('list.errorForeground'));
    case 'noToken': return new vscode.ThemeIcon('key', new vscode.ThemeColor('list.warningForeground'));
    case 'secretStorage': return new vscode.ThemeIcon('lock', new vscode.ThemeColor('list.errorForeground'));
    case 'error': return new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.errorForeground'));
  }
}

/** The row of an invalid settings entry: what is wrong, and a click opens the settings at it. */
function invalidConnectionItem(e: InvalidConnection): vscode.TreeItem {
  const name = e.label ?? e.id ?? `aiGateway.connections[${e.index}]`;
  const item = new vscode.TreeItem(name, vscode.TreeItemCollapsibleState.None);
  item.id = `invalid:${e.index}:${e.id ?? ''}`;
  item.contextValue = e.id ? 'aiGateway.invalidConnection.withId' : 'aiGateway.invalidConnection';
  item.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('list.errorForeground'));
  const problems = e.problems.map((p) => describeProfileProblem(p));
  item.description = vscode.l10n.t('Invalid settings: {0}', problems[0] ?? '');
  const md = new vscode.MarkdownString(undefined, false);
  md.appendMarkdown(`**${escapeMd(name)}**\n\n`);
  md.appendText(`${vscode.l10n.t('This entry of aiGateway.connections in settings.json is not used, and no token is sent for it, until it is fixed:')}\n\n`);
  for (const p of problems) md.appendText(`• ${p}\n`);
  md.appendText(`\n${vscode.l10n.t('Click to open the settings at it.')}`);
  item.tooltip = md;
  item.command = { command: CommandIds.openConnectionSettings, title: vscode.l10n.t('Open Settings') };
  item.accessibilityInformation = { label: `${name}, ${vscode.l10n.t('Invalid settings: {0}', problems.join(' '))}` };
  return item;
}

function connectionStateText(state: 'idle' | 'loading' | 'ok' | ErrorKind, message?: string): string {
  switch (state) {
    case 'idle': return vscode.l10n.t('Expand to list its keys.');
    case 'loading': return vscode.l10n.t('Loading…');
    case 'ok': return '';
    case 'tokenRejected': return vscode.l10n.t('The gateway rejected the token.');
    case 'noToken': return vscode.l10n.t('No token is stored for this connection.');
    default: return message ?? '';
  }
}

export function statusIcon(status: DisplayStatus): vscode.ThemeIcon {
  switch (status) {
    case 'active': return new vscode.ThemeIcon('key', new vscode.ThemeColor('charts.green'));
    case 'grace': return new vscode.ThemeIcon('history', new vscode.ThemeColor('charts.yellow'));
    case 'disabled': return new vscode.ThemeIcon('circle-slash', new vscode.ThemeColor('disabledForeground'));
    case 'expired': return new vscode.ThemeIcon('clock', new vscode.ThemeColor('list.errorForeground'));
    case 'exhausted': return new vscode.ThemeIcon('warning', new vscode.ThemeColor('charts.orange'));
    case 'unknown': return new vscode.ThemeIcon('question');
  }
}

export function statusLabel(status: DisplayStatus): string {
  switch (status) {
    case 'active': return vscode.l10n.t('active');
    case 'grace': return vscode.l10n.t('in rotation grace');
    case 'disabled': return vscode.l10n.t('disabled');
    case 'expired': return vscode.l10n.t('expired');
    case 'exhausted': return vscode.l10n.t('quota exhausted');
    case 'unknown': return vscode.l10n.t('unknown status');
  }
}

export function sortLabel(sort: KeySort): string {
  switch (sort) {
    case 'server': return vscode.l10n.t('gateway order');
    case 'name': return vscode.l10n.t('name');
    case 'created': return vscode.l10n.t('created (newest first)');
    case 'expiry': return vscode.l10n.t('expiry (soonest first)');
    case 'usage': return vscode.l10n.t('usage (most used first)');
  }
}

export function relativeText(r: Relative): string {
  if (r.past) {
    switch (r.unit) {
      case 'm': return vscode.l10n.t('{0} min ago', r.value);
      case 'h': return vscode.l10n.t('{0} h ago', r.value);
      case 'd': return vscode.l10n.t('{0} d ago', r.value);
    }
  }
  switch (r.unit) {
    case 'm': return vscode.l10n.t('in {0} min', r.value);
    case 'h': return vscode.l10n.t('in {0} h', r.value);
    case 'd': return vscode.l10n.t('in {0} d', r.value);
  }
}

function factText(f: KeyFact): string {
  switch (f.kind) {
    case 'grace': return vscode.l10n.t('rotation grace ends {0}', relativeText(f.until));
    case 'status': return statusLabel(f.status);
    case 'expiresSoon':
    case 'expires': return vscode.l10n.t('expires {0}', relativeText(f.in));
    case 'quota': return vscode.l10n.t('{0} left', formatMoney(f.remaining));
    case 'unlimited': return vscode.l10n.t('unlimited quota');
    case 'limits': {
      const parts: string[] = [];
      if (f.rpm !== undefined) parts.push(vscode.l10n.t('{0} rpm', compactNumber(f.rpm)));
      if (f.tpm !== undefined) parts.push(vscode.l10n.t('{0} tpm', compactNumber(f.tpm)));
      return parts.join(' / ');
    }
    case 'team': return vscode.l10n.t('team {0}', f.team);
  }
}

export function describeFilter(f: KeyFilter): string {
  const parts: string[] = [];
  if (f.name !== undefined) parts.push(vscode.l10n.t('name contains "{0}"', f.name));
  if (f.status !== undefined) parts.push(statusLabel(f.status));
  if (f.model !== undefined) parts.push(vscode.l10n.t('allows {0}', f.model));
  return parts.join(', ');
}

function escapeMd(s: string): string {
  return s.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
}

function dateText(iso: string | null | undefined, never: string): string {
  if (!iso) return never;
  const t = Date.parse(iso);
  if (!Number.isFinite(t)) return iso;
  return `${new Date(t).toISOString().replace('T', ' ').slice(0, 16)} UTC`;
}

/** The full tooltip of a key (built lazily): every field the gateway sent, never the secret. */
export function keyTooltip(k: ApiKey, teams?: ReadonlyMap<string, string>): vscode.MarkdownString {
  const md = new vscode.MarkdownString(undefined, false);
  const now = Date.now();
  const status = displayStatus(k, now);
  md.appendMarkdown(`**${escapeMd(k.name || k.id)}** \`${k.maskedKey.replace(/`/g, '')}\`\n\n`);
  const rows: Array<[string, string]> = [];
  rows.push([vscode.l10n.t('Status'), `${statusLabel(status)} (${vscode.l10n.t('as sent: {0}', String(k.rawStatus))})`]);
  if (k.rotateGraceUntil) rows.push([vscode.l10n.t('Rotation grace until'), dateText(k.rotateGraceUntil, '—')]);
  if (k.quota) {
    rows.push([vscode.l10n.t('Remaining quota'), k.quota.unlimited ? vscode.l10n.t('unlimited') : k.quota.remaining ? formatMoney(k.quota.remaining) : '—']);
    if (k.quota.used) rows.push([vscode.l10n.t('Used'), formatMoney(k.quota.used)]);
  }
  if (k.rpmLimit !== undefined || k.tpmLimit !== undefined) {
    rows.push([vscode.l10n.t('Limits'), `${k.rpmLimit ?? '—'} rpm · ${k.tpmLimit ?? '—'} tpm`]);
  }
  const expR = k.expiresAt ? relativeTime(k.expiresAt, now) : undefined;
  const expRel = expR ? relativeText(expR) : undefined;
  rows.push([vscode.l10n.t('Expires'), `${dateText(k.expiresAt, vscode.l10n.t('never'))}${expRel ? ` (${expRel})` : ''}`]);
  const usedR = k.lastUsedAt ? relativeTime(k.lastUsedAt, now) : undefined;
  const usedRel = usedR ? relativeText(usedR) : undefined;
  rows.push([vscode.l10n.t('Last used'), `${dateText(k.lastUsedAt, vscode.l10n.t('never'))}${usedRel ? ` (${usedRel})` : ''}`]);
  if (k.createdAt !== undefined) rows.push([vscode.l10n.t('Created'), dateText(k.createdAt, '—')]);
  if (k.teamId !== undefined) rows.push([vscode.l10n.t('Team'), k.teamId ? `${teams?.get(k.teamId) ?? ''} ${k.teamId}`.trim() : vscode.l10n.t('none')]);
  rows.push([vscode.l10n.t('Models allowed'), k.modelsAllowed.length ? k.modelsAllowed.join(', ') : vscode.l10n.t('all models')]);
  rows.push([vscode.l10n.t('IPs allowed'), k.allowedIps.length ? k.allowedIps.join(', ') : vscode.l10n.t('any')]);
  if (k.isSandbox !== undefined) rows.push([vscode.l10n.t('Sandbox'), k.isSandbox ? vscode.l10n.t('yes') : vscode.l10n.t('no')]);
  rows.push([vscode.l10n.t('Key id'), k.id]);
  md.appendMarkdown(`| | |\n|---|---|\n${rows.map(([a, b]) => `| ${escapeMd(a)} | ${escapeMd(b)} |`).join('\n')}\n`);
  return md;
}
