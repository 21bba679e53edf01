/**
 * How the relay treats each method of shared/protocol.ts — pure, one entry
 * per method. `MethodRules` maps every method the handlers answer, so a new
 * method nobody classified here does not compile (like the handler tables
 * that `satisfies HandlerTable`).
 *
 * An entry says:
 * - `owner`: what the request names that one machine owns. The relay sends it
 *   there (`toRemote` shapes the params a remote gets); none: answered here.
 * - `answer`: in a remote's answer, its own things carry its name (`stamp`),
 *   and what it shows the remote owns (`found`): how ownership is learned,
 *   from the call that made or listed a thing.
 * - `follow`: a topic whose events start with the answer: followed on the remote
 *   from its first event before the answer is given, so a subscriber that comes
 *   right after the answer misses none (a workspace provisioning, a terminal).
 * - `cached`: the answer from a remote's last known lists while it is
 *   unreachable, or slow to answer (SLOW_MS, remote-relay.ts).
 * - `merge`: after this machine answered, which remotes add to the answer,
 *   what each is asked, and how the answers combine.
 */
import type { Board, CardSession } from '../../shared/board.js';
import type { ProjectDetails, ProjectView, SessionView, WorkspaceView } from '../../shared/domain.js';
import type {
  FleetRow,
  MethodParams,
  MethodResult,
  MethodResultInput,
  ParsedParams,
  TerminalInfo,
  Topic,
} from '../../shared/protocol.js';
import type { RatchetDecision, RatchetStatus, TickResult, WorkspaceRatchet } from '../../shared/ratchet.js';
import { mergeCostHistories } from '../fleet/cost-history.js';
import type { HandledMethod } from '../server/agent-server.js';
import { knownBoard } from './known-boards.js';
import { type Found, type KnownLists, projectIn } from './remote-lists.js';
import { mergeBoards, type OwnerRef, stampBoard, stampView } from './route.js';

/** How a remote's answer of one type is known here. */
export interface AnswerRule<R> {
  /** The answer with the remote's own things (`machine: local`) carrying its name. Default: as it came. */
  stamp?: (result: R, machine: string) => R;
  /** The things the answer shows the remote owns, and the views to keep of them. */
  found: (result: R) => Found;
}

/** One remote's answer to a merged request. */
export interface RemoteAnswer<M extends HandledMethod> {
  machine: string;
  result: MethodResult<M>;
}

export interface MergeRule<M extends HandledMethod> {
  /** Whether a remote has anything to add, from what is known of it. Default: every remote. */
  from?: (params: ParsedParams<M>, lists: KnownLists) => boolean;
  /** What that remote is asked. Default: the same params. */
  ask?: (params: ParsedParams<M>, lists: KnownLists) => MethodParams<M>;
  /** This machine's answer with the remotes' (reachable ones, or answered from their last known lists). */
  combine: (here: MethodResultInput<M>, theirs: ReadonlyArray<RemoteAnswer<M>>) => MethodResultInput<M>;
}

export interface MethodRule<M extends HandledMethod> {
  owner?: (params: ParsedParams<M>) => OwnerRef | undefined;
  toRemote?: (params: ParsedParams<M>) => MethodParams<M>;
  answer?: AnswerRule<MethodResult<M>>;
  follow?: (result: MethodResult<M>) => Topic;
  cached?: (lists: KnownLists, params: MethodParams<M>) => MethodResult<M> | undefined;
  merge?: MergeRule<M>;
}

export type MethodRules = { readonly [M in HandledMethod]: MethodRule<M> };

// -- What a request names -------------------------------------------------------------------

const byProject = (p: { project: string }): OwnerRef => ({ kind: 'project', id: p.project });
const byWorkspace = (p: { workspaceId: string }): OwnerRef => ({ kind: 'workspace', id: p.workspaceId });
const bySession = (p: { sessionId: string }): OwnerRef => ({ kind: 'session', id: p.sessionId });
const byTerminal = (p: { terminalId: string }): OwnerRef => ({ kind: 'terminal', id: p.terminalId });
/** A list narrowed to one project or workspace goes to its owner; the whole list is every machine's. */
const byProjectIfNamed = (p: { project?: string } | undefined) =>
  p?.project ? byProject({ project: p.project }) : undefined;
