/**
 * package.json ↔ source ↔ translations stay in step:
 *  - every %key% in package.json exists in package.nls.json and package.nls.zh-cn.json (commands' titles included);
 *  - every vscode.l10n.t('…') literal in src/ has a Simplified Chinese translation (same {n} placeholders);
 *  - the command ids registered in src/ are exactly those in contributes.commands, and every command a menu or
 *    a welcome view refers to exists;
 *  - activation stays lazy: no '*' / onStartupFinished.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { ROOT } from './repo';

const readJson = <T>(rel: string): T => JSON.parse(fs.readFileSync(path.join(ROOT, rel), 'utf8')) as T;

interface Manifest {
  activationEvents?: string[];
  contributes: {
    commands?: Array<{ command: string; title: string; category?: string }>;
    menus?: Record<string, Array<{ command?: string }>>;
    viewsWelcome?: Array<{ view: string; contents: string }>;
    viewsContainers?: Record<string, Array<{ id: string; icon: string }>>;
    views?: Record<string, Array<{ id: string }>>;
  };
}
const pkg = readJson<Manifest>('package.json');
const nls = readJson<Record<string, string>>('package.nls.json');
const nlsZh = readJson<Record<string, string>>('package.nls.zh-cn.json');
const zh = readJson<Record<string, string>>('l10n/bundle.l10n.zh-cn.json');

function srcFiles(): string[] {
  const dir = path.join(ROOT, 'src');
  return fs
    .readdirSync(dir, { recursive: true })
    .map((f) => path.join(dir, String(f)))
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'));
}

function unescapeJsString(s: string): string {
  return s.replace(/\\(u\{[0-9a-fA-F]+\}|u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|.)/g, (_m, e: string) => {
    if (e.startsWith('u{')) return String.fromCodePoint(parseInt(e.slice(2, -1), 16));
    if (e[0] === 'u' && e.length === 5) return String.fromCharCode(parseInt(e.slice(1), 16));
    if (e[0] === 'x' && e.length === 3) return String.fromCharCode(parseInt(e.slice(1), 16));
    return ({ n: '\n', t: '\t', r: '\r', '0': '\0' } as Record<string, string>)[e] ?? e;
  });
}

/** Every l10n.t(...) call's first argument: the literal text, or a note that it is not a plain literal. */
export function l10nCalls(source: string): Array<{ literal?: string; raw: string }> {
  const out: Array<{ literal?: string; raw: string }> = [];
  for (const m of source.matchAll(/\bl10n\.t\(\s*/g)) {
    const rest = source.slice(m.index + m[0].length);
    const lit = /^(?:'((?:\\.|[^'\\\n])*)'|"((?:\\.|[^"\\\n])*)")\s*[,)]/.exec(rest);
    if (lit) out.push({ literal: unescapeJsString(lit[1] ?? lit[2] ?? ''), raw: lit[0] });
    else out.push({ raw: rest.slice(0, 60) });
  }
  return out;
}

const placeholders = (s: string) =>
  [...s.matchAll(/\{(\d+)\}/g)]
    .map((m) => m[1])
    .sort()
    .join(',');

