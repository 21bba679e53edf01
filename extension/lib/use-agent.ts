import { useEffect, useState } from 'preact/hooks';
import { errorText } from '../../shared/error-text.js';
import type { Topic } from '../../shared/protocol.js';
import { type AgentPort, errorCode } from './agent-port.js';
import type { AgentEvent } from './messages.js';

/** Subscribes while the component is mounted. */
export function useTopic(
  agent: AgentPort,
  topic: Topic | undefined,
  listener: (event: AgentEvent) => void,
): void {
  useEffect(() => {
    if (!topic) return;
    return agent.subscribe(topic, listener);
    // Resubscribes only when the topic changes; the listener reads current state through signals.
  }, [agent, topic]);
}

/** Re-runs `load` whenever the agent (re)connects, and when `deps` change. */
export function useWhenConnected(agent: AgentPort, load: () => void, deps: unknown[] = []): boolean {
  const connected = agent.connection.value?.status === 'connected';
  const [, force] = useState(0);
  useEffect(() => {
    if (connected) load();
    force((n) => n + 1);
  }, [connected, ...deps]);
  return connected;
}

export { errorText };

/**
 * A failed call's message to show, or '' when it failed because the agent
 * is away: the connection banner says that once, with what to do, and no
 * error line repeats it.
 */
export function shownError(error: unknown): string {
  return errorCode(error) === 'UNAVAILABLE' ? '' : errorText(error);
}
