import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SessionEvent } from '../../shared/protocol.js';
import { claudeWorld } from '../helpers/claude-fixture.js';
import { descendants } from '../helpers/processes.js';
import { type Figure, figure } from './figure.js';
import { heapAfterGcMb } from './inspector.js';

/**
 * Soak: 20 sessions taking scripted turns for 5 minutes (FF_SOAK_SECONDS
 * shortens it to try it), with a synthetic claude (synthetic-claude.mjs) so
 * the agent, not 20 CLIs, is what is measured. Reports how the agent's RSS
 * moves over the run (the slope of a least-squares line after a warm-up),
 * how its heap after a full GC moves (what it really keeps: RSS also counts
 * garbage not yet collected and heap V8 holds on to; the GC every 15 s also
 * steadies RSS), and what it holds at the end: open file descriptors and
 * child processes. FF_SOAK_TRACE=1 prints RSS and heap every 15 s.
 */
const SESSIONS = 20;
const PAUSE_BETWEEN_TURNS_MS = 250;

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN) / 1024;
}

const openFds = (pid: number) => readdirSync(`/proc/${pid}/fd`).length;

/** Least-squares slope of y over x. */
function slope(points: Array<[number, number]>): number {
  const n = points.length;
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  const sxy = points.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0);
  const sxx = points.reduce((s, [x]) => s + (x - mx) ** 2, 0);
  return sxx === 0 ? 0 : sxy / sxx;
}

export async function* figures(): AsyncGenerator<Figure> {
  const seconds = Number(process.env.FF_SOAK_SECONDS ?? 300);
  const world = await claudeWorld(
    undefined,
    { FF_CLAUDE_BIN: join(import.meta.dirname, 'synthetic-claude.mjs') },
    ['--inspect=127.0.0.1:0'],
  );
  try {
    const pid = world.agent.proc.pid!;
    const workspaces = [];
    for (let n = 0; n < SESSIONS; n++) workspaces.push(await world.workspace());

    // One waiter per session, resolved by the `result` line of its turn as it streams to this client.
    const turnEnded = new Map<string, () => void>();
    const sessions = await Promise.all(
      workspaces.map((w) => world.client.call('session.start', { workspaceId: w.id })),
    );
    for (const session of sessions) {
      await world.client.subscribe(`session:${session.id}`, (frame) => {
        const event = SessionEvent.safeParse(frame.data);
        if (
          event.success &&
          event.data.kind === 'claude' &&
          event.data.entries.some((entry) => entry.type === 'result')
        )
          turnEnded.get(session.id)?.();
      });
    }

    const started = Date.now();
    const deadline = started + seconds * 1000;
    const warmUp = started + Math.min(30_000, (seconds * 1000) / 5);
    const samples: Array<[number, number]> = [];
    let warmFds: number | undefined;
    // Every 15 s, what the heap holds after a full GC: a leak grows it; V8 sizing its heap only moves RSS.
    const heapSamples: Array<[number, number]> = [];
    let lastHeapAt = 0;
    let heapBusy = false;
    const sampler = setInterval(() => {
      if (Date.now() < warmUp) return;
      warmFds ??= openFds(pid);
      samples.push([(Date.now() - started) / 60_000, rssMb(pid)]);
      if (heapBusy || Date.now() - lastHeapAt < 15_000) return;
      heapBusy = true;
      lastHeapAt = Date.now();
      void heapAfterGcMb(world.agent.stderr)
        .then((mb) => {
          heapSamples.push([(Date.now() - started) / 60_000, mb]);
          if (process.env.FF_SOAK_TRACE)
            process.stderr.write(
              `soak ${((Date.now() - started) / 1000).toFixed(0)} s: rss ${rssMb(pid).toFixed(1)} MB, heap after GC ${mb.toFixed(1)} MB\n`,
            );
        })
        .finally(() => {
          heapBusy = false;
        });
    }, 1000);
    let turns = 0;
    await Promise.all(
      sessions.map(async (session, index) => {
        for (let turn = 0; Date.now() < deadline; turn++) {
          const ended = new Promise<void>((resolve) => turnEnded.set(session.id, resolve));
          await world.client.call('session.send', {
            sessionId: session.id,
            text: `turn ${turn} of session ${index}: ${'lorem ipsum '.repeat(20)}`,
          });
          await ended;
          turns++;
          await new Promise((r) => setTimeout(r, PAUSE_BETWEEN_TURNS_MS));
        }
      }),
    );
    clearInterval(sampler);
    // Let the last writes and events settle before looking at what the agent holds.
    await new Promise((r) => setTimeout(r, 1000));
    const children = descendants(pid);

    yield figure('soak.turns', turns, 'turns');
    yield figure('soak.duration', (Date.now() - started) / 1000, 's');
    yield figure('soak.agent_rss_slope', slope(samples), 'MB/min');
    yield figure('soak.agent_rss_end', rssMb(pid), 'MB');
    // The first ~100 s fill the hub's in-memory replay rings (the board topic keeps 1000 whole
    // boards), ~4 MB, then the heap is flat: a leak shows as a slope in the second half.
    yield figure(
      'soak.agent_heap_after_gc_slope_second_half',
      slope(heapSamples.slice(Math.floor(heapSamples.length / 2))),
      'MB/min',
    );
    yield figure('soak.agent_heap_after_gc_end', await heapAfterGcMb(world.agent.stderr), 'MB');
    // Against the count once every session was warm: a leak per turn shows as a ratio above 1.
    yield figure('soak.open_fds_end', openFds(pid), 'fds', warmFds);
    // Each live session holds a supervisor and its claude: 2 × 20 is the expected figure.
    yield figure('soak.child_processes_end', children.length, 'processes', 2 * SESSIONS);
  } finally {
    await world.close();
  }
}
