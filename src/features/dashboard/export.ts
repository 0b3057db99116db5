/**
 * Export of exactly what the dashboard shows: the range, the time zone and the bucket size in the header, the
 * trend buckets, the totals (the sum of the buckets) and the breakdowns that are loaded. No 'vscode' here.
 * Money stays a decimal string; nothing secret is in the view (keys appear by name only).
 */
import type {
  DashboardMeta,
  GroupSectionData,
  SectionDataMap,
  SectionId,
  SectionState,
  UsageSectionData,
} from '../../webview/dashboardProtocol';
import { csvRow } from '../../core/csv';

export type SectionStates = { [K in SectionId]: SectionState<SectionDataMap[K]> };

export interface DashboardSnapshot {
  readonly connection: string;
  readonly gateway: string;
  readonly range: { readonly from: string; readonly to: string; readonly days: number };
  readonly timeZone: string;
  readonly buckets: 'day' | 'hour';
  readonly currency: 'CNY' | 'USD';
  readonly usage?: UsageSectionData;
  readonly models?: GroupSectionData;
  readonly keys?: GroupSectionData;
  readonly teams?: GroupSectionData;
}

function ready<K extends SectionId>(s: SectionStates, id: K): SectionDataMap[K] | undefined {
  const st = s[id];
  // Stryker disable next-line ConditionalExpression: → true reads `data` of a state that has none (an error keeps its last good data as `stale`), which is undefined too; → false is killed by the export tests (a disable covers a mutator on the whole line)
  return st.status === 'ready' ? st.data : undefined;
}

export function snapshot(meta: DashboardMeta, sections: SectionStates): DashboardSnapshot {
  const usage = ready(sections, 'usage');
  const models = ready(sections, 'models');
  const keys = ready(sections, 'keys');
  const teams = ready(sections, 'teams');
  return {
    connection: meta.connectionLabel,
    gateway: meta.gatewayLabel,
    range: { from: meta.from, to: meta.to, days: meta.days },
    timeZone: meta.timeZone,
    buckets: usage?.granularity ?? 'day',
    currency: meta.currency,
    ...(usage ? { usage } : {}),
    ...(models ? { models } : {}),
    ...(keys ? { keys } : {}),
    ...(teams ? { teams } : {}),
  };
}

export function toJson(s: DashboardSnapshot): string {
  return `${JSON.stringify({ format: 'ai-gateway-console.dashboard/1', ...s }, null, 2)}\n`;
}

const BUCKET_HEADER = ['bucket', 'requests', 'prompt_tokens', 'completion_tokens', 'total_tokens', 'cost', 'errors'];

/** CSV: `#` header lines (range, time zone, buckets, currency), the bucket table, its total row, then each breakdown. */
export function toCsv(s: DashboardSnapshot): string {
  const lines: string[] = [
    `# connection: ${s.connection} (${s.gateway})`,
    `# range: ${s.range.from} to ${s.range.to} (${s.range.days} days)`,
    `# timezone: ${s.timeZone}`,
    `# buckets: ${s.buckets}`,
    `# currency: ${s.currency}`,
  ];
  if (s.usage) {
    lines.push(csvRow(BUCKET_HEADER));
    for (const b of s.usage.buckets)
      lines.push(csvRow([b.key, b.requests, b.promptTokens, b.completionTokens, b.totalTokens, b.cost, b.errors]));
    const t = s.usage.totals;
    lines.push(csvRow(['total', t.requests, t.promptTokens, t.completionTokens, t.totalTokens, t.cost, t.errors]));
  }
  for (const [name, g] of [
    ['model', s.models],
    ['key', s.keys],
    ['team', s.teams],
  ] as const) {
    if (!g) continue;
    lines.push('', csvRow([name, 'requests', 'tokens', 'cost']));
    for (const r of g.rows) lines.push(csvRow([r.label, r.requests, r.tokens, r.cost]));
  }
  return `${lines.join('\n')}\n`;
}

const mdCell = (v: string | number): string => String(v).replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

/** The bucket table as Markdown, with the range and time zone above it. */
export function toMarkdown(s: DashboardSnapshot): string {
  const out = [
    `**${mdCell(s.connection)}** — ${s.range.from} → ${s.range.to}, ${s.timeZone}, ${s.buckets}, ${s.currency}`,
    '',
  ];
  out.push(
    `| ${BUCKET_HEADER.join(' | ')} |`,
    `|${BUCKET_HEADER.map((_, i) => (i === 0 ? ' --- ' : ' ---: ')).join('|')}|`,
  );
  if (s.usage) {
    for (const b of s.usage.buckets)
      out.push(
        `| ${[b.key, b.requests, b.promptTokens, b.completionTokens, b.totalTokens, b.cost, b.errors].map(mdCell).join(' | ')} |`,
      );
    const t = s.usage.totals;
    out.push(
      `| **total** | ${[t.requests, t.promptTokens, t.completionTokens, t.totalTokens, t.cost, t.errors].join(' | ')} |`,
    );
  }
  return `${out.join('\n')}\n`;
}
