/**
 * `@gateway` in VS Code's chat: `/usage`, `/keys`, `/models`, `/cost`, answered from the gateway client and the
 * usage ledger — never by a model. A connection is named in the prompt by its label ("/usage Demo AIHubMix"),
 * else the active connection is used. Each answer ends with follow-ups and buttons running our own commands.
 */
import * as vscode from 'vscode';
import { addDecimal, type Currency, type Money } from '../../core/money';
import { CommandIds } from '../../platform/commands';
import type { ActivityService } from '../../platform/activity';
import type { ConfigService } from '../../platform/config';
import type { ConnectionProfile, ConnectionStore } from '../../platform/connections';
import { userMessage } from '../../platform/errors';
import { formatInteger, formatMoney } from '../../core/format';
import { Disposable } from '../../platform/lifecycle';
import type { Logger } from '../../platform/logger';
import type { ModelCatalog } from '../../platform/modelCatalog';
import type { AnswerContext, AnswerStream } from './answers';

export const PARTICIPANT_ID = 'aiGateway.gateway';

/** One row of what VS Code's requests through the gateway cost (the usage ledger's rows have this shape). */
export interface SpendRow {
  readonly connectionId: string;
  readonly model: string;
  readonly requests: number;
  readonly unreported: number;
  readonly promptTokens: number;
  readonly completionTokens: number;
  readonly cost?: Money;
  readonly unpriced: number;
  /** Some cache reads or writes had no price: the cost leaves them out. */
  readonly partial: boolean;
}

export interface SpendSource {
  /** Today's rows (local day). */
  today(): readonly SpendRow[];
  /** The rows of this window's session. */
  session(): readonly SpendRow[];
}

type Command = 'usage' | 'keys' | 'models' | 'cost';

export interface GatewayChatResult extends vscode.ChatResult {
  readonly metadata: { readonly command: Command | 'help'; readonly connectionId?: string };
}

/** The part of a ChatRequest the handler reads (tests pass a plain object). */
export interface RequestLike {
  readonly prompt: string;
  readonly command?: string;
}

export interface ParticipantFeatureDeps {
  readonly store: ConnectionStore;
  readonly config: ConfigService;
  readonly catalog: ModelCatalog;
  /** Today's spend through VS Code's chat (the LM feature's ledger). */
  readonly spend: SpendSource;
  readonly extensionUri: vscode.Uri;
  readonly log: Logger;
  /** A request counts as activity. */
  readonly activity: ActivityService;
}

export class ParticipantFeature extends Disposable {
  private readonly log: Logger;
  private readonly store: ConnectionStore;
  private readonly config: ConfigService;
  private readonly catalog: ModelCatalog;
  private readonly spend: SpendSource;
  private readonly activity: ActivityService;

