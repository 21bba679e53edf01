import { type Signal, useSignal } from '@preact/signals';
import { useLayoutEffect, useMemo } from 'preact/hooks';
import type { SessionView } from '../../../shared/domain.js';
import type { AgentPort } from '../../lib/agent-port.js';
import { shownError } from '../../lib/use-agent.js';

/**
 * What `session.get` says of a session (status, cost, turns, queue,
 * permission mode): asked as the chat mounts, again on each `resumeKey`, and
 * whenever `refresh` is called (its events changed it). A failed ask shows
 * in `error`.
 */
export function useSessionView(
  agent: AgentPort,
  sessionId: string,
  resumeKey: string,
): { session: Signal<SessionView | undefined>; error: Signal<string>; refresh(): void } {
  const session = useSignal<SessionView | undefined>(undefined);
  const error = useSignal('');
  const view = useMemo(
    () => ({
      session,
      error,
      refresh: () => {
        agent.call('session.get', { sessionId }).then(
          (answer) => {
            session.value = answer;
          },
          (e: unknown) => {
            error.value = shownError(e);
          },
        );
      },
    }),
    [agent, sessionId],
  );
  useLayoutEffect(view.refresh, [view, resumeKey]);
  return view;
}
