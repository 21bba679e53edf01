import type { Page } from 'puppeteer-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type AgentProcess, spawnAgent } from '../helpers/agent-process.js';
import { type ExtensionBrowser, launchWithExtension, screenshot, waitForText } from '../helpers/browser.js';
import { tempDir } from '../helpers/temp.js';

let chrome: ExtensionBrowser;
let page: Page | undefined;
const home = tempDir();
const agents: AgentProcess[] = [];

beforeAll(async () => {
  chrome = await launchWithExtension();
});
afterEach(async (context) => {
  if (context.task.result?.state === 'fail' && page) await screenshot(page, `popup-${context.task.name}`);
});
afterAll(async () => {
  for (const agent of agents) await agent.stop();
  await chrome?.close();
  home.cleanup();
});

const state = '[data-testid="connection-state"]';
/** The one banner: what is wrong, and the next step with its command. */
const banner = '[data-testid="ff-connection"]';

/** Opens the popup and its pairing form (folded away while connected). */
async function openPairForm(): Promise<Page> {
  const popup = await chrome.openPage('popup.html');
  await popup.waitForSelector(state);
  const summary = await popup.$('details > summary');
  if (summary) await summary.click();
  return popup;
}

describe('popup: is the agent reachable?', () => {
  it('pairs with a running agent, says when it stops, and reconnects by itself when it is back', async () => {
    page = await chrome.openPage('popup.html');
    await waitForText(page, state, /Not paired/);
    // Never installed (no native host): the one next step is `ff-agent install`, the form is right here.
    expect(await waitForText(page, banner, /Not paired with ff-agent\./)).toMatch(/ff-agent install$/);

    const agent = await spawnAgent(home.path);
    agents.push(agent);
    await page.$eval('input[name="port"]', (el) => {
      (el as HTMLInputElement).value = '';
    });
    await page.type('input[name="port"]', String(agent.port));
    await page.type('input[name="token"]', agent.token);
    await page.click('button[type="submit"]');
    await waitForText(page, state, /Connected to ff-agent 0\.1\.0/);
    await screenshot(page, 'popup-connected');

    await agent.stop();
    await waitForText(page, banner, /ff-agent is not running\..*ff-agent install/);

    // Same home, same port, same token: the extension finds it again without any click.
    const again = await spawnAgent(home.path, { args: ['--port', String(agent.port)] });
    agents.push(again);
    await waitForText(page, state, /Connected to ff-agent/, 20_000);
  }, 60_000);

  it('a wrong token is reported as not paired, not as a missing agent', async () => {
    const agent = agents.at(-1)!;
    page = await openPairForm();
    await page.$eval('input[name="port"]', (el) => {
      (el as HTMLInputElement).value = '';
    });
    await page.type('input[name="port"]', String(agent.port));
    await page.type('input[name="token"]', '0'.repeat(64));
    await page.click('button[type="submit"]');
    await waitForText(page, banner, /refused the pairing this browser has.*ff-agent pair/);
  });

  it('a malformed code or token is caught in the form', async () => {
    page = await openPairForm();
    await page.type('input[name="token"]', 'not-a-token');
    await page.click('button[type="submit"]');
    await waitForText(
      page,
      '.error',
      /the code ff-agent pair prints \(like K7F2-9QX4\), or the 64-character token/,
    );
  });
});
