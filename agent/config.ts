import { ExtensionId } from '../shared/domain.js';
import { DEFAULT_AGENT_PORT } from '../shared/extension-identity.js';
import type { Logger } from './logger.js';
import type { LaunchedBy } from './login/install-plan.js';
import { loadCron } from './ratchet/load-cron.js';

// The agent's settings from flags and environment, checked before anything is locked,
// written or listening — pure.

/** How `ff-agent serve` (or a test) starts the agent. */
export interface StartAgentOptions {
  home?: string;
  /** From `--port`; wins over FF_AGENT_PORT (or FF_PORT), the saved port and the default. 0 = any free port. */
  port?: number;
  verbose?: boolean;
  env?: NodeJS.ProcessEnv;
  log?: Logger;
  heartbeatMs?: number;
  helloTimeoutMs?: number;
  /** `--restore-state <backup>`: start from this state file (the current one is kept aside). */
  restoreState?: string;
}

/**
 * How this agent was started: the login service's file, or `start`/the native host (detached),
 * set FF_LAUNCHED_BY; anything else was started by hand (a terminal, `npm start`).
 */
export function launchedBy(env: NodeJS.ProcessEnv): LaunchedBy {
  const value = env.FF_LAUNCHED_BY;
  return value === 'systemd' || value === 'launchd' || value === 'login' || value === 'detached'
    ? value
    : 'terminal';
}

/** A setting (env var, flag) that cannot be used: the agent says which and does not start. */
export class ConfigError extends Error {}

/**
 * Which port to listen on, and whether the user asked for it explicitly (an
 * explicit port that is taken is an error; the saved or default one falls
 * back to a free port, which is then saved).
 */
export function choosePort(
  flag: number | undefined,
  env: NodeJS.ProcessEnv,
  saved: number | undefined,
): { port: number; explicit: boolean } {
  if (flag !== undefined) return { port: flag, explicit: true };
  const [name, fromEnv] = agentPortVariable(env);
  if (fromEnv) {
    const port = Number(fromEnv);
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      throw new ConfigError(`${name} must be a port number (0-65535), got ${JSON.stringify(fromEnv)}.`);
    }
    return { port, explicit: true };
  }
  if (saved !== undefined && saved > 0) return { port: saved, explicit: false };
  return { port: DEFAULT_AGENT_PORT, explicit: false };
}

/**
 * The variable naming the agent's port: FF_AGENT_PORT, else FF_PORT (its older name) — but
 * not inside a workspace (FF_WORKSPACE_ID set), where FF_PORT is the workspace's app port and
 * an agent started from its terminal must not take it.
 */
function agentPortVariable(env: NodeJS.ProcessEnv): [string, string | undefined] {
  const own = env.FF_AGENT_PORT?.trim();
  if (own) return ['FF_AGENT_PORT', own];
  return ['FF_PORT', env.FF_WORKSPACE_ID ? undefined : env.FF_PORT?.trim()];
}

/** FF_EXTENSION_IDS: comma-separated extension ids (Chrome's 32 letters, or a Firefox add-on id) — pure. */
export function extensionIdsFromEnv(env: NodeJS.ProcessEnv): string[] {
  const ids = (env.FF_EXTENSION_IDS ?? '')
    .split(',')
    .map((id) => id.trim())
    .filter(Boolean);
  const bad = ids.filter((id) => !ExtensionId.safeParse(id).success);
  if (bad.length > 0)
    throw new ConfigError(
      `FF_EXTENSION_IDS has ${bad.map((id) => JSON.stringify(id)).join(', ')}, which ${bad.length === 1 ? 'is not an extension id' : 'are not extension ids'} (Chrome: 32 letters a–p, from chrome://extensions; Firefox: the add-on id).`,
    );
  return ids;
}

const DEFAULT_RATCHET_SCHEDULE = '0 * * * * *';

/** The ratchet's schedule from FF_RATCHET_CRON: six-field cron, `off`, or every minute when unset — pure. */
export async function ratchetSchedule(env: NodeJS.ProcessEnv): Promise<string> {
  const schedule = env.FF_RATCHET_CRON?.trim() || DEFAULT_RATCHET_SCHEDULE;
  if (schedule === 'off' || schedule === DEFAULT_RATCHET_SCHEDULE) return schedule; // no cron parse on a default start
  const { validateCronExpression } = await loadCron();
  const check = validateCronExpression(schedule);
  if (!check.valid)
    throw new ConfigError(
      `FF_RATCHET_CRON must be a cron schedule (with seconds, e.g. "0 * * * * *" for every minute) or "off", got ${JSON.stringify(schedule)}: ${check.error?.message ?? 'invalid'}.`,
    );
  return schedule;
}
