import { render } from 'preact';
import { ConnectionBanner } from '../../components/connection-banner.js';
import { PairForm } from '../../components/pair-form.js';
import { AgentPort } from '../../lib/agent-port.js';
import './style.css';

const agent = new AgentPort();

function Popup() {
  const state = agent.connection.value;
  return (
    <main>
      <h1>ff</h1>
      <p class="state" data-status={state?.status ?? 'connecting'} data-testid="connection-state">
        {state?.message ?? 'Checking ff-agent…'}
      </p>
      <ConnectionBanner agent={agent} showPairLink={false} />
      {state?.status === 'connected' ? (
        <details>
          <summary>Pair with another agent</summary>
          <PairForm agent={agent} />
        </details>
      ) : (
        <PairForm agent={agent} />
      )}
    </main>
  );
}

render(<Popup />, document.getElementById('app')!);
