/**
 * The coding tools' config files, merged with real parsers (test/fixtures/tools/*): every unrelated setting and
 * every comment survives, our keys are set (and a stale ANTHROPIC_API_KEY removed), a second run changes nothing,
 * and input that does not parse — or a file whose owned part is written in a form the writer does not edit — is
 * refused without a guess.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { parse as parseJsonc } from 'jsonc-parser';
import { parse as parseToml } from 'smol-toml';
import { parse as parseYaml } from 'yaml';
import { planClaudeSettings } from '../../src/features/tools/claudeSettings';
import { planCodexConfig, type CodexSettings } from '../../src/features/tools/codexConfig';
import { ConfigFormatError, planContinueConfig, planDotenv } from '../../src/features/tools/formats';
import { geminiUrl, protocolEndpoints } from '../../src/gateway/endpoints';

const FIX = path.resolve(__dirname, '../../../test/fixtures/tools');
const fixture = (f: string) => fs.readFileSync(path.join(FIX, f), 'utf8');
/** Every non-blank line of `a` that is a comment or carries one is still in `b`. */
const commentsKept = (a: string, b: string, mark: string) => {
  for (const line of a.split('\n').filter((l) => l.includes(mark) && !/ANTHROPIC_API_KEY/.test(l))) {
    const comment = line.slice(line.indexOf(mark));
    assert.ok(b.includes(comment), `kept: ${comment}`);
  }
};

describe('Claude Code settings.json (jsonc-parser)', () => {
  const s = {
    baseUrl: 'http://127.0.0.1:9/',
    authToken: 'sk-nex-abc',
    model: 'claude-sonnet-4-6',
    opus: 'claude-opus-4-1',
    haiku: 'claude-haiku-4-5',
  };
  it('merges env, removes ANTHROPIC_API_KEY, keeps comments, trailing comma and every other setting', () => {
    const before = fixture('claude-settings.json');
    const p = planClaudeSettings('settings.json', before, s);
    commentsKept(before, p.text, '//');
    assert.ok(p.text.includes('/* the status line script */'));
    const v = parseJsonc(p.text) as Record<string, Record<string, unknown>>;
    assert.deepEqual(v['env'], {
      DISABLE_TELEMETRY: '1',
      ANTHROPIC_BASE_URL: s.baseUrl,
      ANTHROPIC_AUTH_TOKEN: s.authToken,
      ANTHROPIC_MODEL: s.model,
      ANTHROPIC_DEFAULT_OPUS_MODEL: s.opus,
      ANTHROPIC_DEFAULT_HAIKU_MODEL: s.haiku,
    });
    assert.deepEqual(v['permissions'], { allow: ['Bash(npm run test:*)', 'Read(~/.zshrc)'], deny: ['Read(./.env)'] });
    assert.equal(v['model'], 'sonnet');
    assert.ok(p.changes.includes('env.ANTHROPIC_API_KEY removed'));
    assert.deepEqual(
      planClaudeSettings('settings.json', p.text, s),
      { text: p.text, changes: [] },
      'a second run changes nothing',
    );
  });
  it('creates the file when there is none; refuses JSON that does not parse', () => {
    const p = planClaudeSettings('settings.json', undefined, s);
    assert.equal((parseJsonc(p.text) as { env: Record<string, string> }).env['ANTHROPIC_AUTH_TOKEN'], 'sk-nex-abc');
    assert.throws(() => planClaudeSettings('settings.json', '{ "env": { "A": 1 ', s), ConfigFormatError);
    assert.throws(() => planClaudeSettings('settings.json', '{ "env": [] }', s), /"env" is not an object/);
  });
});

