// The agent's domain modules, built and plugged into one another. agent.ts registers
// their protocol handlers and runs their life (start, listen, stop).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { errorText } from '../shared/error-text.js';
import { SESSION_ACTIVITY } from '../shared/session-counts.js';
import { permissionForOutsideText } from './claude/author-trust.js';
import { Sessions } from './claude/sessions.js';
import { EventHub } from './events/event-hub.js';
import { Fleet } from './fleet/fleet.js';
import { viaGitHub } from './github/agent-error.js';
import { GitHubHosts } from './github/hosts.js';
import { Boards } from './kanban/boards.js';
import type { Logger } from './logger.js';
import { Ratchet } from './ratchet/ratchet.js';
import { PreviewForwards } from './remote/preview-forwards.js';
import { stillPreviewOn } from './remote/preview-open.js';
import { RemoteLinks } from './remote/remote-links.js';
import { RemoteRelay } from './remote/remote-relay.js';
import { projectMatches } from './remote/route.js';
import { PairingCodes } from './server/pairing-codes.js';
import type { HomePaths } from './store/home.js';
import type { StateStore } from './store/state-store.js';
import { Terminals } from './terminal/terminals.js';
import { packageRoot } from './version.js';
import { Projects } from './workspaces/projects.js';
import { Workspaces } from './workspaces/workspaces.js';

export interface AgentModules {
  hub: EventHub;
  projects: Projects;
  github: GitHubHosts;
  workspaces: Workspaces;
  sessions: Sessions;
  ratchet: Ratchet;
  boards: Boards;
  terminals: Terminals;
  fleet: Fleet;
  remotes: RemoteLinks;
  /** Routes requests and events for what remotes own (agent/remote/remote-relay.ts). */
  relay: RemoteRelay;
  /** Forwards to remote workspaces' previews over their ssh links (agent/remote/preview-forwards.ts). */
  previewForwards: PreviewForwards;
  pairingCodes: PairingCodes;
  /** The built-in prompt templates (`prompts/`). */
  promptsDir: string;
}

/**
 * Builds every domain module on one state, wires their hooks (a ready
 * workspace starts its first session; a changed workspace refreshes its
 * board), and reconciles workspaces and sessions with what is on disk.
 */
export async function createModules(base: {
  state: StateStore;
  paths: HomePaths;
  log: Logger;
  env: NodeJS.ProcessEnv;
}): Promise<AgentModules> {
  const { state, paths, log, env } = base;
  const hub = new EventHub();
  const github = new GitHubHosts(env, log);
  const projects = new Projects(state, paths, github.configuredHosts());
  const promptsDir = join(packageRoot, 'prompts');
  const workspaces = new Workspaces({
    state,
    projects,
    hub,
    paths,
    log,
    issueTemplate: readFileSync(join(promptsDir, 'issue.md'), 'utf8'),
    setupRunningTemplate: readFileSync(join(promptsDir, 'setup-running.md'), 'utf8'),
    issueLookup: (project, number) =>
      viaGitHub(github.forHost(project.host).issue(project.owner, project.repo, number)),
    pullRequestLookup: (project, number) =>
      viaGitHub(github.forHost(project.host).pullRequest(project.owner, project.repo, number)),
  });
  const sessions = new Sessions({ state, hub, paths, log, workspaces, env });
  workspaces.onReady(async (workspace, prompt, outside, unverified) => {
    await sessions.start({
      workspaceId: workspace.id,
      prompt,
      kind: 'chat',
      title: 'chat',
      duringSetup: workspace.status === 'provisioning',
      ...permissionForOutsideText(
        outside,
        state.data.settings.trustOutsideAuthors,
        unverified ? [unverified] : [],
      ),
    });
  });
  const ratchet = new Ratchet({ state, hub, log, paths, github, sessions, workspaces, projects, promptsDir });
  const boards = new Boards({ state, projects, github, hub, log, previews: (id) => workspaces.previews(id) });
  const terminals = new Terminals({ hub, workspaces, log, env });
  const fleet = new Fleet({ state, sessions, paths });
  workspaces.onChange((projectId) => boards.changed(projectId));
  await workspaces.reconcile();
  await sessions.reconcile();
  const pairingCodes = new PairingCodes();
  const remotes = new RemoteLinks(paths.root, log, (views) => hub.publish('remotes', { remotes: views }), {
    healthMs: Number(env.FF_REMOTE_HEALTH_MS) || undefined,
  });
  // What this machine owns always routes here, whatever a remote says.
  const local = {
    has: (kind: 'project' | 'workspace' | 'session' | 'terminal', id: string) =>
      kind === 'project'
        ? state.data.projects.some((p) => projectMatches(p, id))
        : kind === 'terminal'
          ? terminals.list().some((t) => t.id === id)
          : (kind === 'workspace' ? state.data.workspaces : state.data.sessions).some((w) => w.id === id),
  };
  const relay = new RemoteRelay({
    ...{ links: remotes, hub, log, local },
    cacheDir: join(paths.root, 'remotes-cache'),
    releaseIdleMs: Number(env.FF_REMOTE_RELEASE_MS) || undefined,
  });
  const previewForwards = new PreviewForwards({
    route: (name) => remotes.sshRoute(name),
    log,
    idleMs: Number(env.FF_PREVIEW_IDLE_MS) || undefined,
    stillPreview: stillPreviewOn((name) => remotes.client(name)),
    checkMs: Number(env.FF_PREVIEW_CHECK_MS) || undefined,
  });
  const modules = { hub, projects, github, workspaces, sessions, ratchet, boards, terminals, fleet };
  return { ...modules, remotes, relay, previewForwards, pairingCodes, promptsDir };
}

/**
 * Once the agent listens: the ratchet's schedule, following the workspaces'
 * files, the remote tunnels, and the first sessions a restart interrupted.
 */
export function startModules(
  modules: AgentModules,
  { state, schedule, log }: { state: StateStore; schedule: string; log: Logger },
): void {
  if (schedule !== 'off') modules.ratchet.start(schedule);
  modules.workspaces.start();
  // Ports come and go while something runs in a workspace: a terminal (the run script's too) or a session at work.
  modules.workspaces.followPreviews(
    () =>
      modules.terminals.list().some((t) => t.exitCode === undefined) ||
      state.data.sessions.some((s) => SESSION_ACTIVITY[s.status] === 'running'),
  );
  // Tunnels come up in the background: an unreachable host never delays the local agent.
  try {
    modules.remotes.start();
  } catch (error) {
    log.error(`Remotes not started: ${errorText(error)}`);
  }
  // A restart between "ready" and the first session: start it now.
  for (const workspace of state.data.workspaces) void modules.workspaces.startInitialSession(workspace.id);
}
