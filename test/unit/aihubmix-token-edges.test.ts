/**
 * AIHubMix token fields at their edges: a quota count beyond 2^53 is priced as the gateway wrote it (not as the
 * nearest double's digits), and every deletion marker either dialect sends is a field this client reads, never
 * reported as unmodeled.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mapToken, unitsToUsd } from '../../src/gateway/aihubmix/mapping';
import type { Token } from '../../src/gateway/aihubmix/schemas';

const token: Token = {
  id: 7,
  user_id: 1,
  key: 'AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcdefghijkl',
  status: 1,
  name: 'ci',
  created_time: 1_790_000_000,
  accessed_time: 1_790_000_060,
  expired_time: -1,
  remain_quota: 1_000_000,
  unlimited_quota: false,
  used_quota: 250_000,
  models: '',
  subnet: '',
};

describe('AIHubMix token edges', () => {
  it('a quota count past 2^54 is priced from its written digits', () => {
    // JSON.parse gives the double nearest 18014398509482150; its shortest text is those digits, and the price is
    // theirs (the double itself is 18014398509482152: 36028797018.964304)
    assert.deepEqual(unitsToUsd(18014398509482150), { amount: '36028797018.9643', currency: 'USD' });
  });

  it('deletion markers of both dialects are read, not unmodeled', () => {
    for (const marker of ['deleted_at', 'DeletedAt']) {
      const raw = { ...token, [marker]: null, group: 'vip' };
      assert.deepEqual(mapToken(token, 0, raw).unmodeled, { group: 'vip' }, marker);
    }
  });
});
