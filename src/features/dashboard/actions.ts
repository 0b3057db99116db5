/**
 * What the dashboard does beyond showing figures: writes an export and offers to open or reveal it; opens the
 * details of a key of the Top keys card through the keys feature's own command.
 */
import * as vscode from 'vscode';
import { CommandIds } from '../../platform/commands';
import type { ConnectionStore } from '../../platform/connections';
import { askOpenOrReveal, type ExportFollowUp, followExport, pickExportFile } from '../../platform/exports';
import type { GroupSectionData } from '../../webview/dashboardProtocol';

/** Where an export goes: the test sets a file; otherwise a save dialog asks. */
export interface ExportTarget {
  /** Returns the file to write, or undefined when the user cancelled. */
  pick(format: 'csv' | 'json', suggestedName: string): Promise<vscode.Uri | undefined>;
  /** Copies text (Markdown). */
  copy(text: string): Promise<void>;
  /** Says the file was written and asks whether to open or reveal it (no confirmation when absent). */
  confirm?(uri: vscode.Uri): Promise<ExportFollowUp>;
}

export const dialogExportTarget: ExportTarget = {
  pick: (format, suggestedName) => Promise.resolve(pickExportFile(format, suggestedName)),
  async copy(text) {
    await vscode.env.clipboard.writeText(text);
  },
  confirm: (uri) =>
    askOpenOrReveal(vscode.l10n.t('Exported the dashboard to {0}.', uri.path.split('/').pop() ?? uri.path)),
};

/** Writes the text, then does what the user chose: open it in an editor, or show it in the Explorer / the OS. */
export async function writeExport(target: ExportTarget, uri: vscode.Uri, text: string): Promise<ExportFollowUp> {
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
  const next = await target.confirm?.(uri);
  await followExport(uri, next);
  return next;
}

/**
 * Opens the key of a Top keys row: the row's id is a key id where the gateway reports usage per key id, else the
 * key's name (usage logs name the key), found on the gateway by name. Only an id the card shows is accepted.
 */
export async function openKeyOfRow(
  store: ConnectionStore,
  connectionId: string,
  keys: GroupSectionData | undefined,
  rowId: string,
): Promise<boolean> {
  const row = keys?.rows.find((r) => r.id === rowId);
  if (!row) return false;
  const gateway = store.gateway(connectionId);
  let keyId: string | undefined = row.id;
  if (!gateway.capabilities.usageSeries) {
    const found = (await gateway.searchKeys(row.label)).filter((k) => k.name === row.label);
    keyId = found[0]?.id;
    if (!keyId) {
      void vscode.window.showWarningMessage(
        vscode.l10n.t('The key "{0}" was not found on the gateway: it may have been deleted or renamed.', row.label),
      );
      return false;
    }
  }
  await vscode.commands.executeCommand(CommandIds.viewKeyDetails, { connectionId, keyId });
  return true;
}
