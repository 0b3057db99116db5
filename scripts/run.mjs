#!/usr/bin/env node
// The project's one entry point for running things: `node scripts/run.mjs <command>` (package.json scripts call it).
//
//   test         tools → lint → build → unit → mutation check of the changed files → integration → e2e tiers (stops at the first failure)
//   lint         tools → eslint (type-aware) → prettier --check → knip (dead exports); each step fails on a finding
//   unit         tools → build → unit tier (Node's test runner over out/test/unit/**/*.test.js)
//   mutation     tools → build → StrykerJS over the whole mutation scope, or the files named after `--`; per-file table
//   integration  tools → build → integration tier (mocha inside a real VS Code = code-server + headless Chromium)
//   e2e          tools → build → UI tests (Playwright driving code-server's workbench; screenshots in test-results/e2e)
//   start        tools → build → simulator + code-server with the extension installed; runs until Ctrl-C
//   simulator    tools → build → the gateway simulator only (extra arguments go to its CLI)
//   bench        tools → production build → every benchmark in out/test/bench, then the table of every budget
//   package      tools → production build → the .vsix (checks what goes in and its size)
//   build        tools → build
//   tools        install / check the toolchain only and print where it lives
//
// Plain Node ESM, runs on Node >= 18; every further step runs with Node 24 first on PATH.
// Every background process it starts runs in its own process group and is killed at the end, also on failure.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { freePort, groupAlive, startCodeServer } from './lib/code-server.mjs';
import {
  REPO,
  CODE_SERVER_VERSION,
  run,
  NODE_VERSION,
  alive,
  ensureCodeServer,
  ensureNode24,
  ensureRepoDeps,
  ensureSystemPackages,
  fmtMs,
  say,
  toolEnv,
  toolPaths,
} from './lib/tools.mjs';

const [sub = 'test', ...argsAfter] = process.argv.slice(2);
const rest = argsAfter[0] === '--' ? argsAfter.slice(1) : argsAfter; // `node scripts/run.mjs simulator -- --keys 10`
const RESULTS = path.join(REPO, 'test-results');
const summary = []; // { step, ms, status }
const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'agc-run-'));
const groups = new Map(); // pid -> name (process-group leaders we started)

// ---------------------------------------------------------------------------------------------
// background processes and cleanup
function startGroup(name, cmd, args, opts = {}) {
  const child = spawn(cmd, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'], ...opts });
  if (child.pid) groups.set(child.pid, name);
  child.on('exit', () => groups.delete(child.pid));
  return child;
}

function killGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
  } catch {
    /* gone */
  }
}

/** Kills every process group we started plus those our children registered in runDir (code-server). */
async function killAll() {
  const pids = new Set(groups.keys());
  try {
    for (const f of fs.readdirSync(runDir)) {
      if (f.endsWith('.pgid')) pids.add(Number(fs.readFileSync(path.join(runDir, f), 'utf8')));
    }
  } catch {
    /* no run dir */
  }
  const live = [...pids].filter((p) => p > 1 && alive(p));
  for (const p of live) killGroup(p, 'SIGTERM');
  const deadline = Date.now() + 5000;
  while (live.some((p) => groupAlive(p)) && Date.now() < deadline) await sleep(100);
  for (const p of live) if (groupAlive(p)) killGroup(p, 'SIGKILL');
  fs.rmSync(runDir, { recursive: true, force: true });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

let exiting = false;
async function exit(code) {
  if (exiting) return;
  exiting = true;
  await killAll();
  process.exit(code);
}
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => {
    console.log(`\n${sig}: stopping…`);
    void exit(sig === 'SIGINT' ? 130 : 143);
  });
}

// ---------------------------------------------------------------------------------------------
// steps
async function step(name, fn) {
  const t = Date.now();
  say(`▶ ${name}`);
  try {
    const detail = await fn();
    const ms = Date.now() - t;
    summary.push({ step: name, ms, status: 'ok', detail });
    say(`✔ ${name} (${fmtMs(ms)})${detail ? ` — ${detail}` : ''}`);
  } catch (e) {
    const ms = Date.now() - t;
    summary.push({ step: name, ms, status: 'FAILED', detail: e.message });
    say(`✘ ${name} failed after ${fmtMs(ms)}: ${e.message}`);
    throw e;
  }
}

