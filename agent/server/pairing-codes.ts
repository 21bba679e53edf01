import { randomInt } from 'node:crypto';
import { normalizePairingCode } from '../../shared/protocol.js';

/** Letters and digits that cannot be misread (no 0/O, 1/I). */
const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
export const PAIRING_CODE_TTL_MS = 5 * 60_000;
/** How long a spent or expired code is remembered, so a second try can say why it fails. */
const REMEMBER_MS = 60 * 60_000;

/** What redeeming a code found: only `ok` lets the client in. */
export type RedeemResult = 'ok' | 'unknown' | 'expired' | 'used';

/**
 * Manual pairing codes (`ff-agent pair`): short-lived and single-use. A code
 * stands in for the token in one hello; the agent then hands that client the
 * real token. Kept in memory only — a restart voids every code.
 */
export class PairingCodes {
  readonly #codes = new Map<string, { expiresAt: number; used: boolean }>();

  create(now = Date.now()): { code: string; expiresAt: string } {
    this.#sweep(now);
    const pick = () => Array.from({ length: 4 }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
    const code = `${pick()}-${pick()}`;
    this.#codes.set(code, { expiresAt: now + PAIRING_CODE_TTL_MS, used: false });
    return { code, expiresAt: new Date(now + PAIRING_CODE_TTL_MS).toISOString() };
  }

  /** `ok` once per code, before it expires; otherwise why not. */
  redeem(code: string, now = Date.now()): RedeemResult {
    this.#sweep(now);
    const entry = this.#codes.get(normalizePairingCode(code));
    if (!entry) return 'unknown';
    if (entry.used) return 'used';
    if (now >= entry.expiresAt) return 'expired';
    entry.used = true;
    return 'ok';
  }

  #sweep(now: number): void {
    for (const [code, { expiresAt }] of this.#codes)
      if (expiresAt + REMEMBER_MS <= now) this.#codes.delete(code);
  }
}
