import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { forgetSecret, redact, rememberSecret } from '../../src/core/redact';

describe('redact: the exact values the secret service holds', () => {
  it('masks a known token that no pattern would catch (no digit, shorter than 32)', () => {
    const token = 'abcdefghijklmnopQRSTUV';
    assert.equal(redact(`value ${token};`), `value ${token};`, 'not token-shaped: the patterns leave it');
    rememberSecret(token);
    try {
      assert.equal(redact(`value ${token}; again ${token}`).includes(token), false);
    } finally {
      forgetSecret(token);
    }
    assert.equal(redact(`value ${token};`), `value ${token};`);
  });
});
