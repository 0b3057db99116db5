/**
 * Answers that are kept, in a real VS Code against the simulator, for both gateways: Regenerate twice gives three
 * answers of one turn; the switcher's message shows the second, and the next message sends it as the assistant's
 * (what the simulator received); the conversation's totals count all three paid answers; after the panel is closed
 * and opened again (the conversation read back from disk) the answers and the switcher are there. A failed answer's
 * fix buttons come back from the history file and work; a fix whose key is no longer the chat's, or was deleted on
 * the gateway, says so and changes nothing.
 */
import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import type { ModelInfo } from '../../../src/core/types';
import type { AiGatewayTestApi } from '../../../src/extension';
import type { AioneKeyRecord, AihubmixTokenRecord } from '../../simulator/types';
import type { Simulator } from '../../simulator/index';
import { type Gateways, type Kind, KINDS, startGateways, waitFor, withPrompter } from './fixture';
import { ScriptedPrompter } from './scriptedPrompter';

describe('Chat: Regenerate keeps the earlier answers; fix buttons after a reopen (real VS Code, simulator)', function () {
  this.timeout(180000);
  let api: AiGatewayTestApi;
  let sim: Simulator;
  let fx: Gateways | undefined;
  const conn: Record<Kind, string> = { aione: '', aihubmix: '' };
  /** Three chat models per gateway: the simulator's answer depends on the model, so the three answers differ. */
  const models: Record<Kind, ModelInfo[]> = { aione: [], aihubmix: [] };

  const chat = () => api.chat;
  const chatBodies = (kind: Kind) =>
    sim.requests
      .filter((r) => r.gateway === kind && r.path.endsWith('/chat/completions'))
      .map((r) => r.body as { model: string; messages: Array<{ role: string; content: string }> });
  const aioneKey = (): AioneKeyRecord => sim.state.aione.keys.find((k) => k.id === sim.state.aione.modelKeyId)!;
  const hubToken = (): AihubmixTokenRecord =>
    sim.state.aihubmix.tokens.find((t) => t.id === sim.state.aihubmix.modelTokenId)!;

  /** Closes the panel (the conversation is saved and dropped from memory) and opens it again from disk. */
  async function reopen(id: string): Promise<void> {
    chat().close();
    await chat().whenClosed();
    assert.notEqual(chat().conversation().id, id, 'closing dropped it from memory');
    const ready = chat().readyCount();
    await chat().open();
    await waitFor('the new webview to post ready', () => chat().readyCount() > ready);
    assert.equal(chat().conversation().id, id, 'the same conversation, read back from disk');
  }

  before(async () => {
    fx = await startGateways('Variants', { seed: 17, variants: { keyLimits: 'enforced' } });
    ({ api, sim } = fx);
    conn.aione = fx.ids.aione;
    conn.aihubmix = fx.ids.aihubmix;
    for (const kind of KINDS) {
      const all = await api.connections.gateway(conn[kind]).listModels();
      models[kind] = all
        .filter((m) => m.price?.inputPerMTok && m.price.outputPerMTok && /gpt|deepseek|claude|qwen/i.test(m.id))
        .filter((m) => !m.types?.some((t) => /embedding|image|audio|rerank/i.test(t)))
        .slice(0, 3);
      assert.equal(models[kind].length, 3, `${kind} lists three priced chat models`);
    }
    await chat().useKey(conn.aione, { secret: sim.aione.modelKey, label: 'pasted' });
    await chat().useKey(conn.aihubmix, { keyId: String(sim.state.aihubmix.modelTokenId) });
    await chat().open();
  });

  after(async () => {
    chat()?.close();
    await chat()?.whenClosed();
    await fx?.close();
  });

  it('regenerate adds an answer beside the last one (kept); edit-and-resend replaces the last question (what the gateway receives follows)', async () => {
    await chat().post({ type: 'newConversation' });
    await chat().post({ type: 'selectConnection', connectionId: conn.aione });
    await chat().post({ type: 'selectModel', modelId: models.aione[0]!.id });
    await chat().post({ type: 'send', text: 'first question' });
    await chat().post({ type: 'send', text: 'second question' });
    const before = chat().conversation();
    assert.equal(before.turns.length, 4);
    const lastChatBody = () => {
      const r = [...sim.requests].reverse().find((x) => x.gateway === 'aione' && x.path.endsWith('/chat/completions'));
      return r?.body as { messages: Array<{ role: string; content: string }> };
    };
    await chat().post({ type: 'regenerate' });
    let after = chat().conversation();
    assert.equal(after.turns.length, 4);
    assert.deepEqual(after.turns.slice(0, 2), before.turns.slice(0, 2), 'the first exchange is untouched');
    assert.equal(after.turns[2]!.content, 'second question');
    assert.equal(after.turns[3]!.id, before.turns[3]!.id, 'the same turn, with a second answer');
    assert.equal(after.turns[3]!.variants?.length, 1, 'the earlier answer is kept');
    assert.equal(after.turns[3]!.variants?.[0]?.content, before.turns[3]!.content);
    assert.equal(after.turns[3]!.status, 'done');
    assert.deepEqual(
      lastChatBody().messages.map((m) => [m.role, m.role === 'user' ? m.content : '…']),
      [
        ['user', 'first question'],
        ['assistant', '…'],
        ['user', 'second question'],
      ],
    );
    await chat().post({ type: 'editLast', text: 'second question, edited' });
    after = chat().conversation();
    assert.equal(after.turns.length, 4);
    assert.equal(after.turns[2]!.content, 'second question, edited');
    assert.deepEqual(
      lastChatBody()
        .messages.map((m) => m.content)
        .slice(-1),
      ['second question, edited'],
    );
    assert.equal(lastChatBody().messages.length, 3);
  });

  for (const kind of KINDS) {
    it(`${kind}: regenerate twice → 3 answers; switch to the 2nd, send → the gateway receives the 2nd as the assistant's message; reopened, all 3 and the switcher are back`, async () => {
      const [m1, m2, m3] = models[kind].map((m) => m.id) as [string, string, string];
      await chat().post({ type: 'newConversation' });
      await chat().post({ type: 'selectConnection', connectionId: conn[kind] });
      await chat().post({ type: 'selectModel', modelId: m1 });
      await chat().post({ type: 'send', text: 'Tell me about token budgets' });
      for (const m of [m2, m3]) {
        await chat().post({ type: 'selectModel', modelId: m });
        await chat().post({ type: 'regenerate' });
      }
      let c = chat().conversation();
      assert.equal(c.turns.length, 2, 'one message, one answer turn');
      const answer = c.turns[1]!;
      const texts = [...(answer.variants ?? []).map((v) => v.content), answer.content];
      assert.equal(texts.length, 3, 'three answers');
      assert.equal(new Set(texts).size, 3, 'three different answers (one per model)');
      assert.deepEqual([...(answer.variants ?? []).map((v) => v.model), answer.model], [m1, m2, m3]);
      for (const v of [...(answer.variants ?? []), answer]) assert.equal(v.status, 'done', v.error);
      assert.deepEqual(chat().state().turns[1]!.variant, { index: 2, count: 3 }, 'the newest is shown: 3/3');
      // the totals count the three paid answers, and say that two are regenerated ones
      const totals = chat().state().totals;
      const all = [...(answer.variants ?? []), answer];
      assert.equal(
        totals.tokens,
        all.reduce((n, v) => n + (v.usage?.totalTokens ?? 0), 0),
      );
      assert.equal(totals.regenerated, 2);

      await chat().post({ type: 'selectVariant', turnId: answer.id, index: 1 });
      assert.deepEqual(chat().state().turns[1]!.variant, { index: 1, count: 3 }, '2/3');
      assert.equal(chat().conversation().turns[1]!.content, texts[1]);
      const before = chatBodies(kind).length;
      await chat().post({ type: 'send', text: 'And what is next?' });
      const sent = chatBodies(kind).slice(before);
      assert.equal(sent.length, 1, 'one request');
      assert.deepEqual(
        sent[0]!.messages.filter((m) => m.role !== 'system').map((m) => [m.role, m.content]),
        [
          ['user', 'Tell me about token budgets'],
          ['assistant', texts[1]],
          ['user', 'And what is next?'],
        ],
        'the answer shown (the 2nd) is the one sent',
      );

      c = chat().conversation();
      await reopen(c.id);
      const back = chat().conversation();
      assert.deepEqual(back.turns, c.turns, 'every answer, and which one is shown, read back from the file');
      assert.deepEqual(chat().state().turns[1]!.variant, { index: 1, count: 3 }, 'the switcher is back at 2/3');
      assert.equal(chat().state().totals.regenerated, 2);
      // and Regenerate still works on the last answer of the reopened conversation, one request
      const n = chatBodies(kind).length;
      await chat().post({ type: 'regenerate' });
      assert.equal(chatBodies(kind).length - n, 1);
      assert.deepEqual(chat().state().turns[3]!.variant, { index: 1, count: 2 });
    });

    it(`${kind}: a failed answer's fix button is rebuilt after a reopen (from the file, no key in it) and works`, async () => {
      const [m1, m2] = models[kind].map((m) => m.id) as [string, string];
      if (kind === 'aione') aioneKey().models_allowed = [m1];
      else hubToken().models = m1;
      try {
        await chat().post({ type: 'newConversation' });
        await chat().post({ type: 'selectConnection', connectionId: conn[kind] });
        await chat().post({ type: 'selectModel', modelId: m2 });
        await chat().post({ type: 'send', text: 'Which model answers?' });
        const failed = chat().conversation().turns[1]!;
        assert.equal(failed.status, 'error');
        const offered = chat()
          .fixes(failed.id)
          .map((f) => f.id);
        assert.ok(offered.includes('allow-model'), JSON.stringify(offered));
        const id = chat().conversation().id;
        await reopen(id);
        const file = new TextDecoder().decode(
          await vscode.workspace.fs.readFile(vscode.Uri.joinPath(chat().historyDir, `${id}.json`)),
        );
        assert.match(file, /"fixes": \[/, 'what the buttons are rebuilt from is in the file');
        for (const secret of [sim.aione.modelKey, sim.aihubmix.modelKey.replace(/^sk-/, '')])
          assert.ok(!file.includes(secret), 'no key in the file');
        const view = chat().state().turns[1]!;
        assert.deepEqual(
          view.fixes?.map((f) => f.id),
          offered,
          'the same buttons after the reopen',
        );
        assert.match(view.fixes?.find((f) => f.id === 'allow-model')?.label ?? '', new RegExp(`^Allow ${m2} on `));

        // the paying key is no longer the chat's: the fix says so and changes nothing
        const label = kind === 'aione' ? 'pasted' : undefined;
        await chat().useKey(conn[kind], { secret: 'sk-another-key-0000000000', label: 'another key' });
        const p1 = new ScriptedPrompter();
        await withPrompter(api, p1, () => chat().post({ type: 'runFix', turnId: view.id, fix: 'allow-model' }));
        assert.deepEqual(p1.ids(), [], 'no edit was opened');
        assert.match(
          p1.errors.join('\n'),
          /no longer the chat key of .* \(it is another key now\): nothing was changed/,
        );
        if (label) await chat().useKey(conn[kind], { secret: sim.aione.modelKey, label });
        else await chat().useKey(conn[kind], { keyId: String(sim.state.aihubmix.modelTokenId) });

        // the paying key again: the rebuilt button opens the key's edit at the models step and allows the model
        const p2 = new ScriptedPrompter();
        await withPrompter(api, p2, () => chat().post({ type: 'runFix', turnId: view.id, fix: 'allow-model' }));
        assert.deepEqual(p2.ids(), ['modelsAllowed', 'summary']);
        const allowed = kind === 'aione' ? aioneKey().models_allowed : (hubToken().models ?? '').split(',');
        assert.deepEqual([...(allowed ?? [])].sort(), [m1, m2].sort());
        await chat().post({ type: 'regenerate' });
        const t = chat().conversation().turns[1]!;
        assert.equal(t.status, 'done', t.error);
        assert.equal(t.variants?.[0]?.status, 'error', 'the failed answer stays, one click away');
        assert.equal(chat().state().turns[1]!.fixes, undefined, 'the answer shown did not fail: no fix buttons');

        // the failed answer shown again, its key deleted on the gateway since: the fix says so, nothing changes
        await chat().post({ type: 'selectVariant', turnId: view.id, index: 0 });
        assert.ok(
          chat()
            .state()
            .turns[1]!.fixes?.some((f) => f.id === 'allow-model'),
        );
        const list: Array<{ id: number | string }> =
          kind === 'aione' ? sim.state.aione.keys : sim.state.aihubmix.tokens;
        const at = list.findIndex((k) =>
          kind === 'aione' ? k.id === sim.state.aione.modelKeyId : k.id === sim.state.aihubmix.modelTokenId,
        );
        const [removed] = list.splice(at, 1);
        try {
          const p3 = new ScriptedPrompter();
          await withPrompter(api, p3, () => chat().post({ type: 'runFix', turnId: view.id, fix: 'allow-model' }));
          assert.deepEqual(p3.ids(), [], 'no edit was opened');
          assert.match(
            p3.errors.join('\n'),
            /no longer among the keys of .*\(deleted or rotated\): nothing was changed/,
          );
        } finally {
          list.splice(at, 0, removed!);
        }
      } finally {
        if (kind === 'aione') aioneKey().models_allowed = [];
        else hubToken().models = '';
      }
    });
  }
});
