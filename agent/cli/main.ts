#!/usr/bin/env node
import * as nodeModule from 'node:module';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { errorText } from '../../shared/error-text.js';
import { DEFAULT_AGENT_PORT } from '../../shared/extension-identity.js';
import { inertText } from '../../shared/inert-text.js';
import { resolveHome } from '../store/home.js';
import { agentVersion } from '../version.js';
import type { ProjectAddOptions, ProjectSetOptions } from './projects.js';
import { err } from './style.js';

// Node >= 22.1 keeps the compiled bundle on disk between runs (compiling the serve chunk is a good
// part of a cold start); Node 20 has no compile cache and starts as before.
(nodeModule as { enableCompileCache?: () => unknown }).enableCompileCache?.();

// Each command loads its own module when it runs: `status` or `session list` must not pay for the
// server (zod schemas of every method, ws server, Claude driver, node-pty, GitHub client), and
// `serve` must not pay for the client commands. The build bundles these into chunks (scripts/build-agent.mjs).
const commands = {
  serve: () => import('./serve.js'),
  status: () => import('./status.js'),
  projects: () => import('./projects.js'),
  workspaces: () => import('./workspaces.js'),
  ratchet: () => import('./ratchet.js'),
  sessions: () => import('./sessions.js'),
  settings: () => import('./settings.js'),
  doctor: () => import('./doctor.js'),
  install: () => import('./install.js'),
  remotes: () => import('./remotes.js'),
  service: () => import('./service.js'),
  logs: () => import('./logs.js'),
};

function parsePositiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('must be a positive whole number.');
  return n;
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new InvalidArgumentError('must be a port number from 0 to 65535 (0 = any free port).');
  }
  return port;
}

