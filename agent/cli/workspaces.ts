import type { AgentClient } from '../../shared/agent-client.js';
import { formatBytes } from '../../shared/bytes.js';
import type { GcReport, WorkspaceSnapshot, WorkspaceView } from '../../shared/domain.js';
import { WorkspaceEvent } from '../../shared/protocol.js';
import { describeSkipped } from '../git/snapshot.js';
import type { HomePaths } from '../store/home.js';
import { CliError, withAgent } from './connect.js';
import { print, say, sayError } from './output.js';
import { onMachine } from './projects.js';

export function formatWorkspace(w: WorkspaceView): string {
  const lines = [`${w.id}  ${w.status.padEnd(12)} ${w.project}  ${w.branch}`];
  lines.push(`  path     ${onMachine(w)}${w.path}`);
  if (w.issue) lines.push(`  issue    #${w.issue.number} ${w.issue.title}`);
  if (w.pr) lines.push(`  pr       #${w.pr.number} ${w.pr.url}`);
  if (w.changes) {
    const c = w.changes;
    lines.push(
      `  changes  ${c.files} files +${c.additions} -${c.deletions}, ${c.ahead} ahead ${c.behind} behind${c.dirty ? ', uncommitted changes' : ''}${c.unpushed ? `, ${c.unpushed} unpushed` : ''}`,
    );
  }
  lines.push(
    `  sessions ${w.sessions.total} (${w.sessions.running} running${w.sessions.waitingForYou ? `, ${w.sessions.waitingForYou} waiting for you` : ''})`,
  );
  if (w.disk) {
    lines.push(
      `  disk     ${w.disk.complete ? '' : 'at least '}${formatBytes(w.disk.worktreeBytes)} worktree, ${formatBytes(w.disk.onlyHereBytes)} in git objects only it holds`,
    );
  }
  if (w.failure) {
    lines.push(`  failed   while ${w.failure.step}: ${w.failure.message}`);
    if (w.failure.stderrTail) lines.push(...w.failure.stderrTail.split('\n').map((l) => `    | ${l}`));
    lines.push(`  retry    ff-agent workspace retry ${w.id}`);
  }
  if (w.ports)
    lines.push(`  ports    ${w.ports.first}-${w.ports.first + w.ports.count - 1} (FF_PORT ${w.ports.first})`);
  if (w.included)
    lines.push(
      `  included ${w.included.count} file(s) from the main clone (${formatBytes(w.included.bytes)})`,
    );
  for (const preview of w.previews ?? [])
    lines.push(`  preview  ${preview.url}  (pid ${preview.pid}: ${preview.command})`);
  for (const warning of w.warnings.slice(-3)) lines.push(`  warning  ${warning}`);
  return `${lines.join('\n')}\n`;
}

/** Follows `workspace:<id>` until it is ready or failed, printing progress and setup output. */
async function follow(client: AgentClient, id: string, quiet: boolean): Promise<WorkspaceView> {
  let done = () => {};
  const finished = new Promise<void>((resolve) => {
    done = resolve;
  });
  await client.subscribe(
    `workspace:${id}`,
    (frame) => {
      const event = WorkspaceEvent.safeParse(frame.data);
      if (!event.success) return;
      const data = event.data;
      if (data.kind === 'progress' && !quiet) {
        sayError(`… ${data.step} (${(data.elapsedMs / 1000).toFixed(1)} s)\n`);
      } else if (data.kind === 'output' && !quiet) {
        (data.stream === 'stderr' ? process.stderr : process.stdout).write(data.text);
      } else if (data.kind === 'warning') {
        sayError(`warning: ${data.message}\n`);
      } else if (data.kind === 'updated' && data.workspace.status !== 'provisioning') {
        done();
      }
    },
    0,
  );
  // It may have finished before we subscribed.
  const current = await client.call('workspace.get', { workspaceId: id });
  if (current.status !== 'provisioning') return current;
  await finished;
  return client.call('workspace.get', { workspaceId: id });
}

