/**
 * The TreeItems of the keys tree, built from a node and what the state knows (no I/O: getTreeItem is cheap; a
 * key's tooltip is built only in resolveTreeItem).
 *
 * contextValue of the items (for menus):
 *   connection: `aiGateway.connection`
 *   invalid settings entry: `aiGateway.invalidConnection` (`aiGateway.invalidConnection.withId` when it has a usable id)
 *   key:        `aiGateway.key.<status>` with status active | grace | disabled | expired | exhausted | unknown
 *               (grace = active, previous secret still valid after a rotation), e.g. `viewItem =~ /^aiGateway\.key\./`
 *   others:     `aiGateway.loadMore`, `aiGateway.message.<kind>` (kind: nodes.ts MessageKind, e.g. `aiGateway.message.filter`)
 */
import * as vscode from 'vscode';
import { formatInstant, formatMoney } from '../../core/format';
import type { ApiKey } from '../../core/types';
import { describeKind } from '../../gateway';
import { type CommandId, CommandIds } from '../../platform/commands';
import type { BalanceReading } from '../../platform/balances';
import { settingId, SettingKeys } from '../../platform/config';
import { describeProfileProblem } from '../../platform/connectionErrors';
import { isInsecureProfile, type InvalidConnection } from '../../platform/profiles';
import { instantText, keyFields } from './fields';
import { connectionStateText, describeFilter, factText, sortLabel, statusLabel } from './labels';
import type { Phase } from './loading';
import { type DisplayStatus, type KeyFilter, type KeySort, displayStatus, isFilterActive, keyFacts } from './logic';
import type { ConnectionNode, KeyNode, LoadErrorKind, LoadMoreNode, MessageNode } from './nodes';
import type { RotationMark } from './refs';
import type { ConnectionView } from './state';

export function escapeMd(s: string): string {
  return s.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
}

type RowState = Exclude<Phase, 'error'> | LoadErrorKind;

const ERROR = 'list.errorForeground';
const WARNING = 'list.warningForeground';
const themeIcon = (id: string, color?: string): vscode.ThemeIcon =>
  color ? new vscode.ThemeIcon(id, new vscode.ThemeColor(color)) : new vscode.ThemeIcon(id);

function connectionIcon(state: RowState, insecure: boolean): vscode.ThemeIcon {
  switch (state) {
    case 'idle':
      return insecure
        ? new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground'))
        : new vscode.ThemeIcon('plug');
    case 'loading':
      return new vscode.ThemeIcon('loading~spin');
    case 'ok':
      return insecure
        ? new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground'))
        : new vscode.ThemeIcon('plug', new vscode.ThemeColor('testing.iconPassed'));
    case 'tokenRejected':
      return new vscode.ThemeIcon('lock', new vscode.ThemeColor('list.errorForeground'));
    case 'noToken':
      return new vscode.ThemeIcon('key', new vscode.ThemeColor('list.warningForeground'));
    case 'secretStorage':
      return new vscode.ThemeIcon('lock', new vscode.ThemeColor('list.errorForeground'));
    case 'error':
      return new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.errorForeground'));
    case 'cancelled':
      return new vscode.ThemeIcon('circle-slash', new vscode.ThemeColor('list.warningForeground'));
  }
}

export function statusIcon(status: DisplayStatus): vscode.ThemeIcon {
  switch (status) {
    case 'active':
      return new vscode.ThemeIcon('key', new vscode.ThemeColor('charts.green'));
    case 'grace':
      return new vscode.ThemeIcon('history', new vscode.ThemeColor('charts.yellow'));
    case 'disabled':
      return new vscode.ThemeIcon('circle-slash', new vscode.ThemeColor('disabledForeground'));
    case 'expired':
      return new vscode.ThemeIcon('clock', new vscode.ThemeColor('list.errorForeground'));
    case 'exhausted':
      return new vscode.ThemeIcon('warning', new vscode.ThemeColor('charts.orange'));
    case 'unknown':
      return new vscode.ThemeIcon('question');
  }
}

