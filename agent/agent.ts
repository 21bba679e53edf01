// The composition root: builds the domain modules (modules.ts), registers their protocol
// handlers, listens, and stops them in order. Logic lives in the modules.
import { randomUUID } from 'node:crypto';
import { type AgentEnvironment, environmentProblems } from '../shared/agent-environment.js';
import { quickActionHandlers, sessionHandlers } from './claude/handlers.js';
import {
  choosePort,
  extensionIdsFromEnv,
  launchedBy,
  ratchetSchedule,
  type StartAgentOptions,
} from './config.js';
import { inspectEnvironment } from './environment.js';
import { fleetHandlers } from './fleet/handlers.js';
import { boardHandlers } from './kanban/handlers.js';
import { createLogger, type Logger } from './logger.js';
import { installedExtensionIds } from './login/installer.js';
import { type AgentModules, createModules, startModules } from './modules.js';
import { ratchetHandlers } from './ratchet/handlers.js';
import { remoteHandlers } from './remote/handlers.js';
import { closingForwards, previewHandlers } from './remote/preview-open.js';
import { AgentServer, type MethodHandlers } from './server/agent-server.js';
import { composeHandlers } from './server/handlers.js';
import { pairingHandlers, statusHandlers } from './server/status-handlers.js';
import { listenOnChosenPort, lockHome, openState } from './startup.js';
import { newToken, readAgentFile, writeAgentFile } from './store/agent-file.js';
import { type HomePaths, resolveHome } from './store/home.js';
import { settingsHandlers } from './store/settings-handlers.js';
import type { StateStore } from './store/state-store.js';
import { terminalHandlers } from './terminal/handlers.js';
import { agentVersion } from './version.js';
import { projectHandlers, workspaceHandlers } from './workspaces/handlers.js';

export type { StartAgentOptions };

export interface RunningAgent extends AgentModules {
  /** What this agent can reach (claude, its login, tokens, sandbox tools), checked once it listens. */
  environment: Promise<AgentEnvironment>;
  paths: HomePaths;
  port: number;
  token: string;
  instanceId: string;
  state: StateStore;
  /** The protocol handlers, one per method of shared/protocol.ts, as the modules registered them. */
  handlers: MethodHandlers;
  log: Logger;
  /** Stops accepting, closes clients, flushes state, releases the home. Safe to call twice. */
  close(): Promise<void>;
}

export async function startAgent(options: StartAgentOptions = {}): Promise<RunningAgent> {
  const env = options.env ?? process.env;
  // Configuration errors first, before anything is locked, written or listening.
  const schedule = await ratchetSchedule(env);
  const fromEnvIds = extensionIdsFromEnv(env);
  const paths = resolveHome(options.home, env);
  const releaseLock = lockHome(paths);
  const log = options.log ?? createLogger(paths.logs, { verbose: options.verbose });
  try {
    const state = await openState(paths, env, options.restoreState, log);
    const saved = readAgentFile(paths);
    const token = saved?.token ?? newToken();
    const instanceId = randomUUID();
    const startedAt = new Date();
    const modules = await createModules({ state, paths, log, env });
    const { hub, workspaces, sessions, ratchet, terminals, remotes, pairingCodes, previewForwards } = modules;
    // Each module registers its own methods; a method nobody registers does not compile.
    const handlers: MethodHandlers = composeHandlers([
      statusHandlers({ state, env, paths, instanceId, startedAt, server: () => server }),
      pairingHandlers(pairingCodes),
      settingsHandlers(state),
      remoteHandlers(remotes),
      projectHandlers(modules),
      workspaceHandlers({ ...modules, state, log }),
      sessionHandlers(sessions),
      quickActionHandlers({ sessions, promptsDir: modules.promptsDir, home: paths.root }),
      fleetHandlers(modules.fleet),
      terminalHandlers(terminals),
      ratchetHandlers(ratchet),
      boardHandlers(modules.boards),
      previewHandlers({
        localWorkspace: (id) => workspaces.get(id),
        ownerOf: (ref) => modules.relay.ownerOf(ref),
        remoteClient: (name) => remotes.client(name),
        forwards: previewForwards,
      }),
    ]);
    const server: AgentServer = new AgentServer({
      token: () => token,
      allowedExtensionIds: () => [
        ...fromEnvIds,
        ...state.data.settings.allowedExtensionIds,
        ...installedExtensionIds(paths.root),
      ],
      handlers: closingForwards(modules.relay.route(handlers), previewForwards),
      ...{ hub, log, agentVersion, instanceId },
      beforeSubscribe: (topic, sinceSeq) => modules.relay.prepare(topic, sinceSeq),
      heartbeatMs: options.heartbeatMs,
      helloTimeoutMs: options.helloTimeoutMs,
      redeemPairingCode: (code) => pairingCodes.redeem(code),
    });

    const port = await listenOnChosenPort(server, choosePort(options.port, env, saved?.port), log);
    const pid = process.pid;
    writeAgentFile(paths, {
      ...{ port, token, pid, version: agentVersion },
      startedAt: startedAt.toISOString(),
      launchedBy: launchedBy(env),
    });
    log.info(`ff-agent ${agentVersion} listening on ws://127.0.0.1:${port} (home ${paths.root}, pid ${pid})`);

    let closing: Promise<void> | undefined;
    // In this order: no new requests, no new work (remotes, ratchet, terminals), let running
    // work finish (workspaces, sessions), then the state, then the home.
    const close = () => {
      closing ??= (async () => {
        log.info('Stopping');
        await server.close();
        await previewForwards.close();
        await remotes.close();
        await ratchet.stop();
        terminals.closeAll();
        await workspaces.drain();
        await sessions.shutdown();
        await state.close();
        writeAgentFile(paths, { port, token, version: agentVersion });
        releaseLock();
        log.info('Stopped');
        if (!options.log) await log.close();
      })();
      return closing;
    };
    startModules(modules, { state, schedule, log });
    // Checked after listening (claude --version takes a moment): what is missing is said once, in the log.
    const environment = inspectEnvironment(
      env,
      state.data.projects.map((p) => p.host),
    ).then((view) => {
      for (const problem of environmentProblems(view)) log.warn(problem);
      return view;
    });
    return { ...modules, environment, paths, port, token, instanceId, state, handlers, log, close };
  } catch (error) {
    releaseLock();
    if (!options.log) await log.close();
    throw error;
  }
}
