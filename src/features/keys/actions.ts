/**
 * KeyActions: the work behind the key commands that need no multi-field input — details, enable / disable (verified
 * by a re-read), delete (confirmed), copy key, copy as snippet, and the tree's filter / sort pickers. Commands stay
 * thin (commands.ts); tests call these methods directly and may replace `confirm` and `clipboard`.
 */
import * as vscode from 'vscode';
import type { ApiKey, ModelInfo } from '../../core/types';
import { protocolEndpoints } from '../../gateway/endpoints';
import type { ConnectionStore } from '../../platform/connections';
import { ViewIds } from '../../platform/commands';
import type { Logger } from '../../platform/logger';
import { withProgress } from '../../platform/progress';
import { type KeyDetailsProvider, keyDetailsUri } from './details';
import {
  DISPLAY_STATUSES, type DisplayStatus, type KeyFilter, type KeySort, SNIPPET_KINDS, type SnippetKind, buildSnippet, chatBaseUrl, isFilterActive,
} from './logic';
import type { KeyRef } from './refs';
import { describeFilter, sortLabel, statusLabel } from './labels';
import type { KeysTree } from './tree';

/** Asks the user to confirm a destructive action; resolves true only when `action` was chosen. */
export type Confirm = (message: string, detail: string, action: string) => Promise<boolean>;

export const modalConfirm: Confirm = async (message, detail, action) =>
  (await vscode.window.showWarningMessage(message, { modal: true, detail }, action)) === action;

export interface Clipboard {
  writeText(value: string): Thenable<void>;
}

export interface KeyActionsDeps {
  readonly store: ConnectionStore;
  readonly tree: KeysTree;
  readonly details: KeyDetailsProvider;
  readonly log: Logger;
}

export type CopyKeyResult = 'copied' | 'unavailable';

export interface ToggleResult {
  /** The key as re-read after the write. */
  readonly key: ApiKey;
  /** Whether the gateway applied the change (the re-read shows the requested status). */
  readonly applied: boolean;
}

export class KeyActions {
  /** Replaceable in tests; by default the real modal warning. */
  confirm: Confirm = modalConfirm;
  /** Replaceable in tests; by default VS Code's clipboard. */
  clipboard: Clipboard = vscode.env.clipboard;
  private readonly log: Logger;

  constructor(private readonly deps: KeyActionsDeps) {
    this.log = deps.log.child('keyActions');
  }

  private label(connectionId: string): string {
    return this.deps.store.require(connectionId).label;
  }

  /** Progress shown on the keys view, where tree actions start. */
  private progress<T>(title: string, task: (signal: AbortSignal) => Promise<T>): Promise<T> {
    return withProgress({ title, where: { viewId: ViewIds.keys }, cancellable: false }, task);
  }

  /** The key as the tree has it, else one read. */
  private async key(ref: KeyRef): Promise<ApiKey> {
    return this.deps.tree.cachedKey(ref) ?? (await this.deps.store.gateway(ref.connectionId).getKey(ref.keyId));
  }

  // ---- view details -------------------------------------------------------------------------

  async showDetails(ref: KeyRef): Promise<vscode.TextEditor> {
    const key = await this.progress(vscode.l10n.t('Reading the key…'), (signal) => this.deps.store.gateway(ref.connectionId).getKey(ref.keyId, { signal }));
    const uri = keyDetailsUri(ref, key.name);
    this.deps.details.set(uri, key);
    const doc = await vscode.workspace.openTextDocument(uri);
    return vscode.window.showTextDocument(doc, { preview: true });
  }

  // ---- enable / disable ---------------------------------------------------------------------

