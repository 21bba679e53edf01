import { join } from 'node:path';
import type { AgentClient } from '../../shared/agent-client.js';
import { errorText } from '../../shared/error-text.js';
import {
  AgentError,
  type MethodParams,
  type MethodResult,
  type MethodResultInput,
  type ParsedParams,
  type Topic,
} from '../../shared/protocol.js';
import type { EventHub } from '../events/event-hub.js';
import type { Logger } from '../logger.js';
import type { HandledMethod, MethodHandlers, RequestContext } from '../server/agent-server.js';
import type { EncodedResult } from '../server/encoded-result.js';
import { changedBoards, changedRecords, knownBoards } from './known-boards.js';
import { type MergeRule, type MethodRule, methodRules, type RemoteAnswer } from './method-rules.js';
import { decideOwner, Ownership } from './ownership.js';
import { RelayedTopics } from './relayed-topics.js';
import type { RemoteAgent, RemoteListener } from './remote-link.js';
import type { RemoteLinks } from './remote-links.js';
import {
  type Found,
  ownedIn,
  projectIn,
  RemoteLists,
  readCachedLists,
  writeCachedLists,
} from './remote-lists.js';
import type { OwnerRef, ThingKind } from './route.js';

/** What this machine has, asked before any remote is: a local id always routes here. */
export interface LocalThings {
  has(kind: ThingKind, id: string): boolean;
}

/** Parsed params are valid params: a remote of the same protocol parses them again. */
const asSent = <M extends HandledMethod>(params: ParsedParams<M>) => params as MethodParams<M>;

/**
 * How long a read waits for a connected remote before it is answered from
 * that remote's last known lists (its `cached` rule): a remote that accepts
 * and never answers must not hold up every list here.
 */
export const SLOW_MS = 2_000;

/** What the relay knows of one remote: its lasting client while up, and its last known lists (shown while it is not). */
interface Remote {
  client: AgentClient | undefined;
  /** The same connection's socket, for answers passed on unread. */
  socket: RemoteAgent['socket'] | undefined;
  instanceId: string | undefined;
  lists: RemoteLists;
  /** While connected: when the oldest read it has not answered since was asked (#read). */
  notAnsweringSince: string | undefined;
}

