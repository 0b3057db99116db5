/**
 * The new content of each coding tool's configuration file, merged into what is there — never a rewrite from
 * scratch, never a string edit: every other setting and every comment stays.
 *   Claude Code  ~/.claude/settings.json   JSON with comments: jsonc-parser's modify + applyEdits (edits only the
 *                                           paths we own, keeps comments, indentation and order)
 *   Codex CLI    ~/.codex/config.toml      TOML: parsed by smol-toml; our own lines (two root keys, one table) are
 *                                           replaced or added in place, every other line is left byte for byte, and
 *                                           the result is parsed again and compared with the original outside what
 *                                           we own (a mismatch refuses the write)
 *   Continue     ~/.continue/config.yaml   YAML: yaml's Document API (keeps comments); one `models` entry by name
 *   .env         workspace                 KEY=value lines: ours replaced in place, others untouched
 * Input that does not parse is refused with the parser's reason (nothing is written). Claude Code's writer is
 * claudeSettings.ts, Codex's codexConfig.ts; Continue's and .env's are here. No 'vscode' import in any: they are
 * bundled with the flow and loaded on first use (their libraries are ~130 KB).
 */
import { type Document, isMap, isSeq, parseDocument, type YAMLMap, YAMLSeq } from 'yaml';

export class ConfigFormatError extends Error {
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`${file}: ${reason}`);
    this.name = 'ConfigFormatError';
  }
}

export interface Plan {
  /** The whole new content. */
  readonly text: string;
  /** What changed, one line each ("env.ANTHROPIC_BASE_URL set", "env.ANTHROPIC_API_KEY removed"). */
  readonly changes: readonly string[];
}

// ---- Continue ------------------------------------------------------------------------------------------

export interface ContinueModel {
  readonly name: string;
  readonly model: string;
  readonly apiBase: string;
  readonly apiKey: string;
  readonly roles: readonly string[];
}

export function planContinueConfig(file: string, before: string | undefined, entries: readonly ContinueModel[]): Plan {
  const doc = parseDocument(
    before && before.trim() ? before : 'name: Local Assistant\nversion: 1.0.0\nschema: v1\nmodels: []\n',
  ) as unknown as Document;
  if (doc.errors.length) throw new ConfigFormatError(file, `not valid YAML (${doc.errors[0]!.message.split('\n')[0]})`);
  if (doc.contents !== null && !isMap(doc.contents))
    throw new ConfigFormatError(file, 'the top level is not a mapping');
  if (doc.contents === null) doc.contents = doc.createNode({});
  const root = doc.contents as YAMLMap;
  for (const [k, v] of [
    ['name', 'Local Assistant'],
    ['version', '1.0.0'],
    ['schema', 'v1'],
  ] as const)
    if (!root.has(k)) root.set(k, v);
  let models: unknown = root.get('models', true);
  if (models === undefined || models === null || (isSeq(models) && models.flow && models.items.length === 0)) {
    models = new YAMLSeq();
    root.set('models', models);
  }
  if (!isSeq(models)) throw new ConfigFormatError(file, '"models" is not a list');
  const seq = models;
  const changes: string[] = [];
  for (const e of entries) {
    const value = {
      name: e.name,
      provider: 'openai',
      model: e.model,
      apiBase: e.apiBase,
      apiKey: e.apiKey,
      roles: [...e.roles],
    };
    const i = seq.items.findIndex((it) => isMap(it) && it.get('name') === e.name);
    if (i < 0) {
      seq.items.push(doc.createNode(value));
      changes.push(`models: "${e.name}" added`);
      continue;
    }
    const item = seq.items[i] as YAMLMap;
    let changed = false;
    for (const [k, v] of Object.entries(value)) {
      const cur = item.get(k);
      const same = Array.isArray(v) ? isSeq(cur) && JSON.stringify(cur.toJSON()) === JSON.stringify(v) : cur === v;
      if (!same) {
        item.set(k, Array.isArray(v) ? doc.createNode(v) : v);
        changed = true;
      }
    }
    if (changed) changes.push(`models: "${e.name}" updated`);
  }
  return { text: doc.toString({ lineWidth: 0 }), changes };
}

// ---- .env ----------------------------------------------------------------------------------------------

/** Sets KEY=value lines (quoted when needed); other lines stay as they are. */
export function planDotenv(before: string | undefined, values: Readonly<Record<string, string>>): Plan {
  const eol = before?.includes('\r\n') ? '\r\n' : '\n';
  const lines = before ? before.split(/\r?\n/) : [];
  if (lines.length && lines[lines.length - 1] === '') lines.pop();
  const quote = (v: string) => (/^[A-Za-z0-9_./:@+-]*$/.test(v) ? v : JSON.stringify(v));
  const changes: string[] = [];
  for (const [k, v] of Object.entries(values)) {
    const re = new RegExp(`^\\s*(export\\s+)?${k}\\s*=`);
    const i = lines.findIndex((l) => re.test(l));
    const line = `${/^\s*export\s/.test(lines[i] ?? '') ? 'export ' : ''}${k}=${quote(v)}`;
    if (i < 0) {
      lines.push(line);
      changes.push(`${k} set`);
    } else if (lines[i] !== line) {
      lines[i] = line;
      changes.push(`${k} changed`);
    }
  }
  return { text: `${lines.join(eol)}${eol}`, changes };
}
