// Whether a session runs inside the OS sandbox, and how its claude process is told so. The
// decision is pure (decideSandbox); finding the session's places (its git folders, origin) reads
// the worktree; the argv and environment follow from both (sessionLaunch).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import type { AgentEnvironment } from '../../shared/agent-environment.js';
import type { PermissionMode, Project, Session, Workspace } from '../../shared/domain.js';
import type { SessionSandbox } from '../../shared/sandbox.js';
import { GITHUB_COM } from '../github/api-url.js';
import type { HomePaths } from '../store/home.js';
import {
  anthropicHost,
  claudeSandboxSettings,
  fileToolRules,
  githubHosts,
  type SandboxPlaces,
  type SandboxPolicy,
  sandboxPolicy,
} from './sandbox-policy.js';

export interface SandboxChoice {
  permissionMode: PermissionMode;
  permissionReason?: string;
  sandbox: SessionSandbox;
}

/**
 * A new session's mode and sandbox — pure. Sandboxed unless its project chose otherwise; text
 * from outside the repo (and a fork's PR) keeps its network to the API; with no OS sandbox here
 * the session asks before each tool, and says why.
 */
export function decideSandbox(input: {
  permissionMode: PermissionMode;
  permissionReason?: string;
  untrusted: boolean;
  projectUnsandboxed: boolean;
  sandbox: Pick<AgentEnvironment['sandbox'], 'available' | 'detail'>;
}): SandboxChoice {
  const reason = input.permissionReason ? { permissionReason: input.permissionReason } : {};
  if (input.projectUnsandboxed)
    return { permissionMode: input.permissionMode, ...reason, sandbox: { state: 'off' } };
  if (!input.sandbox.available)
    return {
      permissionMode: 'ask',
      permissionReason:
        input.permissionReason ?? `Asks before each tool: no OS sandbox here (${input.sandbox.detail}).`,
      sandbox: { state: 'unavailable', detail: input.sandbox.detail },
    };
  return {
    permissionMode: input.permissionMode,
    ...reason,
    sandbox: { state: 'on', network: input.untrusted ? 'api' : 'project' },
  };
}

/**
 * The sandbox a session starts its claude process with. A session from before ff had a sandbox
 * is decided now as a new one would be. A sandboxed session on a machine that lost its sandbox
 * asks from now on: it never runs unsandboxed without prompts.
 */
export function sandboxAtSpawn(
  session: Pick<Session, 'permissionMode' | 'permissionReason' | 'sandbox'>,
  projectUnsandboxed: boolean,
  sandbox: Pick<AgentEnvironment['sandbox'], 'available' | 'detail'>,
): SandboxChoice | undefined {
  if (!session.sandbox)
    return decideSandbox({
      permissionMode: session.permissionMode,
      ...(session.permissionReason ? { permissionReason: session.permissionReason } : {}),
      untrusted: session.permissionReason !== undefined,
      projectUnsandboxed,
      sandbox,
    });
  if (session.sandbox.state === 'on' && !sandbox.available)
    return decideSandbox({ permissionMode: 'ask', untrusted: true, projectUnsandboxed: false, sandbox });
  return undefined;
}

/** The worktree's git folders: `.git` is a file naming its own folder, which names the shared one in `commondir`. */
export function gitFolders(worktree: string): { gitDir: string; gitCommonDir: string } {
  const dotGit = join(worktree, '.git');
  if (statSync(dotGit).isDirectory()) return { gitDir: dotGit, gitCommonDir: dotGit };
  const pointer = /^gitdir:\s*(.+)$/m.exec(readFileSync(dotGit, 'utf8'))?.[1]?.trim();
  if (!pointer) throw new Error(`${dotGit} does not name its git folder`);
  const gitDir = resolve(worktree, pointer);
  const common = join(gitDir, 'commondir');
  const gitCommonDir = existsSync(common) ? resolve(gitDir, readFileSync(common, 'utf8').trim()) : gitDir;
  return { gitDir, gitCommonDir };
}

/** origin's push URL as git resolves it (insteadOf rules applied), when it is a folder on this machine. */
export function originFolder(worktree: string, env: NodeJS.ProcessEnv): string | undefined {
  let url: string;
  try {
    url = execFileSync('git', ['-C', worktree, 'remote', 'get-url', '--push', 'origin'], {
      env,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 5_000,
    }).trim();
  } catch {
    return undefined; // no origin: nothing to push to
  }
  const path = url.startsWith('file://') ? new URL(url).pathname : url;
  return isAbsolute(path) && existsSync(path) ? path : undefined;
}

export interface SessionLaunch {
  /** Flags for claude after the stream-json ones: the permission mode, and the settings. */
  args: string[];
  /** Variables added to claude's environment. */
  env: Record<string, string>;
  /** The walls, when sandboxed (blocked attempts are told against them). */
  policy?: SandboxPolicy;
}

/** What a session's launch needs to know besides the session. */
export interface LaunchContext {
  session: Pick<Session, 'id' | 'permissionMode' | 'sandbox'>;
  workspace: Pick<Workspace, 'path'>;
  project: Pick<Project, 'host' | 'path' | 'allowedHosts'>;
  /** Every project's worktree root. */
  worktreeRoots: readonly string[];
  paths: HomePaths;
  env: NodeJS.ProcessEnv;
  isRoot: boolean;
  /** The GitHub token ff uses for the project's host, when it has one: a trusted sandboxed session pushes with it. */
  githubToken?: string;
  /** The GitHub API URL of the project's host. */
  githubApiUrl?: string;
}

