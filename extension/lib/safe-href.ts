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

/**
 * A URL the agent answered for a preview: http on this computer's loopback
 * (127.0.0.1, [::1] or localhost) with a port, else undefined — the
 * background opens nothing else for a page that asked it to. Pure.
 */
export function loopbackPreviewHref(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const parsed = new URL(url);
    const loopback = ['127.0.0.1', '[::1]', 'localhost'].includes(parsed.hostname);
    return parsed.protocol === 'http:' &&
      loopback &&
      parsed.port !== '' &&
      !parsed.username &&
      !parsed.password
      ? parsed.href
      : undefined;
  } catch {
    return undefined;
  }
}
