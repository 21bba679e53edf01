import { describe, expect, it } from 'vitest';
import {
  bandText,
  type DiffLine,
  fileChange,
  parseUnifiedDiff,
  shownLines,
  splitRows,
} from '../../../extension/lib/diff-files.js';

const TWO_FILES = [
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
  '\\ No newline at end of file',
  '',
].join('\n');

/** A compact picture of lines: "-3 old", "+4 new", " 5/6 same", "@@ section", "~note". */
const picture = (lines: DiffLine[]) =>
  lines.map((l) =>
    l.kind === 'add'
      ? `+${l.newNo} ${l.text}`
      : l.kind === 'del'
        ? `-${l.oldNo} ${l.text}`
        : l.kind === 'context'
          ? ` ${l.oldNo}/${l.newNo} ${l.text}`
          : l.kind === 'hunk'
            ? `@@ ${l.text}`.trim()
            : `~${l.text}`,
  );

describe('parseUnifiedDiff', () => {
  it('splits files and counts added and removed lines', () => {
    expect(
      parseUnifiedDiff(TWO_FILES).map(({ path, additions, deletions }) => ({ path, additions, deletions })),
    ).toEqual([
      { path: 'README.md', additions: 1, deletions: 0 },
      { path: 'new.txt', additions: 1, deletions: 0 },
    ]);
  });

  it('numbers lines from the hunk headers, on both sides', () => {
    const diff = [
      'diff --git a/a.ts b/a.ts',
      '--- a/a.ts',
      '+++ b/a.ts',
      '@@ -10,4 +10,4 @@ function f() {',
      ' keep',
      '-old one',
      '-old two',
      '+new one',
      ' tail',
      '@@ -40 +40,2 @@',
      ' x',
      '+y',
    ].join('\n');
    expect(picture(parseUnifiedDiff(diff)[0]!.lines)).toEqual([
      '@@ function f() {',
      ' 10/10 keep',
      '-11 old one',
      '-12 old two',
      '+11 new one',
      ' 13/12 tail',
      '@@',
      ' 40/40 x',
      '+41 y',
    ]);
  });

  it("shows no header line of git's: index, mode and --- / +++ lines become the file's status, and a no-newline marker a note", () => {
    const [readme, added] = parseUnifiedDiff(TWO_FILES);
    expect(picture(added!.lines)).toEqual(['@@', '+1 brand new', '~No newline at end of file']);
    expect(added).toMatchObject({ path: 'new.txt', status: 'added', binary: false });
    expect(readme).toMatchObject({ path: 'README.md', status: 'modified' });
    expect(readme!.lines.some((l) => l.text.startsWith('index '))).toBe(false);
  });

  it.each([
    [['new file mode 100644'], 'new file'],
    [['deleted file mode 100644'], 'deleted'],
    [['similarity index 90%', 'rename from old/a.ts', 'rename to new/a.ts'], 'renamed from old/a.ts'],
    [['copy from a.ts', 'copy to b.ts'], 'copied from a.ts'],
    [['old mode 100644', 'new mode 100755'], 'mode 100755'],
    [['index 1..2', 'Binary files a/x.png and b/x.png differ'], 'binary'],
    [['index 1..2 100644'], ''],
  ])('the header %j reads as "%s"', (header, words) => {
    const [file] = parseUnifiedDiff(['diff --git a/x b/x', ...header].join('\n'));
    expect(fileChange(file!)).toBe(words);
  });

  it('a first hunk at line 1 with no section is not shown; later hunks and named sections are', () => {
    const [file] = parseUnifiedDiff(
      ['diff --git a/f b/f', '@@ -1,2 +1,2 @@', '-a', '+A', '@@ -40 +40 @@ g()', '-x', '+X'].join('\n'),
    );
    expect(picture(shownLines(file!.lines))).toEqual(['-1 a', '+1 A', '@@ g()', '-40 x', '+40 X']);
    const [named] = parseUnifiedDiff(['diff --git a/f b/f', '@@ -1 +1 @@ top', '-a', '+A'].join('\n'));
    expect(picture(shownLines(named!.lines))).toEqual(['@@ top', '-1 a', '+1 A']);
  });

  it('an empty diff has no files', () => {
    expect(parseUnifiedDiff('')).toEqual([]);
  });
});

describe('bandText', () => {
  it.each([
    {
      line: { kind: 'hunk' as const, text: 'export function applyTheme()', newNo: 11 },
      says: 'export function applyTheme()',
    },
    { line: { kind: 'hunk' as const, text: '', newNo: 11 }, says: '⋯ line 11' },
    { line: { kind: 'hunk' as const, text: '' }, says: '⋯' },
    { line: { kind: 'note' as const, text: 'No newline at end of file' }, says: 'No newline at end of file' },
  ])('a separator reads "$says"', ({ line, says }) => {
    expect(bandText(line)).toBe(says);
  });

  it("a split view's separator says where its part starts too", () => {
    const [file] = parseUnifiedDiff(['diff --git a/f b/f', '@@ -11,2 +11,2 @@', '-a', '+A'].join('\n'));
    expect(splitRows(file!.lines)[0]).toEqual({ kind: 'hunk', text: '⋯ line 11' });
  });
});

describe('splitRows', () => {
  const side = (l: DiffLine | undefined, no: number | undefined) => (l ? `${no} ${l.text}` : '');
  const show = (lines: DiffLine[]) =>
    splitRows(lines).map((r) =>
      r.kind === 'pair' ? `${side(r.left, r.left?.oldNo)} | ${side(r.right, r.right?.newNo)}` : r.kind,
    );

  it('pairs a run of deletions with the additions after it; context on both sides', () => {
    const [file] = parseUnifiedDiff(
      [
        'diff --git a/f b/f',
        '@@ -1,5 +1,4 @@',
        ' a',
        '-b',
        '-c',
        '-d',
        '+B',
        '+C',
        ' e',
        '-f',
        '+F',
        '+G',
      ].join('\n'),
    );
    expect(show(file!.lines)).toEqual([
      'hunk',
      '1 a | 1 a',
      '2 b | 2 B',
      '3 c | 3 C',
      '4 d | ',
      '5 e | 4 e',
      '6 f | 5 F',
      ' | 6 G',
    ]);
  });

  it('an addition followed by a deletion starts a new pair', () => {
    const [file] = parseUnifiedDiff(['diff --git a/f b/f', '@@ -1,1 +1,1 @@', '+new', '-old'].join('\n'));
    expect(show(file!.lines)).toEqual(['hunk', ' | 1 new', '1 old | ']);
  });
});
