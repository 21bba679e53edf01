import { describe, expect, it } from 'vitest';
import { PAIRING_CODE_TTL_MS, PairingCodes } from '../../../../agent/server/pairing-codes.js';
import { normalizePairingCode, PairingCode } from '../../../../shared/protocol.js';

describe('PairingCodes', () => {
  it('a code works once, before it expires, in any case; a second try says it was used', () => {
    const codes = new PairingCodes();
    const { code } = codes.create(1000);
    expect(PairingCode.safeParse(code).success).toBe(true);
    expect(codes.redeem(code.toLowerCase(), 2000)).toBe('ok');
    expect(codes.redeem(code, 2000)).toBe('used');
  });

  it('an expired code is refused as expired', () => {
    const codes = new PairingCodes();
    const { code } = codes.create(1000);
    expect(codes.redeem(code, 1000 + PAIRING_CODE_TTL_MS)).toBe('expired');
  });

  it('an unknown code is refused as unknown', () => {
    expect(new PairingCodes().redeem('AAAA-BBBB')).toBe('unknown');
  });

  it('a long-gone code is forgotten (memory stays bounded)', () => {
    const codes = new PairingCodes();
    const { code } = codes.create(0);
    expect(codes.redeem(code, 24 * 60 * 60_000)).toBe('unknown');
  });
});

describe('normalizePairingCode', () => {
  it.each([
    ['K7F2-9QX4', 'K7F2-9QX4'],
    ['k7f2-9qx4', 'K7F2-9QX4'],
    ['K7F29QX4', 'K7F2-9QX4'],
    [' k7f2 9qx4 ', 'K7F2-9QX4'],
    ['K7F2', 'K7F2'],
  ])('%j → %j', (input, expected) => {
    expect(normalizePairingCode(input)).toBe(expected);
  });
});
