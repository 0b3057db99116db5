/**
 * The fault matrix, second part: what the simulator cannot do, from test/fault-server — `{}` on every path, an HTML
 * error page from a load balancer (and a captive portal's 200), redirects to another origin (the token must not
 * follow), a slow drip, a body of hundreds of MB (streamed by the server, never buffered by the test), a stream cut
 * inside a UTF-8 character, a reset right after the answer finished. Each case asserts the outcome or error kind, the
 * error text (gateway, operation, one line, no markup, no secret), the requests sent, and no unhandled rejection.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { GatewayError, type GatewayErrorKind } from '../../src/gateway/errors';
import { startFaultServer, type FaultMode, type FaultServer } from '../fault-server/index';
import {
  AIHUBMIX_CALLS,
  AIONE_CALLS,
  MATRIX_RETRIES,
  assertErrorText,
  matrixClient,
  streamAll,
  type Fixture,
  type MatrixCall,
  type MatrixClient,
} from './matrix-calls';

const unhandled: unknown[] = [];
process.on('unhandledRejection', (reason) => {
  unhandled.push(reason);
});

const TOKEN = { aione: `agc-admin-${'a1b2c3d4'.repeat(4)}`, aihubmix: 'f00dfeed'.repeat(4) } as const;
const MODEL_KEY = `sk-${'Zq9'.repeat(16)}`;
const SECRETS = [TOKEN.aione, TOKEN.aihubmix, MODEL_KEY];
const FIX: Fixture = { keyId: '7', modelKey: MODEL_KEY, model: 'gpt-4.1' };
const ALL = [...AIONE_CALLS, ...AIHUBMIX_CALLS];

/** How many requests a call sends when every answer is a retryable failure (reads retried, writes not). */
function sentWhenAllFail(call: MatrixCall, retryable: boolean): number {
  const first = call.firstWave ?? 1;
  const readFirst = call.cls === 'read' || call.startsWithRead === true;
  return first * (retryable && readFirst ? 1 + MATRIX_RETRIES : 1);
}

async function settle(): Promise<void> {
  await new Promise((r) => setImmediate(r));
  await new Promise((r) => setTimeout(r, 5));
}

async function outcome(p: Promise<unknown>): Promise<{ error?: unknown; value?: unknown }> {
  try {
    return { value: await p };
  } catch (error) {
    return { error };
  }
}

function assertGatewayError(error: unknown, kind: GatewayErrorKind, call: MatrixCall): asserts error is GatewayError {
  assert.ok(
    error instanceof GatewayError,
    `expected a ${kind} error, got ${error === undefined ? 'success' : String(error)}`,
  );
  assert.equal(error.kind, kind, `expected ${kind}, got ${error.kind}: ${error.message}`);
  assertErrorText(error, call, SECRETS);
}

