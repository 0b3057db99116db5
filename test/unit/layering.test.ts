/**
 * The import direction (docs/architecture.md, "Layers"), checked over every .ts file in src/:
 *   core     → nothing of ours (no vscode, gateway, platform, features, webview, ui)
 *   gateway  → core (+ npm packages, node builtins); never vscode
 *   platform → core, gateway (+ vscode); never features, webview, ui
 *   features → platform, gateway, core, webview, its own folder (+ vscode); never ui or another feature
 *   webview  → core, platform, gateway (+ vscode); never features or ui
 *   ui       → ui, src/webview/protocol* / *Protocol.ts, and the pure modules of src/core (those that, with what they
 *              import, use no node builtin) (+ npm packages); never vscode, never node builtins
 * Import specifiers are found with a regex (import/export … from, side-effect import, require(), import()).
 */
import { strict as assert } from 'node:assert';
import { builtinModules } from 'node:module';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { ROOT } from './repo';

const SRC = path.join(ROOT, 'src');

type Layer = 'core' | 'gateway' | 'platform' | 'features' | 'webview' | 'ui' | 'root';
type Target = Layer | 'vscode' | 'node' | 'npm';

/** Strips comments (keeps strings such as 'https://…' intact enough for import matching). */
function stripComments(src: string): string {
  return src.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1');
}

export function importSpecifiers(source: string): string[] {
  const text = stripComments(source);
  const out: string[] = [];
  const patterns = [
    /(?:^|[;\n}])\s*(?:import|export)\s+(?:type\s+)?[^'"`;]*?\sfrom\s*['"]([^'"]+)['"]/g, // import x from 'a' / export * from 'a'
    /(?:^|[;\n}])\s*import\s*['"]([^'"]+)['"]/g, // import 'a'
    /\brequire\s*\(\s*['"]([^'"]+)['"]\s*\)/g, // require('a')
    /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g, // import('a') and import('a').T types
  ];
  for (const re of patterns) for (const m of text.matchAll(re)) out.push(m[1]!);
  return out;
}

function layerOfFile(file: string): { layer: Layer; feature?: string } {
  const rel = path.relative(SRC, file).split(path.sep);
  const top = rel[0]!;
  if (rel.length === 1) return { layer: 'root' };
  if (top === 'features') return { layer: 'features', feature: rel[1] };
  if (['core', 'gateway', 'platform', 'webview', 'ui'].includes(top)) return { layer: top as Layer };
  return { layer: 'root' };
}

const NODE_BUILTINS = new Set(builtinModules);

function classify(fromFile: string, spec: string): { target: Target; file?: string; feature?: string } {
  if (spec === 'vscode') return { target: 'vscode' };
  if (spec.startsWith('node:') || NODE_BUILTINS.has(spec) || NODE_BUILTINS.has(spec.split('/')[0]!))
    return { target: 'node' };
  if (!spec.startsWith('.') && !spec.startsWith('/')) return { target: 'npm' };
  const abs = path.resolve(path.dirname(fromFile), spec);
  if (!abs.startsWith(SRC + path.sep)) return { target: 'root', file: abs }; // outside src/: treat as foreign
  // './x' is x.ts, x.tsx or x/index.ts
  const file =
    [abs, `${abs}.ts`, `${abs}.tsx`, path.join(abs, 'index.ts')].find(
      (f) => fs.existsSync(f) && fs.statSync(f).isFile(),
    ) ?? (abs.endsWith('.ts') ? abs : `${abs}.ts`);
  const l = layerOfFile(file);
  return { target: l.layer, file: abs, ...(l.feature ? { feature: l.feature } : {}) };
}

/** Whether a src/core module, with the core modules it imports, runs in a browser (no node builtin). */
function isPureCore(file: string, seen = new Set<string>()): boolean {
  if (seen.has(file)) return true;
  seen.add(file);
  if (!fs.existsSync(file)) return false;
  for (const spec of importSpecifiers(fs.readFileSync(file, 'utf8'))) {
    const to = classify(file, spec);
    if (to.target === 'node' || to.target === 'vscode') return false;
    if (to.target === 'core' && to.file) {
      const next = [to.file, `${to.file}.ts`, path.join(to.file, 'index.ts')].find(
        (f) => fs.existsSync(f) && fs.statSync(f).isFile(),
      );
      if (!next || !isPureCore(next, seen)) return false;
    }
  }
  return true;
}

