/**
 * Errors that say how to fix them, in a real VS Code against the simulator, for both gateways: each failure of a
 * chat answer becomes its sentence (with the gateway's request id) and buttons; running a button through the
 * panel's real router does what it says on the simulator — the model is allowed, this machine's IP added, the
 * limit raised — with every other field of the key as it was; top-up opens the console's page; "Try <model>"
 * answers with a healthy alternative; "Copy request id" copies it. VS Code's chat (through another extension)
 * gets the sentence in its LanguageModelError, and the fix offered once per kind of problem.
 */
import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import type { AiGatewayTestApi } from '../../../src/extension';
import type { ConsumerApi } from '../../fixtures/lm-consumer/extension';
import type { AioneKeyRecord, AihubmixTokenRecord } from '../../simulator/types';
import type { Simulator } from '../../simulator/index';
import { type Gateways, type Kind, KINDS, startGateways, withPrompter } from './fixture';
import { ScriptedPrompter } from './scriptedPrompter';

describe('Errors that say how to fix them (real VS Code, simulator)', function () {
  this.timeout(120000);
  let api: AiGatewayTestApi;
  let sim: Simulator;
  let fx: Gateways | undefined;
  const conn: Record<Kind, string> = { aione: '', aihubmix: '' };
  const MODEL = 'gpt-4.1';
  const OTHER = 'gpt-4o';

  const chat = () => api.chat;
  const lastAnswer = () => {
    const t = chat().conversation().turns.at(-1);
    assert.ok(t && t.role === 'assistant', 'the last turn is the answer');
    return t;
  };
  const aioneKey = (): AioneKeyRecord => sim.state.aione.keys.find((k) => k.id === sim.state.aione.modelKeyId)!;
  const hubToken = (): AihubmixTokenRecord =>
    sim.state.aihubmix.tokens.find((t) => t.id === sim.state.aihubmix.modelTokenId)!;
  /** The key fields a fix must not touch, as the simulator stores them. */
  const untouched = (kind: Kind) => {
    if (kind === 'aione') {
      const { name, team_id, tpm_limit, expires_at, is_sandbox, status } = aioneKey();
      return { name, team_id, tpm_limit, expires_at, is_sandbox, status };
    }
    const { name, expired_time, unlimited_quota, status } = hubToken();
    return { name, expired_time, unlimited_quota, status };
  };

  async function ask(kind: Kind, model = MODEL): Promise<void> {
    await chat().post({ type: 'selectConnection', connectionId: conn[kind] });
    await chat().post({ type: 'selectModel', modelId: model });
    await chat().post({ type: 'send', text: 'Hello there' });
  }

  async function fix(id: string, p = new ScriptedPrompter()): Promise<ScriptedPrompter> {
    const turn = lastAnswer();
    assert.ok(
      chat()
        .fixes(turn.id)
        .some((f) => f.id === id),
      `the answer offers ${id}: ${JSON.stringify(chat().fixes(turn.id))}`,
    );
    await withPrompter(api, p, () => chat().post({ type: 'runFix', turnId: turn.id, fix: id }));
    return p;
  }

  before(async () => {
    fx = await startGateways('Fixes', { seed: 23, variants: { keyLimits: 'enforced' } });
    ({ api, sim } = fx);
    conn.aione = fx.ids.aione;
    conn.aihubmix = fx.ids.aihubmix;
    await chat().useKey(conn.aione, { secret: sim.aione.modelKey, label: 'pasted' });
    await chat().useKey(conn.aihubmix, { keyId: String(sim.state.aihubmix.modelTokenId) });
    api.fixes.recordOnly(true);
    await vscode.workspace
      .getConfiguration('aiGateway')
      .update('fixes.publicIpService', `${sim.aione.url}/__sim/ip`, vscode.ConfigurationTarget.Global);
    await chat().open();
  });

  after(async () => {
    api.fixes.recordOnly(false);
    await vscode.workspace
      .getConfiguration('aiGateway')
      .update('fixes.publicIpService', undefined, vscode.ConfigurationTarget.Global);
    chat()?.close();
    await chat()?.whenClosed();
    await fx?.close();
  });

  for (const kind of KINDS) {
    it(`${kind}: model not allowed → "Allow ${OTHER} on <key>" opens the edit at the models step; the model is allowed, nothing else changes`, async () => {
      if (kind === 'aione') aioneKey().models_allowed = [MODEL];
      else hubToken().models = MODEL;
      const before = untouched(kind);
      await ask(kind, OTHER);
      const answer = lastAnswer();
      assert.equal(answer.status, 'error');
      assert.match(answer.error ?? '', new RegExp(`not allowed to use ${OTHER.replace('.', '\\.')}`));
      assert.match(answer.error ?? '', /Request id: \S+\./, 'the request id is in the sentence');
      const label =
        chat()
          .fixes(answer.id)
          .find((f) => f.id === 'allow-model')?.label ?? '';
      assert.match(label, new RegExp(`^Allow ${OTHER.replace('.', '\\.')} on `));
      const p = await fix('allow-model');
      assert.deepEqual(p.ids(), ['modelsAllowed', 'summary'], 'opened at the models step, then the summary');
      const allowed = kind === 'aione' ? aioneKey().models_allowed : (hubToken().models ?? '').split(',');
      assert.deepEqual([...(allowed ?? [])].sort(), [MODEL, OTHER].sort());
      assert.deepEqual(untouched(kind), before, 'no other field of the key changed');
      await chat().post({ type: 'regenerate' });
      assert.equal(lastAnswer().status, 'done', lastAnswer().error);
      if (kind === 'aione') aioneKey().models_allowed = [];
      else hubToken().models = '';
    });

    it(`${kind}: IP not in the key's subnet → "Add this machine's IP" appends it (asking the IP service only when the gateway did not say)`, async () => {
      if (kind === 'aione') aioneKey().allowed_ips = ['10.0.0.0/8'];
      else hubToken().subnet = '10.0.0.0/8';
      const before = untouched(kind);
      await ask(kind);
      const answer = lastAnswer();
      assert.match(answer.error ?? '', /allowed IPs/);
      const p = await fix('add-ip');
      if (kind === 'aione') {
        assert.equal(p.confirms.length, 1, 'AIone does not name the address: the IP service is asked, after saying so');
        assert.match(p.confirms[0]!.message, /127\.0\.0\.1:\d+/);
      } else {
        assert.equal(p.confirms.length, 0, 'one-api named the address it saw: no other service is asked');
        assert.match(answer.error ?? '', /\(127\.0\.0\.1\)/);
      }
      assert.equal(p.shown[0]?.id, 'allowedIps');
      assert.equal(p.shown[0]?.value, '10.0.0.0/8, 127.0.0.1', 'pre-filled: the old list, then this machine');
      const ips = kind === 'aione' ? aioneKey().allowed_ips : hubToken().subnet?.split(',');
      assert.deepEqual(ips, ['10.0.0.0/8', '127.0.0.1']);
      assert.deepEqual(untouched(kind), before);
      await chat().post({ type: 'regenerate' });
      assert.equal(lastAnswer().status, 'done', lastAnswer().error);
      if (kind === 'aione') aioneKey().allowed_ips = [];
      else hubToken().subnet = '';
    });
  }

  it('aione: RPM limit → the limit, when to retry, and "Raise the limit" (edit at that step)', async () => {
    aioneKey().rpm_limit = 1;
    const before = untouched('aione');
    await ask('aione'); // passes unless an earlier request of this minute used the one allowed
    await ask('aione');
    const answer = lastAnswer();
    assert.match(answer.error ?? '', /reached its limit of 1 requests per minute\. Try again in \d+ s\./);
    const p = await fix('raise-limit', new ScriptedPrompter({ rpmLimit: '100' }));
    assert.deepEqual(p.ids(), ['rpmLimit', 'summary']);
    assert.equal(aioneKey().rpm_limit, 100);
    assert.deepEqual(untouched('aione'), before);
    aioneKey().rpm_limit = null;
  });

  it('aihubmix: a saturated group is a limit of the gateway, not of the key: no "Raise the limit"', async () => {
    sim.faults.add({ gateway: 'aihubmix', path: '/v1/chat/completions', fault: { kind: 'status', status: 429 } });
    await ask('aihubmix');
    const answer = lastAnswer();
    assert.match(answer.error ?? '', /not a setting of the key/);
    assert.ok(
      !chat()
        .fixes(answer.id)
        .some((f) => f.id === 'raise-limit'),
    );
    assert.ok(
      chat()
        .fixes(answer.id)
        .some((f) => f.id === 'copy-request-id'),
    );
  });

  for (const kind of KINDS) {
    it(`${kind}: balance used up → the balance, and "Top up" opens the console's top-up page`, async () => {
      const restore =
        kind === 'aione'
          ? (
              (b) => () =>
                (sim.state.aione.balanceE4 = b)
            )(sim.state.aione.balanceE4)
          : (
              (q) => () =>
                (sim.state.aihubmix.user.quota = q)
            )(sim.state.aihubmix.user.quota);
      if (kind === 'aione') sim.state.aione.balanceE4 = 0;
      else sim.state.aihubmix.user.quota = 0;
      try {
        await ask(kind);
        const answer = lastAnswer();
        assert.match(
          answer.error ?? '',
          kind === 'aione' ? /balance is used up \(balance ¥0\.00\)/ : /balance is used up \(balance \$0\.00\)/,
        );
        const opened = api.fixes.record().opened.length;
        await fix('top-up');
        const url = kind === 'aione' ? `${sim.aione.url}/billing` : `${sim.aihubmix.url}/topup`;
        assert.deepEqual(api.fixes.record().opened.slice(opened), [url]);
      } finally {
        restore();
      }
    });

    it(`${kind}: upstream down → "Try <alternative>" answers with a healthy model; "Copy request id" copies the id`, async () => {
      sim.faults.add({ gateway: kind, model: MODEL, fault: { kind: 'status', status: 503 } });
      await ask(kind);
      const answer = lastAnswer();
      const alt = chat()
        .fixes(answer.id)
        .find((f) => f.id === 'try-model');
      assert.ok(alt, `offers another model: ${answer.error}`);
      assert.match(answer.error ?? '', /unavailable right now\. \S+ is available instead\./);
      const id = /Request id: (\S+)\./.exec(answer.error ?? '')?.[1];
      assert.ok(id, 'the sentence carries the request id');
      await fix('copy-request-id');
      assert.equal(await vscode.env.clipboard.readText(), id);
      await fix('try-model');
      const again = lastAnswer();
      assert.equal(again.status, 'done', again.error);
      assert.notEqual(again.model, MODEL);
      assert.equal(`Try ${again.model}`, alt.label);
      assert.equal(chat().conversation().modelId, again.model, 'the conversation goes on with the alternative');
    });
  }

  it("VS Code's chat: the LanguageModelError carries the sentence; the fix is offered once per kind of problem", async () => {
    const ext = vscode.extensions.getExtension<ConsumerApi>('agc-test.lm-consumer');
    assert.ok(ext);
    const consumer = await ext.activate();
    await api.lm.useKey(conn.aihubmix, { keyId: String(sim.state.aihubmix.modelTokenId) });
    hubToken().models = MODEL;
    try {
      const id = `${conn.aihubmix}/${OTHER}`;
      for (let i = 0; !(await consumer.select({ vendor: 'aiGateway' })).some((m) => m.id === id); i++) {
        assert.ok(i < 100, `${id} in VS Code's model list`);
        await new Promise((r) => setTimeout(r, 100));
      }
      const offered = api.fixes.record().offered.length;
      const first = await consumer.ask(id, [{ role: 'user', text: 'hi' }]);
      assert.ok(first.error?.isLanguageModelError, JSON.stringify(first.error));
      assert.match(
        first.error.message,
        new RegExp(`not allowed to use ${OTHER.replace('.', '\\.')}.*Request id: \\d+\\.`),
      );
      const second = await consumer.ask(id, [{ role: 'user', text: 'hi again' }]);
      assert.ok(second.error);
      assert.equal(api.fixes.record().offered.length, offered + 1, 'one notification for the two failures');
    } finally {
      hubToken().models = '';
    }
  });
});
