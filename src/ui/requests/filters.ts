/**
 * The request log page's filter bar (browser code): the time range (presets, or custom days), the key, the model
 * (with the models of the page as suggestions) and the status, and the two export buttons. Every change posts the
 * whole filter to the host, which reloads; nothing is filtered here.
 */
import type {
  FilterChoices,
  RangePreset,
  RequestsMeta,
  RequestsStringKey,
  RequestsView,
} from '../../webview/requestsProtocol';
import { h } from '../common/dom';
import type { PageContext } from './context';

function setFilter(c: PageContext, patch: Partial<FilterChoices>, drop: ReadonlyArray<keyof FilterChoices> = []): void {
  const view = c.view();
  if (!view) return;
  const next: Record<string, unknown> = { ...view.filter, ...patch };
  for (const k of drop) delete next[k];
  c.post({ type: 'setFilter', filter: next as FilterChoices });
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

export function filterBar(c: PageContext, v: RequestsView, m: RequestsMeta): HTMLElement {
  const { s } = c;
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
    b.addEventListener('click', () => setFilter(c, { range: { preset: p } }));
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
    if (from.value && to.value) setFilter(c, { range: { from: from.value, to: to.value } });
  });
  custom.append(h('label', {}, s('from'), ' ', from), h('label', {}, s('to'), ' ', to), apply);

  const keys = select(
    s('key'),
    'f-key',
    [['', s('allKeys')], ...m.keys.map((k): [string, string] => [k.id, k.name])],
    f.keyId ?? '',
  );
  keys.addEventListener('change', () =>
    keys.value ? setFilter(c, { keyId: keys.value }) : setFilter(c, {}, ['keyId']),
  );

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
    if (t) setFilter(c, { model: t });
    else setFilter(c, {}, ['model']);
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
  if (v.granularity === 'day') {
    // daily totals are not split by status: the filter would not apply
    status.value = '';
    status.disabled = true;
    status.title = s('statusDaily');
  }
  status.addEventListener('change', () =>
    status.value === 'success' || status.value === 'error'
      ? setFilter(c, { status: status.value })
      : setFilter(c, {}, ['status']),
  );

  const csv = h('button', { type: 'button', class: 'secondary', id: 'x-csv' }, s('exportCsv'));
  csv.addEventListener('click', () => c.post({ type: 'export', format: 'csv' }));
  const json = h('button', { type: 'button', class: 'secondary', id: 'x-json' }, s('exportJson'));
  json.addEventListener('click', () => c.post({ type: 'export', format: 'json' }));
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
