import { describe, expect, it } from 'vitest';
import { workspaceEnv } from '../../../../agent/workspaces/workspace-env.js';

const project = { path: '/src/app', owner: 'octo', repo: 'app', defaultBranch: 'main' };
const workspace = {
  id: 'w1',
  branch: 'ff/1-fix',
  path: '/wt/octo/app/ff/1-fix',
  ports: { first: 20010, count: 10 },
};

describe('workspaceEnv', () => {
  it("sets ff's, Conductor's, Superset's and Codex's variables from the workspace and its project", () => {
    expect(workspaceEnv(project, workspace)).toEqual({
      FF_WORKSPACE_ID: 'w1',
      FF_WORKSPACE_BRANCH: 'ff/1-fix',
      FF_WORKSPACE_PATH: '/wt/octo/app/ff/1-fix',
      FF_ROOT_PATH: '/src/app',
      FF_PROJECT: 'octo/app',
      FF_PORT: '20010',
      FF_PORT_COUNT: '10',
      PORT: '20010',
      CONDUCTOR_WORKSPACE_NAME: 'ff/1-fix',
      CONDUCTOR_WORKSPACE_PATH: '/wt/octo/app/ff/1-fix',
      CONDUCTOR_ROOT_PATH: '/src/app',
      CONDUCTOR_DEFAULT_BRANCH: 'main',
      CONDUCTOR_PORT: '20010',
      SUPERSET_WORKSPACE_NAME: 'ff/1-fix',
      SUPERSET_ROOT_PATH: '/src/app',
      CODEX_WORKTREE_PATH: '/wt/octo/app/ff/1-fix',
      CODEX_SOURCE_TREE_PATH: '/src/app',
    });
  });

  it.each([
    [
      'a project that turns PORT off gets FF_PORT alone',
      { portVariable: false },
      workspace,
      '20010',
      undefined,
    ],
    ['a project that leaves it on gets both', { portVariable: true }, workspace, '20010', '20010'],
    ['a workspace without ports gets neither', {}, { ...workspace, ports: undefined }, undefined, undefined],
  ])('%s', (_why, settings, w, ffPort, port) => {
    const env = workspaceEnv({ ...project, ...settings }, w);
    expect(env.FF_PORT).toBe(ffPort);
    expect(env.PORT).toBe(port);
  });
});
