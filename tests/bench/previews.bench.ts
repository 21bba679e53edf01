import { readdirSync } from 'node:fs';
import { findAllPreviews } from '../../agent/workspaces/previews.js';
import { claudeWorld } from '../helpers/claude-fixture.js';
import { waitFor } from '../helpers/temp.js';
import { cpuMs, type Figure, figure, median } from './figure.js';

const WORKSPACES = 3;
const CALLS = 50;
const SERVER = `node -e "require('http').createServer((q, s) => s.end('ok')).listen(Number(process.env.FF_PORT), '127.0.0.1')"`;

/**
 * Previews: one walk of /proc that finds every workspace's listening ports,
 * on this machine's processes (the count is a figure: the walk reads each
 * one's environment once), with an app running in each of 3 workspaces:
 * - the walk's own CPU, in this process (`findAllPreviews`, median of 20);
 * - the agent's CPU per `workspace.get` (each walks /proc afresh) against
 *   per `workspace.list` (answered from the kept walk): what a walk adds to
 *   a request (the ratio), and so what following a running app costs per
 *   minute (a walk every 3 s).
 */
export async function* figures(): AsyncGenerator<Figure> {
  const world = await claudeWorld();
  try {
    await world.client.call('project.set', { project: 'octo/app', runScript: SERVER });
    const workspaces: Array<{ id: string }> = [];
    for (let n = 0; n < WORKSPACES; n++) {
      const workspace = await world.workspace();
      await world.client.call('workspace.run', { workspaceId: workspace.id });
      workspaces.push(workspace);
    }
    await waitFor(
      async () => {
        const list = await world.client.call('workspace.list');
        return list.filter((w) => w.previews?.length === 1).length === WORKSPACES ? true : undefined;
      },
      { what: `an app listening in each of ${WORKSPACES} workspaces`, timeoutMs: 30_000 },
    );
    yield figure(
      'previews.walk_all.processes',
      readdirSync('/proc').filter((name) => /^\d+$/.test(name)).length,
      'processes',
    );

    const samples: number[] = [];
    for (let n = 0; n < 20; n++) {
      const before = process.cpuUsage();
      const found = await findAllPreviews();
      const used = process.cpuUsage(before);
      samples.push((used.user + used.system) / 1000);
      if (workspaces.some((w) => !found.has(w.id))) throw new Error('a running app was not found');
    }
    yield figure('previews.walk_all.cpu.median', median(samples), 'ms');

    const pid = world.agent.proc.pid!;
    const perCall = async (call: () => Promise<unknown>) => {
      const before = cpuMs(pid);
      for (let n = 0; n < CALLS; n++) await call();
      return (cpuMs(pid) - before) / CALLS;
    };
    const listed = await perCall(() => world.client.call('workspace.list'));
    const walked = await perCall(() =>
      world.client.call('workspace.get', { workspaceId: workspaces[0]!.id }),
    );
    yield figure('previews.get_with_walk.agent_cpu', walked, 'ms', listed);
    yield figure('previews.following.agent_cpu_per_minute', (walked - listed) * (60_000 / 3000), 'ms');
  } finally {
    for (const w of await world.client.call('workspace.list').catch(() => []))
      await world.client.call('workspace.stopRun', { workspaceId: w.id }).catch(() => {});
    await world.close();
  }
}
