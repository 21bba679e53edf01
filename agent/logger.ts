import { createWriteStream, mkdirSync, renameSync, statSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { inertText } from '../shared/inert-text.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  /** Errors keep their stack here — and only here, never on the wire. */
  error(message: string, error?: unknown): void;
  close(): Promise<void>;
}

/** Rotates once the file passes this size at start-up; one previous file is kept. */
const MAX_LOG_BYTES = 10 * 1024 * 1024;

/** `logs/agent.log` always; stderr too with `--verbose`. */
export function createLogger(logsDir: string, options: { verbose?: boolean; name?: string } = {}): Logger {
  mkdirSync(logsDir, { recursive: true });
  const file = join(logsDir, `${options.name ?? 'agent'}.log`);
  try {
    if (statSync(file).size > MAX_LOG_BYTES) renameSync(file, `${file}.1`);
  } catch {
    // no log yet
  }
  const stream: WriteStream = createWriteStream(file, { flags: 'a', mode: 0o600 });
  const write = (level: LogLevel, message: string) => {
    // Messages quote GitHub (check names, errors) and `ff-agent logs` prints them on a terminal: inert.
    const line = `${new Date().toISOString()} ${level.toUpperCase().padEnd(5)} ${inertText(message)}\n`;
    stream.write(line);
    if (options.verbose) process.stderr.write(line);
  };
  return {
    debug: (message) => {
      if (options.verbose) write('debug', message);
    },
    info: (message) => write('info', message),
    warn: (message) => write('warn', message),
    error: (message, error) => {
      const detail =
        error instanceof Error ? `\n${error.stack ?? error.message}` : error ? ` ${String(error)}` : '';
      write('error', `${message}${detail}`);
    },
    close: () => new Promise((resolve) => stream.end(resolve)),
  };
}

/** For tests and tools that want no output. */
export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  close: async () => {},
};
