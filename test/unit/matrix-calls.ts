/**
 * Every gateway call the UI makes, for both adapters, as data: what it is called in error sentences, whether the
 * client may retry it on its own (reads) or never (writes, chat), the request a fault is injected into, and how to
 * make the call. Shared by the fault matrix (simulator faults) and the fault-server matrix.
 */
import assert from 'node:assert/strict';
import type { ChatStreamEvent, GatewayKind } from '../../src/core/types';
import type { GatewayError } from '../../src/gateway/errors';
import { AihubmixGateway } from '../../src/gateway/aihubmix/adapter';
import { AioneGateway } from '../../src/gateway/aione/adapter';
import type { Gateway } from '../../src/gateway/gateway';
import { HttpClient } from '../../src/gateway/http';

/** Ids and secrets a call needs, read from the gateway under test before each case. */
export interface Fixture {
  readonly keyId: string;
  readonly modelKey: string;
  readonly model: string;
}

export type CallClass = 'read' | 'write' | 'chat';

export interface MatrixCall {
  readonly gateway: GatewayKind;
  /** Short name in test titles. */
  readonly name: string;
  /** What the error names as its operation (an alias when the call is made of another: reveal = get key). */
  readonly operations: readonly string[];
  readonly cls: CallClass;
  /** The request the fault goes to (exact path; `:id` is replaced by the fixture's key id). */
  readonly target: { readonly method: string; readonly path: string };
  /** Requests that must not be sent when the target failed (e.g. no PUT after a failed fresh read). */
  readonly notAfterFailure?: ReadonlyArray<{ readonly method: string; readonly path: string }>;
  /** A streaming call: `run` collects the text received before an error. */
  readonly stream?: boolean;
  /** What the call returns when nothing goes wrong, if it is an error (AIone shows a secret only at creation). */
  readonly okKind?: 'unsupported';
  /** The body of a 2xx is ignored (delete): `{}` is a success. */
  readonly bodyIgnored?: boolean;
  /** A write that starts with a read (a full replace re-reads the key first): when every answer fails, only the read is sent. */
  readonly startsWithRead?: boolean;
  /** Requests sent side by side at the start (AIHubMix's model list reads the catalogue too); default 1. */
  readonly firstWave?: number;
  /** Requests sent after the first failed as not-found or bad-response (AIone's model list falls back to the OpenAI list). */
  readonly fallbackRequests?: number;
  run(gw: Gateway, f: Fixture, signal?: AbortSignal): Promise<unknown>;
}

/** Runs a streaming chat to its end or its error; the text and events that came before are kept in `partial`. */
export async function streamAll(
  gw: Gateway,
  f: Fixture,
  signal?: AbortSignal,
): Promise<{ text: string; events: ChatStreamEvent[] }> {
  const events: ChatStreamEvent[] = [];
  const partial = { text: '', events };
  try {
    for await (const e of gw.streamChat(
      { model: f.model, messages: [{ role: 'user', content: 'Hello, are you there?' }] },
      { apiKey: f.modelKey, ...(signal ? { signal } : {}) },
    )) {
      events.push(e);
      if (e.type === 'text') partial.text += e.text;
    }
  } catch (e) {
    throw Object.assign(e instanceof Error ? e : new Error(String(e)), { partial });
  }
  return partial;
}

const DAY = 86_400_000;
const chatRequest = (f: Fixture) => ({
  model: f.model,
  messages: [{ role: 'user' as const, content: 'Hello, are you there?' }],
});
const opt = (signal?: AbortSignal) => (signal ? { signal } : undefined);

const AIONE_KEYS = '/api/v1/gateway/keys';

