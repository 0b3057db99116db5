/**
 * The fault matrix: every gateway call the UI makes (both adapters) × every fault the simulator can inject, over real
 * loopback HTTP. Each case asserts the outcome (success, or the error kind), that the error names the gateway and the
 * operation in a one-line message without markup or secrets, how many requests reached the faulted route (reads are
 * retried on 429 / 502 / 503 / 504 up to the retry budget, honouring Retry-After; writes and chat never), that a
 * stream keeps the text it received before failing, and that nothing was left as an unhandled rejection.

 */
import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { GatewayError, type GatewayErrorKind } from '../../src/gateway/errors';
import { startSimulator, type Simulator } from '../simulator/index';
import type { Fault } from '../simulator/types';
import {
  AIHUBMIX_CALLS,
  AIONE_CALLS,
  LABEL,
  MATRIX_RETRIES,
  assertErrorText,
  UNSUPPORTED_CALLS,
  matrixClient,
  targetPath,
  type Fixture,
  type MatrixCall,
  type MatrixClient,
} from './matrix-calls';

const unhandled: unknown[] = [];
process.on('unhandledRejection', (reason) => {
  unhandled.push(reason);
});

type Expected =
  | { readonly ok: true; readonly requests: number }
  | {
      readonly ok: false;
      /** An error kind, or 'transient' for any of rate-limited / server / network / timeout. */
      readonly kind: GatewayErrorKind | 'transient';
      readonly requests: number;
      readonly retryAfterMs?: number;
      /** Each wait between retries at least this long (Retry-After honoured). */
      readonly minSleepMs?: number;
      /** At most this much waiting in total. */
      readonly maxTotalSleepMs?: number;
      /** A stream that failed after some text: that text is kept. */
      readonly partialText?: boolean;
      /**
       * A success is accepted too: AIHubMix's model list may show the public catalogue when the user's own list fails
       * for a reason other than auth (the request count is checked either way).
       */
      readonly orSuccess?: boolean;
    };

interface MatrixFault {
  readonly label: string;
  readonly fault: Fault;
  readonly times: number;
  applies(call: MatrixCall): boolean;
  expect(call: MatrixCall): Expected;
}

const retriedReads = 1 + MATRIX_RETRIES;

const always = (): boolean => true;
const isHubModels = (c: MatrixCall): boolean => c.gateway === 'aihubmix' && c.name === 'list models';
const notStream = (c: MatrixCall): boolean => !c.stream;
const onlyStream = (c: MatrixCall): boolean => c.stream === true;
const fail = (
  kind: GatewayErrorKind | 'transient',
  requests = 1,
  extra: Partial<Extract<Expected, { ok: false }>> = {},
): Expected => ({ ok: false, kind, requests, ...extra });
const ok = (requests = 1): Expected => ({ ok: true, requests });

/** What a call does when the response it gets is the error of `kind` for a status `status`. */
function statusOutcome(call: MatrixCall, status: number, kind: GatewayErrorKind): Expected {
  const retried = call.cls === 'read' && [429, 502, 503, 504].includes(status);
  // AIone's rich model list falls back to the OpenAI list when it is not there (404)
  if (call.gateway === 'aione' && call.name === 'list models' && status === 404) return ok();
  // AIHubMix's model list also reads the public catalogue: shown when the user's list fails, except for an auth failure
  if (isHubModels(call)) {
    if (status === 401 || status === 403) return fail(kind, 1);
    return fail(kind, retried ? retriedReads : 1, { orSuccess: true });
  }
  return fail(kind, retried ? retriedReads : 1);
}

const statusFault = (status: number, kind: GatewayErrorKind): MatrixFault => ({
  label: `HTTP ${status}`,
  fault: { kind: 'status', status },
  times: Infinity,
  applies: always,
  expect: (c) => statusOutcome(c, status, kind),
});

