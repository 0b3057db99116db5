/**
 * What `@gateway` answers, command by command. Every figure comes from the gateway client (usage, keys, the model
 * catalogue) or the usage ledger of VS Code's requests — never from a language model. Each answer is markdown plus
 * buttons that run the extension's own commands.
 */
import * as vscode from 'vscode';
import { addDecimal, compareDecimal, divDecimal, fixedDecimal, mulDecimal, type Money } from '../../core/money';
// the series and time modules, not core/usage (its wire schemas would bring zod into this separate bundle)
import {
  mapLimit,
  pointsFromLogs,
  pointsFromRows,
  readAllPages,
  utcDayChunks,
  type UsagePoint,
} from '../../core/usageSeries';
import { dayRange } from '../../core/usageTime';
import type { ApiKey, ModelInfo } from '../../core/types';
import { CommandIds } from '../../platform/commands';
import type { ConnectionProfile, ConnectionStore } from '../../platform/connections';
import { formatInteger, formatMoney, formatTokenCount } from '../../core/format';
import type { ModelCatalog } from '../../platform/modelCatalog';
import { capabilitiesOf, filterModels, parseModelFilter } from '../../platform/modelRules';

/** The part of ChatResponseStream the answers use (a test passes a recorder). */
export interface AnswerStream {
  markdown(value: string | vscode.MarkdownString): void;
  button(command: vscode.Command): void;
  progress(value: string): void;
}

export interface AnswerContext {
  readonly store: ConnectionStore;
  readonly catalog: ModelCatalog;
  readonly locale: string;
  readonly signal: AbortSignal;
  readonly now: number;
}

/** The gateway kinds' product names (the gateway index is not imported here: this module is bundled apart). */
const KIND_LABEL = { aione: 'AIone API', aihubmix: 'AIHubMix' } as const;

const md = (s: string): string => s.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, (c) => `\\${c}`);

/** A markdown string whose links may run only the given commands. */
export function trusted(text: string, commands: readonly string[]): vscode.MarkdownString {
  const m = new vscode.MarkdownString(text);
  m.isTrusted = { enabledCommands: [...commands] };
  return m;
}

export function commandLink(title: string, command: string, args: readonly unknown[]): string {
  return `[${md(title)}](command:${command}?${encodeURIComponent(JSON.stringify(args))})`;
}

// ---- /usage -------------------------------------------------------------------------------------------

interface Totals {
  requests: number;
  tokens: number;
  cost: string;
}

function sum(points: readonly UsagePoint[], from: number, to: number): Totals {
  let requests = 0,
    tokens = 0,
    cost = '0';
  for (const p of points) {
    if (p.at < from || p.at >= to) continue;
    requests += p.requests;
    tokens += p.promptTokens + p.completionTokens;
    cost = addDecimal(cost, p.cost);
  }
  return { requests, tokens, cost };
}

function localMidnight(at: number): number {
  const d = new Date(at);
  return new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
}

function monthStart(at: number): number {
  const d = new Date(at);
  return new Date(d.getFullYear(), d.getMonth(), 1).getTime();
}

/** Usage points of this month (local time) from whatever the gateway offers: usage rows, else request logs. */
async function monthPoints(
  ctx: AnswerContext,
  p: ConnectionProfile,
): Promise<{ points: UsagePoint[]; partial: boolean } | undefined> {
  const g = ctx.store.gateway(p.id);
  const start = monthStart(ctx.now);
  const range = { start, end: ctx.now + 1 };
  if (g.capabilities.usageSeries) {
    const chunks = g.capabilities.maxUsageRangeDays ? utcDayChunks(range, g.capabilities.maxUsageRangeDays) : [range];
    const lists = await mapLimit(chunks, 3, (c) =>
      g
        .queryUsage({ start: c.start, end: c.end, groupBy: 'hour' }, { signal: ctx.signal })
        .catch(() => g.queryUsage({ start: c.start, end: c.end, groupBy: 'day' }, { signal: ctx.signal })),
    );
    return { points: lists.flatMap((rows) => pointsFromRows(rows)), partial: false };
  }
  if (g.capabilities.usageLogs) {
    const r = await readAllPages(
      (page, pageSize) => g.listUsageLogs({ start, end: ctx.now, page, pageSize }, { signal: ctx.signal }),
      100,
      50,
    );
    return { points: pointsFromLogs(r.items), partial: r.truncated };
  }
  return undefined;
}

