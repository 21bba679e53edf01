import { computed, createModel, effect, signal } from '@preact/signals';
import { browser } from 'wxt/browser';
import type { SessionView, WorkspaceView } from '../../../shared/domain.js';
import type { QuickAction, RemoteView } from '../../../shared/protocol.js';
import { addCounts } from '../../../shared/session-counts.js';
import type { AgentPort } from '../../lib/agent-port.js';
import { detectPage } from '../../lib/github-pages.js';
import { type PopupSnapshot, writePopupSnapshot } from '../../lib/popup-cache.js';
import { shownError } from '../../lib/use-agent.js';
import { followWorkspaceChanges } from '../../lib/workspace-changes.js';
import {
  applyBoard,
  groupByMachineAndRepo,
  keepUnreachable,
  markSeen,
  type SeenTurns,
  seenTurnsFrom,
} from '../../lib/workspace-list.js';

const SEEN_KEY = 'ff.popup.seen';
/** How often "unreachable since 4m ago" moves on. */
const CLOCK_MS = 5000;

/**
 * The popup's state, one store: the workspace list (kept current the way
 * every page follows workspaces, lib/workspace-changes.ts), the selected
 * workspace with its sessions and the open one, the quick actions, the
 * remotes, what the user has seen, and the last error. It starts from what
 * the popup showed last (`snapshot`, painted in the first frame) and keeps
 * the next snapshot written as it changes. `linked` is the workspace a
 * GitHub page's "Open chat" asked for (popup.html#<id>).
 */
