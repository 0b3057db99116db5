/** The GatewayError a call throws or a promise rejects with; the test fails when there is none, or it is another error. */
import assert from 'node:assert/strict';
import { GatewayError } from '../../src/gateway/errors';

export function thrownBy(f: () => unknown): GatewayError {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof GatewayError, `expected a GatewayError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected a GatewayError');
}

export async function rejectionOf(p: Promise<unknown>): Promise<GatewayError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof GatewayError, `expected a GatewayError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected a GatewayError');
}
