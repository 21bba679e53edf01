import { signal } from '@preact/signals';
import { Chat } from '../../components/chat/chat.js';
import { ConnectionBanner } from '../../components/connection-banner.js';
import { InlineCode } from '../../components/inline-code.js';
import { Menu, SessionMenu } from '../../components/menu.js';
import type { AgentPort } from '../../lib/agent-port.js';
import { machineOf, machineStatus, offlineNotice, reconnectKey } from '../../lib/machines.js';
import type { ConnectionState } from '../../lib/messages.js';
import { Octicon } from '../../lib/octicons.js';
import type { PopupStore } from './store.js';
import { Workspaces } from './workspaces.js';

/** The header's word for the connection: the banner below it says the rest, once. */
function statusLine(state: ConnectionState | undefined): string {
  if (!state) return 'Checking ff-agent…';
  if (state.status === 'connected') return state.message;
  return {
    connecting: 'Connecting…',
    'agent-not-running': 'Not running',
    'not-paired': 'Not paired',
    'protocol-mismatch': 'Version mismatch',
  }[state.status];
}

/**
 * The popup: the connection's state, the workspace list, and the selected
 * workspace's chat. While the agent is away, the list and chat it showed last
 * stay (from their caches), read-only, under the one banner that says why
 * and what to do; unpaired with nothing to show, the pair form is right here.
 */
export function Popup({ agent, store }: { agent: AgentPort; store: PopupStore }) {
  const { workspaces, selected, sessions, sessionId } = store;
  const state = agent.connection.value;
  const connected = state?.status === 'connected';
  const hasContent = Boolean(selected.value) || workspaces.value.length > 0;
  const waiting = store.waitingForYou.value;
  return (
    <main class="ff-popup">
      <header class="ff-popup-head">
        <h1>ff</h1>
        <p class="state" data-status={state?.status ?? 'connecting'} data-testid="connection-state">
          <Octicon name="dot-fill" class="ff-state-dot" />
          {statusLine(state)}
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
      <ConnectionBanner agent={agent} pairHere kept={!connected && hasContent} />
      {state?.status === 'not-paired' && (
        <PairForm agent={agent} lead="Or pair by hand, with the code ff-agent pair prints:" />
      )}
      {/* While the agent is away (or not yet answering), the last-known list and chat stay, from their caches;
          the chat's subscription resumes from its last event. */}
      {(connected || hasContent) && (
        <>
          <Workspaces agent={agent} store={store} />
          {selected.value && (
            <div class="ff-row ff-toolbar">
              {sessions.value.length > 0 && (
                <SessionMenu
                  sessions={sessions.value}
                  current={sessionId.value}
                  onPick={(id) => selected.value && void store.select(selected.value, id)}
                />
              )}
              <button
                type="button"
                data-testid="ff-new-chat"
                disabled={!connected}
                onClick={() => void store.startChat()}
              >
                <Octicon name="plus" /> New chat
              </button>
              <Menu
                testid="ff-quick"
                icon="zap"
                disabled={!connected}
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
              <button
                type="button"
                class="btn-primary"
                disabled={!connected}
                onClick={() => void store.startChat()}
              >
                Start chat
              </button>
            </div>
          )}
          {sessionId.value && (
            <SelectedChat agent={agent} store={store} sessionId={sessionId.value} key={sessionId.value} />
          )}
          {store.error.value && (
            <p class="error">
              <InlineCode text={store.error.value} />
            </p>
          )}
          {connected && (
            <details>
              <summary>Pair with another agent</summary>
              <PairForm agent={agent} />
            </details>
          )}
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
  const workspace = store.workspaces.value.find((w) => w.id === store.selected.value);
  const machine = machineOf(workspace ?? {});
  const notice = offlineNotice(machineStatus(machine, store.remotes.value, store.now.value));
  return (
    <Chat
      agent={agent}
      sessionId={sessionId}
      {...(notice ? { offline: notice } : {})}
      resumeKey={reconnectKey(machine, store.remotes.value)}
      {...(workspace ? { worktree: workspace.path } : {})}
      known={store.sessions.value.find((s) => s.id === sessionId)}
    />
  );
}

/**
 * The pairing form (and the schemas it checks with) loads after the first
 * paint: a paired popup, most openings, shows it only folded away.
 */
const pairForm = signal<typeof import('../../components/pair-form.js') | undefined>(undefined);
function PairForm({ agent, lead }: { agent: AgentPort; lead?: string }) {
  const module = pairForm.value;
  if (!module) {
    void import('../../components/pair-form.js').then((loaded) => {
      pairForm.value = loaded;
    });
    return null;
  }
  return <module.PairForm agent={agent} {...(lead ? { lead } : {})} />;
}
