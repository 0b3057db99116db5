/**
 * "Compare models": two to four models (of any connections) side by side in one panel — kind, features, input
 * modalities, context and output limits, every price, the name Cursor needs on gateways with that rule, and what a
 * request of the user's own typical size costs on each. Models are chosen with "Compare Models…" or added one by one
 * with "Add to Comparison" on a model row. Nothing is fetched until a command runs.
 */
import * as vscode from 'vscode';
import * as z from 'zod';
import { formatInteger, formatMoney } from '../../core/format';
import { connectionIdSchema } from '../../core/ids';
import { compareDecimal, type Currency } from '../../core/money';
import type { ModelInfo, ModelPrice } from '../../core/types';
import { describeKind } from '../../gateway';
import type { ActivityService } from '../../platform/activity';
import { CommandIds, registerCommand } from '../../platform/commands';
import type { ConnectionStore } from '../../platform/connections';
import { userMessage } from '../../platform/errors';
import { Disposable } from '../../platform/lifecycle';
import type { Logger } from '../../platform/logger';
import {
  cursorAliasOf,
  featuresOf,
  MODEL_FEATURES,
  type ModelFeature,
  type ModelKind,
  modelKindsOf,
} from '../../platform/modelKinds';
import { badArgument } from '../../platform/pickers';
import type { Prompter } from '../../platform/prompter';
import {
  COMPARE_MAX,
  COMPARE_ROWS,
  type CompareColumn,
  type CompareInbound,
  type CompareOutbound,
  type CompareRow,
  type CompareState,
  compareInboundSchema,
} from '../../webview/compareProtocol';
import { escapeHtml, WebviewHost } from '../../webview/host';
import { type RequestSize, type TypicalRequest, typicalCost, typicalRequest } from './typical';

export const COMPARE_VIEW_TYPE = 'aiGateway.compareModels';

export interface ModelRef {
  readonly connectionId: string;
  readonly modelId: string;
}

const modelRefSchema = z.object({ connectionId: connectionIdSchema, modelId: z.string().min(1).max(256) });

export interface CompareDeps {
  readonly extensionUri: vscode.Uri;
  readonly store: ConnectionStore;
  readonly log: Logger;
  readonly activity: ActivityService;
  readonly prompts: { readonly ui: Prompter };
  /** The models of a connection (the Models view's cached list). */
  readonly models: (connectionId: string) => Promise<readonly ModelInfo[]>;
  /** The user's recent chat requests, newest first. */
  readonly recentRequests: () => Promise<readonly RequestSize[]>;
  /** How a kind and a feature are named (the Models view's words). */
  readonly kindLabel: (k: ModelKind) => string;
  readonly featureLabel: (f: ModelFeature) => string;
}

export class CompareFeature extends Disposable {
  private selection: ModelRef[] = [];
  private host: WebviewHost<CompareInbound, CompareOutbound> | undefined;
  private last: CompareState | undefined;
  private typical: TypicalRequest | undefined;
  private readonly log: Logger;

  constructor(private readonly deps: CompareDeps) {
    super();
    this.log = deps.log.child('compare');
    this._register(
      registerCommand(
        CommandIds.compareModels,
        async () => {
          deps.activity.note();
          await this.choose();
        },
        this.log,
      ),
    );
    this._register(
      registerCommand(
        CommandIds.addModelToComparison,
        async (arg) => {
          deps.activity.note();
          const r = modelRefSchema.safeParse(arg);
          if (!r.success) throw badArgument();
          await this.add(r.data);
        },
        this.log,
      ),
    );
  }

  /** The models compared now. */
  get models(): readonly ModelRef[] {
    return this.selection;
  }

  /** The state last sent to the panel (the test API reads it). */
  get state(): CompareState | undefined {
    return this.last;
  }

  /** The request size the typical cost is for (read when the panel opens). */
  get typicalRequest(): TypicalRequest | undefined {
    return this.typical;
  }