const byWorkspaceIfNamed = (p: { workspaceId?: string } | undefined) =>
  p?.workspaceId ? byWorkspace({ workspaceId: p.workspaceId }) : undefined;

// -- What an answer shows -------------------------------------------------------------------

const stampAll = <T extends { machine: ProjectView['machine'] }>(list: T[], machine: string) =>
  list.map((view) => stampView(view, machine));

const project: AnswerRule<ProjectView> = { stamp: stampView, found: (p) => ({ projects: [p] }) };
const projectDetails: AnswerRule<ProjectDetails> = { stamp: stampView, found: (p) => ({ projects: [p] }) };
const projects: AnswerRule<ProjectView[]> = { stamp: stampAll, found: (list) => ({ projects: list }) };
const workspace: AnswerRule<WorkspaceView> = { stamp: stampView, found: (w) => ({ workspaces: [w] }) };
const workspaces: AnswerRule<WorkspaceView[]> = { stamp: stampAll, found: (list) => ({ workspaces: list }) };
const madeWorkspace: AnswerRule<{ workspace: WorkspaceView; created: boolean }> = {
  stamp: (made, machine) => ({ ...made, workspace: stampView(made.workspace, machine) }),
  found: (made) => ({ workspaces: [made.workspace] }),
};
const session: AnswerRule<SessionView> = { stamp: stampView, found: (s) => ({ sessions: [s] }) };
const sessions: AnswerRule<SessionView[]> = { stamp: stampAll, found: (list) => ({ sessions: list }) };
const terminal: AnswerRule<TerminalInfo> = { found: (t) => ({ terminals: [t] }) };
const terminals: AnswerRule<TerminalInfo[]> = { found: (list) => ({ terminals: list }) };
const fleetRows: AnswerRule<FleetRow[]> = {
  found: (rows) => ({ ids: { session: rows.map((r) => r.sessionId) } }),
};

const sessionIdsOf = (values: ReadonlyArray<string | undefined>) =>
  values.filter((id): id is string => id !== undefined);
const workspaceRatchet: AnswerRule<WorkspaceRatchet> = {
  found: (r) => ({ ids: { session: sessionIdsOf([r.fixerSessionId]) } }),
};
const decisions: AnswerRule<RatchetDecision[]> = {
  found: (list) => ({ ids: { session: sessionIdsOf(list.map((d) => d.sessionId)) } }),
};

/** A tick's decisions: each names a workspace of the machine that ticked, and maybe the fixer it started there. */
export function tickFound(tick: Pick<TickResult, 'decisions'>): Found {
  return {
    ids: {
      workspace: tick.decisions.map((d) => d.workspaceId),
      session: sessionIdsOf(tick.decisions.map((d) => d.decision.sessionId)),
    },
  };
}
const tick: AnswerRule<TickResult> = { found: tickFound };
const ratchetStatus: AnswerRule<RatchetStatus> = {
  found: (status) => ({
    ids: {
      workspace: status.workspaces.map((w) => w.workspaceId),
      session: sessionIdsOf(status.workspaces.map((w) => w.ratchet.fixerSessionId)),
    },
  }),
};

/** A board's cards: the workspaces (their records, newer than what was kept) and sessions of its machine. */
export function boardFound(board: Board): Found {
  const cards = [...board.columns.working, ...board.columns.waiting, ...board.columns.done];
  return {
    workspaceChanges: cards.map((card) => card.workspace),
    ids: {
      workspace: cards.map((card) => card.workspace.id),
      session: cards.flatMap((card) => card.sessions.list.map((s: CardSession) => s.id)),
    },
  };
}
const board: AnswerRule<Board> = { stamp: stampBoard, found: boardFound };

/** A workspace's topic: provisioning's steps and output, and its record's changes. */
const workspaceTopic = (w: { id: string }): Topic => `workspace:${w.id}`;

// -- Answers from the last known lists ------------------------------------------------------

