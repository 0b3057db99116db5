/**
 * The key form's checks in words: why a name's characters are refused, why a number of days is, and the answers that
 * can never be sent whatever the steps allowed (checked again before the request, so a forced answer or a stale
 * draft goes back to its step without one).
 */
import * as vscode from 'vscode';
import { describeLabelProblem } from '../../../platform/connectionErrors';
import type { FieldId, FormAnswers } from './draft';
import { dateProblem, limitProblem, nameProblem, usdProblem } from './messages';
import { MAX_DAYS, checkExpiryDate, checkNameText, checkUsd, checkWireLimit, parseDayChoice } from './validate';

/** Why a key name's characters are refused (empty and length are nameProblem's). */
export function nameTextProblem(p: ReturnType<typeof checkNameText>): string | undefined {
  // the same characters are refused, in the same words, in a connection's name
  return p === undefined ? undefined : describeLabelProblem(p);
}

export function dayCountProblem(): string {
  return vscode.l10n.t('Choose a whole number of days from 1 to {0}.', MAX_DAYS);
}

/**
 * The answers that cannot be sent at all, whatever the form's own rules allowed: a name with control or
 * text-direction characters, a limit that is not a whole number ≥ 0 (NaN, Infinity, negative), a quota that is not
 * a decimal in range, an expiry that is no real day. Whole numbers the form refused (rpm 0) are left to the gateway.
 */
export function wireErrors(
  ctx: { readonly fields: readonly FieldId[] },
  a: FormAnswers,
): Partial<Record<FieldId, string>> {
  const errors: Partial<Record<FieldId, string>> = {};
  const has = (f: FieldId) => ctx.fields.includes(f);
  if (has('name')) {
    const m =
      nameTextProblem(checkNameText(a.name)) ?? (a.name.trim() === '' ? nameProblem({ code: 'empty' }) : undefined);
    if (m) errors.name = m;
  }
  if (has('rpmLimit')) {
    const m = limitProblem(checkWireLimit(a.rpm));
    if (m) errors.rpmLimit = m;
  }
  if (has('tpmLimit')) {
    const m = limitProblem(checkWireLimit(a.tpm));
    if (m) errors.tpmLimit = m;
  }
  if (has('quotaUsd')) {
    const m = usdProblem(checkUsd(a.quota));
    if (m) errors.quotaUsd = m;
  }
  if (has('expiresAt')) {
    const e = a.expiry;
    if (e.mode === 'days' && parseDayChoice(`days:${e.days}`) === undefined) errors.expiresAt = dayCountProblem();
    if (e.mode === 'date') {
      const p = checkExpiryDate(e.date, Number.NEGATIVE_INFINITY);
      if (p === 'format' || p === 'invalid') errors.expiresAt = dateProblem(p);
    }
  }
  return errors;
}
