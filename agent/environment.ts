import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AgentEnvironment } from '../shared/agent-environment.js';
import { errorText } from '../shared/error-text.js';
import { LINUX_SANDBOX_PACKAGES, sandboxInstallCommand } from '../shared/sandbox.js';
import { resolveClaudeBinary } from './claude/claude-args.js';
import { findExecutable } from './executables.js';
import { GITHUB_COM } from './github/api-url.js';
import { discoverToken, missingTokenMessage } from './github/token.js';
import { agentHome } from './user-path.js';

function run(bin: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ ok: boolean; out: string }> {
  return new Promise((resolve) => {
    execFile(bin, args, { timeout: 10_000, env }, (error, stdout, stderr) =>
      resolve({ ok: !error, out: `${stdout}${stderr}`.trim().split('\n')[0] ?? '' }),
    );
  });
}

function readJson(path: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(readFileSync(path, 'utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

const API_KEY_VARIABLES = ['ANTHROPIC_API_KEY', 'ANTHROPIC_AUTH_TOKEN', 'CLAUDE_CODE_OAUTH_TOKEN'] as const;

/**
 * Pure-ish (reads Claude Code's own files): whether claude has a way to authenticate. A key in
 * the environment or in Claude Code's settings (`env`, `apiKeyHelper`), or a login it saved
 * (`.credentials.json`, or the account in `.claude.json`). On macOS a login lives in the
 * Keychain, which ff does not read: then the state is `unknown`, not missing.
 */
export function claudeLogin(env: NodeJS.ProcessEnv, home: string): AgentEnvironment['claudeLogin'] {
  const variable = API_KEY_VARIABLES.find((name) => env[name]?.trim());
  if (variable) return { state: 'api-key', detail: `${variable} is set` };
  const configDir = env.CLAUDE_CONFIG_DIR?.trim() || join(home, '.claude');
  const settings = readJson(join(configDir, 'settings.json'));
  const settingsEnv = settings?.env;
  if (
    (typeof settingsEnv === 'object' &&
      settingsEnv !== null &&
      API_KEY_VARIABLES.some((name) => typeof (settingsEnv as Record<string, unknown>)[name] === 'string')) ||
    typeof settings?.apiKeyHelper === 'string'
  )
    return { state: 'api-key', detail: `a key in ${join(configDir, 'settings.json')}` };
  if (existsSync(join(configDir, '.credentials.json'))) return { state: 'logged-in', detail: 'logged in' };
  const account = readJson(
    env.CLAUDE_CONFIG_DIR?.trim() ? join(configDir, '.claude.json') : join(home, '.claude.json'),
  );
  if (account?.oauthAccount) return { state: 'logged-in', detail: 'logged in' };
  return { state: 'unknown', detail: 'no API key and no login found' };
}

/**
 * The OS sandbox's tools (Anthropic's sandbox runtime, which Claude Code's `sandbox` settings
 * drive: bubblewrap + socat on Linux, with ripgrep; Seatbelt on macOS). Without them sessions
 * start in `ask` mode (agent/claude/session-sandbox.ts), and `detail` names the one install command.
 */
export function sandboxTools(
  env: NodeJS.ProcessEnv,
  platform: NodeJS.Platform = process.platform,
): AgentEnvironment['sandbox'] {
  const path = env.PATH ?? '';
  if (platform === 'linux') {
    const missing = LINUX_SANDBOX_PACKAGES.map(([bin]) => bin).filter((bin) => !findExecutable(bin, path));
    return missing.length === 0
      ? { available: true, missing: [], detail: 'bubblewrap, socat and ripgrep found' }
      : {
          available: false,
          missing,
          detail: `${missing.join(', ')} not found: sessions ask before each tool until you install them (Debian/Ubuntu: ${sandboxInstallCommand(missing)})`,
        };
  }
  if (platform === 'darwin') {
    return existsSync('/usr/bin/sandbox-exec')
      ? { available: true, missing: [], detail: 'Seatbelt (sandbox-exec) found' }
      : {
          available: false,
          missing: ['sandbox-exec'],
          detail: 'sandbox-exec not found: sessions ask before each tool',
        };
  }
  return {
    available: false,
    missing: [],
    detail: `no OS sandbox on ${platform}: sessions ask before each tool`,
  };
}

/**
 * What this process can reach, for `doctor.environment` and the start-up problems `serve` prints.
 * `hosts`: the GitHub hosts of the projects (github.com when there are none yet).
 */
export async function inspectEnvironment(
  env: NodeJS.ProcessEnv,
  hosts: readonly string[] = [],
): Promise<AgentEnvironment> {
  const home = agentHome(env);
  let claude: AgentEnvironment['claude'];
  try {
    const path = resolveClaudeBinary(env);
    const version = await run(path, ['--version'], env);
    claude = version.ok
      ? { path, version: version.out }
      : { path, problem: `Claude Code at ${path} does not run: ${version.out}` };
  } catch (error) {
    claude = { problem: errorText(error) };
  }
  const github = await Promise.all(
    [...new Set(hosts.length ? hosts.map((h) => h.toLowerCase()) : [GITHUB_COM])].map(async (host) => {
      const token = await discoverToken(env, host);
      return token ? { host, source: token.source } : { host, problem: missingTokenMessage(host) };
    }),
  );
  return {
    claude,
    claudeLogin: claudeLogin(env, home),
    github,
    sandbox: sandboxTools(env),
    path: env.PATH ?? '',
    node: { path: process.execPath, version: process.version },
    home,
  };
}
