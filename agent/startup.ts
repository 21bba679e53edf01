// The imperative steps of starting the agent that are not wiring: taking the
// home, opening the state, finding a port.
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { ConfigError } from './config.js';
import type { Logger } from './logger.js';
import type { AgentServer } from './server/agent-server.js';
import { describeHomeError, HomeAccessError } from './store/fs-errors.js';
import { ffCommand, type HomePaths } from './store/home.js';
import { AlreadyRunningError, acquireInstanceLock } from './store/instance-lock.js';
import { StateStore } from './store/state-store.js';
import { tightenTranscripts } from './store/transcript-log.js';

export class PortInUseError extends Error {}

/** One agent per home: makes the home (0700) and takes its lock. Returns the lock's release. */
export function lockHome(paths: HomePaths): () => void {
  if (existsSync(paths.root) && !statSync(paths.root).isDirectory())
    throw new ConfigError(
      `ff's home ${paths.root} is a file, not a folder: point FF_HOME (or --home) at a folder.`,
    );
  try {
    mkdirSync(paths.root, { recursive: true, mode: 0o700 });
    return acquireInstanceLock(paths.lockFile, paths.root);
  } catch (error) {
    if (error instanceof AlreadyRunningError) throw error;
    throw new HomeAccessError(describeHomeError(error, paths.root), (error as NodeJS.ErrnoException).code);
  }
}

/** The state (from `restoreFrom` when given), with every transcript narrowed to mode 0600. */
export async function openState(
  paths: HomePaths,
  env: NodeJS.ProcessEnv,
  restoreFrom: string | undefined,
  log: Logger,
): Promise<StateStore> {
  const state = await StateStore.open(paths.stateFile, {
    backupsDir: paths.stateBackups,
    restoreFrom,
    command: ffCommand(paths, env),
    onInfo: (message) => log.info(message),
    onWarning: (message) => log.warn(message),
  });
  const narrowed = tightenTranscripts(paths.transcripts);
  if (narrowed > 0) log.info(`Made ${narrowed} transcript(s) readable by you only (mode 0600).`);
  return state;
}

/** Listens on the chosen port; a saved or default port that is taken gives way to a free one. */
export async function listenOnChosenPort(
  server: AgentServer,
  choice: { port: number; explicit: boolean },
  log: Logger,
): Promise<number> {
  try {
    return await server.listen(choice.port);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    if (choice.explicit) {
      throw new PortInUseError(
        `Port ${choice.port} on 127.0.0.1 is in use. Pick another with --port or FF_AGENT_PORT.`,
      );
    }
    const port = await server.listen(0);
    log.warn(`Port ${choice.port} is in use; listening on ${port} instead (saved for next time).`);
    return port;
  }
}
