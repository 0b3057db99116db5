/**
 * The figures only a real VS Code can give (reported, never asserted): activation time and the keys tree with
 * 10,000 keys. Runs `test/bench/vscode/suite.ts` in the extension host of code-server through the same harness
 * as the integration tier (test/support/vscodeHost.ts → scripts/code-shim.sh → scripts/vscode-test-host.mjs),
 * with the production bundle (`npm run bench` builds it first). The simulators run here, each in a process of its
 * own, so the extension host's memory holds only what VS Code and the extension keep.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runInVsCode } from '../support/vscodeHost';
import { startSimProcess, type SimProcess } from './sim-process';

async function main(): Promise<number> {
  const repo = process.env.AGC_REPO ?? path.resolve(__dirname, '../../..');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'agc-bench-vscode-'));
  const workspace = path.join(tmp, 'workspace');
  fs.mkdirSync(workspace, { recursive: true });
  fs.writeFileSync(path.join(workspace, 'README.md'), '# bench workspace\n');
  const sims: SimProcess[] = [];
  try {
    const big = await startSimProcess({ keys: 10_000, seed: 11 });
    sims.push(big);
    const small = await startSimProcess({ keys: 48, seed: 11 });
    sims.push(small);
    const env: Record<string, string> = {
      AGC_REPO: repo,
      AGC_BENCH_SIMS: JSON.stringify({ big: big.info, small: small.info }),
    };
    await runInVsCode({ repo, tmp, workspace, testsPath: path.join(__dirname, 'vscode', 'suite.js'), env });
    return 0;
  } catch (e) {
    console.error(`The VS Code benchmark failed: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  } finally {
    await Promise.all(sims.map((s) => s.close()));
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

void main().then((code) => process.exit(code));
