/* disposeAll: every disposable is disposed, in reverse order, and the first failure is the one rethrown — whatever was thrown. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { disposeAll, toDisposable } from '../../src/platform/lifecycle';

const throwing = (value: unknown, order: string[], name: string) =>
  toDisposable(() => {
    order.push(name);
    throw value;
  });

describe('disposeAll', () => {
  it('disposes every item in reverse order and rethrows the first failure', () => {
    const order: string[] = [];
    const first = new Error('first');
    const items = [
      throwing(new Error('second'), order, 'a'),
      toDisposable(() => order.push('b')),
      throwing(first, order, 'c'),
    ];
    assert.throws(
      () => disposeAll(items),
      (e) => e === first,
    );
    assert.deepEqual(order, ['c', 'b', 'a']);
    assert.equal(items.length, 0);
  });

  it('a first failure that is null or undefined is still the one rethrown', () => {
    assert.throws(
      () => disposeAll([throwing(undefined, [], 'only')]),
      (e) => e === undefined,
    );
    const later = new Error('later');
    assert.throws(
      () => disposeAll([throwing(later, [], 'a'), throwing(null, [], 'b')]),
      (e) => e === null,
    );
  });
});
