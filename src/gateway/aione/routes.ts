/**
 * Every AIone path in one table. SOURCED: list/create/get keys, dashboard, plan, invoices.
 * INFERRED (docs/gateway-contract.md, "AIone API"; confirm against a real deployment): update, delete, rotate,
 * disable, enable, usage, billing account, the rich model list.
 */
export const AIONE_ROUTES = {
  keys: '/api/v1/gateway/keys', // SOURCED
  key: (id: string) => `/api/v1/gateway/keys/${encodeURIComponent(id)}`, // SOURCED (GET); PUT/DELETE INFERRED
  rotate: (id: string) => `/api/v1/gateway/keys/${encodeURIComponent(id)}/rotate`, // INFERRED
  disable: (id: string) => `/api/v1/gateway/keys/${encodeURIComponent(id)}/disable`, // INFERRED
  enable: (id: string) => `/api/v1/gateway/keys/${encodeURIComponent(id)}/enable`, // INFERRED
  models: '/api/v1/models', // INFERRED (ModelListResponse)
  usage: '/api/v1/obs/usage', // INFERRED
  dashboard: '/api/v1/obs/dashboard', // SOURCED
  plan: '/api/v1/billing/plan', // SOURCED
  account: '/api/v1/billing/account', // INFERRED
  invoices: '/api/v1/billing/invoices', // SOURCED
} as const;

/** Management host default (INFERRED: the docs give relative paths only). */
export const AIONE_DEFAULT_BASE_URL = 'https://api.nexara.net';
