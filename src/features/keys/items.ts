/**
 * The TreeItems of the keys tree, built from a node and what the state knows (no I/O: getTreeItem is cheap; a
 * key's tooltip is built only in resolveTreeItem).
 *
 * contextValue of the items (for menus):
 *   connection: `aiGateway.connection`
 *   invalid settings entry: `aiGateway.invalidConnection` (`aiGateway.invalidConnection.withId` when it has a usable id)
 *   key:        `aiGateway.key.<status>` with status active | grace | disabled | expired | exhausted | unknown
 *               (grace = active, previous secret still valid after a rotation), e.g. `viewItem =~ /^aiGateway\.key\./`
 *   others:     `aiGateway.loadMore`, `aiGateway.message.<kind>`
 */
import * as vscode from 'vscode';
import { formatMoney } from '../../core/format';
import type { ApiKey } from '../../core/types';
import { describeKind } from '../../gateway';
import { type CommandId, CommandIds } from '../../platform/commands';
import { settingId, SettingKeys } from '../../platform/config';
import { describeProfileProblem } from '../../platform/connectionErrors';
import { isInsecureProfile, type InvalidConnection } from '../../platform/profiles';
import { keyFields } from './fields';
import { connectionStateText, describeFilter, factText, sortLabel, statusLabel } from './labels';
import type { Phase } from './loading';
import { type DisplayStatus, type KeyFilter, type KeySort, displayStatus, isFilterActive, keyFacts } from './logic';
import type { ConnectionNode, KeyNode, LoadErrorKind, LoadMoreNode, MessageNode } from './nodes';
import type { ConnectionView } from './state';

export function escapeMd(s: string): string {
  return s.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
}

type RowState = Exclude<Phase, 'error'> | LoadErrorKind;

const ERROR = 'list.errorForeground';
const WARNING = 'list.warningForeground';
const themeIcon = (id: string, color?: string): vscode.ThemeIcon => (color ? new vscode.ThemeIcon(id, new vscode.ThemeColor(color)) : new vscode.ThemeIcon(id));

function connectionIcon(state: RowState, insecure: boolean): vscode.ThemeIcon {
  switch (state) {
    case 'idle': return insecure ? new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground')) : new vscode.ThemeIcon('plug');
    case 'loading': return new vscode.ThemeIcon('loading~spin');
    case 'ok': return insecure ? new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground')) : new vscode.ThemeIcon('plug', new vscode.ThemeColor('testing.iconPassed'));
    case 'tokenRejected': return new vscode.ThemeIcon('lock', new vscode.ThemeColor('list.errorForeground'));
    case 'noToken': return new vscode.ThemeIcon('key', new vscode.ThemeColor('list.warningForeground'));
    case 'secretStorage': return new vscode.ThemeIcon('lock', new vscode.ThemeColor('list.errorForeground'));
    case 'error': return new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.errorForeground'));
  }
}

export function statusIcon(status: DisplayStatus): vscode.ThemeIcon {
  switch (status) {
    case 'active': return new vscode.ThemeIcon('key', new vscode.ThemeColor('charts.green'));
    case 'grace': return new vscode.ThemeIcon('history', new vscode.ThemeColor('charts.yellow'));
    case 'disabled': return new vscode.ThemeIcon('circle-slash', new vscode.ThemeColor('disabledForeground'));
    case 'expired': return new vscode.ThemeIcon('clock', new vscode.ThemeColor('list.errorForeground'));
    case 'exhausted': return new vscode.ThemeIcon('warning', new vscode.ThemeColor('charts.orange'));
    case 'unknown': return new vscode.ThemeIcon('question');
  }
}

/** A connection's row: kind, who we are and the balance, the key count, filter and sort; the state in its icon and tooltip. */
export function connectionItem(node: ConnectionNode, s: ConnectionView, filter: KeyFilter | undefined, sort: KeySort, locale: string): vscode.TreeItem {
  const p = node.profile;
  const kind = describeKind(p.kind).label;
  const item = new vscode.TreeItem(p.label, vscode.TreeItemCollapsibleState.Collapsed);
  item.id = `conn:${p.id}`;
  item.contextValue = 'aiGateway.connection';
  const parts: string[] = [kind];
  if (s.identity) {
    if (s.identity.label && s.identity.label !== p.label) parts.push(s.identity.label);
    if (s.identity.balance) parts.push(vscode.l10n.t('balance {0}', formatMoney(s.identity.balance, locale, 'balance')));
  }
  if (s.total !== undefined) parts.push(vscode.l10n.t('{0} keys', s.total));
  if (isFilterActive(filter)) parts.push(describeFilter(filter));
  if (sort !== 'server') parts.push(vscode.l10n.t('sorted by {0}', sortLabel(sort)));
  item.description = parts.join(' · ');
  const state: RowState = s.phase === 'error' ? s.error?.kind ?? 'error' : s.phase;
  const insecure = isInsecureProfile(p);
  item.iconPath = connectionIcon(state, insecure);
  const md = new vscode.MarkdownString(undefined, false);
  md.appendMarkdown(`**${escapeMd(p.label)}**\n\n`);
  md.appendText(`${kind} · ${p.baseUrl}\n\n`);
  md.supportThemeIcons = true;
  const insecureText = insecure ? vscode.l10n.t('Plain http:// to another machine (allowInsecureHttp): the token is sent unencrypted and can be read on the network.') : '';
  if (insecureText) md.appendMarkdown('$(warning) ').appendText(`${insecureText}\n\n`);
  const stateText = connectionStateText(state, s.error?.message);
  if (stateText) md.appendText(stateText);
  item.tooltip = md;
  item.accessibilityInformation = { label: `${p.label}, ${item.description}${insecureText ? `, ${insecureText}` : ''}${stateText ? `, ${stateText}` : ''}` };
  return item;
}

