/**
 * The composition root: creates every service once, owns every disposable, disposes them in reverse order.
 * Nothing here touches the network or SecretStorage: services do that lazily, on a command or a view.
 */
import * as vscode from 'vscode';
import { registerConnectionCommands } from './features/connections/commands';
import { DemoFeature } from './features/demo';
import { ChatFeature } from './features/chat';
import type { NewKeyPreset } from './platform/sessionKeys';
import { DashboardFeature } from './features/dashboard';
import { CompareFeature } from './features/compare';
import { recentRequestsOf } from './features/compare/typical';
import { FixesFeature } from './features/fixes';
import { ModelsFeature } from './features/models';
import { featureLabel, kindLabel, modalityLabel } from './features/models/viewState';
import { StatusBarController } from './features/status/statusBar';
import { BudgetMonitor } from './features/budgets/monitor';
import { KeysFeature } from './features/keys/feature';
import { KeysTableFeature } from './features/keys/table';
import { LmFeature } from './features/lm';
import { ParticipantFeature } from './features/participant';
import { RequestsFeature } from './features/requests';
import { ToolsFeature } from './features/tools';
import { ActivityService } from './platform/activity';
import { ConfigService } from './platform/config';
import { ConnectionStore } from './platform/connections';
import { type IDisposable, disposeAll } from './platform/lifecycle';
import { LogService } from './platform/logger';
import { ModelCatalog } from './platform/modelCatalog';
import { SecretService } from './platform/secrets';
import { PromptService } from './platform/vscodePrompter';

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
  /** A command that counts as activity ran (the status bar's lazy refresh waits for the first). */
  readonly activity: ActivityService;
  /** The Prompter every multi-step flow asks through (a scripted one in the integration tests). */
  readonly prompts: PromptService;
  /** The keys tree (view aiGateway.connections), key details, actions, write flows, rotation reminders and their commands. */
  readonly keys: KeysFeature;
  /** The keys table webview (features/keys/table): sort, filter, pages, bulk actions. */
  readonly keysTable: KeysTableFeature;
  readonly status: StatusBarController;
  /** Budgets and runway: the timed check, one notification per threshold crossed, "Set Budget…" (features/budgets). */
  readonly budgets: BudgetMonitor;
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
  /** "Compare Models": 2–4 models side by side with the cost of a typical request (features/compare). */
  readonly compare: CompareFeature;
  /** Errors that say how to fix them: the sentence and actions of a failed call (features/fixes). */
  readonly fixes: FixesFeature;
  /** The request log per connection and key (features/requests). */
  readonly requests: RequestsFeature;

  private constructor(readonly context: vscode.ExtensionContext) {
    this.log = this.own(new LogService(LOG_CHANNEL_NAME));
    this.config = this.own(new ConfigService(this.log.child('config')));
    this.secrets = this.own(new SecretService(context.secrets, this.log.child('secrets'), context.globalState));
    const version = String((context.extension.packageJSON as { version?: unknown }).version ?? '0');
    this.connections = this.own(
      new ConnectionStore(
        this.config,
        this.secrets,
        this.log,
        undefined,
        `ai-gateway-console/${version} vscode/${vscode.version}`,
      ),
    );
    this.activity = this.own(new ActivityService());
    this.prompts = new PromptService();
    const { connections: store, log, activity } = this;

    // features
    for (const d of registerConnectionCommands({
      connections: store,
      log,
      secrets: this.secrets,
      prompts: this.prompts,
      activity,
    }))
      this.own(d);
    this.keys = this.own(
      new KeysFeature({
        store,
        secrets: this.secrets,
        config: this.config,
        memento: context.globalState,
        log,
        prompts: this.prompts,
        extensionUri: context.extensionUri,
      }),
    );

    this.keysTable = this.own(
      new KeysTableFeature({
        extensionUri: context.extensionUri,
        store,
        log,
        tree: this.keys.tree,
        rotations: () => this.keys.rotations,
      }),
    );

    // models tree, status bar (balance + worst key warning), demo gateway for `npm start`
    this.status = this.own(new StatusBarController({ store, config: this.config, activity, log }));
    this.models = this.own(
      new ModelsFeature({
        store,
        log,
        activity,
        memento: context.workspaceState,
        prompts: this.prompts,
        editKey: (ref, input) => this.keys.flows.applyEdit(ref, input),
      }),
    );
    this.status.trackView(this.models.view);
    this.status.trackView(this.keys.tree.view);
    // budgets: nothing runs until the status bar's first refresh starts the checks
    this.budgets = this.own(new BudgetMonitor({ store, memento: context.globalState, prompts: this.prompts, log }));
    this.status.useBudgets(this.budgets);
    this.demo = this.own(new DemoFeature({ store, log, activity, raw: process.env.AI_GATEWAY_CONSOLE_DEMO }));
    const config = this.config;
    // the chat's key picker: this session's new keys first, and "Create a key for chat" through the create flow
    const newKeys = {
      session: this.keys.flows.created,
      create: async (id: string, preset: NewKeyPreset) => (await this.keys.flows.create(id, false, preset)).key,
    };
    this.chat = this.own(new ChatFeature({ context, store, config, log, activity, newKeys }));
    this.dashboard = this.own(new DashboardFeature({ context, store, log, activity }));
    this.modelCatalog = this.own(new ModelCatalog(store));
    const catalog = this.modelCatalog;
    this.lm = this.own(new LmFeature({ context, store, catalog, log, activity, newKeys }));
    this.participant = this.own(
      new ParticipantFeature({
        store,
        config,
        catalog,
        spend: this.lm.ledger,
        extensionUri: context.extensionUri,
        log,
        activity,
      }),
    );
    this.status.showSpend(this.lm.ledger);
    this.tools = this.own(new ToolsFeature({ store, catalog, log, activity }));
    // the comparison reads the Models view's lists and the chat history's answered requests
    this.compare = this.own(
      new CompareFeature({
        extensionUri: context.extensionUri,
        store,
        log,
        activity,
        prompts: this.prompts,
        models: (id) => this.models.provider.models(id),
        recentRequests: async () => recentRequestsOf(await this.chat.history.loadAll()),
        kindLabel,
        featureLabel,
        modalityLabel,
      }),
    );

    // errors that say how to fix them: the chat panel's and VS Code's chat's failed answers; key fixes open the edit flow
    this.fixes = this.own(
      new FixesFeature({
        store,
        catalog,
        log: log.child('fixes'),
        prompts: this.prompts,
        editKeyAt: (ref, entry) => this.keys.flows.edit(ref, false, entry),
        proxy: () => this.config.network().proxy,
      }),
    );
    this.chat.service.useFixer(this.fixes, this.prompts);
    this.lm.useFixer(this.fixes);
    this.requests = this.own(new RequestsFeature({ context, store, log, activity }));
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
