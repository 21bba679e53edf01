/**
 * What a running ff-agent itself can reach: its claude, Claude's login, a GitHub token per host,
 * the sandbox's tools, its PATH. A login service or a detached agent does not share the shell's
 * environment, so `doctor` asks the agent (`doctor.environment`) instead of checking its own
 * shell, and shows where the two differ. Pure: the schema, the problems to announce, the diff.
 */
import { z } from 'zod';

export const AgentEnvironment = z.lazy(() =>
  z.object({
    claude: z.object({
      /** The binary the agent would run (FF_CLAUDE_BIN or `claude` on its PATH). */
      path: z.string().optional(),
      version: z.string().optional(),
      /** Why there is none, or why it does not run. */
      problem: z.string().optional(),
    }),
    claudeLogin: z.object({
      /** `unknown`: nothing ff can see says so (macOS keeps the login in the Keychain). */
      state: z.enum(['api-key', 'logged-in', 'unknown']),
      detail: z.string(),
    }),
    github: z.array(
      z.object({
        host: z.string(),
        /** Where its token comes from; absent when there is none. */
        source: z.string().optional(),
        problem: z.string().optional(),
      }),
    ),
    sandbox: z.object({
      available: z.boolean(),
      /** Tools the OS sandbox needs that are not found (bwrap, socat, rg on Linux). */
      missing: z.array(z.string()),
      detail: z.string(),
    }),
    path: z.string(),
    node: z.object({ path: z.string(), version: z.string() }),
    home: z.string(),
  }),
);
export type AgentEnvironment = z.infer<typeof AgentEnvironment>;

/** The one-line problems `serve` announces at start (and the agent logs): each with its fix. */
export function environmentProblems(env: AgentEnvironment): string[] {
  const lines: string[] = [];
  if (env.claude.problem) lines.push(env.claude.problem);
  else if (env.claudeLogin.state === 'unknown')
    lines.push(
      'Claude Code: no login found (no ANTHROPIC_API_KEY, no `claude /login`): sessions may fail. Run `claude /login`, or set ANTHROPIC_API_KEY in the environment ff-agent runs with.',
    );
  for (const host of env.github) if (host.problem) lines.push(host.problem);
  if (!env.sandbox.available) lines.push(`Sandbox: ${env.sandbox.detail}`);
  return lines;
}

export interface EnvironmentDifference {
  what: string;
  agent: string;
  shell: string;
}

/** Where the agent's view differs from the shell's, in words a person compares (pure). */
export function environmentDifferences(
  agent: AgentEnvironment,
  shell: AgentEnvironment,
): EnvironmentDifference[] {
  const out: EnvironmentDifference[] = [];
  const claude = (e: AgentEnvironment) => e.claude.path ?? `none (${e.claude.problem ?? 'not found'})`;
  if (claude(agent) !== claude(shell))
    out.push({ what: 'claude', agent: claude(agent), shell: claude(shell) });
  if (agent.claudeLogin.state !== shell.claudeLogin.state)
    out.push({ what: 'Claude login', agent: agent.claudeLogin.detail, shell: shell.claudeLogin.detail });
  const hosts = new Set([...agent.github, ...shell.github].map((h) => h.host));
  for (const host of hosts) {
    const token = (e: AgentEnvironment) => e.github.find((h) => h.host === host)?.source ?? 'none';
    if (token(agent) !== token(shell))
      out.push({ what: `GitHub token (${host})`, agent: token(agent), shell: token(shell) });
  }
  if (agent.path !== shell.path) out.push({ what: 'PATH', agent: agent.path, shell: shell.path });
  return out;
}
