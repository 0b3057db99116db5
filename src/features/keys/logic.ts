/**
 * The keys tree's pure logic (no 'vscode' import, unit-tested in test/unit/keys-logic.test.ts): the status shown
 * for a key, filtering, sorting, the "most useful" facts for a one-line description, and the copy-as-snippet texts.
 * Numbers and money are formatted by core/format.
 */
import * as z from 'zod';
import type { ApiKey, KeyStatus } from '../../core/types';
import { durationOf, type Duration } from '../../core/format';
import { compareDecimal, type Money } from '../../core/money';
import type { KeyListOrder } from '../../gateway/gateway';

/** What the tree shows: the gateway's status, plus "grace" for an active key whose previous secret still works. */
export type DisplayStatus = KeyStatus | 'grace';
export const DISPLAY_STATUSES: readonly DisplayStatus[] = [
  'active',
  'grace',
  'disabled',
  'expired',
  'exhausted',
  'unknown',
];

export function displayStatus(key: ApiKey, now = Date.now()): DisplayStatus {
  if (key.status === 'active' && key.rotateGraceUntil) {
    const until = Date.parse(key.rotateGraceUntil);
    if (Number.isFinite(until) && until > now) return 'grace';
  }
  return key.status;
}

// ---- filter -------------------------------------------------------------------------------------

export const keyFilterSchema = z.object({
  name: z.string().trim().min(1).max(200).optional(),
  status: z.enum(['active', 'grace', 'disabled', 'expired', 'exhausted', 'unknown']).optional(),
  model: z.string().trim().min(1).max(200).optional(),
});
export type KeyFilter = z.infer<typeof keyFilterSchema>;

export function isFilterActive(f: KeyFilter | undefined): f is KeyFilter {
  return !!f && (f.name !== undefined || f.status !== undefined || f.model !== undefined);
}

/** Whether a key may call `model` (an empty allow-list means every model). */
export function allowsModel(key: ApiKey, model: string): boolean {
  if (key.modelsAllowed.length === 0) return true;
  const m = model.toLowerCase();
  return key.modelsAllowed.some((x) => x.toLowerCase() === m);
}

export function matchesFilter(key: ApiKey, f: KeyFilter | undefined, now = Date.now()): boolean {
  if (!f) return true;
  if (f.name !== undefined && !key.name.toLowerCase().includes(f.name.toLowerCase())) return false;
  if (f.status !== undefined) {
    const s = displayStatus(key, now);
    // "active" includes keys in a rotation grace window (they are active); "grace" selects only those
    if (f.status === 'active' ? key.status !== 'active' : s !== f.status) return false;
  }
  if (f.model !== undefined && !allowsModel(key, f.model)) return false;
  return true;
}

// ---- sort ---------------------------------------------------------------------------------------

export const SORT_ORDERS = ['server', 'name', 'created', 'expiry', 'usage'] as const;
export type KeySort = (typeof SORT_ORDERS)[number];
export const keySortSchema = z.enum(SORT_ORDERS);

/**
 * The orders a gateway has the data for: "most used" only where keys report what they used (a per-key quota);
 * elsewhere (AIone) every key would tie and the order would fall back to the name, so it is not offered.
 */
export function availableSorts(caps: { readonly keyQuota: boolean }): KeySort[] {
  return SORT_ORDERS.filter((o) => o !== 'usage' || caps.keyQuota);
}

/** The order of the gateway's own list that gives each sort, where one does (it then holds across every page). */
const GATEWAY_ORDER: Partial<Record<KeySort, KeyListOrder>> = { usage: 'mostUsed' };

/** The order to ask the gateway for, so that `sort` holds across every page; undefined where it cannot sort so. */
export function gatewayOrder(
  sort: KeySort,
  caps: { readonly keyListOrders?: readonly KeyListOrder[] },
): KeyListOrder | undefined {
  const order = GATEWAY_ORDER[sort];
  // Stryker disable next-line ConditionalExpression: `order !== undefined` → true asks includes(undefined) of a list of orders, which is false too; the whole test → true / → false is killed by the gateway-order tests (a disable covers a mutator on the whole line)
  return order !== undefined && caps.keyListOrders?.includes(order) ? order : undefined;
}

