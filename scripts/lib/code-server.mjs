// Starts code-server — the real VS Code that `npm start`, the integration tier (scripts/vscode-test-host.mjs, also
// used by the VS Code benchmark through @vscode/test-electron) and the UI tier (test/e2e/harness.ts) run in — the
// same way for all of them: loopback only, no auth, telemetry, update check or workspace trust; XDG folders and the
// TMPDIR of its IPC sockets inside the caller's folder (nothing written to ~); its own process group (its helpers
// die with it), registered in `runDir` for the caller's clean-up; ready when /healthz answers; stop() ends it all.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

/** A free TCP port on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** Whether a process group still has a member. */
export function groupAlive(pgid) {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (e) {
    return e.code === 'EPERM';
  }
}

function tail(file, n = 30) {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-n).join('\n');
  } catch {
    return '(no log)';
  }
}

/**
 * @param {import('./code-server.d.mts').CodeServerOptions} o
 * @returns {Promise<import('./code-server.d.mts').CodeServer>}
 */
export async function startCodeServer(o) {
  const port = o.port ?? (await freePort());
  const url = `http://127.0.0.1:${port}`;
  const xdg = path.join(o.home, 'xdg');
  const sockets = path.join(o.home, 't');
  for (const d of [o.userDataDir, o.extensionsDir, xdg, sockets]) fs.mkdirSync(d, { recursive: true });
  const logFd = fs.openSync(o.logFile, 'a');
  const baseEnv = o.env ?? process.env;
  const child = spawn(
    o.codeServer,
    [
      '--bind-addr',
      `127.0.0.1:${port}`,
      '--auth',
      'none',
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--user-data-dir',
      o.userDataDir,
      '--extensions-dir',
      o.extensionsDir,
      ...(o.args ?? []),
    ],
    {
      detached: true,
      stdio: ['ignore', logFd, logFd],
      env: {
        ...baseEnv,
        XDG_CONFIG_HOME: xdg,
        XDG_DATA_HOME: xdg,
        XDG_CACHE_HOME: xdg,
        TMPDIR: sockets,
        ...(o.nodeBin ? { PATH: `${o.nodeBin}${path.delimiter}${baseEnv.PATH ?? ''}` } : {}),
      },
    },
  );
  const pid = child.pid;
  const pgidFile = o.runDir && pid ? path.join(o.runDir, `code-server-${pid}.pgid`) : undefined;
  if (pgidFile) {
    try {
      fs.writeFileSync(pgidFile, String(pid));
    } catch {
      /* the caller is gone */
    }
  }
  let exitCode;
  const exited = new Promise((resolve) =>
    child.on('exit', (code, sig) => {
      exitCode = code ?? sig;
      resolve(exitCode);
    }),
  );
  let stopping;
  const stop = () => {
    stopping ??= (async () => {
      if (pid) {
        try {
          process.kill(-pid, 'SIGTERM');
        } catch {
          /* gone */
        }
        const end = Date.now() + 5000;
        while (Date.now() < end && groupAlive(pid)) await new Promise((r) => setTimeout(r, 100));
        try {
          process.kill(-pid, 'SIGKILL');
        } catch {
          /* gone */
        }
      }
      if (pgidFile) fs.rmSync(pgidFile, { force: true });
      try {
        fs.closeSync(logFd);
      } catch {
        /* closed */
      }
    })();
    return stopping;
  };
  const end = Date.now() + (o.readyMs ?? 30000);
  try {
    for (;;) {
      if (exitCode !== undefined)
        throw new Error(`code-server exited with ${String(exitCode)} before it was ready:\n${tail(o.logFile)}`);
      try {
        if ((await fetch(`${url}/healthz`)).ok) break;
      } catch {
        /* not yet */
      }
      if (Date.now() > end)
        throw new Error(
          `code-server not ready after ${Math.round((o.readyMs ?? 30000) / 1000)} s:\n${tail(o.logFile)}`,
        );
      await new Promise((r) => setTimeout(r, 200));
    }
  } catch (e) {
    await stop();
    throw e;
  }
  return { url, port, pid, exited, stop };
}
