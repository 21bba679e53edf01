import { type Signal, signal } from '@preact/signals';
import { useEffect, useMemo } from 'preact/hooks';
import type { RemoteView } from '../../shared/protocol.js';
import type { AgentPort } from './agent-port.js';

/** How often the list is asked again while a remote is known (a local, in-memory answer). */
const POLL_MS = 3000;

/**
 * The local agent's remotes and their states (connected / unreachable since
 * when / connecting), kept current while the page is open: asked on every
 * (re)connect, then again every few seconds while there is any remote.
 * Undefined until the first answer; an agent without remotes answers [].
 */
export function watchRemotes(agent: AgentPort, remotes: Signal<RemoteView[] | undefined>): () => void {
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const load = async () => {
    clearTimeout(timer);
    if (stopped || agent.connection.value?.status !== 'connected') return;
    try {
      const list = await agent.call('remote.list');
      if (stopped) return;
      if (JSON.stringify(list) !== JSON.stringify(remotes.value)) remotes.value = list;
    } catch {
      // An older agent without remotes, or a dropped connection: the next (re)connect asks again.
    }
    if (!stopped && (remotes.value?.length ?? 0) > 0) timer = setTimeout(() => void load(), POLL_MS);
  };
  const off = agent.connection.subscribe((state) => {
    if (state?.status === 'connected') void load();
  });
  return () => {
    stopped = true;
    clearTimeout(timer);
    off();
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
