/**
 * Text written by others (GitHub's issues, comments, review threads, check
 * names, job logs; Claude's output) made inert before it reaches a prompt or
 * a terminal — pure. What a reader cannot see cannot be allowed to say
 * anything: terminal escape sequences (a check name that sets the window
 * title or clears the screen), C0 and C1 control characters, and the
 * characters Unicode calls default-ignorable (zero-width spaces and joiners,
 * bidirectional controls such as U+202E and U+061C, the tag characters
 * U+E0000–U+E007F that can spell a whole hidden sentence, variation
 * selectors that can smuggle bytes) are removed. Emoji keep their joiners.
 *
 * tests/unit/shared/inert-text.test.ts holds the table.
 */

// Whole escape sequences first (so `ESC[31m` leaves nothing behind): CSI, OSC (to BEL or ST), and two-character ones.
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters being removed
const ESCAPE_SEQUENCE = /\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])/g;
// C0 except tab and newline, DEL, and C1 (which holds a one-byte CSI, U+009B).
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters being removed
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/g;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const LINE_BREAKS = /\r\n?|[\u2028\u2029\u0085]/g;
/**
 * Default-ignorable code points, except the two emoji are made of: a zero-width
 * joiner between pictographs (👩‍💻) and the emoji-presentation selector after an
 * emoji character (❤️). Anywhere else they are removed too.
 */
const INVISIBLE =
  /(?<!\p{Extended_Pictographic}|\p{Emoji_Modifier}|\uFE0F)\u200D|\u200D(?!\p{Extended_Pictographic})|(?<!\p{Emoji})\uFE0F|(?![\u200D\uFE0F])\p{Default_Ignorable_Code_Point}/gu;

/**
 * The text with line breaks normalized to `\n` (CR, CRLF, U+2028/2029, NEL),
 * escape sequences, control characters (tab and newline aside) and invisible
 * characters removed, and lone surrogates replaced by U+FFFD. Everything a
 * reader sees is kept as it was.
 */
export function inertText(text: string): string {
  return text
    .replace(LONE_SURROGATE, '\ufffd')
    .replace(LINE_BREAKS, '\n')
    .replace(ESCAPE_SEQUENCE, '')
    .replace(CONTROL, '')
    .replace(INVISIBLE, '');
}

/** Inert and on one line (any run of line breaks and tabs becomes a space), trimmed: for names, titles, table cells. */
export function inertLine(text: string): string {
  return inertText(text)
    .replace(/[\n\t]+/g, ' ')
    .trim();
}

// What JSON.stringify leaves raw that a terminal would act on or hide: DEL, C1, line separators, invisible characters.
const JSON_UNSAFE = /[\x7f-\x9f\u2028\u2029]|\p{Default_Ignorable_Code_Point}/gu;

/**
 * A value as JSON that is inert on a terminal yet loses nothing: what
 * `JSON.stringify` would leave raw among the characters `inertText` removes
 * is written as `\uXXXX` escapes (C0, ESC included, it escapes itself).
 */
export function inertJson(value: unknown, indent = 2): string {
  return (JSON.stringify(value, null, indent) ?? 'null').replace(JSON_UNSAFE, (ch) =>
    [...Array(ch.length).keys()].map((i) => `\\u${ch.charCodeAt(i).toString(16).padStart(4, '0')}`).join(''),
  );
}
