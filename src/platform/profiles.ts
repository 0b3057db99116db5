/**
 * The rules every connection profile obeys, whatever wrote it: the Add / Edit Connection flows, a hand-written
 * entry of `aiGateway.connections` in settings.json, or the demo. Pure (zod and the base-URL rules only, no
 * 'vscode'), so the unit tier tests the same code the extension runs.
 *
 * A profile is valid when: `id` is 1–64 of [A-Za-z0-9_-] and unique; `kind` is aione or aihubmix; `label` is a
 * visible name (core/text rules, at most 100 characters); `baseUrl` (and `chatBaseUrl` when given) pass
 * checkBaseUrl — https://, or http:// to a loopback host, or http:// elsewhere only with `allowInsecureHttp: true`;
 * no user name / password, query or fragment; never javascript:, file: or another scheme — and are kept without
 * their trailing slash; `rawAuthHeader` / `allowInsecureHttp` are booleans; `newApiUser` is digits.
 * An invalid entry is reported with every problem it has, never silently dropped and never used.
 */
import * as z from 'zod';
import { CONNECTION_ID_PATTERN, isConnectionId } from '../core/ids';
import { checkDisplayText, type TextProblem } from '../core/text';
import { checkBaseUrl, type BaseUrlProblem } from './urls';

export const LABEL_MAX = 100;
/** new-api's `New-Api-User` header carries the numeric user id. */
export const NEW_API_USER_PATTERN = /^\d{1,20}$/;

const urlIssue = (url: string, insecureAllowed: boolean): string | undefined => {
  const c = checkBaseUrl(url, insecureAllowed);
  if (!c.ok) return c.problem;
  return c.url === url ? undefined : 'not normalised';
};

/** A valid profile (the type every feature uses). Its URLs are already normalised. */
export const connectionProfileSchema = z
  .object({
    id: z.string().regex(CONNECTION_ID_PATTERN),
    kind: z.enum(['aione', 'aihubmix']),
    label: z
      .string()
      .min(1)
      .max(LABEL_MAX)
      .refine((s) => s === s.trim() && checkDisplayText(s) === undefined, 'not a visible name'),
    baseUrl: z.string().min(1),
    chatBaseUrl: z.string().min(1).optional(),
    rawAuthHeader: z.boolean().optional(),
    /** The user confirmed plain http:// to a host that is not loopback. */
    allowInsecureHttp: z.boolean().optional(),
    /** new-api based backends: the user id sent as `New-Api-User`. */
    newApiUser: z.string().regex(NEW_API_USER_PATTERN).optional(),
  })
  .superRefine((p, ctx) => {
    const insecure = p.allowInsecureHttp === true;
    const base = urlIssue(p.baseUrl, insecure);
    if (base) ctx.addIssue({ code: 'custom', path: ['baseUrl'], message: base });
    const chat = p.chatBaseUrl === undefined ? undefined : urlIssue(p.chatBaseUrl, insecure);
    if (chat) ctx.addIssue({ code: 'custom', path: ['chatBaseUrl'], message: chat });
  });
export type ConnectionProfile = z.infer<typeof connectionProfileSchema>;

/** The keys a profile has; anything else in a hand-written entry is kept on write but not used. */
export const PROFILE_KEYS = [
  'id',
  'kind',
  'label',
  'baseUrl',
  'chatBaseUrl',
  'rawAuthHeader',
  'allowInsecureHttp',
  'newApiUser',
] as const;

export type ProfileProblem =
  | { readonly field: 'entry'; readonly code: 'not-object' }
  | { readonly field: 'id'; readonly code: 'missing' | 'invalid' | 'duplicate' }
  | { readonly field: 'kind'; readonly code: 'missing' | 'invalid' }
  | { readonly field: 'label'; readonly code: 'missing' | 'too-long' | TextProblem }
  | { readonly field: 'baseUrl'; readonly code: 'missing' | BaseUrlProblem }
  | { readonly field: 'chatBaseUrl'; readonly code: 'not-string' | BaseUrlProblem }
  | { readonly field: 'rawAuthHeader' | 'allowInsecureHttp'; readonly code: 'not-boolean' }
  | { readonly field: 'newApiUser'; readonly code: 'invalid' }
  /** `token`, `adminToken`, `apiKey`…: a secret written into settings.json. */
  | { readonly field: 'secret'; readonly code: 'in-settings'; readonly key: string };

