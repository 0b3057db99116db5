/**
 * The model plane on the wire, against a recording HTTP client: the exact request each call sends (method, URL,
 * headers, body, retry), what it returns for each answer shape, the error it throws for every error body the
 * gateways send, and the status boundaries. No network: what is asserted is what goes out and what comes back.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ChatRequest, ChatStreamEvent } from '../../src/core/types';
import type { GatewayError } from '../../src/gateway/errors';
import type { HttpClient } from '../../src/gateway/http';
import type { HttpRequest, HttpResponse, HttpStreamResponse } from '../../src/gateway/httpTypes';
import { chatBody, modelPlaneError, OpenAiCompatible } from '../../src/gateway/openai';
import { rejectionOf as caught } from './gateway-error-fixtures';

interface Answer {
  status?: number;
  text?: string;
  headers?: Record<string, string | undefined>;
  retryAfterMs?: number;
  /** stream(): the body chunks */
  chunks?: string[];
}

/** An HttpClient that records what it is asked and answers from a script. */
function recorder(answer: Answer): { http: HttpClient; sent: HttpRequest[]; closed: () => number; silence: number[] } {
  const sent: HttpRequest[] = [];
  let closes = 0;
  const silence: number[] = [];
  const headers = answer.headers ?? {};
  const http = {
    request: (req: HttpRequest): Promise<HttpResponse> => {
      sent.push(req);
      return Promise.resolve({
        status: answer.status ?? 200,
        headers,
        text: answer.text ?? '',
        ...(answer.retryAfterMs !== undefined ? { retryAfterMs: answer.retryAfterMs } : {}),
      });
    },
    stream: (req: HttpRequest): Promise<HttpStreamResponse> => {
      sent.push(req);
      const enc = new TextEncoder();
      return Promise.resolve({
        status: answer.status ?? 200,
        headers,
        ...(answer.retryAfterMs !== undefined ? { retryAfterMs: answer.retryAfterMs } : {}),
        timeouts: {
          connectMs: 1,
          headersMs: 1,
          bodyMs: 1,
          totalMs: 1,
          streamTotalMs: 1,
          get streamSilenceMs() {
            silence.push(1);
            return 60_000;
          },
        },
        body: (async function* () {
          for (const c of answer.chunks ?? []) yield enc.encode(c);
        })(),
        text: () => Promise.resolve(answer.text ?? ''),
        close: () => {
          closes++;
        },
      });
    },
  };
  return { http: http as unknown as HttpClient, sent, closed: () => closes, silence };
}

const REQ: ChatRequest = { model: 'gpt-4.1', messages: [{ role: 'user', content: 'hi' }] };
const client = (a: Answer) => {
  const r = recorder(a);
  return { ...r, plane: new OpenAiCompatible(r.http, 'https://gw.example/v1//', 'AIone (Work)', { 'x-extra': '1' }) };
};

async function drain(it: AsyncIterable<ChatStreamEvent>): Promise<ChatStreamEvent[]> {
  const out: ChatStreamEvent[] = [];
  for await (const e of it) out.push(e);
  return out;
}

const completion = (extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    id: 'chatcmpl-1',
    model: 'gpt-4.1-2025',
    choices: [{ message: { content: 'hello' }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 3, completion_tokens: 2 },
    ...extra,
  });

