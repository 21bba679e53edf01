import { join } from 'node:path';
import { fullReadPoints } from '../../agent/github/queries.js';
import { FULL_READ_AT_LEAST_EVERY_MS } from '../../agent/ratchet/look.js';
import { FakeGitHub } from '../fakes/github/server.js';
import { connectClient, spawnAgent } from '../helpers/agent-process.js';
import { createGitHubLikeRepo } from '../helpers/git-repos.js';
import { tempDir } from '../helpers/temp.js';
import { countStateWrites, writeTrackedWorkspaces } from '../helpers/tracked-workspaces.js';
import { cpuMs, type Figure, figure, median } from './figure.js';

/** GitHub's GraphQL points an hour for a user's token. */
const HOURLY_POINTS = 5000;

/**
 * Ratchet ticks over `count` tracked PRs (each with a check and review threads) against the
 * fake GitHub, which charges GitHub's points: the first tick (finds every PR by its branch and
 * reads each in full) and steady ticks (nothing changed). The workspaces are written into the
 * agent's state (see writeTrackedWorkspaces): the figures are the tick's, not worktrees'.
 */
async function ticks(count: number) {
  const dir = tempDir();
  const github = await new FakeGitHub().start();
  github.addRepo('octo/app');
  const repo = createGitHubLikeRepo(dir.path);
  const home = join(dir.path, 'home');
  const env = { ...repo.env, ...github.env() };
  let agent = await spawnAgent(home, { env });
  let client = await connectClient(agent);
  try {
    await client.call('project.add', { path: repo.clone });
    // Measure the look, not fixers, re-runs or merges.
    await client.call('ratchet.settings.set', {
      patch: { fixCi: false, fixReviews: false, rerunFlakyChecks: false, autoMerge: false },
    });
    client.close();
    await agent.stop();
    for (const { branch } of writeTrackedWorkspaces(home, join(dir.path, 'worktrees'), count)) {
      const pr = github.addPullRequest('octo/app', { headRefName: branch });
      github.setCheck(pr.number, 'test', pr.number % 3 === 0 ? 'FAILURE' : 'SUCCESS', undefined, pr.number);
      // Review threads are what makes reading a PR in full cost a point.
      for (let t = 0; t < 3; t++)
        github.addThread(pr.number, [
          { author: 'mona', body: `Please look at line ${t}.`, line: t + 1 },
          { author: 'ff-bot', body: 'Done.', line: t + 1 },
        ]);
    }
    agent = await spawnAgent(home, { env });
    client = await connectClient(agent);
    const pid = agent.proc.pid!;

    const writes = countStateWrites(home);
    let from = github.requests.length;
    let cpu = cpuMs(pid);
    const first = await client.call('ratchet.tick');
    const firstCpu = cpuMs(pid) - cpu;
    const firstPoints = github.pointsSince(from);
    const firstWrites = await writes.settled(client);
    writes.close();
    if (first.checked !== count)
      throw new Error(
        `the first tick checked ${first.checked} PRs, expected ${count} (${first.error ?? ''})`,
      );

    const walls: number[] = [];
    const cpus: number[] = [];
    const points: number[] = [];
    const requests: number[] = [];
    for (let n = 0; n < 5; n++) {
      from = github.requests.length;
      cpu = cpuMs(pid);
      const started = performance.now();
      const tick = await client.call('ratchet.tick');
      walls.push(performance.now() - started);
      cpus.push(cpuMs(pid) - cpu);
      points.push(github.pointsSince(from));
      requests.push(github.requests.length - from);
      if (tick.checked !== count)
        throw new Error(`tick checked ${tick.checked} PRs, expected ${count} (${tick.error ?? ''})`);
    }
    return {
      first: { cpu: firstCpu, points: firstPoints, writes: firstWrites },
      steady: { wall: median(walls), cpu: median(cpus), points: median(points), requests: median(requests) },
    };
  } finally {
    client.close();
    await agent.stop();
    await github.stop();
    dir.cleanup();
  }
}

export async function* figures(): AsyncGenerator<Figure> {
  const small = await ticks(200);
  // Baseline: one request per PR, as per-PR polling does.
  yield figure('ratchet.tick_200_prs.graphql_requests', small.steady.requests, 'requests', 200);
  yield figure('ratchet.tick_200_prs.wall.median', small.steady.wall, 'ms');
  yield figure('ratchet.tick_200_prs.agent_cpu.median', small.steady.cpu, 'ms');

  const large = await ticks(1000);
  // Baseline: reading every PR in full, as every tick did before (the first tick still does).
  yield figure('ratchet.tick_1000_prs.steady_points', large.steady.points, 'points', large.first.points);
  // A tick a minute, plus each PR read in full again every FULL_READ_AT_LEAST_EVERY_MS on
  // average; baseline: the token's hourly budget.
  const refreshes = (1000 / 100) * fullReadPoints(100) * (3_600_000 / FULL_READ_AT_LEAST_EVERY_MS);
  yield figure(
    'ratchet.tick_1000_prs.points_per_hour',
    60 * large.steady.points + refreshes,
    'points',
    HOURLY_POINTS,
  );
  yield figure('ratchet.tick_1000_prs.agent_cpu.median', large.steady.cpu, 'ms');
  yield figure('ratchet.tick_1000_prs.wall.median', large.steady.wall, 'ms');
  yield figure('ratchet.tick_1000_prs.first_tick.points', large.first.points, 'points');
  yield figure('ratchet.tick_1000_prs.first_tick.agent_cpu', large.first.cpu, 'ms');
  // Finding 1,000 PRs and deciding each; baseline: one write per PR found, as before.
  yield figure('ratchet.tick_1000_prs.first_tick.state_writes', large.first.writes, 'writes', 1000);
}
