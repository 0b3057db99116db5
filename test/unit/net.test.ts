import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isLoopbackHost } from '../../src/core/net';
import { checkBaseUrl } from '../../src/platform/urls';

describe('core/net: isLoopbackHost, one meaning for the base-URL rules and the proxy bypass', () => {
  it('accepts the names and addresses that can only mean this machine', () => {
    for (const h of ['localhost', 'LOCALHOST', 'localhost.', 'api.localhost', '127.0.0.1', '127.1.2.3', '127.255.255.255', '::1', '[::1]', '0:0:0:0:0:0:0:1', '::ffff:127.0.0.1', '[::ffff:127.0.0.1]']) {
      assert.equal(isLoopbackHost(h), true, h);
    }
  });
  it('refuses names that only look local', () => {
    for (const h of ['127.example.com', '127.0.0.1.nip.io', 'localhost.example.com', 'mylocalhost', '128.0.0.1', '127.0.0.256', '127.0.0', '10.0.0.1', '::2', '::ffff:10.0.0.1', '0.0.0.0', '']) {
      assert.equal(isLoopbackHost(h), false, h);
    }
  });
  it('drives the plain-http rule: http://127.example.com needs the insecure confirmation', () => {
    assert.deepEqual(checkBaseUrl('http://127.example.com'), { ok: false, problem: 'insecure' });
    assert.equal(checkBaseUrl('http://127.0.0.1:8080/').ok, true);
  });
});