  constructor(deps: ParticipantFeatureDeps) {
    super();
    const { extensionUri } = deps;
    ({
      store: this.store,
      config: this.config,
      catalog: this.catalog,
      spend: this.spend,
      activity: this.activity,
    } = deps);
    this.log = deps.log.child('participant');
    const participant = this._register(
      vscode.chat.createChatParticipant(PARTICIPANT_ID, (request, _context, response, token) =>
        this.handle(request, response, token),
      ),
    );
    participant.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'gateway.svg');
    participant.followupProvider = { provideFollowups: (result) => followups(result as GatewayChatResult) };
  }

  /** Answers one request. */
  async handle(
    request: RequestLike,
    response: AnswerStream,
    token: vscode.CancellationToken,
  ): Promise<GatewayChatResult> {
    this.activity.note();
    const ac = new AbortController();
    const sub = token.onCancellationRequested(() => ac.abort());
    try {
      const command = (['usage', 'keys', 'models', 'cost'] as const).find((c) => c === request.command);
      if (!command) {
        response.markdown(help());
        return { metadata: { command: 'help' } };
      }
      if (command === 'cost') {
        this.answerCost(response);
        return { metadata: { command } };
      }
      const { profile, rest } = this.connectionOf(request.prompt);
      if (!profile) {
        response.markdown(vscode.l10n.t('No gateway connected yet.'));
        response.button({ command: CommandIds.addConnection, title: vscode.l10n.t('Add Connection') });
        return { metadata: { command } };
      }
      const ctx: AnswerContext = {
        store: this.store,
        catalog: this.catalog,
        locale: vscode.env.language,
        signal: ac.signal,
        now: Date.now(),
      };
      try {
        const answers = await import('./lazy'); // dist/participant-lazy.js, loaded on the first request
        if (command === 'usage') await answers.answerUsage(ctx, profile, response);
        else if (command === 'keys') await answers.answerKeys(ctx, profile, response);
        else await answers.answerModels(ctx, profile, rest, response);
      } catch (e) {
        if (ac.signal.aborted) return { metadata: { command, connectionId: profile.id } };
        this.log.warn(`@gateway /${command} on "${profile.label}" failed`, e);
        response.markdown(`\n\n⚠ ${userMessage(e)}`);
        return { metadata: { command, connectionId: profile.id }, errorDetails: { message: userMessage(e) } };
      }
      return { metadata: { command, connectionId: profile.id } };
    } finally {
      sub.dispose();
    }
  }

  /** The connection named in the prompt (its label, case-insensitive; the longest match), else the active one. */
  connectionOf(prompt: string): { profile: ConnectionProfile | undefined; rest: string } {
    const all = this.store.list();
    const lower = prompt.toLowerCase();
    const named = [...all]
      .sort((a, b) => b.label.length - a.label.length)
      .find((p) => lower.includes(p.label.toLowerCase()));
    if (named) {
      const i = lower.indexOf(named.label.toLowerCase());
      return { profile: named, rest: `${prompt.slice(0, i)} ${prompt.slice(i + named.label.length)}`.trim() };
    }
    const active = this.config.activeConnectionId();
    return { profile: all.find((p) => p.id === active) ?? all[0], rest: prompt };
  }

  private answerCost(out: AnswerStream): void {
    const locale = vscode.env.language;
    const label = (id: string) => this.store.get(id)?.label ?? id;
    const section = (title: string, rows: readonly SpendRow[]): string[] => {
      if (rows.length === 0)
        return [
          `**${title}**`,
          '',
          vscode.l10n.t("No request from VS Code's chat or another extension went through the gateway."),
          '',
        ];
      const costOf = (r: SpendRow) => (r.cost ? formatMoney(r.cost, locale, { minFraction: 2, maxFraction: 6 }) : '—');
      const lines = [
        `**${title}**`,
        '',
        `| ${vscode.l10n.t('Connection')} | ${vscode.l10n.t('Model')} | ${vscode.l10n.t('Requests')} | ${vscode.l10n.t('Tokens in / out')} | ${vscode.l10n.t('Cost')} |`,
        '|---|---|---:|---:|---:|',
        ...rows.map(
          (r) =>
            `| ${label(r.connectionId)} | \`${r.model.replace(/`/g, '')}\` | ${formatInteger(r.requests, locale)} | ${formatInteger(r.promptTokens, locale)} / ${formatInteger(r.completionTokens, locale)} | ${costOf(r)}${r.partial ? ' *' : ''} |`,
        ),
      ];
      const totals = new Map<Currency, string>();
      for (const r of rows)
        if (r.cost) totals.set(r.cost.currency, addDecimal(totals.get(r.cost.currency) ?? '0', r.cost.amount));
      lines.push(
        '',
        vscode.l10n.t(
          'Total: {0}',
          [...totals]
            .map(([currency, amount]) => formatMoney({ amount, currency }, locale, { minFraction: 2, maxFraction: 6 }))
            .join(' + ') || '—',
        ),
      );
      const unreported = rows.reduce((n, r) => n + r.unreported, 0);
      const unpriced = rows.reduce((n, r) => n + r.unpriced, 0);
      if (unreported)
        lines.push(
          '',
          vscode.l10n.t(
            '{0} request(s) ended before the gateway reported their usage (stopped or failed): not counted in the tokens.',
            unreported,
          ),
        );
      if (unpriced)
        lines.push(
          '',
          vscode.l10n.t('{0} request(s) used a model without a price in the catalogue: not in the cost.', unpriced),
        );
      if (rows.some((r) => r.partial))
        lines.push(
          '',
          vscode.l10n.t(
            '* Some cached or cache-write tokens have no price in the catalogue: the cost leaves them out, so the gateway charged more.',
          ),
        );
      lines.push('');
      return lines;
    };
    out.markdown(
      [
        ...section(vscode.l10n.t('This session (since VS Code started)'), this.spend.session()),
        ...section(vscode.l10n.t('Today'), this.spend.today()),
      ].join('\n'),
    );
  }
}

function help(): string {
  return [
    vscode.l10n.t("I answer from your gateways' own figures, without a model:"),
    '',
    `- \`/usage\` — ${vscode.l10n.t('spend, tokens and requests today and this month')}`,
    `- \`/keys\` — ${vscode.l10n.t('keys expiring soon, low on quota or disabled')}`,
    `- \`/models\` — ${vscode.l10n.t('find models, e.g. "with tools and ≥ 128k context, cheapest first"')}`,
    `- \`/cost\` — ${vscode.l10n.t("what VS Code's requests through the gateway cost today")}`,
    '',
    vscode.l10n.t('Name a connection to use it instead of the active one, e.g. "/usage Demo AIHubMix".'),
  ].join('\n');
}

function followups(result: GatewayChatResult): vscode.ChatFollowup[] {
  const c = result.metadata?.command;
  const f = (command: Command, prompt: string, label: string): vscode.ChatFollowup => ({ prompt, command, label });
  switch (c) {
    case 'usage':
      return [
        f('cost', '', vscode.l10n.t("What did VS Code's chat cost today?")),
        f('keys', '', vscode.l10n.t('Which keys need attention?')),
      ];
    case 'keys':
      return [f('usage', '', vscode.l10n.t("Show this month's usage"))];
    case 'models':
      return [
        f(
          'models',
          'with tools and ≥ 128k context, cheapest first',
          vscode.l10n.t('Models with tools and ≥ 128k context, cheapest first'),
        ),
        f('models', 'with images cheapest first', vscode.l10n.t('Models that accept images, cheapest first')),
      ];
    case 'cost':
      return [f('usage', '', vscode.l10n.t("Show today's usage on the gateway"))];
    default:
      return [
        f('usage', '', vscode.l10n.t("Show today's usage")),
        f(
          'models',
          'with tools and ≥ 128k context, cheapest first',
          vscode.l10n.t('Models with tools and ≥ 128k context, cheapest first'),
        ),
      ];
  }
}
