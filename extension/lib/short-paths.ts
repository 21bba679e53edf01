/**
 * Paths as a chat row shows them — pure. Claude names files by absolute
 * path (`/home/you/.ff/worktrees/octo/app/ff/12-fix/src/a.ts`), so a row cut
 * at its end showed the folders and lost the file. Inside the workspace's
 * worktree a path is shown relative to it (`src/a.ts`); a path elsewhere
 * that is too long keeps its end (`…/other/notes.txt`).
 */

const literal = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** `text` with the worktree's absolute path made relative: `<root>/x` → `x`, `<root>` alone → `.`. */
export function relativeToWorktree(text: string, worktree: string | undefined): string {
  const root = worktree?.replace(/\/+$/, '');
  if (!root) return text;
  // The root only where a path ends or goes on into it: `/tmp/app2` is not inside `/tmp/app`.
  const inside = new RegExp(`${literal(root)}(?:/|(?=$|[\\s'"\`;:)]))`, 'g');
  return text.replace(inside, (match) => (match.endsWith('/') ? '' : '.'));
}

/** A lone path longer than `max` characters, cut at a folder so its end stays: `…/deep/dir/file.ts`. */
export function keepPathEnd(text: string, max: number): string {
  if (text.length <= max || /\s/.test(text) || !text.includes('/')) return text;
  const tail = text.slice(text.length - max + 1);
  const cut = tail.indexOf('/');
  return `…${cut === -1 ? tail : tail.slice(cut)}`;
}

/** What a tool row shows of its summary: relative to the worktree, and a long lone path keeps its file name. */
export function toolRowText(summary: string, worktree: string | undefined, max = 56): string {
  return keepPathEnd(relativeToWorktree(summary, worktree), max);
}
