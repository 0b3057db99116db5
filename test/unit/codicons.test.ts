/**
 * The chat's codicons (scripts/lib/codicons.mjs, used by esbuild.mjs): the font it ships holds the glyphs of the
 * icons it draws, and every icon it draws is one of them; the stylesheet names only those, over the same base rules.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { CHAT_ICONS } from '../../src/ui/chat/icons';
import { ROOT } from './repo';

interface CodiconLib {
  chatIcons(root: string): string[];
  codePoints(css: string): Map<string, number>;
  subsetCss(css: string, names: string[], fontFile: string): string;
  writeCodiconSubset(root: string, outDir: string): Promise<string>;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports -- the build's library is plain .mjs, with no types of its own
const lib = require(path.join(ROOT, 'scripts', 'lib', 'codicons.mjs')) as CodiconLib;
const CSS = fs.readFileSync(path.join(ROOT, 'node_modules/@vscode/codicons/dist/codicon.css'), 'utf8');

/** The code points a TrueType font maps to a glyph (its cmap's Unicode subtables, formats 4 and 12). */
function mappedCodePoints(font: Buffer): Set<number> {
  const tables = font.readUInt16BE(4);
  let cmap = -1;
  for (let i = 0; i < tables; i++) {
    const rec = 12 + 16 * i;
    if (font.toString('latin1', rec, rec + 4) === 'cmap') cmap = font.readUInt32BE(rec + 8);
  }
  assert.ok(cmap >= 0, 'the font has a cmap table');
  const out = new Set<number>();
  const subtables = font.readUInt16BE(cmap + 2);
  for (let i = 0; i < subtables; i++) {
    const at = cmap + font.readUInt32BE(cmap + 4 + 8 * i + 4);
    const format = font.readUInt16BE(at);
    if (format === 4) {
      const segs = font.readUInt16BE(at + 6) / 2;
      const ends = at + 14;
      const starts = ends + 2 * segs + 2;
      const deltas = starts + 2 * segs;
      const offsets = deltas + 2 * segs;
      for (let s = 0; s < segs; s++) {
        const end = font.readUInt16BE(ends + 2 * s);
        const start = font.readUInt16BE(starts + 2 * s);
        const delta = font.readInt16BE(deltas + 2 * s);
        const ro = font.readUInt16BE(offsets + 2 * s);
        for (let c = start; c <= end && c !== 0xffff; c++) {
          const glyph = ro ? font.readUInt16BE(offsets + 2 * s + ro + 2 * (c - start)) : (c + delta) & 0xffff;
          if (glyph !== 0) out.add(c);
        }
      }
    } else if (format === 12) {
      const groups = font.readUInt32BE(at + 12);
      for (let g = 0; g < groups; g++) {
        const start = font.readUInt32BE(at + 16 + 12 * g);
        const end = font.readUInt32BE(at + 20 + 12 * g);
        for (let c = start; c <= end; c++) out.add(c);
      }
    }
  }
  return out;
}

const made: string[] = [];
after(() => {
  for (const d of made) fs.rmSync(d, { recursive: true, force: true });
});

describe("the chat's codicons", () => {
  it('the build reads the same list the code is typed against', () => {
    assert.deepEqual(lib.chatIcons(ROOT), [...CHAT_ICONS]);
  });

  it('every codicon class the webviews name (in their scripts and stylesheets) is in the list', () => {
    const named = new Set<string>();
    const walk = (dir: string): void => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (/\.(ts|css)$/.test(e.name))
          for (const m of fs.readFileSync(p, 'utf8').matchAll(/codicon-([a-z0-9-]+)/g))
            if (!/^(modifier-|\$)/.test(m[1]!)) named.add(m[1]!);
      }
    };
    walk(path.join(ROOT, 'src', 'ui'));
    walk(path.join(ROOT, 'src', 'webview'));
    const missing = [...named].filter((n) => !(CHAT_ICONS as readonly string[]).includes(n));
    assert.deepEqual(missing, [], 'named in a webview but not in the font the chat ships');
  });

  it('the stylesheet keeps the base rules, points at the subset font and names the listed icons only', () => {
    const css = lib.subsetCss(CSS, ['add', 'warning'], 'codicon-x.ttf');
    assert.match(css, /@font-face \{[^}]*src: url\("\.\/codicon-x\.ttf"\) format\("truetype"\)/);
    assert.match(css, /\.codicon\[class\*='codicon-'\] \{/);
    assert.match(css, /@keyframes codicon-spin/);
    const icons = [...css.matchAll(/^\.codicon-([a-z0-9-]+):before \{ content: "\\([0-9a-f]+)" \}$/gm)];
    assert.deepEqual(
      icons.map((m) => [m[1], m[2]]),
      [
        ['add', 'ea60'],
        ['warning', 'ea6c'],
      ],
    );
    assert.doesNotMatch(css, /codicon\.ttf/, "the full font's URL is gone");
  });

  it('refuses a name the codicons do not have', () => {
    assert.throws(() => lib.subsetCss(CSS, ['add', 'no-such-icon'], 'f.ttf'), /not a codicon: no-such-icon/);
  });

  it("the subset font maps exactly the listed icons' code points, and is a small part of the full font", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'agc-codicons-'));
    made.push(dir);
    const cssPath = await lib.writeCodiconSubset(ROOT, dir);
    const css = fs.readFileSync(cssPath, 'utf8');
    const fontFile = /url\("\.\/([^"]+)"\)/.exec(css)?.[1] ?? '';
    const font = fs.readFileSync(path.join(dir, fontFile));
    const points = lib.codePoints(CSS);
    const want = new Set(CHAT_ICONS.map((n) => points.get(n)!));
    const have = mappedCodePoints(font);
    assert.deepEqual([...have].filter((c) => c >= 0xe000).sort(), [...want].sort());
    const full = fs.statSync(path.join(ROOT, 'node_modules/@vscode/codicons/dist/codicon.ttf')).size;
    assert.ok(font.length * 10 < full, `${font.length} bytes of ${full}`);
    // a second call with nothing changed reuses what is there
    const mtime = fs.statSync(path.join(dir, fontFile)).mtimeMs;
    await lib.writeCodiconSubset(ROOT, dir);
    assert.equal(fs.statSync(path.join(dir, fontFile)).mtimeMs, mtime);
  });
});
