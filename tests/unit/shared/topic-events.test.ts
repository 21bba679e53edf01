import { describe, expect, it } from 'vitest';
import { eventData, topicKind } from '../../../shared/protocol.js';

const at = '2026-01-01T00:00:00.000Z';
const decision = { action: 'rerun-checks', reason: 'CI flaked', state: 'CI_FAILED', at };

describe('eventData: each topic parses with its own schema', () => {
  it.each([
    ['ratchet', { kind: 'decision', workspaceId: 'w1', decision }],
    [
      'ratchet',
      { kind: 'tick', tick: { ran: false, checked: 0, decisions: [], startedAt: at, durationMs: 3 } },
    ],
    ['workspace:w1', { kind: 'progress', step: 'fetching', elapsedMs: 12 }],
    ['workspace:w1', { kind: 'warning', message: 'setup script printed to stderr' }],
    ['session:s1', { kind: 'user', ts: at, messageId: 'm1', text: 'hi', queued: false }],
    ['session:s1', { kind: 'claude', ts: at, entries: [{ type: 'assistant-text', text: 'hi' }] }],
    ['terminal:t1', { kind: 'output', data: '$ ls\r\n' }],
    ['terminal:t1', { kind: 'exit', exitCode: 0 }],
  ])('%s %j', (topic, data) => {
    const kind = topicKind(topic)!;
    expect(eventData(kind, { topic, data })).toEqual(data);
  });

  it.each([
    ['a payload of another shape', 'ratchet', 'ratchet', { kind: 'decision', workspaceId: 'w1' }],
    ['an unknown kind', 'workspace', 'workspace:w1', { kind: 'exploded' }],
    ['a frame of another topic', 'board', 'ratchet', { kind: 'decision', workspaceId: 'w1', decision }],
    ['a marker, not an event', 'terminal', 'terminal:t1', 42],
  ] as const)('is undefined for %s', (_, kind, topic, data) => {
    expect(eventData(kind, { topic, data })).toBeUndefined();
  });

  it('knows each topic kind and no other', () => {
    expect(['board', 'ratchet', 'workspace:a', 'session:b', 'terminal:c', 'fleet'].map(topicKind)).toEqual([
      'board',
      'ratchet',
      'workspace',
      'session',
      'terminal',
      undefined,
    ]);
  });
});
