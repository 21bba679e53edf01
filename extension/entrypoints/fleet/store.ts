import { createModel, effect, signal } from '@preact/signals';
import type { SessionView, WorkspaceView } from '../../../shared/domain.js';
import type { CostHistory, FleetRow, RemoteView } from '../../../shared/protocol.js';
import type { AgentPort } from '../../lib/agent-port.js';
import type { SortKey } from '../../lib/fleet-model.js';
import { listFrom, readPageSnapshot, recordFrom, writePageSnapshot } from '../../lib/page-snapshot.js';
import { shownError } from '../../lib/use-agent.js';
import { coalesce, followWorkspaceChanges } from '../../lib/workspace-changes.js';

/** CPU and memory are sampled this often (they change with no event to say so). */
const LIVE_MS = 2000;
const COSTS_MS = 60_000;
/** How often "in state" and "ago" move on. */
const CLOCK_MS = 1000;
/** A burst of board pushes asks again once, this long after the last. */
const RELOAD_AFTER_MS = 100;

/**
 * The fleet page's state, one store: every session and workspace, the
 * sessions' live figures (tool, CPU, memory), the cost history, the table's
 * sort, the remotes, and the last error. Lists follow the changes the way
 * every page does (lib/workspace-changes.ts); the live figures, and the lists
 * with them (a second permission request in a session changes no status, so
 * pushes no board), are asked again every LIVE_MS. The lists and costs it
 * showed last are kept (lib/page-snapshot.ts): opened while the agent is
 * away, the page starts from them; the live figures are not (they are of
 * processes that may be gone).
 */
export const FleetStore = createModel((agent: AgentPort) => {
  const kept = readPageSnapshot('fleet', 'all');
  const sessions = signal<SessionView[]>(listFrom(kept, 'sessions'));
  const workspaces = signal<WorkspaceView[]>(listFrom(kept, 'workspaces'));
  const live = signal<FleetRow[]>([]);
  const costs = signal<CostHistory | undefined>(
    recordFrom<CostHistory & { id: string }>(kept, 'costs', 'costs'),
  );
  const now = signal(Date.now());
  const sort = signal<{ key: SortKey; descending: boolean }>({ key: 'status', descending: false });
  const error = signal('');
  /** The lists came once (or were kept from before): before that the page shows nothing but the connection. */
  const loaded = signal(kept !== undefined);
  /** The remotes' states: rows on a remote name it, and say when it is out of reach. */
  const remotes = signal<RemoteView[] | undefined>(undefined);

  const loadLists = async () => {
    try {
      const [s, w] = await Promise.all([agent.call('session.list'), agent.call('workspace.list')]);
      sessions.value = s;
      workspaces.value = w;
      loaded.value = true;
      error.value = '';
    } catch (e) {
      error.value = shownError(e);
    }
  };
  const loadLive = async () => {
    try {
      live.value = await agent.call('fleet.status');
      now.value = Date.now();
    } catch (e) {
      error.value = shownError(e);
    }
  };
  const loadCosts = async () => {
    try {
      costs.value = await agent.call('fleet.costs', { days: 30 });
    } catch (e) {
      error.value = shownError(e);
    }
  };

  effect(() =>
    followWorkspaceChanges(agent, remotes, {
      connected: () => void Promise.all([loadLists(), loadLive(), loadCosts()]),
      // Sessions' states move with every board push (a status change anywhere).
      changed: coalesce(() => void Promise.all([loadLists(), loadLive()]), RELOAD_AFTER_MS),
    }),
  );
  effect(() => {
    const shown = {
      sessions: sessions.value,
      workspaces: workspaces.value,
      ...(costs.value ? { costs: { id: 'costs', ...costs.value } } : {}),
    };
    if (!loaded.value) return;
    const write = setTimeout(() => writePageSnapshot('fleet', 'all', shown), 0);
    return () => clearTimeout(write);
  });
  effect(() => {
    const timers = [
      setInterval(() => {
        if (agent.connection.peek()?.status !== 'connected') return;
        void loadLive();
        void loadLists();
      }, LIVE_MS),
      setInterval(() => {
        if (agent.connection.peek()?.status === 'connected') void loadCosts();
      }, COSTS_MS),
      setInterval(() => (now.value = Date.now()), CLOCK_MS),
    ];
    return () => {
      for (const timer of timers) clearInterval(timer);
    };
  });

  return {
    sessions,
    workspaces,
    live,
    costs,
    now,
    sort,
    error,
    loaded,
    remotes,
    /** Asks again after a permission was answered (its request leaves the inbox). */
    loadLists,
    sortBy: (key: SortKey, numeric: boolean) => {
      const active = sort.value.key === key;
      sort.value = { key, descending: active ? !sort.value.descending : numeric };
    },
  };
});
export type FleetStore = InstanceType<typeof FleetStore>;
