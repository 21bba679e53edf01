import { join } from 'node:path';
import { afterEach, expect } from 'vitest';
import type { AgentClient } from '../../shared/agent-client.js';
import type { WorkspaceView } from '../../shared/domain.js';
import type { Responder } from '../fakes/anthropic-api/server.js';
import { FakeGitHub, type FakePullRequest } from '../fakes/github/server.js';
import { type ClaudeWorld, claudeWorld } from './claude-fixture.js';
import { writeTrackedWorkspaces } from './tracked-workspaces.js';

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
 * stopped, then the agent starts again (see writeTrackedWorkspaces).
 */
export async function manyTrackedPrs(
  w: RatchetWorld,
  count: number,
  pr: (i: number) => Partial<FakePullRequest> = () => ({}),
): Promise<{ workspaces: Array<{ id: string; branch: string }>; prs: FakePullRequest[] }> {
  w.client.close();
  await w.agent.stop();
  const workspaces = writeTrackedWorkspaces(w.home, join(w.root, 'many'), count);
  const prs = workspaces.map((workspace, i) =>
    w.github.addPullRequest('octo/app', { headRefName: workspace.branch, ...pr(i) }),
  );
  await w.restart();
  return { workspaces, prs };
}
