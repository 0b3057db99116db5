/**
 * The id rules every layer shares (src/core/ids.ts): which connection, key and conversation ids are accepted, by
 * the guards and the schemas alike; and when a page read from a gateway says another may follow (src/core/page.ts).
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import {
  connectionIdSchema,
  conversationIdSchema,
  isConnectionId,
  isConversationId,
  isKeyId,
  keyIdSchema,
} from '../../src/core/ids';
import { pageOf } from '../../src/core/page';

const rules = [
  { name: 'connection id', guard: isConnectionId, schema: connectionIdSchema, max: 64 },
  { name: 'key id', guard: isKeyId, schema: keyIdSchema, max: 128 },
  { name: 'conversation id', guard: isConversationId, schema: conversationIdSchema, max: 64 },
] as const;

describe('ids: 1 to the limit of letters, digits, _ and -', () => {
  for (const { name, guard, schema, max } of rules) {
    it(`${name}: accepts every allowed character and exactly ${max} of them`, () => {
      for (const id of [
        'a',
        'Z',
        '7',
        '_',
        '-',
        'ab',
        'aione-prod_2',
        '550e8400-e29b-41d4-a716-446655440000',
        'x'.repeat(max),
      ]) {
        assert.equal(guard(id), true, id);
        assert.equal(schema.safeParse(id).success, true, id);
      }
    });

    it(`${name}: refuses the empty id, ${max + 1} characters, and any other character anywhere`, () => {
      for (const id of [
        '',
        'x'.repeat(max + 1),
        'a b',
        ' ab',
        'ab ',
        'a/b',
        '../ab',
        'ab/',
        'a.b',
        'a\nb',
        'ключ',
        'ab\u200b',
      ]) {
        assert.equal(guard(id), false, JSON.stringify(id));
        assert.equal(schema.safeParse(id).success, false, JSON.stringify(id));
      }
    });

    it(`${name}: a value that is not a string is no id, even when its text would be`, () => {
      for (const v of [123, 0, true, null, undefined, ['ab'], { id: 'ab' }]) {
        assert.equal(guard(v), false, String(v));
        assert.equal(schema.safeParse(v).success, false, String(v));
      }
    });
  }
});

describe('pages: whether another page may follow', () => {
  const items = (n: number) => Array.from({ length: n }, (_, i) => i);

  it('with a reported total: while the pages read so far hold fewer rows than the total', () => {
    assert.deepEqual(pageOf(items(10), 21, 1, 10), { items: items(10), total: 21, hasMore: true });
    assert.deepEqual(pageOf(items(10), 20, 1, 10), { items: items(10), total: 20, hasMore: false });
    assert.deepEqual(pageOf(items(10), 10, 0, 10), { items: items(10), total: 10, hasMore: false });
    assert.deepEqual(
      pageOf(items(3), 13, 0, 10),
      { items: items(3), total: 13, hasMore: true },
      'the total decides, not a short page',
    );
    assert.deepEqual(pageOf([], 0, 0, 10), { items: [], total: 0, hasMore: false });
  });

  it('without a total: when this page came back full', () => {
    const full = pageOf(items(10), undefined, 4, 10);
    assert.deepEqual(full, { items: items(10), hasMore: true });
    assert.equal('total' in full, false, 'no total is made up');
    assert.deepEqual(pageOf(items(9), undefined, 0, 10), { items: items(9), hasMore: false });
    assert.deepEqual(pageOf(items(11), undefined, 0, 10), { items: items(11), hasMore: true });
    assert.deepEqual(pageOf([], undefined, 0, 10), { items: [], hasMore: false });
  });
});