export const AIONE_CALLS: readonly MatrixCall[] = [
  {
    gateway: 'aione',
    name: 'whoAmI (test connection)',
    operations: ['check connection'],
    cls: 'read',
    target: { method: 'GET', path: AIONE_KEYS },
    run: (gw, _f, s) => gw.whoAmI(opt(s)),
  },
  {
    gateway: 'aione',
    name: 'list keys',
    operations: ['list keys'],
    cls: 'read',
    target: { method: 'GET', path: AIONE_KEYS },
    run: (gw, _f, s) => gw.listKeys({ page: 0, pageSize: 20, ...opt(s) }),
  },
  {
    gateway: 'aione',
    name: 'search keys',
    operations: ['search keys'],
    cls: 'read',
    target: { method: 'GET', path: AIONE_KEYS },
    run: (gw, _f, s) => gw.searchKeys('a', opt(s)),
  },
  {
    gateway: 'aione',
    name: 'get key',
    operations: ['get key'],
    cls: 'read',
    target: { method: 'GET', path: `${AIONE_KEYS}/:id` },
    run: (gw, f, s) => gw.getKey(f.keyId, opt(s)),
  },
  {
    gateway: 'aione',
    name: 'create key',
    operations: ['create key'],
    cls: 'write',
    target: { method: 'POST', path: AIONE_KEYS },
    run: (gw, _f, s) => gw.createKey({ name: 'matrix key', modelsAllowed: ['gpt-4.1'] }, opt(s)),
  },
  {
    gateway: 'aione',
    name: 'update key',
    operations: ['update key'],
    cls: 'write',
    target: { method: 'PUT', path: `${AIONE_KEYS}/:id` },
    run: (gw, f, s) => gw.updateKey(f.keyId, { name: 'renamed by the matrix' }, opt(s)),
  },
  {
    gateway: 'aione',
    name: 'enable key',
    operations: ['enable key'],
    cls: 'write',
    target: { method: 'PUT', path: `${AIONE_KEYS}/:id/enable` },
    run: (gw, f, s) => gw.setKeyEnabled(f.keyId, true, opt(s)),
  },
  {
    gateway: 'aione',
    name: 'disable key',
    operations: ['disable key'],
    cls: 'write',
    target: { method: 'PUT', path: `${AIONE_KEYS}/:id/disable` },
    run: (gw, f, s) => gw.setKeyEnabled(f.keyId, false, opt(s)),
  },
  {
    gateway: 'aione',
    name: 'delete key',
    operations: ['delete key'],
    cls: 'write',
    bodyIgnored: true,
    target: { method: 'DELETE', path: `${AIONE_KEYS}/:id` },
    run: (gw, f, s) => gw.deleteKey(f.keyId, opt(s)),
  },
  {
    gateway: 'aione',
    name: 'rotate key',
    operations: ['rotate key'],
    cls: 'write',
    target: { method: 'PUT', path: `${AIONE_KEYS}/:id/rotate` },
    run: (gw, f, s) => gw.rotateKey(f.keyId, 24, opt(s)),
  },
  {
    gateway: 'aione',
    name: 'reveal key',
    operations: ['reveal key', 'get key'],
    cls: 'read',
    okKind: 'unsupported',
    target: { method: 'GET', path: `${AIONE_KEYS}/:id` },
    run: (gw, f, s) => gw.revealKey(f.keyId, opt(s)),
  },
  {
    gateway: 'aione',
    name: 'list models',
    operations: ['list models'],
    cls: 'read',
    fallbackRequests: 1,
    target: { method: 'GET', path: '/api/v1/models' },
    run: (gw, _f, s) => gw.listModels(opt(s)),
  },
  {
    gateway: 'aione',
    name: 'list teams',
    operations: ['list teams'],
    cls: 'read',
    target: { method: 'GET', path: '/api/v1/obs/dashboard' },
    run: (gw, _f, s) => gw.listTeams(opt(s)),
  },
  {
    gateway: 'aione',
    name: 'query usage',
    operations: ['query usage'],
    cls: 'read',
    target: { method: 'GET', path: '/api/v1/obs/usage' },
    run: (gw, _f, s) => gw.queryUsage({ start: Date.now() - 7 * DAY, end: Date.now(), groupBy: 'day' }, opt(s)),
  },
  {
    gateway: 'aione',
    name: 'dashboard',
    operations: ['get dashboard'],
    cls: 'read',
    target: { method: 'GET', path: '/api/v1/obs/dashboard' },
    run: (gw, _f, s) => gw.getDashboard(7, opt(s)),
  },
  {
    gateway: 'aione',
    name: 'plan',
    operations: ['get plan'],
    cls: 'read',
    target: { method: 'GET', path: '/api/v1/billing/plan' },
    run: (gw, _f, s) => gw.getPlan(opt(s)),
  },
  {
    gateway: 'aione',
    name: 'billing account',
    operations: ['get billing account'],
    cls: 'read',
    target: { method: 'GET', path: '/api/v1/billing/account' },
    run: (gw, _f, s) => gw.getBillingAccount(opt(s)),
  },
  {
    gateway: 'aione',
    name: 'invoices',
    operations: ['list invoices'],
    cls: 'read',
    target: { method: 'GET', path: '/api/v1/billing/invoices' },
    run: (gw, _f, s) => gw.listInvoices(0, 10, opt(s)),
  },
  {
    gateway: 'aione',
    name: 'chat',
    operations: ['chat'],
    cls: 'chat',
    target: { method: 'POST', path: '/v1/chat/completions' },
    run: (gw, f, s) => gw.chat(chatRequest(f), { apiKey: f.modelKey, ...opt(s) }),
  },
  {
    gateway: 'aione',
    name: 'streamChat',
    operations: ['chat stream'],
    cls: 'chat',
    stream: true,
    target: { method: 'POST', path: '/v1/chat/completions' },
    run: (gw, f, s) => streamAll(gw, f, s),
  },
];