describe('chatBody: what a chat request sends', () => {
  it('the minimum: model and messages, nothing else', () => {
    assert.deepEqual(chatBody(REQ, false), { model: 'gpt-4.1', messages: [{ role: 'user', content: 'hi' }] });
  });

  it('a temperature of 0 and a max of tokens are sent when given', () => {
    assert.deepEqual(chatBody({ ...REQ, temperature: 0, maxTokens: 0 }, false), {
      model: 'gpt-4.1',
      messages: [{ role: 'user', content: 'hi' }],
      temperature: 0,
      max_tokens: 0,
    });
  });

  it('streaming asks for the usage chunk', () => {
    assert.deepEqual(chatBody(REQ, true), {
      model: 'gpt-4.1',
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
      stream_options: { include_usage: true },
    });
  });

  it('tools: a description only when there is one, an empty object schema when there are no parameters', () => {
    const body = chatBody(
      {
        ...REQ,
        tools: [
          { name: 'a', description: 'does a', parameters: { type: 'object', properties: { q: { type: 'string' } } } },
          { name: 'b', description: '' },
        ],
        toolChoice: 'auto',
      },
      false,
    );
    assert.deepEqual(body.tools, [
      {
        type: 'function',
        function: {
          name: 'a',
          description: 'does a',
          parameters: { type: 'object', properties: { q: { type: 'string' } } },
        },
      },
      { type: 'function', function: { name: 'b', parameters: { type: 'object', properties: {} } } },
    ]);
    assert.equal(body.tool_choice, 'auto');
    assert.deepEqual(chatBody({ ...REQ, tools: [{ name: 'a' }], toolChoice: { name: 'a' } }, false).tool_choice, {
      type: 'function',
      function: { name: 'a' },
    });
  });

  it('tools without a tool choice send none (the gateway’s default)', () => {
    assert.equal('tool_choice' in chatBody({ ...REQ, tools: [{ name: 'a' }] }, false), false);
  });

  it('no tools: neither tools nor a tool choice is sent', () => {
    for (const tools of [undefined, []]) {
      const body = chatBody({ ...REQ, ...(tools ? { tools } : {}), toolChoice: 'required' }, false);
      assert.equal('tools' in body, false);
      assert.equal('tool_choice' in body, false);
    }
  });

  it('messages: content parts with images as data URLs, tool calls, tool results', () => {
    const body = chatBody(
      {
        model: 'm',
        messages: [
          {
            role: 'user',
            content: 'ignored when there are parts',
            parts: [
              { type: 'text', text: 'look' },
              { type: 'image', mimeType: 'image/png', data: 'iVBOR' },
            ],
          },
          { role: 'assistant', content: '', toolCalls: [{ id: 'c1', name: 'f', arguments: '{"x":1}' }] },
          { role: 'assistant', content: 'with text', toolCalls: [{ id: 'c2', name: 'g', arguments: '{}' }] },
          { role: 'tool', content: '42', toolCallId: 'c1' },
          { role: 'assistant', content: '', toolCalls: [] },
          { role: 'user', content: 'plain', parts: [] },
        ],
      },
      false,
    );
    assert.deepEqual(body.messages, [
      {
        role: 'user',
        content: [
          { type: 'text', text: 'look' },
          { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBOR' } },
        ],
      },
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{"x":1}' } }],
      },
      {
        role: 'assistant',
        content: 'with text',
        tool_calls: [{ id: 'c2', type: 'function', function: { name: 'g', arguments: '{}' } }],
      },
      { role: 'tool', content: '42', tool_call_id: 'c1' },
      { role: 'assistant', content: '' },
      { role: 'user', content: 'plain' },
    ]);
  });
});

