import { mkdirSync, readFileSync, watch, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect } from 'vitest';
import type { AgentClient } from '../../shared/agent-client.js';
import type { WorkspaceView } from '../../shared/domain.js';
import type { Responder } from '../fakes/anthropic-api/server.js';
import { FakeGitHub, type FakePullRequest } from '../fakes/github/server.js';
import { type ClaudeWorld, claudeWorld } from './claude-fixture.js';

/** A claude world (real agent, git repo with a bare origin, the real CLI on the fake API) plus the fake GitHub serving octo/app. */
export interface RatchetWorld extends ClaudeWorld {
  github: FakeGitHub;
}

/**
 * For a test file about the ratchet, adopting or trust: returns the
 * function that makes a world, and after each test checks that every
 * document the agent sent was valid against GitHub's schema, then closes
 * the test's worlds (closed even when that check fails).
 */
export function ratchetWorlds(): (
  responder?: Responder,
  env?: Record<string, string>,
) => Promise<RatchetWorld> {
  const worlds: RatchetWorld[] = [];
  afterEach(async () => {
    const invalid: RatchetWorld['github']['invalid'] = [];
    for (const w of worlds.splice(0)) {
      invalid.push(...w.github.invalid);
      await w.close();
      await w.github.stop();
    }
    // Every document the agent sent must have been valid against GitHub's schema.
    expect(invalid).toEqual([]);
  });
  return async (responder, env = {}) => {
    const github = await new FakeGitHub().start();
    github.addRepo('octo/app');
    try {
      const w = (await claudeWorld(responder, { ...github.env(), ...env })) as RatchetWorld;
      w.github = github;
      worlds.push(w);
      return w;
    } catch (error) {
      await github.stop();
      throw error;
    }
  };
}

/** The ratchet's fixer sessions of a workspace. */
export async function fixerSessions(client: AgentClient, workspaceId: string) {
  return (await client.call('session.list', { workspaceId })).filter((s) => s.kind === 'ratchet');
}

/** A ready workspace whose branch is pushed, with an open PR on it at its head. */
export async function trackedPr(
  w: RatchetWorld,
  issue: number,
): Promise<{ workspace: WorkspaceView; pr: FakePullRequest; head: string }> {
  const workspace = await w.workspace(issue);
  const head = w.repo.git(workspace.path, 'rev-parse', 'HEAD').trim();
  w.repo.git(workspace.path, 'push', '-q', 'origin', `HEAD:refs/heads/${workspace.branch}`);
  const pr = w.github.addPullRequest('octo/app', { headRefName: workspace.branch, headRefOid: head });
  return { workspace, pr, head };
}

/**
 * `count` workspaces of octo/app with an open PR each on the fake GitHub, their PRs not yet
 * linked (the next tick finds them by branch). Written into the agent's state while it is
 * stopped, then the agent starts again: making hundreds of worktrees one by one would take
 * minutes, and the ratchet reads only the records (the worktrees are empty folders).
 */
export async function manyTrackedPrs(
  w: RatchetWorld,
  count: number,
  pr: (i: number) => Partial<FakePullRequest> = () => ({}),
): Promise<{ workspaces: Array<{ id: string; branch: string }>; prs: FakePullRequest[] }> {
  w.client.close();
  await w.agent.stop();
  const file = join(w.home, 'state.json');
  const state = JSON.parse(readFileSync(file, 'utf8')) as {
    projects: Array<{ id: string }>;
    workspaces: Array<Record<string, unknown>>;
  };
  const now = new Date().toISOString();
  const workspaces = Array.from({ length: count }, (_, i) => {
    const branch = `many/${i}`;
    const path = join(w.root, 'many', String(i));
    mkdirSync(path, { recursive: true });
    return {
      id: `many-${i}`,
      projectId: state.projects[0]!.id,
      branch,
      baseBranch: 'main',
      path,
      status: 'ready',
      createdAt: now,
      updatedAt: now,
    };
  });
  state.workspaces.push(...workspaces);
  writeFileSync(file, JSON.stringify(state));
  const prs = workspaces.map((workspace, i) =>
    w.github.addPullRequest('octo/app', { headRefName: workspace.branch, ...pr(i) }),
  );
  await w.restart();
  return { workspaces, prs };
}

/**
 * Counts the agent's writes of state.json from now (each write renames a new file onto it).
 * `settled` ends the count: a settings change, which the agent writes after everything it
 * was asked before and answers once it is on disk, marks the end (its own write is not
 * counted; sharing a write still waiting makes the count one less, never more).
 */
export function countStateWrites(home: string): {
  settled(client: AgentClient): Promise<number>;
  close(): void;
} {
  let writes = 0;
  const watcher = watch(home, (event, file) => {
    if (event === 'rename' && file === 'state.json') writes++;
  });
  return {
    async settled(client) {
      const { gcAfterDays } = await client.call('settings.get');
      await client.call('settings.set', { gcAfterDays: gcAfterDays + 1 });
      // The rename happened before the answer was sent: its event is read in the same turn or an earlier one.
      await new Promise((resolve) => setImmediate(resolve));
      return writes - 1;
    },
    close: () => watcher.close(),
  };
}
