/**
 * Runs inside a real VS Code extension host (code-server 1.139), with the extension under development loaded
 * from the repo (dist/extension.js). The gateway simulator runs in this same process, on loopback.
 */
import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { AiGatewayTestApi } from '../../../src/extension';
import { startSimulator, type Simulator } from '../../simulator/index';
import { EXTENSION_ID, manifest } from './fixture';

/** Every file under `dir` (recursively) whose name ends with .log. */
function logFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true })
    .map((f) => path.join(dir, String(f)))
    .filter((f) => f.endsWith('.log'));
}

async function waitFor<T>(what: string, fn: () => T | undefined, ms = 10000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** All values of every aiGateway.* setting at every level, as one string. */
function allSettingValues(): string {
  const cfg = vscode.workspace.getConfiguration();
  return Object.keys(manifest.contributes.configuration.properties)
    .map((key) => JSON.stringify(cfg.inspect(key) ?? {}))
    .join('\n');
}

function userSettingsFile(): string {
  const ud = process.env.AGC_USER_DATA_DIR;
  assert.ok(ud, 'the harness tells the tests where the user data dir is (AGC_USER_DATA_DIR)');
  return path.join(ud, 'User', 'settings.json');
}

const errorKind = (e: unknown): string | undefined =>
  e && typeof e === 'object' && 'kind' in e ? String(e.kind) : undefined;

describe('AI Gateway Console in a real VS Code', function () {
  let api: AiGatewayTestApi;
  let sim: Simulator | undefined;
  const secretsUsed: string[] = [];
  let ourLogFile: string | undefined;

  after(async () => {
    for (const p of api?.connections.list() ?? []) await api.connections.remove(p.id).catch(() => undefined);
    await sim?.close();
  });

  describe('activation', () => {
    it('is installed, not active until asked, and declares no eager activation event', () => {
      const ext = vscode.extensions.getExtension(EXTENSION_ID);
      assert.ok(ext, `${EXTENSION_ID} is loaded`);
      assert.equal(ext.isActive, false, 'nothing activated the extension before the tests did');
      const events = manifest.activationEvents ?? [];
      assert.ok(!events.includes('*') && !events.includes('onStartupFinished'));
    });

    it('activates, and activate() did no network and read no secret', async () => {
      const ext = vscode.extensions.getExtension<AiGatewayTestApi | undefined>(EXTENSION_ID)!;
      const exported = await ext.activate();
      assert.ok(ext.isActive);
      assert.ok(exported, 'in ExtensionMode.Test activate() returns the test API');
      api = exported;
      assert.deepEqual(api.stats(), { gatewaysCreated: 0, secretReads: 0, secretWrites: 0 });
      assert.equal(api.connections.list().length, 0, 'a fresh profile has no connection');
      assert.ok(api.activationMs >= 0 && api.activationMs < 1000, `activate() took ${api.activationMs} ms`);
      console.log(`    activate() took ${api.activationMs.toFixed(2)} ms (budget 15 ms)`);
    });

    it('registers every command that package.json contributes', async () => {
      const all = new Set(await vscode.commands.getCommands(true));
      const missing = manifest.contributes.commands.map((c) => c.command).filter((id) => !all.has(id));
      assert.deepEqual(missing, []);
    });
  });

  describe('secrets', () => {
    const token = `agc${randomBytes(24).toString('hex')}`; // token-shaped: 51 characters with digits
    secretsUsed.push(token);

    it('a token stored through the secret service reads back from SecretStorage', async () => {
      await api.secrets.storeToken('itestRoundTrip', token);
      assert.equal(await api.secrets.getToken('itestRoundTrip', { fresh: true }), token);
      assert.ok(
        api.stats().secretWrites > 0 && api.stats().secretReads > 0,
        'the counters move (so zero after activation means something)',
      );
    });

    it('the token is in no setting and not in settings.json', () => {
      assert.ok(!allSettingValues().includes(token));
      const file = userSettingsFile();
      if (fs.existsSync(file)) assert.ok(!fs.readFileSync(file, 'utf8').includes(token));
    });

    it('the log file shows a logged token redacted', async () => {
      assert.equal(api.logUri.scheme, 'file', 'the extension host writes its logs to disk');
      const marker = `itest-${randomBytes(6).toString('hex')}`;
      api.logger.info(`${marker} token=${token} headers={"Authorization":"Bearer ${token}"}`);
      api.logger.error(`${marker} failed`, new Error(`bad token ${token}`));
      // the LogOutputChannel's file is in the extension's log folder (context.logUri) or next to it
      const roots = [api.logUri.fsPath, path.dirname(api.logUri.fsPath)];
      const file = await waitFor('the log line on disk', () => {
        for (const root of roots) {
          for (const f of logFiles(root)) {
            const text = fs.readFileSync(f, 'utf8');
            if (text.includes(`${marker} failed`)) return f;
          }
        }
        return undefined;
      });
      ourLogFile = file;
      const text = fs.readFileSync(file, 'utf8');
      assert.ok(!text.includes(token), `the token appears in ${file}`);
      assert.match(text, new RegExp(`${marker} token=\\*\\*\\*${token.slice(-4)}`), 'the token is masked');
      assert.match(
        text,
        new RegExp(`${marker} failed Error: bad token \\*\\*\\*`),
        'errors are logged by message, redacted',
      );
    });

    it('a deleted token is gone', async () => {
      await api.secrets.deleteToken('itestRoundTrip');
      assert.equal(await api.secrets.getToken('itestRoundTrip', { fresh: true }), undefined);
    });
  });

  describe('connections against the gateway simulator', () => {
    before(async () => {
      sim = await startSimulator({ host: '127.0.0.1' });
      secretsUsed.push(sim.aione.adminToken, sim.aihubmix.accessToken);
    });

    for (const kind of ['aione', 'aihubmix'] as const) {
      it(`${kind}: adding a connection stores the profile and the token, and "test connection" succeeds`, async () => {
        const s = sim!;
        const url = kind === 'aione' ? s.aione.url : s.aihubmix.url;
        const token = kind === 'aione' ? s.aione.adminToken : s.aihubmix.accessToken;
        const before = api.stats().gatewaysCreated;
        const identity0 = await api.connections.probe({ kind, label: `probe ${kind}`, baseUrl: url }, token);
        assert.ok(identity0.label);
        const profile = await api.connections.add({ kind, label: `Simulator ${kind}`, baseUrl: `${url}/` }, token);
        assert.equal(profile.baseUrl, url, 'trailing slash removed');
        assert.ok(api.connections.list().some((p) => p.id === profile.id && p.kind === kind));
        // persisted at user level
        const saved =
          vscode.workspace.getConfiguration('aiGateway').inspect<Array<{ id: string; baseUrl: string }>>('connections')
            ?.globalValue ?? [];
        assert.ok(
          saved.some((p) => p.id === profile.id && p.baseUrl === url),
          'the profile is in the user settings',
        );
        assert.ok(!JSON.stringify(saved).includes(token), 'the profile carries no token');
        assert.equal(await api.secrets.getToken(profile.id, { fresh: true }), token, 'the token is in SecretStorage');
        const identity = await api.connections.test(profile.id);
        assert.ok(identity.label, 'whoAmI() returned an identity');
        assert.ok(api.stats().gatewaysCreated > before);
        assert.ok(
          s.requests.some((r) => r.gateway === kind),
          'the simulator saw the calls',
        );
      });

      it(`${kind}: a wrong token fails with an auth error`, async () => {
        const s = sim!;
        const url = kind === 'aione' ? s.aione.url : s.aihubmix.url;
        const wrong = `wrong-${randomBytes(8).toString('hex')}`;
        secretsUsed.push(wrong);
        await assert.rejects(api.connections.probe({ kind, label: 'wrong', baseUrl: url }, wrong), (e: unknown) => {
          assert.equal(errorKind(e), 'auth', `expected an auth error, got ${String(e)}`);
          assert.ok(!String((e as Error).message).includes(wrong), 'the error message does not echo the token');
          return true;
        });
        const profile = await api.connections.add({ kind, label: `Wrong token ${kind}`, baseUrl: url }, wrong);
        await assert.rejects(api.connections.test(profile.id), (e: unknown) => errorKind(e) === 'auth');
        await api.connections.remove(profile.id);
        assert.ok(!api.connections.list().some((p) => p.id === profile.id));
        assert.equal(await api.secrets.getToken(profile.id, { fresh: true }), undefined, 'removing deletes the token');
      });
    }

    it("plain http:// to another machine is refused without the user's confirmation", async () => {
      const n = api.connections.list().length;
      await assert.rejects(
        api.connections.add({ kind: 'aione', label: 'insecure', baseUrl: 'http://gateway.example.com' }, 'tok'),
        (e: unknown) => e instanceof Error && e.name === 'InvalidBaseUrlError',
      );
      assert.equal(api.connections.list().length, n, 'nothing was saved');
    });

    it('a workspace cannot add or redirect a connection (application-scoped setting)', () => {
      assert.ok(!api.connections.list().some((p) => p.id === 'evil' || p.baseUrl.includes('attacker.invalid')));
    });

    it("no token used in this run is in any setting, settings.json or the extension's log", () => {
      const settings = allSettingValues();
      const file = userSettingsFile();
      assert.ok(fs.existsSync(file), 'the user settings.json exists (the connections were written there)');
      const onDisk = fs.readFileSync(file, 'utf8');
      assert.ok(onDisk.includes(sim!.aione.url), 'this is the settings.json the extension writes');
      assert.ok(ourLogFile && fs.existsSync(ourLogFile));
      const log = fs.readFileSync(ourLogFile, 'utf8');
      for (const secret of secretsUsed) {
        assert.ok(!settings.includes(secret), 'not in a setting');
        assert.ok(!onDisk.includes(secret), 'not in settings.json');
        assert.ok(!log.includes(secret), 'not in the log');
      }
    });
  });
});
