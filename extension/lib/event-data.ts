import type { EventFrame, TopicEvent, TopicKind } from '../../shared/protocol.js';

/**
 * An event frame's payload, for pages and content scripts: undefined when the
 * frame is of another kind or its payload did not parse. The parse itself
 * happened once, in the background (`checkEventFrame` as each frame arrives
 * from the agent), which forwards the checked payload or none; so this reads
 * by type and the popup's first paint loads no zod and no protocol schemas.
 */
export function eventData<K extends TopicKind>(
  kind: K,
  frame: Pick<EventFrame, 'topic' | 'data'>,
): TopicEvent<K> | undefined {
  if (frame.topic.split(':', 1)[0] !== kind || frame.data === undefined) return undefined;
  return frame.data as TopicEvent<K>;
}
