// Mutation testing around StrykerJS (stryker.config.mjs): which files a change touches, what Stryker is asked to
// mutate, and what its JSON report says per file against the targets. Used by scripts/run.mjs:
//
//   full run  (`npm run test:mutation [-- file…]`): every file of the scope (or the ones named); fails when a file's
//             score is below its target or a mutant is disabled without a reason. Reports in test-results/mutation/.
//   CI check  (a step of `npm test`, after the unit tier): the files the change touches (diff against the merge base
//             with origin/main or main, or HEAD^1 when HEAD is on main), plus the sources whose unit tests changed.
//             Fails when a mutant on a changed line survives (or is covered by no test) without a disable comment that
//             says why, or when a file it mutated whole falls below its target. Reports in test-results/mutation-changed/.
//             The incremental file lives in the tools cache, so a rerun on the same machine tests only what changed;
//             on a fresh machine the check is bounded by a mutant budget: past it, only the changed lines are mutated.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/** A glob of stryker.config.mjs (`**`, `*`) as a RegExp over repo-relative POSIX paths. */
export function globToRegExp(glob) {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*' && glob[i + 1] === '*' && glob[i + 2] === '/') {
      re += '(?:[^/]+/)*';
      i += 2;
    } else if (c === '*') re += '[^/]*';
    else re += c.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

export async function loadConfig(repo) {
  return import(pathToFileURL(path.join(repo, 'stryker.config.mjs')).href);
}

export function inScope(file, patterns) {
  return patterns.some((g) => globToRegExp(g).test(file));
}

function git(repo, args) {
  return execFileSync('git', args, {
    cwd: repo,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
    maxBuffer: 64 * 1024 * 1024,
  }).trim();
}

/**
 * The commit a change is measured against: AGC_MUTATION_BASE when set; else the merge base with origin/main (or
 * main) when HEAD is ahead of it; else HEAD's first parent (on main: the last commit, a merge's whole branch).
 */
export function diffBase(repo, env = process.env) {
  if (env.AGC_MUTATION_BASE)
    return {
      base: git(repo, ['rev-parse', env.AGC_MUTATION_BASE]),
      label: `AGC_MUTATION_BASE (${env.AGC_MUTATION_BASE})`,
    };
  let head;
  try {
    head = git(repo, ['rev-parse', 'HEAD']);
  } catch {
    return undefined; // not a git checkout
  }
  for (const ref of ['origin/main', 'main']) {
    let mb;
    try {
      mb = git(repo, ['merge-base', 'HEAD', ref]);
    } catch {
      continue;
    }
    if (mb && mb !== head) return { base: mb, label: `the merge base with ${ref}` };
    if (mb === head) break;
  }
  try {
    return { base: git(repo, ['rev-parse', 'HEAD^1']), label: 'the previous commit (HEAD^1)' };
  } catch {
    return undefined; // a single commit, or a shallow clone
  }
}

/**
 * Added or changed lines per file between `base` and the working tree (so uncommitted edits count too):
 * Map<file, Array<[from, to]>> (1-based, inclusive). Deleted files and pure deletions add no line.
 */
export function changedLines(repo, base) {
  const out = new Map();
  const text = git(repo, ['diff', '-U0', '--no-color', '--no-ext-diff', '--no-renames', base, '--']);
  let file;
  for (const line of text.split('\n')) {
    if (line.startsWith('+++ ')) {
      file = line === '+++ /dev/null' ? undefined : line.slice(4).replace(/^b\//, '');
      continue;
    }
    const m = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@/.exec(line);
    if (m && file) {
      const from = Number(m[1]);
      const count = m[2] === undefined ? 1 : Number(m[2]);
      if (count > 0) {
        if (!out.has(file)) out.set(file, []);
        out.get(file).push([from, from + count - 1]);
      }
    }
  }
  // files new to git but not yet added are not in `git diff`: every line of them is new
  for (const f of git(repo, ['ls-files', '--others', '--exclude-standard']).split('\n').filter(Boolean)) {
    const n = fs.readFileSync(path.join(repo, f), 'utf8').split('\n').length;
    out.set(f, [[1, n]]);
  }
  return out;
}

/** The in-scope sources a unit test file imports directly (`../../src/…`). */
export function sourcesOfTest(repo, testFile, patterns) {
  const text = fs.readFileSync(path.join(repo, testFile), 'utf8');
  const out = new Set();
  for (const m of text.matchAll(/from '(\.\.?\/[^']+)'/g)) {
    const rel = path.posix.normalize(path.posix.join(path.posix.dirname(testFile), m[1]));
    for (const cand of [`${rel}.ts`, `${rel}/index.ts`]) {
      if (fs.existsSync(path.join(repo, cand)) && inScope(cand, patterns)) out.add(cand);
    }
  }
  return out;
}

