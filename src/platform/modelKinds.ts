/**
 * The catalogue as the Models view and the comparison show it: the one vocabulary of model kinds and features
 * (every spelling the gateways use mapped to it), the view's filter and order, and the Cursor alias rule. No
 * 'vscode' import (unit-tested in Node).
 */
import { compareDecimal } from '../core/money';
import type { ModelInfo } from '../core/types';
import { capabilitiesOf } from './modelRules';

/** What a model is for, from the gateway's types (every spelling the gateways use), else from its id. */
export const MODEL_KINDS = ['chat', 'image', 'video', 'embedding', 'audio', 'rerank', 'moderation', 'other'] as const;
export type ModelKind = (typeof MODEL_KINDS)[number];

const KIND_OF_TYPE: ReadonlyArray<readonly [RegExp, ModelKind]> = [
  [
    /^(llm|chat|text|completions?|chat[-_ ]?completions?|language|text[-_ ]generation|reasoning|vlm|multimodal)$/,
    'chat',
  ],
  [/^(image|images|image[-_ ]generation|text[-_ ]to[-_ ]image|image[-_ ]edit(ing)?|t2i|drawing)$/, 'image'],
  [/^(video|videos|video[-_ ]generation|text[-_ ]to[-_ ]video|t2v)$/, 'video'],
  [/^(embedding|embeddings|text[-_ ]embedding|vector)$/, 'embedding'],
  [/^(audio|tts|stt|speech|asr|transcriptions?|text[-_ ]to[-_ ]speech|speech[-_ ]to[-_ ]text|realtime)$/, 'audio'],
  [/^(rerank|reranker|reranking|re[-_ ]rank)$/, 'rerank'],
  [/^(moderation|moderations|safety)$/, 'moderation'],
];

const KIND_OF_ID: ReadonlyArray<readonly [RegExp, ModelKind]> = [
  [/embed/i, 'embedding'],
  [/rerank/i, 'rerank'],
  [/moderation/i, 'moderation'],
  [/whisper|tts|speech|transcri|audio/i, 'audio'],
  [/sora|veo|video|kling|hailuo|wan-?\d/i, 'video'],
  [/dall-e|gpt-image|imagen|image-|-image|midjourney|flux|stable-diffusion|sdxl|seedream/i, 'image'],
];

/** The kinds a model is listed as (several when the gateway gives several types; chat first). */
export function modelKindsOf(m: ModelInfo): ModelKind[] {
  const out = new Set<ModelKind>();
  for (const t of m.types ?? []) {
    const k = KIND_OF_TYPE.find(([re]) => re.test(t.trim().toLowerCase()))?.[1];
    if (k) out.add(k);
  }
  if (out.size === 0 && (m.types?.length ?? 0) > 0) out.add('other');
  if (out.size === 0) out.add(KIND_OF_ID.find(([re]) => re.test(m.id))?.[1] ?? 'chat');
  return MODEL_KINDS.filter((k) => out.has(k));
}

/** The main kind of a model (the first of its kinds). */
export function modelKindOf(m: ModelInfo): ModelKind {
  return modelKindsOf(m)[0] ?? 'chat';
}

export const MODEL_FEATURES = ['tools', 'thinking', 'vision', 'longContext', 'structuredOutput', 'web'] as const;
export type ModelFeature = (typeof MODEL_FEATURES)[number];

const FEATURE_OF_NAME: ReadonlyArray<readonly [RegExp, ModelFeature]> = [
  [/^(tools?|function[-_ ]?call(ing|s)?|functions|tool[-_ ]?(use|calls?|calling)|fc)$/, 'tools'],
  [/^(thinking|reasoning|reasoner|extended[-_ ]thinking|think)$/, 'thinking'],
  [/^(vision|image[-_ ]?(input|understanding)|visual|multimodal)$/, 'vision'],
  [/^(long[-_ ]?context|long[-_ ]?ctx|1m[-_ ]?context)$/, 'longContext'],
  [/^(structured[-_ ]?outputs?|json[-_ ]?(schema|mode|output)|response[-_ ]?format)$/, 'structuredOutput'],
  [/^(web|web[-_ ]?search|search|deep[-_ ]?search|browsing|online)$/, 'web'],
];

export interface ModelFeatures {
  readonly features: ReadonlySet<ModelFeature>;
  /** Features the catalogue does not state, assumed from the model family (tools, vision). */
  readonly assumed: ReadonlySet<ModelFeature>;
}

