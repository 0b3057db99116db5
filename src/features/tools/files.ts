/** The files a tool configuration writes: read, git-tracked check, atomic write with the old content kept beside. */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';

export interface WriteRecord {
  readonly file: string;
  /** The content before, or undefined when the file did not exist. */
  readonly before: string | undefined;
  readonly after: string;
  readonly backup?: string;
  readonly mode?: number;
}

export function gitTracked(file: string): Promise<boolean> {
  return new Promise((resolve) => {
    execFile(
      'git',
      ['ls-files', '--error-unmatch', '--', path.basename(file)],
      { cwd: path.dirname(file), timeout: 5000 },
      (err) => resolve(!err),
    );
  });
}

export async function readIfExists(file: string): Promise<string | undefined> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/** Writes atomically (a temporary file, then rename), keeping the old content beside it; 0600 when it holds a key. */
export async function writeWithBackup(
  file: string,
  before: string | undefined,
  after: string,
  holdsKey: boolean,
): Promise<WriteRecord> {
  await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  let backup: string | undefined;
  const mode = holdsKey ? 0o600 : undefined;
  if (before !== undefined) {
    backup = `${file}.agc-backup`;
    await fs.writeFile(backup, before, { mode: 0o600 });
  }
  const tmp = `${file}.agc-${process.pid}-${Date.now()}.tmp`;
  const oldMode = before !== undefined ? (await fs.stat(file)).mode & 0o777 : undefined;
  await fs.writeFile(tmp, after, { mode: mode ?? oldMode ?? 0o644 });
  if (mode !== undefined) await fs.chmod(tmp, mode);
  await fs.rename(tmp, file);
  return { file, before, after, ...(backup ? { backup } : {}), ...(mode !== undefined ? { mode } : {}) };
}