/** Runs a tool in its own process group with Node 24 first on PATH; output goes straight to the terminal. */
function runTool(name, cmd, args, { env = {}, timeoutMs = 0, cwd = REPO } = {}) {
  return new Promise((resolve, reject) => {
    const child = startGroup(name, cmd, args, {
      cwd,
      env: toolEnv({ AGC_RUN_DIR: runDir, ...env }),
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    let timer;
    if (timeoutMs) {
      timer = setTimeout(() => {
        say(`${name}: no result after ${fmtMs(timeoutMs)}, killing it`);
        killGroup(child.pid, 'SIGKILL');
      }, timeoutMs);
    }
    child.on('error', (e) => reject(new Error(`${name}: ${e.message}`)));
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      killGroup(child.pid, 'SIGKILL'); // anything it left behind in its group
      if (code === 0) resolve();
      else reject(new Error(`${name} exited with ${code ?? signal}`));
    });
  });
}

async function tools(level) {
  const states = [];
  await step('toolchain', async () => {
    if (level === 'all') states.push(`apt: ${await ensureSystemPackages({ chromium: true, build: true })}`);
    states.push(`node ${NODE_VERSION}: ${await ensureNode24()}`);
    states.push(`npm deps: ${await ensureRepoDeps()}`);
    if (level === 'all') states.push(`code-server ${CODE_SERVER_VERSION}: ${await ensureCodeServer()}`);
    return states.join(', ');
  });
}

/** The static gates, run before the build: each is its own step and fails the run on any finding. */
async function lint() {
  const node = toolPaths().node;
  const bin = (rel) => path.join(REPO, 'node_modules', rel);
  await step('lint (eslint)', () =>
    runTool('eslint', node, [bin('eslint/bin/eslint.js'), '--max-warnings=0', 'src', 'test', 'scripts']),
  );
  await step('format (prettier --check)', () =>
    runTool('prettier', node, [
      bin('prettier/bin/prettier.cjs'),
      '--check',
      '--log-level=warn',
      'src',
      'test',
      'scripts',
    ]),
  );
  await step('dead exports (knip)', () => runTool('knip', node, [bin('knip/bin/knip.js')]));
}

async function build({ production = false } = {}) {
  const node = toolPaths().node;
  await step(production ? 'build (production)' : 'build', async () => {
    await runTool('esbuild', node, ['esbuild.mjs', ...(production ? ['--production'] : [])]);
    await runTool('tsc', node, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.test.json']);
    if (hasTs(path.join(REPO, 'test/e2e')))
      await runTool('tsc (e2e)', node, ['node_modules/typescript/bin/tsc', '-p', 'test/e2e/tsconfig.json']);
    if (hasTs(path.join(REPO, 'src/ui')))
      await runTool('tsc (ui)', node, ['node_modules/typescript/bin/tsc', '-p', 'src/ui/tsconfig.json', '--noEmit']);
    const pruned = pruneStaleOutput();
    return pruned ? `removed ${pruned} stale file(s) from out/` : '';
  });
}

function hasTs(dir) {
  if (!fs.existsSync(dir)) return false;
  return fs.readdirSync(dir, { recursive: true }).some((f) => String(f).endsWith('.ts'));
}

/** tsc never deletes: drop out/**.js whose source .ts is gone, so a deleted test cannot keep running. */
function pruneStaleOutput() {
  let n = 0;
  for (const top of ['src', 'test']) {
    const dir = path.join(REPO, 'out', top);
    if (!fs.existsSync(dir)) continue;
    for (const rel of fs.readdirSync(dir, { recursive: true })) {
      const f = String(rel);
      const m = /^(.*)\.js(\.map)?$/.exec(f);
      if (!m) continue;
      const src = path.join(REPO, top, `${m[1]}.ts`);
      if (!fs.existsSync(src) && !fs.existsSync(path.join(REPO, top, `${m[1]}.js`))) {
        fs.rmSync(path.join(dir, f), { force: true });
        n++;
      }
    }
  }
  return n;
}

async function unitTier() {
  const node = toolPaths().node;
  fs.mkdirSync(RESULTS, { recursive: true });
  await step('unit tier', async () => {
    const files = listFiles(path.join(REPO, 'out/test/unit'), (f) => f.endsWith('.test.js'));
    if (!files.length) throw new Error('no unit tests found in out/test/unit');
    await runTool(
      'unit tests',
      node,
      [
        '--test',
        '--test-reporter=spec',
        '--test-reporter-destination=stdout',
        '--test-reporter=junit',
        `--test-reporter-destination=${path.join(RESULTS, 'unit-junit.xml')}`,
        ...files.map((f) => path.relative(REPO, f)),
      ],
      { timeoutMs: 20 * 60 * 1000 },
    );
    return `${files.length} file(s); junit: test-results/unit-junit.xml`;
  });
}

async function integrationTier() {
  const node = toolPaths().node;
  const timeoutMs = Number(process.env.AGC_TEST_TIMEOUT_MS || 300000);
  await step('integration tier (real VS Code)', async () => {
    await runTool('integration tests', node, ['out/test/integration/runTests.js'], {
      env: { AGC_TEST_TIMEOUT_MS: String(timeoutMs) },
      timeoutMs: timeoutMs + 60000, // the driver times out first; this is the backstop
    });
    return 'log: test-results/integration/';
  });
}

async function e2eTier() {
  const node = toolPaths().node;
  fs.mkdirSync(path.join(RESULTS, 'e2e'), { recursive: true });
  await step('e2e tier (UI in Chromium)', async () => {
    const files = listFiles(path.join(REPO, 'out/test/e2e'), (f) => f.endsWith('.e2e.js'));
    if (!files.length) return 'no e2e tests yet';
    await runTool(
      'e2e tests',
      node,
      [
        '--test',
        '--test-concurrency=1',
        '--test-reporter=spec',
        '--test-reporter-destination=stdout',
        '--test-reporter=junit',
        `--test-reporter-destination=${path.join(RESULTS, 'e2e-junit.xml')}`,
        ...files.map((f) => path.relative(REPO, f)),
      ],
      { timeoutMs: 20 * 60 * 1000 },
    );
    return `${files.length} file(s); screenshots: test-results/e2e/`;
  });
}

function listFiles(dir, pred) {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true })
    .map((f) => path.join(dir, String(f)))
    .filter(pred)
    .filter(onlyFilter)
    .sort();
}

