import { type Project, projectSlug, type Workspace } from '../../shared/domain.js';

/**
 * The variables a workspace's scripts, sessions and terminals get: ff's own,
 * and the ones Conductor's, Superset's and Codex's scripts expect, so a repo set up
 * for those tools runs unchanged. Pure.
 */
export function workspaceEnv(
  project: Pick<Project, 'path' | 'owner' | 'repo' | 'defaultBranch' | 'portVariable'>,
  workspace: Pick<Workspace, 'id' | 'branch' | 'path' | 'ports'>,
): Record<string, string> {
  const name = workspace.branch;
  const port = workspace.ports ? String(workspace.ports.first) : undefined;
  return {
    FF_WORKSPACE_ID: workspace.id,
    FF_WORKSPACE_BRANCH: workspace.branch,
    FF_WORKSPACE_PATH: workspace.path,
    FF_ROOT_PATH: project.path,
    FF_PROJECT: projectSlug(project),
    CONDUCTOR_WORKSPACE_NAME: name,
    CONDUCTOR_WORKSPACE_PATH: workspace.path,
    CONDUCTOR_ROOT_PATH: project.path,
    CONDUCTOR_DEFAULT_BRANCH: project.defaultBranch,
    SUPERSET_WORKSPACE_NAME: name,
    SUPERSET_ROOT_PATH: project.path,
    CODEX_WORKTREE_PATH: workspace.path,
    CODEX_SOURCE_TREE_PATH: project.path,
    ...(port
      ? {
          FF_PORT: port,
          FF_PORT_COUNT: String(workspace.ports!.count),
          CONDUCTOR_PORT: port,
          ...(project.portVariable === false ? {} : { PORT: port }),
        }
      : {}),
  };
}
