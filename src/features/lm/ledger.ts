/**
 * What VS Code's language-model requests through the gateway cost: one row per local day, connection and model
 * (requests, tokens, cost as a decimal string). Kept in globalState (counts and amounts only, no text, no key),
 * today and yesterday only; older rows are dropped on the next write. The status bar tooltip and `@gateway /cost`
 * read it.
 */
import * as vscode from 'vscode';
import * as z from 'zod';
import { addDecimal, type Currency, type Money } from '../../core/money';
import type { CostBreakdown } from '../../core/pricing';
import type { TokenUsage } from '../../core/types';
import { Disposable } from '../../platform/lifecycle';

export const LEDGER_STATE = 'aiGateway.lm.usage';

const rowSchema = z.object({
  day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  connectionId: z.string().min(1).max(64),
  model: z.string().min(1).max(256),
  requests: z.number().int().min(0),
  /** Requests whose usage the gateway never reported (stopped or failed streams). */
  unreported: z.number().int().min(0),
  promptTokens: z.number().int().min(0),
  completionTokens: z.number().int().min(0),
  /** Cache reads and writes (inside promptTokens). */
  cachedTokens: z.number().int().min(0),
  cacheWriteTokens: z.number().int().min(0).default(0),
  cost: z.object({ amount: z.string().regex(/^-?\d+(\.\d+)?$/), currency: z.enum(['CNY', 'USD']) }).optional(),
  /** Some requests had no input or output price: the cost covers only the priced ones. */
  unpriced: z.number().int().min(0),
  /** Some cache reads or writes had no price: the cost leaves them out (a lower bound). */
  partial: z.boolean().default(false),
  /** Written by earlier versions (cached tokens priced at the input rate); read, never set. */
  upperBound: z.boolean().optional(),
});
export type LedgerRow = z.infer<typeof rowSchema>;
const rowsSchema = z.array(rowSchema);

export interface LedgerEntry {
  readonly connectionId: string;
  readonly model: string;
  /** Undefined when the gateway did not report usage (the request still counts). */
  readonly usage?: TokenUsage;
  /** The request's cost by class (the same pricing as the chat panel). */
  readonly breakdown?: CostBreakdown;
}

export interface LedgerTotals {
  readonly requests: number;
  readonly unreported: number;
  readonly promptTokens: number;
  readonly completionTokens: number;
  /** One amount per currency. */
  readonly cost: readonly Money[];
  readonly unpriced: number;
  /** Some cache tokens had no price: the cost is a lower bound. */
  readonly partial: boolean;
}

/** The local calendar day of an instant (YYYY-MM-DD). */
export function localDay(at: number): string {
  const d = new Date(at);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

export function totalsOf(rows: readonly LedgerRow[]): LedgerTotals {
  const costs = new Map<Currency, string>();
  let requests = 0,
    unreported = 0,
    promptTokens = 0,
    completionTokens = 0,
    unpriced = 0,
    partial = false;
  for (const r of rows) {
    requests += r.requests;
    unreported += r.unreported;
    promptTokens += r.promptTokens;
    completionTokens += r.completionTokens;
    unpriced += r.unpriced;
    partial ||= r.partial;
    if (r.cost) costs.set(r.cost.currency, addDecimal(costs.get(r.cost.currency) ?? '0', r.cost.amount));
  }
  return {
    requests,
    unreported,
    promptTokens,
    completionTokens,
    unpriced,
    partial,
    cost: [...costs].map(([currency, amount]) => ({ amount, currency })),
  };
}

/** Adds one request to the row of its day, connection and model (created when missing). */
function addEntry(rows: LedgerRow[], e: LedgerEntry, day: string): void {
  let row = rows.find((r) => r.day === day && r.connectionId === e.connectionId && r.model === e.model);
  if (!row) {
    row = {
      day,
      connectionId: e.connectionId,
      model: e.model,
      requests: 0,
      unreported: 0,
      promptTokens: 0,
      completionTokens: 0,
      cachedTokens: 0,
      cacheWriteTokens: 0,
      unpriced: 0,
      partial: false,
    };
    rows.push(row);
  }
  row.requests++;
  if (!e.usage) {
    row.unreported++;
    return;
  }
  row.promptTokens += e.usage.promptTokens;
  row.completionTokens += e.usage.completionTokens;
  row.cachedTokens += e.usage.cachedTokens ?? 0;
  row.cacheWriteTokens += e.usage.cacheWriteTokens ?? 0;
  const b = e.breakdown;
  const priced = b && !b.unpriced.includes('input') && !b.unpriced.includes('output');
  if (b && priced && (!row.cost || row.cost.currency === b.currency)) {
    row.cost = { amount: addDecimal(row.cost?.amount ?? '0', b.amount), currency: b.currency };
    row.partial ||= b.unpriced.length > 0;
  } else row.unpriced++;
}

export class UsageLedger extends Disposable {
  private readonly _onDidChange = this._register(new vscode.EventEmitter<void>());
  readonly onDidChange = this._onDidChange.event;
  private writing: Promise<void> = Promise.resolve();
  private readonly sessionRows: LedgerRow[] = [];

  constructor(
    private readonly state: vscode.Memento,
    private readonly now: () => number = Date.now,
  ) {
    super();
  }

  private rows(): LedgerRow[] {
    const r = rowsSchema.safeParse(this.state.get(LEDGER_STATE));
    return r.success ? r.data : [];
  }

  /** Rows of today (local time), optionally of one connection. */
  today(connectionId?: string): LedgerRow[] {
    const day = localDay(this.now());
    return this.rows().filter((r) => r.day === day && (connectionId === undefined || r.connectionId === connectionId));
  }

  /** Rows of the requests made since this window started (kept in memory only). */
  session(): LedgerRow[] {
    return this.sessionRows.map((r) => ({ ...r }));
  }

  /** Adds one request; writes are serialised so two answers ending together both count. */
  record(e: LedgerEntry): Promise<void> {
    const run = this.writing.then(async () => {
      const day = localDay(this.now());
      const yesterday = localDay(this.now() - 86_400_000);
      const rows = this.rows().filter((r) => r.day === day || r.day === yesterday);
      addEntry(rows, e, day);
      addEntry(this.sessionRows, e, day);
      await this.state.update(LEDGER_STATE, rows);
      this._onDidChange.fire();
    });
    this.writing = run.catch(() => undefined);
    return run;
  }

  /** Resolves when every write asked for so far is done. */
  whenIdle(): Promise<void> {
    return this.writing;
  }

  /** Forgets the rows of one connection (it was removed). */
  async forget(connectionId: string): Promise<void> {
    await this.writing;
    const rows = this.rows();
    const left = rows.filter((r) => r.connectionId !== connectionId);
    for (let i = this.sessionRows.length - 1; i >= 0; i--)
      if (this.sessionRows[i]!.connectionId === connectionId) this.sessionRows.splice(i, 1);
    if (left.length !== rows.length) {
      await this.state.update(LEDGER_STATE, left);
      this._onDidChange.fire();
    }
  }
}
