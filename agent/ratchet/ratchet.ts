import { projectSlug, type Session, type Workspace } from '../../shared/domain.js';
import { errorText } from '../../shared/error-text.js';
import type {
  GitHubConnection,
  RatchetDecision,
  RatchetSettings,
  RatchetSettingsPatch,
  RatchetStatus,
  TickResult,
  WorkspaceRatchet,
} from '../../shared/ratchet.js';
import type { Sessions } from '../claude/sessions.js';
import type { EventHub } from '../events/event-hub.js';
import { GITHUB_COM } from '../github/api-url.js';
import type { GitHubHosts } from '../github/hosts.js';
import type { Logger } from '../logger.js';
import type { HomePaths } from '../store/home.js';
import type { StateStore } from '../store/state-store.js';
import type { Projects } from '../workspaces/projects.js';
import type { Workspaces } from '../workspaces/workspaces.js';
import { applyUserPause } from './apply.js';
import { FixerBudget } from './budget.js';
import { Fixers } from './fixer.js';
import { handleAndShow } from './handle.js';
import { PullRequestLook } from './look.js';
import { LookPace, nextLookOf, paceWords } from './pace.js';
import { RatchetRecords } from './records.js';
import { EVERY_MINUTE, RatchetSchedule } from './schedule.js';
import { RatchetSettingsBook } from './settings.js';
import { fixerSpent, fixerTurnEnded, type SpendDeps } from './spend.js';
import { runTick, type TickDeps } from './tick.js';

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

/**
 * The ratchet: every minute (and on demand) one batched look at every
 * tracked PR, a pure classification and decision for each, then the action
 * — start or nudge the one fixer session, merge, pause. It composes the
 * parts, each in its own file: the schedule (schedule.ts: when, and one
 * thing at a time), the look (look.ts: what GitHub is asked), one PR's
 * handling (handle.ts: classify.ts, decide.ts and apply.ts are its pure
 * core), the effects (effects.ts, post-replies.ts, fixer.ts) and what is
 * kept (records.ts, settings.ts).
 */
export class Ratchet {
  readonly #deps: RatchetDeps;
  readonly #records: RatchetRecords;
  readonly #settings: RatchetSettingsBook;
  readonly #schedule: RatchetSchedule;
  /** What the parts share: the records, settings, fixers and the agent's modules they call. */
  readonly #parts: TickDeps;
  /** What watching fixers' spending needs: the parts, and a way to stop a turn. */
  readonly #spend: SpendDeps;
  #last: TickResult | undefined;

