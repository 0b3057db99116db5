// Bundles the extension host code and the webview UIs.
//   node esbuild.mjs               development build (sourcemaps)
//   node esbuild.mjs --production  minified, no sourcemaps (what `npm run package` ships)
//   node esbuild.mjs --watch       rebuild on change
import * as esbuild from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(fileURLToPath(import.meta.url));
const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
/** Features whose `./lazy` module is bundled apart (dist/<name>-lazy.js) and loaded on first use. */
const LAZY_FEATURES = ['tools', 'participant'];

/** @type {esbuild.BuildOptions} */
const extension = {
  entryPoints: { extension: path.join(root, 'src/extension.ts') },
  outdir: path.join(root, 'dist'),
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: ['vscode'],
  minify: production,
  sourcemap: production ? false : 'linked',
  sourcesContent: false,
  metafile: true,
  legalComments: production ? 'none' : 'inline',
  define: { 'process.env.NODE_ENV': JSON.stringify(production ? 'production' : 'development') },
  // fonts imported by a webview's CSS (codicons) are emitted beside it and referenced relatively
  loader: { '.ttf': 'file' },
  logLevel: 'warning',
  // parts used only on demand are bundles of their own, loaded by `import('./lazy')` from src/features/<name>/:
  // tools (the configure flow + yaml, smol-toml, jsonc-parser ≈ 150 KB), participant (@gateway's answers)
  plugins: [{
    // undici's HTTP/1 parser is WebAssembly carried as base64 in two builds (SIMD, and a fallback without it),
    // ~140 KB that nothing needs before the first request: bundles of their own, required on first use
    name: 'llhttp-apart',
    setup(b) {
      b.onResolve({ filter: /\/llhttp\/llhttp(_simd)?-wasm\.js$/ }, (args) => ({ path: `./${path.basename(args.path)}`, external: true }));
    },
  }, {
    name: 'lazy-features',
    setup(b) {
      b.onResolve({ filter: /^\.\/lazy$/ }, (args) => {
        const name = LAZY_FEATURES.find((n) => args.importer === path.join(root, 'src', 'features', n, 'index.ts'));
        return name ? { path: `./${name}-lazy.js`, external: true } : undefined;
      });
    },
  }],
};
/** @type {esbuild.BuildOptions} */
const lazyFeatures = {
  ...extension,
  entryPoints: {
    ...Object.fromEntries(LAZY_FEATURES.map((n) => [`${n}-lazy`, path.join(root, 'src', 'features', n, 'lazy.ts')])),
    ...Object.fromEntries(['llhttp-wasm', 'llhttp_simd-wasm'].map((n) => [n, path.join(root, 'node_modules/undici/lib/llhttp', `${n}.js`)])),
  },
  // jsonc-parser's "main" is a UMD build whose inner require()s a bundler cannot follow: take its ES module build
  mainFields: ['module', 'main'],
  plugins: [],
};

/** One bundle per webview: src/ui/<name>/main.ts → dist/ui/<name>.js (none may exist yet). */
function uiEntries() {
  const dir = path.join(root, 'src/ui');
  if (!fs.existsSync(dir)) return {};
  const entries = {};
  for (const d of fs.readdirSync(dir, { withFileTypes: true })) {
    const main = path.join(dir, d.name, 'main.ts');
    if (d.isDirectory() && fs.existsSync(main)) entries[d.name] = main;
  }
  return entries;
}

const ui = uiEntries();
/** @type {esbuild.BuildOptions} */
const webviews = {
  entryPoints: ui,
  outdir: path.join(root, 'dist/ui'),
  bundle: true,
  platform: 'browser',
  format: 'iife',
  target: ['chrome120'],
  minify: production,
  sourcemap: production ? false : 'linked',
  sourcesContent: false,
  metafile: true,
  legalComments: 'none',
  define: { 'process.env.NODE_ENV': JSON.stringify(production ? 'production' : 'development') },
  // fonts imported by a webview's CSS (codicons) are emitted beside it and referenced relatively
  loader: { '.ttf': 'file' },
  logLevel: 'warning',
};

function report(label, result) {
  for (const [file, info] of Object.entries(result.metafile.outputs)) {
    if (file.endsWith('.map')) continue;
    const kb = (info.bytes / 1024).toFixed(1);
    console.log(`  ${label.padEnd(10)} ${path.relative(root, path.resolve(file)).padEnd(28)} ${kb.padStart(8)} KB`);
    if (production || process.argv.includes('--analyze')) {
      // where the bytes come from, by package (or src/ folder)
      const by = new Map();
      for (const [input, { bytesInOutput }] of Object.entries(info.inputs)) {
        const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
        const key = m ? m[1] : input.split('/').slice(0, 2).join('/');
        by.set(key, (by.get(key) ?? 0) + bytesInOutput);
      }
      const top = [...by].sort((a, b) => b[1] - a[1]).slice(0, 6);
      console.log(`             ${top.map(([k, v]) => `${k} ${(v / 1024).toFixed(0)} KB`).join(', ')}`);
    }
  }
}

const builds = [['extension', extension], ['lazy', lazyFeatures]];
if (Object.keys(ui).length) builds.push(['webview', webviews]);

const t0 = performance.now();
if (watch) {
  for (const [label, opts] of builds) {
    const ctx = await esbuild.context({
      ...opts,
      plugins: [...(opts.plugins ?? []), { name: 'report', setup(b) { b.onEnd((r) => { if (r.metafile) report(label, r); }); } }],
    });
    await ctx.watch();
  }
  console.log('esbuild: watching…');
} else {
  // remove stale outputs (e.g. a deleted webview) before building
  fs.rmSync(path.join(root, 'dist'), { recursive: true, force: true });
  const results = await Promise.all(builds.map(([, opts]) => esbuild.build(opts)));
  console.log(`esbuild (${production ? 'production' : 'development'}) in ${Math.round(performance.now() - t0)} ms:`);
  builds.forEach(([label], i) => report(label, results[i]));
  if (!Object.keys(ui).length) console.log('  webview    (no src/ui/*/main.ts yet)');
}
