/**
 * A failed answer's fix buttons, kept with the answer: what is saved when the failure is explained (the problem and
 * its data, the fixes offered, the connection, model and the paying key's label — never a secret), the buttons
 * rebuilt from it in the current language, and the explanation the fixer runs a button from.
 */
import * as vscode from 'vscode';
import type { ConnectionStore } from '../../platform/connections';
import type { Diagnosis, ErrorFixer, FixButton, FixId, FixOutcome } from '../../platform/errors';
import type { SavedFix, Turn } from './model';

/** The fixes that change the key that paid (they need that key to still be the chat's). */
const KEY_FIXES: ReadonlySet<FixId> = new Set(['allow-model', 'add-ip', 'raise-limit', 'raise-quota']);

/**
 * Why a saved fix can no longer run, as the sentence to show; undefined when it can. Its connection may have been
 * removed; a key fix needs the key that paid to still be the connection's chat key (`keyLabelNow`), else it would
 * change another key.
 */
function fixTargetGone(
  saved: SavedFix,
  fix: FixId,
  store: ConnectionStore,
  keyLabelNow: string | undefined,
): string | undefined {
  const profile = store.get(saved.connectionId);
  if (!profile)
    return vscode.l10n.t('The connection this answer was sent through has been removed: there is nothing left to fix.');
  if (!KEY_FIXES.has(fix) || !saved.keyLabel || keyLabelNow === saved.keyLabel) return undefined;
  return keyLabelNow
    ? vscode.l10n.t(
        'This answer was paid for by {0}, which is no longer the chat key of {1} (it is {2} now): nothing was changed. Edit {0} from the Keys view instead.',
        saved.keyLabel,
        profile.label,
        keyLabelNow,
      )
    : vscode.l10n.t(
        'This answer was paid for by {0}, which is no longer the chat key of {1} (it was forgotten or deleted): nothing was changed.',
        saved.keyLabel,
        profile.label,
      );
}

/**
 * What a failed answer keeps of its explanation: the sentence, and (when it offered any fix) what the buttons are
 * rebuilt from, with the label of the key that paid.
 */
export function explained(
  d: Diagnosis,
  connectionId: string,
  model: string,
  keyLabel: string | undefined,
): { error: string; fix?: SavedFix } {
  if (!d.fixes.length) return { error: d.sentence };
  return {
    error: d.sentence,
    fix: {
      connectionId,
      model,
      ...(d.problem ? { problem: d.problem } : {}),
      fixes: d.fixes.map((f) => f.id),
      ...(d.requestId ? { requestId: d.requestId } : {}),
      ...(d.alternative ? { alternative: d.alternative } : {}),
      ...(keyLabel ? { keyLabel } : {}),
    },
  };
}

/** A button's label, worded as when the failure was explained. */
function label(fix: FixId, f: SavedFix): string {
  switch (fix) {
    case 'allow-model': {
      const model = f.problem?.kind === 'model-not-allowed' ? (f.problem.model ?? f.model) : f.model;
      return vscode.l10n.t('Allow {0} on {1}', model ?? '', f.keyLabel ?? vscode.l10n.t('the key'));
    }
    case 'add-ip':
      return vscode.l10n.t("Add this machine's IP");
    case 'raise-limit':
      return vscode.l10n.t('Raise the limit');
    case 'raise-quota':
      return vscode.l10n.t("Raise the key's quota");
    case 'top-up':
      return vscode.l10n.t('Top up');
    case 'try-model':
      return vscode.l10n.t('Try {0}', f.alternative ?? '');
    case 'copy-request-id':
      return vscode.l10n.t('Copy request id');
  }
}

/** The buttons of a failed answer (none for an answer that did not fail or offered nothing). */
export function fixButtons(t: Turn | undefined): FixButton[] {
  if (!t || t.status !== 'error' || !t.fix) return [];
  const f = t.fix;
  return f.fixes.map((id) => ({ id, label: label(id, f) }));
}

/** The explanation the fixer runs a button from, rebuilt from what was kept. */
function diagnosisOf(t: Turn & { fix: SavedFix }): Diagnosis {
  const f = t.fix;
  return {
    sentence: t.error ?? '',
    ...(f.requestId ? { requestId: f.requestId } : {}),
    ...(f.problem ? { problem: f.problem } : {}),
    fixes: fixButtons(t),
    ...(f.alternative ? { alternative: f.alternative } : {}),
  };
}

/**
 * Runs a failed answer's button: the explanation is rebuilt from what the answer kept, and a fix whose target is
 * gone is not run — `say` tells why. Returns what the fixer asks of the chat (and on which connection), or
 * undefined when nothing ran.
 */
export async function runSavedFix(
  turn: Turn | undefined,
  fix: FixId,
  deps: {
    readonly fixer: ErrorFixer;
    readonly store: ConnectionStore;
    readonly keyLabel: (connectionId: string) => string | undefined;
    readonly say: (message: string) => void;
  },
): Promise<{ outcome: FixOutcome; connectionId: string } | undefined> {
  const saved = turn?.status === 'error' ? turn.fix : undefined;
  if (!turn || !saved || !saved.fixes.includes(fix)) return undefined;
  const gone = fixTargetGone(saved, fix, deps.store, deps.keyLabel(saved.connectionId));
  if (gone) {
    deps.say(gone);
    return undefined;
  }
  const outcome = await deps.fixer.run(diagnosisOf({ ...turn, fix: saved }), fix, {
    connectionId: saved.connectionId,
    ...(saved.model ? { model: saved.model } : {}),
    surface: 'chat',
  });
  return { outcome, connectionId: saved.connectionId };
}
