import { computed, createModel, effect, signal } from '@preact/signals';
import type { SessionView, WorkspaceView } from '../../../shared/domain.js';
import type { RemoteView, TerminalInfo } from '../../../shared/protocol.js';
import type { RatchetDecision } from '../../../shared/ratchet.js';
import { type AgentPort, RemoteError } from '../../lib/agent-port.js';
import { type DiffFile, parseUnifiedDiff } from '../../lib/diff-files.js';
import { listFrom, readPageSnapshot, recordFrom, writePageSnapshot } from '../../lib/page-snapshot.js';
import { shownError } from '../../lib/use-agent.js';
import { coalesce, followWorkspaceChanges } from '../../lib/workspace-changes.js';

const DIFF_LAYOUT_KEY = 'ff.diffLayout';
/** How often "unreachable since 4m ago" moves on. */
const CLOCK_MS = 5000;
/** A burst of board pushes asks for the session list once, this long after the last. */
const SESSIONS_AFTER_MS = 100;
/** A diff bigger than this (as JSON) is not kept for the next opening: the rest of the page is. */
const KEPT_DIFF_CHARS = 200_000;

export type DiffLayout = 'unified' | 'split';

const newestFirst = (sessions: SessionView[]) =>
  sessions.sort((a, b) => b.createdAt.localeCompare(a.createdAt));

/**
 * The workspace page's state, one store: the workspace, its sessions (and
 * the one shown: `?session=<id>`, else the newest), its terminals, its diff
 * and how it is laid out, the ratchet's decisions, the remotes, which action
 * is running (`busy`) and the last error. Its sessions follow the changes
 * the way every page does (lib/workspace-changes.ts). What it showed last
 * (workspace, sessions, decisions, terminals, diff) is kept (lib/page-snapshot.ts): a
 * page opened while the agent is away starts from it.
 */
