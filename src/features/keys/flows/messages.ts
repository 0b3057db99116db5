/** Localised words of the key flows: field names, validation sentences, the "did not apply" warning. */
import * as vscode from 'vscode';
import { formatInstant } from '../../../core/format';
import type { KeyInput } from '../../../core/types';
import type { DateProblem, IntProblem, IpListResult, NameProblem, UsdProblem } from './validate';
import type { FieldMismatch, FieldValue } from './verify';

export function fieldLabel(field: keyof KeyInput): string {
  switch (field) {
    case 'name':
      return vscode.l10n.t('name');
    case 'modelsAllowed':
      return vscode.l10n.t('models allowed');
    case 'allowedIps':
      return vscode.l10n.t('allowed IPs');
    case 'rpmLimit':
      return vscode.l10n.t('requests per minute');
    case 'tpmLimit':
      return vscode.l10n.t('tokens per minute');
    case 'quotaUsd':
      return vscode.l10n.t('quota');
    case 'expiresAt':
      return vscode.l10n.t('expiry');
    case 'isSandbox':
      return vscode.l10n.t('sandbox');
    case 'teamId':
      return vscode.l10n.t('team');
  }
}

/** How "nothing" reads for a field: never, unlimited, all models… */
function noneWord(field: keyof KeyInput): string {
  switch (field) {
    case 'modelsAllowed':
      return vscode.l10n.t('all models');
    case 'allowedIps':
      return vscode.l10n.t('any IP');
    case 'rpmLimit':
    case 'tpmLimit':
      return vscode.l10n.t('no limit');
    case 'quotaUsd':
      return vscode.l10n.t('unlimited');
    case 'expiresAt':
      return vscode.l10n.t('never');
    case 'teamId':
      return vscode.l10n.t('no team');
    default:
      return vscode.l10n.t('nothing');
  }
}

export function formatValue(field: keyof KeyInput, v: FieldValue): string {
  switch (v.kind) {
    case 'none':
      return noneWord(field);
    case 'unknown':
      return vscode.l10n.t('not reported');
    case 'list':
      return v.value.join(', ');
    case 'number':
      return String(v.value);
    case 'bool':
      return v.value ? vscode.l10n.t('yes') : vscode.l10n.t('no');
    case 'usd':
      return `${v.value} USD`;
    case 'text':
      return field === 'expiresAt' ? formatInstant(v.value) : v.value;
  }
}

/** An ISO instant as a short local date-time with its UTC offset (the one instant form, core/format). */
export { formatInstant };

/** "The gateway did not apply: expiry (sent 2026-12-01, has never); quota (sent 5 USD, has unlimited)." */
export function describeMismatches(keyName: string, mismatches: readonly FieldMismatch[]): string {
  const parts = mismatches.map((m) =>
    vscode.l10n.t(
      '{0} (sent {1}, has {2})',
      fieldLabel(m.field),
      formatValue(m.field, m.sent),
      formatValue(m.field, m.has),
    ),
  );
  return vscode.l10n.t('Key "{0}" was saved, but the gateway did not apply: {1}.', keyName, parts.join('; '));
}

export function nameProblem(p: NameProblem | undefined): string | undefined {
  if (!p) return undefined;
  if (p.code === 'empty') return vscode.l10n.t('A key needs a name.');
  return p.unit === 'bytes'
    ? vscode.l10n.t(
        'The name is {0} bytes long; this gateway accepts at most {1} bytes (a Chinese character takes 3).',
        p.length,
        p.max,
      )
    : vscode.l10n.t('The name is {0} characters long; this gateway accepts at most {1}.', p.length, p.max);
}

export function ipProblem(r: IpListResult): string | undefined {
  const p = r.problem;
  if (!p) return undefined;
  return p.reason === 'prefix'
    ? vscode.l10n.t('"{0}": the network prefix must be /0–/32 for IPv4 or /0–/128 for IPv6.', p.entry)
    : vscode.l10n.t('"{0}" is not an IPv4/IPv6 address or CIDR network (e.g. 10.0.0.0/8).', p.entry);
}

export function limitProblem(p: IntProblem | undefined): string | undefined {
  switch (p) {
    case undefined:
      return undefined;
    case 'not-integer':
      return vscode.l10n.t('Enter a whole number, or leave it empty for no limit.');
    case 'too-small':
      return vscode.l10n.t('The limit must be at least 1 (leave it empty for no limit).');
    case 'too-large':
      return vscode.l10n.t('That number is too large.');
  }
}

export function usdProblem(p: UsdProblem | undefined): string | undefined {
  switch (p) {
    case undefined:
      return undefined;
    case 'not-decimal':
      return vscode.l10n.t('Enter an amount in USD such as 25 or 12.50, or leave it empty for unlimited.');
    case 'negative':
      return vscode.l10n.t('The quota cannot be negative.');
    case 'too-precise':
      return vscode.l10n.t('Use at most 6 decimal places.');
    case 'too-large':
      return vscode.l10n.t('That amount is too large.');
  }
}

export function dateProblem(p: DateProblem | undefined): string | undefined {
  switch (p) {
    case undefined:
      return undefined;
    case 'format':
      return vscode.l10n.t('Enter a date as YYYY-MM-DD.');
    case 'invalid':
      return vscode.l10n.t('That day does not exist.');
    case 'past':
      return vscode.l10n.t('The expiry date must be after today.');
  }
}
