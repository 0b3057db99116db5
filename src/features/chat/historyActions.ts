/**
 * What the user does with saved conversations: the "History…" quick pick (open, with item buttons to rename,
 * delete, export to Markdown or JSON, and a title button to import), search, and the matching commands. Dialogs go
 * through `HistoryDialogs` so the integration tests can answer them (a target path, a title, the confirmation).
 */
import * as os from 'node:os';
import * as vscode from 'vscode';
import { followExport } from '../../platform/exports';
import * as z from 'zod';
import { conversationIdSchema } from '../../core/ids';
import { CommandIds, registerCommand } from '../../platform/commands';
import { Disposable } from '../../platform/lifecycle';
import type { Logger } from '../../platform/logger';
import {
  conversationToJson,
  conversationToMarkdown,
  exportFileName,
  type HitPlace,
  matchesQuery,
  parseConversationJson,
  searchSnippet,
} from './exchange';
import { type ExportFormat, exportLabels, type HistoryDialogs, realDialogs } from './historyDialogs';

export { type ExportFormat, type HistoryDialogs, realDialogs } from './historyDialogs';
import type { ChatHistory } from './history';
import { type Conversation, newId } from './model';
import type { ChatService } from './service';

const conversationArg = z.union([z.undefined(), z.null(), z.object({ conversationId: conversationIdSchema })]);
const MAX_IMPORT_BYTES = 20 * 1024 * 1024;

interface ConvItem extends vscode.QuickPickItem {
  readonly id: string;
}

export class ChatHistoryActions extends Disposable {
  /** Messages shown to the user by these actions (the test API reads them). */
  readonly notices: string[] = [];

  constructor(
    private readonly history: ChatHistory,
    private readonly service: ChatService,
    private readonly log: Logger,
    private readonly onDeleted: (id: string) => Promise<void>,
    public dialogs: HistoryDialogs = realDialogs,
  ) {
    super();
    const run = (fn: (id: string | undefined) => Promise<unknown>) => async (arg: unknown) => {
      const r = conversationArg.safeParse(arg);
      if (!r.success)
        throw new Error(
          vscode.l10n.t(
            'This command was given an argument it does not accept; run it from the command palette instead.',
          ),
        );
      return fn(r.data?.conversationId);
    };
    this._register(
      registerCommand(
        CommandIds.renameConversation,
        run((id) => this.rename(id)),
        log,
      ),
    );
    this._register(
      registerCommand(
        CommandIds.deleteConversation,
        run((id) => this.delete(id)),
        log,
      ),
    );
    this._register(
      registerCommand(
        CommandIds.exportConversationMarkdown,
        run((id) => this.export(id, 'markdown')),
        log,
      ),
    );
    this._register(
      registerCommand(
        CommandIds.exportConversationJson,
        run((id) => this.export(id, 'json')),
        log,
      ),
    );
    this._register(registerCommand(CommandIds.importConversation, () => this.import(), log));
    this._register(registerCommand(CommandIds.searchConversations, () => this.searchPick(), log));
  }

  private notify(kind: 'info' | 'warning' | 'error', message: string): void {
    this.notices.push(message);
    if (kind === 'info') void vscode.window.showInformationMessage(message);
    else if (kind === 'warning') void vscode.window.showWarningMessage(message);
    else void vscode.window.showErrorMessage(message);
  }

  /** The conversation `id`, the open one (when it has messages), or one the user picks. */
  private async resolve(id: string | undefined, preferOpen: boolean): Promise<Conversation | undefined> {
    if (id) {
      const open = this.service.conversation;
      if (open.id === id) return open;
      const c = await this.history.load(id);
      if (!c) this.notify('warning', vscode.l10n.t('That conversation could not be opened.'));
      return c;
    }
    if (preferOpen && this.service.conversation.turns.length) return this.service.conversation;
    const picked = await this.pickConversation(vscode.l10n.t('Choose a conversation'));
    return picked ? this.resolve(picked, false) : undefined;
  }

  private async items(): Promise<ConvItem[]> {
    return (await this.history.list()).map((s) => ({
      label: s.title || vscode.l10n.t('(untitled)'),
      ...(s.modelId ? { description: s.modelId } : {}),
      detail: vscode.l10n.t('{0} messages · {1}', s.turns, new Date(s.updatedAt).toLocaleString(vscode.env.language)),
      id: s.id,
    }));
  }

  /**
   * The saved conversations matching every word of `query`, newest first, each with the line of its first hit as
   * the detail (the hit marked «so»), not the whole message.
   */
  async searchItems(query: string): Promise<ConvItem[]> {
    const place: Record<HitPlace, string> = {
      title: vscode.l10n.t('Title'),
      user: vscode.l10n.t('You'),
      assistant: vscode.l10n.t('Assistant'),
      context: vscode.l10n.t('Context'),
    };
    const out: ConvItem[] = [];
    for (const c of await this.history.loadAll()) {
      const hit = searchSnippet(c, query);
      if (!hit) continue;
      out.push({
        label: c.title || vscode.l10n.t('(untitled)'),
        ...(c.modelId ? { description: c.modelId } : {}),
        detail: `${place[hit.place]}: ${hit.before}«${hit.hit}»${hit.after}`,
        alwaysShow: true,
        id: c.id,
      });
    }
    return out;
  }

