import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { writeFileAtomic } from './atomic-file.js';
import type { HomePaths } from './home.js';

/**
 * `agent.json`: how clients find and authenticate to the running agent.
 * Mode 0600 — the token is the only thing standing between the socket and
 * any other local program.
 */
export const AgentFileSchema = z.lazy(() =>
  z.object({
    port: z.number().int().min(0).max(65535),
    token: z.string().regex(/^[0-9a-f]{64}$/),
    /** Set while an agent runs; cleared on a clean shutdown. */
    pid: z.number().int().positive().optional(),
    version: z.string(),
    startedAt: z.string().optional(),
    /** How it was started (FF_LAUNCHED_BY), so `stop` and `restart` go through the same way. */
    launchedBy: z.enum(['systemd', 'launchd', 'login', 'detached', 'terminal']).optional(),
  }),
);
export type AgentFile = z.infer<typeof AgentFileSchema>;

export function readAgentFile(paths: HomePaths): AgentFile | undefined {
  let text: string;
  try {
    text = readFileSync(paths.agentFile, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const parsed = AgentFileSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

export function writeAgentFile(paths: HomePaths, file: AgentFile): void {
  writeFileAtomic(paths.agentFile, `${JSON.stringify(AgentFileSchema.parse(file), null, 2)}\n`, 0o600);
}

/** The token is generated once per home and kept across restarts, so a paired extension stays paired. */
export function newToken(): string {
  return randomBytes(32).toString('hex');
}
