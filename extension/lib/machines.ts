/**
 * Which machine a workspace lives on, as the extension shows it — pure: the
 * local agent tags every project, workspace, session and board card with
 * `machine` (`local` or a remote's name) and publishes the remotes' states;
 * these turn that into group order, header labels, whether a chat can send,
 * and one merged board. Table-tested in tests/unit/extension/machines.test.ts.
 */
import type { Board, WorkspaceCard } from '../../shared/board.js';
import type { RemoteView } from '../../shared/protocol.js';
import { formatDuration } from './duration.js';

export const LOCAL = 'local';

/** The machine an item the agent tagged lives on (an untagged one is from an agent that has no remotes: local). */
export const machineOf = (item: object): string =>
  'machine' in item && typeof item.machine === 'string' ? item.machine : LOCAL;

/** Local first, then remotes by name. */
export function compareMachines(a: string, b: string): number {
  return Number(b === LOCAL) - Number(a === LOCAL) || a.localeCompare(b);
}

/** Items by machine, in machine order; each group keeps the items' order. */
export function groupByMachine<T extends object>(
  items: readonly T[],
): Array<{ machine: string; items: T[] }> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const machine = machineOf(item);
    groups.set(machine, [...(groups.get(machine) ?? []), item]);
  }
  return [...groups]
    .sort(([a], [b]) => compareMachines(a, b))
    .map(([machine, grouped]) => ({ machine, items: grouped }));
}

/** The remotes connected now, each with since when: one that appears anew came (back) up. */
export function connectedRemotes(remotes: readonly RemoteView[] | undefined): string[] {
  return (remotes ?? []).filter((r) => r.state === 'connected').map((r) => `${r.name}@${r.since}`);
}

/** Whether a remote came (back) up between two readings of `connectedRemotes`. */
export const remoteCameUp = (before: readonly string[], now: readonly string[]): boolean =>
  now.some((key) => !before.includes(key));

/**
 * Machine headers show when they say something: more than one machine, or
 * a single one that is not this computer (its state still matters).
 */
export const showMachineHeaders = (machines: readonly string[]): boolean =>
  machines.length > 1 || (machines.length === 1 && machines[0] !== LOCAL);

export interface MachineStatus {
  machine: string;
  /** `local` for this computer; a remote's state; `unknown` for a name the agent no longer lists. */
  state: 'local' | RemoteView['state'] | 'unknown';
  /** What the header says: `connected`, `unreachable since 4m 2s ago`, `connecting…`. */
  label: string;
  /** The detail on hover: why it is unreachable, and since when (absolute). */
  title?: string;
  /** Primer tone of the label. */
  tone: 'good' | 'working' | 'bad' | '';
  /** Whether requests to it can be answered now (send, start, archive…). */
  reachable: boolean;
}

/**
 * A machine's state at `now`. `remotes` undefined means the list has not
 * come yet: nothing is refused on a guess, so such a remote counts as
 * reachable until the agent says otherwise.
 */
