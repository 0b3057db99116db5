// Bundles the extension host code and the webview UIs.
//   node esbuild.mjs               development build (sourcemaps)
//   node esbuild.mjs --production  minified, no sourcemaps (what `npm run package` ships)
//   node esbuild.mjs --watch       rebuild on change
//   node esbuild.mjs --metafile    also writes each build's metafile to out/esbuild/<label>.json (esbuild's analyzer
//                                  reads it; --analyze prints the heaviest packages / folders per output)
import * as esbuild from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeCodiconSubset } from './scripts/lib/codicons.mjs';

const root = path.dirname(fileURLToPath(import.meta.url));
const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
/**
 * Features whose `./lazy` module is bundled apart and loaded on first use: `src/features/<name>/index.ts` imports
 * `./lazy`, which becomes `dist/<name, / as ->-lazy.js` (the nested feature keys/table is keys-table-lazy.js).
 * A lazy bundle takes every module the main bundle has from the main bundle's one instance at run time (through
 * `dist/extension.js`), so a class (`instanceof`), a registry (the redactor's known secrets) or a module's state is
 * never copied; it bundles only what the main bundle lacks (the feature's own files, packages only it uses).
 */
const LAZY_FEATURES = ['tools', 'participant', 'keys/table', 'requests', 'compare'];
const lazyOut = (name) => `${name.replace(/\//g, '-')}-lazy`;
const SRC = path.join(root, 'src');
/** The main bundle's inputs (paths relative to the root), from its last build. */
let inMain = new Set();
/** The modules the lazy bundles take from the main one, by path relative to the root: the main bundle exports them. */
let shared = [];
const SHARED_EXPORT = '__lazyShared';
const relative = (p) => path.relative(root, p).split(path.sep).join('/');

/** In the lazy build: a module the main bundle has is required from it. */
const fromMain = {
  name: 'shared-from-main',
  setup(b) {
    const taken = new Set();
    b.onStart(() => taken.clear());
    b.onResolve({ filter: /.*/ }, async (args) => {
      if (args.pluginData === 'fromMain' || args.namespace !== 'file' || args.kind === 'entry-point') return undefined;
      const r = await b.resolve(args.path, {
        kind: args.kind,
        resolveDir: args.resolveDir,
        importer: args.importer,
        pluginData: 'fromMain',
      });
      if (r.errors.length || r.external || r.namespace !== 'file' || !r.path.startsWith(SRC + path.sep))
        return undefined;
      if (!inMain.has(relative(r.path))) return undefined;
      taken.add(relative(r.path));
      // (a suffix: the path's own extension, e.g. .mjs, must not make esbuild read this CommonJS shim as ESM)
      return { path: `${relative(r.path)}?main`, namespace: 'from-main' };
    });
    // the main bundle's namespace object, as an ES module's exports (live getters; `default` kept as a name)
    b.onLoad({ filter: /.*/, namespace: 'from-main' }, (args) => ({
      contents: [
        `const ns = require('./extension.js').${SHARED_EXPORT}[${JSON.stringify(args.path.replace(/\?main$/, ''))}];`,
        "Object.defineProperty(exports, '__esModule', { value: true });",
        'for (const k of Object.keys(ns)) Object.defineProperty(exports, k, { enumerable: true, get: () => ns[k] });',
      ].join('\n'),
      loader: 'js',
    }));
    b.onResolve({ filter: /^\.\/extension\.js$/, namespace: 'from-main' }, () => ({
      path: './extension.js',
      external: true,
    }));
    b.onEnd(() => {
      shared = [...taken].sort();
    });
  },
};

/** In the main build: the entry is src/extension.ts plus the table of the modules the lazy bundles take from it. */
const mainEntry = {
  name: 'main-entry',
  setup(b) {
    b.onResolve({ filter: /^agc:main$/ }, () => ({ path: 'main', namespace: 'agc-entry' }));
    b.onLoad({ filter: /^main$/, namespace: 'agc-entry' }, () => ({
      resolveDir: root,
      loader: 'js',
      contents: [
        "export { activate, deactivate } from './src/extension.ts';",
        ...shared.map((id, i) => `import * as m${i} from './${id}';`),
        `export const ${SHARED_EXPORT} = { ${shared.map((id, i) => `${JSON.stringify(id)}: m${i}`).join(', ')} };`,
      ].join('\n'),
    }));
    // a feature's index.ts loads its lazy bundle on first use
    b.onResolve({ filter: /^\.\/lazy$/ }, (args) => {
      const name = LAZY_FEATURES.find((n) => args.importer === path.join(SRC, 'features', n, 'index.ts'));
      return name ? { path: `./${lazyOut(name)}.js`, external: true } : undefined;
    });
    b.onEnd((r) => {
      if (r.metafile) inMain = new Set(Object.keys(r.metafile.inputs));
    });
  },
};

// undici's HTTP/1 parser is WebAssembly carried as base64 in two builds (SIMD, and a fallback without it),
// ~140 KB that nothing needs before the first request: bundles of their own, required on first use
const llhttpApart = {
  name: 'llhttp-apart',
  setup(b) {
    b.onResolve({ filter: /\/llhttp\/llhttp(_simd)?-wasm\.js$/ }, (args) =>
      args.kind === 'entry-point' ? undefined : { path: `./${path.basename(args.path)}`, external: true },
    );
  },
};

/**
 * The modules of undici the client requires (src/gateway/undici.ts requires each by path, on first use): one bundle
 * of their own, dist/undici.js (~170 KB the main bundle need not carry before the first request).
 */
