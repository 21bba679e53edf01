import { signal } from '@preact/signals';
import { browser } from 'wxt/browser';
import type { MethodName, MethodParams, MethodResult, Topic } from '../../shared/protocol.js';
import {
  type AgentEvent,
  type ConnectionState,
  type PairingInput,
  PORT_NAME,
  type PortMessage,
  type PortRequest,
} from './messages.js';

/** An error the agent (or the background) answered with: code + a message to show. */
export class RemoteError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}

/** The code of an error the agent answered with (`NOT_FOUND`, …); undefined for any other error. */
export function errorCode(error: unknown): string | undefined {
  return error instanceof RemoteError ? error.code : undefined;
}

/** Events of the topic subscribed to, each narrowed by its `kind` where it is read. */
type Listener = (event: AgentEvent) => void;
type BatchListener = (events: readonly AgentEvent[]) => void;

/**
 * The page side of the background's port: typed calls, subscriptions and the
 * connection state as a signal. Survives the worker being stopped and
 * restarted (the port reconnects and resubscribes from the last seq it
 * passed on).
 *
 * It checks no seqs: the client layer behind the worker (shared/agent-client.ts)
 * delivers each event once, in order, and the worker sends them in batches
 * (one port message per burst), which reach `subscribeBatches` listeners as
 * they came: the one batching between the agent and a view.
 */
export class AgentPort {
  readonly connection = signal<ConnectionState | undefined>(undefined);
  #port: ReturnType<typeof browser.runtime.connect> | undefined;
  #nextId = 1;
  readonly #pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  readonly #topics = new Map<Topic, { listeners: Set<BatchListener>; resumeFrom?: number }>();
  #closed = false;

  constructor() {
    this.#open();
  }

  call<M extends MethodName>(
    method: M,
    ...args: undefined extends MethodParams<M> ? [MethodParams<M>?] : [MethodParams<M>]
  ): Promise<MethodResult<M>> {
    return this.#request((id) => ({ type: 'call', id, method, params: args[0] })) as Promise<MethodResult<M>>;
  }

  pair(pairing: PairingInput): Promise<ConnectionState> {
    return this.#request((id) => ({ type: 'pair', id, pairing })) as Promise<ConnectionState>;
  }

  pairWithCode(port: number, code: string): Promise<ConnectionState> {
    return this.#request((id) => ({ type: 'pair-code', id, port, code })) as Promise<ConnectionState>;
  }

  reconnect(): Promise<ConnectionState> {
    return this.#request((id) => ({ type: 'reconnect', id })) as Promise<ConnectionState>;
  }

  /** Live events of a topic (from `sinceSeq` when given), one at a time; returns the unsubscribe. */
  subscribe(topic: Topic, listener: Listener, sinceSeq?: number): () => void {
    return this.subscribeBatches(topic, (events) => events.forEach(listener), sinceSeq);
  }

  /** Live events of a topic (from `sinceSeq` when given), in the batches the worker sent; returns the unsubscribe. */
  subscribeBatches(topic: Topic, listener: BatchListener, sinceSeq?: number): () => void {
    let entry = this.#topics.get(topic);
    if (!entry) {
      entry = { listeners: new Set(), ...(sinceSeq === undefined ? {} : { resumeFrom: sinceSeq }) };
      this.#topics.set(topic, entry);
      this.#send({ type: 'subscribe', topic, ...(sinceSeq === undefined ? {} : { sinceSeq }) });
    }
    entry.listeners.add(listener);
    return () => {
      entry.listeners.delete(listener);
      if (entry.listeners.size === 0) {
        this.#topics.delete(topic);
        this.#send({ type: 'unsubscribe', topic });
      }
    };
  }

  /** Opens a workspace's preview in a tab, through the agent's `preview.open` (a remote's port forwarded here). */
  openPreview(workspaceId: string, port: number): Promise<{ url: string }> {
    return this.#request((id) => ({ type: 'open-preview', id, workspaceId, port })) as Promise<{
      url: string;
    }>;
  }

  /** Opens an extension page in a tab: Options, or the chat (popup.html, `#<workspace id>` selects one). */
  open(page: 'options' | 'popup' | 'workspace' | 'fleet', hash?: string, session?: string): void {
    this.#send({ type: 'open', page, ...(hash ? { hash } : {}), ...(session ? { session } : {}) });
  }

  close(): void {
    this.#closed = true;
    this.#port?.disconnect();
  }

  #request(build: (id: number) => PortRequest): Promise<unknown> {
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#send(build(id));
    });
  }

  #send(message: PortRequest): void {
    try {
      this.#port?.postMessage(message);
    } catch {
      // The port is being replaced; #open resends subscriptions, pending calls fail below.
    }
  }

  #open(): void {
    const port = browser.runtime.connect({ name: PORT_NAME });
    this.#port = port;
    port.onMessage.addListener((message: PortMessage) => {
      if (message.type === 'connection') {
        this.connection.value = message.state;
      } else if (message.type === 'events') {
        const byTopic = new Map<Topic, AgentEvent[]>();
        for (const event of message.events) {
          const events = byTopic.get(event.topic);
          if (events) events.push(event);
          else byTopic.set(event.topic, [event]);
        }
        for (const [topic, events] of byTopic) {
          const entry = this.#topics.get(topic);
          if (!entry) continue;
          entry.resumeFrom = events.at(-1)!.seq;
          for (const listener of entry.listeners) listener(events);
        }
      } else {
        const pending = this.#pending.get(message.id);
        if (!pending) return;
        this.#pending.delete(message.id);
        if (message.ok) pending.resolve(message.result);
        else pending.reject(new RemoteError(message.error.code, message.error.message));
      }
    });
    port.onDisconnect.addListener(() => {
      for (const pending of this.#pending.values())
        pending.reject(new RemoteError('UNAVAILABLE', 'The extension restarted; try again.'));
      this.#pending.clear();
      if (this.#closed) return;
      // The worker was stopped (or the extension reloaded): reconnect and resubscribe from the last seq.
      setTimeout(() => {
        try {
          this.#open();
          for (const [topic, entry] of this.#topics) {
            this.#send({
              type: 'subscribe',
              topic,
              ...(entry.resumeFrom === undefined ? {} : { sinceSeq: entry.resumeFrom }),
            });
          }
        } catch {
          // Extension context invalidated (extension updated): nothing more to do on this page.
        }
      }, 250);
    });
  }
}
