/** An active key with no limits for the keys' logic tests; `over` sets what a test is about. */
import type { ApiKey } from '../../src/core/types';

export const apiKey = (over: Partial<ApiKey> = {}): ApiKey => ({
  id: 'k1',
  name: 'ci',
  maskedKey: 'sk-…',
  status: 'active',
  rawStatus: 'active',
  modelsAllowed: [],
  allowedIps: [],
  expiresAt: null,
  ...over,
});
