/**
 * The gateway's models in VS Code's language-model API (`vscode.lm`): VS Code's chat, agent mode and any other
 * extension (`vscode.lm.selectChatModels({ vendor: 'aiGateway' })`) can use them.
 *
 *  - One model per connection and gateway model, named "<model> · <connection>", with the catalogue's limits,
 *    tool calling / image input, prices and the connection in the tooltip and detail.
 *  - A connection takes part only when it has a chat model key (the one the chat panel uses). Asked silently,
 *    nothing prompts: connections without a key are left out. Asked non-silently (the user is managing models),
 *    the key picker opens for a connection that has none.
 *  - Answers stream through the same gateway client as the chat panel; tool calls are assembled from their
 *    fragments; cancelling aborts the HTTP request at once; a failure becomes a LanguageModelError with our sentence.
 *  - Every request's tokens and cost go to the usage ledger.
 */
import * as vscode from 'vscode';
import type { ModelInfo, TokenUsage } from '../../core/types';
import { describeKind } from '../../gateway';
import { ToolCallAssembler, parseToolArguments } from '../../gateway/toolCalls';
import type { ChatKeySources } from '../../platform/chatKey';
import type { ConnectionProfile, ConnectionStore } from '../../platform/connections';
import type { ErrorFixer } from '../../platform/errors';
import { formatMoney, formatTokenCount } from '../../core/format';
import { Disposable } from '../../platform/lifecycle';
import type { Logger } from '../../platform/logger';
import type { ModelCatalog } from '../../platform/modelCatalog';
import { capabilitiesOf, estimateTokens, familyOf, isChatModel, tokenLimitsOf } from '../../platform/modelRules';
import { chooseLmKey } from './keys';
import type { UsageLedger } from './ledger';
import { priceUsage } from '../../core/pricing';
import { isImagePart, toChatRequest, toolResultText } from './convert';
import { toLanguageModelError } from './errors';

export const LM_VENDOR = 'aiGateway';

/** What VS Code gets for one model, plus where it comes from. */
export interface GatewayModelInformation extends vscode.LanguageModelChatInformation {
  readonly connectionId: string;
  readonly modelId: string;
}

/** `<connection id>/<model id>`: connection ids never contain a slash, model ids may. */
export function lmModelId(connectionId: string, modelId: string): string {
  return `${connectionId}/${modelId}`;
}

export function parseLmModelId(id: string): { connectionId: string; modelId: string } | undefined {
  const i = id.indexOf('/');
  return i > 0 && i < id.length - 1 ? { connectionId: id.slice(0, i), modelId: id.slice(i + 1) } : undefined;
}

export interface ProviderStats {
  infoCalls: number;
  silentInfoCalls: number;
  requests: number;
  /** The last request body's shape, for tests: model, message roles, tool names, tool choice. */
  lastRequest?: { model: string; roles: string[]; tools: string[]; toolChoice?: unknown; images: number };
}

