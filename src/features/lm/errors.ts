/** A failed VS Code chat request as a LanguageModelError carrying our sentence (and, for a fixable problem, its fix). */
import * as vscode from 'vscode';
import { isGatewayError } from '../../gateway/errors';
import { userMessage } from '../../platform/errors';

/**
 * Our sentence in the LanguageModelError kind VS Code and its callers understand: a rejected or restricted model
 * key is NoPermissions (saying which key and how to choose another), an unknown model NotFound, a rate limit
 * Blocked; anything else keeps its own sentence.
 */
export function toLanguageModelError(
  e: unknown,
  connection?: string,
  modelId?: string,
  keyLabel?: string,
  /** The sentence of a fixable problem (what to do, the request id): it replaces every other wording. */
  sentence?: string,
): vscode.LanguageModelError {
  const message = sentence ?? userMessage(e);
  if (sentence !== undefined && isGatewayError(e)) {
    if (e.kind === 'auth' || e.kind === 'forbidden') return vscode.LanguageModelError.NoPermissions(sentence);
    if (e.kind === 'rate-limited') return vscode.LanguageModelError.Blocked(sentence);
    return new vscode.LanguageModelError(sentence);
  }
  if (isGatewayError(e)) {
    const where = connection ?? e.gateway ?? vscode.l10n.t('Gateway');
    switch (e.kind) {
      case 'auth':
        return vscode.LanguageModelError.NoPermissions(
          vscode.l10n.t(
            '{0} rejected the model key {1} ({2}). Choose another with "AI Gateway: Choose the Model Key for VS Code Chat…".',
            where,
            keyLabel ?? '',
            e.message,
          ),
        );
      case 'forbidden':
        return vscode.LanguageModelError.NoPermissions(
          vscode.l10n.t(
            'The model key {1} may not use {2} on {0} ({3}). Allow the model for the key, or choose another key with "AI Gateway: Choose the Model Key for VS Code Chat…".',
            where,
            keyLabel ?? '',
            modelId ?? '',
            e.message,
          ),
        );
      case 'not-found':
        return vscode.LanguageModelError.NotFound(
          vscode.l10n.t('{0} does not offer the model {1} ({2}).', where, modelId ?? '', e.message),
        );
      case 'rate-limited':
        return vscode.LanguageModelError.Blocked(message);
      default:
        break;
    }
  }
  return new vscode.LanguageModelError(message);
}
