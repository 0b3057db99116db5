/**
 * The keys feature as the container sees it: the tree (in the view `aiGateway.connections`), the details documents,
 * the actions and their commands. Creating it does no I/O: nothing is read until a connection node is expanded.
 */
import type * as vscode from 'vscode';
import type { ConnectionStore } from '../../platform/connections';
import { Disposable } from '../../platform/lifecycle';
import type { Logger } from '../../platform/logger';
import type { SecretService } from '../../platform/secrets';
import { KeyActions } from './actions';
import { registerKeyCommands } from './commands';
import { KeyDetailsProvider } from './details';
import { KeysTree } from './tree';

export interface KeysFeatureDeps {
  readonly store: ConnectionStore;
  readonly secrets: SecretService;
  /** Where per-connection view choices (sort order) are kept: never secrets. */
  readonly memento: vscode.Memento;
  readonly log: Logger;
}

export class KeysFeature extends Disposable {
  readonly tree: KeysTree;
  readonly details: KeyDetailsProvider;
  readonly actions: KeyActions;

  constructor(deps: KeysFeatureDeps) {
    super();
    this.tree = this._register(new KeysTree(deps));
    this.details = this._register(new KeyDetailsProvider(deps.store));
    this.actions = new KeyActions({ store: deps.store, tree: this.tree, details: this.details, log: deps.log });
    for (const d of registerKeyCommands({ store: deps.store, tree: this.tree, actions: this.actions, log: deps.log })) this._register(d);
  }
}
