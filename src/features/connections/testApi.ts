/**
 * What the integration tests reach of the connection commands through the extension's test API: Edit Connection and
 * Update Token without their input boxes (live check, then save), and the Prompter every flow asks through, so a
 * test can script Add / Edit Connection, Update Token and the key flows step by step.
 */
import type { Identity } from '../../core/types';
import type { ConnectionProfile, ConnectionStore } from '../../platform/connections';
import type { IDisposable } from '../../platform/lifecycle';
import type { Prompter } from '../../platform/prompter';
import type { SecretService } from '../../platform/secrets';
import type { PromptService } from '../../platform/vscodePrompter';
import { type ConnectionEdit, saveConnectionEdit, saveToken } from './edits';

export interface ConnectionsTestApi {
  /** Edit Connection / Update Token without their input boxes: live check, then save. */
  readonly connectionEdits: {
    edit(id: string, edit: ConnectionEdit): Promise<{ profile: ConnectionProfile; identity: Identity }>;
    updateToken(id: string, token: string): Promise<Identity>;
  };
  /** Routes every prompt and message of the flows (connections and keys) to `p` until disposed. */
  usePrompter(p: Prompter): IDisposable;
}

export function connectionsTestApi(deps: {
  readonly connections: ConnectionStore;
  readonly secrets: SecretService;
  readonly prompts: PromptService;
}): ConnectionsTestApi {
  return {
    connectionEdits: {
      edit: (id, edit) => saveConnectionEdit(deps.connections, (cid) => deps.secrets.getToken(cid), id, edit),
      updateToken: (id, token) => saveToken(deps.connections, id, token),
    },
    usePrompter: (p) => deps.prompts.use(p),
  };
}
