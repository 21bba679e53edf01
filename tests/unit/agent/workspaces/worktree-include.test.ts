import { describe, expect, it } from 'vitest';
import {
  MAX_LISTED_INCLUDES,
  selectIncluded,
  splitNul,
  summarizeIncluded,
} from '../../../../agent/workspaces/worktree-include.js';

const ignored = [
  '.env',
  '.env.local',
  'apps/web/.env',
  'config/local.json',
  'config/secret/key.pem',
  'node_modules/left-pad/index.js',
  'dist/app.js',
  'notes.log',
];

describe('selectIncluded', () => {
  it.each([
    ['a name matches at any depth', '.env', ['.env', 'apps/web/.env']],
    ['a leading slash anchors to the root', '/.env', ['.env']],
    ['a glob', '.env*', ['.env', '.env.local', 'apps/web/.env']],
    ['a folder pattern takes what is inside', 'node_modules/', ['node_modules/left-pad/index.js']],
    ['** spans folders', 'config/**/*.pem', ['config/secret/key.pem']],
    ['a negation takes one back', '.env*\n!.env.local', ['.env', 'apps/web/.env']],
    ['comments and blank lines are nothing', '# local files\n\n', []],
    ['an escaped # is a name', '\\#notes', []],
    ['a path with a slash in the middle is anchored', 'config/local.json', ['config/local.json']],
    ['nothing named, nothing taken', '', []],
  ])('%s: %j', (_why, text, expected) => {
    expect(selectIncluded(text, ignored)).toEqual(expected);
  });

  it('takes only what git ignores: a pattern matching nothing ignored takes nothing', () => {
    expect(selectIncluded('README.md\nsrc/', ['.env'])).toEqual([]);
  });
});

describe('splitNul', () => {
  it.each([
    ['', []],
    ['.env\0', ['.env']],
    ['a b\0c\nd\0', ['a b', 'c\nd']],
  ])('%j splits into %j', (text, paths) => {
    expect(splitNul(text)).toEqual(paths);
  });
});

describe('summarizeIncluded', () => {
  it('lists the first files and counts them all', () => {
    const files = Array.from({ length: MAX_LISTED_INCLUDES + 5 }, (_, i) => ({
      path: `f${i}`,
      how: 'copy' as const,
      bytes: 2,
    }));
    const summary = summarizeIncluded(files);
    expect(summary.files).toHaveLength(MAX_LISTED_INCLUDES);
    expect(summary.count).toBe(MAX_LISTED_INCLUDES + 5);
    expect(summary.bytes).toBe(2 * (MAX_LISTED_INCLUDES + 5));
  });
});
