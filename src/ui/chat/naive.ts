/**
 * Baseline for the render benchmarks (test/bench/render.bench.ts), not shipped: the common "render everything"
 * renderer — the whole message re-rendered on every chunk (what VS Code's own chat does per chunk), and every
 * message of a conversation rendered at once when it opens — with the same markdown, highlighting and sanitiser as
 * the real panel, so the comparison isolates the rendering strategy.
 */
import type { ChatOutbound } from '../../webview/protocol';
import { createMarkdown } from './markdown';
import { sanitize } from './sanitize';

(() => {
  const md = createMarkdown({ highlight: true });
  const app = document.getElementById('app')!;
  const log = document.createElement('div');
  log.className = 'messages';
  app.replaceChildren(log);
  let body: HTMLElement | undefined;
  let text = '';
  const render = (): void => {
    body?.replaceChildren(sanitize(md.render(text)));
    log.scrollTop = log.scrollHeight;
  };
  window.addEventListener('message', (e: MessageEvent<ChatOutbound>) => {
    const m = e.data;
    if (m.type === 'state') {
      log.replaceChildren();
      for (const t of m.state.turns) {
        const turn = document.createElement('article');
        turn.className = `turn ${t.role}`;
        body = document.createElement('div');
        body.className = 'body';
        turn.append(body);
        log.append(turn);
        if (t.role === 'user') body.textContent = t.content;
        else body.replaceChildren(sanitize(md.render(t.content)));
        text = t.content;
      }
      log.scrollTop = log.scrollHeight;
    } else if (m.type === 'delta') {
      text += m.text;
      render();
    } else if (m.type === 'turn') {
      text = m.turn.content;
      render();
    }
  });
})();