describe('modelPlaneError: every error body the gateways send', () => {
  const view = (e: GatewayError) => ({
    kind: e.kind,
    status: e.status,
    code: e.code,
    message: e.message,
    errorType: e.errorType,
    param: e.param,
    gateway: e.gateway,
    operation: e.operation,
  });
  const rows: ReadonlyArray<readonly [string, number, string, Partial<ReturnType<typeof view>>]> = [
    [
      'OpenAI: message, code, type and param',
      400,
      JSON.stringify({
        error: { message: 'bad temperature', type: 'invalid_request_error', code: 'bad_value', param: 'temperature' },
      }),
      {
        kind: 'validation',
        code: 'bad_value',
        message: 'bad temperature',
        errorType: 'invalid_request_error',
        param: 'temperature',
      },
    ],
    [
      'OpenAI: a numeric code is text; no code: the type stands for it',
      429,
      JSON.stringify({ error: { message: 'slow down', code: 1008 } }),
      { kind: 'rate-limited', code: '1008', message: 'slow down' },
    ],
    [
      'OpenAI: the type as the code',
      401,
      JSON.stringify({ error: { message: 'no key', type: 'authentication_error', param: '' } }),
      { kind: 'auth', code: 'authentication_error', message: 'no key', errorType: 'authentication_error' },
    ],
    [
      'OpenAI: a param that is not text is left out; no message: the status',
      403,
      JSON.stringify({ error: { param: 7 } }),
      { kind: 'forbidden', message: 'HTTP 403' },
    ],
    [
      'OpenAI: an error that is a string',
      500,
      JSON.stringify({ error: 'upstream failed' }),
      { kind: 'server', message: 'upstream failed' },
    ],
    [
      'FastAPI-style detail as text',
      422,
      JSON.stringify({ detail: 'model is required' }),
      { kind: 'validation', message: 'model is required' },
    ],
    [
      'detail as an object, written as JSON',
      422,
      JSON.stringify({ detail: [{ loc: ['body', 'model'] }] }),
      { kind: 'validation', message: '[{"loc":["body","model"]}]' },
    ],
    ['one-api envelope', 503, JSON.stringify({ success: false, message: 'busy' }), { kind: 'server', message: 'busy' }],
    [
      'one-api envelope without a message',
      502,
      JSON.stringify({ success: false, message: '' }),
      { kind: 'server', message: 'HTTP 502' },
    ],
    ['plain text', 502, '  Bad\n gateway  ', { kind: 'server', message: 'Bad gateway' }],
    ['an empty body', 504, '', { kind: 'server', message: 'HTTP 504' }],
    ['a status with no kind of its own', 418, 'teapot', { kind: 'bad-response', message: 'teapot' }],
    [
      'model_not_found on 400 is not-found',
      400,
      JSON.stringify({ error: { message: 'no such model', code: 'model_not_found' } }),
      { kind: 'not-found', code: 'model_not_found', message: 'no such model' },
    ],
    [
      'model_not_found on another status keeps that status’s kind',
      500,
      JSON.stringify({ error: { message: 'upstream', code: 'model_not_found' } }),
      { kind: 'server', code: 'model_not_found', message: 'upstream' },
    ],
    [
      '404 for any reason is not-found',
      404,
      JSON.stringify({ error: { message: 'gone', code: 'other' } }),
      { kind: 'not-found', code: 'other', message: 'gone' },
    ],
    [
      '404 model_not_found is not-found',
      404,
      JSON.stringify({ error: { message: 'gone', code: 'model_not_found' } }),
      { kind: 'not-found', code: 'model_not_found', message: 'gone' },
    ],
  ];
  for (const [name, status, text, expected] of rows) {
    it(name, () => {
      assert.deepEqual(view(modelPlaneError(status, text, 'G', 'chat')), {
        kind: undefined,
        status,
        code: undefined,
        message: undefined,
        errorType: undefined,
        param: undefined,
        gateway: 'G',
        operation: 'chat',
        ...expected,
      });
    });
  }

  it('an error sent with a success status is classified by its meaning', () => {
    const e = modelPlaneError(200, JSON.stringify({ success: false, message: '无效的令牌' }), 'G', 'chat');
    assert.equal(e.status, 200);
    assert.equal(e.kind, 'auth');
    const other = modelPlaneError(299, JSON.stringify({ success: false, message: 'something odd' }), 'G', 'chat');
    assert.notEqual(other.kind, 'bad-response', 'a 2xx is read by its message, not by its status');
    assert.equal(modelPlaneError(300, 'x', 'G', 'chat').kind, 'bad-response');
    assert.equal(modelPlaneError(199, 'x', 'G', 'chat').kind, 'bad-response');
  });

  it('the Retry-After given wins; else the headers say when; the request id and rate limits come from the headers', () => {
    const headers = {
      'retry-after-ms': '1500',
      'x-request-id': 'req_abc123',
      'x-ratelimit-remaining-requests': '0',
      'x-ratelimit-limit-requests': '60',
    };
    const given = modelPlaneError(429, '', 'G', 'chat', 7000, headers);
    assert.equal(given.retryAfterMs, 7000);
    const fromHeaders = modelPlaneError(429, '', 'G', 'chat', undefined, headers);
    assert.equal(fromHeaders.retryAfterMs, 1500);
    assert.equal(fromHeaders.requestId, 'req_abc123');
    assert.equal(fromHeaders.rateLimit?.requests?.remaining, 0);
    assert.equal(fromHeaders.rateLimit?.requests?.limit, 60);
    const none = modelPlaneError(429, '', 'G', 'chat');
    assert.equal(none.retryAfterMs, undefined);
    assert.equal(none.requestId, undefined);
    assert.equal(none.rateLimit, undefined);
  });
});

