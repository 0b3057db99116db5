/**
 * The key form: one multi-step input over the fields the gateway offers (the steps are formFields.ts), then a summary
 * step that marks what an edit changed. A refusal from the gateway sends the user back to the step it names, with the
 * message on it and every other answer kept.
 */
import * as vscode from 'vscode';
import type { ModelInfo, Team } from '../../../core/types';
import type { PickItem, Prompter } from '../../../platform/prompter';
import type { FieldId, FormAnswers } from './draft';
import { wireErrors } from './formChecks';
import { runField } from './formFields';
import { fieldLabel, formatInstant } from './messages';
import { localYmd, type NameLimit } from './validate';

export interface FormContext {
  readonly mode: 'create' | 'edit';
  readonly title: string;
  readonly fields: readonly FieldId[];
  readonly models: readonly ModelInfo[];
  readonly teams: readonly Team[];
  readonly nameLimit?: NameLimit;
  readonly now: () => number;
  /** Start on the summary (answers kept from a failed attempt; an edit always does). */
  readonly startAtSummary?: boolean;
  /** Start on this step (a draft resumed where it was left; with startAtSummary, an edit opened at one step). */
  readonly startAt?: string;
  /** Updated with the step on screen, so a draft left with Escape resumes there. */
  readonly track?: { step: string };
  /** Edit: the answers as read from the key, so the summary marks what changed (old → new). */
  readonly original?: FormAnswers;
  /** Edit: fields the gateway has but cannot change after creation (named on the summary). */
  readonly readOnly?: readonly FieldId[];
  /** A line for the summary step (e.g. "your previous answers are kept"). */
  readonly summaryNote?: string;
}

export type SubmitOutcome =
  | { readonly kind: 'ok' }
  /** The gateway refused fields the form has: back to those steps. */
  | { readonly kind: 'field-errors'; readonly errors: Partial<Record<FieldId, string>> }
  /** Reported already; the form ends (the caller keeps the answers). */
  | { readonly kind: 'failed' };

export type FormResult = 'done' | 'cancelled' | 'failed';

const SUMMARY = 'summary';
const SUBMIT = 'submit';
const READ_ONLY = 'readOnly';

export async function runKeyForm(
  p: Prompter,
  ctx: FormContext,
  answers: FormAnswers,
  submit: (a: FormAnswers) => Promise<SubmitOutcome>,
): Promise<FormResult> {
  const steps: string[] = [...ctx.fields, SUMMARY];
  const errors: Partial<Record<FieldId, string>> = {};
  const resumeAt = ctx.startAt !== undefined ? steps.indexOf(ctx.startAt) : -1;
  let i = resumeAt >= 0 ? resumeAt : ctx.startAtSummary ? steps.length - 1 : 0;
  let backToSummary = ctx.startAtSummary === true;
  for (;;) {
    const id = steps[i]!;
    if (ctx.track) ctx.track.step = id;
    const header = { title: ctx.title, step: i + 1, totalSteps: steps.length, canGoBack: i > 0 };
    if (id === SUMMARY) {
      const placeholder =
        ctx.summaryNote ??
        (ctx.mode === 'edit'
          ? vscode.l10n.t('Pick a line to change it; then Save the changes.')
          : vscode.l10n.t('Check the answers, then confirm (pick a line to change it).'));
      const r = await p.pick({
        id: SUMMARY,
        ...header,
        placeholder,
        canPickMany: false,
        items: summaryItems(ctx, answers),
      });
      if (r.kind === 'cancel') return 'cancelled';
      if (r.kind === 'back') {
        i = Math.max(0, i - 1);
        continue;
      }
      const choice = r.value[0];
      if (choice?.startsWith(`${READ_ONLY}:`)) continue;
      if (choice !== SUBMIT) {
        const at = steps.indexOf(choice ?? '');
        if (at >= 0) {
          i = at;
          backToSummary = true;
        }
        continue;
      }
      // what can never be sent (a forced answer, a stale draft) goes back to its step, without a request
      const local = wireErrors(ctx, answers);
      if (Object.keys(local).length > 0) {
        Object.assign(errors, local);
        i = steps.findIndex((s) => errors[s as FieldId] !== undefined);
        backToSummary = true;
        continue;
      }
      const outcome = await submit(answers);
      if (outcome.kind === 'ok') return 'done';
      if (outcome.kind === 'failed') return 'failed';
      Object.assign(errors, outcome.errors);
      const first = steps.findIndex((s) => errors[s as FieldId] !== undefined);
      if (first < 0) return 'failed';
      i = first;
      backToSummary = true;
      continue;
    }
    const field = id as FieldId;
    const r = await runField(p, ctx, field, answers, {
      ...header,
      id: field,
      ...(errors[field] ? { validationMessage: errors[field] } : {}),
      // a new key's steps can be skipped: the rest keep their defaults, the summary shows them all
      ...(ctx.mode === 'create' && !backToSummary
        ? { review: vscode.l10n.t('Review and create (the other steps keep their defaults)') }
        : {}),
    });
    if (r.kind === 'cancel') return 'cancelled';
    if (r.kind === 'back') {
      i = Math.max(0, i - 1);
      continue;
    }
    delete errors[field];
    if (r.review) {
      i = steps.length - 1;
      backToSummary = true;
    } else if (backToSummary) {
      const nextError = steps.findIndex((s) => errors[s as FieldId] !== undefined);
      i = nextError >= 0 ? nextError : steps.length - 1;
    } else {
      i++;
    }
  }
}

