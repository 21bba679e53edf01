import { signal } from '@preact/signals';
import { Chat } from '../../components/chat/chat.js';
import { ConnectionBanner } from '../../components/connection-banner.js';
import { Menu, SessionMenu } from '../../components/menu.js';
import type { AgentPort } from '../../lib/agent-port.js';
import { machineOf, machineStatus, offlineNotice, reconnectKey } from '../../lib/machines.js';
import { Octicon } from '../../lib/octicons.js';
import type { PopupStore } from './store.js';
import { Workspaces } from './workspaces.js';

/** The popup: the connection's state, the workspace list, and the selected workspace's chat. */
export function Popup({ agent, store }: { agent: AgentPort; store: PopupStore }) {
  const { workspaces, selected, sessions, sessionId } = store;
  const state = agent.connection.value;
  const connected = state?.status === 'connected';
  const waiting = store.waitingForYou.value;
  return (
    <main class="ff-popup">
      <header class="ff-popup-head">
        <h1>ff</h1>
        <p class="state" data-status={state?.status ?? 'connecting'} data-testid="connection-state">
          <Octicon name="dot-fill" class="ff-state-dot" />
          {state?.message ?? 'Checking ff-agent…'}
        </p>
        <button type="button" class="ff-push" data-testid="ff-open-fleet" onClick={() => agent.open('fleet')}>
          <Octicon name="server" /> Fleet
          {waiting > 0 && (
            <span class="Counter Counter--primary" data-testid="ff-fleet-waiting">
              {waiting}
            </span>
          )}
        </button>
      </header>
      <ConnectionBanner agent={agent} showPairLink={false} />
      {!connected && !selected.value && workspaces.value.length === 0 && <PairForm agent={agent} />}
      {/* While the agent is away (or not yet answering), the last-known list and chat stay, from their caches;
          the chat's subscription resumes from its last event. */}
      {(connected || selected.value || workspaces.value.length > 0) && (
        <>
          <Workspaces store={store} />
          {selected.value && (
            <div class="ff-row ff-toolbar">
              {sessions.value.length > 0 && (
                <SessionMenu
                  sessions={sessions.value}
                  current={sessionId.value}
                  onPick={(id) => selected.value && void store.select(selected.value, id)}
                />
              )}
              <button type="button" data-testid="ff-new-chat" onClick={() => void store.startChat()}>
                <Octicon name="plus" /> New chat
              </button>
              <Menu
                testid="ff-quick"
                icon="zap"
                label="Quick action"
                items={store.actions.value.map((a) => ({
                  key: a.name,
                  label: a.name,
                  description: a.description,
                }))}
                onPick={(name) => void store.runAction(name)}
                empty="No quick actions"
              />
              <button
                type="button"
                data-testid="ff-full-view"
                class="ff-push"
                onClick={() => agent.open('workspace', selected.value)}
              >
                <Octicon name="screen-full" /> Full view
              </button>
            </div>
          )}
          {selected.value && sessions.value.length === 0 && !sessionId.value && (
            <div class="blankslate" data-testid="ff-no-session">
              <Octicon name="comment-discussion" size={24} />
              <h3>No session yet</h3>
              <p>Chat with Claude in this workspace's worktree.</p>
              <button type="button" class="btn-primary" onClick={() => void store.startChat()}>
                Start chat
              </button>
            </div>
          )}
          {sessionId.value && (
            <SelectedChat agent={agent} store={store} sessionId={sessionId.value} key={sessionId.value} />
          )}
          {store.error.value && <p class="error">{store.error.value}</p>}
          <details>
            <summary>Pair with another agent</summary>
            <PairForm agent={agent} />
          </details>
        </>
      )}
    </main>
  );
}

/** The open chat, told when its workspace's machine is out of reach (and when it is back, to catch up). */
function SelectedChat({
  agent,
  store,
  sessionId,
}: {
  agent: AgentPort;
  store: PopupStore;
  sessionId: string;
}) {
  const machine = machineOf(store.workspaces.value.find((w) => w.id === store.selected.value) ?? {});
  const notice = offlineNotice(machineStatus(machine, store.remotes.value, store.now.value));
  return (
    <Chat
      agent={agent}
      sessionId={sessionId}
      {...(notice ? { offline: notice } : {})}
      resumeKey={reconnectKey(machine, store.remotes.value)}
    />
  );
}

/**
 * The pairing form (and the schemas it checks with) loads after the first
 * paint: a paired popup, most openings, shows it only folded away.
 */
const pairForm = signal<typeof import('../../components/pair-form.js') | undefined>(undefined);
function PairForm({ agent }: { agent: AgentPort }) {
  const module = pairForm.value;
  if (!module) {
    void import('../../components/pair-form.js').then((loaded) => {
      pairForm.value = loaded;
    });
    return null;
  }
  return <module.PairForm agent={agent} />;
}