  /** Enables or disables, then re-reads the key and warns, naming the field, when the gateway did not apply it. */
  async setEnabled(ref: KeyRef, enabled: boolean): Promise<ToggleResult> {
    const gateway = this.deps.store.gateway(ref.connectionId);
    const connection = this.label(ref.connectionId);
    const result = await this.progress(
      enabled ? vscode.l10n.t('Enabling the key…') : vscode.l10n.t('Disabling the key…'),
      async (signal) => {
        await gateway.setKeyEnabled(ref.keyId, enabled, { signal });
        const key = await gateway.getKey(ref.keyId, { signal });
        return { key, applied: enabled ? key.status === 'active' : key.status === 'disabled' };
      },
    );
    this.deps.tree.upsertKey(ref.connectionId, result.key);
    const name = result.key.name || result.key.id;
    if (!result.applied) {
      this.log.warn(`${connection}: ${enabled ? 'enable' : 'disable'} of key ${ref.keyId} not applied; status is ${String(result.key.rawStatus)}`);
      void vscode.window.showWarningMessage(enabled
        ? vscode.l10n.t('{0} did not enable "{1}": read back, its status is still "{2}" (field: status).', connection, name, String(result.key.rawStatus))
        : vscode.l10n.t('{0} did not disable "{1}": read back, its status is still "{2}" (field: status).', connection, name, String(result.key.rawStatus)));
    } else {
      vscode.window.setStatusBarMessage(enabled ? vscode.l10n.t('Enabled "{0}".', name) : vscode.l10n.t('Disabled "{0}".', name), 5000);
    }
    return result;
  }

  // ---- delete -------------------------------------------------------------------------------

  /** Deletes after a modal confirmation naming the key and the connection. Resolves false when the user declined. */
  async delete(ref: KeyRef): Promise<boolean> {
    const connection = this.label(ref.connectionId);
    const key = await this.key(ref);
    const name = key.name || key.id;
    const action = vscode.l10n.t('Delete Key');
    const ok = await this.confirm(
      vscode.l10n.t('Delete the key "{0}" ({1}) from {2}?', name, key.maskedKey, connection),
      vscode.l10n.t('Every application using this key stops working at once. This cannot be undone.'),
      action,
    );
    if (!ok) return false;
    await this.progress(vscode.l10n.t('Deleting "{0}"…', name), (signal) => this.deps.store.gateway(ref.connectionId).deleteKey(ref.keyId, { signal }));
    this.log.info(`${connection}: deleted key ${ref.keyId}`);
    this.deps.tree.removeKey(ref.connectionId, ref.keyId);
    vscode.window.setStatusBarMessage(vscode.l10n.t('Deleted "{0}".', name), 5000);
    return true;
  }

  // ---- copy ---------------------------------------------------------------------------------

  /** The full secret where the gateway can return it; undefined (with the reason) where it cannot. */
  private async secretOf(ref: KeyRef, signal: AbortSignal): Promise<string | undefined> {
    const gateway = this.deps.store.gateway(ref.connectionId);
    if (!gateway.capabilities.secretsReadable) return undefined;
    const cached = this.deps.tree.cachedKey(ref)?.secret;
    return cached ?? (await gateway.revealKey(ref.keyId, { signal }));
  }

  private unavailableText(connectionId: string): string {
    return vscode.l10n.t('{0} shows a key\'s full secret only once, when the key is created or rotated; it cannot be read again. Use the copy you saved then, or rotate the key to get a new secret.', this.label(connectionId));
  }

  async copyKey(ref: KeyRef): Promise<CopyKeyResult> {
    const secret = await this.progress(vscode.l10n.t('Reading the key…'), (signal) => this.secretOf(ref, signal));
    if (!secret) {
      void vscode.window.showInformationMessage(this.unavailableText(ref.connectionId));
      return 'unavailable';
    }
    await this.clipboard.writeText(secret);
    const key = this.deps.tree.cachedKey(ref);
    vscode.window.setStatusBarMessage(vscode.l10n.t('Copied the key "{0}" to the clipboard.', key?.name || ref.keyId), 5000);
    return 'copied';
  }

