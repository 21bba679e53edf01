import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readStateText, type State } from '../../../agent/store/state-schema.js';
import type { AgentClient } from '../../../shared/agent-client.js';
import type { SessionEvent } from '../../../shared/protocol.js';
import { FakeAnthropicApi, isToolResultTurn, lastUserText } from '../../fakes/anthropic-api/server.js';
import { FakeGitHub } from '../../fakes/github/server.js';
import { type AgentProcess, connectClient, spawnAgent } from '../../helpers/agent-process.js';
import { claudeBin } from '../../helpers/claude-fixture.js';
import { createGitHubLikeRepo, type GitHubLikeRepo } from '../../helpers/git-repos.js';
import { descendants, killSurvivors, stillRunning } from '../../helpers/processes.js';
import { tempDir, waitFor } from '../../helpers/temp.js';

/**
 * kill -9 at a seeded point of a scripted sequence — project add, workspace
 * create with a setup script, session start, permission answer, send (the
 * real claude CLI against the fake Anthropic API), a ratchet tick (the fake
 * GitHub), archive — then restart and check what a user relies on: every
 * acknowledged write is there, state.json parses, no work is unrecoverable,
 * and no claude or setup process outlived the agent by more than 2 s.
 * One agent home through all seeds, so later kills also guard earlier work.
 */
/**
 * Twenty seeds that kill at every step both in flight and after its
 * acknowledgement (1–20 never reached an acknowledged archive, so 14, 17 and
 * 20, whose kinds of kill others repeat, gave way to 30, 35 and 38).
 * FF_KILL9_SEEDS=3,17 replays chosen seeds (to chase one failure).
 */
const ALL_SEEDS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 15, 16, 18, 19, 30, 35, 38];
const SEEDS = process.env.FF_KILL9_SEEDS
  ? process.env.FF_KILL9_SEEDS.split(',').map((s) => Number.parseInt(s, 10))
  : ALL_SEEDS;
const STEPS = ['project', 'workspace', 'session', 'permission', 'send', 'tick', 'archive'] as const;

/** mulberry32: a small seeded generator, so a failing seed replays exactly. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface KillPlan {
  seed: number;
  /** The step during (or right after) which the agent dies; earlier steps complete. */
  step: (typeof STEPS)[number];
  /** `in-flight`: killed `delayMs` after sending the request; `after-ack`: `delayMs` after its answer. */
  mode: 'in-flight' | 'after-ack';
  delayMs: number;
}

function killPlan(seed: number): KillPlan {
  const next = random(seed);
  const step = STEPS[Math.floor(next() * STEPS.length)]!;
  const mode = next() < 0.5 ? 'in-flight' : 'after-ack';
  return { seed, step, mode, delayMs: Math.floor(next() * (mode === 'in-flight' ? 150 : 400)) };
}

type Ack =
  | { kind: 'project'; path: string }
  | { kind: 'workspace'; id: string }
  | { kind: 'session'; id: string }
  | { kind: 'permission'; sessionId: string; requestId: string }
  | { kind: 'send'; sessionId: string; messageId: string }
  | { kind: 'tick'; workspaceId: string }
  | { kind: 'archive'; workspaceId: string };

