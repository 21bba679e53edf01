import { describe, expect, it } from 'vitest';
import { jobLogTail } from '../../../../agent/github/job-log.js';

describe('jobLogTail', () => {
  it('error lines first, then the end of the log, without timestamps or colours', () => {
    const log = [
      '2026-11-25T10:00:00.0000000Z ##[group]Run npm test',
      '2026-11-25T10:00:01.0000000Z \u001b[32m✓\u001b[39m adds',
      '2026-11-25T10:00:02.0000000Z \u001b[31m×\u001b[39m subtracts: expected 1 to be 2',
      ...Array.from({ length: 50 }, (_, i) => `2026-11-25T10:00:03.0000000Z noise ${i}`),
      '2026-11-25T10:00:04.0000000Z ##[error]Process completed with exit code 1.',
    ].join('\n');
    const tail = jobLogTail(log, { maxLines: 12 });
    expect(tail.split('\n')).toEqual([
      'Error lines:',
      '× subtracts: expected 1 to be 2',
      '##[error]Process completed with exit code 1.',
      'Last 8 lines:',
      ...Array.from({ length: 8 }, (_, i) => `noise ${42 + i}`),
    ]);
  });

  it('at most 200 lines and 16 KB by default', () => {
    const huge = Array.from({ length: 5000 }, (_, i) => `error ${i} ${'x'.repeat(200)}`).join('\n');
    const tail = jobLogTail(huge);
    expect(tail.split('\n').length).toBeLessThanOrEqual(200);
    expect(Buffer.byteLength(tail)).toBeLessThanOrEqual(16 * 1024);
    const many = Array.from({ length: 5000 }, (_, i) => `line ${i}`).join('\n');
    const lines = jobLogTail(many).split('\n');
    expect(lines.length).toBeGreaterThan(190);
    expect(lines.length).toBeLessThanOrEqual(200);
    expect(lines.at(-1)).toBe('line 4999');
  });

  it('a short log comes whole', () => {
    expect(jobLogTail('one\r\ntwo\n')).toBe('Log:\none\ntwo');
  });
});
