import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { AgentClient } from '../../shared/agent-client.js';
import type { Board } from '../../shared/board.js';
import { ProjectView, SessionView, WorkspaceView } from '../../shared/domain.js';
import {
  AgentError,
  type CostHistory,
  type EventFrame,
  type MethodName,
  type MethodParams,
  type MethodResult,
  type Topic,
  topicKind,
} from '../../shared/protocol.js';
import type { RatchetStatus, TickResult } from '../../shared/ratchet.js';
import type { EventHub, TopicSource } from '../events/event-hub.js';
import { mergeCostHistories } from '../fleet/cost-history.js';
import type { Logger } from '../logger.js';
import type { HandledMethod, MethodHandlers } from '../server/agent-server.js';
import { writeFileAtomic } from '../store/atomic-file.js';
import type { RemoteLinks, RemoteListener } from './remote-links.js';
import {
  mergeBoards,
  type OwnerRef,
  projectMatches,
  requestOwnerRef,
  stampMachine,
  type ThingKind,
  thingsIn,
  topicOwnerRef,
} from './route.js';

/** What this machine has, asked before any remote is: a local id always routes here. */
export interface LocalThings {
  has(kind: ThingKind, id: string): boolean;
}

/** Relayed events of one remote session kept here for replay (its seqs are the remote transcript's). */
const SESSION_RING = 5_000;
/** How long a remote topic nobody here follows any more is still followed (a popup reopened soon needs no replay). */
export const RELEASE_IDLE_MS = 60_000;

/** What the relay knows of one remote: its lasting client while up, and its last known lists (shown while it is not). */
interface RemoteState {
  client: AgentClient | undefined;
  instanceId: string | undefined;
  projects: ProjectView[];
  workspaces: WorkspaceView[];
  sessions: SessionView[];
  refreshedAt: number;
}

/** One topic this agent follows on a remote for its own subscribers. */
interface Upstream {
  machine: string;
  /** The last seq relayed: anything at or below it is a duplicate (a replay after a reconnect). */
  lastSeq: number;
  /** For session topics: the relayed events, with the remote's seqs, for local replay. */
  ring?: EventFrame[];
}

const ALWAYS_FOLLOWED: Topic[] = ['board', 'ratchet'];

/** `<home>/remotes-cache/<name>.json`: a remote's last known lists, so a restart here still shows them while it is down. */
const CachedLists = z.object({
  projects: z.array(ProjectView),
  workspaces: z.array(WorkspaceView),
  sessions: z.array(SessionView),
});

/**
 * Routes requests for things a remote owns to that remote, merges the
 * remotes' lists into this agent's, and republishes their events on the same
 * topics here — resubscribing with each topic's last seq after a drop, so
 * local subscribers see nothing lost or doubled.
 */
export class RemoteRelay implements RemoteListener {
  readonly #links: RemoteLinks;
  readonly #hub: EventHub;
  readonly #log: Logger;
  readonly #local: LocalThings;
  readonly #remotes = new Map<string, RemoteState>();
  /** `<kind>:<id>` → the remote that owns it. */
  readonly #owner = new Map<string, string>();
  /** `<kind>:<id>` seen on two machines: requests for it are refused rather than misrouted. */
  readonly #collisions = new Map<string, string[]>();
  /** `<machine>|<topic>` → what was relayed. Global topics are followed per remote; the others on the owner. */
  readonly #upstream = new Map<string, Upstream>();

  readonly #cacheDir: string | undefined;
  readonly #releaseIdleMs: number;
  /** Idle remote topics, released when their timer fires unless someone subscribed again. */
  readonly #releasing = new Map<Topic, NodeJS.Timeout>();

  constructor(deps: {
    links: RemoteLinks;
    hub: EventHub;
    log: Logger;
    local: LocalThings;
    /** Where each remote's last known lists are kept (0600); none: memory only. */
    cacheDir?: string;
    /** How long an idle remote topic stays followed (default RELEASE_IDLE_MS). */
    releaseIdleMs?: number;
  }) {
    this.#releaseIdleMs = deps.releaseIdleMs ?? RELEASE_IDLE_MS;
    deps.hub.onIdle((topic) => this.#idle(topic));
    this.#cacheDir = deps.cacheDir;
    this.#links = deps.links;
    this.#hub = deps.hub;
    this.#log = deps.log;
    this.#local = deps.local;
    deps.links.listen(this);
  }

  #state(name: string): RemoteState {
    let state = this.#remotes.get(name);
    if (!state) {
      state = {
        client: undefined,
        instanceId: undefined,
        projects: [],
        workspaces: [],
        sessions: [],
        refreshedAt: 0,
        ...this.#readCache(name),
      };
      this.#remotes.set(name, state);
      this.#learn(name, [state.projects, state.workspaces, state.sessions]);
    }
    return state;
  }