/**
 * The features of a model in one vocabulary: the catalogue's feature names (every spelling), image among its input
 * modalities as vision; where the catalogue gives no features, tool calling and image input from the family rules
 * (named as assumed).
 */
export function featuresOf(m: ModelInfo): ModelFeatures {
  const features = new Set<ModelFeature>();
  const assumed = new Set<ModelFeature>();
  for (const f of m.features ?? []) {
    const hit = FEATURE_OF_NAME.find(([re]) => re.test(f.trim().toLowerCase()))?.[1];
    if (hit) features.add(hit);
  }
  const modalities = (m.inputModalities ?? []).map((x) => x.trim().toLowerCase());
  if (modalities.some((x) => x === 'image' || x === 'images' || x === 'vision')) features.add('vision');
  if (modelKindOf(m) === 'chat') {
    const caps = capabilitiesOf(m);
    if (!m.features?.length && caps.toolCalling) {
      features.add('tools');
      assumed.add('tools');
    }
    if (modalities.length === 0 && !features.has('vision') && caps.imageInput) {
      features.add('vision');
      assumed.add('vision');
    }
  }
  return { features, assumed };
}

export const MODEL_SORTS = ['name', 'inputPrice', 'outputPrice', 'context'] as const;
export type ModelSort = (typeof MODEL_SORTS)[number];

/** What the Models view shows: every condition must hold (an empty list or no minimum = no condition). */
export interface CatalogueFilter {
  /** Any of these kinds. */
  readonly kinds: readonly ModelKind[];
  /** All of these features. */
  readonly features: readonly ModelFeature[];
  /** At least this many tokens of context (a model with no known context does not pass). */
  readonly minContext?: number;
}

export const NO_FILTER: CatalogueFilter = { kinds: [], features: [] };

export function isFiltering(f: CatalogueFilter): boolean {
  return f.kinds.length > 0 || f.features.length > 0 || (f.minContext ?? 0) > 0;
}

export function matchesCatalogueFilter(m: ModelInfo, f: CatalogueFilter): boolean {
  if (f.kinds.length > 0) {
    const kinds = modelKindsOf(m);
    if (!f.kinds.some((k) => kinds.includes(k))) return false;
  }
  if (f.features.length > 0) {
    const { features } = featuresOf(m);
    if (!f.features.every((x) => features.has(x))) return false;
  }
  if (f.minContext && !((m.contextLength ?? 0) >= f.minContext)) return false;
  return true;
}

/**
 * Orders models: by id; by input or output price, cheapest first (the other price, then the id, break ties; a model
 * without that price goes last, and prices in another currency than most are compared only among themselves); or
 * by context, largest first (unknown last).
 */
export function sortModels(models: readonly ModelInfo[], sort: ModelSort): ModelInfo[] {
  const byName = (a: ModelInfo, b: ModelInfo) => a.id.localeCompare(b.id);
  const out = [...models];
  if (sort === 'name') return out.sort(byName);
  if (sort === 'context') return out.sort((a, b) => (b.contextLength ?? -1) - (a.contextLength ?? -1) || byName(a, b));
  const first = sort === 'inputPrice' ? 'inputPerMTok' : 'outputPerMTok';
  const second = sort === 'inputPrice' ? 'outputPerMTok' : 'inputPerMTok';
  return out.sort((a, b) => {
    const pa = a.price?.[first];
    const pb = b.price?.[first];
    if (!pa || !pb) return pa === pb ? byName(a, b) : pa ? -1 : 1;
    if (pa.currency !== pb.currency) return pa.currency.localeCompare(pb.currency);
    const qa = a.price?.[second];
    const qb = b.price?.[second];
    const tie =
      qa && qb && qa.currency === qb.currency ? compareDecimal(qa.amount, qb.amount) : qa === qb ? 0 : qa ? -1 : 1;
    return compareDecimal(pa.amount, pb.amount) || tie || byName(a, b);
  });
}

/**
 * The name a coding tool needs where it differs from the gateway's id: on gateways with that rule, Cursor calls
 * Claude models by their short names ("claude-sonnet-4-6" → "sonnet-4-6", a date suffix dropped).
 */
export function cursorAliasOf(id: string, cursorShortClaudeNames: boolean): string | undefined {
  if (!cursorShortClaudeNames || !/^claude-/i.test(id)) return undefined;
  const short = id.replace(/^claude-/i, '').replace(/-\d{8}$/, '');
  return short !== id ? short : undefined;
}
