/**
 * How the keys tree reads one connection: the first page (or, for a name filter where the gateway searches, the
 * search results), then "who am I" and team names (best effort), then further pages on "Load more…". Each read
 * belongs to the connection's generation when it started; a reset (state.ts) bumps the generation and aborts, and
 * an answer for an older generation is dropped. No 'vscode' import.
 */
import type { ApiKey, Identity } from '../../core/types';
import { isGatewayError } from '../../gateway/errors';
import type { Gateway, KeyListOrder } from '../../gateway/gateway';
import type { Logger } from '../../platform/logger';
import type { ConnectionProfile } from '../../platform/profiles';
import type { KeyFilter } from './logic';
import type { ConnectionNode, KeyNode, KeysNode, LoadErrorKind } from './nodes';

export type Phase = 'idle' | 'loading' | 'ok' | 'error';

/** The connections the tree reads from (the ConnectionStore in the extension). */
export interface KeysSource {
  list(): readonly ConnectionProfile[];
  get(id: string): ConnectionProfile | undefined;
  /** Throws for an unknown or invalid connection. */
  require(id: string): ConnectionProfile;
  hasToken(id: string): Promise<boolean>;
  gateway(id: string): Gateway;
}

/** What a read needs from its surroundings (the tree supplies the page size and the error classification). */
export interface LoadContext {
  readonly source: KeysSource;
  readonly log: Logger;
  /** Keys per page (read at each request). */
  pageSize(): number;
  /** The error a connection without a stored token fails with. */
  noToken(connectionId: string, label: string): Error;
  /** A failed first page: what kind of failure, in one sentence. */
  classify(error: unknown): { readonly kind: LoadErrorKind; readonly message: string };
  /** A failed later page, in one sentence. */
  message(error: unknown): string;
  /** The sentence of a read the user cancelled. */
  cancelledText(): string;
  /** A first page was listed, or failed with this kind. */
  loaded?(result: 'ok' | LoadErrorKind): void;
  filterOf(connectionId: string): KeyFilter | undefined;
  /** The order to read the gateway's list in (the connection's sort, where the gateway sorts so itself). */
  orderOf?(connectionId: string): KeyListOrder | undefined;
  /** A node must be drawn again (dropped once the tree is disposed). */
  fire(node: KeysNode): void;
}

export interface ConnState {
  gen: number;
  phase: Phase;
  inflight?: Promise<void>;
  abort?: AbortController;
  /** Pages read from the gateway, in its order. */
  loaded: ApiKey[];
  nextPage: number;
  hasMore: boolean;
  /** The order the gateway sorted the pages in (absent: its own order). */
  order?: KeyListOrder;
  total?: number;
  /** Server-side search results for a name filter (unpaged on the wire; shown `shown` at a time). */
  search?: { readonly term: string; readonly items: ApiKey[] };
  shown: number;
  error?: { readonly kind: LoadErrorKind; readonly message: string };
  moreError?: string;
  moreInflight?: Promise<void>;
  extras?: Promise<void>;
  identity?: Identity;
  teams?: ReadonlyMap<string, string>;
  keyNodes: Map<string, KeyNode>;
  /** When the rows shown were read (ms epoch); kept, marked stale, when a later read fails. */
  readAt?: number;
  /** The user cancelled the read under way. */
  cancelled?: boolean;
}

export const newState = (): ConnState => ({
  gen: 0,
  phase: 'idle',
  loaded: [],
  nextPage: 0,
  hasMore: false,
  shown: 0,
  keyNodes: new Map(),
});

/**
 * A new generation: what was under way is aborted and its answers dropped; the next expand reads again. The rows
 * read so far stay (shown as stale if the next read fails) unless `forget`: the connection itself changed.
 */
export function resetState(s: ConnState, forget = false): void {
  s.gen++;
  s.abort?.abort();
  s.abort = undefined;
  s.inflight = undefined;
  s.moreInflight = undefined;
  s.phase = 'idle';
  s.error = undefined;
  s.moreError = undefined;
  s.identity = undefined;
  s.cancelled = undefined;
  if (forget) {
    s.loaded = [];
    s.search = undefined;
    s.hasMore = false;
    s.total = undefined;
    s.readAt = undefined;
    s.keyNodes = new Map();
  }
}

/** Whether rows read before are there to show (kept, stale, while a read fails or runs again). */
export function hasRows(s: ConnState): boolean {
  return s.readAt !== undefined && (s.search ? s.search.items.length > 0 : s.loaded.length > 0);
}

/** Stops the first read under way (the user pressed Cancel): the rows read before stay, marked stale. */
export function cancelFirst(ctx: LoadContext, node: ConnectionNode, s: ConnState): void {
  if (!s.inflight) return;
  s.cancelled = true;
  s.abort?.abort();
  ctx.fire(node);
}

export function isAborted(e: unknown): boolean {
  return (isGatewayError(e) && e.kind === 'aborted') || (e instanceof Error && e.name === 'AbortError');
}

/** The name to search on the server: only where the gateway searches and the filter has a name. */
export function searchTerm(source: KeysSource, connectionId: string, f: KeyFilter | undefined): string | undefined {
  const profile = source.get(connectionId);
  if (!profile || !f?.name) return undefined;
  try {
    return source.gateway(connectionId).capabilities.searchKeys ? f.name : undefined;
  } catch {
    return undefined;
  }
}

