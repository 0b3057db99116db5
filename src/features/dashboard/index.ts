/**
 * The dashboard feature: the `aiGateway.openDashboard` command (connection context menu, command palette), one
 * panel per connection (revealed when already open), panels restored after a reload through a serializer whose
 * state (connection id + UI choices) is validated with zod.
 */
import * as vscode from 'vscode';
import { CommandIds, registerCommand } from '../../platform/commands';
import type { ActivityService } from '../../platform/activity';
import type { ConnectionStore } from '../../platform/connections';
import { Disposable } from '../../platform/lifecycle';
import type { Logger } from '../../platform/logger';
import { parseConnectionArg, pickConnection } from '../../platform/pickers';
import { type UiChoices, dashboardPanelStateSchema } from '../../webview/dashboardProtocol';
import { webviewPanelOptions } from '../../webview/host';
import { type ExportTarget, dialogExportTarget } from './actions';
import { DASHBOARD_VIEW_TYPE, DashboardPanel } from './panel';

export interface DashboardFeatureDeps {
  readonly context: vscode.ExtensionContext;
  readonly store: ConnectionStore;
  readonly log: Logger;
  /** Opening a dashboard counts as activity. */
  readonly activity: ActivityService;
}

export class DashboardFeature extends Disposable {
  private readonly panels = new Map<string, DashboardPanel>();
  private exportTarget: ExportTarget = dialogExportTarget;
  private readonly context: vscode.ExtensionContext;
  private readonly store: ConnectionStore;
  private readonly log: Logger;

  constructor(deps: DashboardFeatureDeps) {
    super();
    const { context, store, log, activity } = deps;
    this.context = context;
    this.store = store;
    this.log = log;
    this._register(
      registerCommand(
        CommandIds.openDashboard,
        async (arg?: unknown) => {
          let id = parseConnectionArg(arg);
          if (!id) id = (await pickConnection(store, vscode.l10n.t("Which connection's dashboard?")))?.id;
          if (!id) return;
          this.open(id);
          activity.note();
        },
        log,
      ),
    );
    // after a reload VS Code gives the panels back (activation event onWebviewPanel:aiGateway.dashboard)
    this._register(
      vscode.window.registerWebviewPanelSerializer(DASHBOARD_VIEW_TYPE, {
        deserializeWebviewPanel: async (panel, state) => {
          await this.restore(panel, state);
        },
      }),
    );
    // a removed connection closes its dashboard
    this._register(
      store.onDidChange(() => {
        for (const [id, p] of this.panels) if (!store.get(id)) p.close();
      }),
    );
    this._register({
      dispose: () => {
        for (const p of [...this.panels.values()]) p.close();
      },
    });
  }

  open(connectionId: string, choices?: UiChoices): DashboardPanel {
    const profile = this.store.require(connectionId);
    const existing = this.panels.get(profile.id);
    if (existing) {
      existing.reveal();
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(
      DASHBOARD_VIEW_TYPE,
      vscode.l10n.t('Dashboard: {0}', profile.label),
      { viewColumn: vscode.ViewColumn.Active, preserveFocus: false },
      webviewPanelOptions(this.context.extensionUri),
    );
    return this.adopt(panel, profile.id, choices);
  }

  private adopt(panel: vscode.WebviewPanel, connectionId: string, choices: UiChoices | undefined): DashboardPanel {
    const p = new DashboardPanel(
      panel,
      connectionId,
      choices,
      this.context.extensionUri,
      this.store,
      this.log,
      () => this.exportTarget,
    );
    this.panels.set(connectionId, p);
    p.onDidDispose(() => {
      if (this.panels.get(connectionId) === p) this.panels.delete(connectionId);
    });
    return p;
  }

  /** The open dashboard of a connection. */
  panel(connectionId: string): DashboardPanel | undefined {
    return this.panels.get(connectionId);
  }

  /** Where exports go (undefined: the save dialog and the clipboard again). */
  setExportTarget(target: ExportTarget | undefined): void {
    this.exportTarget = target ?? dialogExportTarget;
  }

  /** A panel VS Code restored: only a valid state naming a known connection gets a dashboard; anything else is closed. */
  async restore(panel: vscode.WebviewPanel, state: unknown): Promise<boolean> {
    const r = dashboardPanelStateSchema.safeParse(state);
    if (!r.success || !this.store.get(r.data.connectionId) || this.panels.has(r.data.connectionId)) {
      this.log.debug('dashboard: a restored panel had no valid state (or its connection is gone); closed');
      panel.dispose();
      return false;
    }
    this.adopt(panel, r.data.connectionId, r.data.choices);
    return true;
  }
}
