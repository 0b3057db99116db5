/**
 * The words of the budgets: the sentence of a crossed reading (notification and tooltip), its few words for the
 * status bar's text, the runway in a sentence, and the status bar's view of one connection built from them. Pure
 * functions of the figures, the readings and the locale.
 */
import * as vscode from 'vscode';
import { formatMoney } from '../../core/format';
import { money } from '../../core/money';
import { RUNWAY_WINDOW_DAYS, type Runway } from '../../core/runway';
import type { BudgetStatus } from '../../platform/budgetStatus';
import type { ConnectionFigures, Reading } from './evaluate';
import type { BudgetSettings } from './settings';

/** What the status bar shows of one connection. */
export interface BudgetView {
  readonly figures: ConnectionFigures;
  /** Everything crossed now, worst first. */
  readonly crossed: readonly Reading[];
  /** Every reading (crossed or not): the tooltip shows the budget's percent even below the first threshold. */
  readonly readings: readonly Reading[];
  readonly runway?: Runway;
  readonly settings: BudgetSettings;
}

/** The status bar's view of a connection: what is crossed, in words, and the figures in sentences. */
export function budgetStatusView(v: BudgetView, locale: string): BudgetStatus {
  const f = v.figures;
  const m = (x: string) => formatMoney(money(x, f.currency), locale, 'amount');
  const lines: string[] = [];
  const budget = v.readings.find((r) => r.metric === 'budget' && !r.keyId);
  if (budget && budget.level === 0)
    lines.push(
      budget.limit !== undefined
        ? vscode.l10n.t('Budget: {0}% of {1} this month.', budget.value, m(budget.limit))
        : vscode.l10n.t("Budget: {0}% used this month (the gateway's figure).", budget.value),
    );
  if (f.todaySpend !== undefined) lines.push(vscode.l10n.t('Spent today: {0} (UTC day).', m(f.todaySpend)));
  const floor = v.settings.limits[f.connectionId]?.balanceFloor;
  if (f.serverRemindThreshold !== undefined)
    lines.push(
      vscode.l10n.t(
        "Balance floor: {0} (yours) · the gateway's reminder threshold: {1}.",
        floor !== undefined ? m(floor) : vscode.l10n.t('not set'),
        m(f.serverRemindThreshold),
      ),
    );
  else if (floor !== undefined) lines.push(vscode.l10n.t('Balance floor: {0}.', m(floor)));
  if (v.runway) lines.push(runwaySentence(v.runway, f, locale));
  return {
    crossed: v.crossed.map((r) => ({
      id: r.id,
      connectionId: r.connectionId,
      ...(r.keyId ? { keyId: r.keyId } : {}),
      metric: r.metric,
      level: r.level,
      severity: r.severity,
      short: readingShort(r),
      sentence: readingSentence(r, f, locale),
    })),
    lines,
  };
}

function subjectOf(r: Reading, f: ConnectionFigures): string {
  return r.keyId ? vscode.l10n.t('Key "{0}" on {1}', r.keyName ?? r.keyId, f.label) : f.label;
}

function fmt(amount: string | undefined, f: ConnectionFigures, locale: string): string {
  return amount === undefined ? '' : formatMoney(money(amount, f.currency), locale, 'amount');
}

/** The notification's (and the tooltip's) sentence for a crossed reading. */
export function readingSentence(r: Reading, f: ConnectionFigures, locale: string): string {
  const who = subjectOf(r, f);
  switch (r.metric) {
    case 'budget':
      if (r.source === 'gateway-pct')
        return vscode.l10n.t(
          '{0}: the gateway reports {1}% of the monthly budget used this month (threshold {2}%).',
          who,
          r.value,
          r.level,
        );
      return vscode.l10n.t(
        '{0}: {1} spent this month, {2}% of the monthly budget of {3} (threshold {4}%).',
        who,
        fmt(r.keyId ? f.keys.find((k) => k.keyId === r.keyId)?.monthSpend : f.monthSpend, f, locale),
        r.value,
        fmt(r.limit, f, locale),
        r.level,
      );
    case 'quota':
      return vscode.l10n.t(
        "{0}: {1}% of the key's quota of {2} is used (threshold {3}%).",
        who,
        r.value,
        fmt(r.limit, f, locale),
        r.level,
      );
    case 'floor':
      return vscode.l10n.t(
        '{0}: the balance {1} is at or below your floor of {2}.',
        who,
        fmt(r.value, f, locale),
        fmt(r.limit, f, locale),
      );
    case 'daily':
      return vscode.l10n.t(
        "{0}: today's spend {1} reached the daily cap of {2}.",
        who,
        fmt(r.value, f, locale),
        fmt(r.limit, f, locale),
      );
    case 'capacity':
      return vscode.l10n.t('{0}: the gateway reports its capacity as "{1}".', who, r.value);
    case 'service':
      return vscode.l10n.t('{0}: the gateway reports its service status as "{1}".', who, r.value);
    case 'rpm':
      return vscode.l10n.t('{0}: {1}% of the RPM limit is in use (warning at {2}%).', who, r.value, r.limit ?? '');
  }
}

/** A few words for the status bar text. */
export function readingShort(r: Reading): string {
  switch (r.metric) {
    case 'budget':
      return r.keyId ? vscode.l10n.t('key budget {0}%', r.value) : vscode.l10n.t('budget {0}%', r.value);
    case 'quota':
      return vscode.l10n.t('key quota {0}% used', r.value);
    case 'floor':
      return vscode.l10n.t('balance under floor');
    case 'daily':
      return vscode.l10n.t('daily cap reached');
    case 'capacity':
      return vscode.l10n.t('capacity {0}', r.value);
    case 'service':
      return vscode.l10n.t('service {0}', r.value);
    case 'rpm':
      return vscode.l10n.t('RPM {0}%', r.value);
  }
}

/** The runway in one sentence. */
export function runwaySentence(r: Runway, f: ConnectionFigures, locale: string): string {
  switch (r.kind) {
    case 'below-floor':
      return vscode.l10n.t('Runway: none, the balance is at or below the floor.');
    case 'no-spend':
      return vscode.l10n.t('Runway: no spend in the last {0} days.', RUNWAY_WINDOW_DAYS);
    case 'days': {
      const rate = formatMoney(money(r.dailyRate, f.currency), locale, 'amount');
      if (r.trend === 'rising')
        return vscode.l10n.t(
          'Runway: about {0} days at {1} a day and rising (last {2} days).',
          r.days,
          rate,
          r.basisDays,
        );
      return vscode.l10n.t('Runway: about {0} days at {1} a day (last {2} days).', r.days, rate, r.basisDays);
    }
  }
}
