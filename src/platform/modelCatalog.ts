/**
 * The model catalogue of each connection, shared by the VS Code side of the extension (the language model
 * provider, the @gateway participant): one cached list per connection, fetched at most once at a time, dropped
 * when the connections or their secrets change, refreshed after a while.
 *
 * Abortable: a caller's signal ends only that caller's wait; the shared request is aborted when every waiter has
 * gone, when the entry is invalidated, or on dispose. A failed fetch is remembered briefly (so a silent caller
 * does not hammer a gateway that is down) and retried on the next ask after that.
 *
 * The rules about one model live beside it: modelRules.ts (as VS Code's AI sees it) and modelKinds.ts (the kinds,
 * features, filter and order of the Models view and the comparison).
 *
 * No 'vscode' import: it works on anything shaped like the connection store, so it is unit-tested in Node.
 */
import type { ModelInfo } from '../core/types';

/** What the catalogue needs from the connection store. */
export interface CatalogSource {
  gateway(connectionId: string): { listModels(opts?: { signal?: AbortSignal }): Promise<readonly ModelInfo[]> };
  /** Fires when profiles or secrets change (every entry is then dropped). */
  onDidChange(listener: () => void): { dispose(): void };
}

export interface CatalogOptions {
  /** How long a list is fresh (default 10 minutes). */
  readonly ttlMs?: number;
  /** How long a failure is remembered before the next ask fetches again (default 30 s). */
  readonly errorTtlMs?: number;
  readonly now?: () => number;
}

interface Inflight {
  readonly abort: AbortController;
  readonly promise: Promise<readonly ModelInfo[]>;
  waiters: number;
}

type Entry =
  | { readonly state: 'loaded'; readonly models: readonly ModelInfo[]; readonly at: number }
  | { readonly state: 'failed'; readonly error: unknown; readonly at: number };

export class ModelCatalog {
  private readonly entries = new Map<string, Entry>();
  private readonly inflight = new Map<string, Inflight>();
  private readonly listeners = new Set<(connectionId: string | undefined) => void>();
  private readonly sub: { dispose(): void };
  private generation = 0;
  private disposed = false;
  private readonly ttlMs: number;
  private readonly errorTtlMs: number;
  private readonly now: () => number;
  /** How many lists were fetched (tests). */
  fetches = 0;

  constructor(
    private readonly source: CatalogSource,
    opts: CatalogOptions = {},
  ) {
    this.ttlMs = opts.ttlMs ?? 10 * 60_000;
    this.errorTtlMs = opts.errorTtlMs ?? 30_000;
    this.now = opts.now ?? Date.now;
    this.sub = source.onDidChange(() => this.invalidate());
  }

  /** Called with the connection whose list changed (undefined: every list). Returns an unsubscribe. */
  onDidChange(listener: (connectionId: string | undefined) => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  /** The cached list when it is fresh enough, without fetching. */
  peek(connectionId: string): readonly ModelInfo[] | undefined {
    const e = this.entries.get(connectionId);
    return e?.state === 'loaded' ? e.models : undefined;
  }

  /**
   * The models of a connection: the cached list when fresh, else one shared fetch. `force` fetches again even
   * when fresh. Rejects with the gateway's error (a recent failure is rethrown without a new request).
   */
  async get(
    connectionId: string,
    opts: { readonly signal?: AbortSignal; readonly force?: boolean } = {},
  ): Promise<readonly ModelInfo[]> {
    if (this.disposed) throw new Error('the model catalogue is disposed');
    opts.signal?.throwIfAborted();
    const e = this.entries.get(connectionId);
    const age = e ? this.now() - e.at : Infinity;
    if (!opts.force && e?.state === 'loaded' && age < this.ttlMs) return e.models;
    if (!opts.force && e?.state === 'failed' && age < this.errorTtlMs) throw e.error;
    let f = this.inflight.get(connectionId);
    if (!f) f = this.fetch(connectionId);
    return this.wait(connectionId, f, opts.signal);
  }

  /** Drops one connection's list (or all), aborting a fetch in flight; listeners are told. */
  invalidate(connectionId?: string): void {
    this.generation++;
    const ids =
      connectionId === undefined ? [...new Set([...this.entries.keys(), ...this.inflight.keys()])] : [connectionId];
    for (const id of ids) {
      this.entries.delete(id);
      const f = this.inflight.get(id);
      if (f) {
        this.inflight.delete(id);
        f.abort.abort();
      }
    }
    for (const l of [...this.listeners]) l(connectionId);
  }

  dispose(): void {
    this.disposed = true;
    this.sub.dispose();
    for (const f of this.inflight.values()) f.abort.abort();
    this.inflight.clear();
    this.entries.clear();
    this.listeners.clear();
  }

  private fetch(connectionId: string): Inflight {
    const abort = new AbortController();
    const generation = this.generation;
    this.fetches++;
    const promise = Promise.resolve()
      .then(() => this.source.gateway(connectionId).listModels({ signal: abort.signal }))
      .then(
        (models) => {
          if (this.generation === generation && this.inflight.get(connectionId)?.promise === promise) {
            this.entries.set(connectionId, { state: 'loaded', models, at: this.now() });
          }
          return models;
        },
        (error: unknown) => {
          if (
            !abort.signal.aborted &&
            this.generation === generation &&
            this.inflight.get(connectionId)?.promise === promise
          ) {
            this.entries.set(connectionId, { state: 'failed', error, at: this.now() });
          }
          throw error;
        },
      )
      .finally(() => {
        if (this.inflight.get(connectionId)?.promise === promise) this.inflight.delete(connectionId);
      });
    promise.catch(() => undefined); // a fetch nobody waits for any more must not be an unhandled rejection
    const f: Inflight = { abort, promise, waiters: 0 };
    this.inflight.set(connectionId, f);
    return f;
  }

  private wait(connectionId: string, f: Inflight, signal: AbortSignal | undefined): Promise<readonly ModelInfo[]> {
    f.waiters++;
    const leave = () => {
      f.waiters--;
      if (f.waiters === 0 && this.inflight.get(connectionId) === f) {
        this.inflight.delete(connectionId);
        f.abort.abort();
      }
    };
    if (!signal)
      return f.promise.finally(() => {
        f.waiters--;
      });
    return new Promise<readonly ModelInfo[]>((resolve, reject) => {
      let settled = false;
      const onAbort = () => {
        if (settled) return;
        settled = true;
        leave();
        reject(signal.reason instanceof Error ? signal.reason : new DOMException('aborted', 'AbortError'));
      };
      signal.addEventListener('abort', onAbort, { once: true });
      f.promise.then(
        (v) => {
          if (!settled) {
            settled = true;
            f.waiters--;
            signal.removeEventListener('abort', onAbort);
            resolve(v);
          }
        },
        (e: unknown) => {
          if (!settled) {
            settled = true;
            f.waiters--;
            signal.removeEventListener('abort', onAbort);
            reject(e);
          }
        },
      );
    });
  }
}
