/** Shared helpers for the adapter tests: a simulator per file and gateways pointed at it, over http or https. */
import assert from 'node:assert/strict';
import { Agent, fetch as undiciFetch, type RequestInit as UndiciRequestInit } from 'undici';
import { createGateway, type DisposableGateway, type TransportOptions } from '../../src/gateway/index';
import { GatewayError, type GatewayErrorKind } from '../../src/gateway/errors';
import type { GatewayKind } from '../../src/core/types';
import { startSimulator, type Simulator } from '../simulator/index';

export type { Simulator };
export { startSimulator };

/** The schemes every adapter suite runs over: loopback http, and https with the simulator's test CA. */
export const SCHEMES = ['http', 'https'] as const;

/** The transport option that trusts the simulator's CA (none for plain http). */
export function trustSimulator(sim: Simulator): TransportOptions {
  return sim.tls ? { tls: { ca: sim.tls.ca } } : {};
}

const agents = new Map<string, Agent>();

/** fetch for a test's own calls to the simulator (raw API reads, control routes), trusting its CA over https. */
export function simFetch(sim: Simulator, url: string, init: UndiciRequestInit = {}): ReturnType<typeof undiciFetch> {
  const ca = sim.tls?.ca;
  if (!ca) return undiciFetch(url, init);
  let agent = agents.get(ca);
  if (!agent) {
    agent = new Agent({ connect: { ca } });
    agents.set(ca, agent);
  }
  return undiciFetch(url, { ...init, dispatcher: agent });
}

export function gatewayFor(
  sim: Simulator,
  kind: GatewayKind,
  opts: { token?: string; rawAuthHeader?: boolean; transport?: TransportOptions } = {},
): DisposableGateway {
  const token = opts.token ?? (kind === 'aione' ? sim.aione.adminToken : sim.aihubmix.accessToken);
  return createGateway(
    {
      kind,
      baseUrl: kind === 'aione' ? sim.aione.url : sim.aihubmix.url,
      getToken: () => Promise.resolve(token),
      ...(opts.rawAuthHeader ? { rawAuthHeader: true } : {}),
      label: kind === 'aione' ? 'AIone (sim)' : 'AIHubMix (sim)',
    },
    { retry: { baseDelayMs: 5, maxDelayMs: 20 }, ...trustSimulator(sim), ...opts.transport },
  );
}

/** Asserts that a promise rejects with a GatewayError of the given kind; returns it for more checks. */
export async function rejectsWith(p: Promise<unknown>, kind: GatewayErrorKind): Promise<GatewayError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof GatewayError, `expected a GatewayError, got ${String(e)}`);
    assert.equal(e.kind, kind, `expected kind ${kind}, got ${e.kind}: ${e.message}`);
    return e;
  }
  assert.fail(`expected a ${kind} error, but the call succeeded`);
}

/** The keys the simulator holds, read through its control route (what the gateway really stored). */
export async function simKeys(sim: Simulator, gateway: GatewayKind): Promise<Array<Record<string, unknown>>> {
  const url = gateway === 'aione' ? sim.aione.url : sim.aihubmix.url;
  const res = await simFetch(sim, `${url}/__sim/keys?gateway=${gateway}`);
  const json = await res.json();
  if (Array.isArray(json)) return json as Array<Record<string, unknown>>;
  const o = json as { keys?: unknown; items?: unknown };
  return (o.keys ?? o.items) as Array<Record<string, unknown>>;
}

export async function simKey(
  sim: Simulator,
  gateway: GatewayKind,
  id: string,
): Promise<Record<string, unknown> | undefined> {
  return (await simKeys(sim, gateway)).find((k) => String(k.id) === id);
}

export async function collectText(stream: AsyncIterable<{ type: string; text?: string }>): Promise<string> {
  let text = '';
  for await (const e of stream) if (e.type === 'text' && e.text) text += e.text;
  return text;
}
