/** The export's words, as the chat tests give them (English, as the host passes them from vscode.l10n). */
import type { ExportLabels } from '../../src/features/chat/exchange';

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
