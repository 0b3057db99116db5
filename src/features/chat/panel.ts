/**
 * The chat's webview host: one WebviewPanel in the editor (revealed when already open) and one WebviewView in the
 * side bar, both windows on the same chat service: one conversation, every message posted to both, so they stay in
 * sync turn by turn and delta by delta. `retainContextWhenHidden: false` — when a webview comes back it posts `ready`
 * and gets the whole state from the host's conversation. Streamed text is coalesced: at most one `delta` message per
 * ~30 ms per stream.
 */
import * as vscode from 'vscode';
import type { Logger } from '../../platform/logger';
import { escapeHtml, WebviewHost } from '../../webview/host';
import { type ChatInbound, type ChatOutbound, type ChatStateView, chatInboundSchema } from '../../webview/protocol';
import type { MessageRouter } from '../../webview/router';
import type { ChatKeys } from './keys';
import { conversationTotals, type Turn } from './model';
import { chatStateView, contextFromDocument, contextFromEditor, fileLabel, turnView } from './panelContent';
import { insertRisk, languageId, reviewLink } from './guards';
import { type ChatPanelDialogs, type DocumentChoice, realPanelDialogs } from './panelDialogs';
import { ChatBusyError } from './answer';
import type { ChatService } from './service';
import type { ConnectionStore } from '../../platform/connections';
import { Disposable } from '../../platform/lifecycle';

export { type ChatPanelDialogs, type DocumentChoice, realPanelDialogs } from './panelDialogs';
export { contextFromEditor } from './panelContent';

export const CHAT_VIEW_TYPE = 'aiGateway.chat';
/** The chat's view (contributed to the secondary side bar). */
export const CHAT_SIDE_VIEW_ID = 'aiGateway.chatView';
/** Streamed text is posted at most this often per stream. */
export const DELTA_INTERVAL_MS = 30;

export interface ChatPanelUi {
  /** The host-side reaction to "History…" (a quick pick). */
  showHistory(): Promise<void>;
  /** "Search conversations…" in the "…" menu. */
  searchHistory(): Promise<void>;
}

