import type { SessionEvent } from '../../shared/protocol.js';
import type { AgentPort } from './agent-port.js';

export type SessionEntry = SessionEvent & { seq: number };

/**
 * A session's events as a view wants them (a CLI line arrives as the
 * agent's bounded entries, so nothing needs slimming): from `sinceSeq` when it
 * has the rest (a cache), else the newest `limit` in one answer (a
 * subscription's replay would be a message each), then live, in the batches
 * the worker sends (apply each as one render). Each event comes once, in
 * order (shared/agent-client.ts sees to that). Returns the stop.
 */
export function followSession(
  agent: AgentPort,
  sessionId: string,
  options: { sinceSeq?: number; limit: number },
  on: { loaded?: (events: SessionEntry[]) => void; events: (events: SessionEntry[]) => void },
): () => void {
  let stopped = false;
  let unsubscribe = () => {};
  const follow = (sinceSeq: number) => {
    if (stopped) return;
    unsubscribe = agent.subscribeBatches(
      `session:${sessionId}`,
      (batch) => {
        const events: SessionEntry[] = [];
        for (const event of batch)
          if (event.kind === 'session') events.push({ ...event.data, seq: event.seq });
        if (events.length) on.events(events);
      },
      sinceSeq,
    );
  };
  if (options.sinceSeq !== undefined) follow(options.sinceSeq);
  else
    void agent.call('session.events', { sessionId, limit: options.limit }).then(
      (answer) => {
        if (stopped) return;
        on.loaded?.(answer.events.map(({ seq, event }) => ({ ...event, seq })));
        follow(answer.lastSeq);
      },
      () => follow(0), // an agent without session.events: the subscription replays everything
    );
  return () => {
    stopped = true;
    unsubscribe();
  };
}
