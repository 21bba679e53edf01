import { describe, expect, it } from 'vitest';
import {
  nextSessionStatus,
  type SessionSignal,
  undeliveredMessages,
} from '../../../../agent/claude/session-status.js';
import type { SessionStatus } from '../../../../shared/domain.js';

const exit = (
  code: number | null,
  signal: string | null,
  stopRequested = false,
  agentStopping = false,
): SessionSignal => ({
  type: 'exited',
  code,
  signal,
  stopRequested,
  agentStopping,
});

describe('nextSessionStatus', () => {
  it.each<[SessionStatus, SessionSignal, SessionStatus]>([
    ['starting', { type: 'spawned' }, 'idle'],
    ['interrupted', { type: 'spawned' }, 'idle'],
    ['idle', { type: 'turn-started' }, 'running'],
    ['waiting-permission', { type: 'turn-started' }, 'waiting-permission'],
    ['running', { type: 'turn-ended', queued: 0 }, 'idle'],
    ['running', { type: 'turn-ended', queued: 1 }, 'running'],
    ['running', { type: 'permission-requested' }, 'waiting-permission'],
    ['waiting-permission', { type: 'permission-answered', stillPending: 0 }, 'running'],
    ['waiting-permission', { type: 'permission-answered', stillPending: 1 }, 'waiting-permission'],
    ['idle', exit(0, null), 'exited'],
    ['running', exit(1, null), 'crashed'],
    ['running', exit(null, 'SIGKILL'), 'crashed'],
    ['running', exit(null, 'SIGTERM', true), 'exited'],
    ['running', exit(143, null, true), 'exited'],
    ['running', exit(null, 'SIGTERM', false, true), 'interrupted'],
    ['idle', exit(0, null, false, true), 'interrupted'],
    ['running', { type: 'turn-failed' }, 'failed'],
    ['failed', exit(null, 'SIGTERM', true), 'failed'],
    ['failed', exit(0, null, false, true), 'failed'],
    ['failed', { type: 'spawned' }, 'idle'],
    ['failed', { type: 'turn-started' }, 'running'],
  ])('%s + %j → %s', (current, signal, expected) => {
    expect(nextSessionStatus(current, signal)).toBe(expected);
  });
});

describe('undeliveredMessages', () => {
  const user = (messageId: string, queued: boolean) => ({
    kind: 'user',
    messageId,
    text: `text ${messageId}`,
    queued,
  });
  const delivered = (messageId: string) => ({ kind: 'delivered', messageId });
  it.each([
    ['nothing queued', [user('a', false), user('b', false)], []],
    ['queued, then delivered', [user('a', false), user('b', true), delivered('b')], []],
    [
      'queued, never delivered, in order',
      [user('a', false), user('b', true), user('c', true), delivered('b')],
      ['c'],
    ],
    ['two left', [user('a', true), user('b', true), { kind: 'status', status: 'crashed' }], ['a', 'b']],
    [
      'lines of another shape are passed over (read from disk, not trusted)',
      [
        null,
        'user',
        ['user'],
        { kind: 'user', messageId: 7, queued: true },
        user('a', true),
        { kind: 'delivered' },
      ],
      ['a'],
    ],
  ] as const)('%s', (_, events, ids) => {
    expect(undeliveredMessages(events).map((m) => m.messageId)).toEqual(ids);
    expect(undeliveredMessages(events).map((m) => m.text)).toEqual(ids.map((id) => `text ${id}`));
  });
});
