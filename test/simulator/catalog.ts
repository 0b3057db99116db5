/**
 * The model catalogue shared by both simulated gateways.
 * Prices are list prices in USD per 1M tokens, kept as integers of 1/10000 USD (no float drift).
 * AIone shows RMB per 1M tokens (USD × 7.2); AIHubMix shows USD per 1K tokens.
 */

export interface CatalogModel {
  id: string;
  name: string;
  /** AIone `provider` (display name); `owned_by` is its lower-case form. */
  provider: string;
  contextLength: number;
  maxOutput: number;
  /** USD per 1M tokens × 10000. */
  inUsdE4: number;
  outUsdE4: number;
  types: 'llm' | 'embedding' | 'image_generation';
  features: string; // comma list, AIHubMix style
  modalities: string; // comma list
  /** AIHubMix cache prices in USD per 1M × 10000, when offered. */
  cacheReadE4?: number;
  cacheWriteE4?: number;
  /** Typical latency for a chat answer (ms), drives the generated usage. */
  latencyMs: number;
  coding: number; // 0..100, AIHubMix `sort_by=coding`
  created: number; // ts, AIone/AIHubMix `/v1/models`
  /** AIone does not know this model's context length / prices (they show as null). */
  aioneNoContext?: boolean;
  aioneNoPrice?: boolean;
}

type Row = [
  id: string,
  name: string,
  provider: string,
  ctx: number,
  maxOut: number,
  inUsd: number,
  outUsd: number,
  types: CatalogModel['types'],
  features: string,
  modalities: string,
  latency: number,
  coding: number,
];

const T = 'tools,function_calling';
const TS = 'tools,function_calling,structured_outputs';
const TH = 'thinking,tools,function_calling';