/** `AGC_ONLY=http,sse npm run test:unit`: only the test files whose name contains one of the words (also for e2e and integration). */
function onlyFilter(file) {
  const only = (process.env.AGC_ONLY ?? '')
    .split(',')
    .map((w) => w.trim())
    .filter(Boolean);
  return !only.length || only.some((w) => path.basename(file).includes(w));
}

function printSummary(title, ok) {
  const total = summary.reduce((a, s) => a + s.ms, 0);
  console.log(`\n──────── ${title} ────────`);
  for (const s of summary) {
    console.log(
      `  ${s.status === 'ok' ? '✔' : '✘'} ${s.step.padEnd(34)} ${fmtMs(s.ms).padStart(10)}${s.detail ? `   ${s.detail}` : ''}`,
    );
  }
  console.log(`  ${'total'.padEnd(36)} ${fmtMs(total).padStart(10)}`);
  console.log(
    ok
      ? `\n${title}: PASSED`
      : `\n${title}: FAILED (${summary.find((s) => s.status !== 'ok')?.step ?? 'unknown step'})`,
  );
}

// ---------------------------------------------------------------------------------------------
// mutation testing (StrykerJS, stryker.config.mjs; scope, diff and report in scripts/lib/mutation.mjs)
async function runStryker(name, { mutate, dir, incremental, timeoutMs, tests }) {
  const node = toolPaths().node;
  fs.rmSync(path.join(REPO, '.stryker-tmp'), { recursive: true, force: true });
  await runTool(
    name,
    node,
    [path.join(REPO, 'node_modules/@stryker-mutator/core/bin/stryker.js'), 'run', 'stryker.config.mjs'],
    {
      env: {
        AGC_MUTATE: mutate.join(','),
        AGC_MUTATION_DIR: path.relative(REPO, dir),
        AGC_MUTATION_INCREMENTAL: incremental,
        ...(tests ? { AGC_MUTATION_TESTS: tests.join(',') } : {}),
      },
      timeoutMs,
    },
  );
  return JSON.parse(fs.readFileSync(path.join(dir, 'mutation.json'), 'utf8'));
}

function writeSummary(dir, title, table, problems) {
  const lines = [`# ${title}`, '', table, ''];
  if (problems.length)
    lines.push(
      'Mutants without a test or a reason:',
      '',
      ...problems.map((p) => `- ${p.file}:${p.line} ${p.mutator} → ${JSON.stringify(p.replacement ?? '')}: ${p.kind}`),
      '',
    );
  fs.writeFileSync(path.join(dir, 'summary.md'), lines.join('\n'));
}

/**
 * `npm run test:mutation [-- files…]`: every file of the scope (or the ones named); fails below a file's target or on
 * a disable without a reason. Each file's mutants are tested by the unit tests of that file (mut.killersOf): one
 * Stryker run per set of files with the same tests, the reports merged into one. AGC_MUTATION_TESTS (a list of test
 * files) makes it one run over every file with those tests instead.
 */
