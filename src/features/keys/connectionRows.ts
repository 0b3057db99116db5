/**
 * The rows a connection shows in the keys tree, from what was read: a "Reading the keys…" row while a slow read is
 * under way, the error or "Cancelled" row, the filter and partial-sort notes, the keys (filtered, sorted, their nodes
 * kept stable across renders), the empty or no-match sentence, and "Load more…". It changes nothing but the
 * connection's key nodes; the tree supplies the words.
 */
import { type ConnState, hasRows } from './loading';
import { type KeyFilter, type KeySort, isFilterActive, matchesFilter, sortIsComplete, sortKeys } from './logic';
import { type ConnectionNode, KeyNode, type KeysNode, LoadMoreNode, MessageNode } from './nodes';

/** The sentences of the message rows (localised by the tree). */
export interface KeysTexts {
  noKeys(): string;
  noNameMatch(term: string): string;
  noneLoadedMatches(loaded: number): string;
  noMatch(): string;
  filter(filter: KeyFilter): string;
  /** A read still under way after SLOW_MS, with Cancel. */
  loading(): string;
  /** The user cancelled a read. */
  cancelled(): string;
  /** A sort that could order only the keys loaded so far (`total` when the gateway reports one). */
  partialSort(sort: KeySort, loaded: number, total: number | undefined): string;
}

/** A connection's rows; its key nodes are replaced by those shown (kept when the key was shown before). */
export function connectionRows(
  node: ConnectionNode,
  s: ConnState,
  on: {
    readonly stillLoading: boolean;
    readonly filter: KeyFilter | undefined;
    readonly sort: KeySort;
    readonly texts: KeysTexts;
  },
): KeysNode[] {
  const { stillLoading, filter, sort, texts } = on;
  const id = node.connectionId;
  const out: KeysNode[] = [];
  const keepRows = hasRows(s);
  if (stillLoading) out.push(new MessageNode(id, node, 'loading', texts.loading()));
  if (s.phase === 'error' && s.error) out.push(new MessageNode(id, node, s.error.kind, s.error.message));
  if (!(s.phase === 'ok' || ((s.phase === 'error' || stillLoading) && keepRows))) return out;
  if (isFilterActive(filter)) out.push(new MessageNode(id, node, 'filter', texts.filter(filter)));
  if (!s.search && !sortIsComplete(sort, s.order, s.hasMore) && s.phase === 'ok') {
    out.push(new MessageNode(id, node, 'partialSort', texts.partialSort(sort, s.loaded.length, s.total)));
  }
  const now = Date.now();
  const source = s.search?.items ?? s.loaded;
  let matches = isFilterActive(filter) ? source.filter((k) => matchesFilter(k, filter, now)) : source;
  matches = sortKeys(matches, sort);
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
  if (s.phase !== 'ok') return out; // stale rows: no "Load more…", no empty-state sentence
  if (source.length === 0 && !s.hasMore) {
    out.push(new MessageNode(id, node, 'empty', s.search ? texts.noNameMatch(s.search.term) : texts.noKeys()));
  } else if (visible.length === 0) {
    out.push(
      new MessageNode(id, node, 'noMatch', s.hasMore ? texts.noneLoadedMatches(source.length) : texts.noMatch()),
    );
  }
  if (s.moreError) out.push(new MessageNode(id, node, 'moreError', s.moreError));
  if (s.search) {
    if (matches.length > s.shown) out.push(new LoadMoreNode(id, node, matches.length - s.shown));
  } else if (s.hasMore) {
    out.push(new LoadMoreNode(id, node, s.total !== undefined ? Math.max(0, s.total - s.loaded.length) : undefined));
  }
  return out;
}