describe('chat(): one request, one completion', () => {
  it('sends POST <base>/chat/completions with the key, the extra headers and the body, never retried', async () => {
    const ac = new AbortController();
    const { plane, sent } = client({ text: completion() });
    await plane.chat(REQ, 'sk-test', ac.signal);
    assert.equal(sent.length, 1);
    assert.deepEqual(sent[0], {
      method: 'POST',
      url: 'https://gw.example/v1/chat/completions',
      headers: { 'x-extra': '1', authorization: 'Bearer sk-test' },
      json: { model: 'gpt-4.1', messages: [{ role: 'user', content: 'hi' }] },
      signal: ac.signal,
      operation: 'chat',
      retry: false,
    });
  });

  it('the key wins over an extra header of the same name', async () => {
    const r = recorder({ text: completion() });
    await new OpenAiCompatible(r.http, 'https://gw.example/v1', 'G', { authorization: 'Bearer other' }).chat(
      REQ,
      'sk-mine',
    );
    assert.equal(r.sent[0]?.headers?.authorization, 'Bearer sk-mine');
    assert.equal(r.sent[0]?.url, 'https://gw.example/v1/chat/completions');
  });

  it('returns the completion: id, model, content, tool calls, finish reason and usage', async () => {
    const { plane } = client({
      text: completion({
        choices: [
          {
            message: {
              content: null,
              tool_calls: [
                { id: 'c1', function: { name: 'f', arguments: '{"a":1}' } },
                { id: '', function: { name: '' } },
                {},
              ],
            },
            finish_reason: 'tool_calls',
          },
          { message: { content: 'second choice' }, finish_reason: 'stop' },
        ],
      }),
    });
    assert.deepEqual(await plane.chat(REQ, 'k'), {
      id: 'chatcmpl-1',
      model: 'gpt-4.1-2025',
      content: '',
      toolCalls: [
        { index: 0, id: 'c1', name: 'f', arguments: '{"a":1}' },
        { index: 1, arguments: '' },
        { index: 2, arguments: '' },
      ],
      finishReason: 'tool_calls',
      usage: { promptTokens: 3, completionTokens: 2, totalTokens: 5 },
    });
  });

  it('an answer without id, model, finish reason or a valid usage leaves them out', async () => {
    const { plane } = client({
      text: JSON.stringify({
        id: '',
        model: null,
        choices: [{ message: { content: 'x' } }],
        usage: { prompt_tokens: -1 },
      }),
    });
    assert.deepEqual(await plane.chat(REQ, 'k'), { content: 'x', toolCalls: [], finishReason: null });
    const empty = client({ text: JSON.stringify({ choices: [{}], usage: {} }) });
    assert.deepEqual(await empty.plane.chat(REQ, 'k'), { content: '', toolCalls: [], finishReason: null });
  });

  it('2xx is a success, 199 and 300 are not', async () => {
    for (const status of [200, 201, 299])
      assert.equal((await client({ status, text: completion() }).plane.chat(REQ, 'k')).content, 'hello');
    for (const status of [199, 300, 302]) {
      const e = await caught(client({ status, text: completion() }).plane.chat(REQ, 'k'));
      assert.equal(e.status, status);
      assert.equal(e.operation, 'chat');
      assert.equal(e.gateway, 'AIone (Work)');
    }
  });

  it('an error status throws the error of its body, with the Retry-After of the response', async () => {
    const e = await caught(
      client({ status: 429, text: JSON.stringify({ error: { message: 'slow down' } }), retryAfterMs: 3000 }).plane.chat(
        REQ,
        'k',
      ),
    );
    assert.deepEqual([e.kind, e.message, e.retryAfterMs], ['rate-limited', 'slow down', 3000]);
  });

  it('an error envelope with a 200 is an error, not an empty completion', async () => {
    for (const text of [
      JSON.stringify({ error: { message: 'quota' } }),
      JSON.stringify({ success: false, message: 'quota' }),
    ]) {
      const e = await caught(client({ text, retryAfterMs: 10 }).plane.chat(REQ, 'k'));
      assert.equal(e.status, 200);
      assert.equal(e.message, 'quota');
      assert.equal(e.retryAfterMs, 10);
    }
  });

  it('a body that is not JSON, or has no choice, is a bad response', async () => {
    assert.equal((await caught(client({ text: '<html>' }).plane.chat(REQ, 'k'))).kind, 'bad-response');
    assert.equal(
      (await caught(client({ text: JSON.stringify({ choices: [] }) }).plane.chat(REQ, 'k'))).kind,
      'bad-response',
    );
  });
});

