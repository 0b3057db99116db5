/**
 * The request log webview (browser code): the filter bar, the table of one page (sortable headers, a copy button
 * per request id), the pager and the totals of the filter with where they came from. DOM through textContent only;
 * posts only the messages of requestsProtocol (type import: zod stays on the host). Numbers, money and durations
 * through the extension's one formatter.
 */
import { formatInteger, formatMoney, formatMs } from '../../core/format';
import type { Money } from '../../core/money';
import type { RequestRecord, RequestSortKey } from '../../core/requestLog';
import type {
  FilterChoices,
  RangePreset,
  RequestsInbound,
  RequestsMeta,
  RequestsOutbound,
  RequestsStringKey,
  RequestsView,
} from '../../webview/requestsProtocol';
import { appRoot, h } from '../common/dom';
import { webviewApi } from '../common/vscode';
import './layout.css';

type Strings = Record<RequestsStringKey, string>;

interface Column {
  readonly key: RequestSortKey | 'tokens' | 'requestId';
  readonly label: RequestsStringKey;
  /** Numbers align right. */
  readonly num?: boolean;
  /** 'class': a token class, folded into the one "Tokens" cell in a narrow editor; 'wide': hidden there. */
  readonly fold?: 'class' | 'tokens' | 'wide';
}

const COLUMNS: readonly Column[] = [
  { key: 'at', label: 'time' },
  { key: 'key', label: 'key' },
  { key: 'model', label: 'model' },
  { key: 'status', label: 'status' },
  { key: 'cost', label: 'cost', num: true },
  { key: 'tokens', label: 'tokens', num: true, fold: 'tokens' },
  { key: 'input', label: 'input', num: true, fold: 'class' },
  { key: 'cached', label: 'cached', num: true, fold: 'class' },
  { key: 'cacheWrite', label: 'cacheWrite', num: true, fold: 'class' },
  { key: 'output', label: 'output', num: true, fold: 'class' },
  { key: 'reasoning', label: 'reasoning', num: true, fold: 'class' },
  { key: 'latency', label: 'latency', num: true, fold: 'wide' },
  { key: 'firstToken', label: 'firstToken', num: true, fold: 'wide' },
  { key: 'requestId', label: 'requestId' },
];

