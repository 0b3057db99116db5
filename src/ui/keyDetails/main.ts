/**
 * The key details webview (browser code): the host's rows drawn with text nodes only, and a fixed set of action
 * buttons whose clicks are posted back (the host runs the command, with its own confirmations).
 */
import type { KeyDetailsInbound, KeyDetailsOutbound, KeyDetailsView } from '../../webview/keyDetailsProtocol';
import { appRoot, h } from '../common/dom';
import { webviewApi } from '../common/vscode';
import './layout.css';

(() => {
  const vscode = webviewApi<KeyDetailsInbound, KeyDetailsOutbound, never>();
  const app = appRoot();

  function render(v: KeyDetailsView): void {
    app.replaceChildren();
    app.setAttribute('aria-busy', 'false');
    app.append(
      h('header', {}, h('h1', {}, v.title), h('span', { class: `status status-${v.status}` }, v.statusText)),
      h('p', { class: 'muted mask' }, v.subtitle),
    );
    const bar = h('div', { class: 'actions', role: 'toolbar' });
    for (const a of v.actions) {
      const b = h('button', { class: a.danger ? 'danger' : 'secondary', 'data-action': a.action }, a.label);
      b.addEventListener('click', () => vscode.post({ type: 'action', action: a.action }));
      bar.append(b);
    }
    app.append(bar);
    if (v.error) app.append(h('p', { class: 'error', role: 'alert' }, v.error));
    for (const s of v.sections) {
      const dl = h('dl');
      for (const r of s.rows) dl.append(h('dt', {}, r.label), h('dd', {}, r.value));
      app.append(
        h('section', {}, h('h2', {}, s.heading), dl, s.note ? h('p', { class: 'muted note' }, s.note) : undefined),
      );
    }
    app.append(h('p', { class: 'muted note' }, v.readAt));
  }

  vscode.onMessage((msg) => {
    if (msg.type === 'state') render(msg.view);
  });
  vscode.post({ type: 'ready' });
})();
