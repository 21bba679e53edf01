import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { RawData } from 'ws';
import { describeForeign, parseBoundedJson } from '../../shared/bounded-json.js';
import {
  type CloseReason,
  HELLO_TIMEOUT_MS,
  HelloFrame,
  MAX_FRAME_DEPTH,
  MAX_HELLO_BYTES,
  MAX_PENDING_HELLOS,
  PROTOCOL_VERSION,
  staleExtensionNotice,
  type WelcomeFrame,
} from '../../shared/protocol.js';
import type { Logger } from '../logger.js';
import { checkOrigin, isAllowedHost, tokensMatch } from './access.js';
import type { Connection } from './connection.js';
import type { RedeemResult } from './pairing-codes.js';

export interface AdmissionOptions {
  /** The current token (read on every hello, so re-pairing needs no restart). */
  token: () => string;
  allowedExtensionIds: () => readonly string[];
  log: Logger;
  agentVersion: string;
  instanceId: string;
  helloTimeoutMs?: number;
  /** Redeems a manual pairing code (single use); on `ok` the client gets the token in its welcome. */
  redeemPairingCode?: (code: string) => RedeemResult;
}

export type UpgradeVerdict =
  | { ok: true }
  | {
      ok: false;
      status: 403 | 503;
      message: string;
      /** For the log, when the refusal is worth a line. */
      warning?: string;
    };

/**
 * Whether an upgrade request may become a WebSocket — pure: Host (DNS
 * rebinding), then Origin (cross-site WebSocket hijacking), then the number
 * of connections still waiting to say hello. The extension ids are asked for
 * only once Host passed, as reading them may touch the disk.
 */
export function judgeUpgrade(
  headers: { host?: string | undefined; origin?: string | undefined },
  context: { port: number; allowedExtensionIds: () => readonly string[]; waitingForHello: number },
): UpgradeVerdict {
  if (!isAllowedHost(headers.host, context.port)) {
    return {
      ok: false,
      status: 403,
      message: 'Host not allowed',
      warning: `Refused a connection for Host ${describeForeign(headers.host ?? '')}`,
    };
  }
  const origin = checkOrigin(headers.origin, context.allowedExtensionIds());
  if (!origin.ok) {
    return {
      ok: false,
      status: 403,
      message: 'Origin not allowed',
      warning: `Refused a connection from Origin ${describeForeign(headers.origin, 120)}: ${origin.reason}`,
    };
  }
  if (context.waitingForHello >= MAX_PENDING_HELLOS) {
    return {
      ok: false,
      status: 503,
      message: 'Too many connections waiting to say hello; try again shortly',
    };
  }
  return { ok: true };
}

export type HelloVerdict =
  | { ok: true; hello: HelloFrame; pairedByCode: boolean }
  | {
      ok: false;
      reason: CloseReason;
      /** Why, for the log (nothing for a frame that is no hello at all). */
      why?: string;
    };

/** The close reason for each way a pairing code can fail. */
const REFUSED_CODE: Record<Exclude<RedeemResult, 'ok'>, CloseReason> = {
  used: 'pairing-code-used',
  expired: 'pairing-code-expired',
  unknown: 'bad-pairing-code',
};

/**
 * Judges a connection's first frame — pure but for redeeming a pairing code
 * (single use): a hello (text, JSON, at most MAX_HELLO_BYTES), with the
 * token or a pairing code, speaking our protocol version.
 */
export function judgeHello(
  text: string | undefined,
  context: {
    token: string;
    agentVersion: string;
    redeemPairingCode?: ((code: string) => RedeemResult) | undefined;
  },
): HelloVerdict {
  const parsed =
    text === undefined
      ? undefined
      : parseBoundedJson(text, { maxDepth: MAX_FRAME_DEPTH, maxChars: MAX_HELLO_BYTES });
  const hello = parsed?.ok ? HelloFrame.safeParse(parsed.value).data : undefined;
  if (!hello) return { ok: false, reason: 'hello-required' };
  const pairedByCode = hello.token === undefined && hello.pairingCode !== undefined;
  if (pairedByCode) {
    const redeemed = context.redeemPairingCode?.(hello.pairingCode!) ?? 'unknown';
    if (redeemed !== 'ok')
      return { ok: false, reason: REFUSED_CODE[redeemed], why: `${redeemed} pairing code` };
  } else if (!tokensMatch(hello.token ?? '', context.token)) {
    return { ok: false, reason: 'bad-token', why: 'bad token' };
  }
  if (hello.protocol !== PROTOCOL_VERSION) {
    return {
      ok: false,
      reason: 'protocol-mismatch',
      why: `${hello.client.name} ${hello.client.version} speaks protocol ${hello.protocol}, ff-agent ${context.agentVersion} speaks ${PROTOCOL_VERSION}; update ${hello.protocol < PROTOCOL_VERSION ? 'the extension' : 'ff-agent'}`,
    };
  }
  return { ok: true, hello, pairedByCode };
}

