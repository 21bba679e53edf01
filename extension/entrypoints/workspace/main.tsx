import { FitAddon } from '@xterm/addon-fit';
import { Terminal as XTerm } from '@xterm/xterm';
import { diskUseText } from '../../../shared/bytes.js';
import '@xterm/xterm/css/xterm.css';
import { signal } from '@preact/signals';
import { render } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import type { SessionView, WorkspaceView } from '../../../shared/domain.js';
import type { RemoteView, TerminalInfo } from '../../../shared/protocol.js';
import type { RatchetDecision } from '../../../shared/ratchet.js';
import { Avatar } from '../../components/avatar.js';
import { Chat } from '../../components/chat/chat.js';
import { ConnectionBanner } from '../../components/connection-banner.js';
import { DecisionLog } from '../../components/decision-log.js';
import { MachineLabel } from '../../components/machine-label.js';
import { SessionMenu } from '../../components/menu.js';
import { AgentPort, RemoteError } from '../../lib/agent-port.js';
import { type DiffFile, type DiffLine, parseUnifiedDiff, splitRows } from '../../lib/diff-files.js';
import { ownerOf } from '../../lib/fleet-model.js';
import { LOCAL, machineOf, machineStatus, offlineNotice, reconnectKey } from '../../lib/machines.js';
import { Octicon } from '../../lib/octicons.js';
import { watchRemotes } from '../../lib/remotes.js';
import { errorText } from '../../lib/use-agent.js';
import { workspaceChip } from '../../lib/workspace-chip.js';
import { readWorkspacePagePath } from '../../lib/workspace-link.js';
import '../../lib/primer.js';
import '../popup/style.css';
import './style.css';
import { safeHref } from '../../lib/safe-href.js';

const agent = new AgentPort();
const address = readWorkspacePagePath(location);
const workspaceId = address.workspaceId;
const workspace = signal<WorkspaceView | undefined>(undefined);
const sessions = signal<SessionView[]>([]);
/** `?session=<id>` (a notification's click, Open fixer chat) picks the session; else the newest. */
const sessionId = signal<string | undefined>(address.sessionId);
const terminals = signal<TerminalInfo[]>([]);
const terminalId = signal<string | undefined>(undefined);
const diff = signal<{ files: DiffFile[]; truncated: boolean } | undefined>(undefined);
const decisions = signal<RatchetDecision[]>([]);
const error = signal('');
/** The remotes' states: a workspace on one says where it lives, and whether it can be reached now. */
const remotes = signal<RemoteView[] | undefined>(undefined);
watchRemotes(agent, remotes);
const now = signal(Date.now());
setInterval(() => (now.value = Date.now()), 5000);

async function load(): Promise<void> {
  try {
    workspace.value = await agent.call('workspace.get', { workspaceId });
    sessions.value = (await agent.call('session.list', { workspaceId })).sort((a, b) =>
      b.createdAt.localeCompare(a.createdAt),
    );
    // A session from the address that is not this workspace's (or is gone) gives way to the newest.
    if (!sessions.value.some((s) => s.id === sessionId.value)) sessionId.value = sessions.value[0]?.id;
    terminals.value = (await agent.call('terminal.list', { workspaceId })).filter(
      (t) => t.exitCode === undefined,
    );
    terminalId.value ??= terminals.value[0]?.id;
    decisions.value = await agent.call('ratchet.decisions', { workspaceId, limit: 20 });
  } catch (e) {
    error.value = errorText(e);
  }
}

async function loadDiff(): Promise<void> {
  try {
    const result = await agent.call('workspace.diff', { workspaceId });
    diff.value = { files: parseUnifiedDiff(result.diff), truncated: result.truncated };
  } catch (e) {
    error.value = errorText(e);
  }
}

agent.connection.subscribe((state) => {
  if (state?.status === 'connected') void load().then(loadDiff);
});

