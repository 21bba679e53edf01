import { useLayoutEffect, useRef } from 'preact/hooks';
import type { WorkspaceView } from '../../../shared/domain.js';
import { Avatar } from '../../components/avatar.js';
import { MachineLabel } from '../../components/machine-label.js';
import { PreviewLinks } from '../../components/preview-link.js';
import { RunButton } from '../../components/run-button.js';
import type { AgentPort } from '../../lib/agent-port.js';
import { ownerOf } from '../../lib/fleet-model.js';
import { machineOf, machineStatus, showMachineHeaders } from '../../lib/machines.js';
import { Octicon } from '../../lib/octicons.js';
import { safeHref } from '../../lib/safe-href.js';
import { workspaceChip } from '../../lib/workspace-chip.js';
import { groupByMachineAndRepo, hasNews, scrollToShow } from '../../lib/workspace-list.js';
import type { PopupStore } from './store.js';

/** The workspace list: by machine, then by repo (the current tab's first), with a filter once it is long. */
export function Workspaces({ agent, store }: { agent: AgentPort; store: PopupStore }) {
  const { workspaces, selected, filter, remotes, now } = store;
  const machines = groupByMachineAndRepo(workspaces.value, {
    currentRepo: store.currentRepo.value,
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
          onInput={(e) => (filter.value = e.currentTarget.value)}
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
                    <WorkspaceRow w={w} key={w.id} store={store} agent={agent} />
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

function WorkspaceRow({ w, store, agent }: { w: WorkspaceView; store: PopupStore; agent: AgentPort }) {
  const selected = store.selected.value;
  const chip = workspaceChip(w);
  const news = hasNews(w, store.seen.value, selected);
  const status = machineStatus(machineOf(w), store.remotes.value, store.now.value);
  return (
    <li class={`ff-ws ${selected === w.id ? 'ff-selected' : ''}`}>
      <button
        type="button"
        data-testid="ff-workspace"
        data-workspace={w.id}
        data-machine={status.machine}
        data-reachable={status.reachable}
        aria-current={selected === w.id}
        data-news={news}
        onClick={() => void store.select(w.id)}
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
        <PreviewLinks agent={agent} workspaceId={w.id} machine={status.machine} previews={w.previews} />
        {/* The selected workspace's app, one click from its chat. */}
        {selected === w.id && (
          <RunButton
            agent={agent}
            w={w}
            connected={agent.connection.value?.status === 'connected'}
            link
            onError={(message) => {
              store.error.value = message;
            }}
          />
        )}
      </div>
    </li>
  );
}