  get panelHost(): WebviewHost<CompareInbound, CompareOutbound> | undefined {
    return this.host;
  }

  /** Adds one model (the oldest goes when four are compared already) and shows the panel. */
  async add(ref: ModelRef): Promise<void> {
    if (this.selection.some((s) => same(s, ref))) {
      await this.open(this.selection);
      return;
    }
    const next = [...this.selection, ref];
    if (next.length > COMPARE_MAX) {
      const dropped = next.shift()!;
      this.deps.prompts.ui.info(
        vscode.l10n.t('At most {0} models are compared: {1} was taken out.', COMPARE_MAX, dropped.modelId),
      );
    }
    await this.open(next);
  }

  /** Compares exactly these models (2–4 from the picker, or what "Add to Comparison" gathered). */
  async open(refs: readonly ModelRef[]): Promise<void> {
    this.selection = refs.slice(0, COMPARE_MAX);
    this.typical = undefined;
    this.ensurePanel();
    await this.update();
  }

  /** Picks 2–4 models among every connection's, the current ones chosen. */
  async choose(): Promise<void> {
    const ui = this.deps.prompts.ui;
    const profiles = this.deps.store.list();
    if (profiles.length === 0) {
      ui.info(vscode.l10n.t('Add a gateway connection first: its models can then be compared.'));
      return;
    }
    const lists = await ui.progress(vscode.l10n.t('Listing the models…'), 'window', () =>
      Promise.all(
        profiles.map(async (p) => {
          try {
            return { p, models: await this.deps.models(p.id) };
          } catch (e) {
            this.log.warn(`models of "${p.label}" not listed for the comparison:`, e);
            return { p, models: [] as readonly ModelInfo[], error: userMessage(e) };
          }
        }),
      ),
    );
    const items = lists.flatMap(({ p, models, error }) => [
      { id: `sep:${p.id}`, label: p.label, separator: true },
      ...(error ? [{ id: `err:${p.id}`, label: vscode.l10n.t('$(error) {0}', error), separator: true }] : []),
      ...models.map((m) => ({
        id: JSON.stringify([p.id, m.id]),
        label: m.id,
        description: p.label,
        picked: this.selection.some((s) => s.connectionId === p.id && s.modelId === m.id),
      })),
    ]);
    let validationMessage: string | undefined;
    for (;;) {
      const r = await ui.pick({
        id: 'compare',
        title: vscode.l10n.t('Compare Models'),
        canGoBack: false,
        canPickMany: true,
        placeholder: vscode.l10n.t('Choose 2 to 4 models to compare'),
        items,
        ...(validationMessage ? { validationMessage } : {}),
      });
      if (r.kind !== 'value') return;
      const refs = r.value.flatMap((id) => {
        const parsed = z.tuple([z.string(), z.string()]).safeParse(JSON.parse(id));
        return parsed.success ? [{ connectionId: parsed.data[0], modelId: parsed.data[1] }] : [];
      });
      if (refs.length >= 2 && refs.length <= COMPARE_MAX) {
        await this.open(refs);
        return;
      }
      validationMessage = vscode.l10n.t(
        'Choose at least 2 and at most {0} models (you chose {1}).',
        COMPARE_MAX,
        refs.length,
      );
    }
  }

  private ensurePanel(): void {
    if (this.host?.isOpen) {
      // shown without taking the focus: models are added from the Models view one after another
      this.host.panel?.reveal(undefined, true);
      return;
    }
    this.host ??= this._register(
      new WebviewHost<CompareInbound, CompareOutbound>(this.deps.extensionUri, {
        ui: 'compare',
        schema: compareInboundSchema,
        log: this.log,
        handlers: {
          ready: () => this.post(),
          remove: async (m) => {
            this.selection = this.selection.filter((_, i) => i !== m.index);
            await this.update();
          },
          choose: () => this.choose(),
        },
      }),
    );
    const title = vscode.l10n.t('Compare Models');
    this.host.create(COMPARE_VIEW_TYPE, title, `<main id="app"><p>${escapeHtml(vscode.l10n.t('Loading…'))}</p></main>`);
  }

