import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { AgentClient } from '../../shared/agent-client.js';
import { gitShim } from '../helpers/git-shim.js';
import { manyWorkspaces, seedWorkspaces } from '../helpers/many-workspaces.js';
import { tempDir, waitFor } from '../helpers/temp.js';
import { cpuMs, type Figure, figure, median } from './figure.js';

/** `FF_LIST_BENCH_COUNT=<n> npm run bench -- list` measures only that size, in full. */
const ONLY = Number(process.env.FF_LIST_BENCH_COUNT) || undefined;
/** The growth rows of docs/scaling.md: smaller sizes measured for what a list costs as workspaces grow. */
const GROWTH = [10, 100];
const FULL = 500;
const LISTS = 20;

/**
 * `workspace.list` on real worktrees (one finished session each), with every
 * git process the agent starts counted by a logging `git` shim on its PATH:
 * at 10 and 100 workspaces a list with nothing changed (agent CPU from
 * /proc, git processes) and the first list after a restart; at 500 (or
 * `FF_LIST_BENCH_COUNT`) also:
 * - the first list after the first start (nothing known yet) and how long
 *   the background work takes until every workspace's changes and disk use are known;
 * - the agent's CPU per minute while idle (following 500 worktrees' files);
 * - the first list after a restart without what was known (its cache file removed).
 */
export async function* figures(): AsyncGenerator<Figure> {
  if (!ONLY) for (const count of GROWTH) yield* measure(count, false);
  yield* measure(ONLY ?? FULL, true);
}

async function* measure(count: number, full: boolean): AsyncGenerator<Figure> {
  const dir = tempDir();
  const git = gitShim(dir.path);
  const world = await manyWorkspaces(0, git.env);
  try {
    // Seeded (and restarted) by hand to time the first list of the agent's first start with them.
    const project = (await world.client.call('project.list'))[0]!;
    await world.stop();
    seedWorkspaces({ repo: world.repo, home: world.home, project, count });
    await world.start();
    const [firstMs] = await timed(() => world.client.call('workspace.list'));
    if (full) yield figure(`workspace.list_${count}.first_after_first_start`, firstMs, 'ms');
    const known = performance.now();
    await allKnown(world.client, count);
    if (full)
      yield figure(
        `workspace.list_${count}.all_known_after_first_start`,
        (performance.now() - known) / 1000,
        's',
      );

    const pid = world.agent.proc.pid!;
    await world.client.call('workspace.list'); // warm: the JIT and the state's first views
    const gitBefore = git.lines().length;
    const cpuBefore = cpuMs(pid);
    const times: number[] = [];
    for (let n = 0; n < LISTS; n++) times.push((await timed(() => world.client.call('workspace.list')))[0]);
    yield figure(`workspace.list_${count}.agent_cpu`, (cpuMs(pid) - cpuBefore) / LISTS, 'ms');
    yield figure(
      `workspace.list_${count}.git_processes`,
      (git.lines().length - gitBefore) / LISTS,
      'processes',
    );
    yield figure(`workspace.list_${count}.median`, median(times), 'ms');

    if (full) {
      const idleFrom = cpuMs(pid);
      const idleGit = git.lines().length;
      const idleStarted = performance.now();
      await new Promise((resolve) => setTimeout(resolve, 20_000));
      const perMinute = 60_000 / (performance.now() - idleStarted);
      yield figure(`workspace.idle_${count}.agent_cpu_per_minute`, (cpuMs(pid) - idleFrom) * perMinute, 'ms');
      yield figure(
        `workspace.idle_${count}.git_processes_per_minute`,
        (git.lines().length - idleGit) * perMinute,
        'processes',
      );
    }

    await world.stop();
    await world.start();
    const [restartMs, restarted] = await timed(() => world.client.call('workspace.list'));
    yield figure(`workspace.list_${count}.first_after_restart`, restartMs, 'ms');
    yield figure(
      `workspace.list_${count}.first_after_restart_known`,
      restarted.filter((w) => w.changes).length,
      'workspaces',
    );
    if (!full) return;

    await world.stop();
    rmSync(join(world.home, 'workspace-cache.json'));
    await world.start();
    yield figure(
      `workspace.list_${count}.first_after_restart_no_cache`,
      (await timed(() => world.client.call('workspace.list')))[0],
      'ms',
    );
  } finally {
    await world.close();
    dir.cleanup();
  }
}

async function timed<T>(run: () => Promise<T>): Promise<[number, T]> {
  const started = performance.now();
  const value = await run();
  return [performance.now() - started, value];
}

async function allKnown(client: AgentClient, count: number): Promise<void> {
  await waitFor(
    async () => {
      const list = await client.call('workspace.list');
      return list.length === count && list.every((w) => w.changes && w.disk) ? true : undefined;
    },
    { what: `the changes and disk use of ${count} workspaces`, timeoutMs: 600_000, intervalMs: 500 },
  );
}