  /** Copies a snippet (curl / Python / Node / .env) with the chat base URL, the key (or a placeholder) and an allowed model. */
  async copySnippet(ref: KeyRef, kind?: SnippetKind): Promise<string | undefined> {
    const format = kind ?? (await pickSnippetKind());
    if (!format) return undefined;
    const profile = this.deps.store.require(ref.connectionId);
    const gateway = this.deps.store.gateway(ref.connectionId);
    const { key, secret, model, claude, gemini } = await this.progress(vscode.l10n.t('Preparing the snippet…'), async (signal) => {
      const k = await this.key(ref);
      let s: string | undefined;
      try {
        s = await this.secretOf(ref, signal);
      } catch (e) {
        this.log.warn(`${profile.label}: could not read the secret of ${ref.keyId} for a snippet:`, e);
      }
      let m = k.modelsAllowed[0];
      let ids: readonly string[] = k.modelsAllowed;
      if (!m || (format !== 'curl' && format !== 'python' && format !== 'node' && format !== 'env')) {
        const models: readonly ModelInfo[] = k.modelsAllowed.length ? [] : await gateway.listModels({ signal }).catch((e: unknown) => {
          this.log.warn(`${profile.label}: listing models for a snippet failed:`, e);
          return [];
        });
        if (!ids.length) ids = models.map((x) => x.id);
        m ??= models[0]?.id;
      }
      return { key: k, secret: s, model: m ?? 'gpt-4o-mini', claude: ids.find((x) => /^claude-/i.test(x)), gemini: ids.find((x) => /^gemini-/i.test(x)) };
    });
    const note = gateway.capabilities.secretsReadable
      ? vscode.l10n.t('Replace <YOUR_KEY> with the key "{0}": it could not be read from the gateway.', key.name || key.id)
      : vscode.l10n.t('Replace <YOUR_KEY> with the key "{0}": {1} shows it only when it is created or rotated.', key.name || key.id, profile.label);
    const ep = protocolEndpoints(profile);
    const text = buildSnippet(format, {
      baseUrl: chatBaseUrl(profile), ...(secret ? { key: secret } : {}), model, note,
      anthropicBaseUrl: ep.anthropic, anthropicModel: claude ?? 'claude-sonnet-4-6', gemini: ep.gemini, geminiModel: gemini ?? 'gemini-2.5-flash',
    });
    await this.clipboard.writeText(text);
    if (secret) {
      vscode.window.setStatusBarMessage(vscode.l10n.t('Copied a {0} snippet for "{1}" (it contains the full key).', snippetLabel(format), key.name || key.id), 5000);
    } else {
      void vscode.window.showInformationMessage(vscode.l10n.t('Copied a {0} snippet for "{1}" with the placeholder <YOUR_KEY>: {2}', snippetLabel(format), key.name || key.id, this.unavailableText(ref.connectionId)));
    }
    return text;
  }

  // ---- filter / sort pickers ----------------------------------------------------------------

  /** Asks what to filter by and sets it (other criteria are kept). Resolves the new filter, or undefined when cancelled. */
  async pickFilter(connectionId: string): Promise<KeyFilter | undefined> {
    const tree = this.deps.tree;
    const current = tree.filterOf(connectionId) ?? {};
    type Choice = vscode.QuickPickItem & { id: 'name' | 'status' | 'model' | 'clear' };
    const choices: Choice[] = [
      { id: 'name', label: `$(search) ${vscode.l10n.t('Name contains…')}`, description: current.name ?? '' },
      { id: 'status', label: `$(circle-large-outline) ${vscode.l10n.t('Status…')}`, description: current.status ? statusLabel(current.status) : '' },
      { id: 'model', label: `$(symbol-misc) ${vscode.l10n.t('Model allowed…')}`, description: current.model ?? '' },
    ];
    if (isFilterActive(current)) choices.push({ id: 'clear', label: `$(clear-all) ${vscode.l10n.t('Clear Filter')}`, description: describeFilter(current) });
    const pick = await vscode.window.showQuickPick(choices, { title: vscode.l10n.t('Filter the keys of {0}', this.label(connectionId)), placeHolder: vscode.l10n.t('Filter by…') });
    if (!pick) return undefined;
    let next: KeyFilter = { ...current };
    switch (pick.id) {
      case 'clear':
        tree.setFilter(connectionId, undefined);
        return {};
      case 'name': {
        const v = await vscode.window.showInputBox({
          title: vscode.l10n.t('Filter by name'),
          prompt: this.deps.store.gateway(connectionId).capabilities.searchKeys
            ? vscode.l10n.t('Searched on the gateway. Leave empty to drop this criterion.')
            : vscode.l10n.t('Matched against the keys loaded so far. Leave empty to drop this criterion.'),
          value: current.name ?? '',
          validateInput: (s) => (s.length > 200 ? vscode.l10n.t('Too long.') : undefined),
        });
        if (v === undefined) return undefined;
        next = { ...next, name: v.trim() || undefined };
        break;
      }
      case 'status': {
        const items = [
          { label: vscode.l10n.t('Any status'), status: undefined as DisplayStatus | undefined },
          ...DISPLAY_STATUSES.map((s) => ({ label: statusLabel(s), status: s })),
        ];
        const s = await vscode.window.showQuickPick(items, { title: vscode.l10n.t('Filter by status') });
        if (!s) return undefined;
        next = { ...next, status: s.status };
        break;
      }
      case 'model': {
        const models = await this.progress(vscode.l10n.t('Reading the models…'), (signal) => this.deps.store.gateway(connectionId).listModels({ signal })).catch(() => [] as readonly ModelInfo[]);
        let model: string | undefined;
        if (models.length) {
          const any = { label: vscode.l10n.t('Any model'), id: undefined as string | undefined };
          const m = await vscode.window.showQuickPick([any, ...models.map((x) => ({ label: x.id, description: x.vendor, id: x.id }))], {
            title: vscode.l10n.t('Keys allowed to call…'), matchOnDescription: true,
          });
          if (!m) return undefined;
          model = m.id;
        } else {
          const v = await vscode.window.showInputBox({ title: vscode.l10n.t('Keys allowed to call…'), prompt: vscode.l10n.t('A model id, e.g. gpt-4o-mini'), value: current.model ?? '' });
          if (v === undefined) return undefined;
          model = v.trim() || undefined;
        }
        next = { ...next, model };
        break;
      }
    }
    const clean: KeyFilter = {
      ...(next.name ? { name: next.name } : {}),
      ...(next.status ? { status: next.status } : {}),
      ...(next.model ? { model: next.model } : {}),
    };
    tree.setFilter(connectionId, clean);
    return clean;
  }

