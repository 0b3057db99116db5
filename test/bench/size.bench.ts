/**
 * Sizes (reported, never asserted): the `.vsix` as `vsce package` builds it, `dist/extension.js` minified, and each
 * webview bundle gzipped. Run after the production build (`npm run bench` does it first). The baselines are fixed
 * anchors: other extensions' packages and what undici + zod weigh when imported carelessly.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { report } from './report';

const REPO = process.env.AGC_REPO ?? path.resolve(__dirname, '../../..');
const KB = 1024;

function kb(bytes: number): number {
  return bytes / KB;
}

function main(): void {
  const ext = path.join(REPO, 'dist', 'extension.js');
  if (!fs.existsSync(ext))
    throw new Error('dist/extension.js is missing: run the production build first (npm run bench does)');
  const extText = fs.readFileSync(ext, 'utf8');
  // a development build carries a sourcemap link and is not minified: its size says nothing about the budget
  const minified = !/sourceMappingURL=/.test(extText.slice(-300));
  const extBytes = Buffer.byteLength(extText);
  report({
    id: 'size.extension',
    what: 'dist/extension.js (minified)',
    value: kb(extBytes),
    unit: 'KB',
    budget: '≤ 700 KB',
    ok: minified && extBytes <= 700 * KB,
    baseline: 'anchor: undici + zod imported carelessly ≈ 1.1 MB',
    note: `${kb(gzipSync(extText).length).toFixed(1)} KB gzip${minified ? '' : '; NOT a production build'}`,
  });

  // what the main bundle leaves to bundles of its own, each loaded on first use (informational: no budget)
  const lazy = fs
    .readdirSync(path.join(REPO, 'dist'))
    .filter((f) => f.endsWith('.js') && f !== 'extension.js')
    .sort();
  for (const f of lazy) {
    const text = fs.readFileSync(path.join(REPO, 'dist', f));
    report({
      id: `size.extension.lazy.${f.replace(/\.js$/, '')}`,
      what: `dist/${f} (minified, loaded on first use)`,
      value: kb(text.length),
      unit: 'KB',
      budget: 'none (not loaded at activation)',
      ok: true,
      informational: true,
      baseline: `${kb(gzipSync(text).length).toFixed(1)} KB gzip`,
    });
  }

  const uiDir = path.join(REPO, 'dist', 'ui');
  const bundles = fs.existsSync(uiDir)
    ? fs
        .readdirSync(uiDir)
        .filter((f) => f.endsWith('.js'))
        .sort()
    : [];
  for (const f of bundles) {
    const raw = fs.readFileSync(path.join(uiDir, f));
    // what the webview loads with it: its CSS and fonts are separate files, counted in the note
    const name = f.replace(/\.js$/, '');
    const css = path.join(uiDir, `${name}.css`);
    const cssGz = fs.existsSync(css) ? gzipSync(fs.readFileSync(css)).length : 0;
    const gz = gzipSync(raw).length;
    report({
      id: `size.webview.${name}`,
      what: `dist/ui/${f} (gzip)`,
      value: kb(gz),
      unit: 'KB',
      budget: '≤ 150 KB gzip',
      ok: gz <= 150 * KB,
      baseline: `${kb(raw.length).toFixed(1)} KB minified`,
      ...(cssGz ? { note: `+ ${name}.css ${kb(cssGz).toFixed(1)} KB gzip` } : {}),
    });
  }

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'agc-bench-vsix-'));
  try {
    const out = path.join(tmp, 'bench.vsix');
    const vsce = path.join(REPO, 'node_modules', '@vscode', 'vsce', 'vsce');
    execFileSync(
      process.execPath,
      // the repository URL is a placeholder: README's links into the repository (docs/) stay relative
      [
        vsce,
        'package',
        '--no-dependencies',
        '--allow-missing-repository',
        '--no-rewrite-relative-links',
        '--skip-license',
        '--out',
        out,
      ],
      {
        cwd: REPO,
        stdio: ['ignore', 'ignore', 'inherit'],
      },
    );
    const size = fs.statSync(out).size;
    report({
      id: 'size.vsix',
      what: '.vsix (vsce package)',
      value: kb(size),
      unit: 'KB',
      budget: '≤ 600 KB',
      ok: minified && size <= 600 * KB,
      baseline: 'anchors: Cline 7.28 MB, GitLens 11 MB, Continue 69.6 MiB',
    });
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main();
