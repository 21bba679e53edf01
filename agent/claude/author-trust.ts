import type { PermissionMode } from '../../shared/domain.js';

/** GitHub author associations of people inside the repo: their words may steer a session that runs tools freely. */
const INSIDE = new Set(['OWNER', 'MEMBER', 'COLLABORATOR']);

export interface AuthoredText {
  author?: string;
  authorAssociation?: string;
  comments?: Array<{ author: string; authorAssociation?: string }>;
}

/**
 * Logins outside the repo (association CONTRIBUTOR, FIRST_TIMER, NONE, …)
 * whose text an issue or a PR's review comments carry, each once. Text whose
 * association GitHub did not give counts as outside too: ff trusts only what
 * it can verify.
 */
export function outsideAuthors(issue: AuthoredText): string[] {
  const found = new Set<string>();
  const check = (author: string | undefined, association: string | undefined) => {
    if (!association || !INSIDE.has(association.toUpperCase())) found.add(author ?? 'ghost');
  };
  if (issue.author !== undefined || issue.authorAssociation !== undefined)
    check(issue.author, issue.authorAssociation);
  for (const comment of issue.comments ?? []) check(comment.author, comment.authorAssociation);
  return [...found];
}

/**
 * `ask` mode, and why, for a prompt that carries text ff cannot vouch for —
 * by people outside the repo, or whose author it could not verify (each
 * `unverified` entry says what, in a few words) — unless the user trusts
 * outside authors. The reason names how to change it.
 */
export function permissionForOutsideText(
  outside: readonly string[],
  trustOutsideAuthors: boolean,
  unverified: readonly string[] = [],
): { permissionMode: PermissionMode; permissionReason: string; untrusted: true } | undefined {
  if ((outside.length === 0 && unverified.length === 0) || trustOutsideAuthors) return undefined;
  const who = outside
    .slice(0, 3)
    .map((login) => `@${login}`)
    .join(', ');
  const more = outside.length > 3 ? ` and ${outside.length - 3} more` : '';
  const what = [...(outside.length > 0 ? [`text by ${who}${more}, outside the repo`] : []), ...unverified];
  return {
    permissionMode: 'ask',
    permissionReason: `Asks before each tool: its prompt has ${what.join(', and ')}. Options → "Trust text by people outside the repo" turns this off.`,
    untrusted: true,
  };
}
