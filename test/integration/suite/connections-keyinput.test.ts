/**
 * User input that cannot corrupt data, in a real VS Code against the simulator: in the key flows, NaN, Infinity,
 * negative and out-of-range numbers (limits, quota, expiry days, rotation grace hours) and names with
 * control / direction characters are refused on their own step — even when forced past the step's live check —
 * and never reach the wire (JSON would turn NaN into null: "no limit"). What the simulator received is asserted.
 */
import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import type { CreateResult } from '../../../src/features/keys/flows/flows';
import type { RotateOutcome } from '../../../src/features/keys/flows/rotate';
import type { InputStep, PickStep, ProgressWhere, Prompter, StepResult } from '../../../src/platform/prompter';
import type { Simulator } from '../../simulator/index';
import { startGateways, withPrompter, type Gateways } from './fixture';

/** Answers each step from a queue (id → answers); every typed answer is accepted as if forced past its check. */
class ForcingPrompter implements Prompter {
  readonly shown: Array<{ id: string; validationMessage?: string }> = [];
  readonly checks: Record<string, string[]> = {};
  readonly errors: string[] = [];
  constructor(private readonly queues: Record<string, string[]>) {}
  private next(id: string): string | undefined {
    return this.queues[id]?.shift();
  }
  async input(step: InputStep): Promise<StepResult<string>> {
    this.shown.push({ id: step.id, ...(step.validationMessage ? { validationMessage: step.validationMessage } : {}) });
    const value = this.next(step.id) ?? step.value;
    const m = step.validate(value);
    if (m) (this.checks[step.id] ??= []).push(m);
    return { kind: 'value', value };
  }
  async pick(step: PickStep): Promise<StepResult<readonly string[]>> {
    this.shown.push({ id: step.id, ...(step.validationMessage ? { validationMessage: step.validationMessage } : {}) });
    const a = this.next(step.id);
    if (a !== undefined) return { kind: 'value', value: [a] };
    const picked = step.items.filter((i) => i.picked).map((i) => i.id);
    return { kind: 'value', value: step.canPickMany ? picked : [picked[0] ?? step.items[0]!.id] };
  }
  async confirm(_m: string, _d: string | undefined, actions: readonly string[]): Promise<string | undefined> {
    return actions[0];
  }
  async showSecret(): Promise<void> {
    /* not needed */
  }
  info(): void {
    /* not needed */
  }
  warn(): void {
    /* not needed */
  }
  async ask(): Promise<string | undefined> {
    return undefined;
  }
  async error(message: string): Promise<string | undefined> {
    this.errors.push(message);
    return undefined;
  }
  progress<T>(_t: string, _w: ProgressWhere, task: (signal: AbortSignal) => Promise<T>): Promise<T> {
    return task(new AbortController().signal);
  }
  messagesOn(id: string): string[] {
    return this.shown.filter((s) => s.id === id && s.validationMessage).map((s) => s.validationMessage!);
  }
}

