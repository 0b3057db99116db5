/**
 * zod helpers shared by the adapters: parse or fail with a bad-response error naming the field, and
 * the guards that keep a number the gateway cannot take (NaN, Infinity, negative, fractional) off the wire.
 */
import * as z from 'zod';
import type { KeyInput } from '../core/types';
import { GatewayError } from './errors';

/** The JSON value of a text, or undefined when it is empty or not JSON (for bodies read leniently, e.g. error answers). */
// Stryker disable BlockStatement: an emptied catch block returns undefined too (the function ends there); a disable can only be placed above the whole function
export function tryParseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
// Stryker restore BlockStatement

export function parseJson(text: string, gateway: string | undefined, operation: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new GatewayError({
      kind: 'bad-response',
      message: 'the answer is not valid JSON',
      gateway,
      operation,
      cause,
    });
  }
}

interface FoundIssue {
  readonly path: readonly PropertyKey[];
  readonly message: string;
}

/** The most specific issue: inside a union, the branch that got deepest into the value. */
function deepestIssue(issue: z.core.$ZodIssue, prefix: readonly PropertyKey[] = []): FoundIssue {
  const here: FoundIssue = { path: [...prefix, ...issue.path], message: issue.message };
  if (issue.code !== 'invalid_union') return here;
  let best: FoundIssue | undefined;
  for (const branch of issue.errors) {
    for (const sub of branch) {
      const found = deepestIssue(sub, here.path);
      if (!best || found.path.length > best.path.length) best = found;
    }
  }
  return best && best.path.length > here.path.length ? best : here;
}

function isObject(v: unknown): v is Record<PropertyKey, unknown> {
  // zod reports a field only inside an object or an array it walked, and an array element it reports is present
  // Stryker disable next-line ConditionalExpression,LogicalOperator: the parent of a reported field is never a primitive, null, or an array lacking the index
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Whether the value at `path` is absent: its parent is an object that does not have the key. The path is one zod
 * reported, so every step of it exists in the value.
 */
function isMissing(root: unknown, path: readonly PropertyKey[]): boolean {
  if (path.length === 0) return root === undefined;
  let cur: unknown = root;
  // Stryker disable next-line OptionalChaining: every step of a path zod reported exists; the guard only keeps a bad path from throwing
  for (const k of path.slice(0, -1)) cur = (cur as Record<PropertyKey, unknown> | null | undefined)?.[k];
  return isObject(cur) && !Object.prototype.hasOwnProperty.call(cur, path[path.length - 1]!);
}

/** Dotted path of a field, `(root)` for the whole answer. */
export function pathText(path: readonly PropertyKey[]): string {
  return path.length > 0 ? path.map(String).join('.') : '(root)';
}

/** The bad-response error for a field that is absent or has the wrong type. */
export function badResponse(
  gateway: string | undefined,
  operation: string,
  path: readonly PropertyKey[],
  missing: boolean,
  detail?: string,
): GatewayError {
  const at = pathText(path);
  const message =
    path.length === 0 && missing
      ? 'the answer is empty'
      : missing
        ? `the answer lacks the required field ${at}`
        : `the answer has an unexpected value at ${at}${detail ? ` (${detail})` : ''}`;
  return new GatewayError({ kind: 'bad-response', message, gateway, operation, path: at });
}

/** Turns a failed parse into a bad-response error naming the field (absent, or of the wrong type). */
export function schemaError(
  error: z.ZodError,
  value: unknown,
  gateway: string | undefined,
  operation: string,
  prefix: readonly PropertyKey[] = [],
): GatewayError {
  const first = error.issues[0];
  // Stryker disable next-line ConditionalExpression,ObjectLiteral,ArrayDeclaration,StringLiteral: a failed zod parse always has an issue
  const issue = first ? deepestIssue(first) : { path: [], message: 'invalid' };
  return badResponse(gateway, operation, [...prefix, ...issue.path], isMissing(value, issue.path), issue.message);
}

export function parseWith<T extends z.ZodType>(
  schema: T,
  value: unknown,
  gateway: string | undefined,
  operation: string,
  prefix: readonly PropertyKey[] = [],
): z.infer<T> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  throw schemaError(r.error, value, gateway, operation, prefix);
}

/** A JSON integer, or a string of digits where the sources disagree on the type. */
export const intLike = z.union([
  z.number().int(),
  z
    .string()
    .regex(/^-?\d+$/)
    .transform((s) => Number(s)),
]);

/** A JSON integer (no string form). */
export const int = z.number().int();

/** A decimal sent as a string (preferred) or as a JSON number; kept as a string. */
export const decimalLike = z.union([
  z.string().regex(/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/),
  z
    .number()
    .refine(Number.isFinite)
    .transform((n) => String(n)),
]);

/** An id sent as a non-empty string or as a number; kept as a string. */
export const idLike = z.union([z.string().min(1), z.number().transform(String)]);

