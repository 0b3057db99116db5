/**
 * The chat panel in a real VS Code against the in-process simulator (both gateways): the webview loads under its
 * CSP and asks for the state; a streamed answer arrives whole in the host-side conversation; stop really aborts
 * the HTTP request (the simulator sees the client go away) and keeps the partial text; a mid-stream error and a
 * truncated stream keep the partial text with the error; history survives closing and reopening the panel; a
 * corrupt history file is set aside. Webview messages go through the panel's real router (zod validation).
 */
import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import type { ModelInfo } from '../../../src/core/types';
import type { AiGatewayTestApi } from '../../../src/extension';
import type { Simulator } from '../../simulator/index';
import { type Gateways, startGateways, waitFor } from './fixture';

type Gw = 'aione' | 'aihubmix';

describe('Chat panel (real VS Code, simulator)', function () {
  this.timeout(120000);
  let api: AiGatewayTestApi;
  let sim: Simulator;
  let fx: Gateways | undefined;
  const conn: Record<Gw, string> = { aione: '', aihubmix: '' };
  const model: Record<Gw, ModelInfo | undefined> = { aione: undefined, aihubmix: undefined };

  const chat = () => api.chat;
  const lastAnswer = () => {
    const turns = chat().conversation().turns;
    const t = turns[turns.length - 1];
    assert.ok(t && t.role === 'assistant', 'the last turn is the answer');
    return t;
  };
  const lastStream = (gw: Gw) => [...sim.streams].reverse().find((s) => s.gateway === gw);

  before(async () => {
    fx = await startGateways('Chat', { seed: 11 }); // 400 content events per second
    ({ api, sim } = fx);
    conn.aione = fx.ids.aione;
    conn.aihubmix = fx.ids.aihubmix;
    for (const gw of ['aione', 'aihubmix'] as const) {
      const models = await api.connections.gateway(conn[gw]).listModels();
      model[gw] = models.find((m) => m.price?.inputPerMTok && m.price.outputPerMTok);
      assert.ok(model[gw], `${gw} lists a priced model`);
    }
    // AIone shows a secret only at creation: a pasted key. AIHubMix returns secrets: one of its keys, revealed.
    await chat().useKey(conn.aione, { secret: sim.aione.modelKey, label: 'pasted' });
    const label = await chat().useKey(conn.aihubmix, { keyId: String(sim.state.aihubmix.modelTokenId) });
    assert.ok(!label.includes(sim.aihubmix.modelKey.slice(3, 20)), 'the label shows no more than the masked key');
  });

  after(async () => {
    chat()?.close();
    await chat()?.whenClosed();
    await fx?.close();
  });

  it('opens one panel; the webview loads under a nonce CSP and asks the host for the state', async () => {
    const readyBefore = chat().readyCount();
    await chat().open();
    assert.ok(chat().isOpen);
    assert.ok(
      Object.values(conn).includes(chat().conversation().connectionId ?? ''),
      'a connection added after activation is chosen for the chat',
    );
    await waitFor('the webview to post ready', () => chat().readyCount() > readyBefore);
    const html = chat().html() ?? '';
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1] ?? '';
    assert.match(csp, /default-src 'none'/);
    assert.ok(!/unsafe-eval|unsafe-inline/.test(csp), csp);
    const nonce = /script-src 'nonce-([^']+)'/.exec(csp)?.[1];
    assert.ok(nonce && html.includes(`<script nonce="${nonce}"`), 'the script carries the nonce');
    assert.equal((html.match(/Content-Security-Policy/g) ?? []).length, 1, 'exactly one CSP meta tag');
    // a second open reveals the same panel (the webview is not reloaded)
    const ready = chat().readyCount();
    await chat().open();
    assert.ok(chat().isOpen);
    assert.equal(chat().readyCount(), ready);
  });

  it('drops invalid webview messages (nothing can name a command) and keeps working', async () => {
    const before = chat().counters().dropped;
    await chat().post({ type: 'executeCommand', command: 'workbench.action.terminal.new' });
    await chat().post({ type: 'openLink' });
    await chat().post('ready');
    await chat().post({ type: 'selectConnection', connectionId: '../../etc' });
    assert.equal(chat().counters().dropped, before + 4);
    await chat().post({ type: 'openLink', url: 'javascript:alert(1)' }); // valid shape, refused scheme: nothing happens
  });

  for (const gw of ['aione', 'aihubmix'] as const) {
    it(`${gw}: the model button offers only chat models, searchable by name, each with its price per 1M tokens`, async () => {
      await chat().post({ type: 'newConversation' });
      await chat().post({ type: 'selectConnection', connectionId: conn[gw] });
      const all = await api.connections.gateway(conn[gw]).listModels();
      const notChat = all.filter((m) => m.types?.some((t) => /embedding|image|audio|rerank/i.test(t)));
      const target = model[gw]!;
      const dialogs = chat().answerPanelDialogs({
        model: (items) => items.find((i) => i.label === target.id)?.label,
      });
      try {
        await chat().post({ type: 'pickModel' });
        assert.equal(dialogs.modelPicks.length, 1, 'the picker was shown');
        const { items, placeholder } = dialogs.modelPicks[0]!;
        const ids = items.map((i) => i.label);
        assert.ok(ids.includes(target.id));
        for (const m of notChat) assert.ok(!ids.includes(m.id), `${m.id} (${m.types?.join(',')}) is not offered`);
        if (notChat.length) assert.match(placeholder, new RegExp(`\\(${notChat.length} embedding, image or audio`));
        const item = items.find((i) => i.label === target.id)!;
        assert.match(
          item.detail ?? '',
          /^[$¥]\d[\d,]*\.\d{2,4} in \/ [$¥]\d[\d,]*\.\d{2,4} out per 1M tokens/,
          item.detail,
        );
        if (target.name && target.name !== target.id) assert.ok(item.description?.includes(target.name));
        assert.equal(chat().conversation().modelId, target.id, 'the chosen model is the chat’s');
        const state = chat().state();
        assert.ok(
          state.models?.every((m) => !notChat.some((n) => n.id === m.id)),
          'the state lists chat models only',
        );
      } finally {
        chat().answerPanelDialogs(undefined);
      }
    });

    it(`${gw}: a streamed answer arrives whole, with tokens and cost`, async () => {
      await chat().post({ type: 'newConversation' });
      await chat().post({ type: 'selectConnection', connectionId: conn[gw] });
      await chat().post({ type: 'selectModel', modelId: model[gw]!.id });
      const deltasBefore = chat().counters().deltasPosted;
      const quotaBefore =
        gw === 'aihubmix'
          ? sim.state.aihubmix.tokens.find((t) => t.id === sim.state.aihubmix.modelTokenId)!.used_quota
          : 0;
      await chat().post({ type: 'send', text: 'Explain streaming in one answer' });
      const answer = lastAnswer();
      assert.equal(answer.status, 'done', answer.error);
      // the same request without streaming gives the same text (the simulator answers deterministically)
      const key = gw === 'aione' ? sim.aione.modelKey : `sk-${sim.aihubmix.modelKey.replace(/^sk-/, '')}`;
      const whole = await api.connections
        .gateway(conn[gw])
        .chat(
          { model: model[gw]!.id, messages: [{ role: 'user', content: 'Explain streaming in one answer' }] },
          { apiKey: key },
        );
      assert.equal(answer.content, whole.content);
      assert.ok(answer.content.includes('```'), 'markdown with a code fence');
      const stream = lastStream(gw)!;
      assert.ok(stream.finished && !stream.closedByClient, 'the simulator finished the stream');
      assert.ok(answer.usage && answer.usage.completionTokens > 0, 'usage from the usage chunk');
      assert.ok(
        answer.cost && /^\d+(\.\d+)?$/.test(answer.cost.amount) && Number(answer.cost.amount) > 0,
        'priced with the model price',
      );
      assert.equal(answer.cost.currency, model[gw]!.price!.inputPerMTok!.currency);
      const deltas = chat().counters().deltasPosted - deltasBefore;
      assert.ok(
        deltas > 0 && deltas < stream.chunksSent,
        `coalesced: ${deltas} delta messages for ${stream.chunksSent} stream events`,
      );
      if (gw === 'aihubmix') {
        const after = sim.state.aihubmix.tokens.find((t) => t.id === sim.state.aihubmix.modelTokenId)!.used_quota;
        assert.ok(after > quotaBefore, 'the chosen (revealed) key paid for the answer on the gateway');
      }
      // saved as it streamed
      const file = vscode.Uri.joinPath(chat().historyDir, `${chat().conversation().id}.json`);
      const saved = JSON.parse(new TextDecoder().decode(await vscode.workspace.fs.readFile(file))) as {
        turns: Array<{ content: string; status?: string }>;
      };
      assert.equal(saved.turns[1]?.content, answer.content);
      assert.equal(saved.turns[1]?.status, 'done');
    });
  }

  it('stop aborts the HTTP request at once (the simulator sees the client leave) and keeps the partial text', async () => {
    await chat().post({ type: 'newConversation' });
    await chat().post({ type: 'selectConnection', connectionId: conn.aione });
    await chat().post({ type: 'selectModel', modelId: model.aione!.id });
    const sending = chat().post({ type: 'send', text: 'Write a long answer please' }); // ≥ 100 KB: far from done when stopped
    await waitFor(
      'some streamed text',
      () => chat().busy && (chat().conversation().turns[1]?.content.length ?? 0) > 200,
    );
    await chat().post({ type: 'stop' });
    await sending;
    const answer = lastAnswer();
    assert.equal(answer.status, 'stopped');
    assert.ok(answer.content.length > 200, 'the partial text is kept');
    assert.ok(answer.content.length < 100_000, 'stopped long before the end');
    const stream = await waitFor('the simulator to see the connection closed', () => {
      const s = lastStream('aione');
      return s?.closedByClient ? s : undefined;
    });
    assert.equal(stream.finished, false);
    assert.equal(chat().busy, false);
  });

  for (const [fault, gw] of [
    ['mid-stream-error', 'aihubmix'],
    ['truncate-stream', 'aione'],
    ['mid-stream-error', 'aione'],
    ['truncate-stream', 'aihubmix'],
  ] as const) {
    it(`${gw}: a ${fault} keeps the partial text with the error beside it`, async () => {
      await chat().post({ type: 'newConversation' });
      await chat().post({ type: 'selectConnection', connectionId: conn[gw] });
      await chat().post({ type: 'selectModel', modelId: model[gw]!.id });
      sim.faults.add({
        gateway: gw,
        method: 'POST',
        path: '/v1/chat/completions',
        times: 1,
        fault: { kind: fault, afterChunks: 30 },
      });
      await chat().post({ type: 'send', text: 'Explain streaming in one answer' });
      const answer = lastAnswer();
      assert.equal(answer.status, 'error');
      assert.ok(answer.content.length > 0, 'partial text kept');
      assert.ok(answer.error && answer.error.length > 10, `an error sentence: ${answer.error}`);
      if (fault === 'mid-stream-error') assert.match(answer.error, /upstream timeout/);
      const saved = await chat().listHistory();
      assert.ok(
        saved.some((s) => s.id === chat().conversation().id),
        'saved with its partial answer',
      );
    });
  }

  it('code-block buttons: copy to the clipboard, open in a new editor, insert at the cursor of the last editor', async () => {
    await chat().post({ type: 'copyCode', code: 'const copied = 1;' });
    assert.equal(await vscode.env.clipboard.readText(), 'const copied = 1;');

    await chat().post({ type: 'openCode', code: 'print("opened")\n', language: 'py' });
    const opened = await waitFor('the code in a new editor', () =>
      vscode.window.activeTextEditor?.document.getText() === 'print("opened")\n'
        ? vscode.window.activeTextEditor
        : undefined,
    );
    assert.equal(opened.document.languageId, 'python');
    assert.equal(opened.document.isUntitled, true, 'a new unsaved document: nothing is written to disk');

    const doc = await vscode.workspace.openTextDocument({ content: '// top\n', language: 'typescript' });
    const ed = await vscode.window.showTextDocument(doc);
    ed.selection = new vscode.Selection(1, 0, 1, 0);
    await chat().open(); // the panel has the focus again when its button is clicked
    await chat().post({ type: 'insertCode', code: 'const inserted = 2;\n' });
    assert.equal(doc.getText(), '// top\nconst inserted = 2;\n');
    for (const d of [doc, opened.document]) {
      await vscode.window.showTextDocument(d);
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    }
  });

  it('context chips: Ask about Selection and "+ File" attach text that is sent before the message; a chip can be removed', async () => {
    await chat().post({ type: 'newConversation' });
    await chat().post({ type: 'selectConnection', connectionId: conn.aione });
    await chat().post({ type: 'selectModel', modelId: model.aione!.id });
    const doc = await vscode.workspace.openTextDocument({
      content: 'line one\nanswer = 42  # ``` inside\nline three\n',
      language: 'python',
    });
    const ed = await vscode.window.showTextDocument(doc);
    ed.selection = new vscode.Selection(1, 0, 1, 25);
    await vscode.commands.executeCommand('aiGateway.askAboutSelection');
    assert.ok(chat().isOpen);
    let pending = chat().pendingContext();
    assert.equal(pending.length, 1);
    assert.match(pending[0]!.label, /:2-2$/);
    // "+ File": the host asks which file (the editor the user came from is offered first); answered here
    const dialogs = chat().answerPanelDialogs({ pick: (choices) => choices[0]?.uri });
    await chat().post({ type: 'addContext', source: 'file' });
    chat().answerPanelDialogs(undefined);
    assert.equal(dialogs.picks.length, 1);
    pending = chat().pendingContext();
    assert.equal(pending.length, 2);
    await chat().post({ type: 'removeContext', id: pending[1]!.id });
    assert.equal(chat().pendingContext().length, 1);
    await chat().post({ type: 'send', text: 'What does this line do?' });
    assert.equal(lastAnswer().status, 'done');
    const user = chat().conversation().turns[0]!;
    assert.equal(user.content, 'What does this line do?', 'the typed text stays as typed');
    assert.deepEqual(
      user.context?.map((c) => c.text),
      ['answer = 42  # ``` inside'],
    );
    assert.equal(chat().pendingContext().length, 0, 'chips go with one message');
    const req = [...sim.requests].reverse().find((r) => r.gateway === 'aione' && r.path.endsWith('/chat/completions'));
    const sent = (req?.body as { messages: Array<{ content: string }> }).messages.at(-1)!.content;
    assert.match(sent, /:2-2:\n````python\nanswer = 42 {2}# ``` inside\n````\n\nWhat does this line do\?$/, sent);
    await vscode.window.showTextDocument(doc);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  it('history survives closing and reopening the panel (state restored from disk through ready)', async () => {
    await chat().post({ type: 'newConversation' });
    await chat().post({ type: 'selectConnection', connectionId: conn.aihubmix });
    await chat().post({ type: 'selectModel', modelId: model.aihubmix!.id });
    await chat().post({ type: 'updateSettings', systemPrompt: 'Answer briefly.', temperature: 0.3, maxTokens: 500 });
    await chat().post({ type: 'send', text: 'Remember this conversation' });
    const before = chat().conversation();
    assert.equal(before.turns.length, 2);
    chat().close();
    await chat().whenClosed();
    assert.equal(chat().isOpen, false);
    assert.notEqual(chat().conversation().id, before.id, 'closing dropped it from memory');
    const file = vscode.Uri.joinPath(chat().historyDir, `${before.id}.json`);
    await vscode.workspace.fs.stat(file); // on disk
    const ready = chat().readyCount();
    await chat().open();
    await waitFor('the new webview to post ready', () => chat().readyCount() > ready);
    const after = chat().conversation();
    assert.equal(after.id, before.id);
    assert.deepEqual(after.turns, before.turns);
    assert.equal(after.systemPrompt, 'Answer briefly.');
    assert.equal(after.temperature, 0.3);
    assert.equal(after.maxTokens, 500);
    const req = [...sim.requests]
      .reverse()
      .find((r) => r.gateway === 'aihubmix' && r.path.endsWith('/chat/completions'));
    const body = req?.body as
      { messages?: Array<{ role: string; content: string }>; temperature?: number; max_tokens?: number } | undefined;
    assert.equal(body?.messages?.[0]?.role, 'system', 'the system prompt was sent');
    assert.equal(body?.temperature, 0.3);
    assert.equal(body?.max_tokens, 500);
  });

  it('a corrupt history file is set aside with a warning; listing and the panel keep working', async () => {
    const dir = chat().historyDir;
    await vscode.workspace.fs.createDirectory(dir);
    const bad = vscode.Uri.joinPath(dir, 'corrupt-json.json');
    const wrong = vscode.Uri.joinPath(dir, 'wrong-shape.json');
    await vscode.workspace.fs.writeFile(
      bad,
      new TextEncoder().encode('{"version":1,"id":"corrupt-json","turns":[{"ro'),
    );
    await vscode.workspace.fs.writeFile(
      wrong,
      new TextEncoder().encode(JSON.stringify({ version: 99, id: 'wrong-shape' })),
    );
    const list = await chat().listHistory();
    assert.ok(!list.some((s) => s.id === 'corrupt-json' || s.id === 'wrong-shape'));
    assert.ok(list.length >= 3, 'the good conversations are still listed');
    const names = (await vscode.workspace.fs.readDirectory(dir)).map(([n]) => n);
    assert.ok(!names.includes('corrupt-json.json') && !names.includes('wrong-shape.json'), 'moved away');
    assert.ok(
      names.some((n) => n.startsWith('corrupt-json.json.corrupt-')),
      names.join(', '),
    );
    assert.ok(names.some((n) => n.startsWith('wrong-shape.json.corrupt-')));
    assert.equal(await chat().openConversation('corrupt-json'), false);
    // the panel still answers
    await chat().post({ type: 'newConversation' });
    await chat().post({ type: 'selectConnection', connectionId: conn.aione });
    await chat().post({ type: 'selectModel', modelId: model.aione!.id });
    await chat().post({ type: 'send', text: 'Still there?' });
    assert.equal(lastAnswer().status, 'done');
  });

  it('keeps model keys out of settings, the webview HTML and the history files', async () => {
    const settings = JSON.stringify(vscode.workspace.getConfiguration('aiGateway').inspect('connections') ?? {});
    const dir = chat().historyDir;
    let files = '';
    for (const [n] of await vscode.workspace.fs.readDirectory(dir)) {
      files += new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(dir, n)));
    }
    for (const secret of [sim.aione.modelKey, sim.aihubmix.modelKey.replace(/^sk-/, '')]) {
      assert.ok(!settings.includes(secret));
      assert.ok(!files.includes(secret));
      assert.ok(!(chat().html() ?? '').includes(secret));
    }
  });
});
