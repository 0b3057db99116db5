/**
 * The fault matrix where the user sees it, inside a real VS Code: every simulator fault (statuses with and without
 * Retry-After, reset, malformed JSON, success:false, the stream faults) on the product's own surfaces — Test
 * Connection, the keys tree, a dashboard section and a chat answer, for both gateways — must give one localised
 * sentence that names the connection and the operation, says what to do for that kind of failure, holds no secret
 * and no markup; each surface recovers once the gateway does; the extension host sees no unhandled rejection.
 * (The unit tier runs every call × every fault; timeouts and hangs are there too, with short timeouts.)
 */
import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import type { KeysNode, MessageNode } from '../../../src/features/keys/nodes';
import type { Simulator } from '../../simulator/index';
import type { Fault } from '../../simulator/types';
import { startGateways, type Gateways, type Kind } from './fixture';

/** What the sentence must say for a fault: the English advice of that error kind (the workbench runs in English). */
interface UiFault {
  readonly label: string;
  readonly fault: Fault;
  readonly gateways?: readonly Kind[];
  /** A surface this fault does not apply to (stream faults: chat only). */
  readonly chatOnly?: boolean;
  readonly advice: RegExp;
}

const ADVICE = {
  validation: /The gateway refused the request/,
  auth: /The gateway rejected the token/,
  forbidden: /not allowed to do this/,
  notFound: /Not found: check the base URL/,
  conflict: /reported a conflict/,
  rateLimited: /Too many requests; try again/,
  server: /internal error; try again later/,
  network: /Could not reach the gateway/,
  badResponse: /not in the expected format/,
};

const FAULTS: readonly UiFault[] = [
  { label: 'HTTP 400', fault: { kind: 'status', status: 400 }, advice: ADVICE.validation },
  { label: 'HTTP 401', fault: { kind: 'status', status: 401 }, advice: ADVICE.auth },
  { label: 'HTTP 403', fault: { kind: 'status', status: 403 }, advice: ADVICE.forbidden },
  { label: 'HTTP 409', fault: { kind: 'status', status: 409 }, advice: ADVICE.conflict },
  { label: 'HTTP 422', fault: { kind: 'status', status: 422 }, advice: ADVICE.validation },
  {
    label: 'HTTP 429 + Retry-After: 1',
    fault: { kind: 'status', status: 429, retryAfter: 1 },
    advice: ADVICE.rateLimited,
  },
  { label: 'HTTP 500', fault: { kind: 'status', status: 500 }, advice: ADVICE.server },
  { label: 'HTTP 503', fault: { kind: 'status', status: 503 }, advice: ADVICE.server },
  { label: 'connection reset', fault: { kind: 'reset' }, advice: ADVICE.network },
  { label: 'malformed JSON', fault: { kind: 'malformed-json' }, advice: ADVICE.badResponse },
  {
    label: 'success:false business rule',
    fault: { kind: 'success-false', message: '令牌名称过长' },
    gateways: ['aihubmix'],
    advice: ADVICE.validation,
  },
  {
    label: 'stream truncated',
    fault: { kind: 'truncate-stream', afterChunks: 3 },
    chatOnly: true,
    advice: ADVICE.network,
  },
  {
    label: 'error event mid-stream',
    fault: { kind: 'mid-stream-error', afterChunks: 3 },
    chatOnly: true,
    advice: ADVICE.server,
  },
  {
    label: 'JSON 429 instead of a stream',
    fault: { kind: 'json-error-instead-of-stream', status: 429 },
    chatOnly: true,
    advice: ADVICE.rateLimited,
  },
];

const PATHS: Record<
  Kind,
  { keys: string; plan: { path: string; section: 'plan' | 'account' }; chat: string; test: string }
> = {
  aione: {
    keys: '/api/v1/gateway/keys',
    plan: { path: '/api/v1/billing/plan', section: 'plan' },
    chat: '/v1/chat/completions',
    test: '/api/v1/gateway/keys',
  },
  aihubmix: {
    keys: '/api/token/',
    plan: { path: '/api/user/self', section: 'account' },
    chat: '/v1/chat/completions',
    test: '/api/user/self',
  },
};

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown): void => {
  unhandled.push(reason);
};

