import { describe, expect, it } from 'vitest';
import { failureOf, readFrame, requestIdOf } from '../../../../agent/server/dispatch.js';
import { checkResult, parseParams } from '../../../../agent/server/method-checks.js';
import { HomeAccessError } from '../../../../agent/store/fs-errors.js';
import { AgentError, MAX_FRAME_BYTES, MAX_FRAME_DEPTH } from '../../../../shared/protocol.js';

describe('requestIdOf', () => {
  it.each([
    [{ id: 7 }, 7],
    [{ id: 0 }, 0],
    [{ id: 'a1' }, 'a1'],
    [{ id: 'x'.repeat(64) }, 'x'.repeat(64)],
    [{ id: 'x'.repeat(65) }, null],
    [{ id: '' }, null],
    [{ id: -1 }, null],
    [{ id: 1.5 }, null],
    [{ id: { nested: 1 } }, null],
    [{}, null],
    [null, null],
    ['7', null],
  ])('%j → %j', (json, id) => {
    expect(requestIdOf(json)).toEqual(id);
  });
});

describe('readFrame: a frame from an admitted client', () => {
  it.each([
    ['a request', '{"type":"req","id":1,"method":"status"}', 'ok', undefined],
    [
      'a request with params',
      '{"type":"req","id":"a","method":"session.get","params":{"sessionId":"x"}}',
      'ok',
      undefined,
    ],
    ['a binary frame', undefined, 'BAD_FRAME', null],
    ['not JSON, id still found', '{"type":"req","id":4,"method":', 'BAD_FRAME', 4],
    ['a second hello', '{"type":"hello","id":2}', 'UNKNOWN_TYPE', 2],
    ['an unknown type', '{"type":"event","id":3}', 'UNKNOWN_TYPE', 3],
    ['no type', '{"id":5}', 'BAD_FRAME', 5],
    ['an array', '[1,2]', 'BAD_FRAME', null],
    ['a request without a method', '{"type":"req","id":6}', 'BAD_FRAME', 6],
    ['a request with a bad id', '{"type":"req","id":-1,"method":"status"}', 'BAD_FRAME', null],
    [
      'nested past MAX_FRAME_DEPTH',
      `${'['.repeat(MAX_FRAME_DEPTH + 1)}${']'.repeat(MAX_FRAME_DEPTH + 1)}`,
      'BAD_FRAME',
      null,
    ],
    [
      'longer than MAX_FRAME_BYTES',
      `{"type":"req","id":8,"method":"status","params":"${'x'.repeat(MAX_FRAME_BYTES)}"}`,
      'BAD_FRAME',
      8,
    ],
  ])('%s → %s', (_, text, expected, id) => {
    const read = readFrame(text);
    expect(read.ok ? 'ok' : read.error.code).toBe(expected);
    if (!read.ok) expect(read.id).toBe(id);
  });

  it('says what is wrong in words: a second hello, an unknown type', () => {
    expect(readFrame('{"type":"hello"}')).toMatchObject({
      error: { message: expect.stringContaining('Already greeted') },
    });
    expect(readFrame('{"type":"evt"}')).toMatchObject({
      error: { message: expect.stringContaining('"evt"') },
    });
  });
});

describe('failureOf: what a failed request answers', () => {
  it.each([
    [
      'an AgentError, as it says, unlogged',
      new AgentError('NOT_FOUND', 'No session x.'),
      'NOT_FOUND',
      'No session x.',
      false,
    ],
    [
      'a state file that cannot be written',
      new HomeAccessError('The disk is full.'),
      'UNAVAILABLE',
      'The disk is full.',
      true,
    ],
    [
      'a bug',
      new TypeError('x is undefined'),
      'INTERNAL',
      'status failed inside ff-agent; details are in its log.',
      true,
    ],
    ['a thrown string', 'boom', 'INTERNAL', 'status failed inside ff-agent; details are in its log.', true],
  ])('%s', (_, error, code, message, logged) => {
    expect(failureOf('status', error)).toEqual({ error: { code, message }, logged });
  });
});

describe('parseParams and checkResult', () => {
  it('bad params are INVALID_PARAMS naming the field', () => {
    expect(() => parseParams('session.get', { sessionId: 5 })).toThrow(
      expect.objectContaining({
        code: 'INVALID_PARAMS',
        message: expect.stringContaining('params.sessionId'),
      }),
    );
  });

  it('an invalid result is a bug in the agent, not the client: a plain Error naming the method', () => {
    const thrown = (() => {
      try {
        checkResult('unsubscribe', { topic: 'fleet' });
      } catch (error) {
        return error;
      }
    })();
    expect(thrown).not.toBeInstanceOf(AgentError);
    expect(thrown).toMatchObject({
      message: expect.stringContaining('unsubscribe produced an invalid result'),
    });
  });
});
