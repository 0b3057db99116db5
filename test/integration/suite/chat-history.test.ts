/**
 * Chat history actions in a real VS Code against the in-process simulator: export to JSON and Markdown through the
 * real commands (the save dialog answered with a target path), import of that JSON (a fresh id when the id is
 * taken; the same messages, roles, model, usage and cost), rename / delete / search changing what is on disk and
 * listed, and an invalid import file refused with nothing written.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ModelInfo } from '../../../src/core/types';
import type { AiGatewayTestApi } from '../../../src/extension';
import type { Simulator } from '../../simulator/index';
import { openSimulator, type SimulatorFixture } from './fixture';

describe('Chat history: rename, delete, search, export and import (real VS Code, simulator)', function () {
  this.timeout(120000);
  let api: AiGatewayTestApi;
  let sim: Simulator;
  let fx: SimulatorFixture | undefined;
  let connId = '';
  let model: ModelInfo | undefined;
  let tmp = '';
  let originalId = '';
  let importedId = '';

  const chat = () => api.chat;
  const readSaved = async (id: string) =>
    JSON.parse(
      new TextDecoder().decode(
        await vscode.workspace.fs.readFile(vscode.Uri.joinPath(chat().historyDir, `${id}.json`)),
      ),
    ) as { id: string; title: string };
  const savedNames = async () => (await vscode.workspace.fs.readDirectory(chat().historyDir)).map(([n]) => n).sort();
  const exists = async (id: string) =>
    vscode.workspace.fs.stat(vscode.Uri.joinPath(chat().historyDir, `${id}.json`)).then(
      () => true,
      () => false,
    );

  before(async () => {
    fx = await openSimulator({ seed: 5 });
    ({ api, sim } = fx);
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'agc-chat-history-'));
    connId = await fx.add('aione', 'History AIone');
    model = (await api.connections.gateway(connId).listModels()).find(
      (m) => m.price?.inputPerMTok && m.price.outputPerMTok,
    );
    assert.ok(model, 'a priced model');
    await chat().useKey(connId, { secret: sim.aione.modelKey, label: 'pasted' });
    await chat().open();
    await chat().post({ type: 'newConversation' });
    await chat().post({ type: 'selectConnection', connectionId: connId });
    await chat().post({ type: 'selectModel', modelId: model.id });
    await chat().post({ type: 'updateSettings', systemPrompt: 'Be brief.', temperature: 0.5, maxTokens: 400 });
    await chat().post({ type: 'send', text: 'Explain quokka marmalade with code' });
    await chat().post({ type: 'send', text: 'And once more please' });
    const c = chat().conversation();
    assert.equal(c.turns.length, 4);
    assert.equal(c.turns[1]!.status, 'done', c.turns[1]!.error);
    originalId = c.id;
  });

  after(async () => {
    chat()?.answerDialogs(undefined);
    // the settings carry over to new conversations: leave them as the other suites expect them
    await chat()?.post({ type: 'updateSettings', systemPrompt: '', temperature: null, maxTokens: null });
    assert.equal(chat()?.conversation().systemPrompt, '');
    chat()?.close();
    await chat()?.whenClosed();
    await fx?.close();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('export to JSON then import round-trips (same messages, roles, model, usage and cost) under a fresh id; no key in the file', async () => {
    const original = chat().conversation();
    const target = vscode.Uri.file(path.join(tmp, 'conv.json'));
    chat().answerDialogs({ save: target });
    const written = await chat().exportConversation(undefined, 'json'); // the open conversation
    assert.equal(written?.fsPath, target.fsPath);
    const text = fs.readFileSync(target.fsPath, 'utf8');
    assert.ok(
      !text.includes(sim.aione.modelKey) && !text.includes(sim.aione.adminToken),
      'no key or token in the export',
    );
    assert.equal((JSON.parse(text) as { version: number }).version, 1);

    chat().answerDialogs({ open: target });
    const before = await savedNames();
    const id = await vscode.commands.executeCommand<string | undefined>('aiGateway.importConversation');
    assert.ok(id && id !== original.id, 'the id was taken: a fresh one');
    importedId = id;
    assert.deepEqual(await savedNames(), [...before, `${id}.json`].sort(), 'exactly one new file');
    assert.ok(
      (await chat().listHistory()).some((s) => s.id === id),
      'listed',
    );
    const onDisk = (await readSaved(id)) as unknown as typeof original;
    assert.equal(onDisk.id, id);
    assert.deepEqual(onDisk.turns, original.turns, 'same messages, roles, models, usage and cost');
    assert.ok(onDisk.turns[1]!.usage && onDisk.turns[1]!.cost, 'usage and cost carried');
    assert.equal(onDisk.modelId, original.modelId);
    assert.equal(onDisk.systemPrompt, 'Be brief.');
    assert.equal(onDisk.temperature, 0.5);
    assert.equal(onDisk.maxTokens, 400);
    assert.equal(onDisk.title, original.title);
    // it opens in the panel like any saved conversation
    assert.equal(await chat().openConversation(id), true);
    assert.deepEqual(chat().conversation().turns, original.turns);
    assert.equal(await chat().openConversation(originalId), true);
  });

  it('the export confirmation offers Open, which opens the written file in an editor', async () => {
    const target = vscode.Uri.file(path.join(tmp, 'opened.md'));
    chat().answerDialogs({ save: target, afterExport: 'open' });
    const opened = new Promise<vscode.TextEditor>((resolve) => {
      const sub = vscode.window.onDidChangeActiveTextEditor((e) => {
        if (e?.document.uri.fsPath === target.fsPath) {
          sub.dispose();
          resolve(e);
        }
      });
    });
    assert.equal((await chat().exportConversation(originalId, 'markdown'))?.fsPath, target.fsPath);
    const editor = await opened;
    assert.equal(editor.document.getText(), fs.readFileSync(target.fsPath, 'utf8'));
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    chat().answerDialogs(undefined);
  });

  it('export to Markdown holds every message and its code blocks', async () => {
    const target = vscode.Uri.file(path.join(tmp, 'conv.md'));
    chat().answerDialogs({ save: target });
    const written = await chat().exportConversation(originalId, 'markdown');
    assert.equal(written?.fsPath, target.fsPath);
    const md = fs.readFileSync(target.fsPath, 'utf8');
    const c = chat().conversation();
    for (const t of c.turns) assert.ok(md.includes(t.content.trim()), `the message ${t.id} is in the Markdown`);
    const fences = c.turns[1]!.content.match(/^```/gm) ?? [];
    assert.ok(fences.length >= 2, 'the answer has a code block');
    assert.ok((md.match(/^```/gm) ?? []).length >= fences.length, 'code blocks kept');
    assert.match(md, new RegExp(`^# ${c.title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`, 'm'));
    assert.ok(md.includes(model!.id), 'the model is named');
    assert.ok(!md.includes(sim.aione.modelKey));
  });

  it('rename changes the title on disk and in the list; search matches titles and message text', async () => {
    chat().answerDialogs({ title: 'Renamed zebra notes' });
    const ok = await vscode.commands.executeCommand<boolean>('aiGateway.renameConversation', {
      conversationId: importedId,
    });
    assert.equal(ok, true);
    assert.equal((await readSaved(importedId)).title, 'Renamed zebra notes');
    assert.equal((await chat().listHistory()).find((s) => s.id === importedId)?.title, 'Renamed zebra notes');
    // the open conversation: renamed in memory too, and saved
    chat().answerDialogs({ title: 'Original quokka' });
    assert.equal(
      await vscode.commands.executeCommand<boolean>('aiGateway.renameConversation', { conversationId: originalId }),
      true,
    );
    assert.equal(chat().conversation().title, 'Original quokka');
    assert.equal((await readSaved(originalId)).title, 'Original quokka');

    assert.deepEqual(await chat().searchHistory('zebra'), [importedId], 'by title');
    assert.deepEqual((await chat().searchHistory('ZEBRA renamed')).length, 1, 'case-insensitive, every word');
    const byText = await chat().searchHistory('marmalade');
    assert.ok(byText.includes(importedId) && byText.includes(originalId), 'by message text');
    assert.deepEqual(await chat().searchHistory('marmalade zebra'), [importedId]);
    assert.deepEqual(await chat().searchHistory('no-such-word-anywhere'), []);
    // the search quick pick shows the line of the hit, the hit marked, not the whole message
    const details = await chat().searchDetails('marmalade');
    assert.deepEqual(details.map((d) => d.id).sort(), [importedId, originalId].sort());
    for (const d of details) {
      assert.match(d.detail, /^You: .*«marmalade»/, d.detail);
      assert.ok(d.detail.length < 140, d.detail);
    }
  });

  it('delete asks first (declined: nothing changes) and then removes the file; the open conversation is dropped, not re-saved', async () => {
    chat().answerDialogs({ confirm: false });
    assert.equal(
      await vscode.commands.executeCommand<boolean>('aiGateway.deleteConversation', { conversationId: importedId }),
      false,
    );
    assert.ok(await exists(importedId), 'declined: still there');

    chat().answerDialogs({ confirm: true });
    assert.equal(
      await vscode.commands.executeCommand<boolean>('aiGateway.deleteConversation', { conversationId: importedId }),
      true,
    );
    assert.equal(await exists(importedId), false);
    assert.ok(!(await chat().listHistory()).some((s) => s.id === importedId), 'no longer listed');

    assert.equal(chat().conversation().id, originalId);
    assert.equal(
      await vscode.commands.executeCommand<boolean>('aiGateway.deleteConversation', { conversationId: originalId }),
      true,
    );
    assert.notEqual(chat().conversation().id, originalId, 'the panel moved to a new conversation');
    assert.equal(chat().conversation().turns.length, 0);
    chat().close();
    await chat().whenClosed();
    assert.equal(await exists(originalId), false, 'not written again on close');
    assert.ok(!(await chat().listHistory()).some((s) => s.id === originalId));
  });

  it('an invalid import file is refused with a clear sentence and nothing is written', async () => {
    const bad = path.join(tmp, 'bad.json');
    const wrong = path.join(tmp, 'wrong.json');
    const wrongVersion = path.join(tmp, 'v2.json');
    fs.writeFileSync(bad, '{"version":1,"id":"x","turns":[{"ro');
    fs.writeFileSync(
      wrong,
      JSON.stringify({
        version: 1,
        id: 'ok-id',
        title: 't',
        createdAt: 'x',
        updatedAt: 'x',
        turns: [{ id: 't1', role: 'system', content: 'hi', createdAt: 'x' }],
      }),
    );
    fs.writeFileSync(
      wrongVersion,
      JSON.stringify({ version: 2, id: 'v2', title: 't', createdAt: 'x', updatedAt: 'x', turns: [] }),
    );
    await vscode.workspace.fs.createDirectory(chat().historyDir);
    for (const [file, sentence] of [
      [bad, /is not valid JSON; nothing was imported\./],
      [wrong, /is not a conversation exported by AI Gateway Console \(turns\.0\.role: .+\); nothing was imported\./],
      [wrongVersion, /is not a conversation exported by AI Gateway Console \(version: .+\); nothing was imported\./],
    ] as const) {
      const before = await savedNames();
      const noticesBefore = chat().notices().length;
      chat().answerDialogs({ open: vscode.Uri.file(file) });
      const id = await vscode.commands.executeCommand<string | undefined>('aiGateway.importConversation');
      assert.equal(id, undefined);
      assert.deepEqual(await savedNames(), before, `nothing written for ${path.basename(file)}`);
      const said = chat().notices().slice(noticesBefore);
      assert.equal(said.length, 1);
      assert.match(said[0]!, sentence);
      assert.ok(said[0]!.includes(file), 'names the file');
    }
  });
});
