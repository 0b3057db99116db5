/** What the integration tests reach of the Tools feature through the extension's test API. */
import type { ToolDialogs } from './dialogs';
import type { WriteRecord } from './files';
import type { ToolChoice } from './plan';
import type { ToolsFeature } from './index';

export interface ToolsTestApi {
  setHome(dir: string | undefined): void;
  setWorkspace(dir: string | undefined): void;
  /** Replaces some dialogs (undefined: the real ones again). */
  setDialogs(d: Partial<ToolDialogs> | undefined): Promise<void>;
  /** Runs a configuration without any picker. */
  configure(choice: ToolChoice): Promise<readonly WriteRecord[]>;
  undo(): Promise<boolean>;
  lastWrites(): Promise<readonly WriteRecord[]>;
}

export function toolsTestApi(tools: ToolsFeature): ToolsTestApi {
  return {
    setHome: (d) => {
      tools.home = d;
    },
    setWorkspace: (d) => {
      tools.workspace = d;
    },
    setDialogs: async (d) => {
      const f = await tools.load();
      f.dialogs = { ...f.realDialogs(), ...d };
    },
    configure: async (c) => (await tools.load()).configure(c),
    undo: async () => (await tools.load()).undo(),
    lastWrites: async () => (await tools.load()).lastWrites,
  };
}