/** A key's row: name, masked key and its two most useful facts; the status in the icon and the menus. */
export function keyItem(node: KeyNode, teams: ReadonlyMap<string, string> | undefined, locale: string): vscode.TreeItem {
  const k = node.key;
  const item = new vscode.TreeItem(k.name || k.id, vscode.TreeItemCollapsibleState.None);
  item.id = `key:${node.connectionId}:${k.id}`;
  const now = Date.now();
  const status = displayStatus(k, now);
  const facts = keyFacts(k, now, (t) => teams?.get(t)).slice(0, 2).map((f) => factText(f, locale));
  item.description = [k.maskedKey, ...facts].join(' · ');
  item.iconPath = statusIcon(status);
  item.contextValue = `aiGateway.key.${status}`;
  item.accessibilityInformation = { label: `${k.name || k.id}, ${statusLabel(status)}, ${facts.join(', ')}` };
  return item;
}

/** The full tooltip of a key (built lazily): the key-field table, never the secret. */
export function keyTooltip(k: ApiKey, teams: ReadonlyMap<string, string> | undefined, locale: string): vscode.MarkdownString {
  const md = new vscode.MarkdownString(undefined, false);
  md.appendMarkdown(`**${escapeMd(k.name || k.id)}** \`${k.maskedKey.replace(/`/g, '')}\`\n\n`);
  const rows = keyFields(k, { now: Date.now(), locale, ...(teams ? { teams } : {}) });
  md.appendMarkdown(`| | |\n|---|---|\n${rows.map((r) => `| ${escapeMd(r.label)} | ${escapeMd(r.value)} |`).join('\n')}\n`);
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
  item.command = { command: CommandIds.loadMoreKeys, title: vscode.l10n.t('Load more…'), arguments: [{ connectionId: node.connectionId }] };
  return item;
}

/** A message row: one sentence, and the action that fixes it (update the token, retry, clear the filter). */
export function messageItem(node: MessageNode): vscode.TreeItem {
  const action = (command: CommandId, title: string): vscode.Command => ({ command, title, arguments: [{ connectionId: node.connectionId }] });
  const retry = vscode.l10n.t('Retry');
  const update = vscode.l10n.t('Update Token');
  const look = ((): { label: string; icon: vscode.ThemeIcon; command?: vscode.Command } => {
    switch (node.kind) {
      case 'tokenRejected': return { label: vscode.l10n.t('Token rejected — Update token'), icon: themeIcon('lock', ERROR), command: action(CommandIds.updateToken, update) };
      case 'noToken': return { label: vscode.l10n.t('No token stored — Update token'), icon: themeIcon('key', WARNING), command: action(CommandIds.updateToken, update) };
      case 'secretStorage': return { label: node.message, icon: themeIcon('lock', ERROR), command: action(CommandIds.refreshConnection, retry) };
      case 'error': return { label: node.message, icon: themeIcon('error', ERROR), command: action(CommandIds.refreshConnection, retry) };
      case 'moreError': return { label: node.message, icon: themeIcon('error', ERROR), command: action(CommandIds.loadMoreKeys, retry) };
      case 'filter': return { label: vscode.l10n.t('Filtered: {0}', node.message), icon: themeIcon('filter'), command: action(CommandIds.clearKeyFilter, vscode.l10n.t('Clear Filter')) };
      default: return { label: node.message, icon: themeIcon('info') };
    }
  })();
  const item = new vscode.TreeItem(look.label, vscode.TreeItemCollapsibleState.None);
  item.id = `msg:${node.connectionId}:${node.kind}`;
  item.iconPath = look.icon;
  item.contextValue = `aiGateway.message.${node.kind}`;
  if (look.command) item.command = look.command;
  const md = new vscode.MarkdownString(undefined, false);
  md.appendText(node.message);
  if (node.kind === 'error' || node.kind === 'moreError' || node.kind === 'secretStorage') md.appendText(`\n\n${vscode.l10n.t('Click to retry.')}`);
  if (node.kind === 'filter') md.appendText(`\n\n${vscode.l10n.t('Click to clear the filter.')}`);
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
  md.appendText(`${vscode.l10n.t('This entry of aiGateway.connections in settings.json is not used, and no token is sent for it, until it is fixed:')}\n\n`);
  for (const p of problems) md.appendText(`• ${p}\n`);
  md.appendText(`\n${vscode.l10n.t('Click to open the settings at it.')}`);
  item.tooltip = md;
  item.command = { command: CommandIds.openConnectionSettings, title: vscode.l10n.t('Open Settings') };
  item.accessibilityInformation = { label: `${name}, ${vscode.l10n.t('Invalid settings: {0}', problems.join(' '))}` };
  return item;
}
