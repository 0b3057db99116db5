/**
 * "Configure a Coding Tool…" (palette, a key's and a connection's context menu) and its Undo. This module only
 * registers the commands and the diff preview's documents; the flow and the config-file writers (yaml, smol-toml,
 * jsonc-parser) are a separate bundle loaded on first use (`import('./lazy')` → dist/tools-lazy.js).
 * The home directory and the workspace folder are injectable (tests write into a temporary home, never `~`).
 */
import * as os from 'node:os';
import * as vscode from 'vscode';
import { CommandIds, registerCommand } from '../../platform/commands';
import type { ConnectionStore } from '../../platform/connections';
import { Disposable } from '../../platform/lifecycle';
import type { Logger } from '../../platform/logger';
import type { ModelCatalog } from '../../platform/modelCatalog';
import { pickConnection } from '../../platform/pickers';
import type { ToolChoice, ToolDialogs, ToolsFlow, WriteRecord } from './flow';

export type { ToolChoice, ToolDialogs, WriteRecord } from './flow';

const PREVIEW_SCHEME = 'agc-tool-preview';

export interface ToolsTestApi {
  setHome(dir: string | undefined): void;
  setWorkspace(dir: string | undefined): void;
  /** Replaces some dialogs (undefined: the real ones again). */
  setDialogs(d: Partial<ToolDialogs> | undefined): Promise<void>;
  /** Runs a configuration without any picker. */
  configure(choice: ToolChoice): Promise<readonly WriteRecord[]>;
  undo(): Promise<boolean>;
  lastWrites(): Promise<readonly WriteRecord[]>;
}

export class ToolsFeature extends Disposable {
  private readonly log: Logger;
  private home: string | undefined;
  private workspace: string | undefined;
  private flow: Promise<ToolsFlow> | undefined;
  private readonly previews = new Map<string, string>();

  constructor(private readonly store: ConnectionStore, private readonly catalog: ModelCatalog, log: Logger, private readonly onCommand: () => void = () => undefined) {
    super();
    this.log = log.child('tools');
    this._register(vscode.workspace.registerTextDocumentContentProvider(PREVIEW_SCHEME, { provideTextDocumentContent: (uri) => this.previews.get(uri.toString()) ?? '' }));
    this._register(registerCommand(CommandIds.configureCodingTool, async (arg) => {
      this.onCommand();
      await (await this.load()).run(arg);
    }, this.log));
    this._register(registerCommand(CommandIds.undoToolConfiguration, async () => {
      if (!(await (await this.load()).undo())) void vscode.window.showInformationMessage(vscode.l10n.t('There is no coding tool configuration to undo.'));
    }, this.log));
  }

  private load(): Promise<ToolsFlow> {
    this.flow ??= import('./lazy').then((m) => new m.ToolsFlow({
      store: this.store,
      catalog: this.catalog,
      log: this.log,
      pickConnection,
      setPreview: (uri, text) => this.previews.set(uri.toString(), text),
      home: () => this.home ?? os.homedir(),
      workspace: () => this.workspace ?? vscode.workspace.workspaceFolders?.find((f) => f.uri.scheme === 'file')?.uri.fsPath,
    }));
    return this.flow;
  }

  testApi(): ToolsTestApi {
    return {
      setHome: (d) => { this.home = d; },
      setWorkspace: (d) => { this.workspace = d; },
      setDialogs: async (d) => { const f = await this.load(); f.dialogs = { ...f.realDialogs(), ...d }; },
      configure: async (c) => (await this.load()).configure(c),
      undo: async () => (await this.load()).undo(),
      lastWrites: async () => (await this.load()).lastWrites,
    };
  }
}
