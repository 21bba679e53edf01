import { effect, signal } from '@preact/signals';
import { render } from 'preact';
import { useLayoutEffect, useRef } from 'preact/hooks';
import { browser } from 'wxt/browser';
import { diskUseText } from '../../../shared/bytes.js';
import type { SessionView, WorkspaceView } from '../../../shared/domain.js';
import type { QuickAction, RemoteView } from '../../../shared/protocol.js';
import { addCounts } from '../../../shared/session-counts.js';
import { Avatar } from '../../components/avatar.js';
import { Chat } from '../../components/chat/chat.js';
import { ConnectionBanner } from '../../components/connection-banner.js';
import { MachineLabel } from '../../components/machine-label.js';
import { Menu, SessionMenu } from '../../components/menu.js';
import { AgentPort } from '../../lib/agent-port.js';
import { afterFirstPaint } from '../../lib/first-paint.js';
import { ownerOf } from '../../lib/fleet-model.js';
import { detectPage } from '../../lib/github-pages.js';
import {
  machineOf,
  machineStatus,
  offlineNotice,
  reconnectKey,
  showMachineHeaders,
} from '../../lib/machines.js';
import { Octicon } from '../../lib/octicons.js';
import { readPopupSnapshot, writePopupSnapshot } from '../../lib/popup-cache.js';
import { watchRemotes } from '../../lib/remotes.js';
import { errorText } from '../../lib/use-agent.js';
import { workspaceChip } from '../../lib/workspace-chip.js';
import {
  applyBoard,
  groupByMachineAndRepo,
  hasNews,
  keepUnreachable,
  markSeen,
  type SeenTurns,
  scrollToShow,
  seenTurnsFrom,
} from '../../lib/workspace-list.js';
import '../../lib/primer.js';
import './style.css';
import { safeHref } from '../../lib/safe-href.js';

performance.mark('ff-popup-script'); // npm run bench: what is ff's part of opening the popup
const agent = new AgentPort();
// What the popup showed last paints in the first frame, from localStorage; the agent's answers replace it.
const snapshot = readPopupSnapshot();
// Opened in a tab from a GitHub page ("Open chat"): popup.html#<workspace id> selects that workspace.
const linked = decodeURIComponent(location.hash.slice(1));
const saved =
  snapshot?.selection && (!linked || linked === snapshot.selection.workspaceId)
    ? snapshot.selection
    : undefined;
const workspaces = signal<WorkspaceView[]>(snapshot?.workspaces ?? []);
const sessions = signal<SessionView[]>(saved ? snapshot!.sessions : []);
const actions = signal<QuickAction[]>(snapshot?.actions ?? []);
const selected = signal<string | undefined>(saved?.workspaceId);
const sessionId = signal<string | undefined>(saved?.sessionId);
const currentRepo = signal<string | undefined>(undefined);
const error = signal('');
/** The local agent's remotes and their states: workspaces there are grouped under them. */
const remotes = signal<RemoteView[] | undefined>(undefined);
watchRemotes(agent, remotes);
/** A remote that comes (back) up lists its workspaces again: what it did meanwhile shows. */
let connectedRemotes: string | undefined;
effect(() => {
  const now = (remotes.value ?? [])
    .filter((r) => r.state === 'connected')
    .map((r) => `${r.name}@${r.since}`)
    .join(' ');
  const before = connectedRemotes;
  connectedRemotes = now;
  if (before !== undefined && now.split(' ').some((key) => key && !before.split(' ').includes(key)))
    void loadWorkspaces();
});
/** For "unreachable since 4m ago". */
const now = signal(Date.now());
setInterval(() => (now.value = Date.now()), 5000);
/** The chat shown before the workspace list came: it stays unless that workspace is gone. */
let early: string | undefined = saved?.workspaceId;

const filter = signal('');
const SEEN_KEY = 'ff.popup.seen';
const seen = signal<SeenTurns>({});
const seenLoaded = browser.storage.local
  .get(SEEN_KEY)
  .then((stored) => {
    seen.value = seenTurnsFrom(stored[SEEN_KEY]);
  })
  .catch(() => {});
/** Notes what the user has seen (the selected workspace's replies, and every workspace's state at first sight). */
function noteSeen(): void {
  const next = markSeen(workspaces.value, seen.value, selected.value);
  if (JSON.stringify(next) === JSON.stringify(seen.value)) return;
  seen.value = next;
  void browser.storage.local.set({ [SEEN_KEY]: next });
}

async function loadWorkspaces(): Promise<void> {
  try {
    const [list, quick, known] = await Promise.all([
      agent.call('workspace.list'),
      agent.call('quickAction.list'),
      agent.call('remote.list').catch(() => undefined),
    ]);
    if (known) remotes.value = known;
    // A remote out of reach keeps its last known workspaces here (and their cached chats).
    workspaces.value = known ? keepUnreachable(workspaces.value, list, known) : list;
    actions.value = quick.actions;
    await seenLoaded;
    noteSeen();
  } catch (e) {
    error.value = errorText(e);
  }
}

