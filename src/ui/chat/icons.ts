/**
 * The codicons the chat draws. Only these glyphs are in the font the chat ships (the build subsets the 126 KB codicon
 * font to them: esbuild.mjs, scripts/lib/codicons.mjs): an icon used here must be listed, and the type makes sure.
 */
export const CHAT_ICONS = [
  'add',
  'arrow-down',
  'chevron-down',
  'chevron-left',
  'chevron-right',
  'debug-stop',
  'ellipsis',
  'file',
  'history',
  'key',
  'refresh',
  'search',
  'selection',
  'send',
  'settings-gear',
  'warning',
] as const;

export type ChatIcon = (typeof CHAT_ICONS)[number];