/** An entry of `aiGateway.connections` that is not used, and why. */
export interface InvalidConnection {
  /** Its position in the settings array. */
  readonly index: number;
  readonly problems: readonly ProfileProblem[];
  /** What could be read of the entry, to name it (only well-formed values). */
  readonly id?: string;
  readonly kind?: ConnectionProfile['kind'];
  readonly label?: string;
  readonly baseUrl?: string;
}

export type EntryCheck =
  | { readonly ok: true; readonly profile: ConnectionProfile; readonly warnings: readonly ProfileProblem[] }
  | ({ readonly ok: false } & Omit<InvalidConnection, 'index'>);

const SECRET_KEYS = ['token', 'adminToken', 'accessToken', 'apiKey', 'secret'];

/** The text of a label as stored: trimmed. */
export function normaliseLabel(label: string): string {
  return label.trim();
}

/** What is wrong with a connection label, if anything. */
export function checkLabel(label: string): 'too-long' | TextProblem | undefined {
  const p = checkDisplayText(label);
  if (p) return p;
  return [...label.trim()].length > LABEL_MAX ? 'too-long' : undefined;
}

/** Checks one entry of `aiGateway.connections` (or a profile built by the UI) and normalises it. */
export function checkConnectionEntry(entry: unknown): EntryCheck {
  if (!entry || typeof entry !== 'object' || Array.isArray(entry))
    return { ok: false, problems: [{ field: 'entry', code: 'not-object' }] };
  const e = entry as Record<string, unknown>;
  const problems: ProfileProblem[] = [];
  const warnings: ProfileProblem[] = [];
  for (const k of SECRET_KEYS) if (k in e) warnings.push({ field: 'secret', code: 'in-settings', key: k });

  const id = isConnectionId(e['id']) ? e['id'] : undefined;
  if (e['id'] === undefined) problems.push({ field: 'id', code: 'missing' });
  else if (!id) problems.push({ field: 'id', code: 'invalid' });

  const kind = e['kind'] === 'aione' || e['kind'] === 'aihubmix' ? e['kind'] : undefined;
  if (e['kind'] === undefined) problems.push({ field: 'kind', code: 'missing' });
  else if (!kind) problems.push({ field: 'kind', code: 'invalid' });

  let label: string | undefined;
  if (typeof e['label'] !== 'string') problems.push({ field: 'label', code: 'missing' });
  else {
    const p = checkLabel(e['label']);
    if (p) problems.push({ field: 'label', code: p });
    else label = normaliseLabel(e['label']);
  }

  const flag = (key: 'rawAuthHeader' | 'allowInsecureHttp'): boolean | undefined => {
    const v = e[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'boolean') {
      problems.push({ field: key, code: 'not-boolean' });
      return undefined;
    }
    return v;
  };
  const rawAuthHeader = flag('rawAuthHeader');
  const allowInsecureHttp = flag('allowInsecureHttp');

  let baseUrl: string | undefined;
  if (typeof e['baseUrl'] !== 'string' || !e['baseUrl'].trim()) problems.push({ field: 'baseUrl', code: 'missing' });
  else {
    const c = checkBaseUrl(e['baseUrl'], allowInsecureHttp === true);
    if (c.ok) baseUrl = c.url;
    else problems.push({ field: 'baseUrl', code: c.problem });
  }

  let chatBaseUrl: string | undefined;
  const chatRaw = e['chatBaseUrl'];
  if (chatRaw !== undefined && chatRaw !== null && chatRaw !== '') {
    if (typeof chatRaw !== 'string') problems.push({ field: 'chatBaseUrl', code: 'not-string' });
    else {
      const c = checkBaseUrl(chatRaw, allowInsecureHttp === true);
      if (c.ok) chatBaseUrl = c.url;
      else if (c.problem !== 'empty') problems.push({ field: 'chatBaseUrl', code: c.problem });
    }
  }

  let newApiUser: string | undefined;
  const nau = e['newApiUser'];
  if (nau !== undefined && nau !== null && nau !== '') {
    if (typeof nau === 'string' && NEW_API_USER_PATTERN.test(nau.trim())) newApiUser = nau.trim();
    else if (typeof nau === 'number' && Number.isSafeInteger(nau) && nau >= 0) newApiUser = String(nau);
    else problems.push({ field: 'newApiUser', code: 'invalid' });
  }

  if (problems.length > 0 || !id || !kind || label === undefined || baseUrl === undefined) {
    return {
      ok: false,
      problems,
      ...(id ? { id } : {}),
      ...(kind ? { kind } : {}),
      ...(label !== undefined ? { label } : {}),
      ...(typeof e['baseUrl'] === 'string' ? { baseUrl: e['baseUrl'] } : {}),
    };
  }
  const profile = connectionProfileSchema.parse({
    id,
    kind,
    label,
    baseUrl,
    ...(chatBaseUrl ? { chatBaseUrl } : {}),
    ...(rawAuthHeader ? { rawAuthHeader: true } : {}),
    ...(allowInsecureHttp ? { allowInsecureHttp: true } : {}),
    ...(newApiUser ? { newApiUser } : {}),
  });
  return { ok: true, profile, warnings };
}

