/**
 * The chat's key picker in a real VS Code against the simulator (both gateways): a key made with Create Key in this
 * session is offered first (AIone too, where the gateway cannot reveal a secret again), and "Create a key for chat"
 * runs the create flow on its summary with the chat preset (named "chat-<date>", every model, default limits), makes
 * the key the chat's key — an answer is then paid by it — and never puts its secret in a message.
 */
import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import type { CreateResult } from '../../../src/features/keys/flows/flows';
import type { AiGatewayTestApi } from '../../../src/extension';
import type { Simulator } from '../../simulator/index';
import type { AihubmixTokenRecord, AioneKeyRecord } from '../../simulator/types';
import { type Gateways, KINDS, startGateways, withPrompter, uniq, chatKeyNameToday } from './fixture';
import { ScriptedPrompter } from './scriptedPrompter';

async function simKeys<T>(sim: Simulator, gw: 'aione' | 'aihubmix'): Promise<T[]> {
  const base = gw === 'aione' ? sim.aione.url : sim.aihubmix.url;
  const res = await fetch(`${base}/__sim/keys?gateway=${gw}`);
  assert.equal(res.status, 200);
  return ((await res.json()) as { items: T[] }).items;
}

describe('Chat key picker: keys of this session, "Create a key for chat" (real VS Code, simulator)', function () {
  this.timeout(120000);
  let api: AiGatewayTestApi;
  let sim: Simulator;
  let fx: Gateways | undefined;
  const conn = { aione: '', aihubmix: '' };
  const chat = () => api.chat;

  before(async () => {
    fx = await startGateways('ChatKeys', { seed: 11 });
    ({ api, sim } = fx);
    conn.aione = fx.ids.aione;
    conn.aihubmix = fx.ids.aihubmix;
  });

  after(async () => {
    chat()?.answerKeyPick(undefined);
    chat()?.close();
    await chat()?.whenClosed();
    await fx?.close();
  });

  for (const gw of KINDS) {
    it(`${gw}: a key created in this session is listed first, and choosing it makes it the chat's key`, async () => {
      const name = uniq('sess');
      const p = new ScriptedPrompter({ name, summary: 'submit' }, (a) => a[0]);
      const r = await withPrompter(api, p, () =>
        vscode.commands.executeCommand<CreateResult>('aiGateway.createKey', { connectionId: conn[gw] }),
      );
      assert.equal(r.kind, 'done', p.errors.join(' | '));
      await chat().open();
      await chat().post({ type: 'selectConnection', connectionId: conn[gw] });
      const shown = chat().answerKeyPick((items) => items.findIndex((i) => i.label.includes(name)));
      try {
        await chat().post({ type: 'pickKey' });
      } finally {
        chat().answerKeyPick(undefined);
      }
      assert.equal(shown.length, 1, 'the picker was shown');
      const items = shown[0]!;
      const firstKey = items.find((i) => !i.separator)!;
      assert.ok(
        items[0]!.separator && /this session/i.test(items[0]!.label),
        'a "created in this session" group opens it',
      );
      assert.ok(firstKey.label.includes(name), `the new key comes first: ${firstKey.label}`);
      assert.ok(
        items.some((i) => /Create a key for chat/.test(i.label)),
        '"Create a key for chat" is offered',
      );
      const label = chat().state().keyLabel ?? '';
      assert.ok(label.startsWith(name), `the chat uses the new key: ${label}`);
      for (const i of items) assert.ok(!/sk-[A-Za-z0-9]{20,}/.test(`${i.label} ${i.description} ${i.detail}`));
    });

    it(`${gw}: "Create a key for chat" creates chat-<date> on the summary, selects it, and the chat answers with it`, async () => {
      await chat().open();
      await chat().post({ type: 'newConversation' });
      await chat().post({ type: 'selectConnection', connectionId: conn[gw] });
      const before = new Set(
        gw === 'aione'
          ? (await simKeys<AioneKeyRecord>(sim, 'aione')).map((k) => k.id)
          : (await simKeys<AihubmixTokenRecord>(sim, 'aihubmix')).map((k) => String(k.id)),
      );
      const p = new ScriptedPrompter({ summary: 'submit' }, (a) => a[0]);
      const shown = chat().answerKeyPick((items) => items.findIndex((i) => /Create a key for chat/.test(i.label)));
      try {
        await withPrompter(api, p, () => chat().post({ type: 'pickKey' }));
      } finally {
        chat().answerKeyPick(undefined);
      }
      assert.equal(shown.length, 1);
      assert.deepEqual(p.ids(), ['summary'], 'the create flow opened on its summary: one step');
      assert.equal(p.secrets.length, 0, 'no secret panel: the key goes straight to the chat');
      for (const m of [...p.infos, ...p.warnings, ...p.errors])
        assert.ok(!/sk-[A-Za-z0-9]{20,}/.test(m), `no secret in a message: ${m}`);
      const name = chatKeyNameToday();
      let created: { id: string; unrestricted: boolean; neverExpires: boolean } | undefined;
      if (gw === 'aione') {
        const k = (await simKeys<AioneKeyRecord>(sim, 'aione')).find((x) => !before.has(x.id) && x.name === name);
        if (k) created = { id: k.id, unrestricted: !k.models_allowed?.length, neverExpires: !k.expires_at };
      } else {
        const k = (await simKeys<AihubmixTokenRecord>(sim, 'aihubmix')).find(
          (x) => !before.has(String(x.id)) && x.name === name,
        );
        if (k)
          created = {
            id: String(k.id),
            unrestricted: k.model_limits_enabled === undefined ? !k.models : !k.model_limits_enabled || !k.models,
            neverExpires: k.expired_time === -1,
          };
      }
      assert.ok(created, `the gateway holds a new key named ${name}`);
      assert.ok(created.unrestricted, 'every model is allowed');
      assert.ok(created.neverExpires, 'no expiry (the form’s default)');
      assert.ok((chat().state().keyLabel ?? '').startsWith(name), 'the chat uses the new key');
      // the chat pays with it: the next answer is sent with the new key
      const models = await api.connections.gateway(conn[gw]).listModels();
      const m = models.find((x) => x.types?.includes('chat')) ?? models[0]!;
      await chat().post({ type: 'selectModel', modelId: m.id });
      await chat().post({ type: 'send', text: 'Say hello' });
      await chat().whenIdle();
      const turns = chat().conversation().turns;
      assert.equal(turns[turns.length - 1]!.status, 'done', turns[turns.length - 1]!.error);
      if (gw === 'aihubmix') {
        const used = (await simKeys<AihubmixTokenRecord>(sim, 'aihubmix')).find((x) => String(x.id) === created.id);
        assert.ok(used && used.used_quota > 0, 'the answer was charged to the new key');
      }
      // the next picker lists it first, as a key of this session
      const again = chat().answerKeyPick(() => undefined);
      try {
        await chat().post({ type: 'pickKey' });
      } finally {
        chat().answerKeyPick(undefined);
      }
      assert.ok(again[0]!.find((i) => !i.separator)!.label.includes(name));
    });
  }
});
