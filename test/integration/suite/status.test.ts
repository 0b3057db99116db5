/**
 * The status bar item in a real VS Code against the gateway simulator: the active connection's balance exactly as
 * the gateway holds it, the worst key warning (a key created here expiring within 7 days), the active-connection
 * setting, and hidden without a connection.
 */
import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import Big from 'big.js';
import * as vscode from 'vscode';
import type { Simulator } from '../../simulator/index';
import { startGateways, type Gateways, type Kind } from './fixture';

async function getJson(url: string, headers: Record<string, string> = {}): Promise<unknown> {
  const r = await fetch(url, { headers });
  assert.ok(r.ok, `${url} → ${r.status}`);
  return r.json();
}

/** The balance as the simulator holds it, read over the wire (decimal string). */
async function wireBalance(sim: Simulator, kind: Kind): Promise<string> {
  if (kind === 'aione') {
    const a = (await getJson(`${sim.aione.url}/api/v1/billing/account`, {
      authorization: `Bearer ${sim.aione.adminToken}`,
    })) as { balance_rmb: string };
    return a.balance_rmb;
  }
  const u = (await getJson(`${sim.aihubmix.url}/api/user/self`, { authorization: sim.aihubmix.accessToken })) as {
    data: { quota: number };
  };
  return new Big(u.data.quota).div(500000).toString();
}

const fmt = (amount: string, currency: 'CNY' | 'USD') =>
  new Intl.NumberFormat(vscode.env.language, {
    style: 'currency',
    currency,
    currencyDisplay: 'narrowSymbol',
    minimumFractionDigits: 2,
    maximumFractionDigits: 2,
  }).format(amount as Intl.StringNumericLiteral);

