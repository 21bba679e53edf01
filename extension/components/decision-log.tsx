import type { RatchetDecision } from '../../shared/ratchet.js';

/** The ratchet's decisions, newest first: when, what, why. Shared by the PR panel and the workspace page. */
export function DecisionLog({
  decisions,
  withDate = false,
}: {
  decisions: readonly RatchetDecision[];
  withDate?: boolean;
}) {
  if (decisions.length === 0) return null;
  return (
    <ul class="ff-decisions" data-testid="ff-decisions">
      {[...decisions].reverse().map((d) => (
        <li key={d.at}>
          {withDate ? new Date(d.at).toLocaleString() : new Date(d.at).toLocaleTimeString()} · {d.action} ·{' '}
          {d.reason}
        </li>
      ))}
    </ul>
  );
}
