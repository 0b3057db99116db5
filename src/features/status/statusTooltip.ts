/**
 * The words of the status bar: the short text of the worst key warning, the sentences of the tooltip (connection,
 * balance or plan, key warnings, today's spend of VS Code's requests, budget readings) and the tooltip's markdown,
 * whose only link opens this connection's dashboard. Pure functions of the reading, so the controller only decides
 * when to read and what to show.
 */
import * as vscode from 'vscode';
import { formatMoney } from '../../core/format';
import { describeKind } from '../../gateway';
import type { BudgetStatus } from '../../platform/budgetStatus';
import { CommandIds } from '../../platform/commands';
import type { ConnectionProfile } from '../../platform/connections';
import { formatInstant, relativeFromNow } from '../../platform/durations';
import type { StatusData } from './statusData';
import type { SpendSummarySource } from './statusSources';
import type { KeyWarning } from './warnings';

export interface TooltipLine {
  text: string;
  icon?: 'warning' | 'error';
  bold?: boolean;
  link?: boolean;
}

/** The tooltip as plain lines (the snapshot gives them to tests); warnings carry a warning icon. */
export function tooltipLines(
  p: ConnectionProfile,
  d: StatusData | undefined,
  locale: string,
  spend: SpendSummarySource | undefined,
): Array<TooltipLine> {
  const lines: Array<TooltipLine> = [{ text: `${p.label} (${describeKind(p.kind).label})`, bold: true }];
  if (!d) {
    lines.push({ text: vscode.l10n.t('Balance and key warnings load when the AI Gateway view is shown.') });
  } else {
    if (d.balance) lines.push({ text: vscode.l10n.t('Balance: {0}', formatMoney(d.balance, locale, 'balance')) });
    else if (d.planName) lines.push({ text: vscode.l10n.t('Plan: {0}', d.planName) });
    if (d.warnings.length === 0 && d.keysChecked > 0) {
      lines.push({
        text: vscode.l10n.t(
          'No key is expiring within 7 days or low on quota (first {0} keys checked).',
          d.keysChecked,
        ),
      });
    }
    for (const w of d.warnings.slice(0, 5)) lines.push({ text: warningSentence(w, locale), icon: 'warning' });
    if (d.warnings.length > 5) lines.push({ text: vscode.l10n.t('…and {0} more.', d.warnings.length - 5) });
    if (d.error) lines.push({ text: d.error, icon: 'error' });
  }
  const spent = (spend?.today() ?? []).filter((r) => r.connectionId === p.id && r.requests > 0);
  for (const r of spent) {
    const cost = r.cost ? formatMoney(r.cost, locale, { minFraction: 2, maxFraction: 6 }) : vscode.l10n.t('no price');
    lines.push({
      text: vscode.l10n.t(
        'VS Code chat today, {0}: {1} requests, {2} tokens, {3}',
        r.model,
        r.requests,
        r.promptTokens + r.completionTokens,
        cost,
      ),
    });
  }
  lines.push({ text: vscode.l10n.t('Click to show the AI Gateway view.') });
  lines.push({ text: vscode.l10n.t('Open dashboard'), link: true });
  return lines;
}

/** The budget part of the tooltip: what is crossed (with its sentence), then the figures (budget, floors, runway). */
export function budgetLines(b: BudgetStatus): TooltipLine[] {
  const lines: TooltipLine[] = [];
  for (const r of b.crossed.slice(0, 5))
    lines.push({ text: r.sentence, icon: r.severity === 'error' ? 'error' : 'warning' });
  if (b.crossed.length > 5) lines.push({ text: vscode.l10n.t('…and {0} more.', b.crossed.length - 5) });
  for (const text of b.lines) lines.push({ text });
  return lines;
}

/** The tooltip's markdown: escaped text, icons, and one trusted link (this connection's dashboard). */
export function tooltipMarkdown(lines: ReadonlyArray<TooltipLine>, connectionId: string): vscode.MarkdownString {
  const md = new vscode.MarkdownString(undefined, true);
  // links may run exactly one command: opening this connection's dashboard
  md.isTrusted = { enabledCommands: [CommandIds.openDashboard] };
  lines.forEach((l, i) => {
    if (i > 0) md.appendMarkdown('\n\n');
    if (l.link) {
      md.appendMarkdown(`[${escapeLinkText(l.text)}](${dashboardCommandUri(connectionId)})`);
      return;
    }
    if (l.icon) md.appendMarkdown(`$(${l.icon}) `);
    if (l.bold) md.appendMarkdown('**');
    // escaped by hand rather than appendText, which turns every space into &nbsp; and so moves a long
    // sentence under its icon instead of wrapping it beside
    md.appendMarkdown(escapeMarkdownText(l.text));
    if (l.bold) md.appendMarkdown('**');
  });
  return md;
}

/** `command:aiGateway.openDashboard?<encoded JSON [connectionId]>`: the link that opens one connection's dashboard. */
export function dashboardCommandUri(connectionId: string): string {
  return `command:${CommandIds.openDashboard}?${encodeURIComponent(JSON.stringify([connectionId]))}`;
}

function escapeMarkdownText(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!<>|$~&]/g, (c) => `\\${c}`).replace(/\r?\n/g, '\n\n');
}

function escapeLinkText(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!<>|]/g, (c) => `\\${c}`);
}

export function shortWarning(w: KeyWarning): string {
  switch (w.kind) {
    case 'exhausted':
      return vscode.l10n.t('key exhausted');
    case 'expiring':
      return vscode.l10n.t(
        'key expires {0}',
        relativeFromNow(Date.parse(w.expiresAt), Date.parse(w.expiresAt) - w.msLeft),
      );
    case 'low-quota':
      return vscode.l10n.t('quota {0}% left', w.percentLeft);
  }
}

export function warningSentence(w: KeyWarning, locale: string): string {
  switch (w.kind) {
    case 'exhausted':
      return vscode.l10n.t('The key "{0}" has used up its quota: calls with it fail until it is topped up.', w.keyName);
    case 'expiring':
      return vscode.l10n.t(
        'The key "{0}" expires on {1} ({2}).',
        w.keyName,
        formatInstant(w.expiresAt),
        relativeFromNow(Date.parse(w.expiresAt), Date.parse(w.expiresAt) - w.msLeft),
      );
    case 'low-quota':
      return vscode.l10n.t(
        'The key "{0}" has {1}% of its quota left ({2}).',
        w.keyName,
        w.percentLeft,
        formatMoney(w.remaining, locale, 'amount'),
      );
  }
}
