import { spawn } from 'node:child_process';
import { appendFileSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lastUserText } from '../../fakes/anthropic-api/server.js';
import { cliPath, connectClient, spawnAgent } from '../../helpers/agent-process.js';
import { appendBusyLines } from '../../helpers/busy-transcript.js';
import { type ClaudeWorld, claudeWorld, waitForSession } from '../../helpers/claude-fixture.js';
import { waitFor } from '../../helpers/temp.js';

const EVENTS = 100_000;

/**
 * A session of a real agent and the real claude CLI whose transcript then grows by 100,000
 * events (about 95 MB: tool calls and their results as the CLI prints them), written into its
 * file while the agent is stopped, as a long-running session leaves it.
 */
let w: ClaudeWorld;
let sessionId: string;
let transcript: string;

async function startAgent(): Promise<void> {
  w.agent = await spawnAgent(w.home, { env: w.env });
  w.client = await connectClient(w.agent);
}

/** Peak resident memory of a process since its mark was last reset (Linux's VmHWM; `clear_refs` 5 resets it). */
function peakRssMb(pid: number): number {
  const kb = (key: string) =>
    Number(new RegExp(`${key}:\\s+(\\d+)`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
  return kb('VmHWM') / 1024;
}

beforeAll(async () => {
  w = await claudeWorld();
  const workspace = await w.workspace();
  const session = await w.client.call('session.start', { workspaceId: workspace.id, prompt: 'first words' });
  sessionId = session.id;
  await waitForSession(w.client, sessionId, (s) => s.turns === 1 && s.status === 'idle', 'first turn');
  const { lastSeq } = await w.client.call('session.get', { sessionId });
  w.client.close();
  await w.agent.stop();
  transcript = join(w.home, 'transcripts', `${sessionId}.jsonl`);
  const seq = appendBusyLines(transcript, lastSeq, EVENTS);
  // A message the user sent that a dying process never got, after everything else.
  appendFileSync(
    transcript,
    `${JSON.stringify({ seq: seq + 1, ts: new Date().toISOString(), data: { kind: 'user', messageId: 'late1', text: 'after the long run', queued: true } })}\n`,
  );
  expect(statSync(transcript).size).toBeGreaterThan(90 * 1024 * 1024);
  await startAgent();
}, 300_000);

afterAll(async () => {
  await w?.close();
});

describe('a transcript of 100,000 events', () => {
  it('`ff-agent session log` prints all of it and exits 0, with the agent holding a page at a time', async () => {
    const { lastSeq } = await w.client.call('session.get', { sessionId });
    expect(lastSeq).toBeGreaterThan(EVENTS);
    const pid = w.agent.proc.pid!;
    // The high-water mark from here: what the log costs the agent, whatever it held before.
    const before = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]) / 1024;
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    const cli = spawn(process.execPath, [cliPath, 'session', 'log', sessionId, '--json'], {
      env: { ...process.env, FF_HOME: w.home },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    cli.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    let lines = 0;
    let last = 0;
    let ordered = true;
    for await (const line of createInterface({ input: cli.stdout })) {
      const { seq } = JSON.parse(line) as { seq: number };
      if (seq <= last) ordered = false;
      last = seq;
      lines++;
    }
    const code = await new Promise<number | null>((resolve) => cli.on('exit', (c) => resolve(c)));
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(ordered).toBe(true);
    expect(last).toBe(lastSeq);
    expect(lines).toBe(lastSeq);
    // Generous: the goal (under 100 MB) is measured by `npm run bench -- transcript-scale`; everything at once took ~250 MB.
    expect(peakRssMb(pid) - before).toBeLessThan(150);
  }, 300_000);

  it('a subscription from the start replays every event once, in order, then live ones', async () => {
    const { lastSeq } = await w.client.call('session.get', { sessionId });
    const client = await connectClient(w.agent);
    let count = 0;
    let last = 0;
    let ordered = true;
    const subscribed = await client.subscribe(
      `session:${sessionId}`,
      (frame) => {
        if (frame.seq !== last + 1) ordered = false;
        last = frame.seq;
        count++;
      },
      0,
    );
    expect(subscribed).toMatchObject({ seq: lastSeq, replayed: lastSeq, gap: false });
    expect({ count, last, ordered }).toEqual({ count: lastSeq, last: lastSeq, ordered: true });
    client.close();
  }, 300_000);

  it('resume hands Claude the message it never got, found after what was already delivered', async () => {
    await w.client.call('session.resume', { sessionId });
    await waitFor(() => w.api.conversationRequests.some((r) => lastUserText(r) === 'after the long run'), {
      what: 'the undelivered message to reach the API',
      timeoutMs: 60_000,
    });
    await waitForSession(w.client, sessionId, (s) => s.status === 'idle' && s.turns === 2, 'resumed turn');
  }, 120_000);
});
