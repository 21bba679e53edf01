import { describe, expect, it } from 'vitest';
import { outsideAuthors, permissionForOutsideText } from '../../../../agent/claude/author-trust.js';

describe('outsideAuthors', () => {
  it.each<[string, Parameters<typeof outsideAuthors>[0], string[]]>([
    [
      'owner, member, collaborator are inside',
      {
        author: 'a',
        authorAssociation: 'OWNER',
        comments: [
          { author: 'b', authorAssociation: 'MEMBER' },
          { author: 'c', authorAssociation: 'COLLABORATOR' },
        ],
      },
      [],
    ],
    ['NONE opening the issue is outside', { author: 'x', authorAssociation: 'NONE' }, ['x']],
    [
      'a contributor or first-timer commenting is outside',
      {
        author: 'a',
        authorAssociation: 'OWNER',
        comments: [
          { author: 'y', authorAssociation: 'CONTRIBUTOR' },
          { author: 'z', authorAssociation: 'FIRST_TIME_CONTRIBUTOR' },
        ],
      },
      ['y', 'z'],
    ],
    [
      'each login once',
      { author: 'x', authorAssociation: 'NONE', comments: [{ author: 'x', authorAssociation: 'NONE' }] },
      ['x'],
    ],
    [
      'an association GitHub did not give counts as outside: ff trusts only what it can verify',
      { author: 'x', comments: [{ author: 'y' }] },
      ['x', 'y'],
    ],
    ['no author at all (review comments only) names nobody for it', { comments: [] }, []],
    ['lower case is read as GitHub means it', { author: 'a', authorAssociation: 'member' }, []],
    ['a deleted account is the ghost', { authorAssociation: 'NONE' }, ['ghost']],
  ])('%s', (_name, issue, outside) => {
    expect(outsideAuthors(issue)).toEqual(outside);
  });
});

describe('permissionForOutsideText', () => {
  it('asks, naming who, and keeps its network to the API, unless the user trusts outside authors', () => {
    expect(permissionForOutsideText([], false)).toBeUndefined();
    expect(permissionForOutsideText(['x'], true)).toBeUndefined();
    expect(permissionForOutsideText(['x', 'y'], false)).toEqual({
      permissionMode: 'ask',
      permissionReason: expect.stringContaining('text by @x, @y, outside the repo'),
      untrusted: true,
    });
    expect(permissionForOutsideText(['a', 'b', 'c', 'd', 'e'], false)?.permissionReason).toContain(
      '@a, @b, @c and 2 more',
    );
  });

  it('text whose author ff could not verify asks too, saying what it is and how to change it', () => {
    const why = 'issue text handed over by a client';
    expect(permissionForOutsideText([], true, [why])).toBeUndefined();
    expect(permissionForOutsideText([], false, [why])?.permissionReason).toBe(
      'Asks before each tool: its prompt has issue text handed over by a client. Options → "Trust text by people outside the repo" turns this off.',
    );
    expect(permissionForOutsideText(['x'], false, ['the job logs of a fork'])?.permissionReason).toContain(
      'text by @x, outside the repo, and the job logs of a fork.',
    );
  });
});
