/**
 * The gateway's models through VS Code's language-model API, used by ANOTHER extension (test/fixtures/lm-consumer,
 * loaded beside ours): listing per connection (only connections with a chat model key, never prompting), streaming,
 * a tool-call round trip, cancellation that closes the HTTP stream, errors as vscode.LanguageModelError, token counts,
 * the usage ledger, and the change event when a key goes away. Against the simulator, both gateways.
 */
import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import type { AiGatewayTestApi } from '../../../src/extension';
import type { ConsumerApi } from '../../fixtures/lm-consumer/extension';
import type { Simulator } from '../../simulator/index';
import { type Gateways, startGateways } from './fixture';

const CONSUMER_ID = 'agc-test.lm-consumer';
const VENDOR = 'aiGateway';

async function until<T>(what: string, fn: () => T | undefined | Promise<T | undefined>, ms = 15000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('language model provider, used by another extension', function () {
  this.timeout(120000);
  let api: AiGatewayTestApi;
  let consumer: ConsumerApi;
  let sim: Simulator;
  let fx: Gateways | undefined;
  const ids: Record<'aione' | 'aihubmix', string> = { aione: '', aihubmix: '' };

  before(async () => {
    fx = await startGateways('LM', { streamTokensPerSecond: 300 });
    ({ api, sim } = fx);
    const ext = vscode.extensions.getExtension<ConsumerApi>(CONSUMER_ID);
    assert.ok(ext, 'the test-only consumer extension is loaded');
    consumer = await ext.activate();
    ids.aione = fx.ids.aione;
    ids.aihubmix = fx.ids.aihubmix;
  });
  after(async () => {
    await fx?.close();
  });

  it('lists no model of a connection without a chat model key, and asks nothing (silent)', async () => {
    const before = api.lm.stats.silentInfoCalls;
    const models = await consumer.select({ vendor: VENDOR });
    assert.deepEqual(
      models.filter((m) => m.id.startsWith(`${ids.aione}/`) || m.id.startsWith(`${ids.aihubmix}/`)),
      [],
    );
    assert.ok(api.lm.stats.silentInfoCalls > before, 'VS Code asked the provider silently');
  });

  it("with a key, lists each connection's chat models under its own name; a key change is announced", async () => {
    const changed = new Promise<void>((resolve) => {
      const d = vscode.lm.onDidChangeChatModels(() => {
        d.dispose();
        resolve();
      });
    });
    await api.lm.useKey(ids.aione, { secret: sim.aione.modelKey, label: 'demo key' });
    await api.lm.useKey(ids.aihubmix, { secret: sim.aihubmix.modelKey, label: 'hub key' });
    await changed;
    const models = await until('models of both connections', async () => {
      const all = await consumer.select({ vendor: VENDOR });
      return all.some((m) => m.id.startsWith(`${ids.aione}/`)) && all.some((m) => m.id.startsWith(`${ids.aihubmix}/`))
        ? all
        : undefined;
    });
    const gpt = models.find((m) => m.id === `${ids.aione}/gpt-4.1`);
    assert.ok(gpt, 'AIone gpt-4.1 is listed');
    assert.equal(gpt.name, 'GPT-4.1 · LM AIone');
    assert.equal(gpt.vendor, VENDOR);
    assert.equal(gpt.family, 'gpt-4.1');
    assert.ok(
      gpt.maxInputTokens > 900_000 && gpt.maxInputTokens < 1_047_576,
      `input limit ${gpt.maxInputTokens} = context less output`,
    );
    const hubClaude = models.find((m) => m.id === `${ids.aihubmix}/claude-sonnet-4-20250514`);
    assert.ok(hubClaude, 'AIHubMix models are listed too');
    assert.equal(hubClaude.family, 'claude-sonnet-4');
    assert.ok(!models.some((m) => /embedding|gpt-image/.test(m.id)), 'embedding and image models are not chat models');
    const byFamily = await consumer.select({ vendor: VENDOR, family: 'gpt-4.1' });
    assert.deepEqual(
      byFamily.map((m) => m.id).sort(),
      [`${ids.aihubmix}/gpt-4.1`, `${ids.aione}/gpt-4.1`].sort(),
      'both connections serve gpt-4.1, told apart',
    );
  });

  for (const kind of ['aione', 'aihubmix'] as const) {
    it(`${kind}: streams an answer in parts; the request went with the chat key; tokens and cost are recorded`, async () => {
      const id = `${ids[kind]}/gpt-4o-mini`;
      const before = api.lm.totals(ids[kind]).requests;
      const answer = await consumer.ask(id, [{ role: 'user', text: 'How do I stream a chat answer?' }]);
      assert.equal(answer.error, undefined, answer.error?.message);
      assert.match(answer.text, /## Answer from `gpt-4o-mini`/);
      assert.ok(answer.textParts > 10, `streamed in ${answer.textParts} parts`);
      const rec = [...sim.requests].reverse().find((r) => r.gateway === kind && r.path === '/v1/chat/completions');
      assert.equal(rec?.headers['authorization'], 'Bearer ***');
      assert.equal((rec?.body as { stream?: boolean }).stream, true);
      await api.lm.settled();
      const t = api.lm.totals(ids[kind]);
      assert.equal(t.requests, before + 1);
      assert.ok(t.promptTokens > 0 && t.completionTokens > 0, "the gateway's usage is recorded");
      assert.equal(t.cost.length, 1, 'one currency');
      assert.equal(t.cost[0]!.currency, kind === 'aione' ? 'CNY' : 'USD');
      assert.ok(Number(t.cost[0]!.amount) > 0);
    });
  }

  it('a tool-call round trip: the call arrives assembled, its result goes back as a tool message, the model answers', async () => {
    const id = `${ids.aione}/gpt-4.1`;
    const tools = [
      {
        name: 'get_weather',
        description: 'The weather for a place',
        inputSchema: { type: 'object', properties: { location: { type: 'string' } }, required: ['location'] },
      },
    ];
    const first = await consumer.ask(id, [{ role: 'user', text: 'Use a tool call to get the weather in Shanghai' }], {
      tools,
      toolMode: 'required',
    });
    assert.equal(first.error, undefined, first.error?.message);
    assert.equal(first.toolCalls.length, 1);
    const call = first.toolCalls[0]!;
    assert.equal(call.name, 'get_weather');
    assert.deepEqual(call.input, {
      location: '上海 Shanghai, China',
      unit: 'celsius',
      days: 3,
      include: ['humidity', 'wind'],
    });
    const sent = [...sim.requests].reverse().find((r) => r.path === '/v1/chat/completions')!.body as {
      tool_choice: unknown;
      tools: unknown[];
    };
    assert.deepEqual(
      sent.tool_choice,
      { type: 'function', function: { name: 'get_weather' } },
      'toolMode Required with one tool forces that tool',
    );
    const second = await consumer.ask(
      id,
      [
        { role: 'user', text: 'Use a tool call to get the weather in Shanghai' },
        { role: 'assistant', toolCalls: [{ callId: call.callId, name: call.name, input: call.input }] },
        { role: 'tool-results', results: [{ callId: call.callId, text: '{"temp_c": 21, "sky": "clear"}' }] },
        { role: 'user', text: 'Summarise it' },
      ],
      { tools },
    );
    assert.equal(second.error, undefined, second.error?.message);
    assert.ok(second.text.length > 0, 'the model answered after the tool result');
    const body = [...sim.requests].reverse().find((r) => r.path === '/v1/chat/completions')!.body as {
      messages: Array<Record<string, unknown>>;
    };
    assert.deepEqual(
      body.messages.map((m) => m['role']),
      ['user', 'assistant', 'tool', 'user'],
    );
    assert.deepEqual(body.messages[1]!['tool_calls'], [
      { id: call.callId, type: 'function', function: { name: 'get_weather', arguments: JSON.stringify(call.input) } },
    ]);
    assert.equal(body.messages[2]!['tool_call_id'], call.callId);
    assert.equal(body.messages[2]!['content'], '{"temp_c": 21, "sky": "clear"}');
  });

  it('cancelling stops the answer at once: the simulator sees the client close the stream', async () => {
    const streamsBefore = sim.streams.length;
    const answer = await consumer.ask(
      `${ids.aihubmix}/gpt-4o-mini`,
      [{ role: 'user', text: 'Please give me a long answer' }],
      { cancelAfterChars: 300 },
    );
    assert.ok(answer.cancelled);
    assert.ok(
      answer.text.length >= 300 && answer.text.length < 50_000,
      `stopped after ${answer.text.length} characters`,
    );
    const s = await until(
      'the stream record',
      () => sim.streams.slice(streamsBefore).find((x) => x.closedByClient) ?? undefined,
    );
    assert.equal(s.finished, false);
  });

  it('a rejected key becomes LanguageModelError NoPermissions; an unknown model NotFound — with our sentence', async () => {
    sim.faults.add({ gateway: 'aione', path: '/v1/chat/completions', fault: { kind: 'status', status: 401 } });
    const denied = await consumer.ask(`${ids.aione}/gpt-4o-mini`, [{ role: 'user', text: 'hello' }]);
    assert.ok(denied.error, 'the request failed');
    assert.ok(
      denied.error.isLanguageModelError,
      `a LanguageModelError (got ${denied.error.name}: ${denied.error.message})`,
    );
    assert.equal(denied.error.code, 'NoPermissions');
    assert.match(denied.error.message, /LM AIone/, 'the sentence names the connection');
    sim.faults.add({
      gateway: 'aihubmix',
      path: '/v1/chat/completions',
      fault: {
        kind: 'status',
        status: 404,
        body: { error: { message: 'Model not found', type: 'invalid_request_error', code: 'model_not_found' } },
      },
    });
    const missing = await consumer.ask(`${ids.aihubmix}/gpt-4o-mini`, [{ role: 'user', text: 'hello' }]);
    assert.equal(missing.error?.code, 'NotFound', missing.error?.message);
  });

  it('counts tokens with the documented estimate', async () => {
    const n = await consumer.countTokens(
      `${ids.aione}/gpt-4.1`,
      'The quick brown fox jumps over the lazy dog. 你好，世界！',
    );
    assert.ok(n >= 12 && n <= 24, `estimate ${n}`);
  });

  it("forgetting a connection's key removes its models (and VS Code is told)", async () => {
    const changed = new Promise<void>((resolve) => {
      const d = vscode.lm.onDidChangeChatModels(() => {
        d.dispose();
        resolve();
      });
    });
    await api.secrets.delete('chatKey', ids.aihubmix);
    await changed;
    const models = await until('the AIHubMix models gone', async () => {
      const all = await consumer.select({ vendor: VENDOR });
      return all.some((m) => m.id.startsWith(`${ids.aihubmix}/`)) ? undefined : all;
    });
    assert.ok(
      models.some((m) => m.id.startsWith(`${ids.aione}/`)),
      'the other connection stays',
    );
  });
});
