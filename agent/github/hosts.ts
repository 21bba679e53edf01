import type { Logger } from '../logger.js';
import { GITHUB_COM, githubApiUrl, parseApiUrlOverrides } from './api-url.js';
import { GitHub } from './github.js';

/**
 * One GitHub per host a project lives on (github.com, GitHub Enterprise
 * hosts), each with its own API URL, token, backoff and viewer — so one
 * host's outage or missing token never holds up another's projects.
 */
export class GitHubHosts {
  readonly #env: NodeJS.ProcessEnv;
  readonly #log: Logger;
  readonly #apiUrls: Record<string, string>;
  readonly #byHost = new Map<string, GitHub>();

  constructor(env: NodeJS.ProcessEnv, log: Logger) {
    this.#env = env;
    this.#log = log;
    const { urls, problem } = parseApiUrlOverrides(env.FF_GITHUB_API_URLS);
    if (problem) log.warn(problem);
    this.#apiUrls = urls;
  }

  /** Hosts FF_GITHUB_API_URLS names: GitHub Enterprise Servers the user configured. */
  configuredHosts(): string[] {
    return Object.keys(this.#apiUrls);
  }

  /** The GitHub of a project's host (created on first use, then reused). */
  forHost(host: string = GITHUB_COM): GitHub {
    const name = host.toLowerCase();
    let github = this.#byHost.get(name);
    if (!github) {
      github = new GitHub(this.#env, this.#log, {
        host: name,
        apiUrl: githubApiUrl(name, this.#env, this.#apiUrls),
      });
      this.#byHost.set(name, github);
    }
    return github;
  }
}
