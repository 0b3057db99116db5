/** Seeded data of the simulated AIHubMix gateway (one-api lineage): user, tokens, 90 days of consume logs. */
import { CHAT_MODELS, hubQuota, type CatalogModel } from './catalog';
import { alnum, chance, DAY_MS, epochDay, hex, int, pick, rngFor, sample, type Rng } from './rng';
import type { AihubmixDialect, AihubmixLog, AihubmixState, AihubmixTokenRecord, AihubmixUser } from './types';

export const QUOTA_PER_USD = 500_000;
const MAX_LOG_TOKENS = 60;
const LOG_DAYS = 90;

export const CHANNELS: Record<string, number> = {
  OpenAI: 1,
  Anthropic: 2,
  Google: 3,
  DeepSeek: 4,
  Alibaba: 5,
  Moonshot: 6,
  Zhipu: 7,
  Meta: 8,
  Mistral: 9,
  xAI: 10,
  ByteDance: 11,
  MiniMax: 12,
};

const ENVS = ['prod', 'staging', 'dev', 'ci', 'batch', 'eval'];
const APPS = [
  'backend',
  'indexer',
  'chatbot',
  'cursor',
  'cline',
  'etl',
  'summarizer',
  'translator',
  'notebook',
  'agent',
  'rag',
];
const CJK = ['客服机器人', '数据分析', '翻译服务', '知识库', '代码助手'];
const SUBNETS = ['10.0.0.0/8', '192.168.1.0/24', '203.0.113.7', '198.51.100.0/24', '172.16.5.4', '2001:db8::/32'];

export function newHubKey(rng: Rng): string {
  return alnum(rng, 48);
}

/** one-api request id: yyyyMMddHHmmss + 8 digits. */
export function oneApiRequestId(ms: number, n: number): string {
  const d = new Date(ms).toISOString();
  const stamp = d.slice(0, 19).replace(/[-T:]/g, '');
  return stamp + String(n % 100_000_000).padStart(8, '0');
}

/** one-api consume-log content line. */
export function logContent(m: CatalogModel): string {
  const modelRatio = m.inUsdE4 / 20_000; // ratio 1 = $0.002 / 1K tokens
  const completionRatio = m.inUsdE4 > 0 ? m.outUsdE4 / m.inUsdE4 : 1;
  return `模型倍率 ${modelRatio.toFixed(2)}，分组倍率 1.00，补全倍率 ${completionRatio.toFixed(2)}`;
}

function tokenName(rng: Rng, i: number, keyCount: number): string {
  if (i === 0) {
    return 'default';
  }
  const digits = keyCount >= 1000 ? 5 : 2;
  if (chance(rng, 0.08)) {
    return `${pick(rng, CJK)}-${String(i).padStart(digits, '0')}`; // ≤ 30 bytes
  }
  return `${pick(rng, ENVS)}-${pick(rng, APPS)}-${String(i).padStart(digits, '0')}`;
}