async function mutationFull(args) {
  const mut = await import('./lib/mutation.mjs');
  const { MUTATE, NOT_KILLERS, targetFor } = await mut.loadConfig(REPO);
  const dir = path.join(RESULTS, 'mutation');
  fs.mkdirSync(dir, { recursive: true });
  const ranges = args.length ? args : mut.filesInScope(REPO, MUTATE);
  const files = [...new Set(ranges.map((f) => f.replace(/:.*$/, '')))];
  const plan = process.env.AGC_MUTATION_TESTS
    ? { groups: [{ files, tests: undefined }], untested: [] }
    : mut.killerGroups(REPO, files, NOT_KILLERS);
  const reports = [];
  let html;
  for (const [i, g] of plan.groups.entries()) {
    const mutate = ranges.filter((r) => g.files.includes(r.replace(/:.*$/, '')));
    const label = `mutation testing ${i + 1}/${plan.groups.length}: ${g.files.join(', ')}`;
    await step(label, async () => {
      const runDir = path.join(dir, 'runs', String(i + 1));
      fs.rmSync(runDir, { recursive: true, force: true });
      fs.mkdirSync(runDir, { recursive: true });
      const report = await runStryker('stryker', {
        mutate,
        dir: runDir,
        incremental: path.join(dir, 'incremental', `${mut.groupKey(g.files)}.json`),
        ...(g.tests ? { tests: g.tests } : {}),
      });
      reports.push(report);
      html ??= fs.readFileSync(path.join(runDir, 'index.html'), 'utf8');
      fs.rmSync(runDir, { recursive: true, force: true });
      return g.tests ? `${g.tests.length} unit test file(s): ${g.tests.map((t) => path.basename(t)).join(', ')}` : '';
    });
  }
  fs.rmSync(path.join(dir, 'runs'), { recursive: true, force: true });
  const report = mut.mergeReports(reports);
  fs.writeFileSync(path.join(dir, 'mutation.json'), JSON.stringify(report));
  if (html) fs.writeFileSync(path.join(dir, 'index.html'), mut.htmlWithReport(html, report));
  const result = mut.summarize(REPO, report, { files, targetFor });
  const table = mut.formatTable(result.rows);
  const low = mut.belowTarget(result.rows);
  const unexplained = result.problems.filter((p) => p.kind === 'disabled without a reason');
  writeSummary(dir, 'Mutation score per file', table, result.problems);
  console.log(`\n${table}\n`);
  await step('mutation targets (85 % core/gateway, 75 % features)', async () => {
    const bad = [
      ...plan.untested.map((f) => `no unit test reaches ${f}`),
      ...low.map((r) => `${r.file} ${r.score.toFixed(1)} % < ${r.target} %`),
      ...unexplained.map((p) => `${p.file}:${p.line} ${p.mutator} disabled without a reason`),
    ];
    if (bad.length) throw new Error(bad.join('; '));
    return `${result.rows.length} file(s) at or above target; ${result.problems.length} surviving mutant(s) listed in summary.md; reports: test-results/mutation/ (index.html, mutation.json, summary.md)`;
  });
}

/**
 * The `npm test` step after the unit tier: mutation testing of what the change touches. Whole files (scores checked
 * against their targets) while their mutants fit the budget; past it only the changed lines. Every mutant on a
 * changed line must be killed, or disabled in place with a reason.
 */
/** npm test's budget of mutants, sized for CI's time (one mutant costs seconds of unit tests on two cores). */
const CI_MUTATION_BUDGET = 60;

