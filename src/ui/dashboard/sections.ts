/**
 * The dashboard's sections (browser code): each one's loading / unsupported / error / ready body, built from the
 * state the host posted, with textContent only. main.ts owns the state and the layout; this draws into its cards.
 */
import type {
  DashboardInbound,
  DashboardMeta,
  DashboardStringKey,
  MoneyView,
  SectionDataMap,
  SectionId,
  SectionState,
} from '../../webview/dashboardProtocol';
import { h as el } from '../common/dom';
import { TrendChart } from './charts';
import type { Fmt } from './format';
import { type GroupMetric, invoiceStatus, meterList, planCycle } from './groups';

type AnyState = SectionState<unknown>;
/** Each section's latest state, typed by its id. */
export type Sections = { [K in SectionId]?: SectionState<SectionDataMap[K]> };

/** What the sections read of the page (getters where main.ts replaces the value) and the charts they own. */
export interface SectionContext {
  readonly s: (k: DashboardStringKey) => string;
  readonly post: (m: DashboardInbound) => void;
  /** Each card's body, by section id (the layout fills it). */
  readonly bodies: Map<string, HTMLElement>;
  readonly fmt: Fmt;
  readonly meta: DashboardMeta | undefined;
  readonly sections: Sections;
  trend: TrendChart | undefined;
}

/** The data to draw: a ready section's, or the last good data of a section whose reload failed (drawn greyed). */
function dataOf<T>(st: SectionState<T> | undefined): T | undefined {
  return st?.status === 'ready' ? st.data : st?.status === 'error' ? st.stale?.data : undefined;
}