/** `workspace adopt`: a workspace on an open PR ff did not open; the same one when adopted before. */
export async function workspaceAdopt(
  paths: HomePaths,
  options: { project: string; pr: number; json?: boolean; wait?: boolean },
): Promise<void> {
  await withAgent(paths, async (client) => {
    const { workspace, created } = await client.call('workspace.adopt', {
      project: options.project,
      pr: options.pr,
    });
    if (!options.json) {
      sayError(
        created
          ? `Adopting PR #${options.pr} in workspace ${workspace.id} on ${workspace.branch}\n`
          : `Workspace ${workspace.id} already works on PR #${options.pr}\n`,
      );
    }
    // One adopted before is shown as it is; progress is replayed only for one still provisioning.
    const final =
      options.wait === false || workspace.status !== 'provisioning'
        ? workspace
        : await follow(client, workspace.id, Boolean(options.json) || !created);
    if (options.json) print(final);
    else {
      say(formatWorkspace(final));
      if (final.adopted?.fork)
        say(
          `  fork     ${final.adopted.headRepository ?? '(deleted)'}: ff never pushes to it; its sessions ask before each tool\n`,
        );
    }
    if (final.status === 'failed') throw new CliError('', 1);
  });
}

export async function workspaceCreate(
  paths: HomePaths,
  options: {
    project: string;
    issue?: number;
    title?: string;
    branch?: string;
    base?: string;
    prompt?: string;
    session?: boolean;
    json?: boolean;
    wait?: boolean;
  },
): Promise<void> {
  if (options.title !== undefined && options.issue === undefined)
    throw new CliError('--title needs --issue.');
  await withAgent(paths, async (client) => {
    const { workspace, created } = await client.call('workspace.create', {
      project: options.project,
      // Without --title the agent reads the issue from GitHub.
      ...(options.issue !== undefined
        ? {
            issue: {
              number: options.issue,
              ...(options.title !== undefined ? { title: options.title } : {}),
            },
          }
        : {}),
      ...(options.branch ? { branch: options.branch } : {}),
      ...(options.base ? { base: options.base } : {}),
      ...(options.prompt ? { prompt: options.prompt } : {}),
      ...(options.session === false ? { startSession: false } : {}),
    });
    if (!options.json) {
      sayError(
        created
          ? `Creating workspace ${workspace.id} on ${workspace.branch}\n`
          : `Workspace ${workspace.id} already exists for this issue\n`,
      );
    }
    const final =
      options.wait === false ? workspace : await follow(client, workspace.id, Boolean(options.json));
    if (options.json) print(final);
    else say(formatWorkspace(final));
    if (final.status === 'failed') throw new CliError('', 1);
    if (!options.json && final.status === 'ready' && workspace.initialPrompt) {
      // The first session starts right after ready; wait a moment for it and say where to follow it.
      for (let waited = 0; waited < 10_000; waited += 100) {
        const [session] = await client.call('session.list', { workspaceId: final.id });
        if (session) {
          say(`Claude is on it: ff-agent session log ${session.id} --follow\n`);
          break;
        }
        const current = await client.call('workspace.get', { workspaceId: final.id });
        if (!current.initialPrompt && current.warnings.length > final.warnings.length) {
          sayError(`warning: ${current.warnings.at(-1)}\n`);
          break;
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  });
}

/** `workspace get`: one workspace, with its ports, what it got from the main clone and its previews. */
export async function workspaceGet(paths: HomePaths, id: string, options: { json?: boolean }): Promise<void> {
  await withAgent(paths, async (client) => {
    const workspace = await client.call('workspace.get', { workspaceId: id });
    if (options.json) return print(workspace);
    process.stdout.write(formatWorkspace(workspace));
  });
}

/** Which preview `workspace open` opens: the one asked for, else the only one — pure. */
export function previewToOpen(w: Pick<WorkspaceView, 'id' | 'previews'>, port: number | undefined): number {
  if (port !== undefined) return port;
  const previews = w.previews ?? [];
  if (previews.length === 1) return previews[0]!.port;
  if (previews.length === 0)
    throw new CliError(
      `Workspace ${w.id} has no previews: nothing it started listens on a port (\`ff-agent workspace run ${w.id}\` starts its app).`,
    );
  throw new CliError(
    `Workspace ${w.id} has ${previews.length} previews (${previews.map((p) => p.port).join(', ')}): choose one with --port.`,
  );
}

/** `workspace open`: the URL of a preview, forwarded here over ssh when the workspace is on a remote. */
export async function workspaceOpen(
  paths: HomePaths,
  id: string,
  options: { port?: number; json?: boolean },
): Promise<void> {
  await withAgent(paths, async (client) => {
    const port =
      options.port ?? previewToOpen(await client.call('workspace.get', { workspaceId: id }), undefined);
    const opened = await client.call('preview.open', { workspaceId: id, port });
    if (options.json) return print({ port, ...opened });
    say(`${opened.url}\n`);
  });
}

/** `workspace run`: starts the run script in a terminal of the workspace, or `--stop`s it. */
export async function workspaceRun(
  paths: HomePaths,
  id: string,
  options: { stop?: boolean; json?: boolean },
): Promise<void> {
  await withAgent(paths, async (client) => {
    if (options.stop) {
      const result = await client.call('workspace.stopRun', { workspaceId: id });
      if (options.json) return print(result);
      process.stdout.write(result.stopped ? 'Stopped the run script.\n' : 'No run script was running.\n');
      return;
    }
    const terminal = await client.call('workspace.run', { workspaceId: id });
    if (options.json) return print(terminal);
    process.stdout.write(
      `Running in terminal ${terminal.id} (pid ${terminal.pid}). \`ff-agent workspace get ${id}\` lists what it listens on; \`ff-agent workspace run ${id} --stop\` stops it.\n`,
    );
  });
}

export async function workspaceList(
  paths: HomePaths,
  options: { project?: string; all?: boolean; json?: boolean },
): Promise<void> {
  await withAgent(paths, async (client) => {
    const list = await client.call('workspace.list', {
      ...(options.project ? { project: options.project } : {}),
      ...(options.all ? { includeArchived: true } : {}),
    });
    if (options.json) return print(list);
    if (list.length === 0) {
      say(
        'No workspaces. Create one with `ff-agent workspace create --project owner/repo --issue N --title T`.\n',
      );
      return;
    }
    say(list.map(formatWorkspace).join('\n'));
  });
}

export async function workspaceArchive(
  paths: HomePaths,
  id: string,
  options: { force?: boolean; discard?: string[]; json?: boolean },
): Promise<void> {
  await withAgent(paths, async (client) => {
    const workspace = await client.call('workspace.archive', {
      workspaceId: id,
      ...(options.force ? { force: true } : {}),
      ...(options.discard?.length ? { discard: options.discard } : {}),
    });
    if (options.json) return print(workspace);
    say(describeArchive(workspace));
  });
}

/** "2 changed tracked file(s), 1 untracked file(s), nested repository vendor/lib". */
function snapshotContents(snapshot: WorkspaceSnapshot): string[] {
  return [
    snapshot.tracked ? `${snapshot.tracked} changed tracked file(s)` : '',
    snapshot.untracked ? `${snapshot.untracked} untracked file(s)` : '',
    snapshot.ignored ? `${snapshot.ignored} ignored file(s) or folder(s)` : '',
    snapshot.emptyDirs ? `${snapshot.emptyDirs} empty folder(s)` : '',
    ...(snapshot.nested ?? []).map((path) => `nested repository ${path}`),
  ].filter(Boolean);
}

/** What an archive kept and how to get it back — never "the branch is kept" alone when more was kept. */
export function describeArchive(w: WorkspaceView): string {
  const snapshot = w.archived?.snapshot;
  const lines = [`Archived ${w.id}; its worktree ${w.path} is removed.`];
  if (snapshot) {
    const kept = snapshotContents(snapshot);
    lines.push(
      `Snapshot ${snapshot.commit.slice(0, 12)} on ${snapshot.ref}${kept.length ? `: ${kept.join(', ')}` : ' (nothing uncommitted)'}.`,
    );
    if (snapshot.branch) lines.push(`Branch ${snapshot.branch} is kept.`);
    else
      lines.push(
        `HEAD was detached at ${snapshot.head.slice(0, 12)}; its commits are kept on ${snapshot.headRef ?? snapshot.ref}.`,
      );
    if (snapshot.skipped.length)
      lines.push(`Not kept (you named them): ${describeSkipped(snapshot.skipped)}.`);
  } else {
    lines.push(`There was no worktree to snapshot. Branch ${w.branch} is kept.`);
  }
  lines.push(`Get it back: ff-agent workspace restore ${w.id}`);
  return `${lines.join('\n')}\n`;
}

export async function workspaceRestore(
  paths: HomePaths,
  id: string,
  options: { snapshot?: string; json?: boolean },
): Promise<void> {
  await withAgent(paths, async (client) => {
    const before = await client.call('workspace.get', { workspaceId: id });
    const workspace = await client.call('workspace.restore', {
      workspaceId: id,
      ...(options.snapshot ? { snapshot: options.snapshot } : {}),
    });
    if (options.json) return print(workspace);
    // What restore had to say (no snapshot, a nested repository that did not come back) is said first.
    for (const warning of workspace.warnings.slice(before.warnings.length))
      process.stderr.write(`warning: ${warning}\n`);
    say(`Restored ${workspace.id} at ${workspace.path}.\n${formatWorkspace(workspace)}`);
  });
}

/** `workspace snapshots <id>`: each snapshot, newest first, with what it holds. */
export async function workspaceSnapshots(
  paths: HomePaths,
  id: string,
  options: { json?: boolean },
): Promise<void> {
  await withAgent(paths, async (client) => {
    const snapshots = await client.call('workspace.snapshots', { workspaceId: id });
    if (options.json) return print(snapshots);
    say(formatSnapshots(id, snapshots));
  });
}

export function formatSnapshots(id: string, snapshots: readonly WorkspaceSnapshot[]): string {
  if (snapshots.length === 0) return `Workspace ${id} has no snapshots.\n`;
  const lines: string[] = [];
  for (const [i, s] of snapshots.entries()) {
    const kept = snapshotContents(s);
    lines.push(
      `${s.ref}${i === 0 ? '  (newest: restore uses it)' : ''}`,
      `  taken    ${s.at}`,
      `  commit   ${s.commit.slice(0, 12)} on ${s.branch ? `branch ${s.branch}` : `detached HEAD ${s.head.slice(0, 12)}`}`,
      `  holds    ${kept.length ? kept.join(', ') : 'nothing uncommitted'}`,
    );
    if (s.skipped.length) lines.push(`  not kept ${describeSkipped(s.skipped)}`);
  }
  lines.push(`Restore another: ff-agent workspace restore ${id} --snapshot <ref>`);
  return `${lines.join('\n')}\n`;
}

export async function workspaceRetry(
  paths: HomePaths,
  id: string,
  options: { json?: boolean },
): Promise<void> {
  await withAgent(paths, async (client) => {
    await client.call('workspace.retry', { workspaceId: id });
    const final = await follow(client, id, Boolean(options.json));
    if (options.json) print(final);
    else say(formatWorkspace(final));
    if (final.status === 'failed') throw new CliError('', 1);
  });
}

export async function workspaceDiff(paths: HomePaths, id: string): Promise<void> {
  await withAgent(paths, async (client) => {
    const result = await client.call('workspace.diff', { workspaceId: id });
    // On a terminal the diff is read, and a fork's or a remote's files could hold escapes: inert. Piped, it stays byte for byte (git apply).
    if (process.stdout.isTTY) say(result.diff);
    else process.stdout.write(result.diff);
    if (result.truncated) sayError('(diff truncated)\n');
  });
}

/** `ff-agent gc [--dry-run]`: what it removed (or would), what it left alone and why, and the bytes. */
export async function gc(paths: HomePaths, options: { dryRun?: boolean; json?: boolean }): Promise<void> {
  await withAgent(paths, async (client) => {
    const report = await client.call('gc.run', { dryRun: Boolean(options.dryRun) });
    if (options.json) return print(report);
    say(formatGcReport(report));
  });
}

export function formatGcReport(report: GcReport): string {
  const lines: string[] = [];
  if (report.removed.length === 0) lines.push('Nothing to remove.');
  else lines.push(report.dryRun ? 'Would remove (dry run, nothing changed):' : 'Removed:');
  for (const item of report.removed) {
    const snapshot = item.snapshotRef ? `; snapshot on ${item.snapshotRef}` : '';
    lines.push(
      `  ${item.kind.padEnd(15)} ${item.project}  ${item.what}  ${formatBytes(item.bytes)}  (${item.reason}${snapshot})`,
    );
    if (item.restore) lines.push(`    to get it back: ${item.restore}`);
  }
  if (report.kept.length > 0) {
    lines.push('Left alone:');
    for (const item of report.kept) lines.push(`  ${item.what}: ${item.reason}`);
  }
  if (report.removed.length > 0)
    lines.push(
      `${report.dryRun ? 'Would free' : 'Freed'} ${formatBytes(report.bytes)} (worktrees at once; branch and snapshot objects when git next runs its own gc).`,
    );
  return `${lines.join('\n')}\n`;
}
