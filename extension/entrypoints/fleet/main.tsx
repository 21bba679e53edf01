import { render } from 'preact';
import { diskUseText } from '../../../shared/bytes.js';
import type { WorkspaceView } from '../../../shared/domain.js';
import { Avatar } from '../../components/avatar.js';
import { ConnectionBanner } from '../../components/connection-banner.js';
import { InlineCode } from '../../components/inline-code.js';
import { MachineLabel } from '../../components/machine-label.js';
import { PermissionButtons } from '../../components/permission-buttons.js';
import { AgentPort } from '../../lib/agent-port.js';
import type { SessionRow, SortKey } from '../../lib/fleet-model.js';
import {
  costBars,
  fleetRows,
  formatBytes,
  formatDuration,
  formatUsd,
  inbox,
  sortRows,
  spansMachines,
} from '../../lib/fleet-model.js';
import { machineStatus } from '../../lib/machines.js';
import { Octicon, toolIcon } from '../../lib/octicons.js';
import { toolRowText } from '../../lib/short-paths.js';
import { FleetStore } from './store.js';
import '../../lib/primer.js';
import './style.css';

const agent = new AgentPort();
const store = new FleetStore(agent);

function Inbox() {
  const items = inbox(store.sessions.value, store.workspaces.value);
  return (
    <section class="Box ff-inbox" data-testid="ff-inbox" aria-labelledby="ff-inbox-title">
      <h2 class="Box-header" id="ff-inbox-title">
        <Octicon name="inbox" />
        Approvals
        <span class={`Counter${items.length ? ' Counter--primary' : ''}`} data-testid="ff-inbox-count">
          {items.length}
        </span>
      </h2>
      {items.length === 0 ? (
        <div class="blankslate" data-testid="ff-inbox-empty">
          <Octicon name="check" size={24} />
          <h3>Nothing waits for you</h3>
          <p>Permission requests from every session show up here, oldest first.</p>
        </div>
      ) : (
        <ul class="ff-list">
          {items.map((item) => (
            <li
              class="Box-row ff-approval"
              key={item.request.requestId}
              data-testid="ff-approval"
              data-session={item.sessionId}
              data-tool={item.request.toolName}
            >
              <div class="ff-approval-head">
                <Octicon name={toolIcon(item.request.toolName)} />
                <strong>{item.request.toolName}</strong>
                <span class="ff-muted">
                  {item.repo} · {item.workspace}
                </span>
                <span class="ff-muted ff-right">
                  <Octicon name="clock" /> {formatDuration(store.now.value - Date.parse(item.request.at))} ago
                </span>
              </div>
              {item.request.description && <p class="ff-approval-desc">{item.request.description}</p>}
              <pre class="ff-approval-input" data-testid="ff-approval-input">
                {JSON.stringify(item.request.input, null, 2).slice(0, 4000)}
              </pre>
              <PermissionButtons
                agent={agent}
                sessionId={item.sessionId}
                requestId={item.request.requestId}
                toolName={item.request.toolName}
                onAnswered={() => void store.loadLists()}
                disabled={agent.connection.value?.status !== 'connected'}
              />
              <button
                type="button"
                class="btn-invisible ff-open"
                onClick={() => agent.open('workspace', item.workspaceId, item.sessionId)}
              >
                Open chat
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

const MACHINE_COLUMN: { key: SortKey; label: string; numeric?: boolean } = {
  key: 'machine',
  label: 'Machine',
};
const COLUMNS: Array<{ key: SortKey; label: string; numeric?: boolean }> = [
  { key: 'workspace', label: 'Workspace' },
  { key: 'status', label: 'State' },
  { key: 'tool', label: 'Running' },
  { key: 'costUsd', label: 'Cost', numeric: true },
  { key: 'inStateMs', label: 'In state', numeric: true },
  { key: 'cpuPercent', label: 'CPU', numeric: true },
  { key: 'rssBytes', label: 'Memory', numeric: true },
];

function Sessions() {
  const all = fleetRows(store.sessions.value, store.workspaces.value, store.live.value, store.now.value);
  // A Machine column after Workspace (sortable: this computer first, then remotes by name) once any session runs on a remote.
  const byMachine = spansMachines(all);
  const columns = byMachine ? [COLUMNS[0]!, MACHINE_COLUMN, ...COLUMNS.slice(1)] : COLUMNS;
  const rows = sortRows(all, store.sort.value.key, store.sort.value.descending);
  // Kept from before the agent went away: a state as last seen, not as it is, and no time in it.
  const away = agent.connection.value?.status !== 'connected';
  return (
    <section class="Box" aria-labelledby="ff-sessions-title">
      <h2 class="Box-header" id="ff-sessions-title">
        <Octicon name="pulse" />
        Sessions
        <span class="Counter">{rows.length}</span>
      </h2>
      {rows.length === 0 ? (
        <div class="blankslate">
          <Octicon name="comment-discussion" size={24} />
          <h3>No session yet</h3>
          <p>Start a workspace from a GitHub issue; its sessions show up here.</p>
        </div>
      ) : (
        <table class="ff-table" data-testid="ff-fleet-table">
          <thead>
            <tr>
              {columns.map((c) => {
                const active = store.sort.value.key === c.key;
                return (
                  <th
                    key={c.key}
                    scope="col"
                    class={c.numeric ? 'ff-num' : ''}
                    aria-sort={active ? (store.sort.value.descending ? 'descending' : 'ascending') : 'none'}
                  >
                    <button
                      type="button"
                      class="ff-sort"
                      data-testid={`ff-sort-${c.key}`}
                      onClick={() => store.sortBy(c.key, !!c.numeric)}
                    >
                      {c.label}
                      {active && (
                        <Octicon name="triangle-down" class={store.sort.value.descending ? '' : 'ff-up'} />
                      )}
                    </button>
                  </th>
                );
              })}
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr
                key={row.id}
                data-testid="ff-fleet-row"
                data-session={row.id}
                data-status={row.status}
                data-machine={row.machine}
              >
                <td>
                  <button
                    type="button"
                    class="btn-invisible ff-ws-link"
                    onClick={() => agent.open('workspace', row.workspaceId, row.id)}
                  >
                    <Avatar owner={row.owner} />
                    <span class="ff-ws-name">
                      <span class="ff-muted">{row.repo}</span> {row.workspace}
                    </span>
                  </button>
                  <span class="ff-muted ff-kind">{row.title}</span>
                  <WorkspaceDisk workspace={store.workspaces.value.find((w) => w.id === row.workspaceId)} />
                </td>
                {byMachine && (
                  <td data-testid="ff-fleet-machine">
                    <MachineLabel
                      status={machineStatus(row.machine, store.remotes.value, store.now.value)}
                      compact
                    />
                  </td>
                )}
                <td>
                  <span
                    class="ff-chip"
                    data-state={row.status}
                    data-testid="ff-fleet-state"
                    title={away ? 'When ff-agent was last reached' : undefined}
                  >
                    {away && 'was '}
                    {row.status === 'waiting-permission' ? `needs you (${row.pending})` : row.status}
                  </span>
                  <SafetyBadge safety={row.safety} blocked={row.blocked} />
                </td>
                <td class="ff-tool-cell" data-testid="ff-fleet-tool">
                  {row.tool ? (
                    <>
                      <Octicon name={toolIcon(row.tool.split(' ')[0]!)} />{' '}
                      <code title={row.tool}>
                        {toolRowText(
                          row.tool,
                          store.workspaces.value.find((w) => w.id === row.workspaceId)?.path,
                          40,
                        )}
                      </code>
                    </>
                  ) : (
                    <span class="ff-muted">—</span>
                  )}
                </td>
                <td class="ff-num">
                  {formatUsd(row.costUsd)}
                  <div class="ff-muted">
                    {row.turns} {row.turns === 1 ? 'turn' : 'turns'}
                  </div>
                </td>
                <td class="ff-num" data-testid="ff-fleet-in-state">
                  {away ? '—' : formatDuration(row.inStateMs)}
                </td>
                <td class="ff-num" data-testid="ff-fleet-cpu">
                  {row.cpuPercent === undefined ? '—' : `${row.cpuPercent.toFixed(1)}%`}
                </td>
                <td class="ff-num" data-testid="ff-fleet-rss">
                  {row.rssBytes === undefined ? '—' : formatBytes(row.rssBytes)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** The session's walls in an icon (a shield when sandboxed), and how many attempts they blocked. */
function SafetyBadge({ safety, blocked }: { safety: SessionRow['safety']; blocked: number }) {
  return (
    <span
      class={safety.tone === 'warn' ? 'ff-warning' : 'ff-muted'}
      title={safety.title}
      data-testid="ff-fleet-safety"
    >
      {' '}
      <Octicon name={safety.icon} />
      {safety.tone === 'warn' ? ` ${safety.label}` : ''}
      {blocked > 0 && <span data-testid="ff-fleet-blocked"> {blocked} blocked</span>}
    </span>
  );
}

/** The workspace's disk use (worktree + git objects only it holds), once the agent has measured it. */
function WorkspaceDisk({ workspace }: { workspace: WorkspaceView | undefined }) {
  if (!workspace?.disk) return null;
  const disk = diskUseText(workspace.disk);
  return (
    <span class="ff-muted ff-kind" data-testid="ff-fleet-disk" title={disk.title}>
      <Octicon name="database" /> {disk.text}
    </span>
  );
}

/** One color per repo, from Primer's data-visualization tokens. */
const REPO_COLORS = ['blue', 'green', 'orange', 'purple', 'pink', 'teal', 'yellow', 'red', 'coral', 'lime'];

function CostChart() {
  const history = store.costs.value;
  if (!history) return null;
  const width = 600;
  const height = 120;
  const { bars, max } = costBars(history, width, height);
  const step = width / Math.max(1, history.days.length);
  return (
    <section class="Box" aria-labelledby="ff-costs-title" data-testid="ff-costs">
      <h2 class="Box-header" id="ff-costs-title">
        <Octicon name="graph" />
        Cost, last {history.days.length} days
        <span class="ff-muted ff-right" data-testid="ff-costs-total">
          {formatUsd(history.totalUsd)} in all
        </span>
      </h2>
      <div class="ff-chart">
        {history.totalUsd === 0 ? (
          <p class="ff-muted">No turn has finished in the last {history.days.length} days.</p>
        ) : (
          <>
            <svg
              viewBox={`0 0 ${width} ${height}`}
              // The bars stretch to the box's width; the dates below stay at the page's type size.
              preserveAspectRatio="none"
              role="img"
              aria-label={`Cost per day: ${formatUsd(history.totalUsd)} over ${history.days.length} days, at most ${formatUsd(max)} a day`}
            >
              {bars.map((bar) =>
                bar.segments.map((s) => (
                  <rect
                    key={`${bar.day}-${s.repo}`}
                    x={bar.x + 1}
                    y={s.y}
                    width={Math.max(1, step - 2)}
                    height={s.height}
                    rx="2"
                    style={{
                      fill: `var(--data-${REPO_COLORS[history.repos.findIndex((r) => r.repo === s.repo) % REPO_COLORS.length]}-color-emphasis)`,
                    }}
                  >
                    <title>
                      {bar.day} · {s.repo}: {formatUsd(s.usd)}
                    </title>
                  </rect>
                )),
              )}
            </svg>
            <div class="ff-axis" aria-hidden="true">
              <span>{history.days[0]}</span>
              <span>{history.days.at(-1)}</span>
            </div>
            <ul class="ff-legend">
              {history.repos.map((r, i) => (
                <li key={r.repo}>
                  <span
                    class="ff-swatch"
                    style={{
                      background: `var(--data-${REPO_COLORS[i % REPO_COLORS.length]}-color-emphasis)`,
                    }}
                  />
                  {r.repo} <span class="ff-muted">{formatUsd(r.usd.reduce((a, b) => a + b, 0))}</span>
                </li>
              ))}
            </ul>
          </>
        )}
      </div>
    </section>
  );
}

function Fleet() {
  const connected = agent.connection.value?.status === 'connected';
  return (
    <main class="ff-fleet">
      <header class="ff-fleet-head">
        <h1>
          <Octicon name="server" size={24} /> Fleet
        </h1>
        <span class="ff-muted">Every session on every workspace, live.</span>
      </header>
      <ConnectionBanner agent={agent} kept={!connected && store.loaded.value} />
      {store.error.value && (
        <p class="error">
          <InlineCode text={store.error.value} />
        </p>
      )}
      {store.loaded.value && (
        <>
          <Inbox />
          <Sessions />
          <CostChart />
        </>
      )}
    </main>
  );
}

render(<Fleet />, document.getElementById('app')!);
