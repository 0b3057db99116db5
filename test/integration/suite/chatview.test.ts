/**
 * The chat in the side bar view, in a real VS Code against the simulator (both gateways): "Open Chat in Side Bar"
 * resolves the contributed view, whose webview loads under the same CSP and asks for the state; an answer asked in
 * the view streams into the view; the same conversation open in the editor panel and the view stays in sync (one
 * chat service: both get every state and delta message); closing the panel while the view shows the chat neither
 * stops the answer nor drops the conversation.
 */
import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import type { ModelInfo } from '../../../src/core/types';
import type { AiGatewayTestApi } from '../../../src/extension';
import type { Simulator } from '../../simulator/index';
import { type Gateways, KINDS, startGateways, waitFor } from './fixture';

describe('Chat in the side bar view (real VS Code, simulator)', function () {
  this.timeout(120000);
  let api: AiGatewayTestApi;
  let sim: Simulator;
  let fx: Gateways | undefined;
  const conn = { aione: '', aihubmix: '' };
  const model: Record<string, ModelInfo | undefined> = {};
  const chat = () => api.chat;

  before(async () => {
    fx = await startGateways('ChatView', { seed: 11 });
    ({ api, sim } = fx);
    conn.aione = fx.ids.aione;
    conn.aihubmix = fx.ids.aihubmix;
    for (const gw of KINDS) {
      const models = await api.connections.gateway(conn[gw]).listModels();
      model[gw] = models.find((m) => m.price?.inputPerMTok && m.types?.includes('chat')) ?? models[0];
    }
    await chat().useKey(conn.aione, { secret: sim.aione.modelKey, label: 'pasted' });
    await chat().useKey(conn.aihubmix, { keyId: String(sim.state.aihubmix.modelTokenId) });
  });

  after(async () => {
    chat()?.close();
    await chat()?.whenClosed();
    await vscode.commands.executeCommand('workbench.action.closeAuxiliaryBar');
    await fx?.close();
  });

  it('"Open Chat in Side Bar" shows the view; its webview loads under a nonce CSP and asks for the state', async () => {
    chat().close();
    await chat().whenClosed();
    const readyBefore = chat().traffic().view.ready;
    await chat().openInSideBar();
    const where = chat().surfaces();
    assert.ok(where.view && where.viewVisible, 'the view is resolved and on screen');
    assert.ok(!where.panel, 'no editor panel was opened');
    assert.ok(chat().traffic().view.ready > readyBefore, 'the view posted ready');
    const html = chat().html() ?? '';
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1] ?? '';
    assert.match(csp, /default-src 'none'/);
    assert.ok(!/unsafe-eval|unsafe-inline/.test(csp), csp);
  });

  for (const gw of KINDS) {
    it(`${gw}: an answer asked in the view streams into the view, and only there while no panel is open`, async () => {
      await chat().openInSideBar();
      assert.ok(!chat().isOpen);
      await chat().post({ type: 'newConversation' });
      await chat().post({ type: 'selectConnection', connectionId: conn[gw] });
      await chat().post({ type: 'selectModel', modelId: model[gw]!.id });
      const before = chat().traffic();
      const deltasBefore = chat().counters().deltasPosted;
      await chat().post({ type: 'send', text: 'Explain streaming in one answer' });
      await chat().whenIdle();
      const turns = chat().conversation().turns;
      const answer = turns[turns.length - 1]!;
      assert.equal(answer.status, 'done', answer.error);
      assert.ok(answer.content.length > 0);
      const after = chat().traffic();
      const deltas = chat().counters().deltasPosted - deltasBefore;
      assert.ok(deltas > 0, 'the answer was streamed in deltas');
      assert.ok(after.view.posted - before.view.posted >= deltas, 'every delta went to the view');
      assert.equal(after.panel.posted, before.panel.posted, 'nothing went to a panel that is not open');
    });

    it(`${gw}: the same conversation in the panel and the view stays in sync, message by message`, async () => {
      await chat().openInSideBar();
      await chat().post({ type: 'selectConnection', connectionId: conn[gw] });
      await chat().post({ type: 'selectModel', modelId: model[gw]!.id });
      const panelReady = chat().traffic().panel.ready;
      await chat().open(); // "Open Chat": the editor panel
      await waitFor('the panel to open beside the view', () => chat().isOpen && chat().surfaces().view);
      await waitFor('the panel to ask for the state', () => chat().traffic().panel.ready > panelReady);
      const id = chat().conversation().id;
      const before = chat().traffic();
      await chat().post({ type: 'send', text: 'Say hello' });
      await chat().whenIdle();
      const after = chat().traffic();
      const toPanel = after.panel.posted - before.panel.posted;
      const toView = after.view.posted - before.view.posted;
      assert.ok(toPanel > 0, 'the panel got the answer');
      assert.equal(toView, toPanel, 'the view got exactly the messages the panel got');
      assert.equal(chat().state().conversationId, id, 'one conversation, shown twice');
      // closing the panel leaves the chat in the view: nothing is stopped or reset
      const turns = chat().conversation().turns.length;
      chat().close();
      await chat().whenClosed();
      assert.ok(!chat().isOpen && chat().surfaces().view);
      assert.equal(chat().conversation().id, id, 'the conversation stays open in the view');
      assert.equal(chat().conversation().turns.length, turns);
    });
  }

  it('"Chat with this model" goes to the view when the view is on screen and no panel is open', async () => {
    await chat().openInSideBar();
    assert.ok(!chat().isOpen);
    await chat().open({ connectionId: conn.aione, modelId: model.aione!.id });
    assert.ok(!chat().isOpen, 'no editor panel was opened');
    assert.equal(chat().conversation().modelId, model.aione!.id);
    assert.equal(chat().conversation().turns.length, 0, 'a new conversation for the model');
  });

  it('a view hidden (its side bar closed) is sent no state, and no gateway is asked for models for it; shown again, it asks', async () => {
    await chat().openInSideBar();
    assert.ok(!chat().isOpen);
    await vscode.commands.executeCommand('workbench.action.closeAuxiliaryBar');
    await waitFor('the view to be hidden', () => !chat().surfaces().viewVisible);
    assert.ok(chat().surfaces().view, 'hidden, not closed: the view is still resolved');
    const posted = chat().traffic().view.posted;
    const models = sim.requests.filter((r) => /models/.test(r.path)).length;
    // a state change (a new conversation, a connection chosen) while nothing shows the chat
    await chat().post({ type: 'newConversation' });
    await chat().post({ type: 'selectConnection', connectionId: conn.aihubmix });
    assert.equal(chat().traffic().view.posted, posted, 'no state posted to the hidden view');
    assert.equal(
      sim.requests.filter((r) => /models/.test(r.path)).length,
      models,
      'no models read for a chat nobody sees',
    );
    const ready = chat().traffic().view.ready;
    await chat().openInSideBar();
    await waitFor('the view to ask for the state again', () => chat().traffic().view.ready > ready);
    assert.equal(chat().state().connectionId, conn.aihubmix, 'shown again, it has the current state');
  });
});
