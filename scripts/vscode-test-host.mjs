// Runs extension tests inside a real VS Code: code-server (VS Code 1.139's server + web workbench) whose
// Node extension host loads the extension under development and the test module, driven by headless Chromium.
//
//   node scripts/vscode-test-host.mjs --extensionDevelopmentPath=<dir> --extensionTestsPath=<module> [<folder>]
//        [--user-data-dir=<dir>] [--extensions-dir=<dir>] [any other --flag, ignored]
// (normally called through scripts/code-shim.sh by @vscode/test-electron's runTests)
//
// How: code-server runs with `--vscode-option enable-smoke-test-driver`, which makes the web workbench honour the
// `payload` query (extensionDevelopmentPath / extensionTestsPath / extensionEnvironment as vscode-remote URIs).
// When the test module's run() settles, the workbench calls window.codeAutomationExit(code); every console line
// (mocha's output included) goes to window.codeAutomationLog. Playwright exposes both functions.
//
// Environment: AGC_CODE_SERVER, AGC_CHROMIUM, AGC_NODE (set by scripts/run.mjs; defaults from the tools cache),
// AGC_TEST_TIMEOUT_MS (default 300000), AGC_EXTENSION_TESTS_ENV (JSON: extra env for the extension host),
// AGC_RUN_DIR (where to register code-server's process group for the caller's cleanup), VERBOSE=1 (no filtering).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { startCodeServer } from './lib/code-server.mjs';
import { REPO, toolPaths } from './lib/tools.mjs';

const t0 = Date.now();
const log = (...a) => console.log(`[vscode-test-host ${((Date.now() - t0) / 1000).toFixed(1)}s]`, ...a);

// ---------------------------------------------------------------------------------------------
// arguments (Electron-style)
let devPath, testsPath, folder, userDataDir, extensionsDir;
for (const a of process.argv.slice(2)) {
  const [k, ...v] = a.split('=');
  const val = v.join('=');
  if (k === '--extensionDevelopmentPath') devPath ??= val;
  else if (k === '--extensionTestsPath') testsPath = val;
  else if (k === '--user-data-dir') userDataDir = val;
  else if (k === '--extensions-dir') extensionsDir = val;
  else if (a.startsWith('-'))
    continue; // --no-sandbox, --disable-gpu-sandbox, --skip-welcome, … mean nothing here
  else if (!folder && fs.existsSync(a)) folder = a;
}
if (!devPath || !testsPath) {
  console.error('usage: vscode-test-host.mjs --extensionDevelopmentPath=<dir> --extensionTestsPath=<module> [folder]');
  process.exit(2);
}
devPath = path.resolve(devPath);
testsPath = path.resolve(testsPath);
if (fs.existsSync(testsPath) && fs.statSync(testsPath).isDirectory()) testsPath = path.join(testsPath, 'index.js');
else if (!fs.existsSync(testsPath) && fs.existsSync(`${testsPath}.js`)) testsPath = `${testsPath}.js`;
if (!fs.existsSync(testsPath)) {
  console.error(`extensionTestsPath not found: ${testsPath}`);
  process.exit(2);
}
folder = path.resolve(folder ?? devPath);

const tools = toolPaths();
const codeServer = process.env.AGC_CODE_SERVER || tools.codeServer;
const chromiumPath = process.env.AGC_CHROMIUM || tools.chromium;
const nodeBin = path.dirname(process.env.AGC_NODE || tools.node);
for (const [what, p] of [
  ['code-server', codeServer],
  ['chromium', chromiumPath],
]) {
  if (!p || !fs.existsSync(p)) {
    console.error(
      `${what} not found (${p ?? 'not on PATH'}). Run \`npm test\` or \`node scripts/run.mjs tools\` once to install the toolchain.`,
    );
    process.exit(2);
  }
}
const timeoutMs = Number(process.env.AGC_TEST_TIMEOUT_MS || 300000);
const resultsDir = path.join(REPO, 'test-results', 'integration');
fs.mkdirSync(resultsDir, { recursive: true });

// ---------------------------------------------------------------------------------------------
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'agc-vscode-'));
userDataDir = path.resolve(userDataDir ?? path.join(tmp, 'user-data'));
extensionsDir = path.resolve(extensionsDir ?? path.join(tmp, 'extensions'));
const xdg = path.join(tmp, 'xdg'); // keeps code-server, the ext host and chromium from writing into ~
for (const d of [path.join(userDataDir, 'User'), extensionsDir]) fs.mkdirSync(d, { recursive: true });
const settingsFile = path.join(userDataDir, 'User', 'settings.json');
if (!fs.existsSync(settingsFile)) {
  fs.writeFileSync(
    settingsFile,
    JSON.stringify(
      {
        'workbench.startupEditor': 'none',
        'telemetry.telemetryLevel': 'off',
        'extensions.autoCheckUpdates': false,
        'extensions.autoUpdate': false,
      },
      null,
      2,
    ),
  );
}
const xdgEnv = { XDG_CONFIG_HOME: xdg, XDG_DATA_HOME: xdg, XDG_CACHE_HOME: xdg };
const csLogFile = path.join(tmp, 'code-server.log');

