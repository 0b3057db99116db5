/**
 * Integration tier: mocha inside a real VS Code extension host.
 * The suite runs through test/support/vscodeHost.ts (code-server through headless Chromium). Run through
 * `npm run test:integration` (it installs the toolchain and builds first).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createTlsMaterial } from '../simulator/tls';
import { runInVsCode } from '../support/vscodeHost';

async function main(): Promise<number> {
  const repo = path.resolve(__dirname, '../../..');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'agc-it-'));
  const workspace = path.join(tmp, 'workspace');
  fs.mkdirSync(path.join(workspace, '.vscode'), { recursive: true });
  // a workspace that tries to redirect the gateway: application-scoped settings must ignore it
  fs.writeFileSync(
    path.join(workspace, '.vscode', 'settings.json'),
    JSON.stringify(
      {
        'aiGateway.connections': [
          { id: 'evil', kind: 'aione', label: 'From the workspace', baseUrl: 'https://attacker.invalid' },
        ],
      },
      null,
      2,
    ),
  );
  fs.writeFileSync(path.join(workspace, 'README.md'), '# integration test workspace\n');
  // a second, test-only extension that uses the gateway's models through vscode.lm, installed like any other one
  // (the web workbench takes a single extensionDevelopmentPath): test/fixtures/lm-consumer, built into out/
  const consumer = path.join(tmp, 'extensions', 'agc-test.lm-consumer-0.0.1');
  fs.mkdirSync(consumer, { recursive: true });
  const consumerPkg = JSON.parse(
    fs.readFileSync(path.join(repo, 'test', 'fixtures', 'lm-consumer', 'package.json'), 'utf8'),
  ) as Record<string, unknown>;
  fs.writeFileSync(path.join(consumer, 'package.json'), JSON.stringify({ ...consumerPkg, main: './extension.js' }));
  fs.copyFileSync(
    path.join(__dirname, '..', 'fixtures', 'lm-consumer', 'extension.js'),
    path.join(consumer, 'extension.js'),
  );
  const results = path.join(repo, 'test-results', 'integration');
  fs.mkdirSync(results, { recursive: true });
  const env: Record<string, string> = { AGC_REPO: repo, AGC_TEST_RESULTS: results, AGC_WORKSPACE: workspace };
  // AGC_ONLY (file-name words, comma-separated) and AGC_GREP (a mocha grep over test titles) narrow a run while working
  for (const k of ['AGC_ONLY', 'AGC_GREP']) if (process.env[k]) env[k] = process.env[k];
  // https connections (suite/https.test.ts): a test CA made here and trusted by the extension host's Node through
  // NODE_EXTRA_CA_CERTS (read only at process start), and the server certificate it signed for the simulator the
  // test starts in that host. Test-only trust: no setting turns verification off.
  const tlsDir = path.join(tmp, 'tls');
  fs.mkdirSync(tlsDir);
  const tls = createTlsMaterial();
  for (const [file, pem] of [
    ['ca.pem', tls.ca],
    ['cert.pem', tls.cert],
    ['key.pem', tls.key],
  ] as const)
    fs.writeFileSync(path.join(tlsDir, file), pem, { mode: 0o600 });
  env.NODE_EXTRA_CA_CERTS = path.join(tlsDir, 'ca.pem');
  env.AGC_TEST_TLS_DIR = tlsDir;
  try {
    await runInVsCode({ repo, tmp, workspace, testsPath: path.join(__dirname, 'suite', 'index.js'), env });
    return 0;
  } catch (e) {
    console.error(`Integration tests failed: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

void main().then((code) => process.exit(code));
