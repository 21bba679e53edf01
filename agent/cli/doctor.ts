import { execFile } from 'node:child_process';
import {
  accessSync,
  constants,
  type Dirent,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { AgentEnvironment } from '../../shared/agent-environment.js';
import { DEFAULT_AGENT_PORT } from '../../shared/extension-identity.js';
import { inertText } from '../../shared/inert-text.js';
import type { RemoteView } from '../../shared/protocol.js';
import { inspectEnvironment } from '../environment.js';
import { isExecutableFile } from '../executables.js';
import { GITHUB_COM } from '../github/api-url.js';
import { scopeAdvice } from '../github/client.js';
import { planInstall } from '../login/install-plan.js';
import { installedService } from '../login/installer.js';
import { reachableAgent } from '../login/start-detached.js';
import { readAgentFile } from '../store/agent-file.js';
import { ffCommand, type HomePaths, shellWord } from '../store/home.js';
import { isProcessAlive } from '../store/instance-lock.js';
import { describeBackup } from '../store/state-backups.js';
import { inspectState, type StateInspection } from '../store/state-store.js';
import { agentVersion, packageRoot } from '../version.js';
import { CliError, withAgent } from './connect.js';
import { environmentChecks, sandboxOptOutChecks } from './doctor-environment.js';
import { installContext } from './install.js';
import { print } from './output.js';
import { formatPoints } from './ratchet.js';
import { out } from './style.js';

export interface Check {
  name: string;
  status: 'ok' | 'warn' | 'fail';
  detail: string;
  fix?: string;
}

function exec(bin: string, args: string[]): Promise<{ ok: boolean; out: string }> {
  return new Promise((resolve) => {
    execFile(bin, args, { timeout: 10_000 }, (error, stdout, stderr) =>
      resolve({ ok: !error, out: `${stdout}${stderr}`.trim() }),
    );
  });
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ host: '127.0.0.1', port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/**
 * Node.js 22 and 24 (LTS) are supported (package.json `engines`); 20.19+ still runs ff
 * but is past its end of life, and the Claude Code CLI itself wants 22.
 */
export function nodeCheck(version: string): Check {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  const detail = `v${version}`;
  if (major > 22 || (major === 22 && minor >= 13)) return { name: 'Node.js', status: 'ok', detail };
  if (major > 20 || (major === 20 && minor >= 19))
    return {
      name: 'Node.js',
      status: 'warn',
      detail: `${detail} runs ff, but is not a supported line (Node 20 reached its end of life)`,
      fix: 'Install Node.js 22 or 24 (LTS).',
    };
  return { name: 'Node.js', status: 'fail', detail, fix: 'Install Node.js 22 or 24 (LTS).' };
}

/** The environments doctor looked at: the running agent's (when one answers) and this shell's. */
export interface DoctorEnvironments {
  agent?: AgentEnvironment;
  shell?: AgentEnvironment;
}

/** Every check, each with a fix. Pure data out; `doctor` prints it. */
export async function runChecks(
  paths: HomePaths,
  env: NodeJS.ProcessEnv = process.env,
  environment: DoctorEnvironments = {},
): Promise<Check[]> {
  const checks: Check[] = [];
  checks.push(nodeCheck(process.versions.node));
  const git = await exec('git', ['--version']);
  checks.push(
    git.ok
      ? { name: 'git', status: 'ok', detail: git.out }
      : { name: 'git', status: 'fail', detail: 'not found', fix: 'Install git.' },
  );

  // claude, its login, the tokens and the sandbox as the running agent sees them (a login
  // service's environment is not this shell's); as this shell sees them when none runs.
  const live = await reachableAgent(paths);
  const agentView = live
    ? await withAgent(paths, (client) => client.call('doctor.environment')).catch(() => undefined)
    : undefined;
  const shellView = await inspectEnvironment(env, agentView?.github.map((h) => h.host) ?? []);
  environment.shell = shellView;
  if (agentView) environment.agent = agentView;
  checks.push(...environmentChecks(agentView ?? shellView, agentView ? shellView : undefined));
  const token = (agentView ?? shellView).github.find((h) => h.host === GITHUB_COM)?.source;

  const inspection = inspectState(paths.stateFile, paths.stateBackups);
  checks.push(stateCheck(inspection, ffCommand(paths, env)));

  const info = readAgentFile(paths);
  if (live) {
    checks.push({
      name: 'ff-agent',
      status: 'ok',
      detail: `running on ws://127.0.0.1:${live.port} (${live.agentVersion})`,
    });
    await withAgent(paths, async (client) => {
      const status = await client.call('status');
      const ratchet = await client.call('ratchet.status');
      for (const remote of await client.call('remote.list', { probe: true }))
        checks.push(remoteCheck(remote, agentVersion));
      checks.push(...sandboxOptOutChecks(await client.call('project.list')));
      // Enterprise hosts as the agent sees them (its environment holds their tokens, not this shell's).
      for (const { host, ...gh } of ratchet.hosts ?? []) {
        checks.push(
          !gh.connected
            ? {
                name: `GitHub (${host})`,
                status: 'warn',
                detail: 'no token: its projects get no GitHub calls',
                fix: gh.message ?? '',
              }
            : gh.lastError
              ? {
                  name: `GitHub (${host})`,
                  status: 'warn',
                  detail: gh.lastError,
                  fix: gh.backoffUntil
                    ? `Retrying after ${gh.backoffUntil}.`
                    : 'Check the token and the network.',
                }
              : { name: `GitHub (${host})`, status: 'ok', detail: `token from ${gh.tokenSource}` },
        );
      }
      if (token) {
        const gh = ratchet.github;
        checks.push(
          gh.lastError
            ? {
                name: 'GitHub API',
                status: 'warn',
                detail: gh.lastError,
                fix: gh.backoffUntil
                  ? `Retrying after ${gh.backoffUntil}.`
                  : 'Check the token and the network.',
              }
            : scopeAdvice(gh.scopes)
              ? {
                  name: 'GitHub API',
                  status: 'warn',
                  detail: `token scopes: ${gh.scopes!.join(', ') || 'none'}`,
                  fix: scopeAdvice(gh.scopes)!,
                }
              : {
                  name: 'GitHub API',
                  status: 'ok',
                  detail: [
                    gh.rateLimit ? formatPoints(gh.rateLimit) : 'not called yet',
                    gh.pace?.words ?? '',
                    gh.scopes ? `token scopes: ${gh.scopes.join(', ')}` : '',
                  ]
                    .filter(Boolean)
                    .join('; '),
                },
        );
      }
      checks.push(
        status.extensionNotice
          ? {
              name: 'extension',
              status: 'warn',
              detail: `${status.lastExtensionVersion} last connected ${status.lastExtensionSeenAt}; older than ff-agent ${status.agentVersion}`,
              fix: 'Load the extension from the same release as ff-agent (see README: Load the extension).',
            }
          : status.lastExtensionSeenAt
            ? {
                name: 'extension',
                status: 'ok',
                detail:
                  `${status.lastExtensionVersion ?? ''} last connected ${status.lastExtensionSeenAt}`.trim(),
              }
            : {
                name: 'extension',
                status: 'warn',
                detail: 'has not connected since the agent started',
                fix: `Load the extension (see README; builds in ${join(packageRoot, '.output')}) and pair it: \`ff-agent install\`, or \`ff-agent pair\`.`,
              },
      );
      const orphans = await client.call('doctor.orphans');
      checks.push(
        orphans.length === 0
          ? { name: 'worktrees', status: 'ok', detail: 'no orphan worktrees' }
          : {
              name: 'worktrees',
              status: 'warn',
              detail: `${orphans.length} worktree(s) no workspace knows: ${orphans.join(', ')}`,
              fix: 'Remove them with `git worktree remove <path>` if you no longer need them.',
            },
      );
    });
  } else {
    checks.push({
      name: 'ff-agent',
      status: 'fail',
      detail:
        info?.pid && isProcessAlive(info.pid) ? `pid ${info.pid} runs but does not answer` : 'not running',
      fix: 'Start it: `ff-agent serve` (or `ff-agent install` to start it at login).',
    });
    if (inspection.problem) {
      // Without readable state there is no telling which worktrees are ff's: never claim there are no orphans.
      const folders = countWorktreeFolders(paths.worktrees);
      checks.push({
        name: 'worktrees',
        status: 'warn',
        detail: `not checked: state.json could not be read (${folders} worktree folder(s) under ${paths.worktrees})`,
        fix: 'Restore the state (see the state check), then run doctor again.',
      });
    }
    const port = info?.port ?? DEFAULT_AGENT_PORT;
    if (!(await portFree(port))) {
      checks.push({
        name: 'port',
        status: 'warn',
        detail: `127.0.0.1:${port} is taken by another program`,
        fix: 'ff-agent will pick a free port; or set FF_AGENT_PORT.',
      });
    }
  }

  const context = await installContext(paths, {});
  const plan = planInstall(context);
  const manifests = plan.files.filter((f) => f.purpose.startsWith('native host manifest'));
  for (const manifest of manifests) {
    const browser = manifest.purpose.replace('native host manifest for ', '');
    const browserDir = join(manifest.path, '..', '..');
    if (!existsSync(manifest.path)) {
      if (existsSync(browserDir)) {
        checks.push({
          name: `native host (${browser})`,
          status: 'warn',
          detail: 'not installed',
          fix: 'Run `ff-agent install` so the extension pairs by itself.',
        });
      }
      continue;
    }
    let target = '';
    try {
      target = JSON.parse(readFileSync(manifest.path, 'utf8')).path;
      accessSync(target, constants.X_OK);
      checks.push({ name: `native host (${browser})`, status: 'ok', detail: manifest.path });
    } catch {
      checks.push({
        name: `native host (${browser})`,
        status: 'fail',
        detail: `${manifest.path} points at ${target || 'nothing'}, which is not an executable`,
        fix: 'Run `ff-agent install` again.',
      });
    }
  }
  const autostart = plan.files.find((f) => f.purpose.includes('login'));
  if (autostart) {
    if (!existsSync(autostart.path)) {
      checks.push({
        name: 'start at login',
        status: 'warn',
        detail: 'not installed',
        fix: 'Run `ff-agent install`.',
      });
    } else if (autostart.path.endsWith('.service')) {
      const active = await exec('systemctl', ['--user', 'is-active', 'ff-agent.service']);
      checks.push(
        active.out === 'active'
          ? { name: 'start at login', status: 'ok', detail: 'systemd user service active' }
          : {
              name: 'start at login',
              status: 'warn',
              detail: `systemd user service ${active.out || 'inactive'}`,
              fix: 'systemctl --user enable --now ff-agent.service',
            },
      );
    } else {
      checks.push({ name: 'start at login', status: 'ok', detail: autostart.path });
    }
  }
  const recorded = installedService(paths.root);
  if (recorded) checks.push(serviceRecordCheck(recorded.service, isExecutableFile));

  try {
    mkdirSync(paths.worktrees, { recursive: true });
    accessSync(paths.worktrees, constants.W_OK);
    checks.push({ name: 'worktree root', status: 'ok', detail: `${paths.worktrees} is writable` });
  } catch {
    checks.push({
      name: 'worktree root',
      status: 'fail',
      detail: `${paths.worktrees} is not writable`,
      fix: 'Fix its permissions, or use --worktree-root per project.',
    });
  }
  return checks;
}

/**
 * Pure: what install recorded for the login service still holds. A service knows only what its
 * file says, so a `claude` moved or uninstalled since makes every session fail after the next login.
 */
export function serviceRecordCheck(
  service: { PATH: string; FF_CLAUDE_BIN?: string; node: string } | undefined,
  isExecutable: (file: string) => boolean,
): Check {
  const name = 'login service environment';
  const fix = 'Run `ff-agent install` again: it records the claude and PATH your shell has now.';
  if (!service)
    return {
      name,
      status: 'warn',
      detail: 'installed by an older ff-agent: the service has no PATH and may not find claude',
      fix,
    };
  if (!service.FF_CLAUDE_BIN)
    return { name, status: 'warn', detail: 'no claude was found when it was installed', fix };
  if (!isExecutable(service.FF_CLAUDE_BIN))
    return {
      name,
      status: 'warn',
      detail: `records claude at ${service.FF_CLAUDE_BIN}, which no longer exists: sessions fail after the next login`,
      fix,
    };
  if (!isExecutable(service.node))
    return {
      name,
      status: 'warn',
      detail: `runs node at ${service.node}, which no longer exists: the agent will not start at login`,
      fix,
    };
  return { name, status: 'ok', detail: `claude ${service.FF_CLAUDE_BIN}` };
}

/** Pure: the state check from an inspection of state.json and its backups. */
export function stateCheck(inspection: StateInspection, command: string): Check {
  const [newest] = inspection.backups;
  const backups =
    inspection.backups.length === 0
      ? 'no backups yet'
      : `${inspection.backups.length} good backup(s), newest ${newest!.savedAt}`;
  if (!inspection.problem) {
    const c = inspection.counts!;
    return {
      name: 'state',
      status: 'ok',
      detail: `${c.projects} project(s), ${c.workspaces} workspace(s), ${c.sessions} session(s); ${backups}`,
    };
  }
  return {
    name: 'state',
    status: 'fail',
    detail: `${inspection.problem}; ${backups}`,
    fix: newest
      ? `${command} serve --restore-state ${shellWord(newest.path)} (${describeBackup(newest)}; the current file is kept aside)`
      : 'Move state.json away (keep it: it may be repairable by hand) to start with empty state.',
  };
}

/** Folders that are git worktrees (a `.git` file) under the worktree root, a few levels deep. */
function countWorktreeFolders(root: string, depth = 6): number {
  let entries: Dirent[];
  try {
    entries = readdirSync(root, { withFileTypes: true });
  } catch {
    return 0;
  }
  if (entries.some((e) => e.name === '.git' && e.isFile())) return 1;
  if (depth === 0) return 0;
  return entries
    .filter((e) => e.isDirectory())
    .reduce((sum, e) => sum + countWorktreeFolders(join(root, e.name), depth - 1), 0);
}

export async function doctor(paths: HomePaths, options: { json?: boolean }): Promise<void> {
  const environment: DoctorEnvironments = {};
  const checks = await runChecks(paths, process.env, environment);
  const broken = checks.some((c) => c.status === 'fail');
  if (options.json) print({ ok: !broken, checks, environment });
  else {
    for (const c of checks) {
      const mark = {
        ok: out('green', '✓'),
        warn: out('yellow', '!'),
        fail: out('red', '✗'),
      }[c.status];
      process.stdout.write(
        // The mark is ff's own colour; what a check says may quote GitHub or the shell: made inert.
        `${mark} ${inertText(`${c.name}: ${c.detail}\n${c.fix && c.status !== 'ok' ? `    fix: ${c.fix}\n` : ''}`)}`,
      );
    }
  }
  if (broken) throw new CliError('', 1);
}

/** One remote host: ssh reachable, same ff-agent version, a round trip through the tunnel — pure. */
export function remoteCheck(remote: RemoteView, localVersion: string): Check {
  const name = `remote ${remote.name}`;
  if (remote.state === 'unreachable')
    return {
      name,
      status: 'fail',
      detail: `unreachable since ${remote.since}${remote.error ? `: ${remote.error}` : ''}`,
      fix: `Check that \`ssh ${remote.destination}\` works without a prompt (a key in ssh-agent, or --identity); ff-agent retries by itself.`,
    };
  if (remote.state === 'connecting')
    return {
      name,
      status: 'warn',
      detail: `connecting since ${remote.since}`,
      fix: 'Run doctor again in a few seconds.',
    };
  if (remote.latencyMs === undefined)
    return {
      name,
      status: 'fail',
      detail: 'ssh is up but the ff-agent there did not answer through the tunnel',
      fix: `Look at its log (~/.ff/logs on ${remote.destination}), or \`ff-agent remote remove ${remote.name}\` and add it again.`,
    };
  if (remote.agentVersion !== localVersion)
    return {
      name,
      status: 'warn',
      detail: `ff-agent ${remote.agentVersion ?? '?'} there, ${localVersion} here; round trip ${remote.latencyMs} ms`,
      fix: `Install ff-agent ${localVersion} on ${remote.destination} too, so both speak the same protocol.`,
    };
  return {
    name,
    status: 'ok',
    detail: `ssh ${remote.destination}: ff-agent ${remote.agentVersion}, round trip ${remote.latencyMs} ms`,
  };
}

export async function pair(paths: HomePaths, options: { json?: boolean }): Promise<void> {
  await withAgent(paths, async (client) => {
    const { code, expiresAt } = await client.call('pairing.create');
    const info = readAgentFile(paths);
    if (options.json) {
      process.stdout.write(`${JSON.stringify({ code, expiresAt, port: info?.port })}\n`);
      return;
    }
    process.stdout.write(
      `Pairing code: ${code}\nIn ff's Options, enter port ${info?.port} and this code. It works once, until ${expiresAt}.\n`,
    );
  });
}
