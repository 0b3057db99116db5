/**
 * Baseline for the streaming-render benchmark (test/bench/render.bench.ts), not shipped: the common "re-render
 * the whole message on every chunk" renderer (what VS Code's own chat does per chunk), with the same markdown,
 * highlighting and sanitiser as the real panel, so the comparison isolates the rendering strategy.
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
      const t = m.state.turns[m.state.turns.length - 1];
      text = t?.content ?? '';
      body = document.createElement('div');
      body.className = 'body';
      const turn = document.createElement('article');
      turn.className = 'turn assistant';
      turn.append(body);
      log.replaceChildren(turn);
      render();
    } else if (m.type === 'delta') {
      text += m.text;
      render();
    } else if (m.type === 'turn') {
      text = m.turn.content;
      render();
    }
  });
})();