export function generateAihubmix(
  seed: number,
  keyCount: number,
  anchor: number,
  dialect: AihubmixDialect = 'one-api',
): AihubmixState {
  const urng = rngFor(seed, 'hub-user');
  const accessToken = hex(urng, 32);
  const userId = int(urng, 10_000, 99_999);
  const nowSec = Math.floor(anchor / 1000);

  const rng = rngFor(seed, 'hub-tokens');
  const tokens: AihubmixTokenRecord[] = [];
  const span = 400 * 86_400;
  const step = span / Math.max(1, keyCount);
  let id = 0;
  for (let i = 0; i < keyCount; i++) {
    id += 1 + (i > 0 && chance(rng, 0.1) ? int(rng, 1, 3) : 0);
    const created = Math.floor(nowSec - span + i * step + rng() * step * 0.8);
    const key = newHubKey(rng);
    const r = rng();
    let status: AihubmixTokenRecord['status'] = 1;
    if (i !== 0) {
      status = r < 0.1 ? 2 : r < 0.17 ? 3 : r < 0.22 ? 4 : 1;
    }
    let expired = -1;
    if (status === 3) {
      expired = nowSec - int(rng, 1, 60) * 86_400 - int(rng, 0, 86_399);
    } else if (i !== 0 && chance(rng, 0.4)) {
      expired = nowSec + (chance(rng, 0.3) ? int(rng, 1, 7) : int(rng, 8, 365)) * 86_400 + int(rng, 0, 86_399);
    }
    const unlimited = i === 0 || (status !== 4 && chance(rng, 0.4));
    const remain = unlimited || status === 4 ? 0 : int(rng, 1, 500) * QUOTA_PER_USD + int(rng, 0, 499_999);
    let models: string | null = '';
    const mr = rng();
    if (i !== 0 && mr < 0.2) {
      models = sample(rng, CHAT_MODELS, int(rng, 1, 3))
        .map((m) => m.id)
        .join(',');
    } else if (i !== 0 && mr < 0.3) {
      models = null;
    }
    let subnet: string | null = '';
    const sr = rng();
    if (i !== 0 && sr < 0.15) {
      subnet = sample(rng, SUBNETS, int(rng, 1, 2)).join(',');
    } else if (i !== 0 && sr < 0.25) {
      subnet = null;
    }
    tokens.push({
      id,
      user_id: userId,
      key,
      status,
      name: tokenName(rng, i, keyCount),
      created_time: created,
      accessed_time: created,
      expired_time: expired,
      remain_quota: remain,
      unlimited_quota: unlimited,
      used_quota: status === 4 ? int(rng, 1, 200) * QUOTA_PER_USD : 0,
      models,
      subnet,
    });
  }

  // ----- 90 days of consume logs (type 2) for the first tokens
  const lrng = rngFor(seed, 'hub-logs');
  const logTokens = tokens.slice(0, MAX_LOG_TOKENS);
  const tokenModels = new Map<number, CatalogModel[]>();
  for (const t of logTokens) {
    const restricted = (t.models ?? '')
      .split(',')
      .filter((s) => s !== '')
      .map((s) => CHAT_MODELS.find((m) => m.id === s))
      .filter((m): m is CatalogModel => m !== undefined);
    tokenModels.set(t.id, restricted.length > 0 ? restricted : sample(lrng, CHAT_MODELS, int(lrng, 1, 4)));
  }
  const tokenWeights = logTokens.map(() => 0.2 + lrng() * lrng() * 3);
  const today = epochDay(anchor);
  const raw: Omit<AihubmixLog, 'id'>[] = [];
  let reqN = 0;
  for (let d = today - (LOG_DAYS - 1); d <= today; d++) {
    const dow = (d + 4) % 7;
    const weekday = dow === 0 || dow === 6 ? 0.5 : 1;
    const growth = 0.8 + (0.2 * (d - (today - LOG_DAYS + 1))) / (LOG_DAYS - 1);
    const n = Math.max(50, Math.min(200, Math.round(150 * weekday * growth * (0.8 + lrng() * 0.4))));
    const times: number[] = [];
    for (let k = 0; k < n; k++) {
      times.push(Math.floor((d * DAY_MS) / 1000) + int(lrng, 0, 86_399));
    }
    times.sort((a, b) => a - b);
    for (const ts of times) {
      // pick a token created before this moment (weighted)
      let total = 0;
      for (let j = 0; j < logTokens.length; j++) {
        if ((logTokens[j]?.created_time ?? Infinity) <= ts) {
          total += tokenWeights[j] ?? 0;
        }
      }
      const rPick = lrng() * total;
      if (total <= 0) {
        continue;
      }
      let acc = 0;
      let tok: AihubmixTokenRecord | undefined;
      for (let j = 0; j < logTokens.length; j++) {
        const t = logTokens[j];
        if (!t || t.created_time > ts) {
          continue;
        }
        acc += tokenWeights[j] ?? 0;
        if (acc >= rPick) {
          tok = t;
          break;
        }
      }
      const prompt = int(lrng, 80, 4000);
      const completion = int(lrng, 30, 1500);
      const elapsed = int(lrng, 300, 9000);
      const stream = chance(lrng, 0.7);
      if (!tok || ts >= nowSec) {
        continue;
      }
      const m = pick(lrng, tokenModels.get(tok.id) ?? CHAT_MODELS);
      const quota = hubQuota(m, prompt, completion);
      reqN++;
      raw.push({
        user_id: userId,
        created_at: ts,
        type: 2,
        content: logContent(m),
        username: 'agc-demo',
        token_name: tok.name,
        model_name: m.id,
        quota,
        prompt_tokens: prompt,
        completion_tokens: completion,
        channel: CHANNELS[m.provider] ?? 1,
        request_id: oneApiRequestId(ts * 1000, reqN * 7919 + 13),
        elapsed_time: elapsed,
        is_stream: stream,
        system_prompt_reset: false,
      });
      tok.used_quota += quota;
      tok.accessed_time = Math.max(tok.accessed_time, ts);
    }
  }
  const logs: AihubmixLog[] = raw.map((l, i) => ({ id: i + 1, ...l }));
  // exhausted tokens from the log window: their quota ran out
  for (const t of tokens) {
    if (t.status === 4) {
      t.remain_quota = 0;
    }
  }
  const used = tokens.reduce((s, t) => s + t.used_quota, 0);
  const user: AihubmixUser = {
    id: userId,
    username: 'agc-demo',
    display_name: 'AGC Demo',
    role: 1,
    status: 1,
    email: 'demo@example.com',
    quota: 617_280_000,
    used_quota: used,
    request_count: logs.length + int(urng, 1000, 5000),
    group: 'default',
    aff_code: alnum(urng, 4),
    inviter_id: 0,
    created_at: nowSec - 420 * 86_400,
    notify: false,
    quota_remind_threshold: 5_000_000,
    notify_email: '',
    ext: '',
    github_id: '',
    google_id: '',
    wechat_id: '',
    lark_id: '',
    oidc_id: '',
    clerk_id: '',
    migrated_at: 0,
  };
  if (dialect === 'new-api') toNewApi(seed, tokens);
  return { accessToken, accessTokenRegenerations: 0, user, tokens, logs, modelTokenId: tokens[0]?.id ?? 0 };
}

