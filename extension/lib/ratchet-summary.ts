/**
 * What the PR panel says about a PR, each thing once — pure. The agent's sentences build on each
 * other: the waiting sentence and the last decision repeat the reason ("CI failing: test — …"),
 * and when nothing is done the waiting sentence is the decision. Shown as they come, a fork's PR
 * read the same sentence three times.
 */
export interface RatchetSummary {
  /** What is wrong (or right) with the PR. */
  reason?: string;
  /** What the ratchet waits for and when it looks next, without the reason again. */
  waiting?: string;
  /** What the ratchet last did, when the waiting sentence does not already say it. */
  decision?: string;
}

const bare = (text: string) => text.trim().replace(/[.;]+$/, '');

/** `text` without a leading `<reason> — ` (or `<reason>; `), its first letter capitalized. */
function afterReason(text: string, reason: string | undefined): string {
  const prefix = reason
    ? [`${bare(reason)} — `, `${bare(reason)}; `].find((p) => text.startsWith(p))
    : undefined;
  if (!prefix) return text.trim();
  const rest = text.slice(prefix.length).trim();
  return rest.charAt(0).toUpperCase() + rest.slice(1);
}

export function ratchetSummary(r: {
  reason?: string | undefined;
  waiting?: string | undefined;
  lastDecision?: { reason: string } | undefined;
}): RatchetSummary {
  const reason = r.reason?.trim() || undefined;
  const said = reason ? [bare(reason)] : [];
  const fresh = (text: string | undefined) => {
    if (!text) return undefined;
    const rest = afterReason(text, reason);
    return rest && !said.some((s) => s.includes(bare(rest))) ? rest : undefined;
  };
  const waiting = fresh(r.waiting);
  if (waiting) said.push(waiting);
  const decision = fresh(r.lastDecision?.reason);
  return {
    ...(reason ? { reason } : {}),
    ...(waiting ? { waiting } : {}),
    ...(decision ? { decision } : {}),
  };
}
