import { describe, expect, it } from 'vitest';
import { parsePairingEntry } from '../../../extension/lib/port-schemas.js';

const token = 'ab'.repeat(32);

describe('parsePairingEntry: what a person types into the pair form', () => {
  it.each([
    ['K7F2-9QX4', { kind: 'code', port: 47100, code: 'K7F2-9QX4' }],
    ['k7f2-9qx4', { kind: 'code', port: 47100, code: 'K7F2-9QX4' }],
    [' K7F2 9QX4 ', { kind: 'code', port: 47100, code: 'K7F2-9QX4' }],
    ['K7F29QX4', { kind: 'code', port: 47100, code: 'K7F2-9QX4' }],
    [token, { kind: 'token', pairing: { port: 47100, token } }],
    [` ${token.toUpperCase()}\n`, { kind: 'token', pairing: { port: 47100, token } }],
  ])('%j is accepted', (typed, expected) => {
    expect(parsePairingEntry(47100, typed)).toEqual(expected);
  });

  it.each([
    ['', /code ff-agent pair prints/],
    ['K7F2-9QX', /code ff-agent pair prints/],
    ['K0F2-9QX4', /code ff-agent pair prints/], // 0 is never in a code
    [token.slice(1), /64 hex characters/],
    [`${token}0`, /64 hex characters/],
  ])('%j is refused: %s', (typed, message) => {
    const entry = parsePairingEntry(47100, typed);
    expect(entry.kind).toBe('invalid');
    expect(entry.kind === 'invalid' && entry.message).toMatch(message);
  });

  it('a port out of range is refused before anything is sent', () => {
    expect(parsePairingEntry(0, 'K7F2-9QX4')).toMatchObject({ kind: 'invalid', message: /port/ });
    expect(parsePairingEntry(Number.NaN, token)).toMatchObject({ kind: 'invalid', message: /port/ });
  });
});
