/** What the chat's unit tests build on: the export's words (English, as the host passes them) and a conversation. */
import type { ExportLabels } from '../../src/features/chat/exchange';
import type { Conversation } from '../../src/features/chat/model';

export const EXPORT_LABELS: ExportLabels = {
  untitled: '(untitled)',
  user: 'You',
  assistant: 'Assistant',
  systemPrompt: 'System prompt',
  model: 'Model',
  tokens: 'Tokens',
  cost: 'Cost',
  stopped: 'Stopped',
  error: 'Error',
  answerOf: 'Answer {0} of {1}',
  shown: 'shown',
  costIncludesRegenerated: 'every answer paid for, regenerated ones included',
};

export const AT = '2026-04-01T00:00:00.000Z';

/** A conversation "T" with no turn, created and updated at AT; `over` sets what a test is about. */
export const conv = (over: Partial<Conversation> = {}): Conversation => ({
  version: 1,
  id: 'c1',
  title: 'T',
  createdAt: AT,
  updatedAt: AT,
  systemPrompt: '',
  turns: [],
  ...over,
});
