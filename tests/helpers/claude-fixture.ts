import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AgentClient } from '../../shared/agent-client.js';
import type { SessionView, WorkspaceView } from '../../shared/domain.js';
import { SessionEvent } from '../../shared/protocol.js';
import { FakeAnthropicApi, type Responder } from '../fakes/anthropic-api/server.js';
import { type AgentProcess, connectClient, repoRoot, spawnAgent } from './agent-process.js';
import { createGitHubLikeRepo, type GitHubLikeRepo } from './git-repos.js';
import { tempDir, waitFor } from './temp.js';

export const claudeBin = join(repoRoot, 'node_modules', '.bin', 'claude');

export interface ClaudeWorld {
  root: string;
  home: string;
  api: FakeAnthropicApi;
  repo: GitHubLikeRepo;
  agent: AgentProcess;
  client: AgentClient;
  env: Record<string, string>;
  /** A ready workspace of octo/app. */
  workspace(issue?: number): Promise<WorkspaceView>;
  restart(): Promise<void>;
  killAgent(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A real agent, a real git repo and the real `claude` CLI talking to the
 * fake Anthropic API, with a private HOME so nothing touches the user's.
 */
export async function claudeWorld(
  responder?: Responder,
  extraEnv: Record<string, string> = {},
  /** Flags for the agent's node (the bench's --inspect), not for claude. */
  nodeArgs: string[] = [],
): Promise<ClaudeWorld> {
  const dir = tempDir('ff-claude-');
  const api = await new FakeAnthropicApi(responder).start();
  const repo = createGitHubLikeRepo(dir.path);
  const userHome = join(dir.path, 'user-home');
  mkdirSync(userHome, { recursive: true });
  const env = { ...repo.env, ...api.env(), HOME: userHome, FF_CLAUDE_BIN: claudeBin, ...extraEnv };
  const home = join(dir.path, 'ff-home');
  const world = { root: dir.path, home, api, repo, env } as unknown as ClaudeWorld;
  const start = async () => {
    world.agent = await spawnAgent(home, { env, nodeArgs });
    world.client = await connectClient(world.agent);
  };
  await start();
  await world.client.call('project.add', { path: repo.clone });
  let issue = 1000;
  world.workspace = async (number = issue++) => {
    const { workspace } = await world.client.call('workspace.create', {
      project: 'octo/app',
      issue: { number, title: `task ${number}` },
      startSession: false,
    });
    const settled = await waitFor(
      async () => {
        const w = await world.client.call('workspace.get', { workspaceId: workspace.id });
        return w.status === 'provisioning' ? undefined : w;
      },
      { what: 'workspace provisioning', timeoutMs: 60_000 },
    );
    if (settled.status !== 'ready')
      throw new Error(`workspace ${settled.status}: ${JSON.stringify(settled.failure)}`);
    return settled;
  };
  world.restart = async () => {
    world.client.close();
    await world.agent.stop();
    await start();
  };
  world.killAgent = async () => {
    world.client.close();
    await world.agent.kill();
  };
  world.close = async () => {
    world.client.close();
    await world.agent.stop();
    await api.stop();
    dir.cleanup();
  };
  return world;
}

/** Collects a session's events (replayed from seq 0, then live). */
export async function recordSession(client: AgentClient, sessionId: string): Promise<SessionEvent[]> {
  const events: SessionEvent[] = [];
  await client.subscribe(
    `session:${sessionId}`,
    (frame) => {
      const parsed = SessionEvent.safeParse(frame.data);
      if (parsed.success) events.push(parsed.data);
    },
    0,
  );
  return events;
}

export function waitForSession(
  client: AgentClient,
  sessionId: string,
  predicate: (session: SessionView) => boolean,
  what = 'session state',
  timeoutMs = 30_000,
): Promise<SessionView> {
  let last: SessionView | undefined;
  return waitFor(
    async () => {
      last = await client.call('session.get', { sessionId });
      return predicate(last) ? last : undefined;
    },
    { what, timeoutMs, intervalMs: 50 },
  ).catch((error: Error) => {
    // Say where the session got stuck: its status, why, and how far it got.
    throw new Error(
      `${error.message}; last seen: ${last?.status} (${last?.statusDetail ?? 'no detail'}), ${last?.turns} turns`,
    );
  });
}

/** Results the CLI reported in a transcript, in order. */
export function results(events: SessionEvent[]): Array<{ subtype: string; result?: string }> {
  return events.flatMap((e) =>
    e.kind === 'claude'
      ? e.entries.flatMap((entry) =>
          entry.type === 'result'
            ? [{ subtype: entry.subtype, ...(entry.text !== undefined ? { result: entry.text } : {}) }]
            : [],
        )
      : [],
  );
}

export function assistantTexts(events: SessionEvent[]): string[] {
  return events.flatMap((e) =>
    e.kind === 'claude'
      ? e.entries.flatMap((entry) => (entry.type === 'assistant-text' ? [entry.text] : []))
      : [],
  );
}

/** A wrapper around the real CLI that first prints lines the CLI never would (garbage, unknown types). */
export function noisyClaude(dir: string): string {
  const path = join(dir, 'noisy-claude');
  writeFileSync(
    path,
    `#!/bin/sh\necho 'this is not json'\necho '{"type":"mystery_event","payload":[1,2,3]}'\nexec "${claudeBin}" "$@"\n`,
  );
  chmodSync(path, 0o755);
  return path;
}