/** A connection's row: kind, the balance (read lazily, shared with the status bar), the key count, filter and sort. */
export function connectionItem(
  node: ConnectionNode,
  s: ConnectionView,
  filter: KeyFilter | undefined,
  sort: KeySort,
  locale: string,
  balance?: BalanceReading,
): vscode.TreeItem {
  const p = node.profile;
  const kind = describeKind(p.kind).label;
  const item = new vscode.TreeItem(p.label, vscode.TreeItemCollapsibleState.Collapsed);
  item.id = `conn:${p.id}`;
  item.contextValue = 'aiGateway.connection';
  // most useful first, so what the side bar's width cuts off is the least needed: the balance, then the state of the
  // list, then the kind (also in the tooltip)
  const parts: string[] = [];
  if (balance?.balance) parts.push(formatMoney(balance.balance, locale, 'balance'));
  if (s.staleSince !== undefined) parts.push(vscode.l10n.t('stale'));
  if (isFilterActive(filter)) parts.push(vscode.l10n.t('filtered'));
  if (sort !== 'server') parts.push(vscode.l10n.t('sorted by {0}', sortLabel(sort)));
  if (s.total !== undefined) parts.push(vscode.l10n.t('{0} keys', s.total));
  if (s.identity?.label && s.identity.label !== p.label) parts.push(s.identity.label);
  if (!p.label.includes(kind)) parts.push(kind);
  item.description = parts.join(' · ');
  const state: RowState = s.phase === 'error' ? (s.error?.kind ?? 'error') : s.phase;
  const insecure = isInsecureProfile(p);
  item.iconPath = connectionIcon(state, insecure);
  const md = new vscode.MarkdownString(undefined, false);
  md.appendMarkdown(`**${escapeMd(p.label)}**\n\n`);
  md.appendText(`${kind} · ${p.baseUrl}\n\n`);
  md.supportThemeIcons = true;
  if (balance?.balance)
    md.appendText(`${vscode.l10n.t('Balance: {0}', formatMoney(balance.balance, locale, 'balance'))}\n\n`);
  const insecureText = insecure
    ? vscode.l10n.t(
        'Plain http:// to another machine (allowInsecureHttp): the token is sent unencrypted and can be read on the network.',
      )
    : '';
  if (insecureText) md.appendMarkdown('$(warning) ').appendText(`${insecureText}\n\n`);
  if (isFilterActive(filter)) md.appendText(`${vscode.l10n.t('Filtered: {0}', describeFilter(filter))}\n\n`);
  const stateText = connectionStateText(state, s.error?.message);
  if (stateText) md.appendText(stateText);
  item.tooltip = md;
  item.accessibilityInformation = {
    label: `${p.label}, ${item.description}${insecureText ? `, ${insecureText}` : ''}${stateText ? `, ${stateText}` : ''}`,
  };
  return item;
}

/** The tail of a masked key that tells keys apart ("…wxyz"; "ab12…" where only the prefix is known). */
export function shortMask(masked: string): string {
  const at = masked.indexOf('…');
  if (at < 0) return masked.length > 8 ? `…${masked.slice(-4)}` : masked;
  const tail = masked.slice(at + 1);
  return tail ? `…${tail.slice(-4)}` : `${masked.slice(Math.max(0, at - 4), at)}…`;
}

export interface KeyRowExtras {
  /** The rows are as read before a failed (or still running) read. */
  readonly stale?: boolean;
  /** The key's part in a pending client-side rotation. */
  readonly rotation?: RotationMark;
}

/**
 * A key's row: its name, the tail of the masked key and the one most useful fact (short enough for the side bar's
 * default width; the tooltip has every field); the status in the icon and the menus.
 */
export function keyItem(
  node: KeyNode,
  teams: ReadonlyMap<string, string> | undefined,
  locale: string,
  extras: KeyRowExtras = {},
): vscode.TreeItem {
  const k = node.key;
  const item = new vscode.TreeItem(k.name || k.id, vscode.TreeItemCollapsibleState.None);
  item.id = `key:${node.connectionId}:${k.id}`;
  const now = Date.now();
  const status = displayStatus(k, now);
  const pendingAt = extras.rotation?.role === 'old' && !extras.rotation.held ? extras.rotation.disableAt : undefined;
  const facts = keyFacts(k, now, (t) => teams?.get(t), pendingAt).map((f) => factText(f, locale));
  const held = extras.rotation?.role === 'old' && extras.rotation.held ? vscode.l10n.t('rotation on hold') : undefined;
  item.description = [shortMask(k.maskedKey), held ?? facts[0], extras.stale ? vscode.l10n.t('stale') : undefined]
    .filter((x): x is string => !!x)
    .join(' · ');
  item.iconPath = extras.stale
    ? new vscode.ThemeIcon(statusIcon(status).id, new vscode.ThemeColor('disabledForeground'))
    : statusIcon(status);
  item.contextValue = `aiGateway.key.${status}`;
  item.accessibilityInformation = {
    label: [
      k.name || k.id,
      statusLabel(status),
      ...(held ? [held] : []),
      ...facts,
      ...(extras.stale ? [vscode.l10n.t('stale')] : []),
    ].join(', '),
  };
  return item;
}

