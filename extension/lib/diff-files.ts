/** Files of a unified diff with their +/- counts — pure. */
export interface DiffFile {
  path: string;
  additions: number;
  deletions: number;
  lines: string[];
}

export function parseUnifiedDiff(diff: string): DiffFile[] {
  const files: DiffFile[] = [];
  let current: DiffFile | undefined;
  for (const line of diff.split('\n')) {
    if (line.startsWith('diff --git ')) {
      const match = / b\/(.+)$/.exec(line);
      current = { path: match?.[1] ?? line.slice(11), additions: 0, deletions: 0, lines: [] };
      files.push(current);
      continue;
    }
    if (!current) continue;
    if (line.startsWith('+++ ') || line.startsWith('--- ')) {
      if (line.startsWith('+++ b/')) current.path = line.slice(6);
      continue;
    }
    if (line.startsWith('+')) current.additions++;
    else if (line.startsWith('-')) current.deletions++;
    current.lines.push(line);
  }
  return files;
}
