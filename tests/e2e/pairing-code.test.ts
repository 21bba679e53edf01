import type { Page } from 'puppeteer-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type AgentProcess, runCli, spawnAgent } from '../helpers/agent-process.js';
import { type ExtensionBrowser, launchWithExtension, screenshot, waitForText } from '../helpers/browser.js';
import { tempDir } from '../helpers/temp.js';

let chrome: ExtensionBrowser;
let agent: AgentProcess;
let page: Page | undefined;
const home = tempDir();

beforeAll(async () => {
  [chrome, agent] = await Promise.all([launchWithExtension(), spawnAgent(home.path)]);
});
afterEach(async (context) => {
  if (context.task.result?.state === 'fail' && page) await screenshot(page, `pairing-${context.task.name}`);
});
afterAll(async () => {
  await agent?.stop();
  await chrome?.close();
  home.cleanup();
});

const state = '[data-testid="connection-state"]';

/** `ff-agent pair`, as a person runs it in a terminal: the code is read off its output. */
async function pairCode(): Promise<string> {
  const out = await runCli(['pair'], { FF_HOME: home.path });
  expect(out.stdout).toContain(`enter port ${agent.port} and this code`);
  return /Pairing code: ([A-Z2-9]{4}-[A-Z2-9]{4})/.exec(out.stdout)![1]!;
}

/** Options → Port and Code fields (unfolded under "Pair with another agent" while paired), typed key by key, then Enter. */
async function typeIntoOptions(code: string): Promise<Page> {
  const options = await chrome.openPage('options.html');
  await options.waitForSelector('input[name="port"]');
  const folded = await options.$('details:not([open]):has([data-testid="pair-form"]) > summary');
  if (folded) await folded.click();
  await options.click('input[name="port"]', { count: 3 });
  await options.keyboard.press('Backspace');
  await options.keyboard.type(String(agent.port));
  await options.click('input[name="token"]');
  await options.keyboard.type(code);
  await options.keyboard.press('Enter');
  return options;
}

describe('pairing by hand with a code from `ff-agent pair`', () => {
  it('a freshly printed code, typed into Options, connects the extension', async () => {
    const code = await pairCode();
    page = await chrome.openPage('options.html');
    expect(await waitForText(page, state, /Not paired/)).toBeTruthy();
    await page.close();

    // Typed the way people copy it off a terminal: lower case is fine.
    page = await typeIntoOptions(code.toLowerCase());
    await waitForText(page, state, /Connected to ff-agent/);
    expect(await page.$('[data-testid="pair-form"] .error')).toBeNull();
    await screenshot(page, 'options-paired-by-code');
    await page.close();
  });

  it('a code typed a second time says it was already used, and the connection stays', async () => {
    const code = await pairCode();
    page = await typeIntoOptions(code);
    await waitForText(page, state, /Connected to ff-agent/);
    await page.close();

    page = await typeIntoOptions(code);
    await waitForText(page, '[data-testid="pair-form"] .error', /already used.*ff-agent pair/);
    expect(await page.$eval(state, (el) => el.textContent)).toMatch(/Connected to ff-agent/);
    await screenshot(page, 'options-pairing-code-used');
  });

  it('a code this agent never printed says so', async () => {
    page = await typeIntoOptions('ABCD-EFGH');
    await waitForText(page, '[data-testid="pair-form"] .error', /does not know that pairing code/);
  });
});
