/**
 * The budget settings, validated with zod (pure: no 'vscode'). A bad value is reported as a problem naming the
 * setting path and what is wrong, and only that value is ignored: the other limits of the same connection stay.
 *
 *   aiGateway.budgets.thresholds            percent-of-budget thresholds for every budget (default 50, 80, 95, 100)
 *   aiGateway.budgets.limits                per connection id: monthlyBudget, balanceFloor, dailyCap, thresholds,
 *                                           and per key id the same minus the balance floor
 *   aiGateway.budgets.checkIntervalMinutes  how often the check runs while VS Code is open (default 15)
 *   aiGateway.budgets.rpmWarningPercent     warn when AIone reports this share of the RPM limit in use (default 80)
 *
 * Money is a decimal string in the connection's currency (a JSON number is accepted and read as its decimal text).
 */
import * as z from 'zod';
import { CONNECTION_ID_PATTERN, KEY_ID_PATTERN } from '../../core/ids';
import { isDecimal, toBig } from '../../core/money';

export const DEFAULT_THRESHOLDS: readonly number[] = [50, 80, 95, 100];
export const DEFAULT_CHECK_MINUTES = 15;
export const MIN_CHECK_MINUTES = 1;
export const MAX_CHECK_MINUTES = 1440;
export const DEFAULT_RPM_WARNING_PERCENT = 80;

export const BudgetSettingKeys = {
  thresholds: 'budgets.thresholds',
  limits: 'budgets.limits',
  checkIntervalMinutes: 'budgets.checkIntervalMinutes',
  rpmWarningPercent: 'budgets.rpmWarningPercent',
} as const;

export interface KeyLimits {
  readonly monthlyBudget?: string;
  readonly dailyCap?: string;
  readonly thresholds?: readonly number[];
}

export interface ConnectionLimits extends KeyLimits {
  readonly balanceFloor?: string;
  readonly keys: Readonly<Record<string, KeyLimits>>;
}

export interface BudgetSettings {
  readonly thresholds: readonly number[];
  readonly limits: Readonly<Record<string, ConnectionLimits>>;
  readonly checkIntervalMinutes: number;
  readonly rpmWarningPercent: number;
  /** What was ignored and why: `<setting path>: <reason>`. */
  readonly problems: readonly string[];
}

/** A positive amount of money as a decimal string (numbers are read through their decimal text). */
const amountSchema = z
  .union([z.string(), z.number()])
  .transform((v) => (typeof v === 'number' ? String(v) : v.trim()))
  .refine((v) => isDecimal(v), { message: 'not a decimal amount' })
  .refine((v) => !isDecimal(v) || toBig(v).gte(0), { message: 'must not be negative' })
  .transform((v) => toBig(v).toString());

const thresholdsSchema = z
  .array(z.number().gt(0, 'a threshold is a percent above 0').max(1000, 'a threshold is at most 1000 %'))
  .min(1, 'at least one threshold')
  .max(10, 'at most 10 thresholds')
  .transform((a) => [...new Set(a)].sort((x, y) => x - y));

const LIMIT_FIELDS = ['monthlyBudget', 'dailyCap', 'thresholds'] as const;
const CONNECTION_FIELDS = [...LIMIT_FIELDS, 'balanceFloor', 'keys'] as const;

function where(path: string, issue: z.core.$ZodIssue): string {
  return `${path}: ${issue.message}`;
}

/** One limits object; each field is checked on its own, an unknown field is named. */
function parseFields(
  raw: unknown,
  path: string,
  allowed: readonly string[],
  problems: string[],
): Record<string, unknown> | undefined {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    problems.push(`${path}: not an object`);
    return undefined;
  }
  const out: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(raw as Record<string, unknown>)) {
    const at = `${path}.${field}`;
    if (!allowed.includes(field)) {
      problems.push(`${at}: unknown setting (expected one of ${allowed.join(', ')})`);
      continue;
    }
    if (field === 'keys') continue;
    const schema = field === 'thresholds' ? thresholdsSchema : amountSchema;
    const r = schema.safeParse(value);
    if (r.success) out[field] = r.data;
    else problems.push(...r.error.issues.map((i) => where(at, i)));
  }
  return out;
}

