/**
 * "Configure a Coding Tool…" in the real VS Code, writing into a temporary HOME (never ~): each tool's file is
 * merged into a fixture that has other settings and comments, reviewed (the diff is shown, keys masked), written
 * (backup beside it, owner-only when it holds a key), then USED: the request Claude Code / Codex / Continue would
 * send with exactly what was written goes to the simulator and gets an answer. Undo restores the file. A file git
 * tracks asks before a key goes in. And @gateway's four commands, through the participant's handler, answer with
 * the simulator's figures.
 */
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { parse as parseJsonc } from 'jsonc-parser';
import { parse as parseToml } from 'smol-toml';
import { parse as parseYaml } from 'yaml';
import type { AiGatewayTestApi } from '../../../src/extension';
import { answerText, claudeCodeRequest, codexRequest, continueRequest, readSse } from '../../fixtures/tool-clients';
import type { Simulator } from '../../simulator/index';
import { type Gateways, openSimulator, type SimulatorFixture, startGateways } from './fixture';

const REPO = process.env.AGC_REPO ?? path.resolve(__dirname, '../../../..');
const FIX = path.join(REPO, 'test', 'fixtures', 'tools');

describe('configure a coding tool (temporary HOME) and use it against the simulator', function () {
  this.timeout(60000);
  let api: AiGatewayTestApi;
  let sim: Simulator;
  let fx: Gateways | undefined;
  let home: string;
  let workspace: string;
  const ids = { aione: '', aihubmix: '' };
  const reviewed: Array<{ file: string; before?: string; after: string; changes: readonly string[] }> = [];
  let trackedAsked: string[] = [];
  let answerTracked = false;

  before(async () => {
    fx = await startGateways('Tools', { streamTokensPerSecond: 0 });
    ({ api, sim } = fx);
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'agc-home-'));
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'agc-ws-'));
    api.tools.setHome(home);
    api.tools.setWorkspace(workspace);
    await api.tools.setDialogs({
      review: (file, before, after, changes) => {
        reviewed.push({ file, ...(before !== undefined ? { before } : {}), after, changes });
        return Promise.resolve(true);
      },
      confirmTracked: (file) => {
        trackedAsked.push(file);
        return Promise.resolve(answerTracked);
      },
      written: () => Promise.resolve(undefined),
      showValues: () => Promise.resolve(),
    });
    ids.aione = fx.ids.aione;
    ids.aihubmix = fx.ids.aihubmix;
  });
  after(async () => {
    await api.tools.setDialogs(undefined);
    api.tools.setHome(undefined);
    api.tools.setWorkspace(undefined);
    await fx?.close();
    fs.rmSync(home, { recursive: true, force: true });
    fs.rmSync(workspace, { recursive: true, force: true });
  });

  it("Claude Code: merges ~/.claude/settings.json (comments kept), 0600, backup; Claude Code's request with it is answered; Undo restores", async () => {
    const file = path.join(home, '.claude', 'settings.json');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const original = fs.readFileSync(path.join(FIX, 'claude-settings.json'), 'utf8');
    fs.writeFileSync(file, original, { mode: 0o644 });
    const writes = await api.tools.configure({
      connectionId: ids.aione,
      secret: sim.aione.modelKey,
      keyLabel: 'demo',
      tool: 'claude',
      model: 'claude-sonnet-4-6',
    });
    assert.equal(writes.length, 1);
    const r = reviewed.at(-1)!;
    assert.equal(r.file, file);
    assert.equal(r.before, original, 'the review showed the file as it was');
    assert.ok(r.changes.includes('env.ANTHROPIC_API_KEY removed'));
    const text = fs.readFileSync(file, 'utf8');
    assert.ok(
      text.includes('// Claude Code user settings (hand-edited)') && text.includes('// keep this'),
      'comments kept',
    );
    assert.equal(fs.statSync(file).mode & 0o777, 0o600, 'owner-only: it holds the key');
    assert.equal(fs.readFileSync(`${file}.agc-backup`, 'utf8'), original, 'the previous content is kept beside it');
    const env = (parseJsonc(text) as { env: Record<string, string> }).env;
    assert.equal(env['ANTHROPIC_BASE_URL'], sim.aione.url, 'Anthropic-native: the gateway root, no /v1');
    assert.equal(env['ANTHROPIC_API_KEY'], undefined);
    // what Claude Code sends with these settings
    const { url, init } = claudeCodeRequest(env);
    const res = await fetch(url, init);
    assert.equal(res.status, 200);
    assert.match(answerText(await readSse(res)), /## Answer from `claude-sonnet-4-6`/);
    assert.equal(
      [...sim.requests].reverse().find((q) => q.path === '/v1/messages')?.headers['authorization'],
      'Bearer ***',
    );
    assert.ok(await api.tools.undo());
    assert.equal(fs.readFileSync(file, 'utf8'), original, 'Undo restored the file');
  });

  it("Codex (AIHubMix): config.toml gets the provider and model, other lines untouched; Codex's Responses request is answered", async () => {
    const file = path.join(home, '.codex', 'config.toml');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const original = fs.readFileSync(path.join(FIX, 'codex-config.toml'), 'utf8');
    fs.writeFileSync(file, original);
    await api.tools.configure({
      connectionId: ids.aihubmix,
      secret: sim.aihubmix.modelKey,
      keyLabel: 'hub',
      tool: 'codex',
      model: 'gpt-5',
      scope: 'default',
    });
    const text = fs.readFileSync(file, 'utf8');
    for (const line of [
      'approval_policy = "on-request"',
      '[mcp_servers.docs]',
      'args = ["-y", "docs-mcp"]   # keep',
      '[[notify_hooks]]',
      '# providers I use',
    ])
      assert.ok(text.includes(line), `kept: ${line}`);
    assert.ok(!text.includes(sim.aihubmix.modelKey), 'the key is not in config.toml');
    const cfg = parseToml(text) as {
      model: string;
      model_provider: string;
      model_providers: Record<string, { base_url: string; env_key: string; wire_api: string }>;
    };
    const provider = cfg.model_providers[cfg.model_provider]!;
    assert.equal(provider.base_url, `${sim.aihubmix.url}/v1`);
    assert.equal(provider.wire_api, 'responses');
    const { url, init } = codexRequest(provider, cfg.model, { [provider.env_key]: sim.aihubmix.modelKey });
    const res = await fetch(url, init);
    assert.equal(res.status, 200);
    const events = await readSse(res);
    assert.equal((events.at(-1)!.data as { type: string }).type, 'response.completed');
    assert.match(answerText(events), /Answer from `gpt-5`/);
    await assert.rejects(
      api.tools.configure({
        connectionId: ids.aione,
        secret: sim.aione.modelKey,
        keyLabel: 'x',
        tool: 'codex',
        model: 'gpt-5',
      }),
      /responses/,
      'AIone does not document /v1/responses',
    );
  });

  it("Continue: a model entry is added to config.yaml (comments and other models kept); Continue's request is answered", async () => {
    const file = path.join(home, '.continue', 'config.yaml');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, fs.readFileSync(path.join(FIX, 'continue-config.yaml'), 'utf8'));
    await api.tools.configure({
      connectionId: ids.aione,
      secret: sim.aione.modelKey,
      keyLabel: 'demo',
      tool: 'continue',
      model: 'gpt-4.1',
    });
    const text = fs.readFileSync(file, 'utf8');
    assert.ok(text.includes('# the local model for autocomplete'));
    const cfg = parseYaml(text) as {
      models: Array<{ name: string; provider: string; model: string; apiBase: string; apiKey: string }>;
    };
    assert.equal(cfg.models.length, 2);
    const ours = cfg.models[1]!;
    assert.equal(ours.provider, 'openai');
    assert.equal(ours.apiBase, `${sim.aione.url}/v1`);
    const { url, init } = continueRequest(ours);
    const res = await fetch(url, init);
    assert.equal(res.status, 200);
    assert.match(answerText(await readSse(res)), /Answer from `gpt-4\.1`/);
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
  });

  it('a workspace .env that git tracks: the key goes in only after the explicit warning is accepted', async () => {
    execFileSync('git', ['init', '-q'], { cwd: workspace });
    fs.writeFileSync(path.join(workspace, '.env'), fs.readFileSync(path.join(FIX, 'workspace.env'), 'utf8'));
    execFileSync('git', ['add', '.env'], { cwd: workspace });
    trackedAsked = [];
    answerTracked = false;
    const none = await api.tools.configure({
      connectionId: ids.aihubmix,
      secret: sim.aihubmix.modelKey,
      keyLabel: 'hub',
      tool: 'env',
      model: 'gpt-4.1',
    });
    assert.equal(none.length, 0, 'declined: nothing written');
    assert.deepEqual(trackedAsked, [path.join(workspace, '.env')]);
    assert.ok(!fs.readFileSync(path.join(workspace, '.env'), 'utf8').includes(sim.aihubmix.modelKey));
    answerTracked = true;
    const done = await api.tools.configure({
      connectionId: ids.aihubmix,
      secret: sim.aihubmix.modelKey,
      keyLabel: 'hub',
      tool: 'env',
      model: 'gpt-4.1',
    });
    assert.equal(done.length, 1);
    const text = fs.readFileSync(path.join(workspace, '.env'), 'utf8');
    assert.ok(text.startsWith('# app settings\nDATABASE_URL=postgres://localhost/app\nexport OPENAI_MODEL=gpt-4.1\n'));
    assert.ok(
      text.includes(`OPENAI_BASE_URL=${sim.aihubmix.url}/v1`) &&
        text.includes(`ANTHROPIC_BASE_URL=${sim.aihubmix.url}\n`),
    );
  });
});