/** `promise`'s outcome when it settles within `ms` (a rejection rejects); undefined once `ms` passed. */
async function within<T>(promise: Promise<T>, ms: number): Promise<{ value: T } | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(resolve, ms, undefined);
  });
  try {
    return await Promise.race([promise.then((value) => ({ value })), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Routes requests for things a remote owns to that remote, merges the
 * remotes' answers into this agent's, and republishes their events here
 * (relayed-topics.ts). What each method does is the table in
 * method-rules.ts; who owns what is learned from the answers of the calls
 * that made or listed each thing (ownership.ts).
 */
export class RemoteRelay implements RemoteListener {
  readonly #links: RemoteLinks;
  readonly #hub: EventHub;
  readonly #log: Logger;
  readonly #slowMs: number;
  readonly #local: LocalThings;
  readonly #cacheDir: string | undefined;
  readonly #remotes = new Map<string, Remote>();
  readonly #ownership = new Ownership();
  readonly #topics: RelayedTopics;

  constructor(deps: {
    links: RemoteLinks;
    hub: EventHub;
    log: Logger;
    local: LocalThings;
    /** Where each remote's last known lists are kept (0600); none: memory only. */
    cacheDir?: string;
    /** How long an idle remote topic stays followed (default RELEASE_IDLE_MS). */
    releaseIdleMs?: number;
    /** How long a read waits for a remote before its last known answer is given (default SLOW_MS). */
    slowMs?: number;
  }) {
    this.#links = deps.links;
    this.#hub = deps.hub;
    this.#log = deps.log;
    this.#slowMs = deps.slowMs ?? SLOW_MS;
    this.#local = deps.local;
    this.#cacheDir = deps.cacheDir;
    this.#topics = new RelayedTopics({
      hub: deps.hub,
      log: deps.log,
      ownerOf: (ref) => this.ownerOf(ref),
      clientOf: (machine) => this.#remotes.get(machine)?.client,
      learn: (machine, found) => this.#learn(machine, found),
      releaseIdleMs: deps.releaseIdleMs,
    });
    deps.links.listen(this);
  }

  /** A remote's state, its last known lists read from disk the first time (they teach ownership too). */
  #remote(name: string): Remote {
    let remote = this.#remotes.get(name);
    if (!remote) {
      const path = this.#cachePath(name);
      const cached = path ? readCachedLists(path, this.#log) : undefined;
      remote = {
        client: undefined,
        socket: undefined,
        instanceId: undefined,
        lists: new RemoteLists(cached),
        notAnsweringSince: undefined,
      };
      this.#remotes.set(name, remote);
      if (cached) this.#learnOwners(name, ownedIn(cached));
    }
    return remote;
  }

  #cachePath(name: string): string | undefined {
    return this.#cacheDir && join(this.#cacheDir, `${name}.json`);
  }

  #keepCache(name: string, remote: Remote): void {
    const path = this.#cachePath(name);
    if (path) writeCachedLists(path, remote.lists, this.#log);
  }

  // -- The remote's connection -------------------------------------------------------------

  up(name: string, { client, socket }: RemoteAgent, instanceId: string): void {
    const remote = this.#remote(name);
    const restarted = remote.instanceId !== undefined && remote.instanceId !== instanceId;
    remote.client = client;
    remote.socket = socket;
    remote.instanceId = instanceId;
    remote.notAnsweringSince = undefined;
    void this.#resume(name, client, restarted).catch((error: unknown) =>
      this.#log.warn(`Relay from ${name} not resumed: ${errorText(error)}`),
    );
  }

  down(name: string): void {
    const remote = this.#remotes.get(name);
    if (!remote) return;
    remote.client = undefined;
    remote.socket = undefined;
    remote.notAnsweringSince = undefined;
    this.#keepCache(name, remote);
  }

  /** After a (re)connect: fresh lists, and every followed topic again from its last seq. */
  async #resume(name: string, client: AgentClient, restarted: boolean): Promise<void> {
    // Without fresh lists, routing still knows what the cache and later answers show, and asks again for an unknown id.
    await this.#refresh(name).catch((error: unknown) =>
      this.#log.warn(`Could not refresh the lists of ${name}: ${errorText(error)}`),
    );
    await this.#topics.resume(name, client, restarted);
  }

  /** What an answer or event of a remote showed: kept for when it is unreachable, and who owns what. */
  #learn(machine: string, found: Found): void {
    this.#remote(machine).lists.keep(found);
    this.#learnOwners(machine, ownedIn(found));
  }

  #learnOwners(machine: string, things: Array<{ kind: ThingKind; id: string }>): void {
    for (const conflict of this.#ownership.learn(machine, things, (kind, id) => this.#local.has(kind, id)))
      this.#log.warn(
        `The ${conflict.kind} id ${conflict.id} exists on ${conflict.machines.join(' and ')}; requests for it are refused.`,
      );
  }

  /** The remote's whole lists, fetched now, kept for when it is unreachable. */
  async #refresh(name: string): Promise<void> {
    const remote = this.#remote(name);
    if (!remote.client) return;
    const since = remote.lists.version;
    const [projects, workspaces, sessions, terminals] = await Promise.all([
      this.#answer(name, 'project.list', undefined),
      this.#answer(name, 'workspace.list', { includeArchived: true }),
      this.#answer(name, 'session.list', undefined),
      this.#answer(name, 'terminal.list', undefined),
    ]);
    remote.lists.replace({ projects, workspaces, sessions, terminals }, since);
    this.#keepCache(name, remote);
  }

  /** A remote's answer, as it is known here: its own things carry its name, and teach who owns them. */
  async #answer<M extends HandledMethod>(
    machine: string,
    method: M,
    params: MethodParams<M>,
  ): Promise<MethodResult<M>> {
    return this.#learnFrom(machine, method, await this.#ask(machine, method, params));
  }

  /** A remote's answer with its own things carrying its name (not learned yet). */
  async #ask<M extends HandledMethod>(
    machine: string,
    method: M,
    params: MethodParams<M>,
  ): Promise<MethodResult<M>> {
    const client = this.#remote(machine).client;
    if (!client) throw this.#unreachable(machine);
    const rule: MethodRule<M> = methodRules[method];
    // A method's params whatever the method: the client's signature cannot follow a generic method.
    const call = client.call.bind(client) as (m: M, p: MethodParams<M>) => Promise<MethodResult<M>>;
    const result = await call(method, params);
    return rule.answer?.stamp ? rule.answer.stamp(result, machine) : result;
  }

  #learnFrom<M extends HandledMethod>(machine: string, method: M, stamped: MethodResult<M>): MethodResult<M> {
    const rule: MethodRule<M> = methodRules[method];
    if (rule.answer) this.#learn(machine, rule.answer.found(stamped));
    return stamped;
  }

  /**
   * A read of a connected remote whose method has a `cached` rule: its answer
   * when it comes within SLOW_MS, else (at once while it is not answering
   * already) the answer of its last known lists. The remote shows as not
   * answering until it answers something; each late answer is learned when
   * it comes, and what it changed is published (#publishLate). When nothing
   * is known to answer with: `wait` waits for the remote, `skip` answers
   * undefined (a merged list goes on without it).
   */
  async #read<M extends HandledMethod>(
    machine: string,
    method: M,
    params: MethodParams<M>,
    unknown: 'wait' | 'skip',
  ): Promise<MethodResult<M> | undefined> {
    const remote = this.#remote(machine);
    const askedAt = new Date().toISOString();
    const asked = this.#ask(machine, method, params);
    const inTime = await within(asked, remote.notAnsweringSince ? 0 : this.#slowMs);
    if (inTime) {
      this.#answering(machine, remote);
      return this.#learnFrom(machine, method, inTime.value);
    }
    const learned = this.#late(machine, method, asked, askedAt);
    const known = methodRules[method].cached?.(remote.lists, params);
    if (known !== undefined || unknown === 'skip') return known;
    return learned;
  }

  /** A read that outlived SLOW_MS: the remote shows as not answering until it answers this or a later one. */
  #late<M extends HandledMethod>(
    machine: string,
    method: M,
    asked: Promise<MethodResult<M>>,
    askedAt: string,
  ): Promise<MethodResult<M>> {
    const remote = this.#remote(machine);
    if (!remote.notAnsweringSince) {
      remote.notAnsweringSince = askedAt;
      this.#links.notAnswering(machine, askedAt);
    }
    const learned = asked.then((stamped) => {
      this.#answering(machine, remote);
      const before = { boards: knownBoards(remote.lists), workspaces: remote.lists.workspaces };
      this.#learnFrom(machine, method, stamped);
      this.#publishLate(machine, before);
      return stamped;
    });
    learned.catch((error: unknown) => {
      // An error the remote sent is an answer too; a request that timed out here is not.
      if (error instanceof AgentError && error.code !== 'TIMEOUT') this.#answering(machine, remote);
      this.#log.warn(`${method} on ${machine}, asked at ${askedAt}, failed: ${errorText(error)}`);
    });
    return learned;
  }

  /** The remote answered a read: it is not "not answering" any more. */
  #answering(machine: string, remote: Remote): void {
    if (!remote.notAnsweringSince) return;
    remote.notAnsweringSince = undefined;
    this.#links.notAnswering(machine, undefined);
  }

  /**
   * What a late answer changed in a remote's last known lists, published as
   * the events pages already follow: each changed board on `board`, each
   * changed workspace record on its `workspace:<id>` (where someone here
   * follows it). A page that was answered from the lists updates.
   */
  #publishLate(
    machine: string,
    before: { boards: ReturnType<typeof knownBoards>; workspaces: RemoteLists['workspaces'] },
  ): void {
    const lists = this.#remote(machine).lists;
    for (const event of changedBoards(before.boards, knownBoards(lists))) this.#hub.publish('board', event);
    for (const record of changedRecords(before.workspaces, lists.workspaces)) {
      const topic = `workspace:${record.id}` as const;
      if (this.#hub.subscriberCount(topic) > 0)
        this.#hub.publish(topic, { kind: 'updated', workspace: record });
    }
  }

  // -- Routing ---------------------------------------------------------------------------------

  /** Which machine a ref names: `local`, or a remote's name. */
  async ownerOf(ref: OwnerRef): Promise<string> {
    if (ref.kind === 'machine') {
      if (!this.#links.view(ref.machine))
        throw new AgentError('NOT_FOUND', `No remote named ${ref.machine} (\`ff-agent remote list\`).`);
      return ref.machine;
    }
    const names = this.#links.names();
    if (names.length === 0) return 'local';
    const known = this.#decide(ref.kind, ref.id, names);
    if (known) return known;
    // Shown by no answer yet: made on a remote by something else than a call through here (its ratchet,
    // its own CLI), or no such thing. The connected remotes are asked now, so no first moment is missed.
    const connected = names.filter((name) => this.#remote(name).client);
    if (connected.length === 0) return 'local';
    await Promise.all(connected.map((name) => this.#askWhoHas(name, ref.kind, ref.id)));
    const decided = this.#decide(ref.kind, ref.id, names);
    if (decided) return decided;
    // A remote that has not answered yet may be the one: said so rather than looked for here.
    const silent = connected.find((name) => this.#remote(name).notAnsweringSince);
    if (silent) throw this.#unreachable(silent);
    return 'local';
  }

  /** Asks a remote for one thing (for at most SLOW_MS); its answer, like any, shows whether it owns it. */
  async #askWhoHas(name: string, kind: ThingKind, id: string): Promise<void> {
    try {
      if (kind === 'project') await this.#read(name, 'project.list', undefined, 'skip');
      else if (kind === 'workspace') await this.#read(name, 'workspace.get', { workspaceId: id }, 'skip');
      else if (kind === 'session') await this.#read(name, 'session.get', { sessionId: id }, 'skip');
      else await this.#read(name, 'terminal.list', undefined, 'skip');
    } catch (error) {
      // NOT_FOUND is the answer "not mine".
      if (!(error instanceof AgentError && error.code === 'NOT_FOUND'))
        this.#log.warn(`Could not ask ${name} about ${kind} ${id}: ${errorText(error)}`);
    }
  }

  #decide(kind: ThingKind, id: string, names: string[]): string | undefined {
    // Every remote of remotes.json, with its last known lists even before it first connects.
    const remotes = names.map((name) => [name, this.#remote(name)] as const);
    const decision = decideOwner(kind, id, {
      local: this.#local.has(kind, id),
      owners: this.#ownership.owners(kind, id, names),
      ...(kind === 'project'
        ? { projectOn: remotes.filter(([, remote]) => projectIn(remote.lists, id)).map(([name]) => name) }
        : {}),
    });
    if (decision.kind === 'conflict') throw new AgentError('CONFLICT', decision.message);
    return decision.kind === 'owner' ? decision.machine : undefined;
  }

  /**
   * Calls a method on the remote that owns what it names. A read with a
   * last known answer gets it while that remote is unreachable, or slow (#read).
   */
  async forward<M extends HandledMethod>(
    machine: string,
    method: M,
    params: MethodParams<M>,
  ): Promise<MethodResult<M>> {
    const rule: MethodRule<M> = methodRules[method];
    const client = this.#remote(machine).client;
    if (!client) {
      const cached = rule.cached?.(this.#remote(machine).lists, params);
      if (cached !== undefined) return cached;
      throw this.#unreachable(machine);
    }
    if (rule.cached) return (await this.#read(machine, method, params, 'wait')) as MethodResult<M>;
    const answer = await this.#answer(machine, method, params);
    const topic: Topic | undefined = rule.follow?.(answer);
    // Its events start at once: followed before the answer lets anyone subscribe.
    if (topic) await this.#topics.followFromStart(machine, client, topic);
    return answer;
  }

  /**
   * Calls a method on the remote whose answer this agent does not read
   * (session.events, workspace.diff…): its bytes go to the client as the
   * remote sent them (remote-socket.ts), however big, held here once.
   */
  #passOn<M extends HandledMethod>(
    machine: string,
    method: M,
    params: MethodParams<M>,
  ): Promise<EncodedResult> {
    const socket = this.#remote(machine).socket;
    if (!socket) throw this.#unreachable(machine);
    return socket.passThrough(method, params);
  }

  #unreachable(machine: string): AgentError {
    const view = this.#links.view(machine);
    const seen = view?.lastSeenAt ? `, last seen ${view.lastSeenAt}` : '';
    // Connected but not answering: nothing to reconnect; its answers land when they come.
    const after = this.#remote(machine).client ? 'try again once it answers' : 'ff reconnects by itself';
    return new AgentError(
      'UNAVAILABLE',
      `${machine} is ${view?.state ?? 'unknown'} since ${view?.since ?? '?'}${seen}${view?.error ? ` (${view.error})` : ''}. Its sessions keep running there; ${after}.`,
    );
  }

  /** The handlers, each first asking who owns what the request names; lists gather every machine's. */
  route(handlers: MethodHandlers): MethodHandlers {
    const routed: Partial<Record<HandledMethod, unknown>> = {};
    for (const method of Object.keys(handlers) as HandledMethod[])
      routed[method] = this.#routed(method, handlers[method]);
    // One entry per method of `handlers`, each of its method's type (#routed keeps the handler's).
    return routed as MethodHandlers;
  }

  #routed<M extends HandledMethod>(method: M, handler: MethodHandlers[M]): MethodHandlers[M] {
    const rule: MethodRule<M> = methodRules[method];
    const answer = async (params: ParsedParams<M>, context: RequestContext) => {
      const ref = rule.owner?.(params);
      if (ref) {
        const machine = await this.ownerOf(ref);
        const sent = rule.toRemote ? rule.toRemote(params) : asSent(params);
        // Nothing to learn from its answer, nothing to answer in its stead: it is passed on as it came.
        if (machine !== 'local' && !rule.answer && !rule.follow && !rule.cached)
          return this.#passOn(machine, method, sent);
        if (machine !== 'local') return this.forward(machine, method, sent);
      }
      const here: MethodResultInput<M> = await handler(params, context);
      return rule.merge ? this.#merge(method, rule.merge, params, here) : here;
    };
    return answer as MethodHandlers[M];
  }

  /** This machine's answer with the answers of the remotes that have something to add. */
  async #merge<M extends HandledMethod>(
    method: M,
    merge: MergeRule<M>,
    params: ParsedParams<M>,
    here: MethodResultInput<M>,
  ): Promise<MethodResultInput<M>> {
    const names = this.#links
      .names()
      .filter((name) => merge.from?.(params, this.#remote(name).lists) ?? true);
    if (names.length === 0) return here;
    const theirs = await Promise.all(
      names.map((name) =>
        this.#gathered(
          name,
          method,
          merge.ask ? merge.ask(params, this.#remote(name).lists) : asSent(params),
        ),
      ),
    );
    return merge.combine(
      here,
      theirs.filter((answer) => answer !== undefined),
    );
  }

  /**
   * One remote's part of a merged answer: live while connected (a read for
   * at most SLOW_MS, #read), else (or when it fails) from its last known lists.
   */
  async #gathered<M extends HandledMethod>(
    machine: string,
    method: M,
    params: MethodParams<M>,
  ): Promise<RemoteAnswer<M> | undefined> {
    const remote = this.#remote(machine);
    const rule: MethodRule<M> = methodRules[method];
    if (remote.client) {
      try {
        const result = rule.cached
          ? await this.#read(machine, method, params, 'skip')
          : await this.#answer(machine, method, params);
        return result === undefined ? undefined : { machine, result };
      } catch (error) {
        this.#log.warn(`${method} on ${machine} failed: ${errorText(error)}`);
      }
    }
    const cached = rule.cached?.(remote.lists, params);
    return cached === undefined ? undefined : { machine, result: cached };
  }

  // -- Subscriptions ---------------------------------------------------------------------------

  /** Before a local client subscribes: a topic a remote owns is followed there (relayed-topics.ts). */
  prepare(topic: Topic, sinceSeq: number | undefined): Promise<void> {
    return this.#topics.prepare(topic, sinceSeq);
  }

  /** What this agent follows on remotes for its subscribers (for tests and diagnostics). */
  followedTopics(): string[] {
    return this.#topics.followedTopics();
  }
}
