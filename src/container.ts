/**
 * The composition root: creates every service once, owns every disposable, disposes them in reverse order.
 * Nothing here touches the network or SecretStorage: services do that lazily, on a command or a view.
 */
import * as vscode from 'vscode';
import { registerConnectionCommands } from './features/connections/commands';
import { registerConnectionsView } from './features/connections/view';
import { ConfigService } from './platform/config';
import { ConnectionStore } from './platform/connections';
import { type IDisposable, disposeAll } from './platform/lifecycle';
import { LogService } from './platform/logger';
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

  private constructor(readonly context: vscode.ExtensionContext) {
    this.log = this.own(new LogService(LOG_CHANNEL_NAME));
    this.config = this.own(new ConfigService(this.log.child('config')));
    this.secrets = this.own(new SecretService(context.secrets, this.log.child('secrets')));
    const version = String((context.extension.packageJSON as { version?: unknown }).version ?? '0');
    this.connections = this.own(new ConnectionStore(this.config, this.secrets, this.log, undefined, `ai-gateway-console/${version} vscode/${vscode.version}`));

    // features
    for (const d of registerConnectionCommands({ connections: this.connections, log: this.log })) this.own(d);
    this.own(registerConnectionsView(this.connections));
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
