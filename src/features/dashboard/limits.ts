/**
 * The dashboard's limits and ranges: how much one view may ask the gateway (the request budget), how far back a custom
 * range may reach, and the range and bucket size a view actually uses.
 */
import * as vscode from 'vscode';
import type { Gateway } from '../../gateway/gateway';
import { boundDays, dayKey, dayRange, rangeDays, tzOffsetMs, type Granularity, type TimeRange } from '../../core/usage';
import type { UiChoices } from '../../webview/dashboardProtocol';

/** AIHubMix logs: 100 per page, at most this many pages per range (then the note says the figures are partial). */
export const LOG_PAGE_SIZE = 100;
export const MAX_LOG_PAGES = 120;
export const INVOICE_PAGE_SIZE = 10;
/** AIone refuses hourly usage over more than 7 UTC days per request. */
export const HOURLY_MAX_UTC_DAYS = 7;
/** At most this many usage requests of one view in flight at once. */
export const USAGE_CHUNK_PARALLELISM = 3;
/**
 * How far back a custom range may reach, in days up to today: neither gateway documents how long it keeps usage,
 * and AIone's own dashboard accepts at most 365 days, so the dashboard reads at most the last 365 days.
 */
export const USAGE_HISTORY_DAYS = 365;
/**
 * The most gateway requests one view (one range, every section) may make. A 365-day AIone view needs about 80
 * (hourly rows in 7-day chunks, per-model / key / team rows in 92-day chunks), an AIHubMix one at most
 * MAX_LOG_PAGES + 2; past the cap a section fails with a sentence instead of calling the gateway again.
 */
export const MAX_REQUESTS_PER_VIEW = 150;

/** One view asked the gateway more than MAX_REQUESTS_PER_VIEW times (a section then shows this sentence). */
export class RequestBudgetError extends Error {
  constructor(
    readonly needed: number,
    readonly left: number,
  ) {
    super(
      vscode.l10n.t(
        'This view would need more than {0} requests to the gateway; choose a shorter range.',
        MAX_REQUESTS_PER_VIEW,
      ),
    );
    this.name = 'RequestBudgetError';
  }
}

/** Counts the gateway requests of one view; `take` refuses (throws) once the cap would be passed. */
export class RequestBudget {
  used = 0;
  constructor(readonly cap = MAX_REQUESTS_PER_VIEW) {}
  get left(): number {
    return this.cap - this.used;
  }
  take(n = 1): void {
    if (n > this.left) throw new RequestBudgetError(n, this.left);
    this.used += n;
  }
}

export type BoundedChoices =
  | {
      readonly ok: true;
      readonly choices: UiChoices;
      readonly clamped?: {
        readonly from: string;
        readonly to: string;
        readonly askedFrom: string;
        readonly askedTo: string;
      };
    }
  | {
      readonly ok: false;
      readonly reason: 'future' | 'before-history';
      readonly first: string;
      readonly today: string;
    };

/**
 * A custom range bounded to the last USAGE_HISTORY_DAYS days up to today in `timeZone`: clamped when it overlaps
 * them (the choices then hold the days actually shown), refused when it does not. Presets always fit.
 */
export function boundChoices(choices: UiChoices, now: number, timeZone: string): BoundedChoices {
  const r = choices.range;
  if (r.preset !== 'custom' || !r.from || !r.to) return { ok: true, choices };
  const b = boundDays(r.from, r.to, dayKey(now, timeZone), USAGE_HISTORY_DAYS);
  if (!b.ok) return b;
  const next: UiChoices = { ...choices, range: { preset: 'custom', from: b.from, to: b.to } };
  return b.clampedFrom || b.clampedTo
    ? {
        ok: true,
        choices: next,
        clamped: {
          from: b.from,
          to: b.to,
          askedFrom: r.from <= r.to ? r.from : r.to,
          askedTo: r.from <= r.to ? r.to : r.from,
        },
      }
    : { ok: true, choices: next };
}

export interface DashboardContext {
  readonly gateway: Gateway;
  readonly gatewayLabel: string;
  readonly choices: UiChoices;
  /** The IANA zone chosen (already resolved from local / utc); the view may count UTC days instead (resolveRange). */
  readonly timeZone: string;
  readonly now: number;
  readonly signal: AbortSignal;
  /** The gateway requests this view may still make (shared by every section of one generation). */
  readonly budget: RequestBudget;
}

export interface ResolvedRange {
  readonly from: string;
  readonly to: string;
  readonly days: number;
  readonly range: TimeRange;
  readonly granularity: Granularity;
  readonly hourlyAvailable: boolean;
  /** Daily buckets are offered (a single day shown by the hour has no daily choice). */
  readonly dailyAvailable: boolean;
  /** The zone every section of the view counts its days in (the screen's one day basis). */
  readonly timeZone: string;
  /** The chosen zone could not be the basis (breakdowns only per UTC day): the view is in UTC. */
  readonly localUnavailable: boolean;
}

/** Whether the zone's days are UTC days over the range (UTC-day rows then match its days exactly). */
function utcAligned(range: TimeRange, timeZone: string): boolean {
  return tzOffsetMs(range.start, timeZone) === 0 && tzOffsetMs(range.end - 1, timeZone) === 0;
}

/**
 * The range, the bucket size and the day basis actually used. Hourly only where the data allows it (≤ 7 days and
 * offered), and always for a single day where it is offered (one daily point says nothing). One day basis for every
 * section: a gateway whose per-model / key / team usage comes per UTC day puts the whole view in UTC when the chosen
 * zone's days are not UTC days, so the KPIs and the breakdowns count the same days.
 */
export function resolveRange(gateway: Gateway, choices: UiChoices, timeZone: string, now: number): ResolvedRange {
  const caps = gateway.capabilities;
  let zone = timeZone;
  let r = rangeDays(choices.range, now, zone);
  let range = dayRange(r.from, r.to, zone);
  const localUnavailable = caps.usageSeries && !utcAligned(range, zone);
  if (localUnavailable) {
    zone = 'UTC';
    r = rangeDays(choices.range, now, zone);
    range = dayRange(r.from, r.to, zone);
  }
  const hourlyAvailable = r.days <= 7 && (caps.hourlyUsage || caps.usageLogs);
  const dailyAvailable = !(hourlyAvailable && r.days === 1);
  return {
    ...r,
    range,
    granularity: hourlyAvailable && (choices.granularity === 'hour' || !dailyAvailable) ? 'hour' : 'day',
    hourlyAvailable,
    dailyAvailable,
    timeZone: zone,
    localUnavailable,
  };
}
