import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isProcessAlive } from '../../../agent/store/instance-lock.js';
import { portFree } from '../../../agent/workspaces/port-block.js';
import type { AgentClient } from '../../../shared/agent-client.js';
import type { WorkspaceView } from '../../../shared/domain.js';
import { connectClient, runCli, spawnAgent } from '../../helpers/agent-process.js';
import { agentWithRepo } from '../../helpers/agent-with-repo.js';
import type { GitHubLikeRepo } from '../../helpers/git-repos.js';
import { ratchetWorlds } from '../../helpers/ratchet-world.js';
import { waitFor } from '../../helpers/temp.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const ratchetWorld = ratchetWorlds();

async function ready(client: AgentClient, issue: number): Promise<WorkspaceView> {
  const { workspace } = await client.call('workspace.create', {
    project: 'octo/app',
    issue: { number: issue, title: `gc ${issue}` },
    startSession: false,
  });
  return waitFor(
    async () => {
      const w = await client.call('workspace.get', { workspaceId: workspace.id });
      return w.status === 'ready' ? w : undefined;
    },
    { what: 'the workspace to be ready', timeoutMs: 20_000 },
  );
}

const refs = (repo: GitHubLikeRepo, prefix: string) =>
  repo.git(repo.clone, 'for-each-ref', '--format=%(refname)', prefix).trim().split('\n').filter(Boolean);

