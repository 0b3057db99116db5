/**
 * Conversations in and out: Markdown and JSON exports, JSON import (validated against the same versioned zod
 * schema as the history files) and the history search. Pure: no 'vscode' here. A conversation holds no key or
 * token (the chat key lives in SecretStorage), and the export writes only the schema's fields.
 */
import {
  type AnswerVariant,
  type Conversation,
  type Turn,
  conversationSchema,
  conversationTotals,
  settleInterrupted,
} from './model';
import { allVariants, shownIndex, variantCount } from './variants';

export interface ExportLabels {
  readonly untitled: string;
  readonly user: string;
  readonly assistant: string;
  readonly systemPrompt: string;
  readonly model: string;
  readonly tokens: string;
  readonly cost: string;
  readonly stopped: string;
  readonly error: string;
  /** "Answer {0} of {1}": the heading of each answer of a regenerated message. */
  readonly answerOf: string;
  /** Marks the answer the conversation shows (the one sent with the next message). */
  readonly shown: string;
  /** Beside the total cost when it counts regenerated answers. */
  readonly costIncludesRegenerated: string;
}

/** A fence longer than any backtick run inside `text`. */
function fenceFor(text: string): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  return '`'.repeat(longest + 1);
}

function fenced(text: string, language = ''): string {
  const fence = fenceFor(text);
  return `${fence}${language}\n${text}${text.endsWith('\n') ? '' : '\n'}${fence}`;
}

/**
 * A message as Markdown. An answer with several variants (Regenerate) is written once per variant, in the order
 * they were made, each headed "Answer i of n", the one the conversation shows marked.
 */
function turnMarkdown(t: Turn, labels: ExportLabels): string {
  if (t.role === 'assistant' && variantCount(t) > 1) {
    const all = allVariants(t);
    const shown = shownIndex(t);
    return all
      .map((v, i) => {
        const which = labels.answerOf.replace('{0}', String(i + 1)).replace('{1}', String(all.length));
        return variantMarkdown(v, `${which}${i === shown ? `, ${labels.shown}` : ''}`, labels);
      })
      .join('\n\n');
  }
  const parts: string[] = [];
  parts.push(
    `## ${t.role === 'user' ? labels.user : labels.assistant}${t.role === 'assistant' && t.model ? ` (${t.model})` : ''}`,
  );
  for (const c of t.context ?? []) parts.push(`${c.label}:\n\n${fenced(c.text, c.language ?? '')}`);
  parts.push(t.content);
  const meta = metaOf(t, labels);
  if (meta.length) parts.push(`_${meta.join(' · ')}_`);
  return parts.join('\n\n');
}

function variantMarkdown(v: AnswerVariant, which: string, labels: ExportLabels): string {
  const parts = [`## ${labels.assistant} — ${which}${v.model ? ` (${v.model})` : ''}`, v.content];
  const meta = metaOf(v, labels);
  if (meta.length) parts.push(`_${meta.join(' · ')}_`);
  return parts.join('\n\n');
}

function metaOf(t: AnswerVariant, labels: ExportLabels): string[] {
  const meta: string[] = [];
  if (t.usage)
    meta.push(`${labels.tokens}: ${t.usage.totalTokens} (${t.usage.promptTokens} + ${t.usage.completionTokens})`);
  if (t.cost) meta.push(`${labels.cost}: ${t.cost.amount} ${t.cost.currency}`);
  if (t.status === 'stopped') meta.push(labels.stopped);
  if (t.status === 'error') meta.push(`${labels.error}: ${t.error ?? ''}`);
  return meta;
}

/** The conversation as a Markdown document: title, settings, then each message verbatim (its code blocks kept). */
export function conversationToMarkdown(c: Conversation, labels: ExportLabels): string {
  const head: string[] = [`# ${c.title || labels.untitled}`];
  const meta: string[] = [];
  if (c.modelId) meta.push(`${labels.model}: \`${c.modelId}\``);
  const totals = conversationTotals(c);
  if (totals.tokens) meta.push(`${labels.tokens}: ${totals.tokens}`);
  if (totals.cost)
    meta.push(
      `${labels.cost}: ${totals.cost.amount} ${totals.cost.currency}${totals.regenerated ? ` (${labels.costIncludesRegenerated})` : ''}`,
    );
  if (meta.length) head.push(meta.join(' · '));
  if (c.systemPrompt.trim()) head.push(`${labels.systemPrompt}:\n\n${fenced(c.systemPrompt)}`);
  return `${[...head, ...c.turns.map((t) => turnMarkdown(t, labels))].join('\n\n')}\n`;
}

