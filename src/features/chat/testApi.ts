/** What the integration tests reach of the Chat feature through the extension's test API. */
import type { ChatStateView } from '../../webview/protocol';
import { chatModelItems, modelPickPlaceholder } from './modelPick';
import * as vscode from 'vscode';
import { answeringPick, type KeyPickItem } from '../../platform/chatKey';
import { CommandIds } from '../../platform/commands';
import type { ConversationSummary } from './history';
import { type ExportFormat, type HistoryDialogs, realDialogs } from './historyActions';
import type { ChatFeature } from './index';
import type { Conversation } from './model';
import type { InsertRisk, LinkReview } from './guards';
import { type DocumentChoice, realPanelDialogs } from './panel';

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
  /** The fix buttons a failed answer shows (the webview gets the same in its turn view). */
  fixes(turnId: string): ReadonlyArray<{ readonly id: string; readonly label: string }>;
  /** The state the webview is sent. */
  state(): ChatStateView;
  readonly busy: boolean;
  whenIdle(): Promise<void>;
  /**
   * Answers the chat's key picker with `choose` (the index of the item to pick, or undefined to dismiss) and records
   * every list it was shown, until reset with `undefined`.
   */
  answerKeyPick(choose: ((items: readonly KeyPickItem[]) => number | undefined) | undefined): KeyPickItem[][];
  /** Chooses the chat key without the quick pick: one of the connection's keys (revealed) or a pasted secret. */
  useKey(connectionId: string, key: { keyId: string } | { secret: string; label?: string }): Promise<string>;
  /** Whether the editor panel is open. */
  readonly isOpen: boolean;
  /** Runs aiGateway.openChatInSideBar; resolves when the view is resolved and its webview has posted `ready`. */
  openInSideBar(): Promise<void>;
  /** Where the chat is: the panel open, the side bar view resolved, and on screen. */
  surfaces(): { panel: boolean; view: boolean; viewVisible: boolean };
  /** Messages posted to, and `ready` handshakes from, the panel and the view, since activation. */
  traffic(): Record<'panel' | 'view', { posted: number; ready: number }>;
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
  answerDialogs(
    answers:
      | {
          save?: vscode.Uri;
          open?: vscode.Uri;
          title?: string;
          confirm?: boolean;
          afterExport?: 'open' | 'reveal' | null;
        }
      | undefined,
  ): void;
  /** The search quick pick's items for `query`: the conversation's id and the detail line it shows. */
  searchDetails(query: string): Promise<Array<{ id: string; detail: string }>>;
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
  /** Chooses among the model picker's items (label: the model id; undefined: dismissed). */
  readonly model?: (
    items: ReadonlyArray<{ label: string; description?: string; detail?: string }>,
  ) => string | undefined;
}

export interface PanelDialogLog {
  readonly links: LinkReview[];
  readonly inserts: Array<{ file: string; risk: InsertRisk }>;
  readonly picks: Array<readonly DocumentChoice[]>;
  /** URLs passed to openExternal. */
  readonly opened: string[];
  readonly infos: string[];
  /** The model picker's items, each time it was shown, and its placeholder. */
  readonly modelPicks: Array<{
    items: ReadonlyArray<{ label: string; description?: string; detail?: string }>;
    placeholder: string;
  }>;
}

