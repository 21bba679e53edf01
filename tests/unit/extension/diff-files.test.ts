import { describe, expect, it } from 'vitest';
import { parseUnifiedDiff } from '../../../extension/lib/diff-files.js';

describe('parseUnifiedDiff', () => {
  it('splits files and counts added and removed lines', () => {
    const diff = [
      'diff --git a/README.md b/README.md',
      'index 1..2 100644',
      '--- a/README.md',
      '+++ b/README.md',
      '@@ -1 +1,2 @@',
      ' # app',
      '+more',
      'diff --git a/new.txt b/new.txt',
      'new file mode 100644',
      '--- /dev/null',
      '+++ b/new.txt',
      '@@ -0,0 +1 @@',
      '+brand new',
      '-gone',
    ].join('\n');
    expect(
      parseUnifiedDiff(diff).map(({ path, additions, deletions }) => ({ path, additions, deletions })),
    ).toEqual([
      { path: 'README.md', additions: 1, deletions: 0 },
      { path: 'new.txt', additions: 1, deletions: 1 },
    ]);
  });
  it('an empty diff has no files', () => {
    expect(parseUnifiedDiff('')).toEqual([]);
  });
});
