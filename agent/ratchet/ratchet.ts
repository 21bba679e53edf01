import { join } from 'node:path';
import type { CronJob } from 'cron';
import { projectSlug, type Session, type Workspace } from '../../shared/domain.js';
import { errorText } from '../../shared/error-text.js';
import { AgentError } from '../../shared/protocol.js';
import {
  type Classification,
  type PrSnapshot,
  type RatchetDecision,
  RatchetSettings,
  type RatchetSettingsPatch,
  type RatchetStatus,
  type TickResult,
  type WorkspaceRatchet,
} from '../../shared/ratchet.js';
import { outsideAuthors, permissionForOutsideText } from '../claude/author-trust.js';
import type { Sessions } from '../claude/sessions.js';
import type { EventHub } from '../events/event-hub.js';
import { GITHUB_COM } from '../github/api-url.js';
import { GitHubError } from '../github/client.js';
import type { GitHub } from '../github/github.js';
import type { GitHubHosts } from '../github/hosts.js';
import type { Logger } from '../logger.js';
import type { HomePaths } from '../store/home.js';
import type { StateStore } from '../store/state-store.js';
import { TranscriptLog } from '../store/transcript-log.js';
import { noPushReason } from '../workspaces/adopt.js';
import type { Projects } from '../workspaces/projects.js';
import type { Workspaces } from '../workspaces/workspaces.js';
import { classifyPullRequest } from './classify.js';
import { decideRatchetAction, pauseHolds, waitingSentence } from './decide.js';
import { loadCron } from './load-cron.js';
import { type FixerTemplates, loadFixerTemplates, renderFixerPrompt } from './prompts.js';
import { alreadyReplied, planThreadReplies, type ReplyPlan } from './threads.js';

const MAX_FINGERPRINTS = 50;
const MAX_RERUN_RUNS = 100;
const MAX_REPLIED = 200;
const JOB_LOGS = 5;

export interface RatchetDeps {
  state: StateStore;
  hub: EventHub;
  log: Logger;
  paths: HomePaths;
  github: GitHubHosts;
  sessions: Sessions;
  workspaces: Workspaces;
  projects: Projects;
  promptsDir: string;
}

/** What one host answered in a tick: who we are there, and its tracked PRs. */
interface HostLook {
  github: GitHub;
  viewerLogin: string;
  tracked: Workspace[];
  snapshots: Map<string, PrSnapshot>;
  errors: Map<string, string>;
}

/**
 * The ratchet: every minute (and on demand) one batched look at every
 * tracked PR, a pure classification and decision for each, then the action
 * — start or nudge the one fixer session, merge, pause. Ticks never overlap:
 * a tick asked for while one runs joins it. Each GitHub host (github.com,
 * Enterprise hosts) is looked at on its own: one failing skips only its PRs.
 */
/** The default schedule (cron with seconds): at second 0 of every minute. */
const EVERY_MINUTE = '0 * * * * *';

export class Ratchet {
  readonly #deps: RatchetDeps;
  #running: Promise<TickResult> | undefined;
  /**
   * The end of the ratchet's queue of work: ticks and looks at one PR run one
   * after another, so two never act on a PR at once (replies go out once).
   */
  #queue: Promise<unknown> = Promise.resolve();
  /** Workspaces whose look at one PR is queued: a second ask joins it. */
  readonly #looking = new Set<string>();
  #last: TickResult | undefined;
  #job: CronJob | undefined;
  #starting: NodeJS.Immediate | undefined;
  #minuteTimer: NodeJS.Timeout | undefined;
  #nextMinute: Date | undefined;
  #stopped = false;
  readonly #logs = new Map<string, TranscriptLog>();
  #templates: FixerTemplates | undefined;
  /** What fixers cost, summed once per tick: per workspace, and today's (UTC) total. */
  readonly #settings = new Map<
    string,
    { global: object; overrides: object | undefined; value: RatchetSettings }
  >();
  #costs: { byWorkspace: Map<string, number>; day: number } = { byWorkspace: new Map(), day: 0 };

