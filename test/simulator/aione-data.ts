/** Seeded data of the simulated AIone gateway: org, teams, keys and 90 days of usage. */
import { aioneCostE4, CHAT_MODELS, PRICED_CHAT_MODELS, type CatalogModel } from './catalog';
import {
  alnum,
  apportion,
  chance,
  DAY_MS,
  epochDay,
  hash32,
  hex,
  int,
  isoMicros,
  isoSeconds,
  pick,
  rngFor,
  sample,
  uuid,
  type Rng,
} from './rng';
import type { AioneKeyRecord, AioneKeyStatus, AioneState, AioneTeam, AioneUsageCell } from './types';

export const USAGE_DAYS = 90;
export const MAX_USAGE_KEYS = 60;
/** Diurnal profile (UTC hours): Chinese working hours are 01:00–10:00 UTC. */
export const HOUR_WEIGHTS: readonly number[] = [
  40, 70, 90, 100, 95, 85, 80, 90, 95, 85, 60, 40, 30, 25, 20, 15, 12, 10, 10, 12, 15, 20, 25, 30,
];

const TEAM_NAMES = ['Platform', 'Search', 'Growth', 'Research'];
const ENVS = ['prod', 'staging', 'dev', 'ci', 'batch', 'eval'];
const APPS = [
  'backend',
  'search-indexer',
  'chatbot',
  'cursor',
  'cline',
  'etl',
  'summarizer',
  'translator',
  'notebook',
  'agent',
  'support-bot',
  'rag',
];
const CJK_NAMES = ['客服机器人', '数据分析', '翻译服务', '内部知识库', '代码助手'];
const IP_POOL = [
  '10.0.0.0/8',
  '192.168.1.0/24',
  '203.0.113.7',
  '198.51.100.0/24',
  '2001:db8::/32',
  '172.16.5.4',
  '2001:db8:85a3::8a2e:370:7334',
];

export function newAioneSecret(rng: Rng): string {
  return 'sk-nex-' + alnum(rng, 40);
}

export function aioneKeyPrefix(secret: string): string {
  return secret.slice(0, 11);
}

export function maskAioneSecret(secret: string): string {
  return `${aioneKeyPrefix(secret)}…${secret.slice(-4)}`;
}

function keyName(rng: Rng, i: number, keyCount: number): string {
  if (i === 0) {
    return 'default-dev';
  }
  const digits = keyCount >= 1000 ? 5 : 2;
  if (chance(rng, 0.08)) {
    return `${pick(rng, CJK_NAMES)}-${String(i).padStart(digits, '0')}`;
  }
  return `${pick(rng, ENVS)}-${pick(rng, APPS)}-${String(i).padStart(digits, '0')}`;
}