describe("@gateway, through the participant's handler", function () {
  this.timeout(60000);
  let api: AiGatewayTestApi;
  let sim: Simulator;
  let id = '';
  let fxp: SimulatorFixture | undefined;
  const run = async (command: string, prompt = '') => {
    const parts: string[] = [];
    const buttons: vscode.Command[] = [];
    const cts = new vscode.CancellationTokenSource();
    const result = await api.participant.handle(
      { command, prompt },
      {
        markdown: (v) => parts.push(typeof v === 'string' ? v : v.value),
        button: (c) => buttons.push(c),
        progress: () => undefined,
      },
      cts.token,
    );
    return { text: parts.join(''), buttons, result };
  };

  before(async () => {
    fxp = await openSimulator({ streamTokensPerSecond: 0 });
    ({ api, sim } = fxp);
    id = await fxp.add('aihubmix', 'Participant Hub');
    await vscode.workspace
      .getConfiguration('aiGateway')
      .update('activeConnection', id, vscode.ConfigurationTarget.Global);
  });
  after(async () => {
    await vscode.workspace
      .getConfiguration('aiGateway')
      .update('activeConnection', undefined, vscode.ConfigurationTarget.Global);
    await fxp?.close();
  });

  it('/models "with tools and ≥ 128k context, cheapest first" lists exactly those, cheapest first', async () => {
    const { text, buttons } = await run('models', 'with tools and ≥ 128k context, cheapest first');
    const rows = text.split('\n').filter((l) => l.startsWith('| `'));
    assert.ok(rows.length >= 5, text);
    assert.match(text, /with tool calling, context ≥ 128K, cheapest first/);
    const ids = rows.map((r) => /`([^`]+)`/.exec(r)![1]!);
    assert.ok(!ids.includes('qwen-max'), 'qwen-max has a 32k context');
    assert.ok(!ids.includes('deepseek-reasoner'), 'deepseek-reasoner has no tools');
    assert.equal(ids[0], 'glm-4-flash', 'the free model first');
    assert.equal(buttons[0]?.command, 'aiGateway.chatWithModel');
  });

  it("/usage: today and this month from the gateway's logs; a chat request shows up in it", async () => {
    const before = await run('usage');
    const monthRequests = (t: string) =>
      Number(/\| This month \| [^|]+ \| [^|]+ \| ([\d,]+) \|/.exec(t)![1]!.replace(/,/g, ''));
    const n0 = monthRequests(before.text);
    await fetch(`${sim.aihubmix.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${sim.aihubmix.modelKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }),
    });
    const after = await run('usage', 'Participant Hub');
    assert.equal(monthRequests(after.text), n0 + 1);
    assert.equal(after.buttons[0]?.command, 'aiGateway.openDashboard');
  });

  it('/keys: the keys that need attention, each with a button running our command; /cost from the ledger; follow-ups', async () => {
    const { text, buttons, result } = await run('keys');
    assert.match(text, /need attention/);
    assert.ok(
      buttons.some((b) => b.command === 'aiGateway.enableKey' || b.command === 'aiGateway.editKey'),
      'buttons run our commands',
    );
    for (const b of buttons)
      assert.deepEqual(Object.keys((b.arguments?.[0] ?? {}) as object).sort(), ['connectionId', 'keyId']);
    assert.equal((result.metadata as { command: string }).command, 'keys');
    const cost = await run('cost');
    assert.match(cost.text, /This session/);
    const help = await run('');
    assert.match(help.text, /\/models/);
  });
});
