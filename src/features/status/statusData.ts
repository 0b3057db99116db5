/**
 * The status bar's reading of one connection: its balance (or plan, when the gateway has no balance) and the
 * warnings of the first page of its keys, read in parallel under one abort signal. A failed read becomes a sentence
 * in the reading rather than an error, so the item still shows what could be read; a balance that was read is also
 * stored for the connection's row in the Gateways view.
 */
import type { Money } from '../../core/money';
import { readBalance } from '../../platform/balances';
import type { ConnectionProfile, ConnectionStore } from '../../platform/connections';
import { gatewayErrorKind, userMessage } from '../../platform/errors';
import type { Logger } from '../../platform/logger';
import { keyWarnings, type KeyWarning } from './warnings';

/** How many keys (the first page) the warnings look at. */
export const STATUS_KEYS_PAGE = 100;

export interface StatusData {
  readonly connectionId: string;
  readonly at: number;
  readonly balance?: Money;
  readonly planName?: string;
  readonly warnings: readonly KeyWarning[];
  readonly keysChecked: number;
  /** A sentence when the balance/plan or the keys could not be read. */
  readonly error?: string;
  readonly authRejected?: boolean;
}

/** Reads balance/plan and the first page of keys of one connection. */
export async function loadStatus(
  store: ConnectionStore,
  log: Logger,
  p: ConnectionProfile,
  signal: AbortSignal,
): Promise<StatusData> {
  const gateway = store.gateway(p.id);
  const caps = gateway.capabilities;
  const errors: unknown[] = [];
  let balanceRead = false;
  const balanceP: Promise<Money | undefined> = readBalance(gateway, { signal })
    .then((b) => {
      balanceRead = true;
      return b;
    })
    .catch((e: unknown) => {
      errors.push(e);
      return undefined;
    });
  const keysP = gateway
    .listKeys({ page: 0, pageSize: STATUS_KEYS_PAGE, signal })
    .then((page) => page.items)
    .catch((e: unknown) => {
      errors.push(e);
      return undefined;
    });
  const [balance, keys] = await Promise.all([balanceP, keysP]);
  let planName: string | undefined;
  if (!balance && caps.plan && !signal.aborted) {
    planName = await gateway
      .getPlan({ signal })
      .then((pl) => pl.name)
      .catch((e: unknown) => {
        errors.push(e);
        return undefined;
      });
  }
  // the connection's row in the Gateways view shows the same reading
  if (balanceRead && !signal.aborted) store.balances.put(p.id, balance);
  const real = errors.filter((e) => gatewayErrorKind(e) !== 'aborted');
  if (real.length) log.warn(`status of "${p.label}":`, real[0]);
  return {
    connectionId: p.id,
    at: Date.now(),
    ...(balance ? { balance } : {}),
    ...(planName ? { planName } : {}),
    warnings: keys ? keyWarnings(keys, Date.now()) : [],
    keysChecked: keys?.length ?? 0,
    ...(real.length
      ? { error: userMessage(real[0]), authRejected: real.some((e) => gatewayErrorKind(e) === 'auth') }
      : {}),
  };
}
