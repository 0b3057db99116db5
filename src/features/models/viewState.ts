/**
 * The Models view's filter and order: the shape kept per workspace (read leniently, anything else is the default),
 * and the localized words for kinds, features and sort orders that describe it in the view and in the pickers.
 */
import * as vscode from 'vscode';
import * as z from 'zod';
import { formatTokenCount } from '../../core/format';
import {
  type CatalogueFilter,
  MODEL_FEATURES,
  MODEL_KINDS,
  MODEL_SORTS,
  type ModelFeature,
  type ModelKind,
  type ModelSort,
  NO_FILTER,
} from '../../platform/modelKinds';

/** The view's filter and order, kept per workspace. */
export const MODELS_VIEW_STATE = 'aiGateway.models.view';

const viewStateSchema = z.object({
  kinds: z.array(z.enum(MODEL_KINDS)).max(MODEL_KINDS.length).catch([]),
  features: z.array(z.enum(MODEL_FEATURES)).max(MODEL_FEATURES.length).catch([]),
  minContext: z.number().int().positive().max(100_000_000).optional().catch(undefined),
  sort: z.enum(MODEL_SORTS).catch('name'),
});
export type ModelsViewState = CatalogueFilter & { readonly sort: ModelSort };

/** A stored view state, or the default (everything, by name) when it is missing or not one. */
export function readViewState(raw: unknown): ModelsViewState {
  const r = viewStateSchema.safeParse(raw);
  if (!r.success) return { ...NO_FILTER, sort: 'name' };
  const { minContext, ...rest } = r.data;
  return { ...rest, ...(minContext ? { minContext } : {}) };
}

export function kindLabel(k: ModelKind): string {
  switch (k) {
    case 'chat':
      return vscode.l10n.t('chat');
    case 'image':
      return vscode.l10n.t('image');
    case 'video':
      return vscode.l10n.t('video');
    case 'embedding':
      return vscode.l10n.t('embedding');
    case 'audio':
      return vscode.l10n.t('audio');
    case 'rerank':
      return vscode.l10n.t('rerank');
    case 'moderation':
      return vscode.l10n.t('moderation');
    case 'other':
      return vscode.l10n.t('other');
  }
}

export function featureLabel(f: ModelFeature): string {
  switch (f) {
    case 'tools':
      return vscode.l10n.t('tools');
    case 'thinking':
      return vscode.l10n.t('thinking');
    case 'vision':
      return vscode.l10n.t('vision');
    case 'longContext':
      return vscode.l10n.t('long context');
    case 'structuredOutput':
      return vscode.l10n.t('structured output');
    case 'web':
      return vscode.l10n.t('web search');
  }
}

export function sortLabel(s: ModelSort): string {
  switch (s) {
    case 'name':
      return vscode.l10n.t('by name');
    case 'inputPrice':
      return vscode.l10n.t('cheapest input first');
    case 'outputPrice':
      return vscode.l10n.t('cheapest output first');
    case 'context':
      return vscode.l10n.t('largest context first');
  }
}

/** "tools, ≥ 128K ctx · cheapest input first": what the view applies, short. */
export function describeViewState(s: ModelsViewState, locale: string): string {
  const parts: string[] = [
    ...s.kinds.map(kindLabel),
    ...s.features.map(featureLabel),
    ...(s.minContext ? [vscode.l10n.t('≥ {0} ctx', formatTokenCount(s.minContext, locale))] : []),
  ];
  const what = parts.join(', ');
  if (s.sort === 'name') return what;
  return what ? `${what} · ${sortLabel(s.sort)}` : sortLabel(s.sort);
}

/** An input modality as the gateway names it (text, image, audio, video, pdf, file), in the display language. */
export function modalityLabel(m: string): string {
  switch (m.trim().toLowerCase()) {
    case 'text':
      return vscode.l10n.t('text');
    case 'image':
    case 'images':
      return vscode.l10n.t('image');
    case 'audio':
      return vscode.l10n.t('audio');
    case 'video':
      return vscode.l10n.t('video');
    case 'pdf':
      return vscode.l10n.t('PDF');
    case 'file':
    case 'files':
      return vscode.l10n.t('file');
    default:
      return m;
  }
}
