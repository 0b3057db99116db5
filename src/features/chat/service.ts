/**
 * The chat of one panel: the current conversation, its streaming answer, the models of its connection. It knows
 * nothing of the webview: the panel host listens to its events. The conversation object is the source of truth
 * (what the test API reads); the history store saves it as it streams.
 */
import * as vscode from 'vscode';
import type { ModelInfo } from '../../core/types';
import { describeKind } from '../../gateway';
import type { ConfigService } from '../../platform/config';
import type { ConnectionStore } from '../../platform/connections';
import { userMessage, type ErrorFixer, type FixButton, type FixId } from '../../platform/errors';
import { Disposable } from '../../platform/lifecycle';
import type { Logger } from '../../platform/logger';
import type { PromptService } from '../../platform/vscodePrompter';
import { ChatBusyError, receive, type RunningAnswer, startTurns } from './answer';
import type { ChatHistory } from './history';
import type { ChatKeys } from './keys';
import * as model from './model';
import type { ContextItem, Conversation, Turn } from './model';
import { ChatModelLists } from './modelLists';
import { explained, fixButtons, runSavedFix } from './savedFix';
import { showVariant, startVariant } from './variants';

type SendOptions = { readonly replaceLast?: boolean; readonly regenerate?: boolean };

export class ChatService extends Disposable {
  private conv: Conversation;
  private running: RunningAnswer | undefined;
  private readonly models: ChatModelLists;
  /** Context chips waiting for the next message. */
  private pending: Array<ContextItem & { id: string }> = [];
  /** Explains failed answers and runs their fixes (absent: the plain sentence only). */
  private fixer: ErrorFixer | undefined;
  /** Says why a fix cannot run (its connection or key is gone). */
  private prompts: PromptService | undefined;

  private readonly _onDidChangeState = this._register(new vscode.EventEmitter<void>());
  /** Anything but streamed text changed: the panel sends the whole state. */
  readonly onDidChangeState = this._onDidChangeState.event;
  private readonly _onDidAppend = this._register(new vscode.EventEmitter<Turn>());
  /** Text was appended to the streaming turn. */
  readonly onDidAppend = this._onDidAppend.event;
  private readonly _onDidFinishTurn = this._register(new vscode.EventEmitter<Turn>());
  /** A streaming turn ended (done, stopped or error). */
  readonly onDidFinishTurn = this._onDidFinishTurn.event;

  constructor(
    private readonly store: ConnectionStore,
    private readonly keys: ChatKeys,
    private readonly history: ChatHistory,
    private readonly log: Logger,
    private readonly config: ConfigService,
  ) {
    super();
    this.models = new ChatModelLists(
      store,
      log,
      (connectionId, models) => {
        if (this.conv.connectionId === connectionId && !this.conv.modelId && models[0])
          this.conv.modelId = models[0].id;
      },
      () => this._onDidChangeState.fire(),
    );
    this.conv = model.emptyConversation({ connectionId: this.defaultConnectionId() });
    this._register(
      store.onDidChange(() => {
        this.models.clear();
        this.ensureConnection();
        this._onDidChangeState.fire();
      }),
    );
    this._register({ dispose: () => this.running?.abort.abort() });
  }

  useFixer(fixer: ErrorFixer, prompts?: PromptService): void {
    this.fixer = fixer;
    this.prompts = prompts;
  }

  /** The buttons of a failed answer, rebuilt from what the answer keeps (so they come back after a reload). */
  fixesOf(turnId: string): readonly FixButton[] {
    return fixButtons(this.conv.turns.find((t) => t.id === turnId));
  }

  /**
   * Runs a failed answer's fix. "Try <model>" switches to that model and answers the last message again (beside the
   * failed answer); the key edits end in their own flows. A fix whose target is gone says so instead.
   */
  async runFix(turnId: string, fix: FixId): Promise<void> {
    if (!this.fixer) return;
    const turn = this.conv.turns.find((t) => t.id === turnId);
    const say = (m: string): void => void this.prompts?.ui.error(m);
    const ran = await runSavedFix(turn, fix, {
      fixer: this.fixer,
      store: this.store,
      keyLabel: (id) => this.keys.label(id),
      say,
    });
    if (ran?.outcome.kind === 'use-model' && this.conv.connectionId === ran.connectionId) {
      this.selectModel(ran.outcome.model);
      await this.regenerate();
    }
  }

  /** Shows another answer of a turn (the switcher's ‹ ›; the next message sends it); refused while one streams. */
  selectVariant(turnId: string, index: number): void {
    if (this.running) throw new ChatBusyError();
    const turn = this.conv.turns.find((t) => t.id === turnId && t.role === 'assistant');
    if (!turn || !showVariant(turn, index)) return;
    this.touch();
    this._onDidChangeState.fire();
  }

  get conversation(): Conversation {
    return this.conv;
  }

  get busy(): boolean {
    return this.running !== undefined;
  }

  /** Resolves when the running answer (if any) has ended. */
  whenIdle(): Promise<void> {
    return this.running?.done ?? Promise.resolve();
  }