  #cachePath(name: string): string | undefined {
    return this.#cacheDir && join(this.#cacheDir, `${name}.json`);
  }

  #readCache(name: string): z.infer<typeof CachedLists> | undefined {
    const path = this.#cachePath(name);
    if (!path) return undefined;
    try {
      return CachedLists.parse(JSON.parse(readFileSync(path, 'utf8')));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
        this.#log.warn(`Ignoring the last known lists of ${name} (${path}): ${String(error)}`);
      return undefined;
    }
  }

  #writeCache(name: string, state: RemoteState): void {
    const path = this.#cachePath(name);
    if (!path) return;
    try {
      const { projects, workspaces, sessions } = state;
      writeFileAtomic(path, JSON.stringify({ projects, workspaces, sessions }), 0o600);
    } catch (error) {
      this.#log.warn(`Could not keep the last known lists of ${name}: ${String(error)}`);
    }
  }

  // -- The remote's connection -------------------------------------------------------------

  up(name: string, client: AgentClient, instanceId: string): void {
    const state = this.#state(name);
    const restarted = state.instanceId !== undefined && state.instanceId !== instanceId;
    state.client = client;
    state.instanceId = instanceId;
    void this.#resume(name, state, client, restarted).catch((error: Error) =>
      this.#log.warn(`Relay from ${name} not resumed: ${error.message}`),
    );
  }

  down(name: string): void {
    const state = this.#remotes.get(name);
    if (!state) return;
    state.client = undefined;
    this.#writeCache(name, state);
  }

  /** After a (re)connect: fresh lists, and every followed topic again from its last seq. */
  async #resume(name: string, state: RemoteState, client: AgentClient, restarted: boolean): Promise<void> {
    await this.#refresh(name).catch(() => {});
    const topics = new Set<Topic>(ALWAYS_FOLLOWED);
    for (const [key, upstream] of this.#upstream)
      if (upstream.machine === name) topics.add(key.slice(name.length + 1) as Topic);
    for (const topic of topics) {
      if (state.client !== client) return;
      const upstream = this.#upstreamOf(name, topic);
      // A restarted agent numbers its in-memory topics anew; transcripts keep theirs.
      if (restarted && topicKind(topic) !== 'session') upstream.lastSeq = 0;
      await this.#follow(name, client, topic, upstream);
    }
  }

  #upstreamOf(machine: string, topic: Topic): Upstream {
    const key = `${machine}|${topic}`;
    let upstream = this.#upstream.get(key);
    if (!upstream) {
      upstream = { machine, lastSeq: 0, ...(topicKind(topic) === 'session' ? { ring: [] } : {}) };
      this.#upstream.set(key, upstream);
    }
    return upstream;
  }

  /** Follows a topic on the remote from `since` (default: after what was relayed; live only when nothing was). */
  async #follow(
    machine: string,
    client: AgentClient,
    topic: Topic,
    upstream: Upstream,
    since: number | undefined = upstream.lastSeq > 0 ? upstream.lastSeq : undefined,
  ): Promise<void> {
    if (since !== undefined) upstream.lastSeq = since;
    const result = await client.subscribe(topic, (frame) => this.#relay(machine, frame, upstream), since);
    // Live only: what comes after this seq is what a reconnect must resume from.
    if (since === undefined) upstream.lastSeq = Math.max(upstream.lastSeq, result.seq);
  }

  /** One event from a remote, republished here once. */
  #relay(machine: string, frame: EventFrame, upstream: Upstream): void {
    if (frame.seq <= upstream.lastSeq) return;
    upstream.lastSeq = frame.seq;
    const data = stampMachine(frame.data, machine);
    this.#learn(machine, data);
    const kind = topicKind(frame.topic);
    if (kind === 'session' && upstream.ring) {
      const relayed: EventFrame = { ...frame, data };
      upstream.ring.push(relayed);
      if (upstream.ring.length > SESSION_RING) upstream.ring.splice(0, upstream.ring.length - SESSION_RING);
      this.#hub.publish(frame.topic, data as never, frame.seq);
      return;
    }
    if (kind === 'workspace') this.#updateWorkspace(machine, data);
    // In-memory topics are numbered here: a remote that restarts numbers its own anew.
    this.#hub.publish(frame.topic, data as never);
  }

  #updateWorkspace(machine: string, data: unknown): void {
    const event = data as { kind?: string; workspace?: { id: string } };
    if (event.kind !== 'updated' || !event.workspace) return;
    const state = this.#state(machine);
    const updated = event.workspace;
    state.workspaces = state.workspaces.map((w) => (w.id === updated.id ? { ...w, ...updated } : w));
  }

  /** Remembers which machine owns the ids in a remote's answer or event; two owners is a collision. */
  #learn(machine: string, value: unknown): void {
    const things = thingsIn(value);
    for (const kind of Object.keys(things) as ThingKind[])
      for (const id of things[kind]) {
        const key = `${kind}:${id}`;
        const known = this.#owner.get(key);
        const local = this.#local.has(kind, id);
        if ((known && known !== machine) || local) {
          const owners = [...new Set([local ? 'local' : known!, machine])];
          if (!this.#collisions.has(key))
            this.#log.warn(
              `The ${kind} id ${id} exists on ${owners.join(' and ')}; requests for it are refused.`,
            );
          this.#collisions.set(key, owners);
          continue;
        }
        this.#owner.set(key, machine);
      }
  }

  /** The remote's lists, fetched now, kept for when it is unreachable. */
  async #refresh(name: string): Promise<RemoteState> {
    const state = this.#state(name);
    const client = state.client;
    if (!client) return state;
    const [projects, workspaces, sessions] = await Promise.all([
      client.call('project.list'),
      client.call('workspace.list', { includeArchived: true }),
      client.call('session.list'),
    ]);
    state.projects = stampMachine(projects, name);
    state.workspaces = stampMachine(workspaces, name);
    state.sessions = stampMachine(sessions, name);
    state.refreshedAt = Date.now();
    this.#learn(name, [state.projects, state.workspaces, state.sessions]);
    this.#writeCache(name, state);
    return state;
  }

  // -- Routing ---------------------------------------------------------------------------------

  /** Which machine a ref names: `local`, or a remote's name. */
  async ownerOf(ref: OwnerRef): Promise<string> {
    if (ref.kind === 'machine') {
      if (!this.#links.view(ref.machine))
        throw new AgentError('NOT_FOUND', `No remote named ${ref.machine} (\`ff-agent remote list\`).`);
      return ref.machine;
    }
    const found = this.#find(ref.kind, ref.id);
    if (found) return found;
    // Not known yet (started on the remote a moment ago): ask the connected remotes once.
    const stale = [...this.#remotes.entries()].filter(
      ([, state]) => state.client && Date.now() - state.refreshedAt > 500,
    );
    if (stale.length === 0) return 'local';
    await Promise.all(stale.map(([name]) => this.#refresh(name).catch(() => undefined)));
    return this.#find(ref.kind, ref.id) ?? 'local';
  }

  #find(kind: ThingKind, id: string): string | undefined {
    const key = `${kind}:${id}`;
    const collision = this.#collisions.get(key);
    if (collision)
      throw new AgentError(
        'CONFLICT',
        `The ${kind} ${id} exists on ${collision.join(' and ')}: ff cannot tell which you mean. Remove one of them, or disconnect the remote (\`ff-agent remote remove\`).`,
      );
    if (this.#local.has(kind, id)) return 'local';
    // Every remote of remotes.json, with its last known lists even before it first connects.
    const names = this.#links.names();
    for (const name of names) this.#state(name);
    if (kind !== 'project') {
      const owner = this.#owner.get(key);
      return owner && names.includes(owner) ? owner : undefined;
    }
    const owners = names.filter((name) => this.#state(name).projects.some((p) => projectMatches(p, id)));
    if (owners.length > 1)
      throw new AgentError(
        'CONFLICT',
        `${id} is registered on ${owners.join(' and ')}: name the project by its id (\`ff-agent project list --json\`).`,
      );
    return owners[0];
  }

  /** Calls a method on a remote; its answer carries the remote's name and teaches the index. */
  async forward<M extends MethodName>(machine: string, method: M, params: unknown): Promise<MethodResult<M>> {
    const state = this.#state(machine);
    if (!state.client) {
      const cached = this.#cached(machine, method, params);
      if (cached !== undefined) return cached as MethodResult<M>;
      throw this.#unreachable(machine);
    }
    const result = await this.#links.call(machine, method, params as MethodParams<M>);
    const stamped = stampMachine(result, machine);
    this.#learn(machine, stamped);
    this.#remember(machine, stamped);
    if (method === 'terminal.open') {
      // Its output starts at once: follow it before the answer lets anyone subscribe.
      const topic = `terminal:${(stamped as { id: string }).id}` as Topic;
      await this.#follow(machine, state.client, topic, this.#upstreamOf(machine, topic), 0);
    }
    return stamped;
  }

  #unreachable(machine: string): AgentError {
    const view = this.#links.view(machine);
    const seen = view?.lastSeenAt ? `, last seen ${view.lastSeenAt}` : '';
    return new AgentError(
      'UNAVAILABLE',
      `${machine} is ${view?.state ?? 'unknown'} since ${view?.since ?? '?'}${seen}${view?.error ? ` (${view.error})` : ''}. Its sessions keep running there; ff reconnects by itself.`,
    );
  }

  /** What an unreachable remote last said about one of its things, for the reads that can be answered so. */
  #cached(machine: string, method: MethodName, params: unknown): unknown {
    const state = this.#state(machine);
    const p = (params ?? {}) as { workspaceId?: string; sessionId?: string; project?: string };
    switch (method) {
      case 'workspace.get':
        return state.workspaces.find((w) => w.id === p.workspaceId);
      case 'session.get':
        return state.sessions.find((s) => s.id === p.sessionId);
      case 'session.list':
        return state.sessions.filter((s) => s.workspaceId === p.workspaceId);
      case 'workspace.list': {
        const project = state.projects.find((candidate) => projectMatches(candidate, p.project ?? ''));
        return state.workspaces.filter((w) => w.projectId === project?.id && w.status !== 'archived');
      }
      default:
        return undefined;
    }
  }

  /** Keeps the last known copy of what an answer holds (a workspace or session view), for when the remote is unreachable. */
  #remember(machine: string, value: unknown): void {
    const state = this.#state(machine);
    const views = Array.isArray(value)
      ? value
      : [value, (value as { workspace?: unknown } | undefined)?.workspace];
    for (const view of views) {
      if (typeof view !== 'object' || view === null) continue;
      const v = view as Record<string, unknown> & { id: string };
      if ('projectId' in v && 'sessions' in v)
        state.workspaces = [...state.workspaces.filter((w) => w.id !== v.id), v as unknown as WorkspaceView];
      else if ('workspaceId' in v && 'pendingPermissions' in v)
        state.sessions = [...state.sessions.filter((s) => s.id !== v.id), v as unknown as SessionView];
    }
  }

  /** Every remote's answer to a list, live when connected, else its last known one. */
  async #gather<T>(
    fetch: (name: string, client: AgentClient) => Promise<T[]>,
    cached: (state: RemoteState) => T[],
    only?: string[],
  ) {
    const names = only ?? this.#links.names();
    const lists = await Promise.all(
      names.map(async (name) => {
        const state = this.#state(name);
        if (!state.client) return cached(state);
        try {
          return stampMachine(await fetch(name, state.client), name);
        } catch (error) {
          this.#log.warn(`Listing on ${name} failed: ${String(error)}`);
          return cached(state);
        }
      }),
    );
    return lists.flat();
  }

  /** The handlers, each first asking who owns what the request names; lists gather every machine's. */
  route(handlers: MethodHandlers): MethodHandlers {
    const routed = { ...handlers } as Record<HandledMethod, (params: unknown, context: never) => unknown>;
    for (const method of Object.keys(handlers) as HandledMethod[]) {
      const local = handlers[method] as (params: unknown, context: never) => unknown;
      routed[method] = async (params, context) => {
        const ref = requestOwnerRef(method, params);
        if (ref) {
          const machine = await this.ownerOf(ref);
          if (machine !== 'local') {
            if (method === 'board.get' || method === 'board.refresh')
              return this.#board(method, params as { project: string }, [machine], () => undefined);
            const { machine: _, ...rest } = (params ?? {}) as { machine?: string };
            return this.forward(machine, method, method === 'project.add' ? rest : params);
          }
        }
        const answer = await local(params, context);
        return this.#merged(method, params, answer);
      };
    }
    return routed as unknown as MethodHandlers;
  }

  async #merged(method: HandledMethod, params: unknown, answer: unknown): Promise<unknown> {
    if (this.#links.names().length === 0) return answer;
    const p = (params ?? {}) as { includeArchived?: boolean; project?: string; workspaceId?: string };
    switch (method) {
      case 'project.list':
        return [
          ...(answer as ProjectView[]),
          ...(await this.#gather(
            (_, client) => client.call('project.list'),
            (state) => state.projects,
          )),
        ];
      case 'workspace.list': {
        // A project named here may be cloned on remotes too (the same repo): their workspaces are its as well.
        const ref = p.project;
        const projectOn = (state: RemoteState) =>
          ref === undefined ? undefined : state.projects.find((project) => projectMatches(project, ref));
        const names =
          ref === undefined ? undefined : this.#links.names().filter((name) => projectOn(this.#state(name)));
        if (names?.length === 0) return answer;
        return [
          ...(answer as WorkspaceView[]),
          ...(await this.#gather(
            (name, client) => {
              const project = projectOn(this.#state(name));
              return client.call('workspace.list', {
                ...(project ? { project: project.id } : {}),
                ...(p.includeArchived ? { includeArchived: true } : {}),
              });
            },
            (state) =>
              state.workspaces.filter(
                (w) =>
                  (p.includeArchived || w.status !== 'archived') &&
                  (ref === undefined || w.projectId === projectOn(state)?.id),
              ),
            names,
          )),
        ];
      }
      case 'terminal.list':
        if (p.workspaceId) return answer;
        return [
          ...(answer as unknown[]),
          ...(await this.#gather(
            (_, client) => client.call('terminal.list'),
            () => [],
          )),
        ];
      case 'ratchet.status': {
        // Each host runs its own ratchet; here are every host's PRs (its GitHub connection stays its own).
        const status = answer as RatchetStatus;
        const remote = await this.#gather(
          async (_, client) => (await client.call('ratchet.status')).workspaces,
          () => [],
        );
        return { ...status, workspaces: [...status.workspaces, ...remote] };
      }
      case 'ratchet.tick': {
        // "Check now" checks every host's PRs, each with its own token.
        const tick = answer as TickResult;
        const remote = await this.#gather(
          async (name, client) => {
            const result = await client.call('ratchet.tick');
            return [result.error ? { ...result, error: `${name}: ${result.error}` } : result];
          },
          () => [],
        );
        const merged: TickResult = { ...tick, decisions: [...tick.decisions] };
        for (const other of remote) {
          merged.ran ||= other.ran;
          merged.checked += other.checked;
          merged.decisions.push(...other.decisions);
          if (other.error) merged.error = merged.error ? `${merged.error}; ${other.error}` : other.error;
        }
        return merged;
      }
      case 'session.list':
        if (p.workspaceId) return answer;
        return [
          ...(answer as SessionView[]),
          ...(await this.#gather(
            (_, client) => client.call('session.list'),
            (state) => state.sessions,
          )),
        ];
      case 'fleet.costs': {
        // Each machine's sessions cost on its own; the fleet page shows them as one history.
        const local = answer as CostHistory;
        const remote = await this.#gather(
          async (_, client) => [await client.call('fleet.costs', params as MethodParams<'fleet.costs'>)],
          () => [],
        );
        return mergeCostHistories([local, ...remote], local.days);
      }
      case 'fleet.status':
        return [
          ...(answer as unknown[]),
          ...(await this.#gather(
            (_, client) => client.call('fleet.status'),
            () => [],
          )),
        ];
      case 'board.get':
      case 'board.refresh': {
        // The same repo may be cloned here and on remotes: one board with every machine's cards.
        const ref = p.project ?? '';
        const others = this.#links
          .names()
          .filter((name) => this.#state(name).projects.some((project) => projectMatches(project, ref)));
        return others.length ? this.#board(method, { project: ref }, others, () => answer as Board) : answer;
      }
      default:
        return answer;
    }
  }

  async #board(
    method: 'board.get' | 'board.refresh',
    params: { project: string },
    machines: string[],
    local: () => Board | undefined,
  ): Promise<Board> {
    const boards = (
      await Promise.all(
        machines.map(async (machine) => {
          const state = this.#state(machine);
          if (!state.client) return undefined;
          const project = state.projects.find((p) => projectMatches(p, params.project));
          return this.forward(machine, method, { ...params, project: project?.id ?? params.project }).catch(
            () => undefined,
          );
        }),
      )
    ).filter((board): board is Board => board !== undefined);
    const own = local();
    const all = own ? [own, ...boards] : boards;
    if (all.length === 0) throw this.#unreachable(machines[0]!);
    return mergeBoards(all);
  }

  // -- Subscriptions ---------------------------------------------------------------------------

  /**
   * The last local subscriber of a remote's workspace, session or terminal
   * left: after a grace period, stop following it there and drop what was
   * relayed (a session's up to SESSION_RING events). The remote keeps the
   * transcript, so a later subscriber is replayed from it.
   */
  #idle(topic: Topic): void {
    if (!topicOwnerRef(topic) || this.#releasing.has(topic)) return;
    const timer = setTimeout(() => {
      this.#releasing.delete(topic);
      if (this.#hub.subscriberCount(topic) > 0) return;
      for (const [key, upstream] of this.#upstream) {
        if (key !== `${upstream.machine}|${topic}`) continue;
        this.#upstream.delete(key);
        this.#hub.unregisterTopicSource(topic);
        void this.#state(upstream.machine)
          .client?.unsubscribe(topic)
          .catch(() => {});
        this.#log.info(`No one here follows ${topic} any more: released on ${upstream.machine}`);
      }
    }, this.#releaseIdleMs);
    timer.unref();
    this.#releasing.set(topic, timer);
  }

  /** What this agent follows on remotes for its subscribers (for tests and diagnostics). */
  followedTopics(): string[] {
    return [...this.#upstream.keys()];
  }

  /**
   * Before a local client subscribes to a topic a remote owns: follow it on
   * the remote (once), and for a session have everything after `sinceSeq`
   * here, so the local hub replays it with the remote's seqs.
   */
  async prepare(topic: Topic, sinceSeq: number | undefined): Promise<void> {
    const ref = topicOwnerRef(topic);
    if (!ref) return;
    clearTimeout(this.#releasing.get(topic));
    this.#releasing.delete(topic);
    const machine = await this.ownerOf(ref);
    if (machine === 'local') return;
    const key = `${machine}|${topic}`;
    const known = this.#upstream.get(key);
    const upstream = this.#upstreamOf(machine, topic);
    if (upstream.ring) {
      const ring = upstream.ring;
      this.#hub.registerTopicSource(topic, sessionSource(upstream));
      const client = this.#state(machine).client;
      if (!client) return; // replayed from what was relayed; followed again on reconnect
      if (!known) {
        // Subscribed from where the local client is: the replay lands in the ring first.
        await this.#follow(machine, client, topic, upstream, sinceSeq);
        return;
      }
      const oldest = ring[0]?.seq ?? upstream.lastSeq + 1;
      if (sinceSeq !== undefined && sinceSeq < oldest - 1)
        await this.#backfill(machine, client, topic, upstream, sinceSeq);
      return;
    }
    const client = this.#state(machine).client;
    if (!known && client) await this.#follow(machine, client, topic, upstream);
  }

  /** Fetches a session's older events (a client asked from before what was relayed). */
  async #backfill(machine: string, client: AgentClient, topic: Topic, upstream: Upstream, sinceSeq: number) {
    const sessionId = topic.slice('session:'.length);
    const ring = upstream.ring ?? [];
    const oldest = ring[0]?.seq ?? upstream.lastSeq + 1;
    const answer = await client.call('session.events', { sessionId, sinceSeq, limit: 5000 });
    const older: EventFrame[] = answer.events
      .filter((entry) => entry.seq < oldest)
      .map((entry) => ({ type: 'event', topic, seq: entry.seq, data: stampMachine(entry.event, machine) }));
    upstream.ring = [...older, ...ring];
    if (older.length) this.#log.info(`Fetched ${older.length} older event(s) of ${topic} from ${machine}`);
  }
}

function sessionSource(upstream: Upstream): TopicSource {
  return {
    lastSeq: () => upstream.lastSeq,
    readFrom: (_topic, since) => (upstream.ring ?? []).filter((frame) => frame.seq > since),
  };
}
