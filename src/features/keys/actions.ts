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
  DISPLAY_STATUSES,
  type DisplayStatus,
  type KeyFilter,
  type KeySort,
  SNIPPET_KINDS,
  type SnippetKind,
  buildSnippet,
  chatBaseUrl,
  isFilterActive,
} from './logic';
import { formatInstant } from '../../core/format';
import type { PendingRotation } from './flows/rotations';
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

/** The client-side rotation reminders a key can take part in (the RotationScheduler). */
export interface RotationReminders {
  involving(ref: KeyRef): { asReplacement: PendingRotation[]; asOld: PendingRotation[] };
  cancel(r: Pick<PendingRotation, 'connectionId' | 'oldKeyId'>): Promise<void>;
}

export interface KeyActionsDeps {
  readonly store: ConnectionStore;
  readonly tree: KeysTree;
  readonly details: KeyDetailsProvider;
  readonly log: Logger;
  /** The rotation reminders (created after the actions, hence a getter). */
  readonly rotations?: () => RotationReminders | undefined;
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
  /** The filter input while it is open: tests type into it and pick a line, as a user would. */
  openFilter: { type(text: string): void; accept(id: 'name' | 'status' | 'model' | 'clear'): void } | undefined;
  private readonly log: Logger;

  constructor(private readonly deps: KeyActionsDeps) {
    this.log = deps.log.child('keyActions');
  }

  private label(connectionId: string): string {
    return this.deps.store.require(connectionId).label;
  }

  /** Progress shown on the keys view, where tree actions start. */
  private progress<T>(title: string, task: (signal: AbortSignal) => Promise<T>): Promise<T> {
    return withProgress({ title, where: { viewId: ViewIds.keys } }, task);
  }

  /** The key as the tree has it, else one read. */
  private async key(ref: KeyRef): Promise<ApiKey> {
    return this.deps.tree.cachedKey(ref) ?? (await this.deps.store.gateway(ref.connectionId).getKey(ref.keyId));
  }

  // ---- view details -------------------------------------------------------------------------

  async showDetails(ref: KeyRef): Promise<vscode.TextEditor> {
    const key = await this.progress(vscode.l10n.t('Reading the key…'), (signal) =>
      this.deps.store.gateway(ref.connectionId).getKey(ref.keyId, { signal }),
    );
    const uri = keyDetailsUri(ref, key.name);
    this.deps.details.set(uri, key);
    const doc = await vscode.workspace.openTextDocument(uri);
    return vscode.window.showTextDocument(doc, { preview: true });
  }

  // ---- enable / disable ---------------------------------------------------------------------

  /** Enables or disables, then re-reads the key and warns, naming the field, when the gateway did not apply it. */
  async setEnabled(ref: KeyRef, enabled: boolean): Promise<ToggleResult | undefined> {
    const gateway = this.deps.store.gateway(ref.connectionId);
    const connection = this.label(ref.connectionId);
    const involved = enabled ? undefined : this.deps.rotations?.()?.involving(ref);
    if (involved?.asReplacement.length) {
      // disabling the replacement while the old key's disable is pending would leave neither working: say so first
      const key = await this.key(ref);
      const name = key.name || key.id;
      const action = vscode.l10n.t('Disable and Cancel the Rotation');
      const ok = await this.confirm(
        vscode.l10n.t('Disable "{0}" ({1})? It is the replacement in a pending rotation.', name, connection),
        this.rotationDetail(involved.asReplacement, 'disable'),
        action,
      );
      if (!ok) return undefined;
    }
    const result = await this.progress(
      enabled ? vscode.l10n.t('Enabling the key…') : vscode.l10n.t('Disabling the key…'),
      async (signal) => {
        await gateway.setKeyEnabled(ref.keyId, enabled, { signal });
        const key = await gateway.getKey(ref.keyId, { signal });
        return { key, applied: enabled ? key.status === 'active' : key.status === 'disabled' };
      },
    );
    this.deps.tree.upsertKey(ref.connectionId, result.key);
    if (result.applied && involved) await this.settleReminders(involved);
    const name = result.key.name || result.key.id;
    if (!result.applied) {
      this.log.warn(
        `${connection}: ${enabled ? 'enable' : 'disable'} of key ${ref.keyId} not applied; status is ${String(result.key.rawStatus)}`,
      );
      void vscode.window.showWarningMessage(
        enabled
          ? vscode.l10n.t(
              '{0} did not enable "{1}": read back, its status is still "{2}" (field: status).',
              connection,
              name,
              String(result.key.rawStatus),
            )
          : vscode.l10n.t(
              '{0} did not disable "{1}": read back, its status is still "{2}" (field: status).',
              connection,
              name,
              String(result.key.rawStatus),
            ),
      );
    } else {
      vscode.window.setStatusBarMessage(
        enabled ? vscode.l10n.t('Enabled "{0}".', name) : vscode.l10n.t('Disabled "{0}".', name),
        5000,
      );
    }
    return result;
  }

