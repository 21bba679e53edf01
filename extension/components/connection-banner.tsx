import type { AgentPort } from '../lib/agent-port.js';

/** Says, when the agent is not usable, why and what to do. Renders nothing when connected. */
export function ConnectionBanner({
  agent,
  showPairLink = true,
}: {
  agent: AgentPort;
  showPairLink?: boolean;
}) {
  const state = agent.connection.value;
  if (!state) return <p class="ff-muted">Connecting to ff-agent…</p>;
  if (state.status === 'connected') return null;
  return (
    <div class="ff-banner" data-status={state.status} data-testid="ff-connection">
      <strong>
        {state.status === 'agent-not-running'
          ? 'ff-agent is not running'
          : state.status === 'not-paired'
            ? 'Not paired with ff-agent'
            : state.status === 'connecting'
              ? 'Connecting…'
              : 'Version mismatch'}
      </strong>
      <span> — {state.message}</span>
      {showPairLink && state.status === 'not-paired' && (
        <button type="button" class="ff-link" onClick={() => agent.open('options')}>
          Pair in Options
        </button>
      )}
    </div>
  );
}
