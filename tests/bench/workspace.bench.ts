import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { WorkspaceEvent } from '../../shared/protocol.js';
import { connectClient, spawnAgent } from '../helpers/agent-process.js';
import { createGitHubLikeRepo } from '../helpers/git-repos.js';
import { tempDir } from '../helpers/temp.js';
import { type Figure, figure, median } from './figure.js';

/**
 * workspace.create (no setup command) until ready, as a client sees it —
 * fetch, branch naming, worktree, state — vs a bare `git worktree add` of
 * the same repo. Median of 20 each.
 */
export async function* figures(): AsyncGenerator<Figure> {
  const dir = tempDir();
  const repo = createGitHubLikeRepo(dir.path);
  const agent = await spawnAgent(join(dir.path, 'home'), { env: repo.env });
  const client = await connectClient(agent);
  await client.call('project.add', { path: repo.clone });

  const ours: number[] = [];
  for (let n = 0; n < 20; n++) {
    const started = performance.now();
    let ready!: () => void;
    const done = new Promise<void>((resolve) => {
      ready = resolve;
    });
    const { workspace } = await client.call('workspace.create', {
      project: 'octo/app',
      issue: { number: n + 1, title: `bench ${n}` },
      startSession: false,
    });
    await client.subscribe(
      `workspace:${workspace.id}`,
      (frame) => {
        const event = WorkspaceEvent.safeParse(frame.data);
        if (event.success && event.data.kind === 'updated' && event.data.workspace.status !== 'provisioning')
          ready();
      },
      0,
    );
    await done;
    ours.push(performance.now() - started);
  }
  client.close();
  await agent.stop();

  const raw: number[] = [];
  for (let n = 0; n < 20; n++) {
    const started = performance.now();
    execFileSync(
      'git',
      ['worktree', 'add', '--no-track', '-b', `raw/${n}`, join(dir.path, 'raw', String(n)), 'origin/main'],
      {
        cwd: repo.clone,
        env: { ...process.env, ...repo.env },
        stdio: 'ignore',
      },
    );
    raw.push(performance.now() - started);
  }
  dir.cleanup();
  // The first create fetches origin; the next ones within a few seconds share that fetch, as a burst of Starts does.
  yield figure('workspace.create_to_ready.first', ours[0]!, 'ms', raw[0]);
  yield figure('workspace.create_to_ready.median', median(ours), 'ms', median(raw));
}
