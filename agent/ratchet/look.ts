import type { Workspace } from '../../shared/domain.js';
import type { CheckState, PrSnapshot, WorkspaceRatchet } from '../../shared/ratchet.js';
import { githubName } from '../github/api-url.js';
import { GitHubError } from '../github/client.js';
import type { GitHub } from '../github/github.js';
import type { GitHubHosts } from '../github/hosts.js';
import type { PrHead } from '../github/pr-snapshot.js';
import { fullReadPoints, headsQueryPoints } from '../github/queries.js';
import type { Logger } from '../logger.js';
import type { Projects } from '../workspaces/projects.js';
import type { Workspaces } from '../workspaces/workspaces.js';
import { BUDGET_SHARE, budgetOf, spendable } from './pace.js';
import type { RatchetRecords } from './records.js';
import type { RatchetSettingsBook } from './settings.js';

export interface LookDeps {
  github: GitHubHosts;
  records: Pick<RatchetRecords, 'tracked' | 'hostOf'>;
  settings: Pick<RatchetSettingsBook, 'of'>;
  workspaces: Pick<Workspaces, 'linkPullRequest'>;
  projects: Pick<Projects, 'get'>;
  log: Logger;
}

/** What one host answered in a tick: who we are there, and its tracked PRs. */
export interface HostLook {
  github: GitHub;
  viewerLogin: string;
  tracked: Workspace[];
  snapshots: Map<string, PrSnapshot>;
  errors: Map<string, string>;
  /** PRs that needed a full read GitHub's budget left for a later look: not decided this time. */
  deferred: number;
  /** Points GitHub charged this look, and the part of them a look repeats (all but first reads of PRs). */
  points: { total: number; recurring: number };
}

/** What a look remembers of a PR: its snapshot (kept up to date by cheap looks) and the head it was read in full at. */
export interface Seen {
  snapshot: PrSnapshot;
  head: PrHead;
  /** When it was read in full (ms since the epoch). */
  readAt: number;
}

/** Every PR is read in full at least this often (give or take half), for what GitHub might change without moving it. */
export const FULL_READ_AT_LEAST_EVERY_MS = 6 * 3_600_000;

/** Why a PR is read in full: never read, moved since, or due its refresh. */
export type FullRead = 'new' | 'moved' | 'refresh';

/**
 * Whether a PR must be read in full (threads, reviews, checks) or what the look
 * remembers still holds, given its head now — pure. It moved when its head commit,
 * `updatedAt` (pushes, comments, reviews), state or review decision changed, or its check
 * rollup did while its checks were not read with the head; it has replies to post (they
 * are checked against its threads); or its last full read is old (`spread` in [0, 1)
 * staggers those refreshes across PRs).
 */
export function fullReadReason(input: {
  seen: Seen | undefined;
  head: PrHead;
  checksRead: boolean;
  ratchet: Pick<WorkspaceRatchet, 'outbox'>;
  now: number;
  spread: number;
}): FullRead | undefined {
  const { seen, head } = input;
  if (!seen) return 'new';
  const was = seen.head;
  if (
    head.headRefOid !== was.headRefOid ||
    head.updatedAt !== was.updatedAt ||
    head.state !== was.state ||
    head.reviewDecision !== was.reviewDecision ||
    (!input.checksRead && head.rollup !== was.rollup) ||
    input.ratchet.outbox.length > 0
  )
    return 'moved';
  if (input.now - seen.readAt >= FULL_READ_AT_LEAST_EVERY_MS * (0.5 + input.spread)) return 'refresh';
  return undefined;
}

/** A remembered PR brought up to date from its head, and its checks when read — pure. */
export function refreshed(seen: Seen, head: PrHead, checks: CheckState[] | undefined): Seen {
  return {
    snapshot: {
      ...seen.snapshot,
      mergeable: head.mergeable,
      mergeStateStatus: head.mergeStateStatus,
      autoMergeEnabled: head.autoMergeEnabled,
      ...(checks ? { checks } : {}),
    },
    head: checks ? { ...seen.head, rollup: head.rollup } : seen.head,
    readAt: seen.readAt,
  };
}

/** How many PRs can be read in full for `points`, 100 to a request — pure. */
export function fullReadsWithin(points: number, wanted: number): number {
  let read = 0;
  let left = points;
  while (read < wanted) {
    const chunk = Math.min(100, wanted - read);
    if (fullReadPoints(chunk) <= left) {
      left -= fullReadPoints(chunk);
      read += chunk;
      continue;
    }
    let fits = 0;
    while (fits < chunk && fullReadPoints(fits + 1) <= left) fits++;
    return read + fits;
  }
  return read;
}

