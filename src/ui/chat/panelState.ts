/** The chat webview's saved state, checked when VS Code gives it back (the same rules as the host's schema). */
import { isConversationId } from '../../core/ids';
import type { ChatPanelState } from '../../webview/protocol';
import { isRecord } from '../common/vscode';

export function isChatPanelState(value: unknown): value is ChatPanelState {
  if (!isRecord(value)) return false;
  const { conversationId, draft } = value;
  return (
    (conversationId === undefined || isConversationId(conversationId)) &&
    (draft === undefined || typeof draft === 'string')
  );
}
