import { viaGitHub } from '../github/agent-error.js';
import type { GitHubHosts } from '../github/hosts.js';
import type { Logger } from '../logger.js';
import type { HandlerTable } from '../server/handlers.js';
import type { StateStore } from '../store/state-store.js';
import { collectGarbage } from './gc.js';
import { openPullRequest } from './open-pr.js';
import { readProjectScripts } from './project-scripts.js';
import type { Projects } from './projects.js';
import type { Workspaces } from './workspaces.js';

/** `project.*`: the repositories cloned on this machine (a remote's go to it: agent/remote/remote-relay.ts). */
export function projectHandlers({ projects }: { projects: Projects }) {
  return {
    'project.add': ({ machine: _, ...params }) => projects.add(params),
    'project.list': () => projects.list(),
    'project.remove': (params) => projects.remove(params.project, params.force),
    'project.set': ({ project, ...patch }) => projects.set(project, patch),
    'project.show': async (params) => {
      const project = projects.resolve(params.project);
      return { ...project, scripts: await readProjectScripts(project, project.path) };
    },
  } satisfies HandlerTable;
}

/** `workspace.*`, `gc.run` and `doctor.orphans`: worktrees, their life and their clean-up. */
export function workspaceHandlers(deps: {
  state: StateStore;
  projects: Projects;
  workspaces: Workspaces;
  github: GitHubHosts;
  log: Logger;
}) {
  const { workspaces } = deps;
  return {
    'workspace.create': (params) => workspaces.create(params),
    'workspace.adopt': (params) => workspaces.adopt(params.project, params.pr),
    'workspace.retry': (params) => workspaces.retry(params.workspaceId),
    'workspace.list': (params) => workspaces.list(params ?? {}),
    'workspace.get': (params) => workspaces.get(params.workspaceId),
    'workspace.diff': (params) => workspaces.diff(params.workspaceId, params.maxBytes),
    'workspace.archive': ({ workspaceId, force, discard }) =>
      workspaces.archive(workspaceId, { force, discard }),
    'workspace.restore': (params) => workspaces.restore(params.workspaceId, params.snapshot),
    'workspace.snapshots': (params) => workspaces.snapshots(params.workspaceId),
    'workspace.openPr': (params) => viaGitHub(openPullRequest(deps, params)),
    'gc.run': (params) => collectGarbage(deps, { dryRun: Boolean(params?.dryRun) }),
    'doctor.orphans': () => workspaces.orphanWorktrees(),
  } satisfies HandlerTable;
}
