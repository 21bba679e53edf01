#!/usr/bin/env node
// A paced stand-in for `claude -p --input-format stream-json --output-format stream-json`: for each user
// line on stdin it prints an init line, FF_FAKE_CLAUDE_LINES assistant lines at FF_FAKE_CLAUDE_RATE
// lines per second, then a result line — valid stream-json, with no model and almost no CPU, so a
// bench or soak test measures ff, not the CLI. Each assistant line carries `ff_sent_at` (wall-clock
// ms, performance.timeOrigin + performance.now()) and its text says `sent-at=<same>`.
// Env: FF_FAKE_CLAUDE_LINES (default 1), FF_FAKE_CLAUDE_RATE (default 50), FF_FAKE_CLAUDE_BYTES
// (padding per assistant text, default 200). Interrupts (control_request) end the turn. The user message
// `warm up` gets a one-line turn: a bench sends it first, so it measures running CLIs, not 20 booting ones.
// A user message with `pad=<n>` gets a one-line turn whose text carries n bytes of padding (one huge answer);
// one with `burst=<n>` gets n lines printed at once, unpaced (a long transcript in a moment), each with
// `pad=<m>` bytes of padding when both are given.
import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline';

const lines = Number(process.env.FF_FAKE_CLAUDE_LINES ?? 1);
const rate = Number(process.env.FF_FAKE_CLAUDE_RATE ?? 50);
const padding = 'x'.repeat(Number(process.env.FF_FAKE_CLAUDE_BYTES ?? 200));
const resumeAt = process.argv.indexOf('--resume');
const sessionId = resumeAt > 0 ? process.argv[resumeAt + 1] : randomUUID();
const now = () => performance.timeOrigin + performance.now();
const print = (object) => process.stdout.write(`${JSON.stringify(object)}\n`);

const queue = [];
let turn; // { timer, sent, started }

function startTurn(text) {
  print({
    type: 'system',
    subtype: 'init',
    session_id: sessionId,
    cwd: process.cwd(),
    model: 'fake-claude',
    permissionMode: 'bypassPermissions',
    tools: [],
  });
  const padTo = /\bpad=(\d+)/.exec(text)?.[1];
  const burst = /\bburst=(\d+)/.exec(text)?.[1];
  turn = {
    sent: 0,
    started: Date.now(),
    timer: undefined,
    lines: burst ? Number(burst) : text.includes('warm up') || padTo ? 1 : lines,
    padding: padTo ? 'x'.repeat(Number(padTo)) : padding,
  };
  const tick = () => {
    if (turn.sent >= turn.lines) return endTurn('success');
    if (burst) {
      while (turn.sent < turn.lines) printLine(text);
      return endTurn('success');
    }
    printLine(text);
    turn.timer = setTimeout(tick, 1000 / rate);
  };
  tick();
}

/** One assistant line of the running turn. */
function printLine(text) {
  turn.sent += 1;
  const sentAt = now();
  print({
    type: 'assistant',
    message: {
      id: `msg_${randomUUID()}`,
      type: 'message',
      role: 'assistant',
      model: 'fake-claude',
      content: [
        {
          type: 'text',
          text: `sent-at=${sentAt} line ${turn.sent} of ${turn.lines} for ${text} ${turn.padding}`,
        },
      ],
    },
    parent_tool_use_id: null,
    session_id: sessionId,
    ff_sent_at: sentAt,
  });
}

function endTurn(subtype) {
  clearTimeout(turn.timer);
  print({
    type: 'result',
    subtype,
    is_error: subtype !== 'success',
    result: 'done',
    duration_ms: Date.now() - turn.started,
    num_turns: 1,
    total_cost_usd: 0,
    session_id: sessionId,
  });
  turn = undefined;
  const next = queue.shift();
  if (next !== undefined) startTurn(next);
}

createInterface({ input: process.stdin })
  .on('line', (raw) => {
    let message;
    try {
      message = JSON.parse(raw);
    } catch {
      return;
    }
    if (message.type === 'user') {
      const content = message.message?.content;
      const text = typeof content === 'string' ? content : JSON.stringify(content);
      if (turn) queue.push(text);
      else startTurn(text);
    } else if (message.type === 'control_request') {
      print({ type: 'control_response', response: { subtype: 'success', request_id: message.request_id } });
      if (message.request?.subtype === 'interrupt' && turn) endTurn('error_during_execution');
    }
  })
  .on('close', () => {
    // Like the CLI: finish the running turn, then exit.
    const exit = () => (turn ? setTimeout(exit, 10) : process.exit(0));
    exit();
  });
