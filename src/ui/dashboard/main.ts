/**
 * The dashboard webview (browser code). Builds its DOM with textContent only (no HTML from data), posts only the
 * messages of dashboardProtocol (type import: zod stays on the host), keeps the connection id and the UI choices
 * in the webview state (VS Code restores the panel with them after a reload).
 */
import type {
  DashboardInbound,
  DashboardMeta,
  DashboardOutbound,
  DashboardPanelState,
  DashboardStringKey,
  MoneyView,
  SectionDataMap,
  SectionId,
  SectionState,
  UiChoices,
} from '../../webview/dashboardProtocol';
import { appRoot, h as el } from '../common/dom';
import { webviewApi } from '../common/vscode';
import { BarChart, TrendChart } from './charts';
import { Fmt, offsetLabel } from './format';

type Strings = Record<DashboardStringKey, string>;
type AnyState = SectionState<unknown>;
/** Each section's latest state, typed by its id. */
type Sections = { [K in SectionId]?: SectionState<SectionDataMap[K]> };

(() => {
  // the panel state is written for the host's serializer; this page never reads it back
  const vscode = webviewApi<DashboardInbound, DashboardOutbound, DashboardPanelState>();
  const app = appRoot();
  let S: Strings | undefined;
  let meta: DashboardMeta | undefined;
  let fmt = new Fmt(navigator.language);
  let sections: Sections = {};

  const bodies = new Map<string, HTMLElement>();
  let trend: TrendChart | undefined;
  let bars: BarChart | undefined;

  const post = vscode.post;
  /** The status line beside the range picker, and a host notice that arrived before the picker was (re)built. */
  let rangeNote: HTMLElement | undefined;
  let pendingNotice = '';
  const s = (k: DashboardStringKey): string => S?.[k] ?? k;

  function setChoices(patch: Partial<UiChoices>): void {
    if (!meta) return;
    const choices = { ...meta.choices, ...patch };
    meta = { ...meta, choices };
    vscode.setState({ connectionId: meta.connectionId, choices });
    post({ type: 'setChoices', choices });
  }

  // ---- layout ----

  function card(id: string, title: string, extra?: HTMLElement, wide = false): HTMLElement {
    const body = el('div', { class: 'card-body', 'aria-live': 'polite' });
    bodies.set(id, body);
    const head = el('div', { class: 'card-head' }, el('h2', { id: `h-${id}` }, title), extra);
    return el(
      'section',
      { class: `card${wide ? ' wide' : ''}`, 'aria-labelledby': `h-${id}`, 'data-section': id },
      head,
      body,
    );
  }

  function segmented<T extends string>(
    label: string,
    options: Array<[T, string]>,
    current: T,
    onPick: (v: T) => void,
    disabled: (v: T) => boolean = () => false,
  ): HTMLElement {
    const g = el('div', { class: 'segmented', role: 'group', 'aria-label': label });
    for (const [v, text] of options) {
      const b = el('button', { type: 'button', 'aria-pressed': String(v === current), 'data-value': v }, text);
      if (disabled(v)) b.disabled = true;
      b.addEventListener('click', () => onPick(v));
      g.append(b);
    }
    return g;
  }

  function toolbar(m: DashboardMeta): HTMLElement {
    const c = m.choices;
    const range = segmented(
      s('range'),
      [
        ['today', s('today')],
        ['7d', s('last7')],
        ['30d', s('last30')],
        ['90d', s('last90')],
        ['custom', s('custom')],
      ],
      c.range.preset,
      (preset) => {
        if (preset === 'custom') {
          customBox.hidden = false;
          from.focus();
          return;
        }
        setChoices({ range: { preset } });
      },
    );
    // the picker offers only the days the dashboard reads (the host bounds any range again, whatever is posted)
    const bounds = { min: m.minDay, max: m.maxDay };
    const from = el('input', {
      type: 'date',
      'aria-label': s('from'),
      value: c.range.from ?? m.from,
      ...bounds,
      'aria-describedby': 'history-note',
    });
    const to = el('input', {
      type: 'date',
      'aria-label': s('to'),
      value: c.range.to ?? m.to,
      ...bounds,
      'aria-describedby': 'history-note',
    });
    const apply = el('button', { type: 'button' }, s('apply'));
    rangeNote = el('span', { class: 'range-note', role: 'status', 'aria-live': 'polite' }, pendingNotice);
    pendingNotice = '';
    const note = rangeNote;
    apply.addEventListener('click', () => {
      if (!from.value || !to.value) return;
      // "from" after "to": say so quietly and ask nothing of the host
      if (from.value > to.value) {
        note.textContent = s('fromAfterTo');
        from.setAttribute('aria-invalid', 'true');
        return;
      }
      note.textContent = '';
      from.removeAttribute('aria-invalid');
      setChoices({ range: { preset: 'custom', from: from.value, to: to.value } });
    });
    const history = el('span', { class: 'muted history-note', id: 'history-note' }, m.historyNote);
    const customBox = el(
      'div',
      { class: 'custom-range' },
      el('label', {}, s('from'), ' ', from),
      el('label', {}, s('to'), ' ', to),
      apply,
      note,
      history,
    );
    customBox.hidden = c.range.preset !== 'custom';
    const tz = segmented(
      s('timeZone'),
      [
        ['local', s('local')],
        ['utc', s('utc')],
      ],
      c.tz,
      (v) => setChoices({ tz: v }),
    );
    const gran = segmented(
      s('buckets'),
      [
        ['day', s('daily')],
        ['hour', s('hourly')],
      ],
      m.hourlyAvailable ? c.granularity : 'day',
      (v) => setChoices({ granularity: v }),
      (v) => v === 'hour' && !m.hourlyAvailable,
    );
    const exp = el('div', { class: 'exports' });
    for (const [format, label] of [
      ['csv', s('exportCsv')],
      ['json', s('exportJson')],
      ['markdown', s('copyMarkdown')],
    ] as const) {
      const b = el('button', { type: 'button', class: 'secondary', 'data-export': format }, label);
      b.addEventListener('click', () => post({ type: 'export', format }));
      exp.append(b);
    }
    return el('div', { class: 'toolbar', role: 'toolbar', 'aria-label': s('range') }, range, customBox, tz, gran, exp);
  }

  function layout(): void {
    if (!meta) return;
    trend?.dispose();
    bars?.dispose();
    trend = undefined;
    bars = undefined;
    bodies.clear();
    app.replaceChildren();
    const m = meta;
    const when = el(
      'p',
      { class: 'range-line', id: 'range-line' },
      `${m.from} → ${m.to} · ${s('shownIn')} ${m.timeZone} (${offsetLabel(m.timeZone, Date.now())})`,
      m.rangeNote ? el('span', { class: 'range-clamped', role: 'status' }, ` · ${m.rangeNote}`) : undefined,
    );
    app.append(
      el(
        'header',
        { class: 'page-head' },
        el('h1', {}, `${s('title')} — ${m.connectionLabel}`),
        el('span', { class: 'muted' }, m.gatewayLabel),
      ),
    );
    app.append(toolbar(m), when);
    const metric = segmented(
      s('trend'),
      [
        ['requests', s('requests')],
        ['tokens', s('tokens')],
        ['cost', s('cost')],
      ],
      m.choices.metric,
      (v) => {
        if (meta) {
          meta = { ...meta, choices: { ...meta.choices, metric: v } };
          vscode.setState({ connectionId: meta.connectionId, choices: meta.choices });
          relabel(metricBox, v);
          renderSection('usage');
        }
      },
    );
    const metricBox = metric;
    const keySort = segmented(
      s('topKeys'),
      [
        ['cost', s('byCost')],
        ['requests', s('byUsage')],
      ],
      m.choices.keySort,
      (v) => setChoices({ keySort: v }),
    );
    const grid = el(
      'div',
      { class: 'grid' },
      card('kpis', s('kpis'), undefined, true),
      card('usage', s('trend'), metricBox, true),
      card('models', s('models')),
      card('teams', s('teams')),
      card('keys', s('topKeys'), keySort),
      card('plan', s('plan')),
      card('account', s('account')),
      card('invoices', s('invoices'), undefined, true),
    );
    app.append(grid);
    app.setAttribute('aria-busy', 'false');
    for (const id of ['kpis', 'usage', 'models', 'teams', 'keys', 'plan', 'account', 'invoices'] as const)
      renderSection(id);
  }

  function relabel(group: HTMLElement, v: string): void {
    for (const b of group.querySelectorAll('button')) b.setAttribute('aria-pressed', String(b.dataset.value === v));
  }

  // ---- sections ----

  function stateBody(id: SectionId | 'kpis', st: AnyState | undefined): HTMLElement | undefined {
    const body = bodies.get(id);
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
    if (t.cachedTokens !== undefined) parts.push(s('cachedIn').replace('{0}', fmt.count(t.cachedTokens)));
    if (t.cacheWriteTokens !== undefined) parts.push(s('cacheWrites').replace('{0}', fmt.count(t.cacheWriteTokens)));
    return parts.length ? parts.join(' · ') : undefined;
  }

  function renderKpis(): void {
    const u = sections.usage;
    const body = stateBody('kpis', u);
    if (!body || u?.status !== 'ready') return;
    const d = u.data;
    const x = sections.extras;
    const e = x?.status === 'ready' ? x.data : undefined;
    const t = d.totals;
    const cards = el(
      'div',
      { class: 'kpis' },
      kpi(s('requests'), fmt.count(t.requests)),
      kpi(s('tokensIn'), fmt.count(t.promptTokens), cacheLine(t)),
      kpi(s('tokensOut'), fmt.count(t.completionTokens)),
      kpi(
        s('cost'),
        fmt.amount(t.cost, d.currency),
        e?.statCost ? `${s('gatewayStat')}: ${fmt.amount(e.statCost.amount, e.statCost.currency)}` : undefined,
      ),
      t.avgLatencyMs !== undefined ? kpi(s('avgLatency'), fmt.ms(t.avgLatencyMs)) : undefined,
      e?.p99LatencyMs !== undefined ? kpi(s('p99Latency'), fmt.ms(e.p99LatencyMs), e.basis) : undefined,
      t.errorRatePct !== undefined ? kpi(s('errorRate'), fmt.pct(t.errorRatePct)) : undefined,
      e?.rpmUsagePct !== undefined ? kpi(s('rpmUsage'), fmt.pct(e.rpmUsagePct), e.basis) : undefined,
      e?.rpm !== undefined ? kpi(s('rpmNow'), fmt.count(e.rpm)) : undefined,
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
    const st = sections.usage;
    const body = stateBody('usage', st);
    if (!body || st?.status !== 'ready' || !meta) return;
    const d = st.data;
    const metric = meta.choices.metric;
    const values = d.buckets.map((b) =>
      metric === 'requests' ? b.requests : metric === 'tokens' ? b.totalTokens : Number(b.cost),
    );
    const formatValue = (v: number): string =>
      metric === 'cost' ? fmt.amount(String(v), d.currency, 2) : fmt.short(v);
    const host = el('div', { class: 'chart', role: 'img', 'aria-label': `${s('trend')}: ${s(metric)}` });
    body.append(host);
    trend = new TrendChart(host);
    // cost points are drawn from the decimal strings; the table and tooltips show the exact strings
    trend.set({
      starts: d.buckets.map((b) => b.start),
      values,
      label: s(metric),
      timeZone: meta.timeZone,
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
            fmt.count(b.requests),
            fmt.count(b.promptTokens),
            fmt.count(b.completionTokens),
            fmt.amount(b.cost, d.currency),
          ]),
          [
            s('total'),
            fmt.count(d.totals.requests),
            fmt.count(d.totals.promptTokens),
            fmt.count(d.totals.completionTokens),
            fmt.amount(d.totals.cost, d.currency),
          ],
        ],
      ),
    );
  }

  function renderModels(): void {
    const st = sections.models;
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
    bars = new BarChart(host, 200);
    bars.set({ labels: top.map((r) => r.label), values: top.map((r) => r.requests), formatValue: (v) => fmt.short(v) });
    const total = d.rows.reduce((a, r) => a + r.requests, 0) || 1;
    body.append(
      dataTable(
        s('models'),
        [s('model'), s('requests'), s('tokens'), s('share')],
        d.rows.map((r) => [
          r.label,
          fmt.count(r.requests),
          fmt.count(r.tokens),
          `${((r.requests * 100) / total).toFixed(1)}%`,
        ]),
      ),
    );
    if (d.note) body.append(el('p', { class: 'muted note' }, d.note));
  }

  function meterRows(id: 'teams' | 'keys', labelHead: string, metric: 'cost' | 'requests'): void {
    const st = sections[id];
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
            metric === 'cost' ? fmt.amount(r.cost, d.currency) : fmt.count(r.requests),
          ),
        ),
      );
    }
    body.append(list);
    body.append(
      dataTable(
        labelHead,
        [labelHead, s('requests'), s('tokens'), s('cost')],
        d.rows.map((r) => [r.label, fmt.count(r.requests), fmt.count(r.tokens), fmt.amount(r.cost, d.currency)]),
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
    const st = sections.plan;
    const body = stateBody('plan', st);
    if (!body || st?.status !== 'ready' || !meta) return;
    const p = st.data;
    const lim = (n: number | null | undefined): string | undefined =>
      n === undefined ? undefined : n === null ? s('unlimited') : fmt.count(n);
    body.append(
      dl([
        [s('name'), p.tier && p.tier !== p.name ? `${p.name} (${p.tier})` : p.name],
        [s('status'), p.status],
        [s('price'), p.price ? fmt.amount(p.price.amount, p.price.currency, 2) : undefined],
        [s('cycle'), p.billingCycle],
        [
          s('period'),
          p.periodStart || p.periodEnd
            ? `${fmt.date(p.periodStart, meta.timeZone)} → ${fmt.date(p.periodEnd, meta.timeZone)}`
            : undefined,
        ],
        [s('renewal'), p.periodEnd ? fmt.date(p.periodEnd, meta.timeZone) : undefined],
        [s('rpmLimit'), lim(p.rpmLimit)],
        [s('tpmLimit'), lim(p.tpmLimit)],
        [s('maxKeys'), lim(p.maxKeys)],
        [s('features'), p.features.length ? p.features.join(', ') : undefined],
      ]),
    );
  }

  function renderAccount(): void {
    const st = sections.account;
    const body = stateBody('account', st);
    if (!body || st?.status !== 'ready') return;
    const a = st.data;
    const m = (x: MoneyView | undefined): string | undefined => (x ? fmt.amount(x.amount, x.currency, 6) : undefined);
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
    const st = sections.invoices;
    const body = stateBody('invoices', st);
    if (!body || st?.status !== 'ready' || !meta) return;
    const d = st.data;
    const tz = meta.timeZone;
    body.append(
      table(
        s('invoices'),
        [s('period'), s('amount'), s('status'), s('issued'), s('due')],
        d.items.map((i) => [
          i.period,
          fmt.amount(i.amount.amount, i.amount.currency, 2),
          i.status,
          fmt.date(i.issuedAt, tz),
          fmt.date(i.dueAt, tz),
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
        trend?.dispose();
        trend = undefined;
        renderUsage();
        break;
      case 'models':
        bars?.dispose();
        bars = undefined;
        renderModels();
        break;
      case 'teams':
        meterRows('teams', s('team'), 'cost');
        break;
      case 'keys':
        meterRows('keys', s('key'), meta?.choices.keySort ?? 'cost');
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

  // ---- theme: re-draw the charts when VS Code's theme changes (body class) ----
  new MutationObserver(() => {
    trend?.redraw();
    bars?.redraw();
  }).observe(document.body, { attributes: true, attributeFilter: ['class'] });

  vscode.onMessage((m) => {
    switch (m.type) {
      case 'init':
        S = m.strings;
        meta = m.meta;
        fmt = new Fmt(m.meta.locale || navigator.language);
        vscode.setState({ connectionId: m.meta.connectionId, choices: m.meta.choices });
        layout();
        break;
      case 'meta': {
        // the trend metric is a view-only choice: keep the one on screen
        const metric = meta?.choices.metric ?? m.meta.choices.metric;
        const next = { ...m.meta, choices: { ...m.meta.choices, metric } };
        const relayout =
          !meta ||
          meta.from !== next.from ||
          meta.to !== next.to ||
          meta.timeZone !== next.timeZone ||
          JSON.stringify(meta.choices) !== JSON.stringify(next.choices) ||
          meta.hourlyAvailable !== next.hourlyAvailable ||
          meta.rangeNote !== next.rangeNote ||
          meta.maxDay !== next.maxDay;
        meta = next;
        vscode.setState({ connectionId: next.connectionId, choices: next.choices });
        if (S && relayout) {
          sections = {};
          layout();
        }
        break;
      }
      case 'notice':
        if (rangeNote?.isConnected) {
          rangeNote.textContent = m.message;
          const box = rangeNote.closest<HTMLElement>('.custom-range');
          if (box) box.hidden = false; // the refused range was a custom one: keep its picker open beside the sentence
        } else pendingNotice = m.message;
        break;
      case 'section':
        sections = { ...sections, [m.id]: m.state };
        if (S) renderSection(m.id);
        break;
    }
  });

  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  post({ type: 'ready', timeZone: zone });
})();
