/** The tool flow's confirmations and its diff preview: the real ones, which tests replace. */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { maskSecret } from '../../core/redact';
import { PREVIEW_SCHEME } from './scheme';

/** Confirmations and the diff, replaceable in tests. */
export interface ToolDialogs {
  /** Shows the change (a diff) and asks to write it; true to write. */
  review(
    file: string,
    before: string | undefined,
    after: string,
    changes: readonly string[],
    secret: string,
  ): Promise<boolean>;
  /** A file git tracks would get a key: true to write anyway. */
  confirmTracked(file: string): Promise<boolean>;
  /** After a write: resolves 'undo' when the user asks to undo. */
  written(file: string, tool: string): Promise<'undo' | 'open' | undefined>;
  /** Shows values to copy (Cline, Roo, Cursor, Codex's environment variable). */
  showValues(
    title: string,
    values: ReadonlyArray<{ label: string; value: string; secret?: boolean }>,
    note?: string,
  ): Promise<void>;
}

export function realToolDialogs(setPreview: (uri: vscode.Uri, text: string) => void): ToolDialogs {
  return {
    review: async (file, before, after, changes, secret) => {
      const mask = (t: string) => t.split(secret).join(maskSecret(secret));
      const right = vscode.Uri.from({
        scheme: PREVIEW_SCHEME,
        path: `/${path.basename(file)}`,
        query: String(Date.now()),
      });
      setPreview(right, mask(after));
      const left =
        before === undefined
          ? vscode.Uri.from({ scheme: PREVIEW_SCHEME, path: `/empty/${path.basename(file)}` })
          : vscode.Uri.file(file);
      await vscode.commands.executeCommand(
        'vscode.diff',
        left,
        right,
        vscode.l10n.t('{0} ↔ after configuring (keys masked)', path.basename(file)),
        { preview: true },
      );
      const write = vscode.l10n.t('Write');
      const r = await vscode.window.showInformationMessage(
        vscode.l10n.t('Write these changes to {0}?', file),
        { modal: true, detail: changes.join('\n') },
        write,
      );
      return r === write;
    },
    confirmTracked: async (file) => {
      const go = vscode.l10n.t('Write the Key Anyway');
      return (
        (await vscode.window.showWarningMessage(
          vscode.l10n.t('{0} is tracked by git: the key would be committed with it.', file),
          {
            modal: true,
            detail: vscode.l10n.t(
              'Anyone with the repository could use it. Prefer an untracked file (or add it to .gitignore).',
            ),
          },
          go,
        )) === go
      );
    },
    written: async (file, tool) => {
      const undo = vscode.l10n.t('Undo');
      const open = vscode.l10n.t('Open File');
      const r = await vscode.window.showInformationMessage(
        vscode.l10n.t('Configured {0}: {1} (the previous content is kept beside it as .agc-backup).', tool, file),
        open,
        undo,
      );
      return r === undo ? 'undo' : r === open ? 'open' : undefined;
    },
    showValues: async (title, values, note) => {
      for (;;) {
        const pick = await vscode.window.showQuickPick(
          values.map((v) => ({
            label: `$(copy) ${v.label}`,
            description: v.secret ? maskSecret(v.value) : v.value,
            v,
          })),
          { title, placeHolder: note ?? vscode.l10n.t('Choose a value to copy it'), ignoreFocusOut: true },
        );
        if (!pick) return;
        await vscode.env.clipboard.writeText(pick.v.value);
        vscode.window.setStatusBarMessage(vscode.l10n.t('Copied {0}.', pick.v.label), 3000);
      }
    },
  };
}
