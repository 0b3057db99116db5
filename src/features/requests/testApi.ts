/** What the integration tests reach of the request log through the extension's test API. */
import type * as vscode from 'vscode';
import type { RequestsView } from '../../webview/requestsProtocol';
import type { ExportTarget } from './exporter';
import type { RequestsFeature } from './index';
import type { RequestsPanel } from './panel';

export interface RequestsTestApi {
  /** The open log of a connection, once its webview is ready and every load has ended. */
  state(connectionId: string): Promise<{ view: RequestsView; html: string; notices: readonly string[] } | undefined>;
  /** Routes a webview message as if the webview had posted it, and waits until the panel is idle. */
  post(connectionId: string, msg: unknown): Promise<void>;
  /** Replaces the save dialog and the progress notification (undefined: back to the real ones). */
  setExportTarget(target: ExportTarget | undefined): void;
  close(connectionId: string): void;
  /** What the open log's page was last asked to keep for a reload (VS Code gives it to the serializer). */
  kept(connectionId: string): object | undefined;
  /** Restores a log as VS Code does after a reload, from a kept state (validated); false when it was refused. */
  restore(panel: vscode.WebviewPanel, state: unknown): Promise<boolean>;
}

export function requestsTestApi(feature: RequestsFeature): RequestsTestApi {
  const settle = async (p: RequestsPanel): Promise<void> => {
    for (let i = 0; i < 600 && p.readyCount === 0; i++) await new Promise((res) => setTimeout(res, 50));
    if (p.readyCount === 0) throw new Error('the request log webview never posted ready');
    await p.whenIdle();
  };
  return {
    state: async (id) => {
      const p = feature.panel(id);
      if (!p) return undefined;
      await settle(p);
      return { view: p.view(), html: p.html, notices: [...p.notices] };
    },
    post: async (id, msg) => {
      const p = feature.panel(id);
      if (!p) throw new Error(`no request log open for ${id}`);
      await p.router.handle(msg);
      await p.whenIdle();
    },
    setExportTarget: (t) => feature.setExportTarget(t),
    close: (id) => feature.panel(id)?.close(),
    kept: (id) => feature.panel(id)?.kept,
    restore: async (panel, state) => (await feature.restore(panel, state)) !== undefined,
  };
}