/** Draws a section (or the KPIs) from its latest state. */
export function sectionRenderer(c: SectionContext): (id: SectionId | 'kpis') => void {
  const { s, post } = c;

  function stateBody(id: SectionId | 'kpis', st: AnyState | undefined): HTMLElement | undefined {
    const body = c.bodies.get(id);
    if (!body) return undefined;
    body.replaceChildren();
    body.parentElement?.setAttribute('data-status', st?.status ?? 'loading');
    if (!st || st.status === 'loading') {
      body.append(
        el('div', { class: 'skeleton-line' }),
        el('div', { class: 'skeleton-line short' }),
        el('span', { class: 'sr-only' }, s('loading')),
      );
      return undefined;
    }
    body.parentElement?.toggleAttribute('data-stale', st.status === 'error' && st.stale !== undefined);
    if (st.status === 'unsupported') {
      // the page says it once, in one quiet line, instead of an empty card
      body.append(el('p', { class: 'muted unsupported' }, st.message));
      return undefined;
    }
    if (st.status === 'error') {
      // the banner above the cards says what failed; the card keeps its last good figures, greyed, if it had any
      if (!st.stale) {
        body.append(el('p', { class: 'muted not-loaded' }, s('notLoaded')));
        return undefined;
      }
      const since = new Date(st.stale.since).toLocaleTimeString(c.fmt.locale, { hour: '2-digit', minute: '2-digit' });
      body.append(el('p', { class: 'stale-note' }, s('staleSince').replace('{0}', since)));
    }
    return body;
  }

  function table(caption: string, head: string[], rows: Array<Array<string>>, numericFrom = 1): HTMLTableElement {
    const t = el('table', {}, el('caption', { class: 'sr-only' }, caption));
    const tr = el('tr');
    head.forEach((h, i) => tr.append(el('th', { scope: 'col', ...(i >= numericFrom ? { class: 'num' } : {}) }, h)));
    t.append(el('thead', {}, tr));
    const tb = el('tbody');
    for (const r of rows) {
      const row = el('tr');
      r.forEach((c, i) =>
        row.append(i === 0 ? el('th', { scope: 'row' }, c) : el('td', i >= numericFrom ? { class: 'num' } : {}, c)),
      );
      tb.append(row);
    }
    t.append(tb);
    return t;
  }

  function dataTable(caption: string, head: string[], rows: Array<Array<string>>): HTMLElement {
    return el(
      'details',
      { class: 'data-table' },
      el('summary', {}, `${s('dataTable')}: ${caption}`),
      table(caption, head, rows),
    );
  }

  function kpi(label: string, value: string, sub?: string): HTMLElement {
    return el(
      'div',
      { class: 'kpi' },
      el('div', { class: 'kpi-label' }, label),
      el('div', { class: 'kpi-value', 'data-kpi': label }, value),
      sub ? el('div', { class: 'kpi-sub muted' }, sub) : undefined,
    );
  }

  /** "cached 1,234 · cache writes 56" under the input tokens, when the gateway's records carry cache counts. */
  function cacheLine(t: SectionDataMap['usage']['totals']): string | undefined {
    const parts: string[] = [];
    if (t.cachedTokens !== undefined) parts.push(s('cachedIn').replace('{0}', c.fmt.count(t.cachedTokens)));
    if (t.cacheWriteTokens !== undefined) parts.push(s('cacheWrites').replace('{0}', c.fmt.count(t.cacheWriteTokens)));
    return parts.length ? parts.join(' · ') : undefined;
  }

  function renderKpis(): void {
    const u = c.sections.usage;
    const body = stateBody('kpis', u);
    const d = dataOf(u);
    if (!body || !d) return;
    const x = c.sections.extras;
    const e = dataOf(x);
    const t = d.totals;
    const cards = el(
      'div',
      { class: 'kpis' },
      kpi(s('requests'), c.fmt.count(t.requests)),
      kpi(s('tokensIn'), c.fmt.count(t.promptTokens), cacheLine(t)),
      kpi(s('tokensOut'), c.fmt.count(t.completionTokens)),
      kpi(
        s('cost'),
        c.fmt.amount(t.cost, d.currency),
        e?.statCost ? `${s('gatewayStat')}: ${c.fmt.amount(e.statCost.amount, e.statCost.currency)}` : undefined,
      ),
      t.avgLatencyMs !== undefined ? kpi(s('avgLatency'), c.fmt.ms(t.avgLatencyMs)) : undefined,
      e?.p99LatencyMs !== undefined ? kpi(s('p99Latency'), c.fmt.ms(e.p99LatencyMs), e.basis) : undefined,
      t.errorRatePct !== undefined ? kpi(s('errorRate'), c.fmt.pct(t.errorRatePct)) : undefined,
      e?.rpmUsagePct !== undefined ? kpi(s('rpmUsage'), c.fmt.pct(e.rpmUsagePct), e.basis) : undefined,
      e?.rpm !== undefined ? kpi(s('rpmNow'), c.fmt.count(e.rpm)) : undefined,
    );
    body.append(cards);
    if (d.note) body.append(el('p', { class: 'muted note' }, d.note));
    if (d.noDataBefore)
      body.append(el('p', { class: 'muted note no-data-before' }, s('noDataBefore').replace('{0}', d.noDataBefore)));
  }

  function bucketLabel(key: string): string {
    return key.replace('T', ' ');
  }

  function renderUsage(): void {
    renderKpis();
    const st = c.sections.usage;
    const body = stateBody('usage', st);
    const d = dataOf(st);
    if (!body || !d || !c.meta) return;
    const metric = c.meta.choices.metric;
    const asOf = d.asOf ?? Number.POSITIVE_INFINITY;
    // an hour still to come, or a day before the first usage, is a gap: not a zero
    const shown = d.buckets.map(
      (b) => b.start <= asOf && !(d.noDataBefore !== undefined && b.key.slice(0, 10) < d.noDataBefore),
    );
    const values = d.buckets.map((b, i) =>
      !shown[i] ? null : metric === 'requests' ? b.requests : metric === 'tokens' ? b.totalTokens : Number(b.cost),
    );
    const formatValue = (v: number): string =>
      metric === 'cost' ? c.fmt.amount(String(v), d.currency, 2) : c.fmt.short(v);
    const host = el('div', {
      class: 'chart',
      role: 'img',
      'aria-label': `${s('trend')}: ${s(metric)}`,
      'data-buckets': String(d.buckets.length),
      'data-plotted': String(values.filter((v) => v !== null).length),
      'data-granularity': d.granularity,
    });
    body.append(host);
    c.trend = new TrendChart(host);
    // cost points are drawn from the decimal strings; the table and tooltips show the exact strings
    c.trend.set({
      starts: d.buckets.map((b) => b.start),
      values,
      label: s(metric),
      timeZone: c.meta.timeZone,
      hourly: d.granularity === 'hour',
      formatValue,
      formatTip: (v) => (metric === 'cost' ? c.fmt.amount(String(v), d.currency) : c.fmt.count(v)),
      formatX: (i) =>
        d.granularity === 'day' ? (d.buckets[i]?.key ?? '').slice(5) : bucketLabel(d.buckets[i]?.key ?? ''),
    });
    if (!d.buckets.some((b) => b.requests > 0)) body.append(el('p', { class: 'muted' }, s('noData')));
    if (d.noDataBefore)
      body.append(el('p', { class: 'muted note no-data-before' }, s('noDataBefore').replace('{0}', d.noDataBefore)));
    body.append(
      dataTable(
        s('trend'),
        [s('bucket'), s('requests'), s('tokensIn'), s('tokensOut'), s('cost')],
        [
          ...d.buckets
            .filter((b) => b.start <= asOf)
            .map((b) => [
              bucketLabel(b.key),
              c.fmt.count(b.requests),
              c.fmt.count(b.promptTokens),
              c.fmt.count(b.completionTokens),
              c.fmt.amount(b.cost, d.currency),
            ]),
          [
            s('total'),
            c.fmt.count(d.totals.requests),
            c.fmt.count(d.totals.promptTokens),
            c.fmt.count(d.totals.completionTokens),
            c.fmt.amount(d.totals.cost, d.currency),
          ],
        ],
      ),
    );
  }

  function renderModels(): void {
    const st = c.sections.models;
    const body = stateBody('models', st);
    const d = dataOf(st);
    if (!body || !d) return;
    if (!d.rows.length) {
      body.append(el('p', { class: 'muted' }, s('noData')));
      return;
    }
    const metric: GroupMetric = c.meta?.choices.modelMetric ?? 'cost';
    body.append(meterList(c.fmt, d, metric, 12));
    const total = d.rows.reduce((a, r) => a + r.requests, 0) || 1;
    body.append(
      dataTable(
        s('models'),
        [s('model'), s('requests'), s('tokens'), s('cost'), s('share')],
        d.rows.map((r) => [
          r.label,
          c.fmt.count(r.requests),
          c.fmt.count(r.tokens),
          c.fmt.amount(r.cost, d.currency),
          `${((r.requests * 100) / total).toFixed(1)}%`,
        ]),
      ),
    );
    if (d.note) body.append(el('p', { class: 'muted note' }, d.note));
  }

  function meterRows(id: 'teams' | 'keys', labelHead: string, metric: 'cost' | 'requests'): void {
    const st = c.sections[id];
    const body = stateBody(id, st);
    const d = dataOf(st);
    if (!body || !d) return;
    if (!d.rows.length) {
      body.append(el('p', { class: 'muted' }, s('noData')));
      return;
    }
    body.append(
      meterList(
        c.fmt,
        d,
        metric,
        10,
        id === 'keys' ? { title: (name) => s('openKeyTitle').replace('{0}', name), post } : undefined,
      ),
    );
    body.append(
      dataTable(
        labelHead,
        [labelHead, s('requests'), s('tokens'), s('cost')],
        d.rows.map((r) => [r.label, c.fmt.count(r.requests), c.fmt.count(r.tokens), c.fmt.amount(r.cost, d.currency)]),
      ),
    );
    if (d.note) body.append(el('p', { class: 'muted note' }, d.note));
  }
  function dl(pairs: Array<[string, string | undefined]>): HTMLElement {
    const d = el('dl', { class: 'facts' });
    for (const [k, v] of pairs) if (v !== undefined) d.append(el('dt', {}, k), el('dd', {}, v));
    return d;
  }

  function renderPlan(): void {
    const st = c.sections.plan;
    const body = stateBody('plan', st);
    const p = dataOf(st);
    if (!body || !p || !c.meta) return;
    const lim = (n: number | null | undefined): string | undefined =>
      n === undefined ? undefined : n === null ? s('unlimited') : c.fmt.count(n);
    body.append(
      dl([
        [s('name'), p.tier && p.tier !== p.name ? `${p.name} (${p.tier})` : p.name],
        [s('status'), p.status && p.status.toLowerCase() === 'active' ? s('active') : p.status],
        [s('price'), p.price ? c.fmt.amount(p.price.amount, p.price.currency, 2) : undefined],
        [s('cycle'), planCycle(s, p.billingCycle)],
        [
          s('period'),
          p.periodStart || p.periodEnd
            ? `${c.fmt.date(p.periodStart, c.meta.timeZone)} → ${c.fmt.date(p.periodEnd, c.meta.timeZone)}`
            : undefined,
        ],
        [s('renewal'), p.periodEnd ? c.fmt.date(p.periodEnd, c.meta.timeZone) : undefined],
        [s('rpmLimit'), lim(p.rpmLimit)],
        [s('tpmLimit'), lim(p.tpmLimit)],
        [s('maxKeys'), lim(p.maxKeys)],
        [s('features'), p.features.length ? p.features.join(', ') : undefined],
      ]),
    );
  }

  function renderAccount(): void {
    const st = c.sections.account;
    const body = stateBody('account', st);
    const a = dataOf(st);
    if (!body || !a) return;
    const m = (x: MoneyView | undefined): string | undefined => (x ? c.fmt.amount(x.amount, x.currency, 6) : undefined);
    body.append(el('div', { class: 'big-figure', 'data-balance': a.balance.amount }, m(a.balance) ?? ''));
    body.append(
      dl([
        [s('balance'), m(a.balance)],
        [s('creditLimit'), m(a.creditLimit)],
        [s('monthlyBudget'), m(a.monthlyBudget)],
        [s('usedTotal'), m(a.usedTotal)],
      ]),
    );
  }

  function renderInvoices(): void {
    const st = c.sections.invoices;
    const body = stateBody('invoices', st);
    const d = dataOf(st);
    if (!body || !d || !c.meta) return;
    const tz = c.meta.timeZone;
    const t = table(
      s('invoices'),
      [s('period'), s('amount'), s('status'), s('issued'), s('due')],
      d.items.map((i) => [
        c.fmt.period(i.period),
        c.fmt.amount(i.amount.amount, i.amount.currency, 2),
        invoiceStatus(s, i),
        c.fmt.date(i.issuedAt, tz),
        c.fmt.date(i.dueAt, tz),
      ]),
      1,
    );
    // an overdue invoice: the theme's error colour and the word, not the colour alone
    t.querySelectorAll('tbody tr').forEach((row, k) => {
      if (d.items[k]?.overdue) row.classList.add('overdue');
    });
    body.append(t);
    const prev = el('button', { type: 'button', class: 'secondary' }, s('previous'));
    const next = el('button', { type: 'button', class: 'secondary' }, s('next'));
    prev.disabled = d.page === 0;
    next.disabled = !d.hasMore;
    prev.addEventListener('click', () => post({ type: 'invoicesPage', page: d.page - 1 }));
    next.addEventListener('click', () => post({ type: 'invoicesPage', page: d.page + 1 }));
    const n = c.fmt.count(d.page + 1);
    const page =
      d.total !== undefined
        ? s('pageOf')
            .replace('{0}', n)
            .replace('{1}', c.fmt.count(Math.max(1, Math.ceil(d.total / d.pageSize))))
        : s('pageN').replace('{0}', n);
    body.append(el('div', { class: 'pager' }, prev, el('span', { class: 'page-of' }, page), next));
  }

  function renderSection(id: SectionId | 'kpis'): void {
    switch (id) {
      case 'kpis':
      case 'extras':
        renderKpis();
        break;
      case 'usage':
        c.trend?.dispose();
        c.trend = undefined;
        renderUsage();
        break;
      case 'models':
        renderModels();
        break;
      case 'teams':
        meterRows('teams', s('team'), 'cost');
        break;
      case 'keys':
        meterRows('keys', s('key'), c.meta?.choices.keySort ?? 'cost');
        break;
      case 'plan':
        renderPlan();
        break;
      case 'account':
        renderAccount();
        break;
      case 'invoices':
        renderInvoices();
        break;
    }
  }

  return renderSection;
}