describe('Codex config.toml (smol-toml + owned lines, verified)', () => {
  const s: CodexSettings = {
    providerId: 'agc-hub',
    name: 'AIHubMix (AI Gateway)',
    baseUrl: 'https://aihubmix.com/v1',
    envKey: 'AIHUBMIX_API_KEY',
    model: 'gpt-5',
    scope: 'default',
  };
  it('sets model / model_provider in place, adds the provider table, and leaves every other line byte for byte', () => {
    const before = fixture('codex-config.toml');
    const p = planCodexConfig('config.toml', before, s);
    const v = parseToml(p.text) as Record<string, Record<string, unknown>>;
    assert.equal(v['model'], 'gpt-5');
    assert.equal(v['model_provider'], 'agc-hub');
    assert.deepEqual(
      { ...(v['model_providers']!['agc-hub'] as object) },
      { name: s.name, base_url: s.baseUrl, env_key: s.envKey, wire_api: 'responses' },
    );
    assert.ok(p.text.includes('model = "gpt-5"  # my favourite'), 'the trailing comment of a replaced line stays');
    const added = new Set([
      'model_provider = "agc-hub"',
      '[model_providers.agc-hub]',
      `name = "${s.name}"`,
      `base_url = "${s.baseUrl}"`,
      `env_key = "${s.envKey}"`,
      'wire_api = "responses"',
      '',
    ]);
    const oldLines = before.split('\n').filter((l) => !l.startsWith('model = '));
    const newLines = p.text.split('\n').filter((l) => !l.startsWith('model = ') && !added.has(l));
    assert.deepEqual(
      newLines.filter((l) => l !== ''),
      oldLines.filter((l) => l !== ''),
      'no other line changed',
    );
    const again = planCodexConfig('config.toml', p.text, s);
    assert.equal(again.text, p.text);
    assert.deepEqual(again.changes, []);
    // the old content is all there, apart from the two keys we own
    const old = parseToml(before) as Record<string, unknown>;
    const plain = (x: unknown) => JSON.parse(JSON.stringify(x)) as unknown;
    assert.deepEqual(
      plain({
        ...v,
        model: old['model'],
        model_provider: undefined,
        model_providers: { azure: (v['model_providers'] as Record<string, unknown>)['azure'] },
      }),
      plain(old),
    );
  });
  it('as a profile: no root key changes, a [profiles.<id>] table instead', () => {
    const before = fixture('codex-config.toml');
    const p = planCodexConfig('config.toml', before, { ...s, scope: 'profile' });
    const v = parseToml(p.text) as Record<string, Record<string, Record<string, unknown>>>;
    assert.equal(v['model'], 'o3');
    assert.deepEqual({ ...v['profiles']!['agc-hub'] }, { model: 'gpt-5', model_provider: 'agc-hub' });
    assert.deepEqual({ ...v['profiles']!['fast'] }, { model: 'gpt-4.1-mini', model_provider: 'azure' });
  });
  it('replaces its own table in place on a second configuration with another URL', () => {
    const first = planCodexConfig('config.toml', fixture('codex-config.toml'), s).text;
    const second = planCodexConfig('config.toml', first, { ...s, baseUrl: 'http://127.0.0.1:8788/v1' });
    assert.deepEqual(second.changes, ['[model_providers.agc-hub] replaced']);
    assert.equal(
      (parseToml(second.text) as Record<string, Record<string, Record<string, string>>>)['model_providers']![
        'agc-hub'
      ]!['base_url'],
      'http://127.0.0.1:8788/v1',
    );
    assert.equal(second.text.split('[model_providers.agc-hub]').length, 2, 'one table, not two');
  });
  it('an empty file gets the keys then the table; a reserved id, bad TOML or an inline definition is refused', () => {
    const p = planCodexConfig('config.toml', undefined, s);
    assert.ok(p.text.startsWith('model = "gpt-5"\nmodel_provider = "agc-hub"\n'));
    assert.throws(() => planCodexConfig('config.toml', '', { ...s, providerId: 'openai' }), /cannot be a provider id/);
    assert.throws(() => planCodexConfig('config.toml', 'model = \n', s), /not valid TOML/);
    assert.throws(
      () => planCodexConfig('config.toml', 'model_providers = { agc-hub = { name = "x" } }\n', s),
      /inline or dotted/,
    );
  });
});

