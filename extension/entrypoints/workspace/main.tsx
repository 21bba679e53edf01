import { render } from 'preact';
import { diskUseText } from '../../../shared/bytes.js';
import type { WorkspaceView } from '../../../shared/domain.js';
import { Avatar } from '../../components/avatar.js';
import { Chat } from '../../components/chat/chat.js';
import { ConnectionBanner } from '../../components/connection-banner.js';
import { DecisionLog } from '../../components/decision-log.js';
import { MachineLabel } from '../../components/machine-label.js';
import { SessionMenu } from '../../components/menu.js';
import { AgentPort } from '../../lib/agent-port.js';
import { ownerOf } from '../../lib/fleet-model.js';
import { LOCAL, machineOf, machineStatus, offlineNotice, reconnectKey } from '../../lib/machines.js';
import { Octicon } from '../../lib/octicons.js';
import { safeHref } from '../../lib/safe-href.js';
import { workspaceChip } from '../../lib/workspace-chip.js';
import { readWorkspacePagePath } from '../../lib/workspace-link.js';
import { Diff } from './diff.js';
import { WorkspacePageStore } from './store.js';
import { Terminals } from './terminals.js';
import '../../lib/primer.js';
import '../popup/style.css';
import './style.css';

const agent = new AgentPort();
const store = new WorkspacePageStore(agent, readWorkspacePagePath(location));

function WorkspacePage() {
  const w = store.workspace.value;
  const state = agent.connection.value;
  if (!store.workspaceId.value) return <p>No workspace in the address (workspace.html#&lt;id&gt;).</p>;
  if (state?.status !== 'connected') return <ConnectionBanner agent={agent} />;
  if (!w) return <p class="ff-muted">{store.error.value || 'Loading…'}</p>;
  const chip = workspaceChip(w);
  const resumable = store.sessions.value.filter((s) => s.status === 'interrupted' || s.status === 'crashed');
  const machine = machineOf(w);
  const remotes = store.remotes.value;
  const status = machineStatus(machine, remotes, store.now.value);
  const offline = offlineNotice(status);
  const sessionId = store.sessionId.value;
  return (
    <main class="ff-workspace-page">
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
        {w.ratchet.state && <span class="ff-muted">ratchet: {w.ratchet.state}</span>}
        {w.disk && (
          <span class="ff-muted" data-testid="ff-disk" title={diskUseText(w.disk).title}>
            {diskUseText(w.disk).text}
          </span>
        )}
        <WorkspaceActions w={w} />
      </header>
      {store.archiveRefused.value && (
        <p class="ff-warning" data-testid="ff-archive-refused">
          {store.archiveRefused.value}{' '}
          <button type="button" data-testid="ff-archive-force" onClick={() => void store.archive(true)}>
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
            <button type="button" data-testid="ff-new-chat" onClick={() => void store.startChat()}>
              <Octicon name="plus" /> New chat
            </button>
            {resumable.map((s) => (
              <button type="button" key={s.id} onClick={() => void store.resume(s.id)}>
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
            />
          )}
        </section>
        <div>
          <Terminals agent={agent} store={store} />
          <Diff store={store} />
          <section class="ff-panel">
            <h2>Ratchet</h2>
            {w.ratchet.reason && <p>{w.ratchet.reason}</p>}
            <DecisionLog decisions={store.decisions.value} withDate />
          </section>
        </div>
      </div>
      {store.error.value && <p class="error">{store.error.value}</p>}
    </main>
  );
}

/** Open PR (push the branch, open its pull request) and Archive, for a workspace that can; Restore for an archived one. */
function WorkspaceActions({ w }: { w: WorkspaceView }) {
  const busy = store.busy.value;
  if (w.status === 'archived')
    return (
      <button
        type="button"
        data-testid="ff-restore"
        disabled={busy !== ''}
        onClick={() => void store.restore()}
      >
        {busy === 'restore' ? 'Restoring…' : 'Restore'}
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
          disabled={busy !== ''}
          onClick={() => void store.openPullRequest()}
        >
          <Octicon name="git-pull-request" />
          {busy === 'pr' ? 'Opening PR…' : 'Open PR'}
        </button>
      )}
      <button type="button" data-testid="ff-archive" disabled={busy !== ''} onClick={archive}>
        {busy === 'archive' ? 'Archiving…' : 'Archive'}
      </button>
    </>
  );
}

render(<WorkspacePage />, document.getElementById('app')!);