/** The relative imports of a TypeScript file, as repo-relative paths of the .ts files they name. */
function importsOf(repo, file) {
  let text;
  try {
    text = fs.readFileSync(path.join(repo, file), 'utf8');
  } catch {
    return [];
  }
  const out = [];
  for (const m of text.matchAll(/(?:from|import|require\()\s*'(\.\.?\/[^']+)'/g)) {
    const rel = path.posix.normalize(path.posix.join(path.posix.dirname(file), m[1]));
    for (const cand of [`${rel}.ts`, `${rel}/index.ts`, rel]) {
      if (cand.endsWith('.ts') && fs.existsSync(path.join(repo, cand))) {
        out.push(cand);
        break;
      }
    }
  }
  return out;
}

/**
 * The unit test files that can reach any of `files` through their imports (transitively, the simulator and test
 * helpers included): the only ones that can kill a mutant there, so the others need not run at all.
 */
export function testsReaching(repo, files) {
  const wanted = new Set(files);
  const dir = path.join(repo, 'test', 'unit');
  const tests = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.test.ts'))
    .map((f) => `test/unit/${f}`);
  const memo = new Map();
  const reaches = (file, seen) => {
    if (memo.has(file)) return memo.get(file);
    if (seen.has(file)) return false;
    seen.add(file);
    const r = wanted.has(file) || importsOf(repo, file).some((i) => reaches(i, seen));
    if (r) memo.set(file, true);
    return r;
  };
  return tests.filter((t) => reaches(t, new Set()));
}

/**
 * The unit test files that test each file of `files` itself — its killers in the full run: the test files that import
 * it or a file of its own folder that imports it (a test importing a front door, an `index.ts`, imports what that
 * file imports: the adapters are tested through it); for a file no such test imports, the test files of the files that import it, nearest first
 * (breadth-first up the import graph). `exclude` (a RegExp over
 * test file names) leaves out files that only sweep faults. Returns Map<file, test/unit/… paths, sorted>.
 *
 * Why not every test that reaches the file: a module every feature logs through (redaction) is reached by most of the
 * unit tier, so each of its surviving mutants would re-run dozens of files that do not test it; a mutant is to be
 * killed by a test of the code it is in.
 */
export function killersOf(repo, files, exclude) {
  const dir = path.join(repo, 'test', 'unit');
  const tests = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.test.ts') && !(exclude && exclude.test(f)))
    .map((f) => `test/unit/${f}`);
  const direct = (file) => {
    const out = new Set();
    for (const i of importsOf(repo, file)) {
      out.add(i);
      if (path.posix.basename(i) === 'index.ts') for (const j of importsOf(repo, i)) out.add(j);
    }
    return out;
  };
  const testsOf = new Map(); // source → the tests that import it directly
  for (const t of tests) for (const s of direct(t)) testsOf.set(s, [...(testsOf.get(s) ?? []), t]);
  // who imports whom among the sources (for the files no test imports)
  let importers;
  const importersOf = (file) => {
    if (!importers) {
      importers = new Map();
      const walk = (d) => {
        for (const e of fs.readdirSync(path.join(repo, d), { withFileTypes: true })) {
          const p = `${d}/${e.name}`;
          if (e.isDirectory()) walk(p);
          else if (p.endsWith('.ts'))
            for (const i of importsOf(repo, p)) importers.set(i, [...(importers.get(i) ?? []), p]);
        }
      };
      walk('src');
    }
    return importers.get(file) ?? [];
  };
  // a file and the files of its own folder that import it, directly or through each other (an adapter and the
  // mapping it calls are one module: the adapter's tests are the mapping's tests too); not the folder's front door,
  // which imports most of it
  const moduleOf = (f) => {
    const mine = new Set([f]);
    for (let grew = true; grew;) {
      grew = false;
      for (const s of [...mine])
        for (const i of importersOf(s))
          if (
            path.posix.dirname(i) === path.posix.dirname(f) &&
            path.posix.basename(i) !== 'index.ts' &&
            !mine.has(i)
          ) {
            mine.add(i);
            grew = true;
          }
    }
    return [...mine];
  };
  const out = new Map();
  for (const f of files) {
    let level = moduleOf(f);
    const seen = new Set(level);
    let found = [];
    while (level.length && !found.length) {
      found = [...new Set(level.flatMap((s) => testsOf.get(s) ?? []))];
      if (found.length) break;
      level = [...new Set(level.flatMap(importersOf))].filter((s) => !seen.has(s));
      for (const s of level) seen.add(s);
    }
    out.set(f, found.sort());
  }
  return out;
}