const FAULTS: readonly MatrixFault[] = [
  {
    label: 'latency 40 ms',
    fault: { kind: 'latency', ms: 40 },
    times: Infinity,
    applies: always,
    expect: (c) => (c.okKind ? fail(c.okKind) : ok()),
  },
  // undici checks its headers timeout on a ~0.5 s tick: the latency is far past it, so the outcome is certain
  {
    label: 'latency past the headers timeout',
    fault: { kind: 'latency', ms: 4_000 },
    times: 1,
    applies: always,
    expect: (c) => fail('timeout', 1, isHubModels(c) ? { orSuccess: true } : {}),
  },
  statusFault(400, 'validation'),
  statusFault(401, 'auth'),
  statusFault(403, 'forbidden'),
  statusFault(404, 'not-found'),
  statusFault(409, 'conflict'),
  statusFault(422, 'validation'),
  {
    label: 'HTTP 429 + Retry-After: 1',
    fault: { kind: 'status', status: 429, retryAfter: 1 },
    times: Infinity,
    applies: always,
    expect: (c) => {
      const base = statusOutcome(c, 429, 'rate-limited');
      if (base.ok) return base;
      if (c.cls === 'read') return { ...base, retryAfterMs: 1000, minSleepMs: 1000 };
      if (c.cls === 'chat') return { ...base, retryAfterMs: 1000 };
      return { ...base, retryAfterMs: 1000 };
    },
  },
  {
    label: 'HTTP 429 + Retry-After: 3600 (longer than any wait)',
    fault: { kind: 'status', status: 429, retryAfter: 3600 },
    times: Infinity,
    applies: always,
    expect: (c) => {
      if (isHubModels(c)) return fail('rate-limited', 1, { orSuccess: true });
      return fail('rate-limited', 1, { retryAfterMs: 3_600_000, maxTotalSleepMs: 0 });
    },
  },
  {
    label: 'HTTP 503 + Retry-After: 15 on every attempt (total wait capped)',
    fault: { kind: 'status', status: 503, retryAfter: 15 },
    times: Infinity,
    applies: (c) => c.cls === 'read' && !isHubModels(c),
    // a wait of 15 s would outlast the call's overall deadline (connect + headers + body timeouts: about 3 s for the
    // matrix client), so the read is not retried at all and the error carries the server's 15 s for the user; the
    // 20 s cap across several waits under the default timeouts is covered in http.test.ts
    expect: () => fail('server', 1, { maxTotalSleepMs: 0, retryAfterMs: 15_000 }),
  },
  statusFault(500, 'server'),
  statusFault(502, 'server'),
  statusFault(503, 'server'),
  statusFault(504, 'server'),
  {
    label: 'HTTP 503 once, then fine',
    fault: { kind: 'status', status: 503 },
    times: 1,
    applies: always,
    expect: (c) => (c.cls === 'read' ? (c.okKind ? fail(c.okKind, 2) : ok(2)) : fail('server')),
  },
  {
    label: 'hang (no answer)',
    fault: { kind: 'hang' },
    times: Infinity,
    applies: always,
    expect: (c) => fail('timeout', 1, isHubModels(c) ? { orSuccess: true } : {}),
  },
  {
    label: 'connection reset',
    fault: { kind: 'reset' },
    times: Infinity,
    applies: always,
    expect: (c) => fail('network', 1, isHubModels(c) ? { orSuccess: true } : {}),
  },
  {
    label: 'malformed JSON',
    fault: { kind: 'malformed-json' },
    times: Infinity,
    applies: notStream,
    expect: (c) => {
      if (c.gateway === 'aione' && c.name === 'list models') return ok(); // falls back to the OpenAI list
      if (isHubModels(c)) return fail('bad-response', 1, { orSuccess: true });
      if (c.bodyIgnored) return ok(); // a 2xx to a delete is the answer; its body is not read
      return fail('bad-response');
    },
  },
  {
    label: 'success:false 系统繁忙 (HTTP 200)',
    fault: { kind: 'success-false' },
    times: Infinity,
    applies: (c) => c.gateway === 'aihubmix',
    expect: (c) => {
      if (c.name === 'list models') return fail('transient', retriedReads, { orSuccess: true });
      if (c.cls === 'chat') return fail('transient', 1);
      return fail('transient', c.cls === 'read' ? retriedReads : 1);
    },
  },
  {
    label: 'success:false business rule (HTTP 200)',
    fault: { kind: 'success-false', message: '令牌名称过长' },
    times: Infinity,
    applies: (c) => c.gateway === 'aihubmix' && c.cls !== 'chat' && c.name !== 'list models',
    expect: () => fail('validation'),
  },
  {
    label: 'stream truncated after 3 events',
    fault: { kind: 'truncate-stream', afterChunks: 3 },
    times: Infinity,
    applies: onlyStream,
    expect: () => fail('network', 1, { partialText: true }),
  },
  {
    label: 'error event mid-stream',
    fault: { kind: 'mid-stream-error', afterChunks: 3 },
    times: Infinity,
    applies: onlyStream,
    expect: () => fail('server', 1, { partialText: true }),
  },
  {
    label: 'error event mid-stream, then [DONE]',
    fault: { kind: 'mid-stream-error', afterChunks: 3, thenDone: true },
    times: Infinity,
    applies: onlyStream,
    expect: () => fail('server', 1, { partialText: true }),
  },
  {
    label: 'JSON 429 instead of a stream',
    fault: { kind: 'json-error-instead-of-stream', status: 429 },
    times: Infinity,
    applies: onlyStream,
    expect: () => fail('rate-limited'),
  },
  {
    label: 'JSON 401 instead of a stream',
    fault: { kind: 'json-error-instead-of-stream', status: 401 },
    times: Infinity,
    applies: onlyStream,
    expect: () => fail('auth'),
  },
  {
    label: 'JSON 500 instead of a stream',
    fault: { kind: 'json-error-instead-of-stream', status: 500 },
    times: Infinity,
    applies: onlyStream,
    expect: () => fail('server'),
  },
];

