/**
 * The keys tree's commands (thin): resolve the key or connection (tree node, menu argument, or a picker from the
 * palette), then call KeyActions / KeysTree. Failures reach the user through registerCommand as one sentence.
 * (Create / edit / rotate live in flows/.)
 */
import * as vscode from 'vscode';
import type { ApiKey } from '../../core/types';
import { type CommandId, CommandIds, registerCommand } from '../../platform/commands';
import type { ConnectionStore } from '../../platform/connections';
import type { Logger } from '../../platform/logger';
import type { KeyActions } from './actions';
import type { KeyCopying } from './copying';
import type { KeyListPickers } from './listPickers';
import { snippetKindSchema } from './logic';
import { type KeyRef, keyRefSchema, parseConnectionRef, parseKeyRef, pickConnection, pickKey } from './refs';
import type { KeysTree } from './tree';

export interface KeyCommandDeps {
  readonly store: ConnectionStore;
  readonly tree: KeysTree;
  readonly actions: KeyActions;
  readonly copying: KeyCopying;
  readonly pickers: KeyListPickers;
  readonly log: Logger;
  /** Opens the rendered details of a key (else the details document). */
  readonly openDetails?: (ref: KeyRef) => unknown;
}

/** A key argument that may also name the snippet format (`{connectionId, keyId, format}`). */
const snippetArgSchema = keyRefSchema.extend({ format: snippetKindSchema.optional() });

export function registerKeyCommands(deps: KeyCommandDeps): vscode.Disposable[] {
  const { store, tree, actions, copying, pickers } = deps;
  const log = deps.log.child('keyCommands');

  const keyRef = async (
    arg: unknown,
    placeHolder: string,
    filter?: (k: ApiKey) => boolean,
  ): Promise<KeyRef | undefined> => parseKeyRef(arg) ?? (await pickKey(store, placeHolder, filter))?.ref;
  const connectionId = async (arg: unknown): Promise<string | undefined> =>
    parseConnectionRef(arg) ?? (await pickConnection(store, vscode.l10n.t('Which connection?')))?.id;
  /**
   * A command on one connection: the node it was run on; else (the view's title bar) the connection of the row
   * selected in the view, when `fromSelection`; else the one picked.
   */
  const onConnection = (
    command: CommandId,
    run: (connectionId: string) => unknown,
    fromSelection = false,
  ): vscode.Disposable =>
    registerCommand(
      command,
      async (arg) => {
        const id =
          (arg === undefined && fromSelection ? tree.selectedConnection() : undefined) ?? (await connectionId(arg));
        if (id) await run(id);
      },
      log,
    );

  return [
    registerCommand(
      CommandIds.viewKeyDetails,
      async (arg) => {
        const ref = await keyRef(arg, vscode.l10n.t('Which key?'));
        if (!ref) return;
        if (deps.openDetails) deps.openDetails(ref);
        else await actions.showDetails(ref);
      },
      log,
    ),
    registerCommand(
      CommandIds.enableKey,
      async (arg) => {
        const ref = await keyRef(arg, vscode.l10n.t('Which key should be enabled?'), (k) => k.status !== 'active');
        return ref ? (await actions.setEnabled(ref, true))?.applied : undefined;
      },
      log,
    ),
    registerCommand(
      CommandIds.disableKey,
      async (arg) => {
        const ref = await keyRef(arg, vscode.l10n.t('Which key should be disabled?'), (k) => k.status !== 'disabled');
        return ref ? (await actions.setEnabled(ref, false))?.applied : undefined;
      },
      log,
    ),
    registerCommand(
      CommandIds.deleteKey,
      async (arg) => {
        const ref = await keyRef(arg, vscode.l10n.t('Which key should be deleted?'));
        return ref ? actions.delete(ref) : undefined;
      },
      log,
    ),
    registerCommand(
      CommandIds.copyKey,
      async (arg) => {
        const ref = await keyRef(arg, vscode.l10n.t('Which key should be copied?'));
        return ref ? copying.copyKey(ref) : undefined;
      },
      log,
    ),
    registerCommand(
      CommandIds.copyKeySnippet,
      async (arg) => {
        const withFormat = arg === undefined ? undefined : snippetArgSchema.safeParse(arg);
        const ref = await keyRef(arg, vscode.l10n.t('A snippet for which key?'));
        if (!ref) return undefined;
        await copying.copySnippet(ref, withFormat?.success ? withFormat.data.format : undefined);
        return undefined; // the snippet may hold the full key: it goes to the clipboard only
      },
      log,
    ),
    onConnection(CommandIds.refreshConnection, (id) => tree.refreshConnection(id)),
    onConnection(CommandIds.loadMoreKeys, (id) => pickers.loadMore(id)),
    onConnection(CommandIds.filterKeys, (id) => pickers.pickFilter(id), true),
    onConnection(CommandIds.sortKeys, (id) => pickers.pickSort(id), true),
    onConnection(CommandIds.loadAllKeys, (id) => pickers.loadAll(id)),
    onConnection(CommandIds.cancelKeysLoad, (id) => tree.cancelLoad(id)),
    registerCommand(
      CommandIds.clearKeyFilter,
      async (arg) => {
        const explicit = parseConnectionRef(arg);
        const ids = explicit
          ? [explicit]
          : store
              .list()
              .map((p) => p.id)
              .filter((id) => tree.filterOf(id));
        for (const id of ids) tree.setFilter(id, undefined);
      },
      log,
    ),
  ];
}
