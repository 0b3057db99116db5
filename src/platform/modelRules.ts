/**
 * The rules about a gateway model as VS Code's AI sees it: whether it chats at all, its family and token limits,
 * tool calling and image input, the filters `@gateway /models` understands, and the token estimate. What a
 * catalogue says wins; where it is silent a rule falls back to what the model family is known to do, and says it
 * assumed. No 'vscode' import (unit-tested in Node).
 */
import { compareDecimal } from '../core/money';
import type { ModelInfo } from '../core/types';

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
