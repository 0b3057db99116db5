/**
 * The key form: one multi-step input over the fields the gateway offers, then a summary step. A refusal from
 * the gateway sends the user back to the step it names, with the message on it and every other answer kept.
 */
import * as vscode from 'vscode';
import type { ModelInfo, Team } from '../../../core/types';
import type { PickItem, Prompter, StepResult } from '../../../platform/prompter';
import type { ExpiryAnswer, FieldId, FormAnswers } from './draft';
import { dateProblem, fieldLabel, formatInstant, ipProblem, limitProblem, nameProblem, usdProblem } from './messages';
import {
  MAX_DAYS,
  checkExpiryDate,
  checkLimit,
  checkName,
  checkNameText,
  checkUsd,
  checkWireLimit,
  localYmd,
  parseDayChoice,
  parseIpList,
  type NameLimit,
} from './validate';

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
    });
    if (r.kind === 'cancel') return 'cancelled';
    if (r.kind === 'back') {
      i = Math.max(0, i - 1);
      continue;
    }
    delete errors[field];
    if (backToSummary) {
      const nextError = steps.findIndex((s) => errors[s as FieldId] !== undefined);
      i = nextError >= 0 ? nextError : steps.length - 1;
    } else {
      i++;
    }
  }
}

interface Header {
  readonly id: string;
  readonly title: string;
  readonly step: number;
  readonly totalSteps: number;
  readonly canGoBack: boolean;
  readonly validationMessage?: string;
}

/** Runs one field's step; on a value, stores it into `answers`. */
async function runField(
  p: Prompter,
  ctx: FormContext,
  field: FieldId,
  a: FormAnswers,
  h: Header,
): Promise<StepResult<void>> {
  const done = <T>(r: StepResult<T>, store: (v: T) => void): StepResult<void> => {
    if (r.kind !== 'value') return r;
    store(r.value);
    return { kind: 'value', value: undefined };
  };
  switch (field) {
    case 'name':
      return done(
        await p.input({
          ...h,
          prompt:
            ctx.nameLimit?.unit === 'bytes'
              ? vscode.l10n.t('Key name (at most {0} bytes)', ctx.nameLimit.max)
              : vscode.l10n.t('Key name'),
          value: a.name,
          placeholder: vscode.l10n.t('e.g. ci-bot'),
          validate: (v) => nameTextProblem(checkNameText(v)) ?? nameProblem(checkName(v, ctx.nameLimit)),
        }),
        (v) => {
          a.name = v;
        },
      );
    case 'modelsAllowed': {
      const known = new Set(ctx.models.map((m) => m.id));
      const items: PickItem[] = [
        ...a.models
          .filter((m) => !known.has(m))
          .map((m) => ({
            id: m,
            label: m,
            description: vscode.l10n.t('not offered by the gateway now'),
            picked: true,
          })),
        ...ctx.models.map((m) => ({ id: m.id, label: m.id, description: m.vendor, picked: a.models.includes(m.id) })),
      ];
      return done(
        await p.pick({
          ...h,
          placeholder: vscode.l10n.t('Models this key may call (pick none to allow all models)'),
          canPickMany: true,
          items,
        }),
        (v) => {
          a.models = [...v];
        },
      );
    }
    case 'allowedIps':
      return done(
        await p.input({
          ...h,
          prompt: vscode.l10n.t('Allowed IPs or CIDR networks, comma separated (empty = any IP)'),
          value: a.ips,
          placeholder: '203.0.113.7, 10.0.0.0/8, 2001:db8::/32',
          validate: (v) => ipProblem(parseIpList(v)),
        }),
        (v) => {
          a.ips = v;
        },
      );
    case 'rpmLimit':
    case 'tpmLimit':
      return done(
        await p.input({
          ...h,
          prompt:
            field === 'rpmLimit'
              ? vscode.l10n.t('Requests per minute: a whole number, or as the tree shows it (120K); empty = no limit')
              : vscode.l10n.t(
                  'Tokens per minute: a whole number, or as the tree shows it (1M, 1.5M, 120K); empty = no limit',
                ),
          value: field === 'rpmLimit' ? a.rpm : a.tpm,
          validate: (v) => limitProblem(checkLimit(v)),
        }),
        (v) => {
          if (field === 'rpmLimit') a.rpm = v;
          else a.tpm = v;
        },
      );
    case 'quotaUsd':
      return done(
        await p.input({
          ...h,
          prompt: vscode.l10n.t('Quota in USD (empty = unlimited)'),
          value: a.quota,
          placeholder: vscode.l10n.t('e.g. 25 or 12.50'),
          validate: (v) => usdProblem(checkUsd(v)),
        }),
        (v) => {
          a.quota = v.trim().toLowerCase() === 'unlimited' ? '' : v.trim();
        },
      );
    case 'expiresAt':
      return expiryStep(p, ctx, a, h);
    case 'isSandbox':
      return done(
        await p.pick({
          ...h,
          placeholder: vscode.l10n.t('A sandbox key (test traffic, not billed as live)?'),
          canPickMany: false,
          items: [
            { id: 'no', label: vscode.l10n.t('Live key'), picked: !a.sandbox },
            { id: 'yes', label: vscode.l10n.t('Sandbox key'), picked: a.sandbox },
          ],
        }),
        (v) => {
          a.sandbox = v[0] === 'yes';
        },
      );
    case 'teamId':
      return done(
        await p.pick({
          ...h,
          placeholder: vscode.l10n.t('Which team does the key belong to?'),
          canPickMany: false,
          items: [
            { id: '', label: vscode.l10n.t('No team'), picked: a.team === null },
            ...ctx.teams.map((t) => ({ id: t.id, label: t.name, description: t.id, picked: a.team === t.id })),
            ...(a.team && !ctx.teams.some((t) => t.id === a.team) ? [{ id: a.team, label: a.team, picked: true }] : []),
          ],
        }),
        (v) => {
          a.team = v[0] ? v[0] : null;
        },
      );
  }
}