(() => {
  const vscode = webviewApi<RequestsInbound, RequestsOutbound, never>();
  const app = appRoot();
  const locale = navigator.language;
  let S: Strings | undefined;
  let meta: RequestsMeta | undefined;
  let view: RequestsView | undefined;
  let notice = '';
  const s = (k: RequestsStringKey, ...args: Array<string | number>): string =>
    (S?.[k] ?? k).replace(/\{(\d+)\}/g, (_m, i: string) => String(args[Number(i)] ?? ''));

  const count = (n: number | undefined): string => (n === undefined ? '—' : formatInteger(n, locale));
  const cost = (m: Money): string => formatMoney(m, locale, { minFraction: 2, maxFraction: 6 });
  const ms = (n: number | undefined): string => (n === undefined ? '—' : formatMs(n, locale));
  const time = (iso: string): string =>
    new Intl.DateTimeFormat(locale, { dateStyle: 'short', timeStyle: 'medium' }).format(Date.parse(iso));

  function setFilter(patch: Partial<FilterChoices>, drop: ReadonlyArray<keyof FilterChoices> = []): void {
    if (!view) return;
    const next: Record<string, unknown> = { ...view.filter, ...patch };
    for (const k of drop) delete next[k];
    vscode.post({ type: 'setFilter', filter: next as FilterChoices });
  }

  function select(label: string, id: string, options: Array<[string, string]>, current: string): HTMLSelectElement {
    const el = h('select', { id, 'aria-label': label });
    for (const [v, text] of options) {
      const o = h('option', { value: v }, text);
      if (v === current) o.selected = true;
      el.append(o);
    }
    return el;
  }

  function filterBar(v: RequestsView, m: RequestsMeta): HTMLElement {
    const f = v.filter;
    const presets: Array<[RangePreset, RequestsStringKey]> = [
      ['24h', 'last24h'],
      ['7d', 'last7'],
      ['14d', 'last14'],
      ['30d', 'last30'],
    ];
    const range = h('div', { class: 'segmented', role: 'group', 'aria-label': s('range') });
    const current = 'preset' in f.range ? f.range.preset : 'custom';
    const custom = h('div', { class: 'custom-range' });
    custom.hidden = current !== 'custom';
    for (const [p, label] of presets) {
      const b = h(
        'button',
        { type: 'button', class: 'secondary', id: `r-${p}`, 'aria-pressed': String(p === current) },
        s(label),
      );
      b.addEventListener('click', () => setFilter({ range: { preset: p } }));
      range.append(b);
    }
    const customBtn = h(
      'button',
      {
        type: 'button',
        class: 'secondary',
        'aria-pressed': String(current === 'custom'),
        'aria-expanded': String(!custom.hidden),
      },
      s('custom'),
    );
    customBtn.addEventListener('click', () => {
      custom.hidden = !custom.hidden;
      customBtn.setAttribute('aria-expanded', String(!custom.hidden));
    });
    range.append(customBtn);
    const day = (iso: string): string => {
      const d = new Date(iso);
      const p = (n: number): string => String(n).padStart(2, '0');
      return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
    };
    const from = h('input', { type: 'date', 'aria-label': s('from'), value: day(v.from) });
    const to = h('input', {
      type: 'date',
      'aria-label': s('to'),
      value: day(new Date(Date.parse(v.to) - 1).toISOString()),
    });
    const apply = h('button', { type: 'button' }, s('apply'));
    apply.addEventListener('click', () => {
      if (from.value && to.value) setFilter({ range: { from: from.value, to: to.value } });
    });
    custom.append(h('label', {}, s('from'), ' ', from), h('label', {}, s('to'), ' ', to), apply);

    const keys = select(
      s('key'),
      'f-key',
      [['', s('allKeys')], ...m.keys.map((k): [string, string] => [k.id, k.name])],
      f.keyId ?? '',
    );
    keys.addEventListener('change', () => (keys.value ? setFilter({ keyId: keys.value }) : setFilter({}, ['keyId'])));

    const model = h('input', {
      type: 'search',
      id: 'f-model',
      'aria-label': s('model'),
      placeholder: s('anyModel'),
      value: f.model ?? '',
    });
    const models = h('datalist', { id: 'f-models' });
    for (const id of new Set(v.rows.map((r) => r.model))) models.append(h('option', { value: id }));
    model.setAttribute('list', 'f-models');
    model.addEventListener('change', () => {
      const t = model.value.trim();
      if (t) setFilter({ model: t });
      else setFilter({}, ['model']);
    });

    const status = select(
      s('status'),
      'f-status',
      [
        ['', s('anyStatus')],
        ['success', s('success')],
        ['error', s('error')],
      ],
      f.status ?? '',
    );
    status.addEventListener('change', () =>
      status.value === 'success' || status.value === 'error'
        ? setFilter({ status: status.value })
        : setFilter({}, ['status']),
    );

    const csv = h('button', { type: 'button', class: 'secondary', id: 'x-csv' }, s('exportCsv'));
    csv.addEventListener('click', () => vscode.post({ type: 'export', format: 'csv' }));
    const json = h('button', { type: 'button', class: 'secondary', id: 'x-json' }, s('exportJson'));
    json.addEventListener('click', () => vscode.post({ type: 'export', format: 'json' }));
    const exportable = v.status === 'ready' || v.status === 'loading';
    csv.disabled = !exportable;
    json.disabled = !exportable;

    return h(
      'div',
      { class: 'filters', role: 'search', 'aria-label': s('filters') },
      range,
      custom,
      h('label', { class: 'field' }, s('key'), ' ', keys),
      h('label', { class: 'field' }, s('model'), ' ', model, models),
      h('label', { class: 'field' }, s('status'), ' ', status),
      h('div', { class: 'exports' }, csv, json),
    );
  }

  function totalsLine(v: RequestsView): HTMLElement {
    const t = v.totals;
    const line = h('p', { class: 'totals', id: 'totals', 'aria-live': 'polite' });
    if (t.status === 'loading') {
      line.append(h('span', { class: 'muted' }, `${s('totals')}: ${s('totalsSumming', t.pagesRead)}`));
    } else if (t.status === 'error') {
      if (v.status !== 'unsupported') line.append(h('span', { class: 'error' }, t.message));
    } else {
      const x = t.totals;
      const source = t.source === 'gateway' ? s('totalsGateway') : s('totalsSummed', t.pages ?? 1);
      line.append(
        h('strong', {}, `${s('totals')}`),
        h('span', { class: 'muted' }, ` (${source}): `),
        h('span', { 'data-total': 'requests' }, `${s('requests')} ${count(x.requests)}`),
        ' · ',
        h('span', {}, `${s('input')} ${count(x.promptTokens - x.cachedTokens - x.cacheWriteTokens)}`),
        ' · ',
        h('span', {}, `${s('cached')} ${count(x.cachedTokens)}`),
        ' · ',
        h('span', {}, `${s('cacheWrite')} ${count(x.cacheWriteTokens)}`),
        ' · ',
        h('span', {}, `${s('output')} ${count(x.completionTokens)}`),
        ' · ',
        h('span', {}, `${s('reasoning')} ${count(x.reasoningTokens)}`),
        ' · ',
        h('strong', { 'data-total': 'cost' }, `${s('cost')} ${cost(x.cost)}`),
      );
    }
    return line;
  }

  function cell(r: RequestRecord, c: Column): HTMLElement {
    const u = r.usage;
    const td = h('td', {
      class: [c.num ? 'num' : '', c.fold ? `fold-${c.fold}` : ''].join(' ').trim() || undefined,
      'data-label': s(c.label),
    });
    switch (c.key) {
      case 'at':
        td.append(h('time', { datetime: r.at }, time(r.at)));
        break;
      case 'key':
        td.append(r.keyName ?? r.keyId ?? '—');
        break;
      case 'model':
        td.append(r.model || '—');
        break;
      case 'status':
        td.append(
          h(
            'span',
            { class: `status ${r.status}`, title: r.error },
            r.status === 'success' ? s('success') : s('error'),
          ),
        );
        break;
      case 'tokens':
        td.append(`${count(u.promptTokens)} → ${count(u.completionTokens)}`);
        if (u.cachedTokens) td.append(h('span', { class: 'muted' }, ` (${s('cached')} ${count(u.cachedTokens)})`));
        break;
      case 'input':
        td.append(count(u.promptTokens - (u.cachedTokens ?? 0) - (u.cacheWriteTokens ?? 0)));
        break;
      case 'cached':
        td.append(count(u.cachedTokens));
        break;
      case 'cacheWrite':
        td.append(count(u.cacheWriteTokens));
        break;
      case 'output':
        td.append(count(u.completionTokens));
        break;
      case 'reasoning':
        td.append(count(u.reasoningTokens));
        break;
      case 'cost':
        td.append(cost(r.cost));
        break;
      case 'latency':
        td.append(ms(r.latencyMs));
        break;
      case 'firstToken':
        td.append(ms(r.firstTokenMs));
        break;
      case 'requestId':
        if (r.requestId) {
          const id = r.requestId;
          const b = h(
            'button',
            { type: 'button', class: 'icon', 'aria-label': s('copyId', id), title: s('copyId', id) },
            s('copy'),
          );
          b.addEventListener('click', () => vscode.post({ type: 'copy', requestId: id }));
          td.append(h('code', { class: 'rid' }, id), ' ', b);
        } else td.append('—');
        break;
    }
    return td;
  }

  function table(v: RequestsView): HTMLElement {
    const head = h('tr', {});
    for (const c of COLUMNS) {
      const th = h('th', {
        scope: 'col',
        class: [c.num ? 'num' : '', c.fold ? `fold-${c.fold}` : ''].join(' ').trim() || undefined,
      });
      if (c.key === 'tokens' || c.key === 'requestId') th.append(s(c.label));
      else {
        const key = c.key;
        const active = v.sort.key === key;
        th.setAttribute('aria-sort', active ? (v.sort.dir === 'asc' ? 'ascending' : 'descending') : 'none');
        const b = h(
          'button',
          { type: 'button', class: 'sort', id: `sort-${key}`, 'data-sort': key },
          s(c.label),
          active ? (v.sort.dir === 'asc' ? ' ▲' : ' ▼') : '',
        );
        b.addEventListener('click', () => {
          const dir =
            active && v.sort.dir === 'desc' ? 'asc' : active ? 'desc' : key === 'at' || c.num ? 'desc' : 'asc';
          vscode.post({ type: 'sort', key, dir });
        });
        th.append(b);
      }
      head.append(th);
    }
    const body = h('tbody', {});
    for (const r of v.rows) {
      const tr = h('tr', { class: r.status === 'error' ? 'failed' : undefined });
      for (const c of COLUMNS) tr.append(cell(r, c));
      body.append(tr);
    }
    return h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        { 'aria-describedby': 'sort-hint' },
        h('caption', { class: 'sr-only' }, s('title')),
        h('thead', {}, head),
        body,
      ),
    );
  }

  function pager(v: RequestsView): HTMLElement {
    const prev = h('button', { type: 'button', class: 'secondary', id: 'pg-prev' }, s('previous'));
    prev.disabled = v.page === 0 || v.status === 'loading';
    prev.addEventListener('click', () => vscode.post({ type: 'page', page: v.page - 1 }));
    const next = h('button', { type: 'button', class: 'secondary', id: 'pg-next' }, s('next'));
    next.disabled = !v.hasMore || v.status === 'loading';
    next.addEventListener('click', () => vscode.post({ type: 'page', page: v.page + 1 }));
    const pages = v.total !== undefined ? Math.max(1, Math.ceil(v.total / v.pageSize)) : undefined;
    const label = pages !== undefined ? s('pageOf', v.page + 1, pages) : s('page', v.page + 1);
    return h('nav', { class: 'pager', 'aria-label': label }, prev, h('span', { class: 'muted' }, label), next);
  }

  function render(): void {
    if (!S || !meta || !view) return;
    const v = view;
    const focused = document.activeElement?.id;
    const parts: HTMLElement[] = [
      h(
        'div',
        { class: 'page-head' },
        h('h1', {}, s('title')),
        h('span', { class: 'muted' }, `${meta.connectionLabel} · ${meta.gatewayLabel} · ${s('timesLocal')}`),
      ),
    ];
    if (v.status === 'unsupported') {
      parts.push(h('p', { class: 'muted quiet', id: 'absent' }, v.message ?? ''));
      app.replaceChildren(...parts);
      return;
    }
    parts.push(filterBar(v, meta), totalsLine(v));
    if (v.status === 'error') {
      const retry = h('button', { type: 'button' }, s('retry'));
      retry.addEventListener('click', () => vscode.post({ type: 'retry' }));
      parts.push(h('p', { class: 'error', role: 'alert' }, v.message ?? '', ' ', retry));
    } else if (v.status === 'loading' && v.rows.length === 0) {
      parts.push(h('p', { class: 'muted', 'aria-live': 'polite' }, s('loading')));
    } else if (v.rows.length === 0) {
      parts.push(h('p', { class: 'muted' }, s('noRows')));
    } else {
      parts.push(table(v), h('p', { class: 'muted note', id: 'sort-hint' }, s('sortHint')));
    }
    parts.push(pager(v), h('p', { class: 'muted note', id: 'notice', 'aria-live': 'polite' }, notice));
    app.replaceChildren(...parts);
    app.setAttribute('aria-busy', String(v.status === 'loading'));
    if (focused) document.getElementById(focused)?.focus();
  }

  vscode.onMessage((msg) => {
    switch (msg.type) {
      case 'init':
        S = msg.strings;
        meta = msg.meta;
        break;
      case 'view':
        view = msg.view;
        break;
      case 'notice':
        notice = msg.message;
        break;
    }
    render();
  });
  vscode.post({ type: 'ready' });
})();