  private async pickConversation(title: string): Promise<string | undefined> {
    const items = await this.items();
    if (!items.length) {
      this.notify('info', vscode.l10n.t('No saved conversations yet.'));
      return undefined;
    }
    return (await vscode.window.showQuickPick(items, { title, matchOnDescription: true, matchOnDetail: true }))?.id;
  }

  /** "History…": open a conversation; item buttons rename, delete, export; a title button imports. */
  async showHistory(): Promise<void> {
    const items = await this.items();
    if (!items.length) {
      this.notify('info', vscode.l10n.t('No saved conversations yet.'));
      return;
    }
    const buttons = {
      rename: { iconPath: new vscode.ThemeIcon('edit'), tooltip: vscode.l10n.t('Rename') },
      del: { iconPath: new vscode.ThemeIcon('trash'), tooltip: vscode.l10n.t('Delete') },
      md: { iconPath: new vscode.ThemeIcon('markdown'), tooltip: vscode.l10n.t('Export to Markdown') },
      json: { iconPath: new vscode.ThemeIcon('json'), tooltip: vscode.l10n.t('Export to JSON') },
      imp: { iconPath: new vscode.ThemeIcon('cloud-download'), tooltip: vscode.l10n.t('Import from JSON') },
      search: { iconPath: new vscode.ThemeIcon('search'), tooltip: vscode.l10n.t('Search in messages') },
    };
    const qp = vscode.window.createQuickPick<ConvItem>();
    qp.title = vscode.l10n.t('Open a saved conversation');
    qp.matchOnDescription = true;
    qp.matchOnDetail = true;
    qp.items = items.map((i) => ({ ...i, buttons: [buttons.rename, buttons.del, buttons.md, buttons.json] }));
    qp.buttons = [buttons.search, buttons.imp];
    const action = await new Promise<
      { kind: 'open' | 'rename' | 'del' | 'md' | 'json' | 'imp' | 'search'; id?: string } | undefined
    >((resolve) => {
      const subs = [
        qp.onDidAccept(() => {
          const s = qp.selectedItems[0];
          resolve(s ? { kind: 'open', id: s.id } : undefined);
          qp.hide();
        }),
        qp.onDidTriggerItemButton((e) => {
          const kind =
            e.button === buttons.rename
              ? 'rename'
              : e.button === buttons.del
                ? 'del'
                : e.button === buttons.md
                  ? 'md'
                  : 'json';
          resolve({ kind, id: e.item.id });
          qp.hide();
        }),
        qp.onDidTriggerButton((b) => {
          resolve({ kind: b === buttons.imp ? 'imp' : 'search' });
          qp.hide();
        }),
        qp.onDidHide(() => {
          resolve(undefined);
          for (const s of subs) s.dispose();
          qp.dispose();
        }),
      ];
      qp.show();
    });
    if (!action) return;
    switch (action.kind) {
      case 'open':
        if (!(await this.service.open(action.id!)))
          this.notify('warning', vscode.l10n.t('That conversation could not be opened.'));
        return;
      case 'rename':
        await this.rename(action.id);
        return this.showHistory();
      case 'del':
        await this.delete(action.id);
        return this.showHistory();
      case 'md':
        await this.export(action.id, 'markdown');
        return;
      case 'json':
        await this.export(action.id, 'json');
        return;
      case 'imp':
        await this.import();
        return;
      case 'search':
        await this.searchPick();
        return;
    }
  }

  /** Search: a quick pick that matches the title and the text of every message, showing the line of each hit. */
  async searchPick(): Promise<void> {
    if (!(await this.history.list()).length) {
      this.notify('info', vscode.l10n.t('No saved conversations yet.'));
      return;
    }
    const qp = vscode.window.createQuickPick<ConvItem>();
    qp.title = vscode.l10n.t('Search conversations (titles and messages)');
    qp.placeholder = vscode.l10n.t('Type words from a title or a message');
    // the items are the matches found here; the quick pick only highlights them
    qp.matchOnDescription = true;
    qp.matchOnDetail = true;
    let seq = 0;
    const update = async (value: string): Promise<void> => {
      const mine = ++seq;
      qp.busy = true;
      const items = value.trim() ? await this.searchItems(value) : [];
      if (mine !== seq) return;
      qp.items = items;
      qp.busy = false;
    };
    const picked = await new Promise<ConvItem | undefined>((resolve) => {
      qp.onDidChangeValue((v) => void update(v).catch((e: unknown) => this.log.warn('search failed', e)));
      qp.onDidAccept(() => resolve(qp.selectedItems[0]));
      qp.onDidHide(() => resolve(undefined));
      qp.show();
    });
    qp.dispose();
    if (picked && !(await this.service.open(picked.id)))
      this.notify('warning', vscode.l10n.t('That conversation could not be opened.'));
  }

