/**
 * What a key's rendered details show: this month's usage of the key (AIone's usage per key, AIHubMix's log
 * statistics for the key's name), and the view itself, from the key as read: the usage, limits, access (the team by
 * name) and key sections, and the actions the gateway allows. Pure apart from the usage read; the panel posts it.
 */
import * as vscode from 'vscode';
import { formatCompact, formatInteger, formatMoney } from '../../core/format';
import { type Money, addDecimal } from '../../core/money';
import type { ApiKey } from '../../core/types';
import type { Gateway, GatewayCapabilities } from '../../gateway/gateway';
import type { DetailRow, KeyDetailsView } from '../../webview/keyDetailsProtocol';
import { keyFields } from './fields';
import { statusLabel } from './labels';
import { displayStatus } from './logic';

/** This month's usage of one key, as the gateway reports it (undefined: it reports none per key). */
export interface MonthUsage {
  readonly cost: Money;
  readonly requests?: number;
  readonly tokens?: number;
  /** AIHubMix counts by the key's name: keys sharing a name share the figure. */
  readonly byName?: boolean;
}

/** The first instant of the current UTC month. */
export function monthStartUtc(now: number): number {
  const d = new Date(now);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
}

/** This month's usage of a key: AIone's usage per key, AIHubMix's log statistics for the key's name. */
export async function monthUsage(
  gateway: Gateway,
  key: ApiKey,
  now: number,
  signal?: AbortSignal,
): Promise<MonthUsage | undefined> {
  const start = monthStartUtc(now);
  const caps = gateway.capabilities;
  if (caps.usageSeries) {
    const rows = await gateway.queryUsage({ start, end: now + 1, groupBy: 'day', keyId: key.id }, { signal });
    return {
      cost: {
        amount: addDecimal('0', ...rows.map((r) => r.cost.amount)),
        currency: rows[0]?.cost.currency ?? caps.currency,
      },
      requests: rows.reduce((n, r) => n + r.requests, 0),
      tokens: rows.reduce((n, r) => n + r.totalTokens, 0),
    };
  }
  if (caps.usageLogs && key.name) {
    const stat = await gateway.getUsageStat({ start, end: now + 1, keyName: key.name }, { signal });
    return { cost: stat.cost, byName: true };
  }
  return undefined;
}

/** What a key's view is drawn from, besides the key. */
export interface KeyDetailsInput {
  readonly locale: string;
  readonly now: number;
  /** The connection, in words ("Work (AIone)"). */
  readonly connection: string;
  readonly caps: GatewayCapabilities;
  readonly teams: ReadonlyMap<string, string> | undefined;
  /** undefined: not read yet, or the gateway reports none per key. */
  readonly usage: MonthUsage | undefined | 'error';
  /** When the key was read (0: not yet). */
  readonly readAt: number;
  readonly error: string;
}

/** The rendered details of a key as read. */
export function keyDetailsView(k: ApiKey, v: KeyDetailsInput): KeyDetailsView {
  const { locale, now, caps, teams } = v;
  const fields = keyFields(k, { now, locale, ...(teams ? { teams } : {}) });
  const pick = (labels: string[]) => fields.filter((f) => labels.includes(f.label));
  const L = {
    status: vscode.l10n.t('Status'),
    grace: vscode.l10n.t('Rotation grace until'),
    remaining: vscode.l10n.t('Remaining quota'),
    used: vscode.l10n.t('Used'),
    rpm: vscode.l10n.t('Requests per minute'),
    tpm: vscode.l10n.t('Tokens per minute'),
    expires: vscode.l10n.t('Expires'),
    lastUsed: vscode.l10n.t('Last used'),
    created: vscode.l10n.t('Created'),
    models: vscode.l10n.t('Models allowed'),
    ips: vscode.l10n.t('IPs allowed'),
    sandbox: vscode.l10n.t('Sandbox'),
    id: vscode.l10n.t('Key id'),
  };
  // the team by its name; its id only where the name was not read
  const team: DetailRow[] =
    k.teamId === undefined
      ? []
      : [
          {
            label: vscode.l10n.t('Team'),
            value: k.teamId ? (teams?.get(k.teamId) ?? k.teamId) : vscode.l10n.t('none'),
          },
        ];
  const u = v.usage;
  const usageRows: DetailRow[] =
    u && u !== 'error'
      ? [
          { label: vscode.l10n.t('Spend'), value: formatMoney(u.cost, locale, 'amount') },
          ...(u.requests !== undefined
            ? [{ label: vscode.l10n.t('Requests'), value: formatInteger(u.requests, locale) }]
            : []),
          ...(u.tokens !== undefined
            ? [{ label: vscode.l10n.t('Tokens'), value: formatCompact(u.tokens, locale) }]
            : []),
        ]
      : [];
  const usageNote =
    u === 'error'
      ? vscode.l10n.t("This month's usage could not be read.")
      : u === undefined
        ? v.readAt && !caps.usageSeries && !caps.usageLogs
          ? vscode.l10n.t('This gateway does not report usage per key.')
          : vscode.l10n.t('Reading…')
        : u.byName
          ? vscode.l10n.t("From the gateway's request log for this key's name, since the 1st (UTC).")
          : vscode.l10n.t('Since the 1st of the month (UTC).');
  const status = displayStatus(k, now);
  return {
    title: k.name || k.id,
    subtitle: `${k.maskedKey} · ${v.connection}`,
    status,
    statusText: statusLabel(status),
    sections: [
      { heading: vscode.l10n.t('This month'), rows: usageRows, note: usageNote },
      {
        heading: vscode.l10n.t('Limits'),
        rows: pick([L.remaining, L.used, L.rpm, L.tpm, L.expires, L.grace]),
        note: '',
      },
      {
        heading: vscode.l10n.t('Access'),
        rows: [...pick([L.models, L.ips]), ...team, ...pick([L.sandbox])],
        note: '',
      },
      { heading: vscode.l10n.t('Key'), rows: pick([L.status, L.lastUsed, L.created, L.id]), note: '' },
    ],
    actions: [
      { action: 'copySnippet', label: vscode.l10n.t('Copy as Snippet') },
      ...(caps.secretsReadable ? [{ action: 'copyKey' as const, label: vscode.l10n.t('Copy Key') }] : []),
      { action: 'edit', label: vscode.l10n.t('Edit') },
      { action: 'rotate', label: vscode.l10n.t('Rotate') },
      k.status === 'disabled'
        ? { action: 'enable', label: vscode.l10n.t('Enable') }
        : { action: 'disable', label: vscode.l10n.t('Disable') },
      { action: 'delete', label: vscode.l10n.t('Delete'), danger: true },
      { action: 'refresh', label: vscode.l10n.t('Refresh') },
    ],
    readAt: vscode.l10n.t('Read from the gateway at {0}.', new Date(v.readAt).toISOString().replace(/\.\d+Z$/, 'Z')),
    error: v.error,
  };
}

/** The view before the key could be read: why, and Refresh. */
export function emptyDetailsView(error: string): KeyDetailsView {
  return {
    title: vscode.l10n.t('Key details'),
    subtitle: '',
    status: 'unknown',
    statusText: '',
    sections: [],
    actions: [{ action: 'refresh', label: vscode.l10n.t('Refresh') }],
    readAt: '',
    error,
  };
}
