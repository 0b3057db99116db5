/**
 * The keys tree's menus (package.json) against the contextValues the tree sets (src/features/keys/items.ts):
 * Enable only on disabled keys, Disable only on keys that are not disabled, the other key actions on every key.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { ROOT } from './repo';

const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  contributes: {
    menus: Record<string, Array<{ command: string; when?: string; group?: string }>>;
    commands: Array<{ command: string; icon?: string }>;
  };
};
const STATUSES = ['active', 'grace', 'disabled', 'expired', 'exhausted', 'unknown'] as const;

/** Evaluates the small subset of when-clauses the keys menus use: `a == b`, `a =~ /re/`, joined by `&&`. */
function evaluate(when: string, ctx: Record<string, string>): boolean {
  return when
    .split('&&')
    .map((s) => s.trim())
    .every((clause) => {
      const eq = /^([\w.]+)\s*==\s*(\S+)$/.exec(clause);
      if (eq) return ctx[eq[1]!] === eq[2];
      const re = /^([\w.]+)\s*=~\s*\/(.*)\/$/.exec(clause);
      if (re) return new RegExp(re[2]!).test(ctx[re[1]!] ?? '');
      return ctx[clause] === 'true';
    });
}

function shownFor(command: string, contextValue: string, inline = false): boolean {
  return (pkg.contributes.menus['view/item/context'] ?? [])
    .filter((m) => m.command === command && (m.group?.startsWith('inline') ?? false) === inline)
    .some((m) => evaluate(m.when ?? '', { view: 'aiGateway.connections', viewItem: contextValue }));
}

describe('keys tree menus', () => {
  it('the tree source uses the contextValues these menus expect', () => {
    const tree = fs.readFileSync(path.join(ROOT, 'src/features/keys/items.ts'), 'utf8');
    assert.ok(tree.includes('item.contextValue = `aiGateway.key.${status}`;'));
    assert.ok(tree.includes("item.contextValue = 'aiGateway.connection';"));
  });

  it('Enable appears only on disabled (or unknown) keys, Disable on the others', () => {
    for (const s of STATUSES) {
      const cv = `aiGateway.key.${s}`;
      assert.equal(shownFor('aiGateway.enableKey', cv), s === 'disabled' || s === 'unknown', `enable on ${s}`);
      assert.equal(shownFor('aiGateway.disableKey', cv), s !== 'disabled', `disable on ${s}`);
    }
  });

  it('details, copy, snippet and delete are on every key; copy and details inline (with icons)', () => {
    for (const s of STATUSES) {
      const cv = `aiGateway.key.${s}`;
      for (const c of [
        'aiGateway.viewKeyDetails',
        'aiGateway.copyKey',
        'aiGateway.copyKeySnippet',
        'aiGateway.deleteKey',
      ])
        assert.ok(shownFor(c, cv), `${c} on ${s}`);
      for (const c of ['aiGateway.viewKeyDetails', 'aiGateway.copyKey'])
        assert.ok(shownFor(c, cv, true), `${c} inline on ${s}`);
    }
    const icons = new Map(pkg.contributes.commands.map((c) => [c.command, c.icon]));
    for (const m of pkg.contributes.menus['view/item/context'] ?? []) {
      if (m.group?.startsWith('inline')) assert.ok(icons.get(m.command), `${m.command} is inline and has an icon`);
    }
  });

  it('no key action on a connection, a message or "Load more…" item', () => {
    for (const cv of [
      'aiGateway.connection',
      'aiGateway.loadMore',
      'aiGateway.message.error',
      'aiGateway.message.tokenRejected',
    ]) {
      for (const c of [
        'aiGateway.enableKey',
        'aiGateway.disableKey',
        'aiGateway.deleteKey',
        'aiGateway.copyKey',
        'aiGateway.viewKeyDetails',
      ]) {
        assert.equal(shownFor(c, cv) || shownFor(c, cv, true), false, `${c} on ${cv}`);
      }
    }
    assert.ok(shownFor('aiGateway.refreshConnection', 'aiGateway.connection', true), 'refresh inline on a connection');
    assert.ok(shownFor('aiGateway.filterKeys', 'aiGateway.connection'), 'filter in the connection menu');
  });
});
