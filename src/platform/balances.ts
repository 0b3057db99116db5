/**
 * Each connection's balance, read once and shared by the surfaces that show it (the status bar, a connection's row
 * in the Gateways view), so both show the same figure from the same call. Nothing is read at construction: a read
 * happens when a surface asks (ensure() from a row being drawn, read() from the status bar's refresh), at most one
 * per connection at a time, and a reading is reused for MAX_AGE_MS. A profile or token change marks the readings
 * stale (the figure stays shown until the next read replaces it).
 */
import * as vscode from 'vscode';
import type { Money } from '../core/money';
import type { Gateway, CallOptions } from '../gateway/gateway';
import { gatewayErrorKind } from './errors';
import { Disposable } from './lifecycle';
import type { Logger } from './logger';
import type { ConnectionProfile } from './profiles';

/** How long a balance is reused before it is read again (the status bar refreshes at the same pace). */
export const BALANCE_MAX_AGE_MS = 5 * 60_000;

export interface BalanceReading {
  /** When it was read (ms epoch); 0 once a profile or token change made it stale. */
  readonly at: number;
  readonly balance?: Money;
  /** The read failed (the balance, if any, is an older one). */
  readonly failed?: boolean;
}

/** What the cache reads from (the ConnectionStore). */
export interface BalanceSource {
  get(id: string): ConnectionProfile | undefined;
  hasToken(id: string): Promise<boolean>;
  gateway(id: string): Gateway;
  readonly onDidChange: vscode.Event<void>;
}

/** The balance a gateway reports: its billing account where it has one, else what "who am I" says. */
export async function readBalance(gateway: Gateway, opts?: CallOptions): Promise<Money | undefined> {
  const caps = gateway.capabilities;
  if (caps.billingAccount) return (await gateway.getBillingAccount(opts)).balance;
  if (caps.balance) return (await gateway.whoAmI(opts)).balance;
  return undefined;
}

export class BalanceCache extends Disposable {
  private readonly readings = new Map<string, BalanceReading & { readonly fingerprint: string }>();
  private readonly inflight = new Map<string, Promise<BalanceReading | undefined>>();
  private readonly _onDidChange = this._register(new vscode.EventEmitter<string>());
  /** A connection's reading changed (its id). */
  readonly onDidChange = this._onDidChange.event;

  constructor(
    private readonly source: BalanceSource,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {
    super();
    this._register(
      source.onDidChange(() => {
        for (const [id, r] of [...this.readings]) {
          const p = source.get(id);
          if (!p) this.readings.delete(id);
          else this.readings.set(id, { ...r, at: 0, fingerprint: JSON.stringify(p) });
        }
      }),
    );
  }

  /** The last reading of a connection, fresh or not (no I/O). */
  peek(id: string): BalanceReading | undefined {
    return this.readings.get(id);
  }

  /** Whether the reading is recent enough to show without a new read. */
  isFresh(id: string): boolean {
    const r = this.readings.get(id);
    return r !== undefined && r.at > 0 && this.now() - r.at < BALANCE_MAX_AGE_MS;
  }

  /** A surface read the balance itself (the status bar's refresh): every surface shows that figure now. */
  put(id: string, balance: Money | undefined): void {
    const p = this.source.get(id);
    if (!p) return;
    this.readings.set(id, { at: this.now(), ...(balance ? { balance } : {}), fingerprint: JSON.stringify(p) });
    this._onDidChange.fire(id);
  }

  /** Reads the balance unless a fresh one is known or a read is under way; never throws (a failure is logged). */
  ensure(id: string): void {
    if (this.isDisposed || this.isFresh(id) || this.inflight.has(id)) return;
    void this.read(id);
  }

  /** Reads the balance now (one read per connection at a time); undefined when the connection has no token or is gone. */
  read(id: string): Promise<BalanceReading | undefined> {
    const running = this.inflight.get(id);
    if (running) return running;
    const p = this.source.get(id);
    if (!p) return Promise.resolve(undefined);
    const fingerprint = JSON.stringify(p);
    const work = (async (): Promise<BalanceReading | undefined> => {
      try {
        if (!(await this.source.hasToken(id))) return undefined;
        const balance = await readBalance(this.source.gateway(id));
        const r = { at: this.now(), ...(balance ? { balance } : {}), fingerprint };
        if (this.source.get(id) && !this.isDisposed) this.readings.set(id, r);
        return r;
      } catch (e) {
        if (gatewayErrorKind(e) !== 'aborted') this.log.debug(`the balance of "${p.label}" could not be read:`, e);
        const before = this.readings.get(id);
        const r = {
          at: this.now(),
          ...(before?.balance ? { balance: before.balance } : {}),
          failed: true,
          fingerprint,
        };
        if (this.source.get(id) && !this.isDisposed) this.readings.set(id, r);
        return r;
      }
    })().finally(() => {
      this.inflight.delete(id);
      if (!this.isDisposed) this._onDidChange.fire(id);
    });
    this.inflight.set(id, work);
    return work;
  }
}
