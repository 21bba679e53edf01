/**
 * An href for a URL that came from GitHub or the agent: http(s) only — any
 * other scheme (`javascript:`, `data:`) gives no link at all. The agent
 * refuses such URLs on input; this holds even if one slipped into its state.
 */
export function safeHref(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const { protocol } = new URL(url);
    return protocol === 'https:' || protocol === 'http:' ? url : undefined;
  } catch {
    return undefined;
  }
}
