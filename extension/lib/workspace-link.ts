/**
 * The workspace page's address — pure, one place: `workspace.html#<id>`,
 * with `?session=<id>` to open it on one session (a notification's click,
 * the ratchet panel's "Open fixer chat").
 */
export function workspacePagePath(workspaceId: string, sessionId?: string): `/workspace.html${string}` {
  const query = sessionId ? `?session=${encodeURIComponent(sessionId)}` : '';
  return `/workspace.html${query}#${encodeURIComponent(workspaceId)}`;
}

/** Whether a path is the workspace page's (a notification's id carries one). */
export function isWorkspacePagePath(path: string): path is `/workspace.html${string}` {
  return path.startsWith('/workspace.html');
}

/** What the workspace page's address asks for. */
export function readWorkspacePagePath(location: { hash: string; search: string }): {
  workspaceId: string;
  sessionId?: string;
} {
  const sessionId = new URLSearchParams(location.search).get('session') ?? undefined;
  return { workspaceId: decodeURIComponent(location.hash.slice(1)), ...(sessionId ? { sessionId } : {}) };
}