// Live: every board push brings the states of its repo's workspaces; a new or archived one reloads the list.
agent.subscribe('board', (event) => {
  if (event.kind !== 'board') return;
  const next = applyBoard(workspaces.value, event.data.board, event.data.machine);
  workspaces.value = next.list;
  noteSeen();
  if (next.reload) void loadWorkspaces();
});

async function select(workspaceId: string, preferredSession?: string): Promise<void> {
  selected.value = workspaceId;
  noteSeen();
  sessions.value = (await agent.call('session.list', { workspaceId })).sort((a, b) =>
    b.createdAt.localeCompare(a.createdAt),
  );
  sessionId.value = sessions.value.find((s) => s.id === preferredSession)?.id ?? sessions.value[0]?.id;
}

// Kept for the next opening: written (cheaply, after the frame) whenever what the popup shows changes.
let snapshotWrite: ReturnType<typeof setTimeout> | undefined;
effect(() => {
  const next = {
    workspaces: workspaces.value,
    actions: actions.value,
    sessions: sessions.value,
    ...(selected.value ? { selection: { workspaceId: selected.value, sessionId: sessionId.value } } : {}),
  };
  clearTimeout(snapshotWrite);
  snapshotWrite = setTimeout(() => writePopupSnapshot(next), 0);
});

async function startChat(): Promise<void> {
  if (!selected.value) return;
  try {
    const session = await agent.call('session.start', { workspaceId: selected.value });
    await select(selected.value, session.id);
  } catch (e) {
    error.value = errorText(e);
  }
}

async function runAction(name: string): Promise<void> {
  if (!selected.value) return;
  try {
    const session = await agent.call('quickAction.run', { workspaceId: selected.value, action: name });
    await select(selected.value, session.id);
  } catch (e) {
    error.value = errorText(e);
  }
}

agent.connection.subscribe((state) => {
  if (state?.status !== 'connected') return;
  void (async () => {
    const [tab] = await browser.tabs.query({ active: true, currentWindow: true }).catch(() => []);
    const page = tab?.url ? detectPage(tab.url) : undefined;
    currentRepo.value = page ? `${page.owner}/${page.repo}` : undefined;
    await loadWorkspaces();
    const restore =
      saved?.workspaceId && workspaces.value.some((w) => w.id === saved.workspaceId) ? saved : undefined;
    const fromLink = workspaces.value.some((w) => w.id === linked) ? linked : undefined;
    const first =
      fromLink ??
      restore?.workspaceId ??
      groupByMachineAndRepo(workspaces.value, { currentRepo: currentRepo.value })[0]?.groups[0]?.workspaces[0]
        ?.id;
    // Only if the user has not picked one meanwhile (or on a reconnect, kept the one they had).
    if (first && (!selected.value || selected.value === early))
      await select(first, fromLink && fromLink !== restore?.workspaceId ? undefined : restore?.sessionId);
    early = undefined;
  })();
});

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

function WorkspaceRow({ w }: { w: WorkspaceView }) {
  const chip = workspaceChip(w);
  const news = hasNews(w, seen.value, selected.value);
  const status = machineStatus(machineOf(w), remotes.value, now.value);
  return (
    <li class={`ff-ws ${selected.value === w.id ? 'ff-selected' : ''}`}>
      <button
        type="button"
        data-testid="ff-workspace"
        data-workspace={w.id}
        data-machine={status.machine}
        data-reachable={status.reachable}
        aria-current={selected.value === w.id}
        data-news={news}
        onClick={() => void select(w.id)}
      >
        <span class="ff-chip" data-tone={chip.tone}>
          {chip.label}
        </span>{' '}
        {!status.reachable && (
          <span class="ff-offline" data-testid="ff-ws-offline">
            <Octicon
              name="cloud-offline"
              class="ff-offline-icon"
              label={`${status.machine} is ${status.label}`}
            />{' '}
          </span>
        )}
        {news && (
          <span class="ff-news" data-testid="ff-news" title="New replies since you last looked">
            ●{' '}
          </span>
        )}
        {w.issue ? `#${w.issue.number} ${w.issue.title}` : w.branch}
      </button>
      <div class="ff-ws-meta">
        <code>{w.branch}</code>
        {w.issue && (
          <a href={safeHref(w.issue.url)} target="_blank" rel="noopener noreferrer">
            issue #{w.issue.number}
          </a>
        )}
        {w.pr && (
          <a href={safeHref(w.pr.url)} target="_blank" rel="noopener noreferrer">
            PR #{w.pr.number}
          </a>
        )}
        {w.disk && (
          <span class="ff-muted" data-testid="ff-disk" title={diskUseText(w.disk).title}>
            {diskUseText(w.disk).text}
          </span>
        )}
      </div>
    </li>
  );
}

