/**
 * What the keys table shows, in words: the webview's fixed strings, one row's cells (status, quota, the instants as
 * spans from now with the full instant as the tooltip, spend, a pending rotation) and the whole table's state (what
 * the order and the filter cover, the pager, the spend header and note, the summary). Pure: the panel gives it the
 * rows and what it knows of the gateway, and posts what it returns.
 */
import * as vscode from 'vscode';
import { formatMoney } from '../../../core/format';
import type { Currency } from '../../../core/money';
import type { ApiKey } from '../../../core/types';
import type {
  KeysTableStringKey,
  TablePageSize,
  TableRowView,
  TableSort,
  TableStateView,
} from '../../../webview/keysTableProtocol';
import type { RotationReminders } from '../actions';
import { instantText } from '../fields';
import { relativeText, statusLabel } from '../labels';
import { displayStatus, relativeTime } from '../logic';
import { type PageResult, type TableCaps, pageRows, sortableColumns, spendOf } from './model';
import type { Source } from './reads';

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

/** The table's query and what it holds (the panel's state). */
export interface TableQuery {
  sort: TableSort | undefined;
  filter: string;
  pageSize: TablePageSize;
  page: number;
  /** The number of keys the gateway last reported, if it reports one. */
  total: number | undefined;
  source: Source;
  /** This month's spend per key, once read. */
  monthly: Map<string, string> | undefined;
  /** A read under way ("" when none). */
  busy: string;
  /** Why the last read failed ("" when it did not). */
  error: string;
}

/** The rows the query shows, and what its order and filter cover. */
export function queryResult(q: Readonly<TableQuery>, caps: TableCaps): PageResult {
  const s = q.source;
  return pageRows({
    keys: s.keys,
    source: s.kind,
    ...(q.sort ? { sort: q.sort } : {}),
    ...(s.kind === 'page' && s.readIn ? { readIn: s.readIn } : {}),
    filter: s.kind === 'search' ? '' : q.filter,
    page: q.page,
    pageSize: q.pageSize,
    ...(q.total !== undefined && s.kind === 'page' ? { total: q.total } : {}),
    caps,
    ...(q.monthly ? { monthly: q.monthly } : {}),
  });
}

/** What the table's state is drawn from. */
export interface TableViewInput extends Readonly<TableQuery> {
  readonly connectionId: string;
  readonly label: string;
  readonly caps: TableCaps;
  readonly result: PageResult;
  readonly currency: Currency;
  readonly locale: string;
  readonly rotations: RotationReminders | undefined;
  readonly now: number;
}

/** The table's state as the webview draws it. */
export function tableState(v: TableViewInput): TableStateView {
  const { caps } = v;
  const r = v.result;
  const spend = spendOf(caps, v.monthly);
  const row = (k: ApiKey): TableRowView => rowView(v, k, spend(k));
  const scope = r.scope;
  const s = v.source;
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
    s.kind === 'page' ? (pageCount !== undefined ? v.page + 1 < pageCount : s.hasMore) : v.page + 1 < (pageCount ?? 1);
  const shown = r.rows.length;
  return {
    connection: v.label,
    rows: r.rows.map(row),
    ...(v.sort ? { sort: v.sort } : {}),
    sortable: sortableColumns(caps),
    filter: v.filter,
    pageSize: v.pageSize,
    page: v.page,
    ...(pageCount !== undefined ? { pageCount } : {}),
    hasNext,
    scope: scopeText,
    offerLoadAll: scope.kind === 'within',
    busy: v.busy,
    error: v.error,
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
      v.total !== undefined && s.kind === 'page'
        ? vscode.l10n.t('{0} keys shown, of {1}', shown, v.total)
        : vscode.l10n.t('{0} keys shown', shown),
  };
}

/** One key's row. */
function rowView(v: TableViewInput, k: ApiKey, used: string | undefined): TableRowView {
  const { caps, locale, now, currency, rotations } = v;
  const status = displayStatus(k, now);
  const involved = rotations?.involving({ connectionId: v.connectionId, keyId: k.id });
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