let server;
let browser;
let cleaning;
async function cleanup() {
  cleaning ??= (async () => {
    if (browser) await Promise.race([browser.close().catch(() => {}), new Promise((r) => setTimeout(r, 5000))]);
    await server?.stop();
    try {
      fs.copyFileSync(csLogFile, path.join(resultsDir, 'code-server.log'));
    } catch {
      /* never started */
    }
    fs.rmSync(tmp, { recursive: true, force: true });
  })();
  return cleaning;
}
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  // a signal handler's promise is awaited by no one: exit once cleanup is done, also when it fails
  process.on(sig, () => {
    log(`${sig}: stopping code-server`);
    void cleanup().finally(() => process.exit(130));
  });
}

async function main() {
  // 1. code-server (scripts/lib/code-server.mjs) with the smoke-test driver, which honours the test payload
  server = await startCodeServer({
    codeServer,
    home: tmp,
    userDataDir,
    extensionsDir,
    logFile: csLogFile,
    nodeBin,
    args: ['--vscode-option', 'enable-smoke-test-driver'],
    ...(process.env.AGC_RUN_DIR ? { runDir: process.env.AGC_RUN_DIR } : {}),
  });
  const { url: base, port } = server;
  let csExit;
  const csExited = server.exited.then((c) => {
    csExit = c;
  });
  log(`code-server ready on ${base}`);

  // 2. the workbench with the test payload, in headless Chromium
  const require = createRequire(path.join(REPO, 'package.json'));
  const { chromium } = require('playwright-core');
  browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    env: { ...process.env, ...xdgEnv },
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
  const page = await browser.newPage();
  let done;
  const exited = new Promise((r) => (done = r));
  // the offline noise of code-server 1.139 (marketplace lookups, agent host, chat) — VERBOSE=1 shows it all
  const noise =
    /^(\[(ChatModelSelection|AgentHost[^\]]*|AccountPolicyGate|Service Worker|reconnection-grace-time)\]|Resolv|Creating a socket|Updating additional builtin)/;
  const util = await import('node:util');
  await page.exposeFunction('codeAutomationLog', (type, args) => {
    let msg = util.format(...(Array.isArray(args) ? args : [args]));
    if (!process.env.VERBOSE) {
      if (noise.test(msg) || /ENOTFOUND|EAI_AGAIN|open-vsx|^Canceled|marketplace/i.test(msg)) return;
      msg = msg
        .split('\n')
        .filter((l) => !/^\s+at .*(https?:\/\/|<anonymous>\)?$)/.test(l))
        .join('\n');
    }
    console.log(msg);
  });
  await page.exposeFunction('codeAutomationExit', (code) => done(code));
  page.on('pageerror', (e) => {
    if (process.env.VERBOSE) log('pageerror', e.message);
  });

  const authority = `127.0.0.1:${port}`; // the server maps vscode-remote://<authority>/<path> to its own disk
  let extraEnv = {};
  try {
    extraEnv = JSON.parse(process.env.AGC_EXTENSION_TESTS_ENV || '{}');
  } catch {
    log('AGC_EXTENSION_TESTS_ENV is not JSON; ignored');
  }
  const payload = [
    ['extensionDevelopmentPath', `vscode-remote://${authority}${devPath}`],
    ['extensionTestsPath', `vscode-remote://${authority}${testsPath}`],
    [
      'extensionEnvironment',
      JSON.stringify({ ...extraEnv, AGC_USER_DATA_DIR: userDataDir, AGC_TEST_RESULTS: resultsDir }),
    ],
  ];
  const q = new URLSearchParams({ folder, payload: JSON.stringify(payload) });
  log(`opening the workbench (folder ${folder}); tests: ${path.relative(REPO, testsPath)}`);
  await page.goto(`${base}/?${q.toString()}`);

  let timer;
  const code = await Promise.race([
    exited,
    csExited.then(() => `code-server exited (${csExit})`),
    new Promise((r) => {
      timer = setTimeout(() => r('timeout'), timeoutMs);
    }),
  ]);
  clearTimeout(timer);
  if (code === 'timeout') {
    log(`TIMEOUT: no result after ${timeoutMs / 1000} s. Last lines of the code-server log:\n${tail(csLogFile)}`);
    try {
      await page.screenshot({ path: path.join(resultsDir, 'timeout.png') });
      log('screenshot: test-results/integration/timeout.png');
    } catch {
      /* page gone */
    }
    return 1;
  }
  log(`extension host exit code: ${code} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  return code === 0 ? 0 : 1;
}

function tail(file, n = 30) {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-n).join('\n');
  } catch {
    return '(no log)';
  }
}

let exitCode;
try {
  exitCode = await main();
} catch (e) {
  console.error(`[vscode-test-host] ${e?.stack ?? e}`);
  exitCode = 2;
} finally {
  await cleanup();
}
process.exit(exitCode);
