import { join } from 'node:path';
import type { Workspace } from '../../shared/domain.js';
import { RatchetDecision, type WorkspaceRatchet } from '../../shared/ratchet.js';
import type { EventHub } from '../events/event-hub.js';
import { GITHUB_COM } from '../github/api-url.js';
import type { Logger } from '../logger.js';
import type { StateStore } from '../store/state-store.js';
import { TranscriptLog } from '../store/transcript-log.js';
import type { Projects } from '../workspaces/projects.js';
import type { Workspaces } from '../workspaces/workspaces.js';

export interface RatchetRecordsDeps {
  state: StateStore;
  hub: EventHub;
  log: Logger;
  workspaces: Workspaces;
  projects: Projects;
  /** ff's home: decision logs live under its `ratchet/`. */
  root: string;
}

/**
 * What the ratchet keeps: each workspace's ratchet record (inside its
 * workspace in state.json, announced on `workspace:<id>` at every change),
 * each workspace's decision log (`ratchet/<workspace>.jsonl` in ff's home,
 * announced on `ratchet`), and which workspaces and GitHub hosts it looks
 * after. Changes to a record are pure functions of it (apply.ts).
 */
export class RatchetRecords {
  readonly #deps: RatchetRecordsDeps;
  readonly #logs = new Map<string, TranscriptLog>();

  constructor(deps: RatchetRecordsDeps) {
    this.#deps = deps;
  }

  /** A workspace's ratchet record (NOT_FOUND, saying how to list them, when there is no such workspace). */
  get(workspaceId: string): WorkspaceRatchet {
    return this.#deps.workspaces.find(workspaceId).ratchet;
  }

  /**
   * Replaces a workspace's record with `next` of it, durably (the promise
   * settles once it is on disk), and announces it. A workspace removed
   * meanwhile is not brought back: the call fails with NOT_FOUND.
   */
  async update(workspaceId: string, next: (ratchet: WorkspaceRatchet) => WorkspaceRatchet): Promise<void> {
    await this.#deps.state.update((state) => {
      const workspace = state.workspaces.find((w) => w.id === workspaceId);
      if (workspace) workspace.ratchet = next(workspace.ratchet);
    });
    const ratchet = this.get(workspaceId);
    this.#deps.hub.publish(`workspace:${workspaceId}`, { kind: 'ratchet', ratchet });
  }

  /** Workspaces the ratchet looks after: ready, not archived, in a known project. */
  tracked(): Workspace[] {
    return this.#deps.state.data.workspaces.filter(
      (w) => w.status === 'ready' && this.#deps.projects.get(w.projectId) !== undefined,
    );
  }

  /**
   * The GitHub hosts a tick talks to: those of the registered projects
   * (github.com when there are none, so a tick still checks the token).
   */
  hosts(): string[] {
    const hosts = new Set(this.#deps.projects.list().map((p) => p.host.toLowerCase()));
    return hosts.size > 0 ? [...hosts] : [GITHUB_COM];
  }

  hostOf(workspace: Workspace): string | undefined {
    return this.#deps.projects.get(workspace.projectId)?.host.toLowerCase();
  }

  /** A decision said something: kept in the workspace's decision log and announced on `ratchet`. */
  logDecision(workspaceId: string, decision: RatchetDecision): void {
    this.#log(workspaceId).append(decision);
    this.#deps.hub.publish('ratchet', { kind: 'decision', workspaceId, decision });
  }

  /**
   * The decision log of one workspace, oldest first. Each line is checked:
   * one that is not a decision (hand-edited, or written by a newer ff) is
   * left out and named in the log, the others still shown.
   */
  decisions(workspaceId: string, limit = 50): RatchetDecision[] {
    const log = this.#log(workspaceId);
    return log.readFrom(Math.max(0, log.lastSeq - limit)).flatMap((entry) => {
      const decision = RatchetDecision.safeParse(entry.data);
      if (decision.success) return [decision.data];
      this.#deps.log.warn(
        `Ratchet: entry ${entry.seq} of ${log.path} is not a decision (${decision.error.issues[0]?.message}); left out`,
      );
      return [];
    });
  }

  /** Closes the decision logs (the agent stops). */
  close(): void {
    for (const log of this.#logs.values()) log.close();
    this.#logs.clear();
  }

  #log(workspaceId: string): TranscriptLog {
    let log = this.#logs.get(workspaceId);
    if (!log) {
      log = TranscriptLog.open(join(this.#deps.root, 'ratchet', `${workspaceId}.jsonl`));
      this.#logs.set(workspaceId, log);
    }
    return log;
  }
}