describe('Status bar (both gateways, simulator)', function () {
  this.timeout(60000);
  let g: Gateways;
  let api: Gateways['api'];
  let sim: Simulator;
  let ids: Record<Kind, string>;

  before(async () => {
    g = await startGateways('Status', { keyCount: 12 });
    ({ api, sim, ids } = g);
  });

  after(async () => {
    await vscode.workspace
      .getConfiguration('aiGateway')
      .update('activeConnection', undefined, vscode.ConfigurationTarget.Global);
    for (const id of Object.values(ids ?? {})) await api.connections.remove(id).catch(() => undefined);
    await api?.status.settled();
    await g?.close();
  });

  const activate = async (kind: Kind): Promise<void> => {
    await vscode.commands.executeCommand('aiGateway.setActiveConnection', ids[kind]);
    const saved = vscode.workspace.getConfiguration('aiGateway').inspect<string>('activeConnection')?.globalValue;
    assert.equal(saved, ids[kind], 'the active connection is a user setting');
    assert.equal(api.status.activeConnection()?.id, ids[kind]);
    await api.status.refresh();
  };

  for (const kind of ['aione', 'aihubmix'] as const) {
    const currency = kind === 'aione' ? 'CNY' : 'USD';

    it(`${kind}: shows the gateway's balance exactly, in ${currency}`, async () => {
      await activate(kind);
      const s = api.status.snapshot();
      assert.ok(s.visible);
      assert.equal(s.connectionId, ids[kind]);
      const want = await wireBalance(sim, kind);
      assert.ok(s.balance, `a balance was read (${s.error ?? ''})`);
      assert.equal(s.balance.currency, currency);
      assert.ok(new Big(s.balance.amount).eq(want), `balance ${s.balance.amount} = simulator ${want}`);
      assert.ok(
        s.text.includes(`${kind === 'aione' ? 'Status AIone' : 'Status AIHubMix'}: ${fmt(want, currency)}`),
        `status text "${s.text}" shows ${fmt(want, currency)}`,
      );
      assert.ok(s.text.includes(currency === 'CNY' ? '¥' : '$'));
    });

    it(`${kind}: warns about a key created to expire within 7 days`, async () => {
      const name = `status-expiring-${randomBytes(3).toString('hex')}`;
      const expiresAt = new Date(Date.now() + 3 * 86_400_000 + 3_600_000).toISOString();
      const gw = api.connections.gateway(ids[kind]);
      const created = await gw.createKey({ name, expiresAt, quotaUsd: 'unlimited' });
      // the simulator holds it, with that expiry
      const stored = (await getJson(
        `${kind === 'aione' ? sim.aione.url : sim.aihubmix.url}/__sim/keys?gateway=${kind}`,
      )) as { items: Array<Record<string, unknown>> };
      const rec = stored.items.find((k) => k['name'] === name);
      assert.ok(rec, 'the key is in the simulator');
      const storedExpiry =
        kind === 'aione' ? Date.parse(String(rec['expires_at'])) : Number(rec['expired_time']) * 1000;
      assert.ok(Math.abs(storedExpiry - Date.parse(expiresAt)) < 2000, 'with the expiry asked for');

      await activate(kind);
      const s = api.status.snapshot();
      const w = s.warnings.find((x) => x.keyId === created.id);
      assert.ok(w, `a warning for ${name}: ${JSON.stringify(s.warnings)}`);
      assert.equal(w.kind, 'expiring');
      assert.ok(s.text.includes('$(warning)'), `status text "${s.text}" carries the warning`);
      // the worst warning is the one shown; an exhausted key beats an expiring one, the soonest expiry wins
      const worst = s.warnings[0]!;
      if (worst.kind === 'expiring') assert.ok(worst.msLeft <= (w.kind === 'expiring' ? w.msLeft : Infinity));
      // 3 days and 1 hour away: whole days rounded as every span is (core/format), as the keys tree says "in 3 d"
      if (s.warnings.indexOf(w) < 5)
        assert.match(
          s.tooltip,
          new RegExp(`The key "${name}" expires on .+ \\(in 3 d\\)`),
          'the tooltip names the expiry in a sentence',
        );

      await gw.deleteKey(created.id);
      await api.status.refresh();
      assert.ok(!api.status.snapshot().warnings.some((x) => x.keyId === created.id), 'gone once the key is deleted');
    });
  }

  it('the status bar and the keys tree say the same span: a key expiring in 25 h is "in 25 h" in both, and the balance is the row\'s', async () => {
    const kind = 'aione' as const;
    const name = `status-25h-${randomBytes(3).toString('hex')}`;
    const gw = api.connections.gateway(ids[kind]);
    // 30 s past 25 h, so the few seconds of the test do not cross a rounding boundary
    const created = await gw.createKey({
      name,
      expiresAt: new Date(Date.now() + 25 * 3_600_000 + 30_000).toISOString(),
    });
    try {
      await activate(kind);
      const s = api.status.snapshot();
      assert.equal(s.warnings[0]?.keyId, created.id, 'the soonest expiry is the worst warning');
      assert.match(s.text, /key expires in 25 h/, `status text "${s.text}"`);
      // the tree: its row for the same key (found by the gateway's name search)
      api.keysView.setFilter(ids[kind], { name });
      const rows = await api.keysView.getChildren(api.keysView.connectionNode(ids[kind]));
      const row = rows.find((n) => n.type === 'key' && n.keyId === created.id)!;
      assert.ok(row, 'the key is in the tree');
      assert.match(String(api.keysView.getTreeItem(row).description), /expires in 25 h/, 'the same words in the tree');
      // the connection row shows the balance the status bar read (one reading, shared)
      const conn = api.keysView.getTreeItem(api.keysView.connectionNode(ids[kind])!);
      assert.ok(
        s.balance && String(conn.description).includes(fmt(s.balance.amount, 'CNY')),
        `the row "${String(conn.description)}" shows ${s.balance?.amount}`,
      );
    } finally {
      api.keysView.setFilter(ids[kind], undefined);
      await gw.deleteKey(created.id);
      await api.status.refresh();
    }
  });

  it('falls back to the first connection when the setting names none; hidden when there is no connection', async () => {
    await vscode.workspace
      .getConfiguration('aiGateway')
      .update('activeConnection', 'cNoSuchConnection', vscode.ConfigurationTarget.Global);
    assert.equal(api.status.activeConnection()?.id, api.connections.list()[0]?.id);
    const s = api.status.snapshot();
    assert.equal(s.visible, api.connections.list().length > 0);
    assert.equal(s.text.startsWith(`$(cloud) ${api.connections.list()[0]!.label}`), true, s.text);
  });

  it('a refresh in flight is cancelled by the next one (only the last one lands)', async () => {
    await activate('aione');
    const before = api.status.snapshot().refreshes;
    sim.faults.add({
      gateway: 'aione',
      method: 'GET',
      path: '/api/v1/billing/account',
      times: 1,
      fault: { kind: 'latency', ms: 3000 },
    });
    const seen = sim.requests.filter((r) => r.path === '/api/v1/billing/account').length;
    const first = api.status.refresh();
    // wait until the first refresh's request is at the gateway (held there by the latency fault)
    for (let i = 0; i < 100 && sim.requests.filter((r) => r.path === '/api/v1/billing/account').length === seen; i++)
      await new Promise((r) => setTimeout(r, 50));
    assert.equal(sim.faults.list().length, 0, 'the first refresh is waiting on the slow answer');
    const second = api.status.refresh();
    await Promise.all([first, second]);
    assert.equal(api.status.snapshot().refreshes, before + 1, 'the cancelled refresh did not update the item');
    assert.ok(api.status.snapshot().balance, 'the second refresh did');
  });
});
