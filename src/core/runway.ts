/**
 * Days of runway: how long a balance lasts at the recent daily spend. Pure (no 'vscode', no I/O); every figure is a
 * decimal string through big.js, never a float.
 *
 * - The trend is a least-squares line through the last `windowDays` complete days (oldest first). Today's partial
 *   day is not part of it: the balance already carries what today spent.
 * - A rising trend is projected: day k from now spends `a + b·k` (a = the line's value on the last day, b = its
 *   slope), so the runway D solves `b/2·D² + (a + b/2)·D = balance − floor`.
 * - A flat or falling trend uses the window's mean: a falling line is never extrapolated towards zero, which would
 *   promise a runway the user cannot count on.
 * - No spend in the window: the runway is unbounded ('no-spend'). A balance at or below the floor: 'below-floor'.
 */
import Big from 'big.js';
import { toBig } from './money';

export const RUNWAY_WINDOW_DAYS = 7;

export type RunwayTrend = 'rising' | 'flat' | 'falling';

export type Runway =
  | { readonly kind: 'below-floor'; readonly available: string }
  | { readonly kind: 'no-spend' }
  | {
      readonly kind: 'days';
      /** Days of runway, rounded down to one decimal place. */
      readonly days: string;
      /** The spend per day the forecast starts from (the mean, or the trend line's last value when rising). */
      readonly dailyRate: string;
      /** The line's slope: change in daily spend per day. */
      readonly slopePerDay: string;
      readonly trend: RunwayTrend;
      /** How many complete days the trend was measured on. */
      readonly basisDays: number;
    };

export interface RunwayInput {
  /** The balance now (decimal string). */
  readonly balance: string;
  /** The balance the user does not want to go under (decimal string); 0 when absent. */
  readonly floor?: string;
  /** Spend of each complete day, oldest first (decimal strings). */
  readonly daily: readonly string[];
  readonly windowDays?: number;
}

/** The runway of `balance − floor` at the trend of the last complete days. */
export function forecastRunway(input: RunwayInput): Runway {
  const available = toBig(input.balance).minus(toBig(input.floor ?? '0'));
  if (available.lte(0)) return { kind: 'below-floor', available: available.toString() };
  const window = Math.max(1, Math.floor(input.windowDays ?? RUNWAY_WINDOW_DAYS));
  const ys = input.daily.slice(-window).map((d) => {
    const v = toBig(d);
    // a refund day counts as no spend: it does not lengthen the runway
    return v.lt(0) ? new Big(0) : v;
  });
  const n = ys.length;
  if (n === 0) return { kind: 'no-spend' };
  const mean = ys.reduce((s, y) => s.plus(y), new Big(0)).div(n);
  if (mean.eq(0)) return { kind: 'no-spend' };
  // least squares over x = 0 … n−1
  let slope = new Big(0);
  if (n >= 2) {
    const xBar = new Big(n - 1).div(2);
    let sxy = new Big(0);
    let sxx = new Big(0);
    ys.forEach((y, x) => {
      const dx = new Big(x).minus(xBar);
      sxy = sxy.plus(dx.times(y.minus(mean)));
      sxx = sxx.plus(dx.times(dx));
    });
    slope = sxy.div(sxx);
  }
  const trend: RunwayTrend = slope.gt(0) ? 'rising' : slope.lt(0) ? 'falling' : 'flat';
  let days: Big;
  let rate: Big;
  if (trend === 'rising') {
    rate = mean.plus(slope.times(new Big(n - 1).div(2)));
    const b = slope;
    const p = rate.plus(b.div(2));
    // D = (−p + √(p² + 2·b·available)) / b
    days = p.times(p).plus(b.times(2).times(available)).sqrt().minus(p).div(b);
  } else {
    rate = mean;
    days = available.div(mean);
  }
  return {
    kind: 'days',
    days: days.round(1, Big.roundDown).toFixed(1),
    dailyRate: rate.round(6, Big.roundHalfUp).toString(),
    slopePerDay: slope.round(6, Big.roundHalfUp).toString(),
    trend,
    basisDays: n,
  };
}
