import { useSignal } from '@preact/signals';
import pullIcon from '@primer/octicons/build/svg/git-pull-request-16.svg?raw';
import { Fragment } from 'preact';
import { useEffect } from 'preact/hooks';
import type { SessionView, WorkspaceView } from '../../shared/domain.js';
import type { RatchetDecision } from '../../shared/ratchet.js';
import { RATCHET_STATES } from '../../shared/ratchet-states.js';
import { SafetyBadge } from '../components/chat/chat-head.js';
import { ConnectionBanner } from '../components/connection-banner.js';
import { DecisionLog } from '../components/decision-log.js';
import { InlineCode } from '../components/inline-code.js';
import { MachineLabel } from '../components/machine-label.js';
import { canOpenPreview, PreviewLinks } from '../components/preview-link.js';
import { type AgentPort, errorCode } from '../lib/agent-port.js';
import { anchors } from '../lib/anchors.js';
import { currentActivity, toChatItems } from '../lib/chat-model.js';
import { type FeatureDefinition, type NumberedPage, onNumberedPage } from '../lib/feature-registry.js';
import { projectRef } from '../lib/github-pages.js';
import { LOCAL, machineOf, machineStatus } from '../lib/machines.js';
import { NO_TIME, nextLookWords, ratchetSummary } from '../lib/ratchet-summary.js';
import { useNow, useRemotes } from '../lib/remotes.js';
import { safeHref } from '../lib/safe-href.js';
import { followSession, type SessionEntry } from '../lib/session-feed.js';
import { SvgIcon } from '../lib/svg-icon.js';
import { shownError, useTopic, useWhenConnected } from '../lib/use-agent.js';

type PullMatch = NumberedPage;

const usd = (n: number) => `$${n.toFixed(2)}`;

/** "checks: 3 passed, 1 failing": the counts that are not zero. */
function checksLine(c: { total: number; passed: number; failed: number; pending: number }): string {
  if (c.total === 0) return 'no checks';
  const parts = [
    c.passed ? `${c.passed} passed` : '',
    c.failed ? `${c.failed} failing` : '',
    c.pending ? `${c.pending} running` : '',
  ];
  return `checks: ${parts.filter(Boolean).join(', ')}`;
}

/** The fixer at work: its state, the tool it runs or its last words, live; and a way into its chat. */
function FixerActivity({
  agent,
  workspaceId,
  sessionId,
  attempts,
}: {
  agent: AgentPort;
  workspaceId: string;
  sessionId: string;
  attempts: number;
}) {
  const events = useSignal<SessionEntry[]>([]);
  const session = useSignal<SessionView | undefined>(undefined);
  useEffect(() => {
    let cancelled = false;
    const refresh = () =>
      void agent.call('session.get', { sessionId }).then(
        (s) => {
          if (!cancelled) session.value = s;
        },
        () => {}, // the line keeps the last status it had; the panel says when the agent is away
      );
    // The newest few events are enough to say what it is doing; then live.
    const stop = followSession(
      agent,
      sessionId,
      { limit: 40 },
      {
        loaded: (loaded) => {
          events.value = loaded;
        },
        events: (batch) => {
          events.value = [...events.value, ...batch].slice(-40);
          if (batch.some((event) => event.kind === 'status')) refresh();
        },
      },
    );
    refresh();
    return () => {
      cancelled = true;
      stop();
    };
  }, [agent, sessionId]);
  const activity = currentActivity(toChatItems(events.value));
  const status = session.value?.status ?? '';
  return (
    <div class="ff-fixer" data-testid="ff-fixer" data-status={status}>
      <div class="ff-row">
        <span class="ff-muted">
          Fixer {status ? `(${status})` : ''} — attempt {attempts}
        </span>
        {/* Sandboxed or not: the same badge as the chat heads, so a fork's fixer shows its walls here too. */}
        {session.value && <SafetyBadge session={session.value} />}
        <button
          type="button"
          class="ff-btn"
          data-testid="ff-open-fixer"
          onClick={() => agent.open('workspace', workspaceId, sessionId)}
        >
          Open fixer chat
        </button>
      </div>
      {activity.tool && (
        <div data-testid="ff-fixer-activity">
          Running <code>{activity.tool}</code>
        </div>
      )}
      {!activity.tool && activity.text && (
        <div class="ff-muted" data-testid="ff-fixer-activity">
          “<InlineCode text={activity.text} />”
        </div>
      )}
    </div>
  );
}