export function chatTestApi(chat: ChatFeature): ChatTestApi {
  return {
    open: (arg) =>
      Promise.resolve(vscode.commands.executeCommand(arg ? CommandIds.chatWithModel : CommandIds.openChat, arg)).then(
        () => undefined,
      ),
    post: (msg) => chat.panel.router.handle(msg),
    fixes: (turnId) => chat.service.fixesOf(turnId).map((f) => ({ id: f.id, label: f.label })),
    conversation: () => structuredClone(chat.service.conversation),
    pendingContext: () => [...chat.service.pendingContext],
    get busy() {
      return chat.service.busy;
    },
    whenIdle: () => chat.service.whenIdle(),
    answerKeyPick: (choose) => {
      const shown: KeyPickItem[][] = [];
      if (!choose) {
        chat.keys.quickPick = undefined;
        return shown;
      }
      chat.keys.quickPick = answeringPick(choose, shown);
      return shown;
    },
    useKey: async (connectionId, key) => {
      if ('keyId' in key) return chat.keys.useGatewayKey(chat.store, connectionId, key.keyId);
      const label = key.label ?? 'test key';
      await chat.keys.set(connectionId, key.secret, label);
      return label;
    },
    get isOpen() {
      return chat.panel.isOpen;
    },
    openInSideBar: async () => {
      const ready = chat.panel.traffic.view.ready;
      const wasShown = chat.panel.hasView && chat.panel.viewVisible;
      await vscode.commands.executeCommand(CommandIds.openChatInSideBar);
      const until = Date.now() + 20_000;
      while (!(chat.panel.hasView && chat.panel.viewVisible && (wasShown || chat.panel.traffic.view.ready > ready))) {
        if (Date.now() > until) throw new Error('the chat view was not resolved');
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    surfaces: () => ({ panel: chat.panel.isOpen, view: chat.panel.hasView, viewVisible: chat.panel.viewVisible }),
    traffic: () => structuredClone(chat.panel.traffic),
    close: () => chat.panel.close(),
    whenClosed: () => chat.whenClosed(),
    readyCount: () => chat.panel.readyCount,
    counters: () => ({
      deltasPosted: chat.panel.deltasPosted,
      dropped: chat.panel.router.dropped,
      refused: chat.panel.refusals,
    }),
    html: () => chat.panel.html,
    historyDir: chat.history.dir,
    listHistory: () => chat.history.list(),
    openConversation: (id) => chat.service.open(id),
    setAside: () => [...chat.history.setAside],
    answerDialogs: (a) => {
      if (!a) {
        chat.actions.dialogs = realDialogs;
        return;
      }
      const dialogs: HistoryDialogs = {
        confirm: (m, action) => (a.confirm === undefined ? realDialogs.confirm(m, action) : Promise.resolve(a.confirm)),
        saveTarget: (d, f) => (a.save ? Promise.resolve(a.save) : realDialogs.saveTarget(d, f)),
        openTarget: () => (a.open ? Promise.resolve(a.open) : realDialogs.openTarget()),
        inputTitle: (c) => (a.title !== undefined ? Promise.resolve(a.title) : realDialogs.inputTitle(c)),
        exported: (m) =>
          a.afterExport !== undefined ? Promise.resolve(a.afterExport ?? undefined) : realDialogs.exported(m),
      };
      chat.actions.dialogs = dialogs;
    },
    state: () => chat.panel.stateView(),
    searchDetails: async (q) => (await chat.actions.searchItems(q)).map((i) => ({ id: i.id, detail: i.detail ?? '' })),
    answerPanelDialogs: (a) => {
      const log: PanelDialogLog = { links: [], inserts: [], picks: [], opened: [], infos: [], modelPicks: [] };
      if (!a) {
        chat.panel.dialogs = realPanelDialogs;
        return log;
      }
      chat.panel.dialogs = {
        confirmLink: (r) => {
          log.links.push(r);
          return Promise.resolve(a.link ?? false);
        },
        confirmInsert: (file, risk) => {
          log.inserts.push({ file, risk });
          return Promise.resolve(a.insert ?? false);
        },
        pickDocument: (choices) => {
          log.picks.push(choices);
          return Promise.resolve(a.pick?.(choices));
        },
        openExternal: (uri) => {
          log.opened.push(uri.toString(true));
          return Promise.resolve(true);
        },
        info: (m) => {
          log.infos.push(m);
        },
        pickModel: (models, current) => {
          const { items, hidden } = chatModelItems(models, current, vscode.env.language);
          log.modelPicks.push({ items, placeholder: modelPickPlaceholder(items.length, hidden) });
          return Promise.resolve(a.model?.(items));
        },
      };
      return log;
    },
    notices: () => [...chat.actions.notices],
    searchHistory: (q) => chat.actions.search(q),
    exportConversation: (id, format) =>
      Promise.resolve(
        vscode.commands.executeCommand<vscode.Uri | undefined>(
          format === 'markdown' ? CommandIds.exportConversationMarkdown : CommandIds.exportConversationJson,
          id ? { conversationId: id } : undefined,
        ),
      ),
  };
}
