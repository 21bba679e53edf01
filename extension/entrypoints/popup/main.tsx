import { signal } from '@preact/signals';
import { render } from 'preact';
import { browser } from 'wxt/browser';
import { type BackgroundRequest, type ConnectionState, PairingInput } from '../../lib/messages.js';
import './style.css';

const connection = signal<ConnectionState | undefined>(undefined);
const formError = signal('');

function ask(request: BackgroundRequest): Promise<ConnectionState> {
  return browser.runtime.sendMessage(request) as Promise<ConnectionState>;
}

async function refresh(): Promise<void> {
  connection.value = await ask({ type: 'connection.get' });
}

async function pair(event: Event): Promise<void> {
  event.preventDefault();
  const form = new FormData(event.currentTarget as HTMLFormElement);
  const parsed = PairingInput.safeParse({
    port: Number(form.get('port')),
    token: String(form.get('token')).trim(),
  });
  if (!parsed.success) {
    formError.value = parsed.error.issues[0]?.message ?? 'Invalid pairing';
    return;
  }
  formError.value = '';
  connection.value = await ask({ type: 'connection.pair', pairing: parsed.data });
}

function PairForm({ port }: { port: number }) {
  return (
    <form onSubmit={pair} data-testid="pair-form">
      <label>
        Port <input name="port" inputMode="numeric" value={String(port)} />
      </label>
      <label>
        Token <input name="token" autoComplete="off" placeholder="from ~/.ff/agent.json" />
      </label>
      <button type="submit">Pair</button>
      {formError.value && <p class="error">{formError.value}</p>}
    </form>
  );
}

function Popup() {
  const state = connection.value;
  if (!state) return <p>Checking ff-agent…</p>;
  return (
    <main>
      <h1>ff</h1>
      <p class="state" data-status={state.status} data-testid="connection-state">
        {state.message}
      </p>
      {state.status === 'connected' ? (
        <details>
          <summary>Pair with another agent</summary>
          <PairForm port={state.port} />
        </details>
      ) : (
        <PairForm port={state.port} />
      )}
    </main>
  );
}

render(<Popup />, document.getElementById('app')!);
void refresh();
// The state changes while the popup is open (connects, agent stops): poll cheaply.
setInterval(() => void refresh(), 1000);