/** Processes that were the agent's when it was killed and still ran 2 s later, per seed. */
const orphans: Array<{ seed: number; step: string; commands: string[] }> = [];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('kill -9 at seeded points of a scripted sequence', () => {
  const dir = tempDir('ff-kill9-');
  afterAll(() => dir.cleanup());

  it(`loses no acknowledged write and no work, over ${SEEDS.length} seeds`, async () => {
    const api = await new FakeAnthropicApi((request) => {
      if (isToolResultTurn(request)) return { text: 'Done.' };
      const write = /^write (\S+) (.*)$/.exec(lastUserText(request));
      if (write)
        return { toolUse: { name: 'Write', input: { file_path: write[1]!, content: `${write[2]}\n` } } };
      return { text: `You said: ${lastUserText(request)}` };
    }).start();
    const github = await new FakeGitHub().start();
    const userHome = join(dir.path, 'user-home');
    mkdirSync(userHome, { recursive: true });
    const home = join(dir.path, 'ff-home');
    const repos = new Map<number, GitHubLikeRepo>();
    const repoFor = (k: number) => {
      if (!repos.has(k)) repos.set(k, createGitHubLikeRepo(dir.path, 'octo', `app${k}`));
      return repos.get(k)!;
    };
    const env = () => ({
      ...repoFor(0).env,
      ...api.env(),
      ...github.env(),
      HOME: userHome,
      FF_CLAUDE_BIN: claudeBin,
      FF_RATCHET_CRON: 'off',
    });

    let agent: AgentProcess = await spawnAgent(home, { env: env() });
    let client: AgentClient = await connectClient(agent);
    const acks: Ack[] = [];
    const problems: string[] = [];

    try {
      for (const seed of SEEDS) {
        const seedStart = Date.now();
        const plan = killPlan(seed);
        const where = `seed ${seed} (${plan.step}, ${plan.mode} +${plan.delayMs} ms)`;
        const repo = repoFor(seed);
        github.addRepo(`octo/app${seed}`);
        const ctx: {
          workspaceId?: string;
          branch?: string;
          path?: string;
          sessionId?: string;
          requestId?: string;
        } = {};

        // Each step: send the request (recording its acknowledgement), and what completing it means.
        const steps: Record<
          (typeof STEPS)[number],
          { send: () => Promise<unknown>; settle: () => Promise<void> }
        > = {
          project: {
            send: () =>
              client
                .call('project.add', {
                  path: repo.clone,
                  setupScript: 'sleep 0.3 && echo ok > .setup-done',
                })
                .then(() => acks.push({ kind: 'project', path: repo.clone })),
            settle: async () => {},
          },
          workspace: {
            send: () =>
              client
                .call('workspace.create', {
                  project: `octo/app${seed}`,
                  issue: { number: seed, title: `task ${seed}` },
                  startSession: false,
                })
                .then(({ workspace }) => {
                  Object.assign(ctx, {
                    workspaceId: workspace.id,
                    branch: workspace.branch,
                    path: workspace.path,
                  });
                  acks.push({ kind: 'workspace', id: workspace.id });
                }),
            settle: async () => {
              const ready = await waitFor(
                async () => {
                  const w = await client.call('workspace.get', { workspaceId: ctx.workspaceId! });
                  return w.status === 'provisioning' ? undefined : w;
                },
                { what: 'workspace ready', timeoutMs: 30_000 },
              );
              expect(ready.status, where).toBe('ready');
            },
          },
          session: {
            send: () =>
              client
                .call('session.start', {
                  workspaceId: ctx.workspaceId!,
                  permissionMode: 'ask',
                  prompt: `write ${join(ctx.path!, 'claude-wrote.txt')} yes`,
                })
                .then((session) => {
                  ctx.sessionId = session.id;
                  acks.push({ kind: 'session', id: session.id });
                }),
            settle: async () => {
              const waiting = await waitFor(
                async () => {
                  const s = await client.call('session.get', { sessionId: ctx.sessionId! });
                  return s.pendingPermissions[0];
                },
                { what: 'permission request', timeoutMs: 30_000, intervalMs: 50 },
              );
              ctx.requestId = waiting.requestId;
            },
          },
          permission: {
            send: () =>
              client
                .call('permission.respond', {
                  sessionId: ctx.sessionId!,
                  requestId: ctx.requestId!,
                  allow: true,
                })
                .then(() =>
                  acks.push({ kind: 'permission', sessionId: ctx.sessionId!, requestId: ctx.requestId! }),
                ),
            settle: async () => {},
          },
          send: {
            send: () =>
              client
                .call('session.send', { sessionId: ctx.sessionId!, text: `hello ${seed}` })
                .then(({ messageId }) => acks.push({ kind: 'send', sessionId: ctx.sessionId!, messageId })),
            settle: async () => {},
          },
          tick: {
            send: async () => {
              repo.git(ctx.path!, 'push', '-q', 'origin', `HEAD:refs/heads/${ctx.branch}`);
              const head = repo.git(ctx.path!, 'rev-parse', 'HEAD').trim();
              const pr = github.addPullRequest(`octo/app${seed}`, {
                headRefName: ctx.branch!,
                headRefOid: head,
              });
              github.setCheck(pr.number, 'test', 'SUCCESS');
              await client.call('ratchet.tick');
              acks.push({ kind: 'tick', workspaceId: ctx.workspaceId! });
            },
            settle: async () => {},
          },
          archive: {
            send: () =>
              client
                .call('workspace.archive', { workspaceId: ctx.workspaceId!, force: true })
                .then(() => acks.push({ kind: 'archive', workspaceId: ctx.workspaceId! })),
            settle: async () => {},
          },
        };

        const stepTimes: string[] = [];
        for (const name of STEPS) {
          const step = steps[name];
          if (name !== plan.step) {
            const stepStart = Date.now();
            await step.send();
            const sentAt = Date.now();
            await step.settle();
            stepTimes.push(`${name} ${sentAt - stepStart}+${Date.now() - sentAt}`);
            continue;
          }
          const sent = step.send().catch(() => {}); // the kill may cut it off: then it was never acknowledged
          if (plan.mode === 'after-ack') await sent;
          await sleep(plan.delayMs);
          break;
        }

        const reachedAt = Date.now();
        // kill -9, with what the agent had running at that moment.
        const children = descendants(agent.proc.pid!);
        const statePath = join(home, 'state.json');
        client.close();
        await agent.kill();
        const killedAt = Date.now();
        const reading = readStateText(readFileSync(statePath, 'utf8'));
        if (!reading.ok)
          problems.push(`${where}: state.json does not parse after the kill: ${reading.reason}`);
        const ended = new Map<number, number>();
        await waitFor(
          () => {
            for (const c of children)
              if (!ended.has(c.pid) && !stillRunning(c)) ended.set(c.pid, Date.now() - killedAt);
            return children.every((p) => !stillRunning(p)) || Date.now() - killedAt > 2_000;
          },
          {
            what: 'children to end',
            intervalMs: 50,
          },
        );
        if (process.env.FF_KILL9_TRACE)
          process.stderr.write(
            `${where}: ${children.map((c) => `${c.command.split(' ')[0]} ended after ${ended.get(c.pid) ?? '—'} ms`).join(', ')}\n`,
          );
        const survivors = children.filter(stillRunning);
        if (survivors.length > 0)
          orphans.push({ seed, step: plan.step, commands: survivors.map((p) => p.command) });
        killSurvivors(survivors);

        const restartAt = Date.now();
        // Restart: it must start (a damaged state would stop it), and everything acknowledged is there.
        agent = await spawnAgent(home, { env: env() });
        client = await connectClient(agent);
        const restarted = readStateText(readFileSync(statePath, 'utf8'));
        if (!restarted.ok)
          throw new Error(`${where}: the restarted agent wrote a state.json that does not parse`);
        problems.push(...(await unkept(client, restarted.state, acks, where)));
        problems.push(...unrecoverable(restarted.state, repos, where));
        if (process.env.FF_KILL9_TRACE)
          process.stderr.write(
            `${where}: sequence ${reachedAt - seedStart} ms (${stepTimes.join(', ')}), children ${children.length}, orphan wait ${restartAt - killedAt} ms, restart+checks ${Date.now() - restartAt} ms\n`,
          );
      }
    } finally {
      client.close();
      await agent.stop();
      await api.stop();
      await github.stop();
    }
    if (process.env.FF_KILL9_TRACE) process.stderr.write(`orphans: ${JSON.stringify(orphans, null, 1)}\n`);
    expect(problems).toEqual([]);
    // Every step was hit both in flight and after its acknowledgement across the seeds…
    expect(new Set(ALL_SEEDS.map((s) => `${killPlan(s).step}/${killPlan(s).mode}`)).size).toBe(
      STEPS.length * 2,
    );
    // …so a whole run had an archive acknowledged (then checked: archived, branch and snapshot kept).
    if (SEEDS === ALL_SEEDS) expect(acks.some((a) => a.kind === 'archive')).toBe(true);
  }, 300_000);

  // Uses what the test above saw on every seed: the processes the agent had running when it was killed
  // (its claude supervisors, claude, setup scripts) must all have ended within 2 s.
  it('no claude or setup process outlives the killed agent by more than 2 s', () => {
    expect(orphans).toEqual([]);
  });
});

