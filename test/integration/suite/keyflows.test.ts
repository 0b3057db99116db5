/**
 * The key write flows in a real VS Code against the gateway simulator, for both gateways: create (every field the
 * gateway offers), edit, refusals mapped to their step (422 / success:false), 429, a dropped connection (answers
 * kept), verify after write, server-side and client-side rotation (reminder persisted, disabled when due, found
 * again after a "reload"). A scripted Prompter answers each step and records what it was shown; every test asserts
 * what the SIMULATOR holds afterwards.
 */
import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import type { CreateResult } from '../../../src/features/keys/flows/flows';
import type { RotateOutcome } from '../../../src/features/keys/flows/rotate';
import type { PendingRotation } from '../../../src/features/keys/flows/rotations';
import type { PickStep } from '../../../src/platform/prompter';
import { CHAT_MODELS } from '../../simulator/catalog';
import { startSimulator, type Simulator } from '../../simulator/index';
import type { AihubmixTokenRecord, AioneKeyRecord } from '../../simulator/types';
import { startGateways, withPrompter as withPrompterOf, type Gateways, uniq } from './fixture';
import { ScriptedPrompter } from './scriptedPrompter';

// ------------------------------------------------------------------ helpers

async function simKeys<T>(sim: Simulator, gateway: 'aione' | 'aihubmix'): Promise<T[]> {
  const base = gateway === 'aione' ? sim.aione.url : sim.aihubmix.url;
  const res = await fetch(`${base}/__sim/keys?gateway=${gateway}`);
  assert.equal(res.status, 200);
  return ((await res.json()) as { items: T[] }).items;
}

async function chat(url: string, key: string, model: string): Promise<number> {
  const res = await fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hello' }] }),
  });
  await res.text();
  return res.status;
}

const sameSet = (a: readonly string[] | null | undefined, b: readonly string[]) =>
  assert.deepEqual([...(a ?? [])].sort(), [...b].sort());
const csv = (s: string | null) => (s ? s.split(',').filter((x) => x !== '') : []);
const localYmd = (ms: number) => {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
};

