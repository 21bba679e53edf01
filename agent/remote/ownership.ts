import type { ThingKind } from './route.js';

/** Where a request for one thing goes, or why it cannot go anywhere — what `decideOwner` answers. */
export type OwnerDecision =
  | { kind: 'owner'; machine: string }
  /** Nobody is known to own it: a thing a remote made on its own a moment ago, or no such thing. */
  | { kind: 'unknown' }
  | { kind: 'conflict'; message: string };

/** What is known of one thing a request names, for `decideOwner`. */
export interface OwnerFacts {
  /** This machine has it (for a project: an id, `owner/repo` or `host/owner/repo` of one of its projects). */
  local: boolean;
  /** The remotes an answer or event showed owning this id. */
  owners: readonly string[];
  /** For a project ref: the remotes with a project it names (a repo may be cloned on several). */
  projectOn?: readonly string[];
}

/**
 * Which machine a request for a thing goes to — pure. What this machine has
 * routes here; an id on two machines is refused rather than guessed; a repo
 * registered on two remotes (and not here) must be named by its id.
 */
export function decideOwner(kind: ThingKind, id: string, facts: OwnerFacts): OwnerDecision {
  const machines = [...new Set([...(facts.local ? ['local'] : []), ...facts.owners])];
  if (machines.length > 1)
    return {
      kind: 'conflict',
      message: `The ${kind} ${id} exists on ${machines.join(' and ')}: ff cannot tell which you mean. Remove one of them, or disconnect the remote (\`ff-agent remote remove\`).`,
    };
  if (machines[0]) return { kind: 'owner', machine: machines[0] };
  const on = facts.projectOn ?? [];
  if (on.length > 1)
    return {
      kind: 'conflict',
      message: `${id} is registered on ${on.join(' and ')}: name the project by its id (\`ff-agent project list --json\`).`,
    };
  return on[0] ? { kind: 'owner', machine: on[0] } : { kind: 'unknown' };
}

/**
 * Which remotes own which ids, as the answers and events that named them
 * showed: a thing belongs to the machine whose call created it or whose
 * answer listed it. Only grows while the agent runs (an id never moves).
 */
export class Ownership {
  readonly #owners = new Map<string, Set<string>>();

  /**
   * Records that `machine` owns these things; returns those now seen on two
   * machines (`isLocal`: this machine has it too), each once.
   */
  learn(
    machine: string,
    things: Iterable<{ kind: ThingKind; id: string }>,
    isLocal: (kind: ThingKind, id: string) => boolean,
  ): Array<{ kind: ThingKind; id: string; machines: string[] }> {
    const conflicts: Array<{ kind: ThingKind; id: string; machines: string[] }> = [];
    for (const { kind, id } of things) {
      const key = `${kind}:${id}`;
      let owners = this.#owners.get(key);
      if (owners?.has(machine)) continue;
      if (!owners) {
        owners = new Set();
        this.#owners.set(key, owners);
      }
      owners.add(machine);
      const machines = [...(isLocal(kind, id) ? ['local'] : []), ...owners];
      if (machines.length > 1) conflicts.push({ kind, id, machines });
    }
    return conflicts;
  }

  /** The remotes seen owning this id, among `remotes` (a removed remote owns nothing any more). */
  owners(kind: ThingKind, id: string, remotes: readonly string[]): string[] {
    return [...(this.#owners.get(`${kind}:${id}`) ?? [])].filter((name) => remotes.includes(name));
  }
}
