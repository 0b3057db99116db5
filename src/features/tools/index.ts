/**
 * "Configure a Coding Tool…" (palette, a key's and a connection's context menu) and its Undo. This module only
 * registers the commands and the diff preview's documents; the flow and the config-file writers (yaml, smol-toml,
 * jsonc-parser) are a separate bundle loaded on first use (`import('./lazy')` → dist/tools-lazy.js).
 * The home directory and the workspace folder are injectable (tests write into a temporary home, never `~`).
 */
import * as os from 'node:os';
import * as vscode from 'vscode';
import { CommandIds, registerCommand } from '../../platform/commands';
import type { ActivityService } from '../../platform/activity';
import type { ConnectionStore } from '../../platform/connections';
import { Disposable } from '../../platform/lifecycle';
import type { Logger } from '../../platform/logger';
import type { ModelCatalog } from '../../platform/modelCatalog';
import { pickConnection } from '../../platform/pickers';
import type { ToolsFlow } from './flow';
import { PREVIEW_SCHEME } from './scheme';

export interface ToolsFeatureDeps {
  readonly store: ConnectionStore;
  readonly catalog: ModelCatalog;
  readonly log: Logger;
  /** Configuring a tool counts as activity. */
  readonly activity: ActivityService;
}

export class ToolsFeature extends Disposable {
  private readonly log: Logger;
  /** Where the configuration files go: the tests set a temporary home and workspace (undefined: the real ones). */
  home: string | undefined;
  workspace: string | undefined;
  private flow: Promise<ToolsFlow> | undefined;
  private readonly previews = new Map<string, string>();
  private readonly store: ConnectionStore;
  private readonly catalog: ModelCatalog;

  constructor(deps: ToolsFeatureDeps) {
    super();
    const { store, catalog, activity } = deps;
    this.store = store;
    this.catalog = catalog;
    this.log = deps.log.child('tools');
    this._register(
      vscode.workspace.registerTextDocumentContentProvider(PREVIEW_SCHEME, {
        provideTextDocumentContent: (uri) => this.previews.get(uri.toString()) ?? '',
      }),
    );
    this._register(
      registerCommand(
        CommandIds.configureCodingTool,
        async (arg) => {
          activity.note();
          await (await this.load()).run(arg);
        },
        this.log,
      ),
    );
    this._register(
      registerCommand(
        CommandIds.undoToolConfiguration,
        async () => {
          if (!(await (await this.load()).undo()))
            void vscode.window.showInformationMessage(vscode.l10n.t('There is no coding tool configuration to undo.'));
        },
        this.log,
      ),
    );
  }

  /** The flow, loaded on first use (a bundle of its own). */
  load(): Promise<ToolsFlow> {
    this.flow ??= import('./lazy').then(
      (m) =>
        new m.ToolsFlow({
          store: this.store,
          catalog: this.catalog,
          log: this.log,
          pickConnection,
          setPreview: (uri, text) => this.previews.set(uri.toString(), text),
          home: () => this.home ?? os.homedir(),
          workspace: () =>
            this.workspace ?? vscode.workspace.workspaceFolders?.find((f) => f.uri.scheme === 'file')?.uri.fsPath,
        }),
    );
    return this.flow;
  }
}
