// Who may open the agent's socket, decided before the WebSocket upgrade.
// Pure functions of header values, table-tested.
import { createHash, timingSafeEqual } from 'node:crypto';
import { CHROME_EXTENSION_ID, FIREFOX_EXTENSION_ID } from '../../shared/extension-identity.js';

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
const FIREFOX_INTERNAL_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Always allowed: ff's own builds. Anything else only when the user adds it. */
export const DEFAULT_EXTENSION_IDS: readonly string[] = [CHROME_EXTENSION_ID, FIREFOX_EXTENSION_ID];

/**
 * Cross-site WebSocket hijacking defence: browsers always send Origin on
 * WebSocket upgrades, so a web page (https://…, or "null" from a sandboxed
 * frame or file://) is refused. No Origin means a non-browser client (the
 * CLI). A Chromium extension passes only when its id is ff's own or one the
 * user added. Firefox puts a random per-install UUID in the origin, not the
 * add-on id, so a moz-extension origin passes unless the user pinned Firefox
 * UUIDs (then only those): the token, which the native host hands only to
 * ff's add-on id, is what keeps other add-ons out there.
 */
export function checkOrigin(origin: string | undefined, addedExtensionIds: readonly string[]): OriginVerdict {
  if (origin === undefined) return { ok: true, kind: 'cli' };
  const match = EXTENSION_ORIGIN.exec(origin);
  if (!match) return { ok: false, reason: 'web pages may not connect to ff-agent' };
  const id = match[2]!;
  if (match[1] === 'moz-extension') {
    const pinned = addedExtensionIds.filter((added) => FIREFOX_INTERNAL_UUID.test(added));
    if (pinned.length > 0 && !pinned.some((uuid) => uuid.toLowerCase() === id.toLowerCase()))
      return { ok: false, reason: 'this Firefox extension UUID is not in allowedExtensionIds' };
    return { ok: true, kind: 'extension' };
  }
  if (!DEFAULT_EXTENSION_IDS.includes(id) && !addedExtensionIds.includes(id)) {
    return {
      ok: false,
      reason:
        "not ff's extension id; add it with FF_EXTENSION_IDS, allowedExtensionIds or `ff-agent install --extension-id`",
    };
  }
  return { ok: true, kind: 'extension' };
}

/** Constant-time in the token's content and length: both sides are hashed to 32 bytes first. */
export function tokensMatch(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b) && expected.length > 0;
}