function workspacesOf(lists: KnownLists, p: { project?: string; includeArchived?: boolean } | undefined) {
  const named = p?.project === undefined ? undefined : projectIn(lists, p.project);
  if (p?.project !== undefined && !named) return [];
  return lists.workspaces.filter(
    (w) => (p?.includeArchived || w.status !== 'archived') && (!named || w.projectId === named.id),
  );
}

/** A fleet row per last known session: since when it has had its status; no process or tool, nothing live is known. */
const fleetOf = (lists: KnownLists): FleetRow[] =>
  lists.sessions.map((s) => ({ sessionId: s.id, statusSince: s.updatedAt ?? s.createdAt }));

/**
 * The PRs the remote's ratchet follows (its ready workspaces), as its status
 * lists them. Only these join this machine's status (the merge below): the
 * rest says nothing of the remote, whose GitHub connection is its own.
 */
const ratchetOf = (lists: KnownLists): RatchetStatus => ({
  github: { connected: false },
  running: false,
  workspaces: lists.workspaces
    .filter((w) => w.status === 'ready' && lists.projects.some((p) => p.id === w.projectId))
    .map((w) => ({
      workspaceId: w.id,
      branch: w.branch,
      project: w.project,
      ...(w.pr ? { pr: w.pr } : {}),
      ratchet: w.ratchet,
    })),
});

// -- Merges ---------------------------------------------------------------------------------

function concat<T>(here: readonly T[], theirs: ReadonlyArray<{ result: readonly T[] }>): T[] {
  return [...here, ...theirs.flatMap((answer) => answer.result)];
}

/** Each remote's project of the same repo (a ref by id names only this machine's). */
const hasProject = (p: { project: string }, lists: KnownLists) => projectIn(lists, p.project) !== undefined;
const boardCached = (lists: KnownLists, p: { project: string }) => knownBoard(lists, p.project);
const boardMerge: MergeRule<'board.get' | 'board.refresh'> = {
  // The same repo may be cloned here and on remotes: one board with every machine's cards.
  from: hasProject,
  ask: (p, lists) => ({ ...p, project: projectIn(lists, p.project)?.id ?? p.project }),
  combine: (here, theirs) => mergeBoards([here, ...theirs.map((answer) => answer.result)]),
};

/** This agent's own business (its settings, pairing, its remotes, its disk): answered here only. */
const here = {} as const;

