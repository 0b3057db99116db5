/**
 * The chat panel host: one WebviewPanel (revealed when already open), `retainContextWhenHidden: false` — when the
 * webview comes back it posts `ready` and gets the whole state from the host's conversation. Streamed text is
 * coalesced: at most one `delta` message per ~30 ms per stream.
 */
import * as vscode from 'vscode';
import type { IDisposable } from '../../platform/lifecycle';
import { Disposable, disposeAll } from '../../platform/lifecycle';
import type { Logger } from '../../platform/logger';
import { userMessage } from '../../platform/errors';
import { webviewHtml } from '../../webview/html';
import { type ChatInbound, type ChatOutbound, type ChatStateView, type TurnView, type UiStringKey, chatInboundSchema } from '../../webview/protocol';
import { MessageRouter } from '../../webview/router';
import type { ChatKeys } from './keys';
import { type ContextItem, conversationTotals, type Turn } from './model';
import type { ChatService } from './service';
import type { ConnectionStore } from '../../platform/connections';

export const CHAT_VIEW_TYPE = 'aiGateway.chat';
/** Streamed text is posted at most this often per stream. */
export const DELTA_INTERVAL_MS = 30;

export interface ChatPanelUi {
  /** The host-side reaction to "History…" (a quick pick). */
  showHistory(): Promise<void>;
}

function uiStrings(): Record<UiStringKey, string> {
  return {
    send: vscode.l10n.t('Send'),
    stop: vscode.l10n.t('Stop'),
    newChat: vscode.l10n.t('New Chat'),
    history: vscode.l10n.t('History…'),
    connection: vscode.l10n.t('Connection'),
    model: vscode.l10n.t('Model'),
    key: vscode.l10n.t('Key'),
    chooseKey: vscode.l10n.t('Choose a key…'),
    settings: vscode.l10n.t('Settings'),
    systemPrompt: vscode.l10n.t('System prompt'),
    temperature: vscode.l10n.t('Temperature'),
    maxTokens: vscode.l10n.t('Max tokens'),
    placeholder: vscode.l10n.t('Ask the model (Enter sends, Shift+Enter for a new line, Escape stops)'),
    jumpToLatest: vscode.l10n.t('Jump to latest'),
    stopped: vscode.l10n.t('Stopped'),
    you: vscode.l10n.t('You'),
    assistant: vscode.l10n.t('Assistant'),
    tokens: vscode.l10n.t('tokens'),
    cost: vscode.l10n.t('cost'),
    conversationTotal: vscode.l10n.t('Conversation'),
    loadingModels: vscode.l10n.t('Loading models…'),
    noConnection: vscode.l10n.t('Add a gateway connection first.'),
    refreshModels: vscode.l10n.t('Refresh models'),
    messages: vscode.l10n.t('Messages'),
    image: vscode.l10n.t('image'),
    thinking: vscode.l10n.t('Waiting for the answer…'),
    regenerate: vscode.l10n.t('Regenerate'),
    edit: vscode.l10n.t('Edit'),
    editing: vscode.l10n.t('Editing your last message: Enter sends it in place of the old one.'),
    cancelEdit: vscode.l10n.t('Cancel'),
    copy: vscode.l10n.t('Copy'),
    insert: vscode.l10n.t('Insert at Cursor'),
    openInEditor: vscode.l10n.t('Open in Editor'),
    copied: vscode.l10n.t('Copied'),
    addSelection: vscode.l10n.t('+ Selection'),
    addFile: vscode.l10n.t('+ File'),
    removeContext: vscode.l10n.t('Remove'),
  };
}

export function turnView(t: Turn): TurnView {
  return {
    id: t.id,
    role: t.role,
    content: t.content,
    ...(t.context?.length ? { context: t.context.map((c) => c.label) } : {}),
    ...(t.model ? { model: t.model } : {}),
    ...(t.status ? { status: t.status } : {}),
    ...(t.error ? { error: t.error } : {}),
    ...(t.usage ? { usage: t.usage } : {}),
    ...(t.cost ? { cost: t.cost } : {}),
  };
}

