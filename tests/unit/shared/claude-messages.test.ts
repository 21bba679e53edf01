import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { classifyClaudeJson, lineForTranscript, parseClaudeLine } from '../../../shared/claude-messages.js';

const recorded = (name: string) =>
  readFileSync(join(import.meta.dirname, '..', 'agent', 'claude', 'recorded', `${name}.jsonl`), 'utf8')
    .trim()
    .split('\n');

describe('parseClaudeLine on lines recorded from the real CLI', () => {
  it.each([
    ['bypass', ['init', 'assistant', 'result', 'init', 'assistant', 'user', 'assistant', 'result']],
    [
      'ask',
      ['init', 'assistant', 'result', 'init', 'assistant', 'control_request', 'user', 'assistant', 'result'],
    ],
    ['slow', ['init', 'control_response', 'assistant', 'user', 'result', 'init', 'assistant', 'result']],
  ])('%s session', (name, kinds) => {
    expect(recorded(name).map((line) => parseClaudeLine(line).kind)).toEqual(kinds);
  });

  it('reads the session id from init, costs from results and the tool request from can_use_tool', () => {
    const lines = recorded('ask').map(parseClaudeLine);
    const init = lines[0]!;
    expect(init.kind === 'init' && init.session_id).toMatch(/^[0-9a-f-]{36}$/);
    const result = lines.at(-1)!;
    expect(result.kind === 'result' && result.total_cost_usd).toBeGreaterThan(0);
    const request = lines.find((l) => l.kind === 'control_request')!;
    expect(request.kind === 'control_request' && request.request).toMatchObject({
      subtype: 'can_use_tool',
      tool_name: 'Write',
    });
  });

  it('an interrupted turn ends with an error_during_execution result', () => {
    const result = recorded('slow')
      .map(parseClaudeLine)
      .find((l) => l.kind === 'result');
    expect(result?.kind === 'result' && result.subtype).toBe('error_during_execution');
  });

  it('keeps every field the CLI printed', () => {
    for (const text of recorded('bypass')) {
      expect(lineForTranscript(parseClaudeLine(text))).toEqual(JSON.parse(text));
    }
  });
});

describe('lines the CLI should not print are kept, not dropped', () => {
  it.each([
    ['not JSON', 'Error: something went wrong', 'malformed'],
    ['half a line', '{"type":"assistant","mess', 'malformed'],
    ['an unknown type', '{"type":"brand_new_event","x":1}', 'unknown'],
    ['a known type with the wrong shape', '{"type":"assistant","message":"oops"}', 'unknown'],
    ['JSON that is not an object', '[1,2,3]', 'unknown'],
    ['a system line of a new subtype', '{"type":"system","subtype":"api_retry","attempt":2}', 'system'],
  ])('%s', (_name, text, kind) => {
    const line = parseClaudeLine(text);
    expect(line.kind).toBe(kind);
    // and it round-trips through the transcript
    expect(classifyClaudeJson(lineForTranscript(line)).kind).toBe(kind);
  });

  it('a 5 MB line parses', () => {
    const text = 'x'.repeat(5 * 1024 * 1024);
    const line = parseClaudeLine(
      JSON.stringify({ type: 'assistant', message: { content: [{ type: 'text', text }] } }),
    );
    expect(line.kind === 'assistant' && (line.message.content[0] as { text: string }).text.length).toBe(
      text.length,
    );
  });
});
