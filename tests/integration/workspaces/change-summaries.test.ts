import { existsSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { WorktreeSignatures } from '../../../agent/git/git-files.js';
import { changeSummary } from '../../../agent/git/worktree.js';
import type { AgentClient } from '../../../shared/agent-client.js';
import type { ChangeSummary } from '../../../shared/domain.js';
import { WorkspaceEvent } from '../../../shared/protocol.js';
import { createGitHubLikeRepo } from '../../helpers/git-repos.js';
import { type GitShim, gitShim } from '../../helpers/git-shim.js';
import { type ManyWorkspaces, manyWorkspaces } from '../../helpers/many-workspaces.js';
import { tempDir, waitFor } from '../../helpers/temp.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** `count` seeded workspaces (and the project) on an agent whose git processes are counted. */
async function world(count: number): Promise<ManyWorkspaces & { git: GitShim }> {
  const dir = tempDir();
  cleanups.push(dir.cleanup);
  const git = gitShim(dir.path);
  const w = await manyWorkspaces(count, git.env);
  cleanups.push(() => w.close());
  return Object.assign(w, { git });
}

/** The list once every workspace's changes (and, if asked, disk use) are known. */
async function allKnown(client: AgentClient, count: number, disk = false) {
  return waitFor(
    async () => {
      const list = await client.call('workspace.list');
      return list.length === count && list.every((w) => w.changes && (!disk || w.disk)) ? list : undefined;
    },
    { what: `the changes of ${count} workspaces`, timeoutMs: 60_000 },
  );
}

describe('change summaries', () => {
  it('listing with nothing changed runs no git; a new file, a commit and a push each show within seconds, pushed as events', async () => {
    const w = await world(0);
    const { workspace } = await w.client.call('workspace.create', {
      project: 'octo/app',
      issue: { number: 1, title: 'one' },
      startSession: false,
    });
    const [ready] = await allKnown(w.client, 1);
    expect(ready?.changes).toEqual({
      files: 0,
      additions: 0,
      deletions: 0,
      ahead: 0,
      behind: 0,
      dirty: false,
      unpushed: 0,
    });
    const pushed: ChangeSummary[] = [];
    await w.client.subscribe(`workspace:${workspace.id}`, (frame) => {
      const event = WorkspaceEvent.parse(frame.data);
      if (event.kind === 'changes' && event.changes) pushed.push(event.changes);
    });

    const before = w.git.lines().length;
    for (let n = 0; n < 5; n++) {
      await w.client.call('workspace.list');
      await w.client.call('workspace.get', { workspaceId: workspace.id });
    }
    expect(w.git.lines().slice(before)).toEqual([]);

    const changes = async (what: string, done: (c: ChangeSummary) => boolean) =>
      waitFor(
        async () => {
          const { changes } = await w.client.call('workspace.get', { workspaceId: workspace.id });
          return changes && done(changes) ? changes : undefined;
        },
        { what, timeoutMs: 15_000 },
      );
    writeFileSync(join(ready!.path, 'notes.txt'), 'a new file\n');
    expect(await changes('the new file', (c) => c.dirty)).toMatchObject({ files: 1, ahead: 0 });
    w.repo.git(ready!.path, 'add', 'notes.txt');
    w.repo.git(ready!.path, 'commit', '-qm', 'notes');
    expect(await changes('the commit', (c) => c.ahead === 1)).toMatchObject({
      files: 1,
      dirty: false,
      unpushed: 1,
    });
    w.repo.git(ready!.path, 'push', '-q', 'origin', 'ff/1-one');
    expect(await changes('the push', (c) => c.unpushed === 0)).toMatchObject({ ahead: 1 });
    expect(pushed.map((c) => [c.dirty, c.ahead, c.unpushed])).toEqual([
      [true, 0, 0],
      [false, 1, 1],
      [false, 1, 0],
    ]);
  });

  it('after a restart, the first list answers with what was known, and git is asked only about the worktree that changed meanwhile', async () => {
    const w = await world(20);
    const known = await allKnown(w.client, 20, true);
    expect(known.every((v) => !v.changes!.dirty && v.changes!.ahead === 0)).toBe(true);
    await w.stop();
    expect(existsSync(join(w.home, 'workspace-cache.json'))).toBe(true);

    const changed = w.workspaces[4]!;
    writeFileSync(join(changed.path, 'README.md'), '# app\nchanged while ff was down\n');
    w.repo.git(changed.path, 'commit', '-qam', 'while ff was down');
    const before = w.git.lines().length;
    await w.start();
    const first = await w.client.call('workspace.list');
    expect(first.filter((v) => v.changes)).toHaveLength(20);
    await waitFor(
      async () =>
        (await w.client.call('workspace.get', { workspaceId: changed.id })).changes?.ahead === 1 || undefined,
      { what: 'the worktree changed while ff was down', timeoutMs: 15_000 },
    );
    const asked = w.git
      .lines()
      .slice(before)
      .filter((line) => !line.endsWith('\t--version'));
    expect(asked.length).toBeGreaterThan(0);
    expect(asked.filter((line) => !line.startsWith(`${changed.path}\t`))).toEqual([]);
  });
});

describe('a change summary', () => {
  it("leaves git's files as they were, so a worktree whose files were only touched keeps the signature it was summarized under", async () => {
    const dir = tempDir();
    cleanups.push(dir.cleanup);
    const repo = createGitHubLikeRepo(dir.path);
    repo.git(repo.clone, 'checkout', '-qb', 'ff/1-one');
    writeFileSync(join(repo.clone, 'notes.txt'), 'notes\n');
    repo.git(repo.clone, 'add', 'notes.txt');
    repo.git(repo.clone, 'commit', '-qm', 'notes');
    // Touched, not changed (a build tool, a copy): git's index no longer matches its stat.
    utimesSync(join(repo.clone, 'README.md'), new Date(2030, 0, 1), new Date(2030, 0, 1));
    const signature = () => new WorktreeSignatures().of(repo.clone, 'ff/1-one', 'main');
    const before = signature();

    expect(await changeSummary(repo.clone, 'origin/main')).toEqual({
      files: 1,
      additions: 1,
      deletions: 0,
      ahead: 1,
      behind: 0,
      dirty: false,
      unpushed: 1,
    });
    expect(signature()).toBe(before);
  });
});
