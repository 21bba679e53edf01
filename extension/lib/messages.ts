/**
 * What extension pages and content scripts ask the background worker. The
 * worker owns the one agent connection and the token; pages never see it.
 */
import { z } from 'zod';

export const ConnectionStatus = z.enum([
  'connecting',
  'connected',
  'agent-not-running',
  'not-paired',
  'protocol-mismatch',
]);
export type ConnectionStatus = z.infer<typeof ConnectionStatus>;

export const ConnectionState = z.object({
  status: ConnectionStatus,
  /** What to do about it, ready to show. */
  message: z.string(),
  agentVersion: z.string().optional(),
  port: z.number().int(),
});
export type ConnectionState = z.infer<typeof ConnectionState>;

export const PairingInput = z.object({
  port: z.number().int().min(1).max(65535),
  token: z.string().regex(/^[0-9a-f]{64}$/, 'the token is 64 hex characters (from agent.json)'),
});
export type PairingInput = z.infer<typeof PairingInput>;

export const BackgroundRequest = z.discriminatedUnion('type', [
  z.object({ type: z.literal('connection.get') }),
  z.object({ type: z.literal('connection.pair'), pairing: PairingInput }),
]);
export type BackgroundRequest = z.infer<typeof BackgroundRequest>;
