/** A unified diff as files of numbered lines, and the same lines side by side — pure. */

export interface DiffLine {
  kind: 'add' | 'del' | 'context' | 'hunk' | 'meta';
  /** Without the leading +, - or space. */
  text: string;
  /** Line number in the base version (deleted and context lines). */
  oldNo?: number;
  /** Line number in the worktree (added and context lines). */
  newNo?: number;
}

export interface DiffFile {
  path: string;
  additions: number;
  deletions: number;
  lines: DiffLine[];
}

const HUNK = /^@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@/;

export function parseUnifiedDiff(diff: string): DiffFile[] {
  const files: DiffFile[] = [];
  let current: DiffFile | undefined;
  let oldNo = 0;
  let newNo = 0;
  let inHunk = false;
  for (const line of diff.split('\n')) {
    if (line.startsWith('diff --git ')) {
      const match = / b\/(.+)$/.exec(line);
      current = { path: match?.[1] ?? line.slice(11), additions: 0, deletions: 0, lines: [] };
      files.push(current);
      inHunk = false;
      continue;
    }
    if (!current) continue;
    const hunk = HUNK.exec(line);
    if (hunk) {
      oldNo = Number(hunk[1]);
      newNo = Number(hunk[2]);
      inHunk = true;
      current.lines.push({ kind: 'hunk', text: line });
    } else if (!inHunk) {
      if (line.startsWith('+++ b/')) current.path = line.slice(6);
      else if (!line.startsWith('+++ ') && !line.startsWith('--- ') && line)
        current.lines.push({ kind: 'meta', text: line });
    } else if (line.startsWith('+')) {
      current.additions++;
      current.lines.push({ kind: 'add', text: line.slice(1), newNo: newNo++ });
    } else if (line.startsWith('-')) {
      current.deletions++;
      current.lines.push({ kind: 'del', text: line.slice(1), oldNo: oldNo++ });
    } else if (line.startsWith(' ')) {
      current.lines.push({ kind: 'context', text: line.slice(1), oldNo: oldNo++, newNo: newNo++ });
    } else if (line) current.lines.push({ kind: 'meta', text: line }); // "\ No newline at end of file"
    // (git writes no empty lines inside a diff; the one after its final newline is skipped.)
  }
  return files;
}

/** One row of the split view: base on the left, worktree on the right; hunk and meta rows span both. */
export type SplitRow =
  | { kind: 'hunk' | 'meta'; text: string }
  | { kind: 'pair'; left?: DiffLine; right?: DiffLine };

/**
 * Side by side, as GitHub shows it: context on both sides, a run of
 * deletions next to the run of additions that follows it (line by line,
 * the longer run's rest against blanks).
 */
export function splitRows(lines: readonly DiffLine[]): SplitRow[] {
  const rows: SplitRow[] = [];
  let dels: DiffLine[] = [];
  let adds: DiffLine[] = [];
  const flush = () => {
    for (let i = 0; i < Math.max(dels.length, adds.length); i++)
      rows.push({
        kind: 'pair',
        ...(dels[i] ? { left: dels[i] } : {}),
        ...(adds[i] ? { right: adds[i] } : {}),
      });
    dels = [];
    adds = [];
  };
  for (const line of lines) {
    if (line.kind === 'del') {
      if (adds.length > 0) flush();
      dels.push(line);
    } else if (line.kind === 'add') adds.push(line);
    else {
      flush();
      if (line.kind === 'context') rows.push({ kind: 'pair', left: line, right: line });
      else rows.push({ kind: line.kind, text: line.text });
    }
  }
  flush();
  return rows;
}