/** The full tooltip of a key (built lazily): its pending rotation, the key-field table, never the secret. */
export function keyTooltip(
  k: ApiKey,
  teams: ReadonlyMap<string, string> | undefined,
  locale: string,
  extras: KeyRowExtras & { readonly staleSince?: number } = {},
): vscode.MarkdownString {
  const md = new vscode.MarkdownString(undefined, false);
  md.supportThemeIcons = true;
  md.appendMarkdown(`**${escapeMd(k.name || k.id)}** \`${k.maskedKey.replace(/`/g, '')}\`\n\n`);
  const r = extras.rotation;
  if (r) {
    const when = instantText(r.disableAt, '—', Date.now());
    const text =
      r.role === 'old'
        ? r.held
          ? vscode.l10n.t(
              'Rotation on hold: this key was to be disabled at {0}, but its replacement "{1}" is gone or not active. It stays enabled until you decide (Show Pending Rotations).',
              when,
              r.otherName,
            )
          : vscode.l10n.t('Pending rotation: this key is disabled at {0}; its replacement is "{1}".', when, r.otherName)
        : vscode.l10n.t(
            'Replacement in a pending rotation: "{0}" is disabled at {1}, once this key has taken over.',
            r.otherName,
            when,
          );
    md.appendMarkdown('$(history) ').appendText(`${text}\n\n`);
  }
  if (extras.staleSince !== undefined) {
    md.appendMarkdown('$(warning) ').appendText(
      `${vscode.l10n.t('Stale: as read at {0}; the last refresh failed.', formatInstant(new Date(extras.staleSince).toISOString()))}\n\n`,
    );
  }
  const rows = keyFields(k, { now: Date.now(), locale, ...(teams ? { teams } : {}) });
  md.appendMarkdown(
    `| | |\n|---|---|\n${rows.map((row) => `| ${escapeMd(row.label)} | ${escapeMd(row.value)} |`).join('\n')}\n`,
  );
  return md;
}

export function loadMoreItem(node: LoadMoreNode): vscode.TreeItem {
  const item = new vscode.TreeItem(
    node.remaining !== undefined ? vscode.l10n.t('Load more… ({0} more)', node.remaining) : vscode.l10n.t('Load more…'),
    vscode.TreeItemCollapsibleState.None,
  );
  item.id = `more:${node.connectionId}`;
  item.iconPath = new vscode.ThemeIcon('more');
  item.contextValue = 'aiGateway.loadMore';
  item.command = {
    command: CommandIds.loadMoreKeys,
    title: vscode.l10n.t('Load more…'),
    arguments: [{ connectionId: node.connectionId }],
  };
  return item;
}