async function mutationChanged(defaultBudget) {
  const mut = await import('./lib/mutation.mjs');
  const { MUTATE, targetFor } = await mut.loadConfig(REPO);
  const dir = path.join(RESULTS, 'mutation-changed');
  const budget = Number(process.env.AGC_MUTATION_BUDGET || defaultBudget);
  let plan;
  await step('mutation check: what changed', async () => {
    const base = mut.diffBase(REPO);
    if (!base) return 'no git history to compare with: skipped';
    const changed = mut.changedLines(REPO, base.base);
    const sources = [...changed.keys()].filter((f) => mut.inScope(f, MUTATE) && fs.existsSync(path.join(REPO, f)));
    const tests = [...changed.keys()].filter(
      (f) => /^test\/unit\/.*\.ts$/.test(f) && fs.existsSync(path.join(REPO, f)),
    );
    // a weaker test can let mutants survive in a file nobody edited: the sources a changed unit test imports count too
    const viaTests = new Set();
    for (const t of tests)
      for (const s of mut.sourcesOfTest(REPO, t, MUTATE)) if (!sources.includes(s)) viaTests.add(s);
    const whole = [...sources, ...viaTests];
    if (!whole.length) return `against ${base.label}: no file of the mutation scope changed`;
    const counts = await mut.countMutants(REPO, whole);
    const total = [...counts.values()].reduce((a, b) => a + b, 0);
    if (total <= budget) {
      plan = { mode: 'files', mutate: whole, files: whole, changed };
      return `against ${base.label}: ${whole.length} file(s), ${total} mutants (budget ${budget}): ${whole.join(', ')}`;
    }
    if (!sources.length)
      return `against ${base.label}: only unit tests changed; the ${total} mutants of the sources they test exceed the budget of ${budget} (npm run test:mutation -- ${whole.join(' ')})`;
    const onLines = await mut.countMutantsOnLines(REPO, new Map(sources.map((f) => [f, changed.get(f)])));
    if (onLines === 0) return `against ${base.label}: no mutant on the changed lines of ${sources.join(', ')}`;
    if (onLines > budget) {
      return `against ${base.label}: ${onLines} mutants on the changed lines exceed the budget of ${budget} for one test run: skipped here; run npm run test:mutation:changed (or npm run test:mutation) before merging`;
    }
    const ranges = sources.flatMap((f) => changed.get(f).map(([a, b]) => `${f}:${a}-${b}`));
    plan = { mode: 'lines', mutate: ranges, files: sources, changed };
    return `against ${base.label}: ${total} mutants in ${whole.length} file(s) exceed the budget of ${budget}: only the ${onLines} on the changed lines of ${sources.length} file(s) (the full run, npm run test:mutation, scores whole files)`;
  });
  if (!plan || !plan.mutate.length) return;
  fs.mkdirSync(dir, { recursive: true });
  const cache = path.join(toolPaths().dir, 'mutation', 'ci-incremental.json');
  fs.mkdirSync(path.dirname(cache), { recursive: true });
  let result;
  await step(`mutation check (${plan.mode === 'files' ? 'whole files' : 'changed lines'})`, async () => {
    // only the unit test files that import (transitively) what is mutated can kill its mutants
    const tests = mut.testsReaching(REPO, plan.files);
    if (!tests.length)
      throw new Error(`no unit test reaches ${plan.files.join(', ')}: every mutant there would survive`);
    const report = await runStryker('stryker (changed files)', {
      mutate: plan.mutate,
      dir,
      incremental: cache,
      timeoutMs: 25 * 60 * 1000,
      tests,
    });
    result = mut.summarize(REPO, report, { files: plan.files, targetFor, changed: plan.changed });
    const table = mut.formatTable(result.rows);
    writeSummary(
      dir,
      `Mutation check of the changed files (${plan.mode === 'files' ? 'whole files' : 'changed lines'})`,
      table,
      result.problems,
    );
    console.log(`\n${table}\n`);
    for (const p of result.problems)
      console.log(`  ${p.file}:${p.line}  ${p.mutator} → ${JSON.stringify(p.replacement ?? '')}: ${p.kind}`);
    const low = plan.mode === 'files' ? mut.belowTarget(result.rows) : [];
    const bad = [
      ...low.map((r) => `${r.file} ${r.score.toFixed(1)} % < ${r.target} %`),
      ...(result.problems.length
        ? [`${result.problems.length} mutant(s) on changed lines without a test or a reason`]
        : []),
    ];
    if (bad.length) throw new Error(`${bad.join('; ')} (test-results/mutation-changed/summary.md, index.html)`);
    return `${result.rows.length} file(s); reports: test-results/mutation-changed/`;
  });
}