  private post(): void {
    if (this.last) this.host?.post({ type: 'state', state: this.last });
  }

  /** Reads what is needed (the models, the typical request once per opening) and sends the state. */
  private async update(): Promise<void> {
    if (!this.typical) {
      let recent: readonly RequestSize[] = [];
      try {
        recent = await this.deps.recentRequests();
      } catch (e) {
        this.log.warn('recent chat requests not read:', e);
      }
      this.typical = typicalRequest(recent);
    }
    const typical = this.typical;
    const locale = vscode.env.language;
    const columns: Array<{
      ref: ModelRef;
      cells: Record<CompareRow, string>;
      cost?: { amount: string; currency: Currency };
    }> = [];
    for (const ref of this.selection) {
      const profile = this.deps.store.get(ref.connectionId);
      let model: ModelInfo | undefined;
      let problem: string | undefined;
      if (profile) {
        try {
          model = (await this.deps.models(ref.connectionId)).find((m) => m.id === ref.modelId);
          if (!model) problem = vscode.l10n.t('{0} no longer lists this model.', profile.label);
        } catch (e) {
          problem = userMessage(e);
        }
      } else problem = vscode.l10n.t('The connection was removed.');
      columns.push(
        this.column(
          ref,
          profile?.label ?? '—',
          profile ? describeKind(profile.kind).cursorShortClaudeNames : false,
          model,
          problem,
          typical,
          locale,
        ),
      );
    }
    // the cheapest typical request among the columns priced in the most common currency
    const costs = columns.flatMap((c) => (c.cost ? [c.cost] : []));
    const currency = mostCommon(costs.map((c) => c.currency));
    const cheapest = costs
      .filter((c) => c.currency === currency)
      .reduce<string | undefined>(
        (min, c) => (min === undefined || compareDecimal(c.amount, min) < 0 ? c.amount : min),
        undefined,
      );
    const out: CompareColumn[] = columns.map((c) => ({
      connectionId: c.ref.connectionId,
      modelId: c.ref.modelId,
      cells: c.cells,
      cheapest:
        columns.length > 1 && c.cost !== undefined && c.cost.currency === currency && c.cost.amount === cheapest,
    }));
    this.last = {
      title: vscode.l10n.t('Compare Models'),
      typicalNote: typicalNote(typical, locale),
      rows: COMPARE_ROWS,
      rowLabels: rowLabels(),
      strings: {
        remove: vscode.l10n.t('Remove'),
        choose: vscode.l10n.t('Choose Models…'),
        empty: vscode.l10n.t(
          'No model is compared. Choose 2 to 4 models, or use "Add to Comparison" on a model in the Models view.',
        ),
        one: vscode.l10n.t('Add one more model to compare.'),
        cheapest: vscode.l10n.t('cheapest'),
        assumed: vscode.l10n.t('* assumed from the model family (the gateway does not say)'),
      },
      columns: out,
    };
    this.post();
  }

