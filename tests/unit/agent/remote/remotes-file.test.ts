import { writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { readRemotes, remotesFilePath, writeRemotes } from '../../../../agent/remote/remotes-file.js';
import { tempDir } from '../../../helpers/temp.js';

describe('remotes.json', () => {
  let dir: ReturnType<typeof tempDir> | undefined;
  afterEach(() => dir?.cleanup());

  it('none when it is missing; what was written when it is there', () => {
    dir = tempDir('ff-remotes-file-');
    expect(readRemotes(dir.path)).toEqual([]);
    const record = {
      name: 'box',
      destination: 'me@box',
      options: [],
      token: 't0k',
      addedAt: '2026-12-01T00:00:00Z',
    };
    writeRemotes(dir.path, [record]);
    expect(readRemotes(dir.path)).toEqual([record]);
  });

  it.each([
    ['not JSON', '{"remotes": [', /is damaged \(not JSON: .*\); fix or move it/],
    [
      'of another shape',
      '{"remotes": [{"name": "box"}]}',
      /is damaged \(remotes\.0\.destination: .*\); fix or move it/,
    ],
  ])('a file %s is an error naming the file, never an empty list', (_, text, message) => {
    dir = tempDir('ff-remotes-file-');
    writeFileSync(remotesFilePath(dir.path), text);
    expect(() => readRemotes(dir!.path)).toThrow(message);
  });
});
