/** "1023 B", "1.5 KB", "312 MB": sizes as people read them (agent output, popup, workspace page). */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}

/** "12 MB" for a workspace's disk use (worktree + objects only it holds), and the detail for a tooltip. */
export function diskUseText(disk: { worktreeBytes: number; onlyHereBytes: number; complete: boolean }): {
  text: string;
  title: string;
} {
  const total = formatBytes(disk.worktreeBytes + disk.onlyHereBytes);
  return {
    text: `${disk.complete ? '' : '≥ '}${total}`,
    title: `Disk: ${formatBytes(disk.worktreeBytes)} worktree, ${formatBytes(disk.onlyHereBytes)} in git objects only it holds`,
  };
}
