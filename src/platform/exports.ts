/**
 * What every export does around writing its file: the save dialog (in the first workspace folder, filtered by
 * format), the sentence saying where it went with Open and Reveal, and what each does — Open in an editor, Reveal
 * in the Explorer for a file of the workspace and in the file manager otherwise. Shared by the dashboard's, the
 * request log's and the chat history's exports.
 */
import * as vscode from 'vscode';

export type ExportFollowUp = 'open' | 'reveal' | undefined;

const FILTERS: Readonly<Record<'csv' | 'json' | 'markdown', Record<string, string[]>>> = {
  csv: { CSV: ['csv'] },
  json: { JSON: ['json'] },
  markdown: { Markdown: ['md'] },
};

/** The save dialog of an export: the suggested name in the first workspace folder (else `fallback`). */
export function pickExportFile(
  format: 'csv' | 'json' | 'markdown',
  suggestedName: string,
  fallback?: vscode.Uri,
): Thenable<vscode.Uri | undefined> {
  const base = vscode.workspace.workspaceFolders?.[0]?.uri ?? fallback;
  return vscode.window.showSaveDialog({
    ...(base ? { defaultUri: vscode.Uri.joinPath(base, suggestedName) } : {}),
    filters: FILTERS[format],
    saveLabel: vscode.l10n.t('Export'),
  });
}

/** Says where the export went and asks what next: Open, Reveal, or nothing (dismissed). */
export async function askOpenOrReveal(sentence: string): Promise<ExportFollowUp> {
  const open = vscode.l10n.t('Open');
  const reveal = vscode.l10n.t('Reveal');
  const picked = await vscode.window.showInformationMessage(sentence, open, reveal);
  return picked === open ? 'open' : picked === reveal ? 'reveal' : undefined;
}

/** Does what the user chose for a written export. */
export async function followExport(uri: vscode.Uri, choice: ExportFollowUp): Promise<void> {
  if (choice === 'open') await vscode.commands.executeCommand('vscode.open', uri);
  if (choice === 'reveal') {
    const inWorkspace = vscode.workspace.getWorkspaceFolder(uri) !== undefined;
    await vscode.commands.executeCommand(inWorkspace ? 'revealInExplorer' : 'revealFileInOS', uri);
  }
}
