/**
 * Secrets in one place, in a real VS Code against the simulator: the chat's model key goes through the secret
 * service like the admin token, and removing a connection deletes everything it owns — the token, the chat model
 * key and its label, its pending rotation reminders, its sort order, the status-bar choice — read back from
 * SecretStorage and globalState afterwards. The confirmation names what is deleted. Every secret the service
 * stores or reads (and the demo's) is masked in the log by its exact value, whatever its shape.
 */
import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Simulator } from '../../simulator/index';
import { openSimulator, type SimulatorFixture } from './fixture';

describe('Connections: removing one deletes every secret and label it owns', function () {
  this.timeout(60000);
  let f: SimulatorFixture;
  let api: SimulatorFixture['api'];
  let sim: Simulator;
  before(async () => {
    f = await openSimulator({ keyCount: 3 });
    ({ api, sim } = f);
  });
  after(async () => {
    await f?.close();
    await vscode.workspace
      .getConfiguration('aiGateway')
      .update('activeConnection', undefined, vscode.ConfigurationTarget.Global);
  });

  it('the chat model key is stored through the secret service (read back, cached, changes announced)', async () => {
    const p = await api.connections.add(
      { kind: 'aione', label: `Chat key ${randomBytes(2).toString('hex')}`, baseUrl: sim.aione.url },
      sim.aione.adminToken,
    );
    f.track(p.id);
    const changes: string[] = [];
    const sub = api.secrets.onDidChangeSecret((c) => changes.push(`${c.kind}:${c.connectionId}`));
    try {
      const writes = api.secrets.stats.writes;
      const label = await api.chat.useKey(p.id, { secret: `  ${sim.aione.modelKey}  `, label: 'pasted key' });
      assert.equal(label, 'pasted key');
      assert.equal(
        await api.secrets.get('chatKey', p.id, { fresh: true }),
        sim.aione.modelKey,
        'stored trimmed, reads back from SecretStorage',
      );
      assert.equal(api.secrets.chatKeyLabel(p.id), 'pasted key');
      assert.ok(api.secrets.stats.writes > writes, 'counted like a token');
      const end = Date.now() + 5000;
      while (!changes.includes(`chatKey:${p.id}`) && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
      assert.ok(changes.includes(`chatKey:${p.id}`), 'the same change event as tokens');
    } finally {
      sub.dispose();
    }
  });

  it('removing deletes the token, the chat model key and its label, rotation reminders, sort order and the status-bar choice', async () => {
    const p = await api.connections.add(
      { kind: 'aihubmix', label: `Remove me ${randomBytes(2).toString('hex')}`, baseUrl: sim.aihubmix.url },
      sim.aihubmix.accessToken,
    );
    f.track(p.id);
    await api.chat.useKey(p.id, { secret: sim.aihubmix.modelKey, label: 'the chat key (sk-…abcd)' });
    await api.keyFlows.rotations.add({
      connectionId: p.id,
      oldKeyId: 'k1',
      newKeyId: 'k2',
      disableAt: new Date(Date.now() + 86_400_000).toISOString(),
      oldKeyName: 'old',
      newKeyName: 'new',
    });
    await api.keysView.setSort(p.id, 'name');
    await vscode.workspace
      .getConfiguration('aiGateway')
      .update('activeConnection', p.id, vscode.ConfigurationTarget.Global);

    const plan = await api.connections.removalPlan(p.id);
    assert.deepEqual(
      plan,
      [
        'its token',
        'its chat model key (the chat key (sk-…abcd))',
        '1 pending rotation reminder (its old key will not be disabled)',
      ],
      'the confirmation names what is deleted',
    );

    await api.connections.remove(p.id);
    assert.equal(
      await api.secrets.get('token', p.id, { fresh: true }),
      undefined,
      'the token is gone from SecretStorage',
    );
    assert.equal(
      await api.secrets.get('chatKey', p.id, { fresh: true }),
      undefined,
      'the chat model key is gone from SecretStorage',
    );
    assert.equal(api.secrets.chatKeyLabel(p.id), undefined, 'its label is gone from globalState');
    assert.deepEqual(api.keyFlows.rotations.pendingFor(p.id), [], 'its rotation reminders are gone');
    assert.equal(api.keysView.sortOf(p.id), 'server', 'its sort order is gone');
    assert.equal(
      vscode.workspace.getConfiguration('aiGateway').inspect('activeConnection')?.globalValue,
      undefined,
      'the status bar no longer names it',
    );
    assert.ok(!api.connections.list().some((x) => x.id === p.id));
  });

  it('an invalid hand-written entry can be removed too (its secrets with it)', async () => {
    const id = `bad${randomBytes(3).toString('hex')}`;
    const cfg = vscode.workspace.getConfiguration('aiGateway');
    const before = cfg.inspect<unknown[]>('connections')?.globalValue ?? [];
    await api.secrets.storeToken(id, `tok${randomBytes(16).toString('hex')}`);
    await cfg.update(
      'connections',
      [...before, { id, kind: 'aione', label: 'Broken', baseUrl: 'http://gateway.example.invalid' }],
      vscode.ConfigurationTarget.Global,
    );
    assert.ok(api.connections.invalid().some((e) => e.id === id));
    assert.deepEqual(await api.connections.removalPlan(id), ['its token']);
    await api.connections.remove(id);
    assert.ok(!api.connections.invalid().some((e) => e.id === id), 'the entry is gone from settings.json');
    assert.equal(await api.secrets.get('token', id, { fresh: true }), undefined);
    assert.deepEqual(
      cfg.inspect<unknown[]>('connections')?.globalValue ?? [],
      before,
      'the other entries are untouched',
    );
  });

  it("secrets the service holds, and the demo's, are masked in the log by value (even with no digit and under 32 characters)", async () => {
    const p = await api.connections.add(
      { kind: 'aione', label: `Masked ${randomBytes(2).toString('hex')}`, baseUrl: sim.aione.url },
      sim.aione.adminToken,
    );
    f.track(p.id);
    const letters = (n: number) => Array.from(randomBytes(n), (b) => String.fromCharCode(97 + (b % 26))).join('');
    const chatKey = `key${letters(12)}`; // no digit, 15 characters: no pattern of the redaction matches it
    const demoKey = `demo${letters(12)}`;
    await api.chat.useKey(p.id, { secret: chatKey, label: 'letters only' });
    await api.demo.connect(
      JSON.stringify({
        aione: { url: sim.aione.url, adminToken: sim.aione.adminToken, modelKey: demoKey },
        focus: false,
      }),
    );
    const marker = `mask-${randomBytes(4).toString('hex')}`;
    api.logger.warn(`${marker} chat=${chatKey} demo=${demoKey}`);
    const roots = [api.logUri.fsPath, path.dirname(api.logUri.fsPath)];
    const files = () => [
      ...new Set(
        roots.flatMap((r) =>
          fs.existsSync(r)
            ? fs
                .readdirSync(r, { recursive: true })
                .map((f) => path.join(r, String(f)))
                .filter((f) => f.endsWith('.log'))
            : [],
        ),
      ),
    ];
    let line: string | undefined;
    const end = Date.now() + 10000;
    while (!line && Date.now() < end) {
      line = files()
        .flatMap((f) => fs.readFileSync(f, 'utf8').split('\n'))
        .find((l) => l.includes(marker));
      if (!line) await new Promise((r) => setTimeout(r, 200));
    }
    assert.ok(line, 'the line reached the log file');
    assert.ok(!line.includes(chatKey), `the chat key is masked: ${line}`);
    assert.ok(!line.includes(demoKey), `the demo's model key is masked: ${line}`);
  });
});