/** Acknowledged writes the restarted agent does not know about (state as it wrote it on start, and its transcripts). */
async function unkept(client: AgentClient, state: State, acks: Ack[], where: string): Promise<string[]> {
  const problems: string[] = [];
  const projects = new Set(state.projects.map((p) => p.path));
  const workspaces = new Map(state.workspaces.map((w) => [w.id, w] as const));
  const sessions = new Set(state.sessions.map((s) => s.id));
  const transcripts = new Map<string, SessionEvent[]>();
  const eventsOf = async (sessionId: string) => {
    if (!transcripts.has(sessionId)) {
      const { events } = await client.call('session.events', { sessionId, sinceSeq: 0 });
      transcripts.set(
        sessionId,
        events.map((e) => e.event),
      );
    }
    return transcripts.get(sessionId)!;
  };
  for (const ack of acks) {
    const lost = `${where}: acknowledged ${JSON.stringify(ack)} is lost`;
    switch (ack.kind) {
      case 'project':
        if (!projects.has(ack.path)) problems.push(lost);
        break;
      case 'workspace':
        if (!workspaces.has(ack.id)) problems.push(lost);
        break;
      case 'session':
        if (!sessions.has(ack.id)) problems.push(lost);
        break;
      case 'permission': {
        const events = await eventsOf(ack.sessionId);
        if (!events.some((e) => e.kind === 'permission-answer' && e.requestId === ack.requestId))
          problems.push(lost);
        break;
      }
      case 'send': {
        const events = await eventsOf(ack.sessionId);
        if (!events.some((e) => e.kind === 'user' && e.messageId === ack.messageId)) problems.push(lost);
        break;
      }
      case 'tick':
        if ((await client.call('ratchet.decisions', { workspaceId: ack.workspaceId })).length === 0)
          problems.push(lost);
        break;
      case 'archive':
        if (workspaces.get(ack.workspaceId)?.status !== 'archived') problems.push(lost);
        break;
    }
  }
  return problems;
}

