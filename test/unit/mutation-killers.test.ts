/**
 * Which unit tests the full mutation run gives each file (scripts/lib/mutation.mjs): the tests of the file itself,
 * of its own module, or through the front door — never every test that happens to reach it — and how the runs'
 * reports are merged into one.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { ROOT } from './repo';

interface Group {
  files: string[];
  tests: string[];
}
interface Report {
  schemaVersion: string;
  files: Record<string, { mutants: unknown[] }>;
  testFiles?: Record<string, unknown>;
}
interface MutationLib {
  killersOf(repo: string, files: string[], exclude?: RegExp): Map<string, string[]>;
  killerGroups(repo: string, files: string[], exclude?: RegExp): { groups: Group[]; untested: string[] };
  filesInScope(repo: string, patterns: string[]): string[];
  groupKey(files: string[]): string;
  mergeReports(reports: Report[]): Report;
  htmlWithReport(html: string, report: Report): string;
}

// an ES module, loaded by require (Node loads a synchronous ES module that way)
// eslint-disable-next-line @typescript-eslint/no-require-imports -- the runner's library is plain .mjs, with no types of its own
const mut = require(path.join(ROOT, 'scripts', 'lib', 'mutation.mjs')) as MutationLib;

/** A repository on disk with the given files (path → text). */
function repo(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'agc-killers-'));
  for (const [f, text] of Object.entries(files)) {
    fs.mkdirSync(path.join(dir, path.dirname(f)), { recursive: true });
    fs.writeFileSync(path.join(dir, f), text);
  }
  made.push(dir);
  return dir;
}
const made: string[] = [];
after(() => {
  for (const d of made) fs.rmSync(d, { recursive: true, force: true });
});

/**
 * An import line of a fixture file, built at run time: written out in this file's text, the runner's own import
 * scan would read it as an import of this test (and count it as a test of that source).
 */
const imp = (name: string, from: string): string => `import { ${name} } from '${from}';\n`;

/** The layout the rules are about: a redactor everything logs through, an adapter with its mapping, a front door. */
const LAYOUT = {
  'src/core/redact.ts': 'export const redact = (s: string) => s;\n',
  'src/core/usage.ts': 'export const u = 1;\n',
  'src/log/logger.ts': `${imp('redact', '../core/redact')}export const log = redact;\n`,
  'src/gw/mapping.ts': `${imp('redact', '../core/redact')}export const map = redact;\n`,
  'src/gw/adapter.ts': `${imp('map', './mapping')}export const adapter = map;\n`,
  'src/gw/index.ts': `${imp('adapter', './adapter')}export const create = adapter;\n`,
  'src/gw/orphan.ts': 'export const orphan = 1;\n',
  'src/gw/util.ts': 'export const util = 1;\n',
  'src/feature/uses.ts': `${imp('create', '../gw')}${imp('util', '../gw/util')}export const f = create;\n`,
  'test/unit/redact.test.ts': imp('redact', '../../src/core/redact'),
  'test/unit/logger.test.ts': imp('log', '../../src/log/logger'),
  'test/unit/usage.test.ts': imp('u', '../../src/core/usage'),
  'test/unit/mapping.test.ts': imp('map', '../../src/gw/mapping'),
  'test/unit/gateway.test.ts': imp('create', '../../src/gw'),
  'test/unit/feature.test.ts': imp('f', '../../src/feature/uses'),
  'test/unit/matrix.test.ts': imp('create', '../../src/gw'),
};

