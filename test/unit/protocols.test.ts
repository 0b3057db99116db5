/**
 * The other protocols the gateways speak, against the simulator: Anthropic-native /v1/messages (what the anthropic
 * SDKs and Claude Code send: x-api-key or Bearer, anthropic-version required; plain and streamed with
 * message_start … message_delta usage … message_stop; charged to the key), OpenAI's Responses API /v1/responses
 * (what Codex sends), and the snippets for every protocol with the right base URL per gateway.
 */
import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { buildSnippet } from '../../src/features/keys/logic';
import { protocolEndpoints } from '../../src/gateway/endpoints';
import { answerText, claudeCodeRequest, codexRequest, readSse } from '../fixtures/tool-clients';
import { startSimulator, type Simulator } from './support';

describe('simulator: Anthropic-native /v1/messages and /v1/responses', () => {
  let sim: Simulator;
  before(async () => {
    sim = await startSimulator({ streamTokensPerSecond: 0 });
  });
  after(async () => {
    await sim.close();
  });

  for (const kind of ['aione', 'aihubmix'] as const) {
    it(`${kind}: the request Claude Code sends (Bearer, streamed) gets the documented event sequence with usage`, async () => {
      const key = kind === 'aione' ? sim.aione.modelKey : sim.aihubmix.modelKey;
      const root = protocolEndpoints({ kind, baseUrl: sim[kind].url }).anthropic;
      const { url, init } = claudeCodeRequest({
        ANTHROPIC_BASE_URL: root,
        ANTHROPIC_AUTH_TOKEN: key,
        ANTHROPIC_MODEL: 'claude-sonnet-4-6',
      });
      const res = await fetch(url, init);
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', /text\/event-stream/);
      const events = await readSse(res);
      const names = events.map((e) => e.event);
      assert.deepEqual(
        [names[0], names[1], names.at(-2), names.at(-1)],
        ['message_start', 'content_block_start', 'message_delta', 'message_stop'],
      );
      assert.ok(names.filter((n) => n === 'content_block_delta').length > 10);
      const start = events[0]!.data as { message: { usage: { input_tokens: number }; model: string } };
      const delta = events.at(-2)!.data as { usage: { output_tokens: number }; delta: { stop_reason: string } };
      assert.ok(start.message.usage.input_tokens > 0);
      assert.equal(delta.delta.stop_reason, 'end_turn');
      assert.equal(delta.usage.output_tokens, names.filter((n) => n === 'content_block_delta').length);
      assert.match(answerText(events), /## Answer from `claude-sonnet-4-6`/);
    });
  }

  it("the anthropic SDKs' plain request (x-api-key) is answered; usage is charged to the key (AIHubMix log)", async () => {
    const logs = sim.state.aihubmix.logs.length;
    const res = await fetch(`${sim.aihubmix.url}/v1/messages`, {
      method: 'POST',
      headers: {
        'x-api-key': sim.aihubmix.modelKey,
        'anthropic-version': '2023-06-01',
        'content-type': 'application/json',
      },
      body: JSON.stringify({
        model: 'claude-haiku-4-5',
        max_tokens: 64,
        messages: [{ role: 'user', content: 'Hello!' }],
      }),
    });
    const body = (await res.json()) as {
      type: string;
      content: Array<{ type: string; text: string }>;
      stop_reason: string;
      usage: { input_tokens: number; output_tokens: number };
    };
    assert.equal(res.status, 200);
    assert.equal(body.type, 'message');
    assert.equal(body.content[0]!.type, 'text');
    assert.equal(body.stop_reason, 'max_tokens', 'max_tokens 64 cuts the answer');
    assert.equal(body.usage.output_tokens, 64);
    assert.equal(sim.state.aihubmix.logs.length, logs + 1);
    assert.equal(sim.state.aihubmix.logs.at(-1)!.completion_tokens, 64);
  });

  it('refuses without anthropic-version, with a wrong key, or for an unknown model — Anthropic-shaped errors', async () => {
    const post = (headers: Record<string, string>, model = 'claude-haiku-4-5') =>
      fetch(`${sim.aione.url}/v1/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ model, max_tokens: 16, messages: [{ role: 'user', content: 'x' }] }),
      });
    const noVersion = await post({ 'x-api-key': sim.aione.modelKey });
    assert.equal(noVersion.status, 400);
    assert.deepEqual(((await noVersion.json()) as { error: { type: string } }).error.type, 'invalid_request_error');
    const wrong = await post({ 'x-api-key': 'sk-nex-wrong', 'anthropic-version': '2023-06-01' });
    assert.equal(wrong.status, 401);
    assert.equal(
      ((await wrong.json()) as { type: string; error: { type: string } }).error.type,
      'authentication_error',
    );
    const unknown = await post(
      { authorization: `Bearer ${sim.aione.modelKey}`, 'anthropic-version': '2023-06-01' },
      'claude-none',
    );
    assert.equal(unknown.status, 404);
  });

  for (const kind of ['aione', 'aihubmix'] as const) {
    it(`${kind}: the Responses API request Codex sends streams response.* events and completes with usage`, async () => {
      const key = kind === 'aione' ? sim.aione.modelKey : sim.aihubmix.modelKey;
      const { url, init } = codexRequest({ base_url: `${sim[kind].url}/v1`, env_key: 'GW_KEY' }, 'gpt-5', {
        GW_KEY: key,
      });
      const res = await fetch(url, init);
      assert.equal(res.status, 200);
      const events = await readSse(res);
      const types = events.map((e) => (e.data as { type: string }).type);
      assert.equal(types[0], 'response.created');
      assert.equal(types.at(-1), 'response.completed');
      assert.ok(types.includes('response.output_text.delta'));
      const done = events.at(-1)!.data as {
        response: { status: string; usage: { input_tokens: number; output_tokens: number; total_tokens: number } };
      };
      assert.equal(done.response.status, 'completed');
      assert.equal(
        done.response.usage.total_tokens,
        done.response.usage.input_tokens + done.response.usage.output_tokens,
      );
      assert.match(answerText(events), /Answer from `gpt-5`/);
      const plain = await fetch(url, {
        ...init,
        body: JSON.stringify({ ...(JSON.parse(init.body) as object), stream: false }),
      });
      const body = (await plain.json()) as { object: string; output: Array<{ content: Array<{ text: string }> }> };
      assert.equal(body.object, 'response');
      assert.match(body.output[0]!.content[0]!.text, /Answer from `gpt-5`/);
    });
  }
});

describe('snippets for every protocol', () => {
  const hub = protocolEndpoints({ kind: 'aihubmix', baseUrl: 'https://aihubmix.com' });
  const one = protocolEndpoints({ kind: 'aione', baseUrl: 'https://api.nexara.net' });
  const input = (ep: typeof hub) => ({
    baseUrl: ep.openai,
    key: 'sk-test',
    model: 'gpt-4.1',
    anthropicBaseUrl: ep.anthropic,
    anthropicModel: 'claude-sonnet-4-6',
    gemini: ep.gemini,
    geminiModel: 'gemini-2.5-flash',
  });
  it('Anthropic-native: curl at the root + /v1/messages with x-api-key and anthropic-version; the SDKs get the root', () => {
    const curl = buildSnippet('anthropic-curl', input(hub));
    assert.match(curl, /curl 'https:\/\/aihubmix\.com\/v1\/messages'/);
    assert.match(curl, /x-api-key: sk-test/);
    assert.match(curl, /anthropic-version: 2023-06-01/);
    assert.match(
      buildSnippet('anthropic-python', input(one)),
      /anthropic\.Anthropic\(base_url="https:\/\/api\.nexara\.net", api_key="sk-test"\)/,
    );
    assert.match(
      buildSnippet('anthropic-node', input(one)),
      /new Anthropic\(\{ baseURL: 'https:\/\/api\.nexara\.net', apiKey: 'sk-test' \}\)/,
    );
  });
  it('Claude Code env: base URL without /v1, the key as ANTHROPIC_AUTH_TOKEN, ANTHROPIC_API_KEY unset', () => {
    assert.equal(
      buildSnippet('claude-env', input(hub)),
      "export ANTHROPIC_BASE_URL='https://aihubmix.com'\nexport ANTHROPIC_AUTH_TOKEN='sk-test'\nexport ANTHROPIC_MODEL='claude-sonnet-4-6'\nunset ANTHROPIC_API_KEY\n",
    );
  });
  it('Gemini-native: AIone at the root with Bearer, AIHubMix under /gemini with x-goog-api-key', () => {
    assert.match(
      buildSnippet('gemini-curl', input(one)),
      /'https:\/\/api\.nexara\.net\/v1beta\/models\/gemini-2\.5-flash:generateContent'[\s\S]*Authorization: Bearer sk-test/,
    );
    assert.match(
      buildSnippet('gemini-curl', input(hub)),
      /'https:\/\/aihubmix\.com\/gemini\/v1beta\/models\/gemini-2\.5-flash:generateContent'[\s\S]*x-goog-api-key: sk-test/,
    );
  });
  it('a placeholder key keeps the note', () => {
    assert.match(
      buildSnippet('anthropic-curl', { ...input(hub), key: undefined, note: 'Replace it' }),
      /^# Replace it\n[\s\S]*x-api-key: <YOUR_KEY>/,
    );
  });
});
