import { randomInt } from 'node:crypto';

/** Letters and digits that cannot be misread (no 0/O, 1/I). */
const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
export const PAIRING_CODE_TTL_MS = 5 * 60_000;

/**
 * Manual pairing codes (`ff-agent pair`): short-lived and single-use. A code
 * stands in for the token in one hello; the agent then hands that client the
 * real token. Kept in memory only — a restart voids every code.
 */
export class PairingCodes {
  readonly #codes = new Map<string, number>();

  create(now = Date.now()): { code: string; expiresAt: string } {
    this.#sweep(now);
    const pick = () => Array.from({ length: 4 }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
    const code = `${pick()}-${pick()}`;
    this.#codes.set(code, now + PAIRING_CODE_TTL_MS);
    return { code, expiresAt: new Date(now + PAIRING_CODE_TTL_MS).toISOString() };
  }

  /** True once per code, before it expires. */
  redeem(code: string, now = Date.now()): boolean {
    const normalized = code.trim().toUpperCase();
    const expiresAt = this.#codes.get(normalized);
    if (expiresAt === undefined) return false;
    this.#codes.delete(normalized);
    return now < expiresAt;
  }

  #sweep(now: number): void {
    for (const [code, expiresAt] of this.#codes) if (expiresAt <= now) this.#codes.delete(code);
  }
}