describe('fault server: answers the simulator cannot give', () => {
  let fs: FaultServer;
  let other: FaultServer;
  const clients = new Map<string, MatrixClient>();
  const client = (call: MatrixCall): MatrixClient => clients.get(call.gateway) as MatrixClient;

  before(async () => {
    fs = await startFaultServer();
    other = await startFaultServer({ kind: 'empty-object' });
    clients.set('aione', matrixClient('aione', fs.url, TOKEN.aione));
    clients.set('aihubmix', matrixClient('aihubmix', fs.url, TOKEN.aihubmix));
  });
  after(async () => {
    for (const c of clients.values()) await c.dispose();
    await fs.close();
    await other.close();
    assert.deepEqual(unhandled, [], 'no unhandled rejection');
  });

  const use = (mode: FaultMode): void => {
    fs.mode = mode;
    fs.clear();
    other.clear();
    for (const c of clients.values()) c.sleeps.length = 0;
  };

  // ---- `{}` on every path --------------------------------------------------------------------------------------
  describe('`{}` with HTTP 200 on every path: bad-response naming the missing field, never an empty success', () => {
    for (const call of ALL) {
      const id = `${call.gateway} ${call.name}`;
      if (call.bodyIgnored) {
        it(`${id}: a 2xx is the answer (its body is not read)`, async () => {
          use({ kind: 'empty-object' });
          const r = await outcome(call.run(client(call).gateway, FIX));
          assert.equal(r.error, undefined);
          assert.equal(fs.requests.length, 1);
        });
        continue;
      }
      it(`${id}`, async () => {
        use({ kind: 'empty-object' });
        const r = await outcome(call.run(client(call).gateway, FIX));
        await settle();
        assertGatewayError(r.error, 'bad-response', call);
        assert.ok(r.error.path && r.error.path.length > 0, 'the error names the field');
        assert.equal(
          fs.requests.length,
          (call.firstWave ?? 1) + (call.fallbackRequests ?? 0),
          'not retried: a 200 is an answer',
        );
        assert.deepEqual(unhandled, []);
      });
    }
  });

  // ---- HTML pages -------------------------------------------------------------------------------------------------
  describe('an HTML 502 page from a load balancer: a server error in a sentence, not the markup; reads retried', () => {
    for (const call of ALL) {
      it(`${call.gateway} ${call.name}`, async () => {
        use({ kind: 'html', status: 502 });
        const r = await outcome(call.run(client(call).gateway, FIX));
        await settle();
        assertGatewayError(r.error, 'server', call);
        assert.equal(r.error.status, 502);
        if (call.cls === 'write' && call.gateway === 'aihubmix' && !call.startsWithRead) {
          // AIHubMix learns its dialect with one read before the first write when no list has taught it yet; that
          // read is retried like any read, the write itself is never sent twice
          assert.ok(fs.requests.filter((q) => q.method !== 'GET').length <= 1, 'a write is sent at most once');
          assert.ok(fs.requests.length <= 1 + MATRIX_RETRIES, 'the dialect read is retried per policy, no more');
        } else {
          assert.equal(
            fs.requests.length,
            sentWhenAllFail(call, true),
            call.cls === 'read' ? 'a read is retried on 502' : 'a write or a chat is sent once',
          );
        }
        assert.deepEqual(unhandled, []);
      });
    }
  });

  describe('a captive portal answering 200 with an HTML login page: bad-response, not success', () => {
    for (const call of ALL.filter((c) => !c.bodyIgnored)) {
      it(`${call.gateway} ${call.name}`, async () => {
        use({ kind: 'html', status: 200 });
        const r = await outcome(call.run(client(call).gateway, FIX));
        await settle();
        assertGatewayError(r.error, 'bad-response', call);
        assert.deepEqual(unhandled, []);
      });
    }
  });

  // ---- redirects --------------------------------------------------------------------------------------------------
  describe('a redirect to another origin: not followed, the token stays home', () => {
    for (const status of [301, 302, 307, 308] as const) {
      for (const call of ALL) {
        it(`${status} · ${call.gateway} ${call.name}`, async () => {
          use({ kind: 'redirect', status, location: other.url });
          const r = await outcome(call.run(client(call).gateway, FIX));
          await settle();
          assert.equal(
            other.requests.filter((q) => q.authorization).length,
            0,
            'no request with a token reached the other origin',
          );
          assert.equal(other.requests.length, 0, 'nothing was sent to the other origin');
          assertGatewayError(r.error, 'bad-response', call);
          assert.equal(
            fs.requests.length,
            (call.firstWave ?? 1) + (call.fallbackRequests ?? 0),
            'a redirect is not retried',
          );
          assert.deepEqual(unhandled, []);
        });
      }
    }
  });

  // ---- slow drip ----------------------------------------------------------------------------------------------------
  // Each case has a server and a client of its own, so the cases wait side by side.
  describe(
    'a slow drip (one byte every 50 ms, never ending): the call ends with a timeout, bounded by its deadline',
    { concurrency: true },
    () => {
      // The test stops waiting here (5× the client's 1 s timeouts): a call still running then has no overall deadline.
      const GUARD_MS = 5_000;
      const cases: Array<[MatrixCall, FaultMode]> = [
        [
          AIONE_CALLS.find((c) => c.name === 'list keys') as MatrixCall,
          { kind: 'drip', intervalMs: 50, prefix: '{"items":[' },
        ],
        [
          AIHUBMIX_CALLS.find((c) => c.name === 'list keys') as MatrixCall,
          { kind: 'drip', intervalMs: 50, prefix: '{"success":true,"data":[' },
        ],
        [
          AIONE_CALLS.find((c) => c.name === 'create key') as MatrixCall,
          { kind: 'drip', intervalMs: 50, prefix: '{"id":' },
        ],
        [
          AIONE_CALLS.find((c) => c.name === 'chat') as MatrixCall,
          { kind: 'drip', intervalMs: 50, prefix: '{"choices":[' },
        ],
        [AIONE_CALLS.find((c) => c.stream) as MatrixCall, { kind: 'keepalive-drip', intervalMs: 50 }],
        [AIHUBMIX_CALLS.find((c) => c.stream) as MatrixCall, { kind: 'keepalive-drip', intervalMs: 50 }],
      ];
      for (const [call, mode] of cases) {
        const what = mode.kind === 'keepalive-drip' ? 'keep-alive comments only' : 'a JSON body';
        it(`${call.gateway} ${call.name} (${what})`, async () => {
          const server = await startFaultServer(mode);
          // a stream of keep-alives only ends after five idle timeouts without data: 300 ms here, so 1.5 s, inside the guard
          const own = matrixClient(
            call.gateway,
            server.url,
            TOKEN[call.gateway],
            mode.kind === 'keepalive-drip' ? { bodyMs: 300 } : {},
          );
          const ac = new AbortController();
          const guard = setTimeout(() => ac.abort(), GUARD_MS);
          try {
            const r = await outcome(call.run(own.gateway, FIX, ac.signal));
            await settle();
            assertGatewayError(r.error, 'timeout', call);
            assert.equal(server.requests.length, 1, 'a timeout is not retried');
            assert.ok(server.responses[0]?.closedByClient, 'the client closed the connection');
          } finally {
            clearTimeout(guard);
            await own.dispose();
            await server.close();
          }
          assert.deepEqual(unhandled, []);
        });
      }
    },
  );

  // ---- huge bodies ----------------------------------------------------------------------------------------------------
  describe('a body of 512 MB: the client stops at its cap with a clear error, it never buffers it', () => {
    const MB = 1024 * 1024;
    const GUARD = 96 * MB; // the server cuts here: a client that read this far has no cap
    const key =
      '{"id":"00000000-0000-4000-8000-000000000000","name":"padding padding padding","status":"active","models_allowed":[],"allowed_ips":[]},';
    const token = '{"id":1,"name":"padding","key":"abc","status":1,"models":"","subnet":""},';
    const cases: Array<[string, MatrixCall, FaultMode, GatewayErrorKind]> = [
      [
        'management JSON',
        AIONE_CALLS.find((c) => c.name === 'list keys') as MatrixCall,
        {
          kind: 'huge',
          totalBytes: 512 * MB,
          guardBytes: GUARD,
          contentType: 'application/json',
          head: '{"items":[',
          unit: key,
        },
        'bad-response',
      ],
      [
        'management JSON',
        AIHUBMIX_CALLS.find((c) => c.name === 'list keys') as MatrixCall,
        {
          kind: 'huge',
          totalBytes: 512 * MB,
          guardBytes: GUARD,
          contentType: 'application/json',
          head: '{"success":true,"message":"","data":[',
          unit: token,
        },
        'bad-response',
      ],
      [
        'an error body',
        AIONE_CALLS.find((c) => c.name === 'create key') as MatrixCall,
        {
          kind: 'huge',
          totalBytes: 512 * MB,
          guardBytes: GUARD,
          status: 500,
          contentType: 'text/html',
          head: '<html><body>',
          unit: '<p>Internal error</p>',
        },
        'server',
      ],
      [
        'one SSE event',
        AIONE_CALLS.find((c) => c.stream) as MatrixCall,
        {
          kind: 'huge',
          totalBytes: 512 * MB,
          guardBytes: GUARD,
          contentType: 'text/event-stream',
          head: 'data: {"choices":[{"index":0,"delta":{"content":"',
          unit: 'x',
        },
        'bad-response',
      ],
    ];
    for (const [what, call, mode, kind] of cases) {
      it(`${call.gateway} ${call.name}: ${what}`, async () => {
        use(mode);
        const r = await outcome(call.run(client(call).gateway, FIX));
        await settle();
        const sent = fs.responses[0]?.bytesSent ?? 0;
        assert.ok(
          !fs.responses[0]?.cutByServer,
          `the client read ${Math.round(sent / MB)} MB without stopping (the server cut it at the guard)`,
        );
        assertGatewayError(r.error, kind, call);
        assert.ok(sent < GUARD, `stopped after ${Math.round(sent / MB)} MB`);
        assert.equal(fs.requests.length, 1);
        assert.deepEqual(unhandled, []);
      });
    }
  });

  // ---- streams cut inside a character, or after the end -----------------------------------------------------------------
  describe('a chat stream cut inside a UTF-8 character: the complete text is kept, no broken character, a network error', () => {
    for (const call of ALL.filter((c) => c.stream)) {
      for (const how of ['reset', 'end'] as const) {
        it(`${call.gateway} ${call.name}, cut by a ${how === 'reset' ? 'connection reset' : 'clean end of the response'}`, async () => {
          use({ kind: 'utf8-cut', how });
          const r = await outcome(streamAll(client(call).gateway, FIX));
          await settle();
          assertGatewayError(r.error, 'network', call);
          const partial = (r.error as { partial?: { text: string } }).partial;
          assert.equal(partial?.text, '你好', 'the text of the complete events, exactly');
          assert.equal(fs.requests.length, 1, 'chat is never retried');
          assert.deepEqual(unhandled, []);
        });
      }
    }
  });

  describe('a connection reset right after finish_reason: a complete answer, not an error', () => {
    for (const call of ALL.filter((c) => c.stream)) {
      it(`${call.gateway} ${call.name}`, async () => {
        use({ kind: 'reset-after-finish' });
        const r = await outcome(streamAll(client(call).gateway, FIX));
        await settle();
        assert.equal(
          r.error,
          undefined,
          `expected a complete answer, got ${r.error instanceof Error ? r.error.message : String(r.error)}`,
        );
        const v = r.value as { text: string; events: Array<{ type: string }> };
        assert.equal(v.text, 'Hello, world.');
        assert.ok(v.events.some((e) => e.type === 'finish'));
        assert.deepEqual(unhandled, []);
      });
    }
  });
});
