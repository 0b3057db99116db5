// StrykerJS: mutation testing of the core, the gateway client and the features' pure logic against the unit tier.
// Run it through `npm run test:mutation` (full run) or the `npm test` step (the files a change touches): both go
// through scripts/lib/mutation.mjs, which builds first and reads the reports.
//
// How a mutant is tested: Stryker copies the sources into a sandbox (.stryker-tmp/) and instruments every mutant into
// them at once (switched at run time by an environment variable); `buildCommand` compiles the sandbox with tsc once;
// the tap runner runs each compiled unit test file as its own `node` process with Node's TAP reporter (there is no
// runner for node:test; the tap runner needs no change to the tests). Coverage is measured per test file in the first
// (dry) run, so a mutant is tested only by the files that reach it, the fast files first, and the first failing file
// kills it.
//
// Environment (set by scripts/lib/mutation.mjs): AGC_MUTATE = comma-separated `file` or `file:from-to` (lines) to
// narrow `mutate`; AGC_MUTATION_DIR = where the reports go; AGC_MUTATION_INCREMENTAL = the incremental file;
// AGC_MUTATION_CONCURRENCY = test processes (default 2); AGC_MUTATION_TESTS = the unit test files to run (the
// runner sets it per run to the tests of the files mutated: killersOf in scripts/lib/mutation.mjs; default all).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.dirname(fileURLToPath(import.meta.url));

/** What the full run mutates. */
export const MUTATE = [
  'src/core/**/*.ts',
  'src/gateway/**/*.ts',
  // the features' pure logic (no 'vscode' import, unit-tested): key logic, form validation and drafts,
  // verify-after-write, rotation scheduling, usage export, chat exchange and model, key warnings
  'src/features/keys/logic.ts',
  'src/features/keys/flows/draft.ts',
  'src/features/keys/flows/validate.ts',
  'src/features/keys/flows/verify.ts',
  'src/features/keys/flows/schedule.ts',
  'src/features/dashboard/export.ts',
  'src/features/chat/exchange.ts',
  'src/features/chat/model.ts',
  'src/features/status/warnings.ts',
];

/** The mutation score a file must reach: 85 % in the core and the gateway client, 75 % in the features' logic. */
export function targetFor(file) {
  return /^src\/(core|gateway)\//.test(file) ? 85 : 75;
}

/**
 * Unit test files that do not take part: the fault matrices (every fault × every call over the simulator and a fault
 * server, half of the unit tier's time) and the simulator's own tests. They reach most of the client, so every
 * surviving mutant there would run them in full, yet they sweep faults or test the simulator; a mutant is to be killed
 * by a test of the code it is in. They still run in the unit tier.
 */
export const NOT_KILLERS = /^(matrix[\w-]*|simulator)\.test\.ts$/;

/**
 * The compiled unit test files, fast ones first: a mutant is killed by the first covering file that fails, so a
 * file that needs no server (pure table tests) gets the first try; files that start a simulator or another
 * server, or fuzz, come after.
 */
export function orderedTestFiles(root = ROOT) {
  const dir = path.join(root, 'test', 'unit');
  const slow = /startSimulator|createServer|fc\.assert|scriptedServer/;
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.test.ts') && !NOT_KILLERS.test(f)).sort();
  const isSlow = (f) => slow.test(fs.readFileSync(path.join(dir, f), 'utf8'));
  const only = (process.env.AGC_MUTATION_TESTS ?? '').split(',').map((s) => path.basename(s.trim())).filter(Boolean);
  const chosen = only.length ? files.filter((f) => only.includes(f)) : files;
  return [...chosen.filter((f) => !isSlow(f)), ...chosen.filter(isSlow)].map((f) => `out/test/unit/${f.replace(/\.ts$/, '.js')}`);
}

const only = (process.env.AGC_MUTATE ?? '').split(',').map((s) => s.trim()).filter(Boolean);
const reports = process.env.AGC_MUTATION_DIR ?? 'test-results/mutation';

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: 'npm',
  plugins: ['@stryker-mutator/tap-runner'],
  testRunner: 'tap',
  tap: {
    testFiles: orderedTestFiles(),
    nodeArgs: [`--test-reporter=${path.join(ROOT, 'scripts', 'mutation', 'tap-reporter.mjs')}`, '-r', '{{hookFile}}', '{{testFile}}'],
    forceBail: true,
  },
  buildCommand: 'tsc -p tsconfig.test.json',
  mutate: only.length ? only : MUTATE,
  coverageAnalysis: 'perTest',
  // Only what the build and the unit tier read goes into the sandbox (scripts/: the runner's and the build's libraries,
  // which the tests of the runner and of the codicon subset load); the compiled unit tests (out/test/unit, built
  // before Stryker starts) go in too, so that the incremental mode sees when a test file changed.
  ignorePatterns: [
    '/*', '!/src', '!/test', '!/scripts', '!/l10n', '!/media', '!/package.json', '!/package.nls*.json', '!/tsconfig*.json',
    '!/out', '/out/*', '!/out/test', '/out/test/*', '!/out/test/unit', '/test/e2e',
  ],
  incremental: true,
  incrementalFile: process.env.AGC_MUTATION_INCREMENTAL ?? `${reports}/stryker-incremental.json`,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: `${reports}/index.html` },
  jsonReporter: { fileName: `${reports}/mutation.json` },
  clearTextReporter: { allowColor: false, logTests: false, reportMutants: false, reportScoreTable: true },
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
  concurrency: Number(process.env.AGC_MUTATION_CONCURRENCY || 2),
  // a mutant may make a test hang (an endless retry, a timer that never fires): it counts as killed (timeout)
  timeoutMS: 10_000,
  timeoutFactor: 2,
  // the per-file targets are checked by scripts/lib/mutation.mjs; these only colour Stryker's own table
  thresholds: { high: 85, low: 75, break: null },
};