export function buildProgram(): Command {
  const program = new Command('ff-agent')
    .description(
      'The local agent of ff: worktrees, Claude Code sessions and the PR ratchet, for the ff browser extension.',
    )
    .version(agentVersion, '-v, --version')
    .option('--home <dir>', 'where ff keeps its state (default: $FF_HOME or ~/.ff)')
    .showHelpAfterError('(run ff-agent --help for usage)')
    .exitOverride();

  const home = () => resolveHome(program.opts<{ home?: string }>().home);

  program
    .command('serve')
    .description('run the agent in the foreground (127.0.0.1 only)')
    .option(
      '-p, --port <port>',
      `port to listen on (default: $FF_AGENT_PORT, else $FF_PORT outside a workspace, the saved port, or ${DEFAULT_AGENT_PORT})`,
      parsePort,
    )
    .option('--verbose', 'also write the log to stderr')
    .option('--detach', 'start it in the background (log in <home>/logs) and return once it answers')
    .option(
      '--restore-state <backup>',
      'start from this state backup (from <home>/state-backups); the current state.json is kept aside',
    )
    .action(async (options: { port?: number; verbose?: boolean; restoreState?: string; detach?: boolean }) =>
      (await commands.serve())[options.detach ? 'serveDetached' : 'serve']({
        home: home().root,
        port: options.port,
        verbose: options.verbose,
        restoreState: options.restoreState,
      }),
    );

  for (const action of ['stop', 'start', 'restart'] as const) {
    program
      .command(action)
      .description(
        {
          stop: 'stop the agent (through its login service when that runs it, so it does not come straight back)',
          start: 'start the agent: through its login service when installed, else in the background',
          restart: 'stop and start the agent the way it runs (terminal, background or login service)',
        }[action],
      )
      .option('--json', 'print JSON')
      .action(async (options: { json?: boolean }) =>
        (await commands.service()).serviceControl(home(), action, options),
      );
  }

  program
    .command('logs')
    .description("the agent's log (or a session's claude output, or a workspace's setup output)")
    .option('-f, --follow', 'keep printing what is appended (Ctrl-C stops)')
    .option('-n, --lines <n>', 'how many of the last lines to print (default 50)', parsePositiveInt)
    .option('--session <id>', "a session's claude output (its stderr)")
    .option('--workspace <id>', "a workspace's setup output")
    .action(async (options) => (await commands.logs()).logs(home(), options));

  program
    .command('status')
    .description('is the agent running? pid, port, uptime and counts')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => (await commands.status()).status(home(), options));

  const remote = program.command('remote').description('other machines ff runs on, over ssh');
  remote
    .command('add <name> <destination>')
    .description(
      'connect to ff-agent on a host you can ssh to (user@host or an ssh-config alias): starts it there if stopped, pairs over ssh',
    )
    .option('--port <n>', 'ssh port', parsePositiveInt)
    .option('--identity <file>', 'ssh private key')
    .option(
      '-o, --option <KEY=VALUE>',
      'an ssh option, passed as is and kept for reconnects (repeatable)',
      (value: string, previous: string[] = []) => [...previous, value],
    )
    .option('--json', 'print JSON')
    .action(async (name: string, destination: string, options) =>
      (await commands.remotes()).remoteAdd(home(), name, destination, options),
    );
  remote
    .command('list')
    .description('remotes: connected, or unreachable since when')
    .option('--probe', 'also time a round trip to each remote agent')
    .option('--json', 'print JSON')
    .action(async (options) => (await commands.remotes()).remoteList(home(), options));
  remote
    .command('remove <name>')
    .description('close the ssh connection and forget the remote (ff keeps running there)')
    .option('--json', 'print JSON')
    .action(async (name: string, options) => (await commands.remotes()).remoteRemove(home(), name, options));

  const project = program.command('project').description('local clones ff works on');
  project
    .command('add <path>')
    .description('register a local clone (owner/repo is read from its origin remote)')
    .option(
      '--host <remote>',
      'the clone is on this remote (`ff-agent remote list`); <path> is its path there',
    )
    .option('--setup <command>', 'shell command to run in every new worktree (e.g. "npm ci")')
    .option(
      '--session-during-setup',
      'start the first session as soon as the worktree exists, while the setup command runs',
    )
    .option(
      '--worktree-root <dir>',
      "where this project's worktrees go (default: <home>/worktrees/<owner>/<repo>, with the host first when not github.com)",
    )
    .option('--json', 'print JSON')
    .action(async (path: string, options: ProjectAddOptions) =>
      (await commands.projects()).projectAdd(home(), path, options),
    );
  project
    .command('set <owner/repo>')
    .description(
      "change a project's setup, run or archive command, when its first session starts, or whether PORT is set",
    )
    .option('--setup <command>', 'shell command to run in every new worktree; "" removes it')
    .option('--run <command>', 'shell command that starts the app (`workspace run`); "" removes it')
    .option('--archive <command>', 'shell command run in the worktree before archive; "" removes it')
    .option('--port-variable', "set PORT to the workspace's first port (the default)")
    .option('--no-port-variable', 'set FF_PORT and CONDUCTOR_PORT only, not PORT')
    .option('--session-during-setup', 'start the first session while the setup command runs')
    .option('--no-session-during-setup', 'start the first session after the setup command (the default)')
    .option('--sandbox', 'run its sessions inside the OS sandbox (the default; after --no-sandbox)')
    .option(
      '--no-sandbox',
      'run its sessions outside the OS sandbox, without its walls (a warning shows wherever they do)',
    )
    .option(
      '--allow-host <host...>',
      'let its sandboxed sessions reach these hosts too (example.com, *.example.com)',
    )
    .option('--disallow-host <host...>', 'take hosts off that list')
    .option('--json', 'print JSON')
    .action(async (ref: string, options: ProjectSetOptions) =>
      (await commands.projects()).projectSet(home(), ref, options),
    );
  project
    .command('show <owner/repo>')
    .description(
      'a project and its setup, run and archive scripts, each with where it came from (ff, conductor, superset or codex config)',
    )
    .option('--json', 'print JSON')
    .action(async (ref: string, options: { json?: boolean }) =>
      (await commands.projects()).projectShow(home(), ref, options),
    );
  project
    .command('list')
    .description('registered projects')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => (await commands.projects()).projectList(home(), options));
  project
    .command('remove <owner/repo>')
    .description('unregister a project (worktrees stay on disk)')
    .option('--force', 'even while it has active workspaces')
    .option('--json', 'print JSON')
    .action(async (ref: string, options: { force?: boolean; json?: boolean }) =>
      (await commands.projects()).projectRemove(home(), ref, options),
    );

  const workspace = program.command('workspace').description('worktrees on their own branches');
  workspace
    .command('create')
    .description('create a workspace: fetch, worktree, setup; prints progress')
    .requiredOption(
      '--project <owner/repo>',
      'which project (host/owner/repo when two hosts have one of that name)',
    )
    .option('--issue <n>', 'the GitHub issue it works on', parsePositiveInt)
    .option('--title <text>', 'the issue title (names the branch)')
    .option('--branch <name>', 'branch name (default: ff/<issue>-<title slug>)')
    .option('--base <branch>', "branch to start from (default: the project's default branch)")
    .option('--prompt <text>', 'first message for the Claude session that starts when it is ready')
    .option(
      '--no-session',
      'do not start a Claude session (default: start one when --issue or --prompt is given)',
    )
    .option('--no-wait', 'return at once instead of waiting until it is ready')
    .option('--json', 'print JSON')
    .action(async (options) => (await commands.workspaces()).workspaceCreate(home(), options));
  workspace
    .command('adopt')
    .description(
      "a workspace on an open PR ff did not open (a teammate's, a bot's, a fork's), tracked by the ratchet; a fork's is never pushed to",
    )
    .requiredOption(
      '--project <owner/repo>',
      'which project (host/owner/repo when two hosts have one of that name)',
    )
    .requiredOption('--pr <n>', 'the pull request number', parsePositiveInt)
    .option('--no-wait', 'return at once instead of waiting until it is ready')
    .option('--json', 'print JSON')
    .action(async (options) => (await commands.workspaces()).workspaceAdopt(home(), options));
  workspace
    .command('list')
    .description('workspaces with status, branch, changes and sessions')
    .option('--project <owner/repo>', 'only this project')
    .option('--all', 'include archived workspaces')
    .option('--json', 'print JSON')
    .action(async (options) => (await commands.workspaces()).workspaceList(home(), options));
  workspace
    .command('get <id>')
    .description(
      'one workspace: status, changes, ports, files from the main clone, and previews (ports its processes listen on)',
    )
    .option('--json', 'print JSON')
    .action(async (id: string, options) => (await commands.workspaces()).workspaceGet(home(), id, options));
  workspace
    .command('open <id>')
    .description(
      "print a URL this machine's browser opens for a preview of the workspace (a remote's goes through its ssh link)",
    )
    .option('--port <n>', 'which preview (needed when it has several)', parsePositiveInt)
    .option('--json', 'print JSON')
    .action(async (id: string, options) => (await commands.workspaces()).workspaceOpen(home(), id, options));
  workspace
    .command('run <id>')
    .description(
      "start the project's run script in a terminal of the workspace, with its ports (FF_PORT, PORT)",
    )
    .option('--stop', 'stop the run script and everything it started')
    .option('--json', 'print JSON')
    .action(async (id: string, options) => (await commands.workspaces()).workspaceRun(home(), id, options));
  workspace
    .command('archive <id>')
    .description(
      'stop what it started, snapshot the worktree on a new refs/ff/archive/<id>-<n>, then remove it (the branch stays); refuses, naming them, while it holds uncommitted, untracked, ignored or unpushed work, or anything a snapshot cannot hold',
    )
    .option('--force', 'snapshot and remove even then (`workspace restore` brings it all back)')
    .option(
      '--discard <path>',
      'delete this, which a snapshot cannot hold (over the size limit), with the worktree: each must be named (repeatable)',
      (value: string, previous: string[] = []) => [...previous, value],
    )
    .option('--json', 'print JSON')
    .action(async (id: string, options) =>
      (await commands.workspaces()).workspaceArchive(home(), id, options),
    );
  workspace
    .command('restore <id>')
    .description(
      'recreate an archived workspace from its newest snapshot, exactly as it was, and make it ready',
    )
    .option('--snapshot <ref>', 'restore this snapshot instead (`workspace snapshots <id>` lists them)')
    .option('--json', 'print JSON')
    .action(async (id: string, options) =>
      (await commands.workspaces()).workspaceRestore(home(), id, options),
    );
  workspace
    .command('snapshots <id>')
    .description(
      "a workspace's snapshots, newest first: what each holds; `restore` takes the newest unless told",
    )
    .option('--json', 'print JSON')
    .action(async (id: string, options) =>
      (await commands.workspaces()).workspaceSnapshots(home(), id, options),
    );
  workspace
    .command('retry <id>')
    .description('retry provisioning a failed or missing workspace')
    .option('--json', 'print JSON')
    .action(async (id: string, options) => (await commands.workspaces()).workspaceRetry(home(), id, options));
  workspace
    .command('diff <id>')
    .description('the worktree against its base, as a unified diff')
    .action(async (id: string) => (await commands.workspaces()).workspaceDiff(home(), id));

  workspace
    .command('open-pr <id>')
    .description('push the branch and open a pull request (title from the issue, "Closes #N")')
    .option('--title <text>', 'pull request title')
    .option('--json', 'print JSON')
    .action(async (id: string, options) => (await commands.ratchet()).openPr(home(), id, options));

  program
    .command('gc')
    .description(
      'reclaim disk: worktrees and branches of merged or archived workspaces (gcAfterDays), orphan worktrees ff made, old snapshots (archiveRetentionDays); worktrees are snapshotted first',
    )
    .option('--dry-run', 'print what it would remove, change nothing')
    .option('--json', 'print JSON')
    .action(async (options: { dryRun?: boolean; json?: boolean }) =>
      (await commands.workspaces()).gc(home(), options),
    );

  const ratchet = program.command('ratchet').description('the loop that keeps pull requests moving to merge');
  ratchet
    .command('tick')
    .description('check every tracked pull request now')
    .option('--json', 'print JSON')
    .action(async (options) => (await commands.ratchet()).ratchetTick(home(), options));
  ratchet
    .command('status')
    .description("GitHub connection, last and next tick, and each workspace's PR state and last decision")
    .option('--json', 'print JSON')
    .action(async (options) => (await commands.ratchet()).ratchetStatus(home(), options));
  ratchet
    .command('pause <workspace>')
    .description("stop the ratchet acting on this workspace's PR")
    .action(async (id: string) => (await commands.ratchet()).ratchetPause(home(), id, true));
  ratchet
    .command('resume <workspace>')
    .description('let the ratchet act again (with a fresh attempt budget)')
    .action(async (id: string) => (await commands.ratchet()).ratchetPause(home(), id, false));
  const settings = ratchet
    .command('settings')
    .description("the ratchet's settings, global or one project's (with its overrides marked)")
    .option('--project <owner/repo>', "a project's settings")
    .option('--json', 'print JSON')
    .action(async (options) => (await commands.ratchet()).ratchetSettings(home(), options));
  settings
    .command('set <key> <value>')
    .description('change one setting (true/false, a number, a name, or a comma-separated list)')
    .option('--project <owner/repo>', 'change it for this project only')
    .option('--json', 'print JSON')
    // `--project`/`--json` after `set` may be taken by `settings` (it has them too): read both.
    .action(async (key: string, value: string, options, command: Command) =>
      (await commands.ratchet()).ratchetSettingsSet(home(), key, value, {
        ...command.parent?.opts(),
        ...options,
      }),
    );

  const general = program
    .command('settings')
    .description('the settings kept in state.json (snapshots, gc, permission mode, extension ids)')
    .option('--json', 'print JSON')
    .action(async (options) => (await commands.settings()).settings(home(), options));
  general
    .command('set <key> <value>')
    .description('change one setting (true/false, a number, a name, or a comma-separated list)')
    .option('--json', 'print JSON')
    .action(async (key: string, value: string, options, command: Command) =>
      (await commands.settings()).settingsSet(home(), key, value, { ...command.parent?.opts(), ...options }),
    );

  program
    .command('board <owner/repo>')
    .description('the kanban: GitHub Issues, Working, Waiting, Done')
    .option('--filter <text>', 'search within the assigned issues')
    .option('--json', 'print JSON')
    .action(async (project: string, options) => (await commands.ratchet()).board(home(), project, options));

  program
    .command('install')
    .description('start ff-agent at login and let the extension pair by itself (native messaging host)')
    .option('--browser <name>', 'chrome, chromium, edge, brave, firefox or all', 'all')
    .option('--no-autostart', 'only the native messaging host, no start at login')
    .option('--extension-id <id...>', 'also allow this extension id (development builds)')
    .option('--no-start', 'do not start the agent now')
    .option('--dry-run', 'print every file it would write, with its content, and every command')
    .action(async (options) => (await commands.install()).install(home(), options));
  program
    .command('pair')
    .description('print a short-lived, single-use code to pair the extension by hand')
    .option('--json', 'print JSON')
    .action(async (options) => (await commands.doctor()).pair(home(), options));
  program
    .command('doctor')
    .description('check everything ff needs, each with a fix; exit 1 when something is broken')
    .option('--json', 'print JSON')
    .action(async (options) => (await commands.doctor()).doctor(home(), options));
  program
    .command('uninstall')
    .description('remove exactly what install wrote and stop the login service')
    .action(async () => (await commands.install()).uninstall(home()));

  const session = program.command('session').description('Claude Code sessions in workspaces');
  session
    .command('start <workspace>')
    .description('start a Claude Code session in a ready workspace')
    .option('--prompt <text>', 'the first message')
    .option('--ask', 'ask before each tool use (default: the permission mode in settings)')
    .option('--model <model>', 'Claude model')
    .option('--json', 'print JSON')
    .action(async (workspaceId: string, options) =>
      (await commands.sessions()).sessionStart(home(), workspaceId, options),
    );
  session
    .command('send <session> <text>')
    .description('send a message (queued while a turn runs; resumes a stopped session)')
    .option('--json', 'print JSON')
    .action(async (id: string, text: string, options) =>
      (await commands.sessions()).sessionSend(home(), id, text, options),
    );
  session
    .command('log <session>')
    .description('the transcript, readable')
    .option('-f, --follow', 'keep printing new events')
    .option('--json', 'one JSON event per line')
    .action(async (id: string, options) => (await commands.sessions()).sessionLog(home(), id, options));
  session
    .command('list')
    .description('sessions with status, turns and cost')
    .option('--workspace <id>', 'only this workspace')
    .option('--json', 'print JSON')
    .action(async (options) => (await commands.sessions()).sessionList(home(), options));
  for (const action of ['interrupt', 'stop', 'resume'] as const) {
    const command = session
      .command(`${action} <session>`)
      .description(
        {
          interrupt: 'stop the current turn; the session stays usable',
          stop: "end the session's claude process",
          resume: 'continue a stopped, crashed or interrupted session',
        }[action],
      )
      .option('--json', 'print JSON');
    if (action === 'resume') command.option('--prompt <text>', 'a message to send once resumed');
    command.action(async (id: string, options) =>
      (await commands.sessions()).sessionControl(home(), action, id, options),
    );
  }

  program
    .command('quick [workspace] [action]')
    .description(
      'run a quick action (review, simplify, rebase, rename-branch, …) in a workspace; no arguments lists them',
    )
    .option('--json', 'print JSON')
    .action(async (workspaceId: string | undefined, action: string | undefined, options) =>
      (await commands.sessions()).quickAction(home(), workspaceId, action, options),
    );

  finishCommands(program);
  return program;
}

