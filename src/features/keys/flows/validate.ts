/**
 * Pure validators of the key form (no 'vscode' import: unit-tested in Node). Each returns a problem code; the
 * form turns it into a localised sentence (see messages.ts).
 */
import { parseCompact } from '../../../core/format';
import { toBig } from '../../../core/money';
import { checkDisplayText, stripUnsafeText, type TextProblem } from '../../../core/text';
import type { KeyInput } from '../../../core/types';

// ---------------------------------------------------------------- IP addresses and CIDR networks

const V4_PART = /^(0|[1-9]\d{0,2})$/;

export function isIPv4(s: string): boolean {
  const parts = s.split('.');
  return parts.length === 4 && parts.every((p) => V4_PART.test(p) && Number(p) <= 255);
}

/** Every group is 1–4 hex digits, or the embedded IPv4 at the very end; so no other character, and no text longer than 45, passes. */
export function isIPv6(s: string): boolean {
  const halves = s.split('::');
  if (halves.length > 2) return false;
  const groupsOf = (part: string): string[] => (part === '' ? [] : part.split(':'));
  const head = groupsOf(halves[0]!);
  const tail = halves.length === 2 ? groupsOf(halves[1]!) : [];
  const all = [...head, ...tail];
  // an embedded IPv4 address is allowed as the last group of the text (not before a trailing "::") and counts as two
  const ipv4At = halves.length === 2 && tail.length === 0 ? -1 : all.length - 1;
  let count = 0;
  for (let i = 0; i < all.length; i++) {
    const g = all[i]!;
    if (i === ipv4At && g.includes('.')) {
      if (!isIPv4(g)) return false;
      count += 2;
    } else if (/^[0-9A-Fa-f]{1,4}$/.test(g)) {
      count += 1;
    } else {
      return false;
    }
  }
  return halves.length === 2 ? count <= 7 : count === 8;
}

export type IpProblem = 'invalid' | 'prefix';

/** One address or CIDR network (`10.0.0.0/8`, `2001:db8::/32`; host bits allowed, as the gateways accept). */
export function checkIpOrCidr(entry: string): IpProblem | undefined {
  const slash = entry.indexOf('/');
  // Stryker disable next-line EqualityOperator: a slash at 0 leaves an empty address, refused either way
  const addr = slash < 0 ? entry : entry.slice(0, slash);
  const v4 = isIPv4(addr);
  if (!v4 && !isIPv6(addr)) return 'invalid';
  // Stryker disable next-line EqualityOperator: a slash at 0 was refused above as an empty address
  if (slash < 0) return undefined;
  const bits = entry.slice(slash + 1);
  if (!/^(0|[1-9]\d{0,2})$/.test(bits) || Number(bits) > (v4 ? 32 : 128)) return 'prefix';
  return undefined;
}

export interface IpListResult {
  readonly entries: string[];
  /** The first entry that is wrong, and why. */
  readonly problem?: { readonly entry: string; readonly reason: IpProblem | 'empty' };
}

/** "10.0.0.1, 192.168.0.0/16" → entries (trimmed, duplicates dropped); empty text = any IP. */
export function parseIpList(text: string): IpListResult {
  const entries: string[] = [];
  // Stryker disable next-line Regex: the empty pieces between repeated separators are skipped below
  for (const entry of text.split(/[,\s]+/)) {
    if (entry === '') continue;
    const reason = checkIpOrCidr(entry);
    if (reason) return { entries, problem: { entry, reason } };
    if (!entries.includes(entry)) entries.push(entry);
  }
  return { entries };
}

/** Entries as typed, without validation (what a forced answer sends). */
export function splitList(text: string): string[] {
  // Stryker disable next-line Regex: the empty pieces between repeated separators are dropped by the filter
  return text.split(/[,\s]+/).filter((s) => s !== '');
}

// ---------------------------------------------------------------- names

export function utf8Bytes(s: string): number {
  return new TextEncoder().encode(s).length;
}

/** The longest prefix of `s` that fits `maxBytes` of UTF-8, never splitting a character. */
export function truncateUtf8(s: string, maxBytes: number): string {
  let out = '';
  let used = 0;
  for (const ch of s) {
    const n = utf8Bytes(ch);
    if (used + n > maxBytes) break;
    out += ch;
    used += n;
  }
  return out;
}

export interface NameLimit {
  readonly max: number;
  readonly unit: 'bytes' | 'chars';
}

export type NameProblem =
  | { readonly code: 'empty' }
  | { readonly code: 'too-long'; readonly max: number; readonly unit: 'bytes' | 'chars'; readonly length: number };

export function nameLength(name: string, unit: 'bytes' | 'chars'): number {
  return unit === 'bytes' ? utf8Bytes(name) : [...name].length;
}

/**
 * The characters of a key name: visible text without control or bidirectional formatting characters
 * (core/text). 'empty' is left to checkName.
 */
export function checkNameText(name: string): Exclude<TextProblem, 'empty'> | undefined {
  const p = checkDisplayText(name);
  return p === 'empty' ? undefined : p;
}

