/**
 * The wire forms of a list (a bare array, `{items}` with or without a total, `{data}`), each accepted only when the
 * schema names it; a union of forms tried in order; a schema with no form refused at once; the lenient JSON reader;
 * and the bad-response error a failed parse becomes, with and without a path prefix.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as z from 'zod';
import { listOf, listWithTotalOf, schemaError, tryParseJson } from '../../src/gateway/schema';

const ok = (s: z.ZodType, v: unknown): unknown => {
  const r = s.safeParse(v);
  assert.ok(r.success, `accepted ${JSON.stringify(v)}`);
  return r.data;
};
const refused = (s: z.ZodType, v: unknown): z.ZodError => {
  const r = s.safeParse(v);
  assert.ok(!r.success, `refused ${JSON.stringify(v)}`);
  return r.error;
};

describe('list forms', () => {
  it('each form alone: its own shape only', () => {
    const array = listOf(z.number(), ['array']);
    assert.deepEqual(ok(array, [1, 2]), [1, 2]);
    refused(array, { items: [1] });
    refused(array, { data: [1] });
    const items = listOf(z.number(), ['items']);
    assert.deepEqual(ok(items, { items: [3], total: 9 }), [3]);
    refused(items, [3]);
    const data = listOf(z.number(), ['data']);
    assert.deepEqual(ok(data, { data: [4] }), [4]);
    refused(data, { items: [4] });
    refused(data, [4]);
  });

  it('with a total: {items, total} reports it (null or absent is none); the other forms have none', () => {
    const l = listWithTotalOf(z.string(), ['items', 'array', 'data']);
    assert.deepEqual(ok(l, { items: ['a'], total: 7 }), { items: ['a'], total: 7 });
    assert.deepEqual(ok(l, { items: ['a'], total: null }), { items: ['a'], total: undefined });
    assert.deepEqual(ok(l, { items: ['a'] }), { items: ['a'], total: undefined });
    assert.deepEqual(ok(l, ['b']), { items: ['b'], total: undefined });
    assert.deepEqual(ok(l, { data: ['c'], total: 3 }), { items: ['c'], total: undefined });
    refused(l, { items: ['a'], total: 1.5 });
    assert.deepEqual(ok(listWithTotalOf(z.string(), ['items']), { items: [], total: 0 }), { items: [], total: 0 });
  });

  it('a list without a total ignores one it is sent', () => {
    assert.deepEqual(ok(listOf(z.string(), ['items']), { items: ['x'], total: 'not a number' }), ['x']);
  });

  it('several forms: any of them, nothing else; the items are checked in each', () => {
    const l = listOf(z.number(), ['array', 'data']);
    assert.deepEqual(ok(l, [1]), [1]);
    assert.deepEqual(ok(l, { data: [2] }), [2]);
    refused(l, { items: [3] });
    refused(l, ['x']);
    refused(l, { data: ['x'] });
  });

  it('a schema with no form is refused when it is made', () => {
    assert.throws(() => listOf(z.number(), []), { message: 'a list schema needs at least one form' });
  });
});

describe('lenient JSON and the error of a failed parse', () => {
  it('tryParseJson: the value, or undefined for empty or broken text', () => {
    assert.deepEqual(tryParseJson(' {"a":1} '), { a: 1 });
    assert.equal(tryParseJson('0'), 0);
    for (const t of ['', '  ', 'nope', '{"a":']) assert.equal(tryParseJson(t), undefined, t);
  });

  it('schemaError names the failing field, after the prefix when there is one', () => {
    const s = z.object({ items: z.array(z.object({ id: z.number() })) });
    const value = { items: [{ id: 'x' }] };
    const error = refused(s, value);
    const plain = schemaError(error, value, 'AIHubMix', 'list keys');
    assert.equal(plain.kind, 'bad-response');
    assert.equal(plain.gateway, 'AIHubMix');
    assert.equal(plain.operation, 'list keys');
    assert.equal(
      plain.message,
      'the answer has an unexpected value at items.0.id (Invalid input: expected number, received string)',
    );
    assert.match(schemaError(error, value, 'AIHubMix', 'list keys', ['data']).message, / at data\.items\.0\.id /);
  });
});