/** The parsed setting: the profiles in use and the entries that are not, each once. */
export interface ConnectionsSnapshot {
  readonly profiles: readonly ConnectionProfile[];
  readonly invalid: readonly InvalidConnection[];
  /** Position in the settings array of each valid profile, by id. */
  readonly indexOf: ReadonlyMap<string, number>;
  /** Entries in use that carry something that does not belong there (a secret). */
  readonly warnings: ReadonlyArray<{
    readonly index: number;
    readonly id: string;
    readonly problems: readonly ProfileProblem[];
  }>;
  /** The setting is there but is not an array (nothing is used). */
  readonly notArray: boolean;
}

export function parseConnections(raw: unknown): ConnectionsSnapshot {
  if (raw === undefined || raw === null)
    return { profiles: [], invalid: [], indexOf: new Map(), warnings: [], notArray: false };
  if (!Array.isArray(raw)) return { profiles: [], invalid: [], indexOf: new Map(), warnings: [], notArray: true };
  const profiles: ConnectionProfile[] = [];
  const invalid: InvalidConnection[] = [];
  const warnings: Array<ConnectionsSnapshot['warnings'][number]> = [];
  const indexOf = new Map<string, number>();
  raw.forEach((entry: unknown, index) => {
    const c = checkConnectionEntry(entry);
    if (!c.ok) {
      invalid.push({
        index,
        problems: c.problems,
        ...(c.id ? { id: c.id } : {}),
        ...(c.kind ? { kind: c.kind } : {}),
        ...(c.label !== undefined ? { label: c.label } : {}),
        ...(c.baseUrl !== undefined ? { baseUrl: c.baseUrl } : {}),
      });
      return;
    }
    const p = c.profile;
    if (indexOf.has(p.id)) {
      invalid.push({
        index,
        problems: [{ field: 'id', code: 'duplicate' }],
        id: p.id,
        kind: p.kind,
        label: p.label,
        baseUrl: p.baseUrl,
      });
      return;
    }
    indexOf.set(p.id, index);
    profiles.push(p);
    if (c.warnings.length) warnings.push({ index, id: p.id, problems: c.warnings });
  });
  return { profiles, invalid, indexOf, warnings, notArray: false };
}

/** True when the profile sends its token (or model key) over plain http:// to a host that is not this machine. */
export function isInsecureProfile(p: Pick<ConnectionProfile, 'baseUrl' | 'chatBaseUrl'>): boolean {
  return [p.baseUrl, p.chatBaseUrl].some((u) => {
    if (!u) return false;
    const c = checkBaseUrl(u, true);
    return c.ok && c.insecure;
  });
}

/** One English line per problem, for the log (the tree shows the localised sentence). */
export function describeProblemForLog(p: ProfileProblem): string {
  if (p.field === 'secret')
    return `has a "${p.key}" field: secrets belong in secret storage; remove it from settings.json`;
  return `${p.field}: ${p.code}`;
}
