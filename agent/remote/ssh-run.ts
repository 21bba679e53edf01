import { execFile } from 'node:child_process';
import { createServer } from 'node:net';

/** The system OpenSSH client (`FF_SSH_BIN` for tests and unusual installs). */
export const SSH = process.env.FF_SSH_BIN || 'ssh';

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs ssh with these arguments (never a shell); resolves with its exit code and output, also when it fails. */
export function runSsh(args: string[], timeoutMs = 20_000): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(SSH, args, { timeout: timeoutMs, maxBuffer: 1 << 20 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 255) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

/** A loopback port free right now, for the forward to a remote agent. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}