describe('streamChat(): the stream, or whatever came instead', () => {
  const sse = (d: unknown) => `data: ${JSON.stringify(d)}\n\n`;

  it('sends the streaming body, reads the SSE stream with the client’s silence limit, and closes', async () => {
    const r = client({
      headers: { 'content-type': 'text/event-stream; charset=utf-8' },
      chunks: [
        sse({ choices: [{ delta: { content: 'he' } }] }),
        sse({ choices: [{ delta: { content: 'llo' }, finish_reason: 'stop' }] }),
      ],
    });
    const events = await drain(r.plane.streamChat(REQ, 'sk-s'));
    assert.deepEqual(events, [
      { type: 'text', text: 'he' },
      { type: 'text', text: 'llo' },
      { type: 'finish', reason: 'stop' },
    ]);
    assert.deepEqual(r.sent[0], {
      method: 'POST',
      url: 'https://gw.example/v1/chat/completions',
      headers: { 'x-extra': '1', authorization: 'Bearer sk-s' },
      json: {
        model: 'gpt-4.1',
        messages: [{ role: 'user', content: 'hi' }],
        stream: true,
        stream_options: { include_usage: true },
      },
      signal: undefined,
      operation: 'chat stream',
      retry: false,
    });
    assert.equal(r.silence.length, 1, 'the silence limit is the client’s');
    assert.equal(r.closed(), 1);
  });

  it('an error in the middle of the stream carries the response’s request id when it names none', async () => {
    const r = client({
      headers: { 'content-type': 'text/event-stream', 'x-request-id': 'req-h1' },
      chunks: [
        sse({ choices: [{ delta: { content: 'he' } }] }),
        sse({ error: { message: 'upstream failed', type: 'server_error' } }),
      ],
    });
    const e = await caught(drain(r.plane.streamChat(REQ, 'k')));
    assert.equal(e.requestId, 'req-h1');
    assert.equal(r.closed(), 1);
  });

  it('an error status is an error even when it says it is a stream', async () => {
    for (const status of [199, 300]) {
      const r = client({
        status,
        headers: { 'content-type': 'text/event-stream' },
        text: JSON.stringify({ error: { message: 'nope' } }),
      });
      const e = await caught(drain(r.plane.streamChat(REQ, 'k')));
      assert.deepEqual([e.status, e.message], [status, 'nope']);
    }
  });

  it('no content type, ndjson or text/plain: read as a stream', async () => {
    for (const type of [undefined, 'application/x-ndjson', 'TEXT/PLAIN']) {
      const r = client({
        headers: type ? { 'content-type': type } : {},
        chunks: [sse({ choices: [{ delta: { content: 'x' }, finish_reason: 'stop' }] })],
      });
      assert.deepEqual(await drain(r.plane.streamChat(REQ, 'k')), [
        { type: 'text', text: 'x' },
        { type: 'finish', reason: 'stop' },
      ]);
    }
  });

  it('an error status: the error of its body, and the connection closed', async () => {
    for (const status of [199, 300, 401]) {
      const r = client({
        status,
        text: JSON.stringify({ error: { message: 'no' } }),
        headers: { 'content-type': 'application/json' },
      });
      const e = await caught(drain(r.plane.streamChat(REQ, 'k')));
      assert.deepEqual([e.status, e.message, e.operation], [status, 'no', 'chat stream']);
      assert.equal(r.closed(), 1);
    }
  });

  it('a whole JSON completion instead of a stream becomes its events, finish "stop" when it names none', async () => {
    const r = client({
      headers: { 'content-type': 'application/json' },
      text: JSON.stringify({
        choices: [
          { message: { content: 'whole', tool_calls: [{ id: 'c', function: { name: 'f', arguments: '{}' } }, {}] } },
        ],
        usage: { prompt_tokens: 1, completion_tokens: 1 },
      }),
    });
    assert.deepEqual(await drain(r.plane.streamChat(REQ, 'k')), [
      { type: 'text', text: 'whole' },
      { type: 'tool-call', index: 0, id: 'c', name: 'f', argumentsDelta: '{}' },
      { type: 'tool-call', index: 1, argumentsDelta: '' },
      { type: 'finish', reason: 'stop' },
      { type: 'usage', usage: { promptTokens: 1, completionTokens: 1, totalTokens: 2 } },
    ]);
    assert.equal(r.closed(), 1);
  });

  it('a JSON completion without content or usage yields only its finish', async () => {
    const r = client({
      headers: { 'content-type': 'application/json; charset=utf-8' },
      text: JSON.stringify({ choices: [{ message: { content: '' }, finish_reason: 'length' }] }),
    });
    assert.deepEqual(await drain(r.plane.streamChat(REQ, 'k')), [{ type: 'finish', reason: 'length' }]);
  });

  it('a JSON error envelope with a 200 is an error', async () => {
    const r = client({
      headers: { 'content-type': 'application/json' },
      text: JSON.stringify({ success: false, message: 'busy' }),
    });
    const e = await caught(drain(r.plane.streamChat(REQ, 'k')));
    assert.deepEqual([e.status, e.message], [200, 'busy']);
    assert.equal(r.closed(), 1);
  });

  it('a page that is neither a stream nor JSON: bad-response / not-a-stream, with what it was', async () => {
    const page = client({
      headers: { 'content-type': 'text/html; charset=utf-8' },
      text: '<html><head><title>Login required</title></head></html>',
    });
    const e = await caught(drain(page.plane.streamChat(REQ, 'k')));
    assert.deepEqual(
      [e.kind, e.code, e.status, e.operation, e.gateway],
      ['bad-response', 'not-a-stream', 200, 'chat stream', 'AIone (Work)'],
    );
    assert.equal(
      e.message,
      'the gateway answered with an HTML page ("Login required") instead of the gateway\'s answer — a proxy, load balancer or login page may be in the way, not a stream',
    );
    assert.equal(page.closed(), 1);
    const empty = client({ headers: { 'content-type': 'application/octet-stream; x=1' }, text: '' });
    assert.equal(
      (await caught(drain(empty.plane.streamChat(REQ, 'k')))).message,
      'the gateway answered with a application/octet-stream body, not a stream',
    );
  });
});