  private column(
    ref: ModelRef,
    connectionLabel: string,
    cursorRule: boolean,
    m: ModelInfo | undefined,
    problem: string | undefined,
    typical: TypicalRequest,
    locale: string,
  ): { ref: ModelRef; cells: Record<CompareRow, string>; cost?: { amount: string; currency: Currency } } {
    const none = '—';
    const perM = (p: ModelPrice[keyof ModelPrice]) =>
      p ? vscode.l10n.t('{0} per 1M', formatMoney(p, locale, 'amount')) : none;
    const tokens = (n: number | undefined) => (n ? formatInteger(n, locale) : none);
    const base: Record<CompareRow, string> = {
      connection: connectionLabel,
      id: ref.modelId,
      alias: none,
      vendor: none,
      type: none,
      features: none,
      modalities: none,
      context: none,
      maxOutput: none,
      input: none,
      output: none,
      cacheRead: none,
      cacheWrite: none,
      typical: problem ?? none,
    };
    if (!m) return { ref, cells: base };
    const { features, assumed } = featuresOf(m);
    const named = MODEL_FEATURES.filter((f) => features.has(f)).map((f) =>
      assumed.has(f) ? `${this.deps.featureLabel(f)}*` : this.deps.featureLabel(f),
    );
    const cursor = cursorAliasOf(m.id, cursorRule);
    const aliases = [...(cursor ? [vscode.l10n.t('{0} (Cursor)', cursor)] : []), ...(m.aliases ?? [])];
    const cost = typicalCost(typical, m.price);
    let typicalText = none;
    if (cost) {
      typicalText = formatMoney({ amount: cost.amount, currency: cost.currency }, locale, 'exact');
      if (cost.unpriced.length > 0) typicalText = vscode.l10n.t('{0} or more (some tokens have no price)', typicalText);
    }
    return {
      ref,
      cells: {
        ...base,
        alias: aliases.length > 0 ? aliases.join(', ') : none,
        vendor: m.vendor,
        type: modelKindsOf(m).map(this.deps.kindLabel).join(', '),
        features: named.length > 0 ? named.join(', ') : none,
        modalities: m.inputModalities?.length ? m.inputModalities.join(', ') : none,
        context: tokens(m.contextLength),
        maxOutput: tokens(m.maxOutput),
        input: perM(m.price?.inputPerMTok),
        output: perM(m.price?.outputPerMTok),
        cacheRead: perM(m.price?.cacheReadPerMTok),
        cacheWrite: perM(m.price?.cacheWritePerMTok),
        typical: typicalText,
      },
      ...(cost && cost.unpriced.length === 0 ? { cost: { amount: cost.amount, currency: cost.currency } } : {}),
    };
  }
}

function same(a: ModelRef, b: ModelRef): boolean {
  return a.connectionId === b.connectionId && a.modelId === b.modelId;
}

function mostCommon<T>(values: readonly T[]): T | undefined {
  const n = new Map<T, number>();
  for (const v of values) n.set(v, (n.get(v) ?? 0) + 1);
  return [...n.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
}

function typicalNote(t: TypicalRequest, locale: string): string {
  const size = vscode.l10n.t(
    '{0} tokens in ({1} cached, {2} written to the cache), {3} out',
    formatInteger(t.promptTokens, locale),
    formatInteger(t.cachedTokens, locale),
    formatInteger(t.cacheWriteTokens, locale),
    formatInteger(t.completionTokens, locale),
  );
  return t.samples === 0
    ? vscode.l10n.t('Typical request: {0}. No chat history yet, so this default size is assumed.', size)
    : t.samples === 1
      ? vscode.l10n.t('Typical request: {0}, from your last chat request.', size)
      : vscode.l10n.t('Typical request: {0}, the median of your last {1} chat requests.', size, t.samples);
}

function rowLabels(): Record<CompareRow, string> {
  return {
    connection: vscode.l10n.t('Connection'),
    id: vscode.l10n.t('Model id'),
    alias: vscode.l10n.t('Name in tools'),
    vendor: vscode.l10n.t('Vendor'),
    type: vscode.l10n.t('Type'),
    features: vscode.l10n.t('Features'),
    modalities: vscode.l10n.t('Input'),
    context: vscode.l10n.t('Context window'),
    maxOutput: vscode.l10n.t('Max output'),
    input: vscode.l10n.t('Input price'),
    output: vscode.l10n.t('Output price'),
    cacheRead: vscode.l10n.t('Cache read price'),
    cacheWrite: vscode.l10n.t('Cache write price'),
    typical: vscode.l10n.t('Typical request'),
  };
}
