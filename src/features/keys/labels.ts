/**
 * The words of the keys tree, the key details and the key pickers: statuses, sort orders, relative times, the
 * one-line facts of a key's description, filters, and the sentences of the message rows. Every one localised.
 */
import * as vscode from 'vscode';
import { formatCompact, formatMoney } from '../../core/format';
import { relativeText } from '../../platform/durations';
import type { DisplayStatus, KeyFact, KeyFilter, KeySort } from './logic';

export { relativeText };
import type { LoadErrorKind } from './nodes';
import type { Phase } from './loading';
import type { KeysTexts } from './connectionRows';

export function statusLabel(status: DisplayStatus): string {
  switch (status) {
    case 'active':
      return vscode.l10n.t('active');
    case 'grace':
      return vscode.l10n.t('in rotation grace');
    case 'disabled':
      return vscode.l10n.t('disabled');
    case 'expired':
      return vscode.l10n.t('expired');
    case 'exhausted':
      return vscode.l10n.t('quota exhausted');
    case 'unknown':
      return vscode.l10n.t('unknown status');
  }
}

export function sortLabel(sort: KeySort): string {
  switch (sort) {
    case 'server':
      return vscode.l10n.t('gateway order');
    case 'name':
      return vscode.l10n.t('name');
    case 'created':
      return vscode.l10n.t('created (newest first)');
    case 'expiry':
      return vscode.l10n.t('expiry (soonest first)');
    case 'usage':
      return vscode.l10n.t('usage (most used first)');
  }
}

/** One fact of a key's one-line description ("$1.20 left", "60 rpm / 1.2M tpm"). */
export function factText(f: KeyFact, locale: string): string {
  switch (f.kind) {
    case 'pendingDisable':
      return vscode.l10n.t('disabled {0} (rotation)', relativeText(f.in));
    case 'grace':
      return vscode.l10n.t('rotation grace ends {0}', relativeText(f.until));
    case 'status':
      return statusLabel(f.status);
    case 'expiresSoon':
    case 'expires':
      return vscode.l10n.t('expires {0}', relativeText(f.in));
    case 'quota':
      return vscode.l10n.t('{0} left', formatMoney(f.remaining, locale, 'amount'));
    case 'unlimited':
      return vscode.l10n.t('unlimited quota');
    case 'limits': {
      const parts: string[] = [];
      if (f.rpm !== undefined) parts.push(vscode.l10n.t('{0} rpm', formatCompact(f.rpm, locale)));
      if (f.tpm !== undefined) parts.push(vscode.l10n.t('{0} tpm', formatCompact(f.tpm, locale)));
      return parts.join(' / ');
    }
    case 'team':
      return vscode.l10n.t('team {0}', f.team);
  }
}

export function describeFilter(f: KeyFilter): string {
  const parts: string[] = [];
  if (f.name !== undefined) parts.push(vscode.l10n.t('name contains "{0}"', f.name));
  if (f.status !== undefined) parts.push(statusLabel(f.status));
  if (f.model !== undefined) parts.push(vscode.l10n.t('allows {0}', f.model));
  return parts.join(', ');
}

/** What a connection's row says about its state in the tooltip. */
export function connectionStateText(state: Exclude<Phase, 'error'> | LoadErrorKind, message?: string): string {
  switch (state) {
    case 'idle':
      return vscode.l10n.t('Expand to list its keys.');
    case 'loading':
      return vscode.l10n.t('Loading…');
    case 'ok':
      return '';
    case 'cancelled':
      return vscode.l10n.t('Reading the keys was cancelled.');
    case 'tokenRejected':
      return vscode.l10n.t('The gateway rejected the token.');
    case 'noToken':
      return vscode.l10n.t('No token is stored for this connection.');
    default:
      return message ?? '';
  }
}

/** The sentences of the message rows under a connection. */
export const keysTexts: KeysTexts = {
  noKeys: () => vscode.l10n.t('This gateway has no keys yet.'),
  noNameMatch: (term) => vscode.l10n.t('No key name matches "{0}".', term),
  noneLoadedMatches: (loaded) => vscode.l10n.t('None of the {0} keys loaded so far matches the filter.', loaded),
  noMatch: () => vscode.l10n.t('No key matches the filter.'),
  filter: describeFilter,
  loading: () => vscode.l10n.t('Reading the keys… (click to cancel)'),
  cancelled: () => vscode.l10n.t('Cancelled. Click to read the keys again.'),
  partialSort: (sort, loaded, total) =>
    total !== undefined
      ? vscode.l10n.t(
          'Sorted by {0} within the {1} of {2} keys loaded. Click to load all.',
          sortLabel(sort),
          loaded,
          total,
        )
      : vscode.l10n.t('Sorted by {0} within the {1} keys loaded. Click to load all.', sortLabel(sort), loaded),
};
