import type { SessionView } from '../../../shared/domain.js';
import { sessionSafety } from '../../../shared/sandbox.js';
import { formatUsd } from '../../lib/fleet-model.js';
import { Octicon } from '../../lib/octicons.js';

/** A chat's head line: the session's state, its cost and turns, and how it asks (or does not) before tools. */
export function ChatHead({ session: s }: { session: SessionView | undefined }) {
  return (
    <div class="ff-chat-head">
      <span class="ff-chip" data-state={s?.status ?? ''}>
        {s?.status === 'waiting-permission' ? 'needs you' : (s?.status ?? '…')}
      </span>
      {s && (
        <span class="ff-muted ff-chat-figures" data-testid="ff-session-figures">
          <span title="Cost of this session">{formatUsd(s.costUsd)}</span>
          <span>
            <span class="Counter">{s.turns}</span> {s.turns === 1 ? 'turn' : 'turns'}
          </span>
        </span>
      )}
      {s?.permissionReason && (
        <span class="ff-muted" data-testid="ff-permission-reason" title={s.permissionReason}>
          {s.sandbox?.state === 'unavailable'
            ? 'asks before each tool: no OS sandbox here'
            : 'asks before each tool: text by someone outside the repo'}
        </span>
      )}
      {s?.status === 'failed' && s.statusDetail && (
        <p class="ff-banner ff-chat-failure" role="alert" data-testid="ff-session-failure">
          {s.statusDetail}
        </p>
      )}
      {s && <SafetyBadge session={s} />}
    </div>
  );
}

/** Sandboxed (a shield) or not (a warning), whether it asks, and what its walls blocked (chat heads, the PR panel's fixer). */
export function SafetyBadge({ session }: { session: SessionView }) {
  const safety = sessionSafety(session);
  return (
    <span
      class={safety.tone === 'warn' ? 'ff-warning' : 'ff-muted'}
      title={safety.title}
      data-testid="ff-session-safety"
      data-tone={safety.tone}
    >
      <Octicon name={safety.icon} /> {safety.label}
      {session.blocked ? ` · ${session.blocked} blocked` : ''}
    </span>
  );
}