export class ChatPanelHost extends Disposable {
  private readonly host: WebviewHost<ChatInbound, ChatOutbound>;
  private readonly log: Logger;
  /** Per streaming turn: how much of its content the webview has been sent. */
  private readonly postedOffset = new Map<string, number>();
  private deltaTimer: ReturnType<typeof setTimeout> | undefined;
  private lastDeltaAt = 0;
  /** How many delta messages were posted (the test API reads it). */
  deltasPosted = 0;
  /** How many requests for an answer were refused because one was running (the test API reads it). */
  refusals = 0;
  /** The editor panel was closed. */
  readonly onDidClose: vscode.Event<void>;
  /** The side bar view was closed (hidden from its container, not just collapsed). */
  readonly onDidCloseView: vscode.Event<void>;

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
    this.host = this._register(
      new WebviewHost<ChatInbound, ChatOutbound>(extensionUri, {
        ui: 'chat',
        pageStyles: false,
        schema: chatInboundSchema,
        log: this.log,
        findWidget: true,
        handlers: {
          ready: () => this.postState(),
          resync: () => this.postState(),
          send: (m) => this.guardBusy(() => this.service.send(m.text), m.text),
          stop: () => this.service.stop(),
          newConversation: () => this.service.newConversation(),
          showHistory: () => this.ui.showHistory(),
          selectConnection: (m) => this.service.selectConnection(m.connectionId),
          selectModel: (m) => this.service.selectModel(m.modelId),
          refreshModels: () => {
            const id = this.service.conversation.connectionId;
            if (id) void this.service.loadModels(id, true);
            this.postState();
          },
          pickModel: () => this.pickModel(),
          searchHistory: () => this.ui.searchHistory(),
          pickKey: async () => {
            const id = this.service.conversation.connectionId;
            if (!id) throw new Error(vscode.l10n.t('Choose a gateway connection first.'));
            await this.keys.pick(this.store, id);
            this.postState();
          },
          updateSettings: (m) => this.service.updateSettings(m),
          openLink: (m) => this.openLink(m.url, m.text),
          regenerate: () => this.guardBusy(() => this.service.regenerate()),
          selectVariant: (m) => this.guardBusy(async () => this.service.selectVariant(m.turnId, m.index)),
          runFix: (m) => this.guardBusy(() => this.service.runFix(m.turnId, m.fix)),
          editLast: (m) => this.guardBusy(() => this.service.editLast(m.text), m.text),
          copyCode: async (m) => {
            await vscode.env.clipboard.writeText(m.code);
          },
          insertCode: (m) => this.insertCode(m.code),
          addContext: (m) => (m.source === 'file' ? this.attachFile() : this.attachSelection()),
          removeContext: (m) => this.service.removeContext(m.id),
          openCode: async (m) => {
            const known = new Set(await vscode.languages.getLanguages());
            const doc = await vscode.workspace.openTextDocument({
              content: m.code,
              language: languageId(m.language, known),
            });
            await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside, preview: false });
          },
        },
      }),
    );
    this.onDidClose = this.host.onDidClose;
    this.onDidCloseView = this.host.onDidCloseView;

    this._register(service.onDidChangeState(() => this.postState()));
    this._register(service.onDidAppend((t) => this.scheduleDelta(t)));
    this._register(
      service.onDidFinishTurn((t) => {
        this.flushDelta();
        this.postedOffset.delete(t.id);
        const c = this.service.conversation;
        this.post({
          type: 'turn',
          turn: turnView(t, this.service.fixesOf(t.id)),
          busy: this.service.busy,
          totals: conversationTotals(c),
        });
      }),
    );
    this._register({
      dispose: () => {
        if (this.deltaTimer) clearTimeout(this.deltaTimer);
      },
    });
    // "Insert at cursor" goes to the text editor the user had last (the panel itself has the focus when clicked)
    this.lastEditor = vscode.window.activeTextEditor;
    this._register(
      vscode.window.onDidChangeActiveTextEditor((e) => {
        if (e) this.lastEditor = e;
      }),
    );
  }

  private lastEditor: vscode.TextEditor | undefined;

  /** The model button: the connection's chat models, searchable, with prices (loaded first when they are not). */
  private async pickModel(): Promise<void> {
    const id = this.service.conversation.connectionId;
    const profile = id ? this.store.get(id) : undefined;
    if (!id || !profile) throw new Error(vscode.l10n.t('Choose a gateway connection first.'));
    let m = this.service.modelsOf(id);
    if (!m.models) {
      await this.service.loadModels(id);
      m = this.service.modelsOf(id);
    }
    if (!m.models) throw new Error(m.error ?? vscode.l10n.t('The models could not be loaded.'));
    const picked = await this.dialogs.pickModel(m.models, this.service.conversation.modelId, profile.label);
    if (picked) this.service.selectModel(picked);
  }
  /** What the panel asks the user; the test API replaces it. */
  dialogs: ChatPanelDialogs = realPanelDialogs;

  /**
   * Runs a request for an answer; when one is already running (a double click, a quick resend) it is refused: the
   * webview is told why, gets its draft back and the current state, and nothing is sent to the gateway.
   */
  private async guardBusy(start: () => Promise<void>, draft?: string): Promise<void> {
    try {
      await start();
    } catch (e) {
      if (!(e instanceof ChatBusyError)) throw e;
      this.refusals++;
      this.log.debug('a second answer was asked for while one is running: refused');
      this.post({ type: 'refused', message: e.message, ...(draft !== undefined ? { draft } : {}) });
      this.postState();
    }
  }

  /** The selection of the editor the user came from, as a chip. */
  private attachSelection(): void {
    const editor = this.lastEditor && !this.lastEditor.document.isClosed ? this.lastEditor : undefined;
    if (!editor) {
      this.dialogs.info(vscode.l10n.t('Open a file in an editor first.'));
      return;
    }
    const item = contextFromEditor(editor, 'selection');
    if (item) this.service.addContext(item);
  }

  /**
   * "+ File": the user picks, on the host, which open document (or any file) is attached; the webview only asks.
   * No path ever comes from the webview.
   */
  private async attachFile(): Promise<void> {
    const from = this.lastEditor && !this.lastEditor.document.isClosed ? this.lastEditor.document.uri : undefined;
    const seen = new Set<string>();
    const choices: DocumentChoice[] = [];
    const add = (uri: vscode.Uri, note?: string): void => {
      const k = uri.toString();
      if (seen.has(k) || (uri.scheme !== 'file' && uri.scheme !== 'untitled' && uri.scheme !== 'vscode-remote')) return;
      seen.add(k);
      choices.push({
        uri,
        label: uri.scheme === 'untitled' ? uri.path : vscode.workspace.asRelativePath(uri, false),
        ...(note ? { note } : {}),
      });
    };
    if (from) add(from, vscode.l10n.t('the editor you came from'));
    for (const g of vscode.window.tabGroups.all)
      for (const t of g.tabs) if (t.input instanceof vscode.TabInputText) add(t.input.uri);
    const uri = await this.dialogs.pickDocument(choices);
    if (!uri) return;
    const doc = await vscode.workspace.openTextDocument(uri);
    const item = contextFromDocument(doc);
    if (item) this.service.addContext(item);
  }

  /**
   * Inserts code at the cursor(s) of the editor the user came from, only when it is visible (never into a new editor
   * group), and into a file that configures tools or runs code only after the user confirmed. Never saved.
   */
  private async insertCode(code: string): Promise<void> {
    const last = this.lastEditor;
    if (!last || last.document.isClosed) {
      this.dialogs.info(vscode.l10n.t('Open a file in an editor first, then insert the code.'));
      return;
    }
    const visible = vscode.window.visibleTextEditors;
    const editor = visible.includes(last)
      ? last
      : (visible.find((e) => e.document === last.document && e.viewColumn === last.viewColumn) ??
        visible.find((e) => e.document === last.document));
    const name = fileLabel(last.document);
    if (!editor) {
      this.dialogs.info(
        vscode.l10n.t(
          '{0} is not visible: show it beside the chat, put the cursor where the code goes, then insert again.',
          name,
        ),
      );
      return;
    }
    const risk = insertRisk({ scheme: editor.document.uri.scheme, path: editor.document.uri.path });
    if (risk && !(await this.dialogs.confirmInsert(name, risk))) {
      this.log.debug(`insert into a ${risk} file declined`);
      return;
    }
    const ok = await editor.edit((b) => {
      for (const sel of editor.selections) b.replace(sel, code);
    });
    if (!ok) throw new Error(vscode.l10n.t('The editor did not accept the insertion.'));
    await vscode.window.showTextDocument(editor.document, { viewColumn: editor.viewColumn, preserveFocus: false });
  }

  get router(): MessageRouter<ChatInbound> {
    return this.host.router;
  }

  /** How many `ready` messages arrived (the test API waits on it). */
  get readyCount(): number {
    return this.host.readyCount;
  }

  /** Whether the editor panel is open. */
  get isOpen(): boolean {
    return this.host.isOpen;
  }

  /** Whether the side bar view has been resolved and not closed (it may be hidden behind another view). */
  get hasView(): boolean {
    return this.host.view !== undefined;
  }

  /** Whether the side bar view is on screen now. */
  get viewVisible(): boolean {
    return this.host.view?.visible ?? false;
  }

  /** Messages posted to, and `ready` handshakes from, the panel and the view (the test API reads them). */
  get traffic(): WebviewHost<ChatInbound, ChatOutbound>['traffic'] {
    return this.host.traffic;
  }

  /** Whether the chat is in the panel or the view. */
  get isShown(): boolean {
    return this.host.isShown;
  }

  get html(): string | undefined {
    return this.host.html;
  }

  show(): void {
    if (this.host.isOpen) this.host.reveal();
    else this.host.create(CHAT_VIEW_TYPE, vscode.l10n.t('AI Gateway Chat'), skeleton());
  }

  /** Takes over a panel VS Code restored after a reload (the serializer). */
  attach(panel: vscode.WebviewPanel): void {
    this.host.attach(panel, vscode.l10n.t('AI Gateway Chat'), skeleton());
  }

  /** Takes over the side bar view VS Code resolved (first shown, or restored after a reload). */
  attachView(view: vscode.WebviewView): void {
    this.host.attachView(view, vscode.l10n.t('AI Gateway Chat'), skeleton());
  }

  /** Shows the side bar view (VS Code resolves it on its first show). */
  revealView(): void {
    this.host.view?.show(false);
  }

  close(): void {
    this.host.close();
  }

  private post(msg: ChatOutbound): void {
    this.host.post(msg);
  }

  stateView(): ChatStateView {
    return chatStateView(this.service, this.store, this.keys);
  }

  private postState(): void {
    // a state is built only for a page that shows it (building one reads the connection's models)
    if (!this.host.wantsState) return;
    const state = this.stateView();
    for (const t of this.service.conversation.turns)
      if (t.status === 'streaming') this.postedOffset.set(t.id, t.content.length);
    this.host.setTitle(state.title || vscode.l10n.t('AI Gateway Chat'));
    // the view's own name says it is the chat: its description is the conversation's title, or nothing
    const view = this.host.view;
    if (view && !state.title) view.description = undefined;
    this.post({ type: 'state', state });
  }

  private scheduleDelta(turn: Turn): void {
    if (!this.host.wantsState) return;
    if (!this.postedOffset.has(turn.id)) this.postedOffset.set(turn.id, 0);
    if (this.deltaTimer) return;
    const wait = Math.max(0, DELTA_INTERVAL_MS - (Date.now() - this.lastDeltaAt));
    this.deltaTimer = setTimeout(() => this.flushDelta(), wait);
  }

  private flushDelta(): void {
    if (this.deltaTimer) {
      clearTimeout(this.deltaTimer);
      this.deltaTimer = undefined;
    }
    for (const t of this.service.conversation.turns) {
      const from = this.postedOffset.get(t.id);
      if (from === undefined || from >= t.content.length) continue;
      this.post({ type: 'delta', turnId: t.id, offset: from, text: t.content.slice(from) });
      this.postedOffset.set(t.id, t.content.length);
      this.deltasPosted++;
      this.lastDeltaAt = Date.now();
    }
  }

  /**
   * A click on a link in an answer. The host decides, not the webview: only http(s) is ever opened; a link to a
   * public host in plain ASCII without user info opens at once, any other (loopback, private or IP host, local name,
   * user info, punycode, non-ASCII or mixed-script host) only after a modal that names the real destination.
   */
  private async openLink(url: string, text?: string): Promise<void> {
    const v = reviewLink(url, text);
    if (v.kind === 'invalid') {
      this.log.debug('openLink: not a URL; ignored');
      return;
    }
    if (v.kind === 'refused') {
      this.log.debug(`openLink: scheme ${v.scheme} refused`);
      this.dialogs.info(vscode.l10n.t('Only http and https links open from the chat; this one is {0}.', v.scheme));
      return;
    }
    if (v.kind === 'confirm' && !(await this.dialogs.confirmLink(v.review))) return;
    await this.dialogs.openExternal(vscode.Uri.parse(v.review.href, true));
  }
}

/** A static skeleton until the script has the state. */
function skeleton(): string {
  return `<main id="app" aria-busy="true"><p class="skeleton">${escapeHtml(vscode.l10n.t('Loading the chat…'))}</p></main>`;
}
