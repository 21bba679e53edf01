import { useSignal } from '@preact/signals';
import { DEFAULT_AGENT_PORT } from '../../shared/extension-identity.js';
import type { AgentPort } from '../lib/agent-port.js';
import { parsePairingEntry } from '../lib/port-schemas.js';

/**
 * Manual pairing: the port and a code from `ff-agent pair` (or the token from
 * agent.json). The native host does this by itself once installed.
 */
export function PairForm({ agent }: { agent: AgentPort }) {
  const error = useSignal('');
  const port = agent.connection.value?.port ?? DEFAULT_AGENT_PORT;
  const submit = async (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const entry = parsePairingEntry(Number(form.get('port')), String(form.get('token')));
    if (entry.kind === 'invalid') {
      error.value = entry.message;
      return;
    }
    error.value = '';
    if (entry.kind === 'token') {
      await agent.pair(entry.pairing);
      return;
    }
    // A refused code leaves the connection as it was; the reason (used, expired, unknown) shows here.
    const state = await agent.pairWithCode(entry.port, entry.code);
    if (state.status !== 'connected') error.value = state.message;
  };
  return (
    <form onSubmit={submit} data-testid="pair-form" class="ff-form">
      <label>
        Port <input name="port" inputMode="numeric" value={String(port)} />
      </label>
      <label>
        Code or token{' '}
        <input name="token" autoComplete="off" placeholder="from `ff-agent pair`, or agent.json" />
      </label>
      <button type="submit">Pair</button>
      {error.value && <p class="error">{error.value}</p>}
    </form>
  );
}
