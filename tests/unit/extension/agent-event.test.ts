import { describe, expect, it } from 'vitest';
import { toAgentEvent } from '../../../extension/lib/agent-event.js';
import type { AgentEvent } from '../../../extension/lib/messages.js';

const at = '2026-01-01T00:00:00.000Z';
const decision = { action: 'rerun-checks', reason: 'CI flaked', state: 'CI_FAILED', at };

describe('toAgentEvent: the worker checks each frame once, for pages that narrow by kind', () => {
  it.each([
    ['ratchet', 'ratchet', { kind: 'decision', workspaceId: 'w1', decision }],
    ['workspace:w1', 'workspace', { kind: 'progress', step: 'fetching', elapsedMs: 12 }],
    ['session:s1', 'session', { kind: 'user', ts: at, messageId: 'm1', text: 'hi', queued: false }],
    ['terminal:t1', 'terminal', { kind: 'output', data: '$ ls\r\n' }],
    ['remotes', 'remotes', { remotes: [] }],
  ])('a %s payload that parses arrives as a %s event with its seq', (topic, kind, data) => {
    expect(toAgentEvent({ topic, seq: 3, data })).toEqual({ kind, topic, seq: 3, data });
  });

  it('fills in the schema defaults, so pages read what the schema promises', () => {
    const event = toAgentEvent({
      topic: 'board',
      seq: 1,
      data: { kind: 'board', project: 'octo/app', host: 'github.com', board: emptyBoard },
    });
    expect(event.kind === 'board' && event.data.machine).toBe('local');
  });

  it.each([
    ['a payload of another shape', 'ratchet', { kind: 'decision', workspaceId: 'w1' }],
    ['an unknown kind of event', 'workspace:w1', { kind: 'exploded' }],
    ['a topic kind the extension does not know', 'fleet', { anything: true }],
    ['no payload at all', 'terminal:t1', undefined],
  ])('passes %s on as unreadable, with its seq (a resubscription resumes after it)', (_, topic, data) => {
    expect(toAgentEvent({ topic, seq: 9, data })).toEqual({ kind: 'unreadable', topic, seq: 9 });
  });

  it("a page reads a payload through the event's kind alone", () => {
    const event: AgentEvent = toAgentEvent({
      topic: 'workspace:w1',
      seq: 1,
      data: { kind: 'warning', message: 'setup printed to stderr' },
    });
    // Compiles without a cast: `kind` says which payload `data` is.
    const message = event.kind === 'workspace' && event.data.kind === 'warning' ? event.data.message : '';
    expect(message).toBe('setup printed to stderr');
  });
});

const emptyBoard = { project: 'octo/app', columns: { issues: [], working: [], waiting: [], done: [] } };
