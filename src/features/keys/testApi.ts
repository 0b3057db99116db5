/**
 * What the integration tests reach of the keys feature through the extension's test API (returned by activate()
 * only in ExtensionMode.Test): the tree, the actions (tests replace `confirm` / `clipboard`), the write flows and
 * the rotation reminders.
 */
import type { KeyActions } from './actions';
import type { KeysFeature } from './feature';
import type { KeyFlows } from './flows/flows';
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
  /** The key actions (details, enable/disable, delete, copy, snippet); tests replace `confirm` / `clipboard`. */
  readonly keyActions: KeyActions;
  /** The key write flows, the rotation reminders, and a fresh scheduler as after a reload. */
  readonly keyFlows: KeyFlowsTestApi;
}

export function keysTestApi(keys: KeysFeature): KeysTestApi {
  return {
    keysView: keys.tree,
    keyActions: keys.actions,
    keyFlows: { flows: keys.flows, rotations: keys.rotations, newRotationScheduler: () => keys.newRotationScheduler() },
  };
}
