// A fork's setup command runs behind the walls its sessions have (README, Sandbox): it is code by
// someone outside the repo, run before anyone has read it. bubblewrap directly, with the session's
// policy (agent/claude/sandbox-policy.ts): the argv is pure (bwrapArgv), the places are read here.
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Project, Workspace } from '../../shared/domain.js';
import { sandboxInstallCommand } from '../../shared/sandbox.js';
import { type SandboxPolicy, sandboxPolicy } from '../claude/sandbox-policy.js';
import { sandboxPlaces } from '../claude/session-sandbox.js';
import { findExecutable } from '../executables.js';
import type { HomePaths } from '../store/home.js';
import { StepFailure } from './provision-failure.js';

/** Whether a workspace's setup runs sandboxed: an adopted fork's PR, in a project that did not opt out — pure. */
export function setupIsSandboxed(
  workspace: Pick<Workspace, 'adopted'>,
  project: Pick<Project, 'unsandboxed'>,
) {
  return workspace.adopted?.fork === true && project.unsandboxed !== true;
}

/** Tokens the agent's environment may hold: a fork's setup never sees them (its sessions get none either). */
const SECRET_VARIABLES = [
  'GH_TOKEN',
  'GITHUB_TOKEN',
  'GH_ENTERPRISE_TOKEN',
  'GITHUB_ENTERPRISE_TOKEN',
  'ANTHROPIC_API_KEY',
  'ANTHROPIC_AUTH_TOKEN',
  'CLAUDE_CODE_OAUTH_TOKEN',
] as const;

/**
 * bubblewrap's argv around `command` — pure. Everything read-only; the policy's writable places
 * bound back writable; what it must not read hidden (an empty folder over a folder, /dev/null
 * over a file), then the worktree and its git folders bound again inside what was hidden (ff's
 * home holds the worktrees by default). No network at all: bubblewrap alone cannot filter hosts,
 * and a fork's sessions reach only the API, which setup has no use for. `kinds` says which
 * existing paths are folders; paths missing from it do not exist and are skipped.
 */
export function bwrapArgv(
  bwrap: string,
  policy: Pick<SandboxPolicy, 'denyRead' | 'allowWrite'>,
  kinds: ReadonlyMap<string, 'dir' | 'file'>,
  command: readonly string[],
): string[] {
  const args = [bwrap, '--die-with-parent', '--new-session', '--unshare-all', '--ro-bind', '/', '/'];
  args.push('--dev', '/dev', '--proc', '/proc');
  for (const name of SECRET_VARIABLES) args.push('--unsetenv', name);
  for (const path of policy.denyRead) {
    const kind = kinds.get(path);
    if (kind === 'dir') args.push('--tmpfs', path);
    else if (kind === 'file') args.push('--ro-bind', '/dev/null', path);
  }
  for (const path of policy.allowWrite) if (kinds.has(path)) args.push('--bind', path, path);
  return [...args, '--', ...command];
}

/** A fork's setup's temp folder (its TMPDIR), and what puts its command's argv behind the walls. */
export function sandboxedSetup(input: {
  workspace: Pick<Workspace, 'id' | 'path'>;
  project: Pick<Project, 'host' | 'path' | 'allowedHosts'>;
  worktreeRoots: readonly string[];
  paths: HomePaths;
  env: NodeJS.ProcessEnv;
}): { wrap: (command: string[]) => string[]; tmpDir: string } {
  const bwrap = process.platform === 'linux' ? findExecutable('bwrap', input.env.PATH ?? '') : undefined;
  if (!bwrap)
    throw new StepFailure(
      process.platform === 'linux'
        ? `A fork's setup runs only inside the OS sandbox, and bwrap is not installed: ${sandboxInstallCommand(['bwrap'])}, then retry.`
        : `A fork's setup runs only inside the OS sandbox (bubblewrap, Linux); run it yourself in ${input.workspace.path} once you have read it.`,
    );
  const tmpDir = join(tmpdir(), 'ff-setup', input.workspace.id);
  mkdirSync(tmpDir, { recursive: true, mode: 0o700 });
  // The places a session of this workspace would have; a fork's session reaches the API only.
  const context = {
    session: {
      id: `setup-${input.workspace.id}`,
      permissionMode: 'ask' as const,
      sandbox: { state: 'on' as const, network: 'api' as const },
    },
    workspace: input.workspace,
    project: input.project,
    worktreeRoots: input.worktreeRoots,
    paths: input.paths,
    env: input.env,
    isRoot: false,
  };
  const policy = sandboxPolicy(sandboxPlaces(context, tmpDir), {
    kind: 'api',
    api: '',
    github: [],
    allowed: [],
  });
  const kinds = new Map<string, 'dir' | 'file'>();
  for (const path of [...policy.denyRead, ...policy.allowWrite])
    if (existsSync(path)) kinds.set(path, statSync(path).isDirectory() ? 'dir' : 'file');
  return { wrap: (command) => bwrapArgv(bwrap, policy, kinds, command), tmpDir };
}
