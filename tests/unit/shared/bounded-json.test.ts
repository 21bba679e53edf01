import { describe, expect, it } from 'vitest';
import {
  describeForeign,
  jsonNestingDepth,
  parseBoundedJson,
  stringifyOrUndefined,
} from '../../../shared/bounded-json.js';

describe('jsonNestingDepth', () => {
  it.each([
    ['1', 0],
    ['{}', 1],
    ['[[], {}]', 2],
    ['{"a":{"b":[1,[2]]}}', 4],
    ['"[[[[["', 0],
    ['["\\"[[[", {"k]":"}}"}]', 2],
    ['["\\\\", [[]]]', 3],
    ['[[[', 3],
  ])('%s nests %i deep', (text, depth) => {
    expect(jsonNestingDepth(text, 10)).toBe(depth);
  });

  it('stops counting past the limit, so a huge frame costs one short scan', () => {
    expect(jsonNestingDepth('['.repeat(1_000_000), 32)).toBe(33);
  });
});

describe('parseBoundedJson', () => {
  const limits = { maxDepth: 32, maxChars: 1000 };
  it.each([
    ['a request', '{"type":"req","id":1}', { ok: true, value: { type: 'req', id: 1 } }],
    ['32 levels', `${'['.repeat(32)}${']'.repeat(32)}`, { ok: true }],
    [
      '33 levels',
      `${'['.repeat(33)}${']'.repeat(33)}`,
      { ok: false, message: 'Frame nests deeper than 32 levels.' },
    ],
    ['too long', 'x'.repeat(1001), { ok: false, message: 'Frame is 1001 characters; the limit is 1000.' }],
    ['not JSON', '{nope', { ok: false, message: 'Frame is not valid JSON.' }],
  ])('%s', (_name, text, outcome) => {
    expect(parseBoundedJson(text, limits)).toMatchObject(outcome);
  });
});

describe('describeForeign', () => {
  it.each([
    ['status', '"status"'],
    ['x'.repeat(100), `"${'x'.repeat(60)}…"`],
    [null, 'null'],
    [42, '42'],
    [undefined, 'nothing'],
    [[1], 'an array'],
    [{ a: 1 }, 'an object'],
    [() => 1, 'a function'],
  ])('%j → %s', (value, text) => {
    expect(describeForeign(value)).toBe(text);
  });

  it('never throws, whatever the nesting', () => {
    const deep = JSON.parse(`${'['.repeat(100_000)}${']'.repeat(100_000)}`);
    expect(describeForeign(deep)).toBe('an array');
    expect(stringifyOrUndefined(deep)).toBeUndefined();
  });
});
