import type { ProjectScripts, ProjectView } from '../../shared/domain.js';
import { projectSandbox } from '../../shared/sandbox.js';
import type { HomePaths } from '../store/home.js';
import { callerSidePath } from '../user-path.js';
import { CliError, withAgent } from './connect.js';
import { print, say } from './output.js';

/** `project add`'s options, as commander parses them. */
export interface ProjectAddOptions {
  host?: string;
  setup?: string;
  sessionDuringSetup?: boolean;
  worktreeRoot?: string;
  json?: boolean;
}

export async function projectAdd(paths: HomePaths, path: string, options: ProjectAddOptions): Promise<void> {
  const remote = options.host && options.host !== 'local' ? options.host : undefined;
  const clone = callerSidePath(path, process.cwd(), remote);
  const root = options.worktreeRoot ? callerSidePath(options.worktreeRoot, process.cwd(), remote) : undefined;
  for (const result of [clone, root]) if (result && !result.ok) throw new CliError(result.error);
  await withAgent(paths, async (client) => {
    const project = await client.call('project.add', {
      path: clone.ok ? clone.path : path,
      ...(remote ? { machine: remote } : {}),
      ...(options.setup ? { setupScript: options.setup } : {}),
      ...(options.sessionDuringSetup ? { sessionDuringSetup: true } : {}),
      ...(root?.ok ? { worktreeRoot: root.path } : {}),
    });
    if (options.json) return print(project);
    say(
      `Added ${project.owner}/${project.repo} (${onMachine(project)}${project.path}, default branch ${project.defaultBranch}).\nWorktrees go to ${project.worktreeRoot}.\n`,
    );
  });
}

/** `project set`'s options, as commander parses them. */
export interface ProjectSetOptions {
  setup?: string;
  run?: string;
  archive?: string;
  sessionDuringSetup?: boolean;
  portVariable?: boolean;
  sandbox?: boolean;
  allowHost?: string[];
  disallowHost?: string[];
  json?: boolean;
}

export async function projectSet(paths: HomePaths, ref: string, options: ProjectSetOptions): Promise<void> {
  await withAgent(paths, async (client) => {
    const project = await client.call('project.set', {
      project: ref,
      ...(options.setup !== undefined ? { setupScript: options.setup } : {}),
      ...(options.run !== undefined ? { runScript: options.run } : {}),
      ...(options.archive !== undefined ? { archiveScript: options.archive } : {}),
      ...(options.portVariable !== undefined ? { portVariable: options.portVariable } : {}),
      ...(options.sessionDuringSetup !== undefined ? { sessionDuringSetup: options.sessionDuringSetup } : {}),
      ...(options.sandbox !== undefined ? { sandbox: options.sandbox } : {}),
      ...(options.allowHost ? { allowHosts: options.allowHost } : {}),
      ...(options.disallowHost ? { disallowHosts: options.disallowHost } : {}),
    });
    if (options.json) return print(project);
    say(formatProjects([project]));
  });
}

/** `devbox:` before a path on a remote; nothing for this machine's — pure. */
export function onMachine(thing: { machine: string }): string {
  return thing.machine === 'local' ? '' : `${thing.machine}:`;
}

export function formatProjects(projects: ProjectView[]): string {
  if (projects.length === 0)
    return 'No projects yet. Add a local clone with `ff-agent project add <path>`.\n';
  return `${projects
    .map(
      (p) =>
        `${p.owner}/${p.repo}\n  host       ${p.host}\n  clone      ${onMachine(p)}${p.path}\n  base       ${p.defaultBranch}\n  worktrees  ${p.worktreeRoot}${
          p.setupScript
            ? `\n  setup      ${p.setupScript}${p.sessionDuringSetup ? '\n             (the first session starts while it runs)' : ''}`
            : ''
        }\n  sandbox    ${
          p.unsandboxed
            ? 'off: its sessions run outside the OS sandbox (`project set --sandbox` turns it on)'
            : `on; hosts: ${projectSandbox(p).hosts.join(', ')}`
        }`,
    )
    .join('\n')}\n`;
}

/** `project show`: the project, and each script in force with the file it came from. */
export async function projectShow(paths: HomePaths, ref: string, options: { json?: boolean }): Promise<void> {
  await withAgent(paths, async (client) => {
    const details = await client.call('project.show', { project: ref });
    if (options.json) return print(details);
    process.stdout.write(formatProjects([details]) + formatScripts(details.scripts));
  });
}

/** The scripts in force, each with its source (ff's settings or a repo file); pure. */
export function formatScripts(scripts: ProjectScripts): string {
  const lines = (['setup', 'run', 'archive'] as const).map((kind) => {
    const script = scripts[kind];
    const from = script?.source === 'ff' ? 'ff project settings' : script?.source;
    // A multi-line script (TOML's ''' strings) goes on under its first line.
    const command = script?.command.trim().replaceAll('\n', `\n${' '.repeat(13)}`);
    return `  ${kind.padEnd(10)} ${script ? `${command}  (from ${from})` : '(none)'}`;
  });
  const problems = scripts.problems.map((problem) => `  ! ${problem}`);
  return `scripts (what new workspaces run)\n${[...lines, ...problems].join('\n')}\n`;
}

export async function projectList(paths: HomePaths, options: { json?: boolean }): Promise<void> {
  await withAgent(paths, async (client) => {
    const projects = await client.call('project.list');
    if (options.json) return print(projects);
    say(formatProjects(projects));
  });
}

export async function projectRemove(
  paths: HomePaths,
  ref: string,
  options: { force?: boolean; json?: boolean },
): Promise<void> {
  await withAgent(paths, async (client) => {
    const result = await client.call('project.remove', {
      project: ref,
      ...(options.force ? { force: true } : {}),
    });
    if (options.json) return print(result);
    say(`Removed ${result.removed.owner}/${result.removed.repo}.\n`);
    for (const path of result.workspacesLeftOnDisk) say(`  worktree left on disk: ${path}\n`);
  });
}