// ---------------------------------------------------------------------------------------------
// simulator + code-server for `start` / `simulator`
async function startSimulator(args = []) {
  const node = toolPaths().node;
  const cli = path.join(REPO, 'out/test/simulator/cli.js');
  if (!fs.existsSync(cli))
    throw new Error('out/test/simulator/cli.js is missing: the build did not compile test/simulator/cli.ts');
  const logFile = path.join(RESULTS, 'start', 'simulator.log');
  fs.mkdirSync(path.dirname(logFile), { recursive: true });
  const log = fs.createWriteStream(logFile);
  const child = startGroup('simulator', node, [cli, ...args], { cwd: REPO, env: toolEnv() });
  child.stderr.pipe(log);
  return new Promise((resolve, reject) => {
    let buf = '';
    let ready = false;
    const timer = setTimeout(
      () => reject(new Error(`the simulator printed no SIMULATOR_READY line in 30 s (see ${logFile})`)),
      30000,
    );
    child.stdout.on('data', (d) => {
      log.write(d);
      if (ready) return;
      buf += d;
      const m = /^SIMULATOR_READY (.*)$/m.exec(buf);
      if (m) {
        clearTimeout(timer);
        ready = true;
        try {
          resolve({ child, info: JSON.parse(m[1]), logFile });
        } catch (e) {
          reject(new Error(`bad SIMULATOR_READY line: ${e.message}`));
        }
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the simulator exited with ${code} (see ${logFile})`));
    });
  });
}

function portFree(port) {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

/** Copies what the .vsix would carry into <extensions-dir>/<publisher>.<name>-<version>. */
function installExtensionCopy(extDir) {
  const pkg = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8'));
  const target = path.join(extDir, `${pkg.publisher}.${pkg.name}-${pkg.version}`);
  fs.mkdirSync(target, { recursive: true });
  for (const f of fs.readdirSync(REPO)) {
    if (/^(package\.json|package\.nls(\.[\w-]+)?\.json|README\.md|LICENSE.*|dist|media|l10n)$/.test(f)) {
      fs.cpSync(path.join(REPO, f), path.join(target, f), { recursive: true });
    }
  }
  return target;
}

async function cmdStart() {
  const p = toolPaths();
  await step('simulator', async () => {
    // the simulator's usual ports (8787/8788) when free, else any free ones
    const usual = (await portFree(8787)) && (await portFree(8788));
    state.sim = await startSimulator(usual ? [] : ['--aione-port', '0', '--aihubmix-port', '0']);
    return `aione ${state.sim.info.aione?.url}, aihubmix ${state.sim.info.aihubmix?.url}`;
  });
  const demo = path.join(p.dir, 'demo');
  const port = (await portFree(8080)) ? 8080 : await freePort();
  await step('code-server', async () => {
    fs.rmSync(demo, { recursive: true, force: true });
    for (const d of ['ud/User', 'ext', 'workspace', 'xdg']) fs.mkdirSync(path.join(demo, d), { recursive: true });
    fs.writeFileSync(
      path.join(demo, 'ud/User/settings.json'),
      JSON.stringify(
        {
          'workbench.startupEditor': 'none',
          'security.workspace.trust.enabled': false,
          'telemetry.telemetryLevel': 'off',
          'extensions.autoCheckUpdates': false,
          'extensions.autoUpdate': false,
          // VS Code's own chat answers with the gateway's models (vendor "AI Gateway") without a GitHub sign-in: AI features
          // on, the built-in chat's anonymous mode, Copilot's small background prompts on the chosen model
          'chat.disableAIFeatures': false,
          'chat.allowAnonymousAccess': true,
          'chat.byokUtilityModelDefault': 'mainAgent',
          'workbench.secondarySideBar.defaultVisibility': 'visible',
        },
        null,
        2,
      ),
    );
    fs.writeFileSync(
      path.join(demo, 'workspace/README.md'),
      '# AI Gateway Console demo workspace\n\nOpen the "AI Gateway" view in the activity bar.\n',
    );
    // activates the extension in this workspace (package.json: workspaceContains:.ai-gateway-demo): with the env var
    // below it connects both simulated gateways and shows the AI Gateway view, no manual step
    fs.writeFileSync(
      path.join(demo, 'workspace/.ai-gateway-demo'),
      'This folder is the AI Gateway Console demo workspace (npm start).\n',
    );
    installExtensionCopy(path.join(demo, 'ext'));
    const { aione, aihubmix } = state.sim.info;
    const logFile = path.join(RESULTS, 'start', 'code-server.log');
    fs.writeFileSync(logFile, '');
    // registered in runDir: the clean-up at exit (killAll) ends its process group
    state.cs = await startCodeServer({
      codeServer: p.codeServer,
      home: demo,
      port,
      logFile,
      runDir,
      userDataDir: path.join(demo, 'ud'),
      extensionsDir: path.join(demo, 'ext'),
      args: [path.join(demo, 'workspace')],
      // read by the extension (src/features/demo): "Demo AIone" / "Demo AIHubMix" connections, then the view is shown
      env: toolEnv({ AI_GATEWAY_CONSOLE_DEMO: JSON.stringify({ aione, aihubmix, focus: true }) }),
    });
    return `port ${port}`;
  });
  const url = `http://127.0.0.1:${port}/?folder=${encodeURIComponent(path.join(demo, 'workspace'))}`;
  const { aione, aihubmix } = state.sim.info;
  console.log(`
  ┌──────────────────────────────────────────────────────────────────────────
  │ AI Gateway Console is running in a real VS Code (code-server ${CODE_SERVER_VERSION}).
  │
  │   Open:  ${url}
  │
  │ The sidebar is already connected to the simulator ("Demo AIone", "Demo AIHubMix"), and VS Code's chat
  │ (right) answers with their models: pick e.g. "GPT-4o mini · Demo AIone" in its model picker, or ask @gateway.
  │ Gateway simulator (to add more connections with "AI Gateway: Add Connection"):
  │   AIone     base URL ${aione?.url}
  │             admin token ${aione?.adminToken}    model key ${aione?.modelKey}
  │   AIHubMix  base URL ${aihubmix?.url}
  │             access token ${aihubmix?.accessToken}    model key ${aihubmix?.modelKey}    user id ${aihubmix?.userId}
  │
  │ Logs: test-results/start/ (simulator.log, code-server.log)
  │ Press Ctrl-C to stop everything.
  └──────────────────────────────────────────────────────────────────────────`);
  await new Promise((resolve) => {
    void state.cs.exited.then((c) => {
      console.log(`code-server exited (${c})`);
      resolve();
    });
    state.sim.child.on('exit', (c) => {
      console.log(`the simulator exited (${c})`);
      resolve();
    });
  });
  throw new Error('a background process stopped');
}
const state = {};

async function cmdSimulator() {
  const node = toolPaths().node;
  const cli = path.join(REPO, 'out/test/simulator/cli.js');
  if (!fs.existsSync(cli)) throw new Error('out/test/simulator/cli.js is missing');
  await step('simulator (Ctrl-C to stop)', async () => {
    say(`node out/test/simulator/cli.js ${rest.join(' ')}`);
    await runTool('simulator', node, [cli, ...rest]);
  });
}

async function cmdPackage() {
  const node = toolPaths().node;
  const pkg = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8'));
  const vsce = path.join(REPO, 'node_modules/@vscode/vsce/vsce');
  const out = path.join(REPO, `${pkg.name}-${pkg.version}.vsix`);
  await step('vsce ls (what goes in)', async () => {
    const files = [];
    await new Promise((resolve, reject) => {
      const c = spawn(node, [vsce, 'ls', '--no-dependencies'], {
        cwd: REPO,
        env: toolEnv(),
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let buf = '';
      c.stdout.on('data', (d) => {
        buf += d;
      });
      c.on('exit', (code) => {
        if (code) reject(new Error(`vsce ls exited with ${code}`));
        else {
          files.push(
            ...buf
              .split('\n')
              .map((l) => l.trim())
              .filter(Boolean),
          );
          resolve();
        }
      });
    });
    const allowed =
      /^(dist\/.*|media\/.*|l10n\/.*|package\.json|package\.nls(\.[\w-]+)?\.json|README\.md|LICENSE(\.\w+)?|CHANGELOG\.md)$/;
    const bad = files.filter((f) => !allowed.test(f) || f.endsWith('.map'));
    if (bad.length) throw new Error(`unexpected files would be packaged (fix .vscodeignore): ${bad.join(', ')}`);
    return `${files.length} files`;
  });
  await step('vsce package', async () => {
    // the repository URL is a placeholder: README's links into the repository (docs/) stay relative
    await runTool('vsce', node, [
      vsce,
      'package',
      '--no-dependencies',
      '--allow-missing-repository',
      '--no-rewrite-relative-links',
      '--out',
      out,
    ]);
    return path.basename(out);
  });
  // the size budgets of docs/architecture.md: the package step fails when one is exceeded
  await step('size budgets', async () => {
    const KB = 1024;
    const figures = [
      { what: path.basename(out), bytes: fs.statSync(out).size, budget: 600 * KB },
      { what: 'dist/extension.js', bytes: fs.statSync(path.join(REPO, 'dist/extension.js')).size, budget: 700 * KB },
      ...fs
        .readdirSync(path.join(REPO, 'dist/ui'))
        .filter((f) => f.endsWith('.js'))
        .sort()
        .map((f) => ({
          what: `dist/ui/${f} (gzip)`,
          bytes: zlib.gzipSync(fs.readFileSync(path.join(REPO, 'dist/ui', f)), { level: 9 }).length,
          budget: 150 * KB,
        })),
    ];
    const line = (f) => `${f.what} ${(f.bytes / KB).toFixed(1)} KB (budget ${f.budget / KB} KB)`;
    const over = figures.filter((f) => f.bytes > f.budget);
    if (over.length) throw new Error(`over budget: ${over.map(line).join('; ')}`);
    return figures.map(line).join('; ');
  });
}

/**
 * Every benchmark in out/test/bench (`*.bench.js`, each in its own Node process, one after the other: the machine is
 * shared, so nothing runs beside them), then one table of every budget with the figures reported for it
 * (test/bench/report.ts → test-results/bench/figures.jsonl) beside their baselines, also written as
 * test-results/bench/figures.json. A benchmark that crashes does not stop the others; the command fails at the end.
 * Over-budget figures are reported, not failed.
 */
async function cmdBench() {
  const node = toolPaths().node;
  const { tabulate, render, readFigures, toJson } = await import('./lib/bench-table.mjs');
  const dir = path.join(REPO, 'out/test/bench');
  const outDir = path.join(RESULTS, 'bench');
  const jsonl = path.join(outDir, 'figures.jsonl');
  fs.mkdirSync(outDir, { recursive: true });
  fs.rmSync(jsonl, { force: true });
  fs.rmSync(path.join(outDir, 'figures.json'), { force: true });
  const files = listFiles(dir, (f) => f.endsWith('.bench.js'));
  if (!files.length) throw new Error('no benchmarks in out/test/bench (test/bench/*.bench.ts)');
  const crashed = [];
  for (const f of files) {
    const name = path.relative(dir, f).replace(/\.js$/, '');
    try {
      await step(`bench ${name}`, async () => {
        await runTool(name, node, ['--expose-gc', f], { env: { AGC_REPO: REPO }, timeoutMs: 20 * 60 * 1000 });
        return '';
      });
    } catch {
      crashed.push(name);
    }
  }
  const rows = tabulate(readFigures(jsonl));
  console.log(
    `\n──────── budgets (docs/architecture.md) beside their baselines, measured in this run ────────\n${render(rows, process.stdout.columns || 200)}`,
  );
  let commit = '';
  try {
    commit = (await run('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO, quiet: true })).trim();
  } catch {
    /* not a git checkout */
  }
  fs.writeFileSync(
    path.join(outDir, 'figures.json'),
    `${JSON.stringify(
      toJson(rows, {
        generatedAt: new Date().toISOString(),
        commit,
        node: process.versions.node,
        cpus: os.cpus().length,
        loadavg: os.loadavg(),
        crashed,
      }),
      null,
      2,
    )}\n`,
  );
  console.log(`\n  figures: test-results/bench/figures.json (records: figures.jsonl)`);
  if (crashed.length) throw new Error(`benchmark(s) crashed: ${crashed.join(', ')}`);
}

// ---------------------------------------------------------------------------------------------
const commands = {
  async test() {
    await tools('all');
    await lint();
    await build();
    await unitTier();
    await mutationChanged(CI_MUTATION_BUDGET);
    await integrationTier();
    await e2eTier();
  },
  async lint() {
    await tools('node');
    await lint();
  },
  async unit() {
    await tools('node');
    await build();
    await unitTier();
  },
  async mutation() {
    await tools('node');
    await build();
    await mutationFull(rest);
  },
  async 'mutation-changed'() {
    await tools('node');
    await build();
    await mutationChanged(1500);
  },
  async integration() {
    await tools('all');
    await build();
    await integrationTier();
  },
  async e2e() {
    await tools('all');
    await build();
    await e2eTier();
  },
  async start() {
    await tools('all');
    await build();
    await cmdStart();
  },
  async simulator() {
    await tools('node');
    await build();
    await cmdSimulator();
  },
  async bench() {
    await tools('all');
    await build({ production: true });
    await cmdBench();
  },
  async package() {
    await tools('node');
    await build({ production: true });
    await cmdPackage();
  },
  async build() {
    await tools('node');
    await build();
  },
  async tools() {
    await tools('all');
    const p = toolPaths();
    console.log(
      `tools dir:   ${p.dir}\nnode:        ${p.node}\ncode-server: ${p.codeServer}\nchromium:    ${p.chromium}`,
    );
  },
};

if (!commands[sub]) {
  console.error(`unknown command "${sub}". Commands: ${Object.keys(commands).join(', ')}`);
  process.exit(2);
}
const title = sub === 'test' ? 'npm test' : sub === 'mutation' ? 'npm run test:mutation' : `npm run ${sub}`;
try {
  await commands[sub]();
  if (!['start', 'simulator'].includes(sub)) printSummary(title, true);
  await exit(0);
} catch (e) {
  if (!exiting) {
    printSummary(title, false);
    if (!summary.some((s) => s.status !== 'ok')) console.error(e);
  }
  await exit(1);
}
