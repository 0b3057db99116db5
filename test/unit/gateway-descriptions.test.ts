/**
 * The kinds of gateway the UI offers, in its order, and what it says of each before a connection exists: every kind
 * is offered once and described as itself, with the management token its API takes and how that token is sent.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { describeKind, GATEWAY_KINDS } from '../../src/gateway/descriptions';

describe('gateway kinds as the UI offers them', () => {
  it('AIone API first, then AIHubMix; each described as itself', () => {
    assert.deepEqual(GATEWAY_KINDS, ['aione', 'aihubmix']);
    assert.deepEqual(
      GATEWAY_KINDS.map((k) => {
        const d = describeKind(k);
        return [d.kind, d.label, d.managementToken, d.rawAuthHeader, d.modelKeyPrefix, d.envKeyName];
      }),
      [
        ['aione', 'AIone API', 'admin-token', false, undefined, 'AIONE_API_KEY'],
        ['aihubmix', 'AIHubMix', 'system-access-token', true, 'sk-', 'AIHUBMIX_API_KEY'],
      ],
    );
    for (const k of GATEWAY_KINDS) assert.match(describeKind(k).defaultBaseUrl, /^https:\/\/[^/]+$/, k);
  });
});
