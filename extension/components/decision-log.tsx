import type { RatchetDecision } from '../../shared/ratchet.js';

/**
 * The ratchet's decisions, newest first: when, what, why. Shared by the PR panel (`collapsed`:
 * its newest line is already said above it) and the workspace page.
 */
export function DecisionLog({
  decisions,
  withDate = false,
  collapsed = false,
}: {
  decisions: readonly RatchetDecision[];
  withDate?: boolean;
  collapsed?: boolean;
}) {
  if (decisions.length === 0) return null;
  const list = (
    <ul class="ff-decisions" data-testid="ff-decisions">
      {[...decisions].reverse().map((d) => (
        // The reason says what was done in words; the action's identifier (start-fixer…) stays out of sight.
        <li key={d.at} data-action={d.action}>
          {withDate ? new Date(d.at).toLocaleString() : new Date(d.at).toLocaleTimeString()} · {d.reason}
        </li>
      ))}
    </ul>
  );
  // Titled, so its first line (the decision the current state led to) reads as history, not as the state said twice.
  if (!collapsed)
    return (
      <div class="ff-decision-log">
        <h3 class="ff-muted ff-decisions-title">Decision log</h3>
        {list}
      </div>
    );
  return (
    <details class="ff-decision-log" data-testid="ff-decision-log">
      <summary class="ff-muted">
        Decision log ({decisions.length} decision{decisions.length === 1 ? '' : 's'})
      </summary>
      {list}
    </details>
  );
}
