import { describe, expect, it } from 'vitest';
import { PAIRING_CODE_TTL_MS, PairingCodes } from '../../../../agent/server/pairing-codes.js';
import { PairingCode } from '../../../../shared/protocol.js';

describe('PairingCodes', () => {
  it('a code works once, before it expires, in any case', () => {
    const codes = new PairingCodes();
    const { code } = codes.create(1000);
    expect(PairingCode.safeParse(code).success).toBe(true);
    expect(codes.redeem(code.toLowerCase(), 2000)).toBe(true);
    expect(codes.redeem(code, 2000)).toBe(false); // reused
  });

  it('an expired code is refused', () => {
    const codes = new PairingCodes();
    const { code } = codes.create(1000);
    expect(codes.redeem(code, 1000 + PAIRING_CODE_TTL_MS)).toBe(false);
  });

  it('an unknown code is refused', () => {
    expect(new PairingCodes().redeem('AAAA-BBBB')).toBe(false);
  });
});
