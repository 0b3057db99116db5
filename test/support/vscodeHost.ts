/**
 * Runs a test module inside a real VS Code extension host, the one way the integration tier and the VS Code
 * benchmark do: @vscode/test-electron's runTests() pointed at scripts/code-shim.sh, which stands in for the VS Code
 * executable (no Electron build can be obtained on these machines) and runs scripts/vscode-test-host.mjs —
 * code-server (scripts/lib/code-server.mjs) driven by headless Chromium. `env` reaches the extension host.
 */
import * as path from 'node:path';
import { runTests } from '@vscode/test-electron';

export interface VsCodeRun {
  readonly repo: string;
  /** The test module (its run() is called in the extension host). */
  readonly testsPath: string;
  /** The folder VS Code opens. */
  readonly workspace: string;
  /** A temporary folder of the caller's: the user data and extensions folders go there. */
  readonly tmp: string;
  readonly env: Readonly<Record<string, string>>;
}

export async function runInVsCode(o: VsCodeRun): Promise<void> {
  await runTests({
    vscodeExecutablePath: path.join(o.repo, 'scripts', 'code-shim.sh'),
    extensionDevelopmentPath: o.repo,
    extensionTestsPath: o.testsPath,
    launchArgs: [
      o.workspace,
      `--user-data-dir=${path.join(o.tmp, 'user-data')}`,
      `--extensions-dir=${path.join(o.tmp, 'extensions')}`,
    ],
    // reaches the extension host through the shim (AGC_EXTENSION_TESTS_ENV → the workbench's extensionEnvironment)
    extensionTestsEnv: { ...o.env, AGC_EXTENSION_TESTS_ENV: JSON.stringify(o.env) },
  });
}
