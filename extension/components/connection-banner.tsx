import type { AgentPort } from '../lib/agent-port.js';

/**
 * The one place a surface says the agent is not usable: what is wrong and
 * the one next step that fits, its command as code (the worker words both,
 * lib/connection-advice.ts). `pairHere`: the surface shows the pair form
 * itself, so the banner sends nobody to Options. `kept`: the surface still
 * shows what it showed last (read-only), and says so. Nothing when
 * connected; a quiet line while connecting.
 */
export function ConnectionBanner({
  agent,
  pairHere = false,
  kept = false,
}: {
  agent: AgentPort;
  pairHere?: boolean;
  kept?: boolean;
}) {
  const state = agent.connection.value;
  if (state?.status === 'connected') return null;
  if (!state || state.status === 'connecting')
    return (
      <p class="ff-muted" data-testid="ff-connecting">
        Connecting to ff-agent…
      </p>
    );
  const step = state.nextStep;
  return (
    <div class="ff-banner" role="status" data-status={state.status} data-testid="ff-connection">
      <strong data-testid="ff-connection-message">{state.message}</strong>
      {step && (
        <span data-testid="ff-next-step">
          {' '}
          {step.text}
          {step.command && (
            <>
              {' '}
              <code class="ff-command" data-testid="ff-next-command">
                {step.command}
              </code>
            </>
          )}
        </span>
      )}
      {kept && (
        <span class="ff-kept" data-testid="ff-kept">
          Showing what ff knew last; it catches up when the agent is back.
        </span>
      )}
      {!pairHere && state.status === 'not-paired' && (
        <>
          {' '}
          <button type="button" class="ff-link" onClick={() => agent.open('options')}>
            Or pair by hand in Options
          </button>
        </>
      )}
    </div>
  );
}
