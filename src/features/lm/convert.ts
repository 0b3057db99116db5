/** VS Code's language-model messages → the gateway's OpenAI-compatible chat request (text, tool calls and results, images). */
import * as vscode from 'vscode';
import type { ChatContentPart, ChatMessage, ChatRequest, ChatTool, ChatToolCall } from '../../core/types';

interface DataLike {
  readonly mimeType: string;
  readonly data: Uint8Array;
}

function isDataPart(p: unknown): p is DataLike {
  return (
    typeof p === 'object' &&
    p !== null &&
    typeof (p as { mimeType?: unknown }).mimeType === 'string' &&
    (p as { data?: unknown }).data instanceof Uint8Array
  );
}

export function isImagePart(p: unknown): p is DataLike {
  return isDataPart(p) && /^image\/(png|jpe?g|gif|webp)$/i.test(p.mimeType);
}

/** Text of a tool result's content: text parts as they are, data parts that are text decoded, anything else as JSON. */
export function toolResultText(content: readonly unknown[]): string {
  const out: string[] = [];
  for (const c of content) {
    if (c instanceof vscode.LanguageModelTextPart) out.push(c.value);
    else if (isDataPart(c)) {
      if (/^(text\/|application\/json)/i.test(c.mimeType)) out.push(new TextDecoder().decode(c.data));
    } else if (c instanceof vscode.LanguageModelPromptTsxPart) out.push(JSON.stringify(c.value));
    else if (typeof c === 'string') out.push(c);
    else if (c !== undefined) out.push(JSON.stringify(c));
  }
  return out.join('\n');
}

/**
 * VS Code's messages → the OpenAI-compatible request: system (role 3, which VS Code's own chat sends), user and
 * assistant text; an assistant's tool-call parts become its tool_calls; a user message's tool results become tool
 * messages right after (before its text), as the API requires; images go as data URLs where the model accepts
 * them. Data parts that are not images or text (e.g. cache hints) are not content and are left out.
 */
export function toChatRequest(
  modelId: string,
  messages: readonly vscode.LanguageModelChatRequestMessage[],
  options: vscode.ProvideLanguageModelChatResponseOptions,
  imagesAccepted: boolean,
): ChatRequest {
  const out: ChatMessage[] = [];
  for (const m of messages) {
    const role =
      m.role === vscode.LanguageModelChatMessageRole.Assistant
        ? 'assistant'
        : m.role === vscode.LanguageModelChatMessageRole.User
          ? 'user'
          : 'system';
    const parts: ChatContentPart[] = [];
    const calls: ChatToolCall[] = [];
    for (const p of m.content) {
      if (p instanceof vscode.LanguageModelTextPart) parts.push({ type: 'text', text: p.value });
      else if (p instanceof vscode.LanguageModelToolCallPart)
        calls.push({ id: p.callId, name: p.name, arguments: JSON.stringify(p.input ?? {}) });
      else if (p instanceof vscode.LanguageModelToolResultPart)
        out.push({ role: 'tool', toolCallId: p.callId, content: toolResultText(p.content) });
      else if (isImagePart(p)) {
        if (imagesAccepted && role === 'user')
          parts.push({
            type: 'image',
            mimeType: p.mimeType.toLowerCase(),
            data: Buffer.from(p.data).toString('base64'),
          });
        else
          parts.push({
            type: 'text',
            text: vscode.l10n.t('[an image was left out: this model does not accept images]'),
          });
      } else if (isDataPart(p) && /^(text\/|application\/json)/i.test(p.mimeType))
        parts.push({ type: 'text', text: new TextDecoder().decode(p.data) });
    }
    const text = parts
      .filter((p): p is Extract<ChatContentPart, { type: 'text' }> => p.type === 'text')
      .map((p) => p.text)
      .join('');
    const hasImage = parts.some((p) => p.type === 'image');
    if (role === 'assistant') {
      if (text || calls.length) out.push({ role, content: text, ...(calls.length ? { toolCalls: calls } : {}) });
    } else if (hasImage) out.push({ role, content: text, parts: mergeText(parts) });
    else if (text) out.push({ role, content: text });
  }
  const tools: ChatTool[] = (options.tools ?? []).map((t) => ({
    name: t.name,
    description: t.description,
    ...(t.inputSchema && typeof t.inputSchema === 'object'
      ? { parameters: t.inputSchema as Record<string, unknown> }
      : {}),
  }));
  const mo = options.modelOptions ?? {};
  const temperature =
    typeof mo['temperature'] === 'number' && mo['temperature'] >= 0 && mo['temperature'] <= 2
      ? mo['temperature']
      : undefined;
  const max: unknown = mo['max_tokens'] ?? mo['maxTokens'];
  const maxTokens = typeof max === 'number' && Number.isInteger(max) && max > 0 ? max : undefined;
  return {
    model: modelId,
    messages: out,
    ...(tools.length ? { tools } : {}),
    ...(tools.length && options.toolMode === vscode.LanguageModelChatToolMode.Required
      ? { toolChoice: tools.length === 1 ? { name: tools[0]!.name } : ('required' as const) }
      : {}),
    ...(temperature !== undefined ? { temperature } : {}),
    ...(maxTokens !== undefined ? { maxTokens } : {}),
  };
}

/** Adjacent text parts joined (one text block per run), images kept in place. */
function mergeText(parts: readonly ChatContentPart[]): ChatContentPart[] {
  const out: ChatContentPart[] = [];
  for (const p of parts) {
    const last = out[out.length - 1];
    if (p.type === 'text' && last?.type === 'text') out[out.length - 1] = { type: 'text', text: last.text + p.text };
    else out.push(p);
  }
  return out;
}