function describeAnswer(ctx: FormContext, field: FieldId, a: FormAnswers): string {
  switch (field) {
    case 'name':
      return a.name;
    case 'modelsAllowed':
      return a.models.length ? a.models.join(', ') : vscode.l10n.t('all models');
    case 'allowedIps':
      return a.ips.trim() || vscode.l10n.t('any IP');
    case 'rpmLimit':
      return a.rpm.trim() || vscode.l10n.t('no limit');
    case 'tpmLimit':
      return a.tpm.trim() || vscode.l10n.t('no limit');
    case 'quotaUsd':
      return a.quota.trim() ? `${a.quota.trim()} USD` : vscode.l10n.t('unlimited');
    case 'expiresAt': {
      const e = a.expiry;
      if (e.mode === 'keep') return e.iso ? formatInstant(e.iso) : vscode.l10n.t('never');
      if (e.mode === 'never') return vscode.l10n.t('never');
      if (e.mode === 'days')
        return vscode.l10n.t('in {0} days ({1})', e.days, localYmd(ctx.now() + e.days * 86_400_000));
      return e.date;
    }
    case 'isSandbox':
      return a.sandbox ? vscode.l10n.t('yes') : vscode.l10n.t('no');
    case 'teamId':
      return a.team ? (ctx.teams.find((t) => t.id === a.team)?.name ?? a.team) : vscode.l10n.t('no team');
  }
}

function summaryItems(ctx: FormContext, a: FormAnswers): PickItem[] {
  const o = ctx.original;
  const changed = o ? ctx.fields.filter((f) => describeAnswer(ctx, f, o) !== describeAnswer(ctx, f, a)) : [];
  const submitLabel =
    ctx.mode === 'create'
      ? vscode.l10n.t('$(check) Create the key')
      : changed.length === 0
        ? vscode.l10n.t('$(check) Save the changes (nothing changed yet)')
        : changed.length === 1
          ? vscode.l10n.t('$(check) Save 1 change')
          : vscode.l10n.t('$(check) Save {0} changes', changed.length);
  const items: PickItem[] = [
    { id: SUBMIT, label: submitLabel, picked: true },
    ...ctx.fields.map((f) => {
      const now = describeAnswer(ctx, f, a);
      const was = o ? describeAnswer(ctx, f, o) : now;
      return was !== now
        ? { id: f, label: `$(edit) ${fieldLabel(f)}: ${was} → ${now}`, description: vscode.l10n.t('changed') }
        : { id: f, label: `${fieldLabel(f)}: ${now}`, description: vscode.l10n.t('change…') };
    }),
  ];
  // what the gateway fixes at creation is shown too, so nobody looks for a way to change it
  for (const f of ctx.readOnly ?? []) {
    items.push({
      id: `${READ_ONLY}:${f}`,
      label: `$(lock) ${fieldLabel(f)}: ${describeAnswer(ctx, f, o ?? a)}`,
      description: vscode.l10n.t('fixed at creation: this gateway cannot change it'),
    });
  }
  return items;
}
