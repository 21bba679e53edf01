import { AgentClient, ConnectError } from '../../shared/agent-client.js';
import { DEFAULT_AGENT_PORT } from '../../shared/extension-identity.js';
import {
  AgentError,
  type EventFrame,
  isMethodName,
  type MethodName,
  normalizePairingCode,
  type Topic,
} from '../../shared/protocol.js';
import { toAgentEvent } from './agent-event.js';
import { connectionAdvice, type NativeHostState, type PairingTrouble } from './connection-advice.js';
import type { AgentEvent } from './messages.js';
import { type ConnectionState, PairingInput } from './port-schemas.js';

const STORAGE_KEY = 'ff.pairing';

/** Keepalive under 30 s: Chrome keeps a service worker alive while its WebSocket has traffic. */
const KEEPALIVE_MS = 20_000;
const MAX_BACKOFF_MS = 30_000;

interface StorageArea {
  get(key: string): Promise<Record<string, unknown>>;
  set(items: Record<string, unknown>): Promise<void>;
}

type Listener = (event: AgentEvent) => void;

interface Subscription {
  topic: Topic;
  listener: Listener;
  /**
   * Where a reconnect resubscribes from: the seq the last client had
   * delivered (asked of it as it goes, not counted here), so nothing is lost
   * or doubled.
   */
  resumeFrom?: number;
}

/**
 * What the native messaging host (registered by `ff-agent install`) says of
 * the agent: whether it runs, and its port and token when agent.json has
 * them (they stay the same across restarts). A browser without the host
 * throws.
 */
export interface NativeAnswer {
  running: boolean;
  pairing?: PairingInput;
  /** agent.json's port, also when there is no token to pair with. */
  port?: number;
}

export interface NativeHost {
  /** Starts the agent unless it runs, then answers. */
  ensureAgent(): Promise<NativeAnswer>;
  /** Answers without starting anything. */
  connection(): Promise<NativeAnswer>;
}

/**
 * The background worker's one connection to ff-agent: connects with the
 * stored pairing, reconnects with exponential backoff, keeps the worker
 * alive, resubscribes every subscription from its last seq after a
 * reconnect, and reports a state every surface shows with the one next
 * step that fits (lib/connection-advice.ts).
 */
