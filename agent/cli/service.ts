import { homedir } from 'node:os';
import type { LaunchedBy } from '../login/install-plan.js';
import { installedService, run } from '../login/installer.js';
import {
  type ControlStep,
  controlSteps,
  describeLaunch,
  type ServiceAction,
} from '../login/service-control.js';
import { reachableAgent, startAgentDetached } from '../login/start-detached.js';
import { readAgentFile } from '../store/agent-file.js';
import { ffCommand, type HomePaths } from '../store/home.js';
import { isProcessAlive } from '../store/instance-lock.js';
import { CliError } from './connect.js';

/** A clean stop lets running work finish (workspace steps, sessions): give it this long. */
const STOP_WAIT_MS = 30_000;
const START_WAIT_MS = 15_000;

interface Running {
  pid: number;
  launchedBy: LaunchedBy;
  port: number;
}

function runningAgent(paths: HomePaths): Running | undefined {
  const info = readAgentFile(paths);
  if (!info?.pid || !isProcessAlive(info.pid)) return undefined;
  return { pid: info.pid, launchedBy: info.launchedBy ?? 'terminal', port: info.port };
}

async function until(check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return check();
}

async function runStep(paths: HomePaths, step: ControlStep): Promise<void> {
  if (step.kind === 'signal') {
    try {
      process.kill(step.pid, 'SIGTERM');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EPERM')
        throw new CliError(`ff-agent (pid ${step.pid}) belongs to another user: stop it as that user.`);
      return; // it ended meanwhile
    }
    if (!(await until(() => !isProcessAlive(step.pid), STOP_WAIT_MS))) {
      throw new CliError(
        `ff-agent (pid ${step.pid}) is still stopping after ${STOP_WAIT_MS / 1000} s, finishing running work. ` +
          `\`kill -9 ${step.pid}\` ends it now; its sessions then resume as interrupted.`,
      );
    }
    return;
  }
  if (step.kind === 'start-detached') {
    if (!(await startAgentDetached(paths, START_WAIT_MS))) {
      throw new CliError(
        `ff-agent did not start; see ${paths.logs}/agent-start.log, or run \`${ffCommand(paths)} serve\` to see why.`,
      );
    }
    return;
  }
  let result = await run(step.argv);
  if (!result.ok && step.orElse) result = await run(step.orElse);
  if (!result.ok) {
    throw new CliError(`\`${result.argv.join(' ')}\` failed: ${result.output || 'no output'}`);
  }
}

/** `ff-agent stop | start | restart`: the same way the agent was started (see login/service-control.ts). */
export async function serviceControl(
  paths: HomePaths,
  action: ServiceAction,
  options: { json?: boolean } = {},
): Promise<void> {
  const before = runningAgent(paths);
  const steps = controlSteps(action, {
    ...(before ? { running: before } : {}),
    autostart: installedService(paths.root)?.autostart,
    uid: process.getuid?.() ?? 501,
    home: process.env.HOME ?? homedir(),
  });
  for (const step of steps) await runStep(paths, step);
  // A manager's stop or start may return before the process is gone or listening.
  if (action === 'stop' && before) await until(() => !isProcessAlive(before.pid), STOP_WAIT_MS);
  const after =
    action === 'stop'
      ? undefined
      : (await until(async () => (await reachableAgent(paths)) !== undefined, START_WAIT_MS))
        ? runningAgent(paths)
        : undefined;
  if (action !== 'stop' && !after) {
    throw new CliError(`ff-agent did not answer after starting; \`${ffCommand(paths)} logs\` shows why.`);
  }
  if (options.json) {
    process.stdout.write(`${JSON.stringify({ action, before: before ?? null, after: after ?? null })}\n`);
    return;
  }
  process.stdout.write(`${describeOutcome(action, before, after, paths)}\n`);
}

function describeOutcome(
  action: ServiceAction,
  before: Running | undefined,
  after: Running | undefined,
  paths: HomePaths,
): string {
  if (action === 'stop') {
    if (!before) return `ff-agent is not running (home ${paths.root}).`;
    const again =
      before.launchedBy === 'systemd' || before.launchedBy === 'launchd' || before.launchedBy === 'login'
        ? ` Its login service starts it again at the next login; \`${ffCommand(paths)} start\` starts it now.`
        : '';
    return `Stopped ff-agent (pid ${before.pid}, started ${describeLaunch(before.launchedBy)}).${again}`;
  }
  const now = `ff-agent is running on ws://127.0.0.1:${after!.port} (pid ${after!.pid}, started ${describeLaunch(after!.launchedBy)}).`;
  if (action === 'start' && before) return now.replace('ff-agent is running', 'ff-agent was already running');
  return action === 'restart' && before ? `Restarted. ${now}` : now;
}