export function checkName(name: string, limit: NameLimit | undefined): NameProblem | undefined {
  if (name.trim() === '') return { code: 'empty' };
  if (limit) {
    const length = nameLength(name, limit.unit);
    if (length > limit.max) return { code: 'too-long', max: limit.max, unit: limit.unit, length };
  }
  return undefined;
}

/** The suffixes a rotation copy's name may carry, longest first (the date as YYYY-MM-DD). */
export function rotationSuffixes(date: string): string[] {
  const md = date.slice(5);
  return [` (rotated ${date})`, ` (rotated ${md})`, ` (rot ${md})`];
}

/** A suffix an earlier rotation added (so a copy of a copy does not pile them up). */
const ROTATION_SUFFIX = / \((?:rotated \d{4}-\d{2}-\d{2}|rotated \d{2}-\d{2}|rot \d{2}-\d{2})(?: #\d+)?\)$/;

/** The name without a suffix an earlier rotation added, and without control or text-direction characters. */
export function rotationBase(name: string): string {
  return stripUnsafeText(name).replace(ROTATION_SUFFIX, '');
}

/**
 * The name of a rotation copy: the whole base name (never cut: a shortened original can collide with another key)
 * and the longest rotation suffix that fits the gateway's limit; a name already `taken` (the old key's, when it was
 * itself a copy made the same day) gets a number. Undefined when no suffix fits: the caller asks, showing the limit.
 */
export function rotatedName(
  name: string,
  date: string,
  limit: NameLimit | undefined,
  taken: ReadonlySet<string> = new Set(),
): string | undefined {
  const base = rotationBase(name);
  const fits = (s: string) => !limit || nameLength(s, limit.unit) <= limit.max;
  for (const suffix of rotationSuffixes(date)) {
    for (let n = 1; n <= 9; n++) {
      const candidate = n === 1 ? base + suffix : `${base}${suffix.slice(0, -1)} #${n})`;
      if (!fits(candidate)) break;
      if (!taken.has(candidate)) return candidate;
    }
  }
  return undefined;
}

// ---------------------------------------------------------------- numbers and money

export type IntProblem = 'not-integer' | 'too-small' | 'too-large';

/** rpm / tpm: empty = no limit; else a whole number ≥ 1. */
export function checkLimit(text: string): IntProblem | undefined {
  // empty (no limit) passes checkWireLimit and has no value, and undefined is not under 1
  return checkWireLimit(text) ?? (limitValue(text)! < 1 ? 'too-small' : undefined);
}

/** A limit as typed, also in the short form the tree shows ("1M", "120K", "1.5k", "12万", "1,000,000"). */
function limitValue(text: string): number | undefined {
  const r = parseCompact(text);
  return r.ok ? r.value : undefined;
}

/**
 * What may be sent for rpm / tpm at all, whatever the form's own rule: empty (no limit) or a whole count (digits, or
 * the short form "1M") that makes a safe integer. NaN, Infinity, negative, fractional and exponent forms never reach the wire (JSON would turn NaN and
 * Infinity into null, which means "no limit").
 */
export function checkWireLimit(text: string): Exclude<IntProblem, 'too-small'> | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  const r = parseCompact(t);
  if (!r.ok) return r.reason === 'too-large' ? 'too-large' : 'not-integer';
  return undefined;
}

/** A value the key form cannot send (the message names the field). */
export class KeyInputError extends Error {
  constructor(
    readonly field: keyof KeyInput,
    detail: string,
  ) {
    super(`${field}: ${detail}`);
    this.name = 'KeyInputError';
  }
}

/**
 * The number typed, or null for empty. A whole number the form refused (0: a forced answer) is sent as typed, so
 * the gateway's own refusal can be seen; anything checkWireLimit refuses throws a KeyInputError, never NaN.
 */
export function parseLimit(text: string, field: 'rpmLimit' | 'tpmLimit' = 'rpmLimit'): number | null {
  const t = text.trim();
  if (t === '') return null;
  const p = checkWireLimit(t);
  if (p) throw new KeyInputError(field, p);
  return limitValue(t)!;
}

export type UsdProblem = 'not-decimal' | 'negative' | 'too-precise' | 'too-large';

const USD = /^\d+(\.\d+)?$/;

/** A USD amount: digits with at most 6 decimals (one-api's quota unit is 0.000002 USD); empty = unlimited. */
export function checkUsd(text: string): UsdProblem | undefined {
  const t = text.trim();
  if (t === '' || t.toLowerCase() === 'unlimited') return undefined;
  if (t.startsWith('-') && USD.test(t.slice(1))) return 'negative';
  if (!USD.test(t)) return 'not-decimal';
  if ((t.split('.')[1] ?? '').length > 6) return 'too-precise';
  if (toBig(t).gt(toBig('1000000000'))) return 'too-large';
  return undefined;
}

/** '' / 'unlimited' → 'unlimited'; otherwise the decimal string (normalised by big.js). Throws a KeyInputError for anything checkUsd refuses. */
export function parseUsd(text: string): string {
  const t = text.trim();
  if (t === '' || t.toLowerCase() === 'unlimited') return 'unlimited';
  const p = checkUsd(t);
  if (p) throw new KeyInputError('quotaUsd', p);
  return toBig(t).toString();
}

// ---------------------------------------------------------------- dates

export type DateProblem = 'format' | 'invalid' | 'past';

const YMD = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A custom expiry date `YYYY-MM-DD`: a real calendar day, after today. */
export function checkExpiryDate(text: string, nowMs: number): DateProblem | undefined {
  if (!YMD.test(text.trim())) return 'format';
  const end = endOfDay(text.trim());
  if (end === undefined) return 'invalid';
  if (end <= nowMs) return 'past';
  return undefined;
}

/** The last second of a local calendar day, as ms epoch; undefined when the day does not exist. */
export function endOfDay(ymd: string): number | undefined {
  const m = YMD.exec(ymd);
  if (!m) return undefined;
  const y = Number(m[1]);
  const mo = Number(m[2]) - 1;
  const d = Number(m[3]);
  const date = new Date(y, mo, d, 23, 59, 59, 0);
  // a day or month past its end rolls into the next month or year, so the year and the day together catch every overflow
  // Stryker disable next-line ConditionalExpression,LogicalOperator: the month check repeats what the year and day checks find
  if (date.getFullYear() !== y || date.getMonth() !== mo || date.getDate() !== d) return undefined;
  return date.getTime();
}

/** At most 100 years ahead: further is no expiry a gateway stores faithfully (and no date JavaScript can always print). */
export const MAX_DAYS = 36_500;

export type DayCountProblem = 'not-integer' | 'too-small' | 'too-large';

/** An "in N days" expiry: a whole number of days, 1 … MAX_DAYS. */
export function checkDayCount(days: number): DayCountProblem | undefined {
  if (!Number.isInteger(days)) return 'not-integer';
  if (days < 1) return 'too-small';
  if (days > MAX_DAYS) return 'too-large';
  return undefined;
}

/** "days:30" (the expiry step's choice) → 30; undefined when it is not a valid day count. */
export function parseDayChoice(choice: string): number | undefined {
  const m = /^days:(\d{1,6})$/.exec(choice);
  if (!m) return undefined;
  const n = Number(m[1]);
  return checkDayCount(n) === undefined ? n : undefined;
}

/** now + days, to the second. Throws a KeyInputError (never a RangeError) for a day count checkDayCount refuses. */
export function daysFromNow(days: number, nowMs: number): string {
  const p = checkDayCount(days);
  if (p) throw new KeyInputError('expiresAt', `${p} day count ${String(days)}`);
  return new Date(Math.floor((nowMs + days * 86_400_000) / 1000) * 1000).toISOString();
}

/** At most a year of grace after a rotation. */
export const MAX_GRACE_HOURS = 8_760;

export type GraceProblem = 'not-integer' | 'negative' | 'too-large';

/** The hours an old secret keeps working after a rotation: a whole number, 0 … MAX_GRACE_HOURS. */
export function checkGraceHours(hours: number): GraceProblem | undefined {
  if (!Number.isInteger(hours)) return 'not-integer';
  if (hours < 0) return 'negative';
  if (hours > MAX_GRACE_HOURS) return 'too-large';
  return undefined;
}

/** A grace period as picked or typed ("24") → hours; undefined when checkGraceHours refuses it. */
export function parseGraceHours(text: string): number | undefined {
  const t = text.trim();
  if (!/^\d{1,6}$/.test(t)) return undefined;
  const n = Number(t);
  return checkGraceHours(n) === undefined ? n : undefined;
}

/**
 * The last check before a KeyInput is sent, whoever built it: every number finite, whole and not negative; a
 * quota a decimal within range; an expiry a real instant; a name visible text. One entry per refused field.
 */
export function keyInputProblems(input: KeyInput): Array<{ readonly field: keyof KeyInput; readonly problem: string }> {
  const out: Array<{ field: keyof KeyInput; problem: string }> = [];
  for (const field of ['rpmLimit', 'tpmLimit'] as const) {
    const v = input[field];
    if (v === undefined || v === null) continue;
    if (!Number.isFinite(v)) out.push({ field, problem: 'not-finite' });
    else if (v < 0) out.push({ field, problem: 'negative' });
    else if (!Number.isSafeInteger(v)) out.push({ field, problem: 'not-integer' });
  }
  // Stryker disable next-line ConditionalExpression: checkUsd accepts 'unlimited' itself
  if (input.quotaUsd !== undefined && input.quotaUsd !== 'unlimited') {
    const p = checkUsd(input.quotaUsd);
    if (p || input.quotaUsd.trim() === '') out.push({ field: 'quotaUsd', problem: p ?? 'not-decimal' });
  }
  if (typeof input.expiresAt === 'string' && !Number.isFinite(Date.parse(input.expiresAt)))
    out.push({ field: 'expiresAt', problem: 'invalid' });
  if (input.name !== undefined) {
    const p = checkDisplayText(input.name);
    if (p) out.push({ field: 'name', problem: p });
  }
  return out;
}

/** A local calendar date `YYYY-MM-DD` of an instant. */
export function localYmd(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}
