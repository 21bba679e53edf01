import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sessionEventOf } from '../../../agent/claude/session-event.js';
import { currentActivity, toChatItems } from '../../../extension/lib/chat-model.js';
import type { SessionEvent } from '../../../shared/protocol.js';

/** A CLI line as the agent sends it: its entries. */
const claude = (line: unknown, ts = '') => sessionEventOf({ kind: 'claude', line }, ts);

/** A transcript as clients get it, around lines recorded from the real CLI. */
function transcript(name: string, userTexts: string[]): Array<SessionEvent & { seq: number }> {
  const lines = readFileSync(
    join(import.meta.dirname, '..', 'agent', 'claude', 'recorded', `${name}.jsonl`),
    'utf8',
  )
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  const events: SessionEvent[] = [];
  let user = 0;
  for (const line of lines) {
    if (line.type === 'system' && line.subtype === 'init') {
      events.push({
        kind: 'user',
        ts: '',
        messageId: `m${user}`,
        text: userTexts[user] ?? '',
        queued: false,
      });
      user++;
    }
    if (line.type === 'control_request') {
      events.push({
        kind: 'permission',
        ts: '',
        request: {
          requestId: line.request_id,
          toolName: line.request.tool_name,
          input: line.request.input,
          at: '',
        },
      });
      events.push({ kind: 'permission-answer', ts: '', requestId: line.request_id, allow: true });
    }
    events.push(claude(line));
  }
  return events.map((e, i) => ({ ...e, seq: i + 1 }));
}

describe('toChatItems', () => {
  it('a text turn and a Write turn: user, assistant text, tool row with path and result', () => {
    const items = toChatItems(transcript('bypass', ['hello there', 'please write a file']));
    expect(items.map((i) => i.kind)).toEqual([
      'user',
      'assistant',
      'result',
      'user',
      'tool',
      'assistant',
      'result',
    ]);
    const tool = items.find((i) => i.kind === 'tool');
    expect(tool).toMatchObject({ name: 'Write', summary: '/home/user/project/hello.txt', isError: false });
    expect(tool && 'result' in tool && tool.result).toMatch(/File created successfully/);
    expect(
      items.filter((i) => i.kind === 'result').every((r) => r.kind === 'result' && r.ok && r.costUsd! > 0),
    ).toBe(true);
  });

  it("a tool row's duration runs from its call to its result, by the events' time stamps", () => {
    const events = transcript('bypass', ['hello there', 'please write a file']);
    const call = events.findIndex((e) => e.kind === 'claude' && e.entries[0]?.type === 'tool-call');
    const result = events.findIndex((e) => e.kind === 'claude' && e.entries[0]?.type === 'tool-result');
    const stamped = events.map((e, i) =>
      i === call
        ? { ...e, ts: '2026-11-01T10:00:00.000Z' }
        : i === result
          ? { ...e, ts: '2026-11-01T10:00:02.500Z' }
          : e,
    );
    expect(toChatItems(stamped).find((i) => i.kind === 'tool')).toMatchObject({ durationMs: 2500 });
    // Without time stamps there is no duration, rather than a wrong one.
    expect(toChatItems(events).find((i) => i.kind === 'tool')).not.toHaveProperty('durationMs');
  });

  it('ask mode: a permission card, answered', () => {
    const items = toChatItems(transcript('ask', ['hello there', 'please write a file']));
    const card = items.find((i) => i.kind === 'permission');
    expect(card).toMatchObject({ toolName: 'Write', answered: true, allowed: true });
    // The whole input, so you know what you allow: the path and the content.
    expect(JSON.parse((card as { input: string }).input)).toMatchObject({
      file_path: expect.any(String),
      content: expect.any(String),
    });
  });

  it("a permission card's input is cut at 4,000 characters", () => {
    const items = toChatItems([
      {
        kind: 'permission',
        ts: '',
        seq: 1,
        request: {
          requestId: 'r',
          toolName: 'Write',
          input: { file_path: '/a', content: 'x'.repeat(10_000) },
          at: '',
        },
      },
    ]);
    expect((items[0] as { input: string }).input).toHaveLength(4001);
  });

  it('an attempt the sandbox blocked is a line of its own, in order', () => {
    const items = toChatItems([
      { kind: 'user', seq: 1, ts: 't', messageId: 'm', text: 'go', queued: false },
      { kind: 'blocked', seq: 2, ts: 't', what: 'write to ~/.bashrc' },
    ]);
    expect(items.map((i) => i.kind)).toEqual(['user', 'blocked']);
    expect(items[1]).toEqual({ kind: 'blocked', seq: 2, what: 'write to ~/.bashrc' });
  });

  it('an interrupted turn shows as a turn that ended with an error', () => {
    const items = toChatItems(transcript('slow', ['be slow', 'after interrupt']));
    expect(items.find((i) => i.kind === 'result')).toMatchObject({ ok: false });
  });

  it('queued messages show as queued until delivered; unknown lines are kept', () => {
    const items = toChatItems([
      { kind: 'user', ts: '', messageId: 'a', text: 'later', queued: true, seq: 1 },
      { ...claude({ type: 'malformed', text: 'garbage' }), seq: 2 },
      { ...claude({ type: 'mystery' }), seq: 3 },
    ]);
    expect(items).toMatchObject([
      { kind: 'user', delivered: false },
      { kind: 'other', text: 'garbage' },
      { kind: 'other', text: '(mystery)' },
    ]);
    const delivered = toChatItems([
      { kind: 'user', ts: '', messageId: 'a', text: 'later', queued: true, seq: 1 },
      { kind: 'delivered', ts: '', messageId: 'a', seq: 2 },
    ]);
    expect(delivered[0]).toMatchObject({ delivered: true });
  });
});

describe('events cached before entries', () => {
  it('a cached event without entries renders nothing rather than failing', () => {
    const old = { kind: 'claude', ts: '', seq: 1, line: { type: 'assistant' } } as unknown as SessionEvent & {
      seq: number;
    };
    expect(toChatItems([old])).toEqual([]);
  });
});

describe('currentActivity', () => {
  it('the tool running now, else the last words; nothing before anything happened', () => {
    const tool = { kind: 'tool', seq: 2, id: 't', name: 'Bash', summary: 'npm test' } as const;
    const said = { kind: 'assistant', seq: 1, text: 'Looking at\n the failure.' } as const;
    expect(currentActivity([said, tool])).toEqual({ tool: 'Bash npm test' });
    expect(currentActivity([said, { ...tool, result: 'ok' }])).toEqual({ text: 'Looking at the failure.' });
    expect(currentActivity([{ ...said, text: 'x'.repeat(300) }]).text).toHaveLength(201);
    expect(currentActivity([])).toEqual({});
  });
});
