/**
 * The request log page's table (browser code): one page of records, a sortable header per sortable column (the
 * host sorts; a click posts the key and the direction), the token classes folded into one cell in a narrow editor,
 * and a copy button per request id. textContent only.
 */
import type { RequestSortKey } from '../../core/requestLog';
import type { RequestRow, RequestsStringKey, RequestsView } from '../../webview/requestsProtocol';
import { h } from '../common/dom';
import type { PageContext } from './context';

interface Column {
  readonly key: RequestSortKey | 'tokens' | 'requestId' | 'ourCost';
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
  { key: 'ourCost', label: 'ourCost', num: true },
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

/** A signed difference of money ("+¥0.0012", "-¥0.0012"). */
function signed(c: PageContext, amount: string, currency: RequestRow['cost']['currency']): string {
  const text = c.cost({ amount, currency });
  return amount.startsWith('-') ? text : `+${text}`;
}

function cell(c: PageContext, r: RequestRow, col: Column): HTMLElement {
  const { s, count, cost, ms, time } = c;
  const day = r.aggregate !== undefined;
  const u = r.usage;
  const td = h('td', {
    class: [col.num ? 'num' : '', col.fold ? `fold-${col.fold}` : ''].join(' ').trim() || undefined,
    'data-label': s(col.label),
  });
  switch (col.key) {
    case 'at':
      td.append(h('time', { datetime: r.at }, day ? s('utcDay', r.at.slice(0, 10)) : time(r.at)));
      break;
    case 'key':
      td.append(r.keyName ?? r.keyId ?? '—');
      break;
    case 'model':
      td.append(r.model || (day ? s('anyModel') : '—'));
      break;
    case 'status':
      if (r.aggregate) {
        td.append(h('span', { class: 'day-count' }, s('dayRequests', count(r.aggregate.requests))));
        if (r.aggregate.errors)
          td.append(' · ', h('span', { class: 'status error' }, s('dayFailed', count(r.aggregate.errors))));
        break;
      }
      td.append(
        h('span', { class: `status ${r.status}`, title: r.error }, r.status === 'success' ? s('success') : s('error')),
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
      if (r.ours?.difference !== undefined) {
        const why = s('differs', signed(c, r.ours.difference, r.cost.currency));
        td.classList.add('differs');
        td.append(' ', h('span', { class: 'flag', title: why, 'aria-label': why }, '⚠'));
      }
      break;
    case 'ourCost':
      if (!r.ours) td.append(h('span', { class: 'muted', title: s('noPrice') }, '—'));
      else if (r.ours.complete) td.append(cost(r.ours.amount));
      else td.append(h('span', { title: s('partPrice') }, `≥ ${cost(r.ours.amount)}`));
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
        b.addEventListener('click', () => c.post({ type: 'copy', requestId: id }));
        td.append(h('code', { class: 'rid' }, id), ' ', b);
      } else td.append('—');
      break;
  }
  return td;
}

export function requestsTable(c: PageContext, v: RequestsView): HTMLElement {
  const { s } = c;
  const head = h('tr', {});
  for (const col of COLUMNS) {
    const th = h('th', {
      scope: 'col',
      class: [col.num ? 'num' : '', col.fold ? `fold-${col.fold}` : ''].join(' ').trim() || undefined,
    });
    if (col.key === 'tokens' || col.key === 'requestId' || col.key === 'ourCost') th.append(s(col.label));
    else {
      const key = col.key;
      const active = v.sort.key === key;
      th.setAttribute('aria-sort', active ? (v.sort.dir === 'asc' ? 'ascending' : 'descending') : 'none');
      const b = h(
        'button',
        { type: 'button', class: 'sort', id: `sort-${key}`, 'data-sort': key },
        s(col.label),
        active ? (v.sort.dir === 'asc' ? ' ▲' : ' ▼') : '',
      );
      b.addEventListener('click', () => {
        const dir =
          active && v.sort.dir === 'desc' ? 'asc' : active ? 'desc' : key === 'at' || col.num ? 'desc' : 'asc';
        c.post({ type: 'sort', key, dir });
      });
      th.append(b);
    }
    head.append(th);
  }
  const body = h('tbody', {});
  for (const r of v.rows) {
    const tr = h('tr', { class: r.status === 'error' ? 'failed' : undefined });
    for (const col of COLUMNS) tr.append(cell(c, r, col));
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
