/**
 * The slice of undici this client uses, imported by module path so the bundle carries the HTTP/1
 * client, Agent and ProxyAgent but not fetch, WebSocket, caches or mocks (dist/extension.js stays within
 * its 700 KB budget, docs/architecture.md; undici + zod alone are ~1.1 MB unless imported with care). Types come from undici's own declarations.
 */
import type * as Undici from 'undici';

/* eslint-disable @typescript-eslint/no-require-imports -- undici's inner modules are loaded on first use, by path, not at import time */
export type Dispatcher = Undici.Dispatcher;
export type ResponseData = Undici.Dispatcher.ResponseData;

let installed = false;

/**
 * undici's index installs its request/connect/stream API on Dispatcher.prototype; ProxyAgent relies
 * on `connect` being there. Done here, on first use, instead of at import time.
 */
function installApi(): void {
  // Stryker disable next-line ConditionalExpression: installing again assigns the same functions; the flag only saves the work
  if (installed) return;
  // Stryker disable next-line BooleanLiteral: as above
  installed = true;
  const DispatcherImpl = require('undici/lib/dispatcher/dispatcher.js') as { prototype: object };
  // what undici's own index does (its functions, so the same ones if that index was loaded too)
  Object.assign(DispatcherImpl.prototype, require('undici/lib/api/index.js') as object);
}

/** The direct dispatcher; requests go through dispatchRequest, so it needs none of the prototype API. */
export function createAgent(options: Undici.Agent.Options): Undici.Dispatcher {
  const AgentImpl = require('undici/lib/dispatcher/agent.js') as typeof Undici.Agent;
  return new AgentImpl(options);
}

/** A proxy's dispatcher: ProxyAgent opens its tunnels with the prototype's `connect`, installed first. */
export function createProxyAgent(options: Undici.ProxyAgent.Options): Undici.Dispatcher {
  installApi();
  const ProxyAgentImpl = require('undici/lib/dispatcher/proxy-agent.js') as typeof Undici.ProxyAgent;
  return new ProxyAgentImpl(options);
}

type RequestFn = (
  this: Undici.Dispatcher,
  options: Undici.Dispatcher.RequestOptions,
) => Promise<Undici.Dispatcher.ResponseData>;

/** undici's request API on any Dispatcher (Agent, ProxyAgent, or one a test injects). */
let requestFn: RequestFn | undefined;

export function dispatchRequest(
  dispatcher: Undici.Dispatcher,
  options: Undici.Dispatcher.RequestOptions,
): Promise<Undici.Dispatcher.ResponseData> {
  requestFn ??= require('undici/lib/api/api-request.js') as RequestFn;
  return requestFn.call(dispatcher, options);
}
