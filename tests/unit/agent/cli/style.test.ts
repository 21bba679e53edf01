import { describe, expect, it } from 'vitest';
import { colourWanted, paint } from '../../../../agent/cli/style.js';

describe('colourWanted', () => {
  it.each([
    { tty: true, env: {}, on: true },
    { tty: false, env: {}, on: false },
    { tty: undefined, env: {}, on: false },
    { tty: true, env: { NO_COLOR: '1' }, on: false },
    { tty: true, env: { NO_COLOR: '' }, on: true },
    { tty: true, env: { TERM: 'dumb' }, on: false },
    { tty: false, env: { FORCE_COLOR: '1' }, on: true },
    { tty: false, env: { FORCE_COLOR: '0' }, on: false },
    { tty: false, env: { FORCE_COLOR: '1', NO_COLOR: '1' }, on: false },
  ])('tty $tty with $env → $on', ({ tty, env, on }) => {
    expect(colourWanted(tty, env)).toBe(on);
  });

  it('paints only when on', () => {
    expect(paint('red', 'no', true)).toBe('\u001b[31mno\u001b[39m');
    expect(paint('red', 'no', false)).toBe('no');
  });
});
