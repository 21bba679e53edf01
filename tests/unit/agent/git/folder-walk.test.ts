import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { walkFolder } from '../../../../agent/git/folder-walk.js';
import { tempDir } from '../../../helpers/temp.js';

const dirs: Array<{ cleanup: () => void }> = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) dir.cleanup();
});

/** A worktree-like folder: files, an empty folder, a symlink to a big file outside, a nested repository. */
function tree(): string {
  const dir = tempDir('ff-walk-');
  dirs.push(dir);
  const root = join(dir.path, 'wt');
  mkdirSync(join(root, 'src', 'deep'), { recursive: true });
  writeFileSync(join(root, 'a.txt'), 'x'.repeat(100));
  writeFileSync(join(root, 'src', 'b.txt'), 'x'.repeat(20));
  writeFileSync(join(root, 'src', 'deep', 'c.txt'), 'x'.repeat(3));
  mkdirSync(join(root, 'empty'));
  writeFileSync(join(dir.path, 'big.bin'), Buffer.alloc(1_000_000));
  symlinkSync(join(dir.path, 'big.bin'), join(root, 'link'));
  mkdirSync(join(root, 'vendor', 'lib', '.git'), { recursive: true });
  writeFileSync(join(root, 'vendor', 'lib', 'd.txt'), 'x'.repeat(5000));
  return root;
}

const linkBytes = (root: string) => join(root, '..', 'big.bin').length;

describe('walkFolder', () => {
  it('adds up the files under a folder, symlinks as links (not followed), and lists empty folders', async () => {
    const root = tree();
    const walk = await walkFolder(root);
    expect(walk.bytes).toBe(100 + 20 + 3 + 5000 + linkBytes(root));
    // The root, a.txt, src, b.txt, deep, c.txt, empty, link, vendor, lib, lib/.git, d.txt.
    expect(walk.entries).toBe(12);
    expect(walk.complete).toBe(true);
    expect(walk.emptyDirs.sort()).toEqual([join(root, 'empty'), join(root, 'vendor', 'lib', '.git')].sort());
    expect(walk.repos).toEqual([]);
  });

  it('with stopAtRepos, a folder holding .git is listed as a repository and not walked into', async () => {
    const root = tree();
    const walk = await walkFolder(root, { stopAtRepos: true });
    expect(walk.repos).toEqual([join(root, 'vendor', 'lib')]);
    expect(walk.bytes).toBe(100 + 20 + 3 + linkBytes(root));
    expect(walk.emptyDirs).toEqual([join(root, 'empty')]);
  });

  it.each([
    ['past stopAbove bytes', { stopAbove: 110 }],
    ['at maxEntries', { maxEntries: 4 }],
  ])('stops %s and says it is incomplete', async (_why, options) => {
    const walk = await walkFolder(tree(), options);
    expect(walk.complete).toBe(false);
    expect(walk.bytes).toBeLessThan(5000);
  });

  it('paced to a share of a core in tiny slices, it finds the same as unpaced', async () => {
    const root = tree();
    for (let i = 0; i < 300; i++) mkdirSync(join(root, 'many', String(i)), { recursive: true });
    const unpaced = await walkFolder(root);
    const paced = await walkFolder(root, { cpuShare: 0.25, sliceMs: 0 });
    expect({ ...paced, emptyDirs: paced.emptyDirs.sort() }).toEqual({
      ...unpaced,
      emptyDirs: unpaced.emptyDirs.sort(),
    });
    expect(paced.emptyDirs).toHaveLength(302);
  });

  it('a single file is its own size; a path that is not there is nothing', async () => {
    const root = tree();
    expect(await walkFolder(join(root, 'a.txt'))).toEqual({
      bytes: 100,
      entries: 1,
      complete: true,
      emptyDirs: [],
      repos: [],
    });
    expect(await walkFolder(join(root, 'absent'))).toEqual({
      bytes: 0,
      entries: 0,
      complete: true,
      emptyDirs: [],
      repos: [],
    });
  });

  it.skipIf(process.getuid?.() === 0)('a folder it cannot read counts as empty', async () => {
    const root = tree();
    chmodSync(join(root, 'src'), 0o000);
    try {
      const walk = await walkFolder(root);
      expect(walk.emptyDirs).toContain(join(root, 'src'));
      expect(walk.bytes).toBe(100 + 5000 + linkBytes(root));
    } finally {
      chmodSync(join(root, 'src'), 0o755);
    }
  });
});
