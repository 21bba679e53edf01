import { environmentProblems } from '../../shared/agent-environment.js';
import { type RunningAgent, startAgent } from '../agent.js';
import { ConfigError } from '../config.js';
import { startAgentDetached } from '../login/start-detached.js';
import { PortInUseError } from '../startup.js';
import { HomeAccessError } from '../store/fs-errors.js';
import { resolveHome } from '../store/home.js';
import { AlreadyRunningError } from '../store/instance-lock.js';
import { StateDamagedError, StateVersionError } from '../store/state-store.js';
import { CliError } from './connect.js';
import { out } from './style.js';

export interface ServeOptions {
  home?: string;
  port?: number;
  verbose?: boolean;
  restoreState?: string;
}

/** `ff-agent serve`: runs the agent in the foreground until SIGINT/SIGTERM. */
export async function serve(options: ServeOptions): Promise<void> {
  let agent: RunningAgent | undefined;
  let stopRequested: NodeJS.Signals | undefined;
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(130); // a second Ctrl-C means "now"
    stopRequested = signal;
    if (!agent) return; // still starting: stop as soon as it is up
    stopping = true;
    agent.log.info(`Received ${signal}`);
    agent.close().then(
      () => process.exit(0),
      (error) => {
        process.stderr.write(`ff-agent: error while stopping: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  // Installed before anything is announced, so a signal can never meet Node's default (instant death).
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  try {
    agent = await startAgent(options);
  } catch (error) {
    if (
      error instanceof AlreadyRunningError ||
      error instanceof PortInUseError ||
      error instanceof ConfigError ||
      error instanceof StateVersionError ||
      error instanceof StateDamagedError ||
      error instanceof HomeAccessError
    ) {
      throw new CliError(error.message);
    }
    throw error;
  }
  process.stdout.write(`ff-agent listening on ws://127.0.0.1:${agent.port} (home ${agent.paths.root})\n`);
  if (stopRequested) stop(stopRequested);
  // What the agent cannot reach, one line each, so a missing claude or token shows before the first Start.
  const problems = environmentProblems(await agent.environment);
  for (const problem of problems) process.stdout.write(`${out('yellow', '!')} ${problem}\n`);
}

/** `ff-agent serve --detach`: the agent in the background; returns once it answers (or it already ran). */
export async function serveDetached(options: ServeOptions): Promise<void> {
  const paths = resolveHome(options.home);
  const live = await startAgentDetached(paths);
  if (!live)
    throw new CliError(
      `ff-agent did not start in the background; see ${paths.logs}/agent-start.log, or run \`ff-agent serve\` to see why.`,
    );
  process.stdout.write(`ff-agent running on ws://127.0.0.1:${live.port} (home ${paths.root})\n`);
}
