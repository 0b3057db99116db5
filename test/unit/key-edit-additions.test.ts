/**
 * What an edit entry adds to a key's form answers (src/features/keys/flows/draft.ts): models only to a list that
 * already narrows the key, IPs after those there, each once.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { addToAnswers, emptyAnswers, expiryIso } from '../../src/features/keys/flows/draft';

const answers = (models: string[], ips: string) => ({ ...emptyAnswers(), models, ips });

describe('key form: adding models and IPs from an edit entry', () => {
  it('adds each new model once to a list that narrows the key', () => {
    const a = answers(['gpt-4o'], '');
    addToAnswers(a, { at: 'modelsAllowed', addModels: ['gpt-4o', 'claude', 'claude'] });
    assert.deepEqual(a.models, ['gpt-4o', 'claude']);
  });

  it('leaves an empty model list empty: it already allows every model', () => {
    const a = answers([], '');
    addToAnswers(a, { at: 'modelsAllowed', addModels: ['claude'] });
    assert.deepEqual(a.models, []);
  });

  it('adds new IPs after the ones there, each once, and leaves the text alone when nothing is new', () => {
    const a = answers([], '10.0.0.1,  10.0.0.2');
    addToAnswers(a, { at: 'allowedIps', addIps: ['10.0.0.2', '192.168.1.9'] });
    assert.equal(a.ips, '10.0.0.1, 10.0.0.2, 192.168.1.9');
    const b = answers([], '10.0.0.1,  10.0.0.2');
    addToAnswers(b, { at: 'allowedIps', addIps: ['10.0.0.1'] });
    assert.equal(b.ips, '10.0.0.1,  10.0.0.2', 'as typed');
    addToAnswers(b, { at: 'allowedIps' });
    assert.equal(b.ips, '10.0.0.1,  10.0.0.2');
  });

  it('an entry without models or IPs changes nothing', () => {
    const a = answers(['gpt-4o'], '10.0.0.1');
    addToAnswers(a, { at: 'name' });
    assert.deepEqual(a, answers(['gpt-4o'], '10.0.0.1'));
  });

  it('"keep" sends no expiry', () => {
    assert.equal(expiryIso({ mode: 'keep', iso: '2026-01-01T00:00:00Z' }, 0), undefined);
  });
});