const TRANSIENT: ReadonlySet<GatewayErrorKind> = new Set(['rate-limited', 'server', 'network', 'timeout']);

const SECRETS = (sim: Simulator): string[] => [
  sim.aione.adminToken,
  sim.aihubmix.accessToken,
  sim.aione.modelKey,
  sim.aihubmix.modelKey,
];

function fixture(sim: Simulator, kind: 'aione' | 'aihubmix'): Fixture {
  if (kind === 'aione') {
    const k =
      sim.state.aione.keys.find((x) => x.id !== sim.state.aione.modelKeyId && x.status === 'active') ??
      sim.state.aione.keys[1];
    return { keyId: String(k?.id), modelKey: sim.aione.modelKey, model: 'gpt-4.1' };
  }
  const t =
    sim.state.aihubmix.tokens.find((x) => x.id !== sim.state.aihubmix.modelTokenId && x.status === 1) ??
    sim.state.aihubmix.tokens[1];
  return { keyId: String(t?.id), modelKey: sim.aihubmix.modelKey, model: 'gpt-4.1' };
}

// Calls run side by side, a few at a time (each with a simulator and a client of its own, so request counts stay
// exact): the timeouts they wait for overlap. The faults of one call run one after the other.
describe('fault matrix: every UI gateway call × every simulator fault (loopback HTTP)', { concurrency: 6 }, () => {
  after(() => {
    assert.deepEqual(unhandled, [], 'no unhandled rejection in the whole matrix');
  });

  for (const call of [...AIONE_CALLS, ...AIHUBMIX_CALLS]) {
    describe(`${call.gateway} ${call.name}`, { concurrency: 1 }, () => {
      let sim: Simulator;
      let client: MatrixClient;
      before(async () => {
        sim = await startSimulator({ seed: 8, keyCount: 12, streamTokensPerSecond: 0 });
        client = matrixClient(
          call.gateway,
          call.gateway === 'aione' ? sim.aione.url : sim.aihubmix.url,
          call.gateway === 'aione' ? sim.aione.adminToken : sim.aihubmix.accessToken,
        );
      });
      after(async () => {
        await client.dispose();
        // the one call this client must never make: it regenerates the user's access token
        assert.equal(sim.requests.filter((r) => r.path === '/api/user/token').length, 0);
        await sim.close();
      });
      afterEach(() => sim.faults.clear());

      for (const f of FAULTS.filter((x) => x.applies(call))) {
        const exp = f.expect(call);
        it(`× ${f.label}`, async () => {
          // no reset between cases (regenerating the seeded data costs more than the case): the fixture is read from
          // the current state, and requests are counted from here
          const mark = sim.requests.length;
          client.sleeps.length = 0;
          const fx = fixture(sim, call.gateway);
          const path = targetPath(call, fx);
          sim.faults.add({ gateway: call.gateway, method: call.target.method, path, times: f.times, fault: f.fault });

          let error: unknown;
          try {
            await call.run(client.gateway, fx);
          } catch (e) {
            error = e;
          }
          await new Promise((r) => setImmediate(r));
          await new Promise((r) => setTimeout(r, 5));

          const mine = sim.requests.slice(mark);
          const seen = mine.filter(
            (r) => r.gateway === call.gateway && r.method === call.target.method && r.path === path,
          ).length;
          if (!exp.ok && exp.orSuccess && error === undefined) {
            // the public catalogue was shown instead of an error: allowed for this call and fault
          } else if (exp.ok) {
            assert.equal(
              error,
              undefined,
              `expected success, got ${error instanceof Error ? `${(error as GatewayError).kind ?? ''} ${error.message}` : String(error)}`,
            );
          } else {
            assert.ok(
              error instanceof GatewayError,
              `expected a GatewayError, got ${error === undefined ? 'success' : String(error)}`,
            );
            if (exp.kind === 'transient')
              assert.ok(TRANSIENT.has(error.kind), `expected a transient kind, got ${error.kind}: ${error.message}`);
            else assert.equal(error.kind, exp.kind, `expected ${exp.kind}, got ${error.kind}: ${error.message}`);
            assertErrorText(error, call, SECRETS(sim));
            if (exp.retryAfterMs !== undefined)
              assert.equal(error.retryAfterMs, exp.retryAfterMs, 'the error carries Retry-After');
            if (exp.minSleepMs !== undefined) {
              assert.equal(client.sleeps.length, exp.requests - 1, 'one wait before each retry');
              for (const ms of client.sleeps)
                assert.ok(ms >= exp.minSleepMs, `waited ${ms} ms, Retry-After said ${exp.minSleepMs}`);
            }
            if (exp.maxTotalSleepMs !== undefined) {
              const total = client.sleeps.reduce((a, b) => a + b, 0);
              assert.ok(total <= exp.maxTotalSleepMs, `waited ${total} ms in all (cap ${exp.maxTotalSleepMs})`);
            }
            if (exp.partialText) {
              const partial = (error as { partial?: { text: string } }).partial;
              assert.ok(partial && partial.text.length > 0, 'the text received before the failure is kept');
              assert.ok(!partial.text.includes('\uFFFD'), 'no broken character in the kept text');
            }
            for (const n of call.notAfterFailure ?? []) {
              assert.equal(
                mine.filter((r) => r.gateway === call.gateway && r.method === n.method && r.path === n.path).length,
                0,
                `no ${n.method} ${n.path} after the failed ${call.target.method}`,
              );
            }
          }
          assert.equal(
            seen,
            exp.requests,
            `requests to ${call.target.method} ${path}: ${call.cls === 'read' ? 'reads retry on 429/502/503/504 only' : 'writes and chat are never retried'}`,
          );
          assert.deepEqual(unhandled, [], 'no unhandled rejection');
        });
      }
    });
  }
});