describe('ff-agent gc', () => {
  it('dry run lists what would go and changes nothing; a real run removes only what is provably ff’s and safe', async () => {
    const f = await agentWithRepo(cleanups);
    const { root, repo, home } = f;
    let client = f.client;
    const project = await client.call('project.add', { path: repo.clone });
    const env = { FF_HOME: home, ...repo.env };

    // pushed: archived, every commit on origin → its branch may go.
    const pushed = await ready(client, 1);
    writeFileSync(join(pushed.path, 'done.txt'), 'done\n');
    repo.git(pushed.path, 'add', 'done.txt');
    repo.git(pushed.path, 'commit', '-qm', 'done');
    repo.git(pushed.path, 'push', '-q', 'origin', pushed.branch);
    await client.call('workspace.archive', { workspaceId: pushed.id });
    // unpushed: archived with a commit only it has → its branch stays.
    const unpushed = await ready(client, 2);
    writeFileSync(join(unpushed.path, 'local.txt'), 'local only\n');
    repo.git(unpushed.path, 'add', 'local.txt');
    repo.git(unpushed.path, 'commit', '-qm', 'local only');
    await client.call('workspace.archive', { workspaceId: unpushed.id, force: true });
    // active: ready, not merged → untouched.
    const active = await ready(client, 3);
    // An orphan ff made: a worktree of a workspace whose record is gone (state.json restored from a backup
    // older than it, here by hand while the agent is stopped) …
    const lost = await ready(client, 9);
    const orphan = lost.path;
    writeFileSync(join(orphan, 'leftover.txt'), 'left over\n');
    client.close();
    await f.agent.stop();
    const statePath = join(home, 'state.json');
    const state = JSON.parse(readFileSync(statePath, 'utf8'));
    state.workspaces = state.workspaces.filter((w: { id: string }) => w.id !== lost.id);
    writeFileSync(statePath, JSON.stringify(state));
    const agent = await spawnAgent(home, { env: repo.env });
    client = await connectClient(agent);
    cleanups.push(async () => {
      client.close();
      await agent.stop();
    });
    // … a worktree someone made by hand under ff's worktree root: not ff's …
    const byHand = join(project.worktreeRoot, 'ff', 'by-hand');
    repo.git(repo.clone, 'worktree', 'add', '-q', '-b', 'ff/by-hand', byHand);
    // … a worktree outside ff's roots, which is the user's own.
    const users = join(root, 'users-own');
    repo.git(repo.clone, 'worktree', 'add', '-q', '-b', 'mine', users);
    // A folder under the root that is not a git worktree at all.
    mkdirSync(join(project.worktreeRoot, 'not-a-worktree'), { recursive: true });

    // With the default ages nothing is old enough.
    const none = await runCli(['gc', '--dry-run'], env);
    expect(none.stdout).toContain('Nothing to remove.');
    expect(none.stdout).toMatch(/orphan worktree used 0 days ago \(gcAfterDays is 14\)/);

    // Set from the command line, checked there first.
    const typo = await runCli(['settings', 'set', 'gcDays', '0'], env);
    expect(typo.code).not.toBe(0);
    expect(typo.stderr).toMatch(/Unknown setting "gcDays"\. Settings: .*gcAfterDays/);
    const negative = await runCli(['settings', 'set', 'gcAfterDays', '-1'], env);
    expect(negative.stderr).toMatch(/Bad value for gcAfterDays: "-1"/);
    expect((await client.call('settings.get')).gcAfterDays).toBe(14);
    expect((await runCli(['settings', 'set', 'gcAfterDays', '0'], env)).stdout).toBe('gcAfterDays = 0\n');
    await runCli(['settings', 'set', 'archiveRetentionDays', '0'], env);
    expect((await runCli(['settings'], env)).stdout).toMatch(/archiveRetentionDays +0\n/);
    const dry = await runCli(['gc', '--dry-run'], env);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('Would remove (dry run, nothing changed):');
    expect(dry.stdout).toMatch(new RegExp(`branch +octo/app  ${pushed.branch} `));
    expect(dry.stdout).toContain(`orphan-worktree octo/app  ${orphan}`);
    expect(dry.stdout).toContain(
      `${byHand}: a worktree under ff’s root that ff did not make (it has no ff mark): yours`,
    );
    expect(dry.stdout).toContain(`snapshot        octo/app  refs/ff/archive/${pushed.id}-1`);
    expect(dry.stdout).toContain(
      `octo/app branch ${unpushed.branch}: it has 1 commit(s) that are not on origin`,
    );
    expect(dry.stdout).toMatch(/Would free \d/);
    expect(dry.stdout).not.toContain(users);
    expect(dry.stdout).not.toContain(active.branch);
    // Nothing changed.
    expect(existsSync(orphan)).toBe(true);
    expect(refs(repo, 'refs/heads/ff/')).toContain(`refs/heads/${pushed.branch}`);
    expect(refs(repo, 'refs/ff/archive/')).toHaveLength(2);
    expect(existsSync(byHand)).toBe(true);

    const report = await client.call('gc.run', { dryRun: false });
    expect(report.removed.map((r) => `${r.kind} ${r.what}`).sort()).toEqual(
      [
        `branch ${pushed.branch}`,
        `orphan-worktree ${orphan}`,
        `snapshot refs/ff/archive/${pushed.id}-1`,
        `snapshot refs/ff/archive/${unpushed.id}-1`,
      ].sort(),
    );
    // The orphan was snapshotted before it went: its untracked file is on the new ref.
    expect(existsSync(orphan)).toBe(false);
    const orphanRef = report.removed.find((r) => r.kind === 'orphan-worktree')?.snapshotRef ?? '';
    expect(orphanRef).toMatch(/^refs\/ff\/archive\/orphan-[0-9a-f]{12}-1$/);
    expect(repo.git(repo.clone, 'show', `${orphanRef}:leftover.txt`)).toBe('left over\n');
    // The report says how to get it back; done as printed, the orphan is back as it was.
    const restore = report.removed.find((r) => r.kind === 'orphan-worktree')?.restore ?? '';
    expect(restore).toContain(`worktree add --detach ${orphan} ${orphanRef}`);
    const orphanHead = repo.git(repo.clone, 'rev-parse', `${orphanRef}^1`).trim();
    execFileSync('sh', ['-c', restore], { env: { ...process.env, ...repo.env } });
    expect(readFileSync(join(orphan, 'leftover.txt'), 'utf8')).toBe('left over\n');
    expect(repo.git(orphan, 'status', '--porcelain')).toBe('?? leftover.txt\n');
    expect(repo.git(orphan, 'rev-parse', 'HEAD').trim()).toBe(orphanHead);
    repo.git(orphan, 'switch', '-q', lost.branch);
    repo.git(repo.clone, 'worktree', 'remove', '--force', orphan);
    // The pushed branch is gone here and still on origin; the unpushed one and everything active stay.
    expect(refs(repo, 'refs/heads/')).not.toContain(`refs/heads/${pushed.branch}`);
    expect(repo.git(repo.bare, 'branch', '--list', pushed.branch)).toContain(pushed.branch);
    expect(refs(repo, 'refs/heads/')).toContain(`refs/heads/${unpushed.branch}`);
    expect(existsSync(active.path)).toBe(true);
    expect(existsSync(users)).toBe(true);
    expect(existsSync(byHand)).toBe(true);
    expect(existsSync(join(project.worktreeRoot, 'not-a-worktree'))).toBe(true);
    expect((await client.call('workspace.get', { workspaceId: active.id })).status).toBe('ready');

    // The unpushed workspace's commit is still reachable from its branch: with its snapshot expired, restore uses the branch and says so.
    const restored = await client.call('workspace.restore', { workspaceId: unpushed.id });
    expect(restored.status).toBe('ready');
    expect(restored.warnings.at(-1)).toContain('Restored from branch ff/2-gc-2 alone');
    expect(existsSync(join(unpushed.path, 'local.txt'))).toBe(true);
  }, 120_000);

  it('a workspace the ratchet saw merged: its worktree is snapshotted and removed; its branch goes only when ff made it and origin has it all', async () => {
    const w = await ratchetWorld();
    const { github } = w;
    const env = { FF_HOME: w.home, ...w.repo.env };
    const commitAndPush = (path: string, branch: string, file: string, push = true) => {
      writeFileSync(join(path, file), `${file}\n`);
      w.repo.git(path, 'add', file);
      w.repo.git(path, 'commit', '-qm', file);
      if (push) w.repo.git(path, 'push', '-q', 'origin', `HEAD:refs/heads/${branch}`);
    };
    // merged: every commit on origin, an untracked note left in the worktree.
    const merged = await w.workspace(11);
    commitAndPush(merged.path, merged.branch, 'feature.txt');
    writeFileSync(join(merged.path, 'notes.txt'), 'my notes\n');
    // unpushed: merged on GitHub, but a commit made afterwards is only here.
    const unpushed = await w.workspace(12);
    commitAndPush(unpushed.path, unpushed.branch, 'first.txt');
    commitAndPush(unpushed.path, unpushed.branch, 'after-merge.txt', false);
    // theirs: a branch that existed before ff (pushed), checked out by a workspace.
    w.repo.git(w.repo.clone, 'branch', 'theirs', 'main');
    w.repo.git(w.repo.clone, 'push', '-q', 'origin', 'theirs');
    const { workspace: created } = await w.client.call('workspace.create', {
      project: 'octo/app',
      branch: 'theirs',
      startSession: false,
    });
    const theirs = await waitFor(
      async () => {
        const v = await w.client.call('workspace.get', { workspaceId: created.id });
        return v.status === 'ready' ? v : undefined;
      },
      { what: 'the workspace on theirs', timeoutMs: 20_000 },
    );
    // An open PR: not done, never touched.
    const open = await w.workspace(13);
    commitAndPush(open.path, open.branch, 'wip.txt');
    for (const ws of [merged, unpushed, theirs])
      github.addPullRequest('octo/app', { headRefName: ws.branch, state: 'MERGED' });
    github.addPullRequest('octo/app', { headRefName: open.branch });
    await w.client.call('ratchet.tick');
    for (const ws of [merged, unpushed, theirs])
      expect((await w.client.call('workspace.get', { workspaceId: ws.id })).ratchet.state).toBe('MERGED');

    // Merged today: too young for the default 14 days.
    expect((await runCli(['gc', '--dry-run'], env)).stdout).toContain('Nothing to remove.');
    await runCli(['settings', 'set', 'gcAfterDays', '0'], env);
    const run = await runCli(['gc'], env);
    expect(run.code).toBe(0);
    for (const ws of [merged, unpushed, theirs])
      expect(run.stdout).toContain(`worktree        octo/app  ${ws.path}`);
    expect(run.stdout).toMatch(new RegExp(`branch +octo/app  ${merged.branch} .*merged 0 days ago`));
    expect(run.stdout).toContain(
      `octo/app branch ${unpushed.branch}: it has 1 commit(s) that are not on origin`,
    );
    expect(run.stdout).toContain('octo/app branch theirs: ff did not create it');
    expect(run.stdout).not.toContain(open.path);

    for (const ws of [merged, unpushed, theirs]) {
      expect(existsSync(ws.path)).toBe(false);
      expect((await w.client.call('workspace.get', { workspaceId: ws.id })).status).toBe('archived');
    }
    expect(existsSync(open.path)).toBe(true);
    const heads = refs(w.repo, 'refs/heads/');
    expect(heads).not.toContain(`refs/heads/${merged.branch}`);
    expect(heads).toContain(`refs/heads/${unpushed.branch}`);
    expect(heads).toContain('refs/heads/theirs');
    // The untracked note is on the snapshot, and restore brings the merged workspace back with it.
    const mergedSnapshot = (await w.client.call('workspace.get', { workspaceId: merged.id })).archived
      ?.snapshot;
    expect(run.stdout).toContain(`snapshot on ${mergedSnapshot?.ref}`);
    expect(w.repo.git(w.repo.clone, 'show', `${mergedSnapshot?.ref}:notes.txt`)).toBe('my notes\n');
    const restored = await w.client.call('workspace.restore', { workspaceId: merged.id });
    expect(restored.status).toBe('ready');
    expect(readFileSync(join(merged.path, 'notes.txt'), 'utf8')).toBe('my notes\n');
    expect(readFileSync(join(merged.path, 'feature.txt'), 'utf8')).toBe('feature.txt\n');
  }, 180_000);

  it('a merged workspace whose app is running: gc ends the app (its process gone, its port free at once) and keeps the work restorable', async () => {
    const w = await ratchetWorld();
    // The app: a real HTTP server on the workspace's port, started by the run script.
    await w.client.call('project.set', {
      project: 'octo/app',
      runScript: `node -e "require('http').createServer((q, s) => s.end('up')).listen(Number(process.env.FF_PORT), '127.0.0.1')"`,
    });
    const ws = await w.workspace(31);
    const port = ws.ports!.first;
    writeFileSync(join(ws.path, 'notes.txt'), 'my notes\n');
    await w.client.call('workspace.run', { workspaceId: ws.id });
    await waitFor(
      async () => ((await fetch(`http://127.0.0.1:${port}/`).catch(() => undefined))?.ok ? true : undefined),
      { what: `the app to answer on ${port}`, timeoutMs: 15_000 },
    );
    const [preview] = await waitFor(
      async () => {
        const previews = (await w.client.call('workspace.get', { workspaceId: ws.id })).previews ?? [];
        return previews.length > 0 ? previews : undefined;
      },
      { what: 'the app to show as a preview' },
    );
    const server = preview!.pid;
    expect(isProcessAlive(server)).toBe(true);
    w.github.addPullRequest('octo/app', { headRefName: ws.branch, state: 'MERGED' });
    await w.client.call('ratchet.tick');
    expect((await w.client.call('workspace.get', { workspaceId: ws.id })).ratchet.state).toBe('MERGED');

    await w.client.call('settings.set', { gcAfterDays: 0 });
    const report = await w.client.call('gc.run', { dryRun: false });
    const removed = report.removed.find((r) => r.kind === 'worktree' && r.workspaceId === ws.id);
    expect(removed?.what).toBe(ws.path);
    // Ended before gc answered: no server process, nothing answering, the port free for another.
    expect(isProcessAlive(server)).toBe(false);
    await expect(fetch(`http://127.0.0.1:${port}/`)).rejects.toThrow();
    expect(await portFree(port)).toBe(true);
    expect(await w.client.call('terminal.list', { workspaceId: ws.id })).toEqual([]);
    expect(existsSync(ws.path)).toBe(false);
    // What gc promises: the work is on the snapshot it names, and restore brings it back.
    expect(removed?.snapshotRef).toMatch(new RegExp(`^refs/ff/archive/${ws.id}-\\d+$`));
    expect(w.repo.git(w.repo.clone, 'show', `${removed?.snapshotRef}:notes.txt`)).toBe('my notes\n');
    const restored = await w.client.call('workspace.restore', { workspaceId: ws.id });
    expect(restored.status).toBe('ready');
    expect(readFileSync(join(ws.path, 'notes.txt'), 'utf8')).toBe('my notes\n');
  }, 120_000);

  it('keeps what a snapshot cannot hold and any branch origin does not hold now, saying so in its dry run as in its real run', async () => {
    const w = await ratchetWorld();
    const env = { FF_HOME: w.home, ...w.repo.env };
    const git = (cwd: string, ...args: string[]) => w.repo.git(cwd, ...args);
    const commitAndPush = (path: string, branch: string, file: string) => {
      writeFileSync(join(path, file), `${file}\n`);
      git(path, 'add', file);
      git(path, 'commit', '-qm', file);
      git(path, 'push', '-q', 'origin', `HEAD:refs/heads/${branch}`);
    };
    await w.client.call('settings.set', { snapshotIgnoredMaxMb: 1, gcAfterDays: 0 });
    // data: 2 MB of ignored data, over the snapshot limit (the issue's 105 MB data/, scaled down).
    writeFileSync(join(w.repo.clone, '.git', 'info', 'exclude'), 'data/\n');
    const data = await w.workspace(21);
    commitAndPush(data.path, data.branch, 'a.txt');
    mkdirSync(join(data.path, 'data'));
    writeFileSync(join(data.path, 'data', 'set.bin'), Buffer.alloc(2 * 1024 * 1024, 7));
    // gone: pushed, then deleted on GitHub (the PR's branch, deleted on merge); origin/<branch> here is stale.
    const gone = await w.workspace(22);
    commitAndPush(gone.path, gone.branch, 'b.txt');
    git(w.repo.bare, 'branch', '-D', gone.branch);
    expect(git(w.repo.clone, 'branch', '-r')).toContain(`origin/${gone.branch}`);
    // nested: a vendored library with a patch committed only there.
    const nested = await w.workspace(23);
    commitAndPush(nested.path, nested.branch, 'c.txt');
    const lib = join(nested.path, 'vendor', 'lib');
    mkdirSync(lib, { recursive: true });
    git(lib, 'init', '-q', '-b', 'main');
    writeFileSync(join(lib, 'patch.diff'), 'the only copy of this patch\n');
    git(lib, 'add', '.');
    git(lib, 'commit', '-qm', 'patch');
    // offline: everything on origin, but origin cannot be asked when gc runs.
    const offline = await w.workspace(24);
    commitAndPush(offline.path, offline.branch, 'd.txt');
    for (const ws of [data, gone, nested, offline])
      w.github.addPullRequest('octo/app', { headRefName: ws.branch, state: 'MERGED' });
    await w.client.call('ratchet.tick');

    const dry = await runCli(['gc', '--dry-run'], env);
    const dataKept = `${data.path}: not archived: Workspace ${data.branch}: data/ (2.0 MB) cannot be kept in a snapshot`;
    expect(dry.stdout).toContain(dataKept);
    expect(dry.stdout).toContain(`worktree        octo/app  ${nested.path}`);
    expect(dry.stdout).toContain(`snapshot on refs/ff/archive/${nested.id}-1`);
    expect(dry.stdout).toContain(`octo/app branch ${gone.branch}: it has 1 commit(s) that are not on origin`);

    const bare = w.repo.bare;
    renameSync(bare, `${bare}.away`);
    const run = await runCli(['gc'], env);
    renameSync(`${bare}.away`, bare);
    expect(run.code).toBe(0);
    // The dry run told the truth: the same worktree kept for the same reason, the same snapshot ref.
    expect(run.stdout).toContain(dataKept);
    expect(run.stdout).toContain(`snapshot on refs/ff/archive/${nested.id}-1`);
    expect(existsSync(join(data.path, 'data', 'set.bin'))).toBe(true);
    expect((await w.client.call('workspace.get', { workspaceId: data.id })).status).toBe('ready');
    // No branch is deleted on the word of a stale origin/ ref, or when origin cannot be asked.
    expect(run.stdout).toMatch(
      new RegExp(`octo/app branch ${offline.branch}: could not ask origin whether it has every commit`),
    );
    const heads = refs(w.repo, 'refs/heads/');
    for (const ws of [gone, nested, offline]) expect(heads).toContain(`refs/heads/${ws.branch}`);
    // The nested repository's patch came along in the snapshot, and back with restore.
    await w.client.call('workspace.restore', { workspaceId: nested.id });
    expect(readFileSync(join(lib, 'patch.diff'), 'utf8')).toBe('the only copy of this patch\n');
    expect(git(lib, 'log', '--format=%s').trim()).toBe('patch');
  }, 180_000);

  it('workspace list shows each workspace’s disk use', async () => {
    const { repo, home, client } = await agentWithRepo(cleanups);
    // The setup makes a 3 MB file and commits it, so the first measurement sees it.
    await client.call('project.add', {
      path: repo.clone,
      setupScript: 'head -c 3145728 /dev/urandom > big.bin && git add big.bin && git commit -qm big',
    });
    await ready(client, 4);
    const [view] = await waitFor(async () => {
      const list = await client.call('workspace.list');
      return list[0]?.disk && list[0].disk.worktreeBytes > 3 * 1024 * 1024 ? list : undefined;
    });
    expect(view?.disk?.complete).toBe(true);
    // The committed blob is held only by this branch (compressed: zeros are small, but not nothing).
    expect(view?.disk?.onlyHereBytes).toBeGreaterThan(0);
    const cli = await runCli(['workspace', 'list'], { FF_HOME: home });
    expect(cli.stdout).toMatch(/disk {5}\d+(\.\d)? MB worktree, .* in git objects only it holds/);
    const json = JSON.parse((await runCli(['workspace', 'list', '--json'], { FF_HOME: home })).stdout);
    expect(json[0].disk.worktreeBytes).toBeGreaterThan(3 * 1024 * 1024);
  }, 60_000);
});
