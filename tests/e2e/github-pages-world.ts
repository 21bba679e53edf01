import { expect } from 'vitest';
import { FakeGitHub } from '../fakes/github/server.js';
import { type ExtensionBrowser, launchWithExtension, pairExtension } from '../helpers/browser.js';
import { type ClaudeWorld, claudeWorld } from '../helpers/claude-fixture.js';
import { GitHubSite } from './github-site.js';

/** What the GitHub pages' e2e tests run against. */
export interface GitHubPagesWorld {
  github: FakeGitHub;
  world: ClaudeWorld;
  site: GitHubSite;
  chrome: ExtensionBrowser;
}

/**
 * The fake GitHub with octo/app, an agent whose Claude answers "On it.", the
 * GitHub-like site and a browser with the extension paired to the agent.
 */
export async function githubPagesWorld(): Promise<GitHubPagesWorld> {
  const github = await new FakeGitHub().start();
  github.addRepo('octo/app');
  const world = await claudeWorld(() => ({ text: 'On it.' }), github.env());
  const site = await new GitHubSite(github).start();
  const chrome = await launchWithExtension(site.chromeArgs());
  await pairExtension(chrome, world.agent);
  return { github, world, site, chrome };
}

/** Closes what `githubPagesWorld` made (what of it was made), and checks every query it got was valid. */
export async function closeGithubPagesWorld(made: Partial<GitHubPagesWorld>): Promise<void> {
  await made.chrome?.close();
  await made.site?.stop();
  await made.world?.close();
  await made.github?.stop();
  if (made.github) expect(made.github.invalid).toEqual([]);
}
