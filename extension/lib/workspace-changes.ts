import { effect, type Signal, untracked } from '@preact/signals';
import type { BoardEvent, RemoteView } from '../../shared/protocol.js';
import type { AgentPort } from './agent-port.js';
import { connectedRemotes, remoteCameUp } from './machines.js';
import { watchRemotes } from './remotes.js';

export interface WorkspaceChanges {
  /** The agent is (again) connected: load what the page shows. */
  connected(): void;
  /**
   * A workspace or a session changed. `push` is the board the agent pushes
   * on every such change (its repo's, from its machine: enough to apply
   * states without asking); undefined when a remote came (back) up, whose
   * workspaces may have moved meanwhile.
   */
  changed(push: BoardEvent | undefined): void;
}

/**
 * How an extension page follows its workspaces and sessions — the one way
 * every page does: `connected` on each (re)connect of the agent, `changed`
 * on each board push and when a remote comes (back) up. It keeps `remotes`
 * (the remotes' states, for machine labels and offline notices) current
 * too. Returns the stop.
 */
export function followWorkspaceChanges(
  agent: AgentPort,
  remotes: Signal<RemoteView[] | undefined>,
  on: WorkspaceChanges,
): () => void {
  const stopRemotes = watchRemotes(agent, remotes);
  let up: string[] | undefined;
  const stopUp = effect(() => {
    const now = connectedRemotes(remotes.value);
    const before = up;
    up = now;
    // Untracked: what the page reads as it reloads is not this effect's business.
    if (before !== undefined && remoteCameUp(before, now)) untracked(() => on.changed(undefined));
  });
  const stopConnected = agent.connection.subscribe((state) => {
    if (state?.status === 'connected') on.connected();
  });
  const stopBoard = agent.subscribe('board', (event) => {
    if (event.kind === 'board') on.changed(event.data);
  });
  return () => {
    stopRemotes();
    stopUp();
    stopConnected();
    stopBoard();
  };
}

/** `run` once `ms` after the last of a burst of calls (a burst of pushes asks the agent once). */
export function coalesce(run: () => void, ms: number): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return () => {
    clearTimeout(timer);
    timer = setTimeout(run, ms);
  };
}
