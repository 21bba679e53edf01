import { useSignal } from '@preact/signals';
import branchIcon from '@primer/octicons/build/svg/git-branch-16.svg?raw';
import type { WorkspaceView } from '../../shared/domain.js';
import type { QuickAction } from '../../shared/protocol.js';
import { ConnectionBanner } from '../components/connection-banner.js';
import { MachineLabel } from '../components/machine-label.js';
import { PreviewLinks } from '../components/preview-link.js';
import { RunButton } from '../components/run-button.js';
import { type AgentPort, errorCode } from '../lib/agent-port.js';
import { anchors, firstMatch } from '../lib/anchors.js';
import { type FeatureDefinition, type NumberedPage, onNumberedPage } from '../lib/feature-registry.js';
import { projectRef } from '../lib/github-pages.js';
import { compareMachines, LOCAL, machineOf, machineStatus, startLabel } from '../lib/machines.js';
import { useNow, useRemotes } from '../lib/remotes.js';
import { safeHref } from '../lib/safe-href.js';
import { SvgIcon } from '../lib/svg-icon.js';
import { shownError, useTopic, useWhenConnected } from '../lib/use-agent.js';
import { workspaceChip } from '../lib/workspace-chip.js';
import { applyBoard } from '../lib/workspace-list.js';

/** Issue pages: Start workspace, then the workspace's live status. */
type IssueMatch = NumberedPage;