  constructor(deps: RatchetDeps) {
    this.#deps = deps;
    deps.sessions.onTurnEnded((session) => this.#turnEnded(session));
  }

  /** Runs ticks on a cron schedule (default every minute, `FF_RATCHET_CRON` to change). */
  start(schedule = EVERY_MINUTE): void {
    // Set up just after the agent starts listening (the first tick is a minute away anyway). Every
    // minute, the default, is a timer to the next minute: cron and luxon (280 KB) load only for
    // another schedule.
    this.#stopped = false;
    this.#starting = setImmediate(() => {
      this.#starting = undefined;
      if (schedule === EVERY_MINUTE) return this.#everyMinute();
      void loadCron().then(({ CronJob }) => {
        if (this.#stopped) return;
        this.#job = CronJob.from({ cronTime: schedule, onTick: () => this.#scheduledTick(), start: true });
      });
    });
  }

  #everyMinute(): void {
    if (this.#stopped) return;
    const next = (Math.floor(Date.now() / 60_000) + 1) * 60_000;
    this.#nextMinute = new Date(next);
    this.#minuteTimer = setTimeout(() => {
      this.#scheduledTick();
      this.#everyMinute();
    }, next - Date.now());
  }

  #scheduledTick(): void {
    void this.tick().catch((error) => this.#deps.log.error('Ratchet tick failed', error));
  }

  stop(): Promise<TickResult | undefined> {
    this.#stopped = true;
    if (this.#starting) clearImmediate(this.#starting);
    this.#starting = undefined;
    clearTimeout(this.#minuteTimer);
    this.#nextMinute = undefined;
    void this.#job?.stop();
    const running = this.#running;
    return this.#queue.then(() => {
      for (const log of this.#logs.values()) log.close();
      this.#logs.clear();
      return running;
    });
  }

  get nextTickAt(): string | undefined {
    if (this.#nextMinute) return this.#nextMinute.toISOString();
    const next = this.#job?.nextDate();
    return next ? next.toJSDate().toISOString() : undefined;
  }

  tick(): Promise<TickResult> {
    this.#running ??= this.#queued(() => this.#tick()).finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  /**
   * One PR looked at now, outside the schedule: a fresh snapshot of the
   * workspace's PR, then the same decision and action a tick takes. Asked
   * twice before it runs, it runs once.
   */
  lookAt(workspaceId: string): Promise<RatchetDecision | undefined> {
    if (this.#looking.has(workspaceId)) return Promise.resolve(undefined);
    this.#looking.add(workspaceId);
    return this.#queued(() => {
      this.#looking.delete(workspaceId);
      return this.#lookAt(workspaceId);
    });
  }

  #queued<T>(work: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(work);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /**
   * A fixer's turn ended on a round of review threads: its replies go out
   * now, not at the next tick (which stays the fallback, e.g. while its push
   * has not reached GitHub yet).
   */
  #turnEnded(session: Session): void {
    if (this.#stopped || session.kind !== 'ratchet' || session.status !== 'idle') return;
    const workspace = this.#deps.state.data.workspaces.find(
      (w) => w.ratchet.threadRound?.sessionId === session.id,
    );
    if (!workspace) return;
    this.lookAt(workspace.id).catch((error: unknown) =>
      this.#deps.log.warn(`Ratchet: replies of ${workspace.id} wait for the next tick (${errorText(error)})`),
    );
  }

  async #lookAt(workspaceId: string): Promise<RatchetDecision | undefined> {
    if (this.#stopped) return undefined;
    const workspace = this.#tracked().find((w) => w.id === workspaceId);
    if (!workspace?.pr || !this.settingsFor(workspace.projectId).enabled) return undefined;
    const github = this.#deps.github.forHost(this.#hostOf(workspace)!);
    const viewerLogin = await github.viewerLogin();
    this.#costs = this.#fixerCosts(new Date().toISOString().slice(0, 10));
    const snapshot = await this.#snapshot(github, workspace);
    return snapshot ? this.#handleAndShow(github, workspaceId, snapshot, viewerLogin) : undefined;
  }

  /** One PR's snapshot (a warning and undefined when GitHub has none for it). */
  async #snapshot(github: GitHub, workspace: Workspace): Promise<PrSnapshot | undefined> {
    const nodeId = workspace.pr!.nodeId;
    const { snapshots, errors } = await github.pullRequests([nodeId]);
    const snapshot = snapshots.get(nodeId);
    if (!snapshot) this.#deps.log.warn(`Ratchet: PR of ${workspace.id}: ${errors.get(nodeId)}`);
    return snapshot;
  }

  /**
   * Decides and acts on one PR; once its thread replies are all out, looks
   * again at once, so the PR's new state (threads resolved, review asked
   * again) is recorded and published now, not a tick later.
   */
  async #handleAndShow(
    github: GitHub,
    workspaceId: string,
    snapshot: PrSnapshot,
    viewerLogin: string,
  ): Promise<RatchetDecision | undefined> {
    const decision = await this.#handle(github, workspaceId, snapshot, viewerLogin);
    if (decision?.action !== 'reply-threads') return decision;
    const workspace = this.#deps.workspaces.find(workspaceId);
    if (workspace.ratchet.outbox.length > 0) return decision; // a call failed: the next tick retries
    const fresh = await this.#snapshot(github, workspace);
    if (fresh) await this.#handle(github, workspaceId, fresh, viewerLogin);
    return decision;
  }

  settingsFor(projectId: string): RatchetSettings {
    const global = this.#deps.state.data.settings.ratchet;
    const overrides = this.#deps.projects.get(projectId)?.ratchet;
    // Parsed once per change, not once per PR per tick: setSettings replaces both objects.
    const cached = this.#settings.get(projectId);
    if (cached && cached.global === global && cached.overrides === overrides) return cached.value;
    const value = RatchetSettings.parse({ ...global, ...(overrides ?? {}) });
    this.#settings.set(projectId, { global, overrides, value });
    return value;
  }

  getSettings(projectRef?: string): { settings: RatchetSettings; overrides?: RatchetSettingsPatch } {
    if (!projectRef) return { settings: this.#deps.state.data.settings.ratchet };
    const project = this.#deps.projects.resolve(projectRef);
    return { settings: this.settingsFor(project.id), overrides: project.ratchet ?? {} };
  }

  async setSettings(
    patch: RatchetSettingsPatch,
    projectRef?: string,
  ): Promise<{ settings: RatchetSettings; overrides?: RatchetSettingsPatch }> {
    const projectId = projectRef ? this.#deps.projects.resolve(projectRef).id : undefined;
    await this.#deps.state.update((state) => {
      if (!projectId) {
        state.settings.ratchet = RatchetSettings.parse({ ...state.settings.ratchet, ...patch });
        return;
      }
      const project = state.projects.find((p) => p.id === projectId);
      if (project) project.ratchet = { ...(project.ratchet ?? {}), ...patch };
    });
    return this.getSettings(projectRef);
  }

  async setPaused(workspaceId: string, paused: boolean): Promise<WorkspaceRatchet> {
    this.#deps.workspaces.find(workspaceId);
    await this.#update(workspaceId, (r) => {
      r.paused = paused;
      delete r.pausedUntil;
      if (paused) r.pausedReason = 'paused by you';
      else {
        delete r.pausedReason;
        // Resuming after the attempt cap means "try again": fresh attempts.
        r.attempts = 0;
      }
      r.waiting = paused
        ? 'Paused by you: waiting for you to resume.'
        : 'Resumed: waiting for the next tick to look again.';
    });
    return this.#deps.workspaces.find(workspaceId).ratchet;
  }

  /** The decision log of one workspace, oldest first. */
  decisions(workspaceId: string, limit = 50): RatchetDecision[] {
    const log = this.#log(workspaceId);
    return log.readFrom(Math.max(0, log.lastSeq - limit)).map((e) => e.data as RatchetDecision);
  }

  async status(): Promise<RatchetStatus> {
    const others = this.#hosts().filter((host) => host !== GITHUB_COM);
    return {
      github: await this.#deps.github.forHost(GITHUB_COM).status(),
      ...(others.length > 0
        ? {
            hosts: await Promise.all(
              others.map(async (host) => ({ host, ...(await this.#deps.github.forHost(host).status()) })),
            ),
          }
        : {}),
      ...(this.#last ? { lastTick: this.#last } : {}),
      ...(this.nextTickAt ? { nextTickAt: this.nextTickAt } : {}),
      running: Boolean(this.#running),
      workspaces: this.#tracked().map((w) => ({
        workspaceId: w.id,
        branch: w.branch,
        project: this.#projectSlugOf(w),
        ...(w.pr ? { pr: w.pr } : {}),
        ratchet: w.ratchet,
      })),
    };
  }

  async #tick(): Promise<TickResult> {
    const started = Date.now();
    const result: TickResult = {
      ran: false,
      checked: 0,
      decisions: [],
      startedAt: new Date(started).toISOString(),
      durationMs: 0,
    };
    this.#costs = this.#fixerCosts(new Date(started).toISOString().slice(0, 10));
    const failures: string[] = [];
    const failed = (host: string, error: unknown) => {
      // GitHub trouble: skip this host's PRs, change nothing, say why.
      failures.push(
        error instanceof GitHubError || error instanceof AgentError ? error.message : String(error),
      );
      if (!(error instanceof GitHubError)) this.#deps.log.error(`Ratchet tick failed for ${host}`, error);
      else this.#deps.log.warn(`Ratchet tick skipped ${host}: ${error.message}`);
    };
    // The hosts are asked at once (a slow one does not delay the others); their PRs are then handled in turn.
    const looks = await Promise.all(
      this.#hosts().map((host) =>
        this.#look(host).then(
          (look) => ({ host, look }),
          (error: unknown) => {
            failed(host, error);
            return { host, look: undefined };
          },
        ),
      ),
    );
    for (const { host, look } of looks) {
      if (!look) continue;
      result.ran = true;
      try {
        for (const workspace of look.tracked) {
          const snapshot = look.snapshots.get(workspace.pr!.nodeId);
          if (!snapshot) {
            this.#deps.log.warn(`Ratchet: PR of ${workspace.id}: ${look.errors.get(workspace.pr!.nodeId)}`);
            continue;
          }
          result.checked++;
          const decision = await this.#handleAndShow(look.github, workspace.id, snapshot, look.viewerLogin);
          if (decision) result.decisions.push({ workspaceId: workspace.id, decision });
        }
      } catch (error) {
        failed(host, error);
      }
    }
    if (failures.length > 0) result.error = failures.join(' ');
    result.durationMs = Date.now() - started;
    this.#last = result;
    this.#deps.hub.publish('ratchet', { kind: 'tick', tick: result });
    return result;
  }

  /** Workspaces the ratchet looks after: ready, not archived, in a known project. */
  #tracked(): Workspace[] {
    return this.#deps.state.data.workspaces.filter(
      (w) => w.status === 'ready' && this.#deps.projects.get(w.projectId) !== undefined,
    );
  }

  /**
   * The GitHub hosts a tick talks to: those of the registered projects
   * (github.com when there are none, so a tick still checks the token).
   */
  #hosts(): string[] {
    const hosts = new Set(this.#deps.projects.list().map((p) => p.host.toLowerCase()));
    return hosts.size > 0 ? [...hosts] : [GITHUB_COM];
  }

  #hostOf(workspace: Workspace): string | undefined {
    return this.#deps.projects.get(workspace.projectId)?.host.toLowerCase();
  }

  /** One host's part of a tick: its viewer, the PRs of its new workspaces, then snapshots of its tracked PRs. */
  async #look(host: string): Promise<HostLook> {
    const github = this.#deps.github.forHost(host);
    const viewerLogin = await github.viewerLogin();
    const onHost = () => this.#tracked().filter((w) => this.#hostOf(w) === host);
    await this.#discoverPullRequests(github, onHost());
    const tracked = onHost().filter((w) => w.pr && this.settingsFor(w.projectId).enabled);
    if (tracked.length === 0)
      return { github, viewerLogin, tracked, snapshots: new Map(), errors: new Map() };
    const { snapshots, errors } = await github.pullRequests(tracked.map((w) => w.pr!.nodeId));
    return { github, viewerLogin, tracked, snapshots, errors };
  }

  /** Finds the PR of each workspace that has none yet (after its session pushed), in one request. */
  async #discoverPullRequests(github: GitHub, workspaces: Workspace[]): Promise<void> {
    const without = workspaces.filter((w) => !w.pr);
    if (without.length === 0) return;
    const refs = await github.pullRequestsForBranches(
      without.map((w) => {
        const project = this.#deps.projects.get(w.projectId)!;
        return { owner: project.owner, repo: project.repo, branch: w.branch };
      }),
    );
    for (const [i, ref] of refs.entries()) {
      const workspace = without[i]!;
      if (!ref) continue;
      await this.#deps.workspaces.linkPullRequest(workspace.id, {
        number: ref.number,
        url: ref.url,
        nodeId: ref.id,
      });
      this.#deps.log.info(`Ratchet: workspace ${workspace.id} has PR #${ref.number}`);
    }
  }

  async #handle(
    github: GitHub,
    workspaceId: string,
    snapshot: PrSnapshot,
    viewerLogin: string,
  ): Promise<RatchetDecision | undefined> {
    const workspace = this.#deps.workspaces.find(workspaceId);
    const settings = this.settingsFor(workspace.projectId);
    const classification = classifyPullRequest(snapshot, {
      viewerLogin,
      allowedReviewers: settings.allowedReviewers,
    });
    const fixer = this.#fixerState(workspace.ratchet.fixerSessionId);
    const plan = this.#replyPlan(workspace.ratchet, snapshot, settings, fixer);
    const spent = { pr: this.#costs.byWorkspace.get(workspaceId) ?? 0, day: this.#costs.day };
    const decided = decideRatchetAction({
      ratchet: workspace.ratchet,
      classification,
      snapshot,
      settings,
      fixer,
      ...(plan?.ready ? { replies: plan.replies.length } : {}),
      ...(plan && !plan.ready ? { repliesWait: plan.reason } : {}),
      spent,
      now: new Date().toISOString(),
      ...(workspace.adopted?.fork ? { noPush: noPushReason(workspace) } : {}),
    });
    const decision: RatchetDecision = {
      action: decided.action,
      reason: decided.reason,
      state: classification.state,
      ...(decided.fingerprint ? { fingerprint: decided.fingerprint } : {}),
      headRefOid: snapshot.headRefOid,
      ...(decided.runIds ? { runIds: decided.runIds } : {}),
      at: new Date().toISOString(),
    };
    const previous = workspace.ratchet.lastDecision;
    const changed = !previous || previous.action !== decision.action || previous.reason !== decision.reason;

    // Record first (durably), then act: a restart mid-dispatch finds the fingerprint and never dispatches twice.
    // A "none" only refreshes what is shown; its write joins the others of this tick instead of being awaited.
    const recorded = this.#update(workspaceId, (r) => {
      r.state = classification.state;
      r.reason = classification.reason;
      r.checks = classification.checks;
      r.lastCheckedAt = decision.at;
      r.spentUsd = spent.pr;
      r.budgetUsd = settings.maxCostUsdPerPr;
      if (changed || decision.action !== 'none') r.lastDecision = decision;
      if (decision.fingerprint && (decision.action === 'start-fixer' || decision.action === 'tell-fixer')) {
        r.dispatched = [...r.dispatched, decision.fingerprint].slice(-MAX_FINGERPRINTS);
        r.attempts += 1;
        r.fixerState = classification.state;
        if (decision.action === 'start-fixer')
          r.pendingDispatch = { fingerprint: decision.fingerprint, at: decision.at };
        // Threads handed over: their replies are decided when the fixer's answering turn ends.
        const threadIds = classification.threads.flatMap((t) => (t.id ? [t.id] : []));
        if (classification.state === 'REVIEW_PENDING' && threadIds.length > 0) {
          const session =
            decision.action === 'tell-fixer'
              ? this.#deps.state.data.sessions.find((x) => x.id === r.fixerSessionId)
              : undefined;
          r.threadRound = {
            id: `${Date.parse(decision.at).toString(36)}${Math.random().toString(36).slice(2, 6)}`,
            ...(session ? { sessionId: session.id } : {}),
            head: snapshot.headRefOid,
            threadIds,
            turnsBefore: session ? session.turns + (fixer === 'busy' ? 1 : 0) : 0,
            reviewers: snapshot.reviews.flatMap((review) =>
              review.authorId && classification.changesRequestedBy.includes(review.author)
                ? [{ login: review.author, id: review.authorId }]
                : [],
            ),
            at: decision.at,
          };
        }
      }
      if (plan?.ready) {
        // Recorded before any reply is posted: from here each reply goes out once, whatever happens.
        const known = new Set([...r.replied, ...r.outbox.map((x) => x.key)]);
        r.outbox = [...r.outbox, ...plan.replies.filter((x) => !known.has(x.key))];
        delete r.threadRound;
      }
      if (decision.action === 'rerun-checks' && decision.runIds) {
        r.rerunRuns = [...r.rerunRuns, ...decision.runIds].slice(-MAX_RERUN_RUNS);
        r.reruns += decision.runIds.length;
      }
      if (decision.action === 'update-branch') r.updateRequestedFor = snapshot.headRefOid;
      if (decision.action === 'merge') r.mergeRequestedFor = snapshot.headRefOid;
      if (decision.action === 'pause') {
        r.paused = true;
        r.pausedReason = decided.pausedReason ?? `${settings.maxAttempts} fix attempts used`;
        if (decided.pausedUntil) r.pausedUntil = decided.pausedUntil;
        else delete r.pausedUntil;
      } else if (r.paused && r.pausedUntil && !pauseHolds(r, decision.at)) {
        // The day's budget pause is over (a new UTC day): the ratchet goes on by itself.
        r.paused = false;
        delete r.pausedReason;
        delete r.pausedUntil;
      }
      r.waiting = waitingSentence(
        decision,
        r.pausedReason,
        this.nextTickAt,
        r.paused ? r.pausedUntil : undefined,
      );
    });
    if (decision.action !== 'none' || plan?.ready) await recorded;
    else recorded.catch((error) => this.#deps.log.error(`Saving ratchet state of ${workspaceId}`, error));
    try {
      await this.#act(github, workspace, decision, snapshot, classification, settings);
    } catch (error) {
      decision.reason = `${decision.reason} Failed: ${errorText(error)}`;
      this.#deps.log.warn(`Ratchet ${workspaceId}: ${decision.reason}`);
      await this.#update(workspaceId, (r) => {
        r.lastDecision = decision;
      });
    }
    if (changed || decision.action !== 'none') {
      this.#log(workspaceId).append(decision);
      this.#deps.hub.publish('ratchet', { kind: 'decision', workspaceId, decision });
      this.#deps.log.info(
        `Ratchet ${workspaceId} PR #${snapshot.number}: ${decision.state} → ${decision.action}: ${decision.reason}`,
      );
    }
    return decision;
  }

  /**
   * What the failing checks said, for the fixer: their annotations and
   * output, and the tail of each failing Actions job's log. Best effort
   * (without it the prompt still names them).
   */
  async #checkDetails(
    github: GitHub,
    workspace: Workspace,
    classification: Classification,
  ): Promise<Map<string, string>> {
    if (classification.state !== 'CI_FAILED') return new Map();
    const warn = (what: string, error: unknown) =>
      this.#deps.log.warn(`Ratchet: no ${what} (${errorText(error)})`);
    const ids = classification.failingChecks.flatMap((c) => (c.nodeId ? [c.nodeId] : [])).slice(0, 20);
    const details = await github.checkRunDetails(ids).catch((error: unknown) => {
      warn('details of the failing checks', error);
      return new Map<string, string>();
    });
    const project = this.#deps.projects.get(workspace.projectId);
    const jobs = classification.failingChecks
      .filter((c) => c.nodeId && c.runId != null && c.workflowRunId != null)
      .slice(0, JOB_LOGS);
    await Promise.all(
      jobs.map(async (check) => {
        if (!project) return;
        try {
          const tail = await github.jobLog(project.owner, project.repo, check.runId!);
          if (!tail) return;
          const before = details.get(check.nodeId!);
          details.set(
            check.nodeId!,
            // The prompt frames all of a check's details as data (see prompts.ts).
            `${before ? `${before}\n` : ''}The end of its job's log:\n${tail}`,
          );
        } catch (error) {
          warn(`log of ${check.name}`, error);
        }
      }),
    );
    return details;
  }

  /**
   * Once the fixer's turn on a round of threads has ended: the replies to
   * post (or why they wait). Undefined when no round waits on a finished turn.
   */
  #replyPlan(
    ratchet: WorkspaceRatchet,
    snapshot: PrSnapshot,
    settings: RatchetSettings,
    fixer: 'none' | 'busy' | 'idle',
  ): ReplyPlan | undefined {
    const round = ratchet.threadRound;
    if (!round?.sessionId || fixer === 'busy') return undefined;
    const session = this.#deps.state.data.sessions.find((s) => s.id === round.sessionId);
    if (!session || session.turns <= round.turnsBefore) return undefined;
    return planThreadReplies(round, this.#finalText(session.id), snapshot, settings);
  }

  /** The fixer's final message of its latest turn (the CLI's result line). */
  #finalText(sessionId: string): string {
    const { events } = this.#deps.sessions.events(sessionId, 0, 400);
    for (let i = events.length - 1; i >= 0; i--) {
      const event = events[i]!.event;
      const result = event.kind === 'claude' ? event.entries.find((e) => e.type === 'result') : undefined;
      if (result?.type === 'result') return result.text ?? '';
    }
    return '';
  }

  /**
   * Posts the replies recorded in the outbox, one by one: each is marked
   * posted (durably) right after GitHub takes it, and one GitHub took but
   * we never marked is found by its hidden marker — so no reply goes out
   * twice, across restarts and retries.
   */
  async #postReplies(github: GitHub, workspaceId: string, snapshot: PrSnapshot): Promise<void> {
    const mark = (key: string, change: (reply: WorkspaceRatchet['outbox'][number]) => void) =>
      this.#update(workspaceId, (r) => {
        const reply = r.outbox.find((x) => x.key === key);
        if (reply) change(reply);
      });
    for (const reply of this.#deps.workspaces.find(workspaceId).ratchet.outbox) {
      const open = snapshot.unresolvedThreads.some((t) => t.id === reply.threadId);
      if (!reply.posted) {
        if (open && !alreadyReplied(snapshot, reply)) await github.replyToThread(reply.threadId, reply.body);
        await mark(reply.key, (x) => {
          x.posted = true;
          if (!open) x.resolved = true; // resolved by someone else meanwhile: nothing to post or resolve
        });
      }
      if (open && reply.resolve && !reply.resolved) {
        await github.resolveThread(reply.threadId);
        await mark(reply.key, (x) => {
          x.resolved = true;
        });
      }
    }
    for (const reply of this.#deps.workspaces.find(workspaceId).ratchet.outbox) {
      if (!reply.requestReviews) continue;
      await github.requestReviews(reply.requestReviews.pullRequestId, reply.requestReviews.userIds);
      await mark(reply.key, (x) => {
        delete x.requestReviews;
      });
    }
    await this.#update(workspaceId, (r) => {
      const done = r.outbox.filter((x) => x.posted && (!x.resolve || x.resolved) && !x.requestReviews);
      r.outbox = r.outbox.filter((x) => !done.includes(x));
      r.replied = [...r.replied, ...done.map((x) => x.key)].slice(-MAX_REPLIED);
      r.threadsHandled += done.length;
    });
  }

  /** What each workspace's fixer sessions cost, and all fixers' cost today (UTC). */
  #fixerCosts(today: string): { byWorkspace: Map<string, number>; day: number } {
    const byWorkspace = new Map<string, number>();
    let day = 0;
    for (const session of this.#deps.state.data.sessions) {
      if (session.kind !== 'ratchet') continue;
      byWorkspace.set(session.workspaceId, (byWorkspace.get(session.workspaceId) ?? 0) + session.costUsd);
      if (session.createdAt.startsWith(today)) day += session.costUsd;
    }
    return { byWorkspace, day };
  }

  async #act(
    github: GitHub,
    workspace: Workspace,
    decision: RatchetDecision,
    snapshot: PrSnapshot,
    classification: Classification,
    settings: RatchetSettings,
  ): Promise<void> {
    switch (decision.action) {
      case 'rerun-checks': {
        const project = this.#deps.projects.get(workspace.projectId)!;
        for (const runId of decision.runIds ?? [])
          await github.rerunFailedJobs(project.owner, project.repo, runId);
        return;
      }
      case 'update-branch':
        await github.updateBranch(snapshot.nodeId, snapshot.headRefOid);
        return;
      case 'reply-threads':
        await this.#postReplies(github, workspace.id, snapshot);
        return;
      case 'start-fixer': {
        const session = await this.#deps.sessions.start({
          workspaceId: workspace.id,
          kind: 'ratchet',
          title: `ratchet: ${classification.state}`,
          permissionMode: settings.permissionMode,
          // Review comments by people outside the repo steer the fixer: then it asks first.
          ...permissionForOutsideText(
            outsideAuthors({ comments: classification.reviewComments }),
            this.#deps.state.data.settings.trustOutsideAuthors,
          ),
          prompt: renderFixerPrompt(
            this.#fixerTemplates(),
            classification.state,
            snapshot,
            classification,
            await this.#checkDetails(github, workspace, classification),
          ),
        });
        decision.sessionId = session.id;
        await this.#update(workspace.id, (r) => {
          r.fixerSessionId = session.id;
          delete r.pendingDispatch;
          r.lastDecision = decision;
          if (r.threadRound && !r.threadRound.sessionId) r.threadRound.sessionId = session.id;
        });
        return;
      }
      case 'tell-fixer': {
        const sessionId = workspace.ratchet.fixerSessionId!;
        const prompt = renderFixerPrompt(
          this.#fixerTemplates(),
          classification.state,
          snapshot,
          classification,
          await this.#checkDetails(github, workspace, classification),
        );
        this.#deps.sessions.send(sessionId, `New on the pull request — this comes first now.\n\n${prompt}`);
        decision.sessionId = sessionId;
        return;
      }
      case 'merge':
        await github.merge(snapshot.nodeId, snapshot.headRefOid, settings.mergeMethod);
        return;
      default:
        return;
    }
  }

  #fixerState(sessionId: string | undefined): 'none' | 'busy' | 'idle' {
    if (!sessionId) return 'none';
    const session = this.#deps.state.data.sessions.find((s) => s.id === sessionId);
    if (!session) return 'none';
    if (['starting', 'running', 'waiting-permission'].includes(session.status)) return 'busy';
    if (session.status === 'idle' || session.status === 'interrupted') return 'idle';
    return 'none';
  }

  #fixerTemplates(): FixerTemplates {
    this.#templates ??= loadFixerTemplates(this.#deps.promptsDir);
    return this.#templates;
  }

  async #update(workspaceId: string, change: (ratchet: WorkspaceRatchet) => void): Promise<void> {
    await this.#deps.state.update((state) => {
      const workspace = state.workspaces.find((w) => w.id === workspaceId);
      if (workspace) change(workspace.ratchet);
    });
    const workspace = this.#deps.workspaces.find(workspaceId);
    this.#deps.hub.publish(`workspace:${workspaceId}`, { kind: 'ratchet', ratchet: workspace.ratchet });
  }

  #log(workspaceId: string): TranscriptLog {
    let log = this.#logs.get(workspaceId);
    if (!log) {
      log = TranscriptLog.open(join(this.#deps.paths.root, 'ratchet', `${workspaceId}.jsonl`));
      this.#logs.set(workspaceId, log);
    }
    return log;
  }

  #projectSlugOf(workspace: Workspace): string {
    const project = this.#deps.projects.get(workspace.projectId);
    return project ? projectSlug(project) : '';
  }
}
