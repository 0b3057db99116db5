/**
 * The key picker of VS Code's chat ("Choose Model Key", also shown when VS Code asks for models non-silently) in a
 * real VS Code against the simulator, both gateways: it offers what the chat panel's offers — the keys created in this
 * session first (AIone too, where the gateway cannot reveal a secret again) and "Create a key for chat" — and the key
 * chosen or created becomes the connection's model key, with no secret in what it shows.
 */
import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import type { CreateResult } from '../../../src/features/keys/flows/flows';
import type { AiGatewayTestApi } from '../../../src/extension';
import { type Gateways, KINDS, startGateways, withPrompter, uniq, chatKeyNameToday } from './fixture';
import { ScriptedPrompter } from './scriptedPrompter';

describe('VS Code chat\'s key picker: keys of this session, "Create a key for chat" (real VS Code, simulator)', function () {
  this.timeout(120000);
  let api: AiGatewayTestApi;
  let fx: Gateways | undefined;
  const conn = { aione: '', aihubmix: '' };

  before(async () => {
    fx = await startGateways('LmKeys', { seed: 12 });
    api = fx.api;
    conn.aione = fx.ids.aione;
    conn.aihubmix = fx.ids.aihubmix;
  });

  after(async () => {
    api?.lm.answerKeyPick(undefined);
    await fx?.close();
  });

  const choose = (connectionId: string) =>
    vscode.commands.executeCommand<'stored' | 'forgotten' | undefined>('aiGateway.chooseChatModelKey', {
      connectionId,
    });

  for (const gw of KINDS) {
    it(`${gw}: a key created in this session is listed first; choosing it makes it the model key`, async () => {
      const name = uniq('lmsess');
      const p = new ScriptedPrompter({ name, summary: 'submit' }, (a) => a[0]);
      const r = await withPrompter(api, p, () =>
        vscode.commands.executeCommand<CreateResult>('aiGateway.createKey', { connectionId: conn[gw] }),
      );
      assert.equal(r.kind, 'done', p.errors.join(' | '));
      const shown = api.lm.answerKeyPick((items) => items.findIndex((i) => i.label.includes(name)));
      let result: string | undefined;
      try {
        result = await choose(conn[gw]);
      } finally {
        api.lm.answerKeyPick(undefined);
      }
      assert.equal(shown.length, 1, 'the picker was shown');
      const items = shown[0]!;
      assert.ok(
        items[0]!.separator && /this session/i.test(items[0]!.label),
        'a "created in this session" group opens it',
      );
      assert.ok(items.find((i) => !i.separator)!.label.includes(name), 'the new key comes first');
      assert.ok(
        items.some((i) => /Create a key for chat/.test(i.label)),
        '"Create a key for chat" is offered',
      );
      assert.equal(result, 'stored');
      assert.ok((api.lm.keyLabel(conn[gw]) ?? '').startsWith(name), `the model key: ${api.lm.keyLabel(conn[gw])}`);
      for (const i of items) assert.ok(!/sk-[A-Za-z0-9]{20,}/.test(`${i.label} ${i.description} ${i.detail}`));
    });

    it(`${gw}: "Create a key for chat" creates chat-<date> on the summary and makes it the model key`, async () => {
      const p = new ScriptedPrompter({ summary: 'submit' }, (a) => a[0]);
      const shown = api.lm.answerKeyPick((items) => items.findIndex((i) => /Create a key for chat/.test(i.label)));
      let result: string | undefined;
      try {
        result = await withPrompter(api, p, () => choose(conn[gw]));
      } finally {
        api.lm.answerKeyPick(undefined);
      }
      assert.equal(shown.length, 1);
      assert.deepEqual(p.ids(), ['summary'], 'the create flow opened on its summary: one step');
      assert.equal(p.secrets.length, 0, 'no secret panel: the key goes straight to VS Code chat');
      for (const m of [...p.infos, ...p.warnings, ...p.errors])
        assert.ok(!/sk-[A-Za-z0-9]{20,}/.test(m), `no secret in a message: ${m}`);
      assert.equal(result, 'stored');
      assert.ok(
        (api.lm.keyLabel(conn[gw]) ?? '').startsWith(chatKeyNameToday()),
        `the model key: ${api.lm.keyLabel(conn[gw])}`,
      );
      const keys = await api.connections.gateway(conn[gw]).listKeys({ page: 0, pageSize: 100 });
      assert.ok(
        keys.items.some((k) => k.name === chatKeyNameToday()),
        `the gateway holds a key named ${chatKeyNameToday()}`,
      );
    });
  }
});
