import { PROTOCOL_VERSION, staleExtensionNotice } from '../../shared/protocol.js';
import { inspectEnvironment } from '../environment.js';
import type { HomePaths } from '../store/home.js';
import type { StateStore } from '../store/state-store.js';
import { agentVersion } from '../version.js';
import type { AgentServer } from './agent-server.js';
import type { HandlerTable } from './handlers.js';
import type { PairingCodes } from './pairing-codes.js';

export interface StatusDeps {
  state: StateStore;
  /** The agent's own environment (a login service's, not a shell's). */
  env: NodeJS.ProcessEnv;
  paths: HomePaths;
  instanceId: string;
  startedAt: Date;
  /** The server that answers (built after its handlers, hence a getter). */
  server: () => Pick<AgentServer, 'port' | 'clientCount' | 'lastExtension'>;
}

/** `status`: who this agent is, since when, and what it holds. */
export function statusHandlers({ state, env, paths, instanceId, startedAt, server }: StatusDeps) {
  return {
    // Looked at anew on each ask: the user may have logged in or added a token since the start.
    'doctor.environment': () =>
      inspectEnvironment(
        env,
        state.data.projects.map((p) => p.host),
      ),
    status: () => {
      const { port, clientCount, lastExtension } = server();
      const notice = lastExtension && staleExtensionNotice(agentVersion, lastExtension.version);
      return {
        agentVersion,
        protocol: PROTOCOL_VERSION,
        instanceId,
        pid: process.pid,
        port,
        home: paths.root,
        startedAt: startedAt.toISOString(),
        uptimeMs: Date.now() - startedAt.getTime(),
        ...(lastExtension
          ? { lastExtensionSeenAt: lastExtension.seenAt, lastExtensionVersion: lastExtension.version }
          : {}),
        ...(notice ? { extensionNotice: notice } : {}),
        counts: {
          projects: state.data.projects.length,
          workspaces: state.data.workspaces.length,
          sessions: state.data.sessions.length,
          clients: clientCount,
        },
      };
    },
  } satisfies HandlerTable;
}

/** `pairing.create`: a one-time code a browser can pair with instead of the token. */
export function pairingHandlers(pairingCodes: PairingCodes) {
  return { 'pairing.create': () => pairingCodes.create() } satisfies HandlerTable;
}
