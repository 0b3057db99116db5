/**
 * How streamed tool-call fragments become calls when relays differ: indexes that are missing, negative or not
 * integers; ids and names repeated in every fragment, arriving late, or changing; arguments that are blank; and
 * what the arguments' parser refuses, with its reason.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ChatStreamEvent } from '../../src/core/types';
import { ToolCallAssembler, parseToolArguments } from '../../src/gateway/toolCalls';

type Delta = Extract<ChatStreamEvent, { type: 'tool-call' }>;
const d = (index: number, argumentsDelta: string, id?: string, name?: string): Delta => ({
  type: 'tool-call',
  index,
  argumentsDelta,
  ...(id ? { id } : {}),
  ...(name ? { name } : {}),
});
const assemble = (...deltas: Delta[]) => {
  const a = new ToolCallAssembler((n) => `gen_${n}`);
  for (const x of deltas) a.add(x);
  return a;
};
const summary = (a: ToolCallAssembler) => a.calls().map((c) => [c.index, c.id, c.name, c.arguments]);

describe('assembling tool calls from their fragments', () => {
  it('an index that is negative or not an integer belongs to call 0; a positive one is its own', () => {
    assert.deepEqual(summary(assemble(d(0, '{"a"', 'c0', 'f'), d(-1, ':1'), d(1.5, '}'))), [[0, 'c0', 'f', '{"a":1}']]);
    assert.deepEqual(summary(assemble(d(0, '{}', 'c0', 'f'), d(2, '{}', 'c2', 'g'))), [
      [0, 'c0', 'f', '{}'],
      [1, 'c2', 'g', '{}'],
    ]);
  });

  it('the same id and name repeated in every fragment is one call', () => {
    assert.deepEqual(summary(assemble(d(0, '{"a":', 'c0', 'f'), d(0, '1}', 'c0', 'f'))), [[0, 'c0', 'f', '{"a":1}']]);
  });

  it('an id arriving after the name fills the call; it starts no other', () => {
    assert.deepEqual(summary(assemble(d(0, '{', undefined, 'f'), d(0, '}', 'late'))), [[0, 'late', 'f', '{}']]);
  });

  it('another id before the call has a name does not start another call, and the first id stays', () => {
    assert.deepEqual(summary(assemble(d(0, '{', 'first'), d(0, '}', 'second', 'f'))), [[0, 'first', 'f', '{}']]);
  });

  it('a later fragment naming another function does not rename the call', () => {
    assert.deepEqual(summary(assemble(d(0, '{', 'c0', 'f'), d(0, '}', undefined, 'g'))), [[0, 'c0', 'f', '{}']]);
  });

  it('blank arguments are {}', () => {
    assert.deepEqual(summary(assemble(d(0, ' \n ', 'c0', 'f'))), [[0, 'c0', 'f', '{}']]);
  });

  it('nameless calls are counted, named ones are not', () => {
    const a = assemble(d(0, '{}', 'c0', 'f'), d(1, '{}', 'c1'), d(2, '{}'));
    assert.equal(a.nameless, 2);
    assert.deepEqual(summary(a), [[0, 'c0', 'f', '{}']]);
  });

  it('the default id: call_<time>_<order of the call>, distinct per call', () => {
    const a = new ToolCallAssembler();
    a.add(d(0, '{}', undefined, 'f'));
    a.add(d(1, '{}', undefined, 'g'));
    const [first, second] = a.calls().map((c) => c.id);
    assert.match(first!, /^call_[0-9a-z]+_0$/);
    assert.match(second!, /^call_[0-9a-z]+_1$/);
  });
});

describe('parsing the arguments', () => {
  it('a JSON object only; otherwise the reason', () => {
    assert.deepEqual(parseToolArguments('{"a":[1]}'), { ok: true, value: { a: [1] } });
    const notObject = { ok: false, reason: 'the arguments are not a JSON object' };
    for (const text of ['null', '[1]', '"x"', '3', 'true']) assert.deepEqual(parseToolArguments(text), notObject, text);
    const truncated = parseToolArguments('{"a":');
    assert.equal(truncated.ok, false);
    assert.ok(
      !truncated.ok && truncated.reason !== notObject.reason && /JSON/.test(truncated.reason),
      'the parser’s own reason',
    );
  });
});
