/**
 * The one table of a key's fields, shown by the tree's tooltip and by the details document: every field the
 * gateway sent, in one order and one wording, never the secret. Each surface escapes the cells for its own Markdown.
 */
import * as vscode from 'vscode';
import { formatCompact, formatInteger, formatMoney } from '../../core/format';
import type { ApiKey } from '../../core/types';
import { instantWithRelative } from '../../platform/durations';
import { statusLabel } from './labels';
import { displayStatus } from './logic';

export interface KeyField {
  readonly label: string;
  readonly value: string;
}

export interface KeyFieldOptions {
  readonly now: number;
  /** The display language (vscode.env.language). */
  readonly locale: string;
  /** Team id → name, where the gateway has teams and they were read. */
  readonly teams?: ReadonlyMap<string, string>;
}

/** An instant as "2026-03-10 20:00 (UTC+08:00), in 3 d"; `never` for none; a value that is not a date as it was sent. */
export function instantText(iso: string | null | undefined, never: string, now: number): string {
  return instantWithRelative(iso, never, now);
}

export function keyFields(k: ApiKey, opts: KeyFieldOptions): KeyField[] {
  const { now, locale } = opts;
  const rows: KeyField[] = [];
  const row = (label: string, value: string): void => {
    rows.push({ label, value });
  };
  // the row's short form ("1.2M"), and the exact count beside it where they differ: one unit in row and tooltip
  const limit = (n: number | null): string => {
    if (n === null) return vscode.l10n.t('no limit');
    const short = formatCompact(n, locale);
    const exact = formatInteger(n, locale);
    return short === exact ? short : `${short} (${exact})`;
  };
  row(
    vscode.l10n.t('Status'),
    `${statusLabel(displayStatus(k, now))} (${vscode.l10n.t('as sent: {0}', String(k.rawStatus))})`,
  );
  if (k.rotateGraceUntil) row(vscode.l10n.t('Rotation grace until'), instantText(k.rotateGraceUntil, '—', now));
  if (k.quota) {
    row(
      vscode.l10n.t('Remaining quota'),
      k.quota.unlimited
        ? vscode.l10n.t('unlimited')
        : k.quota.remaining
          ? formatMoney(k.quota.remaining, locale, 'amount')
          : '—',
    );
    if (k.quota.used) row(vscode.l10n.t('Used'), formatMoney(k.quota.used, locale, 'amount'));
  }
  if (k.rpmLimit !== undefined) row(vscode.l10n.t('Requests per minute'), limit(k.rpmLimit));
  if (k.tpmLimit !== undefined) row(vscode.l10n.t('Tokens per minute'), limit(k.tpmLimit));
  row(vscode.l10n.t('Expires'), instantText(k.expiresAt, vscode.l10n.t('never'), now));
  // absent: the gateway does not report it (AIone), which is not the same as "never used"
  row(
    vscode.l10n.t('Last used'),
    k.lastUsedAt === undefined
      ? vscode.l10n.t('not reported by this gateway')
      : instantText(k.lastUsedAt, vscode.l10n.t('never'), now),
  );
  if (k.createdAt !== undefined) row(vscode.l10n.t('Created'), instantText(k.createdAt, '—', now));
  if (k.teamId !== undefined)
    row(
      vscode.l10n.t('Team'),
      k.teamId ? `${opts.teams?.get(k.teamId) ?? ''} ${k.teamId}`.trim() : vscode.l10n.t('none'),
    );
  row(
    vscode.l10n.t('Models allowed'),
    k.modelsAllowed.length ? k.modelsAllowed.join(', ') : vscode.l10n.t('all models'),
  );
  row(vscode.l10n.t('IPs allowed'), k.allowedIps.length ? k.allowedIps.join(', ') : vscode.l10n.t('any'));
  if (k.isSandbox !== undefined)
    row(vscode.l10n.t('Sandbox'), k.isSandbox ? vscode.l10n.t('yes') : vscode.l10n.t('no'));
  row(vscode.l10n.t('Key id'), k.id);
  return rows;
}