  // ---- delete -------------------------------------------------------------------------------

  /** Deletes after a modal confirmation naming the key and the connection. Resolves false when the user declined. */
  async delete(ref: KeyRef): Promise<boolean> {
    const connection = this.label(ref.connectionId);
    const key = await this.key(ref);
    const name = key.name || key.id;
    const involved = this.deps.rotations?.()?.involving(ref);
    const action = vscode.l10n.t('Delete Key');
    const base = vscode.l10n.t('Every application using this key stops working at once. This cannot be undone.');
    const ok = await this.confirm(
      involved?.asReplacement.length
        ? vscode.l10n.t(
            'Delete the key "{0}" ({1}) from {2}? It is the replacement in a pending rotation.',
            name,
            key.maskedKey,
            connection,
          )
        : vscode.l10n.t('Delete the key "{0}" ({1}) from {2}?', name, key.maskedKey, connection),
      [
        base,
        ...(involved ? [this.rotationDetail(involved.asReplacement, 'delete'), this.oldKeyDetail(involved.asOld)] : []),
      ]
        .filter(Boolean)
        .join('\n\n'),
      action,
    );
    if (!ok) return false;
    await this.progress(vscode.l10n.t('Deleting "{0}"…', name), (signal) =>
      this.deps.store.gateway(ref.connectionId).deleteKey(ref.keyId, { signal }),
    );
    if (involved) await this.settleReminders(involved);
    this.log.info(`${connection}: deleted key ${ref.keyId}`);
    this.deps.tree.removeKey(ref.connectionId, ref.keyId);
    vscode.window.setStatusBarMessage(vscode.l10n.t('Deleted "{0}".', name), 5000);
    return true;
  }

  /** What happens to the rotations in which the key is the replacement ("" when there are none). */
  private rotationDetail(asReplacement: readonly PendingRotation[], what: 'delete' | 'disable'): string {
    return asReplacement
      .map((r) => {
        const old = r.oldKeyName ?? r.oldKeyId;
        const at = formatInstant(r.disableAt);
        return what === 'delete'
          ? vscode.l10n.t(
              '"{0}" was to be disabled at {1}, once this key took over. Deleting this key cancels that: "{0}" stays enabled, so something still works.',
              old,
              at,
            )
          : vscode.l10n.t(
              '"{0}" was to be disabled at {1}, once this key took over. Disabling this key cancels that: "{0}" stays enabled, so something still works.',
              old,
              at,
            );
      })
      .join('\n');
  }

  /** The rotations in which the key is the old one: there is nothing left to disable ("" when there are none). */
  private oldKeyDetail(asOld: readonly PendingRotation[]): string {
    return asOld.length
      ? vscode.l10n.t('Its pending rotation reminder is removed (there is nothing left to disable).')
      : '';
  }

  /** After the key was deleted or disabled: its pending rotations are over (the old key, if any, stays enabled). */
  private async settleReminders(involved: {
    asReplacement: PendingRotation[];
    asOld: PendingRotation[];
  }): Promise<void> {
    const rotations = this.deps.rotations?.();
    if (!rotations) return;
    for (const r of [...involved.asReplacement, ...involved.asOld]) await rotations.cancel(r);
    if (involved.asReplacement.length) {
      const names = involved.asReplacement.map((r) => `"${r.oldKeyName ?? r.oldKeyId}"`).join(', ');
      void vscode.window.showInformationMessage(
        vscode.l10n.t('The pending rotation was cancelled: {0} stays enabled.', names),
      );
    }
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
    return vscode.l10n.t(
      "{0} shows a key's full secret only once, when the key is created or rotated; it cannot be read again. Use the copy you saved then, or rotate the key to get a new secret.",
      this.label(connectionId),
    );
  }

