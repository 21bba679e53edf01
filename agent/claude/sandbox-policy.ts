// What a sandboxed session may touch, as one policy — pure. The same lists become Claude Code's
// `sandbox` settings and the permission rules for its file tools (claudeSandboxSettings), so
// Bash, what Bash starts and the Read/Write/Edit tools meet the same walls. README, Sandbox.
import { join, relative, sep } from 'node:path';

/** Where one session's walls stand: its own places, and what it must never read. */
export interface SandboxPlaces {
  /** The session's worktree (its cwd). */
  worktree: string;
  /** The worktree's own git folder (`<clone>/.git/worktrees/<name>`; `.git` of a plain clone). */
  gitDir: string;
  /** The clone's shared git folder (`<clone>/.git`): objects, refs and logs are written on commit. */
  gitCommonDir: string;
  /** The project's clone (Claude Code keeps its memory for the project under its path). */
  clone: string;
  /** origin, when it is a folder on this machine: a push writes there (over the network, it is a host). */
  originFolder?: string;
  /** The user's home. */
  home: string;
  /** ff's home (agent.json, state, transcripts, logs; by default the worktrees too). */
  ffHome: string;
  /** What ff keeps in its home besides worktrees (agent.json, state.json, transcripts, logs, …). */
  ffHomeFiles: readonly string[];
  /** Claude Code's config folder (CLAUDE_CONFIG_DIR, else ~/.claude). */
  claudeConfigDir: string;
  /** Every project's worktree root: other workspaces live there. */
  worktreeRoots: readonly string[];
  /** The session's own temp folder. */
  tmpDir: string;
}

export interface SandboxPolicy {
  /** Folders and files no command may read… */
  denyRead: string[];
  /** …except these, inside them (the session's own worktree, its own Claude Code folders). */
  allowRead: string[];
  /** The only places a command may write (with the worktree). */
  allowWrite: string[];
  /** Hosts its commands may reach, through the sandbox's proxy. `*.` prefixes match subdomains. */
  allowedDomains: string[];
  /** Paths the file tools (Read, Edit, Write) are denied outright, whatever a person answers. */
  fileToolDenies: string[];
}

/** Credential stores of common tools, under the home: never readable from a session. */
const CREDENTIALS = [
  '.ssh',
  '.aws',
  '.config/gh',
  '.gnupg',
  '.netrc',
  '.git-credentials',
  '.docker/config.json',
  '.kube',
  '.config/gcloud',
  '.azure',
] as const;

/** Package registries a sandboxed session reaches by default: installs and builds need them. */
export const PACKAGE_REGISTRIES: readonly string[] = [
  'registry.npmjs.org',
  'registry.yarnpkg.com',
  'pypi.org',
  'files.pythonhosted.org',
  'crates.io',
  'index.crates.io',
  'static.crates.io',
  'proxy.golang.org',
  'sum.golang.org',
  'rubygems.org',
  'repo.maven.apache.org',
  'repo1.maven.org',
];

/** The hosts git and gh use for a GitHub host: github.com has a few more than an Enterprise server. */
export function githubHosts(host: string, apiUrl?: string): string[] {
  const hosts =
    host === 'github.com'
      ? [
          'github.com',
          'api.github.com',
          'codeload.github.com',
          'uploads.github.com',
          '*.githubusercontent.com',
        ]
      : [host];
  const api = apiUrl ? hostOf(apiUrl) : undefined;
  return unique([...hosts, ...(api ? [api] : [])]);
}

/** The Anthropic API's host: ANTHROPIC_BASE_URL's, else api.anthropic.com. */
export function anthropicHost(env: NodeJS.ProcessEnv): string {
  return (env.ANTHROPIC_BASE_URL && hostOf(env.ANTHROPIC_BASE_URL)) || 'api.anthropic.com';
}

function hostOf(url: string): string | undefined {
  try {
    return new URL(url).hostname.toLowerCase() || undefined;
  } catch {
    return undefined;
  }
}

const unique = (items: readonly string[]) => [...new Set(items)];

/** Whether `path` is `folder` or inside it (both absolute, normalized). */
export function isInside(path: string, folder: string): boolean {
  const rel = relative(folder, path);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !rel.startsWith(sep));
}

/** Claude Code's folder name for a project path under `projects/` (every character but letters and digits → `-`). */
export function claudeProjectFolder(path: string): string {
  return path.replace(/[^a-zA-Z0-9]/g, '-');
}

/**
 * The session's policy — pure. `network`: `project` reaches the API, the project's GitHub hosts,
 * package registries and the project's own hosts; `api` the API only.
 */
