/**
 * What the keys tree knows about each connection, apart from how it is drawn: the nodes (kept stable across
 * renders), what was read (loading.ts: lazy first page, paging, server-side name search), filters, the rows a
 * connection shows (connectionRows.ts), and generations — every reset bumps a connection's generation and aborts its requests, so an
 * answer that arrives for an older generation is dropped, never shown. No 'vscode' import: the tree
 * (tree.ts) supplies the words, the page size, the sort order and the error classification, and this module is
 * unit-tested in Node (test/unit/keys-state.test.ts).
 */
import type { ApiKey, Identity } from '../../core/types';
import type { ConnectionProfile } from '../../platform/profiles';
import {
  type ConnState,
  type LoadContext,
  type Phase,
  cancelFirst,
  hasRows,
  loadFirst,
  loadNext,
  newState,
  resetState,
  searchTerm,
} from './loading';
import { type KeysTexts, connectionRows } from './connectionRows';
import { type KeyFilter, type KeySort, isFilterActive, keyFilterSchema } from './logic';
import { ConnectionNode, type KeyNode, type KeysNode, type LoadErrorKind } from './nodes';
import type { KeyRef } from './refs';

/** How long the tree waits for a first read before it shows the row "Reading the keys…" with Cancel. */
export const SLOW_MS = 1500;

export interface KeysStateDeps extends Omit<LoadContext, 'filterOf' | 'fire' | 'cancelledText'> {
  readonly texts: KeysTexts;
  sortOf(connectionId: string): KeySort;
  /** Overrides SLOW_MS (tests). */
  readonly slowMs?: number;
  /** A node (or, with undefined, the whole tree) must be drawn again. */
  changed(node: KeysNode | undefined): void;
}

/** A read-only view of one connection's state, for drawing its row. */
export interface ConnectionView {
  readonly phase: Phase;
  readonly error?: { readonly kind: LoadErrorKind; readonly message: string };
  /** The gateway's total, while paging (not while a search is shown). */
  readonly total?: number;
  readonly searching: boolean;
  readonly identity?: Identity;
  /** The rows shown were read at this time and a later read failed or is under way: they may be out of date. */
  readonly staleSince?: number;
  /** How many keys are loaded (server pages, or search results), and whether the gateway has more. */
  readonly loaded: number;
  readonly hasMore: boolean;
}

/** A key without its secret: a secret shown once (create / rotate) is not kept in the tree. */
export function withoutSecret(k: ApiKey): ApiKey {
  if (k.secret === undefined) return k;
  const copy: { -readonly [P in keyof ApiKey]?: ApiKey[P] } = { ...k };
  delete copy.secret;
  return copy as ApiKey;
}

export class KeysState {
  private readonly nodes = new Map<string, ConnectionNode>();
  private readonly states = new Map<string, ConnState>();
  private readonly filters = new Map<string, KeyFilter>();
  private disposed = false;
  private readonly ctx: LoadContext;

  constructor(private readonly deps: KeysStateDeps) {
    this.ctx = {
      ...deps,
      filterOf: (id) => this.filters.get(id),
      fire: (node) => this.fire(node),
      cancelledText: () => deps.texts.cancelled(),
    };
    for (const p of deps.source.list()) this.nodeFor(p);
  }

  // ---- nodes ---------------------------------------------------------------------------------

  connectionNode(connectionId: string): ConnectionNode | undefined {
    return this.nodes.get(connectionId);
  }

  /** The node of a valid profile, kept across renders (its profile updated). */
  nodeFor(p: ConnectionProfile): ConnectionNode {
    let n = this.nodes.get(p.id);
    if (!n) {
      n = new ConnectionNode(p.id, p);
      this.nodes.set(p.id, n);
    } else {
      n.profile = p;
    }
    return n;
  }

  keyNode(ref: KeyRef): KeyNode | undefined {
    return this.states.get(ref.connectionId)?.keyNodes.get(ref.keyId);
  }