  async copyKey(ref: KeyRef): Promise<CopyKeyResult> {
    const secret = await this.progress(vscode.l10n.t('Reading the key…'), (signal) => this.secretOf(ref, signal));
    if (!secret) {
      void vscode.window.showInformationMessage(this.unavailableText(ref.connectionId));
      return 'unavailable';
    }
    await this.clipboard.writeText(secret);
    const key = this.deps.tree.cachedKey(ref);
    vscode.window.setStatusBarMessage(
      vscode.l10n.t('Copied the key "{0}" to the clipboard.', key?.name || ref.keyId),
      5000,
    );
    return 'copied';
  }

  /** Copies a snippet (curl / Python / Node / .env) with the chat base URL, the key (or a placeholder) and an allowed model. */
  async copySnippet(ref: KeyRef, kind?: SnippetKind): Promise<string | undefined> {
    const format = kind ?? (await pickSnippetKind());
    if (!format) return undefined;
    const profile = this.deps.store.require(ref.connectionId);
    const gateway = this.deps.store.gateway(ref.connectionId);
    const { key, secret, model, claude, gemini } = await this.progress(
      vscode.l10n.t('Preparing the snippet…'),
      async (signal) => {
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
          const models: readonly ModelInfo[] = k.modelsAllowed.length
            ? []
            : await gateway.listModels({ signal }).catch((e: unknown) => {
                this.log.warn(`${profile.label}: listing models for a snippet failed:`, e);
                return [];
              });
          if (!ids.length) ids = models.map((x) => x.id);
          m ??= models[0]?.id;
        }
        return {
          key: k,
          secret: s,
          model: m ?? 'gpt-4o-mini',
          claude: ids.find((x) => /^claude-/i.test(x)),
          gemini: ids.find((x) => /^gemini-/i.test(x)),
        };
      },
    );
    const note = gateway.capabilities.secretsReadable
      ? vscode.l10n.t(
          'Replace <YOUR_KEY> with the key "{0}": it could not be read from the gateway.',
          key.name || key.id,
        )
      : vscode.l10n.t(
          'Replace <YOUR_KEY> with the key "{0}": {1} shows it only when it is created or rotated.',
          key.name || key.id,
          profile.label,
        );
    const ep = protocolEndpoints(profile);
    const text = buildSnippet(format, {
      baseUrl: chatBaseUrl(profile),
      ...(secret ? { key: secret } : {}),
      model,
      note,
      anthropicBaseUrl: ep.anthropic,
      anthropicModel: claude ?? 'claude-sonnet-4-6',
      gemini: ep.gemini,
      geminiModel: gemini ?? 'gemini-2.5-flash',
    });
    await this.clipboard.writeText(text);
    if (secret) {
      vscode.window.setStatusBarMessage(
        vscode.l10n.t(
          'Copied a {0} snippet for "{1}" (it contains the full key).',
          snippetLabel(format),
          key.name || key.id,
        ),
        5000,
      );
    } else {
      void vscode.window.showInformationMessage(
        vscode.l10n.t(
          'Copied a {0} snippet for "{1}" with the placeholder <YOUR_KEY>: {2}',
          snippetLabel(format),
          key.name || key.id,
          this.unavailableText(ref.connectionId),
        ),
      );
    }
    return text;
  }

  // ---- filter / sort pickers ----------------------------------------------------------------

  /**
   * Type-to-filter: what is typed filters the keys by name as it is typed (the loaded keys at once; a gateway that
   * searches is asked once typing pauses); the lines below choose a status or a model, or clear the filter. Enter or
   * Escape keeps what is shown. Resolves the new filter, or undefined when a sub-step was cancelled.
   */
  async pickFilter(connectionId: string): Promise<KeyFilter | undefined> {
    const tree = this.deps.tree;
    const current = tree.filterOf(connectionId) ?? {};
    const searches = this.deps.store.gateway(connectionId).capabilities.searchKeys;
    type Choice = vscode.QuickPickItem & { id: 'name' | 'status' | 'model' | 'clear' };
    const qp = vscode.window.createQuickPick<Choice>();
    qp.title = vscode.l10n.t('Filter the keys of {0}', this.label(connectionId));
    qp.placeholder = searches
      ? vscode.l10n.t('Type to filter by name (searched on the gateway), or pick a line below')
      : vscode.l10n.t('Type to filter the loaded keys by name, or pick a line below');
    qp.value = current.name ?? '';
    let name = current.name;
    const render = (): void => {
      const typed = qp.value.trim();
      const f = tree.filterOf(connectionId) ?? {};
      qp.items = [
        {
          id: 'name',
          label: `$(search) ${typed ? vscode.l10n.t('Name contains "{0}"', typed) : vscode.l10n.t('Any name')}`,
          alwaysShow: true,
        },
        {
          id: 'status',
          label: `$(circle-large-outline) ${vscode.l10n.t('Status…')}`,
          description: f.status ? statusLabel(f.status) : '',
          alwaysShow: true,
        },
        {
          id: 'model',
          label: `$(symbol-misc) ${vscode.l10n.t('Model allowed…')}`,
          description: f.model ?? '',
          alwaysShow: true,
        },
        ...(isFilterActive(f)
          ? [
              {
                id: 'clear' as const,
                label: `$(clear-all) ${vscode.l10n.t('Clear Filter')}`,
                description: describeFilter(f),
                alwaysShow: true,
              },
            ]
          : []),
      ];
    };
    let timer: ReturnType<typeof setTimeout> | undefined;
    const apply = (): void => {
      const typed = qp.value.trim() || undefined;
      if (typed === name) return;
      name = typed;
      tree.setFilter(connectionId, cleanFilter({ ...(tree.filterOf(connectionId) ?? {}), name: typed }));
      render();
    };
    const typing = (): void => {
      if (timer) clearTimeout(timer);
      // the loaded keys filter at once; a gateway search waits for a pause in typing (one request, not one per key)
      timer = setTimeout(apply, searches ? 350 : 0);
    };
    render();
    const subs: vscode.Disposable[] = [];
    const picked = await new Promise<Choice['id'] | undefined>((resolve) => {
      subs.push(
        qp.onDidChangeValue(typing),
        qp.onDidAccept(() => resolve(qp.activeItems[0]?.id ?? 'name')),
        qp.onDidHide(() => resolve(undefined)),
      );
      this.openFilter = {
        type: (text) => {
          qp.value = text;
          typing();
        },
        accept: (id) => resolve(id),
      };
      qp.show();
    });
    this.openFilter = undefined;
    for (const d of subs) d.dispose();
    if (timer) clearTimeout(timer);
    apply();
    qp.hide();
    qp.dispose();
    if (picked === undefined || picked === 'name') return tree.filterOf(connectionId) ?? {};
    if (picked === 'clear') {
      tree.setFilter(connectionId, undefined);
      return {};
    }
    const base = tree.filterOf(connectionId) ?? {};
    let next: KeyFilter = { ...base };
    switch (picked) {
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
        const models = await this.progress(vscode.l10n.t('Reading the models…'), (signal) =>
          this.deps.store.gateway(connectionId).listModels({ signal }),
        ).catch(() => [] as readonly ModelInfo[]);
        let model: string | undefined;
        if (models.length) {
          const any = { label: vscode.l10n.t('Any model'), id: undefined as string | undefined };
          const m = await vscode.window.showQuickPick(
            [any, ...models.map((x) => ({ label: x.id, description: x.vendor, id: x.id }))],
            {
              title: vscode.l10n.t('Keys allowed to call…'),
              matchOnDescription: true,
            },
          );
          if (!m) return undefined;
          model = m.id;
        } else {
          const v = await vscode.window.showInputBox({
            title: vscode.l10n.t('Keys allowed to call…'),
            prompt: vscode.l10n.t('A model id, e.g. gpt-4o-mini'),
            value: base.model ?? '',
          });
          if (v === undefined) return undefined;
          model = v.trim() || undefined;
        }
        next = { ...next, model };
        break;
      }
    }
    const clean = cleanFilter(next);
    tree.setFilter(connectionId, clean);
    return clean;
  }

  /**
   * Asks for an order among those the gateway has data for. Where only some pages are loaded, each order says it
   * applies "within the N loaded", and a last item loads every page first (with progress and Cancel).
   */
  async pickSort(connectionId: string): Promise<KeySort | undefined> {
    const tree = this.deps.tree;
    const current = tree.sortOf(connectionId);
    const { loaded, total, hasMore } = tree.loadedState(connectionId);
    const within = hasMore
      ? total !== undefined
        ? vscode.l10n.t('within the {0} of {1} keys loaded', loaded, total)
        : vscode.l10n.t('within the {0} keys loaded', loaded)
      : '';
    type Item = vscode.QuickPickItem & { order: KeySort; all?: boolean };
    const items: Item[] = tree.sortsFor(connectionId).map((o) => ({
      label: sortLabel(o),
      description: [o === current ? vscode.l10n.t('current') : '', o === 'server' ? '' : within]
        .filter(Boolean)
        .join(' · '),
      order: o,
    }));
    if (hasMore) {
      items.push({ label: '', kind: vscode.QuickPickItemKind.Separator, order: 'server' });
      items.push({
        label: `$(cloud-download) ${vscode.l10n.t('Load all keys, then sort…')}`,
        order: current,
        all: true,
        detail: vscode.l10n.t("Reads every page of the gateway's list (with progress and Cancel)."),
      });
    }
    const pick = await vscode.window.showQuickPick(items, {
      title: vscode.l10n.t('Sort the keys of {0}', this.label(connectionId)),
      placeHolder: hasMore
        ? vscode.l10n.t('The gateway lists keys in its own order: another order sorts the keys loaded so far')
        : vscode.l10n.t('Sort by…'),
    });
    if (!pick) return undefined;
    if (pick.all) {
      const complete = await this.loadAll(connectionId);
      if (!complete) return undefined;
      return this.pickSort(connectionId);
    }
    await tree.setSort(connectionId, pick.order);
    return pick.order;
  }

  /**
   * Reads every remaining page of a connection's keys, with progress and Cancel in a notification; what was read
   * stays when it is cancelled. Resolves whether every page was read.
   */
  async loadAll(connectionId: string): Promise<boolean> {
    const tree = this.deps.tree;
    const label = this.label(connectionId);
    return vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: vscode.l10n.t('Loading every key of {0}', label),
        cancellable: true,
      },
      async (progress, token) => {
        const ac = new AbortController();
        const sub = token.onCancellationRequested(() => ac.abort());
        let last = 0;
        try {
          await tree.loadAll(
            connectionId,
            (loaded, total) => {
              const increment = total ? ((loaded - last) / total) * 100 : undefined;
              last = loaded;
              progress.report({
                message: total !== undefined ? vscode.l10n.t('{0} of {1}', loaded, total) : String(loaded),
                ...(increment !== undefined ? { increment } : {}),
              });
            },
            ac.signal,
          );
        } finally {
          sub.dispose();
        }
        const { hasMore } = tree.loadedState(connectionId);
        if (hasMore)
          vscode.window.setStatusBarMessage(
            vscode.l10n.t('Stopped: {0} keys of {1} are loaded.', tree.loadedState(connectionId).loaded, label),
            5000,
          );
        return !hasMore;
      },
    );
  }

  /** Load more, with progress on the view. */
  loadMore(connectionId: string): Promise<void> {
    return this.progress(vscode.l10n.t('Loading more keys…'), () => this.deps.tree.loadMore(connectionId));
  }
}

/** A filter without its empty criteria. */
function cleanFilter(f: KeyFilter): KeyFilter {
  return {
    ...(f.name ? { name: f.name } : {}),
    ...(f.status ? { status: f.status } : {}),
    ...(f.model ? { model: f.model } : {}),
  };
}

export function snippetLabel(kind: SnippetKind): string {
  switch (kind) {
    case 'curl':
      return 'curl';
    case 'python':
      return 'Python (openai)';
    case 'node':
      return 'Node.js (openai)';
    case 'env':
      return '.env';
    case 'anthropic-curl':
      return 'curl (Anthropic /v1/messages)';
    case 'anthropic-python':
      return 'Python (anthropic)';
    case 'anthropic-node':
      return 'Node.js (@anthropic-ai/sdk)';
    case 'claude-env':
      return 'Claude Code (env)';
    case 'gemini-curl':
      return 'curl (Gemini generateContent)';
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
