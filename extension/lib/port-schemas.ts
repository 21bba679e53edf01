/**
 * The zod schemas of the port protocol (see messages.ts). Only the worker and
 * extension pages import this file: the content script on GitHub stays free
 * of zod (a 100 KB difference) and uses the types from messages.ts.
 */
import { z } from 'zod';
import { normalizePairingCode, PairingCode, Topic } from '../../shared/protocol.js';

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
  /** What is wrong (or "Connected to ff-agent 0.1.0."): one plain sentence, ready to show. */
  message: z.string(),
  /** The one next step that fits (lib/connection-advice.ts): words, and a command to show as code. */
  nextStep: z.object({ text: z.string(), command: z.string().optional() }).optional(),
  agentVersion: z.string().optional(),
  /** The agent's port: the paired one, else what the native host read from agent.json, else the default. */
  port: z.number().int(),
  /** False when `port` is only the default (no pairing, no native host): the pair form asks for it then. */
  portKnown: z.boolean().optional(),
});
export type ConnectionState = z.infer<typeof ConnectionState>;

export const PairingInput = z.object({
  port: z.number().int().min(1).max(65535),
  token: z.string().regex(/^[0-9a-f]{64}$/, 'the token is 64 hex characters (from agent.json)'),
});
export type PairingInput = z.infer<typeof PairingInput>;

/** What a person typed into the pair form: a code from `ff-agent pair`, or the token from agent.json. */
export type PairingEntry =
  | { kind: 'code'; port: number; code: string }
  | { kind: 'token'; pairing: PairingInput }
  | { kind: 'invalid'; message: string };

export function parsePairingEntry(port: number, typed: string): PairingEntry {
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    return { kind: 'invalid', message: 'The port is a number from 1 to 65535 (ff-agent pair prints it).' };
  const text = typed.trim();
  if (/^[0-9a-f]{64}$/i.test(text)) return { kind: 'token', pairing: { port, token: text.toLowerCase() } };
  const code = normalizePairingCode(text);
  if (PairingCode.safeParse(code).success) return { kind: 'code', port, code };
  return {
    kind: 'invalid',
    message:
      text.length > 12
        ? 'The token is 64 hex characters (from agent.json).'
        : 'Enter the code ff-agent pair prints (like K7F2-9QX4), or the 64-character token from agent.json.',
  };
}

export const PortRequest = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('call'),
    id: z.number().int(),
    method: z.string().max(100),
    params: z.unknown().optional(),
  }),
  z.object({
    type: z.literal('subscribe'),
    topic: Topic,
    sinceSeq: z.number().int().nonnegative().optional(),
  }),
  z.object({ type: z.literal('unsubscribe'), topic: Topic }),
  z.object({ type: z.literal('pair'), id: z.number().int(), pairing: PairingInput }),
  z.object({ type: z.literal('reconnect'), id: z.number().int() }),
  z.object({
    type: z.literal('pair-code'),
    id: z.number().int(),
    port: z.number().int().min(1).max(65535),
    code: z.string().regex(/^[A-Za-z0-9]{4}-[A-Za-z0-9]{4}$/),
  }),
  /**
   * Opens a workspace's preview in a tab: the background asks the agent for
   * its URL here (`preview.open`: a remote's port forwarded through its ssh
   * link) and opens only a loopback http URL. Answered with `{ url }`.
   */
  z.object({
    type: z.literal('open-preview'),
    id: z.number().int(),
    workspaceId: z.string().min(1).max(100),
    port: z.number().int().min(1).max(65535),
  }),
  /** Opens an extension page in a tab (content scripts cannot). */
  z.object({
    type: z.literal('open'),
    page: z.enum(['options', 'popup', 'workspace', 'fleet']),
    hash: z.string().max(200).optional(),
    /** The workspace page's session to show (`?session=`). */
    session: z.string().max(100).optional(),
  }),
]);
export type PortRequest = z.infer<typeof PortRequest>;
