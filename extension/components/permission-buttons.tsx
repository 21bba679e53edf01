import { useSignal } from '@preact/signals';
import type { AgentPort } from '../lib/agent-port.js';
import { Octicon } from '../lib/octicons.js';
import { shownError } from '../lib/use-agent.js';

/** Allow / Deny / Allow <tool> for this session: one permission request's answers. */
export function PermissionButtons({
  agent,
  sessionId,
  requestId,
  toolName,
  onAnswered,
  disabled = false,
}: {
  agent: AgentPort;
  sessionId: string;
  requestId: string;
  toolName: string;
  onAnswered?: () => void;
  /** The request cannot be answered now (the agent is away). */
  disabled?: boolean;
}) {
  const busy = useSignal(false);
  const error = useSignal('');
  const answer = async (allow: boolean, forSession = false) => {
    busy.value = true;
    error.value = '';
    try {
      await agent.call('permission.respond', {
        sessionId,
        requestId,
        allow,
        ...(forSession ? { forSession } : {}),
      });
      onAnswered?.();
    } catch (e) {
      error.value = shownError(e);
    } finally {
      busy.value = false;
    }
  };
  return (
    <div class="ff-row ff-permission-buttons">
      <button
        type="button"
        class="btn-primary"
        data-testid="ff-allow"
        disabled={busy.value || disabled}
        onClick={() => void answer(true)}
      >
        <Octicon name="check" /> Allow
      </button>
      <button
        type="button"
        data-testid="ff-allow-session"
        disabled={busy.value || disabled}
        title={`Allow ${toolName} without asking again in this session`}
        onClick={() => void answer(true, true)}
      >
        Allow {toolName} for this session
      </button>
      <button
        type="button"
        class="btn-danger"
        data-testid="ff-deny"
        disabled={busy.value || disabled}
        onClick={() => void answer(false)}
      >
        <Octicon name="x" /> Deny
      </button>
      {error.value && <span class="error">{error.value}</span>}
    </div>
  );
}
