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
 * Input that does not parse is refused with the parser's reason (nothing is written). No 'vscode' import here:
 * this module is bundled separately and loaded on first use (its libraries are ~130 KB).
 */
import {
  type FormattingOptions,
  type ParseError,
  SyntaxKind,
  applyEdits,
  createScanner,
  findNodeAtLocation,
  modify,
  parse as parseJsonc,
  parseTree,
  printParseErrorCode,
} from 'jsonc-parser';
import { parse as parseToml, stringify as stringifyToml } from 'smol-toml';
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

// ---- Claude Code ---------------------------------------------------------------------------------------

export interface ClaudeSettings {
  readonly baseUrl: string;
  readonly authToken: string;
  readonly model: string;
  /** The models Claude Code uses for its opus / sonnet / haiku aliases (left alone when absent). */
  readonly opus?: string;
  readonly sonnet?: string;
  readonly haiku?: string;
}

function detectFormatting(text: string): FormattingOptions {
  const indent = /\n([ \t]+)\S/.exec(text)?.[1];
  return {
    insertSpaces: !indent?.startsWith('\t'),
    tabSize: indent && !indent.startsWith('\t') ? indent.length : 2,
    eol: text.includes('\r\n') ? '\r\n' : '\n',
  };
}

/**
 * Removes one property and its comma, and nothing else: jsonc-parser's own removal takes everything from the end
 * of the previous property, which would drop a comment written after that property's comma.
 */
function removeProperty(text: string, path: string[]): string {
  const prop = findNodeAtLocation(parseTree(text)!, path)?.parent;
  if (!prop || prop.type !== 'property' || !prop.parent?.children) return text;
  const siblings = prop.parent.children;
  const i = siblings.indexOf(prop);
  let start = prop.offset;
  let end = prop.offset + prop.length;
  const scanner = createScanner(text, false);
  const nextToken = (from: number): { kind: SyntaxKind; offset: number } => {
    scanner.setPosition(from);
    for (;;) {
      const kind = scanner.scan();
      if (
        kind !== SyntaxKind.Trivia &&
        kind !== SyntaxKind.LineBreakTrivia &&
        kind !== SyntaxKind.LineCommentTrivia &&
        kind !== SyntaxKind.BlockCommentTrivia
      )
        return { kind, offset: scanner.getTokenOffset() };
    }
  };
  const after = nextToken(end);
  if (after.kind === SyntaxKind.CommaToken) end = after.offset + 1;
  else if (i > 0) {
    // the last property: the comma after the previous one goes (only that character)
    const prev = siblings[i - 1]!;
    const comma = nextToken(prev.offset + prev.length);
    if (comma.kind === SyntaxKind.CommaToken) {
      text = text.slice(0, comma.offset) + text.slice(comma.offset + 1);
      start--;
      end--;
    }
  }
  // a property alone on its line takes the line with it
  const lineStart = text.lastIndexOf('\n', start - 1) + 1;
  const lineEndIdx = text.indexOf('\n', end);
  const lineEnd = lineEndIdx < 0 ? text.length : lineEndIdx + 1;
  if (text.slice(lineStart, start).trim() === '' && text.slice(end, lineEnd).trim() === '') {
    start = lineStart;
    end = lineEnd;
  }
  return text.slice(0, start) + text.slice(end);
}

export function planClaudeSettings(file: string, before: string | undefined, s: ClaudeSettings): Plan {
  let text = before && before.trim() ? before : '{}\n';
  const errors: ParseError[] = [];
  const root = parseJsonc(text, errors, { allowTrailingComma: true, disallowComments: false }) as unknown;
  if (errors.length)
    throw new ConfigFormatError(
      file,
      `not valid JSON (${printParseErrorCode(errors[0]!.error)} at offset ${errors[0]!.offset})`,
    );
  if (root === null || typeof root !== 'object' || Array.isArray(root))
    throw new ConfigFormatError(file, 'the top level is not an object');
  const env = (root as { env?: unknown }).env;
  if (env !== undefined && (env === null || typeof env !== 'object' || Array.isArray(env)))
    throw new ConfigFormatError(file, '"env" is not an object');
  const current = (env ?? {}) as Record<string, unknown>;
  const formattingOptions = detectFormatting(text);
  const changes: string[] = [];
  const set = (key: string, value: string | undefined) => {
    if (value === undefined) {
      if (key in current) {
        text = removeProperty(text, ['env', key]);
        changes.push(`env.${key} removed`);
      }
      return;
    }
    if (current[key] === value) return;
    text = applyEdits(text, modify(text, ['env', key], value, { formattingOptions }));
    changes.push(`env.${key} ${key in current ? 'changed' : 'set'}`);
  };
  set('ANTHROPIC_BASE_URL', s.baseUrl);
  set('ANTHROPIC_AUTH_TOKEN', s.authToken);
  // Claude Code must not get both: ANTHROPIC_API_KEY would be sent instead of the gateway's token
  set('ANTHROPIC_API_KEY', undefined);
  set('ANTHROPIC_MODEL', s.model);
  if (s.opus) set('ANTHROPIC_DEFAULT_OPUS_MODEL', s.opus);
  if (s.sonnet) set('ANTHROPIC_DEFAULT_SONNET_MODEL', s.sonnet);
  if (s.haiku) set('ANTHROPIC_DEFAULT_HAIKU_MODEL', s.haiku);
  if (!text.endsWith('\n')) text += formattingOptions.eol ?? '\n';
  return { text, changes };
}

