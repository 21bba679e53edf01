import { browser } from 'wxt/browser';
import { z } from 'zod';
import { NATIVE_HOST_NAME } from '../../../shared/extension-identity.js';
import type { NativePairing } from '../agent-connection.js';
import { PairingInput } from '../port-schemas.js';

/** The native host's answer to `ensureAgent` (native-host/host.ts) when the agent runs: its port and token. */
const RunningAgent = PairingInput.extend({ ok: z.literal(true) });

/**
 * Zero-config pairing: the native messaging host `ff-agent install` registers
 * knows the agent's port and token, and starts the agent when it is not
 * running. Undefined when it answers anything else (an agent that did not
 * start, an older host); a browser without the host throws, and the
 * connection falls back to manual pairing.
 */
export const askNativeHost: NativePairing = async () => {
  const answer: unknown = await browser.runtime.sendNativeMessage(NATIVE_HOST_NAME, { type: 'ensureAgent' });
  const running = RunningAgent.safeParse(answer);
  return running.success ? { port: running.data.port, token: running.data.token } : undefined;
};