export const methodRules: MethodRules = {
  status: here,
  'settings.get': here,
  'settings.set': here,
  'pairing.create': here,
  'doctor.orphans': here,
  'doctor.environment': here,
  'remote.add': here,
  'remote.list': here,
  'remote.remove': here,
  'gc.run': here,
  'quickAction.list': here,
  // Answered here for a remote's workspace too: the URL must open on this machine (preview-open.ts).
  'preview.open': here,

  'project.add': {
    owner: (p) => (p.machine && p.machine !== 'local' ? { kind: 'machine', machine: p.machine } : undefined),
    toRemote: ({ machine: _, ...rest }) => rest,
    answer: project,
  },
  'project.list': {
    answer: projects,
    cached: (lists) => [...lists.projects],
    merge: { combine: concat },
  },
  'project.set': { owner: byProject, answer: project },
  'project.show': { owner: byProject, answer: projectDetails },
  'project.remove': {
    owner: byProject,
    answer: {
      stamp: (removed, machine) => ({ ...removed, removed: stampView(removed.removed, machine) }),
      found: (removed) => ({ removedProjects: [removed.removed.id] }),
    },
  },

  'workspace.create': {
    owner: byProject,
    answer: madeWorkspace,
    follow: (made) => workspaceTopic(made.workspace),
  },
  'workspace.adopt': {
    owner: byProject,
    answer: madeWorkspace,
    follow: (made) => workspaceTopic(made.workspace),
  },
  'workspace.retry': { owner: byWorkspace, answer: workspace, follow: workspaceTopic },
  'workspace.list': {
    owner: byProjectIfNamed,
    answer: workspaces,
    cached: workspacesOf,
    merge: {
      // A project named here may be cloned on remotes too (the same repo): their workspaces are its as well.
      from: (p, lists) => p?.project === undefined || projectIn(lists, p.project) !== undefined,
      ask: (p, lists) => {
        const named = p?.project === undefined ? undefined : projectIn(lists, p.project);
        return {
          ...(named ? { project: named.id } : {}),
          ...(p?.includeArchived ? { includeArchived: true } : {}),
        };
      },
      combine: concat,
    },
  },
  'workspace.get': {
    owner: byWorkspace,
    answer: workspace,
    cached: (lists, p) => lists.workspaces.find((w) => w.id === p.workspaceId),
  },
  'workspace.diff': { owner: byWorkspace },
  'workspace.openPr': { owner: byWorkspace, answer: workspace },
  'workspace.archive': { owner: byWorkspace, answer: workspace },
  'workspace.restore': { owner: byWorkspace, answer: workspace, follow: workspaceTopic },
  'workspace.snapshots': { owner: byWorkspace },

  'session.start': { owner: byWorkspace, answer: session },
  'quickAction.run': { owner: byWorkspace, answer: session },
  'session.send': { owner: bySession },
  'session.interrupt': { owner: bySession, answer: session },
  'session.stop': { owner: bySession, answer: session },
  'session.resume': { owner: bySession, answer: session },
  'permission.respond': { owner: bySession, answer: session },
  'session.events': { owner: bySession },
  'session.get': {
    owner: bySession,
    answer: session,
    cached: (lists, p) => lists.sessions.find((s) => s.id === p.sessionId),
  },
  'session.list': {
    owner: byWorkspaceIfNamed,
    answer: sessions,
    cached: (lists, p) => lists.sessions.filter((s) => !p?.workspaceId || s.workspaceId === p.workspaceId),
    merge: { from: (p) => !p?.workspaceId, combine: concat },
  },

  'terminal.open': { owner: byWorkspace, answer: terminal, follow: (t) => `terminal:${t.id}` },
  'workspace.run': { owner: byWorkspace, answer: terminal, follow: (t) => `terminal:${t.id}` },
  'workspace.stopRun': { owner: byWorkspace },
  'terminal.input': { owner: byTerminal },
  'terminal.resize': { owner: byTerminal, answer: terminal },
  'terminal.close': { owner: byTerminal, answer: terminal },
  'terminal.list': {
    owner: byWorkspaceIfNamed,
    answer: terminals,
    cached: (lists, p) => lists.terminals.filter((t) => !p?.workspaceId || t.workspaceId === p.workspaceId),
    merge: { from: (p) => !p?.workspaceId, combine: concat },
  },

  'fleet.status': { answer: fleetRows, cached: fleetOf, merge: { combine: concat } },
  'fleet.costs': {
    merge: {
      // Each machine's sessions cost on its own; the fleet page shows them as one history.
      combine: (here, theirs) =>
        mergeCostHistories([here, ...theirs.map((answer) => answer.result)], here.days),
    },
  },

  'ratchet.status': {
    answer: ratchetStatus,
    cached: ratchetOf,
    merge: {
      // Each host runs its own ratchet; here are every host's PRs (its GitHub connection stays its own).
      combine: (here, theirs) => ({
        ...here,
        workspaces: concat(
          here.workspaces,
          theirs.map((answer) => ({ result: answer.result.workspaces })),
        ),
      }),
    },
  },
  'ratchet.tick': {
    answer: tick,
    merge: {
      // "Check now" checks every host's PRs, each with its own token.
      combine: (here, theirs) => {
        const merged = { ...here, decisions: [...here.decisions] };
        for (const { machine, result } of theirs) {
          merged.ran ||= result.ran;
          merged.checked += result.checked;
          merged.decisions.push(...result.decisions);
          if (result.error) {
            const error = `${machine}: ${result.error}`;
            merged.error = merged.error ? `${merged.error}; ${error}` : error;
          }
        }
        return merged;
      },
    },
  },
  'ratchet.pause': { owner: byWorkspace, answer: workspaceRatchet },
  'ratchet.decisions': { owner: byWorkspace, answer: decisions },
  'ratchet.settings.get': { owner: byProjectIfNamed },
  'ratchet.settings.set': { owner: byProjectIfNamed },

  'board.get': { owner: byProject, answer: board, cached: boardCached, merge: boardMerge },
  'board.refresh': { owner: byProject, answer: board, cached: boardCached, merge: boardMerge },
};
