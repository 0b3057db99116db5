/**
 * The gateway's request / trace id kept in the error of a failed call, so support can find the request: an error
 * that arrives mid-stream as an SSE event (its own `request_id` / `trace_id` field, its words, or else the response's
 * X-Request-Id / X-Oneapi-Request-Id), a stream cut short, and a failed management call of either gateway (the
 * response's headers, or a `request_id` in the body) — parsed directly, and against the simulator over loopback.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { GatewayKind } from '../../src/core/types';
import { aioneError } from '../../src/gateway/aione/errors';
import { hubmixError } from '../../src/gateway/aihubmix/classify';
import { GatewayError, requestIdInBody } from '../../src/gateway/errors';
import { createGateway, type DisposableGateway } from '../../src/gateway/index';
import { parseChatStream } from '../../src/gateway/sse';
import { startSimulator, type Simulator } from '../simulator/index';

async function* chunks(...parts: string[]): AsyncGenerator<string> {
  for (const p of parts) yield p;
}

/** The error a stream ends with (the test fails when it ends without one). */
async function streamError(stream: AsyncIterable<unknown>): Promise<GatewayError> {
  try {
    for await (const _ of stream) void _;
  } catch (e) {
    assert.ok(e instanceof GatewayError, `a GatewayError, not ${String(e)}`);
    return e;
  }
  assert.fail('the stream ended without an error');
}

const delta = (text: string) => `data: ${JSON.stringify({ choices: [{ index: 0, delta: { content: text } }] })}\n\n`;

describe('trace ids: an error event mid-stream', () => {
  test("the event's own request_id / trace_id field", async () => {
    const e = await streamError(
      parseChatStream(
        chunks(
          delta('Hel'),
          `data: ${JSON.stringify({ error: { message: 'upstream timeout' }, request_id: 'req_0042abcd' })}\n\n`,
        ),
        { requestId: 'req_from_headers' },
      ),
    );
    assert.equal(e.kind, 'server');
    assert.equal(e.requestId, 'req_0042abcd', 'the id the event names wins over the response header');
    const inner = await streamError(
      parseChatStream(
        chunks(
          `event: error\ndata: ${JSON.stringify({ error: { message: 'overloaded', trace_id: 'trace-9f8e7d6c' } })}\n\n`,
        ),
      ),
    );
    assert.equal(inner.requestId, 'trace-9f8e7d6c');
  });

  test('one-api\'s words ("… (request id: …)") and else the response\'s id', async () => {
    const worded = await streamError(
      parseChatStream(
        chunks(delta('a'), `data: {"error":{"message":"upstream timeout (request id: 2026120112000000000042)"}}\n\n`),
        {
          requestId: 'hdr-1234',
        },
      ),
    );
    assert.equal(worded.requestId, '2026120112000000000042');
    const bare = await streamError(
      parseChatStream(chunks(delta('a'), `data: {"error":{"message":"upstream timeout"}}\n\n`), {
        requestId: 'req_hdr_5678',
      }),
    );
    assert.equal(bare.requestId, 'req_hdr_5678', 'an event without an id keeps the response header’s');
    const cut = await streamError(parseChatStream(chunks(delta('partial')), { requestId: 'req_hdr_5678' }));
    assert.equal(cut.code, 'truncated');
    assert.equal(cut.requestId, 'req_hdr_5678', 'a stream cut short keeps it too');
  });

  test('a field that is not an id shape is not taken for one', () => {
    assert.equal(requestIdInBody({ request_id: 'has spaces in it' }), undefined);
    assert.equal(requestIdInBody({ error: { request_id: 42 } }), undefined);
    assert.equal(requestIdInBody({ detail: { trace_id: 'abcd-1234' } }), 'abcd-1234');
    assert.equal(requestIdInBody('req_1234'), undefined);
  });
});

describe('trace ids: the management error builders read the response headers', () => {
  test('AIone: X-Request-Id, else a request_id in the body', () => {
    const e = aioneError(404, '{"detail":"Key not found"}', 'get key', 'AIone', undefined, {
      'x-request-id': 'req_20261201abcdef',
    });
    assert.equal(e.requestId, 'req_20261201abcdef');
    const body = aioneError(500, '{"detail":"boom","request_id":"req_body_1234"}', 'list keys', 'AIone');
    assert.equal(body.requestId, 'req_body_1234');
  });

  test('AIHubMix: X-Oneapi-Request-Id, else the id in its words', () => {
    const e = hubmixError('validation', '令牌名称过长', 'create key', 'AIHubMix', 200, undefined, undefined, {
      'x-oneapi-request-id': '2026120112000000000042',
    });
    assert.equal(e.requestId, '2026120112000000000042');
    const worded = hubmixError('server', 'busy (request id: 2026120112000000000043)', 'list keys', 'AIHubMix', 500);
    assert.equal(worded.requestId, '2026120112000000000043');
  });
});

// ---- against the simulator: each gateway's real headers and bodies ----

let sim: Simulator;
const gws: DisposableGateway[] = [];
before(async () => {
  sim = await startSimulator({ host: '127.0.0.1', seed: 7, keyCount: 6, streamTokensPerSecond: 0 });
});
after(async () => {
  for (const g of gws) await g.dispose();
  await sim.close();
});

function gw(kind: GatewayKind): DisposableGateway {
  const g = createGateway(
    {
      kind,
      baseUrl: kind === 'aione' ? sim.aione.url : sim.aihubmix.url,
      getToken: () => Promise.resolve(kind === 'aione' ? sim.aione.adminToken : sim.aihubmix.accessToken),
      label: kind,
    },
    { retry: { maxRetries: 0 } },
  );
  gws.push(g);
  return g;
}

/** The id shape each simulated gateway stamps on its responses. */
const ID_SHAPE: Record<GatewayKind, RegExp> = { aione: /^req_\d{22}$/, aihubmix: /^\d{22}$/ };

for (const kind of ['aione', 'aihubmix'] as const) {
  describe(`trace ids against the simulated ${kind}`, () => {
    test('an error event mid-stream keeps the request id (and the partial text)', async () => {
      sim.faults.add({
        gateway: kind,
        path: '/v1/chat/completions',
        fault: { kind: 'mid-stream-error', afterChunks: 3 },
      });
      const g = gw(kind);
      const model = 'gpt-4.1';
      let text = '';
      const apiKey = kind === 'aione' ? sim.aione.modelKey : sim.aihubmix.modelKey;
      const e = await streamError(
        (async function* () {
          for await (const ev of g.streamChat({ model, messages: [{ role: 'user', content: 'hello' }] }, { apiKey })) {
            if (ev.type === 'text') text += ev.text;
            yield ev;
          }
        })(),
      );
      assert.ok(text.length > 0, 'the partial text came first');
      assert.equal(e.kind, 'server');
      assert.match(e.requestId ?? '', ID_SHAPE[kind], `the ${kind} request id, not ${String(e.requestId)}`);
    });

    test('a failed management call keeps the request id of its response', async () => {
      const path = kind === 'aione' ? '/api/v1/gateway/keys' : '/api/token/';
      sim.faults.add({ gateway: kind, method: 'GET', path, fault: { kind: 'status', status: 403 } });
      const e = await gw(kind)
        .listKeys({ page: 0, pageSize: 5 })
        .then(
          () => assert.fail('the call succeeded'),
          (err: unknown) => err,
        );
      assert.ok(e instanceof GatewayError);
      assert.equal(e.kind, 'forbidden');
      assert.match(e.requestId ?? '', ID_SHAPE[kind], `the ${kind} request id, not ${String(e.requestId)}`);
    });
  });
}
