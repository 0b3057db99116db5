/* Tests of the gateway simulator over real loopback HTTP (node:test + fetch): AIone chat: completions and streams. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import * as z from 'zod';
import { openAiErrorSchema } from '../../src/gateway/openai';
import { wireUsageSchema } from '../../src/core/usage';
import type { Simulator } from '../simulator/index';
import { callAs, completionWithUsage, contentOf, json, parse, parseSse, startShared } from './simulator-support';

/** The client's error schema, with the OpenAI error object these tests expect (not a bare string). */
const errorSchema = openAiErrorSchema.extend({
  error: z.object({ message: z.string(), type: z.string(), code: z.string().nullish() }),
});

let sim: Simulator;
before(async () => {
  ({ sim } = await startShared());
});
after(() => sim.close());

const A = (p: string): string => sim.aione.url + p;

describe('AIone chat', () => {
  const msg = (content: string): { role: string; content: string }[] => [{ role: 'user', content }];

  test('errors in OpenAI style', async () => {
    const auth = { authorization: `Bearer ${sim.aione.modelKey}` };
    const badKey = await callAs(
      errorSchema,
      A('/v1/chat/completions'),
      json('POST', { model: 'gpt-4.1', messages: msg('x') }, { authorization: 'Bearer sk-nex-bogus' }),
    );
    assert.equal(badKey.status, 401);
    assert.equal(badKey.body.error.code, 'invalid_api_key');
    const unknown = await callAs(
      errorSchema,
      A('/v1/chat/completions'),
      json('POST', { model: 'gpt-9', messages: msg('x') }, auth),
    );
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.error.code, 'model_not_found');
    assert.equal(unknown.body.error.message, "Model 'gpt-9' not found");
    const noMsgs = await callAs(errorSchema, A('/v1/chat/completions'), json('POST', { model: 'gpt-4.1' }, auth));
    assert.equal(noMsgs.status, 400);
    assert.equal(noMsgs.body.error.type, 'invalid_request_error');
    const restricted = sim.state.aione.keys.find(
      (k) =>
        k.status === 'active' &&
        k.expires_at === null &&
        k.models_allowed &&
        k.models_allowed.length > 0 &&
        !k.models_allowed.includes('gpt-4.1'),
    );
    assert.ok(restricted);
    const forbidden = await callAs(
      errorSchema,
      A('/v1/chat/completions'),
      json('POST', { model: 'gpt-4.1', messages: msg('x') }, { authorization: `Bearer ${restricted.secret}` }),
    );
    assert.equal(forbidden.status, 403);
    assert.equal(forbidden.body.error.type, 'permission_error');
  });

  test('SSE stream: keep-alive, role, content, finish, usage only when asked, [DONE]', async () => {
    const auth = { authorization: `Bearer ${sim.aione.modelKey}` };
    const nonStream = await callAs(
      completionWithUsage,
      A('/v1/chat/completions'),
      json('POST', { model: 'claude-sonnet-4-6', messages: msg('explain streaming') }, auth),
    );
    const r = await fetch(
      A('/v1/chat/completions'),
      json(
        'POST',
        {
          model: 'claude-sonnet-4-6',
          messages: msg('explain streaming'),
          stream: true,
          stream_options: { include_usage: true },
        },
        auth,
      ),
    );
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), 'text/event-stream');
    assert.equal(r.headers.get('cache-control'), 'no-cache');
    assert.equal(r.headers.get('x-accel-buffering'), 'no');
    const sse = parseSse(await r.text());
    assert.ok(sse.raw.startsWith(': keepalive\n\n'));
    assert.equal(sse.data[sse.data.length - 1], '[DONE]');
    assert.equal(sse.chunks[0]?.choices?.[0]?.delta?.role, 'assistant');
    const fin = sse.chunks[sse.chunks.length - 2];
    assert.deepEqual(fin?.choices?.[0]?.delta, {});
    assert.equal(fin?.choices?.[0]?.finish_reason, 'stop');
    const usage = sse.chunks[sse.chunks.length - 1];
    assert.deepEqual(usage?.choices, []);
    assert.equal(
      parse(wireUsageSchema, usage?.usage, 'the usage chunk').total_tokens,
      nonStream.body.usage.total_tokens,
    );
    const text = contentOf(sse);
    assert.equal(text, nonStream.body.choices[0]?.message?.content);
    assert.ok(text.includes('你好，世界') && text.includes('```ts') && text.includes('|---|') && text.includes('🚀'));
    const rec = sim.streams[sim.streams.length - 1];
    assert.ok(rec && rec.finished && !rec.closedByClient && rec.splitWrites > 0);
    assert.equal(rec.chunksSent, sse.chunks.length);

    const noUsage = parseSse(
      await (
        await fetch(
          A('/v1/chat/completions'),
          json('POST', { model: 'gpt-4.1', messages: msg('hi'), stream: true }, auth),
        )
      ).text(),
    );
    assert.ok(noUsage.chunks.every((c) => c.usage === undefined && c.choices?.length === 1));
  });

  test('some events arrive split in the middle of a UTF-8 character', async () => {
    const midCharChunks = await new Promise<number>((resolve, reject) => {
      const req = request(
        A('/v1/chat/completions'),
        {
          method: 'POST',
          headers: { authorization: `Bearer ${sim.aione.modelKey}`, 'content-type': 'application/json' },
        },
        (res) => {
          let mid = 0;
          const all: Buffer[] = [];
          res.on('data', (c: Buffer) => {
            all.push(c);
            let k = c.length - 1;
            let cont = 0;
            while (k >= 0 && ((c[k] ?? 0) & 0xc0) === 0x80) {
              cont++;
              k--;
            }
            const lead = c[k] ?? 0;
            const need = lead >= 0xf0 ? 3 : lead >= 0xe0 ? 2 : lead >= 0xc0 ? 1 : 0;
            if (k >= 0 && need > cont) {
              mid++;
            }
          });
          res.on('end', () => {
            assert.ok(Buffer.concat(all).toString('utf8').includes('你好，世界'));
            resolve(mid);
          });
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(
        JSON.stringify({ model: 'gpt-4.1', messages: [{ role: 'user', content: 'utf-8 please' }], stream: true }),
      );
    });
    assert.ok(midCharChunks > 0, 'at least one network chunk ends inside a multi-byte character');
  });

  test('tool call stream and long answer', async () => {
    const auth = { authorization: `Bearer ${sim.aione.modelKey}` };
    const sse = parseSse(
      await (
        await fetch(
          A('/v1/chat/completions'),
          json('POST', { model: 'gpt-4.1', messages: msg('please make a tool call'), stream: true }, auth),
        )
      ).text(),
    );
    const args: Record<number, string> = {};
    for (const c of sse.chunks) {
      for (const tc of c.choices?.[0]?.delta?.tool_calls ?? []) {
        const i = tc.index ?? 0;
        args[i] = (args[i] ?? '') + (tc.function?.arguments ?? '');
      }
    }
    assert.ok(sse.chunks.filter((c) => c.choices?.[0]?.delta?.tool_calls).length > 3);
    assert.equal(parse(z.object({ unit: z.string() }), JSON.parse(args[0] ?? '')).unit, 'celsius');
    assert.equal(sse.chunks[sse.chunks.length - 1]?.choices?.[0]?.finish_reason, 'tool_calls');

    const long = parseSse(
      await (
        await fetch(
          A('/v1/chat/completions'),
          json('POST', { model: 'gpt-4.1', messages: msg('give me a long answer'), stream: true }, auth),
        )
      ).text(),
    );
    assert.ok(Buffer.byteLength(contentOf(long)) >= 100 * 1024);
    assert.equal(long.data[long.data.length - 1], '[DONE]');
  });
});