/** Why `spec` may not be imported from `file` (undefined when it may). */
export function violation(file: string, spec: string): string | undefined {
  const from = layerOfFile(file);
  const to = classify(file, spec);
  const bad = (why: string) => `${path.relative(ROOT, file)} imports '${spec}': ${why}`;
  switch (from.layer) {
    case 'core':
      if (['vscode', 'gateway', 'platform', 'features', 'webview', 'ui', 'root'].includes(to.target))
        return bad('src/core imports nothing but core, npm packages and node builtins');
      return undefined;
    case 'gateway':
      if (!['core', 'gateway', 'npm', 'node'].includes(to.target))
        return bad('src/gateway may import only src/core (and npm packages), never vscode');
      return undefined;
    case 'platform':
      if (['features', 'webview', 'ui', 'root'].includes(to.target))
        return bad('src/platform never imports features, webview, ui or the composition root');
      return undefined;
    case 'features':
      if (['ui', 'root'].includes(to.target))
        return bad('src/features may import platform, gateway, core and webview only');
      if (to.target === 'features' && to.feature !== from.feature)
        return bad(
          `a feature does not import another feature (${from.feature} → ${to.feature}); move the shared part to platform/`,
        );
      return undefined;
    case 'webview':
      if (['features', 'ui', 'root'].includes(to.target))
        return bad('src/webview (host side) never imports features, ui or the composition root');
      return undefined;
    case 'ui': {
      if (to.target === 'vscode') return bad('src/ui is browser code and never imports vscode');
      if (to.target === 'node') return bad('src/ui is browser code and never imports node builtins');
      if (to.target === 'ui' || to.target === 'npm') return undefined;
      if (to.target === 'webview' && to.file && /^(protocol|\w+Protocol)\b/.test(path.basename(to.file)))
        return undefined; // protocol.ts, dashboardProtocol.ts
      if (to.target === 'core' && to.file) {
        const target = [to.file, `${to.file}.ts`, path.join(to.file, 'index.ts')].find(
          (f) => fs.existsSync(f) && fs.statSync(f).isFile(),
        );
        return target && isPureCore(target)
          ? undefined
          : bad('src/ui may import a src/core module only when it (and what it imports) uses no node builtin');
      }
      return bad('src/ui may import only src/ui, src/webview/protocol* and the pure modules of src/core');
    }
    case 'root':
      if (to.target === 'ui') return bad('the extension host never imports browser code (src/ui)');
      return undefined;
  }
}

function tsFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true })
    .map((f) => path.join(dir, String(f)))
    .filter((f) => /\.(ts|tsx|mts|cts)$/.test(f) && !f.endsWith('.d.ts'));
}

describe('layering (docs/architecture.md)', () => {
  it('the import parser finds every import form', () => {
    const sample = [
      "import * as vscode from 'vscode';",
      "import type { A,\n  B } from '../core/types';",
      "import './side-effect';",
      'export { x } from "../gateway/errors";',
      "export * from './all';",
      "const u = require('undici');",
      "const lazy = await import('../platform/secrets');",
      "type T = import('../features/keys/tree').Node;",
      "// import nope from 'commented-out'",
      "/* import alsoNope from 'block-comment' */",
      "const url = 'https://example.com/x';",
    ].join('\n');
    assert.deepEqual(importSpecifiers(sample).sort(), [
      '../core/types',
      '../features/keys/tree',
      '../gateway/errors',
      '../platform/secrets',
      './all',
      './side-effect',
      'undici',
      'vscode',
    ]);
  });

  it('the rules reject the imports the layering forbids', () => {
    const f = (p: string) => path.join(SRC, p);
    assert.ok(violation(f('core/money.ts'), 'vscode'));
    assert.ok(violation(f('core/money.ts'), '../gateway/gateway'));
    assert.ok(violation(f('gateway/http.ts'), 'vscode'));
    assert.ok(violation(f('gateway/http.ts'), '../platform/logger'));
    assert.ok(violation(f('platform/config.ts'), '../features/connections/commands'));
    assert.ok(violation(f('features/keys/tree.ts'), '../chat/panel'));
    assert.ok(violation(f('ui/chat/main.ts'), 'vscode'));
    assert.ok(violation(f('ui/chat/main.ts'), '../../webview/html'));
    assert.equal(violation(f('ui/chat/main.ts'), '../../webview/protocol'), undefined);
    assert.equal(
      violation(f('ui/dashboard/main.ts'), '../../core/format'),
      undefined,
      'the one formatter is shared with the webviews',
    );
    assert.equal(
      violation(f('ui/dashboard/main.ts'), '../../core/money'),
      undefined,
      'an npm package (big.js) is fine in the browser',
    );
    assert.ok(violation(f('ui/chat/main.ts'), '../../gateway/sse'), 'ui never imports the gateway layer');
    assert.ok(violation(f('ui/chat/main.ts'), '../../platform/config'), 'nor platform');
    assert.equal(violation(f('gateway/http.ts'), '../core/redact'), undefined);
    assert.equal(violation(f('gateway/http.ts'), 'undici'), undefined);
    assert.equal(violation(f('features/keys/tree.ts'), './nodes'), undefined);
    assert.equal(violation(f('features/keys/tree.ts'), '../../platform/connections'), undefined);
    assert.equal(
      violation(f('features/keys/tree.ts'), '../../gateway'),
      undefined,
      'a folder import means its index.ts',
    );
    assert.ok(violation(f('core/money.ts'), '../gateway'), 'a folder import is checked too');
  });

  it('src/ follows the rules', () => {
    const files = tsFiles(SRC);
    assert.ok(files.length > 5, 'found the sources');
    let imports = 0;
    const problems: string[] = [];
    for (const file of files) {
      for (const spec of importSpecifiers(fs.readFileSync(file, 'utf8'))) {
        imports++;
        const v = violation(file, spec);
        if (v) problems.push(v);
      }
    }
    assert.ok(imports > 10, `parsed ${imports} imports`);
    assert.deepEqual(problems, [], `layering violations:\n  ${problems.join('\n  ')}`);
  });

  it('src/core and src/gateway never mention the vscode module at all', () => {
    const offenders = [...tsFiles(path.join(SRC, 'core')), ...tsFiles(path.join(SRC, 'gateway'))]
      .filter((f) =>
        /from\s+['"]vscode['"]|require\(\s*['"]vscode['"]\s*\)|import\(\s*['"]vscode['"]\s*\)/.test(
          fs.readFileSync(f, 'utf8'),
        ),
      )
      .map((f) => path.relative(ROOT, f));
    assert.deepEqual(offenders, []);
  });
});