function StartWorkspace({ match, agent }: { match: IssueMatch; agent: AgentPort }) {
  const project = projectRef(location.hostname, match.owner, match.repo);
  const workspace = useSignal<WorkspaceView | undefined>(undefined);
  const loading = useSignal(true);
  const busy = useSignal(false);
  const error = useSignal('');
  const unknownProject = useSignal(false);
  const actions = useSignal<QuickAction[]>([]);
  /** Where this repo's workspaces are made: this computer, or the remote its project is registered on. */
  const machine = useSignal(LOCAL);
  const remote =
    machine.value !== LOCAL || (workspace.value !== undefined && machineOf(workspace.value) !== LOCAL);
  const remotes = useRemotes(agent, remote);
  const now = useNow();

  const refresh = async (id?: string) => {
    try {
      if (id) workspace.value = await agent.call('workspace.get', { workspaceId: id });
      else {
        const list = await agent.call('workspace.list', { project });
        workspace.value = list.find((w) => w.issue?.number === match.number);
        unknownProject.value = false;
      }
    } catch (e) {
      if (errorCode(e) === 'NOT_FOUND' && !id) unknownProject.value = true;
      else error.value = shownError(e);
    } finally {
      loading.value = false;
    }
  };
  const connected = useWhenConnected(agent, () => {
    void refresh();
    void agent.call('quickAction.list').then(
      (r) => {
        actions.value = r.actions;
      },
      () => {}, // without them the quick-action menu is empty; Start works as before
    );
    void agent.call('project.list').then(
      (projects) => {
        const [owner, repo] = [match.owner.toLowerCase(), match.repo.toLowerCase()];
        const mine = projects
          .filter(
            (p) =>
              p.host === location.hostname &&
              p.owner.toLowerCase() === owner &&
              p.repo.toLowerCase() === repo,
          )
          .map((p) => machineOf(p))
          .sort(compareMachines);
        machine.value = mine[0] ?? LOCAL;
      },
      () => {}, // without the list, workspaces are made on this computer, the default
    );
  });
  // Pushed events carry what changed: apply them; asking `workspace.get` again would cost the agent
  // a handful of git processes per push, for every open issue page.
  useTopic(agent, workspace.value ? `workspace:${workspace.value.id}` : undefined, (event) => {
    const w = workspace.value;
    if (event.kind !== 'workspace' || !w) return;
    const { data } = event;
    if (data.kind === 'progress') workspace.value = { ...w, step: data.step };
    if (data.kind === 'updated') workspace.value = { ...w, ...data.workspace };
    if (data.kind === 'ratchet') workspace.value = { ...w, ratchet: data.ratchet };
    if (data.kind === 'previews') workspace.value = { ...w, previews: data.previews };
  });
  useTopic(agent, connected && workspace.value ? 'board' : undefined, (event) => {
    const w = workspace.value;
    if (event.kind === 'board' && w) workspace.value = applyBoard([w], event.data.board).list[0];
  });

  const start = async () => {
    busy.value = true;
    error.value = '';
    try {
      let result: { workspace: WorkspaceView };
      try {
        // The agent reads the issue (title, body, labels, comments) from GitHub itself.
        result = await agent.call('workspace.create', { project, issue: { number: match.number } });
      } catch (e) {
        if (errorCode(e) !== 'INVALID_PARAMS') throw e;
        // No GitHub token on the agent: hand over what this page shows.
        const title =
          firstMatch(document, anchors.issueTitle)?.textContent?.trim() || `Issue #${match.number}`;
        const body = firstMatch(document, anchors.issueBody)?.textContent?.trim().slice(0, 100_000) ?? '';
        result = await agent.call('workspace.create', {
          project,
          issue: { number: match.number, title, body },
        });
      }
      workspace.value = result.workspace;
    } catch (e) {
      if (errorCode(e) === 'NOT_FOUND') unknownProject.value = true;
      else error.value = shownError(e);
    } finally {
      busy.value = false;
    }
  };

  // Away with nothing shown yet: the banner alone. Away after: the workspace as last seen, under it.
  if (!connected && !workspace.value) {
    return (
      <div class="ff-box" data-testid="ff-start">
        <ConnectionBanner agent={agent} />
      </div>
    );
  }
  if (loading.value) return <div class="ff-box ff-muted">ff…</div>;
  if (unknownProject.value) {
    return (
      <div class="ff-box" data-testid="ff-start">
        <div>ff doesn't know a local clone of {project} yet.</div>
        <div class="ff-muted">
          Run <code>ff-agent project add &lt;path to your clone&gt;</code> (for a clone on a remote,{' '}
          <code>ff-agent project add --host &lt;remote&gt; &lt;path there&gt;</code>), or{' '}
          <button type="button" class="ff-link" onClick={() => agent.open('options')}>
            add it in ff Options
          </button>
          .
        </div>
        <button type="button" class="ff-btn" onClick={() => void refresh()}>
          Check again
        </button>
      </div>
    );
  }
  const w = workspace.value;
  if (!w) {
    return (
      <div class="ff-box ff-row" data-testid="ff-start">
        <button
          type="button"
          class="ff-btn ff-btn-primary"
          disabled={busy.value}
          onClick={() => void start()}
          data-testid="ff-start-button"
        >
          <SvgIcon svg={branchIcon} />
          {busy.value ? 'Starting…' : startLabel(machine.value)}
        </button>
        {error.value && <span class="ff-error">{error.value}</span>}
      </div>
    );
  }
  const chip = workspaceChip(w);
  const where = machineStatus(machineOf(w), remotes.value, now);
  return (
    <div class="ff-box" data-testid="ff-start">
      {!connected && <ConnectionBanner agent={agent} kept />}
      <div class="ff-row">
        <span class="ff-chip" data-tone={chip.tone} data-testid="ff-chip">
          {chip.label}
        </span>
        {where.state !== 'local' && <MachineLabel status={where} compact />}
        <code class="ff-row-inline">
          <SvgIcon svg={branchIcon} /> {w.branch}
        </code>
        {w.pr && (
          <a href={safeHref(w.pr.url)} data-testid="ff-pr-link">
            PR #{w.pr.number}
          </a>
        )}
        {w.status === 'ready' && (
          <button
            type="button"
            class="ff-btn"
            data-testid="ff-open-chat"
            onClick={() => agent.open('popup', w.id)}
          >
            Open chat
          </button>
        )}
        <RunButton
          agent={agent}
          w={w}
          connected={connected}
          onError={(message) => {
            error.value = message;
          }}
        />
        <PreviewLinks agent={agent} workspaceId={w.id} machine={machineOf(w)} previews={w.previews} />
        {w.sessions.total > 0 && (
          <span class="ff-muted">
            {w.sessions.total} session{w.sessions.total === 1 ? '' : 's'} · ${w.sessions.costUsd.toFixed(2)}
          </span>
        )}
      </div>
      {w.status === 'failed' && w.failure && (
        <div class="ff-error">
          Failed while {w.failure.step}: {w.failure.message}{' '}
          <button
            type="button"
            class="ff-btn"
            disabled={!connected}
            onClick={() =>
              void agent.call('workspace.retry', { workspaceId: w.id }).then(
                () => refresh(w.id),
                (e) => {
                  error.value = shownError(e);
                },
              )
            }
          >
            Retry
          </button>
        </div>
      )}
      {w.status === 'ready' && actions.value.length > 0 && (
        <div class="ff-row">
          <span class="ff-muted">Quick actions:</span>
          {actions.value.map((a) => (
            <button
              type="button"
              class="ff-btn"
              key={a.name}
              title={a.description}
              disabled={!connected}
              onClick={() =>
                void agent.call('quickAction.run', { workspaceId: w.id, action: a.name }).then(
                  () => refresh(w.id),
                  (e) => {
                    error.value = shownError(e);
                  },
                )
              }
            >
              {a.name}
            </button>
          ))}
        </div>
      )}
      {error.value && <div class="ff-error">{error.value}</div>}
    </div>
  );
}

export default {
  ...onNumberedPage('issue'),
  anchors: anchors.issueActions,
  placement: 'after',
  render: (match, agent) => <StartWorkspace match={match} agent={agent} />,
} satisfies FeatureDefinition<IssueMatch>;
