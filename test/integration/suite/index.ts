/** Test entry loaded by the extension host (extensionTestsPath): runs mocha (bdd) over the *.test.js files beside it. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type MochaClass from 'mocha';

type MochaCtor = typeof MochaClass;

export function run(): Promise<void> {
  // mocha 12 is an ES module; require(esm) returns its namespace, whose default export is the class
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the require(esm) just described
  const mod = require('mocha') as MochaCtor | { default: MochaCtor };
  const Mocha: MochaCtor = 'default' in mod ? mod.default : mod;
  const grep = process.env.AGC_GREP;
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 30000, reporter: 'spec', ...(grep ? { grep } : {}) });
  const only = (process.env.AGC_ONLY ?? '')
    .split(',')
    .map((w) => w.trim())
    .filter(Boolean);
  // extension.test.js first: it checks a fresh extension host (not yet activated, nothing touched)
  const files = fs
    .readdirSync(__dirname)
    .filter((f) => f.endsWith('.test.js'))
    .filter((f) => !only.length || f === 'extension.test.js' || only.some((w) => f.includes(w)))
    .sort((a, b) => Number(b === 'extension.test.js') - Number(a === 'extension.test.js') || a.localeCompare(b));
  for (const f of files) mocha.addFile(path.join(__dirname, f)); // loaded with require() by run(): the extension host's 'vscode' module resolves
  return new Promise((resolve, reject) => {
    const runner = mocha.run((failures) => {
      const passes = runner.stats?.passes ?? 0;
      const summary = {
        passes,
        failures,
        pending: runner.stats?.pending ?? 0,
        durationMs: runner.stats?.duration,
        files,
        when: new Date().toISOString(),
      };
      const out = process.env.AGC_TEST_RESULTS;
      if (out) {
        try {
          fs.writeFileSync(path.join(out, 'result.json'), JSON.stringify(summary, null, 2));
        } catch {
          /* best effort */
        }
      }
      console.log(`${passes} passed, ${failures} failed`);
      if (failures > 0) reject(new Error(`${failures} integration test(s) failed.`));
      else if (passes === 0) reject(new Error('no integration test ran'));
      else resolve();
    });
  });
}