  // ---- what the rows show --------------------------------------------------------------------

  view(connectionId: string): ConnectionView {
    const s = this.states.get(connectionId);
    if (!s) return { phase: 'idle', searching: false, loaded: 0, hasMore: false };
    return {
      phase: s.phase,
      ...(s.error ? { error: s.error } : {}),
      ...(s.phase === 'ok' && s.total !== undefined && !s.search ? { total: s.total } : {}),
      searching: !!s.search,
      ...(s.identity ? { identity: s.identity } : {}),
      ...(s.phase !== 'ok' && hasRows(s) && s.readAt !== undefined ? { staleSince: s.readAt } : {}),
      loaded: s.search ? s.search.items.length : s.loaded.length,
      hasMore: !s.search && s.hasMore,
    };
  }

  identityOf(connectionId: string): Identity | undefined {
    return this.states.get(connectionId)?.identity;
  }

  teamsOf(connectionId: string): ReadonlyMap<string, string> | undefined {
    return this.states.get(connectionId)?.teams;
  }

  /** The keys read so far (server pages, or the search results while a name search is active). */
  loadedKeys(connectionId: string): readonly ApiKey[] {
    const s = this.states.get(connectionId);
    return s ? (s.search?.items ?? s.loaded) : [];
  }

  /** The key as last read, if loaded. */
  cachedKey(ref: KeyRef): ApiKey | undefined {
    return this.keyNode(ref)?.key ?? this.loadedKeys(ref.connectionId).find((k) => k.id === ref.keyId);
  }

  filterOf(connectionId: string): KeyFilter | undefined {
    return this.filters.get(connectionId);
  }

  /** Everything under way for a connection has finished. */
  async settled(connectionId: string): Promise<void> {
    for (;;) {
      const s = this.states.get(connectionId);
      const pending = [s?.inflight, s?.moreInflight, s?.extras].filter((p): p is Promise<void> => p !== undefined);
      if (!pending.length) return;
      await Promise.allSettled(pending);
    }
  }

  // ---- children ------------------------------------------------------------------------------

  /**
   * A connection's rows: the first expand starts the load. The rows come once it has finished, or — when it takes
   * longer than SLOW_MS — a row "Reading the keys…" with Cancel comes first (above the rows read before, if any).
   */
  async children(node: ConnectionNode): Promise<KeysNode[]> {
    const s = this.stateOf(node.connectionId);
    if (s.phase === 'idle') void loadFirst(this.ctx, node, s);
    if (s.inflight) {
      const slow = this.deps.slowMs ?? SLOW_MS;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const late = await Promise.race([
        s.inflight.then(() => false),
        new Promise<boolean>((resolve) => {
          timer = setTimeout(() => resolve(true), slow);
        }),
      ]);
      if (timer) clearTimeout(timer);
      if (late && s.phase === 'loading') return this.childrenOf(node, s, true);
    }
    return this.childrenOf(node, s, false);
  }

  private childrenOf(node: ConnectionNode, s: ConnState, stillLoading: boolean): KeysNode[] {
    const id = node.connectionId;
    return connectionRows(node, s, {
      stillLoading,
      filter: this.filters.get(id),
      sort: this.deps.sortOf(id),
      texts: this.deps.texts,
    });
  }

  /** Stops the first read under way; the rows read before (if any) stay, marked stale, under a "Cancelled" row. */
  cancelLoad(connectionId: string): void {
    const s = this.states.get(connectionId);
    const node = this.nodes.get(connectionId);
    if (s && node) cancelFirst(this.ctx, node, s);
  }

