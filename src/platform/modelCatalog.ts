/**
 * The model catalogue of each connection, shared by the VS Code side of the extension (the language model
 * provider, the @gateway participant): one cached list per connection, fetched at most once at a time, dropped
 * when the connections or their secrets change, refreshed after a while.
 *
 * Abortable: a caller's signal ends only that caller's wait; the shared request is aborted when every waiter has
 * gone, when the entry is invalidated, or on dispose. A failed fetch is remembered briefly (so a silent caller
 * does not hammer a gateway that is down) and retried on the next ask after that.
 *
 * Below the service: the rules about a gateway model as VS Code's AI sees it — whether it chats at all, its family
 * and token limits, tool calling and image input, the filters `@gateway /models` understands,
 * the token estimate. What a catalogue says wins; where it is silent a rule falls back to what the model family is
 * known to do, and says it assumed.
 *
 * No 'vscode' import: it works on anything shaped like the connection store, so it is unit-tested in Node.
 */
import { compareDecimal } from '../core/money';
import type { ModelInfo } from '../core/types';

/** What the catalogue needs from the connection store. */
export interface CatalogSource {
  gateway(connectionId: string): { listModels(opts?: { signal?: AbortSignal }): Promise<readonly ModelInfo[]> };
  /** Fires when profiles or secrets change (every entry is then dropped). */
  onDidChange(listener: () => void): { dispose(): void };
}

export interface CatalogOptions {
  /** How long a list is fresh (default 10 minutes). */
  readonly ttlMs?: number;
  /** How long a failure is remembered before the next ask fetches again (default 30 s). */
  readonly errorTtlMs?: number;
  readonly now?: () => number;
}

interface Inflight {
  readonly abort: AbortController;
  readonly promise: Promise<readonly ModelInfo[]>;
  waiters: number;
}

type Entry =
  | { readonly state: 'loaded'; readonly models: readonly ModelInfo[]; readonly at: number }
  | { readonly state: 'failed'; readonly error: unknown; readonly at: number };

export class ModelCatalog {
  private readonly entries = new Map<string, Entry>();
  private readonly inflight = new Map<string, Inflight>();
  private readonly listeners = new Set<(connectionId: string | undefined) => void>();
  private readonly sub: { dispose(): void };
  private generation = 0;
  private disposed = false;
  private readonly ttlMs: number;
  private readonly errorTtlMs: number;
  private readonly now: () => number;
  /** How many lists were fetched (tests). */
  fetches = 0;

  constructor(
    private readonly source: CatalogSource,
    opts: CatalogOptions = {},
  ) {
    this.ttlMs = opts.ttlMs ?? 10 * 60_000;
    this.errorTtlMs = opts.errorTtlMs ?? 30_000;
    this.now = opts.now ?? Date.now;
    this.sub = source.onDidChange(() => this.invalidate());
  }

