/** What the webview is told of a turn's answers (which one is shown, of how many) and the switcher's words. */
import * as vscode from 'vscode';
import type { TurnView, UiStringKey } from '../../webview/protocol';
import type { Turn } from './model';
import { shownIndex, variantCount } from './variants';

/** The switcher's place in a turn's view; nothing for a turn with one answer. */
export function variantView(t: Turn): Pick<TurnView, 'variant'> {
  const count = variantCount(t);
  return t.role === 'assistant' && count > 1 ? { variant: { index: shownIndex(t), count } } : {};
}

type VariantStringKey = Extract<
  UiStringKey,
  'previousAnswer' | 'nextAnswer' | 'answerOf' | 'answers' | 'totalCountsEvery' | 'totalRegenerated'
>;

export function variantStrings(): Record<VariantStringKey, string> {
  return {
    previousAnswer: vscode.l10n.t('Previous answer'),
    nextAnswer: vscode.l10n.t('Next answer'),
    answerOf: vscode.l10n.t('Answer {0} of {1}'),
    answers: vscode.l10n.t('Answers to this message'),
    totalCountsEvery: vscode.l10n.t(
      'Counts every answer that was paid for: the earlier answers of a regenerated message too.',
    ),
    totalRegenerated: vscode.l10n.t('{0} regenerated included'),
  };
}
