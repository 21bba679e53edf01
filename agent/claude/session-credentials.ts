// The GitHub token a trusted sandboxed session pushes and runs gh with: the one ff itself uses
// for the project's host (agent/github/token.ts), found once per host and kept for resumes.
import { discoverToken, tokenFromEnv } from '../github/token.js';

export class SessionCredentials {
  readonly #env: NodeJS.ProcessEnv;
  readonly #found = new Map<string, string>();
  readonly #looking = new Map<string, Promise<void>>();

  constructor(env: NodeJS.ProcessEnv) {
    this.#env = env;
  }

  /** Looks the host's token up (once at a time; a host with none is looked up again next time). */
  load(host: string): Promise<void> {
    if (this.#found.has(host)) return Promise.resolve();
    let looking = this.#looking.get(host);
    if (!looking) {
      looking = discoverToken(this.#env, host)
        .then((token) => {
          if (token) this.#found.set(host, token.token);
        })
        .catch(() => {}) // no token: the session pushes with what git finds itself
        .finally(() => this.#looking.delete(host));
      this.#looking.set(host, looking);
    }
    return looking;
  }

  /** The host's token if known now (a resume does not wait for gh). */
  known(host: string): string | undefined {
    return this.#found.get(host) ?? tokenFromEnv(host, this.#env)?.token;
  }
}
