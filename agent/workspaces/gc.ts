import { existsSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import {
  type GcItem,
  type GcReport,
  type Project,
  projectSlug,
  type Workspace,
} from '../../shared/domain.js';
import { errorText } from '../../shared/error-text.js';
import { commitsNotIn, deleteBranch, remoteTips } from '../git/branches.js';
import { bytesOnlyIn } from '../git/disk-usage.js';
import { walkFolder } from '../git/folder-walk.js';
import { ARCHIVE_REF_PREFIX, deleteRefs, headRefOf, listSnapshotRefs } from '../git/snapshot-refs.js';
import { listWorktrees, madeByFf, refExists } from '../git/worktree.js';
import type { Logger } from '../logger.js';
import { shellArg } from '../shell-quote.js';
import type { StateStore } from '../store/state-store.js';
import { orphanSnapshotName } from './orphans.js';
import type { Projects } from './projects.js';
import type { Workspaces } from './workspaces.js';
import { isInside } from './worktree-path.js';

const DAY_MS = 86_400_000;

export interface GcDeps {
  state: StateStore;
  projects: Projects;
  workspaces: Workspaces;
  log: Logger;
}

const days = (ms: number) => Math.floor(ms / DAY_MS);

/**
 * `ff-agent gc`: reclaims disk from what it can prove is ff's and safe, in
 * this order (so nothing it snapshots in this run expires in it):
 *
 * 1. snapshots (`refs/ff/archive/*`) older than `archiveRetentionDays`;
 * 2. workspaces merged or archived `gcAfterDays` ago: the worktree (archived,
 *    so snapshotted, first — never one holding what a snapshot cannot: that
 *    one is left alone, saying why) and the branch when ff created it, no
 *    worktree has it checked out, no other workspace uses it and origin,
 *    asked then (not its possibly stale origin/* refs), has every commit;
 * 3. orphan worktrees: under a project's worktree root, registered with git
 *    as worktrees of that project, made by ff (its mark), in no workspace,
 *    unused for `gcAfterDays` (snapshotted first, with the same rule).
 * A dry run makes the same checks, so it says what the real run will do.
 */
export async function collectGarbage(
  deps: GcDeps,
  { dryRun, now = Date.now() }: { dryRun: boolean; now?: number },
): Promise<GcReport> {
  const settings = deps.state.data.settings;
  const ageMs = settings.gcAfterDays * DAY_MS;
  const retentionMs = settings.archiveRetentionDays * DAY_MS;
  const removed: GcItem[] = [];
  const kept: GcReport['kept'] = [];
  const projects = deps.projects.list().filter((p) => existsSync(p.path));

  for (const project of projects) {
    for (const item of await expiredSnapshots(project, now, retentionMs)) {
      if (!dryRun) {
        await deps.workspaces.inRepo(project.path, () => deleteRefs(project.path, item.refs));
      }
      removed.push({
        kind: 'snapshot',
        project: projectSlug(project),
        what: item.ref,
        bytes: item.bytes,
        reason: `${days(now - item.at)} days old (archiveRetentionDays is ${settings.archiveRetentionDays})`,
      });
    }
  }

  // What origin has now, asked once per project per run (see whyKeepBranch).
  const tips = new Map<string, Promise<string[]>>();
  const originTips = (project: Project) => {
    if (!tips.has(project.id)) tips.set(project.id, remoteTips(project.path));
    return tips.get(project.id) as Promise<string[]>;
  };
  for (const workspace of [...deps.state.data.workspaces]) {
    const project = projects.find((p) => p.id === workspace.projectId);
    if (!project) continue;
    const since = finishedAt(workspace);
    if (!since || now - since.at < ageMs) continue;
    const slug = projectSlug(project);
    if (workspace.status !== 'archived') {
      if (workspace.status === 'provisioning') continue;
      // The same check in a dry run and a real one, so both say the same: what a snapshot cannot hold keeps it.
      let preview: { ref?: string; refusal?: string };
      try {
        preview = await deps.workspaces.archivePreview(workspace.id);
      } catch (error) {
        kept.push({ what: workspace.path, reason: `could not read it: ${errorText(error)}` });
        continue;
      }
      if (preview.refusal) {
        kept.push({ what: workspace.path, reason: `not archived: ${preview.refusal}` });
        continue;
      }
      const bytes = existsSync(workspace.path) ? (await walkFolder(workspace.path)).bytes : 0;
      let snapshotRef = preview.ref;
      if (!dryRun) {
        try {
          const archived = await deps.workspaces.archive(workspace.id, { force: true });
          snapshotRef = archived.archived?.snapshot?.ref;
        } catch (error) {
          kept.push({ what: workspace.path, reason: `could not archive it: ${errorText(error)}` });
          continue;
        }
      }
      removed.push({
        kind: 'worktree',
        project: slug,
        what: workspace.path,
        workspaceId: workspace.id,
        bytes,
        reason: `${since.what} ${days(now - since.at)} days ago`,
        ...(snapshotRef ? { snapshotRef } : {}),
      });
    }
    const branchRef = `refs/heads/${workspace.branch}`;
    if (!(await refExists(project.path, branchRef))) continue;
    const refusal = await whyKeepBranch(deps, project, workspace, dryRun, originTips);
    if (refusal) {
      kept.push({ what: `${slug} branch ${workspace.branch}`, reason: refusal });
      continue;
    }
    const bytes = await bytesOnlyIn(project.path, [branchRef], [branchRef]);
    if (!dryRun) {
      await deps.workspaces.inRepo(project.path, () => deleteBranch(project.path, workspace.branch));
    }
    removed.push({
      kind: 'branch',
      project: slug,
      what: workspace.branch,
      workspaceId: workspace.id,
      bytes,
      reason: `${since.what} ${days(now - since.at)} days ago; every commit is on origin`,
    });
  }

  const orphans = await deps.workspaces.orphanWorktrees();
  for (const path of orphans) {
    const project = projects.find(
      (p) => isInside(p.worktreeRoot, path) && resolve(p.worktreeRoot) !== resolve(path),
    );
    if (!project) continue;
    if (!(await madeByFf(path))) {
      kept.push({
        what: path,
        reason: 'a worktree under ff’s root that ff did not make (it has no ff mark): yours',
      });
      continue;
    }
    const usedAt = lastUsed(path);
    if (now - usedAt < ageMs) {
      kept.push({
        what: path,
        reason: `orphan worktree used ${days(now - usedAt)} days ago (gcAfterDays is ${settings.gcAfterDays})`,
      });
      continue;
    }
    const refusal = await deps.workspaces
      .orphanRefusal(path)
      .catch((error) => `could not read it: ${errorText(error)}`);
    if (refusal) {
      kept.push({ what: path, reason: `orphan worktree not removed: ${refusal}` });
      continue;
    }
    const bytes = (await walkFolder(path)).bytes;
    let snapshotRef = `${ARCHIVE_REF_PREFIX}${orphanSnapshotName(path)}-…`;
    if (!dryRun) {
      try {
        snapshotRef = await deps.workspaces.removeOrphan(project, path);
      } catch (error) {
        kept.push({ what: path, reason: `could not remove it: ${errorText(error)}` });
        continue;
      }
    }
    removed.push({
      kind: 'orphan-worktree',
      project: projectSlug(project),
      what: path,
      bytes,
      reason: `a worktree ff made that no workspace knows, unused for ${days(now - usedAt)} days`,
      snapshotRef,
      ...(dryRun ? {} : { restore: orphanRestoreCommand(project.path, path, snapshotRef) }),
    });
  }

  const report = { dryRun, removed, kept, bytes: removed.reduce((sum, item) => sum + item.bytes, 0) };
  if (!dryRun && removed.length > 0)
    deps.log.info(`gc removed ${removed.length} item(s): ${removed.map((r) => r.what).join(', ')}`);
  return report;
}

/**
 * How to get a gc'd orphan worktree back, every file as it was: a worktree at
 * the snapshot, then HEAD and the index moved back to the snapshot's first
 * parent (the orphan's HEAD), so its changes show as changes again.
 */
export function orphanRestoreCommand(repo: string, path: string, ref: string): string {
  return `git -C ${shellArg(repo)} worktree add --detach ${shellArg(path)} ${shellArg(ref)} && git -C ${shellArg(path)} reset -q ${shellArg(`${ref}^1`)}`;
}

/** When a workspace was done with: archived, or merged (the ratchet's first MERGED decision). */
function finishedAt(workspace: Workspace): { at: number; what: string } | undefined {
  if (workspace.status === 'archived') {
    const at = Date.parse(workspace.archived?.at ?? workspace.updatedAt);
    return Number.isNaN(at) ? undefined : { at, what: 'archived' };
  }
  const decision = workspace.ratchet.lastDecision;
  if (workspace.ratchet.state === 'MERGED' && decision?.state === 'MERGED') {
    const at = Date.parse(decision.at);
    return Number.isNaN(at) ? undefined : { at, what: 'merged' };
  }
  return undefined;
}

/** Why a done workspace's branch must stay, or undefined when deleting it loses nothing. */
async function whyKeepBranch(
  deps: GcDeps,
  project: Project,
  workspace: Workspace,
  dryRun: boolean,
  originTips: (project: Project) => Promise<string[]>,
): Promise<string | undefined> {
  if (!workspace.createdBranch) return 'ff did not create it';
  const other = deps.state.data.workspaces.find(
    (w) =>
      w.id !== workspace.id &&
      w.projectId === workspace.projectId &&
      w.branch === workspace.branch &&
      w.status !== 'archived',
  );
  if (other) return `workspace ${other.id} uses it`;
  const checkedOut = (await listWorktrees(project.path)).find(
    // In a dry run the workspace's own worktree is still there; a real run has just removed it.
    (e) => e.branch === workspace.branch && !(dryRun && resolve(e.path) === resolve(workspace.path)),
  );
  if (checkedOut) return `it is checked out at ${checkedOut.path}`;
  // origin/* refs can be stale (a branch deleted on GitHub keeps its origin/ ref here): ask origin itself.
  let tips: string[];
  try {
    tips = await originTips(project);
  } catch (error) {
    return `could not ask origin whether it has every commit (${errorText(error)}); kept until it can`;
  }
  const unpushed = await commitsNotIn(project.path, `refs/heads/${workspace.branch}`, tips);
  if (unpushed > 0) return `it has ${unpushed} commit(s) that are not on origin`;
  return undefined;
}

/** Snapshots past the retention: each `ref`, with the `refs` to delete (it and its detached-HEAD ref). */
async function expiredSnapshots(
  project: Project,
  now: number,
  retentionMs: number,
): Promise<Array<{ ref: string; refs: string[]; at: number; bytes: number }>> {
  const expired: Array<{ ref: string; refs: string[]; at: number; bytes: number }> = [];
  for (const { ref, at } of await listSnapshotRefs(project.path)) {
    if (now - at < retentionMs) continue;
    const headRef = headRefOf(ref);
    const refs = (await refExists(project.path, headRef)) ? [ref, headRef] : [ref];
    expired.push({ ref, refs, at, bytes: await bytesOnlyIn(project.path, refs, refs) });
  }
  return expired;
}

/** The last time git used a worktree: its HEAD or index in the repository's admin folder changed. */
function lastUsed(path: string): number {
  let latest = 0;
  const stamp = (file: string) => {
    try {
      latest = Math.max(latest, statSync(file).mtimeMs);
    } catch {
      // absent
    }
  };
  stamp(path);
  try {
    const pointer = readFileSync(join(path, '.git'), 'utf8')
      .match(/^gitdir: (.*)$/m)?.[1]
      ?.trim();
    if (pointer) {
      const admin = isAbsolute(pointer) ? pointer : resolve(path, pointer);
      stamp(join(admin, 'HEAD'));
      stamp(join(admin, 'index'));
    }
  } catch {
    // no .git file: the folder's own time
  }
  return latest;
}