/** Answers a refused upgrade with a plain HTTP status and closes the socket: no WebSocket was made. */
function rejectUpgrade(socket: Duplex, status: 403 | 503, message: string): void {
  const body = `${message}\n`;
  const text = status === 403 ? 'Forbidden' : 'Service Unavailable';
  socket.end(
    `HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

/**
 * Who gets in: the checks before the upgrade (HTTP 403 or 503 otherwise),
 * then, per connection, the hello that must come first — within the hello
 * timeout and MAX_HELLO_BYTES — with the token or a pairing code. An admitted
 * connection is `authenticated` and gets its welcome.
 */
export class Admission {
  readonly #options: AdmissionOptions;
  #lastExtension: { version: string; seenAt: string } | undefined;

  constructor(options: AdmissionOptions) {
    this.#options = options;
  }

  /** The browser extension that said hello last: its version and when (for `status` and doctor). */
  get lastExtension(): { version: string; seenAt: string } | undefined {
    return this.#lastExtension;
  }

  /** True when the upgrade may go ahead; otherwise the socket has been answered and closed. */
  admitUpgrade(req: IncomingMessage, socket: Duplex, port: number, waitingForHello: number): boolean {
    const verdict = judgeUpgrade(req.headers, {
      port,
      allowedExtensionIds: this.#options.allowedExtensionIds,
      waitingForHello,
    });
    if (verdict.ok) return true;
    if (verdict.warning) this.#options.log.warn(verdict.warning);
    rejectUpgrade(socket, verdict.status, verdict.message);
    return false;
  }

  /**
   * Holds a new connection to its hello budget: closed when no hello came in
   * time, cut when it sends too many bytes first. Returns what ends the watch.
   */
  watch(connection: Connection, raw: Duplex): () => void {
    const helloTimer = setTimeout(() => {
      if (!connection.authenticated) connection.close('hello-timeout');
    }, this.#options.helloTimeoutMs ?? HELLO_TIMEOUT_MS);
    // Counted on the raw bytes, after ws has read them (so a hello and what follows it in one
    // packet count as authenticated): a client without the token is cut after a few KB, before
    // ws has buffered a big frame for it.
    const countBeforeHello = (chunk: Buffer) => {
      if (connection.authenticated) {
        raw.off('data', countBeforeHello);
        return;
      }
      connection.bytesBeforeHello += chunk.length;
      if (connection.bytesBeforeHello > MAX_HELLO_BYTES + 64) {
        raw.off('data', countBeforeHello);
        connection.cut('hello-too-big');
        connection.socket.terminate();
      }
    };
    raw.on('data', countBeforeHello);
    return () => clearTimeout(helloTimer);
  }

  /** A connection's first frame: admits it with a welcome, or closes it saying why. */
  hello(connection: Connection, data: RawData, isBinary: boolean): void {
    const options = this.#options;
    const verdict = judgeHello(isBinary ? undefined : data.toString(), {
      token: options.token(),
      agentVersion: options.agentVersion,
      redeemPairingCode: options.redeemPairingCode,
    });
    if (!verdict.ok) {
      if (verdict.why)
        options.log.warn(`Refused client ${connection.id} (${connection.client}): ${verdict.why}`);
      connection.close(verdict.reason);
      return;
    }
    const { hello, pairedByCode } = verdict;
    connection.authenticated = true;
    options.log.info(
      `Client ${connection.id} connected: ${hello.client.name} ${hello.client.version} (${connection.client})`,
    );
    const extension = connection.client !== 'cli';
    const notice = extension ? staleExtensionNotice(options.agentVersion, hello.client.version) : undefined;
    if (notice) options.log.warn(`Client ${connection.id}: ${notice}`);
    if (extension) this.#lastExtension = { version: hello.client.version, seenAt: new Date().toISOString() };
    const welcome: WelcomeFrame = {
      type: 'welcome',
      agentVersion: options.agentVersion,
      protocol: PROTOCOL_VERSION,
      instanceId: options.instanceId,
      ...(notice ? { notice } : {}),
      ...(pairedByCode ? { token: options.token() } : {}),
    };
    connection.sendFrame(welcome);
  }
}
