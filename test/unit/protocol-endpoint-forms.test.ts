/**
 * The protocol base URLs a connection gives coding tools, for the forms base URLs take in settings: trailing
 * slashes (one or several), a chat base URL that ends in /v1 or has /v1 inside it, and the Gemini call URLs.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { geminiUrl, protocolEndpoints } from '../../src/gateway/endpoints';

describe('protocol endpoints from the forms of base URLs', () => {
  it('trailing slashes, however many, are dropped', () => {
    const e = protocolEndpoints({ kind: 'aione', baseUrl: 'https://gw.example.com//' });
    assert.equal(e.openai, 'https://gw.example.com/v1');
    assert.equal(e.anthropic, 'https://gw.example.com');
    const c = protocolEndpoints({
      kind: 'aihubmix',
      baseUrl: 'https://h.example',
      chatBaseUrl: 'https://h.example/v1///',
    });
    assert.equal(c.openai, 'https://h.example/v1');
    assert.equal(c.anthropic, 'https://h.example');
    assert.deepEqual(c.gemini, { base: 'https://h.example/gemini', auth: 'x-goog-api-key' });
  });

  it('a chat base URL with /v1 inside it, not at its end, leaves the root to the gateway’s base URL', () => {
    const e = protocolEndpoints({
      kind: 'aione',
      baseUrl: 'https://gw.example.com/',
      chatBaseUrl: 'https://gw.example.com/v1/openai',
    });
    assert.equal(e.openai, 'https://gw.example.com/v1/openai');
    assert.equal(e.anthropic, 'https://gw.example.com');
    assert.deepEqual(e.gemini, { base: 'https://gw.example.com', auth: 'bearer' });
  });

  it('Gemini: generateContent, or its SSE stream; the model name is escaped', () => {
    const g = { base: 'https://gw.example.com', auth: 'bearer' } as const;
    assert.equal(geminiUrl(g, 'gemini-2.5-pro'), 'https://gw.example.com/v1beta/models/gemini-2.5-pro:generateContent');
    assert.equal(
      geminiUrl(g, 'tuned/model a', true),
      'https://gw.example.com/v1beta/models/tuned%2Fmodel%20a:streamGenerateContent?alt=sse',
    );
  });
});