describe('listModelIds()', () => {
  it('GET <base>/models with the token; ids with their owner when there is one', async () => {
    const r = client({
      text: JSON.stringify({ data: [{ id: 'a', owned_by: 'openai' }, { id: 'b', owned_by: '' }, { id: 'c' }] }),
    });
    assert.deepEqual(await r.plane.listModelIds('tok'), [{ id: 'a', ownedBy: 'openai' }, { id: 'b' }, { id: 'c' }]);
    assert.deepEqual(r.sent[0], {
      method: 'GET',
      url: 'https://gw.example/v1/models',
      headers: { 'x-extra': '1', authorization: 'Bearer tok' },
      signal: undefined,
      operation: 'list models',
    });
  });

  it('an error status throws the error of its body; a body without data is a bad response', async () => {
    const e = await caught(
      client({ status: 401, text: JSON.stringify({ error: { message: 'who?' } }) }).plane.listModelIds('t'),
    );
    assert.deepEqual([e.kind, e.message, e.operation], ['auth', 'who?', 'list models']);
    assert.equal((await caught(client({ status: 300, text: '{}' }).plane.listModelIds('t'))).status, 300);
    assert.equal((await caught(client({ status: 199, text: '{}' }).plane.listModelIds('t'))).status, 199);
    assert.equal((await caught(client({ text: '{}' }).plane.listModelIds('t'))).kind, 'bad-response');
  });
});