export const PopupStore = createModel(
  (agent: AgentPort, snapshot: PopupSnapshot | undefined, linked: string) => {
    const saved =
      snapshot?.selection && (!linked || linked === snapshot.selection.workspaceId)
        ? snapshot.selection
        : undefined;
    const workspaces = signal<WorkspaceView[]>(snapshot?.workspaces ?? []);
    const sessions = signal<SessionView[]>(saved && snapshot ? snapshot.sessions : []);
    const actions = signal<QuickAction[]>(snapshot?.actions ?? []);
    const selected = signal<string | undefined>(saved?.workspaceId);
    const sessionId = signal<string | undefined>(saved?.sessionId);
    /** The repo of the tab the popup opened over: its workspaces come first. */
    const currentRepo = signal<string | undefined>(undefined);
    const error = signal('');
    /** The local agent's remotes and their states: workspaces there are grouped under them. */
    const remotes = signal<RemoteView[] | undefined>(undefined);
    /** For "unreachable since 4m ago". */
    const now = signal(Date.now());
    const filter = signal('');
    /** Turns seen per workspace: a reply that came while the user looked elsewhere shows as new. */
    const seen = signal<SeenTurns>({});
    /** The chat shown before the workspace list came: it stays unless that workspace is gone. */
    let early: string | undefined = saved?.workspaceId;

    const seenLoaded = browser.storage.local.get(SEEN_KEY).then(
      (stored) => {
        seen.value = seenTurnsFrom(stored[SEEN_KEY]);
      },
      (e: unknown) => console.warn('ff: what the popup saw last could not be read', e),
    );
    /** Notes what the user has seen (the selected workspace's replies, and every workspace's state at first sight). */
    const noteSeen = () => {
      const next = markSeen(workspaces.value, seen.value, selected.value);
      if (JSON.stringify(next) === JSON.stringify(seen.value)) return;
      seen.value = next;
      void browser.storage.local.set({ [SEEN_KEY]: next });
    };

    const loadWorkspaces = async () => {
      try {
        const [list, quick, known] = await Promise.all([
          agent.call('workspace.list'),
          agent.call('quickAction.list'),
          // An older agent has no remotes: nothing is remote then.
          agent.call('remote.list').catch(() => undefined),
        ]);
        if (known) remotes.value = known;
        // A remote out of reach keeps its last known workspaces here (and their cached chats).
        workspaces.value = known ? keepUnreachable(workspaces.value, list, known) : list;
        actions.value = quick.actions;
        await seenLoaded;
        noteSeen();
      } catch (e) {
        error.value = shownError(e);
      }
    };

    const select = async (workspaceId: string, preferredSession?: string) => {
      selected.value = workspaceId;
      noteSeen();
      sessions.value = (await agent.call('session.list', { workspaceId })).sort((a, b) =>
        b.createdAt.localeCompare(a.createdAt),
      );
      sessionId.value = sessions.value.find((s) => s.id === preferredSession)?.id ?? sessions.value[0]?.id;
    };

    /** Starts a session in the selected workspace (a chat, or a quick action's) and opens it. */
    const startIn = async (start: (workspaceId: string) => Promise<SessionView>) => {
      const workspaceId = selected.value;
      if (!workspaceId) return;
      try {
        const session = await start(workspaceId);
        await select(workspaceId, session.id);
      } catch (e) {
        error.value = shownError(e);
      }
    };

    /** On each (re)connect: the list, then the workspace to show (the linked one, the one left open, else the first). */
    const showFirst = async () => {
      const [tab] = await browser.tabs.query({ active: true, currentWindow: true }).catch((e: unknown) => {
        console.warn('ff: the current tab could not be read', e);
        return [];
      });
      const page = tab?.url ? detectPage(tab.url) : undefined;
      currentRepo.value = page ? `${page.owner}/${page.repo}` : undefined;
      await loadWorkspaces();
      const restore =
        saved?.workspaceId && workspaces.value.some((w) => w.id === saved.workspaceId) ? saved : undefined;
      const fromLink = workspaces.value.some((w) => w.id === linked) ? linked : undefined;
      const first =
        fromLink ??
        restore?.workspaceId ??
        groupByMachineAndRepo(workspaces.value, { currentRepo: currentRepo.value })[0]?.groups[0]
          ?.workspaces[0]?.id;
      // Only if the user has not picked one meanwhile (or on a reconnect, kept the one they had).
      if (first && (!selected.value || selected.value === early))
        await select(first, fromLink && fromLink !== restore?.workspaceId ? undefined : restore?.sessionId);
      early = undefined;
    };

    effect(() =>
      followWorkspaceChanges(agent, remotes, {
        connected: () => void showFirst(),
        // Every board push brings the states of its repo's workspaces; a new or archived one reloads the list.
        changed: (push) => {
          if (!push) return void loadWorkspaces();
          const next = applyBoard(workspaces.value, push.board, push.machine);
          workspaces.value = next.list;
          noteSeen();
          if (next.reload) void loadWorkspaces();
        },
      }),
    );
    effect(() => {
      const clock = setInterval(() => (now.value = Date.now()), CLOCK_MS);
      return () => clearInterval(clock);
    });
    // Kept for the next opening: written (cheaply, after the frame) whenever what the popup shows changes.
    effect(() => {
      const next = {
        workspaces: workspaces.value,
        actions: actions.value,
        sessions: sessions.value,
        ...(selected.value ? { selection: { workspaceId: selected.value, sessionId: sessionId.value } } : {}),
      };
      const write = setTimeout(() => writePopupSnapshot(next), 0);
      return () => clearTimeout(write);
    });

    return {
      workspaces,
      sessions,
      actions,
      selected,
      sessionId,
      currentRepo,
      error,
      remotes,
      now,
      filter,
      seen,
      /** Sessions waiting for your answer, across every workspace listed (the Fleet button's counter). */
      waitingForYou: computed(() => addCounts(workspaces.value.map((w) => w.sessions)).waitingForYou),
      select,
      startChat: () => startIn((workspaceId) => agent.call('session.start', { workspaceId })),
      runAction: (action: string) =>
        startIn((workspaceId) => agent.call('quickAction.run', { workspaceId, action })),
    };
  },
);
export type PopupStore = InstanceType<typeof PopupStore>;
