/** What the integration tests reach of the Dashboard feature through the extension's test API. */
import type * as vscode from 'vscode';
import type { DashboardMeta, UiChoices } from '../../webview/dashboardProtocol';
import type { SectionStates } from './export';
import type { DashboardFeature } from './index';
import type { ExportTarget } from './actions';
import type { DashboardPanel } from './panel';

export interface DashboardTestApi {
  /** Opens (or reveals) the dashboard of a connection and waits until the webview is ready and every section has loaded. */
  open(connectionId: string, choices?: UiChoices): Promise<void>;
  /** What the host holds for that panel (meta + each section's state), or undefined when it is not open. */
  state(connectionId: string):
    | {
        meta: DashboardMeta | undefined;
        sections: SectionStates;
        readyCount: number;
        html: string;
        /** JSON characters posted to the webview since the last reload; refusal sentences posted beside the picker. */
        postedBytes: number;
        notices: readonly string[];
      }
    | undefined;
  /** Routes a webview message as if the webview had posted it, and waits until the panel is idle. */
  post(connectionId: string, msg: unknown): Promise<void>;
  whenIdle(connectionId: string): Promise<void>;
  /** Replaces the save dialog / clipboard (undefined: back to the real ones). */
  setExportTarget(target: ExportTarget | undefined): void;
  close(connectionId: string): void;
  /** Restores a panel as VS Code does after a reload, from a persisted state (validated). */
  restore(panel: vscode.WebviewPanel, state: unknown): Promise<boolean>;
}

export function dashboardTestApi(dashboard: DashboardFeature): DashboardTestApi {
  const waitReady = async (p: DashboardPanel): Promise<void> => {
    for (let i = 0; i < 600 && p.readyCount === 0; i++) await new Promise((res) => setTimeout(res, 50));
    if (p.readyCount === 0) throw new Error('the dashboard webview never posted ready');
    await p.whenIdle();
  };
  return {
    open: async (id, choices) => {
      const p = dashboard.open(id, choices);
      await waitReady(p);
    },
    state: (id) => {
      const p = dashboard.panel(id);
      return p
        ? {
            meta: p.meta,
            sections: p.sections,
            readyCount: p.readyCount,
            html: p.lastHtml,
            postedBytes: p.postedBytes,
            notices: [...p.notices],
          }
        : undefined;
    },
    post: async (id, msg) => {
      const p = dashboard.panel(id);
      if (!p) throw new Error(`no dashboard open for ${id}`);
      await p.router.handle(msg);
      await p.whenIdle();
    },
    whenIdle: async (id) => {
      await dashboard.panel(id)?.whenIdle();
    },
    setExportTarget: (t) => dashboard.setExportTarget(t),
    close: (id) => dashboard.panel(id)?.close(),
    restore: (panel, state) => dashboard.restore(panel, state),
  };
}