/** A stable number in [0, 1) per PR: spreads the PRs' refreshes over time. */
function spreadOf(nodeId: string): number {
  let hash = 0;
  for (let i = 0; i < nodeId.length; i++) hash = (hash * 31 + nodeId.charCodeAt(i)) >>> 0;
  return (hash % 1000) / 1000;
}

const ORDER: Record<FullRead, number> = { moved: 0, new: 1, refresh: 2 };

/**
 * What the ratchet asks GitHub, per host: the PRs of workspaces that have none yet, then
 * the heads of every tracked PR — one point per 100 PRs — and a full read (threads,
 * reviews, checks: about a point per PR) only of the PRs that are new or moved since. It
 * remembers what it read; within GitHub's budget (never past 80% of the hour's points),
 * what does not fit waits for a later look. Or one PR, read in full now.
 */
export class PullRequestLook {
  readonly #deps: LookDeps;
  /** Per host, what was read of each PR, by node id. */
  readonly #seen = new Map<string, Map<string, Seen>>();

  constructor(deps: LookDeps) {
    this.#deps = deps;
  }

  /** One host's part of a tick: its viewer, the PRs of its new workspaces, then snapshots of its tracked PRs. */
  async host(host: string): Promise<HostLook> {
    const { records, settings } = this.#deps;
    const github = this.#deps.github.forHost(host);
    const pointsBefore = github.points;
    const viewerLogin = await github.viewerLogin();
    const onHost = () => records.tracked().filter((w) => records.hostOf(w) === host);
    await this.#discoverPullRequests(github, onHost());
    const tracked = onHost().filter((w) => w.pr && settings.of(w.projectId).enabled);
    const seen = this.#seenOn(host);
    const ids = new Set(tracked.map((w) => w.pr!.nodeId));
    for (const id of seen.keys()) if (!ids.has(id)) seen.delete(id);
    const look: HostLook = {
      github,
      viewerLogin,
      tracked,
      snapshots: new Map(),
      errors: new Map(),
      deferred: 0,
      points: { total: 0, recurring: 0 },
    };
    if (tracked.length === 0) return this.#charged(look, pointsBefore, 0);
    this.#checkBudget(github, Math.ceil(tracked.length / 100) * headsQueryPoints(100));

    const running = new Set(
      [...ids].filter((id) => seen.get(id)?.snapshot.checks.some((c) => c.status === 'pending')),
    );
    const heads = await github.pullRequestHeads([...ids], running);
    const reads = this.#fromHeads(look, heads, seen);
    const firstReadPoints = await this.#readInFull(look, host, reads, seen);
    return this.#charged(look, pointsBefore, firstReadPoints);
  }

