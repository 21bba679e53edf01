import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sessionEventOf } from '../../../agent/claude/session-event.js';
import { classifyClaudeJson, parseClaudeLine } from '../../../shared/claude-messages.js';
import { SessionEvent } from '../../../shared/protocol.js';
import {
  ClaudeEntry,
  RESULT_PREVIEW,
  TOOL_INPUT_PREVIEW,
  toEntries,
} from '../../../shared/transcript-entry.js';

const entriesOf = (json: unknown) => toEntries(classifyClaudeJson(json));
const big = 'x'.repeat(50_000);

describe('toEntries: what each CLI line says', () => {
  it.each([
    [
      'init: the session id and model',
      { type: 'system', subtype: 'init', session_id: 'abc', model: 'opus', tools: [] },
      [{ type: 'notice', notice: 'init', text: 'abc', model: 'opus' }],
    ],
    [
      'a compaction',
      { type: 'system', subtype: 'compact_boundary', compact_metadata: {} },
      [{ type: 'notice', notice: 'compacted', text: 'context compacted' }],
    ],
    [
      'another system line',
      { type: 'system', subtype: 'hook_response' },
      [{ type: 'notice', notice: 'system', text: 'hook_response' }],
    ],
    [
      'assistant text and a tool call, in order; empty text is skipped',
      {
        type: 'assistant',
        message: {
          content: [
            { type: 'text', text: 'Running the tests.' },
            { type: 'text', text: '' },
            { type: 'tool_use', id: 't1', name: 'Bash', input: { command: 'npm test', timeout: 5 } },
            { type: 'thinking', thinking: '…' },
          ],
        },
      },
      [
        { type: 'assistant-text', text: 'Running the tests.' },
        {
          type: 'tool-call',
          id: 't1',
          name: 'Bash',
          summary: 'npm test',
          input: '{"command":"npm test","timeout":5}',
        },
      ],
    ],
    [
      'a tool result as text blocks, ok',
      {
        type: 'user',
        message: {
          content: [
            { type: 'tool_result', tool_use_id: 't1', content: [{ type: 'text', text: 'all green' }] },
          ],
        },
      },
      [{ type: 'tool-result', toolId: 't1', status: 'ok', preview: 'all green', length: 9 }],
    ],
    [
      'a tool result that failed',
      {
        type: 'user',
        message: { content: [{ type: 'tool_result', tool_use_id: 't2', content: 'exit 1', is_error: true }] },
      },
      [{ type: 'tool-result', toolId: 't2', status: 'error', preview: 'exit 1', length: 6 }],
    ],
    [
      'text the CLI echoed as the user',
      { type: 'user', message: { content: 'compact summary' } },
      [{ type: 'user-text', text: 'compact summary' }],
    ],
    [
      'a finished turn, with cost, turns and duration',
      {
        type: 'result',
        subtype: 'success',
        is_error: false,
        result: 'Done.',
        total_cost_usd: 0.012,
        num_turns: 2,
        duration_ms: 1500,
      },
      [
        {
          type: 'result',
          ok: true,
          subtype: 'success',
          isError: false,
          costUsd: 0.012,
          turns: 2,
          durationMs: 1500,
          text: 'Done.',
        },
      ],
    ],
    [
      'an interrupted turn is not ok',
      { type: 'result', subtype: 'error_during_execution', is_error: false },
      [{ type: 'result', ok: false, subtype: 'error_during_execution', isError: false }],
    ],
    [
      'an error result keeps its text',
      { type: 'result', subtype: 'success', is_error: true, result: 'API Error: 500' },
      [{ type: 'result', ok: false, subtype: 'success', isError: true, text: 'API Error: 500' }],
    ],
    [
      'a line that was not JSON',
      { type: 'malformed', text: 'oops' },
      [{ type: 'notice', notice: 'unreadable', text: 'oops' }],
    ],
    [
      'JSON of a type ff does not model',
      { type: 'mystery', payload: [1] },
      [{ type: 'notice', notice: 'unknown', text: 'mystery', detail: '{"type":"mystery","payload":[1]}' }],
    ],
    ['stream and control traffic says nothing', { type: 'stream_event', event: {} }, []],
    [
      'a permission request is the agent’s own event, not an entry',
      {
        type: 'control_request',
        request_id: 'r1',
        request: { subtype: 'can_use_tool', tool_name: 'Write', input: {} },
      },
      [],
    ],
  ])('%s', (_, line, entries) => {
    expect(entriesOf(line)).toEqual(entries);
    for (const entry of entriesOf(line)) expect(ClaudeEntry.parse(entry)).toEqual(entry);
  });

  it('a big tool input and a big result are kept bounded, with the whole length', () => {
    const [call] = entriesOf({
      type: 'assistant',
      message: {
        content: [{ type: 'tool_use', id: 't', name: 'Write', input: { file_path: '/a', content: big } }],
      },
    });
    expect(call).toMatchObject({ type: 'tool-call', summary: '/a' });
    expect(call?.type === 'tool-call' && call.input.length).toBe(TOOL_INPUT_PREVIEW + 1);
    const [result] = entriesOf({
      type: 'user',
      message: {
        content: [{ type: 'tool_result', tool_use_id: 't', content: [{ type: 'text', text: big }] }],
      },
      tool_use_result: { file: { content: big } },
    });
    expect(result).toMatchObject({ type: 'tool-result', length: 50_000 });
    expect(result?.type === 'tool-result' && result.preview.length).toBe(RESULT_PREVIEW);
    expect(JSON.stringify([call, result]).length).toBeLessThan(5_000);
  });

  it('unreadable output is cut too', () => {
    const [notice] = toEntries(parseClaudeLine(big));
    expect(notice).toMatchObject({ type: 'notice', notice: 'unreadable' });
    expect(JSON.stringify(notice).length).toBeLessThan(2_100);
  });
});

describe('sessionEventOf: a transcript line as clients get it', () => {
  it.each(['bypass', 'ask', 'slow'])(
    'every line recorded from the real CLI (%s) becomes a valid session event, much smaller than the line',
    (name) => {
      const lines = readFileSync(
        join(import.meta.dirname, '..', 'agent', 'claude', 'recorded', `${name}.jsonl`),
        'utf8',
      )
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      const events = lines.map((line) =>
        sessionEventOf({ kind: 'claude', line }, '2026-01-01T00:00:00.000Z'),
      );
      for (const event of events) expect(SessionEvent.parse(event)).toEqual(event);
      expect(events.flatMap((e) => (e.kind === 'claude' ? e.entries.map((x) => x.type) : []))).toContain(
        'result',
      );
      expect(JSON.stringify(events).length).toBeLessThan(JSON.stringify(lines).length / 2);
    },
  );

  it("ff's own events pass through with their time stamp", () => {
    expect(sessionEventOf({ kind: 'delivered', messageId: 'm' }, 't')).toEqual({
      kind: 'delivered',
      messageId: 'm',
      ts: 't',
    });
  });
});
