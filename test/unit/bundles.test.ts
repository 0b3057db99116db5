/**
 * How the extension host code is split (read from the development build the unit tier makes first, whose modules
 * are each marked with a `// <path>` line): every module of src/ is in exactly one bundle — a lazy bundle takes what
 * the main bundle has from it at run time, so no class, registry or module state exists twice — and the panels that
 * are not needed at activation (the keys table, the request log, Compare, the coding-tool flow, @gateway's answers)
 * are not in dist/extension.js. Undici's client is dist/undici.js, required on the first request.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { ROOT } from './repo';

const DIST = path.join(ROOT, 'dist');

/** The src/ and node_modules/ modules bundled into a development build's output, from its `// path` markers. */
function modulesOf(file: string): Set<string> {
  const text = fs.readFileSync(path.join(DIST, file), 'utf8');
  return new Set([...text.matchAll(/^\/\/ ((?:src|node_modules)\/\S+)$/gm)].map((m) => m[1]!));
}

const LAZY = {
  'tools-lazy.js': 'src/features/tools/flow.ts',
  'participant-lazy.js': 'src/features/participant/answers.ts',
  'keys-table-lazy.js': 'src/features/keys/table/panel.ts',
  'requests-lazy.js': 'src/features/requests/panel.ts',
  'compare-lazy.js': 'src/features/compare/panel.ts',
} as const;

describe('bundles: what dist/extension.js carries and what is loaded on first use', () => {
  const main = modulesOf('extension.js');

  it('is a development build with module markers (npm run test:unit builds one first)', () => {
    assert.ok(main.has('src/extension.ts'), 'dist/extension.js lists its modules');
  });

  for (const [bundle, panel] of Object.entries(LAZY)) {
    it(`${bundle} holds ${panel}; the main bundle does not; no src/ module of the main bundle is copied into it`, () => {
      const lazy = modulesOf(bundle);
      assert.ok(lazy.has(panel), `${bundle} bundles ${panel}`);
      assert.ok(!main.has(panel), `${panel} is not in dist/extension.js`);
      const both = [...lazy].filter((m) => m.startsWith('src/') && main.has(m));
      assert.deepEqual(both, [], `modules in both dist/extension.js and ${bundle}`);
    });
  }

  it("undici's client is a bundle of its own, not in dist/extension.js", () => {
    assert.ok(![...main].some((m) => m.startsWith('node_modules/undici/')), 'no undici module in the main bundle');
    assert.ok([...modulesOf('undici.js')].some((m) => m.startsWith('node_modules/undici/lib/dispatcher/')));
  });
});
