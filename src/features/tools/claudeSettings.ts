/**
 * Claude Code's ~/.claude/settings.json (JSON with comments): jsonc-parser's modify + applyEdits edit only the paths
 * we own, keeping comments, indentation and order. Input that does not parse is refused with the parser's reason.
 */
import {
  type FormattingOptions,
  type ParseError,
  SyntaxKind,
  applyEdits,
  createScanner,
  findNodeAtLocation,
  modify,
  parse as parseJsonc,
  parseTree,
  printParseErrorCode,
} from 'jsonc-parser';
import { ConfigFormatError, type Plan } from './formats';

export interface ClaudeSettings {
  readonly baseUrl: string;
  readonly authToken: string;
  readonly model: string;
  /** The models Claude Code uses for its opus / sonnet / haiku aliases (left alone when absent). */
  readonly opus?: string;
  readonly sonnet?: string;
  readonly haiku?: string;
}

function detectFormatting(text: string): FormattingOptions {
  const indent = /\n([ \t]+)\S/.exec(text)?.[1];
  return {
    insertSpaces: !indent?.startsWith('\t'),
    tabSize: indent && !indent.startsWith('\t') ? indent.length : 2,
    eol: text.includes('\r\n') ? '\r\n' : '\n',
  };
}

/**
 * Removes one property and its comma, and nothing else: jsonc-parser's own removal takes everything from the end
 * of the previous property, which would drop a comment written after that property's comma.
 */
function removeProperty(text: string, path: string[]): string {
  const prop = findNodeAtLocation(parseTree(text)!, path)?.parent;
  if (!prop || prop.type !== 'property' || !prop.parent?.children) return text;
  const siblings = prop.parent.children;
  const i = siblings.indexOf(prop);
  let start = prop.offset;
  let end = prop.offset + prop.length;
  const scanner = createScanner(text, false);
  const nextToken = (from: number): { kind: SyntaxKind; offset: number } => {
    scanner.setPosition(from);
    for (;;) {
      const kind = scanner.scan();
      if (
        kind !== SyntaxKind.Trivia &&
        kind !== SyntaxKind.LineBreakTrivia &&
        kind !== SyntaxKind.LineCommentTrivia &&
        kind !== SyntaxKind.BlockCommentTrivia
      )
        return { kind, offset: scanner.getTokenOffset() };
    }
  };
  const after = nextToken(end);
  if (after.kind === SyntaxKind.CommaToken) end = after.offset + 1;
  else if (i > 0) {
    // the last property: the comma after the previous one goes (only that character)
    const prev = siblings[i - 1]!;
    const comma = nextToken(prev.offset + prev.length);
    if (comma.kind === SyntaxKind.CommaToken) {
      text = text.slice(0, comma.offset) + text.slice(comma.offset + 1);
      start--;
      end--;
    }
  }
  // a property alone on its line takes the line with it
  const lineStart = text.lastIndexOf('\n', start - 1) + 1;
  const lineEndIdx = text.indexOf('\n', end);
  const lineEnd = lineEndIdx < 0 ? text.length : lineEndIdx + 1;
  if (text.slice(lineStart, start).trim() === '' && text.slice(end, lineEnd).trim() === '') {
    start = lineStart;
    end = lineEnd;
  }
  return text.slice(0, start) + text.slice(end);
}

export function planClaudeSettings(file: string, before: string | undefined, s: ClaudeSettings): Plan {
  let text = before && before.trim() ? before : '{}\n';
  const errors: ParseError[] = [];
  const root = parseJsonc(text, errors, { allowTrailingComma: true, disallowComments: false }) as unknown;
  if (errors.length)
    throw new ConfigFormatError(
      file,
      `not valid JSON (${printParseErrorCode(errors[0]!.error)} at offset ${errors[0]!.offset})`,
    );
  if (root === null || typeof root !== 'object' || Array.isArray(root))
    throw new ConfigFormatError(file, 'the top level is not an object');
  const env = (root as { env?: unknown }).env;
  if (env !== undefined && (env === null || typeof env !== 'object' || Array.isArray(env)))
    throw new ConfigFormatError(file, '"env" is not an object');
  const current = (env ?? {}) as Record<string, unknown>;
  const formattingOptions = detectFormatting(text);
  const changes: string[] = [];
  const set = (key: string, value: string | undefined) => {
    if (value === undefined) {
      if (key in current) {
        text = removeProperty(text, ['env', key]);
        changes.push(`env.${key} removed`);
      }
      return;
    }
    if (current[key] === value) return;
    text = applyEdits(text, modify(text, ['env', key], value, { formattingOptions }));
    changes.push(`env.${key} ${key in current ? 'changed' : 'set'}`);
  };
  set('ANTHROPIC_BASE_URL', s.baseUrl);
  set('ANTHROPIC_AUTH_TOKEN', s.authToken);
  // Claude Code must not get both: ANTHROPIC_API_KEY would be sent instead of the gateway's token
  set('ANTHROPIC_API_KEY', undefined);
  set('ANTHROPIC_MODEL', s.model);
  if (s.opus) set('ANTHROPIC_DEFAULT_OPUS_MODEL', s.opus);
  if (s.sonnet) set('ANTHROPIC_DEFAULT_SONNET_MODEL', s.sonnet);
  if (s.haiku) set('ANTHROPIC_DEFAULT_HAIKU_MODEL', s.haiku);
  if (!text.endsWith('\n')) text += formattingOptions.eol ?? '\n';
  return { text, changes };
}
