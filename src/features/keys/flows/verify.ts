/**
 * Verify after write (pure, no 'vscode'): compares what was sent with the key as re-read, field by field.
 * Money as decimals, lists as sets, dates by instant (to the second: one-api stores seconds).
 * Used after create / edit / rotate copies, and by the keys tree after enable / disable.
 */
import { compareDecimal, isDecimal } from '../../../core/money';
import type { ApiKey, KeyInput } from '../../../core/types';

/** A field value in a comparable, displayable form. */
export type FieldValue =
  | { readonly kind: 'text'; readonly value: string }
  | { readonly kind: 'list'; readonly value: readonly string[] }
  | { readonly kind: 'number'; readonly value: number }
  | { readonly kind: 'bool'; readonly value: boolean }
  | { readonly kind: 'usd'; readonly value: string }
  /** null / empty: never, unlimited, no limit, all, any, no team (the field decides the words). */
  | { readonly kind: 'none' }
  /** The gateway did not report the field at all. */
  | { readonly kind: 'unknown' };

export interface FieldMismatch {
  readonly field: keyof KeyInput;
  readonly sent: FieldValue;
  readonly has: FieldValue;
}

const none: FieldValue = { kind: 'none' };
const unknown: FieldValue = { kind: 'unknown' };

function listValue(v: readonly string[] | null | undefined): FieldValue {
  return v && v.length > 0 ? { kind: 'list', value: [...v] } : none;
}

function sameSet(a: readonly string[], b: readonly string[], fold = false): boolean {
  const norm = (x: readonly string[]) =>
    new Set(
      x.map((s) => {
        const t = s.trim();
        // Stryker disable next-line MethodExpression: folding both sides to upper case compares the same way
        return fold ? t.toLowerCase() : t;
      }),
    );
  const sa = norm(a);
  const sb = norm(b);
  if (sa.size !== sb.size) return false;
  for (const x of sa) if (!sb.has(x)) return false;
  return true;
}

function instantSeconds(iso: string): number | undefined {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? undefined : Math.floor(ms / 1000);
}

function limitValue(v: number | null): FieldValue {
  return v === null ? none : { kind: 'number', value: v };
}

/** Every field of `expected` (absent fields are not checked) that `actual` does not show. */
export function verifyApplied(expected: KeyInput, actual: ApiKey): FieldMismatch[] {
  const out: FieldMismatch[] = [];
  if (expected.name !== undefined && expected.name !== actual.name) {
    out.push({
      field: 'name',
      sent: { kind: 'text', value: expected.name },
      has: { kind: 'text', value: actual.name },
    });
  }
  if (expected.modelsAllowed !== undefined && !sameSet(expected.modelsAllowed, actual.modelsAllowed)) {
    out.push({ field: 'modelsAllowed', sent: listValue(expected.modelsAllowed), has: listValue(actual.modelsAllowed) });
  }
  if (expected.allowedIps !== undefined && !sameSet(expected.allowedIps, actual.allowedIps, true)) {
    out.push({ field: 'allowedIps', sent: listValue(expected.allowedIps), has: listValue(actual.allowedIps) });
  }
  for (const f of ['rpmLimit', 'tpmLimit'] as const) {
    const sent = expected[f];
    if (sent === undefined) continue;
    const has = actual[f] ?? null;
    if ((sent ?? null) !== has) out.push({ field: f, sent: limitValue(sent), has: limitValue(has) });
  }
  if (expected.quotaUsd !== undefined) {
    const q = actual.quota;
    const sent: FieldValue = expected.quotaUsd === 'unlimited' ? none : { kind: 'usd', value: expected.quotaUsd };
    if (!q) {
      out.push({ field: 'quotaUsd', sent, has: unknown });
    } else if (expected.quotaUsd === 'unlimited') {
      if (!q.unlimited)
        out.push({ field: 'quotaUsd', sent, has: q.remaining ? { kind: 'usd', value: q.remaining.amount } : unknown });
    } else if (q.unlimited) {
      out.push({ field: 'quotaUsd', sent, has: none });
    } else if (
      !q.remaining ||
      !isDecimal(expected.quotaUsd) ||
      compareDecimal(q.remaining.amount, expected.quotaUsd) !== 0
    ) {
      out.push({ field: 'quotaUsd', sent, has: q.remaining ? { kind: 'usd', value: q.remaining.amount } : unknown });
    }
  }
  if (expected.expiresAt !== undefined) {
    const sent = expected.expiresAt;
    const has = actual.expiresAt;
    // Stryker disable ConditionalExpression,LogicalOperator: Date.parse(null) is NaN, so a null falls back to itself below as well
    const same =
      sent === null || has === null ? sent === has : (instantSeconds(sent) ?? sent) === (instantSeconds(has) ?? has);
    // Stryker restore ConditionalExpression,LogicalOperator
    if (!same) {
      out.push({
        field: 'expiresAt',
        sent: sent === null ? none : { kind: 'text', value: sent },
        has: has === null ? none : { kind: 'text', value: has },
      });
    }
  }
  if (expected.isSandbox !== undefined && expected.isSandbox !== (actual.isSandbox ?? false)) {
    out.push({
      field: 'isSandbox',
      sent: { kind: 'bool', value: expected.isSandbox },
      has: actual.isSandbox === undefined ? unknown : { kind: 'bool', value: actual.isSandbox },
    });
  }
  if (expected.teamId !== undefined && (expected.teamId ?? null) !== (actual.teamId ?? null)) {
    out.push({
      field: 'teamId',
      sent: expected.teamId === null ? none : { kind: 'text', value: expected.teamId },
      has: actual.teamId == null ? none : { kind: 'text', value: actual.teamId },
    });
  }
  return out;
}
