/** Model ids grouped by vendor: the id's own prefix first, then what the gateway declares, then the id's path. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { vendorOf } from '../../src/gateway/vendors';

describe('vendorOf', () => {
  it('recognises every vendor family from the id, in any case, with or without a provider path', () => {
    const table: Array<[string, string]> = [
      ['gpt-4o', 'OpenAI'],
      ['o1-mini', 'OpenAI'],
      ['o3', 'OpenAI'],
      ['chatgpt-4o-latest', 'OpenAI'],
      ['text-embedding-3-small', 'OpenAI'],
      ['dall-e-3', 'OpenAI'],
      ['whisper-1', 'OpenAI'],
      ['tts-1-hd', 'OpenAI'],
      ['davinci-002', 'OpenAI'],
      ['babbage-002', 'OpenAI'],
      ['codex-mini', 'OpenAI'],
      ['GPT-4O', 'OpenAI'],
      ['openai/gpt-4o', 'OpenAI'],
      ['claude-3-5-sonnet', 'Anthropic'],
      ['gemini-2.0-flash', 'Google'],
      ['gemma-2', 'Google'],
      ['imagen-3', 'Google'],
      ['veo-2', 'Google'],
      ['deepseek-chat', 'DeepSeek'],
      ['qwen-max', 'Alibaba'],
      ['qwq-32b', 'Alibaba'],
      ['qvq-72b', 'Alibaba'],
      ['wan2.1-t2v', 'Alibaba'],
      ['moonshot-v1-8k', 'Moonshot'],
      ['kimi-k2', 'Moonshot'],
      ['glm-4', 'Zhipu'],
      ['chatglm3', 'Zhipu'],
      ['cogview-3', 'Zhipu'],
      ['zhipu-x', 'Zhipu'],
      ['llama-3.1-70b', 'Meta'],
      ['meta-llama-3', 'Meta'],
      ['mistral-large', 'Mistral'],
      ['mixtral-8x7b', 'Mistral'],
      ['codestral-latest', 'Mistral'],
      ['pixtral-12b', 'Mistral'],
      ['magistral-medium', 'Mistral'],
      ['grok-2', 'xAI'],
      ['doubao-pro', 'ByteDance'],
      ['seed-1.6', 'ByteDance'],
      ['ernie-4.0', 'Baidu'],
      ['hunyuan-pro', 'Tencent'],
      ['minimax-text', 'MiniMax'],
      ['abab6.5', 'MiniMax'],
      ['yi-large', '01.AI'],
      ['command-r', 'Cohere'],
      ['embed-english', 'Cohere'],
      ['rerank-3', 'Cohere'],
      ['sonar-pro', 'Perplexity'],
      ['pplx-70b', 'Perplexity'],
    ];
    for (const [id, vendor] of table) assert.equal(vendorOf(id), vendor, id);
  });

  it('the id wins over what the gateway declares', () => {
    assert.equal(vendorOf('gpt-4o', 'azure'), 'OpenAI');
    assert.equal(vendorOf('some-org/claude-3', 'system'), 'Anthropic', 'the part after the last slash');
  });

  it('an unknown id takes the declared vendor, canonically spelled, unless it is a placeholder', () => {
    const table: Array<[string, string]> = [
      ['openai', 'OpenAI'],
      ['ANTHROPIC', 'Anthropic'],
      ['google', 'Google'],
      ['deepseek', 'DeepSeek'],
      ['alibaba', 'Alibaba'],
      ['qwen', 'Alibaba'],
      ['moonshot', 'Moonshot'],
      ['zhipu', 'Zhipu'],
      ['meta', 'Meta'],
      ['mistral', 'Mistral'],
      ['xai', 'xAI'],
      ['bytedance', 'ByteDance'],
      ['Acme Labs', 'Acme Labs'],
    ];
    for (const [declared, vendor] of table) assert.equal(vendorOf('m-1', declared), vendor, declared);
    for (const placeholder of ['system', 'custom', 'one-api', 'openai-internal', 'SYSTEM'])
      assert.equal(vendorOf('m-1', placeholder), 'Other', placeholder);
    assert.equal(vendorOf('m-1', 'system-x'), 'system-x', 'only the whole word is a placeholder');
    assert.equal(vendorOf('m-1', 'my-custom'), 'my-custom');
    assert.equal(vendorOf('m-1', ''), 'Other');
  });

  it('without a rule or a declared vendor: the id’s first path segment, else Other', () => {
    assert.equal(vendorOf('acme/m-1'), 'acme');
    assert.equal(vendorOf('acme/sub/m-1'), 'acme');
    assert.equal(vendorOf('acme/m-1', 'custom'), 'acme');
    assert.equal(vendorOf('m-1'), 'Other');
    for (const id of [
      'xgpt-4',
      'my-claude',
      'x-gemini',
      'x-deepseek',
      'x-qwen',
      'x-kimi',
      'x-glm',
      'x-llama',
      'x-mistral',
      'x-grok',
      'x-doubao',
      'x-ernie',
      'x-hunyuan',
      'x-minimax',
      'x-yi-1',
      'x-command',
      'x-sonar',
    ]) {
      assert.equal(vendorOf(id), 'Other', `${id}: a family only at the start of the id`);
    }
  });
});