/** A session's own temp folder (0700): Claude Code keeps its sandboxed commands' temp files there. */
export function sessionTmpDir(sessionId: string): string {
  const dir = join(tmpdir(), 'ff-sessions', sessionId);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return dir;
}

/** The places of a session's walls, read from its worktree and ff's home. */
export function sandboxPlaces(context: LaunchContext, tmpDir: string): SandboxPlaces {
  const { workspace, project, paths, env } = context;
  const home = env.HOME ?? '';
  const { gitDir, gitCommonDir } = gitFolders(workspace.path);
  const origin =
    context.session.sandbox?.network === 'project' ? originFolder(workspace.path, env) : undefined;
  return {
    worktree: workspace.path,
    gitDir,
    gitCommonDir,
    clone: project.path,
    ...(origin ? { originFolder: origin } : {}),
    home,
    ffHome: paths.root,
    ffHomeFiles: [
      paths.agentFile,
      paths.stateFile,
      paths.stateBackups,
      paths.transcripts,
      paths.logs,
      join(paths.root, 'remotes.json'),
      join(paths.root, 'remotes-cache'),
    ],
    claudeConfigDir: env.CLAUDE_CONFIG_DIR?.trim() || join(home, '.claude'),
    worktreeRoots: context.worktreeRoots,
    tmpDir,
  };
}

/** The policy of a sandboxed session (its network: the project's hosts, or the API only). */
export function sessionPolicy(context: LaunchContext, places: SandboxPlaces): SandboxPolicy {
  return sandboxPolicy(places, {
    kind: context.session.sandbox?.network ?? 'project',
    api: anthropicHost(context.env),
    github: githubHosts(context.project.host, context.githubApiUrl),
    allowed: context.project.allowedHosts ?? [],
  });
}

/**
 * The token in gh's variable for the host, and git's credential for the host answered from it
 * (git reads helpers from GIT_CONFIG_COUNT/KEY/VALUE; an empty helper first drops the user's
 * own, which read credential files the sandbox hides).
 */
export function githubCredentialEnv(
  host: string,
  token: string,
  base: NodeJS.ProcessEnv,
): Record<string, string> {
  const variable = host === GITHUB_COM ? 'GH_TOKEN' : 'GH_ENTERPRISE_TOKEN';
  const start = Number.parseInt(base.GIT_CONFIG_COUNT ?? '0', 10) || 0;
  const key = `credential.https://${host}.helper`;
  const entries: Array<[string, string]> = [
    [key, ''],
    [key, `!f() { test "$1" = get && echo username=x-access-token && echo "password=$${variable}"; }; f`],
  ];
  const env: Record<string, string> = {
    [variable]: token,
    ...(host === GITHUB_COM ? {} : { GH_HOST: host }),
    GIT_CONFIG_COUNT: String(start + entries.length),
  };
  entries.forEach(([k, v], i) => {
    env[`GIT_CONFIG_KEY_${start + i}`] = k;
    env[`GIT_CONFIG_VALUE_${start + i}`] = v;
  });
  return env;
}

/**
 * The permission flags, settings and environment of a session's claude process.
 * Sandboxed without prompts is `acceptEdits` with prompts turned off: edits in the worktree and
 * sandboxed commands go through, anything that would need a person (a host not allowed, a file
 * outside the worktree, an MCP tool) is denied at once — `bypassPermissions` would let the
 * sandbox's network proxy through to any host. Sandboxed and asking relays every tool to you.
 */
export function sessionLaunch(context: LaunchContext): SessionLaunch {
  const { session, env } = context;
  const asks = session.permissionMode === 'ask';
  const ask = ['--permission-mode', 'default', '--permission-prompt-tool', 'stdio'];
  const state = session.sandbox?.state ?? 'off';
  if (state === 'off')
    return {
      args: asks ? ask : ['--permission-mode', 'bypassPermissions'],
      // The CLI refuses bypassPermissions as root unless told it runs in a sandbox (README, Security).
      env: context.isRoot && !asks ? { IS_SANDBOX: '1' } : {},
    };
  const tmpDir = sessionTmpDir(session.id);
  const policy = sessionPolicy(context, sandboxPlaces(context, tmpDir));
  if (state === 'unavailable')
    return {
      args: [
        ...ask,
        '--settings',
        JSON.stringify({ permissions: fileToolRules(policy, { unasked: false }) }),
      ],
      env: {},
    };
  const settings = JSON.stringify(claudeSandboxSettings(policy, { asks }));
  const token =
    context.githubToken && session.sandbox?.network === 'project'
      ? githubCredentialEnv(context.project.host, context.githubToken, env)
      : {};
  return {
    args: [
      ...(asks ? ask : ['--permission-mode', 'acceptEdits', '--permission-prompts', 'none']),
      '--settings',
      settings,
    ],
    env: { CLAUDE_CODE_TMPDIR: tmpDir, ...token },
    policy,
  };
}