/**
 * The full run's Stryker runs: the files with the same killers go in one run (one sandbox, one build, one dry run),
 * so each mutant is tested only by the tests of its own file. Files no test reaches come back apart (`untested`).
 */
export function killerGroups(repo, files, exclude) {
  const groups = new Map();
  const untested = [];
  for (const [f, tests] of killersOf(repo, files, exclude)) {
    if (!tests.length) {
      untested.push(f);
      continue;
    }
    const key = tests.join(',');
    if (!groups.has(key)) groups.set(key, { files: [], tests });
    groups.get(key).files.push(f);
  }
  return { groups: [...groups.values()], untested };
}

/** The files of the scope (repo-relative, sorted): the sources under src/ that the patterns of `mutate` match. */
export function filesInScope(repo, patterns) {
  const out = [];
  const walk = (d) => {
    for (const e of fs.readdirSync(path.join(repo, d), { withFileTypes: true })) {
      const p = `${d}/${e.name}`;
      if (e.isDirectory()) walk(p);
      else if (p.endsWith('.ts') && inScope(p, patterns)) out.push(p);
    }
  };
  walk('src');
  return out.sort();
}

/** A short stable name for a set of files (the incremental file of their run). */
export function groupKey(files) {
  return createHash('sha256')
    .update([...files].sort().join('\n'))
    .digest('hex')
    .slice(0, 16);
}

/** One Stryker JSON report of several runs (each over other files): their files and test files side by side. */
export function mergeReports(reports) {
  const [first] = reports;
  if (!first) return { schemaVersion: '1.0', thresholds: { high: 85, low: 75, break: null }, files: {} };
  return {
    ...first,
    files: Object.assign({}, ...reports.map((r) => r.files ?? {})),
    testFiles: Object.assign({}, ...reports.map((r) => r.testFiles ?? {})),
  };
}

/**
 * Stryker's HTML report carries its JSON inline (`app.report = {…};`): the same page with another report in it
 * (`<` escaped, so no source text can end the script element).
 */
export function htmlWithReport(html, report) {
  const json = JSON.stringify(report).replace(/</g, '\\u003c');
  const at = html.indexOf('app.report = ');
  const end = at < 0 ? -1 : html.indexOf(';\n', at);
  if (at < 0 || end < 0) throw new Error("the HTML report has no 'app.report = …;' line to replace");
  return `${html.slice(0, at)}app.report = ${json}${html.slice(end)}`;
}

/** How many mutants Stryker would make in each file (its own instrumenter; disabled ones not counted). */
export async function countMutants(repo, files) {
  const { Instrumenter } = await import('@stryker-mutator/instrumenter');
  const quiet = {
    isDebugEnabled: () => false,
    isTraceEnabled: () => false,
    isInfoEnabled: () => false,
    debug() {},
    trace() {},
    info() {},
    warn() {},
    error() {},
  };
  const input = files.map((name) => ({ name, mutate: true, content: fs.readFileSync(path.join(repo, name), 'utf8') }));
  const { mutants } = await new Instrumenter(quiet).instrument(input, {
    plugins: null,
    excludedMutations: [],
    ignorers: [],
    noHeader: true,
  });
  const counts = new Map(files.map((f) => [f, 0]));
  for (const m of mutants) if (m.status !== 'Ignored') counts.set(m.fileName, (counts.get(m.fileName) ?? 0) + 1);
  return counts;
}

/** How many mutants Stryker would make on the given lines (`changed`: Map<file, Array<[from, to]>>, 1-based). */
export async function countMutantsOnLines(repo, changed) {
  const { Instrumenter } = await import('@stryker-mutator/instrumenter');
  const quiet = {
    isDebugEnabled: () => false,
    isTraceEnabled: () => false,
    isInfoEnabled: () => false,
    debug() {},
    trace() {},
    info() {},
    warn() {},
    error() {},
  };
  const files = [...changed.keys()];
  const input = files.map((name) => ({ name, mutate: true, content: fs.readFileSync(path.join(repo, name), 'utf8') }));
  const { mutants } = await new Instrumenter(quiet).instrument(input, {
    plugins: null,
    excludedMutations: [],
    ignorers: [],
    noHeader: true,
  });
  let n = 0;
  for (const m of mutants) {
    if (m.status === 'Ignored') continue;
    const line = m.location.start.line + 1; // the instrumenter's lines are 0-based
    if ((changed.get(m.fileName) ?? []).some(([a, b]) => line >= a && line <= b)) n++;
  }
  return n;
}