/**
 * Whether `sort` holds for every key and not only the ones read: the gateway's own order, an order the pages were
 * read in on the gateway, or everything was read.
 */
export function sortIsComplete(sort: KeySort, readIn: KeyListOrder | undefined, hasMore: boolean): boolean {
  return sort === 'server' || !hasMore || (readIn !== undefined && GATEWAY_ORDER[sort] === readIn);
}

const time = (iso: string | null | undefined): number | undefined => {
  // Stryker disable next-line ConditionalExpression: Date.parse of '', null or undefined is NaN, refused below
  if (!iso) return undefined;
  const t = Date.parse(iso);
  return Number.isFinite(t) ? t : undefined;
};

/** Used amount of a key for sorting: quota used where the gateway reports it, else the last use. */
function usageOf(key: ApiKey): string | undefined {
  return key.quota?.used?.amount;
}

const collator = new Intl.Collator(undefined, { sensitivity: 'base', numeric: true });

/** What a key can be ordered by (the tree's sorts and the table's columns). */
export type KeyOrderField = 'name' | 'status' | 'quota' | 'expiry' | 'lastUsed' | 'spend' | 'created';

/** The rank of each status in an ascending order: usable keys first. */
const STATUS_RANK: Record<DisplayStatus, number> = {
  active: 0,
  grace: 1,
  exhausted: 2,
  expired: 3,
  disabled: 4,
  unknown: 5,
};

const byName = (a: ApiKey, b: ApiKey) => collator.compare(a.name, b.name) || collator.compare(a.id, b.id);
const numCmp = (a: number | undefined, b: number | undefined, dir: 1 | -1) =>
  // Stryker disable next-line ArithmeticOperator: `/ dir` is `* dir` for dir = ±1; `a + b` is killed by the date-order tests (a disable covers a mutator on the whole line)
  a === b ? 0 : a === undefined ? 1 : b === undefined ? -1 : (a - b) * dir;
/** Decimal strings compared exactly; an unknown value sorts last whichever the direction. */
const decCmp = (a: string | undefined, b: string | undefined, dir: 1 | -1) =>
  // Stryker disable next-line ArithmeticOperator,ConditionalExpression: `/ dir` is `* dir` for dir = ±1; `a === b` → false only sends two equal amounts to compareDecimal (0) or two unknown ones to 1, which V8's sort reads as "not before" like 0; the other conditions are killed by the quota-order tests (a disable covers a mutator on the whole line)
  a === b ? 0 : a === undefined ? 1 : b === undefined ? -1 : compareDecimal(a, b) * dir;
/** Remaining quota as a sortable decimal: unlimited above every amount. */
const remainingOf = (k: ApiKey): string | undefined =>
  k.quota?.unlimited ? '1e30' : (k.quota?.remaining?.amount ?? undefined);

/**
 * One comparator for a field and a direction, shared by the tree and the table. Unknown values (no expiry, never
 * reported) sort last in both directions; ties fall back to the name (A→Z), then the id, so the order is total.
 * `spendOf` gives a key's spend (a decimal string) where the gateway reports one.
 */
export function keyComparator(
  field: KeyOrderField,
  dir: 'asc' | 'desc',
  spendOf: (k: ApiKey) => string | undefined = () => undefined,
  now = Date.now(),
): (a: ApiKey, b: ApiKey) => number {
  const d = dir === 'desc' ? -1 : 1;
  const primary = (a: ApiKey, b: ApiKey): number => {
    switch (field) {
      case 'name':
        // Stryker disable next-line ArithmeticOperator: `/ d` is `* d` for d = ±1
        return byName(a, b) * d;
      case 'status':
        // Stryker disable next-line ArithmeticOperator: `/ d` is `* d` for d = ±1; a sum of ranks is killed by the status-order test (a disable covers a mutator on the whole line)
        return (STATUS_RANK[displayStatus(a, now)] - STATUS_RANK[displayStatus(b, now)]) * d;
      case 'quota':
        return decCmp(remainingOf(a), remainingOf(b), d);
      case 'expiry':
        return numCmp(time(a.expiresAt), time(b.expiresAt), d);
      case 'lastUsed':
        return numCmp(time(a.lastUsedAt), time(b.lastUsedAt), d);
      case 'spend':
        return decCmp(spendOf(a), spendOf(b), d);
      case 'created':
        return numCmp(time(a.createdAt), time(b.createdAt), d);
    }
  };
  return (a, b) => primary(a, b) || byName(a, b);
}

