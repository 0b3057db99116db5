/**
 * The budget readings of one connection as the status bar shows them: what is crossed now, each with its few words
 * and its sentence, and the figures in sentences. The budget feature produces it and the status feature reads it;
 * the shape lives here because one feature never imports another.
 */

/** One budget or gateway-status threshold crossed now, as the budget feature words it. */
export interface BudgetSignal {
  /** `<connectionId>|<keyId or ''>|<metric>`. */
  readonly id: string;
  readonly connectionId: string;
  readonly keyId?: string;
  readonly metric: string;
  /** The threshold reached (percent; 100 for a floor, cap or status). */
  readonly level: number;
  readonly severity: 'warning' | 'error';
  /** A few words for the item's text ("budget 85.00%"). */
  readonly short: string;
  /** The full sentence (the tooltip, the notification). */
  readonly sentence: string;
}

export interface BudgetStatus {
  /** Worst first. */
  readonly crossed: readonly BudgetSignal[];
  /** The figures in sentences: the month's budget, today's spend, the floors, the runway. */
  readonly lines: readonly string[];
}