/** A message row: one sentence, and the action that fixes it (update the token, retry, change the filter, load all, cancel). */
export function messageItem(node: MessageNode, staleSince?: number): vscode.TreeItem {
  const action = (command: CommandId, title: string): vscode.Command => ({
    command,
    title,
    arguments: [{ connectionId: node.connectionId }],
  });
  const retry = vscode.l10n.t('Retry');
  const update = vscode.l10n.t('Update Token');
  const look = ((): { label: string; icon: vscode.ThemeIcon; command?: vscode.Command; hint?: string } => {
    switch (node.kind) {
      case 'tokenRejected':
        return {
          label: vscode.l10n.t('Token rejected — Update token'),
          icon: themeIcon('lock', ERROR),
          command: action(CommandIds.updateToken, update),
        };
      case 'noToken':
        return {
          label: vscode.l10n.t('No token stored — Update token'),
          icon: themeIcon('key', WARNING),
          command: action(CommandIds.updateToken, update),
        };
      case 'secretStorage':
        return {
          label: node.message,
          icon: themeIcon('lock', ERROR),
          command: action(CommandIds.refreshConnection, retry),
          hint: vscode.l10n.t('Click to retry.'),
        };
      case 'error':
        return {
          label: node.message,
          icon: themeIcon('error', ERROR),
          command: action(CommandIds.refreshConnection, retry),
          hint: vscode.l10n.t('Click to retry.'),
        };
      case 'cancelled':
        return {
          label: node.message,
          icon: themeIcon('circle-slash', WARNING),
          command: action(CommandIds.refreshConnection, retry),
        };
      case 'moreError':
        return {
          label: node.message,
          icon: themeIcon('error', ERROR),
          command: action(CommandIds.loadMoreKeys, retry),
          hint: vscode.l10n.t('Click to retry.'),
        };
      case 'loading':
        return {
          label: node.message,
          icon: themeIcon('loading~spin'),
          command: action(CommandIds.cancelKeysLoad, vscode.l10n.t('Cancel')),
        };
      case 'partialSort':
        return {
          label: node.message,
          icon: themeIcon('list-ordered', WARNING),
          command: action(CommandIds.loadAllKeys, vscode.l10n.t('Load All Keys')),
          hint: vscode.l10n.t(
            "Only the pages loaded so far are in this order: keys further down the gateway's list are not. Click to load every page (with progress and Cancel).",
          ),
        };
      case 'filter':
        return {
          label: vscode.l10n.t('Filtered: {0}', node.message),
          icon: themeIcon('filter'),
          command: action(CommandIds.filterKeys, vscode.l10n.t('Change Filter')),
          hint: vscode.l10n.t('Click to change the filter; the ✕ button on this row clears it.'),
        };
      default:
        return { label: node.message, icon: themeIcon('info') };
    }
  })();
  const item = new vscode.TreeItem(look.label, vscode.TreeItemCollapsibleState.None);
  item.id = `msg:${node.connectionId}:${node.kind}`;
  item.iconPath = look.icon;
  item.contextValue = `aiGateway.message.${node.kind}`;
  if (look.command) item.command = look.command;
  const md = new vscode.MarkdownString(undefined, false);
  md.appendText(node.message);
  if (
    staleSince !== undefined &&
    (node.kind === 'error' ||
      node.kind === 'tokenRejected' ||
      node.kind === 'noToken' ||
      node.kind === 'secretStorage' ||
      node.kind === 'cancelled')
  ) {
    md.appendText(
      `\n\n${vscode.l10n.t('The keys below are as read at {0} and may be out of date.', formatInstant(new Date(staleSince).toISOString()))}`,
    );
  }
  if (look.hint) md.appendText(`\n\n${look.hint}`);
  item.tooltip = md;
  return item;
}

/** The row of an invalid settings entry: what is wrong, and a click opens the settings at it. */
export function invalidConnectionItem(e: InvalidConnection): vscode.TreeItem {
  const name = e.label ?? e.id ?? `${settingId(SettingKeys.connections)}[${e.index}]`;
  const item = new vscode.TreeItem(name, vscode.TreeItemCollapsibleState.None);
  item.id = `invalid:${e.index}:${e.id ?? ''}`;
  item.contextValue = e.id ? 'aiGateway.invalidConnection.withId' : 'aiGateway.invalidConnection';
  item.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('list.errorForeground'));
  const problems = e.problems.map((p) => describeProfileProblem(p));
  item.description = vscode.l10n.t('Invalid settings: {0}', problems[0] ?? '');
  const md = new vscode.MarkdownString(undefined, false);
  md.appendMarkdown(`**${escapeMd(name)}**\n\n`);
  md.appendText(
    `${vscode.l10n.t('This entry of aiGateway.connections in settings.json is not used, and no token is sent for it, until it is fixed:')}\n\n`,
  );
  for (const p of problems) md.appendText(`• ${p}\n`);
  md.appendText(`\n${vscode.l10n.t('Click to open the settings at it.')}`);
  item.tooltip = md;
  item.command = { command: CommandIds.openConnectionSettings, title: vscode.l10n.t('Open Settings') };
  item.accessibilityInformation = { label: `${name}, ${vscode.l10n.t('Invalid settings: {0}', problems.join(' '))}` };
  return item;
}
