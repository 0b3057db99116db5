// The chat's codicons, cut down to the glyphs it draws: the codicon font is 126 KB with every one of its ~650 icons,
// the chat uses 16. Used by esbuild.mjs (the chat's `import '@vscode/codicons/dist/codicon.css'` resolves to the
// subset written here) and by the unit tests.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** The icon names of `src/ui/chat/icons.ts` (the `CHAT_ICONS` list, quoted names only). */
export function chatIcons(root) {
  const text = fs.readFileSync(path.join(root, 'src/ui/chat/icons.ts'), 'utf8');
  const list = /CHAT_ICONS\s*=\s*\[([^\]]*)\]/.exec(text);
  if (!list) throw new Error('src/ui/chat/icons.ts has no CHAT_ICONS = [ … ] list');
  return [...list[1].matchAll(/'([a-z0-9-]+)'/g)].map((m) => m[1]);
}

/** name → code point, from codicon.css's `.codicon-<name>:before { content: "\xxxx" }` lines. */
export function codePoints(css) {
  const out = new Map();
  for (const m of css.matchAll(/^\.codicon-([a-z0-9-]+):before\s*\{\s*content:\s*"\\([0-9a-f]+)"\s*\}/gim))
    out.set(m[1], Number.parseInt(m[2], 16));
  return out;
}

/**
 * The stylesheet and the font for `names`: codicon.css's own rules before its icon list (the @font-face, the base
 * class, the modifiers), the font's URL pointing at the subset, and the icon rules of those names only. Throws on a
 * name the codicons do not have.
 */
export function subsetCss(css, names, fontFile) {
  const points = codePoints(css);
  const unknown = names.filter((n) => !points.has(n));
  if (unknown.length) throw new Error(`not a codicon: ${unknown.join(', ')}`);
  const at = css.search(/^\.codicon-[a-z0-9-]+:before/m);
  if (at < 0) throw new Error('codicon.css has no icon rules');
  const head = css
    .slice(0, at)
    .replace(/src:\s*url\([^)]*\)\s*format\("truetype"\)/, `src: url("./${fontFile}") format("truetype")`);
  if (!head.includes(`./${fontFile}`)) throw new Error("codicon.css's @font-face src was not found");
  const rules = names.map((n) => `.codicon-${n}:before { content: "\\${points.get(n).toString(16)}" }`);
  return `${head}${rules.join('\n')}\n`;
}

/**
 * Writes the subset (codicon.css + the font) into `outDir` and returns the stylesheet's path. Rewritten only when the
 * names or the codicons package change.
 */
export async function writeCodiconSubset(root, outDir) {
  const dist = path.join(root, 'node_modules/@vscode/codicons/dist');
  const css = fs.readFileSync(path.join(dist, 'codicon.css'), 'utf8');
  const font = fs.readFileSync(path.join(dist, 'codicon.ttf'));
  const names = chatIcons(root);
  const key = createHash('sha256').update(css).update(font).update(names.join(',')).digest('hex').slice(0, 12);
  const fontFile = `codicon-${key}.ttf`;
  const cssPath = path.join(outDir, 'codicon.css');
  if (fs.existsSync(path.join(outDir, fontFile)) && fs.existsSync(cssPath)) return cssPath;
  const text = subsetCss(css, names, fontFile);
  const points = codePoints(css);
  const { default: subsetFont } = await import('subset-font');
  const subset = await subsetFont(font, String.fromCodePoint(...names.map((n) => points.get(n))), {
    targetFormat: 'truetype',
  });
  fs.rmSync(outDir, { recursive: true, force: true });
  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(path.join(outDir, fontFile), subset);
  fs.writeFileSync(cssPath, text);
  return cssPath;
}
