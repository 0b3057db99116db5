/**
 * Add Connection scripted step by step in a real VS Code (the flow asks through the Prompter the key flows use):
 * kind → base URL → name → token (a password box) → live check → saved, for both gateways against the simulator;
 * what is saved where (the profile in the user settings, the token in SecretStorage only); plain http:// to another
 * machine only after a confirmation; a model key typed where the management token belongs is warned about and,
 * refused by the gateway, saves nothing; walking away saves nothing and sends nothing.
 */
import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import type { Simulator } from '../../simulator/index';
import { KINDS, openSimulator, savedProfiles, withPrompter, type SimulatorFixture } from './fixture';
import { ScriptedPrompter } from './scriptedPrompter';

describe('Add Connection, scripted (simulator)', function () {
  this.timeout(60000);
  let f: SimulatorFixture;
  let api: SimulatorFixture['api'];
  let sim: Simulator;
  before(async () => {
    f = await openSimulator({ keyCount: 2 });
    ({ api, sim } = f);
  });
  after(() => f?.close());

  /** Runs Add Connection with `p` answering; returns the connections that appeared. */
  const addWith = async (p: ScriptedPrompter): Promise<string[]> => {
    const before = new Set(api.connections.list().map((c) => c.id));
    await withPrompter(api, p, () => vscode.commands.executeCommand('aiGateway.addConnection'));
    const fresh = api.connections
      .list()
      .map((c) => c.id)
      .filter((id) => !before.has(id));
    f.track(...fresh);
    return fresh;
  };

  for (const kind of KINDS) {
    it(`${kind}: kind → base URL → name → token, checked live, then saved (token in secret storage only)`, async () => {
      const url = kind === 'aione' ? sim.aione.url : sim.aihubmix.url;
      const token = kind === 'aione' ? sim.aione.adminToken : sim.aihubmix.accessToken;
      const label = `Scripted ${kind}`;
      const p = new ScriptedPrompter({ kind, baseUrl: url, label, token });
      const requests = sim.requests.length;
      const ids = await addWith(p);

      assert.deepEqual(p.ids(), ['kind', 'baseUrl', 'label', 'token'], 'the four steps, in order');
      assert.deepEqual(
        p.shown.map((s) => `${s.step}/${s.totalSteps}`),
        ['1/4', '2/4', '3/4', '4/4'],
      );
      assert.ok(p.shown.every((s) => s.title === 'Add Gateway Connection'));
      assert.deepEqual(p.shown[0]!.items, ['aione', 'aihubmix'], 'both gateways are offered');
      assert.match(p.shown[1]!.value ?? '', /^https:\/\//, "the base URL is prefilled with the gateway's default");
      assert.match(
        p.shown[2]!.value ?? '',
        new RegExp(`\\(${url.replace(/^http:\/\//, '').replace(/[.]/g, '\\.')}\\)$`),
        'a name with the host is proposed',
      );
      assert.equal(p.shown[3]!.password, true, 'the token box hides what is typed');
      assert.ok(
        p.progressShown.some((x) => x.where === 'notification' && x.title.includes(label)),
        'the live check shows progress',
      );
      assert.ok(
        sim.requests.slice(requests).some((r) => r.gateway === kind),
        'the live check reached the gateway',
      );

      assert.equal(ids.length, 1, 'one connection was added');
      const profile = api.connections.get(ids[0]!)!;
      assert.equal(profile.kind, kind);
      assert.equal(profile.label, label);
      assert.equal(profile.baseUrl, url);
      assert.ok(
        savedProfiles().some((s) => s['id'] === profile.id),
        'the profile is in the user settings',
      );
      assert.ok(!JSON.stringify(savedProfiles()).includes(token), 'no token in the settings');
      assert.equal(await api.secrets.getToken(profile.id, { fresh: true }), token, 'the token is in SecretStorage');
      assert.ok(
        p.infos.some((m) => m.startsWith(`Connected to "${label}"`)),
        `success is said: ${p.infos.join(' | ')}`,
      );
    });
  }

  it('plain http:// to another machine is warned about and used only once confirmed (declined: the step is asked again)', async () => {
    const p = new ScriptedPrompter(
      {
        kind: 'aione',
        baseUrl: ['http://gateway.example.com', sim.aione.url],
        label: 'Scripted http',
        token: sim.aione.adminToken,
      },
      (actions) => (actions.includes('Add Anyway') ? 'Add Anyway' : undefined), // decline "Use Plain HTTP"
    );
    const ids = await addWith(p);
    assert.match(p.stepWarnings.baseUrl?.[0] ?? '', /unencrypted/, 'the step warns while typing');
    assert.match(p.confirms[0]!.message, /not encrypted/);
    // the first test connected this URL with this token already: that is said before a second one is added
    assert.equal(p.confirms.length, 2);
    assert.match(p.confirms[1]!.message, /already connects to .* with this token/);
    assert.deepEqual(
      p.ids(),
      ['kind', 'baseUrl', 'baseUrl', 'label', 'token'],
      'declined: the base URL is asked again',
    );
    assert.equal(ids.length, 1);
    assert.equal(
      api.connections.get(ids[0]!)!.baseUrl,
      sim.aione.url,
      'the loopback URL was saved, not the refused one',
    );
  });

  it('aihubmix: an sk- model key as the token is warned about; refused by the gateway, nothing is saved', async () => {
    const before = savedProfiles().length;
    const p = new ScriptedPrompter({
      kind: 'aihubmix',
      baseUrl: sim.aihubmix.url,
      label: 'Scripted sk',
      token: sim.aihubmix.modelKey,
    });
    const ids = await addWith(p);
    assert.match(p.stepWarnings.token?.[0] ?? '', /model API key/, 'the token step warns about an sk- key');
    assert.equal(p.asks.length, 1, 'the failed check asks what to do');
    assert.match(p.asks[0]!.message, /Could not verify the connection "Scripted sk"/);
    // a refused token is not sent again as it was: re-enter it, or change the URL
    assert.deepEqual(p.asks[0]!.actions, ['Re-enter Token', 'Change URL', 'Save Anyway']);
    assert.deepEqual(ids, [], 'dismissed: nothing saved');
    assert.equal(savedProfiles().length, before);
  });

  it('a rejected token: "Re-enter Token" reopens only the token step, every other answer kept; "Change URL" reopens the URL', async () => {
    const answers = ['Change URL', 'Re-enter Token'];
    const p = new ScriptedPrompter(
      {
        kind: 'aihubmix',
        baseUrl: [sim.aihubmix.url, sim.aihubmix.url],
        label: 'Scripted re-enter',
        token: ['wrong-token-0123456789abcdef0123456789', sim.aihubmix.accessToken],
      },
      (actions) => (actions.includes('Add Anyway') ? 'Add Anyway' : actions[0]),
      () => answers.shift(),
    );
    const ids = await addWith(p);
    assert.deepEqual(
      p.ids(),
      ['kind', 'baseUrl', 'label', 'token', 'baseUrl', 'token'],
      'only the step chosen is asked again',
    );
    assert.equal(p.shown[4]!.value, sim.aihubmix.url, 'the URL step shows the URL typed before');
    assert.equal(p.asks.length, 2);
    assert.equal(ids.length, 1, 'saved once the token was right');
    const saved = api.connections.get(ids[0]!)!;
    assert.equal(saved.label, 'Scripted re-enter', 'the name typed first is kept');
    assert.equal(await api.secrets.getToken(saved.id, { fresh: true }), sim.aihubmix.accessToken);
  });

  it('walking away at any step saves nothing and sends nothing', async () => {
    const requests = sim.requests.length;
    const p = new ScriptedPrompter({ kind: 'aione', baseUrl: sim.aione.url, label: 'CANCEL' });
    const ids = await addWith(p);
    assert.deepEqual(p.ids(), ['kind', 'baseUrl', 'label']);
    assert.deepEqual(ids, []);
    assert.equal(sim.requests.length, requests, 'no request');
  });
});