  /** Called with the connection whose list changed (undefined: every list). Returns an unsubscribe. */
  onDidChange(listener: (connectionId: string | undefined) => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  /** The cached list when it is fresh enough, without fetching. */
  peek(connectionId: string): readonly ModelInfo[] | undefined {
    const e = this.entries.get(connectionId);
    return e?.state === 'loaded' ? e.models : undefined;
  }

  /**
   * The models of a connection: the cached list when fresh, else one shared fetch. `force` fetches again even
   * when fresh. Rejects with the gateway's error (a recent failure is rethrown without a new request).
   */
  async get(
    connectionId: string,
    opts: { readonly signal?: AbortSignal; readonly force?: boolean } = {},
  ): Promise<readonly ModelInfo[]> {
    if (this.disposed) throw new Error('the model catalogue is disposed');
    opts.signal?.throwIfAborted();
    const e = this.entries.get(connectionId);
    const age = e ? this.now() - e.at : Infinity;
    if (!opts.force && e?.state === 'loaded' && age < this.ttlMs) return e.models;
    if (!opts.force && e?.state === 'failed' && age < this.errorTtlMs) throw e.error;
    let f = this.inflight.get(connectionId);
    if (!f) f = this.fetch(connectionId);
    return this.wait(connectionId, f, opts.signal);
  }

  /** Drops one connection's list (or all), aborting a fetch in flight; listeners are told. */
  invalidate(connectionId?: string): void {
    this.generation++;
    const ids =
      connectionId === undefined ? [...new Set([...this.entries.keys(), ...this.inflight.keys()])] : [connectionId];
    for (const id of ids) {
      this.entries.delete(id);
      const f = this.inflight.get(id);
      if (f) {
        this.inflight.delete(id);
        f.abort.abort();
      }
    }
    for (const l of [...this.listeners]) l(connectionId);
  }

  dispose(): void {
    this.disposed = true;
    this.sub.dispose();
    for (const f of this.inflight.values()) f.abort.abort();
    this.inflight.clear();
    this.entries.clear();
    this.listeners.clear();
  }

  private fetch(connectionId: string): Inflight {
    const abort = new AbortController();
    const generation = this.generation;
    this.fetches++;
    const promise = Promise.resolve()
      .then(() => this.source.gateway(connectionId).listModels({ signal: abort.signal }))
      .then(
        (models) => {
          if (this.generation === generation && this.inflight.get(connectionId)?.promise === promise) {
            this.entries.set(connectionId, { state: 'loaded', models, at: this.now() });
          }
          return models;
        },
        (error: unknown) => {
          if (
            !abort.signal.aborted &&
            this.generation === generation &&
            this.inflight.get(connectionId)?.promise === promise
          ) {
            this.entries.set(connectionId, { state: 'failed', error, at: this.now() });
          }
          throw error;
        },
      )
      .finally(() => {
        if (this.inflight.get(connectionId)?.promise === promise) this.inflight.delete(connectionId);
      });
    promise.catch(() => undefined); // a fetch nobody waits for any more must not be an unhandled rejection
    const f: Inflight = { abort, promise, waiters: 0 };
    this.inflight.set(connectionId, f);
    return f;
  }

  private wait(connectionId: string, f: Inflight, signal: AbortSignal | undefined): Promise<readonly ModelInfo[]> {
    f.waiters++;
    const leave = () => {
      f.waiters--;
      if (f.waiters === 0 && this.inflight.get(connectionId) === f) {
        this.inflight.delete(connectionId);
        f.abort.abort();
      }
    };
    if (!signal)
      return f.promise.finally(() => {
        f.waiters--;
      });
    return new Promise<readonly ModelInfo[]>((resolve, reject) => {
      let settled = false;
      const onAbort = () => {
        if (settled) return;
        settled = true;
        leave();
        reject(signal.reason instanceof Error ? signal.reason : new DOMException('aborted', 'AbortError'));
      };
      signal.addEventListener('abort', onAbort, { once: true });
      f.promise.then(
        (v) => {
          if (!settled) {
            settled = true;
            f.waiters--;
            signal.removeEventListener('abort', onAbort);
            resolve(v);
          }
        },
        (e: unknown) => {
          if (!settled) {
            settled = true;
            f.waiters--;
            signal.removeEventListener('abort', onAbort);
            reject(e);
          }
        },
      );
    });
  }
}

// ==== rules about one model ================================================================

/** Not chat models, by id, when the catalogue gives no type. */
const NOT_CHAT =
  /(embed|embedding|rerank|moderation|whisper|tts|speech|transcri|dall-e|gpt-image|imagen|image-|-image|sora|veo|video|kling|midjourney|flux|stable-diffusion|sdxl)/i;

export function isChatModel(m: ModelInfo): boolean {
  if (m.types && m.types.length > 0) return m.types.some((t) => /^(llm|chat|text)$/i.test(t.trim()));
  return !NOT_CHAT.test(m.id);
}

const bare = (id: string): string => (id.includes('/') ? id.slice(id.lastIndexOf('/') + 1) : id);

/** The family: the model id without a date or "latest" suffix ("claude-sonnet-4-20250514" → "claude-sonnet-4"). */
export function familyOf(id: string): string {
  return bare(id)
    .toLowerCase()
    .replace(/[-_@](\d{8}|\d{4}-\d{2}-\d{2}|\d{4}|latest|preview(-\d{2}-\d{2})?)$/, '')
    .replace(/[-_](\d{8}|\d{4}-\d{2}-\d{2})$/, '');
}

/** Families known to call tools (OpenAI-style function calling through these gateways). */
const TOOL_FAMILIES =
  /^(gpt-(3\.5|4|5)|o[134](-|$)|chatgpt|claude|gemini|deepseek-(chat|v3)|qwen|qwq|kimi|moonshot|glm-4|mistral|mixtral|codestral|llama-(3\.[1-3]|4)|grok|doubao|minimax|hunyuan|ernie-(4|x1))/i;
/** Families known not to (reasoning models without function calling). */
const NO_TOOL_FAMILIES = /^(deepseek-r1|deepseek-reasoner|o1-(mini|preview)|qwq-32b-preview)/i;
/** Families known to accept images in a user message. */
const IMAGE_FAMILIES =
  /^(gpt-4o|gpt-4\.1|gpt-4-turbo|gpt-5|o[34](-|$)|chatgpt-4o|claude-(3|opus|sonnet|haiku)|gemini|llama-4|grok-(2-vision|4)|qwen-vl|qwen2\.5-vl|qvq|glm-4v|doubao-seed|pixtral|mistral-(medium|small)-3)/i;

export interface Capabilities {
  readonly toolCalling: boolean;
  readonly imageInput: boolean;
  /** Which of the two came from the family rules rather than the catalogue. */
  readonly assumed: ReadonlyArray<'toolCalling' | 'imageInput'>;
}

export function capabilitiesOf(m: ModelInfo): Capabilities {
  const id = bare(m.id);
  const assumed: Array<'toolCalling' | 'imageInput'> = [];
  let toolCalling: boolean;
  if (m.features && m.features.length > 0) {
    toolCalling = m.features.some((f) => /^(tools|function_calling|function-calling|tool_use)$/i.test(f.trim()));
  } else {
    toolCalling = TOOL_FAMILIES.test(id) && !NO_TOOL_FAMILIES.test(id);
    assumed.push('toolCalling');
  }
  const modalities = (m.inputModalities ?? []).map((x) => x.trim().toLowerCase());
  let imageInput: boolean;
  if (modalities.length > 0) imageInput = modalities.some((x) => x === 'image' || x === 'images' || x === 'vision');
  else {
    imageInput = IMAGE_FAMILIES.test(id);
    assumed.push('imageInput');
  }
  return { toolCalling, imageInput, assumed };
}

/** Used when the catalogue gives no context length / no output limit. */
export const DEFAULT_CONTEXT = 128_000;
export const DEFAULT_MAX_OUTPUT = 8_192;

export interface TokenLimits {
  readonly maxInputTokens: number;
  readonly maxOutputTokens: number;
  /** The catalogue did not give the context length (the default was used). */
  readonly contextAssumed: boolean;
}

/** Input = the context window less what is reserved for the answer; both fall back to safe defaults. */
export function tokenLimitsOf(m: ModelInfo): TokenLimits {
  const context = m.contextLength && m.contextLength > 0 ? m.contextLength : undefined;
  const out =
    m.maxOutput && m.maxOutput > 0
      ? m.maxOutput
      : Math.min(DEFAULT_MAX_OUTPUT, Math.floor((context ?? DEFAULT_CONTEXT) / 4));
  const ctx = context ?? DEFAULT_CONTEXT;
  // a model whose output limit is its whole window (some catalogues say so) still needs room for input
  const reserve = out >= ctx ? Math.floor(ctx / 4) : out;
  return {
    maxInputTokens: Math.max(1, ctx - reserve),
    maxOutputTokens: Math.min(out, ctx),
    contextAssumed: context === undefined,
  };
}

// ---- /models filters ---------------------------------------------------------------------------------

export interface ModelFilter {
  readonly tools?: boolean;
  readonly images?: boolean;
  /** At least this many context tokens. */
  readonly minContext?: number;
  /** Words the id / name / vendor must contain. */
  readonly text: readonly string[];
  readonly sort?: 'cheapest' | 'context' | 'name';
}

const NUMBER_WITH_UNIT = /(\d+(?:\.\d+)?)\s*([km])\b/i;

/**
 * Reads a free-text filter: "with tools and ≥ 128k context, cheapest first", "vision claude", "工具 128k 最便宜".
 * Unknown words become name filters; nothing is guessed beyond the words listed here.
 */
export function parseModelFilter(input: string): ModelFilter {
  let text = ` ${input.toLowerCase()} `;
  const take = (re: RegExp): boolean => {
    const hit = re.test(text);
    if (hit) text = text.replace(re, ' ');
    return hit;
  };
  let minContext: number | undefined;
  const ctx =
    /(?:>=|≥|>|at least|min(?:imum)?|至少|大于|不少于)?\s*(\d+(?:\.\d+)?)\s*([km])\s*(?:\+|tokens?)?\s*(?:context|ctx|window|上下文)?/i.exec(
      text,
    );
  if (ctx) {
    const n = Number(ctx[1]) * (ctx[2]!.toLowerCase() === 'm' ? 1_000_000 : 1_000);
    if (Number.isFinite(n) && n > 0) minContext = n;
    text = text.replace(ctx[0], ' ');
  }
  const tools =
    take(/\b(with\s+)?(tools?|tool[- ]calling|function[- ]calling|functions)\b|工具|函数调用/g) || undefined;
  const images = take(/\b(with\s+)?(vision|images?|image input|multimodal)\b|图片|图像|视觉|多模态/g) || undefined;
  let sort: ModelFilter['sort'];
  if (take(/\b(cheapest|cheap|lowest price|by price|price)\b(\s+first)?|最便宜|便宜|按价格/g)) sort = 'cheapest';
  else if (take(/\b(largest|biggest|longest)\s+(context|window)\b(\s+first)?|上下文最长/g)) sort = 'context';
  else if (take(/\b(by name|a-z|alphabetical)\b|按名称/g)) sort = 'name';
  take(
    /\b(and|with|models?|show|list|first|that|have|has|support(s|ing)?|context|sorted|sort|the|me|all)\b|[,;，。、≥>=+]|和|的|模型|支持|并且|优先/g,
  );
  const words = text.split(/\s+/).filter((w) => w.length > 0 && !NUMBER_WITH_UNIT.test(w));
  return {
    ...(tools ? { tools } : {}),
    ...(images ? { images } : {}),
    ...(minContext ? { minContext } : {}),
    text: words,
    ...(sort ? { sort } : {}),
  };
}

/** Applies a filter (and its order) to a catalogue; the input price decides "cheapest" (unpriced models last). */
export function filterModels(models: readonly ModelInfo[], f: ModelFilter): ModelInfo[] {
  const out = models.filter((m) => {
    if (!isChatModel(m)) return false;
    const caps = capabilitiesOf(m);
    if (f.tools && !caps.toolCalling) return false;
    if (f.images && !caps.imageInput) return false;
    if (f.minContext && !((m.contextLength ?? 0) >= f.minContext)) return false;
    const hay = `${m.id} ${m.name ?? ''} ${m.vendor}`.toLowerCase();
    return f.text.every((w) => hay.includes(w));
  });
  const byName = (a: ModelInfo, b: ModelInfo) => a.id.localeCompare(b.id);
  if (f.sort === 'cheapest') {
    return out.sort((a, b) => {
      const pa = a.price?.inputPerMTok?.amount;
      const pb = b.price?.inputPerMTok?.amount;
      if (pa === undefined || pb === undefined) return pa === pb ? byName(a, b) : pa === undefined ? 1 : -1;
      return (
        compareDecimal(pa, pb) ||
        compareDecimal(a.price?.outputPerMTok?.amount ?? '0', b.price?.outputPerMTok?.amount ?? '0') ||
        byName(a, b)
      );
    });
  }
  if (f.sort === 'context') return out.sort((a, b) => (b.contextLength ?? 0) - (a.contextLength ?? 0) || byName(a, b));
  if (f.sort === 'name') return out.sort(byName);
  return out;
}

// ---- token estimate ----------------------------------------------------------------------------------

/**
 * Estimated tokens of a text for BPE tokenizers of the o200k / cl100k kind, without their 1–3 MB rank tables
 * (too big for the extension's bundle): a CJK character ≈ 0.85 token, a run of ASCII letters ≈ one token per 6
 * characters (at least one), digits in groups of 3, runs of other symbols ≈ one token per 2, whitespace merges
 * into the next token (a line break ≈ half a token). Measured against o200k_base on prose, TypeScript, JSON and
 * Chinese it is 2–12% above the real count (see README): a little high, which is the safe side for a budget.
 */
export function estimateTokens(text: string): number {
  let n = 0;
  for (const m of text.matchAll(
    /(\p{Script=Han}|\p{Script=Hiragana}|\p{Script=Katakana}|\p{Script=Hangul})|([A-Za-z]+)|(\d+)|(\s+)|([^\sA-Za-z\d\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]+)/gu,
  )) {
    if (m[1]) n += 0.85;
    else if (m[2]) n += Math.max(1, Math.ceil(m[2].length / 6));
    else if (m[3]) n += Math.ceil(m[3].length / 3);
    else if (m[4]) n += m[4].includes('\n') ? 0.5 : 0;
    else n += Math.ceil((m[5] ?? '').length / 2) * 0.9;
  }
  return Math.max(text.length > 0 ? 1 : 0, Math.round(n));
}

// ---- the catalogue as the Models view and the comparison show it -------------------------------------

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
