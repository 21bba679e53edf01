import { useSignal } from '@preact/signals';
import type { AgentPort } from '../lib/agent-port.js';
import { PairingInput } from '../lib/port-schemas.js';

/** Manual pairing: the port and token from agent.json (the native host does this by itself once installed). */
export function PairForm({ agent }: { agent: AgentPort }) {
  const error = useSignal('');
  const port = agent.connection.value?.port ?? 47100;
  const submit = async (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const parsed = PairingInput.safeParse({
      port: Number(form.get('port')),
      token: String(form.get('token')).trim(),
    });
    if (!parsed.success) {
      error.value = parsed.error.issues[0]?.message ?? 'Invalid pairing';
      return;
    }
    error.value = '';
    await agent.pair(parsed.data);
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
