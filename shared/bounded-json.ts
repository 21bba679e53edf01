/**
 * JSON from someone else, with bounds checked before any work is spent on it.
 * `JSON.parse` accepts any nesting, but `JSON.stringify` (and every recursive
 * walk) of a value nested a few thousand levels deep throws a RangeError — a
 * 12 KB frame of `[[[[…` could end a process that echoed or logged it. So
 * the nesting is measured on the raw text first, in one linear pass.
 * Pure; table-tested.
 */

/** How deeply `text` nests arrays and objects, counting only up to `limit + 1` (enough to say "too deep"). */
export function jsonNestingDepth(text: string, limit: number): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b /* [ */ || c === 0x7b /* { */) {
      depth++;
      if (depth > deepest) {
        deepest = depth;
        if (deepest > limit) return deepest;
      }
    } else if (c === 0x5d /* ] */ || c === 0x7d /* } */) depth--;
  }
  return deepest;
}

export type BoundedJson = { ok: true; value: unknown } | { ok: false; message: string };

/** Parses `text` unless it is longer than `maxChars` or nests deeper than `maxDepth`; says which in one line. */
export function parseBoundedJson(text: string, limits: { maxDepth: number; maxChars: number }): BoundedJson {
  if (text.length > limits.maxChars) {
    return { ok: false, message: `Frame is ${text.length} characters; the limit is ${limits.maxChars}.` };
  }
  if (jsonNestingDepth(text, limits.maxDepth) > limits.maxDepth) {
    return { ok: false, message: `Frame nests deeper than ${limits.maxDepth} levels.` };
  }
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false, message: 'Frame is not valid JSON.' };
  }
}

/**
 * The request id of a frame too deep or too big to parse, read from its
 * top-level keys before anything nests (where clients put it: `{"type":"req",
 * "id":…`), so the refusal can still name the request it answers.
 */
export function peekRequestId(text: string): string | number | null {
  const head = text.slice(0, 200);
  const firstNest = head.slice(1).search(/[[{]/);
  const top = firstNest === -1 ? head : head.slice(0, firstNest + 1);
  const match = /^\s*\{.*?"id"\s*:\s*(\d{1,15}|"[^"\\]{1,64}")\s*[,}]/.exec(top);
  if (!match) return null;
  const raw = match[1]!;
  return raw.startsWith('"') ? raw.slice(1, -1) : Number(raw);
}

/**
 * A short, safe rendering of a value someone else sent, for error messages
 * and log lines: strings are quoted and cut, anything else is named by its
 * kind. Never recurses, so never throws, whatever the value.
 */
export function describeForeign(value: unknown, maxChars = 60): string {
  if (typeof value === 'string') {
    const cut = value.length > maxChars ? `${value.slice(0, maxChars)}…` : value;
    return JSON.stringify(cut);
  }
  if (value === null || typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'an array';
  return `a${typeof value === 'object' ? 'n object' : ` ${typeof value}`}`;
}

/** JSON.stringify that reports failure (a cycle, a BigInt, nesting too deep) as undefined instead of throwing. */
export function stringifyOrUndefined(value: unknown): string | undefined {
  try {
    return JSON.stringify(value);
  } catch {
    return undefined;
  }
}

const isSpace = (c: number | undefined) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
/** Where a JSON scalar (number, true, false, null) ends: at a space, a quote or a bracket, comma or colon. */
const endsScalar = (c: number) =>
  isSpace(c) ||
  c === 0x22 ||
  c === 0x2c ||
  c === 0x3a ||
  c === 0x5b ||
  c === 0x5d ||
  c === 0x7b ||
  c === 0x7d;

/**
 * Whether UTF-8 `bytes` hold one JSON value and nothing after it but
 * whitespace, judged by structure alone in one pass (no string is made):
 * brackets balance outside strings and nothing follows the value. Bytes
 * someone else encoded, spliced into a frame of ours, so they cannot close
 * that frame and add to it; whether the value itself is valid JSON is for the
 * frame's reader to find. UTF-8 never uses a byte below 0x80 inside a
 * multi-byte character, so the structural bytes are found as they are.
 */
export function isOneJsonValue(bytes: Uint8Array): boolean {
  let i = 0;
  while (isSpace(bytes[i])) i++;
  if (i >= bytes.length) return false;
  const first = bytes[i]!;
  if (first === 0x7b /* { */ || first === 0x5b /* [ */ || first === 0x22 /* " */) {
    let depth = 0;
    let inString = false;
    for (; i < bytes.length; i++) {
      const c = bytes[i]!;
      if (inString) {
        if (c === 0x5c /* \ */) i++;
        else if (c === 0x22) {
          inString = false;
          if (depth === 0) break;
        }
      } else if (c === 0x22) inString = true;
      else if (c === 0x7b || c === 0x5b) depth++;
      else if (c === 0x7d || c === 0x5d) {
        depth--;
        if (depth <= 0) break;
      }
    }
    if (i >= bytes.length || depth < 0) return false;
    i++;
  } else {
    while (i < bytes.length && !endsScalar(bytes[i]!)) i++;
  }
  while (isSpace(bytes[i])) i++;
  return i === bytes.length;
}
