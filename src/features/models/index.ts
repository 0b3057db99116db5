/**
 * The Models feature: the "Models" tree view and its commands (refresh, filter by text, filter by kind / features /
 * context and sort — kept per workspace —, copy model id, allow a model on a key).
 */
import * as vscode from 'vscode';
import * as z from 'zod';
import { connectionIdSchema } from '../../core/ids';
import { describeKind } from '../../gateway';
import type { ActivityService } from '../../platform/activity';
import { CommandIds, registerCommand, ViewIds } from '../../platform/commands';
import type { ConnectionStore } from '../../platform/connections';
import { Disposable } from '../../platform/lifecycle';
import type { Logger } from '../../platform/logger';
import { badArgument, parseConnectionArg, pickConnection } from '../../platform/pickers';
import { formatTokenCount, parseCompact } from '../../core/format';
import type { ApiKey, KeyInput } from '../../core/types';
import {
  MODEL_FEATURES,
  MODEL_KINDS,
  MODEL_SORTS,
  type ModelFeature,
  type ModelKind,
  type ModelSort,
} from '../../platform/modelKinds';
import { withProgress } from '../../platform/progress';
import type { PickItem, Prompter } from '../../platform/prompter';
import type { ModelsTreeNode } from './nodes';
import { ModelsTreeProvider } from './tree';
import { featureLabel, kindLabel, sortLabel } from './viewState';

/** The minimum contexts offered in the filter (tokens). */
const CONTEXT_STEPS = [32_000, 128_000, 200_000, 1_000_000] as const;

const MODEL_ID = z.string().min(1).max(256);
const modelArgSchema = z.union([
  z.undefined(),
  z.null(),
  z.object({ connectionId: connectionIdSchema, modelId: MODEL_ID }),
]);

export interface ModelsFeatureDeps {
  readonly store: ConnectionStore;
  readonly log: Logger;
  /** Every command of this feature counts as activity (the status bar starts its lazy refresh). */
  readonly activity: ActivityService;
  /** Where the view's filter and order are kept (the workspace's state). */
  readonly memento?: vscode.Memento;
  /** The quick inputs the filter, sort and "Allow on key" steps go through. */
  readonly prompts?: { readonly ui: Prompter };
  /** The key edit path of the keys feature: sends only the given fields (the adapter keeps every other one). */
  readonly editKey?: (ref: { connectionId: string; keyId: string }, input: KeyInput) => Promise<unknown>;
}

export class ModelsFeature extends Disposable {
  readonly provider: ModelsTreeProvider;
  readonly view: vscode.TreeView<ModelsTreeNode>;
  private readonly log: Logger;
  private readonly store: ConnectionStore;
  private readonly deps: ModelsFeatureDeps;

  constructor(deps: ModelsFeatureDeps) {
    super();
    const { store, activity } = deps;
    this.store = store;
    this.log = deps.log.child('models');
    this.deps = deps;
    this.provider = this._register(new ModelsTreeProvider(store, deps.log, undefined, deps.memento));
    this.view = this._register(
      vscode.window.createTreeView(ViewIds.models, { treeDataProvider: this.provider, showCollapseAll: true }),
    );
    this._register(
      registerCommand(
        CommandIds.refreshModels,
        (arg) => {
          activity.note();
          this.provider.refresh(parseConnectionArg(arg));
        },
        this.log,
      ),
    );
    this._register(
      registerCommand(
        CommandIds.filterModels,
        async (arg) => {
          activity.note();
          await this.filter(parseConnectionArg(arg));
        },
        this.log,
      ),
    );
    const run = (id: Parameters<typeof registerCommand>[0], fn: (arg: unknown) => Promise<void>) =>
      this._register(
        registerCommand(
          id,
          async (arg) => {
            activity.note();
            await fn(arg);
          },
          this.log,
        ),
      );
    run(CommandIds.filterModelCatalogue, () => this.filterCatalogue());
    run(CommandIds.sortModels, () => this.sort());
    run(CommandIds.clearModelFilter, async () => {
      await this.provider.clearCatalogueState();
      this.updateViewDescription();
    });
    run(CommandIds.allowModelOnKey, (arg) => this.allowOnKey(arg));
    // a filter kept from the last session: its title-bar action's context key is set after activate() returns
    this.updateViewDescription(false);
    if (this.provider.isCatalogueFiltered) {
      const deferred = setImmediate(() => this.updateViewDescription());
      this._register({ dispose: () => clearImmediate(deferred) });
    }
    this._register(
      registerCommand(
        CommandIds.copyModelId,
        async (arg) => {
          activity.note();
          await this.copyModelId(arg);
        },
        this.log,
      ),
    );
  }

