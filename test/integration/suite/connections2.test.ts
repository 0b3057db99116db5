/**
 * Connection extras in a real VS Code against the gateway simulator: Edit Connection and Update Token change what
 * is stored (the profile in the user settings, the token in SecretStorage) only after a live check, a wrong token
 * is rejected and not stored; "Connect to the demo gateway" adds both simulated gateways from the env-style JSON
 * and is idempotent.
 */
import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import type { Simulator } from '../../simulator/index';
import { openSimulator, savedProfiles, type SimulatorFixture } from './fixture';

const errorKind = (e: unknown): string | undefined =>
  e && typeof e === 'object' && 'kind' in e ? String(e.kind) : undefined;

describe('Connection extras: edit, update token, demo gateway (simulator)', function () {
  this.timeout(60000);
  let f: SimulatorFixture;
  let api: SimulatorFixture['api'];
  let sim: Simulator;
  /** This suite's connections, in the order added. */
  const added: string[] = [];
  before(async () => {
    f = await openSimulator({ keyCount: 4 });
    ({ api, sim } = f);
  });
  after(() => f?.close());

  const add = async (kind: 'aione' | 'aihubmix', label: string): Promise<string> => {
    const id = await f.add(kind, label);
    added.push(id);
    return id;
  };

  it('aione: Edit Connection checks live, then stores the new label and chat base URL in the user settings', async () => {
    const id = await add('aione', 'Edit me');
    const before = sim.requests.length;
    const r = await api.connectionEdits.edit(id, { label: 'Edited AIone', chatBaseUrl: `${sim.aione.url}/v1` });
    assert.ok(
      sim.requests.slice(before).some((q) => q.gateway === 'aione' && q.path === '/api/v1/gateway/keys'),
      'the gateway was asked before saving',
    );
    assert.equal(r.profile.label, 'Edited AIone');
    const saved = savedProfiles().find((p) => p['id'] === id);
    assert.ok(saved);
    assert.equal(saved['label'], 'Edited AIone');
    assert.equal(saved['chatBaseUrl'], `${sim.aione.url}/v1`);
    assert.equal(api.connections.get(id)?.label, 'Edited AIone');
    // removing the chat base URL again
    await api.connectionEdits.edit(id, { chatBaseUrl: '' });
    assert.equal(savedProfiles().find((p) => p['id'] === id)?.['chatBaseUrl'], undefined);
  });

  it('aione: an edit the gateway does not accept (wrong base URL) is not saved', async () => {
    const id = added[0]!;
    const before = JSON.stringify(savedProfiles());
    // a loopback port nothing listens on: the live check fails with a network error
    await assert.rejects(
      api.connectionEdits.edit(id, { baseUrl: 'http://127.0.0.1:9' }),
      (e: unknown) => errorKind(e) === 'network',
    );
    // the AIHubMix simulator is not an AIone gateway: the check fails too
    await assert.rejects(api.connectionEdits.edit(id, { baseUrl: sim.aihubmix.url }));
    assert.equal(JSON.stringify(savedProfiles()), before, 'the settings did not change');
    // and plain http:// to another machine is refused outright (without the confirmation)
    await assert.rejects(
      api.connectionEdits.edit(id, { baseUrl: 'http://gateway.example.com' }),
      (e: unknown) => e instanceof Error && e.name === 'InvalidBaseUrlError',
    );
  });

  it('aihubmix: switching to the raw Authorization header is checked and stored; requests then use it', async () => {
    const id = await add('aihubmix', 'Hub edit');
    await api.connectionEdits.edit(id, { rawAuthHeader: true });
    assert.equal(savedProfiles().find((p) => p['id'] === id)?.['rawAuthHeader'], true);
    const before = sim.requests.length;
    await api.connections.test(id);
    const sent = sim.requests.slice(before).filter((q) => q.gateway === 'aihubmix');
    assert.ok(
      sent.length > 0 && sent.every((q) => q.headers['authorization'] === '***'),
      'no "Bearer" prefix any more',
    );
    await api.connectionEdits.edit(id, { rawAuthHeader: false });
    assert.equal(savedProfiles().find((p) => p['id'] === id)?.['rawAuthHeader'], undefined);
  });

  for (const kind of ['aione', 'aihubmix'] as const) {
    it(`${kind}: Update Token rejects a wrong token (nothing stored) and stores a good one after the live check`, async () => {
      const id = await add(kind, `Token ${kind}`);
      const good = kind === 'aione' ? sim.aione.adminToken : sim.aihubmix.accessToken;
      const wrong = `wrong${randomBytes(12).toString('hex')}`;
      await assert.rejects(api.connectionEdits.updateToken(id, wrong), (e: unknown) => errorKind(e) === 'auth');
      assert.equal(await api.secrets.getToken(id, { fresh: true }), good, 'the wrong token was not stored');
      // a connection whose stored token went bad ("token rejected") is fixed by Update Token
      await api.secrets.storeToken(id, wrong);
      await assert.rejects(api.connections.test(id), (e: unknown) => errorKind(e) === 'auth');
      await api.connectionEdits.updateToken(id, `  ${good}  `);
      assert.equal(
        await api.secrets.getToken(id, { fresh: true }),
        good,
        'the new token is in SecretStorage (trimmed)',
      );
      await api.connections.test(id);
      assert.ok(
        !JSON.stringify(savedProfiles()).includes(good) && !JSON.stringify(savedProfiles()).includes(wrong),
        'no token in the settings',
      );
    });
  }

  describe('demo gateway', () => {
    const demoJson = (): string =>
      JSON.stringify({
        aione: { url: sim.aione.url, adminToken: sim.aione.adminToken, modelKey: sim.aione.modelKey },
        aihubmix: {
          url: sim.aihubmix.url,
          accessToken: sim.aihubmix.accessToken,
          modelKey: sim.aihubmix.modelKey,
          userId: sim.aihubmix.userId,
        },
        focus: false,
      });

    it('connectDemo adds "Demo AIone" and "Demo AIHubMix" with their tokens in SecretStorage; a second run adds nothing', async () => {
      // the other tests' connections use the same simulator: take them out so the demo's are new
      for (const id of added.splice(0)) await api.connections.remove(id);
      const n = api.connections.list().length;
      const r = await api.demo.connect(demoJson());
      for (const p of r.added) {
        added.push(p.id);
        f.track(p.id);
      }
      assert.deepEqual(r.added.map((p) => [p.kind, p.label, p.baseUrl]).sort(), [
        ['aihubmix', 'Demo AIHubMix', sim.aihubmix.url],
        ['aione', 'Demo AIone', sim.aione.url],
      ]);
      assert.equal(api.connections.list().length, n + 2);
      for (const p of r.added) {
        assert.equal(
          await api.secrets.getToken(p.id, { fresh: true }),
          p.kind === 'aione' ? sim.aione.adminToken : sim.aihubmix.accessToken,
        );
        assert.ok(
          savedProfiles().some((s) => s['id'] === p.id && s['label'] === p.label),
          'the profile is in the user settings',
        );
        await api.connections.test(p.id); // and it works against the simulator
      }
      const again = await api.demo.connect(demoJson());
      assert.equal(again.added.length, 0, 'idempotent');
      assert.deepEqual(again.skipped.map((p) => p.id).sort(), r.added.map((p) => p.id).sort());
      assert.equal(api.connections.list().length, n + 2);
      // a demo connection whose token went missing gets it back
      await api.secrets.deleteToken(r.added[0]!.id);
      await api.demo.connect(demoJson());
      assert.ok(await api.secrets.getToken(r.added[0]!.id, { fresh: true }));
    });

    it('the demo JSON is validated: not JSON, no gateway, or a non-loopback http:// URL are refused', async () => {
      const n = api.connections.list().length;
      await assert.rejects(api.demo.connect('{not json'), /not valid JSON/);
      await assert.rejects(api.demo.connect('{}'), /invalid/);
      await assert.rejects(
        api.demo.connect(JSON.stringify({ aione: { url: 'http://gateway.example.com', adminToken: 'x' } })),
        /aione\.url/,
      );
      assert.equal(api.connections.list().length, n, 'nothing was added');
    });
  });
});
