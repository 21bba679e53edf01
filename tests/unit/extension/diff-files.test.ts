import { describe, expect, it } from 'vitest';
import { type DiffLine, parseUnifiedDiff, splitRows } from '../../../extension/lib/diff-files.js';

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

/** A compact picture of lines: "-3 old", "+4 new", " 5/6 same", "@@", "~meta". */
const picture = (lines: DiffLine[]) =>
  lines.map((l) =>
    l.kind === 'add'
      ? `+${l.newNo} ${l.text}`
      : l.kind === 'del'
        ? `-${l.oldNo} ${l.text}`
        : l.kind === 'context'
          ? ` ${l.oldNo}/${l.newNo} ${l.text}`
          : l.kind === 'hunk'
            ? '@@'
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
      '@@',
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

  it('keeps mode lines and "no newline" markers as meta, drops the --- and +++ headers', () => {
    expect(picture(parseUnifiedDiff(TWO_FILES)[1]!.lines)).toEqual([
      '~new file mode 100644',
      '@@',
      '+1 brand new',
      '~\\ No newline at end of file',
    ]);
  });

  it('an empty diff has no files', () => {
    expect(parseUnifiedDiff('')).toEqual([]);
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
