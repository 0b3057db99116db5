/**
 * The keys feature as the container sees it: the tree (in the view `aiGateway.connections`), the details documents,
 * the actions and their commands, the write flows (create / edit / rotate) and the client-side rotation reminders.
 * Creating it does no I/O: nothing is read until a connection node is expanded, and the reminders are read by a
 * deferred timer.
 */
import * as vscode from 'vscode';
import { CommandIds } from '../../platform/commands';
import type { ConfigService } from '../../platform/config';
import type { ConnectionStore } from '../../platform/connections';
import { Disposable } from '../../platform/lifecycle';
import type { Logger } from '../../platform/logger';
import type { SecretService } from '../../platform/secrets';
import type { PromptService } from '../../platform/vscodePrompter';
import { KeyActions } from './actions';
import { KeyCopying } from './copying';
import { KeyListPickers } from './listPickers';
import type { KeyRef } from './refs';
import { registerKeyCommands } from './commands';
import { KeyDetailsProvider } from './details';
import { KeyDetailsViews } from './detailsPanel';
import { KeyFlows } from './flows/flows';
import { registerKeyFlows } from './flows/register';
import { RotationScheduler } from './flows/rotations';
import { KeysTree } from './tree';

export interface KeysFeatureDeps {
  readonly store: ConnectionStore;
  readonly secrets: SecretService;
  readonly config: ConfigService;
  /** Where per-connection view choices (sort order) and rotation reminders are kept: never secrets. */
  readonly memento: vscode.Memento;
  readonly log: Logger;
  readonly prompts: PromptService;
  /** Where the webviews' bundles are (the rendered key details). */
  readonly extensionUri: vscode.Uri;
}

export class KeysFeature extends Disposable {
  readonly tree: KeysTree;
  readonly details: KeyDetailsProvider;
  /** The rendered details of a key ("View Details"), re-read when the key is written. */
  readonly detailsViews: KeyDetailsViews;
  readonly actions: KeyActions;
  readonly copying: KeyCopying;
  readonly pickers: KeyListPickers;
  /** Client-side rotation reminders (globalState; started lazily). */
  readonly rotations: RotationScheduler;
  /** Create / edit / rotate keys, verify after write. */
  readonly flows: KeyFlows;

  constructor(private readonly deps: KeysFeatureDeps) {
    super();
    const { store, log } = deps;
    this.tree = this._register(new KeysTree(deps));
    this.details = this._register(new KeyDetailsProvider(store, (id) => this.tree.teamsOf(id)));
    this.actions = new KeyActions({
      store,
      tree: this.tree,
      details: this.details,
      log,
      rotations: () => this.rotations,
    });
    this.copying = new KeyCopying({ store, tree: this.tree, log });
    this.pickers = new KeyListPickers({ store, tree: this.tree });
    this.detailsViews = this._register(
      new KeyDetailsViews({ store, tree: this.tree, log: log.child('keyDetails'), extensionUri: deps.extensionUri }),
    );
    const commands = {
      store,
      tree: this.tree,
      actions: this.actions,
      copying: this.copying,
      pickers: this.pickers,
      log,
      openDetails: (ref: KeyRef) => this.detailsViews.open(ref),
    };
    for (const d of registerKeyCommands(commands)) this._register(d);

    this.rotations = this._register(
      this.newRotationScheduler(() => void vscode.commands.executeCommand(CommandIds.showPendingRotations)),
    );
    this.tree.useRotationMarks(this.rotations);
    this.flows = this._register(
      new KeyFlows({
        connections: store,
        log: log.child('keyflows'),
        rotations: this.rotations,
        prompts: deps.prompts,
        keysView: this.tree,
      }),
    );
    for (const d of registerKeyFlows(this.flows, { connections: store, log })) this._register(d);
    // removing a connection drops its pending rotation reminders (and says so in the confirmation)
    this._register(
      store.addStateOwner({
        describe: (id) => {
          const n = this.rotations.pendingFor(id).length;
          if (n === 0) return [];
          return [
            n === 1
              ? vscode.l10n.t('1 pending rotation reminder (its old key will not be disabled)')
              : vscode.l10n.t('{0} pending rotation reminders (their old keys will not be disabled)', n),
          ];
        },
        forget: async (id) => {
          for (const r of this.rotations.pendingFor(id)) await this.rotations.cancel(r);
        },
      }),
    );
    this.rotations.startDeferred(); // a timer only: globalState is read in 30 s, the network only when a deadline is due
  }

  /** A scheduler over the same globalState (the feature's own, or — for the tests — a fresh one as after a reload). */
  newRotationScheduler(showPending?: () => void): RotationScheduler {
    return new RotationScheduler(
      this.deps.memento,
      this.deps.store,
      this.deps.log.child('rotations'),
      undefined,
      undefined,
      showPending,
    );
  }
}
