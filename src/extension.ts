/**
 * Entry point. activate() only builds the Container: no network, no secret reads, no work at import time.
 * VS Code derives the activation events (onCommand / onView) from package.json; there is no '*' or onStartupFinished.
 */
import * as vscode from 'vscode';
import { Container } from './container';
import type { KeyActions } from './features/keys/actions';
import type { KeysTree } from './features/keys/tree';
import type { KeyFlowsTestApi } from './features/keys/flows/register';
import { RotationScheduler } from './features/keys/flows/rotations';
import { saveConnectionEdit, saveToken, type ConnectionEdit } from './features/connections/commands';
import type { ChatTestApi } from './features/chat';
import type { DashboardTestApi } from './features/dashboard';
import type { LmTestApi } from './features/lm';
import type { ParticipantFeature } from './features/participant';
import type { ToolsTestApi } from './features/tools';
import type { DemoFeature } from './features/demo';
import type { ModelsTreeProvider } from './features/models/tree';
import type { StatusBarController } from './features/status/statusBar';
import type { Identity } from './core/types';
import type { ConnectionProfile } from './platform/connections';
import type { ConfigService } from './platform/config';
import type { ConnectionStore } from './platform/connections';
import type { Logger } from './platform/logger';
import type { SecretService } from './platform/secrets';

/** Returned by activate() only when VS Code runs the extension's tests (ExtensionMode.Test), never to other extensions in normal use. */
export interface AiGatewayTestApi {
  /** How long activate() took, in ms (performance.now()). */
  readonly activationMs: number;
  /** What has run so far; right after activation everything is zero (no client built, no secret touched). */
  stats(): { readonly gatewaysCreated: number; readonly secretReads: number; readonly secretWrites: number };
  /** The folder of this extension's log files (the LogOutputChannel writes there). */
  readonly logUri: vscode.Uri;
  /** The extension's globalState, read by the secret-hygiene test (in code-server it lives in the browser, not on disk). */
  readonly globalState: vscode.Memento;
  readonly logger: Logger;
  readonly config: ConfigService;
  readonly secrets: SecretService;
  readonly connections: ConnectionStore;
  /** The keys tree (provider + TreeView) of the view aiGateway.connections. */
  readonly keysView: KeysTree;
  /** The key actions (details, enable/disable, delete, copy, snippet); tests replace `confirm` / `clipboard`. */
  readonly keyActions: KeyActions;
  /** The key write flows (a scripted Prompter can be put in), the rotation reminders, and a fresh scheduler as after a reload. */
  readonly keyFlows: KeyFlowsTestApi;
  /** The Models tree (features/models). */
  readonly models: ModelsTreeProvider;
  /** The status bar item (features/status). */
  readonly status: StatusBarController;
  /** The demo gateway (features/demo). */
  readonly demo: DemoFeature;
  /** The chat panel (features/chat): open it, post webview messages through its router, read the conversation. */
  readonly chat: ChatTestApi;
  /** The dashboard panels (features/dashboard): open one, read each section's state, post webview messages, redirect exports. */
  readonly dashboard: DashboardTestApi;
  /** The language model provider (features/lm): its vendor, counters, the chat key, today's usage ledger. */
  readonly lm: LmTestApi;
  /** `@gateway` (features/participant): its handler, called as the chat view would. */
  readonly participant: Pick<ParticipantFeature, 'handle'>;
  /** "Configure a Coding Tool…" (features/tools): an injectable home and workspace, scripted dialogs, undo. */
  readonly tools: ToolsTestApi;
  /** Edit Connection / Update Token without their input boxes: live check, then save. */
  readonly connectionEdits: {
    edit(id: string, edit: ConnectionEdit): Promise<{ profile: ConnectionProfile; identity: Identity }>;
    updateToken(id: string, token: string): Promise<Identity>;
  };
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
    logger: container.log,
    config: container.config,
    secrets: container.secrets,
    connections: container.connections,
    keysView: container.keys.tree,
    keyActions: container.keys.actions,
    keyFlows: {
      flows: container.keyFlows,
      rotations: container.rotations,
      newRotationScheduler: () => new RotationScheduler(context.globalState, container.connections, container.log.child('rotations')),
    },
    models: container.models.provider,
    status: container.status,
    demo: container.demo,
    chat: container.chat.testApi(),
    dashboard: container.dashboard.testApi(),
    lm: container.lm.testApi(),
    tools: container.tools.testApi(),
    participant: { handle: (request, response, token) => container.participant.handle(request, response, token) },
    connectionEdits: {
      edit: (id, edit) => saveConnectionEdit(container.connections, (cid) => container.secrets.getToken(cid), id, edit),
      updateToken: (id, token) => saveToken(container.connections, id, token),
    },
  };
}

export function deactivate(): void {
  // everything is disposed through context.subscriptions (the Container)
}
