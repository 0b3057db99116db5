/**
 * The gateway simulator in a process of its own (as a real gateway would be), for benchmarks whose figure must not
 * include the simulator's own work on the measuring process's event loop or heap.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';

export interface SimInfo {
  readonly aione: { readonly url: string; readonly adminToken: string; readonly modelKey: string };
  readonly aihubmix: {
    readonly url: string;
    readonly accessToken: string;
    readonly modelKey: string;
    readonly userId: number | string;
  };
}

export interface SimProcess {
  readonly info: SimInfo;
  readonly pid: number;
  close(): Promise<void>;
}

const CLI = path.resolve(__dirname, '../simulator/cli.js');

/** Starts `out/test/simulator/cli.js` with the given options on random ports; resolves once it printed SIMULATOR_READY. */
export function startSimProcess(opts: { keys?: number; seed?: number; rate?: number } = {}): Promise<SimProcess> {
  const args = [
    CLI,
    '--aione-port',
    '0',
    '--aihubmix-port',
    '0',
    '--keys',
    String(opts.keys ?? 48),
    '--seed',
    String(opts.seed ?? 42),
    '--rate',
    String(opts.rate ?? 0),
  ];
  const child: ChildProcess = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let buf = '';
    let err = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the simulator printed no SIMULATOR_READY line in 30 s: ${err.slice(-500)}`));
    }, 30_000);
    child.stderr?.on('data', (d: Buffer) => {
      err += d.toString();
    });
    child.stdout?.on('data', (d: Buffer) => {
      buf += d.toString();
      const m = /^SIMULATOR_READY (.*)$/m.exec(buf);
      if (!m?.[1]) return;
      clearTimeout(timer);
      child.stdout?.removeAllListeners('data');
      child.stdout?.resume();
      const info = JSON.parse(m[1]) as SimInfo;
      resolve({
        info,
        pid: child.pid ?? 0,
        close: () =>
          new Promise<void>((done) => {
            if (child.exitCode !== null || child.signalCode !== null) {
              done();
              return;
            }
            child.once('exit', () => done());
            child.kill('SIGTERM');
          }),
      });
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the simulator exited with ${code}: ${err.slice(-500)}`));
    });
  });
}