/**
 * Sorts a copy. name: A→Z; created: newest first; expiry: soonest first, never-expiring last; usage: most used first
 * (quota used, else most recently used). 'server' keeps the gateway's order.
 */
export function sortKeys(keys: readonly ApiKey[], sort: KeySort): ApiKey[] {
  const out = [...keys];
  switch (sort) {
    case 'server':
      return out;
    case 'name':
      // Stryker disable next-line StringLiteral: an unknown field leaves the name order (every comparator's tie-break) and ascending is the default direction
      return out.sort(keyComparator('name', 'asc'));
    case 'created':
      return out.sort(keyComparator('created', 'desc'));
    case 'expiry':
      // Stryker disable next-line StringLiteral: ascending is the default direction; an unknown field (name order) is killed by the expiry-order test (a disable covers a mutator on the whole line)
      return out.sort(keyComparator('expiry', 'asc'));
    case 'usage': {
      const byUsed = keyComparator('spend', 'desc', usageOf);
      const byLastUse = keyComparator('lastUsed', 'desc');
      return out.sort((a, b) => {
        const ua = usageOf(a);
        const ub = usageOf(b);
        // both reported: the amount decides, then the last use; one reported: it comes first
        if (ua !== undefined && ub !== undefined && compareDecimal(ua, ub) !== 0) return byUsed(a, b);
        if ((ua === undefined) !== (ub === undefined)) return ua === undefined ? 1 : -1;
        return byLastUse(a, b);
      });
    }
  }
}

// ---- description facts --------------------------------------------------------------------------

/** A relative time: a count of a unit before or after now ("in 3 d", "2 h ago"), rounded as core/format rounds every span. */
export interface Relative extends Duration {
  readonly past: boolean;
}

export function relativeTime(iso: string, now = Date.now()): Relative | undefined {
  const t = time(iso);
  if (t === undefined) return undefined;
  return { ...durationOf(t - now), past: t < now };
}

/** The facts a description can show, most useful first; the view turns them into words. */
export type KeyFact =
  /** The old key of a client-side rotation: disabled when the grace period ends. */
  | { readonly kind: 'pendingDisable'; readonly in: Relative }
  | { readonly kind: 'grace'; readonly until: Relative }
  | { readonly kind: 'status'; readonly status: Exclude<DisplayStatus, 'active' | 'grace'> }
  | { readonly kind: 'expiresSoon'; readonly in: Relative }
  | { readonly kind: 'quota'; readonly remaining: Money }
  | { readonly kind: 'unlimited' }
  | { readonly kind: 'limits'; readonly rpm?: number; readonly tpm?: number }
  | { readonly kind: 'expires'; readonly in: Relative }
  | { readonly kind: 'team'; readonly team: string };

const WEEK_MS = 7 * 86_400_000;

