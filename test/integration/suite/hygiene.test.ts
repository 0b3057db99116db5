/**
 * Secret hygiene, inside a real VS Code against the simulator: a scripted session through every feature — add both
 * connections and test them, list / page / view / create / rotate / copy keys, the models tree, both dashboards and
 * their CSV / JSON / Markdown exports, a chat on each gateway with a model key and both history exports, failures
 * whose server bodies echo the secrets back, and the removal of both connections — then no admin token and no full
 * model key the simulator issued may appear in: the user settings.json or any aiGateway setting, globalState, the
 * extension's log files, any message the host posted to a webview (or the HTML it set), the chat history files, the
 * exported files and copied Markdown, and every text shown to the user (notifications, tree rows, dashboard
 * sections, chat errors, key details, the key flows' messages). Copying a key on request is the one place a full key
 * may go (the clipboard), and the test checks it went there.
 *
 * Observed through the real VS Code API the extension uses (the API object is shared by the extension and this
 * suite: both live in the extension's folder): createWebviewPanel is wrapped so every postMessage and html is
 * recorded, and the notification functions are wrapped so every text shown is recorded (and modal confirmations
 * answered).
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { AiGatewayTestApi } from '../../../src/extension';
import type {
  InputStep,
  PickStep,
  ProgressWhere,
  Prompter,
  SecretPanel,
  StepResult,
} from '../../../src/platform/prompter';
import type { KeysNode, MessageNode } from '../../../src/features/keys/nodes';
import { startSimulator, type Simulator } from '../../simulator/index';
import { testApi } from './fixture';

type Kind = 'aione' | 'aihubmix';

/** Answers every step with its default (a fresh name where a name is asked), confirms with the first action. */
class DefaultsPrompter implements Prompter {
  readonly texts: string[] = [];
  readonly secretsShown: string[] = [];
  constructor(private readonly name: string) {}
  async input(step: InputStep): Promise<StepResult<string>> {
    this.texts.push(step.title, step.prompt);
    const value = step.id === 'name' ? this.name : step.value;
    const msg = step.validate(value);
    if (msg) throw new Error(`step ${step.id} refused "${value}": ${msg}`);
    return { kind: 'value', value };
  }
  async pick(step: PickStep): Promise<StepResult<readonly string[]>> {
    this.texts.push(
      step.title,
      step.placeholder,
      ...step.items.map((i) => `${i.label} ${i.description ?? ''} ${i.detail ?? ''}`),
    );
    const picked = step.items.filter((i) => i.picked).map((i) => i.id);
    return { kind: 'value', value: step.canPickMany ? picked : [picked[0] ?? (step.items[0] as { id: string }).id] };
  }
  async confirm(message: string, detail: string | undefined, actions: readonly string[]): Promise<string | undefined> {
    this.texts.push(message, detail ?? '');
    return actions[0];
  }
  /** A new key is shown on purpose in its own panel: the one place allowed to hold it (its title does not). */
  async showSecret(panel: SecretPanel): Promise<void> {
    this.secretsShown.push(panel.secret);
    this.texts.push(panel.title);
  }
  info(message: string): void {
    this.texts.push(message);
  }
  warn(message: string): void {
    this.texts.push(message);
  }
  async ask(message: string): Promise<string | undefined> {
    this.texts.push(message);
    return undefined;
  }
  async error(message: string): Promise<string | undefined> {
    this.texts.push(message);
    return undefined;
  }
  progress<T>(title: string, _where: ProgressWhere, task: (signal: AbortSignal) => Promise<T>): Promise<T> {
    this.texts.push(title);
    return task(new AbortController().signal);
  }
}

interface Captured {
  /** Everything the host posted to a webview, and every html it set, serialised. */
  webview: string[];
  panels: number;
  /** Every notification text (information / warning / error, modal or not, with its detail and items). */
  shown: string[];
}

