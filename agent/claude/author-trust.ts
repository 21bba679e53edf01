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
 * whose text an issue carries, each once. Text whose association is not
 * known (given by a client, not read from GitHub) is not counted.
 */
export function outsideAuthors(issue: AuthoredText): string[] {
  const found = new Set<string>();
  const check = (author: string | undefined, association: string | undefined) => {
    if (association !== undefined && !INSIDE.has(association.toUpperCase())) found.add(author ?? 'ghost');
  };
  check(issue.author, issue.authorAssociation);
  for (const comment of issue.comments ?? []) check(comment.author, comment.authorAssociation);
  return [...found];
}

/** `ask` mode, and why, for a prompt that carries outside text — unless the user trusts outside authors. */
export function permissionForOutsideText(
  outside: readonly string[],
  trustOutsideAuthors: boolean,
): { permissionMode: PermissionMode; permissionReason: string; untrusted: true } | undefined {
  if (outside.length === 0 || trustOutsideAuthors) return undefined;
  const who = outside
    .slice(0, 3)
    .map((login) => `@${login}`)
    .join(', ');
  const more = outside.length > 3 ? ` and ${outside.length - 3} more` : '';
  return {
    permissionMode: 'ask',
    permissionReason: `Asks before each tool: its prompt has text by ${who}${more}, outside the repo. Options → "Trust text by people outside the repo" turns this off.`,
    untrusted: true,
  };
}
