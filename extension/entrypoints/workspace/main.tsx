import { render } from 'preact';
import { diskUseText } from '../../../shared/bytes.js';
import type { WorkspaceView } from '../../../shared/domain.js';
import { RATCHET_STATES } from '../../../shared/ratchet-states.js';
import { Avatar } from '../../components/avatar.js';
import { Chat } from '../../components/chat/chat.js';
import { ConnectionBanner } from '../../components/connection-banner.js';
import { DecisionLog } from '../../components/decision-log.js';
import { InlineCode } from '../../components/inline-code.js';
import { MachineLabel } from '../../components/machine-label.js';
import { SessionMenu } from '../../components/menu.js';
import { AgentPort } from '../../lib/agent-port.js';
import { ownerOf } from '../../lib/fleet-model.js';
import { LOCAL, machineOf, machineStatus, offlineNotice, reconnectKey } from '../../lib/machines.js';
import { Octicon } from '../../lib/octicons.js';
import { safeHref } from '../../lib/safe-href.js';
import { workspaceChip } from '../../lib/workspace-chip.js';
import { readWorkspacePagePath } from '../../lib/workspace-link.js';
import { AppPanel } from './app-panel.js';
import { Diff } from './diff.js';
import { WorkspacePageStore } from './store.js';
import { Terminals } from './terminals.js';
import '../../lib/primer.js';
import '../popup/style.css';
import './style.css';

const agent = new AgentPort();
const store = new WorkspacePageStore(agent, readWorkspacePagePath(location));

/**
 * The workspace page. While the agent is away it keeps what it showed last
 * (kept across openings, see store.ts), read-only, under the one banner that
 * says why and what to do: the chat cannot send, the terminal takes no keys,
 * the buttons wait for the agent.
 */
function WorkspacePage() {
  const w = store.workspace.value;
  const connected = agent.connection.value?.status === 'connected';
  if (!store.workspaceId.value) return <p>No workspace in the address (workspace.html#&lt;id&gt;).</p>;
  const banner = <ConnectionBanner agent={agent} kept={!connected && w !== undefined} />;
  if (!w)
    return (
      <main class="ff-workspace-page">
        {banner}
        {connected && <p class="ff-muted">{store.error.value || 'Loading…'}</p>}
      </main>
    );
  const chip = workspaceChip(w);
  const resumable = store.sessions.value.filter((s) => s.status === 'interrupted' || s.status === 'crashed');
  const machine = machineOf(w);
  const remotes = store.remotes.value;
  const status = machineStatus(machine, remotes, store.now.value);
  const offline = offlineNotice(status);
  const sessionId = store.sessionId.value;
  const ratchetState = w.ratchet.state && RATCHET_STATES[w.ratchet.state];
  return (
    <main class="ff-workspace-page">
      {banner}
      <header class="ff-row">
        <span class="ff-chip" data-tone={chip.tone}>
          {chip.label}
        </span>
        {(machine !== LOCAL || (remotes?.length ?? 0) > 0) && <MachineLabel status={status} />}
        <h1 class="ff-title">
          <Avatar owner={ownerOf(w.project)} />
          {w.issue ? (
            <>
              {w.issue.title} <span class="ff-muted">#{w.issue.number}</span>
            </>
          ) : (
            w.branch
          )}
        </h1>
        <code class="ff-iconlink">
          <Octicon name="git-branch" />
          {w.branch}
        </code>
        {w.pr && (
          <a href={safeHref(w.pr.url)} class="ff-iconlink">
            <Octicon name="git-pull-request" />
            PR #{w.pr.number}
          </a>
        )}
        {ratchetState && (
          <span class="ff-chip" data-tone={ratchetState.tone} data-testid="ff-ratchet-chip">
            {ratchetState.label}
          </span>
        )}
        {w.disk && (
          <span class="ff-muted ff-iconlink" data-testid="ff-disk" title={diskUseText(w.disk).title}>
            <Octicon name="database" /> {diskUseText(w.disk).text} on disk
          </span>
        )}
        <WorkspaceActions w={w} connected={connected} />
      </header>
      {store.archiveRefused.value && (
        <p class="ff-warning" data-testid="ff-archive-refused">
          {store.archiveRefused.value}{' '}
          <button
            type="button"
            data-testid="ff-archive-force"
            disabled={!connected}
            onClick={() => void store.archive(true)}
          >
            Archive anyway
          </button>
        </p>
      )}
      <div class="ff-columns">
        <section class="ff-panel">
          <div class="ff-row">
            <h2>Chat</h2>
            {store.sessions.value.length > 0 ? (
              <SessionMenu
                sessions={store.sessions.value}
                current={sessionId}
                onPick={(id) => (store.sessionId.value = id)}
              />
            ) : (
              <span class="ff-muted">No session yet.</span>
            )}
            <button
              type="button"
              data-testid="ff-new-chat"
              disabled={!connected}
              onClick={() => void store.startChat()}
            >
              <Octicon name="plus" /> New chat
            </button>
            {resumable.map((s) => (
              <button type="button" key={s.id} disabled={!connected} onClick={() => void store.resume(s.id)}>
                Resume {s.title}
              </button>
            ))}
          </div>
          {sessionId && (
            <Chat
              agent={agent}
              sessionId={sessionId}
              key={sessionId}
              {...(offline ? { offline } : {})}
              resumeKey={reconnectKey(machine, remotes)}
              worktree={w.path}
              known={store.sessions.value.find((s) => s.id === sessionId)}
            />
          )}
        </section>
        <div>
          <AppPanel w={w} store={store} agent={agent} connected={connected} />
          <Terminals agent={agent} store={store} />
          <Diff agent={agent} store={store} />
          <section class="ff-panel" data-testid="ff-ratchet-section">
            <h2>Ratchet</h2>
            {w.ratchet.reason ? (
              <p>{w.ratchet.reason}</p>
            ) : (
              <p class="ff-muted">
                {w.pr
                  ? 'Not checked yet.'
                  : 'No pull request yet. Open PR pushes the branch and opens one; the ratchet then drives it to green.'}
              </p>
            )}
            <DecisionLog decisions={store.decisions.value} withDate />
          </section>
        </div>
      </div>
      {store.error.value && (
        <p class="error">
          <InlineCode text={store.error.value} />
        </p>
      )}
    </main>
  );
}

/** Open PR (push the branch, open its pull request) and Archive, for a workspace that can; Restore for an archived one. */
function WorkspaceActions({ w, connected }: { w: WorkspaceView; connected: boolean }) {
  const busy = store.busy.value !== '' || !connected;
  if (w.status === 'archived')
    return (
      <button type="button" data-testid="ff-restore" disabled={busy} onClick={() => void store.restore()}>
        {store.busy.value === 'restore' ? 'Restoring…' : 'Restore'}
      </button>
    );
  const archive = () => {
    if (
      confirm(
        `Archive ${w.branch}? Its worktree folder is removed after a snapshot of everything in it; the branch stays, and Restore brings it all back.`,
      )
    )
      void store.archive(false);
  };
  return (
    <>
      {!w.pr && w.status === 'ready' && (
        <button
          type="button"
          data-testid="ff-open-pr"
          disabled={busy}
          onClick={() => void store.openPullRequest()}
        >
          <Octicon name="git-pull-request" />
          {store.busy.value === 'pr' ? 'Opening PR…' : 'Open PR'}
        </button>
      )}
      <button type="button" data-testid="ff-archive" disabled={busy} onClick={archive}>
        {store.busy.value === 'archive' ? 'Archiving…' : 'Archive'}
      </button>
    </>
  );
}

render(<WorkspacePage />, document.getElementById('app')!);