export function keyFacts(
  key: ApiKey,
  now = Date.now(),
  teamName?: (id: string) => string | undefined,
  pendingDisableAt?: string,
): KeyFact[] {
  const facts: KeyFact[] = [];
  const status = displayStatus(key, now);
  const pending = pendingDisableAt && key.status === 'active' ? relativeTime(pendingDisableAt, now) : undefined;
  if (pending) facts.push({ kind: 'pendingDisable', in: pending });
  if (status === 'grace') {
    // a key is in grace only while its grace instant parses and is ahead (displayStatus)
    const r = relativeTime(key.rotateGraceUntil!, now);
    // Stryker disable next-line ConditionalExpression: a key is in grace only when its grace instant parses
    if (r) facts.push({ kind: 'grace', until: r });
  } else if (status !== 'active') {
    facts.push({ kind: 'status', status });
  }
  const exp = time(key.expiresAt);
  const expRel = key.expiresAt ? relativeTime(key.expiresAt, now) : undefined;
  // Stryker disable next-line ConditionalExpression: an unknown expiry compares false with now anyway
  if (status !== 'expired' && exp !== undefined && exp > now && exp - now <= WEEK_MS && expRel)
    facts.push({ kind: 'expiresSoon', in: expRel });
  if (key.quota) {
    if (key.quota.remaining) facts.push({ kind: 'quota', remaining: key.quota.remaining });
    else if (key.quota.unlimited) facts.push({ kind: 'unlimited' });
  }
  const rpm = key.rpmLimit ?? undefined;
  const tpm = key.tpmLimit ?? undefined;
  if (rpm !== undefined || tpm !== undefined)
    facts.push({ kind: 'limits', ...(rpm !== undefined ? { rpm } : {}), ...(tpm !== undefined ? { tpm } : {}) });
  // Stryker disable next-line ConditionalExpression: an unknown expiry compares false with the week anyway
  if (status !== 'expired' && exp !== undefined && exp - now > WEEK_MS && expRel)
    facts.push({ kind: 'expires', in: expRel });
  if (key.teamId) facts.push({ kind: 'team', team: teamName?.(key.teamId) ?? shortId(key.teamId) });
  return facts;
}

function shortId(id: string): string {
  return id.length > 10 ? `${id.slice(0, 8)}…` : id;
}

// ---- snippets -----------------------------------------------------------------------------------

export const SNIPPET_KINDS = [
  'curl',
  'python',
  'node',
  'env',
  'anthropic-curl',
  'anthropic-python',
  'anthropic-node',
  'claude-env',
  'gemini-curl',
] as const;
export type SnippetKind = (typeof SNIPPET_KINDS)[number];
export const snippetKindSchema = z.enum(SNIPPET_KINDS);

export const KEY_PLACEHOLDER = '<YOUR_KEY>';

export interface SnippetInput {
  /** OpenAI-compatible base URL, e.g. https://aihubmix.com/v1. */
  readonly baseUrl: string;
  /** The full key, or undefined (then KEY_PLACEHOLDER and the note are used). */
  readonly key?: string;
  readonly model: string;
  /** One line saying why the key is a placeholder (already localised), used only when `key` is absent. */
  readonly note?: string;
  /** Anthropic-native base URL (the gateway root; the SDKs append /v1/messages) and the model for it. */
  readonly anthropicBaseUrl?: string;
  readonly anthropicModel?: string;
  /** Gemini-native endpoint base, how the key is sent, and the model for it. */
  readonly gemini?: { readonly base: string; readonly auth: 'bearer' | 'x-goog-api-key' };
  readonly geminiModel?: string;
}

const pyStr = (s: string) => JSON.stringify(s);
const jsStr = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
const shSingle = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

