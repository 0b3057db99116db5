/**
 * What AIHubMix (one-api) and the backends built on new-api can do; the UI asks these, never the gateway's name.
 * No dedicated rotate call (rotation is done on the client: copy, grace period, disable), a USD quota per key,
 * a full-replace update, no usage series, dashboard, plan or invoices.
 */
import type { GatewayCapabilities } from '../gateway';

export const AIHUBMIX_CAPABILITIES: GatewayCapabilities = {
  serverSideRotate: false,
  enableDisable: true,
  searchKeys: true,
  keyTotal: false,
  // one-api's `order=used_quota` / `order=remain_quota` sort every page on the server
  keyListOrders: ['mostUsed', 'mostRemaining'],
  teams: false,
  sandboxKeys: false,
  rpmTpmLimits: false,
  keyQuota: true,
  fullReplaceUpdate: true,
  editableFields: ['name', 'modelsAllowed', 'allowedIps', 'quotaUsd', 'expiresAt'],
  keyNameLimit: { max: 30, unit: 'bytes' },
  usageSeries: false,
  hourlyUsage: false,
  dashboard: false,
  plan: false,
  billingAccount: true,
  invoices: false,
  balance: true,
  usageLogs: true,
  secretsReadable: true,
  currency: 'USD',
  requestLog: 'probe',
};

/** new-api: names up to 50 bytes, and its key list reports a total. */
export const NEWAPI_CAPABILITIES: GatewayCapabilities = {
  ...AIHUBMIX_CAPABILITIES,
  keyTotal: true,
  // new-api's token list has no documented order parameter
  keyListOrders: [],
  keyNameLimit: { max: 50, unit: 'bytes' },
};
