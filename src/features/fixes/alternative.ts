/**
 * Which model to offer when a model's upstream is down: a chat model of the same catalogue that is not the failing
 * one, has not failed itself lately, and that the key may call — the same family first (another size or date of
 * it), then the same vendor, then the nearest price. No 'vscode' import (unit-tested in Node).
 */
import { toBig } from '../../core/money';
import type { ModelInfo } from '../../core/types';
import { familyOf, isChatModel } from '../../platform/modelRules';

export interface AlternativeOptions {
  /** Models that failed lately on this connection (upstream down): never offered. */
  readonly unhealthy?: ReadonlySet<string>;
  /** The key's model allow-list; empty or absent = every model. */
  readonly allowed?: readonly string[];
}

/** The first word of a family ("claude-sonnet-4" → "claude", "gpt-4o-mini" → "gpt"): a looser kinship. */
function line(id: string): string {
  return familyOf(id).split(/[-_.:/]/)[0] ?? '';
}

/** Input price per 1M tokens as a number for ranking only (never for money shown or summed). */
function priceRank(m: ModelInfo): number | undefined {
  const p = m.price?.inputPerMTok ?? m.price?.outputPerMTok;
  if (!p) return undefined;
  try {
    return toBig(p.amount).toNumber();
  } catch {
    return undefined;
  }
}

export function chooseAlternative(
  models: readonly ModelInfo[],
  failing: string,
  opts: AlternativeOptions = {},
): ModelInfo | undefined {
  const current = models.find((m) => m.id === failing);
  const allowed = opts.allowed && opts.allowed.length > 0 ? new Set(opts.allowed) : undefined;
  const candidates = models.filter(
    (m) => m.id !== failing && isChatModel(m) && !opts.unhealthy?.has(m.id) && (!allowed || allowed.has(m.id)),
  );
  if (candidates.length === 0) return undefined;
  const fam = familyOf(failing);
  const ln = line(failing);
  const vendor = current?.vendor.toLowerCase();
  const price = current ? priceRank(current) : undefined;
  const kinship = (m: ModelInfo): number =>
    familyOf(m.id) === fam
      ? 0
      : line(m.id) === ln && ln !== ''
        ? 1
        : vendor !== undefined && m.vendor.toLowerCase() === vendor
          ? 2
          : 3;
  const distance = (m: ModelInfo): number => {
    const p = priceRank(m);
    if (price === undefined || p === undefined) return Number.POSITIVE_INFINITY;
    // ratio distance: half the price and twice the price are equally far
    return Math.abs(Math.log((p + 1e-9) / (price + 1e-9)));
  };
  return [...candidates].sort(
    (a, b) => kinship(a) - kinship(b) || distance(a) - distance(b) || a.id.localeCompare(b.id),
  )[0];
}