/** Wraps the API functions the extension shows things through; returns the record and a restore function. */
function capture(): { captured: Captured; restore: () => void } {
  const captured: Captured = { webview: [], panels: 0, shown: [] };
  const w = vscode.window as unknown as Record<string, unknown>;
  const originals = new Map<string, unknown>();
  const wrap = (name: string, fn: (original: (...a: unknown[]) => unknown) => (...a: unknown[]) => unknown): void => {
    const original = w[name] as (...a: unknown[]) => unknown;
    originals.set(name, original);
    w[name] = fn(original);
  };
  wrap('createWebviewPanel', (original) => (...args: unknown[]) => {
    const panel = original(...args) as vscode.WebviewPanel;
    captured.panels++;
    const webview = panel.webview;
    const post = webview.postMessage.bind(webview);
    (webview as { postMessage: (m: unknown) => Thenable<boolean> }).postMessage = (m: unknown) => {
      captured.webview.push(JSON.stringify(m));
      return post(m);
    };
    const proto = Object.getPrototypeOf(webview) as object;
    const desc = Object.getOwnPropertyDescriptor(proto, 'html');
    if (desc?.set && desc.get) {
      Object.defineProperty(webview, 'html', {
        configurable: true,
        get: () => desc.get?.call(webview) as string,
        set: (v: string) => {
          captured.webview.push(v);
          desc.set?.call(webview, v);
        },
      });
    }
    return panel;
  });
  for (const name of ['showInformationMessage', 'showWarningMessage', 'showErrorMessage']) {
    wrap(name, (original) => (...args: unknown[]) => {
      const [message, ...rest] = args;
      const options =
        typeof rest[0] === 'object' && rest[0] !== null && !('title' in rest[0])
          ? (rest[0] as vscode.MessageOptions)
          : undefined;
      const items = rest.filter((x) => typeof x === 'string' || (typeof x === 'object' && x !== null && 'title' in x));
      captured.shown.push(
        [
          String(message),
          options?.detail ?? '',
          ...items.map((i) => (typeof i === 'string' ? i : (i as { title: string }).title)),
        ].join(' | '),
      );
      // a modal question is answered with its first action (Remove…); a toast is shown as usual
      if (options?.modal) return Promise.resolve(items[0]);
      return original(...args);
    });
  }
  return {
    captured,
    restore: () => {
      for (const [name, fn] of originals) w[name] = fn;
    },
  };
}

function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true })
    .map((f) => path.join(dir, String(f)))
    .filter((f) => fs.statSync(f).isFile());
}

