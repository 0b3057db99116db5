/**
 * Conversations on disk: one JSON file per conversation under `<globalStorage>/chats/<id>.json` (zod schema with a
 * version). Writes are atomic (a temp file, then a rename over the old one), serialised per conversation and
 * throttled while an answer streams. A file that does not parse is renamed aside (`.corrupt-<ts>`) with a warning;
 * it never stops the panel.
 */
import * as vscode from 'vscode';
import { Disposable } from '../../platform/lifecycle';
import type { Logger } from '../../platform/logger';
import { type Conversation, conversationIdSchema, conversationSchema } from './model';

export interface ConversationSummary {
  readonly id: string;
  readonly title: string;
  readonly updatedAt: string;
  readonly modelId?: string;
  readonly turns: number;
}

const THROTTLE_MS = 500;

export class ChatHistory extends Disposable {
  readonly dir: vscode.Uri;
  private readonly pending = new Map<string, { conv: Conversation; timer: ReturnType<typeof setTimeout> }>();
  private readonly chains = new Map<string, Promise<void>>();
  private readonly _onDidChange = this._register(new vscode.EventEmitter<void>());
  readonly onDidChange = this._onDidChange.event;
  /** Files set aside as corrupt in this session (the test API reads it). */
  readonly setAside: string[] = [];

  constructor(
    storageUri: vscode.Uri,
    private readonly log: Logger,
    private readonly warn: (message: string) => void,
  ) {
    super();
    this.dir = vscode.Uri.joinPath(storageUri, 'chats');
    this._register({
      dispose: () => {
        for (const p of this.pending.values()) clearTimeout(p.timer);
      },
    });
  }

  private file(id: string): vscode.Uri {
    return vscode.Uri.joinPath(this.dir, `${conversationIdSchema.parse(id)}.json`);
  }

  /** Saves soon (at most one write per conversation every 500 ms); `flush` forces it. */
  schedule(conv: Conversation): void {
    const p = this.pending.get(conv.id);
    if (p) {
      p.conv = conv;
      return;
    }
    const timer = setTimeout(() => {
      void this.flush(conv.id);
    }, THROTTLE_MS);
    this.pending.set(conv.id, { conv, timer });
  }

  /** Writes a scheduled save now (or `conv` if given). Resolves when it is on disk. */
  async flush(id: string, conv?: Conversation): Promise<void> {
    const p = this.pending.get(id);
    if (p) {
      clearTimeout(p.timer);
      this.pending.delete(id);
    }
    const latest = conv ?? p?.conv;
    if (!latest) return this.chains.get(id);
    const json = JSON.stringify(latest, null, 1);
    const prev = this.chains.get(id) ?? Promise.resolve();
    const next = prev
      .then(() => this.writeAtomic(id, json))
      .catch((e: unknown) => {
        this.log.error(`saving conversation ${id} failed`, e);
      });
    this.chains.set(id, next);
    await next;
    if (this.chains.get(id) === next) this.chains.delete(id);
    this._onDidChange.fire();
  }

  async flushAll(): Promise<void> {
    await Promise.all([...this.pending.keys()].map((id) => this.flush(id)));
    await Promise.all([...this.chains.values()]);
  }

  private async writeAtomic(id: string, json: string): Promise<void> {
    await vscode.workspace.fs.createDirectory(this.dir);
    const target = this.file(id);
    const tmp = vscode.Uri.joinPath(this.dir, `${id}.json.tmp-${process.pid}-${Date.now().toString(36)}`);
    await vscode.workspace.fs.writeFile(tmp, new TextEncoder().encode(json));
    try {
      await vscode.workspace.fs.rename(tmp, target, { overwrite: true });
    } catch (e) {
      await vscode.workspace.fs.delete(tmp).then(undefined, () => undefined);
      throw e;
    }
  }

  /** Reads one conversation; a corrupt file is set aside and `undefined` returned. */
  async load(id: string): Promise<Conversation | undefined> {
    if (!conversationIdSchema.safeParse(id).success) return undefined;
    await this.chains.get(id);
    const uri = this.file(id);
    let bytes: Uint8Array;
    try {
      bytes = await vscode.workspace.fs.readFile(uri);
    } catch {
      return undefined; // not there
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(new TextDecoder().decode(bytes));
    } catch (e) {
      await this.setAsideCorrupt(uri, e);
      return undefined;
    }
    const r = conversationSchema.safeParse(parsed);
    if (!r.success || r.data.id !== id) {
      await this.setAsideCorrupt(uri, r.success ? new Error('id does not match the file name') : r.error);
      return undefined;
    }
    return r.data;
  }

  /** Every saved conversation, newest first. Corrupt files are set aside on the way. */
  async list(): Promise<ConversationSummary[]> {
    await this.flushAll();
    let entries: Array<[string, vscode.FileType]>;
    try {
      entries = await vscode.workspace.fs.readDirectory(this.dir);
    } catch {
      return [];
    }
    const out: ConversationSummary[] = [];
    for (const [name, type] of entries) {
      if (type !== vscode.FileType.File || !name.endsWith('.json')) continue;
      const id = name.slice(0, -'.json'.length);
      if (!conversationIdSchema.safeParse(id).success) continue;
      const c = await this.load(id);
      if (c)
        out.push({
          id: c.id,
          title: c.title,
          updatedAt: c.updatedAt,
          ...(c.modelId ? { modelId: c.modelId } : {}),
          turns: c.turns.length,
        });
    }
    return out.sort((a, b) => (a.updatedAt < b.updatedAt ? 1 : a.updatedAt > b.updatedAt ? -1 : 0));
  }

  /** True when a conversation file with this id exists. */
  async exists(id: string): Promise<boolean> {
    if (!conversationIdSchema.safeParse(id).success) return false;
    if (this.pending.has(id)) return true;
    await this.chains.get(id);
    try {
      await vscode.workspace.fs.stat(this.file(id));
      return true;
    } catch {
      return false;
    }
  }

  /** Deletes a conversation file (a scheduled save of it is dropped first). False when it was not there. */
  async remove(id: string): Promise<boolean> {
    if (!conversationIdSchema.safeParse(id).success) return false;
    const p = this.pending.get(id);
    if (p) {
      clearTimeout(p.timer);
      this.pending.delete(id);
    }
    await this.chains.get(id);
    try {
      await vscode.workspace.fs.delete(this.file(id), { useTrash: false });
    } catch {
      return false;
    }
    this._onDidChange.fire();
    return true;
  }

  /** Every saved conversation in full (corrupt files are set aside on the way), newest first. */
  async loadAll(): Promise<Conversation[]> {
    const out: Conversation[] = [];
    for (const s of await this.list()) {
      const c = await this.load(s.id);
      if (c) out.push(c);
    }
    return out;
  }

  private async setAsideCorrupt(uri: vscode.Uri, why: unknown): Promise<void> {
    const aside = uri.with({ path: `${uri.path}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}` });
    try {
      await vscode.workspace.fs.rename(uri, aside, { overwrite: false });
      this.setAside.push(aside.fsPath);
      this.log.warn(`conversation file ${uri.fsPath} is not readable; set aside as ${aside.fsPath}`, why);
      this.warn(vscode.l10n.t('A saved conversation could not be read and was set aside as {0}.', aside.fsPath));
    } catch (e) {
      this.log.error(`setting aside ${uri.fsPath} failed`, e);
    }
  }
}
