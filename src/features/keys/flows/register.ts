/**
 * Commands of the key write flows: Create Key (connection node or palette), Edit Key and Rotate Key (key node or
 * palette with the key picker), Show Pending Rotations. Arguments are validated (refs.ts); with none, the
 * command asks.
 */
import * as vscode from 'vscode';
import type { ApiKey } from '../../../core/types';
import { CommandIds, registerCommand } from '../../../platform/commands';
import type { ConnectionStore } from '../../../platform/connections';
import type { Logger } from '../../../platform/logger';
import { parseConnectionRef, parseKeyRef, pickConnection, pickKey, type KeyRef } from '../refs';
import type { KeyFlows } from './flows';

export function registerKeyFlows(
  flows: KeyFlows,
  deps: { readonly connections: ConnectionStore; readonly log: Logger },
): vscode.Disposable[] {
  const log = deps.log.child('keyflows');
  const store = deps.connections;
  const keyRef = async (
    arg: unknown,
    placeHolder: string,
    filter?: (k: ApiKey) => boolean,
  ): Promise<KeyRef | undefined> => parseKeyRef(arg) ?? (await pickKey(store, placeHolder, filter))?.ref;
  return [
    registerCommand(
      CommandIds.createKey,
      async (arg) => {
        const fromTree = arg !== undefined;
        const id =
          parseConnectionRef(arg) ??
          (await pickConnection(store, vscode.l10n.t('Create a key on which connection?')))?.id;
        return id ? flows.create(id, fromTree) : undefined;
      },
      log,
    ),
    registerCommand(
      CommandIds.editKey,
      async (arg) => {
        const ref = await keyRef(arg, vscode.l10n.t('Which key should be edited?'));
        return ref ? flows.edit(ref, arg !== undefined) : undefined;
      },
      log,
    ),
    registerCommand(
      CommandIds.rotateKey,
      async (arg) => {
        const ref = await keyRef(arg, vscode.l10n.t('Which key should be rotated?'), (k) => k.status === 'active');
        return ref ? flows.rotate(ref, arg !== undefined) : undefined;
      },
      log,
    ),
    registerCommand(CommandIds.showPendingRotations, () => flows.showPendingRotations(), log),
  ];
}
