/**
 * The chat webview boundary in a real VS Code against the simulator: what the webview asks for is checked on the
 * host, whatever the webview's own code would or would not send.
 *  - One paid request at a time per conversation: two back-to-back regenerate / send / edit messages delivered
 *    through the panel's message handler make the simulator receive exactly one chat request; the second is refused
 *    and the webview is told.
 *  - Links: a public http(s) link opens at once; a loopback, private, user-info or punycode link only after a
 *    confirmation that names the real destination; any other scheme never opens.
 *  - "+ File" attaches only what the user picks on the host; a message carrying a path is dropped.
 *  - Insert at Cursor goes only into the visible editor the user came from (never a new editor group) and asks
 *    first for files that configure tools or run code.
 *  - A fence language of `__proto__`, `constructor` or `toString` opens in an editor as plain text.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ModelInfo } from '../../../src/core/types';
import type { AiGatewayTestApi } from '../../../src/extension';
import type { PanelDialogLog } from '../../../src/features/chat/testApi';
import type { LinkReview } from '../../../src/features/chat/guards';
import type { Simulator } from '../../simulator/index';
import { openSimulator, type SimulatorFixture, waitFor } from './fixture';

describe('Chat webview boundary (real VS Code, simulator)', function () {
  this.timeout(120000);
  let api: AiGatewayTestApi;
  let sim: Simulator;
  let fx: SimulatorFixture | undefined;
  let conn = '';
  let model: ModelInfo | undefined;
  let dir = '';
  const chat = () => api.chat;
  const chatRequests = () =>
    sim.requests.filter((r) => r.gateway === 'aione' && r.path.endsWith('/chat/completions')).length;

  async function freshConversation(): Promise<void> {
    await chat().post({ type: 'newConversation' });
    await chat().post({ type: 'selectConnection', connectionId: conn });
    await chat().post({ type: 'selectModel', modelId: model!.id });
  }

  async function fileDoc(rel: string, content: string): Promise<vscode.TextDocument> {
    const file = path.join(dir, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
    return vscode.workspace.openTextDocument(vscode.Uri.file(file));
  }

  async function closeAll(docs: vscode.TextDocument[]): Promise<void> {
    for (const d of docs) {
      if (d.isClosed) continue;
      await vscode.window.showTextDocument(d);
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    }
  }

  before(async () => {
    fx = await openSimulator({ seed: 5 });
    ({ api, sim } = fx);
    conn = await fx.add('aione', 'Boundary AIone');
    model = (await api.connections.gateway(conn).listModels()).find((m) => m.price?.inputPerMTok);
    assert.ok(model);
    await chat().useKey(conn, { secret: sim.aione.modelKey, label: 'pasted' });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'agc-boundary-'));
    await chat().open();
  });

  after(async () => {
    chat()?.answerPanelDialogs(undefined);
    chat()?.close();
    await chat()?.whenClosed();
    await fx?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('two back-to-back Regenerate messages start one paid stream; the second is refused and the webview told', async () => {
    await freshConversation();
    await chat().post({ type: 'send', text: 'first question' });
    assert.equal(chat().conversation().turns[1]?.status, 'done');
    const before = chatRequests();
    const refused = chat().counters().refused;
    const answerBefore = chat().conversation().turns[1]!.id;
    await Promise.all([chat().post({ type: 'regenerate' }), chat().post({ type: 'regenerate' })]);
    assert.equal(chatRequests() - before, 1, 'the simulator received exactly one chat request');
    assert.equal(chat().counters().refused - refused, 1, 'the second was refused and the webview told');
    const c = chat().conversation();
    assert.equal(c.turns.length, 2);
    assert.equal(c.turns[1]!.id, answerBefore, 'the same turn');
    assert.equal(c.turns[1]!.variants?.length, 1, 'the answer was regenerated once: two answers');
    assert.equal(c.turns[1]!.status, 'done');
    assert.equal(chat().busy, false);
  });

  it('two quick sends, and an edit-and-resend during a regenerate, each start one stream', async () => {
    await freshConversation();
    let before = chatRequests();
    await Promise.all([
      chat().post({ type: 'send', text: 'question A' }),
      chat().post({ type: 'send', text: 'question B' }),
    ]);
    assert.equal(chatRequests() - before, 1);
    let c = chat().conversation();
    assert.deepEqual(
      c.turns.map((t) => [t.role, t.role === 'user' ? t.content : t.status]),
      [
        ['user', 'question A'],
        ['assistant', 'done'],
      ],
    );

    before = chatRequests();
    const refused = chat().counters().refused;
    await Promise.all([
      chat().post({ type: 'regenerate' }),
      chat().post({ type: 'editLast', text: 'question A, edited' }),
    ]);
    assert.equal(chatRequests() - before, 1);
    assert.equal(chat().counters().refused - refused, 1);
    c = chat().conversation();
    assert.equal(c.turns.length, 2);
    assert.equal(c.turns[0]!.content, 'question A', 'the refused edit changed nothing');

    // while an answer streams, Stop then Regenerate: one stream stopped, one new; never two at once
    before = chatRequests();
    const long = chat().post({ type: 'send', text: 'Write a long answer please' });
    await waitFor('streaming', () => chat().busy && (chat().conversation().turns[3]?.content.length ?? 0) > 100);
    await chat().post({ type: 'regenerate' }); // refused: still streaming
    assert.equal(chatRequests() - before, 1);
    await chat().post({ type: 'stop' });
    await long;
    assert.equal(chat().conversation().turns[3]?.status, 'stopped');
  });

  it('links: public http(s) opens at once; loopback, private, user info and punycode ask with the real destination; other schemes never open', async () => {
    let log: PanelDialogLog = chat().answerPanelDialogs({ link: false });
    await chat().post({ type: 'openLink', url: 'https://example.com/docs?q=1' });
    assert.deepEqual(log.opened, ['https://example.com/docs?q=1']);
    assert.equal(log.links.length, 0, 'no question for a plain public link');

    for (const [url, host, concern] of [
      ['http://127.0.0.1:8080/admin', '127.0.0.1', 'loopback'],
      ['http://169.254.169.254/latest/meta-data/', '169.254.169.254', 'private-ip'],
      ['https://accounts.example.com@evil.test/login', 'evil.test', 'userinfo'],
      ['https://\u0430pple.com/', 'xn--pple-43d.com', 'punycode'],
      ['http://intranet/wiki', 'intranet', 'local-name'],
    ] as const) {
      const n: number = log.links.length;
      await chat().post({ type: 'openLink', url });
      assert.equal(log.links.length, n + 1, `${url} asked first`);
      const r: LinkReview = log.links[n]!;
      assert.equal(r.host, host);
      assert.ok(r.concerns.includes(concern), `${url}: ${r.concerns.join(', ')}`);
    }
    assert.equal(log.links[2]!.userinfo, 'accounts.example.com');
    assert.equal(log.links[3]!.unicodeHost, '\u0430pple.com');
    assert.ok(log.links[3]!.concerns.includes('mixed-script'));
    assert.deepEqual(log.opened, ['https://example.com/docs?q=1'], 'nothing declined was opened');

    log = chat().answerPanelDialogs({ link: true });
    await chat().post({ type: 'openLink', url: 'http://192.168.1.10/router' });
    assert.deepEqual(log.opened, ['http://192.168.1.10/router'], 'opened after the user said yes');
    for (const url of [
      'javascript:alert(1)',
      'file:///etc/passwd',
      'command:workbench.action.terminal.new',
      'vscode://file/etc/passwd',
      'data:text/html,x',
    ]) {
      await chat().post({ type: 'openLink', url });
    }
    assert.deepEqual(log.opened, ['http://192.168.1.10/router'], 'no other scheme opens, even with yes as the answer');
    assert.equal(log.links.length, 1, 'and none is even asked');
    assert.equal(log.infos.length, 5);
  });

  it('"+ File" attaches only what the user picks on the host; a message carrying a path is dropped', async () => {
    await freshConversation();
    const a = await fileDoc('attach/alpha.txt', 'alpha content\n');
    const b = await fileDoc('attach/beta.txt', 'beta content\n');
    await vscode.window.showTextDocument(b, { viewColumn: vscode.ViewColumn.Two, preview: false });
    await vscode.window.showTextDocument(a, { viewColumn: vscode.ViewColumn.Two, preview: false }); // the editor the user came from
    await chat().open();
    let log: PanelDialogLog = chat().answerPanelDialogs({
      pick: (choices) => choices.find((c) => c.label.endsWith('beta.txt'))?.uri,
    });
    await chat().post({ type: 'addContext', source: 'file' });
    assert.equal(log.picks.length, 1, 'the host showed the pick');
    const offered = log.picks[0]!;
    assert.ok(
      offered[0]!.label.endsWith('alpha.txt') && offered[0]!.note,
      'the editor the user came from is offered first',
    );
    assert.ok(offered.some((c) => c.label.endsWith('beta.txt')));
    let pending = chat().pendingContext();
    assert.equal(pending.length, 1);
    assert.match(pending[0]!.label, /beta\.txt$/, 'what the user picked, not the active editor');

    const dropped = chat().counters().dropped;
    await chat().post({ type: 'addContext', source: 'file', path: '/etc/passwd' });
    await chat().post({ type: 'addContext', source: 'file', uri: 'file:///etc/passwd' });
    assert.equal(chat().counters().dropped, dropped + 2, 'a message naming a file is dropped');
    assert.equal(log.picks.length, 1);

    log = chat().answerPanelDialogs({ pick: () => undefined });
    await chat().post({ type: 'addContext', source: 'file' });
    assert.equal(log.picks.length, 1);
    pending = chat().pendingContext();
    assert.equal(pending.length, 1, 'cancelling the pick attaches nothing');
    await chat().post({ type: 'removeContext', id: pending[0]!.id });
    await closeAll([a, b]);
  });

  it('Insert at Cursor: into the visible editor the user came from; a hidden one is refused (no new group); config files ask first', async () => {
    const src = await fileDoc('insert/main.ts', '// top\n');
    // visible beside the chat: inserted at its cursor
    const ed = await vscode.window.showTextDocument(src, vscode.ViewColumn.Two);
    ed.selection = new vscode.Selection(1, 0, 1, 0);
    await chat().open();
    let log: PanelDialogLog = chat().answerPanelDialogs({ insert: false });
    await chat().post({ type: 'insertCode', code: 'const inserted = 1;\n' });
    assert.equal(src.getText(), '// top\nconst inserted = 1;\n');
    assert.equal(log.inserts.length, 0, 'an ordinary file is not asked about');

    // hidden behind the chat in its own group: refused, nothing inserted, no editor group added
    await src.save();
    await vscode.window.showTextDocument(src, vscode.ViewColumn.Two);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    await vscode.window.showTextDocument(src, vscode.ViewColumn.One);
    await chat().open(); // the chat panel is in the same group: the editor is hidden
    await waitFor('the editor hidden', () => !vscode.window.visibleTextEditors.some((e) => e.document === src));
    const groups = vscode.window.tabGroups.all.length;
    await chat().post({ type: 'insertCode', code: 'const hidden = 2;\n' });
    assert.equal(src.getText(), '// top\nconst inserted = 1;\n', 'nothing inserted into a hidden editor');
    assert.equal(vscode.window.tabGroups.all.length, groups, 'no new editor group');
    assert.ok(
      log.infos.some((m) => m.includes('main.ts') && /not visible/.test(m)),
      log.infos.join(' | '),
    );

    // files that configure tools or run code: asked first, naming the file; declined → untouched, accepted → inserted
    for (const [rel, risk] of [
      ['.vscode/tasks.json', 'tasks'],
      ['package.json', 'package-scripts'],
      ['.github/workflows/ci.yml', 'ci'],
      ['.devcontainer/devcontainer.json', 'dev-container'],
    ] as const) {
      const doc = await fileDoc(`cfg/${rel}`, '{}\n');
      await vscode.window.showTextDocument(doc, vscode.ViewColumn.Two);
      await chat().open();
      log = chat().answerPanelDialogs({ insert: false });
      await chat().post({ type: 'insertCode', code: '"x": 1\n' });
      assert.deepEqual(
        log.inserts.map((i) => i.risk),
        [risk],
        rel,
      );
      assert.ok(log.inserts[0]!.file.endsWith(rel.split('/').pop()!), log.inserts[0]!.file);
      assert.equal(doc.getText(), '{}\n', `${rel}: declined, untouched`);
      log = chat().answerPanelDialogs({ insert: true });
      await chat().post({ type: 'insertCode', code: '"x": 1\n' });
      assert.equal(log.inserts.length, 1);
      assert.ok(doc.getText().includes('"x": 1'), `${rel}: inserted after yes`);
      assert.ok(doc.isDirty, 'inserted, never saved');
      await closeAll([doc]);
    }
    chat().answerPanelDialogs(undefined);
    await closeAll([src]);
  });

  it('a fence language of __proto__, constructor or toString opens in an editor as plain text', async () => {
    const opened = async (code: string, language: string): Promise<string> => {
      await chat().post({ type: 'openCode', code, language });
      // the document the block opened as (an editor of it may still be settling when the workbench is loaded)
      const doc = await waitFor(`the ${language} block in a document`, () =>
        vscode.workspace.textDocuments.find((d) => !d.isClosed && d.getText() === code),
      );
      const id = doc.languageId;
      await closeAll([doc]);
      return id;
    };
    for (const language of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
      assert.equal(await opened(`// fenced as ${language}\n`, language), 'plaintext', language);
    }
    assert.equal(await opened('x = 1\n', 'py'), 'python');
  });
});
