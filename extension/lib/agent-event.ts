/**
 * The worker's one check of what the agent publishes: each event frame's
 * payload against its topic's schema, into the typed `AgentEvent` its pages
 * and content scripts narrow by kind (messages.ts). Only the worker imports
 * this file (it brings zod and the protocol's schemas).
 */
import {
  type EventFrame,
  eventData,
  type TopicEvent,
  type TopicKind,
  topicKind,
} from '../../shared/protocol.js';
import type { AgentEvent } from './messages.js';

type Frame = Pick<EventFrame, 'topic' | 'seq' | 'data'>;

export function toAgentEvent(frame: Frame): AgentEvent {
  const unreadable = { kind: 'unreadable', topic: frame.topic, seq: frame.seq } as const;
  // A case per topic kind: each fixes `kind`, so the compiler pairs it with its payload's type.
  const kind = topicKind(frame.topic);
  switch (kind) {
    case 'board':
      return checked(kind, frame) ?? unreadable;
    case 'ratchet':
      return checked(kind, frame) ?? unreadable;
    case 'remotes':
      return checked(kind, frame) ?? unreadable;
    case 'workspace':
      return checked(kind, frame) ?? unreadable;
    case 'session':
      return checked(kind, frame) ?? unreadable;
    case 'terminal':
      return checked(kind, frame) ?? unreadable;
    case undefined:
      return unreadable;
  }
}

function checked<K extends TopicKind>(
  kind: K,
  frame: Frame,
): { kind: K; topic: string; seq: number; data: TopicEvent<K> } | undefined {
  const data = eventData(kind, frame);
  return data === undefined ? undefined : { kind, topic: frame.topic, seq: frame.seq, data };
}