export function sandboxPolicy(
  places: SandboxPlaces,
  network: { kind: 'project' | 'api'; api: string; github: readonly string[]; allowed: readonly string[] },
): SandboxPolicy {
  const projects = join(places.claudeConfigDir, 'projects');
  const credentials = [
    ...CREDENTIALS.map((name) => join(places.home, name)),
    join(places.claudeConfigDir, '.credentials.json'),
    // Claude Code's account file (and an API key, for some logins) when its config folder is the default.
    ...(places.claudeConfigDir === join(places.home, '.claude') ? [join(places.home, '.claude.json')] : []),
  ];
  // A folder that holds the home or the clone is not a worktree root a session can be walled from.
  const roots = places.worktreeRoots.filter(
    (root) => !isInside(places.home, root) && !isInside(places.clone, root),
  );
  const denyRead = unique([places.ffHome, ...roots, ...credentials, projects]);
  const allowRead = unique([
    places.worktree,
    join(projects, claudeProjectFolder(places.worktree)),
    join(projects, claudeProjectFolder(places.clone)),
  ]);
  const allowWrite = unique([
    places.worktree,
    places.gitDir,
    ...(places.gitDir === places.gitCommonDir
      ? []
      : ['objects', 'refs', 'logs'].map((name) => join(places.gitCommonDir, name))),
    ...(places.originFolder ? [places.originFolder] : []),
    places.tmpDir,
  ]);
  const allowedDomains = unique(
    network.kind === 'api'
      ? [network.api]
      : [network.api, ...network.github, ...PACKAGE_REGISTRIES, ...network.allowed],
  );
  // The file tools work inside the worktree; these are denied even when someone says yes. A rule
  // cannot except a folder inside a denied one, so a denied folder that holds the session's own
  // (ff's home holds the worktrees) is denied by its files instead.
  const holdsOwn = (path: string) => allowRead.some((allowed) => isInside(allowed, path));
  const fileToolDenies = unique([...denyRead.filter((path) => !holdsOwn(path)), ...places.ffHomeFiles]);
  return { denyRead, allowRead, allowWrite, allowedDomains, fileToolDenies };
}

/**
 * Claude Code's settings for the session (`--settings`): its sandbox around Bash and what Bash
 * starts, and deny rules for the file tools, which the sandbox does not cover. `asks`: every
 * command waits for a person (the sandbox no longer lets sandboxed commands through alone).
 */
export function claudeSandboxSettings(
  policy: SandboxPolicy,
  options: { asks: boolean },
): Record<string, unknown> {
  return {
    sandbox: {
      enabled: true,
      // A session that was meant to be sandboxed never runs unsandboxed: no sandbox, no session.
      failIfUnavailable: true,
      // The default would let a blocked command be retried outside the sandbox without asking.
      allowUnsandboxedCommands: false,
      autoAllowBashIfSandboxed: !options.asks,
      filesystem: {
        denyRead: policy.denyRead,
        allowRead: policy.allowRead,
        allowWrite: policy.allowWrite,
      },
      network: { allowedDomains: policy.allowedDomains },
    },
    permissions: fileToolRules(policy, { unasked: !options.asks }),
  };
}

/**
 * Deny rules for the file tools (`//` starts an absolute path in a rule). With `unasked` (a
 * session without prompts): the Read tool allowed everywhere else, as Bash may read (outside the
 * worktree it would need a person, and be refused; deny rules still win), and WebFetch for the
 * hosts commands may reach (it runs in claude's own process, outside the sandbox).
 */
export function fileToolRules(
  policy: Pick<SandboxPolicy, 'fileToolDenies' | 'allowedDomains'>,
  options: { unasked: boolean },
): { deny: string[]; allow: string[] } {
  const rule = (path: string) => `/${path}/**`;
  return {
    deny: policy.fileToolDenies.flatMap((path) => [
      `Read(${rule(path)})`,
      `Read(/${path})`,
      `Edit(${rule(path)})`,
      `Edit(/${path})`,
    ]),
    allow: options.unasked
      ? [
          'Read(//**)',
          ...policy.allowedDomains
            .filter((host) => !host.startsWith('*.'))
            .map((host) => `WebFetch(domain:${host})`),
        ]
      : [],
  };
}

/** A short name for a path in messages: `~/…` under the home. */
export function homeRelative(path: string, home: string): string {
  return home && isInside(path, home) && path !== home ? `~/${relative(home, path)}` : path;
}