/** Examples shown under a command's --help: what a new user types first. */
const EXAMPLES: Record<string, string[]> = {
  'ff-agent': ['ff-agent install', 'ff-agent project add .', 'ff-agent workspace list', 'ff-agent doctor'],
  serve: ['ff-agent serve', 'ff-agent serve --detach', 'ff-agent serve --port 0 --verbose'],
  stop: ['ff-agent stop'],
  restart: ['ff-agent restart'],
  logs: ['ff-agent logs -f', 'ff-agent logs --session 3f9c2a1b7e -n 200'],
  'project add': [
    'cd ~/src/app && ff-agent project add .',
    'ff-agent project add ~/src/app --setup "npm ci"',
    'ff-agent project add ~/src/app --host devbox',
  ],
  'project set': [
    'ff-agent project set octo/app --setup "npm ci" --session-during-setup',
    'ff-agent project set octo/app --allow-host npm.example.com',
  ],
  'workspace create': [
    'ff-agent workspace create --project octo/app --issue 42',
    'ff-agent workspace create --project octo/app --branch spike --prompt "Try the new parser"',
  ],
  'workspace adopt': ['ff-agent workspace adopt --project octo/app --pr 17'],
  'workspace archive': [
    'ff-agent workspace archive 3f9c2a1b7e',
    'ff-agent workspace archive 3f9c2a1b7e --force',
    'ff-agent workspace archive 3f9c2a1b7e --force --discard node_modules/',
  ],
  'workspace restore': [
    'ff-agent workspace restore 3f9c2a1b7e',
    'ff-agent workspace restore 3f9c2a1b7e --snapshot 3f9c2a1b7e-1',
  ],
  'session start': ['ff-agent session start 3f9c2a1b7e --prompt "Add a test for the parser"'],
  'session log': ['ff-agent session log 9a1b2c3d4e -f'],
  'remote add': [
    'ff-agent remote add devbox me@devbox.example.com',
    'ff-agent remote add gpu gpu-box --identity ~/.ssh/id_ed25519',
  ],
  'ratchet settings set': ['ff-agent ratchet settings set autoMerge true --project octo/app'],
  'settings set': ['ff-agent settings set githubEnterpriseHosts ghe.example.com'],
  install: ['ff-agent install', 'ff-agent install --browser chrome --dry-run'],
};

