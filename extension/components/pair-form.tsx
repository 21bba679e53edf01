import { useSignal } from '@preact/signals';
import { DEFAULT_AGENT_PORT } from '../../shared/extension-identity.js';
import type { AgentPort } from '../lib/agent-port.js';
import { parsePairingEntry } from '../lib/port-schemas.js';
import { InlineCode } from './inline-code.js';

/**
 * Manual pairing: the port and a code from `ff-agent pair` (or the token
 * from agent.json). The native host does this by itself once installed. The
 * port is the agent's own when the worker knows it (the pairing's, or
 * agent.json's as the native host read it); `lead` says what the form is
 * for where it is not the first thing to do.
 */
export function PairForm({ agent, lead }: { agent: AgentPort; lead?: string }) {
  const error = useSignal('');
  const state = agent.connection.value;
  // Only a port the worker knows is filled in; else the field shows the default and asks for the one printed.
  const port = state && state.portKnown !== false ? String(state.port) : '';
  const submit = async (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const typedPort = String(form.get('port') ?? '').trim();
    const entry = parsePairingEntry(
      typedPort ? Number(typedPort) : DEFAULT_AGENT_PORT,
      String(form.get('token')),
    );
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
    <form onSubmit={submit} data-testid="pair-form" class="ff-form ff-pair-form">
      {lead && <p class="ff-pair-lead">{lead}</p>}
      <label>
        Port <input name="port" inputMode="numeric" value={port} placeholder={String(DEFAULT_AGENT_PORT)} />
      </label>
      <label>
        <span>
          Code from <code>ff-agent pair</code> <span class="ff-muted">(or the token from agent.json)</span>
        </span>
        <input name="token" autoComplete="off" placeholder="K7F2-9QX4" />
      </label>
      <button type="submit">Pair</button>
      {error.value && (
        <p class="error" role="alert">
          <InlineCode text={error.value} />
        </p>
      )}
    </form>
  );
}
