/**
 * Create a key in as few steps as the gateways' consoles: every step of a new key offers "Review and create", which
 * takes that step's answer and jumps to the summary (the steps in between keep their defaults). In a real VS Code
 * against the simulator, for both gateways; each test asserts what the SIMULATOR holds afterwards.
 */
import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import type { CreateResult } from '../../../src/features/keys/flows/flows';
import { CHAT_MODELS } from '../../simulator/catalog';
import type { Simulator } from '../../simulator/index';
import type { AihubmixTokenRecord, AioneKeyRecord } from '../../simulator/types';
import { startGateways, withPrompter, type Gateways, uniq } from './fixture';
import { ScriptedPrompter } from './scriptedPrompter';

async function simKeys<T>(sim: Simulator, gateway: 'aione' | 'aihubmix'): Promise<T[]> {
  const base = gateway === 'aione' ? sim.aione.url : sim.aihubmix.url;
  const res = await fetch(`${base}/__sim/keys?gateway=${gateway}`);
  assert.equal(res.status, 200);
  return ((await res.json()) as { items: T[] }).items;
}

describe('key create: review and create from any step', function () {
  this.timeout(60000);
  let g: Gateways;
  const model = CHAT_MODELS[0]!.id;

  const run = (p: ScriptedPrompter, command: string, arg: object) =>
    withPrompter(g.api, p, () => vscode.commands.executeCommand<CreateResult>(command, arg));

  before(async () => {
    g = await startGateways('RV');
  });
  after(() => g?.close());

  for (const gateway of ['aione', 'aihubmix'] as const) {
    describe(gateway === 'aione' ? 'AIone' : 'AIHubMix', () => {
      const id = () => g.ids[gateway];

      it('name, then Review: two steps to the summary, every field at its default, the key created once', async () => {
        const name = uniq('rv-min');
        const p = new ScriptedPrompter({ name: { value: name, review: true }, summary: 'submit' });
        const r = await run(p, 'aiGateway.createKey', { connectionId: id() });
        assert.equal(r.kind, 'done', `errors: ${p.errors.join(' | ')}`);
        assert.deepEqual(p.ids(), ['name', 'summary']);
        assert.ok(p.shown[0]!.review, 'the name step offers the review button');
        if (gateway === 'aione') {
          const k = (await simKeys<AioneKeyRecord>(g.sim, 'aione')).filter((x) => x.name === name);
          assert.equal(k.length, 1, 'created once');
          assert.deepEqual(k[0]!.models_allowed ?? [], [], 'all models');
          assert.deepEqual(k[0]!.allowed_ips ?? [], [], 'any IP');
          assert.equal(k[0]!.expires_at ?? null, null, 'never expires');
        } else {
          const t = (await simKeys<AihubmixTokenRecord>(g.sim, 'aihubmix')).filter((x) => x.name === name);
          assert.equal(t.length, 1, 'created once');
          assert.equal(t[0]!.models ?? '', '', 'all models');
          assert.equal(t[0]!.subnet ?? '', '', 'any IP');
          assert.equal(t[0]!.unlimited_quota, true, 'no quota');
          assert.equal(t[0]!.expired_time, -1, 'never expires');
        }
        assert.equal(p.secrets.length, 1, 'the new key shown in its panel');
      });

      it('answers kept up to the step where Review was pressed, that step included; the rest at their defaults', async () => {
        const name = uniq('rv-mid');
        const p = new ScriptedPrompter({
          name,
          modelsAllowed: [[model]],
          allowedIps: { value: '10.1.2.3', review: true },
          summary: 'submit',
        });
        const r = await run(p, 'aiGateway.createKey', { connectionId: id() });
        assert.equal(r.kind, 'done', `errors: ${p.errors.join(' | ')}`);
        assert.deepEqual(p.ids(), ['name', 'modelsAllowed', 'allowedIps', 'summary']);
        assert.ok(
          p.shown.filter((s) => s.id !== 'summary').every((s) => s.review),
          'each field step offers the review button',
        );
        if (gateway === 'aione') {
          const k = (await simKeys<AioneKeyRecord>(g.sim, 'aione')).find((x) => x.name === name)!;
          assert.deepEqual(k.models_allowed, [model]);
          assert.deepEqual(k.allowed_ips, ['10.1.2.3']);
          assert.equal(k.rpm_limit ?? null, null, 'a later step kept its default');
        } else {
          const t = (await simKeys<AihubmixTokenRecord>(g.sim, 'aihubmix')).find((x) => x.name === name)!;
          assert.equal(t.models, model);
          assert.equal(t.subnet, '10.1.2.3');
          assert.equal(t.unlimited_quota, true, 'a later step kept its default');
        }
      });

      it('a step reopened from the summary, and every step of Edit, offers no review button (it returns to the summary anyway)', async () => {
        const name = uniq('rv-edit');
        const p = new ScriptedPrompter({
          name: [{ value: name, review: true }, `${name}-2`],
          summary: ['name', 'submit'],
        });
        assert.equal((await run(p, 'aiGateway.createKey', { connectionId: id() })).kind, 'done');
        assert.deepEqual(p.ids(), ['name', 'summary', 'name', 'summary']);
        assert.equal(p.shown[2]!.review, undefined, 'reopened from the summary: no review button');
        const all =
          gateway === 'aione'
            ? await simKeys<AioneKeyRecord>(g.sim, 'aione')
            : await simKeys<AihubmixTokenRecord>(g.sim, 'aihubmix');
        const key = all.find((k) => k.name === `${name}-2`);
        assert.ok(key, 'created with the changed name');

        const e = new ScriptedPrompter({ summary: ['name', 'submit'], name: `${name}-3` });
        assert.equal((await run(e, 'aiGateway.editKey', { connectionId: id(), keyId: String(key.id) })).kind, 'done');
        assert.ok(
          e.shown.every((s) => s.review === undefined),
          `no review button in Edit: ${e.shown.map((s) => s.id).join(', ')}`,
        );
      });
    });
  }
});
