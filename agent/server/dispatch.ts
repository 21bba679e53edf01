import { describeForeign, parseBoundedJson, peekRequestId } from '../../shared/bounded-json.js';
import {
  AgentError,
  describeZodError,
  type ErrorInfo,
  isMethodName,
  MAX_FRAME_BYTES,
  MAX_FRAME_DEPTH,
  RequestFrame,
  type ResponseFrame,
} from '../../shared/protocol.js';
import type { Logger } from '../logger.js';
import { HomeAccessError } from '../store/fs-errors.js';
import type { MethodHandlers, RequestContext } from './agent-server.js';
import type { Connection, QueuedFrame } from './connection.js';
import { EncodedResult } from './encoded-result.js';
import { checkResult, parseParams } from './method-checks.js';
import type { Subscriptions } from './subscriptions.js';

/** The id to answer a frame with: a valid request id, or null when it has none. */
export function requestIdOf(json: unknown): ResponseFrame['id'] {
  if (typeof json !== 'object' || json === null) return null;
  const id = (json as { id?: unknown }).id;
  if (typeof id === 'string' && id.length > 0 && id.length <= 64) return id;
  if (typeof id === 'number' && Number.isInteger(id) && id >= 0) return id;
  return null;
}

export type ReadFrame =
  | { ok: true; request: RequestFrame }
  | { ok: false; id: ResponseFrame['id']; error: ErrorInfo };

/**
 * A frame from an admitted client, read as a request — pure: binary,
 * unparsable, too deep or too big, not a `req`, a second hello, or a request
 * of the wrong shape each get their own error, answered with the frame's id
 * when one can be found.
 */
export function readFrame(text: string | undefined): ReadFrame {
  if (text === undefined) {
    return {
      ok: false,
      id: null,
      error: { code: 'BAD_FRAME', message: 'Binary frames are not accepted; send JSON text.' },
    };
  }
  const parsed = parseBoundedJson(text, { maxDepth: MAX_FRAME_DEPTH, maxChars: MAX_FRAME_BYTES });
  if (!parsed.ok)
    return { ok: false, id: peekRequestId(text), error: { code: 'BAD_FRAME', message: parsed.message } };
  const json = parsed.value;
  const id = requestIdOf(json);
  const type = typeof json === 'object' && json !== null ? (json as { type?: unknown }).type : undefined;
  if (type !== 'req') {
    const message =
      type === 'hello'
        ? 'Already greeted: hello is only the first frame.'
        : `Unknown frame type ${describeForeign(type ?? null)}; expected "req".`;
    return { ok: false, id, error: { code: type === undefined ? 'BAD_FRAME' : 'UNKNOWN_TYPE', message } };
  }
  const frame = RequestFrame.safeParse(json);
  if (!frame.success) {
    return { ok: false, id, error: { code: 'BAD_FRAME', message: describeZodError('request', frame.error) } };
  }
  return { ok: true, request: frame.data };
}

/**
 * What a failed request answers — pure: an AgentError as it says; a state
 * file that cannot be written (disk full, read-only) as UNAVAILABLE, as the
 * person can fix that; anything else as INTERNAL, never a stack trace.
 * `logged`: whether the failure belongs in the agent's log.
 */
export function failureOf(method: string, error: unknown): { error: ErrorInfo; logged: boolean } {
  if (error instanceof AgentError) return { error: error.toInfo(), logged: false };
  if (error instanceof HomeAccessError)
    return { error: { code: 'UNAVAILABLE', message: error.message }, logged: true };
  return {
    error: { code: 'INTERNAL', message: `${method} failed inside ff-agent; details are in its log.` },
    logged: true,
  };
}

export interface DispatcherOptions {
  handlers: MethodHandlers;
  subscriptions: Subscriptions;
  log: Logger;
}

/**
 * Answers one request frame: subscriptions by the server itself, every
 * other method by the handler a module registered, its params and its
 * result checked against the protocol's schemas. Nothing a client sends
 * throws out of here: each bad frame gets an error response.
 */
export class Dispatcher {
  readonly #options: DispatcherOptions;

  constructor(options: DispatcherOptions) {
    this.#options = options;
  }

  async handle(connection: Connection, { data, isBinary }: QueuedFrame): Promise<void> {
    const read = readFrame(isBinary ? undefined : data.toString());
    if (!read.ok) {
      connection.reply(read.id, { error: read.error });
      return;
    }
    const { id: requestId, method, params } = read.request;
    try {
      if (!isMethodName(method)) {
        throw new AgentError('UNKNOWN_METHOD', `Unknown method ${describeForeign(method)}.`);
      }
      const subscriptions = this.#options.subscriptions;
      if (method === 'subscribe') {
        await subscriptions.subscribe(connection, requestId, params);
        return;
      }
      if (method === 'unsubscribe') {
        connection.reply(requestId, { result: subscriptions.unsubscribe(connection, params) });
        return;
      }
      const handler = this.#options.handlers[method] as (p: unknown, c: RequestContext) => unknown;
      const result = await handler(parseParams(method, params), { connection });
      // A result relayed unread is the remote's to have checked (encoded-result.ts).
      connection.reply(requestId, {
        result: result instanceof EncodedResult ? result : checkResult(method, result),
      });
    } catch (error) {
      const failure = failureOf(method, error);
      if (failure.logged) this.#options.log.error(`${method} failed`, error);
      connection.reply(requestId, { error: failure.error });
    }
  }
}