/** Reads the first page (or the search results) of a connection; one read at a time. */
export function loadFirst(ctx: LoadContext, node: ConnectionNode, s: ConnState): Promise<void> {
  if (s.inflight) return s.inflight;
  const id = node.connectionId;
  const gen = ++s.gen;
  s.abort?.abort();
  const ac = new AbortController();
  s.abort = ac;
  s.phase = 'loading';
  s.error = undefined;
  s.moreError = undefined;
  s.cancelled = undefined;
  ctx.fire(node);
  const started = Date.now();
  const work = (async () => {
    try {
      if (!(await ctx.source.hasToken(id))) throw ctx.noToken(id, node.profile.label);
      const gateway = ctx.source.gateway(id);
      const term = searchTerm(ctx.source, id, ctx.filterOf(id));
      if (term !== undefined) {
        const items = await gateway.searchKeys(term, { signal: ac.signal });
        if (s.gen !== gen) return;
        s.search = { term, items: [...items] };
        s.loaded = [];
        s.hasMore = false;
        s.total = undefined;
      } else {
        const order = ctx.orderOf?.(id);
        const page = await gateway.listKeys({
          page: 0,
          pageSize: ctx.pageSize(),
          signal: ac.signal,
          ...(order ? { order } : {}),
        });
        if (s.gen !== gen) return;
        s.search = undefined;
        s.order = order;
        s.loaded = [...page.items];
        s.nextPage = 1;
        s.hasMore = page.hasMore && page.items.length > 0;
        s.total = page.total;
      }
      s.shown = ctx.pageSize();
      s.phase = 'ok';
      s.readAt = Date.now();
      ctx.loaded?.('ok');
      ctx.log.debug(
        `listed ${s.search ? s.search.items.length : s.loaded.length} key(s) of "${node.profile.label}" in ${Date.now() - started} ms`,
      );
      const extras: Promise<void> = loadExtras(ctx, node, s, gen).finally(() => {
        if (s.extras === extras) s.extras = undefined;
      });
      s.extras = extras;
    } catch (e) {
      if (s.gen !== gen) return;
      if (isAborted(e)) {
        if (!s.cancelled) return;
        s.phase = 'error';
        s.error = { kind: 'cancelled', message: ctx.cancelledText() };
        return;
      }
      s.phase = 'error';
      s.error = ctx.classify(e);
      ctx.loaded?.(s.error.kind);
      ctx.log.warn(`listing the keys of "${node.profile.label}" failed:`, e);
    }
  })();
  const p: Promise<void> = work.finally(() => {
    if (s.inflight === p) s.inflight = undefined;
    if (s.gen === gen) ctx.fire(node);
  });
  s.inflight = p;
  return p;
}

/** Who the gateway says we are and the balance, team names: best effort, after the keys, never an error row. */
async function loadExtras(ctx: LoadContext, node: ConnectionNode, s: ConnState, gen: number): Promise<void> {
  const id = node.connectionId;
  let changed = false;
  try {
    const gateway = ctx.source.gateway(id);
    if (gateway.capabilities.teams && !s.teams) {
      const teams = await gateway.listTeams({ signal: s.abort?.signal }).catch(() => undefined);
      if (teams && s.gen === gen) {
        s.teams = new Map(teams.map((t) => [t.id, t.name]));
        changed = true;
      }
    }
    const identity = await gateway.whoAmI({ signal: s.abort?.signal }).catch(() => undefined);
    if (identity && s.gen === gen) {
      s.identity = identity;
      changed = true;
    }
  } catch (e) {
    ctx.log.debug(`extras of "${node.profile.label}":`, e);
  }
  if (changed && s.gen === gen) ctx.fire(node);
}

/** Reads the next page (or shows the next slice of search results); one read at a time. */
export async function loadNext(ctx: LoadContext, node: ConnectionNode, s: ConnState): Promise<void> {
  if (s.inflight) await s.inflight;
  if (s.phase !== 'ok') return;
  if (s.search) {
    s.shown += ctx.pageSize();
    ctx.fire(node);
    return;
  }
  if (s.moreInflight) return s.moreInflight;
  if (!s.hasMore) return;
  const id = node.connectionId;
  const gen = s.gen;
  const work = (async () => {
    const ac = new AbortController();
    s.abort = ac;
    try {
      const page = await ctx.source.gateway(id).listKeys({
        page: s.nextPage,
        pageSize: ctx.pageSize(),
        signal: ac.signal,
        ...(s.order ? { order: s.order } : {}),
      });
      if (s.gen !== gen) return;
      const seen = new Set(s.loaded.map((k) => k.id));
      s.loaded.push(...page.items.filter((k) => !seen.has(k.id)));
      s.nextPage++;
      s.hasMore = page.hasMore && page.items.length > 0;
      if (page.total !== undefined) s.total = page.total;
      s.moreError = undefined;
    } catch (e) {
      if (s.gen !== gen || isAborted(e)) return;
      ctx.log.warn(`loading more keys of "${node.profile.label}" failed:`, e);
      s.moreError = ctx.message(e);
    }
  })();
  const p: Promise<void> = work.finally(() => {
    if (s.moreInflight === p) s.moreInflight = undefined;
    if (s.gen === gen) ctx.fire(node);
  });
  s.moreInflight = p;
  return p;
}