const DAYS = [7, 30, 90] as const;

async function expiryStep(p: Prompter, ctx: FormContext, a: FormAnswers, header: Header): Promise<StepResult<void>> {
  let h = header;
  for (;;) {
    const cur = a.expiry;
    const items: PickItem[] = [
      ...(ctx.mode === 'edit' && cur.mode === 'keep'
        ? [
            {
              id: 'keep',
              label: vscode.l10n.t('Keep: {0}', cur.iso ? formatInstant(cur.iso) : vscode.l10n.t('never')),
              picked: true,
            },
          ]
        : []),
      { id: 'never', label: vscode.l10n.t('Never expires'), picked: cur.mode === 'never' },
      ...DAYS.map((d) => ({
        id: `days:${d}`,
        label: vscode.l10n.t('In {0} days', d),
        description: localYmd(ctx.now() + d * 86_400_000),
        picked: cur.mode === 'days' && cur.days === d,
      })),
      {
        id: 'date',
        label: vscode.l10n.t('On a date…'),
        description: cur.mode === 'date' ? cur.date : 'YYYY-MM-DD',
        picked: cur.mode === 'date',
      },
    ];
    const r = await p.pick({
      ...h,
      placeholder: vscode.l10n.t('When does the key expire?'),
      canPickMany: false,
      items,
    });
    if (r.kind !== 'value') return r;
    const choice = r.value[0] ?? 'never';
    let next: ExpiryAnswer;
    if (choice === 'keep' && cur.mode === 'keep') next = cur;
    else if (choice === 'never') next = { mode: 'never' };
    else if (choice.startsWith('days:')) {
      const days = parseDayChoice(choice);
      if (days === undefined) {
        h = { ...header, validationMessage: dayCountProblem() };
        continue;
      }
      next = { mode: 'days', days };
    } else {
      const d = await p.input({
        ...h,
        id: 'expiresAt.date',
        canGoBack: true,
        prompt: vscode.l10n.t('Expiry date (YYYY-MM-DD, the key works until the end of that day, local time)'),
        value: cur.mode === 'date' ? cur.date : localYmd(ctx.now() + 30 * 86_400_000),
        validate: (v) => dateProblem(checkExpiryDate(v, ctx.now())),
      });
      if (d.kind === 'cancel') return d;
      if (d.kind === 'back') continue;
      next = { mode: 'date', date: d.value.trim() };
    }
    a.expiry = next;
    return { kind: 'value', value: undefined };
  }
}

/** Why a key name's characters are refused (empty and length are nameProblem's). */
export function nameTextProblem(p: ReturnType<typeof checkNameText>): string | undefined {
  switch (p) {
    case undefined:
      return undefined;
    case 'invisible':
      return vscode.l10n.t('The name shows nothing: it is made only of invisible (zero-width) characters.');
    case 'control':
      return vscode.l10n.t('The name contains a control character (such as a tab or a line break); remove it.');
    case 'bidi':
      return vscode.l10n.t(
        'The name contains a hidden text-direction character (U+202A–U+202E, U+2066–U+2069, U+200E, U+200F or U+061C) that can make it look like something else; remove it.',
      );
  }
}

function dayCountProblem(): string {
  return vscode.l10n.t('Choose a whole number of days from 1 to {0}.', MAX_DAYS);
}

/**
 * The answers that cannot be sent at all, whatever the form's own rules allowed: a name with control or
 * text-direction characters, a limit that is not a whole number ≥ 0 (NaN, Infinity, negative), a quota that is not
 * a decimal in range, an expiry that is no real day. Whole numbers the form refused (rpm 0) are left to the gateway.
 */
export function wireErrors(ctx: Pick<FormContext, 'fields'>, a: FormAnswers): Partial<Record<FieldId, string>> {
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