function parseLimits(raw: unknown, problems: string[]): Record<string, ConnectionLimits> {
  const base = 'aiGateway.budgets.limits';
  const out: Record<string, ConnectionLimits> = {};
  if (raw === undefined || raw === null) return out;
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    problems.push(`${base}: not an object of connection ids`);
    return out;
  }
  for (const [connectionId, entry] of Object.entries(raw as Record<string, unknown>)) {
    const path = `${base}.${connectionId}`;
    if (!CONNECTION_ID_PATTERN.test(connectionId)) {
      problems.push(`${path}: not a connection id`);
      continue;
    }
    const fields = parseFields(entry, path, CONNECTION_FIELDS, problems);
    if (!fields) continue;
    const keys: Record<string, KeyLimits> = {};
    const rawKeys = (entry as Record<string, unknown>)['keys'];
    if (rawKeys !== undefined) {
      if (rawKeys === null || typeof rawKeys !== 'object' || Array.isArray(rawKeys)) {
        problems.push(`${path}.keys: not an object of key ids`);
      } else {
        for (const [keyId, k] of Object.entries(rawKeys as Record<string, unknown>)) {
          if (!KEY_ID_PATTERN.test(keyId)) {
            problems.push(`${path}.keys.${keyId}: not a key id`);
            continue;
          }
          const kf = parseFields(k, `${path}.keys.${keyId}`, LIMIT_FIELDS, problems);
          if (kf) keys[keyId] = kf;
        }
      }
    }
    out[connectionId] = { ...(fields as KeyLimits & { balanceFloor?: string }), keys };
  }
  return out;
}

function parseNumber(
  raw: unknown,
  path: string,
  def: number,
  min: number,
  max: number,
  problems: string[],
  integer = false,
): number {
  if (raw === undefined || raw === null) return def;
  const schema = integer ? z.number().int().min(min).max(max) : z.number().min(min).max(max);
  const r = schema.safeParse(raw);
  if (r.success) return r.data;
  problems.push(`${path}: ${r.error.issues[0]?.message ?? 'invalid'}; ${def} is used`);
  return def;
}

/** The settings as read from the user level (each argument is the raw value, undefined when unset). */
export function parseBudgetSettings(raw: {
  readonly thresholds?: unknown;
  readonly limits?: unknown;
  readonly checkIntervalMinutes?: unknown;
  readonly rpmWarningPercent?: unknown;
}): BudgetSettings {
  const problems: string[] = [];
  let thresholds = DEFAULT_THRESHOLDS;
  if (raw.thresholds !== undefined && raw.thresholds !== null) {
    const r = thresholdsSchema.safeParse(raw.thresholds);
    if (r.success) thresholds = r.data;
    else
      problems.push(
        ...r.error.issues.map(
          (i) => `${where('aiGateway.budgets.thresholds', i)}; ${DEFAULT_THRESHOLDS.join(', ')} is used`,
        ),
      );
  }
  return {
    thresholds,
    limits: parseLimits(raw.limits, problems),
    checkIntervalMinutes: parseNumber(
      raw.checkIntervalMinutes,
      'aiGateway.budgets.checkIntervalMinutes',
      DEFAULT_CHECK_MINUTES,
      MIN_CHECK_MINUTES,
      MAX_CHECK_MINUTES,
      problems,
    ),
    rpmWarningPercent: parseNumber(
      raw.rpmWarningPercent,
      'aiGateway.budgets.rpmWarningPercent',
      DEFAULT_RPM_WARNING_PERCENT,
      1,
      100,
      problems,
    ),
    problems,
  };
}

/**
 * The limits object with one connection's (or one key's) entry replaced by `next`, every other entry and unknown
 * field kept as written; an entry left empty is removed.
 */
export function withLimits(
  raw: unknown,
  connectionId: string,
  keyId: string | undefined,
  next: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const all: Record<string, unknown> =
    raw && typeof raw === 'object' && !Array.isArray(raw) ? { ...(raw as Record<string, unknown>) } : {};
  const conn = all[connectionId];
  const entry: Record<string, unknown> =
    conn && typeof conn === 'object' && !Array.isArray(conn) ? { ...(conn as Record<string, unknown>) } : {};
  const clean = Object.fromEntries(Object.entries(next).filter(([, v]) => v !== undefined));
  if (keyId === undefined) {
    for (const f of ['monthlyBudget', 'balanceFloor', 'dailyCap', 'thresholds']) delete entry[f];
    Object.assign(entry, clean);
  } else {
    const keysRaw = entry['keys'];
    const keys: Record<string, unknown> =
      keysRaw && typeof keysRaw === 'object' && !Array.isArray(keysRaw)
        ? { ...(keysRaw as Record<string, unknown>) }
        : {};
    if (Object.keys(clean).length) keys[keyId] = clean;
    else delete keys[keyId];
    if (Object.keys(keys).length) entry['keys'] = keys;
    else delete entry['keys'];
  }
  if (Object.keys(entry).length) all[connectionId] = entry;
  else delete all[connectionId];
  return all;
}