describe('fault matrix: what is not a gateway answer', () => {
  let sim: Simulator;
  before(async () => {
    sim = await startSimulator({ seed: 8, keyCount: 12, streamTokensPerSecond: 0 });
  });
  after(() => sim.close());

  describe('calls a gateway does not offer', () => {
    for (const u of UNSUPPORTED_CALLS) {
      it(`${u.gateway} ${u.name}: unsupported, nothing sent, whatever the gateway would answer`, async () => {
        sim.reset();
        sim.faults.add({ gateway: u.gateway, path: '/*', times: Infinity, fault: { kind: 'status', status: 500 } });
        const client = matrixClient(
          u.gateway,
          u.gateway === 'aione' ? sim.aione.url : sim.aihubmix.url,
          'x'.repeat(32),
        );
        try {
          await assert.rejects(
            u.run(client.gateway),
            (e: unknown) =>
              e instanceof GatewayError && e.kind === 'unsupported' && e.gateway === LABEL[u.gateway] && !!e.operation,
          );
          assert.equal(sim.requests.filter((r) => r.gateway === u.gateway).length, 0);
        } finally {
          await client.dispose();
        }
      });
    }
  });

  it('a cancelled call (the caller aborts) is "aborted", sends no retry, and leaves nothing behind', async () => {
    sim.reset();
    const call = AIONE_CALLS.find((c) => c.name === 'list keys') as MatrixCall;
    sim.faults.add({ gateway: 'aione', path: '/api/v1/gateway/keys', times: Infinity, fault: { kind: 'hang' } });
    const client = matrixClient('aione', sim.aione.url, sim.aione.adminToken, { headersMs: 5_000 });
    try {
      const ac = new AbortController();
      const running = call.run(client.gateway, fixture(sim, 'aione'), ac.signal);
      // cancel once the gateway holds the request (it never answers)
      for (let i = 0; i < 400 && !sim.requests.some((r) => r.path === '/api/v1/gateway/keys'); i++)
        await new Promise((r) => setTimeout(r, 5));
      ac.abort();
      await assert.rejects(running, (e: unknown) => e instanceof GatewayError && e.kind === 'aborted');
      await new Promise((r) => setTimeout(r, 20));
      assert.equal(sim.requests.filter((r) => r.path === '/api/v1/gateway/keys').length, 1);
      assert.deepEqual(unhandled, []);
    } finally {
      await client.dispose();
    }
  });
});