  async pickSort(connectionId: string): Promise<KeySort | undefined> {
    const current = this.deps.tree.sortOf(connectionId);
    const orders: KeySort[] = ['server', 'name', 'created', 'expiry', 'usage'];
    const pick = await vscode.window.showQuickPick(
      orders.map((o) => ({ label: sortLabel(o), description: o === current ? vscode.l10n.t('current') : '', order: o })),
      { title: vscode.l10n.t('Sort the keys of {0}', this.label(connectionId)), placeHolder: vscode.l10n.t('Sorts the keys loaded so far') },
    );
    if (!pick) return undefined;
    await this.deps.tree.setSort(connectionId, pick.order);
    return pick.order;
  }

  /** Load more, with progress on the view. */
  loadMore(connectionId: string): Promise<void> {
    return this.progress(vscode.l10n.t('Loading more keys…'), () => this.deps.tree.loadMore(connectionId));
  }
}

export function snippetLabel(kind: SnippetKind): string {
  switch (kind) {
    case 'curl': return 'curl';
    case 'python': return 'Python (openai)';
    case 'node': return 'Node.js (openai)';
    case 'env': return '.env';
    case 'anthropic-curl': return 'curl (Anthropic /v1/messages)';
    case 'anthropic-python': return 'Python (anthropic)';
    case 'anthropic-node': return 'Node.js (@anthropic-ai/sdk)';
    case 'claude-env': return 'Claude Code (env)';
    case 'gemini-curl': return 'curl (Gemini generateContent)';
  }
}

async function pickSnippetKind(): Promise<SnippetKind | undefined> {
  const details: Record<SnippetKind, string> = {
    curl: vscode.l10n.t('A chat completion request from the shell'),
    python: vscode.l10n.t('The official openai package for Python'),
    node: vscode.l10n.t('The official openai package for Node.js'),
    env: vscode.l10n.t('OPENAI_BASE_URL, OPENAI_API_KEY and OPENAI_MODEL lines'),
    'anthropic-curl': vscode.l10n.t('An Anthropic-native messages request (the gateway root, x-api-key)'),
    'anthropic-python': vscode.l10n.t('The official anthropic package for Python'),
    'anthropic-node': vscode.l10n.t('The official Anthropic SDK for Node.js'),
    'claude-env': vscode.l10n.t('ANTHROPIC_BASE_URL, ANTHROPIC_AUTH_TOKEN and ANTHROPIC_MODEL for Claude Code'),
    'gemini-curl': vscode.l10n.t('A Gemini-native generateContent request'),
  };
  const pick = await vscode.window.showQuickPick(
    SNIPPET_KINDS.map((k) => ({ label: snippetLabel(k), detail: details[k], format: k })),
    { title: vscode.l10n.t('Copy as Snippet'), placeHolder: vscode.l10n.t('Which snippet?') },
  );
  return pick?.format;
}