// ------------------------------------------------------------------------------------------ report

const rel = (repo, f) => path.relative(repo, path.resolve(repo, f)).split(path.sep).join('/');

/** A disable comment without `: reason` gets Stryker's default reason, which says nothing about why. */
function hasReason(m) {
  const r = (m.statusReason ?? '').trim();
  return r !== '' && !/^Ignored (using|because of)/i.test(r);
}

/**
 * Per-file figures of a Stryker JSON report, for the files given (all when none). Score as Stryker counts it:
 * (killed + timeout) / (killed + timeout + survived + no coverage).
 */
export function summarize(repo, report, { files, targetFor, changed } = {}) {
  const rows = [];
  const problems = [];
  const wanted = files ? new Set(files) : undefined;
  for (const [name, file] of Object.entries(report.files ?? {})) {
    const f = rel(repo, name);
    if (wanted && !wanted.has(f)) continue;
    const c = { Killed: 0, Timeout: 0, Survived: 0, NoCoverage: 0, Ignored: 0, CompileError: 0, RuntimeError: 0 };
    for (const m of file.mutants) {
      c[m.status] = (c[m.status] ?? 0) + 1;
      const line = m.location?.start?.line ?? 0;
      const onChangedLine = changed?.get(f)?.some(([a, b]) => line >= a && line <= b) ?? false;
      if ((m.status === 'Survived' || m.status === 'NoCoverage') && (changed === undefined || onChangedLine)) {
        problems.push({
          file: f,
          line,
          kind: m.status === 'Survived' ? 'survived' : 'no test reaches it',
          mutator: m.mutatorName,
          replacement: m.replacement,
        });
      }
      if (m.status === 'Ignored' && !hasReason(m)) {
        problems.push({
          file: f,
          line,
          kind: 'disabled without a reason',
          mutator: m.mutatorName,
          replacement: m.replacement,
        });
      }
    }
    const detected = c.Killed + c.Timeout;
    const valid = detected + c.Survived + c.NoCoverage;
    const score = valid ? (100 * detected) / valid : 100;
    rows.push({
      file: f,
      score,
      killed: c.Killed,
      timeout: c.Timeout,
      survived: c.Survived,
      noCoverage: c.NoCoverage,
      ignored: c.Ignored,
      errors: c.CompileError + c.RuntimeError,
      target: targetFor ? targetFor(f) : undefined,
    });
  }
  rows.sort((a, b) => a.file.localeCompare(b.file));
  return { rows, problems };
}

export function formatTable(rows) {
  const head = ['file', 'score', 'target', 'killed', 'timeout', 'survived', 'no cov', 'disabled', 'errors'];
  const body = rows.map((r) =>
    [
      r.file,
      `${r.score.toFixed(1)} %`,
      r.target === undefined ? '' : `${r.target} %`,
      r.killed,
      r.timeout,
      r.survived,
      r.noCoverage,
      r.ignored,
      r.errors,
    ].map(String),
  );
  const total = rows.reduce(
    (t, r) => ({
      killed: t.killed + r.killed,
      timeout: t.timeout + r.timeout,
      survived: t.survived + r.survived,
      noCoverage: t.noCoverage + r.noCoverage,
      ignored: t.ignored + r.ignored,
      errors: t.errors + r.errors,
    }),
    { killed: 0, timeout: 0, survived: 0, noCoverage: 0, ignored: 0, errors: 0 },
  );
  const valid = total.killed + total.timeout + total.survived + total.noCoverage;
  body.push(
    [
      'all files',
      `${(valid ? (100 * (total.killed + total.timeout)) / valid : 100).toFixed(1)} %`,
      '',
      total.killed,
      total.timeout,
      total.survived,
      total.noCoverage,
      total.ignored,
      total.errors,
    ].map(String),
  );
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((r) => r[i].length)));
  const line = (cells) =>
    `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
  const rule = `| ${widths.map((w, i) => (i === 0 ? `:${'-'.repeat(w - 1)}` : `${'-'.repeat(w - 1)}:`)).join(' | ')} |`;
  return [line(head), rule, ...body.map(line)].join('\n');
}

export function belowTarget(rows) {
  return rows.filter((r) => r.target !== undefined && r.score + 1e-9 < r.target);
}
