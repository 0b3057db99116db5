/**
 * The dialogs of the history actions (a confirmation, the export and import targets, a title, what to do with an
 * export), behind an interface so the integration tests can answer them; the labels of an exported conversation.
 */
import * as vscode from 'vscode';
import { askOpenOrReveal } from '../../platform/exports';
import type { ExportLabels } from './exchange';

export type ExportFormat = 'markdown' | 'json';

export interface HistoryDialogs {
  confirm(message: string, action: string): Promise<boolean>;
  saveTarget(defaultUri: vscode.Uri, format: ExportFormat): Promise<vscode.Uri | undefined>;
  openTarget(): Promise<vscode.Uri | undefined>;
  inputTitle(current: string): Promise<string | undefined>;
  /** The export was written: Open it in an editor, Reveal it in the file manager, or nothing (dismissed). */
  exported(message: string): Promise<'open' | 'reveal' | undefined>;
}

export const realDialogs: HistoryDialogs = {
  confirm: async (message, action) =>
    (await vscode.window.showWarningMessage(message, { modal: true }, action)) === action,
  saveTarget: (defaultUri, format) =>
    Promise.resolve(
      vscode.window.showSaveDialog({
        defaultUri,
        title:
          format === 'markdown'
            ? vscode.l10n.t('Export Conversation to Markdown')
            : vscode.l10n.t('Export Conversation to JSON'),
        filters: format === 'markdown' ? { Markdown: ['md'] } : { JSON: ['json'] },
      }),
    ),
  openTarget: async () =>
    (
      await vscode.window.showOpenDialog({
        canSelectMany: false,
        title: vscode.l10n.t('Import a Conversation from JSON'),
        filters: { JSON: ['json'] },
      })
    )?.[0],
  inputTitle: (current) =>
    Promise.resolve(
      vscode.window.showInputBox({
        title: vscode.l10n.t('Rename Conversation'),
        prompt: vscode.l10n.t('The new title of the conversation'),
        value: current,
        validateInput: (v) =>
          v.trim()
            ? v.trim().length > 200
              ? vscode.l10n.t('At most 200 characters.')
              : undefined
            : vscode.l10n.t('Enter a title.'),
      }),
    ),
  exported: (message) => askOpenOrReveal(message),
};

export function exportLabels(): ExportLabels {
  return {
    untitled: vscode.l10n.t('(untitled)'),
    user: vscode.l10n.t('You'),
    assistant: vscode.l10n.t('Assistant'),
    systemPrompt: vscode.l10n.t('System prompt'),
    model: vscode.l10n.t('Model'),
    tokens: vscode.l10n.t('Tokens'),
    cost: vscode.l10n.t('Cost'),
    stopped: vscode.l10n.t('Stopped'),
    error: vscode.l10n.t('Error'),
    answerOf: vscode.l10n.t('Answer {0} of {1}'),
    shown: vscode.l10n.t('shown'),
    costIncludesRegenerated: vscode.l10n.t('every answer paid for, regenerated ones included'),
  };
}
