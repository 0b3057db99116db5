/**
 * The "Compare models" webview (browser code): one table, a column per model and a row per field, every cell text
 * the host formatted (set with textContent only). Posts only the messages of compareProtocol (type import: zod
 * stays on the host).
 */
import type { CompareInbound, CompareOutbound, CompareState } from '../../webview/compareProtocol';
import { appRoot, h } from '../common/dom';
import { webviewApi } from '../common/vscode';
import './compare.css';

(() => {
  const vscode = webviewApi<CompareInbound, CompareOutbound, never>();
  const app = appRoot();

  function render(s: CompareState): void {
    const choose = h('button', { type: 'button', class: 'secondary', id: 'choose' }, s.strings.choose);
    choose.addEventListener('click', () => vscode.post({ type: 'choose' }));
    const head = h('div', { class: 'page-head' }, h('h1', {}, s.title), choose);
    const note = h('p', { class: 'muted note', id: 'typical-note' }, s.typicalNote);
    if (s.columns.length === 0) {
      app.replaceChildren(head, h('p', { class: 'empty' }, s.strings.empty));
      return;
    }
    const headRow = h('tr', {}, h('th', { scope: 'col' }, ''));
    s.columns.forEach((c, i) => {
      const remove = h(
        'button',
        { type: 'button', class: 'remove', title: s.strings.remove, 'aria-label': `${s.strings.remove} ${c.modelId}` },
        '×',
      );
      remove.addEventListener('click', () => vscode.post({ type: 'remove', index: i }));
      headRow.append(h('th', { scope: 'col' }, h('span', { class: 'model' }, c.modelId), remove));
    });
    const body = h('tbody');
    for (const row of s.rows) {
      const tr = h('tr', { 'data-row': row }, h('th', { scope: 'row' }, s.rowLabels[row]));
      for (const c of s.columns) {
        const td = h('td', {}, c.cells[row]);
        if (row === 'typical' && c.cheapest) {
          td.classList.add('cheapest');
          td.append(' ', h('span', { class: 'badge' }, s.strings.cheapest));
        }
        tr.append(td);
      }
      body.append(tr);
    }
    const table = h('table', { class: 'compare' }, h('thead', {}, headRow), body);
    const parts: Node[] = [head, note, h('div', { class: 'scroll' }, table)];
    if (s.columns.length === 1) parts.push(h('p', { class: 'muted note' }, s.strings.one));
    if (s.columns.some((c) => c.cells.features.includes('*')))
      parts.push(h('p', { class: 'muted note' }, s.strings.assumed));
    app.replaceChildren(...parts);
  }

  vscode.onMessage((msg) => {
    if (msg.type === 'state') render(msg.state);
  });
  vscode.post({ type: 'ready' });
})();