describe('manifest and translations', () => {
  it('every %key% of package.json is in package.nls.json and package.nls.zh-cn.json', () => {
    const text = fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8');
    const keys = [...new Set([...text.matchAll(/"%([^%"]+)%"/g)].map((m) => m[1]!))];
    assert.ok(keys.length > 5, 'package.json uses nls keys');
    const missing = keys
      .filter((k) => !nls[k]?.trim())
      .map((k) => `package.nls.json: ${k}`)
      .concat(keys.filter((k) => !nlsZh[k]?.trim()).map((k) => `package.nls.zh-cn.json: ${k}`));
    assert.deepEqual(missing, []);
    const extraZh = Object.keys(nlsZh).filter((k) => !(k in nls));
    assert.deepEqual(extraZh, [], 'zh-cn keys without an English source');
  });

  it('every command has a localised %title%', () => {
    const commands = pkg.contributes.commands ?? [];
    assert.ok(commands.length > 0);
    for (const c of commands) {
      const m = /^%(.+)%$/.exec(c.title);
      assert.ok(m, `${c.command}: title "${c.title}" is not a %nls% key`);
      assert.ok(nls[m[1]!], `${c.command}: ${m[1]} missing in package.nls.json`);
      assert.ok(nlsZh[m[1]!], `${c.command}: ${m[1]} missing in package.nls.zh-cn.json`);
    }
  });

  it('every l10n.t() string in src/ is a literal with a zh-cn translation', () => {
    const problems: string[] = [];
    let count = 0;
    for (const file of srcFiles()) {
      const rel = path.relative(ROOT, file);
      for (const call of l10nCalls(fs.readFileSync(file, 'utf8'))) {
        count++;
        if (call.literal === undefined) {
          problems.push(`${rel}: l10n.t() needs a plain string literal first (found ${JSON.stringify(call.raw)})`);
          continue;
        }
        const t = zh[call.literal];
        if (!t?.trim()) problems.push(`${rel}: no zh-cn translation for ${JSON.stringify(call.literal)}`);
        else if (placeholders(t) !== placeholders(call.literal))
          problems.push(`${rel}: placeholders differ in the zh-cn translation of ${JSON.stringify(call.literal)}`);
      }
    }
    assert.ok(count > 10, `found ${count} l10n.t() calls`);
    assert.deepEqual(problems, [], problems.join('\n'));
  });

  it('the l10n extractor reads literals exactly', () => {
    const calls = l10nCalls('vscode.l10n.t(\'It\\\'s {0}\', x); l10n.t("A \\"b\\""); l10n.t(`tmpl ${1}`); l10n.t(msg)');
    assert.deepEqual(
      calls.map((c) => c.literal),
      ["It's {0}", 'A "b"', undefined, undefined],
    );
  });

  it('registered command ids and contributes.commands are the same set', () => {
    const declared = new Set((pkg.contributes.commands ?? []).map((c) => c.command));
    const registered = new Set<string>();
    const mapFile = fs.readFileSync(path.join(ROOT, 'src/platform/commands.ts'), 'utf8');
    const map = /export const CommandIds = \{([\s\S]*?)\} as const/.exec(mapFile);
    assert.ok(map, 'src/platform/commands.ts declares CommandIds');
    for (const m of map[1]!.matchAll(/:\s*'([^']+)'/g)) registered.add(m[1]!);
    for (const file of srcFiles()) {
      const text = fs.readFileSync(file, 'utf8');
      // a direct registration with a literal id, bypassing the map
      for (const m of text.matchAll(/registerCommand\(\s*['"`]([^'"`]+)['"`]/g)) registered.add(m[1]!);
      // a command run by id must exist too
      for (const m of text.matchAll(/executeCommand\(\s*['"`](aiGateway\.[^'"`]+)['"`]/g)) {
        assert.ok(
          declared.has(m[1]!),
          `${path.relative(ROOT, file)} runs ${m[1]}, which package.json does not declare`,
        );
      }
    }
    assert.ok(registered.size > 0);
    assert.deepEqual(
      [...registered].filter((id) => !declared.has(id)).sort(),
      [],
      'registered in src but missing from package.json',
    );
    assert.deepEqual(
      [...declared].filter((id) => !registered.has(id)).sort(),
      [],
      'in package.json but never registered in src',
    );
  });

  it('menus and welcome views only refer to declared commands and views', () => {
    const declared = new Set((pkg.contributes.commands ?? []).map((c) => c.command));
    for (const [menu, items] of Object.entries(pkg.contributes.menus ?? {})) {
      for (const item of items)
        if (item.command) assert.ok(declared.has(item.command), `menu ${menu} refers to ${item.command}`);
    }
    const views = new Set(
      Object.values(pkg.contributes.views ?? {})
        .flat()
        .map((v) => v.id),
    );
    for (const w of pkg.contributes.viewsWelcome ?? []) {
      assert.ok(views.has(w.view), `viewsWelcome refers to unknown view ${w.view}`);
      const key = /^%(.+)%$/.exec(w.contents)?.[1];
      for (const text of [w.contents, key ? (nls[key] ?? '') : '', key ? (nlsZh[key] ?? '') : '']) {
        for (const m of text.matchAll(/\(command:([\w.]+)/g))
          assert.ok(declared.has(m[1]!), `viewsWelcome links to ${m[1]}`);
      }
    }
    for (const c of Object.values(pkg.contributes.viewsContainers ?? {}).flat()) {
      assert.ok(fs.existsSync(path.join(ROOT, c.icon)), `icon ${c.icon} of view container ${c.id} exists`);
    }
  });

  it('activation stays lazy (no "*" or onStartupFinished)', () => {
    const events = pkg.activationEvents ?? [];
    assert.ok(!events.includes('*') && !events.includes('onStartupFinished'), `activationEvents: ${events.join(', ')}`);
  });
});