// ---- Codex CLI -----------------------------------------------------------------------------------------

export interface CodexSettings {
  /** The provider id we own, e.g. "aihubmix-demo" (never openai / ollama / lmstudio). */
  readonly providerId: string;
  readonly name: string;
  readonly baseUrl: string;
  /** The environment variable that holds the key (Codex reads the key from there, never from the file). */
  readonly envKey: string;
  readonly model: string;
  /** 'default': root `model` / `model_provider`; 'profile': a `[profiles.<id>]` table (codex --profile <id>). */
  readonly scope: 'default' | 'profile';
}

const RESERVED_PROVIDERS = new Set(['openai', 'ollama', 'lmstudio', 'oss']);
const BARE_KEY = /^[A-Za-z0-9_-]+$/;
const tomlKey = (k: string): string => (BARE_KEY.test(k) ? k : JSON.stringify(k));
const tomlString = (v: string): string => JSON.stringify(v); // a TOML basic string is a JSON string for these values

/** A table header line: its dotted key path, or undefined. Array-of-table headers are kept apart. */
function headerOf(line: string): { path: string[]; array: boolean } | undefined {
  const m = /^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(#.*)?$/.exec(line);
  if (!m) return undefined;
  const parts = m[2]!.match(/"(?:[^"\\]|\\.)*"|'[^']*'|[^.\s]+/g) ?? [];
  return {
    path: parts.map((p) => (p.startsWith('"') ? (JSON.parse(p) as string) : p.startsWith("'") ? p.slice(1, -1) : p)),
    array: m[1] === '[[',
  };
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b));
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v instanceof Date) return v.toISOString();
  if (v && typeof v === 'object')
    return Object.fromEntries(
      Object.keys(v)
        .sort()
        .map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]),
    );
  return v;
}

