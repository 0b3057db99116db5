/**
 * The crossing memory: one notification per threshold crossed, not one per check. Pure (no 'vscode'); the state is
 * a plain record the caller keeps in globalState.
 *
 * For each reading (connection, key, metric) and its period (month, or day for daily limits) the highest level
 * already announced is remembered:
 *   level now > remembered  → announce once, remember the new level (a jump over several thresholds is one notice,
 *                             naming the highest);
 *   level now < remembered  → remember the lower level: the thresholds above it are armed again (spend went down,
 *                             a budget was raised, a balance was topped up);
 *   a new period            → a new entry: everything is armed again. Entries of other periods are dropped.
 * A reading that could not be taken this time (the gateway did not answer) changes nothing.
 */
import type { Reading } from './evaluate';

/** `<reading id>@<period>` → the highest level announced. */
export type CrossingState = Readonly<Record<string, number>>;

export interface CrossingResult {
  readonly state: Record<string, number>;
  /** The readings to announce now. */
  readonly announce: readonly Reading[];
}

export function crossingKey(r: Pick<Reading, 'id' | 'period'>): string {
  return `${r.id}@${r.period}`;
}

/**
 * Applies one check's readings of the given connections. Entries of other connections are kept untouched;
 * entries of these connections for a period no reading has now are dropped.
 */
export function applyReadings(
  prev: CrossingState,
  readings: readonly Reading[],
  connectionIds: readonly string[],
): CrossingResult {
  const state: Record<string, number> = {};
  const current = new Map(readings.map((r) => [r.id, r.period]));
  const checked = new Set(connectionIds);
  for (const [k, v] of Object.entries(prev)) {
    const at = k.lastIndexOf('@');
    const id = k.slice(0, at);
    const connectionId = id.split('|')[0] ?? '';
    if (!checked.has(connectionId)) {
      state[k] = v;
      continue;
    }
    const period = current.get(id);
    // not read this time: kept as it was; read for another period: that period is over
    if (period === undefined || period === k.slice(at + 1)) state[k] = v;
  }
  const announce: Reading[] = [];
  for (const r of readings) {
    const k = crossingKey(r);
    const before = state[k] ?? 0;
    if (r.level > before) announce.push(r);
    if (r.level === 0) delete state[k];
    else state[k] = r.level;
  }
  return { state, announce };
}