export function buildSnippet(kind: SnippetKind, input: SnippetInput): string {
  const key = input.key ?? KEY_PLACEHOLDER;
  const base = input.baseUrl.replace(/\/+$/, '');
  const note = !input.key && input.note ? input.note : undefined;
  const hash = note ? `# ${note}\n` : '';
  switch (kind) {
    case 'curl':
      return (
        `${hash}curl ${shSingle(`${base}/chat/completions`)} \\\n` +
        `  -H ${shSingle(`Authorization: Bearer ${key}`)} \\\n` +
        `  -H 'Content-Type: application/json' \\\n` +
        `  -d ${shSingle(JSON.stringify({ model: input.model, messages: [{ role: 'user', content: 'Hello!' }] }))}\n`
      );
    case 'python':
      return (
        `${hash}from openai import OpenAI\n\n` +
        `client = OpenAI(base_url=${pyStr(base)}, api_key=${pyStr(key)})\n\n` +
        `response = client.chat.completions.create(\n` +
        `    model=${pyStr(input.model)},\n` +
        `    messages=[{"role": "user", "content": "Hello!"}],\n` +
        `)\n` +
        `print(response.choices[0].message.content)\n`
      );
    case 'node':
      return (
        (note ? `// ${note}\n` : '') +
        `import OpenAI from 'openai';\n\n` +
        `const client = new OpenAI({ baseURL: ${jsStr(base)}, apiKey: ${jsStr(key)} });\n\n` +
        `const response = await client.chat.completions.create({\n` +
        `  model: ${jsStr(input.model)},\n` +
        `  messages: [{ role: 'user', content: 'Hello!' }],\n` +
        `});\n` +
        `console.log(response.choices[0].message.content);\n`
      );
    case 'env':
      return `${hash}OPENAI_BASE_URL=${base}\nOPENAI_API_KEY=${key}\nOPENAI_MODEL=${input.model}\n`;
  }
  const root = (input.anthropicBaseUrl ?? base.replace(/\/v1$/, '')).replace(/\/+$/, '');
  const claude = input.anthropicModel ?? input.model;
  switch (kind) {
    case 'anthropic-curl':
      return (
        `${hash}curl ${shSingle(`${root}/v1/messages`)} \\\n` +
        `  -H ${shSingle(`x-api-key: ${key}`)} \\\n` +
        `  -H 'anthropic-version: 2023-06-01' \\\n` +
        `  -H 'Content-Type: application/json' \\\n` +
        `  -d ${shSingle(JSON.stringify({ model: claude, max_tokens: 1024, messages: [{ role: 'user', content: 'Hello!' }] }))}\n`
      );
    case 'anthropic-python':
      return (
        `${hash}import anthropic\n\n` +
        `client = anthropic.Anthropic(base_url=${pyStr(root)}, api_key=${pyStr(key)})\n\n` +
        `message = client.messages.create(\n` +
        `    model=${pyStr(claude)},\n` +
        `    max_tokens=1024,\n` +
        `    messages=[{"role": "user", "content": "Hello!"}],\n` +
        `)\n` +
        `print(message.content[0].text)\n`
      );
    case 'anthropic-node':
      return (
        (note ? `// ${note}\n` : '') +
        `import Anthropic from '@anthropic-ai/sdk';\n\n` +
        `const client = new Anthropic({ baseURL: ${jsStr(root)}, apiKey: ${jsStr(key)} });\n\n` +
        `const message = await client.messages.create({\n` +
        `  model: ${jsStr(claude)},\n` +
        `  max_tokens: 1024,\n` +
        `  messages: [{ role: 'user', content: 'Hello!' }],\n` +
        `});\n` +
        `console.log(message.content[0].type === 'text' ? message.content[0].text : message.content);\n`
      );
    case 'claude-env':
      // Claude Code sends ANTHROPIC_AUTH_TOKEN as a Bearer token; ANTHROPIC_API_KEY must not be set beside it
      return `${hash}export ANTHROPIC_BASE_URL=${shSingle(root)}\nexport ANTHROPIC_AUTH_TOKEN=${shSingle(key)}\nexport ANTHROPIC_MODEL=${shSingle(claude)}\nunset ANTHROPIC_API_KEY\n`;
    case 'gemini-curl': {
      const g = input.gemini ?? { base: root, auth: 'bearer' as const };
      const model = input.geminiModel ?? input.model;
      const header = g.auth === 'bearer' ? `Authorization: Bearer ${key}` : `x-goog-api-key: ${key}`;
      return (
        `${hash}curl ${shSingle(`${g.base}/v1beta/models/${encodeURIComponent(model)}:generateContent`)} \\\n` +
        `  -H ${shSingle(header)} \\\n` +
        `  -H 'Content-Type: application/json' \\\n` +
        `  -d ${shSingle(JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'Hello!' }] }] }))}\n`
      );
    }
  }
  // Stryker disable next-line StringLiteral: unreachable, every snippet kind returns above
  return '';
}

/** The OpenAI-compatible base URL of a connection: its chatBaseUrl, else baseUrl + '/v1'. */
export function chatBaseUrl(profile: { readonly baseUrl: string; readonly chatBaseUrl?: string }): string {
  return (profile.chatBaseUrl ?? `${profile.baseUrl.replace(/\/+$/, '')}/v1`).replace(/\/+$/, '');
}
