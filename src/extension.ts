/**
 * Entry point. activate() only builds the Container: no network, no secret reads, no work at import time.
 * VS Code derives the activation events (onCommand / onView) from package.json; there is no '*' or onStartupFinished.
 */
import * as vscode from 'vscode';
import { Container } from './container';
import { chatTestApi, type ChatTestApi } from './features/chat/testApi';
import { connectionsTestApi, type ConnectionsTestApi } from './features/connections/testApi';
import { dashboardTestApi, type DashboardTestApi } from './features/dashboard/testApi';
import { fixesTestApi, type FixesTestApi } from './features/fixes/testApi';
import { lmTestApi, type LmTestApi } from './features/lm/testApi';
import { participantTestApi, type ParticipantTestApi } from './features/participant/testApi';
import { requestsTestApi, type RequestsTestApi } from './features/requests/testApi';
import { toolsTestApi, type ToolsTestApi } from './features/tools/testApi';
import { demoTestApi, type DemoTestApi } from './features/demo/testApi';
import { keysTestApi, type KeysTestApi } from './features/keys/testApi';
import type { KeysTableFeature } from './features/keys/table';
import type { KeyDetailsViews } from './features/keys/detailsPanel';
import { modelsTestApi, type ModelsTestApi } from './features/models/testApi';
import { compareTestApi, type CompareTestApi } from './features/compare/testApi';
import { statusTestApi, type StatusTestApi } from './features/status/testApi';
import type { ConfigService } from './platform/config';
import type { ConnectionStore } from './platform/connections';
import type { Logger } from './platform/logger';
import type { SecretService } from './platform/secrets';

/**
 * Returned by activate() only when VS Code runs the extension's tests (ExtensionMode.Test), never to other extensions
 * in normal use. Each feature's part is declared in its own testApi.ts.
 */
export interface AiGatewayTestApi extends KeysTestApi, ConnectionsTestApi, ModelsTestApi, StatusTestApi, DemoTestApi {
  /** How long activate() took, in ms (performance.now()). */
  readonly activationMs: number;
  /** What has run so far; right after activation everything is zero (no client built, no secret touched). */
  stats(): { readonly gatewaysCreated: number; readonly secretReads: number; readonly secretWrites: number };
  /** The folder of this extension's log files (the LogOutputChannel writes there). */
  readonly logUri: vscode.Uri;
  /** The extension's globalState, read by the secret-hygiene test (in code-server it lives in the browser, not on disk). */
  readonly globalState: vscode.Memento;
  /** The workspace's state (the Models view keeps its filter and order there). */
  readonly workspaceState: vscode.Memento;
  readonly logger: Logger;
  readonly config: ConfigService;
  readonly secrets: SecretService;
  readonly connections: ConnectionStore;
  /** The chat panel (features/chat): open it, post webview messages through its router, read the conversation. */
  readonly chat: ChatTestApi;
  /** The dashboard panels (features/dashboard): open one, read each section's state, post webview messages, redirect exports. */
  readonly dashboard: DashboardTestApi;
  /** The keys table panels (features/keys/table): open one, drive it as its webview would, read its rows. */
  readonly keysTable: KeysTableFeature;
  /** The rendered key details ("View Details"): one panel per key. */
  readonly keyDetailsViews: KeyDetailsViews;
  /** The language model provider (features/lm): its vendor, counters, the chat key, today's usage ledger. */
  readonly lm: LmTestApi;
  /** `@gateway` (features/participant): its handler, called as the chat view would. */
  readonly participant: ParticipantTestApi;
  readonly compare: CompareTestApi;
  /** "Configure a Coding Tool…" (features/tools): an injectable home and workspace, scripted dialogs, undo. */
  readonly tools: ToolsTestApi;
  /** Errors that say how to fix them (features/fixes): diagnose a failure, run a fix, what was opened or copied. */
  readonly fixes: FixesTestApi;
  /** The request log panels (features/requests): their view, webview messages, a scripted export target. */
  readonly requests: RequestsTestApi;
}

export function activate(context: vscode.ExtensionContext): AiGatewayTestApi | undefined {
  const started = performance.now();
  const container = Container.create(context);
  context.subscriptions.push(container);
  const activationMs = performance.now() - started;
  container.log.debug(`activated in ${activationMs.toFixed(2)} ms`);

  if (context.extensionMode !== vscode.ExtensionMode.Test) return undefined;
  return {
    activationMs,
    stats: () => ({
      gatewaysCreated: container.connections.gatewaysCreated,
      secretReads: container.secrets.stats.reads,
      secretWrites: container.secrets.stats.writes,
    }),
    logUri: context.logUri,
    globalState: context.globalState,
    workspaceState: context.workspaceState,
    logger: container.log,
    config: container.config,
    secrets: container.secrets,
    connections: container.connections,
    ...keysTestApi(container.keys),
    ...connectionsTestApi(container),
    ...modelsTestApi(container.models),
    ...statusTestApi(container.status),
    ...demoTestApi(container.demo),
    chat: chatTestApi(container.chat),
    dashboard: dashboardTestApi(container.dashboard),
    keysTable: container.keysTable,
    keyDetailsViews: container.keys.detailsViews,
    lm: lmTestApi(container.lm),
    tools: toolsTestApi(container.tools),
    participant: participantTestApi(container.participant),
    compare: compareTestApi(container.compare),
    fixes: fixesTestApi(container.fixes),
    requests: requestsTestApi(container.requests),
  };
}

export function deactivate(): void {
  // everything is disposed through context.subscriptions (the Container)
}
