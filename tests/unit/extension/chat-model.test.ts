import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { currentActivity, slimEvent, toChatItems } from '../../../extension/lib/chat-model.js';
import type { SessionEvent } from '../../../shared/protocol.js';

/** A transcript as the agent writes it, around lines recorded from the real CLI. */
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
    events.push({ kind: 'claude', ts: '', line });
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
    const call = events.findIndex(
      (e) => e.kind === 'claude' && JSON.stringify(e.line).includes('"tool_use"'),
    );
    const result = events.findIndex(
      (e) => e.kind === 'claude' && JSON.stringify(e.line).includes('"tool_result"'),
    );
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

  it('an interrupted turn shows as a turn that ended with an error', () => {
    const items = toChatItems(transcript('slow', ['be slow', 'after interrupt']));
    expect(items.find((i) => i.kind === 'result')).toMatchObject({ ok: false });
  });

  it('queued messages show as queued until delivered; unknown lines are kept', () => {
    const items = toChatItems([
      { kind: 'user', ts: '', messageId: 'a', text: 'later', queued: true, seq: 1 },
      { kind: 'claude', ts: '', line: { type: 'malformed', text: 'garbage' }, seq: 2 },
      { kind: 'claude', ts: '', line: { type: 'mystery' }, seq: 3 },
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

describe('slimEvent', () => {
  it.each(['bypass', 'ask', 'slow'])(
    'keeps what the chat shows of the recorded %s transcript, and less',
    (name) => {
      const events = transcript(name, ['one', 'two', 'three']);
      const slim = events.map(slimEvent);
      expect(toChatItems(slim)).toEqual(toChatItems(events));
      expect(JSON.stringify(slim).length).toBeLessThan(JSON.stringify(events).length / 2);
    },
  );

  it('cuts a big tool input to its summary and a big result to its preview, keeping the full length', () => {
    const big = 'x'.repeat(50_000);
    const events = [
      {
        kind: 'claude',
        ts: '',
        seq: 1,
        line: {
          type: 'assistant',
          message: {
            content: [
              { type: 'tool_use', id: 't1', name: 'Write', input: { file_path: '/a', content: big } },
            ],
          },
        },
      },
      {
        kind: 'claude',
        ts: '',
        seq: 2,
        line: {
          type: 'user',
          message: {
            content: [{ type: 'tool_result', tool_use_id: 't1', content: [{ type: 'text', text: big }] }],
          },
          tool_use_result: { file: { content: big } },
        },
      },
      {
        kind: 'claude',
        ts: '',
        seq: 3,
        line: {
          type: 'assistant',
          message: { content: [{ type: 'tool_use', id: 't2', name: 'Custom', input: { a: big } }] },
        },
      },
    ] as const satisfies Array<SessionEvent & { seq: number }>;
    const slim = events.map(slimEvent);
    expect(JSON.stringify(slim).length).toBeLessThan(5_000);
    expect(toChatItems(slim)).toEqual(toChatItems(events));
    expect(toChatItems(slim)[0]).toMatchObject({ summary: '/a', resultLength: 50_000 });
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