export function machineStatus(
  machine: string,
  remotes: readonly RemoteView[] | undefined,
  now: number,
): MachineStatus {
  if (machine === LOCAL)
    return { machine, state: 'local', label: 'this computer', tone: '', reachable: true };
  if (!remotes)
    return { machine, state: 'connecting', label: 'connecting…', tone: 'working', reachable: true };
  const remote = remotes.find((r) => r.name === machine);
  if (!remote)
    return {
      machine,
      state: 'unknown',
      label: 'not a remote any more',
      title: `ff-agent has no remote named ${machine} (ff-agent remote list).`,
      tone: 'bad',
      reachable: false,
    };
  const since = Date.parse(remote.since);
  const ago = Number.isFinite(since) ? `${formatDuration(Math.max(0, now - since))} ago` : 'a while';
  const at = Number.isFinite(since) ? new Date(since).toLocaleString() : remote.since;
  const seen = remote.lastSeenAt ? Date.parse(remote.lastSeenAt) : Number.NaN;
  const lastSeen = Number.isFinite(seen) ? new Date(seen).toLocaleString() : at;
  switch (remote.state) {
    case 'connected':
      return {
        machine,
        state: 'connected',
        label: 'connected',
        title: `${remote.destination} · connected since ${at}${remote.latencyMs === undefined ? '' : ` · round trip ${remote.latencyMs.toFixed(1)} ms`}`,
        tone: 'good',
        reachable: true,
      };
    case 'connecting':
      return {
        machine,
        state: 'connecting',
        label: 'connecting…',
        title: `${remote.destination} · connecting since ${at}`,
        tone: 'working',
        reachable: false,
      };
    default:
      return {
        machine,
        state: 'unreachable',
        label: `unreachable since ${ago}`,
        title: `${remote.destination} · last seen ${lastSeen}${remote.error ? ` · ${remote.error}` : ''}`,
        tone: 'bad',
        reachable: false,
      };
  }
}

/**
 * Why a chat on this machine cannot send now, for the line above its
 * composer; undefined when it can.
 */
export function offlineNotice(status: MachineStatus): string | undefined {
  if (status.reachable) return undefined;
  if (status.state === 'connecting')
    return `Connecting to ${status.machine}… This is the last known transcript; it picks up once connected.`;
  if (status.state === 'unknown') return `${status.machine} is no longer a remote of ff-agent.`;
  return `${status.machine} is ${status.label}. This is the last known transcript; sending resumes when it is back, and the sessions there keep running.`;
}

/**
 * A key that changes each time a machine comes (back) up: a chat follows its
 * session again from its last event then (the agent replays what it missed).
 */
export function reconnectKey(machine: string, remotes: readonly RemoteView[] | undefined): string {
  if (machine === LOCAL || !remotes) return '';
  const remote = remotes.find((r) => r.name === machine);
  return remote?.state === 'connected' ? remote.since : '';
}

/** The Start button's words: where the workspace will be made. */
export const startLabel = (machine: string): string =>
  machine === LOCAL ? 'Start workspace' : `Start workspace on ${machine}`;

type Column = 'working' | 'waiting' | 'done';
const COLUMNS: Column[] = ['working', 'waiting', 'done'];

/**
 * The board after one machine pushed its own: that machine's cards replaced
 * by the pushed ones (each tagged with it), every other machine's kept, in
 * machine order. Assigned issues come with the push when it fetched them,
 * else stay; an issue already on a card of any machine is not repeated.
 */
export function mergeBoardPush(current: Board | undefined, pushed: Board, machine: string): Board {
  // The push names whose board it is: its cards are that machine's, whatever a relay left on them.
  const tag = (card: WorkspaceCard): WorkspaceCard => ({ ...card, machine });
  const columns = {} as Record<Column, WorkspaceCard[]>;
  for (const column of COLUMNS) {
    const kept = (current?.columns[column] ?? []).filter((card) => machineOf(card) !== machine);
    columns[column] = [...kept, ...pushed.columns[column].map(tag)].sort((a, b) =>
      compareMachines(machineOf(a), machineOf(b)),
    );
  }
  const onCards = new Set(
    COLUMNS.flatMap((column) => columns[column].flatMap((card) => card.workspace.issue?.number ?? [])),
  );
  const issues = pushed.issuesFetchedAt
    ? pushed.columns.issues
    : (current?.columns.issues ?? pushed.columns.issues);
  const fetched = pushed.issuesFetchedAt ?? current?.issuesFetchedAt;
  const issuesError = pushed.issuesFetchedAt
    ? pushed.issuesError
    : (current?.issuesError ?? pushed.issuesError);
  return {
    project: pushed.project,
    columns: { ...columns, issues: issues.filter((issue) => !onCards.has(issue.number)) },
    ...(issuesError ? { issuesError } : {}),
    ...(fetched ? { issuesFetchedAt: fetched } : {}),
  };
}