export function generateAioneKeys(
  seed: number,
  keyCount: number,
  anchor: number,
  orgId: string,
  teams: AioneTeam[],
): AioneKeyRecord[] {
  const rng = rngFor(seed, 'aione-keys');
  const span = 400 * DAY_MS;
  const step = span / Math.max(1, keyCount);
  const keys: AioneKeyRecord[] = [];
  for (let i = 0; i < keyCount; i++) {
    const createdMs = Math.floor(anchor - span + i * step + rng() * step * 0.8);
    const secret = newAioneSecret(rng);
    const r = rng();
    let status: AioneKeyStatus = 'active';
    let graceUntil: number | null = null;
    if (i !== 0) {
      if (r < 0.1) {
        status = 'disabled';
      } else if (r < 0.2) {
        status = 'expired';
      } else if (r < 0.25) {
        graceUntil = anchor + int(rng, 1, 48) * 3_600_000;
      }
    }
    let expiresMs: number | null = null;
    if (status === 'expired') {
      expiresMs = anchor - int(rng, 1, 60) * DAY_MS - int(rng, 0, 86_399) * 1000;
    } else if (i !== 0 && chance(rng, status === 'disabled' ? 0.2 : 0.3)) {
      expiresMs = anchor + (chance(rng, 0.3) ? int(rng, 1, 7) : int(rng, 8, 180)) * DAY_MS + int(rng, 0, 86_399) * 1000;
    }
    let models: string[] | null = [];
    const mr = rng();
    if (i !== 0 && mr < 0.25) {
      models = sample(rng, CHAT_MODELS, int(rng, 1, 3)).map((m) => m.id);
    } else if (i !== 0 && mr < 0.3) {
      models = null;
    }
    let ips: string[] | null = [];
    const ir = rng();
    if (i !== 0 && ir < 0.2) {
      ips = sample(rng, IP_POOL, int(rng, 1, 3));
    } else if (i !== 0 && ir < 0.25) {
      ips = null;
    }
    const rpm = chance(rng, 0.55) ? pick(rng, [60, 120, 300, 600, 1200, 3000]) : null;
    const tpm = chance(rng, 0.5) ? pick(rng, [50_000, 100_000, 500_000, 1_000_000, 2_000_000]) : null;
    const sandbox = i !== 0 && chance(rng, 0.08);
    const team = i === 0 || chance(rng, 0.85) ? pick(rng, teams).id : null;
    const k: AioneKeyRecord = {
      id: uuid(rng),
      org_id: orgId,
      team_id: team,
      name: keyName(rng, i, keyCount),
      secret,
      key_prefix: aioneKeyPrefix(secret),
      models_allowed: models,
      rpm_limit: rpm,
      tpm_limit: tpm,
      is_sandbox: sandbox,
      allowed_ips: ips,
      expires_at: expiresMs === null ? null : isoSeconds(expiresMs),
      rotate_grace_until: graceUntil === null ? null : isoSeconds(graceUntil),
      status,
      created_at: isoMicros(createdMs, int(rng, 0, 999_999)),
      previousSecrets: graceUntil === null ? [] : [{ secret: newAioneSecret(rng), validUntil: graceUntil }],
    };
    keys.push(k);
  }
  return keys;
}

function modelProfile(m: CatalogModel): { prompt: number; completion: number } {
  const h = hash32(m.id);
  return { prompt: 400 + (h % 2100), completion: 120 + ((h >>> 12) % 680) };
}

/** Splits a whole-day cell into per-hour cells with the diurnal profile (every integer field sums exactly). */
export function splitByHour(c: AioneUsageCell): AioneUsageCell[] {
  const reqs = apportion(c.requests, HOUR_WEIGHTS);
  const prompt = apportion(c.promptTokens, reqs);
  const completion = apportion(c.completionTokens, reqs);
  const cost = apportion(c.costE4, reqs);
  const errors = apportion(c.errors, reqs);
  const lat = apportion(c.latencySum, reqs);
  const out: AioneUsageCell[] = [];
  for (let h = 0; h < 24; h++) {
    if ((reqs[h] ?? 0) === 0) {
      continue;
    }
    out.push({
      ...c,
      hour: h,
      requests: reqs[h] ?? 0,
      promptTokens: prompt[h] ?? 0,
      completionTokens: completion[h] ?? 0,
      costE4: cost[h] ?? 0,
      errors: errors[h] ?? 0,
      latencySum: lat[h] ?? 0,
    });
  }
  return out;
}

