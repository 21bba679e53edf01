#!/usr/bin/env node
// A stand-in for the `claude` CLI in stream-json mode, for the soak bench: it answers each user
// line with the lines the real CLI prints for a turn with one tool call (init, assistant
// tool_use, user tool_result, assistant text, result) in a few milliseconds and a few MB,
// so 20 sessions can run for minutes without 20 real CLIs and a model server.
import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline';

const resumeAt = process.argv.indexOf('--resume');
const sessionId = resumeAt > 0 ? process.argv[resumeAt + 1] : randomUUID();
const cwd = process.cwd();
let turns = 0;
let cost = 0;
const print = (line) => process.stdout.write(`${JSON.stringify({ ...line, session_id: sessionId })}\n`);

createInterface({ input: process.stdin }).on('line', (text) => {
  let message;
  try {
    message = JSON.parse(text);
  } catch {
    return;
  }
  if (message.type === 'control_request') {
    print({ type: 'control_response', response: { subtype: 'success', request_id: message.request_id } });
    return;
  }
  if (message.type !== 'user') return;
  turns++;
  cost += 0.0012;
  const said = String(message.message?.content ?? '').slice(0, 200);
  const toolId = `toolu_${randomUUID().replaceAll('-', '').slice(0, 24)}`;
  print({
    type: 'system',
    subtype: 'init',
    cwd,
    model: 'synthetic',
    permissionMode: 'default',
    tools: ['Read'],
  });
  print({
    type: 'assistant',
    message: {
      role: 'assistant',
      content: [{ type: 'tool_use', id: toolId, name: 'Read', input: { file_path: `${cwd}/README.md` } }],
    },
  });
  print({
    type: 'user',
    message: {
      role: 'user',
      content: [{ type: 'tool_result', tool_use_id: toolId, content: '# app\n'.repeat(20) }],
    },
  });
  print({
    type: 'assistant',
    message: { role: 'assistant', content: [{ type: 'text', text: `Done with: ${said}` }] },
  });
  print({
    type: 'result',
    subtype: 'success',
    is_error: false,
    result: `Done with: ${said}`,
    num_turns: turns,
    duration_ms: 3,
    total_cost_usd: cost,
  });
});
