/** One page of a paged list, as every gateway call that pages returns it (pure: no 'vscode'). */

export interface Page<T> {
  readonly items: readonly T[];
  /** Total when the gateway reports it. */
  readonly total?: number;
  /** Whether another page may follow. */
  readonly hasMore: boolean;
}

/**
 * The page read at `page` (0-based) of `pageSize`: another may follow when the reported total says so, or,
 * without a total, when this page came back full.
 */
export function pageOf<T>(items: readonly T[], total: number | undefined, page: number, pageSize: number): Page<T> {
  const hasMore = total !== undefined ? (page + 1) * pageSize < total : items.length >= pageSize;
  return { items, ...(total !== undefined ? { total } : {}), hasMore };
}