export function generateAioneUsage(seed: number, keys: AioneKeyRecord[], anchor: number): AioneUsageCell[] {
  const rng = rngFor(seed, 'aione-usage');
  const today = epochDay(anchor);
  const firstDay = today - (USAGE_DAYS - 1);
  const currentHour = new Date(anchor).getUTCHours();
  const cells: AioneUsageCell[] = [];
  const usageKeys = keys.slice(0, MAX_USAGE_KEYS);
  for (const k of usageKeys) {
    const base = Math.exp(Math.log(5) + rng() * (Math.log(600) - Math.log(5)));
    const allowed = (k.models_allowed ?? [])
      .map((id) => PRICED_CHAT_MODELS.find((m) => m.id === id))
      .filter((m): m is CatalogModel => m !== undefined);
    const models = allowed.length > 0 ? allowed : sample(rng, PRICED_CHAT_MODELS, int(rng, 1, 4));
    const shares = models.map(() => 0.2 + rng());
    const shareSum = shares.reduce((a, b) => a + b, 0);
    const createdDay = epochDay(Date.parse(k.created_at));
    let lastDay = today;
    if (k.status === 'expired' && k.expires_at) {
      lastDay = epochDay(Date.parse(k.expires_at));
    } else if (k.status === 'disabled') {
      lastDay = today - int(rng, 0, 60);
    }
    const errRate = 0.002 + rng() * 0.028;
    for (let d = firstDay; d <= today; d++) {
      if (d < createdDay || d > lastDay) {
        continue;
      }
      const dow = (d + 4) % 7; // 0 = Sunday
      const weekday = dow === 0 ? 0.45 : dow === 6 ? 0.55 : 1;
      const growth = 0.75 + (0.25 * (d - firstDay)) / (USAGE_DAYS - 1);
      models.forEach((m, mi) => {
        const share = (shares[mi] ?? 1) / shareSum;
        const requests = Math.round(base * share * weekday * growth * (0.7 + rng() * 0.6));
        if (requests <= 0) {
          return;
        }
        const prof = modelProfile(m);
        const promptTokens = Math.round(requests * prof.prompt * (0.8 + rng() * 0.4));
        const completionTokens = Math.round(requests * prof.completion * (0.8 + rng() * 0.4));
        const cell: AioneUsageCell = {
          day: d,
          hour: -1,
          keyId: k.id,
          teamId: k.team_id,
          model: m.id,
          requests,
          promptTokens,
          completionTokens,
          costE4: aioneCostE4(m, promptTokens, completionTokens),
          errors: Math.round(requests * errRate * (0.5 + rng())),
          latencySum: requests * Math.round(m.latencyMs * (0.8 + rng() * 0.45)),
        };
        if (d === today) {
          // today so far, hour by hour; each hour billed from its own tokens (as a gateway bills each request), so
          // a few hours of today are priced at the listed prices like a whole day is (an apportioned share of the
          // day's cost is up to a rounding unit off the price of the hour's tokens: a day of one request failed)
          for (const hc of splitByHour(cell)) {
            if (hc.hour <= currentHour) {
              cells.push({ ...hc, costE4: aioneCostE4(m, hc.promptTokens, hc.completionTokens) });
            }
          }
        } else {
          cells.push(cell);
        }
      });
    }
  }
  return cells;
}

export function generateAione(seed: number, keyCount: number, anchor: number): AioneState {
  const rng = rngFor(seed, 'aione-org');
  const orgId = uuid(rng);
  const adminToken = 'agc-admin-' + hex(rng, 32);
  const teams: AioneTeam[] = TEAM_NAMES.map((name) => ({ id: uuid(rng), name }));
  const planId = uuid(rng);
  const accountId = uuid(rng);
  const keys = generateAioneKeys(seed, keyCount, anchor, orgId, teams);
  const usage = generateAioneUsage(seed, keys, anchor);
  const modelKeyId = keys[0]?.id ?? '';
  keys.sort((a, b) => (a.created_at < b.created_at ? 1 : a.created_at > b.created_at ? -1 : 0));
  const totalCost = usage.reduce((s, c) => s + c.costE4, 0);
  // a budget ~1.4× the average month, in whole thousands of RMB (at least 1,000 RMB)
  const monthly = Math.max(1000, Math.ceil(((totalCost / 3) * 1.4) / 10_000 / 1000) * 1000);
  return {
    orgId,
    orgName: 'Acme AI Lab',
    adminToken,
    teams,
    keys,
    usage,
    balanceE4: 126_805_000,
    monthlyBudgetE4: monthly * 10_000,
    planId,
    accountId,
    accountUpdatedAt: anchor - 3 * 3_600_000,
    modelKeyId,
  };
}