export const AIHUBMIX_CALLS: readonly MatrixCall[] = [
  {
    gateway: 'aihubmix',
    name: 'whoAmI (test connection)',
    operations: ['check connection'],
    cls: 'read',
    target: { method: 'GET', path: '/api/user/self' },
    run: (gw, _f, s) => gw.whoAmI(opt(s)),
  },
  {
    gateway: 'aihubmix',
    name: 'list keys',
    operations: ['list keys'],
    cls: 'read',
    target: { method: 'GET', path: '/api/token/' },
    run: (gw, _f, s) => gw.listKeys({ page: 0, pageSize: 20, ...opt(s) }),
  },
  {
    gateway: 'aihubmix',
    name: 'search keys',
    operations: ['search keys'],
    cls: 'read',
    target: { method: 'GET', path: '/api/token/search' },
    run: (gw, _f, s) => gw.searchKeys('a', opt(s)),
  },
  {
    gateway: 'aihubmix',
    name: 'get key',
    operations: ['get key'],
    cls: 'read',
    target: { method: 'GET', path: '/api/token/:id' },
    run: (gw, f, s) => gw.getKey(f.keyId, opt(s)),
  },
  {
    gateway: 'aihubmix',
    name: 'create key',
    operations: ['create key'],
    cls: 'write',
    target: { method: 'POST', path: '/api/token/' },
    run: (gw, _f, s) => gw.createKey({ name: 'matrix key', quotaUsd: '5' }, opt(s)),
  },
  {
    gateway: 'aihubmix',
    name: 'update key (full replace)',
    operations: ['update key'],
    cls: 'write',
    startsWithRead: true,
    target: { method: 'PUT', path: '/api/token/' },
    run: (gw, f, s) => gw.updateKey(f.keyId, { name: 'renamed' }, opt(s)),
  },
  {
    gateway: 'aihubmix',
    name: 'update key (its fresh read)',
    operations: ['update key'],
    cls: 'read',
    target: { method: 'GET', path: '/api/token/:id' },
    notAfterFailure: [{ method: 'PUT', path: '/api/token/' }],
    run: (gw, f, s) => gw.updateKey(f.keyId, { name: 'renamed' }, opt(s)),
  },
  {
    gateway: 'aihubmix',
    name: 'enable key',
    operations: ['enable key'],
    cls: 'write',
    target: { method: 'PUT', path: '/api/token/' },
    run: (gw, f, s) => gw.setKeyEnabled(f.keyId, true, opt(s)),
  },
  {
    gateway: 'aihubmix',
    name: 'disable key',
    operations: ['disable key'],
    cls: 'write',
    target: { method: 'PUT', path: '/api/token/' },
    run: (gw, f, s) => gw.setKeyEnabled(f.keyId, false, opt(s)),
  },
  {
    gateway: 'aihubmix',
    name: 'delete key',
    operations: ['delete key'],
    cls: 'write',
    target: { method: 'DELETE', path: '/api/token/:id' },
    run: (gw, f, s) => gw.deleteKey(f.keyId, opt(s)),
  },
  {
    gateway: 'aihubmix',
    name: 'reveal key',
    operations: ['reveal key', 'get key'],
    cls: 'read',
    target: { method: 'GET', path: '/api/token/:id' },
    run: (gw, f, s) => gw.revealKey(f.keyId, opt(s)),
  },
  {
    gateway: 'aihubmix',
    name: 'list models',
    operations: ['list models'],
    cls: 'read',
    firstWave: 2,
    target: { method: 'GET', path: '/api/user/available_models' },
    run: (gw, _f, s) => gw.listModels(opt(s)),
  },
  {
    gateway: 'aihubmix',
    name: 'balance (billing account)',
    operations: ['get balance'],
    cls: 'read',
    target: { method: 'GET', path: '/api/user/self' },
    run: (gw, _f, s) => gw.getBillingAccount(opt(s)),
  },
  {
    gateway: 'aihubmix',
    name: 'usage logs',
    operations: ['list usage logs'],
    cls: 'read',
    target: { method: 'GET', path: '/api/log/self' },
    run: (gw, _f, s) =>
      gw.listUsageLogs({ start: Date.now() - 7 * DAY, end: Date.now(), page: 0, pageSize: 100 }, opt(s)),
  },
  {
    gateway: 'aihubmix',
    name: 'usage stat',
    operations: ['get usage stat'],
    cls: 'read',
    target: { method: 'GET', path: '/api/log/self/stat' },
    run: (gw, _f, s) => gw.getUsageStat({ start: Date.now() - 7 * DAY, end: Date.now() }, opt(s)),
  },
  {
    gateway: 'aihubmix',
    name: 'chat',
    operations: ['chat'],
    cls: 'chat',
    target: { method: 'POST', path: '/v1/chat/completions' },
    run: (gw, f, s) => gw.chat(chatRequest(f), { apiKey: f.modelKey, ...opt(s) }),
  },
  {
    gateway: 'aihubmix',
    name: 'streamChat',
    operations: ['chat stream'],
    cls: 'chat',
    stream: true,
    target: { method: 'POST', path: '/v1/chat/completions' },
    run: (gw, f, s) => streamAll(gw, f, s),
  },
];