  /**
   * Reads every remaining page (for a sort over all keys), reporting how many are loaded; stops when `signal` aborts
   * (what was read stays) or a page fails (its sentence is thrown).
   */
  async loadAll(
    connectionId: string,
    progress: (loaded: number, total: number | undefined) => void,
    signal: AbortSignal,
  ): Promise<void> {
    const s = this.states.get(connectionId);
    const node = this.nodes.get(connectionId);
    if (!s || !node) return;
    if (s.phase === 'idle') await loadFirst(this.ctx, node, s);
    if (s.inflight) await s.inflight;
    const stop = () => s.abort?.abort();
    signal.addEventListener('abort', stop);
    try {
      while (s.phase === 'ok' && s.hasMore && !s.search && !signal.aborted) {
        await loadNext(this.ctx, node, s);
        if (s.moreError) throw new Error(s.moreError);
        progress(s.loaded.length, s.total);
      }
    } finally {
      signal.removeEventListener('abort', stop);
    }
  }

  // ---- loading -------------------------------------------------------------------------------

  /** Reads the next page (or shows the next slice of search results). */
  async loadMore(connectionId: string): Promise<void> {
    const s = this.states.get(connectionId);
    const node = this.nodes.get(connectionId);
    if (!s || !node) return;
    return loadNext(this.ctx, node, s);
  }

  // ---- changes -------------------------------------------------------------------------------

  /** Sets (or clears, with undefined) a connection's filter. A name search re-reads; other filters apply to what is loaded. */
  setFilter(connectionId: string, filter: KeyFilter | undefined): void {
    this.deps.source.require(connectionId);
    const f = filter ? keyFilterSchema.parse(filter) : undefined;
    const before = this.filters.get(connectionId);
    if (isFilterActive(f)) this.filters.set(connectionId, f);
    else this.filters.delete(connectionId);
    const s = this.states.get(connectionId);
    const searchBefore = searchTerm(this.deps.source, connectionId, before);
    const searchAfter = searchTerm(this.deps.source, connectionId, f);
    if (s && searchBefore !== searchAfter) {
      this.reset(connectionId);
      return;
    }
    if (s) s.shown = this.deps.pageSize();
    this.changedConnection(connectionId);
  }

  /** After a write elsewhere (create, edit, rotate, toggle): puts the fresh key in place (or first) and re-renders. */
  upsertKey(connectionId: string, written: ApiKey): void {
    const key = withoutSecret(written);
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
    if (n && !isFilterActive(this.filters.get(connectionId)) && this.deps.sortOf(connectionId) === 'server') {
      n.key = key;
      this.fire(n);
    } else {
      this.changedConnection(connectionId);
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
    this.changedConnection(connectionId);
  }

  /** Forgets what was read for a connection (a new generation); only its node is drawn again. */
  reset(connectionId: string): void {
    const node = this.nodes.get(connectionId);
    if (!node) return;
    const s = this.states.get(connectionId);
    if (s) resetState(s);
    this.fire(node);
  }

  /** Every connection read so far is read again (e.g. the page size changed). */
  resetAll(): void {
    for (const id of this.states.keys()) this.reset(id);
  }

  /**
   * The profiles changed: a removed connection's state is dropped (its requests aborted), a changed one starts
   * over; the whole tree is drawn again.
   */
  profilesChanged(): void {
    const current = new Map(this.deps.source.list().map((p) => [p.id, p]));
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
        if (s) resetState(s, true); // another gateway or token: nothing read before is shown
      }
    }
    for (const p of current.values()) this.nodeFor(p);
    this.fire(undefined);
  }

  /** A connection's rows must be drawn again (its sort order changed, …). */
  changedConnection(connectionId: string): void {
    const node = this.nodes.get(connectionId);
    if (node) this.fire(node);
  }

  dispose(): void {
    this.disposed = true;
    for (const s of this.states.values()) s.abort?.abort();
  }

  // ---- bookkeeping ---------------------------------------------------------------------------

  private stateOf(connectionId: string): ConnState {
    let s = this.states.get(connectionId);
    if (!s) {
      s = newState();
      this.states.set(connectionId, s);
    }
    return s;
  }

  private fire(node: KeysNode | undefined): void {
    if (!this.disposed) this.deps.changed(node);
  }
}
