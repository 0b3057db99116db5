/**
 * What every feature's commands share: reading the connection a command was given (a tree node, a menu
 * context, an id, or nothing) and asking for one when it was given nothing.
 */
import * as vscode from 'vscode';
import * as z from 'zod';
import { connectionIdSchema } from '../core/ids';
import { describeKind } from '../gateway';
import { CommandIds } from './commands';
import type { ConnectionProfile, ConnectionStore } from './connections';

/** Nothing (ask), a connection id, or a tree node / menu context carrying `connectionId`. */
const connectionArgSchema = z.union([
  z.undefined(),
  z.null(),
  connectionIdSchema,
  z.object({ connectionId: connectionIdSchema }),
]);

export function badArgument(): Error {
  return new Error(
    vscode.l10n.t('This command was given an argument it does not accept; run it from the command palette instead.'),
  );
}

/** The connection id a command was given, or undefined when it was given none (the command then asks). */
export function parseConnectionArg(arg: unknown): string | undefined {
  const r = connectionArgSchema.safeParse(arg);
  if (!r.success) throw badArgument();
  return typeof r.data === 'string' ? r.data : (r.data?.connectionId ?? undefined);
}

/**
 * Asks which connection (none: offers to add one, or to fix the settings when every entry there is invalid;
 * exactly one: that one, without asking). Invalid settings entries are never offered.
 */
export async function pickConnection(
  store: ConnectionStore,
  placeHolder: string,
): Promise<ConnectionProfile | undefined> {
  const all = store.list();
  const invalid = store.invalid().length;
  if (all.length === 0 && invalid > 0) {
    const open = vscode.l10n.t('Open Settings');
    const pick = await vscode.window.showWarningMessage(
      invalid === 1
        ? vscode.l10n.t(
            'No connection can be used: the entry of aiGateway.connections in settings.json is invalid (the Gateways view says why).',
          )
        : vscode.l10n.t(
            'No connection can be used: {0} entries of aiGateway.connections in settings.json are invalid (the Gateways view says why).',
            invalid,
          ),
      open,
    );
    if (pick === open) await vscode.commands.executeCommand(CommandIds.openConnectionSettings);
    return undefined;
  }
  if (all.length === 0) {
    const add = vscode.l10n.t('Add Connection');
    const pick = await vscode.window.showInformationMessage(vscode.l10n.t('No gateway connected yet.'), add);
    if (pick === add) await vscode.commands.executeCommand(CommandIds.addConnection);
    return undefined;
  }
  if (all.length === 1) return all[0];
  const items = all.map((p) => ({
    label: p.label,
    description: describeKind(p.kind).label,
    detail: p.baseUrl,
    profile: p,
  }));
  return (
    await vscode.window.showQuickPick(items, {
      placeHolder,
      matchOnDescription: true,
      matchOnDetail: true,
      ignoreFocusOut: true,
    })
  )?.profile;
}