/** The conversation as JSON in the history file's versioned schema (only the schema's fields). */
export function conversationToJson(c: Conversation): string {
  return `${JSON.stringify(conversationSchema.parse(c), null, 2)}\n`;
}

export type ImportResult =
  { ok: true; conversation: Conversation } | { ok: false; reason: 'json' | 'schema'; detail: string };

/** Parses an exported JSON file; refuses anything that is not the versioned conversation schema. */
export function parseConversationJson(text: string): ImportResult {
  let raw: unknown;
  try {
    raw = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    return { ok: false, reason: 'json', detail: e instanceof Error ? e.message : String(e) };
  }
  const r = conversationSchema.safeParse(raw);
  if (!r.success) {
    // a schema that fails has at least one issue
    const first = r.error.issues[0]!;
    return { ok: false, reason: 'schema', detail: `${first.path.join('.') || '(root)'}: ${first.message}` };
  }
  const conversation = r.data;
  settleInterrupted(conversation);
  return { ok: true, conversation };
}

/** The text the search matches: the title and every message (its context, every answer of a regenerated one). */
export function searchableText(c: Conversation): string {
  return [
    c.title,
    ...c.turns.flatMap((t) => [
      t.content,
      ...(t.variants ?? []).map((v) => v.content),
      ...(t.context ?? []).map((x) => x.text),
    ]),
  ].join('\n');
}

/** True when every word of `query` appears (case-insensitively) in the title or a message. */
export function matchesQuery(c: Conversation, query: string): boolean {
  const hay = searchableText(c).toLocaleLowerCase();
  // an empty word (the query's leading or trailing space) is in every text
  return query
    .toLocaleLowerCase()
    .split(/\s/)
    .every((w) => hay.includes(w));
}

/** Where a search hit is: the title, a message of the user or the assistant, or a context chip. */
export type HitPlace = 'title' | 'user' | 'assistant' | 'context';

/** The line around a search hit: the hit and up to `width` characters of that line around it. */
export interface SearchSnippet {
  readonly place: HitPlace;
  readonly before: string;
  readonly hit: string;
  readonly after: string;
}

/**
 * The line of the first place (title, then the messages in order) where a word of `query` occurs, cut to about
 * `width` characters around the hit ("…" where cut); undefined when the conversation does not match every word.
 */
export function searchSnippet(c: Conversation, query: string, width = 90): SearchSnippet | undefined {
  if (!matchesQuery(c, query)) return undefined;
  // no word: no place has a hit, so the loop below finds none
  const words = query.toLocaleLowerCase().split(/\s/).filter(Boolean);
  const places: Array<[HitPlace, string]> = [
    ['title', c.title],
    ...c.turns.flatMap((t): Array<[HitPlace, string]> => [
      [t.role, t.content],
      ...(t.variants ?? []).map((v): [HitPlace, string] => ['assistant', v.content]),
      ...(t.context ?? []).map((x): [HitPlace, string] => ['context', x.text]),
    ]),
  ];
  for (const [place, text] of places) {
    const lower = text.toLocaleLowerCase();
    let first: { readonly at: number; readonly word: string } | undefined;
    for (const w of words) {
      const i = lower.indexOf(w);
      if (i >= 0 && (first === undefined || i < first.at)) first = { at: i, word: w };
    }
    if (!first) continue;
    const { at, word } = first;
    const lineStart = text.lastIndexOf('\n', at) + 1;
    const nl = text.indexOf('\n', at + word.length);
    const lineEnd = nl === -1 ? text.length : nl;
    const room = Math.max(0, width - word.length);
    const from = Math.max(lineStart, at - Math.floor(room / 3));
    const to = Math.min(lineEnd, at + word.length + room - (at - from));
    const squash = (x: string): string => x.replace(/\s+/g, ' ');
    return {
      place,
      before: (from > lineStart ? '…' : '') + squash(text.slice(from, at)).trimStart(),
      hit: text.slice(at, at + word.length),
      after: squash(text.slice(at + word.length, to)).trimEnd() + (to < lineEnd ? '…' : ''),
    };
  }
  return undefined;
}

/** A safe file name (no extension) from a conversation title. */
export function exportFileName(c: Conversation, fallback: string): string {
  const base = (c.title || fallback)
    .replace(/[\\/:*?"<>|\u0000-\u001f]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 60);
  return base || fallback;
}
