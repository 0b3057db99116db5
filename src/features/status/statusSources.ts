/**
 * What the status bar reads from other features: today's spend of VS Code's language-model requests (the usage
 * ledger) and the budget readings of a connection. The features that own those figures implement these shapes and
 * the container wires them into the status bar, so the status bar depends on no feature module.
 */
import type * as vscode from 'vscode';
import type { Money } from '../../core/money';
import type { BudgetStatus } from '../../platform/budgetStatus';

/** Today's rows of what VS Code's requests through the gateway cost (the usage ledger). */
export interface SpendSummarySource {
  readonly onDidChange: vscode.Event<void>;
  today(): ReadonlyArray<{
    readonly connectionId: string;
    readonly model: string;
    readonly requests: number;
    readonly promptTokens: number;
    readonly completionTokens: number;
    readonly cost?: Money;
  }>;
}

/** What the status bar reads of the budgets (features/budgets implements it; the container wires it). */
export interface BudgetStatusSource {
  readonly onDidChange: vscode.Event<void>;
  /** Starts the timed checks (idempotent); the status bar calls it after its first refresh. */
  start(): void;
  /** The active connection's budget state, undefined before its first check. */
  status(connectionId: string, locale: string): BudgetStatus | undefined;
  /** For tests: one check now, waiting for it, the notifications shown, whether the timer runs. */
  check(): Promise<void>;
  settled(): Promise<void>;
  readonly notices: ReadonlyArray<{
    readonly message: string;
    readonly connectionId: string;
    readonly keyId?: string;
    readonly metric: string;
    readonly level: number;
  }>;
  readonly timerRunning: boolean;
  readonly checkCount: number;
}
