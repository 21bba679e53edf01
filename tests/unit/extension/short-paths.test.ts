import { describe, expect, it } from 'vitest';
import { keepPathEnd, relativeToWorktree, toolRowText } from '../../../extension/lib/short-paths.js';

const tree = '/tmp/ff-claude-KL3pzm/ff-home/worktrees/octo/app/ff/1000-task-1000';

describe('a tool row names files the way people do', () => {
  it.each([
    [`${tree}/popup.txt`, 'popup.txt'],
    [`${tree}/src/deep/a.ts`, 'src/deep/a.ts'],
    [`cat ${tree}/a.txt ${tree}/b.txt`, 'cat a.txt b.txt'],
    [`cd ${tree} && npm test`, 'cd . && npm test'],
    [`ls "${tree}"`, 'ls "."'],
    [`${tree}2/other.txt`, `${tree}2/other.txt`],
    ['npm test', 'npm test'],
  ])('%s → %s', (summary, shown) => {
    expect(relativeToWorktree(summary, tree)).toBe(shown);
  });

  it('without a worktree the summary is as Claude wrote it', () => {
    expect(relativeToWorktree(`${tree}/a.txt`, undefined)).toBe(`${tree}/a.txt`);
  });

  it.each([
    ['/tmp/somewhere/very/long/and/deeper/still/notes.txt', 24, '…/deeper/still/notes.txt'],
    ['/short/path.txt', 24, '/short/path.txt'],
    [
      'grep -rn something /a/very/long/path/that/goes/on/and/on',
      24,
      'grep -rn something /a/very/long/path/that/goes/on/and/on',
    ],
    ['/x/averyveryveryveryverylongfilename.txt', 24, '…eryverylongfilename.txt'],
  ])('%s in %i characters → %s', (path, max, shown) => {
    expect(keepPathEnd(path, max)).toBe(shown);
  });

  it('a file outside the worktree keeps its name when the row is narrow', () => {
    expect(toolRowText('/tmp/ff-claude-KL3pzm/elsewhere/with/many/folders/popup.txt', tree, 30)).toMatch(
      /popup\.txt$/,
    );
  });
});