  /**
   * Brings what the look remembers up to date from the PRs' heads (and running checks): the
   * snapshots of PRs that did not move go into the look; answers the PRs to read in full,
   * moved ones first, then new ones, then those due their refresh.
   */
  #fromHeads(
    look: HostLook,
    answer: Awaited<ReturnType<GitHub['pullRequestHeads']>>,
    seen: Map<string, Seen>,
  ): Array<{ id: string; why: FullRead }> {
    const now = Date.now();
    const reads: Array<{ id: string; why: FullRead }> = [];
    for (const workspace of look.tracked) {
      const id = workspace.pr!.nodeId;
      const head = answer.heads.get(id);
      if (!head) {
        look.errors.set(id, answer.errors.get(id) ?? 'GitHub returned no data for this PR.');
        continue;
      }
      const checks = answer.checks.get(id);
      const remembered = seen.get(id);
      const why = fullReadReason({
        seen: remembered,
        head,
        checksRead: checks !== undefined,
        ratchet: workspace.ratchet,
        now,
        spread: spreadOf(id),
      });
      if (why) reads.push({ id, why });
      // A PR due its refresh is decided on what is remembered if the budget leaves its read for later.
      if (remembered && why !== 'new' && why !== 'moved') {
        const fresh = refreshed(remembered, head, checks);
        seen.set(id, fresh);
        look.snapshots.set(id, fresh.snapshot);
      }
    }
    return reads.sort((a, b) => ORDER[a.why] - ORDER[b.why]);
  }

  /**
   * Reads PRs in full, as many as the budget leaves under 80% of the hour's points (the
   * others wait for a later look); answers the points of the first reads among them.
   */
  async #readInFull(
    look: HostLook,
    host: string,
    reads: Array<{ id: string; why: FullRead }>,
    seen: Map<string, Seen>,
  ): Promise<number> {
    const { github } = look;
    const budget = budgetOf(github.rateLimit, Date.now());
    const fit = budget ? fullReadsWithin(Math.max(0, spendable(budget)), reads.length) : reads.length;
    const reading = reads.slice(0, fit);
    look.deferred = reads.slice(fit).filter((r) => r.why !== 'refresh').length;
    if (look.deferred > 0)
      this.#deps.log.info(
        `Ratchet: ${look.deferred} PR(s) on ${host} wait for a later look: GitHub budget (${BUDGET_SHARE * 100}% of the hour's points)`,
      );
    if (reading.length === 0) return 0;
    const pointsBefore = github.points;
    const full = await github.pullRequests(reading.map((r) => r.id));
    for (const [id, snapshot] of full.snapshots) {
      seen.set(id, { snapshot, head: full.heads.get(id)!, readAt: Date.now() });
      look.snapshots.set(id, snapshot);
    }
    for (const [id, message] of full.errors) {
      look.snapshots.delete(id);
      look.errors.set(id, message);
    }
    const first = reading.filter((r) => r.why === 'new').length;
    return ((github.points - pointsBefore) * first) / reading.length;
  }

  /** One PR read in full now (a warning and undefined when GitHub has none for it). */
  async pullRequest(
    github: GitHub,
    workspace: { id: string; pr: { nodeId: string } },
  ): Promise<PrSnapshot | undefined> {
    const { nodeId } = workspace.pr;
    const { snapshots, heads, errors } = await github.pullRequests([nodeId]);
    const snapshot = snapshots.get(nodeId);
    if (!snapshot) {
      this.#deps.log.warn(`Ratchet: PR of ${workspace.id}: ${errors.get(nodeId)}`);
      return undefined;
    }
    this.#seenOn(github.host).set(nodeId, { snapshot, head: heads.get(nodeId)!, readAt: Date.now() });
    return snapshot;
  }

  /** The ratchet acted on a PR: its next look reads it in full, whatever its head says. */
  forget(host: string, nodeId: string): void {
    this.#seenOn(host).delete(nodeId);
  }

  #seenOn(host: string): Map<string, Seen> {
    let seen = this.#seen.get(host);
    if (!seen) {
      seen = new Map();
      this.#seen.set(host, seen);
    }
    return seen;
  }

  /** The look with what it cost: all its points, and those but first reads' as the part a look repeats. */
  #charged(look: HostLook, pointsBefore: number, firstReadPoints: number): HostLook {
    const total = look.github.points - pointsBefore;
    look.points = { total, recurring: Math.max(0, total - firstReadPoints) };
    return look;
  }

  /**
   * Refuses a look that would take the token past the ratchet's share of the hour's points
   * (the board and the user's own tools share them), until they reset.
   */
  #checkBudget(github: GitHub, points: number): void {
    const seen = github.rateLimit;
    const budget = budgetOf(seen, Date.now());
    if (!budget || spendable(budget) >= points) return;
    const used = budget.limit - budget.remaining;
    throw new GitHubError(
      'rate-limited',
      `${githubName(github.host)} budget: ${used.toLocaleString('en-US')} of this hour's ${budget.limit.toLocaleString('en-US')} points used (ff stops at ${BUDGET_SHARE * 100}%, counting everything on this token); next look at ${new Date(budget.resetAt).toISOString().slice(11, 16)} UTC, when they reset.`,
      budget.resetAt,
    );
  }

  /** Finds the PR of each workspace that has none yet (after its session pushed), in one request and one state write. */
  async #discoverPullRequests(github: GitHub, workspaces: Workspace[]): Promise<void> {
    const without = workspaces.filter((w) => !w.pr);
    if (without.length === 0) return;
    const refs = await github.pullRequestsForBranches(
      without.map((w) => {
        const project = this.#deps.projects.get(w.projectId)!;
        return { owner: project.owner, repo: project.repo, branch: w.branch };
      }),
    );
    // Linked all at once: the state store writes changes made together once, not once per PR.
    const links = refs.flatMap((ref, i) => {
      const workspace = without[i]!;
      if (!ref) return [];
      this.#deps.log.info(`Ratchet: workspace ${workspace.id} has PR #${ref.number}`);
      return [
        this.#deps.workspaces.linkPullRequest(workspace.id, {
          number: ref.number,
          url: ref.url,
          nodeId: ref.id,
        }),
      ];
    });
    await Promise.all(links);
  }
}
