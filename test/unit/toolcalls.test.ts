/**
 * Tool calls end to end on the OpenAI-compatible plane: the request body carries tools, tool_choice, an assistant's
 * tool_calls, tool results and image parts exactly as the API expects (the simulator records what arrived); the
 * streamed fragments are assembled by index into whole calls (also for relays that reuse index 0 or leave out ids).
 */
import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import type { ChatRequest, ChatStreamEvent } from '../../src/core/types';
import { chatBody } from '../../src/gateway/openai';
import { ToolCallAssembler, parseToolArguments } from '../../src/gateway/toolCalls';
import { gatewayFor, startSimulator, type Simulator } from './support';

const TOOLS = [
  {
    name: 'get_weather',
    description: 'Weather for a place',
    parameters: { type: 'object', properties: { location: { type: 'string' } } },
  },
];

describe('tool calls: request body', () => {
  it('sends tools, tool_choice, tool_calls of an assistant turn, tool results and image parts', () => {
    const req: ChatRequest = {
      model: 'gpt-4.1',
      tools: TOOLS,
      toolChoice: 'required',
      messages: [
        { role: 'system', content: 'be brief' },
        {
          role: 'user',
          content: '',
          parts: [
            { type: 'text', text: 'what is this?' },
            { type: 'image', mimeType: 'image/png', data: 'iVBORw0KGgo=' },
          ],
        },
        {
          role: 'assistant',
          content: '',
          toolCalls: [{ id: 'call_1', name: 'get_weather', arguments: '{"location":"Paris"}' }],
        },
        { role: 'tool', content: '{"temp":21}', toolCallId: 'call_1' },
      ],
    };
    const body = chatBody(req, true) as {
      messages: Array<Record<string, unknown>>;
      tool_choice: unknown;
      tools: unknown[];
    };
    assert.equal(body.tool_choice, 'required');
    assert.equal(body.tools.length, 1);
    assert.deepEqual(body.messages[1]!['content'], [
      { type: 'text', text: 'what is this?' },
      { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
    ]);
    assert.deepEqual(body.messages[2], {
      role: 'assistant',
      content: null,
      tool_calls: [
        { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"location":"Paris"}' } },
      ],
    });
    assert.deepEqual(body.messages[3], { role: 'tool', content: '{"temp":21}', tool_call_id: 'call_1' });
    // a named tool, and no tool_choice without tools
    assert.deepEqual(chatBody({ ...req, toolChoice: { name: 'get_weather' } }, false)['tool_choice'], {
      type: 'function',
      function: { name: 'get_weather' },
    });
    assert.equal(
      chatBody({ model: 'm', messages: [{ role: 'user', content: 'hi' }], toolChoice: 'required' }, false)[
        'tool_choice'
      ],
      undefined,
    );
    // plain text messages are unchanged
    assert.deepEqual(chatBody({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }, false)['messages'], [
      { role: 'user', content: 'hi' },
    ]);
  });
});

describe('tool calls: assembling streamed fragments', () => {
  const delta = (
    index: number,
    argumentsDelta: string,
    id?: string,
    name?: string,
  ): Extract<ChatStreamEvent, { type: 'tool-call' }> => ({
    type: 'tool-call',
    index,
    argumentsDelta,
    ...(id ? { id } : {}),
    ...(name ? { name } : {}),
  });

  it('joins fragments by index, keeps order, and parses the arguments', () => {
    const a = new ToolCallAssembler();
    a.add(delta(0, '', 'call_a', 'get_weather'));
    a.add(delta(1, '', 'call_b', 'get_time'));
    a.add(delta(0, '{"loc'));
    a.add(delta(1, '{"tz":"UTC"}'));
    a.add(delta(0, 'ation":"上海"}'));
    const calls = a.calls();
    assert.deepEqual(
      calls.map((c) => [c.id, c.name, c.arguments]),
      [
        ['call_a', 'get_weather', '{"location":"上海"}'],
        ['call_b', 'get_time', '{"tz":"UTC"}'],
      ],
    );
    assert.deepEqual(parseToolArguments(calls[0]!.arguments), { ok: true, value: { location: '上海' } });
  });

  it('a relay that numbers every call 0 but gives each its own id yields two calls', () => {
    const a = new ToolCallAssembler();
    a.add(delta(0, '{"a":1}', 'call_1', 'one'));
    a.add(delta(0, '{"b":2}', 'call_2', 'two'));
    assert.deepEqual(
      a.calls().map((c) => [c.id, c.name, c.arguments]),
      [
        ['call_1', 'one', '{"a":1}'],
        ['call_2', 'two', '{"b":2}'],
      ],
    );
  });

  it('a call without an id gets one; empty arguments mean {}; a nameless call is dropped and counted', () => {
    const a = new ToolCallAssembler((n) => `gen_${n}`);
    a.add(delta(0, '', undefined, 'noargs'));
    a.add(delta(3, '{"x":1}'));
    assert.deepEqual(a.calls(), [{ index: 0, id: 'gen_0', name: 'noargs', arguments: '{}' }]);
    assert.equal(a.nameless, 1);
  });

  it('truncated or non-object arguments are reported, not guessed', () => {
    assert.equal(parseToolArguments('{"a":').ok, false);
    assert.equal(parseToolArguments('[1]').ok, false);
    assert.equal(parseToolArguments('"x"').ok, false);
  });
});

describe('tool calls against the simulator (streamed)', () => {
  let sim: Simulator;
  before(async () => {
    sim = await startSimulator({ streamTokensPerSecond: 0 });
  });
  after(async () => {
    await sim.close();
  });

  for (const kind of ['aione', 'aihubmix'] as const) {
    it(`${kind}: a parallel tool call streams as fragments that assemble into two whole calls; the request carried tool_choice`, async () => {
      const g = gatewayFor(sim, kind);
      const apiKey = kind === 'aione' ? sim.aione.modelKey : sim.aihubmix.modelKey;
      const a = new ToolCallAssembler();
      let finish = '';
      let fragments = 0;
      for await (const ev of g.streamChat(
        {
          model: 'gpt-4.1',
          messages: [{ role: 'user', content: 'parallel tool call please' }],
          tools: TOOLS,
          toolChoice: 'auto',
        },
        { apiKey },
      )) {
        if (ev.type === 'tool-call') {
          a.add(ev);
          fragments++;
        }
        if (ev.type === 'finish') finish = ev.reason;
      }
      await g.dispose();
      assert.equal(finish, 'tool_calls');
      const calls = a.calls();
      assert.equal(calls.length, 2);
      assert.ok(fragments > calls.length * 2, 'the arguments arrived in several fragments');
      assert.equal(calls[0]!.name, 'get_weather');
      assert.deepEqual(parseToolArguments(calls[0]!.arguments), {
        ok: true,
        value: { location: '上海 Shanghai, China', unit: 'celsius', days: 3, include: ['humidity', 'wind'] },
      });
      assert.ok(calls.every((c) => c.id.startsWith('call_')));
      const rec = [...sim.requests].reverse().find((r) => r.gateway === kind && r.path === '/v1/chat/completions');
      assert.equal((rec?.body as { tool_choice?: unknown }).tool_choice, 'auto');
    });
  }
});
