import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { validateCronExpression } from 'cron';
import { ExtensionId } from '../shared/domain.js';
import { AgentError, PROTOCOL_VERSION, staleExtensionNotice } from '../shared/protocol.js';
import { permissionForOutsideText } from './claude/author-trust.js';
import { loadQuickActions } from './claude/prompts.js';
import { Sessions } from './claude/sessions.js';
import { EventHub } from './events/event-hub.js';
import { Fleet } from './fleet/fleet.js';
import { GitHubError } from './github/client.js';
import { GitHubHosts } from './github/hosts.js';
import { Boards } from './kanban/boards.js';
import { createLogger, type Logger } from './logger.js';
import { installedExtensionIds } from './login/installer.js';
import { Ratchet } from './ratchet/ratchet.js';
import { RemoteLinks } from './remote/remote-links.js';
import { AgentServer, type MethodHandlers } from './server/agent-server.js';
import { PairingCodes } from './server/pairing-codes.js';
import { newToken, readAgentFile, writeAgentFile } from './store/agent-file.js';
import { describeHomeError, HomeAccessError } from './store/fs-errors.js';
import { ffCommand, type HomePaths, resolveHome } from './store/home.js';
import { AlreadyRunningError, acquireInstanceLock } from './store/instance-lock.js';
import { StateStore } from './store/state-store.js';
import { tightenTranscripts } from './store/transcript-log.js';
import { Terminals } from './terminal/terminals.js';
import { agentVersion, packageRoot } from './version.js';
import { collectGarbage } from './workspaces/gc.js';
import { openPullRequest } from './workspaces/open-pr.js';
import { Projects } from './workspaces/projects.js';
import { Workspaces } from './workspaces/workspaces.js';

export const DEFAULT_PORT = 47100;

export interface StartAgentOptions {
  home?: string;
  /** From `--port`; wins over FF_PORT, the saved port and the default. 0 = any free port. */
  port?: number;
  verbose?: boolean;
  env?: NodeJS.ProcessEnv;
  log?: Logger;
  heartbeatMs?: number;
  helloTimeoutMs?: number;
  /** `--restore-state <backup>`: start from this state file (the current one is kept aside). */
  restoreState?: string;
}

export interface RunningAgent {
  paths: HomePaths;
  port: number;
  token: string;
  instanceId: string;
  hub: EventHub;
  state: StateStore;
  projects: Projects;
  workspaces: Workspaces;
  sessions: Sessions;
  ratchet: Ratchet;
  github: GitHubHosts;
  log: Logger;
  /** Stops accepting, closes clients, flushes state, releases the home. Safe to call twice. */
  close(): Promise<void>;
}

export class PortInUseError extends Error {}
/** A setting (env var, flag) that cannot be used: the agent says which and does not start. */
export class ConfigError extends Error {}

/**
 * Which port to listen on, and whether the user asked for it explicitly (an
 * explicit port that is taken is an error; the saved or default one falls
 * back to a free port, which is then saved).
 */
export function choosePort(
  flag: number | undefined,
  env: NodeJS.ProcessEnv,
  saved: number | undefined,
): { port: number; explicit: boolean } {
  if (flag !== undefined) return { port: flag, explicit: true };
  const fromEnv = env.FF_PORT?.trim();
  if (fromEnv) {
    const port = Number(fromEnv);
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      throw new ConfigError(`FF_PORT must be a port number (0-65535), got ${JSON.stringify(fromEnv)}.`);
    }
    return { port, explicit: true };
  }
  if (saved !== undefined && saved > 0) return { port: saved, explicit: false };
  return { port: DEFAULT_PORT, explicit: false };
}

/** FF_EXTENSION_IDS: comma-separated extension ids (Chrome's 32 letters, or a Firefox add-on id) — pure. */
export function extensionIdsFromEnv(env: NodeJS.ProcessEnv): string[] {
  const ids = (env.FF_EXTENSION_IDS ?? '')
    .split(',')
    .map((id) => id.trim())
    .filter(Boolean);
  const bad = ids.filter((id) => !ExtensionId.safeParse(id).success);
  if (bad.length > 0)
    throw new ConfigError(
      `FF_EXTENSION_IDS has ${bad.map((id) => JSON.stringify(id)).join(', ')}, which ${bad.length === 1 ? 'is not an extension id' : 'are not extension ids'} (Chrome: 32 letters a–p, from chrome://extensions; Firefox: the add-on id).`,
    );
  return ids;
}