const UNDICI_MODULES = [
  'lib/dispatcher/dispatcher.js',
  'lib/api/index.js',
  'lib/dispatcher/agent.js',
  'lib/dispatcher/proxy-agent.js',
  'lib/api/api-request.js',
];
/** In the main build: `require('undici/lib/…')` takes that module from dist/undici.js. */
const undiciApart = {
  name: 'undici-apart',
  setup(b) {
    b.onResolve({ filter: /^undici\/lib\// }, (args) => {
      const m = args.path.slice('undici/'.length);
      if (args.kind !== 'require-call' || !UNDICI_MODULES.includes(m))
        return {
          errors: [
            { text: `undici's ${m} is not in UNDICI_MODULES (esbuild.mjs): add it there, required on first use` },
          ],
        };
      return { path: m, namespace: 'undici-apart' };
    });
    b.onLoad({ filter: /.*/, namespace: 'undici-apart' }, (args) => ({
      contents: `module.exports = require('./undici.js')[${JSON.stringify(args.path)}];`,
      loader: 'js',
    }));
    b.onResolve({ filter: /^\.\/undici\.js$/, namespace: 'undici-apart' }, () => ({
      path: './undici.js',
      external: true,
    }));
  },
};
/** In the lazy build: dist/undici.js, a table of those modules. */
const undiciEntry = {
  name: 'undici-entry',
  setup(b) {
    b.onResolve({ filter: /^agc:undici$/ }, () => ({ path: 'undici', namespace: 'agc-entry' }));
    b.onLoad({ filter: /^undici$/, namespace: 'agc-entry' }, () => ({
      resolveDir: root,
      loader: 'js',
      contents: `module.exports = { ${UNDICI_MODULES.map((m) => `${JSON.stringify(m)}: require('undici/${m}')`).join(', ')} };`,
    }));
  },
};

/** @type {esbuild.BuildOptions} */
const extension = {
  entryPoints: { extension: 'agc:main' },
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
  // parts used only on demand are bundles of their own (LAZY_FEATURES): tools (the configure flow + yaml,
  // smol-toml, jsonc-parser), participant (@gateway's answers), the keys table, the request log, Compare
  plugins: [llhttpApart, undiciApart, mainEntry],
};
/** @type {esbuild.BuildOptions} */
const lazyFeatures = {
  ...extension,
  entryPoints: {
    ...Object.fromEntries(LAZY_FEATURES.map((n) => [lazyOut(n), path.join(SRC, 'features', n, 'lazy.ts')])),
    ...Object.fromEntries(
      ['llhttp-wasm', 'llhttp_simd-wasm'].map((n) => [n, path.join(root, 'node_modules/undici/lib/llhttp', `${n}.js`)]),
    ),
    undici: 'agc:undici',
  },
  // jsonc-parser's "main" is a UMD build whose inner require()s a bundler cannot follow: take its ES module build
  mainFields: ['module', 'main'],
  plugins: [llhttpApart, undiciEntry, fromMain],
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

/** The chat's codicons: the stylesheet it imports is the subset of the font it draws (scripts/lib/codicons.mjs). */
const codiconSubset = {
  name: 'codicon-subset',
  setup(b) {
    b.onResolve({ filter: /^@vscode\/codicons\/dist\/codicon\.css$/ }, async () => ({
      path: await writeCodiconSubset(root, path.join(root, 'out', 'codicons')),
    }));
  },
};

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
  plugins: [codiconSubset],
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

// the main bundle's inputs first (not written), then the lazy bundles (what they take from it), then the main bundle
const builds = [
  ['lazy', lazyFeatures],
  ['extension', extension],
];
if (Object.keys(ui).length) builds.push(['webview', webviews]);

const t0 = performance.now();
if (watch) {
  const withReport = (label, opts, more = []) => ({
    ...opts,
    plugins: [
      ...(opts.plugins ?? []),
      ...more,
      {
        name: 'report',
        setup(b) {
          b.onEnd((r) => {
            if (r.metafile) report(label, r);
          });
        },
      },
    ],
  });
  const main = await esbuild.context(withReport('extension', extension));
  await main.rebuild();
  // a lazy rebuild that takes another module from the main bundle rebuilds the main one (its table of modules)
  let before = '';
  const grew = {
    name: 'shared-changed',
    setup(b) {
      b.onEnd(() => {
        if (shared.join() !== before) {
          before = shared.join();
          void main.rebuild();
        }
      });
    },
  };
  const contexts = [await esbuild.context(withReport('lazy', lazyFeatures, [grew])), main];
  for (const [label, opts] of builds.slice(2)) contexts.push(await esbuild.context(withReport(label, opts)));
  for (const ctx of contexts) await ctx.watch();
  console.log('esbuild: watching…');
} else {
  // remove stale outputs (e.g. a deleted webview) before building
  fs.rmSync(path.join(root, 'dist'), { recursive: true, force: true });
  await esbuild.build({ ...extension, write: false, minify: false });
  const lazy = await esbuild.build(lazyFeatures);
  const [main, ...views] = await Promise.all(builds.slice(1).map(([, opts]) => esbuild.build(opts)));
  const results = [lazy, main, ...views];
  console.log(`esbuild (${production ? 'production' : 'development'}) in ${Math.round(performance.now() - t0)} ms:`);
  builds.forEach(([label], i) => report(label, results[i]));
  if (process.argv.includes('--metafile')) {
    fs.mkdirSync(path.join(root, 'out/esbuild'), { recursive: true });
    builds.forEach(([label], i) =>
      fs.writeFileSync(path.join(root, 'out/esbuild', `${label}.json`), JSON.stringify(results[i].metafile)),
    );
  }
  if (!Object.keys(ui).length) console.log('  webview    (no src/ui/*/main.ts yet)');
}
