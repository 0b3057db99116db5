/**
 * The chat's model picker: a searchable quick pick of the connection's chat models only (embedding, image, audio
 * and other models are left out), each with its price per 1M input / output tokens in the one money format.
 */
import * as vscode from 'vscode';
import { formatMoney, formatTokenCount } from '../../core/format';
import type { ModelInfo } from '../../core/types';
import { isChatModel } from '../../platform/modelRules';

export interface ModelPickItem extends vscode.QuickPickItem {
  readonly modelId: string;
}

/** The price of a model per 1M tokens ("$0.15 in / $0.60 out per 1M tokens"), or that the catalogue has none. */
export function priceText(m: ModelInfo, locale: string): string {
  const p = m.price;
  if (!p?.inputPerMTok && !p?.outputPerMTok) return vscode.l10n.t('no price in the catalogue');
  return vscode.l10n.t(
    '{0} in / {1} out per 1M tokens',
    p.inputPerMTok ? formatMoney(p.inputPerMTok, locale, 'amount') : '—',
    p.outputPerMTok ? formatMoney(p.outputPerMTok, locale, 'amount') : '—',
  );
}

/** The chat models as pick items (by id), the current one first; and how many models were left out. */
export function chatModelItems(
  models: readonly ModelInfo[],
  current: string | undefined,
  locale: string,
): { items: ModelPickItem[]; hidden: number } {
  const chat = models.filter(isChatModel).sort((a, b) => a.id.localeCompare(b.id));
  const items = chat.map((m): ModelPickItem => {
    const parts = [priceText(m, locale)];
    if (m.contextLength) parts.push(vscode.l10n.t('{0} ctx', formatTokenCount(m.contextLength, locale)));
    return {
      label: m.id,
      description: [m.name && m.name !== m.id ? m.name : undefined, m.vendor].filter(Boolean).join(' · '),
      detail: parts.join(' · '),
      modelId: m.id,
      ...(m.id === current ? { picked: true, iconPath: new vscode.ThemeIcon('check') } : {}),
    };
  });
  const at = items.findIndex((i) => i.modelId === current);
  if (at > 0) items.unshift(...items.splice(at, 1));
  return { items, hidden: models.length - chat.length };
}

/** "Type to search 12 chat models (3 embedding, image or audio models not shown)". */
export function modelPickPlaceholder(shown: number, hidden: number): string {
  return hidden
    ? vscode.l10n.t('Type to search {0} chat models ({1} embedding, image or audio models not shown)', shown, hidden)
    : vscode.l10n.t('Type to search {0} chat models', shown);
}

/** Shows the picker; resolves to the chosen model id, or undefined when dismissed. */
export async function pickChatModel(
  models: readonly ModelInfo[],
  current: string | undefined,
  connectionLabel: string,
): Promise<string | undefined> {
  const { items, hidden } = chatModelItems(models, current, vscode.env.language);
  const picked = await vscode.window.showQuickPick(items, {
    title: vscode.l10n.t('Chat model on {0}', connectionLabel),
    placeHolder: modelPickPlaceholder(items.length, hidden),
    matchOnDescription: true,
    matchOnDetail: true,
  });
  return picked?.modelId;
}
