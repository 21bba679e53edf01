/**
 * What the remote's `ff-agent` prints when run over ssh, checked — pure. Its
 * JSON is the last line of stdout (a login shell may print a banner first).
 */
import { z } from 'zod';
import { PairingCode } from '../../shared/protocol.js';

const AgentStatusLine = z.object({
  running: z.boolean(),
  port: z.number().int().min(1).max(65535).optional(),
});
const PairLine = z.object({ code: PairingCode });

function lastJsonLine(stdout: string): unknown {
  try {
    return JSON.parse(stdout.trim().split('\n').at(-1) ?? '');
  } catch {
    return undefined; // not JSON: the caller says what was printed instead
  }
}

/** `ff-agent status --json`: whether the agent runs, and its port; undefined when it printed no status. */
export function parseAgentStatus(stdout: string): z.infer<typeof AgentStatusLine> | undefined {
  const parsed = AgentStatusLine.safeParse(lastJsonLine(stdout));
  return parsed.success ? parsed.data : undefined;
}

/** `ff-agent pair --json`: the pairing code; undefined when it printed none. */
export function parsePairingCode(stdout: string): string | undefined {
  const parsed = PairLine.safeParse(lastJsonLine(stdout));
  return parsed.success ? parsed.data.code : undefined;
}
