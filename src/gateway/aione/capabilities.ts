/**
 * What AIone API can do; the UI asks these, never the gateway's name. Server-side rotation, teams, sandbox keys,
 * rpm / tpm limits, usage series, dashboard, plan and invoices; no per-key quota and no request logs.
 */
import type { GatewayCapabilities } from '../gateway';

export const AIONE_CAPABILITIES: GatewayCapabilities = {
  serverSideRotate: true,
  enableDisable: true,
  searchKeys: true,
  keyTotal: true,
  teams: true,
  sandboxKeys: true,
  rpmTpmLimits: true,
  keyQuota: false,
  fullReplaceUpdate: false,
  editableFields: ['name', 'modelsAllowed', 'allowedIps', 'rpmLimit', 'tpmLimit'],
  usageSeries: true,
  hourlyUsage: true,
  // INFERRED: the simulator's documented limit (test/simulator/README.md, A.6 usage: > 92 days → 422); not confirmed by AIone docs
  maxUsageRangeDays: 92,
  dashboard: true,
  plan: true,
  billingAccount: true,
  invoices: true,
  balance: true,
  usageLogs: false,
  secretsReadable: false,
  currency: 'CNY',
  requestLog: 'offered',
};
