import { useSignal } from '@preact/signals';
import type { Board, WorkspaceCard } from '../../shared/board.js';
import { RATCHET_STATES } from '../../shared/ratchet-states.js';
import { ConnectionBanner } from '../components/connection-banner.js';
import { MachineLabel } from '../components/machine-label.js';
import { PreviewLinks } from '../components/preview-link.js';
import type { AgentPort } from '../lib/agent-port.js';
import { anchors } from '../lib/anchors.js';
import type { FeatureDefinition } from '../lib/feature-registry.js';
import { projectRef } from '../lib/github-pages.js';
import { LOCAL, type MachineStatus, machineOf, machineStatus, mergeBoardPush } from '../lib/machines.js';
import { ratchetSummary } from '../lib/ratchet-summary.js';
import { useNow, useRemotes } from '../lib/remotes.js';
import { safeHref } from '../lib/safe-href.js';
import { shownError, useTopic, useWhenConnected } from '../lib/use-agent.js';

interface ListMatch {
  owner: string;
  repo: string;
}

/**
 * A workspace's card: its issue (linked), Open chat (the workspace page),
 * its PR (linked) with the ratchet's state as the PR panel names it, an
 * Open link per port its app listens on, and what the ratchet waits for. One on a remote names it (and its state when
 * it is out of reach).
 */
function Card({ card, machine, agent }: { card: WorkspaceCard; machine: MachineStatus; agent: AgentPort }) {
  const w = card.workspace;
  const state = w.ratchet.state ? RATCHET_STATES[w.ratchet.state] : undefined;
  const said = w.pr ? ratchetSummary(w.ratchet) : {};
  const waiting = said.waiting ?? said.reason;
  return (
    <div
      class="ff-card"
      data-testid="ff-card"
      data-workspace={w.id}
      data-machine={machine.machine}
      data-reachable={machine.reachable}
    >
      {machine.state !== 'local' && (
        <div>
          <MachineLabel status={machine} compact />
        </div>
      )}
      <div class="ff-card-title">
        {w.issue ? (
          <>
            <a href={safeHref(w.issue.url)} data-testid="ff-card-issue">
              #{w.issue.number}
            </a>{' '}
            {w.issue.title}
          </>
        ) : (
          w.branch
        )}
      </div>
      <div class="ff-row ff-card-meta">
        <button
          type="button"
          class="ff-link"
          data-testid="ff-card-open"
          onClick={() => agent.open('workspace', w.id)}
        >
          Open chat
        </button>
        {w.pr && (
          <a href={safeHref(w.pr.url)} data-testid="ff-card-pr">
            PR #{w.pr.number}
          </a>
        )}
        {state && (
          <span class="ff-chip" data-tone={state.tone} data-testid="ff-card-state">
            {state.label}
          </span>
        )}
        {card.sessions.waitingForYou > 0 && (
          <span class="ff-chip" data-tone="waiting">
            Needs you
          </span>
        )}
        <PreviewLinks agent={agent} workspaceId={w.id} machine={machine.machine} previews={card.previews} />
      </div>
      {waiting && (
        <div class="ff-muted" data-testid="ff-card-waiting" title={w.ratchet.waiting}>
          {waiting}
        </div>
      )}
    </div>
  );
}

function KanbanPanel({ match, agent }: { match: ListMatch; agent: AgentPort }) {
  const project = projectRef(location.hostname, match.owner, match.repo);
  const open = useSignal(false);
  const board = useSignal<Board | undefined>(undefined);
  const error = useSignal('');
  const starting = useSignal<number | undefined>(undefined);
  const columnsNow = board.value?.columns;
  const anyRemote =
    columnsNow !== undefined &&
    [...columnsNow.working, ...columnsNow.waiting, ...columnsNow.done].some((c) => machineOf(c) !== LOCAL);
  const remotes = useRemotes(agent, anyRemote);
  const now = useNow();
  const load = async (refresh = false) => {
    try {
      // The answer is every machine's board already merged by the agent; its cards say where they live.
      board.value = await agent.call(refresh ? 'board.refresh' : 'board.get', { project });
      error.value = '';
    } catch (e) {
      error.value = shownError(e);
    }
  };
  // Opening the board is a user asking to look: fetch the assigned issues fresh.
  const connected = useWhenConnected(agent, () => open.value && void load(true), [open.value]);
  useTopic(agent, connected && open.value ? 'board' : undefined, (event) => {
    if (event.kind !== 'board') return;
    const { data } = event;
    const ours =
      data.project.toLowerCase() === `${match.owner}/${match.repo}`.toLowerCase() &&
      data.host === location.hostname;
    // Each machine pushes its own board: only its cards are replaced; pushes carry the last fetched issues.
    if (ours) board.value = mergeBoardPush(board.value, data.board, data.machine);
  });
  const start = async (number: number) => {
    starting.value = number;
    try {
      await agent.call('workspace.create', { project, issue: { number } });
      await load();
    } catch (e) {
      error.value = shownError(e);
    } finally {
      starting.value = undefined;
    }
  };
  const columns = board.value?.columns;
  return (
    <div class="ff-box" data-testid="ff-kanban">
      <div class="ff-row">
        <button
          type="button"
          class="ff-btn"
          data-testid="ff-kanban-toggle"
          onClick={() => (open.value = !open.value)}
        >
          {open.value ? 'Hide ff board' : 'ff board'}
        </button>
        {open.value && connected && (
          <button type="button" class="ff-btn" onClick={() => void load(true)}>
            Refresh
          </button>
        )}
      </div>
      {open.value && !connected && <ConnectionBanner agent={agent} kept={columns !== undefined} />}
      {open.value && connected && error.value && <div class="ff-error">{error.value}</div>}
      {open.value && columns && (
        <>
          {board.value?.issuesError && <div class="ff-muted">GitHub issues: {board.value.issuesError}</div>}
          <div class="ff-board">
            <section class="ff-column" data-column="issues">
              <h3>GitHub Issues ({columns.issues.length})</h3>
              {columns.issues.map((issue) => (
                <div class="ff-card" key={issue.number} data-testid="ff-issue-card" data-issue={issue.number}>
                  <div>
                    <a href={safeHref(issue.url)}>#{issue.number}</a> {issue.title}
                  </div>
                  <button
                    type="button"
                    class="ff-btn"
                    disabled={!connected || starting.value === issue.number}
                    onClick={() => void start(issue.number)}
                  >
                    {starting.value === issue.number ? 'Starting…' : 'Start'}
                  </button>
                </div>
              ))}
            </section>
            {(
              [
                ['working', 'Working'],
                ['waiting', 'Waiting'],
                ['done', 'Done'],
              ] as const
            ).map(([key, title]) => (
              <section class="ff-column" data-column={key} key={key}>
                <h3>
                  {title} ({columns[key].length})
                </h3>
                {columns[key].map((card) => (
                  <Card
                    card={card}
                    agent={agent}
                    key={card.workspace.id}
                    machine={machineStatus(machineOf(card), remotes.value, now)}
                  />
                ))}
              </section>
            ))}
          </div>
        </>
      )}
    </div>
  );
}

export default {
  match: (page) => (page.kind === 'issues' ? { owner: page.owner, repo: page.repo } : undefined),
  key: (m) => `${m.owner}/${m.repo}`,
  anchors: anchors.issueListToolbar,
  placement: 'after',
  render: (match, agent) => <KanbanPanel match={match} agent={agent} />,
} satisfies FeatureDefinition<ListMatch>;
