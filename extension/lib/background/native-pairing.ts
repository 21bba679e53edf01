import { browser } from 'wxt/browser';
import { z } from 'zod';
import { NATIVE_HOST_NAME } from '../../../shared/extension-identity.js';
import type { NativeAnswer, NativeHost } from '../agent-connection.js';
import { PairingInput } from '../port-schemas.js';

/**
 * The native host's answer (native-host/host.ts): `ensureAgent` and
 * `getConnection` answer `running` with the port and token when the agent
 * runs; `getConnection` answers for a stopped agent too, with agent.json's
 * port and token (null when it has none); a failed start answers `ok: false`.
 */
const Answer = z.object({
  ok: z.literal(true),
  running: z.boolean(),
  port: PairingInput.shape.port.nullable().optional(),
  token: PairingInput.shape.token.nullable().optional(),
});

async function ask(type: 'ensureAgent' | 'getConnection'): Promise<NativeAnswer | undefined> {
  const answer: unknown = await browser.runtime.sendNativeMessage(NATIVE_HOST_NAME, { type });
  const parsed = Answer.safeParse(answer);
  if (!parsed.success) return undefined;
  const { running, port, token } = parsed.data;
  return {
    running,
    ...(port != null ? { port } : {}),
    ...(port != null && token != null ? { pairing: { port, token } } : {}),
  };
}

/**
 * Zero-config pairing: the native messaging host `ff-agent install`
 * registers knows the agent's port and token, and starts the agent when it
 * is not running. When the start fails, what agent.json says is still asked
 * (the port and token the agent will have). A browser without the host
 * throws, and the connection falls back to manual pairing.
 */
export const nativeHost: NativeHost = {
  ensureAgent: async () => {
    const started = await ask('ensureAgent');
    if (started?.running) return started;
    return (await ask('getConnection')) ?? { running: false };
  },
  connection: async () => (await ask('getConnection')) ?? { running: false },
};