describe('Key input that cannot corrupt data (simulator)', function () {
  this.timeout(60000);
  let g: Gateways;
  let api: Gateways['api'];
  let sim: Simulator;
  let aioneId: string;
  let hubId: string;

  const run = async <T>(p: Prompter, command: string, arg: unknown): Promise<T> =>
    withPrompter(api, p, () => vscode.commands.executeCommand<T>(command, arg));
  const writes = (gateway: 'aione' | 'aihubmix') =>
    sim.requests.filter((r) => r.gateway === gateway && r.method !== 'GET');
  const uniq = (prefix: string) => `${prefix}-${Math.random().toString(36).slice(2, 7)}`;

  before(async () => {
    g = await startGateways('Input', { keyCount: 3 });
    ({ api, sim } = g);
    ({ aione: aioneId, aihubmix: hubId } = g.ids);
  });

  after(() => g?.close());

  it('AIone create: forced -5 / NaN limits, a NaN day count and a bidi name go back to their steps; only the fixed key is sent', async () => {
    const name = uniq('in');
    const before = writes('aione').length;
    const p = new ForcingPrompter({
      name: [`${name}\u202E`, name],
      rpmLimit: ['-5', '60'],
      tpmLimit: ['NaN', '1000'],
      expiresAt: ['days:NaN', 'days:1e400', 'never'],
    });
    const r = await run<CreateResult>(p, 'aiGateway.createKey', { connectionId: aioneId });
    assert.equal(r.kind, 'done', p.errors.join(' | '));
    assert.match(p.checks['name']![0]!, /text-direction/, 'the name step refuses it as typed');
    assert.match(p.messagesOn('name')[0]!, /text-direction/, 'and again on the step after submit');
    assert.match(p.messagesOn('rpmLimit')[0]!, /whole number/);
    assert.match(p.messagesOn('tpmLimit')[0]!, /whole number/);
    assert.equal(p.messagesOn('expiresAt').length, 2, 'both bad day counts were refused on the expiry step');
    assert.match(p.messagesOn('expiresAt')[0]!, /whole number of days/);
    const sent = writes('aione').slice(before);
    assert.equal(sent.length, 1, 'one request: the fixed key');
    const body = sent[0]!.body as Record<string, unknown>;
    assert.equal(body['name'], name);
    assert.equal(body['rpm_limit'], 60);
    assert.equal(body['tpm_limit'], 1000);
  });

  it('AIHubMix create: a forced Infinity or negative quota goes back to the quota step, never a RangeError or a request', async () => {
    const name = uniq('hq');
    const before = writes('aihubmix').length;
    const p = new ForcingPrompter({ name: [name], quotaUsd: ['Infinity', '-5', '1e400', '5'] });
    const r = await run<CreateResult>(p, 'aiGateway.createKey', { connectionId: hubId });
    // each bad answer is refused at submit; the queue answers the step again until '5'
    assert.equal(r.kind, 'done', p.errors.join(' | '));
    assert.equal(p.messagesOn('quotaUsd').length, 3);
    assert.deepEqual(p.errors, [], 'no error notification (no RangeError)');
    const sent = writes('aihubmix')
      .slice(before)
      .filter((q) => q.method === 'POST');
    assert.equal(sent.length, 1);
    const body = sent[0]!.body as Record<string, unknown>;
    assert.equal(body['remain_quota'], 5 * 500_000);
    assert.equal(body['unlimited_quota'], false);
  });

  it('AIone rotate: a NaN or negative grace period is refused on its step; the rotation is sent once, with the fixed value', async () => {
    const key = (await api.connections.gateway(aioneId).listKeys({ page: 0, pageSize: 10 })).items.find(
      (k) => k.status === 'active',
    )!;
    const before = writes('aione').length;
    const p = new ForcingPrompter({ grace: ['NaN', '-5', 'Infinity', '24'] });
    const r = await run<RotateOutcome>(p, 'aiGateway.rotateKey', { connectionId: aioneId, keyId: key.id });
    assert.equal(r.kind, 'server');
    assert.equal(p.messagesOn('grace').length, 3);
    assert.match(p.messagesOn('grace')[0]!, /whole number of hours/);
    const sent = writes('aione').slice(before);
    assert.equal(sent.length, 1);
    assert.deepEqual(sent[0]!.body, { grace_hours: 24 });
  });

  it('a KeyInput built elsewhere with NaN is refused before the wire (edit through the API)', async () => {
    const key = (await api.connections.gateway(aioneId).listKeys({ page: 0, pageSize: 10 })).items[0]!;
    const before = writes('aione').length;
    await assert.rejects(
      api.keyFlows.flows.applyEdit({ connectionId: aioneId, keyId: key.id }, { rpmLimit: Number.NaN }),
      /Nothing was sent/,
    );
    await assert.rejects(
      api.keyFlows.flows.applyEdit({ connectionId: aioneId, keyId: key.id }, { tpmLimit: -1 }),
      /Nothing was sent/,
    );
    assert.equal(writes('aione').length, before, 'no request');
  });
});