  /** A conversation without a (still existing) connection gets the default one, when there is any. */
  ensureConnection(): void {
    const id = this.conv.connectionId;
    if (id && this.store.get(id)) return;
    const next = this.defaultConnectionId();
    if (next === id) return;
    if (next) this.conv.connectionId = next;
    else delete this.conv.connectionId;
    delete this.conv.modelId;
  }

  private defaultConnectionId(): string | undefined {
    const all = this.store.list();
    const active = this.config.activeConnectionId();
    return (all.find((p) => p.id === active) ?? all[0])?.id;
  }

  private touch(): void {
    this.conv.updatedAt = new Date().toISOString();
    if (this.conv.turns.length) this.history.schedule(this.conv);
  }

  // ---- models ----

  modelsOf(connectionId: string): { models?: readonly ModelInfo[]; error?: string } {
    return this.models.of(connectionId);
  }

  loadModels(connectionId: string, force = false): Promise<void> {
    return this.models.load(connectionId, force);
  }

  // ---- conversation settings ----

  selectConnection(connectionId: string): void {
    if (!this.store.get(connectionId)) throw new Error(vscode.l10n.t('No connection with the id {0}.', connectionId));
    if (this.conv.connectionId === connectionId) return;
    this.conv.connectionId = connectionId;
    delete this.conv.modelId;
    const m = this.modelsOf(connectionId);
    if (m.models?.[0]) this.conv.modelId = m.models[0].id;
    this.touch();
    this._onDidChangeState.fire();
  }

  selectModel(modelId: string): void {
    this.conv.modelId = modelId;
    this.touch();
    this._onDidChangeState.fire();
  }

  updateSettings(s: { systemPrompt?: string; temperature?: number | null; maxTokens?: number | null }): void {
    if (s.systemPrompt !== undefined) this.conv.systemPrompt = s.systemPrompt;
    if (s.temperature === null) delete this.conv.temperature;
    else if (s.temperature !== undefined) this.conv.temperature = s.temperature;
    if (s.maxTokens === null) delete this.conv.maxTokens;
    else if (s.maxTokens !== undefined) this.conv.maxTokens = s.maxTokens;
    this.touch();
    this._onDidChangeState.fire();
  }

  /** Starts a new, empty conversation with the same connection, model and settings (the old one stays saved). */
  async newConversation(init?: { connectionId?: string; modelId?: string }): Promise<void> {
    await this.stopAndWait();
    if (this.conv.turns.length) await this.history.flush(this.conv.id, this.conv);
    const connectionId = init?.connectionId ?? this.conv.connectionId ?? this.defaultConnectionId();
    this.conv = model.emptyConversation(model.carriedOver(this.conv, connectionId, init?.modelId));
    if (connectionId && !this.conv.modelId) {
      const m = this.modelsOf(connectionId);
      if (m.models?.[0]) this.conv.modelId = m.models[0].id;
    }
    this._onDidChangeState.fire();
  }

  /** Renames the open conversation when it is `id` (saved now); false when another one is open. */
  async renameIfOpen(id: string, title: string): Promise<boolean> {
    if (this.conv.id !== id) return false;
    this.conv.title = title;
    this.conv.updatedAt = new Date().toISOString();
    await this.history.flush(this.conv.id, this.conv);
    this._onDidChangeState.fire();
    return true;
  }

  /** When `id` is open: stops its answer and replaces it by a new, empty conversation WITHOUT saving it again. */
  async discardIfOpen(id: string): Promise<void> {
    if (this.conv.id !== id) return;
    await this.stopAndWait();
    const old = this.conv;
    this.conv = { ...old, turns: [] }; // newConversation() saves only a conversation with turns
    await this.newConversation();
  }

  /** Opens a saved conversation; false when it is missing or was corrupt (then it was set aside). */
  async open(id: string): Promise<boolean> {
    if (id === this.conv.id) return true;
    const c = await this.history.load(id);
    if (!c) return false;
    await this.stopAndWait();
    if (this.conv.turns.length) await this.history.flush(this.conv.id, this.conv);
    model.settleInterrupted(c);
    this.conv = c;
    this.ensureConnection(); // its connection may have been removed since
    if (c.connectionId && this.store.get(c.connectionId)) this.modelsOf(c.connectionId);
    this._onDidChangeState.fire();
    return true;
  }

  // ---- context chips ----

  get pendingContext(): ReadonlyArray<{ id: string; label: string }> {
    return this.pending.map((c) => ({ id: c.id, label: c.label }));
  }

  addContext(item: ContextItem): void {
    this.pending.push({ ...item, id: model.newId() });
    this._onDidChangeState.fire();
  }

  removeContext(id: string): void {
    this.pending = this.pending.filter((c) => c.id !== id);
    this._onDidChangeState.fire();
  }

  // ---- streaming ----

  /** Answers the last message again: the new answer is shown beside the earlier ones, which stay. */
  async regenerate(): Promise<void> {
    const turns = this.conv.turns;
    const last = [...turns].reverse().find((t) => t.role === 'user');
    if (!last) throw new Error(vscode.l10n.t('There is no message to send again.'));
    const answered = turns.at(-1)?.role === 'assistant' && turns.at(-2)?.role === 'user';
    await this.send(last.content, answered ? { regenerate: true } : { replaceLast: true });
  }

