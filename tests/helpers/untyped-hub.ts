import type { EventHub } from '../../agent/events/event-hub.js';
import type { EventFrame, Topic } from '../../shared/protocol.js';

/**
 * The hub with its payload typing set aside, for tests of seq, replay and
 * fan-out that publish plain markers (1, 2, 'late') rather than real events.
 */
export function untypedHub(hub: EventHub): {
  publish(topic: Topic, data: unknown, seq?: number): EventFrame;
} {
  return hub as unknown as { publish(topic: Topic, data: unknown, seq?: number): EventFrame };
}
