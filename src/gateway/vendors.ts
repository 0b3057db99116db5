/** Groups model ids by vendor when the gateway does not say (or says it inconsistently). */
const RULES: ReadonlyArray<[RegExp, string]> = [
  [/^(gpt|o\d|chatgpt|text-embedding|dall-e|whisper|tts-|davinci|babbage|codex)/i, 'OpenAI'],
  [/^claude/i, 'Anthropic'],
  [/^(gemini|gemma|imagen|veo)/i, 'Google'],
  [/^deepseek/i, 'DeepSeek'],
  [/^(qwen|qwq|qvq|wan)/i, 'Alibaba'],
  [/^(moonshot|kimi)/i, 'Moonshot'],
  [/^(glm|chatglm|cogview|zhipu)/i, 'Zhipu'],
  [/^(llama|meta-llama)/i, 'Meta'],
  [/^(mistral|mixtral|codestral|pixtral|magistral)/i, 'Mistral'],
  [/^(grok)/i, 'xAI'],
  [/^(doubao|seed)/i, 'ByteDance'],
  [/^(ernie)/i, 'Baidu'],
  [/^(hunyuan)/i, 'Tencent'],
  [/^(minimax|abab)/i, 'MiniMax'],
  [/^(yi-)/i, '01.AI'],
  [/^(command|embed-|rerank)/i, 'Cohere'],
  [/^(sonar|pplx)/i, 'Perplexity'],
];

const CANONICAL: Readonly<Record<string, string>> = {
  openai: 'OpenAI',
  anthropic: 'Anthropic',
  google: 'Google',
  deepseek: 'DeepSeek',
  alibaba: 'Alibaba',
  qwen: 'Alibaba',
  moonshot: 'Moonshot',
  zhipu: 'Zhipu',
  meta: 'Meta',
  mistral: 'Mistral',
  xai: 'xAI',
  bytedance: 'ByteDance',
};

export function vendorOf(modelId: string, declared?: string): string {
  const bare = modelId.slice(modelId.lastIndexOf('/') + 1);
  for (const [re, vendor] of RULES) if (re.test(bare)) return vendor;
  if (declared && !/^(system|custom|one-api|openai-internal)$/i.test(declared)) {
    return CANONICAL[declared.toLowerCase()] ?? declared;
  }
  if (modelId.includes('/')) return modelId.slice(0, modelId.indexOf('/'));
  return 'Other';
}
