/**
 * The model lists of a chat panel's connections: each connection's list is asked of its gateway once (again only
 * when forced), shared by every caller while it loads, and kept with the sentence of its failure when it could not
 * be read. The chat service is told when a list arrived (to pick a first model) and when any entry changed.
 */
import type { ModelInfo } from '../../core/types';
import type { ConnectionStore } from '../../platform/connections';
import { userMessage } from '../../platform/errors';
import type { Logger } from '../../platform/logger';

type ModelsEntry =
  | { state: 'loading'; promise: Promise<void> }
  | { state: 'loaded'; models: readonly ModelInfo[] }
  | { state: 'error'; message: string };

export class ChatModelLists {
  private readonly models = new Map<string, ModelsEntry>();

  constructor(
    private readonly store: ConnectionStore,
    private readonly log: Logger,
    /** A connection's list was read. */
    private readonly onLoaded: (connectionId: string, models: readonly ModelInfo[]) => void,
    /** A load ended (read or failed). */
    private readonly onSettled: () => void,
  ) {}

  /** Forgets every list (the connections changed). */
  clear(): void {
    this.models.clear();
  }

  /** The list as known now; starts loading it the first time. */
  of(connectionId: string): { models?: readonly ModelInfo[]; error?: string } {
    const e = this.models.get(connectionId);
    if (!e) {
      void this.load(connectionId);
      return {};
    }
    if (e.state === 'loaded') return { models: e.models };
    if (e.state === 'error') return { error: e.message };
    return {};
  }

  load(connectionId: string, force = false): Promise<void> {
    const e = this.models.get(connectionId);
    if (e?.state === 'loading') return e.promise;
    if (e && !force) return Promise.resolve();
    const promise = (async () => {
      try {
        const models = await this.store.gateway(connectionId).listModels();
        this.models.set(connectionId, { state: 'loaded', models });
        this.onLoaded(connectionId, models);
      } catch (err) {
        this.log.warn(`listing models of ${connectionId} failed`, err);
        this.models.set(connectionId, { state: 'error', message: userMessage(err) });
      }
      this.onSettled();
    })();
    this.models.set(connectionId, { state: 'loading', promise });
    return promise;
  }

  /** One model of a connection (its list loaded first), undefined when the list could not be read. */
  async info(connectionId: string, modelId: string): Promise<ModelInfo | undefined> {
    await this.load(connectionId);
    const e = this.models.get(connectionId);
    return e?.state === 'loaded' ? e.models.find((m) => m.id === modelId) : undefined;
  }
}
