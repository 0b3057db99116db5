/**
 * Usage and cost in the chat panel, in a real VS Code against the simulator (both gateways): a streamed answer
 * carries its breakdown (uncached input / cached / cache write / output, reasoning inside output), priced with
 * the model's own prices from the gateway's model list; a class the gateway lists no price for is named, not
 * guessed; the conversation total is the sum of its answers, class by class; the history file keeps it.
 * (Named to run after chat.test.ts: that suite expects the chat to start without a conversation of a removed connection.)
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import Big from 'big.js';
import * as vscode from 'vscode';
import type { ModelInfo } from '../../../src/core/types';
import type { AiGatewayTestApi } from '../../../src/extension';
import { conversationTotals } from '../../../src/features/chat/model';
import { startSimulator, type Simulator } from '../../simulator/index';

const REPO = process.env.AGC_REPO ?? path.resolve(__dirname, '../../../..');
const manifest = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as {
  publisher: string;
  name: string;
};
const EXTENSION_ID = `${manifest.publisher}.${manifest.name}`;

type Gw = 'aione' | 'aihubmix';
const perM = (tokens: number, price: string | undefined): Big => new Big(tokens).times(price ?? '0').div(1_000_000);

describe('Chat usage and cost (real VS Code, simulator)', function () {
  this.timeout(120000);
  let api: AiGatewayTestApi;
  let sim: Simulator;
  const conn: Record<Gw, string> = { aione: '', aihubmix: '' };
  const models: Record<Gw, readonly ModelInfo[]> = { aione: [], aihubmix: [] };

  before(async () => {
    const ext = vscode.extensions.getExtension<AiGatewayTestApi | undefined>(EXTENSION_ID)!;
    const exported = await ext.activate();
    assert.ok(exported, 'the test API');
    api = exported;
    sim = await startSimulator({ host: '127.0.0.1', seed: 12, streamTokensPerSecond: 0 });
    const a = await api.connections.add(
      { kind: 'aione', label: 'Usage AIone', baseUrl: sim.aione.url },
      sim.aione.adminToken,
    );
    const h = await api.connections.add(
      { kind: 'aihubmix', label: 'Usage AIHubMix', baseUrl: sim.aihubmix.url },
      sim.aihubmix.accessToken,
    );
    conn.aione = a.id;
    conn.aihubmix = h.id;
    for (const gw of ['aione', 'aihubmix'] as const) models[gw] = await api.connections.gateway(conn[gw]).listModels();
    await api.chat.useKey(conn.aione, { secret: sim.aione.modelKey, label: 'pasted' });
    await api.chat.useKey(conn.aihubmix, { keyId: String(sim.state.aihubmix.modelTokenId) });
    await api.chat.open();
  });

  after(async () => {
    api.chat?.close();
    await api.chat?.whenClosed();
    for (const id of Object.values(conn)) if (id) await api.connections.remove(id).catch(() => undefined);
    await sim?.close();
  });

  async function converse(gw: Gw, modelId: string, questions: readonly string[]): Promise<void> {
    await api.chat.post({ type: 'newConversation' });
    await api.chat.post({ type: 'selectConnection', connectionId: conn[gw] });
    await api.chat.post({ type: 'selectModel', modelId });
    // no system prompt: the first request is one message, which the simulator caches nothing of
    await api.chat.post({ type: 'updateSettings', systemPrompt: '', temperature: null, maxTokens: null });
    for (const q of questions) {
      await api.chat.post({ type: 'send', text: q });
      const turns = api.chat.conversation().turns;
      const last = turns[turns.length - 1]!;
      assert.equal(last.status, 'done', last.error);
    }
  }

  const cases: ReadonlyArray<{ gw: Gw; model: string; cachePriced: boolean }> = [
    { gw: 'aihubmix', model: 'claude-sonnet-4-6', cachePriced: true }, // AIHubMix lists cache read / write prices
    { gw: 'aihubmix', model: 'o4-mini', cachePriced: true }, // cache read price, reasoning tokens
    { gw: 'aione', model: 'claude-sonnet-4-6', cachePriced: true }, // AIone's model list carries cache prices too
    { gw: 'aione', model: 'deepseek-reasoner', cachePriced: false }, // a model without cache prices: named, not guessed
  ];

  for (const c of cases) {
    it(`${c.gw} ${c.model}: each streamed answer carries its breakdown; the conversation total is their sum`, async () => {
      const info = models[c.gw].find((m) => m.id === c.model);
      assert.ok(info?.price?.inputPerMTok && info.price.outputPerMTok, 'the model is priced');
      await converse(c.gw, c.model, ['What is a token bucket?', 'Show one in TypeScript, please.']);
      const conv = api.chat.conversation();
      const answers = conv.turns.filter((t) => t.role === 'assistant');
      assert.equal(answers.length, 2);
      const p = info.price;
      for (const [i, a] of answers.entries()) {
        const u = a.usage;
        const b = a.breakdown;
        assert.ok(u && b && a.cost, `answer ${i} has usage, cost and breakdown`);
        // the classes add up to the prompt and completion the gateway reported
        assert.equal(b.input.tokens + b.cacheRead.tokens + b.cacheWrite.tokens, u.promptTokens);
        assert.equal(b.output.tokens, u.completionTokens);
        assert.equal(b.reasoningTokens, u.reasoningTokens ?? 0);
        assert.ok(b.reasoningTokens <= b.output.tokens, 'reasoning is inside the output');
        if (i === 0) assert.equal(b.cacheRead.tokens + b.cacheWrite.tokens, 0, 'a first message caches nothing');
        else assert.ok(b.cacheRead.tokens > 0, 'the second answer read the first exchange from the cache');
        // each class at the model's own price, to the last decimal
        assert.equal(b.input.amount, perM(b.input.tokens, p.inputPerMTok!.amount).toFixed());
        assert.equal(b.output.amount, perM(b.output.tokens, p.outputPerMTok!.amount).toFixed());
        let expected = perM(b.input.tokens, p.inputPerMTok!.amount).plus(
          perM(b.output.tokens, p.outputPerMTok!.amount),
        );
        if (c.cachePriced) {
          assert.ok(p.cacheReadPerMTok, "the gateway's cache read price reached the model");
          expected = expected
            .plus(perM(b.cacheRead.tokens, p.cacheReadPerMTok.amount))
            .plus(perM(b.cacheWrite.tokens, p.cacheWritePerMTok?.amount));
          assert.deepEqual(b.unpriced, []);
        } else if (i > 0) {
          assert.ok(b.unpriced.includes('cacheRead'), 'no cache price: named, not guessed');
          assert.equal(b.cacheRead.amount, undefined);
        }
        assert.equal(b.amount, expected.toFixed());
        assert.equal(a.cost.amount, b.amount);
        assert.equal(a.cost.currency, p.inputPerMTok!.currency);
      }
      if (c.cachePriced) {
        const second = answers[1]!.breakdown!;
        // saved = cached × (input − read) − writes × (write − input)
        const saved = perM(
          second.cacheRead.tokens,
          new Big(p.inputPerMTok!.amount).minus(p.cacheReadPerMTok!.amount).toFixed(),
        ).minus(
          perM(
            second.cacheWrite.tokens,
            new Big(p.cacheWritePerMTok?.amount ?? p.inputPerMTok!.amount).minus(p.inputPerMTok!.amount).toFixed(),
          ),
        );
        assert.equal(second.savedByCache, saved.toFixed());
      }
      if (c.model === 'o4-mini')
        assert.ok(
          answers.every((a) => (a.usage?.reasoningTokens ?? 0) > 0),
          'a thinking model reports reasoning',
        );
      // the conversation total is the sum of its answers, class by class
      const totals = conversationTotals(conv);
      const sum = answers.reduce((s, a) => s.plus(a.cost!.amount), new Big(0));
      assert.equal(totals.cost?.amount, sum.toFixed());
      assert.equal(totals.breakdown?.amount, sum.toFixed());
      assert.equal(
        totals.breakdown?.cacheRead.tokens,
        answers.reduce((n, a) => n + a.breakdown!.cacheRead.tokens, 0),
      );
      assert.equal(
        totals.tokens,
        answers.reduce((n, a) => n + a.usage!.totalTokens, 0),
      );
    });
  }

  it("the history file keeps each answer's breakdown (it reopens with the same figures)", async () => {
    await converse('aihubmix', 'claude-sonnet-4-6', ['What is a token bucket?', 'Show one in TypeScript, please.']);
    const conv = api.chat.conversation();
    await api.chat.whenIdle();
    const file = vscode.Uri.joinPath(api.chat.historyDir, `${conv.id}.json`);
    const saved = JSON.parse(new TextDecoder().decode(await vscode.workspace.fs.readFile(file))) as {
      turns: Array<{ breakdown?: unknown }>;
    };
    assert.deepEqual(saved.turns[3]?.breakdown, conv.turns[3]?.breakdown);
    assert.ok(await api.chat.openConversation(conv.id));
    assert.deepEqual(api.chat.conversation().turns[3]?.breakdown, conv.turns[3]?.breakdown);
  });
});
