/**
 * What the "Compare models" panel is sent, built from plain data: one column per model (every row's text, the cost
 * of the typical request when every token of it is priced), the cheapest column among those priced in the most
 * common currency, the note on the typical request's size, and the row labels. No I/O here: the feature reads the
 * models and the recent requests, then calls these.
 */
import * as vscode from 'vscode';
import { formatInteger, formatMoney } from '../../core/format';
import { compareDecimal, type Currency } from '../../core/money';
import type { ModelInfo, ModelPrice } from '../../core/types';
import {
  cursorAliasOf,
  featuresOf,
  MODEL_FEATURES,
  type ModelFeature,
  type ModelKind,
  modelKindsOf,
} from '../../platform/modelKinds';
import { COMPARE_ROWS, type CompareColumn, type CompareRow, type CompareState } from '../../webview/compareProtocol';
import { type TypicalRequest, typicalCost } from './typical';

export interface ModelRef {
  readonly connectionId: string;
  readonly modelId: string;
}

/** One model's column before the cheapest one is marked. */
export interface ColumnDraft {
  readonly ref: ModelRef;
  readonly cells: Record<CompareRow, string>;
  readonly cost?: { amount: string; currency: Currency };
}

/** How a kind and a feature are named (the Models view's words). */
export interface CompareLabels {
  readonly kindLabel: (k: ModelKind) => string;
  readonly featureLabel: (f: ModelFeature) => string;
  /** An input modality as the gateway names it (absent: as named). */
  readonly modalityLabel?: (m: string) => string;
}

/** One model's column: its cells ("—" where unknown, the problem in the typical row when it is not listed). */
export function compareColumn(
  ref: ModelRef,
  connectionLabel: string,
  cursorRule: boolean,
  m: ModelInfo | undefined,
  problem: string | undefined,
  typical: TypicalRequest,
  locale: string,
  labels: CompareLabels,
): ColumnDraft {
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
    assumed.has(f) ? `${labels.featureLabel(f)}*` : labels.featureLabel(f),
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
      type: modelKindsOf(m).map(labels.kindLabel).join(', '),
      features: named.length > 0 ? named.join(', ') : none,
      modalities: m.inputModalities?.length
        ? m.inputModalities.map((x) => labels.modalityLabel?.(x) ?? x).join(', ')
        : none,
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

/** The state of the panel: the columns, the cheapest typical request marked (when more than one model is shown). */
export function compareState(columns: readonly ColumnDraft[], typical: TypicalRequest, locale: string): CompareState {
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
    cheapest: columns.length > 1 && c.cost !== undefined && c.cost.currency === currency && c.cost.amount === cheapest,
  }));
  return {
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
