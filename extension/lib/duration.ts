// Durations as people read them: the fleet, tool rows, "unreachable since 4m ago".
/** `45s`, `3m 12s`, `2h 5m`, `1d 3h`; with `precise`, under a second in ms and under 10 s with a decimal. */
export function formatDuration(ms: number, precise = false): string {
  if (precise && ms < 1000) return `${Math.round(ms)}ms`;
  if (precise && ms < 10_000) return `${(ms / 1000).toFixed(1)}s`;
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${s % 60}s`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h}h ${m % 60}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}
