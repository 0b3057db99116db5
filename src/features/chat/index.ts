/**
 * The Chat feature: the commands `aiGateway.openChat` (palette), `aiGateway.openChatInSideBar` and
 * `aiGateway.chatWithModel` (models tree), the chat's webview host (an editor panel and a side bar view on one chat
 * service), the service and the history store. Nothing is read or fetched until a command runs or the view is shown.
 */
import * as vscode from 'vscode';
import * as z from 'zod';
import { CommandIds, registerCommand } from '../../platform/commands';
import type { ActivityService } from '../../platform/activity';
import type { ConfigService } from '../../platform/config';
import type { ConnectionStore } from '../../platform/connections';
import { Disposable } from '../../platform/lifecycle';
import type { Logger } from '../../platform/logger';
import { ChatHistory } from './history';
import { ChatHistoryActions } from './historyActions';
import { ChatKeys } from './keys';
import { CHAT_SIDE_VIEW_ID, CHAT_VIEW_TYPE, ChatPanelHost, contextFromEditor } from './panel';
import { ChatService } from './service';
import { connectionIdSchema } from '../../core/ids';
import { chatPanelStateSchema } from '../../webview/protocol';
import type { CreateKeyWithPreset, SessionKeys } from '../../platform/sessionKeys';

const LAST_CONVERSATION_KEY = 'aiGateway.chat.lastConversation';
/** A model node of the models tree, or any `{connectionId, modelId}`. */
const chatWithModelArg = z.union([
  z.undefined(),
  z.null(),
  z.object({ connectionId: connectionIdSchema, modelId: z.string().min(1).max(256) }),
]);

export interface ChatFeatureDeps {
  readonly context: vscode.ExtensionContext;
  readonly store: ConnectionStore;
  readonly config: ConfigService;
  readonly log: Logger;
  /** Its commands count as activity. */
  readonly activity: ActivityService;
  /** The keys created in this session and the key create flow ("Create a key for chat" in the key picker). */
  readonly newKeys?: { readonly session: SessionKeys; readonly create: CreateKeyWithPreset };
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

  private readonly context: vscode.ExtensionContext;
  readonly store: ConnectionStore;