const GROUPS = ['vip', 'svip', 'default'];

/**
 * new-api's token fields for the same seeded tokens (own PRNG stream, so the one-api data is unchanged):
 * `model_limits` (never null; a few kept while disabled), `allow_ips` as a newline list, groups (a quarter in
 * a named group, a few in 'auto' with auto_groups and cross-group retry).
 */
function toNewApi(seed: number, tokens: AihubmixTokenRecord[]): void {
  const rng = rngFor(seed, 'hub-newapi');
  tokens.forEach((t, i) => {
    const models = t.models ?? '';
    t.models = models;
    t.model_limits_enabled = models !== '';
    if (i !== 0 && models === '' && chance(rng, 0.06)) {
      t.models = sample(rng, CHAT_MODELS, 2)
        .map((m) => m.id)
        .join(',');
      t.model_limits_enabled = false; // a list kept but not enforced
    }
    t.subnet =
      t.subnet === null
        ? null
        : t.subnet
            .split(',')
            .filter((x) => x !== '')
            .join('\n');
    const g = rng();
    if (i !== 0 && g < 0.25) {
      t.group = pick(rng, GROUPS);
      t.cross_group_retry = false;
      t.auto_groups = null;
    } else if (i !== 0 && g < 0.35) {
      t.group = 'auto';
      t.cross_group_retry = chance(rng, 0.5);
      t.auto_groups = ['default', 'vip'];
    } else {
      t.group = '';
      t.cross_group_retry = false;
      t.auto_groups = null;
    }
    t.billing_type = 0;
  });
}