const ROWS: Row[] = [
  ['gpt-4.1', 'GPT-4.1', 'OpenAI', 1047576, 32768, 2, 8, 'llm', TS + ',long_context', 'text,image', 1400, 86],
  [
    'gpt-4.1-mini',
    'GPT-4.1 mini',
    'OpenAI',
    1047576,
    32768,
    0.4,
    1.6,
    'llm',
    TS + ',long_context',
    'text,image',
    900,
    74,
  ],
  ['gpt-4.1-nano', 'GPT-4.1 nano', 'OpenAI', 1047576, 32768, 0.1, 0.4, 'llm', TS, 'text,image', 600, 58],
  ['gpt-4o', 'GPT-4o', 'OpenAI', 128000, 16384, 2.5, 10, 'llm', TS + ',web', 'text,image,audio', 1300, 78],
  ['gpt-4o-mini', 'GPT-4o mini', 'OpenAI', 128000, 16384, 0.15, 0.6, 'llm', TS, 'text,image', 800, 64],
  [
    'gpt-5',
    'GPT-5',
    'OpenAI',
    400000,
    128000,
    1.25,
    10,
    'llm',
    TH + ',structured_outputs,long_context',
    'text,image',
    3800,
    95,
  ],
  ['o3', 'o3', 'OpenAI', 200000, 100000, 2, 8, 'llm', TH + ',structured_outputs', 'text,image', 5200, 92],
  ['o4-mini', 'o4-mini', 'OpenAI', 200000, 100000, 1.1, 4.4, 'llm', TH + ',structured_outputs', 'text,image', 3100, 88],
  ['text-embedding-3-small', 'Text Embedding 3 Small', 'OpenAI', 8191, 0, 0.02, 0, 'embedding', '', 'text', 120, 0],
  ['gpt-image-1', 'GPT Image 1', 'OpenAI', 32000, 0, 5, 40, 'image_generation', '', 'text,image', 9000, 0],
  [
    'claude-opus-4-1',
    'Claude Opus 4.1',
    'Anthropic',
    200000,
    32000,
    15,
    75,
    'llm',
    TH + ',long_context',
    'text,image,pdf',
    4200,
    97,
  ],
  [
    'claude-sonnet-4-6',
    'Claude Sonnet 4.6',
    'Anthropic',
    200000,
    64000,
    3,
    15,
    'llm',
    TH + ',long_context',
    'text,image,pdf',
    2200,
    96,
  ],
  [
    'claude-sonnet-4-20250514',
    'Claude Sonnet 4',
    'Anthropic',
    200000,
    64000,
    3,
    15,
    'llm',
    TH + ',long_context',
    'text,image,pdf',
    2300,
    93,
  ],
  ['claude-haiku-4-5', 'Claude Haiku 4.5', 'Anthropic', 200000, 64000, 1, 5, 'llm', T, 'text,image', 1100, 82],
  [
    'claude-3-5-haiku-20241022',
    'Claude 3.5 Haiku',
    'Anthropic',
    200000,
    8192,
    0.8,
    4,
    'llm',
    T,
    'text,image',
    1000,
    70,
  ],
  [
    'gemini-2.5-pro',
    'Gemini 2.5 Pro',
    'Google',
    1048576,
    65536,
    1.25,
    10,
    'llm',
    TH + ',long_context,web',
    'text,image,audio,video,pdf',
    3500,
    91,
  ],
  [
    'gemini-2.5-flash',
    'Gemini 2.5 Flash',
    'Google',
    1048576,
    65536,
    0.3,
    2.5,
    'llm',
    TH + ',long_context',
    'text,image,audio,video,pdf',
    1200,
    80,
  ],
  [
    'gemini-2.5-flash-lite',
    'Gemini 2.5 Flash-Lite',
    'Google',
    1048576,
    65536,
    0.1,
    0.4,
    'llm',
    T + ',long_context',
    'text,image,audio,video,pdf',
    700,
    66,
  ],
  [
    'gemini-2.0-flash',
    'Gemini 2.0 Flash',
    'Google',
    1048576,
    8192,
    0.1,
    0.4,
    'llm',
    T,
    'text,image,audio,video',
    750,
    62,
  ],
  ['deepseek-chat', 'DeepSeek-V3', 'DeepSeek', 128000, 8192, 0.27, 1.1, 'llm', T, 'text', 1600, 84],
  ['deepseek-reasoner', 'DeepSeek-R1', 'DeepSeek', 128000, 65536, 0.55, 2.19, 'llm', 'thinking', 'text', 6000, 87],
  ['qwen-max', 'Qwen Max', 'Alibaba', 32768, 8192, 1.6, 6.4, 'llm', T, 'text', 1900, 79],
  ['qwen-plus', 'Qwen Plus', 'Alibaba', 131072, 16384, 0.4, 1.2, 'llm', T + ',thinking', 'text', 1300, 76],
  ['qwen-turbo', 'Qwen Turbo', 'Alibaba', 1000000, 16384, 0.05, 0.2, 'llm', T + ',long_context', 'text', 700, 60],
  [
    'qwen3-coder-plus',
    'Qwen3 Coder Plus',
    'Alibaba',
    1000000,
    65536,
    1,
    5,
    'llm',
    T + ',long_context',
    'text',
    1700,
    90,
  ],
  ['qwen3-235b-a22b', 'Qwen3 235B A22B', 'Alibaba', 131072, 32768, 0.2, 0.6, 'llm', TH, 'text', 2100, 81],
  ['kimi-k2-0711-preview', 'Kimi K2', 'Moonshot', 131072, 16384, 0.6, 2.5, 'llm', T, 'text', 1800, 85],
  [
    'moonshot-v1-128k',
    'Moonshot v1 128K',
    'Moonshot',
    131072,
    8192,
    2,
    5,
    'llm',
    T + ',long_context',
    'text',
    2000,
    68,
  ],
  ['glm-4.5', 'GLM-4.5', 'Zhipu', 128000, 96000, 0.6, 2.2, 'llm', TH, 'text', 1900, 83],
  ['glm-4.5-air', 'GLM-4.5-Air', 'Zhipu', 128000, 96000, 0.2, 1.1, 'llm', TH, 'text', 1200, 77],
  ['glm-4-flash', 'GLM-4-Flash', 'Zhipu', 128000, 4096, 0, 0, 'llm', T, 'text', 650, 55],
  ['llama-3.3-70b-instruct', 'Llama 3.3 70B Instruct', 'Meta', 131072, 8192, 0.6, 0.6, 'llm', T, 'text', 1000, 67],
  [
    'llama-4-maverick',
    'Llama 4 Maverick',
    'Meta',
    1048576,
    16384,
    0.27,
    0.85,
    'llm',
    T + ',long_context',
    'text,image',
    1100,
    72,
  ],
  ['mistral-large-latest', 'Mistral Large', 'Mistral', 131072, 8192, 2, 6, 'llm', TS, 'text', 1500, 75],
  ['grok-4', 'Grok 4', 'xAI', 256000, 64000, 3, 15, 'llm', TH + ',web', 'text,image', 4000, 89],
  [
    'doubao-seed-1-6',
    'Doubao Seed 1.6',
    'ByteDance',
    256000,
    32768,
    0.11,
    1.1,
    'llm',
    TH,
    'text,image,video',
    1600,
    78,
  ],
  ['minimax-m1', 'MiniMax M1', 'MiniMax', 1000000, 40000, 0.4, 2.2, 'llm', TH + ',long_context', 'text', 2600, 79],
];