/** The command's path as typed after `ff-agent` ('' for the program itself). */
function commandPath(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c?.parent; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

/**
 * Every command: a usage error points at that command's own --help (not the program's), and
 * its help ends with examples where it has some.
 */
function finishCommands(command: Command): void {
  const path = commandPath(command);
  command.showHelpAfterError(`(run ff-agent${path ? ` ${path}` : ''} --help for usage)`);
  const examples = EXAMPLES[path || 'ff-agent'];
  if (examples) command.addHelpText('after', `\nExamples:\n${examples.map((e) => `  $ ${e}`).join('\n')}\n`);
  command.configureOutput({ outputError: (text, write) => write(err('red', text)) });
  for (const sub of command.commands) finishCommands(sub);
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode; // commander already printed help/usage
    const [{ CliError }, { AgentError }] = await Promise.all([
      import('./connect.js'),
      import('../../shared/protocol.js'),
    ]);
    if (error instanceof CliError) {
      if (error.message) process.stderr.write(`${err('red', inertText(error.message))}\n`);
      return error.exitCode;
    }
    if (error instanceof AgentError) {
      process.stderr.write(`${err('red', `ff-agent: ${inertText(error.message)}`)}\n`);
      return 1;
    }
    process.stderr.write(
      `${err('red', `ff-agent: unexpected error: ${inertText(errorText(error))}`)}\nIf it happens again, please report it with the output of \`ff-agent logs -n 100\`.\n`,
    );
    return 1;
  }
}

const code = await main(process.argv);
// `serve` keeps running on its own handles; every other command ends here.
if (code !== 0) process.exit(code);