/** Calls a gateway does not offer: they fail with `unsupported` and send nothing. */
export const UNSUPPORTED_CALLS: ReadonlyArray<{
  gateway: GatewayKind;
  name: string;
  run(gw: Gateway): Promise<unknown>;
}> = [
  {
    gateway: 'aione',
    name: 'usage logs',
    run: (gw) => gw.listUsageLogs({ start: 0, end: Date.now(), page: 0, pageSize: 10 }),
  },
  { gateway: 'aione', name: 'usage stat', run: (gw) => gw.getUsageStat({ start: 0, end: Date.now() }) },
  { gateway: 'aihubmix', name: 'rotate key (server-side)', run: (gw) => gw.rotateKey('1', 24) },
  {
    gateway: 'aihubmix',
    name: 'query usage',
    run: (gw) => gw.queryUsage({ start: 0, end: Date.now(), groupBy: 'day' }),
  },
  { gateway: 'aihubmix', name: 'dashboard', run: (gw) => gw.getDashboard(7) },
  { gateway: 'aihubmix', name: 'plan', run: (gw) => gw.getPlan() },
  { gateway: 'aihubmix', name: 'invoices', run: (gw) => gw.listInvoices(0, 10) },
];

export const LABEL: Record<GatewayKind, string> = { aione: 'AIone (matrix)', aihubmix: 'AIHubMix (matrix)' };

export interface MatrixClient {
  readonly gateway: Gateway;
  /** Every wait the client asked for between retries, in ms (the sleep is recorded, not waited). */
  readonly sleeps: number[];
  dispose(): Promise<void>;
}

/** undici checks these timeouts on a ~0.5 s tick: a timeout of 1 s fires between 1 and ~1.5 s. */
export const MATRIX_TIMEOUTS = { connectMs: 2_000, headersMs: 1_000, bodyMs: 1_000 } as const;
export const MATRIX_RETRIES = 3;

/**
 * A gateway client as the product builds it (createGateway: one HttpClient, the adapter), with short timeouts and a
 * recording sleep so a Retry-After of seconds costs nothing.
 */
export function matrixClient(
  kind: GatewayKind,
  baseUrl: string,
  token: string,
  timeouts: { connectMs?: number; headersMs?: number; bodyMs?: number } = {},
): MatrixClient {
  const sleeps: number[] = [];
  const http = new HttpClient({
    gateway: LABEL[kind],
    timeouts: { ...MATRIX_TIMEOUTS, ...timeouts },
    retry: { maxRetries: MATRIX_RETRIES, baseDelayMs: 1, maxDelayMs: 2 },
    sleep: (ms, signal) => {
      sleeps.push(ms);
      return signal?.aborted ? Promise.reject(signal.reason) : Promise.resolve();
    },
  });
  const config = { kind, baseUrl, getToken: () => Promise.resolve(token), label: LABEL[kind] };
  const gateway = kind === 'aione' ? new AioneGateway(config, http) : new AihubmixGateway(config, http);
  return { gateway, sleeps, dispose: () => http.dispose() };
}

/** Resolves the `:id` of a target path. */
export function targetPath(call: MatrixCall, f: Fixture): string {
  return call.target.path.replace(':id', encodeURIComponent(f.keyId));
}

/** The sentence parts the UI composes its message from, and the rules every error text follows. */
export function assertErrorText(e: GatewayError, call: MatrixCall, secrets: readonly string[]): void {
  assert.equal(e.gateway, LABEL[call.gateway], 'the error names the gateway');
  assert.ok(
    e.operation && call.operations.includes(e.operation),
    `the error names the operation (${call.operations.join(' / ')}), got ${e.operation}`,
  );
  assert.ok(e.message.trim().length > 0, 'the error has a message');
  assert.ok(!/[\r\n]/.test(e.message), `one line: ${JSON.stringify(e.message)}`);
  assert.ok(e.message.length <= 400, `short: ${e.message.length} chars`);
  assert.ok(!/<\/?[a-z][^>]*>/i.test(e.message), `no markup: ${e.message}`);
  for (const s of secrets) assert.ok(!e.message.includes(s), 'no secret in the message');
}
