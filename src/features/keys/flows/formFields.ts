/**
 * The key form's field steps: one input or pick per field the gateway offers (name, models, IPs, rate limits, quota,
 * expiry, sandbox, team), each validated as it is typed and storing its answer into the form's answers. The expiry
 * step offers keep / never / a number of days / a date, the date typed in a second step.
 */
import * as vscode from 'vscode';
import type { PickItem, Prompter, StepResult } from '../../../platform/prompter';
import type { ExpiryAnswer, FieldId, FormAnswers } from './draft';
import type { FormContext } from './form';
import { dayCountProblem, nameTextProblem } from './formChecks';
import { dateProblem, formatInstant, ipProblem, limitProblem, nameProblem, usdProblem } from './messages';
import {
  checkExpiryDate,
  checkLimit,
  checkName,
  checkNameText,
  checkUsd,
  localYmd,
  parseDayChoice,
  parseIpList,
} from './validate';

export interface Header {
  readonly id: string;
  readonly title: string;
  readonly step: number;
  readonly totalSteps: number;
  readonly canGoBack: boolean;
  readonly validationMessage?: string;
  readonly review?: string;
}

/** Runs one field's step; on a value, stores it into `answers`. */
export async function runField(
  p: Prompter,
  ctx: FormContext,
  field: FieldId,
  a: FormAnswers,
  h: Header,
): Promise<StepResult<void>> {
  const done = <T>(r: StepResult<T>, store: (v: T) => void): StepResult<void> => {
    if (r.kind !== 'value') return r;
    store(r.value);
    return { kind: 'value', value: undefined, ...(r.review ? { review: true } : {}) };
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
          placeholder: h.review
            ? vscode.l10n.t('e.g. ci-bot. Enter: the next step; the check button (top right): review and create')
            : vscode.l10n.t('e.g. ci-bot'),
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
    let review = r.review === true;
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
      review ||= d.review === true;
      next = { mode: 'date', date: d.value.trim() };
    }
    a.expiry = next;
    return { kind: 'value', value: undefined, ...(review ? { review: true } : {}) };
  }
}