async function waitFor<T>(
  what: string,
  fn: () => T | undefined | false | Promise<T | undefined | false>,
  ms = 20000,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('Secret hygiene after a session through every feature (real VS Code, simulator)', function () {
  this.timeout(180_000);
  let api: AiGatewayTestApi;
  let sim: Simulator;
  let cap: ReturnType<typeof capture>;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'agc-hygiene-'));
  const conn: Record<Kind, string> = { aione: '', aihubmix: '' };
  /** Every secret the simulator issued during the session (collected before anything is deleted). */
  const secrets = new Set<string>();
  const exported: string[] = [];
  const copiedToClipboard: string[] = [];
  const shownTexts: string[] = [];
  const prompterTexts: string[] = [];

  const collectSecrets = async (): Promise<void> => {
    secrets.add(sim.aione.adminToken);
    secrets.add(sim.aihubmix.accessToken);
    secrets.add(sim.aione.modelKey);
    secrets.add(sim.aihubmix.modelKey);
    for (const kind of ['aione', 'aihubmix'] as const) {
      const res = await fetch(`${kind === 'aione' ? sim.aione.url : sim.aihubmix.url}/__sim/keys?gateway=${kind}`);
      const items = ((await res.json()) as { items: Array<Record<string, unknown>> }).items;
      for (const k of items) {
        if (kind === 'aione') {
          secrets.add(String(k.secret));
          for (const p of (k.previousSecrets as Array<{ secret: string }> | undefined) ?? []) secrets.add(p.secret);
        } else {
          secrets.add(`sk-${String(k.key)}`);
          secrets.add(String(k.key)); // the wire form, without sk-
        }
      }
    }
  };

  /** The places that hold a secret: where, and the first characters of the text around it. */
  const leaks = (where: string, texts: readonly string[]): string[] => {
    const out: string[] = [];
    for (const t of texts) {
      for (const s of secrets) {
        const at = t.indexOf(s);
        if (at >= 0)
          out.push(
            `${where}: …${t.slice(Math.max(0, at - 60), at)}<SECRET …${s.slice(-4)}>${t.slice(at + s.length, at + s.length + 30)}…`,
          );
      }
    }
    return out;
  };

  const children = async (id: string): Promise<KeysNode[]> => {
    const node = api.keysView.connectionNode(id);
    assert.ok(node);
    return api.keysView.getChildren(node);
  };
  const treeTexts = async (id: string): Promise<void> => {
    for (const n of await children(id)) {
      const item = api.keysView.getTreeItem(n);
      const resolved = api.keysView.resolveTreeItem(item, n);
      const tip = resolved.tooltip;
      shownTexts.push(
        `${typeof item.label === 'string' ? item.label : (item.label?.label ?? '')} ${String(item.description ?? '')} ${typeof tip === 'string' ? tip : (tip?.value ?? '')}`,
      );
    }
  };

  before(async () => {
    api = await testApi();
    // panels opened by earlier suites were created before the capture: start from none
    if (api.chat.isOpen) {
      api.chat.close();
      await api.chat.whenClosed();
    }
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    cap = capture();
    sim = await startSimulator({ host: '127.0.0.1', seed: 23, keyCount: 30, streamTokensPerSecond: 0 });
    api.keyCopying.clipboard = {
      writeText: async (t: string) => {
        copiedToClipboard.push(t);
      },
      readText: async () => '',
    } as vscode.Clipboard;
    api.keyActions.confirm = async () => true;
  });

  after(async () => {
    cap?.restore();
    api.keyCopying.clipboard = vscode.env.clipboard;
    api.dashboard.setExportTarget(undefined);
    api.chat.answerDialogs(undefined);
    for (const id of Object.values(conn)) if (id && api.connections.get(id)) await api.connections.remove(id);
    await sim?.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('runs the session: connections, keys, models, dashboards, chat, failures, removal', async () => {
    // --- connections
    for (const kind of ['aione', 'aihubmix'] as const) {
      const p = await api.connections.add(
        { kind, label: `Hygiene ${kind}`, baseUrl: kind === 'aione' ? sim.aione.url : sim.aihubmix.url },
        kind === 'aione' ? sim.aione.adminToken : sim.aihubmix.accessToken,
      );
      conn[kind] = p.id;
      await vscode.commands.executeCommand('aiGateway.testConnection', { connectionId: p.id });
    }

    // --- keys: list, page, details, create, rotate, copy, snippet
    for (const kind of ['aione', 'aihubmix'] as const) {
      const id = conn[kind];
      await children(id);
      await api.keysView.settled(id);
      await api.keysView.loadMore(id);
      await treeTexts(id);
      const first = api.keysView.loadedKeys(id).find((k) => k.status === 'active');
      assert.ok(first, 'an active key');
      const details = await api.keyActions.showDetails({ connectionId: id, keyId: first.id });
      shownTexts.push(details.document.getText());

      const creator = new DefaultsPrompter(`hygiene-${kind}-${Date.now() % 100000}`);
      const d1 = api.usePrompter(creator);
      try {
        await vscode.commands.executeCommand('aiGateway.createKey', { connectionId: id });
      } finally {
        d1.dispose();
      }
      assert.equal(creator.secretsShown.length, 1, 'the new key was shown once');
      prompterTexts.push(...creator.texts);
      await collectSecrets();

      const res = await fetch(`${kind === 'aione' ? sim.aione.url : sim.aihubmix.url}/__sim/keys?gateway=${kind}`);
      const stored = ((await res.json()) as { items: Array<{ id: string | number; name: string }> }).items;
      const created = stored.find((k) => k.name.startsWith(`hygiene-${kind}`));
      assert.ok(created, 'the gateway holds the created key');
      const rotator = new DefaultsPrompter('unused');
      const d2 = api.usePrompter(rotator);
      try {
        await vscode.commands.executeCommand('aiGateway.rotateKey', { connectionId: id, keyId: String(created.id) });
      } finally {
        d2.dispose();
      }
      prompterTexts.push(...rotator.texts);
      await collectSecrets();

      if (kind === 'aihubmix') {
        // AIHubMix lists full keys: copying one (on request) is where a full key may go
        await api.keyCopying.copyKey({ connectionId: id, keyId: first.id });
        assert.ok(
          copiedToClipboard.some((t) => t.startsWith('sk-')),
          'the full key went to the clipboard, as asked',
        );
        await api.keyCopying.copySnippet({ connectionId: id, keyId: first.id }, 'curl');
      }
      await treeTexts(id);
    }

    // --- models
    for (const id of Object.values(conn)) {
      const roots = await api.models.getChildren();
      for (const r of roots) for (const v of await api.models.getChildren(r)) await api.models.getChildren(v);
      void id;
    }

    // --- dashboards and their exports
    let n = 0;
    api.dashboard.setExportTarget({
      pick: async (format) => vscode.Uri.file(path.join(tmp, `dashboard-${++n}.${format}`)),
      copy: async (t) => {
        exported.push(t);
      },
    });
    for (const id of Object.values(conn)) {
      await api.dashboard.open(id);
      for (const format of ['csv', 'json', 'markdown'] as const)
        await api.dashboard.post(id, { type: 'export', format });
    }

    // --- chat on both gateways, then both history exports
    const key: Record<Kind, { secret: string } | { keyId: string }> = {
      aione: { secret: sim.aione.modelKey },
      aihubmix: { keyId: String(sim.state.aihubmix.modelTokenId) },
    };
    for (const kind of ['aione', 'aihubmix'] as const) {
      await api.chat.open({ connectionId: conn[kind], modelId: 'gpt-4.1' });
      await waitFor('the chat webview', () => api.chat.readyCount() > 0);
      await api.chat.useKey(conn[kind], key[kind]);
      await api.chat.post({ type: 'send', text: 'Say hello in one line' });
      await api.chat.whenIdle();
      const last = api.chat.conversation().turns.at(-1);
      assert.equal(last?.role, 'assistant');
      assert.ok((last?.content ?? '').length > 0, 'an answer arrived');
      for (const format of ['markdown', 'json'] as const) {
        const target = vscode.Uri.file(path.join(tmp, `chat-${kind}.${format === 'json' ? 'json' : 'md'}`));
        api.chat.answerDialogs({ save: target });
        const written = await api.chat.exportConversation(undefined, format);
        assert.ok(written, 'the conversation was exported');
      }
      api.chat.answerDialogs(undefined);
    }

    // --- failures whose bodies echo the secrets back: the tree, a dashboard section, a chat answer
    const echo = `token ${sim.aione.adminToken} / key ${sim.aione.modelKey} / hub ${sim.aihubmix.accessToken}`;
    sim.faults.add({
      gateway: 'aione',
      method: 'GET',
      path: '/api/v1/gateway/keys',
      times: 1,
      fault: { kind: 'status', status: 401, body: { detail: `Invalid authentication credentials: ${echo}` } },
    });
    sim.faults.add({
      gateway: 'aihubmix',
      method: 'GET',
      path: '/api/token/',
      times: 1,
      fault: { kind: 'status', status: 200, body: { success: false, message: `无权进行此操作 ${echo}` } },
    });
    for (const id of Object.values(conn)) {
      api.keysView.refreshConnection(id);
      await children(id);
      await api.keysView.settled(id);
      const msg = (await children(id)).find((x): x is MessageNode => x.type === 'message');
      assert.ok(msg, 'the failure is shown in the tree');
      shownTexts.push(msg.message);
      await treeTexts(id);
    }
    sim.faults.add({
      gateway: 'aione',
      method: 'GET',
      path: '/api/v1/billing/plan',
      times: Infinity,
      fault: { kind: 'status', status: 500, body: { detail: `upstream said ${echo}` } },
    });
    await api.dashboard.post(conn.aione, { type: 'retry', section: 'plan' });
    const plan = api.dashboard.state(conn.aione)?.sections.plan;
    assert.equal(plan?.status, 'error', 'the plan section shows the failure');
    sim.faults.clear();
    await api.chat.open({ connectionId: conn.aione, modelId: 'gpt-4.1' });
    await api.chat.useKey(conn.aione, key.aione);
    sim.faults.add({
      gateway: 'aione',
      method: 'POST',
      path: '/v1/chat/completions',
      times: 1,
      fault: {
        kind: 'status',
        status: 401,
        body: {
          error: {
            message: `Incorrect API key provided: ${sim.aione.modelKey}`,
            type: 'authentication_error',
            code: 'invalid_api_key',
          },
        },
      },
    });
    await api.chat.post({ type: 'send', text: 'This one fails' });
    await api.chat.whenIdle();
    const failed = api.chat.conversation().turns.at(-1) as { status?: string; error?: string } | undefined;
    assert.equal(failed?.status, 'error', 'the chat shows the failure');
    shownTexts.push(failed?.error ?? '');

    // --- what the panels hold, then close them (their state is saved as they close)
    for (const id of Object.values(conn)) {
      const st = api.dashboard.state(id);
      if (st) shownTexts.push(JSON.stringify(st.sections), st.html);
    }
    shownTexts.push(api.chat.html() ?? '', JSON.stringify(api.chat.conversation()));
    api.chat.close();
    await api.chat.whenClosed();
    for (const id of Object.values(conn)) api.dashboard.close(id);

    // --- remove both connections (the modal confirmation is answered "Remove")
    await collectSecrets();
    for (const id of Object.values(conn)) {
      await vscode.commands.executeCommand('aiGateway.removeConnection', { connectionId: id });
      assert.equal(api.connections.get(id), undefined, 'removed');
    }
    assert.ok(cap.captured.panels >= 2, `the webview panels were observed (${cap.captured.panels})`);
    assert.ok(
      cap.captured.webview.length > 10,
      `the host's webview messages were observed (${cap.captured.webview.length})`,
    );
    assert.ok(secrets.size >= 60, `the secrets issued are known (${secrets.size})`);
  });

  it('no secret in user settings.json nor in any aiGateway setting', () => {
    const ud = process.env.AGC_USER_DATA_DIR;
    assert.ok(ud, 'AGC_USER_DATA_DIR');
    const file = path.join(ud, 'User', 'settings.json');
    const texts = [JSON.stringify(vscode.workspace.getConfiguration('aiGateway'))];
    if (fs.existsSync(file)) texts.push(fs.readFileSync(file, 'utf8'));
    assert.deepEqual(leaks('settings', texts), []);
  });

  it('no secret in globalState', () => {
    const gs = api.globalState;
    const texts = gs.keys().map((k) => `${k}=${JSON.stringify(gs.get(k))}`);
    assert.ok(texts.length > 0, 'globalState holds something (the test reads the right store)');
    assert.deepEqual(leaks('globalState', texts), []);
  });

  it("no secret in the extension's log files", async () => {
    await new Promise((r) => setTimeout(r, 1500)); // the log channel writes to disk asynchronously
    const roots = [api.logUri.fsPath, path.dirname(api.logUri.fsPath)];
    const files = [...new Set(roots.flatMap(filesUnder))].filter((f) => /\.log$/.test(f));
    assert.ok(files.length > 0, 'log files exist');
    assert.deepEqual(
      leaks(
        'log',
        files.map((f) => fs.readFileSync(f, 'utf8')),
      ),
      [],
    );
  });

  it('no secret in any message the host posted to a webview, nor in the HTML it set', () => {
    assert.deepEqual(leaks('webview', cap.captured.webview), []);
  });

  it('no secret in the exported files, the copied Markdown or the chat history files', () => {
    const files = filesUnder(tmp);
    assert.ok(files.length >= 8, `the exports were written (${files.length})`);
    const history = filesUnder(api.chat.historyDir.fsPath);
    assert.deepEqual(leaks('exports', [...files.map((f) => fs.readFileSync(f, 'utf8')), ...exported]), []);
    assert.deepEqual(
      leaks(
        'chat history',
        history.map((f) => fs.readFileSync(f, 'utf8')),
      ),
      [],
    );
  });

  it('no secret in any text shown: notifications, tree rows and tooltips, dashboard sections, chat errors, key details, key flows', () => {
    assert.ok(cap.captured.shown.length > 0, 'notifications were observed');
    assert.deepEqual(leaks('shown', [...cap.captured.shown, ...shownTexts, ...prompterTexts]), []);
  });
});
