/**
 * What the integration tests reach of the keys feature through the extension's test API (returned by activate()
 * only in ExtensionMode.Test): the tree, the actions (tests replace `confirm`), copying (tests replace `clipboard`),
 * the list's pickers, the write flows and the rotation reminders.
 */
import type { KeyActions } from './actions';
import type { KeyCopying } from './copying';
import type { KeysFeature } from './feature';
import type { KeyFlows } from './flows/flows';
import type { KeyListPickers } from './listPickers';
import type { RotationScheduler } from './flows/rotations';
import type { KeysTree } from './tree';

export interface KeyFlowsTestApi {
  readonly flows: KeyFlows;
  readonly rotations: RotationScheduler;
  /** A fresh scheduler over the same globalState, as after a reload (the caller disposes it). */
  newRotationScheduler(): RotationScheduler;
}

export interface KeysTestApi {
  /** The keys tree (provider + TreeView) of the view aiGateway.connections. */
  readonly keysView: KeysTree;
  /** The key actions (details, enable/disable, delete); tests replace `confirm`. */
  readonly keyActions: KeyActions;
  /** Copy key / copy as snippet; tests replace `clipboard`. */
  readonly keyCopying: KeyCopying;
  /** The list's filter, order, load all / more; tests type into `openFilter`. */
  readonly keyPickers: KeyListPickers;
  /** The key write flows, the rotation reminders, and a fresh scheduler as after a reload. */
  readonly keyFlows: KeyFlowsTestApi;
}

export function keysTestApi(keys: KeysFeature): KeysTestApi {
  return {
    keysView: keys.tree,
    keyActions: keys.actions,
    keyCopying: keys.copying,
    keyPickers: keys.pickers,
    keyFlows: { flows: keys.flows, rotations: keys.rotations, newRotationScheduler: () => keys.newRotationScheduler() },
  };
}