describe('Continue config.yaml (yaml Document API)', () => {
  const entry = {
    name: 'GPT-4.1 (Demo AIone)',
    model: 'gpt-4.1',
    apiBase: 'http://127.0.0.1:8787/v1',
    apiKey: 'sk-nex-abc',
    roles: ['chat', 'edit', 'apply'],
  };
  it('adds a model entry, keeps comments and the other entries; updates it in place the next time', () => {
    const before = fixture('continue-config.yaml');
    const p = planContinueConfig('config.yaml', before, [entry]);
    commentsKept(before, p.text, '#');
    const v = parseYaml(p.text) as {
      name: string;
      models: Array<Record<string, unknown>>;
      context: unknown[];
      rules: string[];
    };
    assert.equal(v.name, 'My Assistant');
    assert.equal(v.models.length, 2);
    assert.deepEqual(v.models[1], { ...entry, provider: 'openai', roles: ['chat', 'edit', 'apply'] });
    assert.deepEqual(v.context, [{ provider: 'code' }, { provider: 'docs' }]);
    const again = planContinueConfig('config.yaml', p.text, [{ ...entry, apiBase: 'https://api.nexara.net/v1' }]);
    const v2 = parseYaml(again.text) as { models: Array<Record<string, unknown>> };
    assert.equal(v2.models.length, 2, 'updated, not duplicated');
    assert.equal(v2.models[1]!['apiBase'], 'https://api.nexara.net/v1');
    assert.deepEqual(again.changes, ['models: "GPT-4.1 (Demo AIone)" updated']);
  });
  it('creates a valid config from nothing; refuses YAML that does not parse', () => {
    const v = parseYaml(planContinueConfig('config.yaml', undefined, [entry]).text) as Record<string, unknown>;
    assert.deepEqual([v['name'], v['version'], v['schema']], ['Local Assistant', '1.0.0', 'v1']);
    assert.throws(() => planContinueConfig('config.yaml', 'models: [\n  - a\n', [entry]), ConfigFormatError);
  });
});

describe('.env lines', () => {
  it('replaces ours in place (keeping `export`), appends the missing ones, leaves the rest', () => {
    const p = planDotenv(fixture('workspace.env'), {
      OPENAI_BASE_URL: 'https://aihubmix.com/v1',
      OPENAI_API_KEY: 'sk-x y',
      OPENAI_MODEL: 'gpt-4.1',
    });
    assert.equal(
      p.text,
      '# app settings\nDATABASE_URL=postgres://localhost/app\nexport OPENAI_MODEL=gpt-4.1\n\nDEBUG=true\nOPENAI_BASE_URL=https://aihubmix.com/v1\nOPENAI_API_KEY="sk-x y"\n',
    );
  });
});

describe('protocol base URLs', () => {
  it('OpenAI …/v1, Anthropic at the root, Gemini per gateway; Responses only where documented', () => {
    const a = protocolEndpoints({ kind: 'aione', baseUrl: 'https://api.nexara.net/' });
    assert.deepEqual(a, {
      openai: 'https://api.nexara.net/v1',
      anthropic: 'https://api.nexara.net',
      gemini: { base: 'https://api.nexara.net', auth: 'bearer' },
      responses: false,
    });
    const h = protocolEndpoints({ kind: 'aihubmix', baseUrl: 'https://aihubmix.com' });
    assert.deepEqual(h, {
      openai: 'https://aihubmix.com/v1',
      anthropic: 'https://aihubmix.com',
      gemini: { base: 'https://aihubmix.com/gemini', auth: 'x-goog-api-key' },
      responses: true,
    });
    assert.equal(
      geminiUrl(h.gemini, 'gemini-2.5-flash'),
      'https://aihubmix.com/gemini/v1beta/models/gemini-2.5-flash:generateContent',
    );
    assert.equal(
      protocolEndpoints({ kind: 'aione', baseUrl: 'https://m.example', chatBaseUrl: 'https://llm.example/v1/' })
        .anthropic,
      'https://llm.example',
    );
  });
});