export class ChatPanelHost extends Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private panelDisposables: IDisposable[] = [];
  readonly router: MessageRouter<ChatInbound>;
  private readonly log: Logger;
  /** Per streaming turn: how much of its content the webview has been sent. */
  private readonly postedOffset = new Map<string, number>();
  private deltaTimer: ReturnType<typeof setTimeout> | undefined;
  private lastDeltaAt = 0;
  /** How many `ready` messages arrived (the test API waits on it). */
  readyCount = 0;
  /** How many delta messages were posted (the test API reads it). */
  deltasPosted = 0;
  private lastHtml: string | undefined;
  private readonly _onDidClose = this._register(new vscode.EventEmitter<void>());
  readonly onDidClose = this._onDidClose.event;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly service: ChatService,
    private readonly store: ConnectionStore,
    private readonly keys: ChatKeys,
    private readonly ui: ChatPanelUi,
    log: Logger,
  ) {
    super();
    this.log = log.child('chat-panel');
    this.router = new MessageRouter<ChatInbound>(chatInboundSchema, {
      ready: () => { this.readyCount++; this.postState(); },
      resync: () => this.postState(),
      send: (m) => this.service.send(m.text),
      stop: () => this.service.stop(),
      newConversation: () => this.service.newConversation(),
      showHistory: () => this.ui.showHistory(),
      selectConnection: (m) => this.service.selectConnection(m.connectionId),
      selectModel: (m) => this.service.selectModel(m.modelId),
      refreshModels: () => { const id = this.service.conversation.connectionId; if (id) void this.service.loadModels(id, true); this.postState(); },
      pickKey: async () => {
        const id = this.service.conversation.connectionId;
        if (!id) throw new Error(vscode.l10n.t('Choose a gateway connection first.'));
        await this.keys.pick(this.store, id);
        this.postState();
      },
      updateSettings: (m) => this.service.updateSettings(m),
      openLink: (m) => this.openLink(m.url),
      regenerate: () => this.service.regenerate(),
      editLast: (m) => this.service.editLast(m.text),
      copyCode: async (m) => { await vscode.env.clipboard.writeText(m.code); },
      insertCode: (m) => this.insertCode(m.code),
      addContext: (m) => {
        const item = this.lastEditor && !this.lastEditor.document.isClosed ? contextFromEditor(this.lastEditor, m.source) : undefined;
        if (!this.lastEditor || this.lastEditor.document.isClosed) void vscode.window.showInformationMessage(vscode.l10n.t('Open a file in an editor first.'));
        if (item) this.service.addContext(item);
      },
      removeContext: (m) => this.service.removeContext(m.id),
      openCode: async (m) => {
        const doc = await vscode.workspace.openTextDocument({ content: m.code, language: languageId(m.language) });
        await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside, preview: false });
      },
    }, this.log, (e) => { void vscode.window.showErrorMessage(userMessage(e)); });

    this._register(service.onDidChangeState(() => this.postState()));
    this._register(service.onDidAppend((t) => this.scheduleDelta(t)));
    this._register(service.onDidFinishTurn((t) => {
      this.flushDelta();
      this.postedOffset.delete(t.id);
      const c = this.service.conversation;
      this.post({ type: 'turn', turn: turnView(t), busy: this.service.busy, totals: conversationTotals(c) });
    }));
    this._register({ dispose: () => { if (this.deltaTimer) clearTimeout(this.deltaTimer); this.panel?.dispose(); } });
    // "Insert at cursor" goes to the text editor the user had last (the panel itself has the focus when clicked)
    this.lastEditor = vscode.window.activeTextEditor;
    this._register(vscode.window.onDidChangeActiveTextEditor((e) => { if (e) this.lastEditor = e; }));
  }

  private lastEditor: vscode.TextEditor | undefined;

  /** Inserts code at the cursor(s) of the last text editor: one explicit click, never saved, never settings. */
  private async insertCode(code: string): Promise<void> {
    let editor = this.lastEditor && !this.lastEditor.document.isClosed ? this.lastEditor : vscode.window.visibleTextEditors[0];
    if (!editor) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Open a file in an editor first, then insert the code.'));
      return;
    }
    const uri = editor.document.uri;
    if (!vscode.window.visibleTextEditors.includes(editor)) {
      // hidden behind the chat (same editor group): show it beside, with the cursor where the user left it
      const selections = editor.selections;
      editor = await vscode.window.showTextDocument(editor.document, { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true });
      editor.selections = selections;
    }
    if (isProtectedDocument(uri)) {
      void vscode.window.showWarningMessage(vscode.l10n.t('Code from the chat is not inserted into settings or .vscode files.'));
      return;
    }
    const target = editor;
    const ok = await target.edit((b) => { for (const sel of target.selections) b.replace(sel, code); });
    if (!ok) throw new Error(vscode.l10n.t('The editor did not accept the insertion.'));
    await vscode.window.showTextDocument(editor.document, { viewColumn: editor.viewColumn, preserveFocus: false });
  }

  get isOpen(): boolean {
    return this.panel !== undefined;
  }

  get html(): string | undefined {
    return this.lastHtml;
  }

  show(): void {
    if (this.panel) {
      this.panel.reveal(undefined, false);
      return;
    }
    const panel = vscode.window.createWebviewPanel(CHAT_VIEW_TYPE, vscode.l10n.t('AI Gateway Chat'), { viewColumn: vscode.ViewColumn.Active, preserveFocus: false }, this.options());
    this.attach(panel);
  }

  /** The webview options: scripts on, no command URIs, resources only from dist/ui and media. */
  private options(): vscode.WebviewPanelOptions & vscode.WebviewOptions {
    const root = this.extensionUri;
    return {
      enableScripts: true,
      enableCommandUris: false,
      enableForms: false,
      retainContextWhenHidden: false,
      enableFindWidget: true,
      localResourceRoots: [vscode.Uri.joinPath(root, 'dist', 'ui'), vscode.Uri.joinPath(root, 'media')],
    };
  }

  /** Takes over a panel: a new one, or one VS Code restores after a reload (the serializer). */
  attach(panel: vscode.WebviewPanel): void {
    if (this.panel && this.panel !== panel) this.panel.dispose();
    const root = this.extensionUri;
    this.panel = panel;
    panel.webview.options = this.options();
    panel.iconPath = vscode.Uri.joinPath(root, 'media', 'gateway.svg');
    this.panelDisposables.push(panel.webview.onDidReceiveMessage((m: unknown) => { void this.router.handle(m); }));
    this.panelDisposables.push(panel.onDidDispose(() => {
      this.panel = undefined;
      disposeAll(this.panelDisposables);
      this._onDidClose.fire();
    }));
    this.lastHtml = webviewHtml({
      webview: panel.webview,
      title: vscode.l10n.t('AI Gateway Chat'),
      lang: vscode.env.language,
      scripts: [vscode.Uri.joinPath(root, 'dist', 'ui', 'chat.js')],
      styles: [vscode.Uri.joinPath(root, 'dist', 'ui', 'chat.css'), vscode.Uri.joinPath(root, 'media', 'chat.css')],
      // a static skeleton until the script has the state
      body: `<main id="app" aria-busy="true"><p class="skeleton">${escapeHtml(vscode.l10n.t('Loading the chat…'))}</p></main>`,
    });
    panel.webview.html = this.lastHtml;
  }

  close(): void {
    this.panel?.dispose();
  }

  private post(msg: ChatOutbound): void {
    if (!this.panel) return;
    void this.panel.webview.postMessage(msg).then(undefined, () => undefined);
  }

  stateView(): ChatStateView {
    this.service.ensureConnection();
    const c = this.service.conversation;
    const connectionId = c.connectionId && this.store.get(c.connectionId) ? c.connectionId : undefined;
    const m = connectionId ? this.service.modelsOf(connectionId) : {};
    const keyLabel = connectionId ? this.keys.label(connectionId) : undefined;
    return {
      conversationId: c.id,
      title: c.title,
      connections: this.store.list().map((p) => ({ id: p.id, label: p.label })),
      ...(connectionId ? { connectionId } : {}),
      ...(c.modelId ? { modelId: c.modelId } : {}),
      ...(m.models ? { models: m.models.map((x) => ({ id: x.id, label: x.name && x.name !== x.id ? `${x.id} — ${x.name}` : x.id })) } : {}),
      ...(m.error ? { modelsError: m.error } : {}),
      ...(keyLabel ? { keyLabel } : {}),
      systemPrompt: c.systemPrompt,
      ...(c.temperature !== undefined ? { temperature: c.temperature } : {}),
      ...(c.maxTokens !== undefined ? { maxTokens: c.maxTokens } : {}),
      turns: c.turns.map(turnView),
      context: this.service.pendingContext,
      busy: this.service.busy,
      totals: conversationTotals(c),
      strings: uiStrings(),
    };
  }

  private postState(): void {
    if (!this.panel) return;
    const state = this.stateView();
    for (const t of this.service.conversation.turns) if (t.status === 'streaming') this.postedOffset.set(t.id, t.content.length);
    if (this.panel) this.panel.title = state.title || vscode.l10n.t('AI Gateway Chat');
    this.post({ type: 'state', state });
  }

  private scheduleDelta(turn: Turn): void {
    if (!this.panel) return;
    if (!this.postedOffset.has(turn.id)) this.postedOffset.set(turn.id, 0);
    if (this.deltaTimer) return;
    const wait = Math.max(0, DELTA_INTERVAL_MS - (Date.now() - this.lastDeltaAt));
    this.deltaTimer = setTimeout(() => this.flushDelta(), wait);
  }

  private flushDelta(): void {
    if (this.deltaTimer) { clearTimeout(this.deltaTimer); this.deltaTimer = undefined; }
    for (const t of this.service.conversation.turns) {
      const from = this.postedOffset.get(t.id);
      if (from === undefined || from >= t.content.length) continue;
      this.post({ type: 'delta', turnId: t.id, offset: from, text: t.content.slice(from) });
      this.postedOffset.set(t.id, t.content.length);
      this.deltasPosted++;
      this.lastDeltaAt = Date.now();
    }
  }

  /** Opens http(s) links only, and only on the user's click in the webview. */
  private async openLink(url: string): Promise<void> {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      this.log.debug('openLink: not a URL; ignored');
      return;
    }
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
      this.log.debug(`openLink: scheme ${parsed.protocol} refused`);
      return;
    }
    await vscode.env.openExternal(vscode.Uri.parse(parsed.toString(), true));
  }
}