describe('key write flows (create / edit / rotate) against the simulator', function () {
  this.timeout(60000);
  let g: Gateways;
  let api: Gateways['api'];
  let sim: Simulator;
  let aioneId: string;
  let hubId: string;
  const chatModels = CHAT_MODELS.slice(0, 2).map((m) => m.id);

  /** Runs `fn` with `p` as the flows' prompter. */
  const withPrompter = <T>(p: ScriptedPrompter, fn: () => Thenable<T> | Promise<T>): Promise<T> =>
    withPrompterOf(api, p, fn);

  const create = (p: ScriptedPrompter, connectionId: string) =>
    withPrompter(p, () => vscode.commands.executeCommand<CreateResult>('aiGateway.createKey', { connectionId }));
  const edit = (p: ScriptedPrompter, connectionId: string, keyId: string) =>
    withPrompter(p, () => vscode.commands.executeCommand<CreateResult>('aiGateway.editKey', { connectionId, keyId }));
  const rotate = (p: ScriptedPrompter, connectionId: string, keyId: string) =>
    withPrompter(p, () =>
      vscode.commands.executeCommand<RotateOutcome>('aiGateway.rotateKey', { connectionId, keyId }),
    );

  before(async () => {
    g = await startGateways('KF');
    ({ api, sim } = g);
    ({ aione: aioneId, aihubmix: hubId } = g.ids);
  });

  after(async () => {
    for (const r of api?.keyFlows.rotations.list() ?? []) await api.keyFlows.rotations.cancel(r);
    await g?.close();
  });

  // ================================================================== AIone

  describe('AIone', () => {
    let created: AioneKeyRecord;

    it('creates a key with every field AIone offers; the secret is shown once; the step counter covers only offered steps', async () => {
      const name = uniq('kf-all');
      const p = new ScriptedPrompter({
        name,
        modelsAllowed: [chatModels],
        allowedIps: '10.0.0.1, 192.168.0.0/16, 2001:db8::/32',
        rpmLimit: '120',
        tpmLimit: '50000',
        expiresAt: 'days:30',
        isSandbox: 'yes',
        teamId: (s) => (s as PickStep).items.find((i) => i.id !== '')!.id,
      });
      const before = Date.now();
      const r = await create(p, aioneId);
      assert.equal(r.kind, 'done', `errors: ${p.errors.join(' | ')}`);
      assert.deepEqual(p.ids(), [
        'name',
        'modelsAllowed',
        'allowedIps',
        'rpmLimit',
        'tpmLimit',
        'expiresAt',
        'isSandbox',
        'teamId',
        'summary',
      ]);
      assert.deepEqual(
        p.shown.map((s) => `${s.step}/${s.totalSteps}`),
        ['1/9', '2/9', '3/9', '4/9', '5/9', '6/9', '7/9', '8/9', '9/9'],
      );
      const teamId = p.shown.find((s) => s.id === 'teamId')!.items!.find((i) => i !== '')!;

      const k = (await simKeys<AioneKeyRecord>(sim, 'aione')).find((x) => x.name === name);
      assert.ok(k, 'the simulator holds the key');
      sameSet(k.models_allowed, chatModels);
      sameSet(k.allowed_ips, ['10.0.0.1', '192.168.0.0/16', '2001:db8::/32']);
      assert.equal(k.rpm_limit, 120);
      assert.equal(k.tpm_limit, 50000);
      assert.equal(k.is_sandbox, true);
      assert.equal(k.team_id, teamId);
      const exp = Date.parse(k.expires_at ?? '');
      assert.ok(
        exp >= Math.floor(before / 1000) * 1000 + 30 * 86_400_000 - 1000 && exp <= Date.now() + 30 * 86_400_000,
        `expires_at ${k.expires_at}`,
      );
      // the full key once, equal to what the gateway holds; verify after write found nothing to warn about
      assert.equal(p.secrets.length, 1);
      assert.equal(p.secrets[0]!.secret, k.secret);
      assert.equal(p.secrets[0]!.panel.once, true, 'AIone cannot show it again: the panel says "shown only now"');
      assert.deepEqual(p.warnings, []);
      assert.deepEqual(r.mismatches, []);
      assert.deepEqual(
        p.progressShown.map((x) => x.where),
        [{ viewId: 'aiGateway.connections' }, { viewId: 'aiGateway.connections' }],
        'progress on the view the action started from',
      );
      created = k;
    });

    it('validates as you type; a 422 (invalid IP, rpm 0) sends the user back to those steps with the message, answers kept', async () => {
      const name = uniq('kf-422');
      const p = new ScriptedPrompter({
        name,
        allowedIps: [{ value: '10.0.0.300', expectInvalid: true }, { value: '10.0.0.300', force: true }, '10.0.0.3'],
        rpmLimit: [{ value: '0', force: true }, '60'],
        tpmLimit: '1000',
      });
      const r = await create(p, aioneId);
      assert.equal(r.kind, 'done', `errors: ${p.errors.join(' | ')}`);
      assert.match(p.validations['allowedIps']![0]!, /10\.0\.0\.300/);
      assert.match(p.validations['rpmLimit']![0]!, /at least 1/);
      // after the summary, the gateway's 422 brought back both steps, each with its message, then the summary again
      const after = p.ids().slice(p.ids().indexOf('summary'));
      assert.deepEqual(after, ['summary', 'allowedIps', 'rpmLimit', 'summary']);
      const ipsAgain = p.shown.filter((s) => s.id === 'allowedIps')[1]!;
      assert.match(ipsAgain.validationMessage ?? '', /not a valid IPv4\/IPv6 address or CIDR/);
      assert.equal(ipsAgain.value, '10.0.0.300', 'the answer is kept on the step');
      assert.match(
        p.shown.filter((s) => s.id === 'rpmLimit')[1]!.validationMessage ?? '',
        /greater than or equal to 1/,
      );
      const keys = (await simKeys<AioneKeyRecord>(sim, 'aione')).filter((x) => x.name === name);
      assert.equal(keys.length, 1, 'created once, after the fix');
      assert.equal(keys[0]!.rpm_limit, 60);
      assert.equal(keys[0]!.tpm_limit, 1000, 'the other answers were kept');
      sameSet(keys[0]!.allowed_ips, ['10.0.0.3']);
    });

    it('a 429 on create: the rate-limited sentence, nothing created, answers kept', async () => {
      const name = uniq('kf-429');
      sim.faults.add({
        gateway: 'aione',
        method: 'POST',
        path: '/api/v1/gateway/keys',
        fault: { kind: 'status', status: 429, retryAfter: 7 },
      });
      const p = new ScriptedPrompter({ name });
      const r = await create(p, aioneId);
      assert.equal(r.kind, 'failed');
      assert.equal(p.errors.length, 1);
      assert.match(p.errors[0]!, /Too many requests; try again in 7 s/);
      assert.match(p.errors[0]!, /answers are kept/);
      assert.equal(
        (await simKeys<AioneKeyRecord>(sim, 'aione')).filter((x) => x.name === name).length,
        0,
        'nothing was created',
      );
      assert.ok(api.keyFlows.flows.hasDraft(aioneId));
      // the retry starts on the summary with the answers kept
      const again = new ScriptedPrompter();
      assert.equal((await create(again, aioneId)).kind, 'done');
      assert.deepEqual(again.ids(), ['summary']);
      assert.equal((await simKeys<AioneKeyRecord>(sim, 'aione')).filter((x) => x.name === name).length, 1);
      assert.ok(!api.keyFlows.flows.hasDraft(aioneId));
    });

    it('a dropped connection on create: a clear error, nothing created, nothing lost (the retry sends the same answers)', async () => {
      const name = uniq('kf-reset');
      sim.faults.add({ gateway: 'aione', method: 'POST', path: '/api/v1/gateway/keys', fault: { kind: 'reset' } });
      const p = new ScriptedPrompter({ name, rpmLimit: '77', allowedIps: '10.1.2.3' });
      const r = await create(p, aioneId);
      assert.equal(r.kind, 'failed');
      assert.match(p.errors[0] ?? '', /Could not reach the gateway/);
      assert.equal((await simKeys<AioneKeyRecord>(sim, 'aione')).filter((x) => x.name === name).length, 0);
      const retry = new ScriptedPrompter();
      assert.equal((await create(retry, aioneId)).kind, 'done');
      const k = (await simKeys<AioneKeyRecord>(sim, 'aione')).find((x) => x.name === name);
      assert.ok(k);
      assert.equal(k.rpm_limit, 77);
      sameSet(k.allowed_ips, ['10.1.2.3']);
    });

    it('edit opens on the summary: pick a line, change it, see old → new, save; fixed fields are named', async () => {
      const newName = uniq('kf-edited');
      const summaries: string[][] = [];
      const p = new ScriptedPrompter({
        summary: [
          (s) => {
            summaries.push((s as PickStep).items.map((i) => i.label));
            return 'name';
          },
          (s) => {
            summaries.push((s as PickStep).items.map((i) => i.label));
            return 'rpmLimit';
          },
          (s) => {
            summaries.push((s as PickStep).items.map((i) => i.label));
            return 'submit';
          },
        ],
        name: newName,
        rpmLimit: '240',
      });
      const r = await edit(p, aioneId, created.id);
      assert.equal(r.kind, 'done', `errors: ${p.errors.join(' | ')}`);
      // changing one field is: pick its line, type, save (no walk through every step)
      assert.deepEqual(p.ids(), ['summary', 'name', 'summary', 'rpmLimit', 'summary']);
      assert.equal(p.shown[1]!.value, created.name, 'pre-filled');
      const last = summaries[2]!;
      assert.ok(
        last.some((l) => l.includes(`${created.name} → ${newName}`)),
        `the summary marks the change old → new: ${last.join(' | ')}`,
      );
      assert.ok(
        last.some((l) => /requests per minute: 120 → 240/i.test(l)),
        last.join(' | '),
      );
      assert.ok(last.some((l) => /Save 2 changes/.test(l)));
      assert.ok(
        last.some((l) => /\$\(lock\) sandbox: yes/i.test(l)),
        `the fields AIone fixes at creation are named: ${last.join(' | ')}`,
      );
      const team = last.find((l) => /\$\(lock\) team/i.test(l))!;
      assert.ok(team && !/[0-9a-f]{8}-[0-9a-f]{4}-/.test(team), `the team by its name, not its id: ${team}`);
      assert.ok(summaries[0]!.some((l) => /nothing changed yet/.test(l)));
      const k = (await simKeys<AioneKeyRecord>(sim, 'aione')).find((x) => x.id === created.id)!;
      assert.equal(k.name, newName);
      assert.equal(k.rpm_limit, 240);
      assert.equal(k.tpm_limit, 50000, 'not edited, unchanged');
      sameSet(k.models_allowed, chatModels);
      assert.deepEqual(p.warnings, []);
      assert.ok(p.infos.some((m) => m.includes(newName)));
      // the PUT carried only the changed fields
      const put = sim.requests
        .filter((q) => q.gateway === 'aione' && q.method === 'PUT' && q.path === `/api/v1/gateway/keys/${created.id}`)
        .at(-1);
      assert.deepEqual(put?.body, { name: newName, rpm_limit: 240 });
      created = k;
    });

    it('a 422 on an edit goes back to the step that caused it; nothing changes until it is fixed', async () => {
      const p = new ScriptedPrompter({
        summary: ['tpmLimit', 'submit'],
        tpmLimit: [{ value: '0', force: true }, '70000'],
      });
      const r = await edit(p, aioneId, created.id);
      assert.equal(r.kind, 'done', `errors: ${p.errors.join(' | ')}`);
      assert.deepEqual(p.ids(), ['summary', 'tpmLimit', 'summary', 'tpmLimit', 'summary']);
      assert.match(
        p.shown.filter((s) => s.id === 'tpmLimit')[1]!.validationMessage ?? '',
        /greater than or equal to 1/,
      );
      const puts = sim.requests.filter(
        (q) => q.gateway === 'aione' && q.method === 'PUT' && q.path === `/api/v1/gateway/keys/${created.id}`,
      );
      assert.deepEqual(
        puts.slice(-2).map((q) => q.status),
        [422, 200],
      );
      const k = (await simKeys<AioneKeyRecord>(sim, 'aione')).find((x) => x.id === created.id)!;
      assert.equal(k.tpm_limit, 70000);
      created = k;
    });

    it('verify after write: a field the gateway ignores (expiry on an AIone update) is named in a warning', async () => {
      const p = new ScriptedPrompter();
      const sent = '2027-03-01T00:00:00.000Z';
      const r = await withPrompter(p, () =>
        api.keyFlows.flows.applyEdit(
          { connectionId: aioneId, keyId: created.id },
          { name: `${created.name}-v`, expiresAt: sent },
        ),
      );
      assert.deepEqual(
        r.mismatches.map((m) => m.field),
        ['expiresAt'],
      );
      assert.equal(p.warnings.length, 1);
      assert.match(p.warnings[0]!, /did not apply: expiry \(sent 202[67]-\d\d-\d\d.*, has \d{4}-\d\d-\d\d/);
      const k = (await simKeys<AioneKeyRecord>(sim, 'aione')).find((x) => x.id === created.id)!;
      assert.equal(k.name, `${created.name}-v`, 'the name was applied');
      assert.equal(k.expires_at, created.expires_at, 'the simulator kept its expiry');
      created = k;
    });

    it('rotates server-side: a new secret shown once, the old one still chats within the grace period', async () => {
      const old = created.secret;
      assert.equal(await chat(sim.aione.url, old, chatModels[0]!), 200, 'the key works before');
      const p = new ScriptedPrompter({ grace: '24' });
      const r = await rotate(p, aioneId, created.id);
      assert.equal(r.kind, 'server');
      assert.equal(p.confirms.length, 1);
      assert.match(p.confirms[0]!.message, new RegExp(created.name));
      const k = (await simKeys<AioneKeyRecord>(sim, 'aione')).find((x) => x.id === created.id)!;
      assert.notEqual(k.secret, old);
      assert.equal(p.secrets.length, 1);
      assert.equal(p.secrets[0]!.secret, k.secret, 'the new secret shown is the one the gateway holds');
      assert.ok(k.previousSecrets.some((s) => s.secret === old));
      assert.equal(await chat(sim.aione.url, old, chatModels[0]!), 200, 'the old secret still works within the grace');
      assert.equal(await chat(sim.aione.url, k.secret, chatModels[0]!), 200, 'the new one works');
      assert.ok(r.kind === 'server' && r.graceUntil && Date.parse(r.graceUntil) > Date.now() + 23 * 3_600_000);
      assert.ok(
        p.infos.some((m) => /keeps working until/.test(m)),
        'the grace deadline is shown',
      );
    });
  });

  // ================================================================== AIHubMix

  describe('AIHubMix', () => {
    let created: AihubmixTokenRecord;
    const expiryDate = localYmd(Date.now() + 40 * 86_400_000);

    it('creates a key with every field AIHubMix offers (quota in USD, a custom expiry), refusing a 31-byte name as typed', async () => {
      const name = uniq('kf-hub');
      const p = new ScriptedPrompter({
        name: [{ value: '密'.repeat(11), expectInvalid: true }, name],
        modelsAllowed: [chatModels],
        allowedIps: '10.0.0.0/8, 192.168.1.7',
        quotaUsd: [{ value: '12.3456789', expectInvalid: true }, '12.5'],
        expiresAt: 'date',
        'expiresAt.date': expiryDate,
      });
      const r = await create(p, hubId);
      assert.equal(r.kind, 'done', `errors: ${p.errors.join(' | ')}`);
      assert.match(p.validations['name']![0]!, /33 bytes.*at most 30 bytes/);
      assert.match(p.validations['quotaUsd']![0]!, /6 decimal places/);
      assert.deepEqual(p.ids(), [
        'name',
        'modelsAllowed',
        'allowedIps',
        'quotaUsd',
        'expiresAt',
        'expiresAt.date',
        'summary',
      ]);
      assert.equal(
        p.shown.find((s) => s.id === 'summary')!.totalSteps,
        6,
        'no rpm / tpm / sandbox / team steps on AIHubMix',
      );
      const t = (await simKeys<AihubmixTokenRecord>(sim, 'aihubmix')).find((x) => x.name === name);
      assert.ok(t);
      sameSet(csv(t.models), chatModels);
      sameSet(csv(t.subnet), ['10.0.0.0/8', '192.168.1.7']);
      assert.equal(t.unlimited_quota, false);
      assert.equal(t.remain_quota, 6_250_000, '12.5 USD = 6,250,000 quota units');
      const [y, m, d] = expiryDate.split('-').map(Number) as [number, number, number];
      assert.equal(t.expired_time, Math.floor(new Date(y, m - 1, d, 23, 59, 59).getTime() / 1000));
      assert.equal(p.secrets[0]?.secret, `sk-${t.key}`);
      assert.deepEqual(p.warnings, []);
      created = t;
    });

    it('edit: the fields not edited survive the full-replace update', async () => {
      const newName = uniq('kf-hub-ed');
      const p = new ScriptedPrompter({
        summary: [
          (s) => {
            const quota = (s as PickStep).items.find((i) => i.id === 'quotaUsd')!;
            assert.match(quota.label, /12\.5 USD/, 'pre-filled in USD');
            return 'name';
          },
          'submit',
        ],
        name: newName,
      });
      const r = await edit(p, hubId, String(created.id));
      assert.equal(r.kind, 'done', `errors: ${p.errors.join(' | ')}`);
      assert.deepEqual(p.ids(), ['summary', 'name', 'summary']);
      const t = (await simKeys<AihubmixTokenRecord>(sim, 'aihubmix')).find((x) => x.id === created.id)!;
      assert.equal(t.name, newName);
      assert.equal(t.models, created.models);
      assert.equal(t.subnet, created.subnet);
      assert.equal(t.remain_quota, created.remain_quota);
      assert.equal(t.unlimited_quota, false);
      assert.equal(t.expired_time, created.expired_time);
      assert.deepEqual(p.warnings, []);
      created = t;
    });

    it('Back returns to the previous step and the summary jumps to a step to change it, answers kept', async () => {
      const name = uniq('kf-nav');
      const p = new ScriptedPrompter({
        name,
        allowedIps: ['BACK', '10.9.9.9'],
        quotaUsd: ['', '3'],
        summary: ['quotaUsd', 'submit'],
      });
      const r = await create(p, hubId);
      assert.equal(r.kind, 'done', `errors: ${p.errors.join(' | ')}`);
      assert.deepEqual(p.ids(), [
        'name',
        'modelsAllowed',
        'allowedIps',
        'modelsAllowed',
        'allowedIps',
        'quotaUsd',
        'expiresAt',
        'summary',
        'quotaUsd',
        'summary',
      ]);
      assert.equal(p.shown.filter((s) => s.id === 'quotaUsd')[1]!.value, '', 'the step shows the answer given before');
      const t = (await simKeys<AihubmixTokenRecord>(sim, 'aihubmix')).find((x) => x.name === name)!;
      assert.equal(t.subnet, '10.9.9.9');
      assert.equal(t.remain_quota, 1_500_000);
      assert.equal(t.expired_time, -1, 'never expires');
    });

    it('a dropped connection during an edit: a clear error, the key unchanged, the answers kept for the retry', async () => {
      const newName = uniq('kf-hub-rs');
      sim.faults.add({ gateway: 'aihubmix', method: 'PUT', path: '/api/token/', fault: { kind: 'reset' } });
      const p = new ScriptedPrompter({ summary: ['name', 'quotaUsd', 'submit'], name: newName, quotaUsd: '20' });
      assert.equal((await edit(p, hubId, String(created.id))).kind, 'failed');
      assert.match(p.errors[0] ?? '', /Could not reach the gateway/);
      const before = (await simKeys<AihubmixTokenRecord>(sim, 'aihubmix')).find((x) => x.id === created.id)!;
      assert.equal(before.name, created.name, 'unchanged');
      assert.equal(before.remain_quota, created.remain_quota);
      assert.ok(api.keyFlows.flows.hasDraft(hubId, String(created.id)));
      const retry = new ScriptedPrompter();
      assert.equal((await edit(retry, hubId, String(created.id))).kind, 'done');
      assert.deepEqual(retry.ids(), ['summary'], 'the retry opens on the summary');
      const t = (await simKeys<AihubmixTokenRecord>(sim, 'aihubmix')).find((x) => x.id === created.id)!;
      assert.equal(t.name, newName);
      assert.equal(t.remain_quota, 10_000_000, '20 USD');
      assert.equal(t.models, created.models, 'not edited, kept');
      assert.equal(t.expired_time, created.expired_time);
      created = t;
    });

    it('success:false on create sends the user back to the step the message names', async () => {
      const name = uniq('kf-sf');
      sim.faults.add({
        gateway: 'aihubmix',
        method: 'POST',
        path: '/api/token/',
        fault: { kind: 'success-false', message: '令牌名称过长' },
      });
      const p = new ScriptedPrompter({ name: [name, `${name}-b`] });
      const r = await create(p, hubId);
      assert.equal(r.kind, 'done', `errors: ${p.errors.join(' | ')}`);
      const names = p.shown.filter((s) => s.id === 'name');
      assert.equal(names.length, 2);
      assert.match(names[1]!.validationMessage ?? '', /令牌名称过长/);
      const all = await simKeys<AihubmixTokenRecord>(sim, 'aihubmix');
      assert.equal(all.filter((x) => x.name === name).length, 0);
      assert.equal(all.filter((x) => x.name === `${name}-b`).length, 1);
    });

    it('a 429 on create: the rate-limited sentence, nothing created', async () => {
      const name = uniq('kf-h429');
      sim.faults.add({
        gateway: 'aihubmix',
        method: 'POST',
        path: '/api/token/',
        fault: { kind: 'status', status: 429, retryAfter: 3 },
      });
      const p = new ScriptedPrompter({ name });
      assert.equal((await create(p, hubId)).kind, 'failed');
      assert.match(p.errors[0] ?? '', /Too many requests; try again in 3 s/);
      assert.equal((await simKeys<AihubmixTokenRecord>(sim, 'aihubmix')).filter((x) => x.name === name).length, 0);
      assert.ok(api.keyFlows.flows.hasDraft(hubId));
      // the next attempt opens on the summary with the answers; Escape there keeps them
      const cancel = new ScriptedPrompter({ summary: 'CANCEL' });
      assert.equal((await create(cancel, hubId)).kind, 'cancelled');
      assert.deepEqual(cancel.ids(), ['summary']);
      assert.ok(api.keyFlows.flows.hasDraft(hubId), 'Escape loses nothing');
      // "Start over" discards them; Escape on an empty first step keeps nothing
      const fresh = new ScriptedPrompter({ draft: 'fresh', name: 'CANCEL' });
      assert.equal((await create(fresh, hubId)).kind, 'cancelled');
      assert.deepEqual(fresh.ids(), ['draft', 'name']);
      assert.equal(fresh.shown[1]!.value, '', 'started over: empty');
      assert.ok(!api.keyFlows.flows.hasDraft(hubId));
    });

    it('Escape on any step of create keeps a draft; the next Create Key offers to resume it at that step', async () => {
      const name = uniq('kf-esc');
      const first = new ScriptedPrompter({ name, allowedIps: '10.2.3.4', quotaUsd: 'CANCEL' });
      assert.equal((await create(first, hubId)).kind, 'cancelled');
      assert.ok(api.keyFlows.flows.hasDraft(hubId));
      const again = new ScriptedPrompter({ quotaUsd: '4' });
      const r = await create(again, hubId);
      assert.equal(r.kind, 'done', `errors: ${again.errors.join(' | ')}`);
      assert.deepEqual(
        again.ids(),
        ['draft', 'quotaUsd', 'expiresAt', 'summary'],
        'resumed at the step it was left on',
      );
      const t = (await simKeys<AihubmixTokenRecord>(sim, 'aihubmix')).find((x) => x.name === name)!;
      assert.ok(t, 'created with the answers typed before Escape');
      assert.equal(t.subnet, '10.2.3.4');
      assert.equal(t.remain_quota, 2_000_000, '4 USD');
      assert.ok(!api.keyFlows.flows.hasDraft(hubId), 'done: the draft is gone');
    });

    it('client-side rotation: a copy with identical settings, the key shown once, a reminder persisted (no secret in it)', async () => {
      const p = new ScriptedPrompter({ grace: '24' });
      const r = await rotate(p, hubId, String(created.id));
      assert.equal(r.kind, 'client', `errors: ${p.errors.join(' | ')}`);
      assert.match(p.confirms[0]!.message, /can't rotate a key itself/);
      const all = await simKeys<AihubmixTokenRecord>(sim, 'aihubmix');
      const copy = all.find((x) => r.kind === 'client' && String(x.id) === r.copy.id)!;
      assert.ok(copy);
      // the whole original name; the suffix is what gets shorter (a cut name could be another key's)
      assert.ok(copy.name.startsWith(`${created.name} (rot`), `the original name is kept whole: ${copy.name}`);
      assert.ok(copy.name.endsWith(`${localYmd(Date.now()).slice(5)})`), copy.name);
      assert.ok(Buffer.byteLength(copy.name) <= 30);
      assert.equal(copy.models, created.models);
      assert.equal(copy.subnet, created.subnet);
      assert.equal(copy.remain_quota, created.remain_quota);
      assert.equal(copy.unlimited_quota, created.unlimited_quota);
      assert.equal(copy.expired_time, created.expired_time);
      assert.equal(copy.status, 1);
      assert.equal(p.secrets[0]?.secret, `sk-${copy.key}`);
      const old = all.find((x) => x.id === created.id)!;
      assert.equal(old.status, 1, 'the old key keeps working during the grace period');
      const pending = api.keyFlows.rotations.list().find((x) => x.oldKeyId === String(created.id))!;
      assert.ok(pending, 'the reminder is persisted');
      assert.equal(pending.newKeyId, String(copy.id));
      assert.equal(pending.connectionId, hubId);
      assert.ok(Math.abs(Date.parse(pending.disableAt) - (Date.now() + 24 * 3_600_000)) < 120_000);
      const stored = JSON.stringify(api.keyFlows.rotations.list());
      assert.ok(!stored.includes(copy.key) && !stored.includes(old.key), 'no secret in globalState');
    });

    it('after a "reload" the reminder is found again; when due, the old key is disabled (status 2), verified, and the reminder dropped', async () => {
      const fresh = api.keyFlows.newRotationScheduler();
      try {
        const found = fresh.list().find((x) => x.oldKeyId === String(created.id));
        assert.ok(found, 'a new scheduler over the same globalState finds the reminder');
        await fresh.add({ ...found, disableAt: new Date(Date.now() - 60_000).toISOString() });
        // a failure first: the reminder is kept with a backoff
        sim.faults.add({
          gateway: 'aihubmix',
          method: 'PUT',
          path: '/api/token/',
          fault: { kind: 'status', status: 500 },
        });
        const first = await fresh.checkNow();
        assert.deepEqual(
          first.map((o) => o.kind),
          ['retry'],
        );
        const kept = fresh.list().find((x) => x.oldKeyId === String(created.id))!;
        assert.equal(kept.attempts, 1);
        assert.ok(kept.nextAttemptAt && Date.parse(kept.nextAttemptAt) > Date.now());
        assert.equal((await simKeys<AihubmixTokenRecord>(sim, 'aihubmix')).find((x) => x.id === created.id)!.status, 1);
        assert.deepEqual(await fresh.checkNow(), [], 'not due again before the backoff ends');
        // backoff over: disabled this time
        await fresh.add({ ...kept, nextAttemptAt: new Date(Date.now() - 1000).toISOString() });
        const second = await fresh.checkNow();
        assert.deepEqual(
          second.map((o) => o.kind),
          ['disabled'],
        );
        assert.equal(
          (await simKeys<AihubmixTokenRecord>(sim, 'aihubmix')).find((x) => x.id === created.id)!.status,
          2,
          'the simulator holds the old key disabled',
        );
        assert.ok(
          !api.keyFlows.rotations.list().some((x) => x.oldKeyId === String(created.id)),
          'the reminder is gone for every scheduler',
        );
      } finally {
        fresh.dispose();
      }
    });

    it('Show Pending Rotations: cancel keeps the old key enabled; "disable now" disables it', async () => {
      const make = async (name: string): Promise<PendingRotation> => {
        const c = new ScriptedPrompter({ name });
        const r = await create(c, hubId);
        assert.equal(r.kind, 'done');
        const rot = new ScriptedPrompter({ grace: '72' });
        const out = await rotate(rot, hubId, r.key!.id);
        assert.equal(out.kind, 'client');
        return api.keyFlows.rotations.list().find((x) => x.oldKeyId === r.key!.id)!;
      };
      const a = await make(uniq('kf-pa'));
      const b = await make(uniq('kf-pb'));
      const cancel = new ScriptedPrompter({ pending: `${a.connectionId}/${a.oldKeyId}`, 'pending.action': 'cancel' });
      await withPrompter(cancel, () => vscode.commands.executeCommand('aiGateway.showPendingRotations'));
      assert.ok(!api.keyFlows.rotations.list().some((x) => x.oldKeyId === a.oldKeyId));
      const now = new ScriptedPrompter({ pending: `${b.connectionId}/${b.oldKeyId}`, 'pending.action': 'disable' });
      await withPrompter(now, () => vscode.commands.executeCommand('aiGateway.showPendingRotations'));
      assert.ok(!api.keyFlows.rotations.list().some((x) => x.oldKeyId === b.oldKeyId));
      const all = await simKeys<AihubmixTokenRecord>(sim, 'aihubmix');
      assert.equal(all.find((x) => String(x.id) === a.oldKeyId)!.status, 1, 'cancelled: still enabled');
      assert.equal(all.find((x) => String(x.id) === b.oldKeyId)!.status, 2, 'disabled now');
    });

    /** A new key rotated on the client with a 72 h grace: its reminder (old key, replacement). */
    const rotated = async (prefix: string): Promise<PendingRotation> => {
      const c = new ScriptedPrompter({ name: uniq(prefix) });
      const r = await create(c, hubId);
      assert.equal(r.kind, 'done');
      assert.equal((await rotate(new ScriptedPrompter({ grace: '72' }), hubId, r.key!.id)).kind, 'client');
      return api.keyFlows.rotations.list().find((x) => x.oldKeyId === r.key!.id)!;
    };
    const hubStatus = async (id: string) =>
      (await simKeys<AihubmixTokenRecord>(sim, 'aihubmix')).find((x) => String(x.id) === id)?.status;

    it('deleting the replacement of a pending rotation names the rotation in the modal and cancels the reminder: the old key stays enabled', async () => {
      const r = await rotated('kf-rd');
      const saved = api.keyActions.confirm;
      const asked: Array<{ message: string; detail: string }> = [];
      try {
        api.keyActions.confirm = async (message, detail) => {
          asked.push({ message, detail });
          return true;
        };
        assert.equal(await api.keyActions.delete({ connectionId: hubId, keyId: r.newKeyId }), true);
      } finally {
        api.keyActions.confirm = saved;
      }
      assert.match(asked[0]!.message, /replacement in a pending rotation/);
      assert.ok(
        asked[0]!.detail.includes(r.oldKeyName!) && /stays enabled/.test(asked[0]!.detail),
        `the modal names the old key: ${asked[0]!.detail}`,
      );
      assert.ok(!api.keyFlows.rotations.list().some((x) => x.oldKeyId === r.oldKeyId), 'the reminder is cancelled');
      assert.equal(await hubStatus(r.newKeyId), undefined, 'the replacement is gone');
      assert.equal(await hubStatus(r.oldKeyId), 1, 'the old key still works');
    });

    it('disabling the replacement asks first, naming the rotation; confirmed, the reminder is cancelled', async () => {
      const r = await rotated('kf-rx');
      const saved = api.keyActions.confirm;
      const asked: string[] = [];
      try {
        api.keyActions.confirm = async (message) => {
          asked.push(message);
          return false;
        };
        assert.equal(
          await api.keyActions.setEnabled({ connectionId: hubId, keyId: r.newKeyId }, false),
          undefined,
          'declined: nothing done',
        );
        assert.equal(await hubStatus(r.newKeyId), 1);
        api.keyActions.confirm = async () => true;
        assert.equal(
          (await api.keyActions.setEnabled({ connectionId: hubId, keyId: r.newKeyId }, false))?.applied,
          true,
        );
      } finally {
        api.keyActions.confirm = saved;
      }
      assert.match(asked[0]!, /replacement in a pending rotation/);
      assert.ok(!api.keyFlows.rotations.list().some((x) => x.oldKeyId === r.oldKeyId), 'the reminder is cancelled');
      assert.equal(await hubStatus(r.oldKeyId), 1, 'the old key still works');
    });

    it('at the deadline the scheduler checks the replacement: gone or disabled, the old key is left enabled and the reminder held', async () => {
      const r = await rotated('kf-rh');
      // the replacement disappears behind the extension's back (the gateway's console)
      await api.connections.gateway(hubId).deleteKey(r.newKeyId);
      const fresh = api.keyFlows.newRotationScheduler();
      try {
        await fresh.add({ ...r, disableAt: new Date(Date.now() - 60_000).toISOString() });
        const out = await fresh.checkNow();
        assert.deepEqual(
          out.map((o) => o.kind),
          ['held'],
        );
        assert.equal(await hubStatus(r.oldKeyId), 1, 'not disabled: it is the only key left');
        const held = fresh.list().find((x) => x.oldKeyId === r.oldKeyId)!;
        assert.equal(held.held, 'replacement-gone');
        assert.deepEqual(await fresh.checkNow(), [], 'a held reminder is not retried on its own');
        // the old key's row says so
        const mark = api.keyFlows.rotations.markOf({ connectionId: hubId, keyId: r.oldKeyId });
        assert.equal(mark?.held, true);
      } finally {
        for (const x of fresh.list().filter((y) => y.oldKeyId === r.oldKeyId)) await fresh.cancel(x);
        fresh.dispose();
      }
    });

    it("the old key's row and tooltip show its pending disable and name the replacement", async () => {
      const r = await rotated('kf-rr');
      const node = api.keysView.connectionNode(hubId)!;
      await api.keysView.getChildren(node);
      await api.keysView.settled(hubId);
      const keyNode = (await api.keysView.getChildren(node)).find((n) => n.type === 'key' && n.keyId === r.oldKeyId)!;
      assert.ok(keyNode, 'the old key is in the tree');
      const item = api.keysView.getTreeItem(keyNode);
      assert.match(
        String(item.description),
        /disabled in (7[12]|3) (h|d) \(rotation\)/,
        `the row shows the pending disable: ${String(item.description)}`,
      );
      const tip = (api.keysView.resolveTreeItem(item, keyNode).tooltip as vscode.MarkdownString).value
        .replace(/&nbsp;/g, ' ')
        .replace(/\\/g, '');
      assert.ok(
        tip.includes('Pending rotation: this key is disabled at') &&
          tip.includes(`its replacement is "${r.newKeyName!}"`),
        tip.slice(0, 300),
      );
      await api.keyFlows.rotations.cancel(r);
    });

    it('a new key is shown in a panel (Copy / .env / snippets), never a notification; AIHubMix can show it again, so no "shown once"', async () => {
      const p = new ScriptedPrompter({ name: uniq('kf-sp') });
      const r = await create(p, hubId);
      assert.equal(r.kind, 'done');
      const panel = p.secrets[0]!.panel;
      const t = (await simKeys<AihubmixTokenRecord>(sim, 'aihubmix')).find((x) => String(x.id) === r.key!.id)!;
      assert.equal(panel.secret, `sk-${t.key}`);
      assert.equal(panel.once, false, 'the gateway can reveal it again');
      assert.ok(!panel.title.includes(t.key), 'the title does not hold the key');
      assert.deepEqual(
        panel.copies.map((c) => c.id),
        ['env', 'curl', 'python', 'node'],
      );
      assert.match(panel.copies[0]!.text, new RegExp(`OPENAI_API_KEY=sk-${t.key}`));
      assert.ok(![...p.infos, ...p.warnings].some((m) => m.includes(t.key)), 'no notification holds the key');
    });
  });

  // ================================================================== AIHubMix on new-api

  describe('AIHubMix on a new-api backend', () => {
    let na: Simulator;
    let naId: string;
    let created: AihubmixTokenRecord;
    const expiryDate = localYmd(Date.now() + 20 * 86_400_000);
    const record = async (id: number) => (await simKeys<AihubmixTokenRecord>(na, 'aihubmix')).find((x) => x.id === id);

    before(async () => {
      na = await startSimulator({ host: '127.0.0.1', seed: 9, aihubmixDialect: 'new-api' });
      naId = (
        await api.connections.add(
          { kind: 'aihubmix', label: 'KF new-api', baseUrl: na.aihubmix.url },
          na.aihubmix.accessToken,
        )
      ).id;
      // the tree lists before anything else: the client learns the dialect from that answer
      await api.connections.gateway(naId).listKeys({ page: 0, pageSize: 20 });
    });
    after(async () => {
      for (const r of api?.keyFlows.rotations.list().filter((x) => x.connectionId === naId) ?? [])
        await api.keyFlows.rotations.cancel(r);
      if (naId) await api.connections.remove(naId).catch(() => undefined);
      await na?.close();
    });

    it("creates a key with every field in new-api's names (model_limits, allow_ips as lines); a 40-byte name is fine; the key is revealed once", async () => {
      const name = uniq(`kf-na-${'n'.repeat(28)}`);
      assert.ok(Buffer.byteLength(name) > 30 && Buffer.byteLength(name) <= 50);
      const p = new ScriptedPrompter({
        name,
        modelsAllowed: [chatModels],
        allowedIps: '10.0.0.0/8, 192.168.1.7',
        quotaUsd: '4.5',
        expiresAt: 'date',
        'expiresAt.date': expiryDate,
      });
      const r = await create(p, naId);
      assert.equal(r.kind, 'done', `errors: ${p.errors.join(' | ')}`);
      const t = (await simKeys<AihubmixTokenRecord>(na, 'aihubmix')).find((x) => x.name === name);
      assert.ok(t, 'created (new-api answers a create without data: the client found it by name)');
      sameSet(csv(t.models), chatModels);
      assert.equal(t.model_limits_enabled, true);
      assert.deepEqual((t.subnet ?? '').split('\n'), ['10.0.0.0/8', '192.168.1.7'], 'allow_ips, one per line');
      assert.equal(t.remain_quota, 2_250_000);
      assert.equal(t.unlimited_quota, false);
      assert.equal(p.secrets.length, 1);
      assert.equal(p.secrets[0]!.secret, `sk-${t.key}`, 'the full key, revealed by POST /api/token/:id/key');
      assert.ok(na.requests.some((q) => q.method === 'POST' && q.path === `/api/token/${t.id}/key`));
      assert.deepEqual(p.warnings, [], 'verify after write: nothing the gateway did not apply');
      created = t;
    });

    it('edit: a rename keeps model limits (also a kept-but-disabled list), allow_ips, group, cross-group retry and auto groups', async () => {
      const seeded = await simKeys<AihubmixTokenRecord>(na, 'aihubmix');
      const picks = [
        seeded.find((x) => x.group === 'auto' && (x.auto_groups ?? []).length > 0 && x.status === 1),
        seeded.find((x) => !x.model_limits_enabled && (x.models ?? '') !== ''),
        seeded.find((x) => x.group === 'vip'),
        created, // allow_ips with two lines, model limits on
      ];
      for (const [i, t] of picks.entries()) {
        assert.ok(t, `seed case ${i}`);
        const newName = uniq(`kf-na-ed${i}`);
        const p = new ScriptedPrompter({ summary: ['name', 'submit'], name: newName });
        const r = await edit(p, naId, String(t.id));
        assert.equal(r.kind, 'done', `case ${i}: ${p.errors.join(' | ')}`);
        const after = (await record(t.id))!;
        assert.equal(after.name, newName);
        for (const f of [
          'models',
          'model_limits_enabled',
          'subnet',
          'group',
          'cross_group_retry',
          'auto_groups',
          'remain_quota',
          'unlimited_quota',
          'expired_time',
          'status',
        ] as const) {
          assert.deepEqual(after[f], t[f], `case ${i}: ${f} kept by the full replace`);
        }
        assert.deepEqual(p.warnings, [], `case ${i}`);
        if (t === created) created = after;
      }
    });

    it('disable and enable change the key in the simulator', async () => {
      const ref = { connectionId: naId, keyId: String(created.id) };
      assert.equal((await api.keyActions.setEnabled(ref, false))?.applied, true);
      assert.equal((await record(created.id))?.status, 2);
      const back = (await api.keyActions.setEnabled(ref, true))!;
      assert.equal(back.key.status, 'active');
      assert.equal((await record(created.id))?.status, 1);
    });

    it('client-side rotation: the copy has the same models, IPs, quota, expiry — and the same group', async () => {
      const grouped = (await simKeys<AihubmixTokenRecord>(na, 'aihubmix')).find(
        (x) => x.group === 'vip' && x.status === 1 && x.expired_time === -1,
      );
      assert.ok(grouped);
      const p = new ScriptedPrompter({ grace: '24' });
      const r = await rotate(p, naId, String(grouped.id));
      assert.equal(r.kind, 'client', `errors: ${p.errors.join(' | ')}`);
      const copy = r.kind === 'client' ? await record(Number(r.copy.id)) : undefined;
      assert.ok(copy);
      assert.equal(copy.models, grouped.models);
      assert.equal(copy.model_limits_enabled, grouped.model_limits_enabled);
      assert.equal(copy.subnet ?? '', grouped.subnet ?? '');
      assert.equal(copy.remain_quota, grouped.unlimited_quota ? copy.remain_quota : grouped.remain_quota);
      assert.equal(copy.unlimited_quota, grouped.unlimited_quota);
      assert.equal(copy.expired_time, -1);
      assert.equal(copy.group, 'vip', 'the group the client does not model is copied too');
      assert.equal(p.secrets[0]?.secret, `sk-${copy.key}`);
      assert.equal((await record(grouped.id))?.status, 1, 'the old key keeps working during the grace period');
    });

    it('delete asks, then the key is gone from the simulator', async () => {
      const saved = api.keyActions.confirm;
      try {
        api.keyActions.confirm = async () => true;
        assert.equal(
          await vscode.commands.executeCommand('aiGateway.deleteKey', {
            connectionId: naId,
            keyId: String(created.id),
          }),
          true,
        );
        assert.equal(await record(created.id), undefined);
      } finally {
        api.keyActions.confirm = saved;
      }
    });
  });
});
