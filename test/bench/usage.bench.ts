/**
 * The dashboard's 90-day aggregation (reported, never asserted; docs/architecture.md sets no budget for it): the usage the
 * 10,000-key simulator returns for the last 90 days, read the way the dashboard reads it (AIone: hourly rows in
 * 7-UTC-day chunks plus the model / key / team rows; AIHubMix: every consume log, 100 per page), then turned into
 * what the dashboard shows by `src/core/usage.ts` (day buckets in Asia/Shanghai with exact decimal money, the model,
 * key and team rankings, the p99 latency). Baseline in the same run: a naive reduce over the same points (float
 * money, a UTC+8 day key from toISOString, plain objects), the cheapest thing that gives the same table.
 *
 * The simulator keeps usage for its first 60 keys only (memory stays flat at 10,000 keys), so the work depends on
 * the days and the rows, not on the key count; the note says how many points were aggregated.
 */
import { performance } from 'node:perf_hooks';
import {
  aggregate,
  dayRange,
  groupTotals,
  mapLimit,
  percentile,
  pointsFromLogs,
  pointsFromRows,
  rangeDays,
  utcDayChunks,
  type UsagePoint,
} from '../../src/core/usage';
import type { UsageLog, UsageRow } from '../../src/core/types';
import { createGateway } from '../../src/gateway/index';
import { median, report } from './report';
import { startSimProcess } from './sim-process';

const TZ = 'Asia/Shanghai';
const OFFSET_MS = 8 * 3_600_000;

interface Prepared {
  readonly series: UsagePoint[];
  readonly groups: Record<'model' | 'key' | 'team', UsagePoint[]>;
}

/** What the dashboard computes from the points (src/core/usage.ts). */
function ours(p: Prepared, range: { start: number; end: number }): number {
  const a = aggregate(p.series, { range, timeZone: TZ, granularity: 'day' });
  const whole = { start: Number.MIN_SAFE_INTEGER, end: Number.MAX_SAFE_INTEGER };
  const m = groupTotals(
    p.groups.model,
    whole,
    (x) => (x.model ? { id: x.model, label: x.model } : undefined),
    'requests',
  );
  const k = groupTotals(
    p.groups.key,
    whole,
    (x) => ((x.keyId ?? x.keyName) ? { id: x.keyId ?? x.keyName ?? '', label: x.keyName ?? x.keyId ?? '' } : undefined),
    'cost',
  );
  const t = groupTotals(p.groups.team, whole, (x) => ({ id: x.teamId ?? '-', label: x.teamId ?? '-' }), 'cost');
  const lat = percentile(
    p.series.flatMap((x) => (x.latencyMs !== undefined ? [x.latencyMs] : [])),
    99,
  );
  return a.buckets.length + m.length + k.length + t.length + (lat ?? 0);
}

/** The naive reduce: floats, one toISOString per point, no empty days, no exactness. */
function naive(p: Prepared): number {
  const days: Record<string, { requests: number; tokens: number; cost: number }> = {};
  for (const x of p.series) {
    const d = new Date(x.at + OFFSET_MS).toISOString().slice(0, 10);
    const b = (days[d] ??= { requests: 0, tokens: 0, cost: 0 });
    b.requests += x.requests;
    b.tokens += x.promptTokens + x.completionTokens;
    b.cost += parseFloat(x.cost);
  }
  const by = (points: UsagePoint[], f: (x: UsagePoint) => string | undefined): number => {
    const acc: Record<string, number> = {};
    for (const x of points) {
      const id = f(x);
      if (id !== undefined) acc[id] = (acc[id] ?? 0) + parseFloat(x.cost);
    }
    return Object.entries(acc).sort((a, b) => b[1] - a[1]).length;
  };
  const lat = p.series.flatMap((x) => (x.latencyMs !== undefined ? [x.latencyMs] : [])).sort((a, b) => a - b);
  return (
    Object.keys(days).length +
    by(p.groups.model, (x) => x.model) +
    by(p.groups.key, (x) => x.keyId ?? x.keyName) +
    by(p.groups.team, (x) => x.teamId ?? '-') +
    (lat[Math.ceil(lat.length * 0.99) - 1] ?? 0)
  );
}

function time(fn: () => unknown, runs: number): number {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    samples.push(performance.now() - t0);
  }
  return median(samples);
}

async function main(): Promise<void> {
  const sim = await startSimProcess({ keys: 10_000 });
  const now = Date.now();
  const r = rangeDays({ preset: '90d' }, now, TZ);
  const range = dayRange(r.from, r.to, TZ);
  try {
    // --- AIone: as the dashboard reads it
    const a = sim.info.aione;
    const gwA = createGateway({
      kind: 'aione',
      baseUrl: a.url,
      getToken: () => Promise.resolve(a.adminToken),
      label: 'bench',
    });
    let t0 = performance.now();
    const rows = async (groupBy: 'hour' | 'model' | 'key' | 'team', maxDays: number): Promise<UsagePoint[]> => {
      const lists = await mapLimit(utcDayChunks(range, maxDays), 3, (ch) =>
        gwA.queryUsage({ start: ch.start, end: ch.end, groupBy }),
      );
      return lists.flatMap((x: readonly UsageRow[]) => pointsFromRows(x));
    };
    const aione: Prepared = {
      series: await rows('hour', 7),
      groups: { model: await rows('model', 92), key: await rows('key', 92), team: await rows('team', 92) },
    };
    const fetchA = performance.now() - t0;
    await gwA.dispose();

    // --- AIHubMix: every consume log of the range
    const h = sim.info.aihubmix;
    const gwH = createGateway({
      kind: 'aihubmix',
      baseUrl: h.url,
      getToken: () => Promise.resolve(h.accessToken),
      label: 'bench',
    });
    t0 = performance.now();
    const logs: UsageLog[] = [];
    for (let page = 0; page < 200; page++) {
      const got = await gwH.listUsageLogs({ start: range.start, end: range.end - 1, page, pageSize: 100 });
      logs.push(...got);
      if (got.length < 100) break;
    }
    const fetchH = performance.now() - t0;
    await gwH.dispose();
    const lp = pointsFromLogs(logs);
    const hub: Prepared = { series: lp, groups: { model: lp, key: lp, team: [] } };

    for (const [id, name, p, fetchMs] of [
      ['aione', 'AIone', aione, fetchA],
      ['aihubmix', 'AIHubMix', hub, fetchH],
    ] as const) {
      for (let i = 0; i < 5; i++) {
        ours(p, range);
        naive(p);
      }
      const to = time(() => ours(p, range), 15);
      const tn = time(() => naive(p), 15);
      const n =
        p.series.length + (p === aione ? p.groups.model.length + p.groups.key.length + p.groups.team.length : 0);
      report({
        id: `usage.aggregate.${id}`,
        what: `dashboard 90-day aggregation, ${name} (src/core/usage.ts)`,
        value: to,
        unit: 'ms',
        budget: 'none set: reported beside a naive reduce',
        ok: true,
        informational: true,
        baseline: `naive float reduce ${tn.toFixed(2)} ms`,
        note: `${n.toLocaleString('en-US')} points, median of 15; reading them from the simulator took ${fetchMs.toFixed(0)} ms`,
      });
    }
  } finally {
    await sim.close();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
