/**
 * The dashboard feature: the `aiGateway.openDashboard` command (connection context menu, command palette), one
 * panel per connection (revealed when already open), panels restored after a reload through a serializer whose
 * state (connection id + UI choices) is validated with zod.
 */
import * as vscode from 'vscode';
import { CommandIds, registerCommand } from '../../platform/commands';
import type { ConnectionStore } from '../../platform/connections';
import { Disposable } from '../../platform/lifecycle';
import type { Logger } from '../../platform/logger';
import { parseConnectionArg, pickConnection } from '../../platform/pickers';
import { type DashboardMeta, type UiChoices, dashboardPanelStateSchema } from '../../webview/dashboardProtocol';
import { DASHBOARD_VIEW_TYPE, DashboardPanel, type ExportTarget, dialogExportTarget } from './panel';
import type { SectionStates } from './export';

export interface DashboardTestApi {
  /** Opens (or reveals) the dashboard of a connection and waits until the webview is ready and every section has loaded. */
  open(connectionId: string, choices?: UiChoices): Promise<void>;
  /** What the host holds for that panel (meta + each section's state), or undefined when it is not open. */
  state(connectionId: string): {
    meta: DashboardMeta | undefined; sections: SectionStates; readyCount: number; html: string;
    /** JSON characters posted to the webview since the last reload; refusal sentences posted beside the picker. */
    postedBytes: number; notices: readonly string[];
  } | undefined;
  /** Routes a webview message as if the webview had posted it, and waits until the panel is idle. */
  post(connectionId: string, msg: unknown): Promise<void>;
  whenIdle(connectionId: string): Promise<void>;
  /** Replaces the save dialog / clipboard (undefined: back to the real ones). */
  setExportTarget(target: ExportTarget | undefined): void;
  close(connectionId: string): void;
  /** Restores a panel as VS Code does after a reload, from a persisted state (validated). */
  restore(panel: vscode.WebviewPanel, state: unknown): Promise<boolean>;
}

export class DashboardFeature extends Disposable {
  private readonly panels = new Map<string, DashboardPanel>();
  private exportTarget: ExportTarget = dialogExportTarget;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly store: ConnectionStore,
    private readonly log: Logger,
    private readonly noteActivity: () => void = () => undefined,
  ) {
    super();
    this._register(registerCommand(CommandIds.openDashboard, async (arg?: unknown) => {
      let id = parseConnectionArg(arg);
      if (!id) id = (await pickConnection(store, vscode.l10n.t('Which connection\'s dashboard?')))?.id;
      if (!id) return;
      this.open(id);
      this.noteActivity();
    }, log));
    // after a reload VS Code gives the panels back (activation event onWebviewPanel:aiGateway.dashboard)
    this._register(vscode.window.registerWebviewPanelSerializer(DASHBOARD_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel, state) => { await this.restore(panel, state); },
    }));
    // a removed connection closes its dashboard
    this._register(store.onDidChange(() => {
      for (const [id, p] of this.panels) if (!store.get(id)) p.close();
    }));
    this._register({ dispose: () => { for (const p of [...this.panels.values()]) p.close(); } });
  }

  open(connectionId: string, choices?: UiChoices): DashboardPanel {
    const profile = this.store.require(connectionId);
    const existing = this.panels.get(profile.id);
    if (existing) {
      existing.reveal();
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(DASHBOARD_VIEW_TYPE, vscode.l10n.t('Dashboard: {0}', profile.label),
      { viewColumn: vscode.ViewColumn.Active, preserveFocus: false }, DashboardPanel.options(this.context.extensionUri));
    return this.adopt(panel, profile.id, choices);
  }

  private adopt(panel: vscode.WebviewPanel, connectionId: string, choices: UiChoices | undefined): DashboardPanel {
    const p = new DashboardPanel(panel, connectionId, choices, this.context.extensionUri, this.store, this.log, () => this.exportTarget);
    this.panels.set(connectionId, p);
    p.onDidDispose(() => { if (this.panels.get(connectionId) === p) this.panels.delete(connectionId); });
    return p;
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

  testApi(): DashboardTestApi {
    const waitReady = async (p: DashboardPanel): Promise<void> => {
      for (let i = 0; i < 600 && p.readyCount === 0; i++) await new Promise((res) => setTimeout(res, 50));
      if (p.readyCount === 0) throw new Error('the dashboard webview never posted ready');
      await p.whenIdle();
    };
    return {
      open: async (id, choices) => {
        const p = this.open(id, choices);
        await waitReady(p);
      },
      state: (id) => {
        const p = this.panels.get(id);
        return p ? { meta: p.meta, sections: p.sections, readyCount: p.readyCount, html: p.lastHtml, postedBytes: p.postedBytes, notices: [...p.notices] } : undefined;
      },
      post: async (id, msg) => {
        const p = this.panels.get(id);
        if (!p) throw new Error(`no dashboard open for ${id}`);
        await p.router.handle(msg);
        await p.whenIdle();
      },
      whenIdle: async (id) => { await this.panels.get(id)?.whenIdle(); },
      setExportTarget: (t) => { this.exportTarget = t ?? dialogExportTarget; },
      close: (id) => this.panels.get(id)?.close(),
      restore: (panel, state) => this.restore(panel, state),
    };
  }
}
