/**
 * https connections inside a real VS Code: the simulator in this extension host serves TLS with a certificate signed
 * by a test CA that runTests.ts made and gave the host's Node through NODE_EXTRA_CA_CERTS (no setting, no "disable
 * verification"). Both gateways work over https — connection check, keys tree, models, a streamed chat answer — and a
 * gateway whose certificate no trusted CA signed is refused with the network sentence, before any request reaches it.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { AiGatewayTestApi } from '../../../src/extension';
import type { KeysNode, MessageNode } from '../../../src/features/keys/nodes';
import { startSimulator, type Simulator } from '../../simulator/index';

const EXTENSION_ID = 'ai-gateway-console.ai-gateway-console';
type Kind = 'aione' | 'aihubmix';
const KINDS: readonly Kind[] = ['aione', 'aihubmix'];

const isMessage = (n: KeysNode): n is MessageNode => n.type === 'message';
const urlOf = (s: Simulator, kind: Kind): string => (kind === 'aione' ? s.aione.url : s.aihubmix.url);
const tokenOf = (s: Simulator, kind: Kind): string => (kind === 'aione' ? s.aione.adminToken : s.aihubmix.accessToken);

describe('https connections (real VS Code, simulator over TLS)', function () {
  this.timeout(120_000);
  let api: AiGatewayTestApi;
  let sim: Simulator;
  let untrusted: Simulator;
  const added: string[] = [];

  async function addConnection(kind: Kind, s: Simulator, label: string): Promise<string> {
    const p = await api.connections.add({ kind, label, baseUrl: urlOf(s, kind) }, tokenOf(s, kind));
    added.push(p.id);
    return p.id;
  }

  before(async () => {
    const dir = process.env.AGC_TEST_TLS_DIR;
    assert.ok(dir, 'runTests.ts passes the test CA (AGC_TEST_TLS_DIR)');
    assert.equal(
      process.env.NODE_EXTRA_CA_CERTS,
      path.join(dir, 'ca.pem'),
      'the extension host trusts the test CA through NODE_EXTRA_CA_CERTS',
    );
    const read = (f: string) => fs.readFileSync(path.join(dir, f), 'utf8');
    sim = await startSimulator({
      host: '127.0.0.1',
      keyCount: 12,
      seed: 31,
      streamTokensPerSecond: 0,
      tls: { ca: read('ca.pem'), cert: read('cert.pem'), key: read('key.pem') },
    });
    // a CA made in this process, after it started: not in NODE_EXTRA_CA_CERTS, so not trusted
    untrusted = await startSimulator({ host: '127.0.0.1', keyCount: 3, seed: 32, tls: true });
    const ext = vscode.extensions.getExtension<AiGatewayTestApi | undefined>(EXTENSION_ID);
    assert.ok(ext);
    const exported = await ext.activate();
    assert.ok(exported, 'the test API');
    api = exported;
  });

  after(async () => {
    for (const id of added) await api.connections.remove(id).catch(() => undefined);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await sim?.close();
    await untrusted?.close();
  });

  for (const kind of KINDS) {
    describe(kind, () => {
      let id: string;
      before(async () => {
        id = await addConnection(kind, sim, `TLS ${kind}`);
      });

      it('an https base URL is a secure connection; the connection check passes over TLS', async () => {
        assert.match(urlOf(sim, kind), /^https:\/\/127\.0\.0\.1:\d+$/);
        const profile = api.connections.get(id);
        assert.equal(profile?.baseUrl.startsWith('https://'), true);
        const before = sim.requests.length;
        const me = await api.connections.gateway(id).whoAmI();
        assert.ok(me, 'whoAmI answered');
        assert.ok(sim.requests.length > before, 'the requests reached the simulator over TLS');
      });

      it('the keys tree lists the keys over https', async () => {
        const node = api.keysView.connectionNode(id);
        assert.ok(node);
        const children = await api.keysView.getChildren(node);
        const keys = children.filter((n) => n.type === 'key');
        assert.ok(keys.length > 0, `keys, not ${children.map((c) => (isMessage(c) ? c.message : c.type)).join('; ')}`);
        assert.ok(!children.some(isMessage), 'no error item');
        await api.keysView.settled(id);
      });

      it('the gateway’s models and a streamed chat answer come over https', async () => {
        const gw = api.connections.gateway(id);
        const models = await gw.listModels();
        assert.ok(models.length > 0);
        const key = kind === 'aione' ? sim.aione.modelKey : sim.aihubmix.modelKey;
        let text = '';
        let finish: string | undefined;
        const model = models[0]!.id;
        for await (const e of gw.streamChat(
          { model, messages: [{ role: 'user', content: 'hello over tls' }] },
          { apiKey: key },
        )) {
          if (e.type === 'text') text += e.text;
          if (e.type === 'finish') finish = e.reason;
        }
        assert.ok(text.length > 0, 'streamed text');
        assert.ok(finish, 'the stream finished');
        assert.ok(sim.streams.length > 0, 'the simulator streamed the answer');
      });
    });
  }

  it('a certificate no trusted CA signed is refused: a network error item, no request reached the gateway', async () => {
    const id = await addConnection('aione', untrusted, 'Untrusted TLS');
    const before = untrusted.requests.length;
    const node = api.keysView.connectionNode(id);
    assert.ok(node);
    const children = await api.keysView.getChildren(node);
    assert.equal(children.length, 1);
    const err = children[0]!;
    assert.ok(isMessage(err) && err.kind === 'error', `an error item, not ${err.type}`);
    assert.match(err.message, /Could not reach the gateway/);
    assert.ok(!err.message.includes(untrusted.aione.adminToken), 'never the token');
    const e = await api.connections
      .gateway(id)
      .whoAmI()
      .then(
        () => undefined,
        (x: unknown) => x as { kind?: string; code?: string },
      );
    assert.equal(e?.kind, 'network');
    assert.match(
      String(e?.code),
      /SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT_LOCALLY/,
    );
    assert.equal(untrusted.requests.length, before, 'the TLS handshake failed before any request');
    await api.keysView.settled(id);
  });
});