export const WorkspacePageStore = createModel(
  (agent: AgentPort, address: { workspaceId: string; sessionId?: string }) => {
    const { workspaceId } = address;
    const kept = readPageSnapshot('workspace', workspaceId);
    const workspace = signal<WorkspaceView | undefined>(recordFrom(kept, 'workspace', workspaceId));
    const sessions = signal<SessionView[]>(listFrom(kept, 'sessions'));
    const sessionId = signal<string | undefined>(address.sessionId ?? sessions.value[0]?.id);
    const terminals = signal<TerminalInfo[]>(listFrom(kept, 'terminals'));
    const terminalId = signal<string | undefined>(terminals.value[0]?.id);
    const keptDiff = recordFrom<{ id: string; files: DiffFile[]; truncated: boolean }>(
      kept,
      'diff',
      workspaceId,
    );
    const diff = signal<{ files: DiffFile[]; truncated: boolean } | undefined>(
      keptDiff && { files: listFrom(keptDiff, 'files'), truncated: keptDiff.truncated === true },
    );
    const diffLayout = signal<DiffLayout>(
      localStorage.getItem(DIFF_LAYOUT_KEY) === 'split' ? 'split' : 'unified',
    );
    const decisions = signal<RatchetDecision[]>(listFrom(kept, 'decisions'));
    const error = signal('');
    /** The workspace action under way (its button says so, the others wait). */
    const busy = signal<'' | 'archive' | 'pr' | 'restore' | 'run'>('');
    /** Why the agent refused to archive (work it would lose), until the user archives anyway. */
    const archiveRefused = signal('');
    /** The remotes' states: a workspace on one says where it lives, and whether it can be reached now. */
    const remotes = signal<RemoteView[] | undefined>(undefined);
    const now = signal(Date.now());

    const attempt = async (work: () => Promise<void>) => {
      try {
        await work();
      } catch (e) {
        error.value = shownError(e);
      }
    };
    const load = () =>
      attempt(async () => {
        workspace.value = await agent.call('workspace.get', { workspaceId });
        sessions.value = newestFirst(await agent.call('session.list', { workspaceId }));
        // A session from the address that is not this workspace's (or is gone) gives way to the newest.
        if (!sessions.value.some((s) => s.id === sessionId.value)) sessionId.value = sessions.value[0]?.id;
        terminals.value = (await agent.call('terminal.list', { workspaceId })).filter(
          (t) => t.exitCode === undefined,
        );
        terminalId.value ??= terminals.value[0]?.id;
        decisions.value = await agent.call('ratchet.decisions', { workspaceId, limit: 20 });
      });
    const loadDiff = () =>
      attempt(async () => {
        const result = await agent.call('workspace.diff', { workspaceId });
        diff.value = { files: parseUnifiedDiff(result.diff), truncated: result.truncated };
      });
    /** The session list alone: states, costs and turns as they move. */
    const loadSessions = () =>
      attempt(async () => {
        sessions.value = newestFirst(await agent.call('session.list', { workspaceId }));
      });
    /** A workspace action that answers with the workspace: its button is busy meanwhile. */
    const change = async (action: typeof busy.value, work: () => Promise<WorkspaceView>) => {
      busy.value = action;
      error.value = '';
      try {
        workspace.value = await work();
      } catch (e) {
        error.value = shownError(e);
      } finally {
        busy.value = '';
      }
    };

    effect(() =>
      followWorkspaceChanges(agent, remotes, {
        connected: () => void load().then(loadDiff),
        // Live, from the source the popup and fleet follow: every session's change pushes its repo's board.
        changed: coalesce(() => void loadSessions(), SESSIONS_AFTER_MS),
      }),
    );
    // Its previews as the agent finds them (it looks while something runs): Run's app shows up without asking.
    effect(() =>
      agent.subscribe(`workspace:${workspaceId}`, (event) => {
        if (event.kind !== 'workspace' || event.data.kind !== 'previews' || !workspace.value) return;
        workspace.value = { ...workspace.value, previews: event.data.previews };
      }),
    );
    effect(() => {
      const clock = setInterval(() => (now.value = Date.now()), CLOCK_MS);
      return () => clearInterval(clock);
    });
    // Kept for an opening while the agent is away: written after the frame whenever what the page shows changes.
    effect(() => {
      const shown = {
        workspace: workspace.value,
        sessions: sessions.value,
        decisions: decisions.value,
        terminals: terminals.value,
      };
      const changes = diff.value && { id: workspaceId, ...diff.value };
      if (!shown.workspace) return;
      const write = setTimeout(() => {
        const withDiff = changes && JSON.stringify(changes).length <= KEPT_DIFF_CHARS;
        writePageSnapshot('workspace', workspaceId, { ...shown, ...(withDiff ? { diff: changes } : {}) });
      }, 0);
      return () => clearTimeout(write);
    });

    return {
      workspaceId: computed(() => workspaceId),
      workspace,
      sessions,
      sessionId,
      terminals,
      terminalId,
      diff,
      diffLayout,
      decisions,
      error,
      busy,
      archiveRefused,
      remotes,
      now,
      loadDiff,
      layOutDiff: (layout: DiffLayout) => {
        diffLayout.value = layout;
        localStorage.setItem(DIFF_LAYOUT_KEY, layout);
      },
      openTerminal: () =>
        attempt(async () => {
          const terminal = await agent.call('terminal.open', { workspaceId, cols: 100, rows: 24 });
          terminals.value = [...terminals.value, terminal];
          terminalId.value = terminal.id;
        }),
      /** Starts the run script in a terminal (shown); what it listens on comes as the agent finds it (a `previews` event). */
      run: async () => {
        busy.value = 'run';
        error.value = '';
        try {
          const terminal = await agent.call('workspace.run', { workspaceId });
          if (!terminals.value.some((t) => t.id === terminal.id))
            terminals.value = [...terminals.value, terminal];
          terminalId.value = terminal.id;
        } catch (e) {
          error.value = shownError(e);
        } finally {
          busy.value = '';
        }
      },
      stopRun: () =>
        attempt(async () => {
          await agent.call('workspace.stopRun', { workspaceId });
          terminals.value = terminals.value.filter((t) => !t.run);
          if (!terminals.value.some((t) => t.id === terminalId.value))
            terminalId.value = terminals.value[0]?.id;
          workspace.value = await agent.call('workspace.get', { workspaceId });
        }),
      /** The workspace again: its previews as they are now. */
      refresh: () =>
        attempt(async () => {
          workspace.value = await agent.call('workspace.get', { workspaceId });
        }),
      startChat: () =>
        attempt(async () => {
          sessionId.value = (await agent.call('session.start', { workspaceId })).id;
          await load();
        }),
      resume: (id: string) =>
        attempt(async () => {
          await agent.call('session.resume', { sessionId: id });
          await load();
        }),
      openPullRequest: () => change('pr', () => agent.call('workspace.openPr', { workspaceId })),
      restore: () => change('restore', () => agent.call('workspace.restore', { workspaceId })),
      /** Archives; `force` after the agent named the work it would snapshot (uncommitted, unpushed…). */
      archive: async (force: boolean) => {
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
          else error.value = shownError(e);
        } finally {
          busy.value = '';
        }
      },
    };
  },
);
export type WorkspacePageStore = InstanceType<typeof WorkspacePageStore>;
