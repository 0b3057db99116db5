/**
 * The adapters' shared parsing and sending rules (src/gateway/schema.ts), as tables: what a field must look like to
 * be read, the error that names it when it does not, and the numbers and dates that never reach the wire.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as z from 'zod';
import {
  badResponse,
  decimalLike,
  idLike,
  int,
  intLike,
  listLike,
  parseJson,
  parseWith,
  pathText,
  toList,
  wireDate,
  wireInt,
  wireList,
  wireTime,
} from '../../src/gateway/schema';
import { thrownBy as thrown } from './gateway-error-fixtures';

describe('schema: reading an answer', () => {
  it('empty text is no value; invalid JSON is a bad-response naming the call', () => {
    assert.equal(parseJson('', 'G', 'op'), undefined);
    assert.equal(parseJson(' \n\t', 'G', 'op'), undefined);
    assert.deepEqual(parseJson(' {"a":[1]} ', 'G', 'op'), { a: [1] });
    const e = thrown(() => parseJson('{"a":', 'AIone (Work)', 'list keys'));
    assert.equal(e.kind, 'bad-response');
    assert.equal(e.message, 'the answer is not valid JSON');
    assert.equal(e.gateway, 'AIone (Work)');
    assert.equal(e.operation, 'list keys');
    assert.equal((e.cause as Error).name, 'SyntaxError', 'the parser’s error is the cause');
  });

  it('a field path reads dotted, the whole answer as (root)', () => {
    assert.equal(pathText([]), '(root)');
    assert.equal(pathText(['data', 0, 'id']), 'data.0.id');
  });

  it('the bad-response sentence: empty answer, missing field, wrong value (with the detail when known)', () => {
    const table: Array<[readonly PropertyKey[], boolean, string | undefined, string, string]> = [
      [[], true, undefined, 'the answer is empty', '(root)'],
      [[], false, undefined, 'the answer has an unexpected value at (root)', '(root)'],
      [['data'], true, 'ignored', 'the answer lacks the required field data', 'data'],
      [
        ['data', 'id'],
        false,
        'Invalid input: expected string',
        'the answer has an unexpected value at data.id (Invalid input: expected string)',
        'data.id',
      ],
      [['items', 3], false, undefined, 'the answer has an unexpected value at items.3', 'items.3'],
      [['x'], false, '', 'the answer has an unexpected value at x', 'x'],
    ];
    for (const [path, missing, detail, message, at] of table) {
      const e = badResponse('G', 'op', path, missing, detail);
      assert.equal(e.kind, 'bad-response');
      assert.equal(e.message, message);
      assert.equal(e.path, at);
      assert.equal(e.gateway, 'G');
      assert.equal(e.operation, 'op');
    }
  });

  it('a failed parse names the field: absent (lacks), present but wrong (unexpected), at any depth, with a prefix', () => {
    const schema = z.object({ data: z.object({ id: z.string(), items: z.array(z.object({ n: z.number() })) }) });
    const cases: Array<[unknown, string, string]> = [
      [undefined, 'the answer is empty', '(root)'],
      [null, 'the answer has an unexpected value at (root)', '(root)'],
      [{}, 'the answer lacks the required field data', 'data'],
      [{ data: 5 }, 'the answer has an unexpected value at data', 'data'],
      [{ data: { items: [] } }, 'the answer lacks the required field data.id', 'data.id'],
      [{ data: { id: 7, items: [] } }, 'the answer has an unexpected value at data.id', 'data.id'],
      [
        { data: { id: 'a', items: [{ n: 1 }, {}] } },
        'the answer lacks the required field data.items.1.n',
        'data.items.1.n',
      ],
      [
        { data: { id: 'a', items: [{ n: 'x' }] } },
        'the answer has an unexpected value at data.items.0.n',
        'data.items.0.n',
      ],
      [{ data: { id: 'a', items: {} } }, 'the answer has an unexpected value at data.items', 'data.items'],
    ];
    for (const [value, message, path] of cases) {
      const e = thrown(() => parseWith(schema, value, 'G', 'op'));
      assert.ok(e.message.startsWith(message), `${JSON.stringify(value)}: ${e.message}`);
      assert.equal(e.path, path);
    }
    const prefixed = thrown(() => parseWith(schema, {}, 'G', 'op', ['body']));
    assert.equal(prefixed.message, 'the answer lacks the required field body.data');
    assert.deepEqual(parseWith(schema, { data: { id: 'a', items: [] } }, 'G', 'op'), { data: { id: 'a', items: [] } });
  });

  it('a key that is present with no value is a wrong value, not a missing one; a path through an array', () => {
    const e = thrown(() => parseWith(z.object({ a: z.string() }), { a: undefined }, 'G', 'op'));
    assert.match(e.message, /^the answer has an unexpected value at a/);
    const arr = thrown(() => parseWith(z.array(z.object({ id: z.string() })), [{ id: 'x' }, {}], 'G', 'op'));
    assert.equal(arr.message, 'the answer lacks the required field 1.id');
    const nested = thrown(() =>
      parseWith(z.object({ l: z.array(z.array(z.object({ id: z.string() }))) }), { l: [[{}]] }, 'G', 'op'),
    );
    assert.equal(nested.message, 'the answer lacks the required field l.0.0.id');
  });

  it('inside a union the error names the branch that got deepest into the value', () => {
    const u = z.union([z.object({ a: z.object({ b: z.string() }) }), z.string()]);
    const e = thrown(() => parseWith(u, { a: { b: 1 } }, 'G', 'op'));
    assert.equal(e.path, 'a.b');
    const shallow = thrown(() => parseWith(u, 5, 'G', 'op'));
    assert.equal(shallow.path, '(root)', 'no branch got into a number');
    const deepFirst = z.union([
      z.object({ a: z.object({ b: z.object({ c: z.string() }) }) }),
      z.object({ a: z.object({ x: z.string() }) }),
    ]);
    assert.equal(thrown(() => parseWith(deepFirst, { a: { b: {} } }, 'G', 'op')).path, 'a.b.c');
    const deepSecond = z.union([
      z.object({ a: z.string() }),
      z.object({ a: z.object({ b: z.object({ c: z.string() }) }) }),
    ]);
    assert.equal(thrown(() => parseWith(deepSecond, { a: { b: {} } }, 'G', 'op')).path, 'a.b.c');
    const tie = z.union([z.object({ a: z.string() }), z.object({ b: z.string() })]);
    const t = thrown(() => parseWith(tie, {}, 'G', 'op'));
    assert.equal(t.path, 'a', 'equally deep: the first branch');
    assert.equal(t.message, 'the answer lacks the required field a');
    assert.equal(
      shallow.message,
      'the answer has an unexpected value at (root) (Invalid input)',
      'no branch deeper than the union: the union’s own issue',
    );
  });
});

describe('schema: the lenient field types', () => {
  const ok = <T>(s: z.ZodType<T>, v: unknown): T => {
    const r = s.safeParse(v);
    assert.ok(r.success, `${JSON.stringify(v)} should be accepted`);
    return r.data;
  };
  const no = (s: z.ZodType, v: unknown): void =>
    assert.equal(s.safeParse(v).success, false, `${JSON.stringify(v)} should be refused`);

  it('intLike: a JSON integer or a string of digits (signed), as a number; nothing else', () => {
    assert.equal(ok(intLike, 5), 5);
    assert.equal(ok(intLike, '42'), 42);
    assert.equal(ok(intLike, '-12'), -12);
    for (const v of [1.5, '1.5', '12a', 'a12', ' 12', '', '+-1', null, true]) no(intLike, v);
    assert.equal(ok(int, 3), 3);
    for (const v of ['3', 3.5]) no(int, v);
  });

  it('decimalLike: a decimal string kept exactly as sent, or a finite JSON number as its string', () => {
    for (const v of ['12.50', '0', '-3', '+1', '.5', '.55', '7.', '1e5', '1e10', '1E-5', '2.5e+3'])
      assert.equal(ok(decimalLike, v), v);
    assert.equal(ok(decimalLike, 1.25), '1.25');
    assert.equal(ok(decimalLike, -0.5), '-0.5');
    for (const v of [
      '12abc',
      'abc12',
      '1.2.3',
      '',
      '.',
      'e5',
      '1e',
      '1,5',
      ' 1',
      Number.NaN,
      Number.POSITIVE_INFINITY,
      null,
    ])
      no(decimalLike, v);
  });

  it('idLike: a non-empty string or a number, as a string', () => {
    assert.equal(ok(idLike, 'k-1'), 'k-1');
    assert.equal(ok(idLike, 17), '17');
    for (const v of ['', null, undefined, {}]) no(idLike, v);
  });

  it('lists: arrays, comma or newline separated text, null; entries trimmed, empty ones dropped', () => {
    assert.deepEqual(toList(null), []);
    assert.deepEqual(toList(undefined), []);
    assert.deepEqual(toList(''), []);
    assert.deepEqual(toList('a, b,,c '), ['a', 'b', 'c']);
    assert.deepEqual(toList('10.0.0.1\n10.0.0.2\r\n'), ['10.0.0.1', '10.0.0.2']);
    assert.deepEqual(toList([' a ', '', '  ', 'b']), ['a', 'b']);
    assert.deepEqual(toList('a;b c'), ['a;b c'], 'only commas and newlines separate');
    assert.deepEqual(toList(' gpt-4o '), ['gpt-4o'], 'one entry, no separator');
    assert.deepEqual(toList(' \t'), [], 'blank');
    assert.deepEqual(toList(','), []);
    assert.deepEqual(toList('a,'), ['a'], 'the last entry ends at the end');
    assert.deepEqual(toList(',b'), ['b'], 'the first entry starts at the start');
    assert.deepEqual(ok(wireList, ['x']), ['x']);
    no(wireList, 5);
    assert.deepEqual(ok(listLike, undefined), []);
    assert.deepEqual(ok(listLike, 'a,b'), ['a', 'b']);
  });
});

describe('schema: what never reaches the wire', () => {
  const f = { field: 'rpm_limit', input: 'rpmLimit' as const, gateway: 'AIone (Work)', operation: 'create key' };

  it('wireInt: finite safe integers at or above the minimum pass unchanged', () => {
    for (const v of [0, 1, 60, Number.MAX_SAFE_INTEGER]) assert.equal(wireInt(v, f), v);
    assert.equal(wireInt(1, f, 1), 1);
    assert.equal(wireInt(-5, f, -5), -5);
  });

  it('wireInt: NaN, ±Infinity, fractions, unsafe integers, below the minimum and non-numbers are refused, naming the field', () => {
    const table: Array<[unknown, number, string]> = [
      [Number.NaN, 0, 'NaN'],
      [Number.POSITIVE_INFINITY, 0, 'Infinity'],
      [Number.NEGATIVE_INFINITY, 0, '-Infinity'],
      [1.5, 0, '1.5'],
      [2 ** 53, 0, '9007199254740992'],
      [-1, 0, '-1'],
      [0, 1, '0'],
      ['5', 0, '"5"'],
    ];
    for (const [value, min, shown] of table) {
      const e = thrown(() => wireInt(value as number, f, min));
      assert.equal(e.kind, 'validation');
      assert.equal(e.message, `rpm_limit must be a whole number of ${min} or more (got ${shown}); nothing was sent`);
      assert.equal(e.gateway, 'AIone (Work)');
      assert.equal(e.operation, 'create key');
      assert.deepEqual(e.fieldErrors, [
        { field: 'rpm_limit', message: `must be a whole number of ${min} or more`, input: 'rpmLimit' },
      ]);
    }
    const noInput = thrown(() => wireInt(-1, { field: 'quota', operation: 'op' }));
    assert.deepEqual(noInput.fieldErrors, [{ field: 'quota', message: 'must be a whole number of 0 or more' }]);
  });

  it('wireTime: a finite instant within ±8.64e15 ms (what Date can hold)', () => {
    for (const v of [0, Date.parse('2026-01-01T00:00:00Z'), 8.64e15, -8.64e15, 0.5]) assert.equal(wireTime(v, f), v);
    for (const [v, shown] of [
      [8.64e15 + 1, '8640000000000001'],
      [-8.64e15 - 1, '-8640000000000001'],
      [Number.NaN, 'NaN'],
      [Number.POSITIVE_INFINITY, 'Infinity'],
      ['0', '"0"'],
    ] as const) {
      const e = thrown(() => wireTime(v as number, f));
      assert.equal(e.message, `rpm_limit must be a valid point in time (got ${shown}); nothing was sent`);
      assert.equal(e.kind, 'validation');
    }
  });

  it('wireDate: an ISO-8601 date-time is sent unchanged; anything unparseable is refused', () => {
    for (const v of ['2026-01-01T00:00:00Z', '2026-01-01T08:00:00+08:00', '2026-01-01'])
      assert.equal(wireDate(v, f), v);
    for (const [v, shown] of [
      ['tomorrow', '"tomorrow"'],
      ['', '""'],
      [5, '5'],
    ] as const) {
      const e = thrown(() => wireDate(v as string, f));
      assert.equal(e.message, `rpm_limit must be an ISO-8601 date-time (got ${shown}); nothing was sent`);
    }
  });
});