/** The session list alone: states, costs and turns as they move. */
async function loadSessions(): Promise<void> {
  try {
    sessions.value = (await agent.call('session.list', { workspaceId })).sort((a, b) =>
      b.createdAt.localeCompare(a.createdAt),
    );
  } catch (e) {
    error.value = errorText(e);
  }
}

// Live, from the source the popup and fleet follow: every session's change pushes its repo's board.
let reloadSessions: ReturnType<typeof setTimeout> | undefined;
agent.subscribe('board', () => {
  clearTimeout(reloadSessions);
  reloadSessions = setTimeout(() => void loadSessions(), 100);
});

/** One xterm bound to one agent terminal: snapshot on attach, live output, keys in, resize through the fit addon. */
function TerminalPanel({ id }: { id: string }) {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const term = new XTerm({ convertEol: false, fontSize: 13, cursorBlink: true });
    const fit = new FitAddon();
    term.loadAddon(fit);
    term.open(host.current!);
    fit.fit();
    void agent.call('terminal.resize', { terminalId: id, cols: term.cols, rows: term.rows }).catch(() => {});
    const off = agent.subscribe(
      `terminal:${id}`,
      (event) => {
        if (event.kind !== 'terminal') return;
        const { data } = event;
        if (data.kind === 'snapshot') {
          term.reset();
          term.write(data.data);
        } else if (data.kind === 'output') term.write(data.data);
        else term.write(`\r\n[exited with code ${data.exitCode}]\r\n`);
      },
      0,
    );
    const input = term.onData(
      (data) => void agent.call('terminal.input', { terminalId: id, data }).catch(() => {}),
    );
    const onResize = () => {
      fit.fit();
      void agent
        .call('terminal.resize', { terminalId: id, cols: term.cols, rows: term.rows })
        .catch(() => {});
    };
    window.addEventListener('resize', onResize);
    term.focus();
    return () => {
      window.removeEventListener('resize', onResize);
      input.dispose();
      off();
      term.dispose();
    };
  }, [id]);
  return <div class="ff-xterm" ref={host} data-testid="ff-terminal" data-terminal={id} />;
}

function Terminals() {
  const open = async () => {
    try {
      const t = await agent.call('terminal.open', { workspaceId, cols: 100, rows: 24 });
      terminals.value = [...terminals.value, t];
      terminalId.value = t.id;
    } catch (e) {
      error.value = errorText(e);
    }
  };
  return (
    <section class="ff-panel">
      <div class="ff-row">
        <h2>Terminal</h2>
        {terminals.value.map((t, i) => (
          <button
            type="button"
            key={t.id}
            class={terminalId.value === t.id ? 'ff-selected' : ''}
            onClick={() => (terminalId.value = t.id)}
          >
            {i + 1}
          </button>
        ))}
        <button type="button" onClick={() => void open()} data-testid="ff-new-terminal">
          New terminal
        </button>
      </div>
      {terminalId.value && <TerminalPanel id={terminalId.value} key={terminalId.value} />}
    </section>
  );
}

const DIFF_LAYOUT_KEY = 'ff.diffLayout';
const diffLayout = signal<'unified' | 'split'>(
  localStorage.getItem(DIFF_LAYOUT_KEY) === 'split' ? 'split' : 'unified',
);
/** Lines shown per file; a bigger file says how many more there are. */
const DIFF_LINES_SHOWN = 2000;
const MARKS: Record<DiffLine['kind'], string> = { add: '+', del: '-', context: ' ', hunk: '', meta: '' };

