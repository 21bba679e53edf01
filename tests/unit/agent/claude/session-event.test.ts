import { describe, expect, it } from 'vitest';
import { sessionEventOf } from '../../../../agent/claude/session-event.js';
import { SessionEvent } from '../../../../shared/protocol.js';

describe('sessionEventOf checks what a transcript holds instead of trusting it', () => {
  it.each([
    ['a user message', { kind: 'user', messageId: 'm', text: 'hi', queued: false }],
    ['a delivery', { kind: 'delivered', messageId: 'm' }],
    ['a status with its detail', { kind: 'status', status: 'crashed', detail: 'exit code 1' }],
    [
      'a permission question',
      {
        kind: 'permission',
        request: { requestId: 'r', toolName: 'Write', input: { file_path: 'a' }, at: 't' },
      },
    ],
    ['a permission answer', { kind: 'permission-answer', requestId: 'r', allow: true }],
  ])("%s of ff's own passes as written, with its time stamp", (_, data) => {
    expect(sessionEventOf(data, 't')).toEqual({ ...data, ts: 't' });
  });

  it.each([
    ['an unknown kind', { kind: 'telepathy', text: 'x' }],
    ['a user message without its text', { kind: 'user', messageId: 'm', queued: false }],
    ['a status ff does not have', { kind: 'status', status: 'dreaming' }],
    [
      'a permission answer whose allow is a word',
      { kind: 'permission-answer', requestId: 'r', allow: 'yes' },
    ],
    ['a claude line without its line', { kind: 'claude', entries: [] }],
    ['no kind at all', { text: 'x' }],
    ['an array', ['user', 'hi']],
    ['a bare string', 'hello'],
    ['null', null],
  ])('%s becomes an unreadable notice that keeps its text', (_, data) => {
    const event = sessionEventOf(data, 't');
    expect(SessionEvent.parse(event)).toEqual(event);
    expect(event).toMatchObject({
      kind: 'claude',
      ts: 't',
      entries: [{ type: 'notice', notice: 'unreadable' }],
    });
    const [entry] = event.kind === 'claude' ? event.entries : [];
    expect(entry?.type === 'notice' && entry.text).toBe(JSON.stringify(data));
  });

  it('a stored CLI line becomes its entries, whatever the line holds', () => {
    expect(sessionEventOf({ kind: 'claude', line: { type: 'weird' } }, 't')).toMatchObject({
      kind: 'claude',
      entries: [{ type: 'notice', notice: 'unknown', text: 'weird' }],
    });
  });
});
