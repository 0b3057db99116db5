/**
 * The Chat feature: the commands `aiGateway.openChat` (palette) and `aiGateway.chatWithModel` (models tree), the
 * chat panel host, the chat service and the history store. Nothing is read or fetched until a command runs.
 */
import * as vscode from 'vscode';
import * as z from 'zod';
import { CommandIds, registerCommand } from '../../platform/commands';
import type { ConnectionStore } from '../../platform/connections';
import { Disposable } from '../../platform/lifecycle';
import type { Logger } from '../../platform/logger';
import { ChatHistory, type ConversationSummary } from './history';
import { ChatHistoryActions, type ExportFormat, type HistoryDialogs, realDialogs } from './historyActions';
import { ChatKeys } from './keys';
import type { Conversation } from './model';
import type { InsertRisk, LinkReview } from './guards';
import { CHAT_VIEW_TYPE, ChatPanelHost, type DocumentChoice, contextFromEditor, realPanelDialogs } from './panel';
import { ChatService } from './service';

const LAST_CONVERSATION_KEY = 'aiGateway.chat.lastConversation';
const CONNECTION_ID = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);
/** A model node of the models tree, or any `{connectionId, modelId}`. */
const webviewStateSchema = z.object({ conversationId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/).optional() }).nullish();
const chatWithModelArg = z.union([z.undefined(), z.null(), z.object({ connectionId: CONNECTION_ID, modelId: z.string().min(1).max(256) })]);

/** What the integration tests may touch (through the extension's test API only). */
export interface ChatTestApi {
  /** Runs aiGateway.chatWithModel (or aiGateway.openChat without an argument). */
  open(arg?: { connectionId: string; modelId: string }): Promise<void>;
  /** As if the webview had posted `msg`: validated by the router, then handled; resolves when handled. */
  post(msg: unknown): Promise<void>;
  /** Context chips waiting for the next message. */
  pendingContext(): ReadonlyArray<{ id: string; label: string }>;
  /** A deep copy of the host-side conversation. */
  conversation(): Conversation;
  readonly busy: boolean;
  whenIdle(): Promise<void>;
  /** Chooses the chat key without the quick pick: one of the connection's keys (revealed) or a pasted secret. */
  useKey(connectionId: string, key: { keyId: string } | { secret: string; label?: string }): Promise<string>;
  readonly isOpen: boolean;
  close(): void;
  /** Resolves when the clean-up after a close (stop, save) is done. */
  whenClosed(): Promise<void>;
  /** How many `ready` messages the webview has posted since activation. */
  readyCount(): number;
  /** Delta messages posted to the webview, invalid messages dropped and answers refused while one ran, since activation. */
  counters(): { deltasPosted: number; dropped: number; refused: number };
  html(): string | undefined;
  readonly historyDir: vscode.Uri;
  listHistory(): Promise<ConversationSummary[]>;
  openConversation(id: string): Promise<boolean>;
  setAside(): readonly string[];
  /** Answers the history actions' dialogs (save/open target, title, confirmation) until reset with `undefined`. */
  answerDialogs(answers: { save?: vscode.Uri; open?: vscode.Uri; title?: string; confirm?: boolean } | undefined): void;
  /**
   * Answers the panel's own dialogs (link confirmation, insert confirmation, "+ File" pick) and records what they
   * were asked and what was opened, until reset with `undefined` (then the real dialogs come back).
   */
  answerPanelDialogs(answers: PanelDialogAnswers | undefined): PanelDialogLog;
  /** Messages the history actions showed, since activation. */
  notices(): readonly string[];
  /** Ids of the saved conversations whose title or messages contain every word of `query`. */
  searchHistory(query: string): Promise<string[]>;
  /** Runs the export command for `id` (or the open conversation); resolves to the written file. */
  exportConversation(id: string | undefined, format: ExportFormat): Promise<vscode.Uri | undefined>;
}

export interface PanelDialogAnswers {
  readonly link?: boolean;
  readonly insert?: boolean;
  /** Chooses among the offered documents (undefined: cancelled). */
  readonly pick?: (choices: readonly DocumentChoice[]) => vscode.Uri | undefined;
}

