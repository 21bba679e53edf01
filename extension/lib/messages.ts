/**
 * What extension pages and content scripts say to the background worker over
 * a runtime port named "ff-agent". The worker owns the one agent connection
 * and the token; pages and GitHub pages never see it. The worker validates
 * requests with the schemas in port-schemas.ts.
 */
import type { ErrorInfo, Topic, TopicEvent, TopicKind } from '../../shared/protocol.js';
import type { ConnectionState } from './port-schemas.js';

export type { ConnectionState, ConnectionStatus, PairingInput, PortRequest } from './port-schemas.js';

export const PORT_NAME = 'ff-agent';

export type PortMessage =
  | { type: 'result'; id: number; ok: true; result: unknown }
  | { type: 'result'; id: number; ok: false; error: ErrorInfo }
  /** Events in the order they came; several at once when they come fast (a replay). */
  | { type: 'events'; events: AgentEvent[] }
  | { type: 'connection'; state: ConnectionState };

/**
 * An agent event as the worker passes it on: its payload checked against its
 * topic's schema once, in the worker (`toAgentEvent`), and tagged with the
 * topic's kind. A page or content script narrows it by `kind` (`event.kind ===
 * 'session'`) and reads `data` typed, with no cast and no schema of its own (the
 * popup's first paint loads no zod). `unreadable`: a payload that did not parse,
 * passed on for its seq alone, so a resubscription resumes after it.
 */
export type AgentEvent =
  | { [K in TopicKind]: { kind: K; topic: Topic; seq: number; data: TopicEvent<K> } }[TopicKind]
  | { kind: 'unreadable'; topic: Topic; seq: number };
