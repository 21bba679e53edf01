/**
 * A unified diff as files of numbered lines, and the same lines side by
 * side — pure. git's header lines (`index 1a2b..3c4d 100644`, `new file
 * mode`, `rename from`, `--- a/…`) are read into what a person looks for (a
 * new, deleted or renamed file; a mode change; a binary file), not shown;
 * a hunk header (`@@ -10,4 +10,5 @@ function f() {`) becomes a separator
 * that keeps only the section it is in (`function f() {`).
 */

export interface DiffLine {
  kind: 'add' | 'del' | 'context' | 'hunk' | 'note';
  /** Without the leading +, - or space; a hunk's section heading (may be empty); a note's words. */
  text: string;
  /** Line number in the base version (deleted and context lines; a hunk's first). */
  oldNo?: number;
  /** Line number in the worktree (added and context lines; a hunk's first). */
  newNo?: number;
}

export type DiffFileStatus = 'modified' | 'added' | 'deleted' | 'renamed' | 'copied';

export interface DiffFile {
  path: string;
  status: DiffFileStatus;
  /** The path it had before a rename or copy. */
  from?: string;
  /** Its mode changed (`old mode 100644` → `new mode 100755`): the new mode. */
  mode?: string;
  /** git shows no lines for it (`Binary files … differ`). */
  binary: boolean;
  additions: number;
  deletions: number;
  lines: DiffLine[];
}

const HUNK = /^@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@ ?(.*)$/;

/** One header line of a file (before its first hunk) read into the file. */
function readHeader(file: DiffFile, line: string): void {
  if (line.startsWith('+++ b/')) file.path = line.slice(6);
  else if (line.startsWith('new file mode')) file.status = 'added';
  else if (line.startsWith('deleted file mode')) file.status = 'deleted';
  else if (line.startsWith('rename from ')) {
    file.status = 'renamed';
    file.from = line.slice(12);
  } else if (line.startsWith('copy from ')) {
    file.status = 'copied';
    file.from = line.slice(10);
  } else if (line.startsWith('new mode ')) file.mode = line.slice(9);
  else if (line.startsWith('Binary files ') || line === 'GIT binary patch') file.binary = true;
  // index, old mode, similarity, rename/copy to, --- a/…: said by the fields above, or nothing to show.
}

export function parseUnifiedDiff(diff: string): DiffFile[] {
  const files: DiffFile[] = [];
  let current: DiffFile | undefined;
  let oldNo = 0;
  let newNo = 0;
  let inHunk = false;
  for (const line of diff.split('\n')) {
    if (line.startsWith('diff --git ')) {
      const match = / b\/(.+)$/.exec(line);
      current = {
        path: match?.[1] ?? line.slice(11),
        status: 'modified',
        binary: false,
        additions: 0,
        deletions: 0,
        lines: [],
      };
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
      current.lines.push({ kind: 'hunk', text: hunk[3]!.trim(), oldNo, newNo });
    } else if (!inHunk) readHeader(current, line);
    else if (line.startsWith('+')) {
      current.additions++;
      current.lines.push({ kind: 'add', text: line.slice(1), newNo: newNo++ });
    } else if (line.startsWith('-')) {
      current.deletions++;
      current.lines.push({ kind: 'del', text: line.slice(1), oldNo: oldNo++ });
    } else if (line.startsWith(' ')) {
      current.lines.push({ kind: 'context', text: line.slice(1), oldNo: oldNo++, newNo: newNo++ });
    } else if (line.startsWith('\\')) current.lines.push({ kind: 'note', text: line.slice(1).trim() });
    // (git writes no empty lines inside a diff; the one after its final newline is skipped.)
  }
  return files;
}

/**
 * The lines a file shows: a first hunk that starts at line 1 and names no
 * section says nothing (there is no gap above it) and is left out; the
 * other hunks show as separators between the parts of the file.
 */
export function shownLines(lines: readonly DiffLine[]): DiffLine[] {
  const [first] = lines;
  const silent = first?.kind === 'hunk' && !first.text && (first.oldNo ?? 0) <= 1 && (first.newNo ?? 0) <= 1;
  return silent ? lines.slice(1) : [...lines];
}

/**
 * What a separator row says: a hunk's section when git names one (the
 * function it is in), else where the part below it starts — a bare "⋯" said
 * nothing. Notes say themselves. Pure.
 */
export function bandText(line: Pick<DiffLine, 'kind' | 'text' | 'newNo'>): string {
  if (line.kind !== 'hunk' || line.text) return line.text;
  return line.newNo ? `⋯ line ${line.newNo}` : '⋯';
}

/** What the file's header says, in a few words ("new file", "renamed from a.ts", "mode 100755"); empty when only its lines changed. */
export function fileChange(file: DiffFile): string {
  const parts = [
    file.status === 'added' ? 'new file' : '',
    file.status === 'deleted' ? 'deleted' : '',
    file.status === 'renamed' ? `renamed from ${file.from}` : '',
    file.status === 'copied' ? `copied from ${file.from}` : '',
    file.mode ? `mode ${file.mode}` : '',
    file.binary ? 'binary' : '',
  ];
  return parts.filter(Boolean).join(' · ');
}

/** One row of the split view: base on the left, worktree on the right; hunk and note rows span both. */
export type SplitRow =
  | { kind: 'hunk' | 'note'; text: string }
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
      else rows.push({ kind: line.kind, text: bandText(line) });
    }
  }
  flush();
  return rows;
}
