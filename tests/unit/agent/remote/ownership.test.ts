import { describe, expect, it } from 'vitest';
import { decideOwner, type OwnerFacts, Ownership } from '../../../../agent/remote/ownership.js';
import type { ThingKind } from '../../../../agent/remote/route.js';

describe('decideOwner: which machine a request for a thing goes to', () => {
  it.each<[string, ThingKind, string, OwnerFacts, ReturnType<typeof decideOwner>]>([
    [
      'what this machine has routes here',
      'workspace',
      'w1',
      { local: true, owners: [] },
      { kind: 'owner', machine: 'local' },
    ],
    [
      'what a remote answered it made routes there',
      'session',
      's1',
      { local: false, owners: ['box'] },
      { kind: 'owner', machine: 'box' },
    ],
    [
      'what nobody is known to have is unknown',
      'terminal',
      't1',
      { local: false, owners: [] },
      { kind: 'unknown' },
    ],
    [
      'a repo cloned here and on a remote is this machine’s when named by owner/repo',
      'project',
      'octo/app',
      { local: true, owners: [], projectOn: ['box'] },
      { kind: 'owner', machine: 'local' },
    ],
    [
      'a repo registered on one remote only is that remote’s',
      'project',
      'octo/app',
      { local: false, owners: [], projectOn: ['box'] },
      { kind: 'owner', machine: 'box' },
    ],
  ])('%s', (_, kind, id, facts, expected) => {
    expect(decideOwner(kind, id, facts)).toEqual(expected);
  });

  it.each<[string, ThingKind, string, OwnerFacts, RegExp]>([
    [
      'an id here and on a remote',
      'workspace',
      'w1',
      { local: true, owners: ['box'] },
      /w1 exists on local and box/,
    ],
    [
      'an id on two remotes',
      'session',
      's1',
      { local: false, owners: ['box', 'far'] },
      /s1 exists on box and far/,
    ],
    [
      'a repo registered on two remotes and not here',
      'project',
      'octo/app',
      { local: false, owners: [], projectOn: ['box', 'far'] },
      /octo\/app is registered on box and far: name the project by its id/,
    ],
  ])('%s is refused, never guessed', (_, kind, id, facts, message) => {
    const decision = decideOwner(kind, id, facts);
    expect(decision.kind).toBe('conflict');
    expect(decision.kind === 'conflict' && decision.message).toMatch(message);
  });
});

describe('Ownership: who owns which id, as answers showed', () => {
  const nothingLocal = () => false;

  it('learns owners from answers; an id seen on a second machine is reported once', () => {
    const ownership = new Ownership();
    expect(ownership.learn('box', [{ kind: 'workspace', id: 'w1' }], nothingLocal)).toEqual([]);
    expect(ownership.learn('box', [{ kind: 'workspace', id: 'w1' }], nothingLocal)).toEqual([]);
    expect(ownership.owners('workspace', 'w1', ['box', 'far'])).toEqual(['box']);
    expect(ownership.learn('far', [{ kind: 'workspace', id: 'w1' }], nothingLocal)).toEqual([
      { kind: 'workspace', id: 'w1', machines: ['box', 'far'] },
    ]);
    expect(ownership.learn('far', [{ kind: 'workspace', id: 'w1' }], nothingLocal)).toEqual([]);
    expect(ownership.owners('workspace', 'w1', ['box', 'far'])).toEqual(['box', 'far']);
  });

  it('an id this machine has too is reported when a remote shows it', () => {
    const ownership = new Ownership();
    expect(ownership.learn('box', [{ kind: 'session', id: 's1' }], (_kind, id) => id === 's1')).toEqual([
      { kind: 'session', id: 's1', machines: ['local', 'box'] },
    ]);
  });

  it('ids of different kinds never mix, and a removed remote owns nothing any more', () => {
    const ownership = new Ownership();
    ownership.learn('box', [{ kind: 'session', id: 'x1' }], nothingLocal);
    expect(ownership.owners('terminal', 'x1', ['box'])).toEqual([]);
    expect(ownership.owners('session', 'x1', [])).toEqual([]);
  });
});