/**
 * Work that can no longer be reached: a workspace whose worktree is gone
 * with no snapshot of it (refs/ff/archive/<id>-<n>), an archived one without
 * its snapshot (holding what setup wrote) or its branch.
 */
function unrecoverable(state: State, repos: Map<number, GitHubLikeRepo>, where: string): string[] {
  const problems: string[] = [];
  const projects = new Map(state.projects.map((p) => [p.id, p] as const));
  for (const w of state.workspaces) {
    const project = projects.get(w.projectId);
    const repo = project && [...repos.values()].find((r) => r.clone === project.path);
    if (!project || !repo) continue;
    const has = (ref: string) => {
      try {
        repo.git(project.path, 'cat-file', '-e', ref);
        return true;
      } catch {
        return false;
      }
    };
    const snapshots = repo
      .git(project.path, 'for-each-ref', '--format=%(refname)', `refs/ff/archive/${w.id}-*`)
      .split('\n')
      .filter(Boolean);
    if ((w.status === 'ready' || w.status === 'missing') && !existsSync(w.path) && snapshots.length === 0)
      problems.push(`${where}: ${w.id}'s worktree is gone and there is no snapshot of it`);
    if (w.archiving) problems.push(`${where}: ${w.id}'s archive was left half done after the restart`);
    if (w.status === 'archived') {
      if (!has(`refs/heads/${w.branch}`))
        problems.push(`${where}: archived ${w.id}'s branch ${w.branch} is gone`);
      const snapshot = w.archived?.snapshot?.ref;
      if (!snapshot || !has(`${snapshot}:.setup-done`))
        problems.push(`${where}: archived ${w.id} has no snapshot holding the files setup wrote`);
    }
  }
  return problems;
}
