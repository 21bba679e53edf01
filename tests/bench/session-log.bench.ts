import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { cliPath, connectClient, spawnAgent } from '../helpers/agent-process.js';
import { appendBusyLines } from '../helpers/busy-transcript.js';
import { claudeWorld, waitForSession } from '../helpers/claude-fixture.js';
import { type Figure, figure, peakRssGrowthMb } from './figure.js';

const EVENTS = 100_000;
/** The growth table's other row (docs/scaling.md): a log of 30,000 events. */
const MID = 30_000;
const SMALL = 1_000;

/** Runs `ff-agent session log <id> --json` to its end, reading its output as fast as it comes; its lines and exit code. */
export function sessionLog(home: string, sessionId: string): Promise<{ code: number | null; lines: number }> {
  return new Promise((resolve) => {
    const cli = spawn(process.execPath, [cliPath, 'session', 'log', sessionId, '--json'], {
      env: { ...process.env, FF_HOME: home },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let lines = 0;
    cli.stdout.on('data', (chunk: Buffer) => {
      for (let at = chunk.indexOf(10); at !== -1; at = chunk.indexOf(10, at + 1)) lines++;
    });
    cli.on('exit', (code) => resolve({ code, lines }));
  });
}

/**
 * Transcripts of any size (issue 27): `ff-agent session log` of a 30,000- and a 100,000-event
 * (~95 MB) transcript against a real agent (its time, and how far the agent's RSS rose, against the
 * goal of 100 MB), and `session.resume` of the big one against one of 1,000 events.
 */
export async function* figures(): AsyncGenerator<Figure> {
  const w = await claudeWorld(undefined, {
    FF_CLAUDE_BIN: join(import.meta.dirname, 'synthetic-claude.mjs'),
  });
  try {
    const sessions: Record<'warm' | 'small' | 'mid' | 'big', string> = {
      warm: '',
      small: '',
      mid: '',
      big: '',
    };
    for (const name of ['warm', 'small', 'mid', 'big'] as const) {
      const workspace = await w.workspace();
      const session = await w.client.call('session.start', { workspaceId: workspace.id, prompt: 'go' });
      await waitForSession(w.client, session.id, (s) => s.turns === 1 && s.status === 'idle');
      sessions[name] = session.id;
    }
    const lastSeqs = new Map<string, number>();
    for (const id of Object.values(sessions))
      lastSeqs.set(id, (await w.client.call('session.get', { sessionId: id })).lastSeq);
    w.client.close();
    await w.agent.stop();
    const transcript = (id: string) => join(w.home, 'transcripts', `${id}.jsonl`);
    appendBusyLines(transcript(sessions.small), lastSeqs.get(sessions.small)!, SMALL);
    appendBusyLines(transcript(sessions.mid), lastSeqs.get(sessions.mid)!, MID);
    appendBusyLines(transcript(sessions.big), lastSeqs.get(sessions.big)!, EVENTS);
    const restart = async () => {
      w.agent = await spawnAgent(w.home, { env: w.env });
      w.client = await connectClient(w.agent);
    };
    await restart();
    // One more turn each, ended as turns end (the session goes idle, all delivered), then a restart:
    // the 100,000 events stand for many turns, and a resume after a restart is what is measured.
    for (const id of [sessions.small, sessions.big]) {
      await w.client.call('session.send', { sessionId: id, text: 'one more' });
      await waitForSession(w.client, id, (s) => s.turns === 2 && s.status === 'idle');
    }
    w.client.close();
    await w.agent.stop();
    await restart();

    // Resumes first, on an agent that has not read either transcript yet (a resume after a restart).
    const resume = async (id: string) => {
      const started = performance.now();
      await w.client.call('session.resume', { sessionId: id });
      const ms = performance.now() - started;
      await waitForSession(w.client, id, (s) => s.status === 'idle');
      return ms;
    };
    await resume(sessions.warm);
    const small = await resume(sessions.small);
    const big = await resume(sessions.big);
    yield figure('session.resume_100k_events', big, 'ms', small);

    // Against the goal: the agent's RSS may rise by less than 100 MB while it streams the log.
    for (const [id, events, name] of [
      [sessions.mid, MID, '30k'],
      [sessions.big, EVENTS, '100k'],
    ] as const) {
      let run = { code: null as number | null, lines: 0 };
      let seconds = 0;
      const growth = await peakRssGrowthMb(w.agent.proc.pid!, async () => {
        const started = performance.now();
        run = await sessionLog(w.home, id);
        seconds = (performance.now() - started) / 1000;
      });
      if (run.code !== 0 || run.lines < events)
        throw new Error(`session log exited ${run.code} after ${run.lines} of ${events}+ events`);
      yield figure(`session.log_${name}_events.seconds`, seconds, 's');
      yield figure(`session.log_${name}_events.agent_rss_growth`, growth, 'MB', 100);
    }
  } finally {
    await w.close();
  }
}
