import { type Signal, signal } from '@preact/signals';
import { useEffect, useMemo } from 'preact/hooks';
import type { RemoteView } from '../../shared/protocol.js';
import type { AgentPort } from './agent-port.js';

/**
 * The local agent's remotes and their states (connected / unreachable since
 * when / connecting), kept current while the page is open: the list on every
 * (re)connect, then each change from the `remotes` topic. Undefined until
 * the first answer; an agent without remotes answers [].
 */
export function watchRemotes(agent: AgentPort, remotes: Signal<RemoteView[] | undefined>): () => void {
  let stopped = false;
  const set = (list: RemoteView[]) => {
    if (!stopped && JSON.stringify(list) !== JSON.stringify(remotes.value)) remotes.value = list;
  };
  const off = agent.connection.subscribe((state) => {
    if (state?.status === 'connected')
      void agent.call('remote.list').then(set, () => {
        // An older agent without remotes: nothing is remote.
      });
  });
  const unsubscribe = agent.subscribe('remotes', (event) => {
    if (event.kind === 'remotes') set(event.data.remotes);
  });
  return () => {
    stopped = true;
    off();
    unsubscribe();
  };
}

/** `watchRemotes` for a component: the remotes while it is mounted and `enabled` (something it shows is remote). */
export function useRemotes(agent: AgentPort, enabled = true): Signal<RemoteView[] | undefined> {
  const remotes = useMemo(() => signal<RemoteView[] | undefined>(undefined), []);
  useEffect(() => (enabled ? watchRemotes(agent, remotes) : undefined), [agent, enabled]);
  return remotes;
}

/** A clock for "since 4m ago" labels: ticks every `ms` while something reads it. */
export function useNow(ms = 5000): number {
  const now = useMemo(() => signal(Date.now()), []);
  useEffect(() => {
    const tick = setInterval(() => (now.value = Date.now()), ms);
    return () => clearInterval(tick);
  }, [ms]);
  return now.value;
}
