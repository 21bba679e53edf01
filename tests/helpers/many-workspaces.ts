import { copyFileSync, cpSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { worktreePathFor } from '../../agent/workspaces/worktree-path.js';
import type { AgentClient } from '../../shared/agent-client.js';
import type { Project, Session, Workspace } from '../../shared/domain.js';
import { WorkspaceRatchet } from '../../shared/ratchet.js';
import { type AgentProcess, connectClient, spawnAgent } from './agent-process.js';
import { createGitHubLikeRepo, type GitHubLikeRepo } from './git-repos.js';
import { tempDir } from './temp.js';

export interface ManyWorkspaces {
  root: string;
  repo: GitHubLikeRepo;
  home: string;
  workspaces: Workspace[];
  agent: AgentProcess;
  client: AgentClient;
  /** Starts the agent again (after `stop`), on the same home. */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Stops the agent and removes everything. */
  close(): Promise<void>;
}

/**
 * An agent (no GitHub, no claude; `env` added to its environment) on a
 * GitHub-like repo, with the project added and `count` workspaces seeded
 * (`seedWorkspaces`) before its second start.
 */
export async function manyWorkspaces(
  count: number,
  env: Record<string, string> = {},
): Promise<ManyWorkspaces> {
  const dir = tempDir();
  const repo = createGitHubLikeRepo(dir.path);
  const home = join(dir.path, 'home');
  const world = { root: dir.path, repo, home, workspaces: [] as Workspace[] } as ManyWorkspaces;
  let running = false;
  world.start = async () => {
    world.agent = await spawnAgent(home, { env: { ...repo.env, ...env } });
    running = true;
    world.client = await connectClient(world.agent);
  };
  world.stop = async () => {
    if (!running) return;
    running = false;
    world.client?.close();
    await world.agent.stop();
  };
  world.close = async () => {
    await world.stop();
    dir.cleanup();
  };
  try {
    await world.start();
    const project = await world.client.call('project.add', { path: repo.clone });
    if (count > 0) {
      await world.stop();
      world.workspaces = seedWorkspaces({ repo, home, project, count });
      await world.start();
    }
    return world;
  } catch (error) {
    await world.close();
    throw error;
  }
}

/**
 * `count` ready workspaces of `project` (its clone is `repo.clone`), written
 * into the state of the agent at `home` while it is stopped: each a real git
 * worktree on its own branch `ff/<n>-task` from origin/main, for issue #n,
 * with one finished chat session. Newest first: #count was updated last.
 *
 * One worktree is made by `git worktree add`; the others are copies of it
 * (git's admin folder with HEAD, index and reflog, the worktree's `.git`
 * file and checked-out files, a loose branch ref) with their own paths and
 * branch: what `git worktree add` writes, in a millisecond instead of the
 * 40–200 ms a git process takes on a busy two-core machine (500 of them take
 * minutes). `git worktree list` is asked once to prove git reads them all.
 */
export function seedWorkspaces(options: {
  repo: GitHubLikeRepo;
  home: string;
  project: Project;
  count: number;
}): Workspace[] {
  const { repo, home, project, count } = options;
  const common = join(repo.clone, '.git');
  const first = worktreePathFor(project.worktreeRoot, 'ff/1-task');
  repo.git(repo.clone, 'worktree', 'add', '-q', '-b', 'ff/1-task', first, 'origin/main');
  const head = repo.git(first, 'rev-parse', 'HEAD').trim();
  const template = join(common, 'worktrees', '1-task');
  const files = readdirSync(first).filter((name) => name !== '.git');
  for (let n = 2; n <= count; n++) {
    const branch = `ff/${n}-task`;
    const path = worktreePathFor(project.worktreeRoot, branch);
    const admin = join(common, 'worktrees', `${n}-task`);
    mkdirSync(join(admin, 'logs'), { recursive: true });
    writeFileSync(join(admin, 'HEAD'), `ref: refs/heads/${branch}\n`);
    writeFileSync(join(admin, 'commondir'), '../..\n');
    writeFileSync(join(admin, 'gitdir'), `${join(path, '.git')}\n`);
    copyFileSync(join(template, 'index'), join(admin, 'index'));
    copyFileSync(join(template, 'logs', 'HEAD'), join(admin, 'logs', 'HEAD'));
    mkdirSync(path, { recursive: true });
    writeFileSync(join(path, '.git'), `gitdir: ${admin}\n`);
    for (const file of files) cpSync(join(first, file), join(path, file), { recursive: true });
    writeFileSync(join(common, 'refs', 'heads', branch), `${head}\n`);
  }
  const listed = repo.git(repo.clone, 'worktree', 'list', '--porcelain').match(/^worktree /gm)?.length;
  if (listed !== count + 1) throw new Error(`git lists ${listed} worktrees, not ${count + 1}`);

  const at = (n: number) => new Date(Date.UTC(2026, 10, 1) + n * 60_000).toISOString();
  const workspaces: Workspace[] = [];
  const sessions: Session[] = [];
  for (let n = 1; n <= count; n++) {
    const id = `seeded${String(n).padStart(4, '0')}`;
    const branch = `ff/${n}-task`;
    workspaces.push({
      id,
      projectId: project.id,
      branch,
      baseBranch: 'main',
      path: worktreePathFor(project.worktreeRoot, branch),
      status: 'ready',
      issue: {
        number: n,
        title: `Task ${n}`,
        url: `https://github.com/${project.owner}/${project.repo}/issues/${n}`,
      },
      warnings: [],
      ratchet: WorkspaceRatchet.parse({}),
      createdBranch: true,
      createdAt: at(n),
      updatedAt: at(n),
    });
    sessions.push({
      id: `${id}s`,
      workspaceId: id,
      kind: 'chat',
      title: 'chat',
      status: 'exited',
      permissionMode: 'bypassPermissions',
      costUsd: 0.01,
      turns: 2,
      createdAt: at(n),
    });
  }
  const stateFile = join(home, 'state.json');
  const state = JSON.parse(readFileSync(stateFile, 'utf8')) as {
    workspaces: Workspace[];
    sessions: Session[];
  };
  state.workspaces.push(...workspaces);
  state.sessions.push(...sessions);
  writeFileSync(stateFile, JSON.stringify(state, null, 2));
  return workspaces;
}