function UnifiedDiff({ lines }: { lines: DiffLine[] }) {
  return (
    <table class="ff-diff-body" data-layout="unified">
      <tbody>
        {lines.map((line, i) => (
          <tr key={i} class={`ff-diff-${line.kind}`}>
            <td class="ff-ln">{line.oldNo}</td>
            <td class="ff-ln">{line.newNo}</td>
            <td class="ff-code">
              {MARKS[line.kind]}
              {line.text}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function SplitDiff({ lines }: { lines: DiffLine[] }) {
  const side = (line: DiffLine | undefined, no: number | undefined) => [
    <td class="ff-ln" key="n">
      {no}
    </td>,
    <td class={`ff-code ff-diff-${line?.kind ?? 'empty'}`} key="t">
      {line?.text}
    </td>,
  ];
  return (
    <table class="ff-diff-body" data-layout="split">
      <tbody>
        {splitRows(lines).map((row, i) =>
          row.kind === 'pair' ? (
            <tr key={i}>
              {side(row.left, row.left?.oldNo)}
              {side(row.right, row.right?.newNo)}
            </tr>
          ) : (
            <tr key={i} class={`ff-diff-${row.kind}`}>
              <td class="ff-code" colSpan={4}>
                {row.text}
              </td>
            </tr>
          ),
        )}
      </tbody>
    </table>
  );
}

function Diff() {
  const d = diff.value;
  const layout = diffLayout.value;
  const choose = (value: 'unified' | 'split') => {
    diffLayout.value = value;
    localStorage.setItem(DIFF_LAYOUT_KEY, value);
  };
  return (
    <section class="ff-panel" data-testid="ff-diff">
      <div class="ff-row">
        <h2>Changes</h2>
        <button type="button" onClick={() => void loadDiff()}>
          Refresh
        </button>
        <span class="ff-segmented">
          {(['unified', 'split'] as const).map((value) => (
            <button
              type="button"
              key={value}
              aria-pressed={layout === value}
              data-testid={`ff-diff-${value}`}
              onClick={() => choose(value)}
            >
              {value === 'unified' ? 'Unified' : 'Split'}
            </button>
          ))}
        </span>
        {d?.truncated && <span class="ff-muted">(truncated)</span>}
      </div>
      {d && d.files.length === 0 && <p class="ff-muted">No changes against the base branch.</p>}
      {d?.files.map((file) => {
        const shown = file.lines.slice(0, DIFF_LINES_SHOWN);
        return (
          <details
            key={file.path}
            open={d.files.length <= 5}
            data-testid="ff-diff-file"
            data-path={file.path}
          >
            <summary>
              <code>{file.path}</code> <span class="ff-add">+{file.additions}</span>{' '}
              <span class="ff-del">−{file.deletions}</span>
            </summary>
            <div class="ff-diff-scroll">
              {layout === 'split' ? <SplitDiff lines={shown} /> : <UnifiedDiff lines={shown} />}
            </div>
            {file.lines.length > shown.length && (
              <p class="ff-muted">{file.lines.length - shown.length} more lines not shown.</p>
            )}
          </details>
        );
      })}
    </section>
  );
}

const busy = signal('');
const archiveRefused = signal('');

async function archive(force: boolean): Promise<void> {
  const w = workspace.value;
  if (!w) return;
  if (
    !force &&
    !confirm(
      `Archive ${w.branch}? Its worktree folder is removed after a snapshot of everything in it; the branch stays, and Restore brings it all back.`,
    )
  )
    return;
  busy.value = 'archive';
  try {
    workspace.value = await agent.call('workspace.archive', {
      workspaceId,
      ...(force ? { force: true } : {}),
    });
    archiveRefused.value = '';
  } catch (e) {
    // Uncommitted, untracked, ignored or unpushed work: the agent names it; offer to snapshot and go ahead.
    if (e instanceof RemoteError && e.code === 'FAILED_PRECONDITION') archiveRefused.value = e.message;
    else error.value = errorText(e);
  } finally {
    busy.value = '';
  }
}

async function openPullRequest(): Promise<void> {
  busy.value = 'pr';
  error.value = '';
  try {
    workspace.value = await agent.call('workspace.openPr', { workspaceId });
  } catch (e) {
    error.value = errorText(e);
  } finally {
    busy.value = '';
  }
}

async function restore(): Promise<void> {
  busy.value = 'restore';
  error.value = '';
  try {
    workspace.value = await agent.call('workspace.restore', { workspaceId });
  } catch (e) {
    error.value = errorText(e);
  } finally {
    busy.value = '';
  }
}

/** Open PR (push the branch, open its pull request) and Archive, for a workspace that can; Restore for an archived one. */
function WorkspaceActions({ w }: { w: WorkspaceView }) {
  if (w.status === 'archived')
    return (
      <button
        type="button"
        data-testid="ff-restore"
        disabled={busy.value !== ''}
        onClick={() => void restore()}
      >
        {busy.value === 'restore' ? 'Restoring…' : 'Restore'}
      </button>
    );
  return (
    <>
      {!w.pr && w.status === 'ready' && (
        <button
          type="button"
          data-testid="ff-open-pr"
          disabled={busy.value !== ''}
          onClick={() => void openPullRequest()}
        >
          <Octicon name="git-pull-request" />
          {busy.value === 'pr' ? 'Opening PR…' : 'Open PR'}
        </button>
      )}
      <button
        type="button"
        data-testid="ff-archive"
        disabled={busy.value !== ''}
        onClick={() => void archive(false)}
      >
        {busy.value === 'archive' ? 'Archiving…' : 'Archive'}
      </button>
    </>
  );
}

function WorkspacePage() {
  const w = workspace.value;
  const state = agent.connection.value;
  if (!workspaceId) return <p>No workspace in the address (workspace.html#&lt;id&gt;).</p>;
  if (state?.status !== 'connected') return <ConnectionBanner agent={agent} />;
  if (!w) return <p class="ff-muted">{error.value || 'Loading…'}</p>;
  const chip = workspaceChip(w);
  const resumable = sessions.value.filter((s) => s.status === 'interrupted' || s.status === 'crashed');
  const machine = machineOf(w);
  const status = machineStatus(machine, remotes.value, now.value);
  const offline = offlineNotice(status);
  return (
    <main class="ff-workspace-page">
      <header class="ff-row">
        <span class="ff-chip" data-tone={chip.tone}>
          {chip.label}
        </span>
        {(machine !== LOCAL || (remotes.value?.length ?? 0) > 0) && <MachineLabel status={status} />}
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
      {archiveRefused.value && (
        <p class="ff-warning" data-testid="ff-archive-refused">
          {archiveRefused.value}{' '}
          <button type="button" data-testid="ff-archive-force" onClick={() => void archive(true)}>
            Archive anyway
          </button>
        </p>
      )}
      <div class="ff-columns">
        <section class="ff-panel">
          <div class="ff-row">
            <h2>Chat</h2>
            {sessions.value.length > 0 ? (
              <SessionMenu
                sessions={sessions.value}
                current={sessionId.value}
                onPick={(id) => (sessionId.value = id)}
              />
            ) : (
              <span class="ff-muted">No session yet.</span>
            )}
            <button
              type="button"
              data-testid="ff-new-chat"
              onClick={() =>
                void agent.call('session.start', { workspaceId }).then(
                  (session) => {
                    sessionId.value = session.id;
                    return load();
                  },
                  (e) => {
                    error.value = errorText(e);
                  },
                )
              }
            >
              <Octicon name="plus" /> New chat
            </button>
            {resumable.map((s) => (
              <button
                type="button"
                key={s.id}
                onClick={() => void agent.call('session.resume', { sessionId: s.id }).then(load)}
              >
                Resume {s.title}
              </button>
            ))}
          </div>
          {sessionId.value && (
            <Chat
              agent={agent}
              sessionId={sessionId.value}
              key={sessionId.value}
              {...(offline ? { offline } : {})}
              resumeKey={reconnectKey(machine, remotes.value)}
            />
          )}
        </section>
        <div>
          <Terminals />
          <Diff />
          <section class="ff-panel">
            <h2>Ratchet</h2>
            {w.ratchet.reason && <p>{w.ratchet.reason}</p>}
            <DecisionLog decisions={decisions.value} withDate />
          </section>
        </div>
      </div>
      {error.value && <p class="error">{error.value}</p>}
    </main>
  );
}

render(<WorkspacePage />, document.getElementById('app')!);
