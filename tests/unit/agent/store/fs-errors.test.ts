import { describe, expect, it } from 'vitest';
import { describeFsError, describeHomeError } from '../../../../agent/store/fs-errors.js';

const fail = (code: string) =>
  Object.assign(new Error(`${code}: raw system text, open '/h/state.json'`), { code });

describe('describeFsError', () => {
  it.each([
    ['EACCES', 'read', /^Cannot read \/h\/state\.json: permission denied\. Make it readable/],
    ['EACCES', 'write', /^Cannot write \/h\/state\.json: permission denied\./],
    ['EPERM', 'write', /^Cannot write \/h\/state\.json: operation not permitted \(is it immutable/],
    ['EROFS', 'write', /the file system is read-only\. Point FF_HOME/],
    ['EISDIR', 'read', /^\/h\/state\.json is a folder, but ff keeps a file there/],
    ['ENOTDIR', 'write', /a folder on its path is a file/],
    ['ENOSPC', 'write', /the disk is full/],
  ] as const)('%s on %s says what and how to fix it, without the raw code', (code, action, line) => {
    const message = describeFsError(fail(code), '/h/state.json', action);
    expect(message).toMatch(line);
    expect(message).not.toContain(code);
    expect(message).not.toContain('\n');
  });

  it('keeps an unknown cause, on one line', () => {
    const error = Object.assign(new Error('something odd\n    at stack'), { code: 'EWEIRD' });
    expect(describeFsError(error, '/h/x', 'write')).toBe('Cannot write /h/x: something odd');
  });
});

describe('describeHomeError', () => {
  it.each([
    ['EACCES', 'permission denied'],
    ['EROFS', 'the file system is read-only'],
  ])('%s names the home and the fix', (code, cause) => {
    expect(describeHomeError(fail(code), '/h')).toBe(
      `ff's home /h is not writable (${cause}). Make it writable by you (chmod u+w /h), or point FF_HOME (or --home) at another folder.`,
    );
  });
});