function Workspaces() {
  const machines = groupByMachineAndRepo(workspaces.value, {
    currentRepo: currentRepo.value,
    filter: filter.value,
  });
  // Machine headers when workspaces live on more than this computer; repo headers when there is more than one list.
  const byMachine = showMachineHeaders(machines.map((m) => m.machine));
  const repoHeaders = machines.reduce((n, m) => n + m.groups.length, 0) > 1;
  const list = useRef<HTMLDivElement>(null);
  // The selected workspace is in view, also when machine and repo headers push it below the list's edge.
  useLayoutEffect(() => {
    const box = list.current;
    const row = box?.querySelector('.ff-selected');
    if (box && row) box.scrollTop += scrollToShow(box.getBoundingClientRect(), row.getBoundingClientRect());
  }, [selected.value, workspaces.value.length, byMachine]);
  return (
    <div class="ff-workspaces" data-testid="ff-workspaces" ref={list}>
      {workspaces.value.length > 3 && (
        <input
          class="ff-filter"
          type="search"
          data-testid="ff-filter"
          placeholder="Filter: issue number, title, branch, repo"
          value={filter.value}
          onInput={(e) => (filter.value = (e.currentTarget as HTMLInputElement).value)}
        />
      )}
      {machines.map(({ machine, groups }) => {
        const status = machineStatus(machine, remotes.value, now.value);
        return (
          <section
            key={machine}
            class={byMachine ? 'ff-machine-group' : undefined}
            data-testid="ff-machine-group"
            data-machine={machine}
            data-state={status.state}
          >
            {byMachine && (
              <h2 class="ff-machine-head" data-testid="ff-machine-head">
                <MachineLabel status={status} />
              </h2>
            )}
            {groups.map((group) => (
              <section key={group.project} data-testid="ff-workspace-group" data-project={group.project}>
                {repoHeaders &&
                  (byMachine ? (
                    <h3 class="ff-group">
                      <Avatar owner={ownerOf(group.project)} size={16} /> {group.project}
                    </h3>
                  ) : (
                    <h2 class="ff-group">
                      <Avatar owner={ownerOf(group.project)} size={16} /> {group.project}
                    </h2>
                  ))}
                <ul>
                  {group.workspaces.map((w) => (
                    <WorkspaceRow w={w} key={w.id} />
                  ))}
                </ul>
              </section>
            ))}
          </section>
        );
      })}
      {workspaces.value.length === 0 && (
        <div class="blankslate">
          <Octicon name="issue-opened" size={24} />
          <h3>No workspace yet</h3>
          <p>Click Start workspace on a GitHub issue.</p>
        </div>
      )}
      {workspaces.value.length > 0 && machines.length === 0 && (
        <p class="ff-muted">No workspace matches “{filter.value}”.</p>
      )}
    </div>
  );
}

function Popup() {
  const state = agent.connection.value;
  const connected = state?.status === 'connected';
  const waiting = addCounts(workspaces.value.map((w) => w.sessions)).waitingForYou;
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
          <Workspaces />
          {selected.value && (
            <div class="ff-row ff-toolbar">
              {sessions.value.length > 0 && (
                <SessionMenu
                  sessions={sessions.value}
                  current={sessionId.value}
                  onPick={(id) => void select(selected.value!, id)}
                />
              )}
              <button type="button" data-testid="ff-new-chat" onClick={() => void startChat()}>
                <Octicon name="plus" /> New chat
              </button>
              <Menu
                testid="ff-quick"
                icon="zap"
                label="Quick action"
                items={actions.value.map((a) => ({ key: a.name, label: a.name, description: a.description }))}
                onPick={(name) => void runAction(name)}
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
              <button type="button" class="btn-primary" onClick={() => void startChat()}>
                Start chat
              </button>
            </div>
          )}
          {sessionId.value && <SelectedChat sessionId={sessionId.value} key={sessionId.value} />}
          {error.value && <p class="error">{error.value}</p>}
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
function SelectedChat({ sessionId }: { sessionId: string }) {
  const machine = machineOf(workspaces.value.find((w) => w.id === selected.value) ?? {});
  const notice = offlineNotice(machineStatus(machine, remotes.value, now.value));
  return (
    <Chat
      agent={agent}
      sessionId={sessionId}
      {...(notice ? { offline: notice } : {})}
      resumeKey={reconnectKey(machine, remotes.value)}
    />
  );
}

// j/k move through the workspaces, Enter opens the focused one (outside text fields and menus).
document.addEventListener('keydown', (e) => {
  if (e.key !== 'j' && e.key !== 'k') return;
  if (e.metaKey || e.ctrlKey || e.altKey) return;
  const target = e.target as HTMLElement;
  if (target.closest('input, textarea, select, [role="menu"]')) return;
  const rows = [...document.querySelectorAll<HTMLButtonElement>('[data-testid="ff-workspace"]')];
  if (rows.length === 0) return;
  e.preventDefault();
  const at = rows.indexOf(document.activeElement as HTMLButtonElement);
  const from = at === -1 ? rows.findIndex((r) => r.getAttribute('aria-current') === 'true') : at;
  const next = e.key === 'j' ? Math.min(rows.length - 1, from + 1) : Math.max(0, from === -1 ? 0 : from - 1);
  rows[next]?.focus();
  rows[next]?.scrollIntoView({ block: 'nearest' });
});

// npm run bench: the cached list and chat are rendered below; the mark lands once they are painted (first in
// the queue of what waits for that frame).
afterFirstPaint(() => performance.mark('ff-popup-cached-paint'));
render(<Popup />, document.getElementById('app')!);
