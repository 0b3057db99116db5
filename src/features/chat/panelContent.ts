/**
 * What the chat panel shows besides the conversation's state: its translated strings, a turn as the webview sees
 * it, and the context chips made from an editor or a document.
 */
import * as vscode from 'vscode';
import type { ConnectionStore } from '../../platform/connections';
import type { FixButton } from '../../platform/errors';
import { isChatModel } from '../../platform/modelRules';
import type { ChatStateView, TurnView, UiStringKey } from '../../webview/protocol';
import type { ChatKeys } from './keys';
import { type ContextItem, conversationTotals, type Turn } from './model';
import type { ChatService } from './service';
import { variantStrings, variantView } from './variantView';

/** The whole state a chat webview is sent (the panel and the side bar view get the same). */
export function chatStateView(service: ChatService, store: ConnectionStore, keys: ChatKeys): ChatStateView {
  service.ensureConnection();
  const c = service.conversation;
  const connectionId = c.connectionId && store.get(c.connectionId) ? c.connectionId : undefined;
  const m = connectionId ? service.modelsOf(connectionId) : {};
  const keyLabel = connectionId ? keys.label(connectionId) : undefined;
  return {
    conversationId: c.id,
    title: c.title,
    connections: store.list().map((p) => ({ id: p.id, label: p.label })),
    ...(connectionId ? { connectionId } : {}),
    ...(c.modelId ? { modelId: c.modelId } : {}),
    ...(m.models
      ? {
          models: m.models.filter(isChatModel).map((x) => ({
            id: x.id,
            label: x.name && x.name !== x.id ? `${x.id} — ${x.name}` : x.id,
          })),
        }
      : {}),
    ...(m.error ? { modelsError: m.error } : {}),
    ...(keyLabel ? { keyLabel } : {}),
    systemPrompt: c.systemPrompt,
    ...(c.temperature !== undefined ? { temperature: c.temperature } : {}),
    ...(c.maxTokens !== undefined ? { maxTokens: c.maxTokens } : {}),
    turns: c.turns.map((t) => turnView(t, service.fixesOf(t.id))),
    context: service.pendingContext,
    busy: service.busy,
    totals: conversationTotals(c),
    strings: uiStrings(),
  };
}

export function uiStrings(): Record<UiStringKey, string> {
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
    usageInput: vscode.l10n.t('Input'),
    usageCached: vscode.l10n.t('Cached input'),
    usageCacheWrite: vscode.l10n.t('Cache write'),
    usageOutput: vscode.l10n.t('Output'),
    usageReasoning: vscode.l10n.t('of which reasoning'),
    savedByCache: vscode.l10n.t('Saved by cache'),
    cacheCostMore: vscode.l10n.t('Cache writes cost more than reads saved'),
    noPrice: vscode.l10n.t('no price known'),
    atLeast: vscode.l10n.t('at least'),
    gatewayCost: vscode.l10n.t('Gateway reports'),
    costDiffers: vscode.l10n.t('differs from the price list by {0}'),
    costBreakdown: vscode.l10n.t('Cost by token class'),
    chooseModel: vscode.l10n.t('Choose a model…'),
    moreActions: vscode.l10n.t('More actions'),
    searchHistory: vscode.l10n.t('Search conversations…'),
    ...variantStrings(),
  };
}

export function turnView(t: Turn, fixes: readonly FixButton[] = []): TurnView {
  return {
    id: t.id,
    role: t.role,
    content: t.content,
    ...(t.context?.length ? { context: t.context.map((c) => c.label) } : {}),
    ...(t.model ? { model: t.model } : {}),
    ...(t.status ? { status: t.status } : {}),
    ...(t.error ? { error: t.error } : {}),
    ...(t.status === 'error' && fixes.length > 0 ? { fixes: fixes.map((f) => ({ id: f.id, label: f.label })) } : {}),
    ...(t.usage ? { usage: t.usage } : {}),
    ...(t.cost ? { cost: t.cost } : {}),
    ...(t.breakdown ? { breakdown: t.breakdown } : {}),
    ...variantView(t),
  };
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
    void vscode.window.showWarningMessage(
      vscode.l10n.t(
        '{0} is too large to add to the chat ({1} characters; the limit is {2}).',
        label,
        text.length,
        MAX_CONTEXT_CHARS,
      ),
    );
    return undefined;
  }
  return { label, text, language: doc.languageId };
}

/** The whole document as a context chip ("+ File"), or undefined (with a message) when it is too large. */
export function contextFromDocument(doc: vscode.TextDocument): ContextItem | undefined {
  const label = fileLabel(doc);
  const text = doc.getText();
  if (text.length > MAX_CONTEXT_CHARS) {
    void vscode.window.showWarningMessage(
      vscode.l10n.t(
        '{0} is too large to add to the chat ({1} characters; the limit is {2}).',
        label,
        text.length,
        MAX_CONTEXT_CHARS,
      ),
    );
    return undefined;
  }
  return { label, text, language: doc.languageId };
}

export function fileLabel(doc: vscode.TextDocument): string {
  return doc.isUntitled ? doc.uri.path : vscode.workspace.asRelativePath(doc.uri, false);
}
