/**
 * One validation path for every connection, in a real VS Code: entries written by hand into the user settings
 * (aiGateway.connections) obey the rules of the Add Connection flow. An invalid entry is an error row in the
 * Gateways tree saying what is wrong, and no request — so no token — ever reaches its URL (a real listener on this
 * machine records every request). `allowInsecureHttp` makes plain http:// usable, with a warning on the row. The
 * setting is parsed once per change, and an invalid entry is logged once per change.
 */
import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { AiGatewayTestApi } from '../../../src/extension';
import type { KeysNode } from '../../../src/features/keys/nodes';
import { testApi } from './fixture';

interface Seen {
  readonly method: string;
  readonly url: string;
  readonly authorization?: string;
  readonly host?: string;
}

/** An HTTP listener on every interface that records each request and answers 401. */
async function recorder(): Promise<{ port: number; seen: Seen[]; close(): Promise<void> }> {
  const seen: Seen[] = [];
  const server = http.createServer((req, res) => {
    seen.push({
      method: req.method ?? '',
      url: req.url ?? '',
      ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
      ...(req.headers.host ? { host: req.headers.host } : {}),
    });
    res.writeHead(401, { 'content-type': 'application/json' }).end('{"detail":"no"}');
  });
  await new Promise<void>((resolve) => server.listen(0, '0.0.0.0', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    seen,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** An address of this machine that is not loopback (plain http:// to it is "another machine" by the rules). */
function externalIPv4(): string | undefined {
  return Object.values(os.networkInterfaces())
    .flat()
    .find((a) => a && a.family === 'IPv4' && !a.internal)?.address;
}

function logFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true })
    .map((f) => path.join(dir, String(f)))
    .filter((f) => f.endsWith('.log'));
}

const settings = () => vscode.workspace.getConfiguration('aiGateway');
const writeEntries = (entries: unknown[]) =>
  settings().update('connections', entries, vscode.ConfigurationTarget.Global);
const savedEntries = () => settings().inspect<unknown[]>('connections')?.globalValue ?? [];

describe('Connections: one validation path for hand-written settings', function () {
  this.timeout(60000);
  let api: AiGatewayTestApi;
  let rec: Awaited<ReturnType<typeof recorder>>;
  const ip = externalIPv4();
  const uid = randomBytes(3).toString('hex');
  const token = `hand${randomBytes(20).toString('hex')}`;
  let original: unknown[];

  before(async () => {
    api = await testApi();
    rec = await recorder();
    original = savedEntries();
  });

  after(async () => {
    await writeEntries(original);
    for (const id of [`plain${uid}`, `creds${uid}`, `query${uid}`, `js${uid}`, `file${uid}`, `ok${uid}`])
      await api.secrets.deleteToken(id).catch(() => undefined);
    await rec?.close();
  });

  const rootNodes = async (): Promise<KeysNode[]> => api.keysView.getChildren();
  const invalidRow = async (id: string) => {
    const node = (await rootNodes()).find((n) => n.type === 'invalid' && n.entry.id === id);
    return node ? { node, item: api.keysView.getTreeItem(node) } : undefined;
  };
  /** The tooltip as read (MarkdownString.appendText escapes spaces and punctuation). */
  const tooltipText = (item: vscode.TreeItem): string =>
    (item.tooltip instanceof vscode.MarkdownString ? item.tooltip.value : String(item.tooltip ?? ''))
      .replace(/&nbsp;/g, ' ')
      .replace(/\\(.)/g, '$1');

  it('plain http:// to another machine, credentials, a query, javascript: and file: URLs are error rows; nothing reaches them', async function () {
    const base = (host: string) => `http://${host}:${rec.port}`;
    const entries = [
      { id: `plain${uid}`, kind: 'aione', label: `Plain ${uid}`, baseUrl: base(ip ?? 'gateway.example.invalid') },
      { id: `creds${uid}`, kind: 'aione', label: `Creds ${uid}`, baseUrl: `http://admin:pw@127.0.0.1:${rec.port}` },
      { id: `query${uid}`, kind: 'aihubmix', label: `Query ${uid}`, baseUrl: `${base('127.0.0.1')}/?token=x` },
      { id: `js${uid}`, kind: 'aione', label: `Js ${uid}`, baseUrl: 'javascript:alert(1)' },
      { id: `file${uid}`, kind: 'aione', label: `File ${uid}`, baseUrl: 'file:///etc/passwd' },
    ];
    // a token stored for each, as if the user had had one: it must never be read or sent
    for (const e of entries) await api.secrets.storeToken(e.id, token);
    await writeEntries([...original, ...entries]);

    for (const e of entries) {
      assert.ok(!api.connections.list().some((p) => p.id === e.id), `${e.id} is not a usable connection`);
      const row = await invalidRow(e.id);
      assert.ok(row, `${e.id} shows as an error row`);
      assert.equal(row.item.label, e.label);
      assert.equal(row.item.contextValue, 'aiGateway.invalidConnection.withId');
      assert.equal((row.item.iconPath as vscode.ThemeIcon).id, 'error');
      assert.equal(row.item.command?.command, 'aiGateway.openConnectionSettings', 'a click opens the settings');
      assert.equal(row.item.collapsibleState, vscode.TreeItemCollapsibleState.None);
      assert.match(String(row.item.description), /^Invalid settings: /);
    }
    const text = async (id: string) =>
      `${String((await invalidRow(id))!.item.description)} ${tooltipText((await invalidRow(id))!.item)}`;
    assert.match(await text(`plain${uid}`), /plain http:\/\/ to another machine.*allowInsecureHttp/);
    assert.match(await text(`creds${uid}`), /must not contain a user name or password/);
    assert.match(await text(`query${uid}`), /must not contain a query/);
    assert.match(await text(`js${uid}`), /must start with https:\/\//);
    assert.match(await text(`file${uid}`), /must start with https:\/\//);

    // everything that could use a connection refuses these ids, and says why
    const reads = api.secrets.stats.reads;
    for (const e of entries) {
      await assert.rejects(
        api.connections.test(e.id),
        (err: unknown) =>
          err instanceof Error && err.name === 'InvalidConnectionError' && err.message.includes(e.label),
      );
      assert.throws(
        () => api.connections.gateway(e.id),
        (err: unknown) => err instanceof Error && err.name === 'InvalidConnectionError',
      );
      await vscode.commands.executeCommand('aiGateway.testConnection', e.id); // reports the error, sends nothing
      await vscode.commands
        .executeCommand('aiGateway.refreshConnection', { connectionId: e.id })
        .then(undefined, () => undefined);
    }
    assert.equal(api.secrets.stats.reads, reads, 'no token of an invalid entry was read');
    assert.deepEqual(rec.seen, [], 'no request reached the listener');
    assert.ok(
      !(await api.models.getChildren()).some(
        (n) => 'connectionId' in n && entries.some((e) => e.id === n.connectionId),
      ),
      'the Models tree skips them',
    );
  });

  it('allowInsecureHttp makes plain http:// usable, with a warning icon and tooltip on the row', async function () {
    if (!ip) this.skip(); // no non-loopback address on this machine
    const id = `ok${uid}`;
    await api.secrets.storeToken(id, token);
    await writeEntries([
      ...original,
      { id, kind: 'aione', label: `Insecure ${uid}`, baseUrl: `http://${ip}:${rec.port}/`, allowInsecureHttp: true },
    ]);
    const p = api.connections.get(id);
    assert.ok(p, 'the entry is used');
    assert.equal(p.baseUrl, `http://${ip}:${rec.port}`, 'trailing slash normalised');
    const node = (await rootNodes()).find((n) => n.type === 'connection' && n.connectionId === id)!;
    const item = api.keysView.getTreeItem(node);
    assert.equal((item.iconPath as vscode.ThemeIcon).id, 'warning');
    assert.match(tooltipText(item), /sent unencrypted/);
    // a positive control: the listener is reachable at that URL, so "nothing reached it" above means something
    await assert.rejects(
      api.connections.test(id),
      (e: unknown) => e instanceof Error && 'kind' in e && (e as { kind: string }).kind === 'auth',
    );
    assert.ok(
      rec.seen.length > 0 && rec.seen.every((r) => r.host === `${ip}:${rec.port}`),
      'the request went to that URL',
    );
    rec.seen.length = 0;
  });

  it('a client held across a settings change sends nothing once its entry became invalid or points elsewhere', async () => {
    const id = `held${uid}`;
    await api.secrets.storeToken(id, token);
    const url = `http://127.0.0.1:${rec.port}`;
    await writeEntries([...original, { id, kind: 'aione', label: `Held ${uid}`, baseUrl: url }]);
    const held = api.connections.gateway(id);
    // the new connection may become the active one, whose balance the status bar then reads while the entry is still
    // valid: let that finish before counting what the held client sends after the change
    await api.status.settled();
    rec.seen.length = 0;
    await writeEntries([...original, { id, kind: 'aione', label: `Held ${uid}`, baseUrl: `${url}/?x=1` }]);
    await assert.rejects(held.whoAmI(), (e: unknown) => e instanceof Error && e.name === 'InvalidConnectionError');
    await writeEntries([...original, { id, kind: 'aione', label: `Held ${uid}`, baseUrl: `${url}/elsewhere` }]);
    await assert.rejects(held.whoAmI(), /was changed while a request was being made/);
    // a new client built for the changed entry (the status bar's, for the active connection) may read the new URL;
    // the held client, built for the old one, must have sent nothing
    assert.deepEqual(
      rec.seen.filter((r) => !r.url.startsWith('/elsewhere/')),
      [],
      'the held client sent no request',
    );
    await api.secrets.deleteToken(id);
  });

  it('the setting is parsed once per change, and an invalid entry is logged once per change', async () => {
    const marker = `Logged${uid}${randomBytes(2).toString('hex')}`;
    const before = api.config.connectionParses;
    const entry = { id: `logged${uid}`, kind: 'aione', label: marker, baseUrl: 'http://gateway.example.invalid' };
    await writeEntries([...original, entry]);
    for (let i = 0; i < 50; i++) {
      api.connections.list();
      api.connections.get(entry.id);
      api.connections.invalid();
      await rootNodes();
      await api.models.getChildren();
      assert.throws(() => api.connections.require(entry.id));
    }
    assert.equal(api.config.connectionParses, before + 1, 'one parse for one change, however often it is read');
    // writing the same value again is no change of the content: no new parse, no new log line
    await writeEntries([...original, { ...entry }]);
    api.connections.list();
    assert.equal(api.config.connectionParses, before + 1);

    const roots = [api.logUri.fsPath, path.dirname(api.logUri.fsPath)];
    const count = (): number => {
      let n = 0;
      for (const f of new Set(roots.flatMap(logFiles)))
        n += fs
          .readFileSync(f, 'utf8')
          .split('\n')
          .filter((l) => l.includes(`(logged${uid}) is invalid`)).length;
      return n;
    };
    const end = Date.now() + 10000;
    while (count() === 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 200));
    await new Promise((r) => setTimeout(r, 1500)); // let any further line be flushed too
    assert.equal(count(), 1, 'logged once for this change');
  });

  it('the Add Connection rules refuse what settings.json may not hold either (a label with a direction override)', async () => {
    const n = api.connections.list().length;
    await assert.rejects(
      api.connections.add({ kind: 'aione', label: 'pay\u202Eyou', baseUrl: 'https://gw.example.com' }, token),
      (e: unknown) => e instanceof Error && e.name === 'InvalidConnectionError' && /text-direction/.test(e.message),
    );
    await assert.rejects(
      api.connections.add({ kind: 'aione', label: '\u200B', baseUrl: 'https://gw.example.com' }, token),
      /invisible/,
    );
    await assert.rejects(
      api.connections.add({ kind: 'aione', label: 'ok', baseUrl: 'javascript:alert(1)' }, token),
      (e: unknown) => e instanceof Error && e.name === 'InvalidBaseUrlError',
    );
    assert.equal(api.connections.list().length, n, 'nothing was saved');
  });

  it('a UI write keeps invalid hand-written entries and unknown keys as they are', async () => {
    const bad = {
      id: `plain${uid}`,
      kind: 'aione',
      label: `Keep ${uid}`,
      baseUrl: 'http://gateway.example.invalid',
      note: 'mine',
    };
    await writeEntries([...original, bad]);
    const p = await api.connections.add(
      { kind: 'aione', label: `Added ${uid}`, baseUrl: 'https://gw.example.com', newApiUser: '42' },
      token,
    );
    try {
      const saved = savedEntries();
      assert.ok(
        saved.some((e) => JSON.stringify(e) === JSON.stringify(bad)),
        'the invalid entry is still there, unchanged',
      );
      assert.equal(api.connections.get(p.id)?.newApiUser, '42', 'newApiUser is part of the profile');
    } finally {
      await api.connections.remove(p.id);
    }
  });
});
