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
import { BarChart, TrendChart } from './charts';
import type { Fmt } from './format';

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
  bars: BarChart | undefined;
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
    if (st.status === 'unsupported') {
      body.append(el('p', { class: 'muted unsupported' }, st.message));
      return undefined;
    }
    if (st.status === 'error') {
      const retry = el('button', { type: 'button', class: 'retry' }, s('retry'));
      const which: SectionId = id === 'kpis' ? 'usage' : id;
      retry.addEventListener('click', () => post({ type: 'retry', section: which }));
      body.append(el('p', { class: 'error', role: 'alert' }, st.message), retry);
      return undefined;
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
    if (!body || u?.status !== 'ready') return;
    const d = u.data;
    const x = c.sections.extras;
    const e = x?.status === 'ready' ? x.data : undefined;
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
    if (x?.status === 'error') {
      const retry = el('button', { type: 'button', class: 'retry' }, s('retry'));
      retry.addEventListener('click', () => post({ type: 'retry', section: 'extras' }));
      body.append(el('p', { class: 'error', role: 'alert' }, x.message), retry);
    }
  }

  function bucketLabel(key: string): string {
    return key.replace('T', ' ');
  }

  function renderUsage(): void {
    renderKpis();
    const st = c.sections.usage;
    const body = stateBody('usage', st);
    if (!body || st?.status !== 'ready' || !c.meta) return;
    const d = st.data;
    const metric = c.meta.choices.metric;
    const values = d.buckets.map((b) =>
      metric === 'requests' ? b.requests : metric === 'tokens' ? b.totalTokens : Number(b.cost),
    );
    const formatValue = (v: number): string =>
      metric === 'cost' ? c.fmt.amount(String(v), d.currency, 2) : c.fmt.short(v);
    const host = el('div', { class: 'chart', role: 'img', 'aria-label': `${s('trend')}: ${s(metric)}` });
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
      formatX: (i) =>
        d.granularity === 'day' ? (d.buckets[i]?.key ?? '').slice(5) : bucketLabel(d.buckets[i]?.key ?? ''),
    });
    if (!d.buckets.some((b) => b.requests > 0)) body.append(el('p', { class: 'muted' }, s('noData')));
    body.append(
      dataTable(
        s('trend'),
        [s('bucket'), s('requests'), s('tokensIn'), s('tokensOut'), s('cost')],
        [
          ...d.buckets.map((b) => [
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
    if (!body || st?.status !== 'ready') return;
    const d = st.data;
    if (!d.rows.length) {
      body.append(el('p', { class: 'muted' }, s('noData')));
      return;
    }
    const top = d.rows.slice(0, 12);
    const host = el('div', { class: 'chart', role: 'img', 'aria-label': s('models') });
    body.append(host);
    c.bars = new BarChart(host, 200);
    c.bars.set({
      labels: top.map((r) => r.label),
      values: top.map((r) => r.requests),
      formatValue: (v) => c.fmt.short(v),
    });
    const total = d.rows.reduce((a, r) => a + r.requests, 0) || 1;
    body.append(
      dataTable(
        s('models'),
        [s('model'), s('requests'), s('tokens'), s('share')],
        d.rows.map((r) => [
          r.label,
          c.fmt.count(r.requests),
          c.fmt.count(r.tokens),
          `${((r.requests * 100) / total).toFixed(1)}%`,
        ]),
      ),
    );
    if (d.note) body.append(el('p', { class: 'muted note' }, d.note));
  }

  function meterRows(id: 'teams' | 'keys', labelHead: string, metric: 'cost' | 'requests'): void {
    const st = c.sections[id];
    const body = stateBody(id, st);
    if (!body || st?.status !== 'ready') return;
    const d = st.data;
    if (!d.rows.length) {
      body.append(el('p', { class: 'muted' }, s('noData')));
      return;
    }
    const rows = d.rows.slice(0, 10);
    const max = Math.max(...rows.map((r) => (metric === 'cost' ? Number(r.cost) : r.requests)), 1e-12);
    const list = el('ol', { class: 'meters' });
    for (const r of rows) {
      const v = metric === 'cost' ? Number(r.cost) : r.requests;
      const bar = el('span', { class: 'meter-bar', 'aria-hidden': 'true' });
      bar.style.width = `${Math.max(1, (v / max) * 100)}%`;
      list.append(
        el(
          'li',
          {},
          el('span', { class: 'meter-label', title: r.label }, r.label),
          el('span', { class: 'meter-track' }, bar),
          el(
            'span',
            { class: 'meter-value num' },
            metric === 'cost' ? c.fmt.amount(r.cost, d.currency) : c.fmt.count(r.requests),
          ),
        ),
      );
    }
    body.append(list);
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
    if (!body || st?.status !== 'ready' || !c.meta) return;
    const p = st.data;
    const lim = (n: number | null | undefined): string | undefined =>
      n === undefined ? undefined : n === null ? s('unlimited') : c.fmt.count(n);
    body.append(
      dl([
        [s('name'), p.tier && p.tier !== p.name ? `${p.name} (${p.tier})` : p.name],
        [s('status'), p.status],
        [s('price'), p.price ? c.fmt.amount(p.price.amount, p.price.currency, 2) : undefined],
        [s('cycle'), p.billingCycle],
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
    if (!body || st?.status !== 'ready') return;
    const a = st.data;
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
    if (!body || st?.status !== 'ready' || !c.meta) return;
    const d = st.data;
    const tz = c.meta.timeZone;
    body.append(
      table(
        s('invoices'),
        [s('period'), s('amount'), s('status'), s('issued'), s('due')],
        d.items.map((i) => [
          i.period,
          c.fmt.amount(i.amount.amount, i.amount.currency, 2),
          i.status,
          c.fmt.date(i.issuedAt, tz),
          c.fmt.date(i.dueAt, tz),
        ]),
        1,
      ),
    );
    const prev = el('button', { type: 'button', class: 'secondary' }, s('previous'));
    const next = el('button', { type: 'button', class: 'secondary' }, s('next'));
    prev.disabled = d.page === 0;
    next.disabled = !d.hasMore;
    prev.addEventListener('click', () => post({ type: 'invoicesPage', page: d.page - 1 }));
    next.addEventListener('click', () => post({ type: 'invoicesPage', page: d.page + 1 }));
    const pages = d.total !== undefined ? ` / ${Math.max(1, Math.ceil(d.total / d.pageSize))}` : '';
    body.append(el('div', { class: 'pager' }, prev, el('span', {}, `${s('page')} ${d.page + 1}${pages}`), next));
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
        c.bars?.dispose();
        c.bars = undefined;
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