  constructor(deps: ChatFeatureDeps) {
    super();
    const { context, store, activity } = deps;
    this.context = context;
    this.store = store;
    this.log = deps.log.child('chat');
    this.history = this._register(
      new ChatHistory(context.globalStorageUri, this.log, (m) => {
        void vscode.window.showWarningMessage(m);
      }),
    );
    this.keys = new ChatKeys(
      store.secrets,
      this.log,
      deps.newKeys ? { session: deps.newKeys.session, create: deps.newKeys.create } : {},
    );
    this.service = this._register(new ChatService(store, this.keys, this.history, this.log, deps.config));
    this.panel = this._register(
      new ChatPanelHost(
        context.extensionUri,
        this.service,
        store,
        this.keys,
        { showHistory: () => this.showHistory(), searchHistory: () => this.actions.searchPick() },
        this.log,
      ),
    );
    this.actions = this._register(
      new ChatHistoryActions(this.history, this.service, this.log, async (id) => {
        if (this.context.globalState.get(LAST_CONVERSATION_KEY) === id)
          await this.context.globalState.update(LAST_CONVERSATION_KEY, undefined);
      }),
    );
    // the chat is closed when neither the panel nor the view shows it any more
    const closed = (): void => {
      if (this.panel.isShown) return;
      this.closing = this.onPanelClosed().catch((e: unknown) => this.log.error('closing the chat failed', e));
    };
    this._register(this.panel.onDidClose(closed));
    this._register(this.panel.onDidCloseView(closed));
    // after a reload VS Code gives the chat panel back (activation event onWebviewPanel:aiGateway.chat)
    this._register(
      vscode.window.registerWebviewPanelSerializer(CHAT_VIEW_TYPE, {
        deserializeWebviewPanel: async (panel: vscode.WebviewPanel, state: unknown) => {
          const r = chatPanelStateSchema.nullish().safeParse(state);
          const id =
            (r.success ? r.data?.conversationId : undefined) ??
            this.context.globalState.get<string>(LAST_CONVERSATION_KEY);
          if (typeof id === 'string')
            await this.service.open(id).catch((e: unknown) => this.log.warn('restoring the chat failed', e));
          this.panel.attach(panel);
        },
      }),
    );
    // the side bar view: resolved when first shown, and again after a reload (its webview state names the conversation)
    this._register(
      vscode.window.registerWebviewViewProvider(
        CHAT_SIDE_VIEW_ID,
        {
          resolveWebviewView: async (view, ctx) => {
            await this.closing;
            if (!this.panel.isShown && this.service.conversation.turns.length === 0) {
              const r = chatPanelStateSchema.nullish().safeParse(ctx.state);
              const id =
                (r.success ? r.data?.conversationId : undefined) ??
                this.context.globalState.get<string>(LAST_CONVERSATION_KEY);
              if (typeof id === 'string')
                await this.service.open(id).catch((e: unknown) => this.log.warn('restoring the chat failed', e));
            }
            this.panel.attachView(view);
          },
        },
        { webviewOptions: { retainContextWhenHidden: false } },
      ),
    );
    this._register(this.service.onDidChangeState(() => this.rememberConversation()));
    this._register(
      registerCommand(
        CommandIds.openChatInSideBar,
        async () => {
          activity.note();
          await this.openInSideBar();
        },
        this.log,
      ),
    );
    this._register(
      registerCommand(
        CommandIds.openChat,
        async () => {
          activity.note();
          await this.open(undefined, true);
        },
        this.log,
      ),
    );
    this._register(
      registerCommand(
        CommandIds.askAboutSelection,
        async () => {
          activity.note();
          const editor = vscode.window.activeTextEditor;
          if (!editor) throw new Error(vscode.l10n.t('Open a file in an editor first.'));
          const item = contextFromEditor(editor, editor.selection.isEmpty ? 'file' : 'selection');
          await this.open();
          if (item) this.service.addContext(item);
        },
        this.log,
      ),
    );
    this._register(
      registerCommand(
        CommandIds.chatWithModel,
        async (arg) => {
          activity.note();
          const r = chatWithModelArg.safeParse(arg);
          if (!r.success)
            throw new Error(
              vscode.l10n.t(
                'This command was given an argument it does not accept; run it from the command palette instead.',
              ),
            );
          await this.open(r.data ?? undefined);
        },
        this.log,
      ),
    );
  }

  /** Resolves when the clean-up after a close (stop, save) is done. */
  whenClosed(): Promise<void> {
    return this.closing;
  }

  /**
   * Shows the chat: in the side bar view when it is on screen and no panel is open, else in the panel (`inPanel`:
   * always the panel). With a model, the chat uses it (a new conversation when the current one has messages).
   */
  async open(target?: { connectionId: string; modelId: string }, inPanel = false): Promise<void> {
    await this.closing;
    if (!this.panel.isShown && this.service.conversation.turns.length === 0) {
      const last = this.context.globalState.get<string>(LAST_CONVERSATION_KEY);
      if (typeof last === 'string') await this.service.open(last);
    }
    if (target) {
      if (!this.store.get(target.connectionId))
        throw new Error(vscode.l10n.t('No connection with the id {0}.', target.connectionId));
      const c = this.service.conversation;
      if (c.turns.length > 0) await this.service.newConversation(target);
      else {
        this.service.selectConnection(target.connectionId);
        this.service.selectModel(target.modelId);
      }
    }
    if (!inPanel && !this.panel.isOpen && this.panel.viewVisible) this.panel.revealView();
    else this.panel.show();
  }

  /** Shows the chat's side bar view (VS Code opens the secondary side bar and resolves the view). */
  async openInSideBar(): Promise<void> {
    await this.closing;
    const focus = `${CHAT_SIDE_VIEW_ID}.focus`;
    await vscode.commands.executeCommand(focus);
  }

  /** The conversation to reopen next time (an id, no content). */
  private rememberConversation(): void {
    const c = this.service.conversation;
    if (c.turns.length && this.context.globalState.get(LAST_CONVERSATION_KEY) !== c.id)
      void this.context.globalState.update(LAST_CONVERSATION_KEY, c.id);
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
}
