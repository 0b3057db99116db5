/**
 * Every AIHubMix path in one table (one-api lineage; docs/gateway-contract.md, "AIHubMix").
 * Deliberately absent: `GET /api/user/token` — in one-api it REGENERATES the access token and so
 * invalidates the Manage Key the user gave us. This client never calls it.
 */
export const AIHUBMIX_ROUTES = {
  self: '/api/user/self',
  tokens: '/api/token/',
  tokenSearch: '/api/token/search',
  token: (id: string) => `/api/token/${encodeURIComponent(id)}`,
  /** new-api only: reveals a masked key. */
  tokenReveal: (id: string) => `/api/token/${encodeURIComponent(id)}/key`,
  availableModels: '/api/user/available_models',
  catalogue: '/api/v1/models',
  logs: '/api/log/self',
  logStat: '/api/log/self/stat',
  status: '/api/status',
} as const;

export const AIHUBMIX_DEFAULT_BASE_URL = 'https://aihubmix.com';

/** The `order` values of the key list (one-api): each sorts the whole list on the server, descending. */
export const AIHUBMIX_TOKEN_ORDER = { mostUsed: 'used_quota', mostRemaining: 'remain_quota' } as const;
