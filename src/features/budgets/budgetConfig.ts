/**
 * Where the budget settings live in VS Code's configuration: the user's (global) values under `aiGateway.budgets`,
 * read for the monitor and for "Set Budget…", and the one write "Set Budget…" makes to `aiGateway.budgets.limits`.
 * Only the user's global values count (a workspace cannot set or lift a budget).
 */
import * as vscode from 'vscode';
import { BudgetSettingKeys, type BudgetSettings, parseBudgetSettings } from './settings';

const SECTION = 'aiGateway';

/** Whether a configuration change touches the budget settings. */
export function affectsBudgetSettings(e: vscode.ConfigurationChangeEvent): boolean {
  return e.affectsConfiguration(`${SECTION}.budgets`);
}

/** The user's budget settings, parsed (a bad value is listed in `problems` and ignored). */
export function readBudgetSettings(): BudgetSettings {
  const c = vscode.workspace.getConfiguration(SECTION);
  const user = (k: string): unknown => c.inspect<unknown>(k)?.globalValue;
  return parseBudgetSettings({
    thresholds: user(BudgetSettingKeys.thresholds),
    limits: user(BudgetSettingKeys.limits),
    checkIntervalMinutes: user(BudgetSettingKeys.checkIntervalMinutes),
    rpmWarningPercent: user(BudgetSettingKeys.rpmWarningPercent),
  });
}

/** `aiGateway.budgets.limits` as the user wrote it (not parsed, so a write keeps every field). */
export function rawBudgetLimits(): unknown {
  return vscode.workspace.getConfiguration(SECTION).inspect<unknown>(BudgetSettingKeys.limits)?.globalValue;
}

/** Writes `aiGateway.budgets.limits` to the user's settings. */
export function writeBudgetLimits(value: unknown): Thenable<void> {
  return vscode.workspace
    .getConfiguration(SECTION)
    .update(BudgetSettingKeys.limits, value, vscode.ConfigurationTarget.Global);
}
