/**
 * The display formatter's former home, kept only as names for the callers written against it (features/lm and
 * features/participant, which part 2 of issue 9 switches to core/format). Everything here is core/format.
 */
import { formatMoney } from '../core/format';
import type { Money } from '../core/money';

export { formatInteger, formatMoney, formatTokenCount } from '../core/format';

/** A model price per 1M tokens (core/format, 'amount'). */
export function formatPrice(m: Money, locale: string): string {
  return formatMoney(m, locale, 'amount');
}
