import type { AgentClient } from '../../shared/agent-client.js';
import { AgentError, type RemoteAddParams, type RemoteView } from '../../shared/protocol.js';
import type { Logger } from '../logger.js';
import type { SshRoute } from './preview-forwards.js';
import { DEFAULT_HEALTH_MS, RemoteError, RemoteLink, type RemoteListener } from './remote-link.js';
import { type RemoteRecord, readRemotes, writeRemotes } from './remotes-file.js';
import type { SshTarget } from './ssh-command.js';

/** The remotes of this home: loaded from remotes.json at start, each kept connected. */
export class RemoteLinks {
  readonly #home: string;
  readonly #log: Logger;
  readonly #links = new Map<string, RemoteLink>();

  readonly #onChange: (remotes: RemoteView[]) => void;
  readonly #healthMs: number;
  #listener: RemoteListener | undefined;

  /** `onChange` hears every remote's view whenever one's state changes (the `remotes` topic). */
  constructor(
    home: string,
    log: Logger,
    onChange: (remotes: RemoteView[]) => void = () => {},
    options: { healthMs?: number } = {},
  ) {
    this.#home = home;
    this.#log = log;
    this.#onChange = onChange;
    this.#healthMs = options.healthMs ?? DEFAULT_HEALTH_MS;
  }

  /** Who hears each remote's agent connection come and go. */
  listen(listener: RemoteListener): void {
    this.#listener = listener;
  }

  #events() {
    return { onChange: this.#changed, listener: () => this.#listener, healthMs: this.#healthMs };
  }

  /** Names of the remotes, in the order they were added. */
  names(): string[] {
    return [...this.#links.keys()];
  }

  /** The remote's view (state, since, last seen), or undefined for no such remote. */
  view(name: string): RemoteView | undefined {
    return this.#links.get(name)?.view();
  }

  /** How ssh reaches a remote (its target and ControlMaster socket), or undefined for no such remote. */
  sshRoute(name: string): SshRoute | undefined {
    const link = this.#links.get(name);
    return link && { target: link.target, path: link.path };
  }

  /** A connected remote's agent, for a request that must be answered live (not from its last known lists). */
  client(name: string): AgentClient {
    const link = this.#links.get(name);
    if (!link) throw new AgentError('NOT_FOUND', `No remote named ${name} (\`ff-agent remote list\`).`);
    if (link.client?.isOpen) return link.client;
    const view = link.view();
    throw new AgentError(
      'UNAVAILABLE',
      `${name} is ${view.state} since ${view.since}${view.error ? ` (${view.error})` : ''}: try again once it is connected (\`ff-agent remote list\`).`,
    );
  }

  /** A connected remote has not answered a read since `since` (the relay's word), or answers again (undefined). */
  notAnswering(name: string, since: string | undefined): void {
    this.#links.get(name)?.notAnswering(since);
  }

  #changed = (): void => {
    this.#onChange([...this.#links.values()].map((link) => link.view()));
  };

  start(): void {
    for (const record of readRemotes(this.#home)) {
      const { token, addedAt: _, ...target } = record;
      const link = new RemoteLink(target, this.#home, this.#log, this.#events(), token);
      this.#links.set(record.name, link);
      link.keepUp();
    }
  }

  async add(params: RemoteAddParams): Promise<RemoteView> {
    if (this.#links.has(params.name))
      throw new AgentError(
        'ALREADY_EXISTS',
        `A remote named ${params.name} exists already (\`ff-agent remote list\`).`,
      );
    const target: SshTarget = { ...params, options: params.options ?? [] };
    const link = new RemoteLink(target, this.#home, this.#log, this.#events());
    try {
      await link.connect();
      const token = await link.pair();
      await link.attach();
      const record: RemoteRecord = { ...target, token, addedAt: new Date().toISOString() };
      writeRemotes(this.#home, [...readRemotes(this.#home).filter((r) => r.name !== target.name), record]);
    } catch (error) {
      await link.stop();
      if (error instanceof RemoteError) throw new AgentError('FAILED_PRECONDITION', error.message);
      throw error;
    }
    // From now on a drop reconnects by itself (the master's exit while connected).
    this.#links.set(target.name, link);
    this.#changed();
    return link.view();
  }

  async list(probe = false): Promise<RemoteView[]> {
    return Promise.all(
      [...this.#links.values()].map(async (link) => link.view(probe ? await link.probe() : undefined)),
    );
  }

  async remove(name: string): Promise<{ removed: RemoteView }> {
    const link = this.#links.get(name);
    if (!link) throw new AgentError('NOT_FOUND', `No remote named ${name} (\`ff-agent remote list\`).`);
    await link.stop();
    this.#links.delete(name);
    this.#changed();
    writeRemotes(
      this.#home,
      readRemotes(this.#home).filter((r) => r.name !== name),
    );
    return { removed: link.view() };
  }

  async close(): Promise<void> {
    await Promise.all([...this.#links.values()].map((link) => link.stop()));
  }
}
