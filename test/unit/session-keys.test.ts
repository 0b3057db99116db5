import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SessionKeys } from '../../src/platform/sessionKeys';

const key = (id: string) => ({ id, name: `name-${id}`, maskedKey: `sk-…${id}` });

describe('SessionKeys (the keys created in this session)', () => {
  it('lists a connection’s keys newest first, each once, and nothing of another connection', () => {
    let t = 1000;
    const s = new SessionKeys(() => t++);
    s.add('c1', key('a'));
    s.add('c2', key('b'));
    s.add('c1', key('c'), 'sk-secret-c');
    s.add('c1', key('a')); // reported again: moves to the front, not listed twice
    assert.deepEqual(
      s.of('c1').map((k) => k.keyId),
      ['a', 'c'],
    );
    assert.deepEqual(
      s.of('c2').map((k) => k.keyId),
      ['b'],
    );
    assert.equal(s.get('c1', 'c')?.secret, 'sk-secret-c');
    assert.equal(s.get('c1', 'a')?.secret, undefined, 'no secret unless one was given');
    assert.equal(s.get('c2', 'c'), undefined);
  });

  it('forgets one key, or every key of a connection', () => {
    const s = new SessionKeys();
    s.add('c1', key('a'));
    s.add('c1', key('b'));
    s.add('c2', key('c'));
    s.remove('c1', 'a');
    assert.deepEqual(
      s.of('c1').map((k) => k.keyId),
      ['b'],
    );
    s.remove('c1');
    assert.deepEqual(s.of('c1'), []);
    assert.equal(s.of('c2').length, 1);
  });
});