describe('the killers of a file in the full mutation run', () => {
  const dir = repo(LAYOUT);
  const k = (f: string): string[] =>
    (mut.killersOf(dir, [f], /^matrix\.test\.ts$/).get(f) ?? []).map((t) => path.basename(t));

  it('a module many tests reach is tested by its own tests only, not by every test that logs through it', () => {
    assert.deepEqual(k('src/core/redact.ts'), ['redact.test.ts']);
    assert.deepEqual(k('src/log/logger.ts'), ['logger.test.ts']);
  });

  it("the tests of a file's importers in its own folder count (an adapter's tests test its mapping)", () => {
    assert.deepEqual(k('src/gw/mapping.ts'), ['gateway.test.ts', 'mapping.test.ts']);
  });

  it('a test that imports a front door (index.ts) tests what the front door imports', () => {
    assert.deepEqual(k('src/gw/adapter.ts'), ['gateway.test.ts']);
  });

  it('the fault sweeps that are no test of their own are left out', () => {
    assert.ok(!k('src/gw/index.ts').includes('matrix.test.ts'));
    assert.deepEqual(k('src/gw/index.ts'), ['gateway.test.ts']);
  });

  it('a file no test imports is tested by the tests of the files that import it, nearest first', () => {
    assert.deepEqual(k('src/gw/util.ts'), ['feature.test.ts']);
  });

  it('a file no test imports and nothing imports has no killer, and is reported apart', () => {
    assert.deepEqual(k('src/gw/orphan.ts'), []);
    const plan = mut.killerGroups(dir, ['src/gw/orphan.ts', 'src/core/redact.ts'], /^matrix\.test\.ts$/);
    assert.deepEqual(plan.untested, ['src/gw/orphan.ts']);
    assert.deepEqual(plan.groups, [{ files: ['src/core/redact.ts'], tests: ['test/unit/redact.test.ts'] }]);
  });

  it('files with the same killers share one run; others get their own', () => {
    const d2 = repo({
      ...LAYOUT,
      'src/core/money.ts': 'export const m = 1;\n',
      'test/unit/redact.test.ts': `${imp('redact', '../../src/core/redact')}${imp('m', '../../src/core/money')}`,
    });
    const plan = mut.killerGroups(d2, ['src/core/redact.ts', 'src/core/money.ts', 'src/core/usage.ts']);
    assert.deepEqual(
      plan.groups.map((g) => g.files),
      [['src/core/redact.ts', 'src/core/money.ts'], ['src/core/usage.ts']],
    );
  });

  it('the scope is the sources the patterns match, sorted', () => {
    assert.deepEqual(mut.filesInScope(dir, ['src/gw/**/*.ts', 'src/core/usage.ts']), [
      'src/core/usage.ts',
      'src/gw/adapter.ts',
      'src/gw/index.ts',
      'src/gw/mapping.ts',
      'src/gw/orphan.ts',
      'src/gw/util.ts',
    ]);
  });

  it("an import written inside a string is no import (this file's fixtures are not tests of the real sources)", () => {
    const real = mut.killersOf(ROOT, ['src/core/redact.ts']).get('src/core/redact.ts') ?? [];
    assert.ok(real.includes('test/unit/redact.test.ts'));
    assert.ok(!real.includes('test/unit/mutation-killers.test.ts'), real.join(', '));
  });

  it('the name of a group does not depend on the order of its files', () => {
    assert.equal(mut.groupKey(['b', 'a']), mut.groupKey(['a', 'b']));
    assert.notEqual(mut.groupKey(['a']), mut.groupKey(['a', 'b']));
  });
});

describe("the full run's merged report", () => {
  const a: Report = { schemaVersion: '1.0', files: { 'src/a.ts': { mutants: [1] } }, testFiles: { 'ta.js': {} } };
  const b: Report = { schemaVersion: '1.0', files: { 'src/b.ts': { mutants: [2, 3] } }, testFiles: { 'tb.js': {} } };

  it('keeps every file and test file of every run', () => {
    const m = mut.mergeReports([a, b]);
    assert.deepEqual(Object.keys(m.files), ['src/a.ts', 'src/b.ts']);
    assert.deepEqual(Object.keys(m.testFiles ?? {}), ['ta.js', 'tb.js']);
    assert.equal(m.schemaVersion, '1.0');
  });

  it('puts the merged report into the HTML page, with no source text able to end its script element', () => {
    const page = '<html><script>\n  app.report = {"files":{}};\n  go();\n</script></html>';
    const evil: Report = { schemaVersion: '1.0', files: { 'src/x.ts': { mutants: ['</script><b>'] } } };
    const out = mut.htmlWithReport(page, evil);
    assert.ok(!out.includes('</script><b>'));
    const json = /app\.report = (.*);\n/.exec(out)?.[1] ?? '';
    assert.deepEqual(JSON.parse(json), evil, 'the same report, read back');
    assert.ok(out.endsWith(';\n  go();\n</script></html>'), 'the rest of the page is kept');
    assert.throws(() => mut.htmlWithReport('<html></html>', evil), /no 'app.report = …;' line/);
  });
});