const DEFAULT_RATCHET_SCHEDULE = '0 * * * * *';

/** The ratchet's schedule from FF_RATCHET_CRON: six-field cron, `off`, or every minute when unset — pure. */
export function ratchetSchedule(env: NodeJS.ProcessEnv): string {
  const schedule = env.FF_RATCHET_CRON?.trim() || DEFAULT_RATCHET_SCHEDULE;
  if (schedule === 'off' || schedule === DEFAULT_RATCHET_SCHEDULE) return schedule; // no cron parse on a default start
  const check = validateCronExpression(schedule);
  if (!check.valid)
    throw new ConfigError(
      `FF_RATCHET_CRON must be a cron schedule (with seconds, e.g. "0 * * * * *" for every minute) or "off", got ${JSON.stringify(schedule)}: ${check.error?.message ?? 'invalid'}.`,
    );
  return schedule;
}

export async function startAgent(options: StartAgentOptions = {}): Promise<RunningAgent> {
  const env = options.env ?? process.env;
  // Configuration errors first, before anything is locked, written or listening.
  const schedule = ratchetSchedule(env);
  const fromEnvIds = extensionIdsFromEnv(env);
  const paths = resolveHome(options.home, env);
  if (existsSync(paths.root) && !statSync(paths.root).isDirectory())
    throw new ConfigError(
      `ff's home ${paths.root} is a file, not a folder: point FF_HOME (or --home) at a folder.`,
    );
  let releaseLock: () => void;
  try {
    mkdirSync(paths.root, { recursive: true, mode: 0o700 });
    releaseLock = acquireInstanceLock(paths.lockFile, paths.root);
  } catch (error) {
    if (error instanceof AlreadyRunningError) throw error;
    throw new HomeAccessError(describeHomeError(error, paths.root), (error as NodeJS.ErrnoException).code);
  }
  const log = options.log ?? createLogger(paths.logs, { verbose: options.verbose });
  try {
    const state = await StateStore.open(paths.stateFile, {
      backupsDir: paths.stateBackups,
      restoreFrom: options.restoreState,
      command: ffCommand(paths, env),
      onInfo: (message) => log.info(message),
      onWarning: (message) => log.warn(message),
    });
    const narrowed = tightenTranscripts(paths.transcripts);
    if (narrowed > 0) log.info(`Made ${narrowed} transcript(s) readable by you only (mode 0600).`);
    const saved = readAgentFile(paths);
    const token = saved?.token ?? newToken();
    const instanceId = randomUUID();
    const startedAt = new Date();
    const hub = new EventHub();
    const projects = new Projects(state, paths);
    const promptsDir = join(packageRoot, 'prompts');
    const github = new GitHubHosts(env, log);
    const workspaces = new Workspaces({
      state,
      projects,
      hub,
      paths,
      log,
      issueTemplate: readFileSync(join(promptsDir, 'issue.md'), 'utf8'),
      issueLookup: (project, number) =>
        viaGitHub(github.forHost(project.host).issue(project.owner, project.repo, number)),
      pullRequestLookup: (project, number) =>
        viaGitHub(github.forHost(project.host).pullRequest(project.owner, project.repo, number)),
    });
    const sessions = new Sessions({ state, hub, paths, log, workspaces, env });
    workspaces.onReady(async (workspace, prompt, outside) => {
      await sessions.start({
        workspaceId: workspace.id,
        prompt,
        kind: 'chat',
        title: 'chat',
        ...permissionForOutsideText(outside, state.data.settings.trustOutsideAuthors),
      });
    });
    const ratchet = new Ratchet({
      state,
      hub,
      log,
      paths,
      github,
      sessions,
      workspaces,
      projects,
      promptsDir,
    });
    const boards = new Boards({ state, projects, github, hub, log });
    const terminals = new Terminals({ hub, workspaces, log, env });
    const fleet = new Fleet({ state, sessions, paths });
    workspaces.onChange((projectId) => boards.changed(projectId));
    const quickActions = () =>
      loadQuickActions(join(promptsDir, 'quick-actions'), join(paths.root, 'quick-actions'));
    await workspaces.reconcile();
    await sessions.reconcile();

    let server: AgentServer;
    const pairingCodes = new PairingCodes();
    const remotes = new RemoteLinks(paths.root, log, (views) => hub.publish('remotes', { remotes: views }));
    let lastExtensionSeenAt: string | undefined;
    let lastExtensionVersion: string | undefined;
    const handlers: MethodHandlers = {
      status: () => ({
        agentVersion,
        protocol: PROTOCOL_VERSION,
        instanceId,
        pid: process.pid,
        port: server.port,
        home: paths.root,
        startedAt: startedAt.toISOString(),
        uptimeMs: Date.now() - startedAt.getTime(),
        ...(lastExtensionSeenAt ? { lastExtensionSeenAt } : {}),
        ...(lastExtensionVersion ? { lastExtensionVersion } : {}),
        ...(lastExtensionVersion && staleExtensionNotice(agentVersion, lastExtensionVersion)
          ? { extensionNotice: staleExtensionNotice(agentVersion, lastExtensionVersion) }
          : {}),
        counts: {
          projects: state.data.projects.length,
          workspaces: state.data.workspaces.length,
          sessions: state.data.sessions.length,
          clients: server.clientCount,
        },
      }),
      'settings.get': () => state.data.settings,
      'settings.set': async (patch) => {
        await state.update((draft) => {
          draft.settings = { ...draft.settings, ...patch };
        });
        return state.data.settings;
      },
      'pairing.create': () => pairingCodes.create(),
      'doctor.orphans': () => workspaces.orphanWorktrees(),
      'remote.add': (params) => remotes.add(params),
      'remote.list': (params) => remotes.list(params?.probe),
      'remote.remove': (params) => remotes.remove(params.name),
      'project.add': async ({ machine, ...params }) =>
        machine && machine !== 'local'
          ? { ...(await remotes.call(machine, 'project.add', params)), machine }
          : projects.add(params),
      'project.list': () => projects.list(),
      'project.remove': (params) => projects.remove(params.project, params.force),
      'workspace.create': (params) => workspaces.create(params),
      'workspace.adopt': (params) => workspaces.adopt(params.project, params.pr),
      'workspace.retry': (params) => workspaces.retry(params.workspaceId),
      'workspace.list': (params) => workspaces.list(params ?? {}),
      'workspace.get': (params) => workspaces.get(params.workspaceId),
      'workspace.diff': (params) => workspaces.diff(params.workspaceId, params.maxBytes),
      'workspace.archive': (params) => workspaces.archive(params.workspaceId, params.force),
      'workspace.restore': (params) => workspaces.restore(params.workspaceId),
      'gc.run': (params) =>
        collectGarbage({ state, projects, workspaces, log }, { dryRun: Boolean(params?.dryRun) }),
      'session.start': (params) => sessions.start(params),
      'session.send': (params) => sessions.send(params.sessionId, params.text),
      'session.interrupt': (params) => sessions.interrupt(params.sessionId),
      'session.stop': (params) => sessions.stop(params.sessionId),
      'session.resume': (params) => sessions.resume(params.sessionId, params.prompt),
      'session.list': (params) => sessions.list(params ?? {}),
      'session.get': (params) => sessions.view(sessions.find(params.sessionId)),
      'session.events': (params) => sessions.events(params.sessionId, params.sinceSeq, params.limit),
      'permission.respond': (params) =>
        sessions.respondPermission(
          params.sessionId,
          params.requestId,
          params.allow,
          params.message,
          params.forSession,
        ),
      'fleet.status': () => fleet.status(),
      'fleet.costs': (params) => fleet.costs(params?.days ?? 30),
      'workspace.openPr': (params) => viaGitHub(openPullRequest({ workspaces, projects, github }, params)),
      'terminal.open': (params) => terminals.open(params),
      'terminal.input': (params) => {
        terminals.input(params.terminalId, params.data);
        return { ok: true as const };
      },
      'terminal.resize': (params) => terminals.resize(params.terminalId, params.cols, params.rows),
      'terminal.close': (params) => terminals.close(params.terminalId),
      'terminal.list': (params) => terminals.list(params?.workspaceId),
      'ratchet.tick': () => ratchet.tick(),
      'ratchet.status': () => ratchet.status(),
      'ratchet.pause': (params) => ratchet.setPaused(params.workspaceId, params.paused),
      'ratchet.decisions': (params) => ratchet.decisions(params.workspaceId, params.limit),
      'ratchet.settings.get': (params) => ratchet.getSettings(params?.project),
      'ratchet.settings.set': (params) => ratchet.setSettings(params.patch, params.project),
      'board.get': (params) => boards.get(params.project, params),
      'board.refresh': (params) => boards.get(params.project, { ...params, refresh: true }),
      'quickAction.list': () => {
        const { actions, problems } = quickActions();
        return { actions: actions.map(({ prompt: _prompt, ...action }) => action), problems };
      },
      'quickAction.run': async (params) => {
        const { actions, problems } = quickActions();
        const action = actions.find((a) => a.name === params.action);
        if (!action) {
          const broken = problems.find((p) => p.file.endsWith(`${params.action}.md`));
          throw new AgentError(
            'NOT_FOUND',
            broken
              ? `Quick action ${params.action} is broken (${broken.reason}).`
              : `No quick action ${JSON.stringify(params.action)}. Available: ${actions.map((a) => a.name).join(', ')}.`,
          );
        }
        return sessions.start({
          workspaceId: params.workspaceId,
          prompt: action.prompt,
          kind: 'quick-action',
          title: action.name,
        });
      },
    };
    server = new AgentServer({
      token: () => token,
      allowedExtensionIds: () => [
        ...fromEnvIds,
        ...state.data.settings.allowedExtensionIds,
        ...installedExtensionIds(paths.root),
      ],
      handlers,
      hub,
      log,
      agentVersion,
      instanceId,
      heartbeatMs: options.heartbeatMs,
      redeemPairingCode: (code) => pairingCodes.redeem(code),
      onExtensionConnected: (version) => {
        lastExtensionSeenAt = new Date().toISOString();
        lastExtensionVersion = version;
      },
      helloTimeoutMs: options.helloTimeoutMs,
    });

    const choice = choosePort(options.port, env, saved?.port);
    let port: number;
    try {
      port = await server.listen(choice.port);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
      if (choice.explicit) {
        throw new PortInUseError(
          `Port ${choice.port} on 127.0.0.1 is in use. Pick another with --port or FF_PORT.`,
        );
      }
      port = await server.listen(0);
      log.warn(`Port ${choice.port} is in use; listening on ${port} instead (saved for next time).`);
    }
    writeAgentFile(paths, {
      port,
      token,
      pid: process.pid,
      version: agentVersion,
      startedAt: startedAt.toISOString(),
    });
    log.info(
      `ff-agent ${agentVersion} listening on ws://127.0.0.1:${port} (home ${paths.root}, pid ${process.pid})`,
    );

    let closing: Promise<void> | undefined;
    const close = () => {
      closing ??= (async () => {
        log.info('Stopping');
        await server.close();
        await remotes.close();
        await ratchet.stop();
        terminals.closeAll();
        await workspaces.drain();
        await sessions.shutdown();
        await state.flush();
        writeAgentFile(paths, { port, token, version: agentVersion });
        releaseLock();
        log.info('Stopped');
        if (!options.log) await log.close();
      })();
      return closing;
    };
    if (schedule !== 'off') ratchet.start(schedule);
    // Tunnels come up in the background: an unreachable host never delays the local agent.
    try {
      remotes.start();
    } catch (error) {
      log.error(`Remotes not started: ${error instanceof Error ? error.message : String(error)}`);
    }
    // A restart between "ready" and the first session: start it now.
    for (const workspace of state.data.workspaces) void workspaces.startInitialSession(workspace.id);
    return {
      paths,
      port,
      token,
      instanceId,
      hub,
      state,
      projects,
      workspaces,
      sessions,
      ratchet,
      github,
      log,
      close,
    };
  } catch (error) {
    releaseLock();
    if (!options.log) await log.close();
    throw error;
  }
}

/** GitHub failures become protocol errors a person can act on. */
async function viaGitHub<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (error instanceof GitHubError) {
      throw new AgentError(
        error.kind === 'no-token' || error.kind === 'unauthorized' || error.kind === 'invalid'
          ? 'FAILED_PRECONDITION'
          : 'UNAVAILABLE',
        error.message,
      );
    }
    throw error;
  }
}
