/**
 * The Models feature: the "Models" tree view and its commands (refresh, filter, copy model id).
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
import { withProgress } from '../../platform/progress';
import { ModelsTreeProvider, type ModelsTreeNode } from './tree';

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
}

export class ModelsFeature extends Disposable {
  readonly provider: ModelsTreeProvider;
  readonly view: vscode.TreeView<ModelsTreeNode>;
  private readonly log: Logger;
  private readonly store: ConnectionStore;

  constructor(deps: ModelsFeatureDeps) {
    super();
    const { store, activity } = deps;
    this.store = store;
    this.log = deps.log.child('models');
    this.provider = this._register(new ModelsTreeProvider(store, deps.log));
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

  private updateViewDescription(): void {
    const f = this.provider.viewFilter;
    this.view.description = f ? vscode.l10n.t('filter: "{0}"', f) : undefined;
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