  constructor(deps: RatchetDeps) {
    this.#deps = deps;
    const { state, hub, log, workspaces, projects, sessions, promptsDir } = deps;
    const records = new RatchetRecords({ state, hub, log, workspaces, projects, root: deps.paths.root });
    const settings = new RatchetSettingsBook(state, projects);
    this.#records = records;
    this.#settings = settings;
    this.#schedule = new RatchetSchedule(
      { tick: (options) => this.#tick(options), lookAt: (id) => this.#lookAt(id) },
      log,
    );
    const budget = new FixerBudget({
      all: () => state.data.sessions,
      turnUsd: (id) => sessions.turnCostUsd(id) ?? 0,
    });
    this.#parts = {
      records,
      settings,
      look: new PullRequestLook({ github: deps.github, records, settings, workspaces, projects, log }),
      fixers: new Fixers({ state, sessions, projects, log, promptsDir }),
      budget,
      workspaces,
      projects,
      log,
      nextTickAt: () => this.nextTickAt,
      pace: new LookPace(),
      stepMs: () => this.#schedule.stepMs,
    };
    this.#spend = { budget, records, settings, workspaces, log, stopTurn: (id) => sessions.interrupt(id) };
    sessions.onTurnEnded((session) => this.#turnEnded(session));
    sessions.onSpend((session) => this.#spent(session, sessions.turnCostUsd(session.id) !== undefined));
  }

  /** Runs ticks on a cron schedule (default every minute, `FF_RATCHET_CRON` to change). */
  start(schedule = EVERY_MINUTE): void {
    this.#schedule.start(schedule);
  }

  /** No more ticks; resolves with the tick that was running, once the work queued is done. */
  async stop(): Promise<TickResult | undefined> {
    const running = this.#schedule.running;
    await this.#schedule.stop();
    this.#records.close();
    return running;
  }

  get nextTickAt(): string | undefined {
    return this.#schedule.nextTickAt;
  }

  tick(): Promise<TickResult> {
    return this.#schedule.tick();
  }

  /**
   * One PR looked at now, outside the schedule: a fresh snapshot of the
   * workspace's PR, then the same decision and action a tick takes. Asked
   * twice before it runs, it runs once.
   */
  lookAt(workspaceId: string): Promise<RatchetDecision | undefined> {
    return this.#schedule.lookAt(workspaceId);
  }

  settingsFor(projectId: string): RatchetSettings {
    return this.#settings.of(projectId);
  }

  getSettings(projectRef?: string): { settings: RatchetSettings; overrides?: RatchetSettingsPatch } {
    return this.#settings.get(projectRef);
  }

  setSettings(
    patch: RatchetSettingsPatch,
    projectRef?: string,
  ): Promise<{ settings: RatchetSettings; overrides?: RatchetSettingsPatch }> {
    return this.#settings.set(patch, projectRef);
  }

  async setPaused(workspaceId: string, paused: boolean): Promise<WorkspaceRatchet> {
    this.#records.get(workspaceId);
    await this.#records.update(workspaceId, (ratchet) => applyUserPause(ratchet, paused));
    return this.#records.get(workspaceId);
  }

  /** The decision log of one workspace, oldest first. */
  decisions(workspaceId: string, limit = 50): RatchetDecision[] {
    return this.#records.decisions(workspaceId, limit);
  }

  async status(): Promise<RatchetStatus> {
    const others = this.#records.hosts().filter((host) => host !== GITHUB_COM);
    return {
      github: await this.#connection(GITHUB_COM),
      ...(others.length > 0
        ? {
            hosts: await Promise.all(
              others.map(async (host) => ({ host, ...(await this.#connection(host)) })),
            ),
          }
        : {}),
      ...(this.#last ? { lastTick: this.#last } : {}),
      ...(this.nextTickAt ? { nextTickAt: this.nextTickAt } : {}),
      running: Boolean(this.#schedule.running),
      workspaces: this.#records.tracked().map((w) => ({
        workspaceId: w.id,
        branch: w.branch,
        project: this.#projectSlugOf(w),
        ...(w.pr ? { pr: w.pr } : {}),
        ratchet: w.ratchet,
      })),
    };
  }

  /** A host's GitHub connection, with how the ratchet paces its looks there when GitHub's budget spaces them. */
  async #connection(host: string): Promise<GitHubConnection> {
    const connection = await this.#deps.github.forHost(host).status();
    const pace = this.#parts.pace.of(host);
    const words = paceWords(pace);
    return words && pace.nextAt !== undefined
      ? { ...connection, pace: { words, nextLookAt: new Date(pace.nextAt).toISOString() } }
      : connection;
  }

  async #tick(options?: { scheduled?: boolean }): Promise<TickResult> {
    const result = await runTick(this.#parts, options);
    this.#last = result;
    this.#deps.hub.publish('ratchet', { kind: 'tick', tick: result });
    return result;
  }

  async #lookAt(workspaceId: string): Promise<RatchetDecision | undefined> {
    if (this.#schedule.stopped) return undefined;
    const workspace = this.#records.tracked().find((w) => w.id === workspaceId);
    if (!workspace?.pr || !this.#settings.of(workspace.projectId).enabled) return undefined;
    const host = this.#records.hostOf(workspace)!;
    const github = this.#deps.github.forHost(host);
    const viewerLogin = await github.viewerLogin();
    this.#parts.budget.count(new Date());
    const snapshot = await this.#parts.look.pullRequest(github, { id: workspace.id, pr: workspace.pr });
    if (!snapshot) return undefined;
    const nextLook = nextLookOf(this.#parts.pace.of(host));
    return handleAndShow(this.#parts, { github, workspaceId, snapshot, viewerLogin, nextLook });
  }

  /**
   * A fixer's turn ended on a round of review threads: its replies go out
   * now, not at the next tick (which stays the fallback, e.g. while its push
   * has not reached GitHub yet).
   */
  #turnEnded(session: Session): void {
    if (this.#schedule.stopped || session.kind !== 'ratchet') return;
    fixerTurnEnded(this.#spend, session).catch((error: unknown) =>
      this.#deps.log.warn(`Ratchet: spend of ${session.workspaceId} not shown (${errorText(error)})`),
    );
    if (session.status !== 'idle') return;
    const workspace = this.#deps.state.data.workspaces.find(
      (w) => w.ratchet.threadRound?.sessionId === session.id,
    );
    if (!workspace) return;
    this.lookAt(workspace.id).catch((error: unknown) =>
      this.#deps.log.warn(`Ratchet: replies of ${workspace.id} wait for the next tick (${errorText(error)})`),
    );
  }

  /** A fixer's running turn spent more, or one started: shown live, and stopped past its budget (spend.ts). */
  #spent(session: Session, turnRunning: boolean): void {
    if (this.#schedule.stopped || session.kind !== 'ratchet') return;
    fixerSpent(this.#spend, session, turnRunning).catch((error: unknown) =>
      this.#deps.log.warn(`Ratchet: spend of ${session.workspaceId} not checked (${errorText(error)})`),
    );
  }

  #projectSlugOf(workspace: Workspace): string {
    const project = this.#deps.projects.get(workspace.projectId);
    return project ? projectSlug(project) : '';
  }
}
