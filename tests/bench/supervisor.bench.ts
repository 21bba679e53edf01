import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { spawnSupervised } from '../../agent/supervisor/spawn-supervised.js';
import { type Figure, figure, median } from './figure.js';

/**
 * RSS of the old per-session supervisor, a Node process (`supervise.mjs`),
 * measured once on the 2-core CI machine with Node 20 before it was
 * replaced by a POSIX `sh`.
 */
const NODE_SUPERVISOR_RSS_KB = 44_104;

function rssKb(pid: number): number {
  return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
}

/** What the supervisor that ends children with the agent adds to each start and to each session's memory. */
export async function* figures(): AsyncGenerator<Figure> {
  const run = async (start: () => ChildProcess) => {
    const samples: number[] = [];
    for (let n = 0; n < 15; n++) {
      const started = performance.now();
      await new Promise((resolve) => start().on('close', resolve));
      samples.push(performance.now() - started);
    }
    return median(samples);
  };
  const direct = await run(() => spawn('true', [], { stdio: ['pipe', 'pipe', 'pipe'] }));
  const supervised = await run(() => spawnSupervised('true', [], { stdio: ['pipe', 'pipe', 'pipe'] }).child);
  yield figure('supervisor.start_and_exit_true', supervised, 'ms', direct);

  if (process.platform !== 'linux') return;
  const sessions = Array.from({ length: 5 }, () =>
    spawnSupervised('sleep', ['60'], { stdio: ['pipe', 'pipe', 'pipe'] }),
  );
  await new Promise((resolve) => setTimeout(resolve, 300));
  const rss = median(sessions.map((s) => rssKb(s.supervisorPid!)));
  for (const s of sessions) s.kill('SIGKILL');
  yield figure('supervisor.rss_per_session', rss, 'kB', NODE_SUPERVISOR_RSS_KB);
}