/**
 * The forms a list of records takes on the wire: a bare array, `{items}`, or `{data}` (the OpenAI style). A schema
 * accepts only the forms its sources name, tried in the order given.
 */
export type ListForm = 'array' | 'items' | 'data';

function listForms<T extends z.ZodType>(item: T, forms: readonly ListForm[], withTotal: boolean) {
  const none = undefined as number | undefined;
  const form = (f: ListForm) => {
    switch (f) {
      case 'array':
        return z.array(item).transform((items) => ({ items, total: none }));
      case 'items':
        return withTotal
          ? z
              .object({ items: z.array(item), total: int.nullish() })
              .transform((o) => ({ items: o.items, total: o.total ?? none }))
          : z.object({ items: z.array(item) }).transform((o) => ({ items: o.items, total: none }));
      case 'data':
        return z.object({ data: z.array(item) }).transform((o) => ({ items: o.data, total: none }));
    }
  };
  const [first, ...rest] = forms.map(form);
  if (!first) throw new Error('a list schema needs at least one form');
  // Stryker disable next-line ConditionalExpression,EqualityOperator: a union of one form parses and fails as that form does (the same issue); it only costs more per page
  return rest.length === 0 ? first : z.union([first, ...rest]);
}

/** A list of `item` in the given forms, as an array. */
export function listOf<T extends z.ZodType>(item: T, forms: readonly ListForm[]) {
  return listForms(item, forms, false).transform((l) => l.items);
}

/** A list of `item` in the given forms, with the integer `total` the `{items, total}` form may report. */
export function listWithTotalOf<T extends z.ZodType>(item: T, forms: readonly ListForm[]) {
  return listForms(item, forms, true);
}

/** A list on the wire: an array of strings, or one string with comma or newline separators; null = none. */
export const wireList = z.union([z.array(z.string()), z.string(), z.null()]);
export type WireList = z.infer<typeof wireList>;

/** A wire list as its entries, trimmed, empty ones dropped; null or undefined = none. */
export function toList(v: WireList | undefined): string[] {
  if (v == null) return [];
  const out: string[] = [];
  if (Array.isArray(v)) {
    for (const s of v) pushTrimmed(out, s);
    return out;
  }
  // one pass, no regex split: a page of keys maps two of these per key, most of them ""
  let start = 0;
  for (let i = 0; i <= v.length; i++) {
    if (i === v.length || v.charCodeAt(i) === COMMA || v.charCodeAt(i) === NEWLINE) {
      pushTrimmed(out, v.slice(start, i));
      start = i + 1;
    }
  }
  return out;
}

const COMMA = 0x2c;
const NEWLINE = 0x0a;

function pushTrimmed(out: string[], s: string): void {
  const t = s.trim();
  if (t.length > 0) out.push(t);
}

/** A list field that may be absent (lenient): absent, null or "" = none. */
export const listLike = wireList.optional().transform((v): string[] => toList(v));

// ------------------------------------------------------------------ what we send

export interface WireField {
  /** The field's name on the wire, e.g. `rpm_limit`. */
  readonly field: string;
  /** The KeyInput field it comes from, so the UI can send the user back to that step. */
  readonly input?: keyof KeyInput;
  readonly gateway?: string;
  readonly operation: string;
}

function refuse(f: WireField, value: unknown, rule: string): GatewayError {
  const shown = typeof value === 'number' ? String(value) : JSON.stringify(value);
  const message = `${f.field} must be ${rule} (got ${shown}); nothing was sent`;
  return new GatewayError({
    kind: 'validation',
    message,
    gateway: f.gateway,
    operation: f.operation,
    fieldErrors: [{ field: f.field, message: `must be ${rule}`, ...(f.input ? { input: f.input } : {}) }],
  });
}

/**
 * A whole number the API can take: finite, an integer, at least `min`, a safe integer. JSON would turn
 * NaN and Infinity into null (which means "no limit" to these gateways), so they never reach the wire.
 */
export function wireInt(value: number, f: WireField, min = 0): number {
  // isSafeInteger is false for anything but a number, NaN, ±Infinity, fractions and integers past 2^53
  if (!Number.isSafeInteger(value) || value < min) throw refuse(f, value, `a whole number of ${min} or more`);
  return value;
}

/** A finite time in ms since the epoch (for ranges and expiries). */
export function wireTime(value: number, f: WireField): number {
  // Number.isFinite is false for anything but a finite number (it does not convert strings)
  if (!Number.isFinite(value) || Math.abs(value) > 8.64e15) throw refuse(f, value, 'a valid point in time');
  return value;
}

/** An ISO-8601 date-time the gateway can parse; returned unchanged. */
export function wireDate(value: string, f: WireField): string {
  if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) throw refuse(f, value, 'an ISO-8601 date-time');
  return value;
}