describe('Fault matrix on the product surfaces (real VS Code, simulator)', function () {
  this.timeout(240_000);
  let g: Gateways;
  let api: Gateways['api'];
  let sim: Simulator;
  let conn: Record<Kind, string> = { aione: '', aihubmix: '' };
  const label: Record<Kind, string> = { aione: 'Matrix AIone', aihubmix: 'Matrix AIHubMix' };
  const secrets = (): string[] => [
    sim.aione.adminToken,
    sim.aihubmix.accessToken,
    sim.aione.modelKey,
    sim.aihubmix.modelKey,
  ];

  /** One sentence naming the connection and the operation, with the kind's advice; no secret, no markup. */
  const assertSentence = (text: string, kind: Kind, operation: RegExp, advice: RegExp): void => {
    assert.ok(text.startsWith(`${label[kind]}: `), `names the connection first: ${text}`);
    assert.match(text, operation, `names the operation: ${text}`);
    assert.match(text, advice, `says what to do: ${text}`);
    assert.ok(!/[\r\n]/.test(text), `one line: ${text}`);
    assert.match(text, /failed \(.*\)\. /, `the failure is a complete sentence before the advice: ${text}`);
    assert.ok(!/<\/?[a-z][^>]*>/i.test(text), `no markup: ${text}`);
    for (const s of secrets()) assert.ok(!text.includes(s), 'no secret');
  };

  /**
   * A chat failure the product knows how to fix is said as the fix's sentence instead: the connection first, what
   * happened and what to do, the gateway's own words kept; one line, no secret, no markup.
   */
  const CHAT_FIXES: Readonly<Record<string, RegExp>> = {
    'HTTP 429 + Retry-After: 1': /(reached its requests-per-minute limit|is limiting requests).*Try again in 1 s/,
    'HTTP 503': /unavailable right now/,
    'error event mid-stream': /unavailable right now/,
    'JSON 429 instead of a stream': /(reached its requests-per-minute limit|is limiting requests).*Try again/,
  };
  const assertFixSentence = (text: string, kind: Kind, says: RegExp): void => {
    assert.ok(text.startsWith(`${label[kind]}: `), `names the connection first: ${text}`);
    assert.match(text, says, `says what happened and what to do: ${text}`);
    assert.match(text, /\(The gateway said: [^)]+\)/, `keeps the gateway's words: ${text}`);
    assert.ok(!/[\r\n]/.test(text), `one line: ${text}`);
    assert.ok(!/<\/?[a-z][^>]*>/i.test(text), `no markup: ${text}`);
    for (const s of secrets()) assert.ok(!text.includes(s), 'no secret');
  };

  /** Runs Test Connection as the command does and returns the error it showed (the toast is answered by dismissing it). */
  const testConnection = async (id: string): Promise<string | undefined> => {
    const w = vscode.window as unknown as Record<string, unknown>;
    const original = w.showErrorMessage;
    let shown: string | undefined;
    w.showErrorMessage = (message: string) => {
      shown = message;
      return Promise.resolve(undefined);
    };
    try {
      await vscode.commands.executeCommand('aiGateway.testConnection', { connectionId: id });
    } finally {
      w.showErrorMessage = original;
    }
    return shown;
  };

  const children = async (id: string): Promise<KeysNode[]> => {
    const node = api.keysView.connectionNode(id);
    assert.ok(node);
    await api.keysView.getChildren(node);
    await api.keysView.settled(id);
    return api.keysView.getChildren(node);
  };

  before(async () => {
    process.on('unhandledRejection', onUnhandled);
    g = await startGateways('Matrix', { seed: 31, keyCount: 16, streamTokensPerSecond: 0 });
    ({ api, sim, ids: conn } = g);
  });

  after(async () => {
    process.off('unhandledRejection', onUnhandled);
    if (api.chat.isOpen) {
      api.chat.close();
      await api.chat.whenClosed();
    }
    for (const id of Object.values(conn)) api.dashboard.close(id);
    await g?.close();
  });

  afterEach(() => sim.faults.clear());

  for (const kind of ['aione', 'aihubmix'] as const) {
    const faults = FAULTS.filter((f) => !f.gateways || f.gateways.includes(kind));

    describe(`${kind}: Test Connection`, () => {
      for (const f of faults.filter((x) => !x.chatOnly)) {
        it(`× ${f.label}`, async () => {
          sim.faults.add({ gateway: kind, method: 'GET', path: PATHS[kind].test, times: Infinity, fault: f.fault });
          const shown = await testConnection(conn[kind]);
          assert.ok(shown, 'the command showed an error');
          assertSentence(shown, kind, /check connection failed/, f.advice);
          sim.faults.clear();
          assert.equal(await testConnection(conn[kind]), undefined, 'and works again');
          assert.deepEqual(unhandled, []);
        });
      }
    });

    describe(`${kind}: the keys tree`, () => {
      for (const f of faults.filter((x) => !x.chatOnly)) {
        it(`× ${f.label}: an error row with the sentence, then the keys again`, async () => {
          sim.faults.add({ gateway: kind, method: 'GET', path: PATHS[kind].keys, times: Infinity, fault: f.fault });
          api.keysView.refreshConnection(conn[kind]);
          const rows = await children(conn[kind]);
          const msg = rows.find((n): n is MessageNode => n.type === 'message');
          assert.ok(msg, `an error row (got ${rows.map((r) => r.type).join(', ')})`);
          assert.equal(rows[0], msg, 'the error row on top');
          assert.ok(
            rows.slice(1).every((n) => n.type === 'key'),
            `then only the keys read before, kept as stale rows (got ${rows.map((r) => r.type).join(', ')})`,
          );
          assertSentence(msg.message, kind, /list keys failed/, f.advice);
          sim.faults.clear();
          api.keysView.refreshConnection(conn[kind]);
          assert.ok(
            (await children(conn[kind])).some((n) => n.type === 'key'),
            'the keys are back after a retry',
          );
          assert.deepEqual(unhandled, []);
        });
      }
    });

    describe(`${kind}: a dashboard section`, () => {
      before(async () => {
        await api.dashboard.open(conn[kind]);
      });
      after(() => api.dashboard.close(conn[kind]));
      const { path: p, section } = PATHS[kind].plan;
      for (const f of faults.filter((x) => !x.chatOnly)) {
        it(`× ${f.label}: the ${section} section shows the sentence while the others are ready; Retry recovers it`, async () => {
          sim.faults.add({ gateway: kind, method: 'GET', path: p, times: Infinity, fault: f.fault });
          await api.dashboard.post(conn[kind], { type: 'retry', section });
          const st = api.dashboard.state(conn[kind]);
          const s = st?.sections[section];
          assert.equal(s?.status, 'error', `the ${section} section failed`);
          assertSentence(
            (s as { message: string }).message,
            kind,
            kind === 'aione' ? /get plan failed/ : /get balance failed/,
            f.advice,
          );
          assert.equal(st?.sections.models.status, 'ready', 'another section is unaffected');
          sim.faults.clear();
          await api.dashboard.post(conn[kind], { type: 'retry', section });
          assert.equal(api.dashboard.state(conn[kind])?.sections[section].status, 'ready', 'Retry recovers it');
          assert.deepEqual(unhandled, []);
        });
      }
    });

    describe(`${kind}: a chat answer`, () => {
      before(async () => {
        await api.chat.open({ connectionId: conn[kind], modelId: 'gpt-4.1' });
        await api.chat.useKey(
          conn[kind],
          kind === 'aione' ? { secret: sim.aione.modelKey } : { keyId: String(sim.state.aihubmix.modelTokenId) },
        );
      });
      for (const f of faults) {
        it(`× ${f.label}: the turn shows the sentence (and the text received before), then Regenerate answers`, async () => {
          sim.faults.add({ gateway: kind, method: 'POST', path: PATHS[kind].chat, times: 1, fault: f.fault });
          const mark = sim.requests.length;
          await api.chat.post({ type: 'send', text: `matrix ${f.label}` });
          await api.chat.whenIdle();
          const turn = api.chat.conversation().turns.at(-1) as
            { role: string; status?: string; error?: string; content: string } | undefined;
          assert.equal(turn?.status, 'error', 'the answer failed');
          const fix = CHAT_FIXES[f.label];
          if (fix) assertFixSentence(turn?.error ?? '', kind, fix);
          else assertSentence(turn?.error ?? '', kind, /chat stream failed|chat failed/, f.advice);
          if (f.chatOnly && f.fault.kind !== 'json-error-instead-of-stream')
            assert.ok((turn?.content ?? '').length > 0, 'the text received before the failure stays');
          const requests = sim.requests
            .slice(mark)
            .filter((r) => r.gateway === kind && r.path === PATHS[kind].chat).length;
          assert.equal(requests, 1, 'chat is never retried on its own');
          await api.chat.post({ type: 'regenerate' });
          await api.chat.whenIdle();
          const again = api.chat.conversation().turns.at(-1) as { status?: string; content: string } | undefined;
          assert.notEqual(again?.status, 'error', 'Regenerate answers');
          assert.ok((again?.content ?? '').length > 0);
          assert.deepEqual(unhandled, []);
        });
      }
    });
  }

  // ---- transient business errors, Retry-After on chat, strict answers ---------------------------------------------
  const HARDENING: ReadonlyArray<{ readonly title: string; readonly fn: () => Promise<void> }> = [
    {
      title:
        'aihubmix keys tree × success:false 系统繁忙: a transient sentence ("try again"), after the retries a read gets',
      fn: async () => {
        sim.faults.add({
          gateway: 'aihubmix',
          method: 'GET',
          path: PATHS.aihubmix.keys,
          times: Infinity,
          fault: { kind: 'success-false' },
        });
        api.keysView.refreshConnection(conn.aihubmix);
        const msg = (await children(conn.aihubmix)).find((n): n is MessageNode => n.type === 'message');
        assert.ok(msg);
        assertSentence(msg.message, 'aihubmix', /list keys failed/, /try again/);
        // the read is retried like a 503 (1 + 3 attempts); a load the refresh cancelled may add its own first attempt
        const attempts = sim.requests.filter(
          (r) => r.path === PATHS.aihubmix.keys && r.fault === 'success-false',
        ).length;
        assert.ok(attempts >= 4 && attempts <= 5, `retried like a 503: ${attempts} attempts`);
      },
    },
    {
      title: 'aione chat × HTTP 429 + Retry-After: 7: the sentence says when to try again',
      fn: async () => {
        await api.chat.open({ connectionId: conn.aione, modelId: 'gpt-4.1' });
        await api.chat.useKey(conn.aione, { secret: sim.aione.modelKey });
        sim.faults.add({
          gateway: 'aione',
          method: 'POST',
          path: PATHS.aione.chat,
          times: 1,
          fault: { kind: 'status', status: 429, retryAfter: 7 },
        });
        await api.chat.post({ type: 'send', text: 'after merge: retry-after' });
        await api.chat.whenIdle();
        const turn = api.chat.conversation().turns.at(-1) as { error?: string } | undefined;
        assertFixSentence(turn?.error ?? '', 'aione', /requests-per-minute limit\. Try again in 7 s/);
      },
    },
    {
      title: 'aione Test Connection × `{}` on every path: fails as bad-response naming the field (no ¥0 balance)',
      fn: async () => {
        sim.faults.add({
          gateway: 'aione',
          method: 'GET',
          path: '/api/v1/*',
          times: Infinity,
          fault: { kind: 'status', status: 200, body: {} },
        });
        const shown = await testConnection(conn.aione);
        assert.ok(shown, 'Test Connection fails');
        assertSentence(shown, 'aione', /check connection failed/, ADVICE.badResponse);
      },
    },
  ];
  describe('transient business errors, Retry-After on chat, strict answers', () => {
    for (const c of HARDENING) it(c.title, c.fn);
  });
});
