import { describe, expect, it } from 'vitest';
import {
  describeForeign,
  isOneJsonValue,
  jsonNestingDepth,
  parseBoundedJson,
  peekRequestId,
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

describe('peekRequestId', () => {
  const deep = `${'['.repeat(100)}${']'.repeat(100)}`;
  it.each([
    ['a request as clients write it', `{"type":"req","id":7,"method":"x","params":${deep}}`, 7],
    ['a string id', `{"type":"req","id":"a-1","params":${deep}}`, 'a-1'],
    ['spaces', `{ "type" : "req" , "id" : 12 , "params": ${deep}}`, 12],
    ['id after the nesting starts', `{"type":"req","params":${deep},"id":7}`, null],
    ['an id inside the params', `{"params":{"id":5}}`, null],
    ['an id of the wrong kind', `{"id":-1,"p":${deep}}`, null],
    ['not an object', deep, null],
    ['an escaped quote in the id', `{"id":"a\\"b","p":${deep}}`, null],
  ])('%s', (_name, text, id) => {
    expect(peekRequestId(text)).toBe(id);
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

describe('isOneJsonValue', () => {
  const bytes = (text: string) => Buffer.from(text, 'utf8');
  it.each([
    ['{"events":[{"seq":1,"text":"a } ] , \\" still inside"}],"lastSeq":1}', true],
    ['[1,[2,[3]]]', true],
    ['"just a string with a \\\\ and a }"', true],
    ['  {"é":"日本"}\n', true],
    ['42', true],
    ['null', true],
    ['{"a":1},"id":7', false],
    ['{"a":1}}', false],
    ['[1]]', false],
    ['1,"ok":false', false],
    ['"a","b"', false],
    ['{"a":"unterminated}', false],
    ['{"a":[1,2}', false],
    ['', false],
    ['   ', false],
    ['}', false],
  ])('%s → %s', (text, expected) => {
    expect(isOneJsonValue(bytes(text))).toBe(expected);
  });
});