  /** The ids of the saved conversations whose title or messages contain every word of `query`, newest first. */
  async search(query: string): Promise<string[]> {
    return (await this.history.loadAll()).filter((c) => matchesQuery(c, query)).map((c) => c.id);
  }

  async rename(id: string | undefined): Promise<boolean> {
    const c = await this.resolve(id, false);
    if (!c) return false;
    const title = (await this.dialogs.inputTitle(c.title))?.trim();
    if (!title || title === c.title) return false;
    if (title.length > 200) throw new Error(vscode.l10n.t('At most 200 characters.'));
    if (!(await this.service.renameIfOpen(c.id, title))) {
      await this.history.flush(c.id, { ...c, title, updatedAt: new Date().toISOString() });
    }
    this.notify('info', vscode.l10n.t('Renamed the conversation to “{0}”.', title));
    return true;
  }

  async delete(id: string | undefined): Promise<boolean> {
    const c = await this.resolve(id, false);
    if (!c) return false;
    const name = c.title || vscode.l10n.t('(untitled)');
    const action = vscode.l10n.t('Delete');
    if (
      !(await this.dialogs.confirm(
        vscode.l10n.t('Delete the conversation “{0}” ({1} messages)? This cannot be undone.', name, c.turns.length),
        action,
      ))
    )
      return false;
    await this.service.discardIfOpen(c.id);
    const removed = await this.history.remove(c.id);
    await this.onDeleted(c.id);
    if (removed) this.notify('info', vscode.l10n.t('Deleted the conversation “{0}”.', name));
    return removed;
  }

  /** Writes the conversation to a file the user chooses; resolves to the file, or undefined when cancelled. */
  async export(id: string | undefined, format: ExportFormat): Promise<vscode.Uri | undefined> {
    const c = await this.resolve(id, true);
    if (!c) return undefined;
    if (c === this.service.conversation) await this.history.flushAll();
    const base = exportFileName(c, 'conversation');
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(os.homedir());
    const target = await this.dialogs.saveTarget(
      vscode.Uri.joinPath(folder, `${base}.${format === 'markdown' ? 'md' : 'json'}`),
      format,
    );
    if (!target) return undefined;
    const text = format === 'markdown' ? conversationToMarkdown(c, exportLabels()) : conversationToJson(c);
    await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(text));
    this.log.info(`exported conversation ${c.id} as ${format}`);
    const message = vscode.l10n.t('Exported “{0}” to {1}.', c.title || vscode.l10n.t('(untitled)'), target.fsPath);
    this.notices.push(message);
    void this.dialogs
      .exported(message)
      .then((choice) => followExport(target, choice))
      .catch((e: unknown) => this.log.warn('opening the export failed', e));
    return target;
  }

  /** Imports a conversation from an exported JSON file; resolves to its id (fresh when the id is taken). */
  async import(): Promise<string | undefined> {
    const source = await this.dialogs.openTarget();
    if (!source) return undefined;
    let bytes: Uint8Array;
    try {
      const stat = await vscode.workspace.fs.stat(source);
      if (stat.size > MAX_IMPORT_BYTES) {
        this.notify(
          'error',
          vscode.l10n.t('{0} is too large to be an exported conversation; nothing was imported.', source.fsPath),
        );
        return undefined;
      }
      bytes = await vscode.workspace.fs.readFile(source);
    } catch (e) {
      this.log.warn(`reading ${source.fsPath} failed`, e);
      this.notify('error', vscode.l10n.t('{0} could not be read; nothing was imported.', source.fsPath));
      return undefined;
    }
    const r = parseConversationJson(new TextDecoder().decode(bytes));
    if (!r.ok) {
      this.log.warn(`import of ${source.fsPath} refused (${r.reason}): ${r.detail}`);
      this.notify(
        'error',
        r.reason === 'json'
          ? vscode.l10n.t('{0} is not valid JSON; nothing was imported.', source.fsPath)
          : vscode.l10n.t(
              '{0} is not a conversation exported by AI Gateway Console ({1}); nothing was imported.',
              source.fsPath,
              r.detail,
            ),
      );
      return undefined;
    }
    const c = r.conversation;
    if (c.id === this.service.conversation.id || (await this.history.exists(c.id))) c.id = newId();
    await this.history.flush(c.id, c);
    this.notify('info', vscode.l10n.t('Imported the conversation “{0}”.', c.title || vscode.l10n.t('(untitled)')));
    return c.id;
  }
}