function RatchetPanel({ match, agent }: { match: PullMatch; agent: AgentPort }) {
  const workspace = useSignal<WorkspaceView | undefined>(undefined);
  const decisions = useSignal<RatchetDecision[]>([]);
  const searched = useSignal(false);
  /** The repo is registered (so a PR ff did not open can be adopted). */
  const known = useSignal(false);
  const adopting = useSignal(false);
  const error = useSignal('');
  /** The schedule's next tick, asked when the agent's sentence names no time ("the next tick"). */
  const nextTickAt = useSignal<string | undefined>(undefined);
  const project = projectRef(location.hostname, match.owner, match.repo);
  // A PR whose workspace lives on a remote: its ratchet runs there; the panel says where, and if it is out of reach.
  const machine = workspace.value ? machineOf(workspace.value) : LOCAL;
  const remotes = useRemotes(agent, machine !== LOCAL);
  const now = useNow();

  const load = async () => {
    try {
      const list = await agent.call('workspace.list', { project });
      known.value = true;
      const found = list.find((w) => w.pr?.number === match.number);
      workspace.value = found;
      if (found) decisions.value = await agent.call('ratchet.decisions', { workspaceId: found.id, limit: 5 });
      if (found && ratchetSummary(found.ratchet).nextLook === NO_TIME)
        nextTickAt.value = (await agent.call('ratchet.status')).nextTickAt;
    } catch (e) {
      // A repo ff doesn't know: this PR is not ff's; show nothing.
      if (errorCode(e) !== 'NOT_FOUND') error.value = shownError(e);
    } finally {
      searched.value = true;
    }
  };
  const connected = useWhenConnected(agent, () => void load());
  useTopic(agent, workspace.value ? `workspace:${workspace.value.id}` : undefined, () => void load());
  useTopic(agent, connected ? 'ratchet' : undefined, () => void load());

  const w = workspace.value;
  // Away before anything was shown: the banner alone. Away after: what it showed, read-only, under it.
  if (!connected && !w) {
    return (
      <div class="ff-box" data-testid="ff-ratchet">
        <ConnectionBanner agent={agent} />
      </div>
    );
  }
  if (connected && searched.value && !w && known.value) {
    // A PR of a registered repo that ff did not open (a teammate's, a bot's, a fork's): offer to adopt it.
    const adopt = () => {
      adopting.value = true;
      error.value = '';
      void agent.call('workspace.adopt', { project, pr: match.number }).then(
        () => load(),
        (e) => {
          adopting.value = false;
          error.value = shownError(e);
        },
      );
    };
    return (
      <div class="ff-box" data-testid="ff-ratchet-adopt">
        <div class="ff-row">
          <strong>ff ratchet</strong>
          <span class="ff-muted">Not an ff pull request.</span>
          <button
            type="button"
            class="ff-btn ff-btn-primary"
            disabled={adopting.value}
            onClick={adopt}
            data-testid="ff-adopt-button"
          >
            <SvgIcon svg={pullIcon} />
            {adopting.value ? 'Adopting…' : 'Adopt with ff'}
          </button>
        </div>
        <div class="ff-muted">
          A workspace on its branch, watched by the ratchet. A fork's PR is never pushed to and its sessions
          ask first.
        </div>
        {error.value && <div class="ff-error">{error.value}</div>}
      </div>
    );
  }
  if (!w) return error.value ? <div class="ff-box ff-error">{error.value}</div> : null;
  const r = w.ratchet;
  const fixer = r.fixerSessionId;
  const act = (work: Promise<unknown>) =>
    void work.then(
      () => load(),
      (e) => {
        error.value = shownError(e);
      },
    );
  const said = ratchetSummary(r);
  const next = nextLookWords(said.nextLook, nextTickAt.value);
  return (
    <div class="ff-box" data-testid="ff-ratchet">
      {!connected && <ConnectionBanner agent={agent} kept />}
      <div class="ff-row">
        <strong>ff ratchet</strong>
        {machine !== LOCAL && <MachineLabel status={machineStatus(machine, remotes.value, now)} />}
        <span
          class="ff-chip"
          data-tone={r.state ? RATCHET_STATES[r.state].tone : ''}
          data-testid="ff-ratchet-state"
          data-state={r.state ?? 'UNKNOWN'}
        >
          {r.state ? RATCHET_STATES[r.state].label : 'Not checked yet'}
        </span>
        {r.paused && (
          <span class="ff-chip" data-tone="bad">
            Paused
          </span>
        )}
        {r.checks && (
          <span class="ff-muted" data-testid="ff-ratchet-counts">
            {checksLine(r.checks)}
          </span>
        )}
      </div>
      {said.checks && (
        <div data-testid="ff-ratchet-checks">
          {said.checks.label}:{' '}
          {said.checks.list.map((check, i) => (
            <Fragment key={check.name}>
              {i > 0 && ', '}
              {check.url ? (
                <a
                  href={safeHref(check.url)}
                  target="_blank"
                  rel="noopener noreferrer"
                  data-testid="ff-check-link"
                >
                  {check.name}
                </a>
              ) : (
                check.name
              )}
            </Fragment>
          ))}
        </div>
      )}
      {(w.previews ?? []).some((p) => canOpenPreview(machine, p)) && (
        <div class="ff-row ff-app" data-testid="ff-ratchet-app">
          <span class="ff-muted">App running:</span>
          <PreviewLinks agent={agent} workspaceId={w.id} machine={machine} previews={w.previews} />
        </div>
      )}
      {said.reason && <div data-testid="ff-ratchet-reason">{said.reason}</div>}
      {said.waiting && <div data-testid="ff-ratchet-waiting">{said.waiting}</div>}
      {next && (
        <div class="ff-muted" data-testid="ff-ratchet-next">
          {next}
        </div>
      )}
      <div class="ff-muted" data-testid="ff-ratchet-loops">
        {[
          r.spentUsd !== undefined && (
            <span data-testid="ff-ratchet-budget">
              spent {usd(r.spentUsd)}
              {r.budgetUsd !== undefined ? ` of ${usd(r.budgetUsd)}` : ''}
            </span>
          ),
          <span data-testid="ff-ratchet-reruns">
            {r.reruns} re-run{r.reruns === 1 ? '' : 's'}
          </span>,
          <span data-testid="ff-ratchet-threads">
            {r.threadsHandled} review thread{r.threadsHandled === 1 ? '' : 's'} answered
          </span>,
        ]
          .filter(Boolean)
          .map((part, i) => (
            <Fragment key={i}>
              {i > 0 && ' · '}
              {part}
            </Fragment>
          ))}
      </div>
      {said.decision && (
        <div class="ff-muted" data-testid="ff-ratchet-decision">
          {said.decision}
        </div>
      )}
      {fixer && <FixerActivity agent={agent} workspaceId={w.id} sessionId={fixer} attempts={r.attempts} />}
      <DecisionLog decisions={decisions.value} collapsed />
      <div class="ff-row">
        <button
          type="button"
          class="ff-btn"
          disabled={!connected}
          onClick={() => act(agent.call('ratchet.pause', { workspaceId: w.id, paused: !r.paused }))}
        >
          {r.paused ? 'Resume ratchet' : 'Pause ratchet'}
        </button>
        <button
          type="button"
          class="ff-btn"
          disabled={!connected}
          onClick={() => act(agent.call('ratchet.tick'))}
        >
          Check now
        </button>
      </div>
      {error.value && <div class="ff-error">{error.value}</div>}
    </div>
  );
}

export default {
  ...onNumberedPage('pull'),
  anchors: anchors.pullPanel,
  placement: 'before',
  render: (match, agent) => <RatchetPanel match={match} agent={agent} />,
} satisfies FeatureDefinition<PullMatch>;
