/** The repository root, for the tests that read the sources and package.json (found from this file's folder). */
import * as fs from 'node:fs';
import * as path from 'node:path';

function findRepoRoot(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    const pkg = path.join(dir, 'package.json');
    if (
      fs.existsSync(pkg) &&
      (JSON.parse(fs.readFileSync(pkg, 'utf8')) as { name?: string }).name === 'ai-gateway-console'
    )
      return dir;
    if (path.dirname(dir) === dir) throw new Error('repo root not found');
  }
}

export const ROOT = findRepoRoot(__dirname);
