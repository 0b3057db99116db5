/**
 * Rules for short text a user names things with (key names, connection labels). Pure: no 'vscode', no I/O.
 *
 * Such text is shown in trees, quick picks, notifications and logs, and sent to gateways that store it. It must
 * not carry characters that change how the text around it looks or is read:
 *   - control characters (C0, DEL, C1) and the Unicode line / paragraph separators: they break lines, logs and
 *     terminal output;
 *   - bidirectional formatting characters (embeddings and overrides U+202A–U+202E, isolates U+2066–U+2069,
 *     the marks U+200E / U+200F and U+061C): they reorder what is displayed, so a name can look like another;
 * and it must contain something visible: text made only of white space and zero-width characters is refused
 * (a zero-width joiner inside visible text is fine: emoji sequences and several scripts need it).
 */

export type TextProblem =
  /** Nothing but white space (or nothing at all). */
  | 'empty'
  /** Only zero-width / invisible characters (and white space). */
  | 'invisible'
  /** A control character, or a line / paragraph separator. */
  | 'control'
  /** A bidirectional formatting character. */
  | 'bidi';

const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/u;
const BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/u;
/** Characters that take no visible room: zero-width space / joiners, word joiner, BOM, invisible operators, fillers. */
/* eslint-disable no-misleading-character-class -- the combining marks and variation selectors are matched alone, on purpose */
const INVISIBLE =
  /[\u00ad\u034f\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200d\u2060-\u2064\u206a-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0]/gu;
/* eslint-enable no-misleading-character-class */

/** The first thing wrong with `text` as a name, or undefined when it is fine. */
export function checkDisplayText(text: string): TextProblem | undefined {
  if (CONTROL.test(text)) return 'control';
  if (BIDI.test(text)) return 'bidi';
  if (text.trim() === '') return 'empty';
  if (text.replace(INVISIBLE, '').trim() === '') return 'invisible';
  return undefined;
}

const CONTROL_G = new RegExp(CONTROL.source, 'gu');
const BIDI_G = new RegExp(BIDI.source, 'gu');

/**
 * `text` without control and bidirectional formatting characters (each control character becomes a space), for
 * names the client derives from text it did not check itself (a copy of a key named by the gateway).
 */
export function stripUnsafeText(text: string): string {
  return text.replace(CONTROL_G, ' ').replace(BIDI_G, '').replace(/ {2,}/g, ' ').trim();
}