  private updateViewDescription(setContext = true): void {
    const f = this.provider.viewFilter;
    const parts: string[] = [];
    if (f) parts.push(vscode.l10n.t('filter: "{0}"', f));
    if (this.provider.isCatalogueFiltered) parts.push(vscode.l10n.t('filtered'));
    this.view.description = parts.length > 0 ? parts.join(' · ') : undefined;
    if (setContext)
      void vscode.commands.executeCommand('setContext', 'aiGateway.modelsFiltered', this.provider.isCatalogueFiltered);
  }

  private get ui(): Prompter | undefined {
    return this.deps.prompts?.ui;
  }

  /** Kinds and features (all must hold; any of the kinds), then a minimum context. */
  private async filterCatalogue(): Promise<void> {
    const ui = this.ui;
    if (!ui) return;
    const cur = this.provider.catalogueState;
    const title = vscode.l10n.t('Filter Models');
    const items: PickItem[] = [
      { id: 'sep:kinds', label: vscode.l10n.t('Type (any of)'), separator: true },
      ...MODEL_KINDS.map((k) => ({ id: `kind:${k}`, label: kindLabel(k), picked: cur.kinds.includes(k) })),
      { id: 'sep:features', label: vscode.l10n.t('Features (all of)'), separator: true },
      ...MODEL_FEATURES.map((f) => ({ id: `feature:${f}`, label: featureLabel(f), picked: cur.features.includes(f) })),
    ];
    const picked = await ui.pick({
      id: 'filter',
      title,
      step: 1,
      totalSteps: 2,
      canGoBack: false,
      canPickMany: true,
      placeholder: vscode.l10n.t('Show only models of these types and with all of these features (none: every model)'),
      items,
    });
    if (picked.kind !== 'value') return;
    const kinds = picked.value.flatMap((id) =>
      id.startsWith('kind:') && (MODEL_KINDS as readonly string[]).includes(id.slice(5))
        ? [id.slice(5) as ModelKind]
        : [],
    );
    const features = picked.value.flatMap((id) =>
      id.startsWith('feature:') && (MODEL_FEATURES as readonly string[]).includes(id.slice(8))
        ? [id.slice(8) as ModelFeature]
        : [],
    );
    const locale = vscode.env.language;
    const ctx = await ui.pick({
      id: 'minContext',
      title,
      step: 2,
      totalSteps: 2,
      canGoBack: false,
      canPickMany: false,
      placeholder: vscode.l10n.t('At least how much context?'),
      items: [
        { id: '0', label: vscode.l10n.t('Any context'), picked: !cur.minContext },
        ...CONTEXT_STEPS.map((n) => ({
          id: String(n),
          label: vscode.l10n.t('≥ {0} tokens', formatTokenCount(n, locale)),
          picked: cur.minContext === n,
        })),
        { id: 'custom', label: vscode.l10n.t('Other…') },
      ],
    });
    if (ctx.kind !== 'value') return;
    let minContext = Number(ctx.value[0] ?? '0');
    if (ctx.value[0] === 'custom') {
      const typed = await ui.input({
        id: 'minContext.custom',
        title,
        canGoBack: false,
        prompt: vscode.l10n.t('The least context a model must have, in tokens (e.g. 64k, 1M, 300000)'),
        value: cur.minContext ? String(cur.minContext) : '',
        validate: (v) => {
          const r = parseCompact(v);
          return r.ok && r.value > 0 && r.value <= 100_000_000
            ? undefined
            : vscode.l10n.t('A whole number of tokens, e.g. 64k or 1M');
        },
      });
      if (typed.kind !== 'value') return;
      const r = parseCompact(typed.value);
      if (!r.ok) return;
      minContext = r.value;
    }
    await this.provider.setCatalogueState({
      kinds,
      features,
      ...(minContext > 0 ? { minContext } : { minContext: undefined }),
    });
    this.updateViewDescription();
  }

  private async sort(): Promise<void> {
    const ui = this.ui;
    if (!ui) return;
    const cur = this.provider.catalogueState.sort;
    const r = await ui.pick({
      id: 'sort',
      title: vscode.l10n.t('Sort Models'),
      canGoBack: false,
      canPickMany: false,
      placeholder: vscode.l10n.t('Order the models'),
      items: MODEL_SORTS.map((s) => ({ id: s, label: sortLabel(s), picked: s === cur })),
    });
    if (r.kind !== 'value') return;
    const sort = MODEL_SORTS.find((s) => s === r.value[0]);
    if (!sort) return;
    await this.provider.setCatalogueState({ sort: sort satisfies ModelSort });
    this.updateViewDescription();
  }

