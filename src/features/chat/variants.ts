/**
 * The answers of one assistant turn (pure: no 'vscode'). The turn's own fields are the answer it shows; its other
 * answers wait in `variants`, and `variantIndex` says where the shown one stands among all of them. Regenerate adds
 * an answer and shows it; the switcher shows another one, and the next message sends the one shown.
 */
import type { ChatMessage } from '../../core/types';
import { type AnswerVariant, type Conversation, type Turn, composeUserMessage } from './model';

const VARIANT_FIELDS = [
  'content',
  'createdAt',
  'model',
  'status',
  'error',
  'fix',
  'usage',
  'cost',
  'breakdown',
] as const;

/** The answer a turn shows, as a variant (its own fields, nothing else). */
function shownOf(t: Turn): AnswerVariant {
  const v: Record<string, unknown> = {};
  for (const k of VARIANT_FIELDS) if (t[k] !== undefined) v[k] = t[k];
  return v as AnswerVariant;
}

/** Makes `v` the answer the turn shows (every answer field replaced, none left over from the previous one). */
function setShown(t: Turn, v: AnswerVariant): void {
  for (const k of VARIANT_FIELDS) delete t[k];
  Object.assign(t, structuredClone(v));
}

/** Where the shown answer stands among all of them (0-based). */
export function shownIndex(t: Turn): number {
  const others = t.variants?.length ?? 0;
  return Math.min(t.variantIndex ?? others, others);
}

/** How many answers the turn has (1 for a turn saved before variants existed). */
export function variantCount(t: Turn): number {
  return (t.variants?.length ?? 0) + 1;
}

/** Every answer of the turn in the order they were made, the shown one in its place. */
export function allVariants(t: Turn): AnswerVariant[] {
  const others = t.variants ?? [];
  const i = shownIndex(t);
  return [...others.slice(0, i), shownOf(t), ...others.slice(i)];
}

/** Shows the answer at `index` (0-based); false when there is none there. */
export function showVariant(t: Turn, index: number): boolean {
  const all = allVariants(t);
  const next = all[index];
  if (!Number.isInteger(index) || !next) return false;
  if (index === shownIndex(t)) return true;
  all.splice(index, 1);
  setShown(t, next);
  t.variants = all;
  t.variantIndex = index;
  return true;
}

/** Adds `v` as the turn's newest answer and shows it; the earlier ones are kept. */
export function addVariant(t: Turn, v: AnswerVariant): void {
  const all = allVariants(t);
  setShown(t, v);
  t.variants = all;
  t.variantIndex = all.length;
}

/** What is sent for the turns before `end`: the system prompt, each message, each answer as the turn shows it. */
export function historyOf(conv: Conversation, end: number): ChatMessage[] {
  const history: ChatMessage[] = [];
  if (conv.systemPrompt.trim()) history.push({ role: 'system', content: conv.systemPrompt });
  for (const t of conv.turns.slice(0, end)) {
    if (t.role === 'assistant' && !t.content) continue;
    history.push({ role: t.role, content: t.role === 'user' ? composeUserMessage(t.content, t.context) : t.content });
  }
  return history;
}

/**
 * Regenerate: a new answer to the last user message, added to its answer turn (the earlier answers stay, one
 * click away) and shown. Returns the messages to send — everything before that answer, as shown — and the turn to
 * stream into; undefined when the conversation does not end with a message and its answer.
 */
export function startVariant(
  conv: Conversation,
  modelId: string,
): { history: ChatMessage[]; answer: Turn } | undefined {
  const end = conv.turns.length - 1;
  const answer = conv.turns[end];
  if (!answer || answer.role !== 'assistant' || conv.turns[end - 1]?.role !== 'user') return undefined;
  const history = historyOf(conv, end);
  addVariant(answer, { content: '', createdAt: new Date().toISOString(), model: modelId, status: 'streaming' });
  return { history, answer };
}
