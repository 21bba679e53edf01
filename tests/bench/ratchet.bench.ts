import { join } from 'node:path';
import { FakeGitHub } from '../fakes/github/server.js';
import { connectClient, spawnAgent } from '../helpers/agent-process.js';
import { createGitHubLikeRepo } from '../helpers/git-repos.js';
import { tempDir } from '../helpers/temp.js';
import { cpuMs, type Figure, figure, median } from './figure.js';

/** Waits (at most 5 minutes) until the agent uses under 5% of a core for a second. */
async function quiet(pid: number): Promise<void> {
  for (let i = 0; i < 300; i++) {
    const before = cpuMs(pid);
    await new Promise((r) => setTimeout(r, 1000));
    if (cpuMs(pid) - before < 50) return;
  }
}

/**
 * One ratchet tick over 200 tracked PRs (with review threads) against the fake GitHub: requests
 * per tick (baseline: one per PR, as per-PR polling does), wall time, and
 * the agent's CPU time.
 */
export async function* figures(): AsyncGenerator<Figure> {
  const dir = tempDir();
  const github = await new FakeGitHub().start();
  github.addRepo('octo/app');
  const repo = createGitHubLikeRepo(dir.path);
  const agent = await spawnAgent(join(dir.path, 'home'), { env: { ...repo.env, ...github.env() } });
  const client = await connectClient(agent);
  await client.call('project.add', { path: repo.clone });
  // Measure the look, not 200 fixers or re-runs.
  await client.call('ratchet.settings.set', {
    patch: { fixCi: false, fixReviews: false, rerunFlakyChecks: false },
  });
  const workspaces = [];
  for (let i = 0; i < 200; i++) {
    const { workspace } = await client.call('workspace.create', {
      project: 'octo/app',
      branch: `bench/${i}`,
      startSession: false,
    });
    workspaces.push(workspace);
    const pr = github.addPullRequest('octo/app', { headRefName: `bench/${i}` });
    github.setCheck(pr.number, 'test', i % 3 === 0 ? 'FAILURE' : 'SUCCESS', undefined, 10_000 + i);
    // Review threads come in the same batched query as the rest of the PR.
    for (let t = 0; t < 3; t++)
      github.addThread(pr.number, [
        { author: 'mona', body: `Please look at line ${t}.`, line: t + 1 },
        { author: 'ff-bot', body: 'Done.', line: t + 1 },
      ]);
  }
  // Waited for one at a time with workspace.get: a workspace.list of 200 (each with its
  // git status) while 200 worktrees are still being made can outlast the call's timeout on a
  // loaded machine. Provisioning runs in creation order, so each wait is short.
  for (const { id } of workspaces) {
    for (let waited = 0; ; waited += 250) {
      const { status } = await client.call('workspace.get', { workspaceId: id });
      if (status === 'ready') break;
      if (status !== 'provisioning') throw new Error(`workspace ${id} is ${status}`);
      if (waited > 600_000) throw new Error(`workspace ${id} still provisioning after 10 minutes`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  await client.call('ratchet.tick'); // discovers the 200 PRs
  // The workspace.get calls above queued a disk-use measurement of each worktree (git processes,
  // one at a time, in the background): let them finish so the figures are the tick's own CPU.
  await quiet(agent.proc.pid!);
  const walls: number[] = [];
  const cpus: number[] = [];
  const requests: number[] = [];
  for (let n = 0; n < 5; n++) {
    const before = github.requests.length;
    const cpuBefore = cpuMs(agent.proc.pid!);
    const started = performance.now();
    const tick = await client.call('ratchet.tick');
    walls.push(performance.now() - started);
    cpus.push(cpuMs(agent.proc.pid!) - cpuBefore);
    requests.push(github.requests.length - before);
    if (tick.checked !== 200)
      throw new Error(`tick checked ${tick.checked} PRs, expected 200 (${tick.error ?? ''})`);
  }
  client.close();
  await agent.stop();
  await github.stop();
  dir.cleanup();
  yield figure('ratchet.tick_200_prs.graphql_requests', median(requests), 'requests', 200);
  yield figure('ratchet.tick_200_prs.wall.median', median(walls), 'ms');
  yield figure('ratchet.tick_200_prs.agent_cpu.median', median(cpus), 'ms');
}