export class AgentConnection {
  readonly #storage: StorageArea;
  readonly #version: string;
  readonly #native: NativeHost | undefined;
  #triedNative = false;
  /** Whether the native host answered: `ff-agent install` ran, so `ff-agent restart` is the fix, not install. */
  #nativeHost: NativeHostState = 'unknown';
  /** The last connection attempt found no agent: the next one asks the native host where it is now. */
  #retrying = false;
  /** The agent's port as the native host last read it from agent.json (for the pair form). */
  #knownPort: number | undefined;
  /** A refused token was checked with the native host once (not again, so a refusal cannot loop). */
  #askedAfterRefusal = false;
  readonly #listeners = new Set<(state: ConnectionState) => void>();
  readonly #subscriptions = new Set<Subscription>();
  #client: AgentClient | undefined;
  #state: ConnectionState = {
    status: 'connecting',
    message: 'Connecting to ff-agent…',
    port: DEFAULT_AGENT_PORT,
  };
  #backoffMs = 1_000;
  #retry: ReturnType<typeof setTimeout> | undefined;
  #keepalive: ReturnType<typeof setInterval> | undefined;
  #generation = 0;

  constructor(storage: StorageArea, version: string, native?: NativeHost) {
    this.#storage = storage;
    this.#version = version;
    this.#native = native;
  }

  get state(): ConnectionState {
    return this.#state;
  }

  onChange(listener: (state: ConnectionState) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async pair(pairing: PairingInput): Promise<ConnectionState> {
    await this.#storage.set({ [STORAGE_KEY]: pairing });
    return this.connect();
  }

  /**
   * Manual pairing with a code from `ff-agent pair`: the agent answers with
   * the token, which is stored. A refused code changes nothing (a working
   * pairing stays); the answer says why, for the form to show.
   */
  async pairWithCode(port: number, code: string): Promise<ConnectionState> {
    let token: string | undefined;
    try {
      const client = await AgentClient.connect(() => new WebSocket(`ws://127.0.0.1:${port}`), {
        pairingCode: normalizePairingCode(code),
        client: { name: 'ff-extension', version: this.#version },
      });
      token = client.welcome.token;
      client.close();
      if (!token) throw new ConnectError('refused', 'ff-agent did not hand over a token.');
    } catch (error) {
      return {
        status: 'not-paired',
        port,
        message: error instanceof Error ? error.message : 'Pairing failed.',
      };
    }
    return this.pair({ port, token });
  }

  /**
   * Asks the native host for the agent's port and token (`ensure`: starting
   * the agent if it is not running) and stores a pairing it hands over, also
   * that of a stopped agent: its token stays the same when it starts again,
   * and its port is where it will be (it may have fallen back to another).
   */
  async #askNativeHost(how: 'ensure' | 'look'): Promise<void> {
    if (!this.#native) return;
    try {
      const answer = await (how === 'ensure' ? this.#native.ensureAgent() : this.#native.connection());
      this.#nativeHost = 'installed';
      if (answer.port !== undefined) this.#knownPort = answer.port;
      const stored = await this.#pairing();
      if (answer.pairing && (stored?.port !== answer.pairing.port || stored.token !== answer.pairing.token))
        await this.#storage.set({ [STORAGE_KEY]: answer.pairing });
    } catch {
      // No host installed, or a browser without native messaging: manual pairing remains.
      this.#nativeHost = 'absent';
    }
  }

  /** A state that is not `connected`, worded with its next step. */
  #trouble(
    status: Exclude<ConnectionState['status'], 'connected'>,
    port: number,
    pairing: PairingTrouble = 'none',
  ): ConnectionState {
    const advice = connectionAdvice(status, { nativeHost: this.#nativeHost, pairing });
    return {
      status,
      port,
      message: advice.message,
      ...(advice.nextStep ? { nextStep: advice.nextStep } : {}),
    };
  }

  async call(method: string, params: unknown): Promise<unknown> {
    if (!isMethodName(method))
      throw new AgentError('UNKNOWN_METHOD', `Unknown method ${JSON.stringify(method)}.`);
    const client = this.#client;
    if (!client?.isOpen) throw new AgentError('UNAVAILABLE', this.#state.message);
    return (client.call as (m: MethodName, p?: unknown) => Promise<unknown>)(method, params);
  }

  /** Subscribes now if connected, and again (from the last seq) after every reconnect. */
  subscribe(topic: Topic, listener: Listener, sinceSeq?: number): () => void {
    const subscription: Subscription = {
      topic,
      listener,
      ...(sinceSeq === undefined ? {} : { resumeFrom: sinceSeq }),
    };
    this.#subscriptions.add(subscription);
    if (this.#client?.isOpen) void this.#subscribeOn(this.#client, subscription);
    return () => {
      this.#subscriptions.delete(subscription);
      // It fails only when the connection is gone, and the subscription with it: nothing is left to undo.
      void this.#client?.unsubscribe(topic, this.#wrapped.get(subscription)).catch(() => {});
    };
  }

  readonly #wrapped = new WeakMap<Subscription, (frame: EventFrame) => void>();

  /** Seqs are the client's business (shared/agent-client.ts): each subscription gets each event once, in order. */
  async #subscribeOn(client: AgentClient, subscription: Subscription): Promise<void> {
    // A listener of its own per subscription: the client keeps its seq per listener.
    // The payload is checked once here, into a typed event its listeners (and the worker's pages) narrow by kind.
    const wrapped = (frame: EventFrame) => subscription.listener(toAgentEvent(frame));
    this.#wrapped.set(subscription, wrapped);
    try {
      await client.subscribe(subscription.topic, wrapped, subscription.resumeFrom);
    } catch {
      // The connection dropped while subscribing; the reconnect resubscribes.
    }
  }

  /** Notes, before a client goes, where each subscription is to resume on the next one. */
  #rememberWhereEachIs(client: AgentClient | undefined): void {
    if (!client) return;
    for (const subscription of this.#subscriptions) {
      const listener = this.#wrapped.get(subscription);
      const seq = listener && client.lastSeq(subscription.topic, listener);
      if (seq !== undefined) subscription.resumeFrom = seq;
    }
  }

  /** (Re)connects now; resolves with the resulting state. */
  async connect(): Promise<ConnectionState> {
    const generation = ++this.#generation;
    clearTimeout(this.#retry);
    clearInterval(this.#keepalive);
    this.#rememberWhereEachIs(this.#client);
    this.#client?.close();
    this.#client = undefined;
    // Zero-config pairing: at start, ask the native host (it also starts a stopped agent); after a failed
    // attempt, ask it again where the agent is now (restarted on another port, or paired anew).
    if (!this.#triedNative) {
      this.#triedNative = true;
      await this.#askNativeHost('ensure');
    } else if (this.#retrying && this.#nativeHost === 'installed') await this.#askNativeHost('look');
    if (generation !== this.#generation) return this.#state;
    const pairing = await this.#pairing();
    if (!pairing) {
      const port = this.#knownPort ?? DEFAULT_AGENT_PORT;
      if (this.#nativeHost === 'installed') {
        // The host is there but the agent did not start and left no token: once it runs, the next look pairs.
        this.#scheduleRetry(port);
        return this.#state;
      }
      this.#set({ ...this.#trouble('not-paired', port), portKnown: this.#knownPort !== undefined });
      return this.#state;
    }
    // A retry keeps saying what it said (the agent is away), rather than flickering to "Connecting…" each time.
    if (!this.#retrying) this.#set(this.#trouble('connecting', pairing.port));
    try {
      const client = await AgentClient.connect(() => new WebSocket(`ws://127.0.0.1:${pairing.port}`), {
        token: pairing.token,
        client: { name: 'ff-extension', version: this.#version },
      });
      if (generation !== this.#generation) {
        client.close();
        return this.#state;
      }
      this.#client = client;
      this.#backoffMs = 1_000;
      this.#retrying = false;
      this.#askedAfterRefusal = false;
      // A keepalive that fails means the connection dropped: its close handler below reconnects.
      this.#keepalive = setInterval(() => void client.call('status').catch(() => {}), KEEPALIVE_MS);
      client.onClose(() => {
        if (generation === this.#generation) this.#scheduleRetry(pairing.port);
      });
      await Promise.all([...this.#subscriptions].map((s) => this.#subscribeOn(client, s)));
      this.#set({
        status: 'connected',
        port: pairing.port,
        agentVersion: client.welcome.agentVersion,
        message: `Connected to ff-agent ${client.welcome.agentVersion}.${client.welcome.notice ? ` ${client.welcome.notice}` : ''}`,
      });
    } catch (error) {
      if (generation !== this.#generation) return this.#state;
      const reason = error instanceof ConnectError ? error.reason : 'unreachable';
      if (reason === 'bad-token' && this.#nativeHost === 'installed' && !this.#askedAfterRefusal) {
        // The agent's home was made anew (a new token): the host reads the one it has now.
        this.#askedAfterRefusal = true;
        await this.#askNativeHost('look');
        const now = await this.#pairing();
        if (now && now.token !== pairing.token) return this.connect();
      }
      if (reason === 'bad-token') this.#set(this.#trouble('not-paired', pairing.port, 'refused'));
      else if (reason === 'protocol-mismatch') this.#set(this.#trouble('protocol-mismatch', pairing.port));
      else this.#scheduleRetry(pairing.port);
    }
    return this.#state;
  }

  #scheduleRetry(port: number): void {
    clearInterval(this.#keepalive);
    this.#rememberWhereEachIs(this.#client);
    this.#client = undefined;
    this.#retrying = true;
    this.#set(this.#trouble('agent-not-running', port));
    const delay = this.#backoffMs;
    this.#backoffMs = Math.min(this.#backoffMs * 2, MAX_BACKOFF_MS);
    clearTimeout(this.#retry);
    this.#retry = setTimeout(() => void this.connect(), delay * (0.8 + Math.random() * 0.4));
  }

  /** The stored pairing, checked: anything else in its place (damaged, an older shape) is no pairing. */
  async #pairing(): Promise<PairingInput | undefined> {
    const stored = PairingInput.safeParse((await this.#storage.get(STORAGE_KEY))[STORAGE_KEY]);
    return stored.success ? stored.data : undefined;
  }

  #set(state: ConnectionState): void {
    this.#state = state;
    for (const listener of this.#listeners) listener(state);
  }
}
