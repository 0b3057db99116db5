/**
 * The composition root: creates every service once, owns every disposable, disposes them in reverse order.
 * Nothing here touches the network or SecretStorage: services do that lazily, on a command or a view.
 */
import * as vscode from 'vscode';
import { registerConnectionCommands } from './features/connections/commands';
import { DemoFeature } from './features/demo';
import { ChatFeature } from './features/chat';
import { DashboardFeature } from './features/dashboard';
import { ModelsFeature } from './features/models';
import { StatusBarController } from './features/status/statusBar';
import { KeyFlows } from './features/keys/flows/flows';
import { registerKeyFlows } from './features/keys/flows/register';
import { RotationScheduler } from './features/keys/flows/rotations';
import { KeysFeature } from './features/keys/feature';
import { LmFeature } from './features/lm';
import { ParticipantFeature } from './features/participant';
import { ToolsFeature } from './features/tools';
import { ConfigService } from './platform/config';
import { ConnectionStore } from './platform/connections';
import { type IDisposable, disposeAll } from './platform/lifecycle';
import { LogService } from './platform/logger';
import { ModelCatalog } from './platform/modelCatalog';
import { SecretService } from './platform/secrets';

export const LOG_CHANNEL_NAME = 'AI Gateway Console';

export class Container implements vscode.Disposable {
  private static instance: Container | undefined;

  static create(context: vscode.ExtensionContext): Container {
    if (Container.instance) throw new Error('Container.create() called twice');
    Container.instance = new Container(context);
    return Container.instance;
  }

  private readonly disposables: IDisposable[] = [];
  readonly log: LogService;
  readonly config: ConfigService;
  readonly secrets: SecretService;
  readonly connections: ConnectionStore;
  /** The keys tree (view aiGateway.connections), key details, key actions and their commands. */
  readonly keys: KeysFeature;
  /** Client-side rotation reminders (globalState; started lazily). */
  readonly rotations: RotationScheduler;
  /** Create / edit / rotate keys, verify after write. */
  readonly keyFlows: KeyFlows;
  readonly status: StatusBarController;
  readonly models: ModelsFeature;
  readonly demo: DemoFeature;
  /** The chat panel, its service and history (features/chat). */
  readonly chat: ChatFeature;
  /** The usage and billing dashboard panels (features/dashboard). */
  readonly dashboard: DashboardFeature;
  /** Each connection's model list for VS Code's AI (the language model provider, @gateway). */
  readonly modelCatalog: ModelCatalog;
  /** The gateway's models in VS Code's language-model API, and what they cost (features/lm). */
  readonly lm: LmFeature;
  /** `@gateway` in VS Code's chat (features/participant). */
  readonly participant: ParticipantFeature;
  /** "Configure a Coding Tool…" (features/tools). */
  readonly tools: ToolsFeature;

  private constructor(readonly context: vscode.ExtensionContext) {
    this.log = this.own(new LogService(LOG_CHANNEL_NAME));
    this.config = this.own(new ConfigService(this.log.child('config')));
    this.secrets = this.own(new SecretService(context.secrets, this.log.child('secrets'), context.globalState));
    const version = String((context.extension.packageJSON as { version?: unknown }).version ?? '0');
    this.connections = this.own(new ConnectionStore(this.config, this.secrets, this.log, undefined, `ai-gateway-console/${version} vscode/${vscode.version}`));

    // features
    for (const d of registerConnectionCommands({ connections: this.connections, log: this.log, secrets: this.secrets, onCommand: () => this.status.noteActivity() })) this.own(d);
    this.keys = this.own(new KeysFeature({ store: this.connections, secrets: this.secrets, memento: context.globalState, log: this.log }));

    // models tree, status bar (balance + worst key warning), demo gateway for `npm start`
    const noteActivity = (): void => this.status.noteActivity();
    this.status = this.own(new StatusBarController(this.connections, this.log));
    this.models = this.own(new ModelsFeature(this.connections, this.log, noteActivity));
    this.status.trackView(this.models.view);
    this.status.trackView(this.keys.tree.view);
    this.demo = this.own(new DemoFeature(this.connections, this.log, process.env.AI_GATEWAY_CONSOLE_DEMO, noteActivity));
    this.chat = this.own(new ChatFeature(context, this.connections, this.log, noteActivity));
    this.dashboard = this.own(new DashboardFeature(context, this.connections, this.log, noteActivity));
    this.modelCatalog = this.own(new ModelCatalog(this.connections));
    this.lm = this.own(new LmFeature(context, this.connections, this.modelCatalog, this.log, noteActivity));
    this.participant = this.own(new ParticipantFeature(this.connections, this.modelCatalog, this.lm.ledger, context.extensionUri, this.log, noteActivity));
    this.status.showSpend(this.lm.ledger);
    this.tools = this.own(new ToolsFeature(this.connections, this.modelCatalog, this.log, noteActivity));

    // key write flows: create / edit / rotate, verify after write, client-side rotation reminders
    this.rotations = this.own(new RotationScheduler(context.globalState, this.connections, this.log.child('rotations'), undefined, undefined,
      () => void vscode.commands.executeCommand('aiGateway.showPendingRotations')));
    this.keyFlows = this.own(new KeyFlows({ connections: this.connections, log: this.log.child('keyflows'), rotations: this.rotations, keysView: this.keys.tree }));
    for (const d of registerKeyFlows(this.keyFlows, { connections: this.connections, log: this.log })) this.own(d);
    // removing a connection drops its pending rotation reminders (and says so in the confirmation)
    this.own(this.connections.addStateOwner({
      describe: (id) => {
        const n = this.rotations.pendingFor(id).length;
        if (n === 0) return [];
        return [n === 1
          ? vscode.l10n.t('1 pending rotation reminder (its old key will not be disabled)')
          : vscode.l10n.t('{0} pending rotation reminders (their old keys will not be disabled)', n)];
      },
      forget: async (id) => {
        for (const r of this.rotations.pendingFor(id)) await this.rotations.cancel(r);
      },
    }));
    this.rotations.startDeferred(); // a timer only: globalState is read in 30 s, the network only when a deadline is due
  }

  private own<T extends IDisposable>(d: T): T {
    this.disposables.push(d);
    return d;
  }

  dispose(): void {
    try {
      disposeAll(this.disposables);
    } finally {
      Container.instance = undefined;
    }
  }
}
