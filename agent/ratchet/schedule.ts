import type { CronJob } from 'cron';
import type { RatchetDecision, TickResult } from '../../shared/ratchet.js';
import type { Logger } from '../logger.js';
import { loadCron } from './load-cron.js';

/** The default schedule (cron with seconds): at second 0 of every minute. */
export const EVERY_MINUTE = '0 * * * * *';

/** A minute: the default schedule's step. */
const MINUTE_MS = 60_000;

/** The work the schedule runs: a tick over every tracked PR (`scheduled` when the timer asked), or a look at one workspace's PR. */
export interface ScheduledWork {
  tick(options?: { scheduled?: boolean }): Promise<TickResult>;
  lookAt(workspaceId: string): Promise<RatchetDecision | undefined>;
}

/**
 * When the ratchet works, and that it does one thing at a time. Ticks come
 * from a timer (every minute, the default) or a cron schedule, and on
 * demand. Ticks and looks at one PR run one after another, never at once:
 * two never act on a PR together, so a reply goes out once and a workspace
 * gets one fixer even when ticks are asked for concurrently. A tick asked
 * for while one is queued or running joins it — except that one asked for
 * now does not join a scheduled one (which may leave out a host whose GitHub
 * budget spaces its looks); a look at a PR asked for while one is queued
 * joins it.
 */
export class RatchetSchedule {
  readonly #work: ScheduledWork;
  readonly #log: Logger;
  /** The end of the queue of work. */
  #queue: Promise<unknown> = Promise.resolve();
  #ticking: { result: Promise<TickResult>; scheduled: boolean } | undefined;
  #stepMs = MINUTE_MS;
  /** Workspaces whose look at one PR is queued. */
  readonly #looking = new Set<string>();
  #stopped = false;
  #starting: NodeJS.Immediate | undefined;
  #minuteTimer: NodeJS.Timeout | undefined;
  #nextMinute: Date | undefined;
  #job: CronJob | undefined;

  constructor(work: ScheduledWork, log: Logger) {
    this.#work = work;
    this.#log = log;
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
      void loadCron().then(
        ({ CronJob }) => {
          if (this.#stopped) return;
          this.#job = CronJob.from({ cronTime: schedule, onTick: () => this.#scheduledTick(), start: true });
          const [first, second] = this.#job.nextDates(2);
          if (first && second) this.#stepMs = Math.max(1000, second.toMillis() - first.toMillis());
        },
        (error: unknown) => this.#log.error('Ratchet: could not load cron; no scheduled ticks', error),
      );
    });
  }

  /** No more ticks or looks; resolves once the work already queued is done. */
  stop(): Promise<void> {
    this.#stopped = true;
    if (this.#starting) clearImmediate(this.#starting);
    this.#starting = undefined;
    clearTimeout(this.#minuteTimer);
    this.#nextMinute = undefined;
    void this.#job?.stop();
    return this.#queue.then(() => undefined);
  }

  get stopped(): boolean {
    return this.#stopped;
  }

  /** The tick queued or running, if any (what `stop` leaves to finish). */
  get running(): Promise<TickResult> | undefined {
    return this.#ticking?.result;
  }

  /** How far apart scheduled ticks are (ms): a minute, or the cron schedule's step. */
  get stepMs(): number {
    return this.#stepMs;
  }

  get nextTickAt(): string | undefined {
    if (this.#nextMinute) return this.#nextMinute.toISOString();
    const next = this.#job?.nextDate();
    return next ? next.toJSDate().toISOString() : undefined;
  }

  /** A tick asked for now, after the work queued before it; joins one asked for now that is queued or running. */
  tick(): Promise<TickResult> {
    return this.#tick(false);
  }

  #tick(scheduled: boolean): Promise<TickResult> {
    if (this.#ticking && (scheduled || !this.#ticking.scheduled)) return this.#ticking.result;
    const result: Promise<TickResult> = this.#queued(() => this.#work.tick({ scheduled })).finally(() => {
      if (this.#ticking?.result === result) this.#ticking = undefined;
    });
    this.#ticking = { result, scheduled };
    return result;
  }

  /** A look at one workspace's PR, after the work queued before it. Asked twice before it runs, it runs once. */
  lookAt(workspaceId: string): Promise<RatchetDecision | undefined> {
    if (this.#looking.has(workspaceId)) return Promise.resolve(undefined);
    this.#looking.add(workspaceId);
    return this.#queued(() => {
      this.#looking.delete(workspaceId);
      return this.#work.lookAt(workspaceId);
    });
  }

  #queued<T>(work: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(work);
    // The queue only orders work: a failure is its caller's to handle (through `run`), and must
    // not stop the work queued after it.
    this.#queue = run.catch(() => undefined);
    return run;
  }

  #everyMinute(): void {
    if (this.#stopped) return;
    const next = (Math.floor(Date.now() / MINUTE_MS) + 1) * MINUTE_MS;
    this.#nextMinute = new Date(next);
    this.#minuteTimer = setTimeout(() => {
      this.#scheduledTick();
      this.#everyMinute();
    }, next - Date.now());
  }

  #scheduledTick(): void {
    void this.#tick(true).catch((error) => this.#log.error('Ratchet tick failed', error));
  }
}
