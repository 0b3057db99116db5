/**
 * Codex CLI's ~/.codex/config.toml, parsed by smol-toml: our own lines (two root keys, one table) are replaced or
 * added in place, every other line is left byte for byte, and the result is parsed again and compared with the
 * original outside what we own (a mismatch refuses the write).
 */
import { parse as parseToml } from 'smol-toml';
import { ConfigFormatError, type Plan } from './formats';

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
