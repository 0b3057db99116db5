/**
 * The words for spans and instants on every host surface (the keys tree, its tooltips, the key flows, the status
 * bar): one rounding rule (core/format's durationOf: minutes under an hour, hours under two days, else days) and one
 * instant form (local time with its UTC offset), so "expires in 25 h" reads the same in the tree and the status bar.
 */
import * as vscode from 'vscode';
import { durationOf, formatInstant, type Duration } from '../core/format';

/** A span before or after now, as core/format's durationOf rounds it. */
export interface RelativeSpan extends Duration {
  readonly past: boolean;
}

/** "in 25 h", "3 d ago". */
export function relativeText(r: RelativeSpan): string {
  if (r.past) {
    switch (r.unit) {
      case 'm':
        return vscode.l10n.t('{0} min ago', r.value);
      case 'h':
        return vscode.l10n.t('{0} h ago', r.value);
      case 'd':
        return vscode.l10n.t('{0} d ago', r.value);
    }
  }
  switch (r.unit) {
    case 'm':
      return vscode.l10n.t('in {0} min', r.value);
    case 'h':
      return vscode.l10n.t('in {0} h', r.value);
    case 'd':
      return vscode.l10n.t('in {0} d', r.value);
  }
}

/** The span from `now` to `ms` in words, rounded by the one rule. */
export function relativeFromNow(ms: number, now = Date.now()): string {
  return relativeText({ ...durationOf(ms - now), past: ms < now });
}

/** "2026-03-10 20:00 (UTC+08:00), in 3 d"; `none` when there is no instant; a text that is no date as it was sent. */
export function instantWithRelative(iso: string | null | undefined, none: string, now = Date.now()): string {
  if (!iso) return none;
  const t = Date.parse(iso);
  if (!Number.isFinite(t)) return iso;
  return vscode.l10n.t('{0}, {1}', formatInstant(iso), relativeFromNow(t, now));
}

export { formatInstant };
