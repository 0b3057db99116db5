/** Display text rules: the first problem of a name, and a name cleaned of unsafe characters. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkDisplayText, stripUnsafeText } from '../../src/core/text';

describe('display text', () => {
  it('names the first problem: control before bidi before empty before invisible', () => {
    assert.equal(checkDisplayText('a\u0007\u202eb'), 'control');
    assert.equal(checkDisplayText('\u202e '), 'bidi');
    assert.equal(checkDisplayText(' \t '), 'control', 'a tab is a control character');
    assert.equal(checkDisplayText('   '), 'empty');
    assert.equal(checkDisplayText('\u200b \ufeff'), 'invisible');
    assert.equal(checkDisplayText('a\u200db'), undefined);
  });
  it('every control character becomes one space, every bidi character goes, runs of spaces collapse, the ends are trimmed', () => {
    assert.equal(stripUnsafeText('a\u0001b\u0002c'), 'a b c');
    assert.equal(stripUnsafeText('a\u0001\u0001b'), 'a b');
    assert.equal(stripUnsafeText('x\u202ey\u2066z\u200e'), 'xyz');
    assert.equal(stripUnsafeText('  a    b  '), 'a b');
    assert.equal(stripUnsafeText('\u2028line\u2029'), 'line');
    assert.equal(stripUnsafeText('plain name'), 'plain name');
  });
});