export async function answerUsage(ctx: AnswerContext, p: ConnectionProfile, out: AnswerStream): Promise<void> {
  out.progress(vscode.l10n.t('Reading the usage of {0}…', p.label));
  const g = ctx.store.gateway(p.id);
  const currency = g.capabilities.currency;
  const data = await monthPoints(ctx, p);
  if (!data) {
    out.markdown(vscode.l10n.t('{0} does not offer usage figures.', md(p.label)));
    return;
  }
  // UTC day buckets (AIone without hourly rows) cannot be split at local midnight: "today" is then the UTC day
  const daily = data.points.length > 0 && data.points.every((x) => x.at % 86_400_000 === 0);
  const todayStart = daily
    ? dayRange(new Date(ctx.now).toISOString().slice(0, 10), new Date(ctx.now).toISOString().slice(0, 10), 'UTC').start
    : localMidnight(ctx.now);
  const today = sum(data.points, todayStart, ctx.now + 1);
  const month = sum(data.points, daily ? Math.min(monthStart(ctx.now), todayStart) : monthStart(ctx.now), ctx.now + 1);
  const money = (amount: string): string =>
    formatMoney({ amount, currency }, ctx.locale, { minFraction: 2, maxFraction: 4 });
  const lines = [
    `**${md(vscode.l10n.t('Usage of {0} ({1})', p.label, KIND_LABEL[p.kind]))}**`,
    '',
    `| | ${vscode.l10n.t('Spend')} | ${vscode.l10n.t('Tokens')} | ${vscode.l10n.t('Requests')} |`,
    '|---|---:|---:|---:|',
    `| ${vscode.l10n.t('Today')} | ${money(today.cost)} | ${formatInteger(today.tokens, ctx.locale)} | ${formatInteger(today.requests, ctx.locale)} |`,
    `| ${vscode.l10n.t('This month')} | ${money(month.cost)} | ${formatInteger(month.tokens, ctx.locale)} | ${formatInteger(month.requests, ctx.locale)} |`,
    '',
  ];
  if (daily) lines.push(vscode.l10n.t('The gateway reports whole UTC days, so "today" is the UTC day.'));
  if (data.partial)
    lines.push(vscode.l10n.t("Only the most recent 5,000 requests were read: the month's figures are partial."));
  out.markdown(lines.join('\n'));
  out.button({ command: CommandIds.openDashboard, arguments: [p.id], title: vscode.l10n.t('Open the Dashboard') });
}

// ---- /keys --------------------------------------------------------------------------------------------

const WEEK_MS = 7 * 86_400_000;

export interface KeyConcern {
  readonly key: ApiKey;
  readonly why: 'expiring' | 'low-quota' | 'disabled' | 'expired' | 'exhausted';
  readonly detail: string;
}

/** Keys that need attention: not active, expiring within 7 days, or under 10% of their quota. */
export function keyConcerns(keys: readonly ApiKey[], now: number, locale: string): KeyConcern[] {
  const out: KeyConcern[] = [];
  for (const k of keys) {
    if (k.status === 'disabled' || k.status === 'expired' || k.status === 'exhausted') {
      out.push({ key: k, why: k.status, detail: '' });
      continue;
    }
    if (k.status !== 'active') continue;
    const exp = k.expiresAt ? Date.parse(k.expiresAt) : NaN;
    if (Number.isFinite(exp) && exp > now && exp - now <= WEEK_MS) {
      out.push({ key: k, why: 'expiring', detail: new Date(exp).toLocaleString(locale) });
      continue;
    }
    const q = k.quota;
    if (q && !q.unlimited && q.remaining && q.used) {
      const total = addDecimal(q.remaining.amount, q.used.amount);
      if (
        compareDecimal(total, '0') > 0 &&
        compareDecimal(mulDecimal(q.remaining.amount, 100), mulDecimal(total, 10)) < 0
      ) {
        out.push({
          key: k,
          why: 'low-quota',
          detail: `${formatMoney(q.remaining, locale, { minFraction: 2, maxFraction: 4 })} (${fixedDecimal(divDecimal(mulDecimal(q.remaining.amount, 100), total), 1)}%)`,
        });
      }
    }
  }
  const rank = { exhausted: 0, expired: 1, expiring: 2, 'low-quota': 3, disabled: 4 } as const;
  return out.sort((a, b) => rank[a.why] - rank[b.why] || a.key.name.localeCompare(b.key.name));
}

function concernText(c: KeyConcern): string {
  switch (c.why) {
    case 'expiring':
      return vscode.l10n.t('expires on {0}', c.detail);
    case 'low-quota':
      return vscode.l10n.t('low on quota: {0} left', c.detail);
    case 'disabled':
      return vscode.l10n.t('disabled');
    case 'expired':
      return vscode.l10n.t('expired');
    case 'exhausted':
      return vscode.l10n.t('quota used up');
  }
}

