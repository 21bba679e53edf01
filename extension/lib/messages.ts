/**
 * What extension pages and content scripts say to the background worker over
 * a runtime port named "ff-agent". The worker owns the one agent connection
 * and the token; pages and GitHub pages never see it. The worker validates
 * requests with the schemas in port-schemas.ts.
 */
import type { ErrorInfo, EventFrame } from '../../shared/protocol.js';
import type { ConnectionState } from './port-schemas.js';

export type { ConnectionState, ConnectionStatus, PairingInput, PortRequest } from './port-schemas.js';

export const PORT_NAME = 'ff-agent';

export type PortMessage =
  | { type: 'result'; id: number; ok: true; result: unknown }
  | { type: 'result'; id: number; ok: false; error: ErrorInfo }
  /** Events in the order they came; several at once when they come fast (a replay). */
  | { type: 'events'; frames: EventFrame[] }
  | { type: 'connection'; state: ConnectionState };