/** AIone does not know these (null in its ModelInfo). */
const AIONE_NO_CONTEXT = new Set(['doubao-seed-1-6', 'minimax-m1', 'gpt-image-1']);
const AIONE_NO_PRICE = new Set(['glm-4-flash', 'minimax-m1', 'gpt-image-1']);

const toE4 = (usd: number): number => Math.round(usd * 10000);

export const MODELS: readonly CatalogModel[] = ROWS.map((r, i) => {
  const [id, name, provider, ctx, maxOut, inUsd, outUsd, types, features, modalities, latency, coding] = r;
  const m: CatalogModel = {
    id,
    name,
    provider,
    contextLength: ctx,
    maxOutput: maxOut,
    inUsdE4: toE4(inUsd),
    outUsdE4: toE4(outUsd),
    types,
    features,
    modalities,
    latencyMs: latency,
    coding,
    created: 1_700_000_000 + i * 86_400 * 9,
  };
  if (provider === 'Anthropic') {
    m.cacheReadE4 = Math.round(m.inUsdE4 / 10);
    m.cacheWriteE4 = Math.round((m.inUsdE4 * 5) / 4);
  } else if (provider === 'OpenAI' && types === 'llm') {
    m.cacheReadE4 = Math.round(m.inUsdE4 / 4);
  }
  if (AIONE_NO_CONTEXT.has(id)) {
    m.aioneNoContext = true;
  }
  if (AIONE_NO_PRICE.has(id)) {
    m.aioneNoPrice = true;
  }
  return m;
});

const BY_ID = new Map(MODELS.map((m) => [m.id, m]));

export function findModel(id: string): CatalogModel | undefined {
  return BY_ID.get(id);
}

/** Chat-capable models (used for generated usage and chat). */
export const CHAT_MODELS: readonly CatalogModel[] = MODELS.filter((m) => m.types === 'llm');

/** Chat models with an AIone price (generated AIone usage only uses these). */
export const PRICED_CHAT_MODELS: readonly CatalogModel[] = CHAT_MODELS.filter((m) => !m.aioneNoPrice && m.inUsdE4 > 0);

/** RMB per 1M tokens × 10000 (USD × 7.2). */
export function rmbE4(usdE4: number): number {
  return Math.round((usdE4 * 72) / 10);
}

/** AIone cost of a call, in 1/10000 RMB. */
export function aioneCostE4(m: CatalogModel | undefined, prompt: number, completion: number): number {
  if (!m || m.aioneNoPrice) {
    return 0;
  }
  return Math.round((prompt * rmbE4(m.inUsdE4) + completion * rmbE4(m.outUsdE4)) / 1_000_000);
}

/** AIHubMix quota of a call (500000 units per USD). */
export function hubQuota(m: CatalogModel | undefined, prompt: number, completion: number): number {
  if (!m) {
    return 0;
  }
  return Math.round((prompt * m.inUsdE4 + completion * m.outUsdE4) / 20_000);
}

/** AIHubMix price: USD per 1K tokens, as a JSON number. */
export function usdPer1K(usdE4: number): number {
  return Number((usdE4 / 10_000_000).toPrecision(12));
}
