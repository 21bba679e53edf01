import { describe, expect, it } from 'vitest';
import { lastLines, WholeLines } from '../../../../agent/cli/logs.js';
import { inertText } from '../../../../shared/inert-text.js';

describe('lastLines', () => {
  it.each([
    { text: 'a\nb\nc\n', count: 2, out: 'b\nc\n' },
    { text: 'a\nb\nc', count: 2, out: 'b\nc\n' },
    { text: 'a\n', count: 5, out: 'a\n' },
    { text: '', count: 5, out: '' },
    { text: 'a\nb\n', count: 0, out: '' },
  ])('the last $count lines of $text', ({ text, count, out }) => {
    expect(lastLines(text, count)).toBe(out);
  });
});

describe('WholeLines', () => {
  it('gives whole lines only, so an escape sequence split across two reads is removed whole', () => {
    const lines = new WholeLines();
    const raw = Buffer.from('npm \x1b]0;owned\x07ok\nnext \x1b[31mred\x1b[0m\n');
    const cut = raw.indexOf(0x5d); // inside the OSC sequence: ESC ] ...
    const shown = inertText(lines.push(raw.subarray(0, cut))) + inertText(lines.push(raw.subarray(cut)));
    expect(shown).toBe('npm ok\nnext red\n');
  });

  it('keeps a character split across reads, and gives a last line without newline on flush', () => {
    const lines = new WholeLines();
    const bytes = Buffer.from('héllo\nwor');
    expect(lines.push(bytes.subarray(0, 2))).toBe('');
    expect(lines.push(bytes.subarray(2))).toBe('héllo\n');
    expect(lines.flush()).toBe('wor');
    expect(lines.flush()).toBe('');
  });
});
