/**
 * The connection's model prices for one request log panel: read once for the panel's life (not cancelled by a newer
 * page), an empty map when the list failed (the rows go without our price, said as unavailable), asked again with
 * the next load after a failure. `current` is what the last read gave, for rows made between reads.
 */
import type { ModelPrice } from '../../core/types';
import type { Gateway } from '../../gateway/gateway';
import { userMessage } from '../../platform/errors';
import type { Logger } from '../../platform/logger';
import { pricesOf } from './pricing';

export class ModelPrices {
  private reading: Promise<ReadonlyMap<string, ModelPrice>> | undefined;
  private readonly ctl = new AbortController();
  current: ReadonlyMap<string, ModelPrice> = new Map();

  constructor(
    private readonly gateway: () => Gateway,
    private readonly log: Logger,
  ) {}

  load(): Promise<ReadonlyMap<string, ModelPrice>> {
    this.reading ??= this.gateway()
      .listModels({ signal: this.ctl.signal })
      .then(pricesOf)
      .catch((e: unknown) => {
        this.reading = undefined; // asked again with the next load
        this.log.debug(`requests: the model prices could not be read: ${userMessage(e)}`);
        return new Map<string, ModelPrice>();
      });
    return this.reading.then((m) => (this.current = m));
  }

  /** Stops a read in flight (the panel closed). */
  abort(): void {
    this.ctl.abort();
  }
}
