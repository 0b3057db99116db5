/**
 * The rows of the Models view for one model: the short description (kind, context, prices, main features), the
 * icon, and the tooltip with every known field. Gateway text goes in as plain text, never as markdown.
 */
import * as vscode from 'vscode';
import { formatInteger, formatMoney, formatTokenCount } from '../../core/format';
import type { ModelInfo, ModelPrice } from '../../core/types';
import {
  cursorAliasOf,
  featuresOf,
  MODEL_FEATURES,
  type ModelFeature,
  modelKindOf,
  modelKindsOf,
} from '../../platform/modelKinds';
import type { ModelNode } from './nodes';
import { featureLabel, kindLabel, modalityLabel } from './viewState';

export function modelCount(n: number): string {
  return n === 1 ? vscode.l10n.t('1 model') : vscode.l10n.t('{0} models', n);
}

/** "$2/$8": the input and output price per 1M tokens, "–" for one not given. */
function pricePair(price: ModelPrice | undefined, locale: string): string | undefined {
  if (!price?.inputPerMTok && !price?.outputPerMTok) return undefined;
  const inp = price.inputPerMTok ? formatMoney(price.inputPerMTok, locale, 'amount') : '–';
  const out = price.outputPerMTok ? formatMoney(price.outputPerMTok, locale, 'amount') : '–';
  return `${inp}/${out}`;
}

/** The short form of the features in a row's description. */
function featureShort(f: ModelFeature): string {
  switch (f) {
    case 'tools':
      return vscode.l10n.t('tools');
    case 'thinking':
      return vscode.l10n.t('think');
    case 'vision':
      return vscode.l10n.t('vision');
    case 'longContext':
      return '';
    case 'structuredOutput':
      return vscode.l10n.t('JSON');
    case 'web':
      return vscode.l10n.t('web');
  }
}

/**
 * A row's description, short enough for the sidebar: the kind (when not chat), the context, the input / output
 * prices per 1M tokens, the main features ("128K · $2.50/$10.00 · tools, vision, JSON"); the tooltip says the rest.
 */
export function modelDescription(m: ModelInfo, locale: string): string {
  const parts: string[] = [];
  const kind = modelKindOf(m);
  if (kind !== 'chat') parts.push(kindLabel(kind));
  if (m.contextLength) parts.push(formatTokenCount(m.contextLength, locale));
  const prices = pricePair(m.price, locale);
  if (prices) parts.push(prices);
  const { features } = featuresOf(m);
  const short = MODEL_FEATURES.filter((f) => features.has(f))
    .map(featureShort)
    .filter((x) => x !== '');
  if (short.length > 0) parts.push(short.join(vscode.l10n.t(', ')));
  return parts.join(' · ');
}

export function modelItem(node: ModelNode, locale: string, cursorRule: boolean): vscode.TreeItem {
  const m = node.model;
  const item = new vscode.TreeItem(m.id, vscode.TreeItemCollapsibleState.None);
  item.id = `${node.connectionId}/model/${m.id}`;
  item.description = modelDescription(m, locale);
  const kind = modelKindOf(m);
  item.iconPath = new vscode.ThemeIcon(
    kind === 'embedding'
      ? 'symbol-array'
      : kind === 'image' || kind === 'video'
        ? 'file-media'
        : kind === 'audio'
          ? 'unmute'
          : kind === 'rerank'
            ? 'list-ordered'
            : 'sparkle',
  );
  item.contextValue = 'aiGateway.model';
  item.tooltip = modelTooltip(m, locale, cursorRule);
  return item;
}

/** Every known field; gateway text goes in as plain text (never as markdown). */
export function modelTooltip(m: ModelInfo, locale: string, cursorRule = false): vscode.MarkdownString {
  const md = new vscode.MarkdownString(undefined, false);
  md.isTrusted = false;
  md.supportHtml = false;
  const row = (label: string, value: string): void => {
    md.appendMarkdown(`**${label}:** `);
    md.appendText(value);
    md.appendMarkdown('  \n');
  };
  const perM = (p: ModelPrice[keyof ModelPrice]) =>
    p ? vscode.l10n.t('{0} per 1M tokens', formatMoney(p, locale, 'amount')) : undefined;
  md.appendMarkdown('**');
  md.appendText(m.name && m.name !== m.id ? `${m.name} (${m.id})` : m.id);
  md.appendMarkdown('**\n\n');
  const cursor = cursorAliasOf(m.id, cursorRule);
  if (cursor) row(vscode.l10n.t('In Cursor'), cursor);
  if (m.aliases?.length) row(vscode.l10n.t('Also called'), m.aliases.join(', '));
  row(vscode.l10n.t('Vendor'), m.vendor);
  row(vscode.l10n.t('Type'), modelKindsOf(m).map(kindLabel).join(', '));
  const { features, assumed } = featuresOf(m);
  const named = MODEL_FEATURES.filter((f) => features.has(f)).map((f) =>
    assumed.has(f) ? vscode.l10n.t('{0} (assumed from the model family)', featureLabel(f)) : featureLabel(f),
  );
  if (named.length > 0) row(vscode.l10n.t('Features'), named.join(', '));
  if (m.inputModalities?.length) row(vscode.l10n.t('Input'), m.inputModalities.map(modalityLabel).join(', '));
  if (m.contextLength)
    row(vscode.l10n.t('Context window'), vscode.l10n.t('{0} tokens', formatInteger(m.contextLength, locale)));
  if (m.maxOutput) row(vscode.l10n.t('Max output'), vscode.l10n.t('{0} tokens', formatInteger(m.maxOutput, locale)));
  const p = m.price;
  const input = perM(p?.inputPerMTok);
  const output = perM(p?.outputPerMTok);
  const read = perM(p?.cacheReadPerMTok);
  const write = perM(p?.cacheWritePerMTok);
  const write1h = perM(p?.cacheWrite1hPerMTok);
  if (input) row(vscode.l10n.t('Input price'), input);
  if (output) row(vscode.l10n.t('Output price'), output);
  if (read) row(vscode.l10n.t('Cache read price'), read);
  if (write) row(vscode.l10n.t('Cache write price'), write);
  if (write1h) row(vscode.l10n.t('Cache write price (1 hour)'), write1h);
  if (!input && !output) row(vscode.l10n.t('Price'), vscode.l10n.t('not given by the gateway'));
  if (m.features?.length) row(vscode.l10n.t('Gateway features'), m.features.join(', '));
  if (m.description) {
    md.appendMarkdown('\n');
    md.appendText(m.description);
  }
  return md;
}
