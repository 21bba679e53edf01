import { AgentClient, ConnectError } from '../../shared/agent-client.js';
import type { ConnectionState, PairingInput } from './messages.js';

export const DEFAULT_AGENT_PORT = 47100;
const STORAGE_KEY = 'ff.pairing';

/** Keepalive under 30 s: Chrome keeps a service worker alive while its WebSocket has traffic. */
const KEEPALIVE_MS = 20_000;
const MAX_BACKOFF_MS = 30_000;

interface StorageArea {
  get(key: string): Promise<Record<string, unknown>>;
  set(items: Record<string, unknown>): Promise<void>;
}

/**
 * The background worker's one connection to ff-agent: connects with the
 * stored pairing, reconnects with exponential backoff, keeps the worker alive
 * and reports a state every surface can show with its fix.
 */
export class AgentConnection {
  readonly #storage: StorageArea;
  readonly #version: string;
  readonly #listeners = new Set<(state: ConnectionState) => void>();
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

  constructor(storage: StorageArea, version: string) {
    this.#storage = storage;
    this.#version = version;
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

  /** (Re)connects now; resolves with the resulting state. */
  async connect(): Promise<ConnectionState> {
    const generation = ++this.#generation;
    clearTimeout(this.#retry);
    clearInterval(this.#keepalive);
    this.#client?.close();
    this.#client = undefined;
    const pairing = await this.#pairing();
    if (!pairing) {
      this.#set({
        status: 'not-paired',
        port: DEFAULT_AGENT_PORT,
        message: 'Not paired with ff-agent. Enter the port and token from ~/.ff/agent.json.',
      });
      return this.#state;
    }
    this.#set({ status: 'connecting', port: pairing.port, message: 'Connecting to ff-agent…' });
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
      this.#set({
        status: 'connected',
        port: pairing.port,
        agentVersion: client.welcome.agentVersion,
        message: `Connected to ff-agent ${client.welcome.agentVersion}.`,
      });
      this.#keepalive = setInterval(() => void client.call('status').catch(() => {}), KEEPALIVE_MS);
      client.onClose(() => {
        if (generation === this.#generation) this.#scheduleRetry(pairing.port, 'agent-not-running');
      });
    } catch (error) {
      if (generation !== this.#generation) return this.#state;
      const reason = error instanceof ConnectError ? error.reason : 'unreachable';
      if (reason === 'bad-token') {
        this.#set({
          status: 'not-paired',
          port: pairing.port,
          message: 'ff-agent refused the token. Pair again.',
        });
      } else if (reason === 'protocol-mismatch') {
        this.#set({
          status: 'protocol-mismatch',
          port: pairing.port,
          message: 'ff-agent and the extension are different versions. Update both.',
        });
      } else {
        this.#scheduleRetry(pairing.port, 'agent-not-running');
      }
    }
    return this.#state;
  }

  #scheduleRetry(port: number, status: 'agent-not-running'): void {
    clearInterval(this.#keepalive);
    this.#client = undefined;
    this.#set({ status, port, message: 'ff-agent is not running. Start it with `ff-agent serve`.' });
    const delay = this.#backoffMs;
    this.#backoffMs = Math.min(this.#backoffMs * 2, MAX_BACKOFF_MS);
    this.#retry = setTimeout(() => void this.connect(), delay * (0.8 + Math.random() * 0.4));
  }

  async #pairing(): Promise<PairingInput | undefined> {
    const stored = (await this.#storage.get(STORAGE_KEY))[STORAGE_KEY];
    return stored && typeof stored === 'object' ? (stored as PairingInput) : undefined;
  }

  #set(state: ConnectionState): void {
    this.#state = state;
    for (const listener of this.#listeners) listener(state);
  }
}
