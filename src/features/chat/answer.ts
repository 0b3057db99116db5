/**
 * One answer of a chat conversation: the slot a conversation's answer in flight holds (one at a time; a second is
 * refused with ChatBusyError, never queued), and what a send adds to the conversation — the user's turn with its
 * context chips, the empty streaming answer — together with the messages it sends to the gateway (Regenerate's
 * new answer beside the earlier ones: ./variants).
 */
import * as vscode from 'vscode';
import type { TokenUsage } from '../../core/usage';
import type { ChatMessage, ChatStreamEvent } from '../../core/types';
import {
  type ContextItem,
  type Conversation,
  type PricedAnswer,
  type Turn,
  composeUserMessage,
  newId,
  titleFrom,
} from './model';
import { historyOf } from './variants';

/** The one answer a conversation may have in flight; `turnId` once its turns exist (the request is being sent). */
export interface RunningAnswer {
  turnId?: string;
  readonly abort: AbortController;
  readonly done: Promise<void>;
}

/** A second answer was asked for while one is still running (double click, quick resend): refused, not queued. */
export class ChatBusyError extends Error {
  constructor() {
    super(vscode.l10n.t('An answer is still coming; stop it first.'));
    this.name = 'ChatBusyError';
  }
}

/**
 * Adds a send's turns to `conv`: with `replaceLast` the last user message and everything after it are replaced
 * (and keep their context unless chips are given). Returns the messages to send and the answer turn to stream into.
 */
export function startTurns(
  conv: Conversation,
  text: string,
  chips: ContextItem[] | undefined,
  replaceLast: boolean | undefined,
  modelId: string,
): { history: ChatMessage[]; answer: Turn } {
  // the chips go with this message; a resent message keeps the context it had
  let context = chips;
  if (replaceLast) {
    let i = conv.turns.length - 1;
    while (i >= 0 && conv.turns[i]!.role !== 'user') i--;
    if (i >= 0) {
      context ??= conv.turns[i]!.context;
      conv.turns.splice(i);
    }
  }
  const now = new Date().toISOString();
  const history = historyOf(conv, conv.turns.length);
  history.push({ role: 'user', content: composeUserMessage(text, context) });
  const user: Turn = { id: newId(), role: 'user', content: text, createdAt: now, ...(context ? { context } : {}) };
  const answer: Turn = {
    id: newId(),
    role: 'assistant',
    content: '',
    createdAt: now,
    model: modelId,
    status: 'streaming',
  };
  conv.turns.push(user, answer);
  if (!conv.title) conv.title = titleFrom(text);
  return { history, answer };
}

/** Streams the gateway's events into `answer`: text appended (then `text()`), the usage kept and priced. */
export async function receive(
  answer: Turn,
  events: AsyncIterable<ChatStreamEvent>,
  on: { text(): void; price(usage: TokenUsage): Promise<PricedAnswer | undefined> },
): Promise<void> {
  for await (const ev of events) {
    if (ev.type === 'text') {
      answer.content += ev.text;
      on.text();
    } else if (ev.type === 'usage') {
      answer.usage = ev.usage;
      const priced = await on.price(ev.usage);
      if (priced) {
        answer.cost = { amount: priced.amount, currency: priced.currency };
        answer.breakdown = priced.breakdown;
      }
    }
  }
}
