import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AgentClient } from '../../shared/agent-client.js';
import type { WorkspaceView } from '../../shared/domain.js';
import { WorkspaceEvent } from '../../shared/protocol.js';
import { connectClient, spawnAgent } from '../helpers/agent-process.js';
import { createGitHubLikeRepo } from '../helpers/git-repos.js';
import { createRealisticRepo } from '../helpers/realistic-repo.js';
import { tempDir } from '../helpers/temp.js';
import { type Figure, figure, median } from './figure.js';

/**
 * workspace.create (no setup command) until ready, as a client sees it —
 * fetch, branch naming, worktree, state — vs a bare `git worktree add` of
 * the same repo. Median of 20 each. Then workspace.archive --force of 10 of
 * them, each with a changed and an untracked file (snapshot, stop what it
 * started, remove), vs a bare `git worktree remove --force` of as many; and
 * the archive of one holding a nested repository the size of a vendored
 * library (2,000 commits, 1,500 files, a 9 MB pack; one unpushed commit and
 * an uncommitted change in it), with what that costs the clone's disk.
 */
export async function* figures(): AsyncGenerator<Figure> {
  const dir = tempDir();
  const repo = createGitHubLikeRepo(dir.path);
  const agent = await spawnAgent(join(dir.path, 'home'), { env: repo.env });
  const client = await connectClient(agent);
  await client.call('project.add', { path: repo.clone });
  const git = (cwd: string, ...args: string[]) =>
    execFileSync('git', args, { cwd, env: { ...process.env, ...repo.env }, encoding: 'utf8' });
  const dirty = (path: string) => {
    writeFileSync(join(path, 'README.md'), '# changed\n');
    writeFileSync(join(path, 'notes.txt'), 'untracked\n');
  };

  const ours: number[] = [];
  const raw: number[] = [];
  const created: WorkspaceView[] = [];
  // Taken in turns, so a machine busy with something else weighs on both alike.
  for (let n = 0; n < 20; n++) {
    const started = performance.now();
    const id = await createReady(client, n + 1);
    // Until ready, as the client is told: what is read about it afterwards is not the create's cost.
    ours.push(performance.now() - started);
    created.push(await client.call('workspace.get', { workspaceId: id }));
    const rawStarted = performance.now();
    execFileSync(
      'git',
      ['worktree', 'add', '--no-track', '-b', `raw/${n}`, join(dir.path, 'raw', String(n)), 'origin/main'],
      { cwd: repo.clone, env: { ...process.env, ...repo.env }, stdio: 'ignore' },
    );
    raw.push(performance.now() - rawStarted);
  }
  const archives: number[] = [];
  for (const workspace of created.slice(0, 10)) {
    dirty(workspace.path);
    const started = performance.now();
    await client.call('workspace.archive', { workspaceId: workspace.id, force: true });
    archives.push(performance.now() - started);
  }

  const nested = await client.call('workspace.get', { workspaceId: await createReady(client, 100) });
  const library = join(dir.path, 'library');
  createRealisticRepo(library);
  git(nested.path, 'clone', '-q', '--no-local', library, 'vendor/library');
  const inNested = join(nested.path, 'vendor', 'library');
  writeFileSync(join(inNested, 'PATCH.md'), 'a local fix\n');
  git(inNested, 'add', 'PATCH.md');
  git(inNested, '-c', 'user.name=b', '-c', 'user.email=b@b', 'commit', '-qm', 'local fix');
  writeFileSync(join(inNested, 'src', 'm0', 'file0.js'), 'uncommitted\n');
  const objectsBefore = kilobytes(join(repo.clone, '.git', 'objects'));
  const nestedStarted = performance.now();
  await client.call('workspace.archive', { workspaceId: nested.id, force: true });
  const nestedMs = performance.now() - nestedStarted;
  const objectsGrowth = kilobytes(join(repo.clone, '.git', 'objects')) - objectsBefore;
  client.close();
  await agent.stop();

  const rawRemoves: number[] = [];
  for (let n = 0; n < 10; n++) {
    const path = join(dir.path, 'raw', String(n));
    dirty(path);
    const started = performance.now();
    git(repo.clone, 'worktree', 'remove', '--force', path);
    rawRemoves.push(performance.now() - started);
  }
  dir.cleanup();
  // The first create fetches origin; the next ones within a few seconds share that fetch, as a burst of Starts does.
  yield figure('workspace.create_to_ready.first', ours[0]!, 'ms', raw[0]);
  yield figure('workspace.create_to_ready.median', median(ours), 'ms', median(raw));
  yield figure('workspace.archive.median', median(archives), 'ms', median(rawRemoves));
  yield figure('workspace.archive_nested_repo', nestedMs, 'ms', median(archives));
  yield figure('workspace.archive_nested_repo.clone_growth', objectsGrowth, 'kB');
}

/** Creates a workspace and resolves with its id once the client is told it is ready. */
async function createReady(client: AgentClient, issue: number): Promise<string> {
  let ready!: () => void;
  const done = new Promise<void>((resolve) => {
    ready = resolve;
  });
  const { workspace } = await client.call('workspace.create', {
    project: 'octo/app',
    issue: { number: issue, title: `bench ${issue}` },
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
  return workspace.id;
}

/** What `du -sk` says a folder takes. */
function kilobytes(path: string): number {
  return Number(execFileSync('du', ['-sk', path], { encoding: 'utf8' }).split('\t')[0]);
}
