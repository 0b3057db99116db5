/**
 * The keys table webview (browser code). Builds its DOM with text nodes only (no HTML from data), posts only the
 * messages of keysTableProtocol (type import: zod stays on the host). The host owns the rows, the order and the
 * pages; this page owns the selection and the keyboard: arrow keys move between rows, Space selects, Shift+Arrow or
 * Shift+click selects a range, Enter opens the details, Ctrl/Cmd+A selects every row shown.
 */
import type {
  KeysTableInbound,
  KeysTableOutbound,
  KeysTableStringKey,
  TableColumn,
  TableStateView,
} from '../../webview/keysTableProtocol';
import { appRoot, h } from '../common/dom';
import { webviewApi } from '../common/vscode';
import './layout.css';

type Strings = Record<KeysTableStringKey, string>;
const COLUMNS: readonly TableColumn[] = ['name', 'status', 'quota', 'expiry', 'lastUsed', 'spend', 'created'];
const PAGE_SIZES = [25, 50, 100, 200] as const;

(() => {
  const vscode = webviewApi<KeysTableInbound, KeysTableOutbound, never>();
  const app = appRoot();
  let S: Strings | undefined;
  let state: TableStateView | undefined;
  const selected = new Set<string>();
  /** The row with the keyboard focus, and the anchor of a Shift range. */
  let focusId: string | undefined;
  let anchorId: string | undefined;
  let filterBox: HTMLInputElement | undefined;
  const s = (k: KeysTableStringKey): string => S?.[k] ?? k;

  function ids(): string[] {
    return state?.rows.map((r) => r.id) ?? [];
  }

  function selectRange(from: string | undefined, to: string): void {
    const all = ids();
    const a = from ? all.indexOf(from) : -1;
    const b = all.indexOf(to);
    if (a < 0 || b < 0) {
      selected.add(to);
      return;
    }
    for (let i = Math.min(a, b); i <= Math.max(a, b); i++) selected.add(all[i]!);
  }

  function render(): void {
    if (!state || !S) return;
    const st = state;
    const hadFilterFocus = document.activeElement === filterBox;
    app.replaceChildren();
    app.setAttribute('aria-busy', st.busy ? 'true' : 'false');

    // toolbar: filter, page size, refresh, bulk actions
    const filter = h('input', {
      type: 'search',
      id: 'filter',
      placeholder: s('filterPlaceholder'),
      'aria-label': s('filter'),
      value: st.filter,
    });
    filter.value = st.filter;
    filter.addEventListener('input', () => vscode.post({ type: 'filter', text: filter.value }));
    filterBox = filter;
    const size = h('select', { id: 'page-size', 'aria-label': s('pageSize') });
    for (const n of PAGE_SIZES) {
      const o = h('option', { value: String(n) }, String(n));
      if (n === st.pageSize) o.selected = true;
      size.append(o);
    }
    size.addEventListener('change', () => {
      const n = Number(size.value);
      if (n === 25 || n === 50 || n === 100 || n === 200) vscode.post({ type: 'pageSize', size: n });
    });
    const refresh = h('button', { class: 'secondary', id: 'refresh' }, s('refresh'));
    refresh.addEventListener('click', () => vscode.post({ type: 'refresh' }));
    const chosen = st.rows.filter((r) => selected.has(r.id)).map((r) => r.id);
    const bulk = (action: 'disable' | 'enable' | 'delete', label: string) => {
      const b = h('button', { class: action === 'delete' ? 'danger' : 'secondary', 'data-bulk': action }, label);
      if (chosen.length === 0) b.disabled = true;
      b.addEventListener('click', () => vscode.post({ type: 'bulk', action, keyIds: chosen }));
      return b;
    };
    const count = h(
      'span',
      { class: 'muted', id: 'selected-count', 'aria-live': 'polite' },
      chosen.length ? `${chosen.length} ✓` : '',
    );
    app.append(
      h(
        'div',
        { class: 'toolbar' },
        filter,
        h('label', { class: 'muted' }, s('pageSize'), ' ', size),
        refresh,
        h('span', { class: 'spacer' }),
        count,
        bulk('enable', s('enable')),
        bulk('disable', s('disable')),
        bulk('delete', s('delete')),
      ),
    );

    // what the order covers; a read under way (with Cancel); the last failure
    const scope = h('p', { class: 'scope muted', id: 'scope' }, st.scope);
    if (st.offerLoadAll) {
      const all = h('button', { class: 'link', id: 'load-all' }, s('loadAll'));
      all.addEventListener('click', () => vscode.post({ type: 'loadAll' }));
      scope.append(' ', all);
    }
    app.append(scope);
    if (st.spendNote) app.append(h('p', { class: 'muted note' }, st.spendNote));
    if (st.busy) {
      const cancel = h('button', { class: 'link', id: 'cancel' }, s('cancel'));
      cancel.addEventListener('click', () => vscode.post({ type: 'cancelLoad' }));
      app.append(h('p', { class: 'busy', role: 'status' }, st.busy, ' ', cancel));
    }
    if (st.error) app.append(h('p', { class: 'error', role: 'alert' }, st.error));

    // the table
    const headRow = h('tr');
    const allBox = h('input', { type: 'checkbox', 'aria-label': s('selectAll') });
    allBox.checked = st.rows.length > 0 && chosen.length === st.rows.length;
    allBox.addEventListener('change', () => {
      for (const r of st.rows) {
        if (allBox.checked) selected.add(r.id);
        else selected.delete(r.id);
      }
      render();
    });
    headRow.append(h('th', { class: 'check' }, allBox));
    for (const c of COLUMNS) {
      const label = c === 'spend' ? st.spendHeader : s(`col.${c}`);
      const sorted = st.sort?.column === c ? st.sort.dir : undefined;
      const th = h('th', {
        scope: 'col',
        'aria-sort': sorted === 'asc' ? 'ascending' : sorted === 'desc' ? 'descending' : 'none',
        'data-col': c,
      });
      if (st.sortable.includes(c)) {
        const b = h(
          'button',
          { class: 'sort', title: sorted ? s(sorted === 'asc' ? 'sortAsc' : 'sortDesc') : '' },
          label,
          sorted ? (sorted === 'asc' ? ' ▲' : ' ▼') : '',
        );
        b.addEventListener('click', () => vscode.post({ type: 'sort', column: c }));
        th.append(b);
      } else th.append(label);
      headRow.append(th);
    }
    headRow.append(h('th', { scope: 'col' }, s('actions')));
    const body = h('tbody');
    for (const r of st.rows) {
      const isSel = selected.has(r.id);
      const box = h('input', { type: 'checkbox', 'aria-label': `${s('selectRow')} ${r.name}`, tabindex: '-1' });
      box.checked = isSel;
      box.addEventListener('click', (e) => {
        e.stopPropagation();
        if (e.shiftKey) selectRange(anchorId, r.id);
        else if (box.checked) selected.add(r.id);
        else selected.delete(r.id);
        anchorId = r.id;
        focusId = r.id;
        render();
      });
      const actions = h('td', { class: 'actions' });
      for (const a of ['details', 'edit', 'rotate', 'copySnippet'] as const) {
        const b = h('button', { class: 'link', tabindex: '-1', 'data-action': a }, s(a));
        b.addEventListener('click', (e) => {
          e.stopPropagation();
          vscode.post({ type: 'row', action: a, keyId: r.id });
        });
        actions.append(b);
      }
      const tr = h(
        'tr',
        {
          'data-id': r.id,
          tabindex: r.id === (focusId ?? st.rows[0]?.id) ? '0' : '-1',
          'aria-selected': isSel ? 'true' : 'false',
          class: isSel ? 'selected' : undefined,
        },
        h('td', { class: 'check' }, box),
        h('td', { class: 'name' }, h('span', {}, r.name), h('span', { class: 'muted mask' }, r.masked)),
        h(
          'td',
          {},
          h('span', { class: `status status-${r.status}` }, r.statusText),
          r.rotation ? h('span', { class: 'muted rotation' }, r.rotation) : undefined,
        ),
        h('td', { class: 'num' }, r.quota),
        h('td', { title: r.titles.expiry || undefined }, r.expiry),
        h('td', { title: r.titles.lastUsed || undefined }, r.lastUsed),
        h('td', { class: 'num' }, r.spend),
        h('td', { title: r.titles.created || undefined }, r.created),
        actions,
      );
      tr.addEventListener('click', (e) => {
        if (e.shiftKey) selectRange(anchorId ?? focusId, r.id);
        focusId = r.id;
        if (!e.shiftKey) anchorId = r.id;
        render();
      });
      tr.addEventListener('dblclick', () => vscode.post({ type: 'row', action: 'details', keyId: r.id }));
      body.append(tr);
    }
    const table = h(
      'table',
      { role: 'grid', 'aria-multiselectable': 'true', 'aria-label': st.connection, 'aria-describedby': 'help' },
      h('thead', {}, headRow),
      body,
    );
    body.addEventListener('keydown', onKey);
    app.append(h('div', { class: 'scroll' }, table));
    app.append(h('p', { class: 'muted note', id: 'help' }, s('keyboardHelp')));

    // pager
    const prev = h('button', { class: 'secondary', id: 'prev' }, s('previous'));
    prev.disabled = st.page === 0;
    prev.addEventListener('click', () => vscode.post({ type: 'page', page: st.page - 1 }));
    const next = h('button', { class: 'secondary', id: 'next' }, s('next'));
    next.disabled = !st.hasNext;
    next.addEventListener('click', () => vscode.post({ type: 'page', page: st.page + 1 }));
    const where = st.pageCount !== undefined ? `${st.page + 1} / ${st.pageCount}` : String(st.page + 1);
    app.append(
      h(
        'div',
        { class: 'pager' },
        prev,
        h('span', { id: 'page' }, where),
        next,
        h('span', { class: 'muted' }, st.summary),
      ),
    );

    if (hadFilterFocus) {
      filter.focus();
      filter.setSelectionRange(filter.value.length, filter.value.length);
    } else if (focusId && document.activeElement === document.body) {
      body.querySelector<HTMLElement>(`tr[data-id="${CSS.escape(focusId)}"]`)?.focus();
    }
  }

  function onKey(e: KeyboardEvent): void {
    const all = ids();
    if (all.length === 0) return;
    const at = Math.max(0, all.indexOf(focusId ?? all[0]!));
    const move = (i: number) => {
      const id = all[Math.min(all.length - 1, Math.max(0, i))]!;
      if (e.shiftKey) selectRange(anchorId ?? all[at], id);
      else anchorId = id;
      focusId = id;
      e.preventDefault();
      render();
      app.querySelector<HTMLElement>(`tr[data-id="${CSS.escape(id)}"]`)?.focus();
    };
    switch (e.key) {
      case 'ArrowDown':
        return move(at + 1);
      case 'ArrowUp':
        return move(at - 1);
      case 'Home':
        return move(0);
      case 'End':
        return move(all.length - 1);
      case ' ': {
        const id = all[at]!;
        if (selected.has(id)) selected.delete(id);
        else selected.add(id);
        anchorId = id;
        return move(at);
      }
      case 'Enter':
        e.preventDefault();
        vscode.post({ type: 'row', action: 'details', keyId: all[at]! });
        return;
      case 'a':
        if (e.ctrlKey || e.metaKey) {
          for (const id of all) selected.add(id);
          return move(at);
        }
    }
  }

  vscode.onMessage((msg) => {
    switch (msg.type) {
      case 'init':
        S = msg.strings;
        render();
        return;
      case 'state': {
        state = msg.state;
        // a selection the rows no longer hold is dropped: bulk actions act only on what is shown
        const shown = new Set(state.rows.map((r) => r.id));
        for (const id of [...selected]) if (!shown.has(id)) selected.delete(id);
        render();
        return;
      }
      case 'deselect':
        for (const id of msg.keyIds) selected.delete(id);
        render();
        return;
    }
  });
  vscode.post({ type: 'ready' });
})();
