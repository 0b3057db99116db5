/**
 * The answers of the key form as the user typed them, and their conversion to a KeyInput (pure, no 'vscode').
 * A forced answer (one the form's validation refused) is converted as typed, so the gateway's own refusal can
 * be seen; the production UI never returns one.
 */
import type { ApiKey, KeyInput } from '../../../core/types';
import { daysFromNow, endOfDay, parseLimit, parseUsd, splitList } from './validate';
import { verifyApplied } from './verify';

/** The form's fields, in the order the steps are shown. */
export const FIELD_ORDER = [
  'name',
  'modelsAllowed',
  'allowedIps',
  'rpmLimit',
  'tpmLimit',
  'quotaUsd',
  'expiresAt',
  'isSandbox',
  'teamId',
] as const;
export type FieldId = (typeof FIELD_ORDER)[number];

export type ExpiryAnswer =
  | { readonly mode: 'keep'; readonly iso: string | null }
  | { readonly mode: 'never' }
  | { readonly mode: 'days'; readonly days: number }
  | { readonly mode: 'date'; readonly date: string };

export interface FormAnswers {
  name: string;
  models: string[];
  ips: string;
  rpm: string;
  tpm: string;
  /** USD, '' = unlimited. */
  quota: string;
  expiry: ExpiryAnswer;
  sandbox: boolean;
  team: string | null;
}

export function emptyAnswers(): FormAnswers {
  return {
    name: '',
    models: [],
    ips: '',
    rpm: '',
    tpm: '',
    quota: '',
    expiry: { mode: 'never' },
    sandbox: false,
    team: null,
  };
}

/** The form pre-filled from a key as read. */
export function answersFromKey(k: ApiKey): FormAnswers {
  return {
    name: k.name,
    models: [...k.modelsAllowed],
    ips: k.allowedIps.join(', '),
    rpm: k.rpmLimit == null ? '' : String(k.rpmLimit),
    tpm: k.tpmLimit == null ? '' : String(k.tpmLimit),
    quota: !k.quota || k.quota.unlimited ? '' : (k.quota.remaining?.amount ?? ''),
    expiry: { mode: 'keep', iso: k.expiresAt },
    sandbox: k.isSandbox ?? false,
    team: k.teamId ?? null,
  };
}

export function cloneAnswers(a: FormAnswers): FormAnswers {
  return { ...a, models: [...a.models] };
}

export function expiryIso(e: ExpiryAnswer, nowMs: number): string | null | undefined {
  switch (e.mode) {
    // Stryker disable next-line StringLiteral: a mode that matches no case also returns undefined (keep)
    case 'keep':
      return undefined;
    case 'never':
      return null;
    case 'days':
      return daysFromNow(e.days, nowMs);
    case 'date': {
      const end = endOfDay(e.date);
      return end === undefined ? e.date : new Date(end).toISOString();
    }
  }
}

/** The KeyInput for the given fields (expiry "keep" is left out). */
export function toKeyInput(a: FormAnswers, fields: readonly FieldId[], nowMs: number): KeyInput {
  const has = (f: FieldId) => fields.includes(f);
  const expiresAt = has('expiresAt') ? expiryIso(a.expiry, nowMs) : undefined;
  return {
    ...(has('name') ? { name: a.name.trim() } : {}),
    ...(has('modelsAllowed') ? { modelsAllowed: [...a.models] } : {}),
    ...(has('allowedIps') ? { allowedIps: splitList(a.ips) } : {}),
    ...(has('rpmLimit') ? { rpmLimit: parseLimit(a.rpm, 'rpmLimit') } : {}),
    ...(has('tpmLimit') ? { tpmLimit: parseLimit(a.tpm, 'tpmLimit') } : {}),
    ...(has('quotaUsd') ? { quotaUsd: parseUsd(a.quota) } : {}),
    ...(expiresAt !== undefined ? { expiresAt } : {}),
    ...(has('isSandbox') ? { isSandbox: a.sandbox } : {}),
    ...(has('teamId') ? { teamId: a.team } : {}),
  };
}

/** Only the fields of `input` that differ from the key as read (what an edit needs to send). */
export function changedFields(input: KeyInput, current: ApiKey): KeyInput {
  const changed = new Set(verifyApplied(input, current).map((m) => m.field));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(input)) if (changed.has(k as keyof KeyInput)) out[k] = v;
  return out;
}

/** The settings of `k` as a KeyInput for a copy (client-side rotation), limited to what the gateway offers. */
export function copyInput(
  k: ApiKey,
  name: string,
  caps: { keyQuota: boolean; rpmTpmLimits: boolean; sandboxKeys: boolean; teams: boolean },
): KeyInput {
  return {
    name,
    modelsAllowed: [...k.modelsAllowed],
    allowedIps: [...k.allowedIps],
    expiresAt: k.expiresAt,
    ...(caps.keyQuota && k.quota
      ? { quotaUsd: k.quota.unlimited ? 'unlimited' : (k.quota.remaining?.amount ?? '0') }
      : {}),
    ...(caps.rpmTpmLimits ? { rpmLimit: k.rpmLimit ?? null, tpmLimit: k.tpmLimit ?? null } : {}),
    ...(caps.sandboxKeys ? { isSandbox: k.isSandbox ?? false } : {}),
    ...(caps.teams ? { teamId: k.teamId ?? null } : {}),
  };
}

/**
 * An edit opened at one step (a fix for a gateway error): `at` is shown first, then the summary; models or IPs
 * in `addModels` / `addIps` are already added to the answers, every other field stays as read.
 */
export interface EditEntry {
  readonly at: FieldId;
  readonly addModels?: readonly string[];
  readonly addIps?: readonly string[];
}

/** Adds the entry's models and IPs to the answers (each once; the IPs after those already there). */
export function addToAnswers(a: FormAnswers, entry: EditEntry): void {
  // an empty allow-list already allows every model: adding one would narrow it
  if (a.models.length > 0) for (const m of entry.addModels ?? []) if (!a.models.includes(m)) a.models.push(m);
  const ips = splitList(a.ips);
  const added = (entry.addIps ?? []).filter((ip) => !ips.includes(ip));
  if (added.length > 0) a.ips = [...ips, ...added].join(', ');
}