export async function answerKeys(ctx: AnswerContext, p: ConnectionProfile, out: AnswerStream): Promise<number> {
  out.progress(vscode.l10n.t('Reading the keys of {0}…', p.label));
  const page = await ctx.store.gateway(p.id).listKeys({ page: 0, pageSize: 100, signal: ctx.signal });
  const concerns = keyConcerns(page.items, ctx.now, ctx.locale);
  const scope = page.hasMore
    ? vscode.l10n.t('the first {0} keys', page.items.length)
    : vscode.l10n.t('all {0} keys', page.items.length);
  if (concerns.length === 0) {
    out.markdown(
      vscode.l10n.t(
        'No key of {0} is expiring within 7 days, low on quota or disabled ({1} checked).',
        md(p.label),
        scope,
      ),
    );
    return 0;
  }
  out.markdown(`**${md(vscode.l10n.t('Keys of {0} that need attention ({1} checked)', p.label, scope))}**\n`);
  for (const c of concerns.slice(0, 10)) {
    const ref = { connectionId: p.id, keyId: c.key.id };
    out.markdown(
      `\n- **${md(c.key.name || c.key.id)}** \`${c.key.maskedKey.replace(/`/g, '')}\` — ${md(concernText(c))}\n`,
    );
    if (c.why === 'disabled')
      out.button({
        command: CommandIds.enableKey,
        arguments: [ref],
        title: vscode.l10n.t('Enable "{0}"', c.key.name || c.key.id),
      });
    if (c.why === 'expiring' || c.why === 'low-quota' || c.why === 'exhausted' || c.why === 'expired') {
      out.button({
        command: CommandIds.editKey,
        arguments: [ref],
        title: vscode.l10n.t('Edit "{0}"', c.key.name || c.key.id),
      });
    }
    if (c.why === 'expiring' && ctx.store.gateway(p.id).capabilities.serverSideRotate) {
      out.button({
        command: CommandIds.rotateKey,
        arguments: [ref],
        title: vscode.l10n.t('Rotate "{0}"', c.key.name || c.key.id),
      });
    }
  }
  if (concerns.length > 10) out.markdown(`\n${vscode.l10n.t('…and {0} more.', concerns.length - 10)}`);
  return concerns.length;
}

// ---- /models ------------------------------------------------------------------------------------------

export async function answerModels(
  ctx: AnswerContext,
  p: ConnectionProfile,
  query: string,
  out: AnswerStream,
): Promise<ModelInfo[]> {
  out.progress(vscode.l10n.t('Reading the models of {0}…', p.label));
  const all = await ctx.catalog.get(p.id, { signal: ctx.signal });
  const filter = parseModelFilter(query);
  const found = filterModels(all, filter);
  const what: string[] = [];
  if (filter.tools) what.push(vscode.l10n.t('with tool calling'));
  if (filter.images) what.push(vscode.l10n.t('with image input'));
  if (filter.minContext) what.push(vscode.l10n.t('context ≥ {0}', formatTokenCount(filter.minContext, ctx.locale)));
  if (filter.text.length) what.push(vscode.l10n.t('matching "{0}"', filter.text.join(' ')));
  if (filter.sort === 'cheapest') what.push(vscode.l10n.t('cheapest first'));
  else if (filter.sort === 'context') what.push(vscode.l10n.t('largest context first'));
  const head = what.length
    ? vscode.l10n.t('{0} models of {1} {2}', found.length, p.label, what.join(', '))
    : vscode.l10n.t('{0} chat models of {1}', found.length, p.label);
  if (found.length === 0) {
    out.markdown(`**${md(head)}**\n\n${vscode.l10n.t('No model matches. Try fewer conditions.')}`);
    return found;
  }
  const price = (m: Money | undefined) => (m ? formatMoney(m, ctx.locale, 'amount') : '—');
  const rows = found.slice(0, 25).map((m) => {
    const c = capabilitiesOf(m);
    return `| \`${m.id.replace(/`/g, '')}\` | ${m.contextLength ? formatTokenCount(m.contextLength, ctx.locale) : '—'} | ${c.toolCalling ? '✓' : ''} | ${c.imageInput ? '✓' : ''} | ${price(m.price?.inputPerMTok)} | ${price(m.price?.outputPerMTok)} |`;
  });
  out.markdown(
    [
      `**${md(head)}**`,
      '',
      `| ${vscode.l10n.t('Model')} | ${vscode.l10n.t('Context')} | ${vscode.l10n.t('Tools')} | ${vscode.l10n.t('Images')} | ${vscode.l10n.t('Input / 1M')} | ${vscode.l10n.t('Output / 1M')} |`,
      '|---|---:|:---:|:---:|---:|---:|',
      ...rows,
      ...(found.length > 25 ? ['', vscode.l10n.t('…and {0} more.', found.length - 25)] : []),
    ].join('\n'),
  );
  const first = found[0]!;
  out.button({
    command: CommandIds.chatWithModel,
    arguments: [{ connectionId: p.id, modelId: first.id }],
    title: vscode.l10n.t('Chat with {0}', first.id),
  });
  out.button({
    command: CommandIds.copyModelId,
    arguments: [{ connectionId: p.id, modelId: first.id }],
    title: vscode.l10n.t('Copy "{0}"', first.id),
  });
  return found;
}
