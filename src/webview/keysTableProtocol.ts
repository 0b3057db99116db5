/**
 * The keys table webview's message protocol (one panel per connection), shared by the host
 * (src/features/keys/table) and the browser code (src/ui/keys, which imports this module with `import type` only,
 * so zod stays out of its bundle).
 *
 * - Webview → host: `KeysTableInbound`, validated with zod (anything else is dropped). No message names a command:
 *   a row action is one of a fixed set, resolved by the host.
 * - Host → webview: `KeysTableOutbound`: rows as display text (formatted on the host by core/format), never a secret.
 */
import * as z from 'zod';
import { connectionIdSchema } from '../core/ids';

export const TABLE_COLUMNS = ['name', 'status', 'quota', 'expiry', 'lastUsed', 'spend', 'created'] as const;
export type TableColumn = (typeof TABLE_COLUMNS)[number];
export const PAGE_SIZES = [25, 50, 100, 200] as const;
export type TablePageSize = (typeof PAGE_SIZES)[number];
export const ROW_ACTIONS = ['details', 'edit', 'rotate', 'copySnippet'] as const;
export type RowAction = (typeof ROW_ACTIONS)[number];
export const BULK_ACTIONS = ['disable', 'enable', 'delete'] as const;
export type BulkAction = (typeof BULK_ACTIONS)[number];

const keyId = z.string().min(1).max(100);

export const tableSortSchema = z.object({ column: z.enum(TABLE_COLUMNS), dir: z.enum(['asc', 'desc']) });
export type TableSort = z.infer<typeof tableSortSchema>;

export const keysTableInboundSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready') }),
  /** A header was clicked: the host moves that column through its orders (natural, reversed, the gateway's own). */
  z.object({ type: z.literal('sort'), column: z.enum(TABLE_COLUMNS) }),
  z.object({ type: z.literal('filter'), text: z.string().max(200) }),
  z.object({ type: z.literal('pageSize'), size: z.union(PAGE_SIZES.map((n) => z.literal(n))) }),
  z.object({ type: z.literal('page'), page: z.number().int().min(0).max(100_000) }),
  z.object({ type: z.literal('loadAll') }),
  z.object({ type: z.literal('cancelLoad') }),
  z.object({ type: z.literal('refresh') }),
  z.object({ type: z.literal('row'), action: z.enum(ROW_ACTIONS), keyId }),
  z.object({ type: z.literal('bulk'), action: z.enum(BULK_ACTIONS), keyIds: z.array(keyId).min(1).max(1000) }),
]);
export type KeysTableInbound = z.infer<typeof keysTableInboundSchema>;

export const KEYS_TABLE_STRING_KEYS = [
  'filter',
  'filterPlaceholder',
  'pageSize',
  'previous',
  'next',
  'refresh',
  'loadAll',
  'cancel',
  'selectAll',
  'selectRow',
  'disable',
  'enable',
  'delete',
  'details',
  'edit',
  'rotate',
  'copySnippet',
  'actions',
  'col.name',
  'col.status',
  'col.quota',
  'col.expiry',
  'col.lastUsed',
  'col.spend',
  'col.created',
  'sortAsc',
  'sortDesc',
  'keyboardHelp',
] as const;
export type KeysTableStringKey = (typeof KEYS_TABLE_STRING_KEYS)[number];

export interface TableRowView {
  readonly id: string;
  readonly name: string;
  readonly masked: string;
  /** The display status (active, grace, disabled…) and its words. */
  readonly status: string;
  readonly statusText: string;
  readonly quota: string;
  readonly expiry: string;
  readonly lastUsed: string;
  readonly spend: string;
  readonly created: string;
  /** The full instants ("2026-03-10 20:00 (UTC+08:00), in 3 d") behind the short cells, as their tooltips. */
  readonly titles: { readonly expiry: string; readonly lastUsed: string; readonly created: string };
  /** A pending client-side rotation this key takes part in, in words ("" when none). */
  readonly rotation: string;
  readonly canRotate: boolean;
}

export interface TableStateView {
  readonly connection: string;
  readonly rows: readonly TableRowView[];
  readonly sort?: TableSort;
  /** Columns that can be sorted (a column the gateway has no data for cannot). */
  readonly sortable: readonly TableColumn[];
  readonly filter: string;
  readonly pageSize: TablePageSize;
  readonly page: number;
  /** Pages known (undefined: the gateway reports no total and more may follow). */
  readonly pageCount?: number;
  readonly hasNext: boolean;
  /** One line on what the order and the filter cover: "Sorted by the gateway…", "within the 50 loaded…". */
  readonly scope: string;
  /** The order or filter covers only the keys loaded: offer to load every key. */
  readonly offerLoadAll: boolean;
  /** A read under way ("" when none), with Cancel. */
  readonly busy: string;
  /** Why the last read failed ("" when it did not); the rows shown are kept. */
  readonly error: string;
  /** The header of the spend column (this month, or all time where the gateway reports only that). */
  readonly spendHeader: string;
  /** Where the gateway reports no spend per key, said once ("" otherwise). */
  readonly spendNote: string;
  readonly summary: string;
}

export type KeysTableOutbound =
  | { readonly type: 'init'; readonly strings: Record<KeysTableStringKey, string> }
  | { readonly type: 'state'; readonly state: TableStateView }
  /** After a bulk action: the rows it touched are no longer selected (others stay). */
  | { readonly type: 'deselect'; readonly keyIds: readonly string[] };

/** What VS Code keeps for a keys table across a reload (the page's setState → the serializer): ids and view choices. */
export const keysTablePanelStateSchema = z.object({
  connectionId: connectionIdSchema,
  sort: tableSortSchema.optional(),
  filter: z.string().max(200),
  pageSize: z.union(PAGE_SIZES.map((n) => z.literal(n))),
  page: z.number().int().min(0).max(100_000),
});
export type KeysTablePanelState = z.infer<typeof keysTablePanelStateSchema>;