export class GatewayChatProvider
  extends Disposable
  implements vscode.LanguageModelChatProvider<GatewayModelInformation>
{
  private readonly _onDidChange = this._register(new vscode.EventEmitter<void>());
  readonly onDidChangeLanguageModelChatInformation = this._onDidChange.event;
  readonly stats: ProviderStats = { infoCalls: 0, silentInfoCalls: 0, requests: 0 };
  private readonly log: Logger;
  /** Explains a failed request (set by the composition root). */
  fixer: ErrorFixer | undefined;

  constructor(
    private readonly store: ConnectionStore,
    private readonly catalog: ModelCatalog,
    private readonly ledger: UsageLedger,
    log: Logger,
    /** This session's new keys and "Create a key for chat", offered when VS Code asks for a key. */
    private readonly keySources: () => ChatKeySources = () => ({}),
    private readonly locale: () => string = () => vscode.env.language,
  ) {
    super();
    this.log = log.child('lm');
    // connections, tokens, chat keys or a model list changed: VS Code asks again
    this._register(store.onDidChange(() => this._onDidChange.fire()));
    this._register(
      store.secrets.onDidChangeSecret((c) => {
        if (c.kind === 'chatKey') this._onDidChange.fire();
      }),
    );
    this._register(catalog.onDidChange(() => this._onDidChange.fire()));
  }

  // ---- models ----------------------------------------------------------------------------------

  async provideLanguageModelChatInformation(
    options: vscode.PrepareLanguageModelChatModelOptions,
    token: vscode.CancellationToken,
  ): Promise<GatewayModelInformation[]> {
    this.stats.infoCalls++;
    if (options.silent) this.stats.silentInfoCalls++;
    const signal = abortOn(token);
    let withKey = await this.connectionsWithKey();
    if (!options.silent && withKey.length === 0 && this.store.list().length > 0 && !token.isCancellationRequested) {
      // the user is managing models and none of ours can show: let them choose a key (never when silent)
      const profile = this.store.list()[0]!;
      await chooseLmKey(this.store, profile, this.log, this.keySources());
      withKey = await this.connectionsWithKey();
    }
    const out: GatewayModelInformation[] = [];
    await Promise.all(
      withKey.map(async (p) => {
        try {
          const models = await this.catalog.get(p.id, { signal: signal.signal });
          for (const m of models) if (isChatModel(m)) out.push(this.information(p, m));
        } catch (e) {
          if (!token.isCancellationRequested)
            this.log.warn(`listing the models of "${p.label}" for VS Code chat failed`, e);
        }
      }),
    );
    signal.dispose();
    const order = new Map(this.store.list().map((p, i) => [p.id, i]));
    return out.sort((a, b) => order.get(a.connectionId)! - order.get(b.connectionId)! || a.name.localeCompare(b.name));
  }

  /** Valid connections that have a chat model key (reading SecretStorage; never prompting). */
  async connectionsWithKey(): Promise<ConnectionProfile[]> {
    const all = this.store.list();
    const has = await Promise.all(all.map((p) => this.store.secrets.has('chatKey', p.id).catch(() => false)));
    return all.filter((_, i) => has[i]);
  }

  information(p: ConnectionProfile, m: ModelInfo): GatewayModelInformation {
    const caps = capabilitiesOf(m);
    const limits = tokenLimitsOf(m);
    const locale = this.locale();
    const display = m.name ?? m.id;
    const price = m.price;
    const priceText =
      price?.inputPerMTok || price?.outputPerMTok
        ? vscode.l10n.t(
            '{0} in / {1} out per 1M tokens',
            price.inputPerMTok ? formatMoney(price.inputPerMTok, locale, 'amount') : '—',
            price.outputPerMTok ? formatMoney(price.outputPerMTok, locale, 'amount') : '—',
          )
        : vscode.l10n.t('no price in the catalogue');
    const keyLabel = this.store.secrets.chatKeyLabel(p.id);
    const lines = [
      vscode.l10n.t('{0} on {1} ({2})', m.id, p.label, describeKind(p.kind).label),
      priceText,
      limits.contextAssumed
        ? vscode.l10n.t(
            'Context: not in the catalogue (assumed {0} tokens), up to {1} out',
            formatTokenCount(limits.maxInputTokens + limits.maxOutputTokens, locale),
            formatTokenCount(limits.maxOutputTokens, locale),
          )
        : vscode.l10n.t(
            'Context: {0} tokens, up to {1} out',
            formatTokenCount(m.contextLength ?? 0, locale),
            formatTokenCount(limits.maxOutputTokens, locale),
          ),
      caps.toolCalling ? vscode.l10n.t('Tool calling: yes') : vscode.l10n.t('Tool calling: no'),
      caps.imageInput ? vscode.l10n.t('Image input: yes') : vscode.l10n.t('Image input: no'),
      ...(keyLabel ? [vscode.l10n.t('Paid with the key {0}', keyLabel)] : []),
    ];
    return {
      id: lmModelId(p.id, m.id),
      name: `${display} · ${p.label}`,
      family: familyOf(m.id),
      version: m.id,
      maxInputTokens: limits.maxInputTokens,
      maxOutputTokens: limits.maxOutputTokens,
      tooltip: lines.join('\n'),
      detail: `${p.label} · ${priceText}`,
      capabilities: { toolCalling: caps.toolCalling, imageInput: caps.imageInput },
      connectionId: p.id,
      modelId: m.id,
    };
  }

  // ---- answers ---------------------------------------------------------------------------------

  async provideLanguageModelChatResponse(
    model: GatewayModelInformation,
    messages: readonly vscode.LanguageModelChatRequestMessage[],
    options: vscode.ProvideLanguageModelChatResponseOptions,
    progress: vscode.Progress<vscode.LanguageModelResponsePart>,
    token: vscode.CancellationToken,
  ): Promise<void> {
    this.stats.requests++;
    const ids = parseLmModelId(model.id);
    const connectionId = model.connectionId ?? ids?.connectionId;
    const modelId = model.modelId ?? ids?.modelId;
    const profile = connectionId ? this.store.get(connectionId) : undefined;
    if (!profile || !modelId)
      throw vscode.LanguageModelError.NotFound(
        vscode.l10n.t('This gateway model is no longer available: its connection was removed or changed.'),
      );
    const apiKey = await this.store.secrets.get('chatKey', profile.id);
    if (!apiKey) {
      throw vscode.LanguageModelError.NoPermissions(
        vscode.l10n.t(
          'No model key is chosen for "{0}". Run "AI Gateway: Choose the Model Key for VS Code Chat…" to choose one.',
          profile.label,
        ),
      );
    }
    const request = toChatRequest(modelId, messages, options, model.capabilities.imageInput === true);
    this.stats.lastRequest = {
      model: request.model,
      roles: request.messages.map((m) => m.role),
      tools: (request.tools ?? []).map((t) => t.name),
      ...(request.toolChoice !== undefined ? { toolChoice: request.toolChoice } : {}),
      images: request.messages.reduce((n, m) => n + (m.parts ?? []).filter((p) => p.type === 'image').length, 0),
    };
    const abort = abortOn(token);
    const tools = new ToolCallAssembler();
    let usage: TokenUsage | undefined;
    let finished = false;
    try {
      const stream = this.store.gateway(profile.id).streamChat(request, { apiKey, signal: abort.signal });
      for await (const ev of stream) {
        if (ev.type === 'text') progress.report(new vscode.LanguageModelTextPart(ev.text));
        else if (ev.type === 'tool-call') tools.add(ev);
        else if (ev.type === 'usage') usage = ev.usage;
        else if (ev.type === 'finish') finished = true;
      }
      this.reportToolCalls(tools, progress, profile, modelId);
    } catch (e) {
      if (token.isCancellationRequested) throw new vscode.CancellationError();
      this.log.warn(`VS Code chat request on "${profile.label}" (${modelId}) failed`, e);
      const ctx = { connectionId: profile.id, model: modelId, surface: 'lm' } as const;
      const d = await this.fixer?.diagnose(e, ctx).catch(() => undefined);
      // a fix cannot be a button in VS Code's chat: the sentence says it, a notification offers it (once per kind)
      if (d?.problem) this.fixer?.offer(d, ctx);
      throw toLanguageModelError(
        e,
        profile.label,
        modelId,
        this.store.secrets.chatKeyLabel(profile.id),
        d?.problem ? d.sentence : undefined,
      );
    } finally {
      abort.dispose();
      void this.record(profile, modelId, usage).catch((e: unknown) => this.log.warn('recording the usage failed', e));
    }
    if (!finished && token.isCancellationRequested) throw new vscode.CancellationError();
  }

  private reportToolCalls(
    tools: ToolCallAssembler,
    progress: vscode.Progress<vscode.LanguageModelResponsePart>,
    profile: ConnectionProfile,
    modelId: string,
  ): void {
    if (tools.nameless > 0)
      this.log.warn(
        `"${profile.label}" (${modelId}) streamed ${tools.nameless} tool call(s) without a name; they were dropped`,
      );
    for (const call of tools.calls()) {
      const args = parseToolArguments(call.arguments);
      if (!args.ok) {
        throw new vscode.LanguageModelError(
          vscode.l10n.t(
            'The model called the tool "{0}" with arguments that are not a JSON object ({1}).',
            call.name,
            args.reason,
          ),
        );
      }
      progress.report(new vscode.LanguageModelToolCallPart(call.id, call.name, args.value));
    }
  }

  private async record(profile: ConnectionProfile, modelId: string, usage: TokenUsage | undefined): Promise<void> {
    const info = this.catalog.peek(profile.id)?.find((m) => m.id === modelId);
    const breakdown = usage
      ? priceUsage(usage, info?.price, describeKind(profile.kind).capabilities.currency)
      : undefined;
    await this.ledger.record({
      connectionId: profile.id,
      model: modelId,
      ...(usage ? { usage } : {}),
      ...(breakdown ? { breakdown } : {}),
    });
  }

  // ---- tokens ----------------------------------------------------------------------------------

  provideTokenCount(
    _model: GatewayModelInformation,
    text: string | vscode.LanguageModelChatRequestMessage,
    _token: vscode.CancellationToken,
  ): Promise<number> {
    if (typeof text === 'string') return Promise.resolve(estimateTokens(text));
    let n = 4; // role and message framing
    for (const part of text.content) {
      if (part instanceof vscode.LanguageModelTextPart) n += estimateTokens(part.value);
      else if (part instanceof vscode.LanguageModelToolCallPart)
        n += estimateTokens(part.name) + estimateTokens(JSON.stringify(part.input ?? {}));
      else if (part instanceof vscode.LanguageModelToolResultPart) n += estimateTokens(toolResultText(part.content));
      else if (isImagePart(part)) n += 765; // a 1024×1024 image at OpenAI's high-detail rate
    }
    return Promise.resolve(n);
  }
}

/** An AbortController that follows a CancellationToken (dispose it when done). */
function abortOn(token: vscode.CancellationToken): { signal: AbortSignal; dispose(): void } {
  const ac = new AbortController();
  if (token.isCancellationRequested) ac.abort();
  const sub = token.onCancellationRequested(() => ac.abort());
  return {
    signal: ac.signal,
    dispose: () => {
      sub.dispose();
    },
  };
}