export function planCodexConfig(file: string, before: string | undefined, s: CodexSettings): Plan {
  if (RESERVED_PROVIDERS.has(s.providerId) || !BARE_KEY.test(s.providerId))
    throw new ConfigFormatError(file, `"${s.providerId}" cannot be a provider id`);
  const text = before ?? '';
  let old: Record<string, unknown>;
  try {
    old = parseToml(text);
  } catch (e) {
    throw new ConfigFormatError(file, `not valid TOML (${e instanceof Error ? e.message.split('\n')[0] : String(e)})`);
  }
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const lines = text === '' ? [] : text.split(/\r?\n/);
  if (lines.length && lines[lines.length - 1] === '') lines.pop();
  const provider = { name: s.name, base_url: s.baseUrl, env_key: s.envKey, wire_api: 'responses' };
  const ownTables: Array<{ path: string[]; body: Record<string, string> }> = [
    { path: ['model_providers', s.providerId], body: provider },
  ];
  const rootKeys: Record<string, string> = {};
  if (s.scope === 'default') Object.assign(rootKeys, { model: s.model, model_provider: s.providerId });
  else ownTables.push({ path: ['profiles', s.providerId], body: { model: s.model, model_provider: s.providerId } });

  const changes: string[] = [];
  const tableLines = (t: { path: string[]; body: Record<string, string> }) => [
    `[${t.path.map(tomlKey).join('.')}]`,
    ...Object.entries(t.body).map(([k, v]) => `${tomlKey(k)} = ${tomlString(v)}`),
  ];
  // 1. our tables: replaced where their header is, else appended
  for (const t of ownTables) {
    const start = lines.findIndex((l) => {
      const h = headerOf(l);
      return h && !h.array && h.path.join('\u0000') === t.path.join('\u0000');
    });
    const existsInData = (() => {
      let v: unknown = old;
      for (const k of t.path) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined;
      return v !== undefined;
    })();
    if (start < 0) {
      if (existsInData)
        throw new ConfigFormatError(
          file,
          `${t.path.join('.')} is defined in a form this writer does not edit (inline or dotted keys); change it by hand`,
        );
      if (lines.length && lines[lines.length - 1]!.trim() !== '') lines.push('');
      lines.push(...tableLines(t));
      changes.push(`[${t.path.join('.')}] added`);
      continue;
    }
    let end = start + 1;
    while (end < lines.length && !headerOf(lines[end]!)) end++;
    // keep the blank lines and comments that precede the next table with it
    let keep = end;
    while (keep > start + 1 && (lines[keep - 1]!.trim() === '' || lines[keep - 1]!.trim().startsWith('#'))) keep--;
    const oldBody = lines.slice(start + 1, keep).filter((l) => l.trim() !== '' && !l.trim().startsWith('#'));
    const newBody = tableLines(t).slice(1);
    if (oldBody.join('\n') !== newBody.join('\n')) changes.push(`[${t.path.join('.')}] replaced`);
    lines.splice(start, keep - start, ...tableLines(t));
  }
  // 2. root keys: replaced on their line (keeping a trailing comment), else inserted before the first table
  const firstHeader = () => {
    const i = lines.findIndex((l) => headerOf(l) !== undefined);
    return i < 0 ? lines.length : i;
  };
  for (const [k, v] of Object.entries(rootKeys)) {
    const re = new RegExp(`^(\\s*)${k}\\s*=\\s*("(?:[^"\\\\]|\\\\.)*"|'[^']*')(\\s*(#.*)?)$`);
    const limit = firstHeader();
    const i = lines.slice(0, limit).findIndex((l) => new RegExp(`^\\s*${k}\\s*=`).test(l));
    if (i >= 0) {
      const m = re.exec(lines[i]!);
      if (!m) throw new ConfigFormatError(file, `the line "${k} = …" is not a plain string; change it by hand`);
      const next = `${m[1]}${k} = ${tomlString(v)}${m[3] ?? ''}`;
      if (next !== lines[i]) {
        lines[i] = next;
        changes.push(`${k} changed`);
      }
    } else {
      // after the last root key, else above the comment block that introduces the first table
      const head = lines.slice(0, limit);
      let at = head.length - 1;
      while (at >= 0 && !/^\s*[A-Za-z0-9_"'-]+\s*=/.test(head[at]!)) at--;
      if (at >= 0) at++;
      else {
        at = limit;
        while (at > 0 && lines[at - 1]!.trim().startsWith('#')) at--;
      }
      lines.splice(at, 0, `${k} = ${tomlString(v)}`);
      const next = lines[at + 1];
      if (next !== undefined && (headerOf(next) || next.trim().startsWith('#'))) lines.splice(at + 1, 0, '');
      changes.push(`${k} set`);
    }
  }
  const out = `${lines.join(eol)}${eol}`;
  // 3. verify: the result parses, says what we meant, and everything else is exactly as it was
  let parsed: Record<string, unknown>;
  try {
    parsed = parseToml(out);
  } catch (e) {
    throw new ConfigFormatError(
      file,
      `the merged file would not be valid TOML (${e instanceof Error ? e.message.split('\n')[0] : String(e)}); nothing was written`,
    );
  }
  const without = (doc: Record<string, unknown>): unknown => {
    const c = structuredClone(doc);
    for (const k of Object.keys(rootKeys)) delete c[k];
    for (const t of ownTables) {
      const parent = c[t.path[0]!] as Record<string, unknown> | undefined;
      if (parent && typeof parent === 'object') {
        delete parent[t.path[1]!];
        if (
          Object.keys(parent).length === 0 &&
          !(t.path[0]! in old && Object.keys(old[t.path[0]!] as object).length > 0)
        )
          delete c[t.path[0]!];
      }
    }
    return c;
  };
  const mine = (doc: Record<string, unknown>) => ({
    ...Object.fromEntries(Object.keys(rootKeys).map((k) => [k, doc[k]])),
    ...Object.fromEntries(
      ownTables.map((t) => [t.path.join('.'), (doc[t.path[0]!] as Record<string, unknown> | undefined)?.[t.path[1]!]]),
    ),
  });
  const wanted = { ...rootKeys, ...Object.fromEntries(ownTables.map((t) => [t.path.join('.'), t.body])) };
  if (!sameJson(without(parsed), without(old)) || !sameJson(mine(parsed), wanted)) {
    throw new ConfigFormatError(
      file,
      'merging would change settings it does not own; nothing was written. Edit the file by hand',
    );
  }
  return { text: out, changes };
}

/** The lines we would add to an empty config.toml (for the README and tests). */
export function codexExample(s: CodexSettings): string {
  return stringifyToml({
    ...(s.scope === 'default' ? { model: s.model, model_provider: s.providerId } : {}),
    model_providers: {
      [s.providerId]: { name: s.name, base_url: s.baseUrl, env_key: s.envKey, wire_api: 'responses' },
    },
  });
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
