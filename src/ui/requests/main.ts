/**
 * The request log webview (browser code): the filter bar, the table of one page (sortable headers, a copy button
 * per request id), the pager and the totals of the filter with where they came from. DOM through textContent only;
 * posts only the messages of requestsProtocol (type import: zod stays on the host). Numbers, money and durations
 * through the extension's one formatter.
 */
import type { RequestsInbound, RequestsMeta, RequestsOutbound, RequestsView } from '../../webview/requestsProtocol';
import { appRoot, h } from '../common/dom';
import { webviewApi } from '../common/vscode';
import { pageContext, type Strings } from './context';
import { filterBar } from './filters';
import { requestsTable } from './table';
import './layout.css';

(() => {
  const vscode = webviewApi<RequestsInbound, RequestsOutbound, never>();
  const app = appRoot();
  const locale = navigator.language;
  let S: Strings | undefined;
  let meta: RequestsMeta | undefined;
  let view: RequestsView | undefined;
  let notice = '';
  const c = pageContext(
    (msg) => vscode.post(msg),
    locale,
    () => S,
    () => view,
  );
  const { s, count, total } = c;

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
        h('strong', { 'data-total': 'cost' }, `${s('cost')} ${total(x.cost)}`),
      );
    }
    // our price only where some row could be priced (a daily row per key names no model, so none can)
    const o =
      v.totals.status === 'ready' && !(v.ourTotals.status === 'ready' && v.ourTotals.unpricedRows === v.ourTotals.rows)
        ? v.ourTotals
        : undefined;
    if (o?.status === 'loading') line.append(' · ', h('span', { class: 'muted' }, s('ourTotalSumming')));
    else if (o?.status === 'ready') {
      const ours = h('span', { 'data-total': 'ours' }, s('ourTotal', total(o.amount)));
      line.append(' · ', ours);
      if (o.unpricedRows > 0)
        line.append(
          ' ',
          h('span', { class: 'muted' }, `(${s('ourTotalUnpriced', count(o.unpricedRows), count(o.rows))})`),
        );
      if (o.difference !== undefined) {
        const why = s('differs', total({ amount: o.difference, currency: o.amount.currency }));
        line.append(' ', h('span', { class: 'flag', id: 'totals-differ', title: why }, `⚠ ${why}`));
      }
    }
    return line;
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
    parts.push(filterBar(c, v, meta));
    if (v.granularity === 'day') parts.push(h('p', { class: 'muted quiet', id: 'daily' }, s('dailyTotals')));
    parts.push(totalsLine(v));
    if (v.status === 'error') {
      const retry = h('button', { type: 'button' }, s('retry'));
      retry.addEventListener('click', () => vscode.post({ type: 'retry' }));
      parts.push(h('p', { class: 'error', role: 'alert' }, v.message ?? '', ' ', retry));
    } else if (v.status === 'loading' && v.rows.length === 0) {
      parts.push(h('p', { class: 'muted', 'aria-live': 'polite' }, s('loading')));
    } else if (v.rows.length === 0) {
      parts.push(h('p', { class: 'muted' }, s('noRows')));
    } else {
      parts.push(requestsTable(c, v), h('p', { class: 'muted note', id: 'sort-hint' }, s('sortHint')));
      if (meta.roundingPerRequest && v.rows.some((r) => r.ours))
        parts.push(
          h(
            'p',
            { class: 'muted note', id: 'diff-rule' },
            s('diffRule', c.cost({ amount: meta.roundingPerRequest, currency: meta.currency })),
          ),
        );
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
