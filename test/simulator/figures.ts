/**
 * Budget figures a test can set: balances, AIone's monthly budget and capacity / service status, AIHubMix's
 * reminder threshold, and spend added now (an AIone usage cell, an AIHubMix consume log) so a test can cross a
 * threshold. Amounts are decimal strings in the gateway's currency (RMB on AIone, USD on AIHubMix), converted to the
 * stored integer units exactly. Used directly (`setFigures(sim.state, now, change)`) or over `POST /__sim/figures`.
 */
import { epochDay } from './rng';
import type { SimulatorState } from './types';

export interface FigureChange {
  readonly gateway: 'aione' | 'aihubmix';
  readonly balance?: string;
  /** AIone: the account's monthly budget. */
  readonly monthlyBudget?: string;
  /** Spend added now, on `keyId` (AIone key id, AIHubMix token id as a string) or the model key. */
  readonly spend?: string;
  readonly keyId?: string;
  /** AIone: the dashboard's capacity_status / service_status. */
  readonly capacityStatus?: string;
  readonly serviceStatus?: string;
  /** AIHubMix: the user's quota_remind_threshold. */
  readonly remindThreshold?: string;
}

/** A non-negative decimal string → an integer in units of 10^-places, exactly (throws on anything else). */
export function scaledInt(dec: string, places: number): number {
  // the control route passes the request body through: anything but a decimal string is refused
  if (typeof dec !== 'string') throw new Error(`not a decimal string: ${JSON.stringify(dec)}`);
  const m = /^(\d+)(?:\.(\d+))?$/.exec(dec.trim());
  if (!m) throw new Error(`not a non-negative decimal: ${JSON.stringify(dec)}`);
  const frac = (m[2] ?? '').padEnd(places, '0');
  if (frac.length > places && /[1-9]/.test(frac.slice(places))) throw new Error(`more than ${places} decimals: ${dec}`);
  const n = Number(m[1] + frac.slice(0, places));
  if (!Number.isSafeInteger(n)) throw new Error(`out of range: ${dec}`);
  return n;
}

/** USD → one-api quota units (500,000 per USD), rounded half-up to a whole unit. */
function usdUnits(usd: string): number {
  return Math.round(scaledInt(usd, 6) / 2);
}

export function setFigures(state: SimulatorState, now: number, c: FigureChange): void {
  if (c.gateway === 'aione') {
    const st = state.aione;
    if (c.balance !== undefined) st.balanceE4 = scaledInt(c.balance, 4);
    if (c.monthlyBudget !== undefined) st.monthlyBudgetE4 = scaledInt(c.monthlyBudget, 4);
    if (c.capacityStatus !== undefined) st.capacityStatus = c.capacityStatus;
    if (c.serviceStatus !== undefined) st.serviceStatus = c.serviceStatus;
    if (c.spend !== undefined) {
      const k = st.keys.find((x) => x.id === (c.keyId ?? st.modelKeyId));
      if (!k) throw new Error(`no AIone key ${c.keyId ?? st.modelKeyId}`);
      st.usage.push({
        day: epochDay(now),
        hour: new Date(now).getUTCHours(),
        keyId: k.id,
        teamId: k.team_id,
        model: 'gpt-4o-mini',
        requests: 1,
        promptTokens: 0,
        completionTokens: 0,
        costE4: scaledInt(c.spend, 4),
        errors: 0,
        latencySum: 0,
      });
    }
    return;
  }
  const st = state.aihubmix;
  if (c.balance !== undefined) st.user.quota = usdUnits(c.balance);
  if (c.remindThreshold !== undefined) st.user.quota_remind_threshold = usdUnits(c.remindThreshold);
  if (c.spend !== undefined) {
    const id = c.keyId !== undefined ? Number(c.keyId) : st.modelTokenId;
    const t = st.tokens.find((x) => x.id === id);
    if (!t) throw new Error(`no AIHubMix token ${id}`);
    const quota = usdUnits(c.spend);
    t.used_quota += quota;
    if (!t.unlimited_quota) t.remain_quota = Math.max(0, t.remain_quota - quota);
    st.user.quota -= quota;
    st.user.used_quota += quota;
    const last = st.logs[st.logs.length - 1];
    st.logs.push({
      id: (last?.id ?? 0) + 1,
      user_id: st.user.id,
      created_at: Math.floor(now / 1000),
      type: 2,
      content: '',
      username: st.user.username,
      token_name: t.name,
      model_name: 'gpt-4o-mini',
      quota,
      prompt_tokens: 0,
      completion_tokens: 0,
      channel: 1,
      request_id: `sim-figures-${(last?.id ?? 0) + 1}`,
      elapsed_time: 1,
      is_stream: false,
      system_prompt_reset: false,
    });
  }
}