const LANGUAGE_ALIASES: Record<string, string> = {
  ts: 'typescript', js: 'javascript', py: 'python', sh: 'shellscript', bash: 'shellscript', shell: 'shellscript', zsh: 'shellscript',
  yml: 'yaml', md: 'markdown', rs: 'rust', 'c++': 'cpp', cs: 'csharp', 'c#': 'csharp', html: 'html', xml: 'xml', golang: 'go', kt: 'kotlin', rb: 'ruby',
};

/** A VS Code language id for a fence's info string (plaintext when unknown). */
export function languageId(lang: string | undefined): string {
  const l = (lang ?? '').toLowerCase();
  if (!l) return 'plaintext';
  return LANGUAGE_ALIASES[l] ?? l;
}

/** The most a context chip may carry (characters). */
export const MAX_CONTEXT_CHARS = 200_000;

/**
 * The selection (or the whole document) of an editor as a context chip; undefined (with a message) when there is
 * nothing selected or it is too large.
 */
export function contextFromEditor(editor: vscode.TextEditor, source: 'selection' | 'file'): ContextItem | undefined {
  const doc = editor.document;
  const name = doc.isUntitled ? doc.uri.path : vscode.workspace.asRelativePath(doc.uri, false);
  let text: string;
  let label: string;
  if (source === 'selection') {
    const sel = editor.selection;
    if (sel.isEmpty) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Select some text first.'));
      return undefined;
    }
    text = doc.getText(sel);
    label = `${name}:${sel.start.line + 1}-${sel.end.line + 1}`;
  } else {
    text = doc.getText();
    label = name;
  }
  if (text.length > MAX_CONTEXT_CHARS) {
    void vscode.window.showWarningMessage(vscode.l10n.t('{0} is too large to add to the chat ({1} characters; the limit is {2}).', label, text.length, MAX_CONTEXT_CHARS));
    return undefined;
  }
  return { label, text, language: doc.languageId };
}

/** Settings and anything under .vscode/ never receive model output. */
function isProtectedDocument(uri: vscode.Uri): boolean {
  if (uri.scheme === 'vscode-userdata') return true;
  const p = uri.path.toLowerCase();
  return /(^|\/)\.vscode(\/|$)/.test(p) || /(^|\/)settings\.json$/.test(p) || p.endsWith('.code-workspace');
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
