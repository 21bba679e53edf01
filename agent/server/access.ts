import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Who may open the agent's socket, decided before the WebSocket upgrade.
 * Pure functions of header values, table-tested.
 */

/**
 * DNS rebinding defence: a page on evil.example that resolves its own name to
 * 127.0.0.1 still sends `Host: evil.example`. Only our literal loopback
 * names with our port pass.
 */
export function isAllowedHost(host: string | undefined, port: number): boolean {
  if (!host) return false;
  const value = host.toLowerCase();
  return value === `127.0.0.1:${port}` || value === `localhost:${port}`;
}

export type OriginVerdict = { ok: true; kind: 'cli' | 'extension' } | { ok: false; reason: string };

const EXTENSION_ORIGIN = /^(chrome-extension|moz-extension):\/\/([A-Za-z0-9._@{}+-]+)\/?$/;

/**
 * Cross-site WebSocket hijacking defence: browsers always send Origin on
 * WebSocket upgrades, so a web page (https://…, or "null" from a sandboxed
 * frame or file://) is refused. No Origin means a non-browser client (the
 * CLI). Extension origins pass, optionally only for the allowed ids.
 */
export function checkOrigin(
  origin: string | undefined,
  allowedExtensionIds: readonly string[],
): OriginVerdict {
  if (origin === undefined) return { ok: true, kind: 'cli' };
  const match = EXTENSION_ORIGIN.exec(origin);
  if (!match) return { ok: false, reason: 'web pages may not connect to ff-agent' };
  const id = match[2]!;
  if (allowedExtensionIds.length > 0 && !allowedExtensionIds.includes(id)) {
    return { ok: false, reason: 'this extension id is not in allowedExtensionIds' };
  }
  return { ok: true, kind: 'extension' };
}

/** Constant-time in the token's content and length: both sides are hashed to 32 bytes first. */
export function tokensMatch(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b) && expected.length > 0;
}