export interface PanelDialogLog {
  readonly links: LinkReview[];
  readonly inserts: Array<{ file: string; risk: InsertRisk }>;
  readonly picks: Array<readonly DocumentChoice[]>;
  /** URLs passed to openExternal. */
  readonly opened: string[];
  readonly infos: string[];
}

export class ChatFeature extends Disposable {
  private readonly log: Logger;
  readonly history: ChatHistory;
  readonly keys: ChatKeys;
  readonly service: ChatService;
  readonly panel: ChatPanelHost;
  readonly actions: ChatHistoryActions;
  /** The clean-up after the panel closed (open() waits for it). */
  private closing: Promise<void> = Promise.resolve();

  constructor(private readonly context: vscode.ExtensionContext, private readonly store: ConnectionStore, log: Logger, onCommand: () => void = () => undefined) {
    super();
    this.log = log.child('chat');
    this.history = this._register(new ChatHistory(context.globalStorageUri, this.log, (m) => { void vscode.window.showWarningMessage(m); }));
    this.keys = new ChatKeys(store.secrets, this.log);
    this.service = this._register(new ChatService(store, this.keys, this.history, this.log));
    this.panel = this._register(new ChatPanelHost(context.extensionUri, this.service, store, this.keys, { showHistory: () => this.showHistory() }, this.log));
    this.actions = this._register(new ChatHistoryActions(this.history, this.service, this.log, async (id) => {
      if (this.context.globalState.get(LAST_CONVERSATION_KEY) === id) await this.context.globalState.update(LAST_CONVERSATION_KEY, undefined);
    }));
    this._register(this.panel.onDidClose(() => { this.closing = this.onPanelClosed().catch((e: unknown) => this.log.error('closing the chat failed', e)); }));
    // after a reload VS Code gives the chat panel back (activation event onWebviewPanel:aiGateway.chat)
    this._register(vscode.window.registerWebviewPanelSerializer(CHAT_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel: vscode.WebviewPanel, state: unknown) => {
        const r = webviewStateSchema.safeParse(state);
        const id = (r.success ? r.data?.conversationId : undefined) ?? this.context.globalState.get<string>(LAST_CONVERSATION_KEY);
        if (typeof id === 'string') await this.service.open(id).catch((e: unknown) => this.log.warn('restoring the chat failed', e));
        this.panel.attach(panel);
      },
    }));
    this._register(this.service.onDidChangeState(() => this.rememberConversation()));
    this._register(registerCommand(CommandIds.openChat, async () => {
      onCommand();
      await this.open();
    }, this.log));
    this._register(registerCommand(CommandIds.askAboutSelection, async () => {
      onCommand();
      const editor = vscode.window.activeTextEditor;
      if (!editor) throw new Error(vscode.l10n.t('Open a file in an editor first.'));
      const item = contextFromEditor(editor, editor.selection.isEmpty ? 'file' : 'selection');
      await this.open();
      if (item) this.service.addContext(item);
    }, this.log));
    this._register(registerCommand(CommandIds.chatWithModel, async (arg) => {
      onCommand();
      const r = chatWithModelArg.safeParse(arg);
      if (!r.success) throw new Error(vscode.l10n.t('This command was given an argument it does not accept; run it from the command palette instead.'));
      await this.open(r.data ?? undefined);
    }, this.log));
  }

  /** Shows the panel; with a model, the chat uses it (a new conversation when the current one has messages). */
  async open(target?: { connectionId: string; modelId: string }): Promise<void> {
    await this.closing;
    const wasOpen = this.panel.isOpen;
    if (!wasOpen && this.service.conversation.turns.length === 0) {
      const last = this.context.globalState.get<string>(LAST_CONVERSATION_KEY);
      if (typeof last === 'string') await this.service.open(last);
    }
    if (target) {
      if (!this.store.get(target.connectionId)) throw new Error(vscode.l10n.t('No connection with the id {0}.', target.connectionId));
      const c = this.service.conversation;
      if (c.turns.length > 0) await this.service.newConversation(target);
      else {
        this.service.selectConnection(target.connectionId);
        this.service.selectModel(target.modelId);
      }
    }
    this.panel.show();
  }

  /** The conversation to reopen next time (an id, no content). */
  private rememberConversation(): void {
    const c = this.service.conversation;
    if (c.turns.length && this.context.globalState.get(LAST_CONVERSATION_KEY) !== c.id) void this.context.globalState.update(LAST_CONVERSATION_KEY, c.id);
  }

  /** The panel was closed: stop a running answer (its partial text is saved) and remember the conversation. */
  private async onPanelClosed(): Promise<void> {
    await this.service.stopAndWait();
    const c = this.service.conversation;
    if (c.turns.length) {
      await this.history.flush(c.id, c);
      await this.context.globalState.update(LAST_CONVERSATION_KEY, c.id);
    }
    // the next open reloads it from disk
    await this.service.newConversation();
  }

  async showHistory(): Promise<void> {
    await this.actions.showHistory();
  }

  testApi(): ChatTestApi {
    const self = this;
    return {
      open: (arg) => Promise.resolve(vscode.commands.executeCommand(arg ? CommandIds.chatWithModel : CommandIds.openChat, arg)).then(() => undefined),
      post: (msg) => this.panel.router.handle(msg),
      conversation: () => structuredClone(this.service.conversation),
      pendingContext: () => [...this.service.pendingContext],
      get busy() { return self.service.busy; },
      whenIdle: () => this.service.whenIdle(),
      useKey: async (connectionId, key) => {
        if ('keyId' in key) return this.keys.useGatewayKey(this.store, connectionId, key.keyId);
        const label = key.label ?? 'test key';
        await this.keys.set(connectionId, key.secret, label);
        return label;
      },
      get isOpen() { return self.panel.isOpen; },
      close: () => this.panel.close(),
      whenClosed: () => this.closing,
      readyCount: () => this.panel.readyCount,
      counters: () => ({ deltasPosted: this.panel.deltasPosted, dropped: this.panel.router.dropped, refused: this.panel.refusals }),
      html: () => this.panel.html,
      historyDir: this.history.dir,
      listHistory: () => this.history.list(),
      openConversation: (id) => this.service.open(id),
      setAside: () => [...this.history.setAside],
      answerDialogs: (a) => {
        if (!a) { this.actions.dialogs = realDialogs; return; }
        const dialogs: HistoryDialogs = {
          confirm: (m, action) => (a.confirm === undefined ? realDialogs.confirm(m, action) : Promise.resolve(a.confirm)),
          saveTarget: (d, f) => (a.save ? Promise.resolve(a.save) : realDialogs.saveTarget(d, f)),
          openTarget: () => (a.open ? Promise.resolve(a.open) : realDialogs.openTarget()),
          inputTitle: (c) => (a.title !== undefined ? Promise.resolve(a.title) : realDialogs.inputTitle(c)),
        };
        this.actions.dialogs = dialogs;
      },
      answerPanelDialogs: (a) => {
        const log: PanelDialogLog = { links: [], inserts: [], picks: [], opened: [], infos: [] };
        if (!a) { this.panel.dialogs = realPanelDialogs; return log; }
        this.panel.dialogs = {
          confirmLink: (r) => { log.links.push(r); return Promise.resolve(a.link ?? false); },
          confirmInsert: (file, risk) => { log.inserts.push({ file, risk }); return Promise.resolve(a.insert ?? false); },
          pickDocument: (choices) => { log.picks.push(choices); return Promise.resolve(a.pick?.(choices)); },
          openExternal: (uri) => { log.opened.push(uri.toString(true)); return Promise.resolve(true); },
          info: (m) => { log.infos.push(m); },
        };
        return log;
      },
      notices: () => [...this.actions.notices],
      searchHistory: (q) => this.actions.search(q),
      exportConversation: (id, format) => Promise.resolve(vscode.commands.executeCommand<vscode.Uri | undefined>(
        format === 'markdown' ? CommandIds.exportConversationMarkdown : CommandIds.exportConversationJson, id ? { conversationId: id } : undefined)),
    };
  }
}