  /** Replaces the last user message (and its answer) with `text`, then sends it. */
  async editLast(text: string): Promise<void> {
    if (!this.conv.turns.some((t) => t.role === 'user'))
      throw new Error(vscode.l10n.t('There is no message to send again.'));
    await this.send(text, { replaceLast: true });
  }

  /**
   * Sends a user message and streams the answer; resolves when the answer has ended (done, stopped or failed).
   * `replaceLast`: the last user message and everything after it are replaced by this one; `regenerate`: `text` is
   * the last message, answered again beside its earlier answers.
   *
   * One answer at a time per conversation, enforced here: the slot is taken synchronously, before the first await,
   * so a second send / regenerate / edit that arrives while this one looks up its key or streams is refused with
   * ChatBusyError (never queued: a queued paid request would start later without the user asking again) and no
   * second request reaches the gateway.
   */
  async send(text: string, opts: SendOptions = {}): Promise<void> {
    if (this.running) throw new ChatBusyError();
    const connectionId = this.conv.connectionId;
    if (!connectionId || !this.store.get(connectionId))
      throw new Error(vscode.l10n.t('Choose a gateway connection first.'));
    const modelId = this.conv.modelId;
    if (!modelId) throw new Error(vscode.l10n.t('Choose a model first.'));

    const abort = new AbortController();
    let resolveDone!: () => void;
    const done = new Promise<void>((r) => {
      resolveDone = r;
    });
    const slot: RunningAnswer = { abort, done };
    this.running = slot;
    const conv = this.conv;
    this._onDidChangeState.fire();
    try {
      await this.stream(conv, connectionId, modelId, text, opts, slot);
    } finally {
      if (this.running === slot) this.running = undefined;
      resolveDone();
      // a request that ended before it started streaming (no key chosen, stopped, conversation switched) changed only `busy`
      if (!slot.turnId) this._onDidChangeState.fire();
    }
  }

  private async stream(
    conv: Conversation,
    connectionId: string,
    modelId: string,
    text: string,
    opts: SendOptions,
    slot: RunningAnswer,
  ): Promise<void> {
    const abort = slot.abort;
    let apiKey = await this.keys.get(connectionId);
    if (!apiKey && !abort.signal.aborted && conv === this.conv) {
      const label = await this.keys.pick(this.store, connectionId);
      this._onDidChangeState.fire();
      apiKey = label ? await this.keys.get(connectionId) : undefined;
    }
    // stopped, or another conversation opened, while the key was looked up: nothing is sent
    if (!apiKey || abort.signal.aborted || conv !== this.conv) return;

    const started = opts.regenerate ? startVariant(conv, modelId) : undefined;
    // Regenerate leaves the chips for the next message
    const { history, answer } =
      started ??
      startTurns(
        conv,
        text,
        this.pending.length ? this.pending.map(({ id: _id, ...c }) => c) : undefined,
        opts.replaceLast || opts.regenerate,
        modelId,
      );
    if (!started) this.pending = [];
    slot.turnId = answer.id;
    this.touch();
    this._onDidChangeState.fire();

    try {
      const stream = this.store.gateway(connectionId).streamChat(
        {
          model: modelId,
          messages: history,
          ...(conv.temperature !== undefined ? { temperature: conv.temperature } : {}),
          ...(conv.maxTokens !== undefined ? { maxTokens: conv.maxTokens } : {}),
        },
        { apiKey, signal: abort.signal },
      );
      await receive(answer, stream, {
        text: () => {
          this.touch();
          this._onDidAppend.fire(answer);
        },
        price: async (usage) => {
          const kind = this.store.get(connectionId)?.kind;
          const currency = kind ? describeKind(kind).capabilities.currency : undefined;
          return model.priceUsage(usage, await this.models.info(connectionId, modelId), currency);
        },
      });
      answer.status = abort.signal.aborted ? 'stopped' : 'done';
    } catch (e) {
      if (abort.signal.aborted) {
        answer.status = 'stopped';
      } else {
        answer.status = 'error';
        answer.error = userMessage(e);
        const diagnosis = await this.fixer
          ?.diagnose(e, { connectionId, model: modelId, surface: 'chat' })
          .catch((err: unknown) => this.log.warn('explaining a failed answer failed', err));
        if (diagnosis)
          Object.assign(answer, explained(diagnosis, connectionId, modelId, this.keys.label(connectionId)));
        this.log.warn(
          `chat answer on ${connectionId} (${modelId}) failed after ${answer.content.length} characters`,
          e,
        );
      }
    } finally {
      if (this.running === slot) this.running = undefined;
      conv.updatedAt = new Date().toISOString();
      await this.history.flush(conv.id, conv);
      if (conv === this.conv) this._onDidFinishTurn.fire(answer);
    }
  }

  /** Aborts the running answer at once (the HTTP request is cancelled); the partial text stays, marked stopped. */
  stop(): void {
    this.running?.abort.abort();
  }

  async stopAndWait(): Promise<void> {
    this.stop();
    await this.whenIdle();
  }
}