  /**
   * "Allow on Key…": picks a key of the model's connection and adds the model to its allowed models through the key
   * edit path (only that field is sent; the key is read fresh first). A key with no model list allows every model
   * already, and adding one would restrict it: it is left alone, as is a key that allows the model.
   */
  private async allowOnKey(arg: unknown): Promise<void> {
    const r = modelArgSchema.safeParse(arg);
    if (!r.success || !r.data) throw badArgument();
    const { connectionId, modelId } = r.data;
    const ui = this.ui;
    const editKey = this.deps.editKey;
    if (!ui || !editKey) return;
    const profile = this.store.require(connectionId);
    const gateway = this.store.gateway(connectionId);
    if (!gateway.capabilities.editableFields.includes('modelsAllowed')) {
      ui.info(vscode.l10n.t('{0} does not let a key be limited to some models.', profile.label));
      return;
    }
    const keys = await ui.progress(vscode.l10n.t('Listing the keys of {0}…', profile.label), 'window', (signal) =>
      gateway.listKeys({ page: 0, pageSize: 100, signal }),
    );
    const state = (k: ApiKey) =>
      k.modelsAllowed.length === 0
        ? vscode.l10n.t('allows every model')
        : k.modelsAllowed.includes(modelId)
          ? vscode.l10n.t('already allows it')
          : vscode.l10n.t('{0} models allowed', k.modelsAllowed.length);
    const pick = await ui.pick({
      id: 'key',
      title: vscode.l10n.t('Allow {0} on a key of {1}', modelId, profile.label),
      canGoBack: false,
      canPickMany: false,
      placeholder: vscode.l10n.t('Which key should be allowed to use {0}?', modelId),
      items: keys.items.map((k) => ({
        id: k.id,
        label: k.name || k.id,
        description: `${k.maskedKey} · ${state(k)}`,
      })),
    });
    if (pick.kind !== 'value' || !pick.value[0]) return;
    const keyId = pick.value[0];
    const fresh = await ui.progress(vscode.l10n.t('Reading the key…'), 'window', (signal) =>
      gateway.getKey(keyId, { signal }),
    );
    const name = fresh.name || fresh.id;
    if (fresh.modelsAllowed.length === 0) {
      ui.info(vscode.l10n.t('Key "{0}" already allows every model, {1} included: nothing was changed.', name, modelId));
      return;
    }
    if (fresh.modelsAllowed.includes(modelId)) {
      ui.info(vscode.l10n.t('Key "{0}" already allows {1}: nothing was changed.', name, modelId));
      return;
    }
    await editKey({ connectionId, keyId }, { modelsAllowed: [...fresh.modelsAllowed, modelId] });
  }

  private async filter(connectionId: string | undefined): Promise<void> {
    const profile = connectionId !== undefined ? this.store.require(connectionId) : undefined;
    const value = await vscode.window.showInputBox({
      title: profile ? vscode.l10n.t('Filter the models of {0}', profile.label) : vscode.l10n.t('Filter models'),
      prompt: vscode.l10n.t(
        'Part of a model id, vendor or feature (e.g. "claude", "thinking"). Empty shows every model.',
      ),
      value: this.provider.filterOf(connectionId),
    });
    if (value === undefined) return;
    this.provider.setFilter(value, connectionId);
    this.updateViewDescription();
  }

  private async copyModelId(arg: unknown): Promise<void> {
    const r = modelArgSchema.safeParse(arg);
    if (!r.success) throw badArgument();
    let id = r.data?.modelId;
    if (id === undefined) {
      const profile = await pickConnection(this.store, vscode.l10n.t('Which connection?'));
      if (!profile) return;
      const models = await withProgress(
        { title: vscode.l10n.t('Listing the models of {0}…', profile.label), where: 'window' },
        () => this.provider.models(profile.id),
      );
      const pick = await vscode.window.showQuickPick(
        models.map((m) => ({
          label: m.id,
          description: m.vendor,
          detail: m.name && m.name !== m.id ? m.name : undefined,
        })),
        {
          placeHolder: vscode.l10n.t('Which model id should be copied? ({0})', describeKind(profile.kind).label),
          matchOnDescription: true,
        },
      );
      id = pick?.label;
    }
    if (!id) return;
    await vscode.env.clipboard.writeText(id);
    void vscode.window.setStatusBarMessage(vscode.l10n.t('Copied the model id {0}.', id), 3000);
  }
}
