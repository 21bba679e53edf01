import type { Page } from 'puppeteer-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type ExtensionBrowser, launchWithExtension, pairExtension, screenshot } from '../helpers/browser.js';
import { type ManyWorkspaces, manyWorkspaces } from '../helpers/many-workspaces.js';
import { waitFor } from '../helpers/temp.js';

const COUNT = 500;
const row = '[data-testid="ff-workspace"]';
let world: ManyWorkspaces;
let chrome: ExtensionBrowser;
let page: Page | undefined;

beforeAll(async () => {
  world = await manyWorkspaces(COUNT);
  chrome = await launchWithExtension();
  await pairExtension(chrome, world.agent);
}, 180_000);
afterEach(async (context) => {
  if (context.task.result?.state === 'fail' && page)
    await screenshot(page, `popup-many-${context.task.name}`);
  await page?.close().catch(() => {});
  page = undefined;
});
afterAll(async () => {
  await chrome?.close();
  await world?.close();
});

/** Opens the popup and waits for all its workspace rows. */
async function openPopup(): Promise<Page> {
  page = await chrome.openPage('popup.html');
  const popup = page;
  await waitFor(async () => ((await popup.$$(row)).length === COUNT ? true : undefined), {
    what: `${COUNT} workspace rows in the popup`,
    timeoutMs: 30_000,
  });
  return popup;
}

describe(`popup on ${COUNT} workspaces`, () => {
  it('paints every workspace, newest first, while the agent still works out their changes, and the filter finds one', async () => {
    const popup = await openPopup();
    const first = await popup.$eval(row, (el) => el.textContent ?? '');
    expect(first).toMatch(new RegExp(`#${COUNT}\\b.*Task ${COUNT}`));
    await popup.type('[data-testid="ff-filter"]', '#123');
    await waitFor(async () => ((await popup.$$(row)).length === 1 ? true : undefined), {
      what: 'one row for #123',
    });
    expect(await popup.$eval(row, (el) => el.textContent ?? '')).toMatch(/#123\b.*Task 123/);
  }, 60_000);
});
