import { describe, expect, it } from 'vitest';
import { AgentFrame, ClientFrame, methods, staleExtensionNotice, Topic } from '../../../shared/protocol.js';

const token = 'a'.repeat(64);

describe('client frames', () => {
  it.each([
    ['hello', { type: 'hello', token, protocol: 1, client: { name: 'cli', version: '1' } }],
    ['req with number id', { type: 'req', id: 1, method: 'status' }],
    [
      'req with string id and params',
      { type: 'req', id: 'x', method: 'subscribe', params: { topic: 'board' } },
    ],
  ])('accepts %s', (_name, frame) => {
    expect(ClientFrame.safeParse(frame).success).toBe(true);
  });

  it.each([
    ['no type', { id: 1, method: 'status' }],
    ['unknown type', { type: 'rpc', id: 1, method: 'status' }],
    ['hello without token', { type: 'hello', protocol: 1, client: { name: 'c', version: '1' } }],
    [
      'hello with a 10 KB token',
      { type: 'hello', token: 'x'.repeat(10_000), protocol: 1, client: { name: 'c', version: '1' } },
    ],
    ['hello with protocol 0', { type: 'hello', token, protocol: 0, client: { name: 'c', version: '1' } }],
    ['req without id', { type: 'req', method: 'status' }],
    ['req with negative id', { type: 'req', id: -1, method: 'status' }],
    ['req with empty method', { type: 'req', id: 1, method: '' }],
    ['req with object id', { type: 'req', id: {}, method: 'status' }],
    ['a string', 'hello'],
    ['null', null],
    ['an array', [1, 2]],
  ])('rejects %s', (_name, frame) => {
    expect(ClientFrame.safeParse(frame).success).toBe(false);
  });
});

describe('agent frames', () => {
  it.each([
    ['welcome', { type: 'welcome', agentVersion: '0.1.0', protocol: 1, instanceId: 'i' }],
    ['ok response', { type: 'res', id: 3, ok: true, result: { any: 'thing' } }],
    [
      'error response',
      { type: 'res', id: 3, ok: false, error: { code: 'NOT_FOUND', message: 'No such workspace.' } },
    ],
    [
      'error without id',
      { type: 'res', id: null, ok: false, error: { code: 'BAD_FRAME', message: 'Not JSON.' } },
    ],
    ['event', { type: 'event', topic: 'session:abc-1', seq: 1, data: { text: 'hi' } }],
  ])('accepts %s', (_name, frame) => {
    expect(AgentFrame.safeParse(frame).success).toBe(true);
  });

  it.each([
    ['error with unknown code', { type: 'res', id: 3, ok: false, error: { code: 'OOPS', message: 'x' } }],
    ['ok response without id', { type: 'res', id: null, ok: true, result: 1 }],
    ['event with seq 0', { type: 'event', topic: 'board', seq: 0, data: null }],
    ['event with fractional seq', { type: 'event', topic: 'board', seq: 1.5, data: null }],
    ['event on unknown topic', { type: 'event', topic: 'secrets', seq: 1, data: null }],
  ])('rejects %s', (_name, frame) => {
    expect(AgentFrame.safeParse(frame).success).toBe(false);
  });
});

describe('topics', () => {
  it.each(['board', 'ratchet', 'workspace:w1', 'session:0a-B_c', 'terminal:t'])('%s is a topic', (topic) => {
    expect(Topic.safeParse(topic).success).toBe(true);
  });
  it.each([
    '',
    'boards',
    'session:',
    'session:../x',
    'workspace:a b',
    `session:${'x'.repeat(65)}`,
    'other:1',
  ])('%j is not a topic', (topic) => {
    expect(Topic.safeParse(topic).success).toBe(false);
  });
});

describe('method params', () => {
  it.each([
    ['status', undefined, true],
    ['status', {}, true],
    ['status', { extra: 1 }, false],
    ['subscribe', { topic: 'board' }, true],
    ['subscribe', { topic: 'board', sinceSeq: 0 }, true],
    ['subscribe', { topic: 'board', sinceSeq: -1 }, false],
    ['subscribe', {}, false],
    ['settings.set', { defaultPermissionMode: 'ask' }, true],
    ['settings.set', { defaultPermissionMode: 'yolo' }, false],
    ['settings.set', { allowedExtensionIds: ['abcdefghijklmnopabcdefghijklmnop'] }, true],
    ['settings.set', { allowedExtensionIds: ['https://evil.example'] }, false],
    ['settings.set', { unknownSetting: true }, false],
    [
      'workspace.create',
      { project: 'o/r', issue: { number: 1, title: 't', url: 'https://github.com/o/r/issues/1' } },
      true,
    ],
    [
      'workspace.create',
      { project: 'o/r', issue: { number: 1, title: 't', url: 'javascript:alert(1)' } },
      false,
    ],
    ['workspace.create', { project: 'o/r', issue: { number: 1, title: 't', url: 'https://' } }, false],
  ] as const)('%s %j valid=%s', (method, params, valid) => {
    expect(methods[method].params.safeParse(params).success).toBe(valid);
  });
});

describe('staleExtensionNotice: an extension older than its agent is told so', () => {
  it.each([
    ['0.2.0', '0.1.0', true],
    ['1.0.0', '0.9.9', true],
    ['0.1.1', '0.1.0', true],
    ['0.1.0', '0.1.0', false],
    ['0.1.0', '0.2.0', false], // newer extension: the protocol check guards that
    ['0.1.0', 'dev', false],
  ])('agent %s, extension %s → notice: %s', (agent, extension, expected) => {
    const notice = staleExtensionNotice(agent, extension);
    expect(notice !== undefined).toBe(expected);
    if (notice)
      expect(notice).toBe(
        `The ff extension (${extension}) is older than ff-agent (${agent}): update the extension from the same release.`,
      );
  });
});
